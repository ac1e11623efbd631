# unit tests of src/mime (mime and core only)
check_PROGRAMS += tests/unit/mime/test_mime
tests_unit_mime_test_mime_SOURCES = tests/unit/mime/test_mime.c
tests_unit_mime_test_mime_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_mime_test_mime_LDADD = libmime.a libcore.a $(CMOCKA_LIBS) \
	$(GMIME_LIBS) $(LIBXML_LIBS)
TESTS += tests/unit/mime/test_mime
# terminal sanitising, safe file names, mailcap, HTML to text
check_PROGRAMS += tests/unit/mime/test_term
tests_unit_mime_test_term_SOURCES = tests/unit/mime/test_term.c
tests_unit_mime_test_term_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_mime_test_term_LDADD = libmime.a libcore.a $(CMOCKA_LIBS) \
	$(GMIME_LIBS) $(LIBXML_LIBS)
TESTS += tests/unit/mime/test_term
# the renderer's API as the pager uses it
check_PROGRAMS += tests/unit/mime/test_render
tests_unit_mime_test_render_SOURCES = tests/unit/mime/test_render.c
tests_unit_mime_test_render_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_mime_test_render_LDADD = libmime.a libcore.a $(CMOCKA_LIBS) \
	$(GMIME_LIBS) $(LIBXML_LIBS)
TESTS += tests/unit/mime/test_render
# building outgoing messages (src/mime/compose.c)
check_PROGRAMS += tests/unit/mime/test_compose
tests_unit_mime_test_compose_SOURCES = tests/unit/mime/test_compose.c
tests_unit_mime_test_compose_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_mime_test_compose_LDADD = libmime.a libcore.a $(CMOCKA_LIBS) \
	$(GMIME_LIBS) $(LIBXML_LIBS)
TESTS += tests/unit/mime/test_compose
