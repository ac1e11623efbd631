# sync: keeps the store in step with the servers. Depends on imap, store,
# mime, query, net, core.
noinst_LIBRARIES += libsync.a
libsync_a_SOURCES = \
	src/sync/account.c \
	src/sync/body.c \
	src/sync/folder.c \
	src/sync/job.c \
	src/sync/local.c \
	src/sync/pop.c
# The account workers: one thread per account, queues in and out.
libsync_a_SOURCES += src/sync/worker.c
