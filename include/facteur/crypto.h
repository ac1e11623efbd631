/*
 * crypto: PGP through GPGME (verify, decrypt, sign, encrypt). Grows with the
 * PGP issue; today it only reports the GPGME it runs with.
 */
#ifndef FACTEUR_CRYPTO_CRYPTO_H
#define FACTEUR_CRYPTO_CRYPTO_H

/*
 * Initialises GPGME once and returns its version; borrowed, static. Call it
 * first from the main thread (gpgme_check_version is not thread-safe before
 * the first call).
 */
const char *crypto_library_version(void);

#endif
