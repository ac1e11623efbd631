# store: the SQLite cache. Depends on query and core.
noinst_LIBRARIES += libstore.a
libstore_a_SOURCES = \
	src/store/body.c \
	src/store/db.c \
	src/store/folder.c \
	src/store/func.c \
	src/store/job.c \
	src/store/msg.c \
	src/store/private.h \
	src/store/query.c \
	src/store/schema.c \
	src/store/version.c
libstore_a_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
# The outbox: messages on their way to the server (schema step 'outbox').
libstore_a_SOURCES += src/store/outbox.c
# Addresses seen in the cache, for completion while composing.
libstore_a_SOURCES += src/store/address.c
