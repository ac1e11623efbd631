# net: TCP, verified TLS, credentials. Depends on core; OpenSSL, libetpan.
noinst_LIBRARIES += libnet.a
libnet_a_SOURCES = \
	src/net/base64.c \
	src/net/connect.c \
	src/net/cred.c \
	src/net/tls.c \
	src/net/trace.c
libnet_a_CPPFLAGS = $(AM_CPPFLAGS) $(OPENSSL_CFLAGS)
