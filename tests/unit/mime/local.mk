# unit tests of src/mime (mime and core only)
check_PROGRAMS += tests/unit/mime/test_mime
tests_unit_mime_test_mime_SOURCES = tests/unit/mime/test_mime.c
tests_unit_mime_test_mime_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_mime_test_mime_LDADD = libmime.a libcore.a $(CMOCKA_LIBS) \
	$(GMIME_LIBS) $(LIBXML_LIBS)
TESTS += tests/unit/mime/test_mime
# building outgoing messages (src/mime/compose.c)
check_PROGRAMS += tests/unit/mime/test_compose
tests_unit_mime_test_compose_SOURCES = tests/unit/mime/test_compose.c
tests_unit_mime_test_compose_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_mime_test_compose_LDADD = libmime.a libcore.a $(CMOCKA_LIBS) \
	$(GMIME_LIBS) $(LIBXML_LIBS)
TESTS += tests/unit/mime/test_compose
