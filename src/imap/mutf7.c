/*
 * Modified UTF-7 mailbox names (RFC 3501 section 5.1.3), to and from UTF-8.
 *
 * The format: printable US-ASCII (0x20-0x7e) stands for itself, except '&',
 * which is written "&-". Every other character is written as UTF-16 (with
 * surrogate pairs above U+FFFF), in base64 with ',' instead of '/' and no
 * '=' padding, between '&' and '-'. So "Envoyés" is "Envoy&AOk-s".
 *
 * Design. One decoder serves both the strict and the lenient entry points:
 * it walks the name once, and at each place where the input departs from
 * the canonical form it either fails (strict) or repairs (lenient). Keeping
 * one walk means the two modes cannot drift apart on what is well-formed.
 * Strict decoding rejects every non-canonical spelling (encoded ASCII, stray
 * padding bits, adjacent runs), because the encoder below never produces
 * them: a name the decoder accepts therefore re-encodes to the same bytes,
 * which the fuzz target checks. The encoder validates its UTF-8 input fully
 * rather than passing bad bytes through, since the server would store
 * whatever we send as the folder's name for good.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>

#include "facteur/core.h"
#include "mutf7.h"

/* RFC 3501's base64 alphabet: RFC 2045's with ',' in place of '/'. */
static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

#define REPLACEMENT_CHAR 0xfffdu

/*
 * One pass over a mailbox name. In strict mode the first problem is
 * recorded in err and ends the pass; in lenient mode err is unused.
 * Invariant: out is valid UTF-8 with no NUL after every step.
 */
struct mutf7_decoder {
	const char *in; /* the whole name, borrowed, quoted in messages */
	bool strict;
	struct fct_error *err;
	struct strbuf out;
};

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == ',')
		return 63;
	return -1;
}

/* Characters that RFC 3501 writes as themselves ('&' aside). */
static bool
is_direct(uint32_t c)
{
	return c >= 0x20 && c <= 0x7e;
}

