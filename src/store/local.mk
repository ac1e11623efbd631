# store: the SQLite cache. Depends on core.
noinst_LIBRARIES += libstore.a
libstore_a_SOURCES = src/store/version.c
libstore_a_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
