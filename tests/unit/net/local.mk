# unit tests of src/net (net and core only)
check_PROGRAMS += tests/unit/net/test_cred
tests_unit_net_test_cred_SOURCES = tests/unit/net/test_cred.c
tests_unit_net_test_cred_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_net_test_cred_LDADD = libnet.a libcore.a $(CMOCKA_LIBS) \
	$(LIBETPAN_LIBS) $(OPENSSL_LIBS)
TESTS += tests/unit/net/test_cred
