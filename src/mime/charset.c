/*
 * Charset conversion of bodies to UTF-8, with iconv, forgiving of what
 * real senders do: labels that lie (Latin-1 sent as "utf-8", Windows
 * quotes sent as "iso-8859-1"), labels nobody knows, no label at all.
 * The rule is that every input byte comes out as something: a converted
 * character or U+FFFD, never a cut-off body (GMime's own charset filter
 * drops what it cannot convert, which is why bodies are converted here).
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "private.h"

static const char replacement[] = "\xef\xbf\xbd";

static bool
is_latin1(const char *cs)
{
	static const char *const names[] = { "iso-8859-1", "iso8859-1",
		"iso_8859-1", "iso-8859-1:1987", "iso_8859-1:1987", "latin1",
		"latin-1", "l1", "cp819", "ibm819", "8859-1", "iso-ir-100",
		"csisolatin1", "iso8859_1" };
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(names); i++)
		if (strcasecmp(cs, names[i]) == 0)
			return true;
	return false;
}

static bool
is_ascii_or_unknown(const char *cs)
{
	return cs == NULL || *cs == '\0' || strcasecmp(cs, "us-ascii") == 0 ||
	    strcasecmp(cs, "ascii") == 0 ||
	    strcasecmp(cs, "ansi_x3.4-1968") == 0 ||
	    strcasecmp(cs, "unknown-8bit") == 0 ||
	    strcasecmp(cs, "x-unknown") == 0 || strcasecmp(cs, "unknown") == 0;
}

static bool
is_utf8(const char *cs)
{
	return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0;
}

const char *
mime_charset_fix(const char *charset)
{
	if (charset == NULL || is_ascii_or_unknown(charset))
		return NULL;
	if (is_latin1(charset))
		return "windows-1252";
	return charset;
}

/*
 * Counts the valid multibyte and the invalid sequences of s; ASCII
 * (NUL included) counts as neither.
 */
static void
utf8_census(const char *s, size_t len, size_t *good, size_t *bad)
{
	size_t i = 0;
	gunichar u;

	*good = *bad = 0;
	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		u = g_utf8_get_char_validated(s + i, (gssize)(len - i));
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			(*bad)++;
			i++;
		} else {
			(*good)++;
			i += (size_t)g_utf8_skip[(unsigned char)s[i]];
		}
	}
}

/* Copies s as UTF-8, each byte of an invalid sequence as U+FFFD. */
static void
utf8_lossy(struct strbuf *out, const char *s, size_t len)
{
	size_t i = 0, n;
	gunichar u;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			strbuf_addch(out, s[i++]);
			continue;
		}
		u = g_utf8_get_char_validated(s + i, (gssize)(len - i));
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			strbuf_addstr(out, replacement);
			i++;
			continue;
		}
		n = (size_t)g_utf8_skip[(unsigned char)s[i]];
		strbuf_add(out, s + i, n);
		i += n;
	}
}

/*
 * iconv, byte by byte through what it rejects. Returns -1 (nothing
 * appended) when iconv does not know the charset.
 */
static int
convert(struct strbuf *out, const char *s, size_t len, const char *from)
{
	char buf[4096];
	char *in = (char *)s, *o;
	size_t inleft = len, oleft;
	iconv_t cd;

	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1)
		return -1;
	while (inleft > 0) {
		o = buf;
		oleft = sizeof buf;
		if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1) {
			strbuf_add(out, buf, (size_t)(o - buf));
			continue;
		}
		strbuf_add(out, buf, (size_t)(o - buf));
		if (errno == E2BIG)
			continue;
		/* EILSEQ (a byte it cannot read) or EINVAL (a sequence cut
		 * at the end): one U+FFFD for one byte, then go on. */
		strbuf_addstr(out, replacement);
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	/* Flush any shift state (ISO-2022-JP back to ASCII). */
	o = buf;
	oleft = sizeof buf;
	if (iconv(cd, NULL, NULL, &o, &oleft) != (size_t)-1)
		strbuf_add(out, buf, (size_t)(o - buf));
	iconv_close(cd);
	return 0;
}

static void
windows_1252(struct strbuf *out, const char *s, size_t len)
{
	if (convert(out, s, len, "WINDOWS-1252") != 0)
		utf8_lossy(out, s, len);
}

void
mime_charset_to_utf8(struct strbuf *out, const char *bytes, size_t len,
    const char *charset)
{
	const char *name;
	size_t good, bad;

	if (charset == NULL || is_ascii_or_unknown(charset) ||
	    is_utf8(charset)) {
		utf8_census(bytes, len, &good, &bad);
		if (bad == 0)
			strbuf_add(out, bytes, len);
		else if (good == 0 || !(charset != NULL && is_utf8(charset)))
			windows_1252(out, bytes, len);
		else
			utf8_lossy(out, bytes, len);
		return;
	}
	if (is_latin1(charset)) {
		windows_1252(out, bytes, len);
		return;
	}
	name = g_mime_charset_iconv_name(charset);
	if (convert(out, bytes, len, name != NULL ? name : charset) == 0)
		return;
	/* A charset iconv does not know: guess as for no label. */
	mime_charset_to_utf8(out, bytes, len, NULL);
}
