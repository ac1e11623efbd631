/*
 * Text matching: the one primitive every backend uses for text fields, so
 * that the store's SQL (which calls it back as a registered function) and
 * the in-memory matcher cannot disagree.
 *
 * Design. A pattern is matched as a glob anchored nowhere: there is an
 * implicit `*` before and after it. The matcher is the classic greedy glob
 * with one backtrack point: on a mismatch, the last `*` seen absorbs one
 * more character and matching resumes after it. That is enough for `*` and
 * `?` (each segment between stars is matched at its leftmost place, which
 * never loses a match), runs in O(text * pattern) at worst, and needs no
 * memory: both strings are decoded on the fly, with case folding applied
 * to each character as it is read. Invalid UTF-8 bytes become characters
 * of their own (QUERY_BAD_BYTE + byte), so that matching is total and a
 * stray byte matches only itself.
 */
#include "config.h"

#include <string.h>

#include "facteur/core.h"
#include "private.h"

static bool
is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t
query_utf8_next(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf && is_cont(s[1])) {
		*cp = (c & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef && is_cont(s[1]) && is_cont(s[2])) {
		uint32_t v = (c & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 |
		    (s[2] & 0x3f);
		/* Overlong forms and UTF-16 surrogates are not characters. */
		if (v >= 0x800 && (v < 0xd800 || v > 0xdfff)) {
			*cp = v;
			return 3;
		}
	}
	if (c >= 0xf0 && c <= 0xf4 && is_cont(s[1]) && is_cont(s[2]) &&
	    is_cont(s[3])) {
		uint32_t v = (c & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
		    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		if (v >= 0x10000 && v <= 0x10ffff) {
			*cp = v;
			return 4;
		}
	}
	*cp = QUERY_BAD_BYTE + c;
	return 1;
}

uint32_t
query_fold(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 0x20;
	/* Latin-1 capitals À..Þ map to à..þ 32 code points on; × has no case. */
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 0x20;
	if (cp == 0x178) /* Ÿ, whose small letter ÿ is in Latin-1 */
		return 0xff;
	return cp;
}

enum pat_tok {
	PAT_END,
	PAT_STAR,
	PAT_ONE,
	PAT_CHAR,
};

/* Reads the pattern token at pattern + *p, advancing *p past it. */
static enum pat_tok
pat_next(const char *pattern, size_t *p, uint32_t *cp)
{
	const char *s = pattern + *p;

	switch (*s) {
	case '\0':
		return PAT_END;
	case '*':
		(*p)++;
		return PAT_STAR;
	case '?':
		(*p)++;
		return PAT_ONE;
	case '\\':
		/* A lone trailing backslash stands for itself. */
		if (s[1] != '\0') {
			(*p)++;
			s++;
		}
		break;
	}
	*p += query_utf8_next(s, cp);
	*cp = query_fold(*cp);
	return PAT_CHAR;
}

bool
query_text_match(const char *text, const char *pattern)
{
	size_t t = 0, p = 0, star_t = 0, star_p = 0, np;
	enum pat_tok tok;
	uint32_t pc, tc;
	size_t tlen;

	if (pattern == NULL)
		BUG("query_text_match: NULL pattern");
	if (text == NULL)
		return false;
	for (;;) {
		np = p;
		tok = pat_next(pattern, &np, &pc);
		if (tok == PAT_STAR) {
			p = star_p = np;
			star_t = t;
			continue;
		}
		if (tok == PAT_END)
			return true; /* the implicit trailing star */
		if (text[t] == '\0')
			return false; /* later starts only have less text */
		tlen = query_utf8_next(text + t, &tc);
		if (tok == PAT_ONE || query_fold(tc) == pc) {
			p = np;
			t += tlen;
			continue;
		}
		/* Let the last star (or the implicit leading one) take one
		 * more character, and try again after it. */
		if (text[star_t] == '\0')
			return false;
		star_t += query_utf8_next(text + star_t, &tc);
		t = star_t;
		p = star_p;
	}
}

void
query_pattern_add_literal(struct strbuf *pat, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (query_pattern_special((unsigned char)s[i]))
			strbuf_addch(pat, '\\');
		strbuf_addch(pat, s[i]);
	}
}

bool
query_pattern_literal(const char *pattern, char **run)
{
	struct strbuf cur = STRBUF_INIT, best = STRBUF_INIT;
	size_t cur_chars = 0, best_chars = 0, nruns = 0, len;
	bool exact = true;
	const char *s = pattern;
	uint32_t cp;

	for (;;) {
		if (*s == '*' || *s == '?' || *s == '\0') {
			if (cur.len > 0)
				nruns++;
			if (cur_chars > best_chars) {
				strbuf_reset(&best);
				strbuf_add(&best, cur.buf, cur.len);
				best_chars = cur_chars;
			}
			strbuf_reset(&cur);
			cur_chars = 0;
			if (*s == '\0')
				break;
			if (*s == '?')
				exact = false;
			s++;
			continue;
		}
		if (*s == '\\' && s[1] != '\0')
			s++;
		len = query_utf8_next(s, &cp);
		strbuf_add(&cur, s, len);
		cur_chars++;
		s += len;
	}
	if (nruns > 1)
		exact = false;
	strbuf_release(&cur);
	*run = strbuf_detach(&best, NULL);
	return exact;
}

bool
query_ascii_caseeq(const char *a, const char *b, size_t n)
{
	size_t i;
	unsigned char x, y;

	for (i = 0; i < n; i++) {
		x = (unsigned char)a[i];
		y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 0x20;
		if (y >= 'A' && y <= 'Z')
			y += 0x20;
		if (x != y)
			return false;
	}
	return true;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The end of the line at s: its LF, or its NUL. */
static const char *
line_end(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl != NULL ? nl : s + strlen(s);
}

/* Appends the line [s, end) without a CR before its LF. */
static void
add_line(struct strbuf *out, const char *s, const char *end)
{
	if (end > s && end[-1] == '\r')
		end--;
	strbuf_add(out, s, (size_t)(end - s));
}

bool
query_header_value(const char *headers, const char *name, struct strbuf *out)
{
	size_t namelen = strlen(name), n, start;
	const char *s = headers, *end, *colon;

	strbuf_reset(out);
	if (headers == NULL)
		return false;
	for (; *s != '\0'; s = *end != '\0' ? end + 1 : end) {
		end = line_end(s);
		if (s == end || (s[0] == '\r' && s + 1 == end))
			return false; /* the blank line that ends the block */
		if (is_blank(*s))
			continue; /* a continuation of a field we skip */
		colon = memchr(s, ':', (size_t)(end - s));
		if (colon == NULL)
			continue;
		/* RFC 822 allowed blanks before the colon. */
		n = (size_t)(colon - s);
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		if (n != namelen || !query_ascii_caseeq(s, name, n))
			continue;
		add_line(out, colon + 1, end);
		while (*end != '\0' && is_blank(end[1])) {
			s = end + 1;
			end = line_end(s);
			add_line(out, s, end);
		}
		for (start = 0; start < out->len && is_blank(out->buf[start]);)
			start++;
		if (start > 0) {
			memmove(out->buf, out->buf + start, out->len - start);
			strbuf_setlen(out, out->len - start);
		}
		/* As the store's own fct_header (strbuf_rtrim): any white
		 * space at the end, blanks only at the start. */
		while (out->len > 0 &&
		    strchr(" \t\r\n\v\f", out->buf[out->len - 1]) != NULL)
			strbuf_setlen(out, out->len - 1);
		return true;
	}
	return false;
}
