# sync: keeps the store in step with the servers. Depends on imap, store,
# mime, query, net, core.
noinst_LIBRARIES += libsync.a
libsync_a_SOURCES = \
	src/sync/account.c \
	src/sync/body.c \
	src/sync/folder.c \
	src/sync/job.c
# The account workers: one thread per account, queues in and out.
libsync_a_SOURCES += src/sync/worker.c
# Folder jobs: create, rename, delete, (un)subscribe.
libsync_a_SOURCES += src/sync/folderjob.c src/sync/private.h
# Copies run once, even replayed after a crash.
libsync_a_SOURCES += src/sync/copyguard.c
