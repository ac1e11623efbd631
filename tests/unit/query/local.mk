# unit tests of src/query: linked with libquery.a and libcore.a only, plus
# SQLite for the tests that run the SQL backend in a real database (the
# query library itself never includes sqlite3.h).

QUERY_TEST_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/query
QUERY_TEST_LIBS = libquery.a libcore.a $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/query/test_parse
tests_unit_query_test_parse_SOURCES = tests/unit/query/test_parse.c
tests_unit_query_test_parse_CPPFLAGS = $(QUERY_TEST_CPPFLAGS)
tests_unit_query_test_parse_LDADD = $(QUERY_TEST_LIBS)
TESTS += tests/unit/query/test_parse

check_PROGRAMS += tests/unit/query/test_text
tests_unit_query_test_text_SOURCES = tests/unit/query/test_text.c
tests_unit_query_test_text_CPPFLAGS = $(QUERY_TEST_CPPFLAGS)
tests_unit_query_test_text_LDADD = $(QUERY_TEST_LIBS)
TESTS += tests/unit/query/test_text

check_PROGRAMS += tests/unit/query/test_match
tests_unit_query_test_match_SOURCES = tests/unit/query/test_match.c
tests_unit_query_test_match_CPPFLAGS = $(QUERY_TEST_CPPFLAGS)
tests_unit_query_test_match_LDADD = $(QUERY_TEST_LIBS)
TESTS += tests/unit/query/test_match

check_PROGRAMS += tests/unit/query/test_sql
tests_unit_query_test_sql_SOURCES = tests/unit/query/test_sql.c \
	tests/unit/query/sqlite_fns.c tests/unit/query/sqlite_fns.h
tests_unit_query_test_sql_CPPFLAGS = $(QUERY_TEST_CPPFLAGS) $(SQLITE_CFLAGS)
tests_unit_query_test_sql_LDADD = $(QUERY_TEST_LIBS) $(SQLITE_LIBS)
TESTS += tests/unit/query/test_sql

check_PROGRAMS += tests/unit/query/test_imap
tests_unit_query_test_imap_SOURCES = tests/unit/query/test_imap.c
tests_unit_query_test_imap_CPPFLAGS = $(QUERY_TEST_CPPFLAGS)
tests_unit_query_test_imap_LDADD = $(QUERY_TEST_LIBS)
TESTS += tests/unit/query/test_imap

check_PROGRAMS += tests/unit/query/test_agree
tests_unit_query_test_agree_SOURCES = tests/unit/query/test_agree.c \
	tests/unit/query/sqlite_fns.c tests/unit/query/sqlite_fns.h
tests_unit_query_test_agree_CPPFLAGS = $(QUERY_TEST_CPPFLAGS) $(SQLITE_CFLAGS)
tests_unit_query_test_agree_LDADD = $(QUERY_TEST_LIBS) $(SQLITE_LIBS)
TESTS += tests/unit/query/test_agree
