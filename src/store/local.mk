# store: the SQLite cache. Depends on query and core.
noinst_LIBRARIES += libstore.a
libstore_a_SOURCES = \
	src/store/body.c \
	src/store/db.c \
	src/store/folder.c \
	src/store/func.c \
	src/store/job.c \
	src/store/msg.c \
	src/store/pop.c \
	src/store/private.h \
	src/store/query.c \
	src/store/rules.c \
	src/store/schema.c \
	src/store/view.c \
	src/store/version.c
libstore_a_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
# Renaming folders with their cached messages (folder jobs).
libstore_a_SOURCES += src/store/rename.c
# The outbox: messages on their way to the server (schema step 'outbox').
libstore_a_SOURCES += src/store/outbox.c
# A job's notes in its payload (copy intent, src/sync/copyguard.c).
libstore_a_SOURCES += src/store/jobnote.c
# Addresses seen in the cache, for completion while composing.
libstore_a_SOURCES += src/store/address.c
