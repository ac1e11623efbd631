# unit tests of src/cli (everything below ui)
check_PROGRAMS += tests/unit/cli/test_output
tests_unit_cli_test_output_SOURCES = tests/unit/cli/test_output.c
tests_unit_cli_test_output_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_cli_test_output_LDADD = libcli.a libcore.a $(CMOCKA_LIBS)
TESTS += tests/unit/cli/test_output
