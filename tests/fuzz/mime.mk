# libFuzzer targets for src/mime: the renderer (fuzz_render) and the HTML
# converter with the mailcap lookup (fuzz_html), built with
# --enable-fuzzing like the targets of local.mk. They link libmime.a and
# libcore.a only. Seeds in tests/fuzz/corpus/fuzz_render and fuzz_html.

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_render tests/fuzz/fuzz_html

tests_fuzz_fuzz_render_SOURCES = tests/fuzz/fuzz_render.c
tests_fuzz_fuzz_render_CPPFLAGS = $(AM_CPPFLAGS) $(GMIME_CFLAGS)
tests_fuzz_fuzz_render_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_render_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_render_LDADD = libmime.a libcore.a $(GMIME_LIBS) \
	$(LIBXML_LIBS)

tests_fuzz_fuzz_html_SOURCES = tests/fuzz/fuzz_html.c
tests_fuzz_fuzz_html_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_html_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_html_LDADD = libmime.a libcore.a $(GMIME_LIBS) $(LIBXML_LIBS)
endif

EXTRA_DIST += tests/fuzz/render.dict tests/fuzz/html.dict
