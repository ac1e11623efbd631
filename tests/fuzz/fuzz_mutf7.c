/*
 * libFuzzer target for src/imap/mutf7.c: mailbox names come straight from
 * the server, so the decoder reads hostile bytes.
 *
 * Beyond "does not crash", the target checks the properties the imap layer
 * relies on, and aborts when one fails:
 *  - a name the strict decoder accepts re-encodes to the same bytes, and the
 *    lenient decoder gives the same text for it;
 *  - the lenient decoder always returns valid UTF-8 (the encoder, which
 *    validates its input, accepts it);
 *  - read as UTF-8, the input either is rejected by the encoder or encodes
 *    to a name that decodes back to it.
 * Links libimap.a and libcore.a only.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/core.h"
#include "mutf7.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An oracle failed: abort, so that libFuzzer saves the input. */
#define CHECK(cond)                                                 \
	do {                                                        \
		if (!(cond))                                        \
			BUG("fuzz_mutf7: check failed: %s", #cond); \
	} while (0)

static void
check_decoding(const char *in)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *strict, *lenient, *again;
	int rc;

	rc = imap_mutf7_decode(in, &strict, &err);
	lenient = imap_mutf7_decode_lenient(in);
	if (rc == 0) {
		CHECK(err.msg == NULL);
		CHECK(strcmp(strict, lenient) == 0);
		CHECK(imap_mutf7_encode(strict, &again, &err) == 0);
		CHECK(strcmp(again, in) == 0);
		free(again);
	} else {
		CHECK(rc == -1 && strict == NULL && err.msg != NULL);
		fct_error_release(&err);
	}
	CHECK(imap_mutf7_encode(lenient, &again, &err) == 0);
	free(again);
	free(lenient);
	free(strict);
}

static void
check_encoding(const char *in)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *enc, *dec;

	if (imap_mutf7_encode(in, &enc, &err) != 0) {
		CHECK(enc == NULL && err.msg != NULL);
		fct_error_release(&err);
		return;
	}
	CHECK(imap_mutf7_decode(enc, &dec, &err) == 0);
	CHECK(strcmp(dec, in) == 0);
	free(dec);
	free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in;

	/* The API takes C strings: the name ends at the first NUL. */
	in = xmalloc(size + 1);
	memcpy(in, data, size);
	in[size] = '\0';
	check_decoding(in);
	check_encoding(in);
	free(in);
	return 0;
}
