# unit tests of src/sync: linked with libsync.a and the layers below it.
SYNC_TEST_LDADD = libsync.a librules.a libimap.a libsmtp.a libpop.a libstore.a \
	libquery.a libmime.a \
	libnet.a libcore.a $(CMOCKA_LIBS) $(LIBETPAN_LIBS) $(OPENSSL_LIBS) \
	$(GMIME_LIBS) $(LIBXML_LIBS) $(SQLITE_LIBS) $(AX_PTHREAD_LIBS)

check_PROGRAMS += tests/unit/sync/test_worker
tests_unit_sync_test_worker_SOURCES = tests/unit/sync/test_worker.c
tests_unit_sync_test_worker_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_sync_test_worker_LDADD = $(SYNC_TEST_LDADD)
TESTS += tests/unit/sync/test_worker

check_PROGRAMS += tests/unit/sync/test_rules
tests_unit_sync_test_rules_SOURCES = tests/unit/sync/test_rules.c
tests_unit_sync_test_rules_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_sync_test_rules_LDADD = $(SYNC_TEST_LDADD)
TESTS += tests/unit/sync/test_rules
# Composing and the outbox, without a server.
check_PROGRAMS += tests/unit/sync/test_compose
tests_unit_sync_test_compose_SOURCES = tests/unit/sync/test_compose.c
tests_unit_sync_test_compose_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_sync_test_compose_LDADD = $(SYNC_TEST_LDADD)
TESTS += tests/unit/sync/test_compose
# Saving parts and mailcap command lines (src/sync/attach.c).
check_PROGRAMS += tests/unit/sync/test_attach
tests_unit_sync_test_attach_SOURCES = tests/unit/sync/test_attach.c
tests_unit_sync_test_attach_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_sync_test_attach_LDADD = $(SYNC_TEST_LDADD)
TESTS += tests/unit/sync/test_attach
