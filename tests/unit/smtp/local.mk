# unit tests of src/smtp: linked with libsmtp.a and the layers below only.
# EHLO parsing and naming, AUTH, STARTTLS refusals and the trace, against a
# scripted peer on a socketpair.
check_PROGRAMS += tests/unit/smtp/test_session
tests_unit_smtp_test_session_SOURCES = tests/unit/smtp/test_session.c \
	tests/unit/net/peer.c tests/unit/net/peer.h
tests_unit_smtp_test_session_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/smtp \
	-I$(top_srcdir)/tests/unit/net
tests_unit_smtp_test_session_LDADD = libsmtp.a libnet.a libcore.a \
	$(CMOCKA_LIBS) $(LIBETPAN_LIBS) $(OPENSSL_LIBS) $(AX_PTHREAD_LIBS)
TESTS += tests/unit/smtp/test_session
# Submitting messages (src/smtp/send.c) against the scripted peer.
check_PROGRAMS += tests/unit/smtp/test_send
tests_unit_smtp_test_send_SOURCES = tests/unit/smtp/test_send.c \
	tests/unit/net/peer.c tests/unit/net/peer.h
tests_unit_smtp_test_send_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/smtp \
	-I$(top_srcdir)/tests/unit/net
tests_unit_smtp_test_send_LDADD = libsmtp.a libnet.a libcore.a \
	$(CMOCKA_LIBS) $(LIBETPAN_LIBS) $(OPENSSL_LIBS) $(AX_PTHREAD_LIBS)
TESTS += tests/unit/smtp/test_send
