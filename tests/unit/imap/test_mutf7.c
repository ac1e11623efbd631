/*
 * Unit tests for src/imap/mutf7.c: modified UTF-7 mailbox names.
 *
 * The expected encodings were worked out by hand from RFC 3501 section
 * 5.1.3 (UTF-16 big-endian, base64 with ',' for '/', zero padding bits), not
 * produced by the code under test. Every rejection the strict decoder
 * documents has a case here, with the offset it must report, and the
 * round-trip tests pin the invariant the imap layer relies on:
 * encode(decode(x)) == x for every x that decodes.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/core.h"
#include "mutf7.h"

struct pair {
	const char *mutf7;
	const char *utf8;
};

/* Canonical pairs: each side converts to the other, both ways. */
static const struct pair pairs[] = {
	{ "", "" },
	{ "INBOX", "INBOX" },
	{ "~peter/mail/&U,BTFw-/&ZeVnLIqe-",
	    "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e" },
	{ "Envoy&AOk-s", "Envoy\xc3\xa9s" },
	{ "&AMk-l&AOk-ments envoy&AOk-s",
	    "\xc3\x89l\xc3\xa9ments envoy\xc3\xa9s" },
	{ "&-", "&" },
	{ "a&-b&-&-", "a&b&&" },
	{ "&AOk-&-", "\xc3\xa9&" },
	{ "&U,A--", "\xe5\x8f\xb0-" },
	/* U+1F600 as the pair D83D DE00. */
	{ "&2D3eAA-", "\xf0\x9f\x98\x80" },
	{ "Fun &2D3eAA- mail", "Fun \xf0\x9f\x98\x80 mail" },
	/* U+00E9 U+1F600: a BMP character and a pair in one run. */
	{ "&AOnYPd4A-", "\xc3\xa9\xf0\x9f\x98\x80" },
	/* The extremes: U+FFFF and U+10FFFF. */
	{ "&,,8-", "\xef\xbf\xbf" },
	{ "&2,,f,w-", "\xf4\x8f\xbf\xbf" },
	/* Control characters are not printable, so they are encoded. */
	{ "a&AAk-b", "a\tb" },
	{ "&AH8-", "\x7f" },
	{ "&AAEAAgAD-", "\x01\x02\x03" },
};

static void
test_decode_pairs(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	size_t i;
	char *out;

	for (i = 0; i < FCT_ARRAY_LEN(pairs); i++) {
		out = NULL;
		assert_int_equal(imap_mutf7_decode(pairs[i].mutf7, &out, &err),
		    0);
		assert_null(err.msg);
		assert_string_equal(out, pairs[i].utf8);
		free(out);
	}
}

static void
test_encode_pairs(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	size_t i;
	char *out;

	for (i = 0; i < FCT_ARRAY_LEN(pairs); i++) {
		out = NULL;
		assert_int_equal(imap_mutf7_encode(pairs[i].utf8, &out, &err),
		    0);
		assert_null(err.msg);
		assert_string_equal(out, pairs[i].mutf7);
		free(out);
	}
}

struct bad {
	const char *in;
	const char *msg; /* the whole expected error message */
};

