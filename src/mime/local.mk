# mime: GMime 3 and libxml2, no I/O. Depends on core.
noinst_LIBRARIES += libmime.a
libmime_a_SOURCES = \
	src/mime/charset.c \
	src/mime/html.c \
	src/mime/mailcap.c \
	src/mime/private.h \
	src/mime/render.c \
	src/mime/attach.c \
	src/mime/summary.c \
	src/mime/term.c \
	src/mime/text.c \
	src/mime/version.c
libmime_a_CPPFLAGS = $(AM_CPPFLAGS) $(GMIME_CFLAGS) $(LIBXML_CFLAGS)
# Outgoing messages: the editable form, building, preparing for submission.
libmime_a_SOURCES += src/mime/compose.c
