# sync: keeps the store in step with the servers. Depends on imap, store,
# mime, query, net, core.
noinst_LIBRARIES += libsync.a
libsync_a_SOURCES = \
	src/sync/account.c \
	src/sync/body.c \
	src/sync/folder.c \
	src/sync/job.c \
	src/sync/rules.c \
	src/sync/local.c \
	src/sync/pop.c
# The account workers: one thread per account, queues in and out.
libsync_a_SOURCES += src/sync/worker.c
# Folder jobs: create, rename, delete, (un)subscribe.
libsync_a_SOURCES += src/sync/folderjob.c src/sync/private.h
# Sending: the outbox, SMTP submission, the copy in Sent.
libsync_a_SOURCES += src/sync/send.c
# Composing: drafts for new mail, replies, forwards, resumed drafts.
libsync_a_SOURCES += src/sync/compose.c
# Copies run once, even replayed after a crash.
libsync_a_SOURCES += src/sync/copyguard.c
# Saving parts and finding mailcap viewers (show and the pager).
libsync_a_SOURCES += src/sync/attach.c
# A message's row from its raw header (IMAP sync and POP3 share it).
libsync_a_SOURCES += src/sync/msg.c
# The job writer: jobs handed to a worker are in the store at once.
libsync_a_SOURCES += src/sync/jobwriter.c
# The sync's writer thread: a batch written while the next is fetched.
libsync_a_SOURCES += src/sync/pipe.c
