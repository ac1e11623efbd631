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
	src/store/schema.c \
	src/store/version.c
libstore_a_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
