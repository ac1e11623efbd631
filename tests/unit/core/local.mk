# unit tests of src/core: they link libcore.a alone, since core depends on
# libc only.

check_PROGRAMS += tests/unit/core/test_config
tests_unit_core_test_config_SOURCES = tests/unit/core/test_config.c
tests_unit_core_test_config_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_core_test_config_LDADD = libcore.a $(CMOCKA_LIBS)
TESTS += tests/unit/core/test_config

check_PROGRAMS += tests/unit/core/test_strbuf
tests_unit_core_test_strbuf_SOURCES = tests/unit/core/test_strbuf.c
tests_unit_core_test_strbuf_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_core_test_strbuf_LDADD = libcore.a $(CMOCKA_LIBS)
TESTS += tests/unit/core/test_strbuf

check_PROGRAMS += tests/unit/core/test_util
tests_unit_core_test_util_SOURCES = tests/unit/core/test_util.c
tests_unit_core_test_util_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_core_test_util_LDADD = libcore.a $(CMOCKA_LIBS)
TESTS += tests/unit/core/test_util

check_PROGRAMS += tests/unit/core/test_queue
tests_unit_core_test_queue_SOURCES = tests/unit/core/test_queue.c
tests_unit_core_test_queue_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_core_test_queue_LDADD = libcore.a $(CMOCKA_LIBS) $(AX_PTHREAD_LIBS)
TESTS += tests/unit/core/test_queue

check_PROGRAMS += tests/unit/core/test_alias
tests_unit_core_test_alias_SOURCES = tests/unit/core/test_alias.c
tests_unit_core_test_alias_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_core_test_alias_LDADD = libcore.a $(CMOCKA_LIBS)
TESTS += tests/unit/core/test_alias