static const struct bad bad_mutf7[] = {
	/* Outside the modified base64 alphabet. */
	{ "&U/BTFw-",
	    "cannot decode mailbox name '&U/BTFw-': bad base64 character '/'"
	    " at offset 2" },
	{ "&AOk=-",
	    "cannot decode mailbox name '&AOk=-': bad base64 character '='"
	    " at offset 4" },
	{ "&AO\xc3\xa9-",
	    "cannot decode mailbox name '&AO\\xc3\\xa9-': byte 0xc3 in base64"
	    " at offset 3" },
	/* A '&' that never closes. */
	{ "&U,BTFw",
	    "cannot decode mailbox name '&U,BTFw': unterminated '&'"
	    " at offset 0" },
	{ "abc&",
	    "cannot decode mailbox name 'abc&': unterminated '&'"
	    " at offset 3" },
	/* Raw bytes that RFC 3501 says must be encoded. */
	{ "Envoy\xc3\xa9s",
	    "cannot decode mailbox name 'Envoy\\xc3\\xa9s': byte 0xc3 is not"
	    " printable ASCII at offset 5" },
	{ "a\tb",
	    "cannot decode mailbox name 'a\\x09b': byte 0x09 is not printable"
	    " ASCII at offset 1" },
	{ "\x7f",
	    "cannot decode mailbox name '\\x7f': byte 0x7f is not printable"
	    " ASCII at offset 0" },
	/* Encoded characters that should have been written as themselves. */
	{ "&AGE-",
	    "cannot decode mailbox name '&AGE-': printable character 'a' is"
	    " base64-encoded at offset 3" },
	{ "&ACY-",
	    "cannot decode mailbox name '&ACY-': printable character '&' is"
	    " base64-encoded at offset 3" },
	{ "&AOkAIA-",
	    "cannot decode mailbox name '&AOkAIA-': printable character ' ' is"
	    " base64-encoded at offset 6" },
	{ "&AAA-",
	    "cannot decode mailbox name '&AAA-': encoded U+0000 at offset 3" },
	/* Surrogates out of place. */
	{ "&2D0-",
	    "cannot decode mailbox name '&2D0-': unpaired high surrogate"
	    " at offset 3" },
	{ "&3gA-",
	    "cannot decode mailbox name '&3gA-': unpaired low surrogate"
	    " at offset 3" },
	{ "&2D0A6Q-",
	    "cannot decode mailbox name '&2D0A6Q-': unpaired high surrogate"
	    " at offset 3" },
	{ "&3gDYPQ-",
	    "cannot decode mailbox name '&3gDYPQ-': unpaired low surrogate"
	    " at offset 3" },
	{ "&2D3YPQ-",
	    "cannot decode mailbox name '&2D3YPQ-': unpaired high surrogate"
	    " at offset 3" },
	/* A pair split over two runs: the first run ends unpaired. */
	{ "&2D0-&3gA-",
	    "cannot decode mailbox name '&2D0-&3gA-': unpaired high surrogate"
	    " at offset 3" },
	/* Bits left over that the encoder would not have written. */
	{ "&AOl-",
	    "cannot decode mailbox name '&AOl-': non-zero padding bits"
	    " at offset 3" },
	{ "&AOkA-",
	    "cannot decode mailbox name '&AOkA-': superfluous base64 character"
	    " at offset 4" },
	{ "&A-",
	    "cannot decode mailbox name '&A-': superfluous base64 character"
	    " at offset 1" },
	{ "&AA-",
	    "cannot decode mailbox name '&AA-': superfluous base64 character"
	    " at offset 2" },
	/* Two runs back to back: "&AOkA6Q-" is the one spelling. */
	{ "&AOk-&AOk-",
	    "cannot decode mailbox name '&AOk-&AOk-': base64 run right after"
	    " another at offset 5" },
	/* Backslashes are quoted too, so the message is unambiguous. */
	{ "a\\\xff",
	    "cannot decode mailbox name 'a\\x5c\\xff': byte 0xff is not"
	    " printable ASCII at offset 2" },
};

static void
test_decode_rejects(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	size_t i;
	char *out;

	for (i = 0; i < FCT_ARRAY_LEN(bad_mutf7); i++) {
		out = (char *)"untouched";
		assert_int_equal(imap_mutf7_decode(bad_mutf7[i].in, &out, &err),
		    -1);
		assert_null(out);
		assert_string_equal(fct_error_msg(&err), bad_mutf7[i].msg);
		fct_error_release(&err);
	}
}

static void
test_decode_null_err(void **state)
{
	char *out;

	/* err may be NULL when the caller only needs the verdict. */
	assert_int_equal(imap_mutf7_decode("&", &out, NULL), -1);
	assert_null(out);
}

static void
test_lenient_valid(void **state)
{
	size_t i;
	char *out;

	/* On canonical input the lenient decoder agrees with the strict one. */
	for (i = 0; i < FCT_ARRAY_LEN(pairs); i++) {
		out = imap_mutf7_decode_lenient(pairs[i].mutf7);
		assert_string_equal(out, pairs[i].utf8);
		free(out);
	}
}

