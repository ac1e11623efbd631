# crypto: GPGME. Depends on core. (Named libcrypto_fct.a so that it is never
# mistaken for OpenSSL's libcrypto.)
noinst_LIBRARIES += libcrypto_fct.a
libcrypto_fct_a_SOURCES = src/crypto/version.c
libcrypto_fct_a_CPPFLAGS = $(AM_CPPFLAGS) $(GPGME_CFLAGS)
