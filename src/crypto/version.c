/* The GPGME library behind src/crypto, for `facteur --version`. */
#include "config.h"

#include <gpgme.h>

#include "facteur/crypto.h"

const char *
crypto_library_version(void)
{
	const char *v = gpgme_check_version(NULL);

	return v != NULL ? v : "unknown";
}