static const struct pair lenient_repairs[] = {
	/* Servers that send raw UTF-8: kept as it is. */
	{ "Envoy\xc3\xa9s", "Envoy\xc3\xa9s" },
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
	/* Bytes that are not UTF-8 either: one U+FFFD each. */
	{ "a\xff!", "a\xef\xbf\xbd!" },
	{ "\xc3", "\xef\xbf\xbd" },
	{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	/* Control characters are valid UTF-8: the UI escapes them. */
	{ "a\tb", "a\tb" },
	/* A '&' that starts no run is shown as itself. */
	{ "&U/BTFw-", "&U/BTFw-" },
	{ "a&U,BTFw", "a&U,BTFw" },
	{ "Tom & Jerry", "Tom & Jerry" },
	{ "&", "&" },
	/* ...and a good run after it still decodes. */
	{ "&/&AOk-", "&/\xc3\xa9" },
	/* Non-canonical but decodable. */
	{ "&AGE-", "a" },
	{ "&AOl-", "\xc3\xa9" },
	{ "&AOkA-", "\xc3\xa9" },
	{ "&A-", "" },
	{ "&AOk-&AOk-", "\xc3\xa9\xc3\xa9" },
	/* Unpaired surrogates and NUL: U+FFFD. */
	{ "&2D0-", "\xef\xbf\xbd" },
	{ "&3gA-", "\xef\xbf\xbd" },
	{ "&2D0A6Q-", "\xef\xbf\xbd\xc3\xa9" },
	{ "&2D0-&3gA-", "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "&2D3YPd4A-", "\xef\xbf\xbd\xf0\x9f\x98\x80" },
	{ "&AAA-", "\xef\xbf\xbd" },
};

static void
test_lenient_repairs(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	size_t i;
	char *out, *again;

	for (i = 0; i < FCT_ARRAY_LEN(lenient_repairs); i++) {
		out = imap_mutf7_decode_lenient(lenient_repairs[i].mutf7);
		assert_string_equal(out, lenient_repairs[i].utf8);
		/* Always valid UTF-8: the encoder accepts it. */
		assert_int_equal(imap_mutf7_encode(out, &again, &err), 0);
		free(again);
		free(out);
	}
}

static const struct bad bad_utf8[] = {
	{ "\x80",
	    "cannot encode mailbox name '\\x80': invalid UTF-8 at offset 0" },
	{ "ab\xc3",
	    "cannot encode mailbox name 'ab\\xc3': invalid UTF-8 at offset 2" },
	/* Truncated inside a run: the run before it is not enough. */
	{ "\xc3\xa9\xe6\x97",
	    "cannot encode mailbox name '\\xc3\\xa9\\xe6\\x97': invalid UTF-8"
	    " at offset 2" },
	{ "\xc3(",
	    "cannot encode mailbox name '\\xc3(': invalid UTF-8"
	    " at offset 0" },
	/* Overlong forms of '/' and of U+0000. */
	{ "\xc0\xaf",
	    "cannot encode mailbox name '\\xc0\\xaf': invalid UTF-8"
	    " at offset 0" },
	{ "\xe0\x80\xaf",
	    "cannot encode mailbox name '\\xe0\\x80\\xaf': invalid UTF-8"
	    " at offset 0" },
	{ "\xf0\x80\x80\x80",
	    "cannot encode mailbox name '\\xf0\\x80\\x80\\x80': invalid UTF-8"
	    " at offset 0" },
	{ "\xc1\xbf",
	    "cannot encode mailbox name '\\xc1\\xbf': invalid UTF-8"
	    " at offset 0" },
	/* UTF-16 surrogates written as UTF-8 (CESU-8). */
	{ "\xed\xa0\xbd\xed\xb8\x80",
	    "cannot encode mailbox name '\\xed\\xa0\\xbd\\xed\\xb8\\x80':"
	    " invalid UTF-8 at offset 0" },
	/* Beyond U+10FFFF. */
	{ "\xf4\x90\x80\x80",
	    "cannot encode mailbox name '\\xf4\\x90\\x80\\x80': invalid UTF-8"
	    " at offset 0" },
	{ "x\xf5\x80\x80\x80",
	    "cannot encode mailbox name 'x\\xf5\\x80\\x80\\x80': invalid UTF-8"
	    " at offset 1" },
	{ "\xff",
	    "cannot encode mailbox name '\\xff': invalid UTF-8"
	    " at offset 0" },
};

static void
test_encode_rejects(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	size_t i;
	char *out;

	for (i = 0; i < FCT_ARRAY_LEN(bad_utf8); i++) {
		out = (char *)"untouched";
		assert_int_equal(imap_mutf7_encode(bad_utf8[i].in, &out, &err),
		    -1);
		assert_null(out);
		assert_string_equal(fct_error_msg(&err), bad_utf8[i].msg);
		fct_error_release(&err);
	}
}

/* Writes cp as UTF-8 into buf (5 bytes at least), NUL-terminated. */
static void
utf8_of(uint32_t cp, char *buf)
{
	unsigned char *b = (unsigned char *)buf;

	if (cp < 0x80) {
		*b++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*b++ = (unsigned char)(0xc0 | cp >> 6);
		*b++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*b++ = (unsigned char)(0xe0 | cp >> 12);
		*b++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*b++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*b++ = (unsigned char)(0xf0 | cp >> 18);
		*b++ = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		*b++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*b++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	*b = '\0';
}

/*
 * Every Unicode scalar value, alone and framed by ASCII so that runs start
 * and end at every bit offset: encoding then strict decoding gives the
 * input back, and re-encoding the decoded name gives the same bytes.
 */
static void
test_round_trip_all_scalars(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	char name[32], *enc, *dec, *enc2;
	uint32_t cp;

	for (cp = 1; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		name[0] = 'x';
		utf8_of(cp, name + 1);
		/* Two of the character make the run cross a unit boundary. */
		if (cp % 3 == 0)
			utf8_of(cp, name + strlen(name));
		strcat(name, "y");
		assert_int_equal(imap_mutf7_encode(name, &enc, &err), 0);
		if (imap_mutf7_decode(enc, &dec, &err) != 0)
			fail_msg("%s", fct_error_msg(&err));
		assert_string_equal(dec, name);
		assert_int_equal(imap_mutf7_encode(dec, &enc2, &err), 0);
		assert_string_equal(enc2, enc);
		free(enc2);
		free(dec);
		free(enc);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_pairs),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_decode_null_err),
		cmocka_unit_test(test_lenient_valid),
		cmocka_unit_test(test_lenient_repairs),
		cmocka_unit_test(test_encode_pairs),
		cmocka_unit_test(test_encode_rejects),
		cmocka_unit_test(test_round_trip_all_scalars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
