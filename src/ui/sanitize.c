/*
 * The one way text from a message or a server reaches the terminal
 * (STYLE.md rule 31), and width-aware drawing of the result.
 *
 * A header or a body may carry escape sequences that would drive the
 * terminal (move the cursor, retitle the window, paste into the shell),
 * bidirectional overrides that make text read differently from what it
 * is, or bytes that are not UTF-8. ui_sanitize turns each of these into
 * something visible and inert: C0 controls become ^X, DEL ^?, C1 controls
 * and bidi controls U+FFFD, invalid bytes U+FFFD (fct_utf8_sanitize).
 * NEEDSWORK: the mime layer's mime_term_sanitize (mime branch) is meant
 * to be the shared implementation; once merged, ui_sanitize calls it.
 */
#include "config.h"

#include <curses.h>
#include <string.h>
#include <wchar.h>

#include "private.h"
#include "draw.h"

static bool
is_bidi_control(unsigned cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The code point of the valid UTF-8 sequence at s, and its length. */
static unsigned
utf8_next(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return ((unsigned)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0) {
		*len = 3;
		return ((unsigned)(s[0] & 0x0f) << 12) |
		    ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
	}
	*len = 4;
	return ((unsigned)(s[0] & 0x07) << 18) |
	    ((unsigned)(s[1] & 0x3f) << 12) | ((unsigned)(s[2] & 0x3f) << 6) |
	    (s[3] & 0x3f);
}

void
ui_sanitize(struct strbuf *out, const char *s)
{
	struct strbuf valid = STRBUF_INIT;
	const unsigned char *p;
	unsigned cp;
	size_t len;

	if (s == NULL)
		return;
	fct_utf8_sanitize(&valid, s);
	for (p = (const unsigned char *)valid.buf; *p != '\0'; p += len) {
		cp = utf8_next(p, &len);
		if (cp == '\t' || cp == '\n' || cp == '\r')
			strbuf_addch(out, ' ');
		else if (cp < 0x20) {
			strbuf_addch(out, '^');
			strbuf_addch(out, (int)(cp + 0x40));
		} else if (cp == 0x7f)
			strbuf_addstr(out, "^?");
		else if ((cp >= 0x80 && cp < 0xa0) || is_bidi_control(cp))
			strbuf_addstr(out, "\xef\xbf\xbd");
		else
			strbuf_add(out, p, len);
	}
	strbuf_release(&valid);
}

int
ui_put(int y, int x, const char *s, int width, bool pad)
{
	mbstate_t mbs;
	wchar_t wc;
	size_t n, left = strlen(s);
	int used = 0, w;

	if (width <= 0)
		return 0;
	move(y, x);
	memset(&mbs, 0, sizeof mbs);
	while (left > 0) {
		n = mbrtowc(&wc, s, left, &mbs);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
			break;
		w = wcwidth(wc);
		if (w < 0)
			w = 1, wc = L'?';
		if (used + w > width)
			break;
		if (w > 0 || used > 0)
			addnwstr(&wc, 1);
		used += w;
		s += n;
		left -= n;
	}
	while (pad && used < width) {
		addch(' ');
		used++;
	}
	return used;
}

int
ui_put_sanitized(int y, int x, const char *s, int width, bool pad)
{
	struct strbuf sb = STRBUF_INIT;
	int used;

	ui_sanitize(&sb, s);
	used = ui_put(y, x, sb.buf, width, pad);
	strbuf_release(&sb);
	return used;
}

int
ui_width(const char *s)
{
	mbstate_t mbs;
	wchar_t wc;
	size_t n, left = strlen(s);
	int used = 0, w;

	memset(&mbs, 0, sizeof mbs);
	while (left > 0) {
		n = mbrtowc(&wc, s, left, &mbs);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
			break;
		w = wcwidth(wc);
		used += w < 0 ? 1 : w;
		s += n;
		left -= n;
	}
	return used;
}
