# unit tests of src/rules: they link librules.a and the layers below it
# (query, core) only.

check_PROGRAMS += tests/unit/rules/test_parse
tests_unit_rules_test_parse_SOURCES = tests/unit/rules/test_parse.c
tests_unit_rules_test_parse_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_rules_test_parse_LDADD = librules.a libquery.a libcore.a $(CMOCKA_LIBS)
TESTS += tests/unit/rules/test_parse

check_PROGRAMS += tests/unit/rules/test_eval
tests_unit_rules_test_eval_SOURCES = tests/unit/rules/test_eval.c
tests_unit_rules_test_eval_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_rules_test_eval_LDADD = librules.a libquery.a libcore.a $(CMOCKA_LIBS)
TESTS += tests/unit/rules/test_eval

check_PROGRAMS += tests/unit/rules/test_sieve
tests_unit_rules_test_sieve_SOURCES = tests/unit/rules/test_sieve.c
tests_unit_rules_test_sieve_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_rules_test_sieve_LDADD = librules.a libquery.a libcore.a $(CMOCKA_LIBS)
TESTS += tests/unit/rules/test_sieve
