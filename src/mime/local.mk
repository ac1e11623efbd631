# mime: GMime 3 and libxml2, no I/O. Depends on core.
noinst_LIBRARIES += libmime.a
libmime_a_SOURCES = \
	src/mime/attach.c \
	src/mime/summary.c \
	src/mime/text.c \
	src/mime/version.c
libmime_a_CPPFLAGS = $(AM_CPPFLAGS) $(GMIME_CFLAGS) $(LIBXML_CFLAGS)
