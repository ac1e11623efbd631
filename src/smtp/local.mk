# smtp: SMTP submission sessions on libetpan. Depends on net and core;
# OpenSSL for base64 and for wiping the AUTH lines.
noinst_LIBRARIES += libsmtp.a
libsmtp_a_SOURCES = \
	src/smtp/ehlo.c \
	src/smtp/private.h \
	src/smtp/send.c \
	src/smtp/session.c
libsmtp_a_CPPFLAGS = $(AM_CPPFLAGS) $(OPENSSL_CFLAGS)
