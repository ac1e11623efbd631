# unit tests of src/imap: linked with libimap.a and the layers below only.

check_PROGRAMS += tests/unit/imap/test_mutf7
tests_unit_imap_test_mutf7_SOURCES = tests/unit/imap/test_mutf7.c
tests_unit_imap_test_mutf7_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/imap
tests_unit_imap_test_mutf7_LDADD = libimap.a libcore.a $(CMOCKA_LIBS)
TESTS += tests/unit/imap/test_mutf7

# IDLE, NOOP, STATUS and cancel against a scripted peer on a socketpair.
check_PROGRAMS += tests/unit/imap/test_idle
tests_unit_imap_test_idle_SOURCES = tests/unit/imap/test_idle.c
tests_unit_imap_test_idle_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/imap
tests_unit_imap_test_idle_LDADD = libimap.a libnet.a libquery.a libcore.a $(CMOCKA_LIBS) \
	$(LIBETPAN_LIBS) $(OPENSSL_LIBS) $(AX_PTHREAD_LIBS)
TESTS += tests/unit/imap/test_idle

# AUTHENTICATE PLAIN/OAUTHBEARER/XOAUTH2, LOGIN, token retry, against the
# shared scripted peer.
check_PROGRAMS += tests/unit/imap/test_auth
tests_unit_imap_test_auth_SOURCES = tests/unit/imap/test_auth.c \
	tests/unit/net/peer.c tests/unit/net/peer.h
tests_unit_imap_test_auth_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/imap \
	-I$(top_srcdir)/tests/unit/net
tests_unit_imap_test_auth_LDADD = libimap.a libnet.a libquery.a libcore.a $(CMOCKA_LIBS) \
	$(LIBETPAN_LIBS) $(OPENSSL_LIBS) $(AX_PTHREAD_LIBS)
TESTS += tests/unit/imap/test_auth
# APPEND (the Sent copy, drafts) against the shared scripted peer.
check_PROGRAMS += tests/unit/imap/test_append
tests_unit_imap_test_append_SOURCES = tests/unit/imap/test_append.c \
	tests/unit/net/peer.c tests/unit/net/peer.h
tests_unit_imap_test_append_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/imap \
	-I$(top_srcdir)/tests/unit/net
tests_unit_imap_test_append_LDADD = libimap.a libnet.a libquery.a libcore.a \
	$(CMOCKA_LIBS) $(LIBETPAN_LIBS) $(OPENSSL_LIBS) $(AX_PTHREAD_LIBS)
TESTS += tests/unit/imap/test_append
