# unit tests of src/ui that need no terminal: key tables, the sanitiser,
# rights badges. They may include src/ui/private.h.
check_PROGRAMS += tests/unit/ui/test_keys
tests_unit_ui_test_keys_SOURCES = tests/unit/ui/test_keys.c
tests_unit_ui_test_keys_CPPFLAGS = $(UNIT_CPPFLAGS) $(NCURSES_CFLAGS) \
	-I$(top_srcdir)/src/ui
tests_unit_ui_test_keys_LDADD = libui.a libsync.a libimap.a libpop.a \
	libsmtp.a libnet.a libstore.a libquery.a libmime.a libcore.a \
	$(NCURSES_LIBS) $(LIBETPAN_LIBS) $(OPENSSL_LIBS) $(GMIME_LIBS) \
	$(SQLITE_LIBS) $(LIBXML_LIBS) $(AX_PTHREAD_LIBS) $(CMOCKA_LIBS)
TESTS += tests/unit/ui/test_keys

# The index's lister: lists built on a real store, and its thread.
check_PROGRAMS += tests/unit/ui/test_lister
tests_unit_ui_test_lister_SOURCES = tests/unit/ui/test_lister.c
tests_unit_ui_test_lister_CPPFLAGS = $(UNIT_CPPFLAGS) $(NCURSES_CFLAGS) \
	-I$(top_srcdir)/src/ui
tests_unit_ui_test_lister_LDADD = $(tests_unit_ui_test_keys_LDADD)
TESTS += tests/unit/ui/test_lister
