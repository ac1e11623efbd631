# unit tests of src/pop: linked with libpop.a and the layers below only.
# The line parsers, and sessions against a scripted peer on a socketpair.
check_PROGRAMS += tests/unit/pop/test_session
tests_unit_pop_test_session_SOURCES = tests/unit/pop/test_session.c \
	tests/unit/net/peer.c tests/unit/net/peer.h
tests_unit_pop_test_session_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/pop \
	-I$(top_srcdir)/tests/unit/net
tests_unit_pop_test_session_LDADD = libpop.a libnet.a libcore.a \
	$(CMOCKA_LIBS) $(LIBETPAN_LIBS) $(OPENSSL_LIBS) $(AX_PTHREAD_LIBS)
TESTS += tests/unit/pop/test_session
