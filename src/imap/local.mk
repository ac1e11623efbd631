noinst_LIBRARIES += libimap.a
libimap_a_SOURCES = src/imap/placeholder.c
