# sieve: a ManageSieve client (RFC 5804) on libetpan's streams. Depends on
# net and core.
noinst_LIBRARIES += libsieve.a
libsieve_a_SOURCES = \
	src/sieve/private.h \
	src/sieve/session.c
