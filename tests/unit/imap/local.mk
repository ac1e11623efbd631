# unit tests of src/imap: linked with libimap.a and the layers below only.

check_PROGRAMS += tests/unit/imap/test_mutf7
tests_unit_imap_test_mutf7_SOURCES = tests/unit/imap/test_mutf7.c
tests_unit_imap_test_mutf7_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/imap
tests_unit_imap_test_mutf7_LDADD = libimap.a libcore.a $(CMOCKA_LIBS)
TESTS += tests/unit/imap/test_mutf7
