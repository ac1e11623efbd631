# unit tests of src/sieve: linked with libsieve.a and the layers below only.
# STARTTLS required before any credential, against a scripted peer.
check_PROGRAMS += tests/unit/sieve/test_session
tests_unit_sieve_test_session_SOURCES = tests/unit/sieve/test_session.c \
	tests/unit/net/peer.c tests/unit/net/peer.h
tests_unit_sieve_test_session_CPPFLAGS = $(UNIT_CPPFLAGS) \
	-I$(top_srcdir)/src/sieve -I$(top_srcdir)/tests/unit/net
tests_unit_sieve_test_session_LDADD = libsieve.a libnet.a libcore.a \
	$(CMOCKA_LIBS) $(LIBETPAN_LIBS) $(OPENSSL_LIBS) $(AX_PTHREAD_LIBS)
TESTS += tests/unit/sieve/test_session
