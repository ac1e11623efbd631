/*
 * Tab-separated output that server and message data can neither break
 * (tabs, line breaks) nor use to drive the terminal (control characters,
 * bidi overrides). Kept apart from the command table so that it can be
 * tested alone.
 */
#include "config.h"

#include "facteur/cli.h"

/* Length of a UTF-8 sequence that must be escaped at s, else 0. */
static size_t
unsafe_utf8(const unsigned char *s, unsigned *cp)
{
	/* C1 controls, U+0080..U+009F: C2 80..C2 9F. */
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
		*cp = s[1];
		return 2;
	}
	/* Bidi embeddings and overrides U+202A..U+202E, isolates
	 * U+2066..U+2069: E2 80 AA..AE, E2 81 A6..A9. */
	if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae) {
		*cp = 0x2000 + (s[2] - 0x80);
		return 3;
	}
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9) {
		*cp = 0x2040 + (s[2] - 0x80);
		return 3;
	}
	return 0;
}

void
cli_put_field(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	size_t n;

	while (*p != '\0') {
		if ((n = unsafe_utf8(p, &cp)) > 0) {
			fprintf(fp, "\\u{%04X}", cp);
			p += n;
			continue;
		}
		switch (*p) {
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\x%02X", *p);
			else
				fputc(*p, fp);
		}
		p++;
	}
}
