/*
 * Terminal safety: the one place where text from a message becomes text
 * for a terminal. A message must never drive the terminal (escape
 * sequences that retitle the window, move the cursor or answer back) nor
 * lie about what it shows (bidi overrides that reverse a file name's
 * extension), so every code point that is not plainly printable is either
 * shown in an inert visible form or, for a few harmless invisible ones,
 * dropped. UTF-8 is decoded with GLib (GMime's own base); widths come
 * from wcwidth(3), as the terminal computes them.
 */
#include "config.h"

#include <stdint.h>
#include <wchar.h>

#include <glib.h>

#include "private.h"

static const char replacement[] = "\xef\xbf\xbd";

/* Code points that are shown as <U+XXXX> rather than written. */
static bool
shown_escaped(gunichar c)
{
	return (c >= 0x80 && c <= 0x9f) ||    /* C1 controls (CSI...) */
	    (c >= 0x202a && c <= 0x202e) ||   /* bidi embed/override */
	    (c >= 0x2066 && c <= 0x2069) ||   /* bidi isolates */
	    c == 0x2028 || c == 0x2029 ||     /* line/paragraph sep. */
	    (c >= 0xfff9 && c <= 0xfffb) ||   /* interlinear annotation */
	    (c >= 0xe0000 && c <= 0xe007f) || /* tag characters */
	    (c & 0xfffe) == 0xfffe ||         /* non-characters */
	    (c >= 0xfdd0 && c <= 0xfdef);
}

static size_t
char_width(gunichar c)
{
	int w = wcwidth((wchar_t)c);

	/* An unknown character (or a non-UTF-8 locale) counts one column:
	 * an estimate, never a control, since those are escaped first. */
	return w < 0 ? 1 : (size_t)w;
}

void
mime_term_sanitize(struct strbuf *out, const char *s, size_t len,
    unsigned flags, size_t *colp)
{
	size_t col = colp != NULL ? *colp : 0, i = 0, k;
	unsigned char c;
	gunichar u;
	char esc[16];
	int n;

	while (i < len) {
		c = (unsigned char)s[i];
		if (c == '\t') {
			for (k = 8 - col % 8; k > 0; k--, col++)
				strbuf_addch(out, ' ');
			i++;
		} else if (c == '\r' && (i + 1 == len || s[i + 1] == '\n')) {
			i++;
		} else if (c == '\n' && (flags & MIME_TERM_KEEP_NEWLINES)) {
			strbuf_addch(out, '\n');
			col = 0;
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addch(out, '^');
			strbuf_addch(out, c == 0x7f ? '?' : c + 0x40);
			col += 2;
			i++;
		} else if (c < 0x80) {
			strbuf_addch(out, c);
			col++;
			i++;
		} else {
			u = g_utf8_get_char_validated(s + i, (gssize)(len - i));
			if (u == (gunichar)-1 || u == (gunichar)-2) {
				strbuf_addstr(out, replacement);
				col++;
				i++;
				continue;
			}
			n = g_utf8_skip[c];
			if (u == 0xfeff) {
				/* A byte order mark: invisible and harmless. */
			} else if (shown_escaped(u)) {
				n = snprintf(esc, sizeof esc, "<U+%04X>",
				    (unsigned)u);
				strbuf_add(out, esc, (size_t)n);
				col += (size_t)n;
				n = g_utf8_skip[c];
			} else {
				strbuf_add(out, s + i, (size_t)n);
				col += char_width(u);
			}
			i += (size_t)n;
		}
	}
	if (colp != NULL)
		*colp = col;
}

size_t
mime_term_width(const char *s)
{
	size_t w = 0;
	gunichar u;

	while (*s != '\0') {
		u = g_utf8_get_char_validated(s, -1);
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			w++;
			s++;
			continue;
		}
		w += u < 0x80 ? 1 : char_width(u);
		s = g_utf8_next_char(s);
	}
	return w;
}

/*
 * Breaks text at spaces so that each line fits width columns with its
 * prefix; a word longer than a line gets a line of its own, uncut (a URL
 * must stay copyable).
 */
void
mime_wrap(const char *text, unsigned width, const char *prefix,
    const char *cont, void (*emit)(void *arg, const char *line), void *arg)
{
	struct strbuf line = STRBUF_INIT, word = STRBUF_INIT;
	const char *p = text, *start;
	size_t col, wcol;
	bool has_word = false;

	strbuf_addstr(&line, prefix);
	col = mime_term_width(prefix);
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ' ')
			p++;
		strbuf_reset(&word);
		strbuf_add(&word, start, (size_t)(p - start));
		wcol = mime_term_width(word.buf);
		if (has_word && width > 0 && col + 1 + wcol > width) {
			emit(arg, line.buf);
			strbuf_reset(&line);
			strbuf_addstr(&line, cont);
			col = mime_term_width(cont);
			has_word = false;
		}
		if (has_word) {
			strbuf_addch(&line, ' ');
			col++;
		}
		strbuf_add(&line, word.buf, word.len);
		col += wcol;
		has_word = true;
	}
	emit(arg, line.buf);
	strbuf_release(&line);
	strbuf_release(&word);
}