static void
utf8_put(struct strbuf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		strbuf_addch(sb, (int)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (int)(0xc0 | cp >> 6));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (int)(0xe0 | cp >> 12));
		strbuf_addch(sb, (int)(0x80 | (cp >> 6 & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(sb, (int)(0xf0 | cp >> 18));
		strbuf_addch(sb, (int)(0x80 | (cp >> 12 & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp >> 6 & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	}
}

/*
 * Reads the UTF-8 sequence at s into *cp and returns its length, or returns
 * 0 when s does not start a well-formed sequence. The byte ranges are those
 * of Unicode's table 3-7, which exclude overlong forms, surrogates and code
 * points above U+10FFFF. A NUL is never a continuation byte, so this stops
 * at the end of a C string by itself.
 */
static size_t
utf8_get(const unsigned char *s, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	uint32_t v;
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xc2) {
		return 0;
	} else if (s[0] < 0xe0) {
		n = 2;
		v = s[0] & 0x1f;
	} else if (s[0] < 0xf0) {
		n = 3;
		v = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] < 0xf5) {
		n = 4;
		v = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return n;
}

/* Appends s with every byte outside printable ASCII written as \xNN. */
static void
quote_bytes(struct strbuf *sb, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (is_direct(*p) && *p != '\\')
			strbuf_addch(sb, *p);
		else
			strbuf_addf(sb, "\\x%02x", *p);
	}
}

/*
 * Records "cannot <verb> mailbox name '<name>': <what> at offset <off>"
 * and returns -1.
 */
static int fail(struct fct_error *err, const char *verb, const char *name,
    size_t off, const char *fmt, ...) FCT_PRINTF(5, 6);

static int
fail(struct fct_error *err, const char *verb, const char *name, size_t off,
    const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (err == NULL)
		return -1;
	strbuf_addf(&sb, "cannot %s mailbox name '", verb);
	quote_bytes(&sb, name);
	strbuf_addstr(&sb, "': ");
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addf(&sb, " at offset %zu", off);
	fct_error_set(err, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

/* Fails the decoding; lenient mode has no err, so nothing is recorded. */
#define DECODE_FAIL(d, off, ...) \
	fail((d)->err, "decode", (d)->in, (off), __VA_ARGS__)

/* Appends one decoded character that came out of a base64 run. */
static int
put_decoded(struct mutf7_decoder *d, uint32_t cp, size_t at)
{
	if (cp == 0) {
		if (d->strict)
			return DECODE_FAIL(d, at, "encoded U+0000");
		cp = REPLACEMENT_CHAR;
	} else if (is_direct(cp) && d->strict) {
		return DECODE_FAIL(d, at,
		    "printable character '%c' is base64-encoded", (int)cp);
	}
	utf8_put(&d->out, cp);
	return 0;
}

/*
 * Decodes the base64 run whose first character is at in[*pos] (just after
 * its '&'), through its closing '-', and moves *pos past that '-'. Returns
 * -1 in strict mode on any problem. In lenient mode it returns -1 only when
 * the run is not base64 at all (a character outside the alphabet, or no
 * '-'), and leaves the output as it was before the run, so that the caller
 * can show the run as plain text.
 */
static int
decode_run(struct mutf7_decoder *d, size_t *pos)
{
	const unsigned char *in = (const unsigned char *)d->in;
	size_t rollback = d->out.len, p, high_at = 0;
	uint32_t bits = 0, unit, high = 0, cp;
	unsigned nbits = 0;
	int v;

	for (p = *pos; in[p] != '-'; p++) {
		if (in[p] == '\0') {
			strbuf_setlen(&d->out, rollback);
			return DECODE_FAIL(d, *pos - 1, "unterminated '&'");
		}
		if ((v = b64_value(in[p])) < 0) {
			strbuf_setlen(&d->out, rollback);
			if (is_direct(in[p]))
				return DECODE_FAIL(d, p,
				    "bad base64 character '%c'", in[p]);
			return DECODE_FAIL(d, p, "byte 0x%02x in base64",
			    in[p]);
		}
		/* bits keeps under 16 pending bits, so this cannot overflow. */
		bits = bits << 6 | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		unit = bits >> nbits;
		bits &= (1u << nbits) - 1;

		if (high != 0) {
			if (unit >= 0xdc00 && unit <= 0xdfff) {
				cp = 0x10000 + ((high - 0xd800) << 10) +
				    (unit - 0xdc00);
				if (put_decoded(d, cp, high_at) < 0)
					return -1;
				high = 0;
				continue;
			}
			if (d->strict)
				return DECODE_FAIL(d, high_at,
				    "unpaired high surrogate");
			utf8_put(&d->out, REPLACEMENT_CHAR);
			high = 0;
		}
		if (unit >= 0xd800 && unit <= 0xdbff) {
			high = unit;
			high_at = p;
		} else if (unit >= 0xdc00 && unit <= 0xdfff) {
			if (d->strict)
				return DECODE_FAIL(d, p,
				    "unpaired low surrogate");
			utf8_put(&d->out, REPLACEMENT_CHAR);
		} else if (put_decoded(d, unit, p) < 0) {
			return -1;
		}
	}

	if (high != 0) {
		if (d->strict)
			return DECODE_FAIL(d, high_at,
			    "unpaired high surrogate");
		utf8_put(&d->out, REPLACEMENT_CHAR);
	}
	/*
	 * The encoder pads the last 16-bit unit with zero bits up to a whole
	 * base64 character, so fewer than 6 bits may be left and all zero.
	 * A run that never completed a unit ("&A-") lands here too.
	 */
	if (d->strict && nbits >= 6)
		return DECODE_FAIL(d, p - 1, "superfluous base64 character");
	if (d->strict && bits != 0)
		return DECODE_FAIL(d, p - 1, "non-zero padding bits");
	*pos = p + 1;
	return 0;
}

static int
decode(struct mutf7_decoder *d)
{
	const unsigned char *in = (const unsigned char *)d->in;
	size_t i = 0, after_run = SIZE_MAX, n, p;
	uint32_t cp;

	while (in[i] != '\0') {
		if (in[i] == '&' && in[i + 1] == '-') {
			strbuf_addch(&d->out, '&');
			i += 2;
		} else if (in[i] == '&') {
			/* The encoder would have merged the two runs. */
			if (d->strict && i == after_run)
				return DECODE_FAIL(d, i,
				    "base64 run right after another");
			p = i + 1;
			if (decode_run(d, &p) == 0) {
				i = after_run = p;
			} else if (d->strict) {
				return -1;
			} else {
				strbuf_addch(&d->out, '&');
				i++;
			}
		} else if (is_direct(in[i])) {
			strbuf_addch(&d->out, in[i]);
			i++;
		} else if (d->strict) {
			return DECODE_FAIL(d, i,
			    "byte 0x%02x is not printable ASCII", in[i]);
		} else if ((n = utf8_get(in + i, &cp)) > 0) {
			strbuf_add(&d->out, in + i, n);
			i += n;
		} else {
			utf8_put(&d->out, REPLACEMENT_CHAR);
			i++;
		}
	}
	return 0;
}

int
imap_mutf7_decode(const char *in, char **out, struct fct_error *err)
{
	struct mutf7_decoder d = { in, true, err, STRBUF_INIT };

	*out = NULL;
	if (decode(&d) < 0) {
		strbuf_release(&d.out);
		return -1;
	}
	*out = strbuf_detach(&d.out, NULL);
	return 0;
}

char *
imap_mutf7_decode_lenient(const char *in)
{
	struct mutf7_decoder d = { in, false, NULL, STRBUF_INIT };

	if (decode(&d) < 0)
		BUG("lenient modified UTF-7 decoding failed on '%s'", in);
	return strbuf_detach(&d.out, NULL);
}

/*
 * Base64 output state for one run: bits holds the nbits (< 6) bits not yet
 * written.
 */
struct b64_writer {
	uint32_t bits;
	unsigned nbits;
};

static void
b64_put_unit(struct strbuf *sb, struct b64_writer *w, uint32_t unit)
{
	w->bits = w->bits << 16 | unit;
	w->nbits += 16;
	while (w->nbits >= 6) {
		w->nbits -= 6;
		strbuf_addch(sb, b64_alphabet[w->bits >> w->nbits & 0x3f]);
	}
	w->bits &= (1u << w->nbits) - 1;
}

/* Writes the last bits padded with zeros, then the closing '-'. */
static void
b64_finish(struct strbuf *sb, struct b64_writer *w)
{
	if (w->nbits > 0) {
		w->bits <<= 6 - w->nbits;
		strbuf_addch(sb, b64_alphabet[w->bits & 0x3f]);
	}
	strbuf_addch(sb, '-');
}

int
imap_mutf7_encode(const char *utf8, char **out, struct fct_error *err)
{
	const unsigned char *s = (const unsigned char *)utf8;
	struct strbuf sb = STRBUF_INIT;
	struct b64_writer w;
	size_t i = 0, n;
	uint32_t cp;

	*out = NULL;
	while (s[i] != '\0') {
		if ((n = utf8_get(s + i, &cp)) == 0) {
			strbuf_release(&sb);
			return fail(err, "encode", utf8, i, "invalid UTF-8");
		}
		if (cp == '&') {
			strbuf_addstr(&sb, "&-");
			i++;
			continue;
		}
		if (is_direct(cp)) {
			strbuf_addch(&sb, (int)cp);
			i++;
			continue;
		}
		/* One run for all the characters up to the next direct one. */
		strbuf_addch(&sb, '&');
		w.bits = 0;
		w.nbits = 0;
		do {
			if (cp >= 0x10000) {
				b64_put_unit(&sb, &w,
				    0xd800 + ((cp - 0x10000) >> 10));
				b64_put_unit(&sb, &w, 0xdc00 + (cp & 0x3ff));
			} else {
				b64_put_unit(&sb, &w, cp);
			}
			i += n;
		} while ((n = utf8_get(s + i, &cp)) > 0 && cp != 0 &&
		    !is_direct(cp));
		b64_finish(&sb, &w);
	}
	*out = strbuf_detach(&sb, NULL);
	return 0;
}
