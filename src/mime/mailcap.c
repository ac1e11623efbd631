/*
 * mailcap (RFC 1524) lookup over the text of a mailcap file. Reading the
 * files and running the command are the caller's business: this library
 * does no I/O. Entries are "type; view-command; field; field...", with
 * backslash-newline continuations, "\;" for a literal semicolon, '#'
 * comments, and type "text/" plus a star, or just "text", matching
 * every text type.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facteur/mime.h"

/* Splits one logical line into fields, trimmed; "\;" kept as ";". */
static size_t
split_fields(const char *line, struct strbuf *fields, size_t max)
{
	size_t n = 0;

	strbuf_reset(&fields[0]);
	for (; *line != '\0'; line++) {
		if (*line == '\\' && line[1] != '\0') {
			/* Keep the backslash for the shell, except before ';'. */
			if (line[1] != ';')
				strbuf_addch(&fields[n], '\\');
			strbuf_addch(&fields[n], *++line);
		} else if (*line == ';') {
			if (n + 1 == max)
				break;
			strbuf_reset(&fields[++n]);
		} else {
			strbuf_addch(&fields[n], *line);
		}
	}
	return n + 1;
}

static void
trim(struct strbuf *sb)
{
	size_t i = 0;

	strbuf_rtrim(sb);
	while (i < sb->len && (sb->buf[i] == ' ' || sb->buf[i] == '\t'))
		i++;
	memmove(sb->buf, sb->buf + i, sb->len - i + 1);
	sb->len -= i;
}

static bool
type_matches(const char *pattern, const char *type)
{
	const char *slash = strchr(type, '/');
	size_t major = slash != NULL ? (size_t)(slash - type) : strlen(type);

	if (strcasecmp(pattern, type) == 0)
		return true;
	if (strncasecmp(pattern, type, major) != 0)
		return false;
	return pattern[major] == '\0' || strcmp(pattern + major, "/*") == 0;
}

static int
check_entry(const char *line, const char *type, unsigned want, char **command)
{
	struct strbuf f[32];
	unsigned have = 0;
	bool test = false;
	size_t i, n;
	int found = 0;

	for (i = 0; i < FCT_ARRAY_LEN(f); i++)
		strbuf_init(&f[i], 0);
	n = split_fields(line, f, FCT_ARRAY_LEN(f));
	for (i = 0; i < n; i++)
		trim(&f[i]);
	if (n < 2 || !type_matches(f[0].buf, type) || f[1].len == 0)
		goto out;
	for (i = 2; i < n; i++) {
		if (strcasecmp(f[i].buf, "copiousoutput") == 0)
			have |= MIME_MAILCAP_COPIOUSOUTPUT;
		else if (strcasecmp(f[i].buf, "needsterminal") == 0)
			have |= MIME_MAILCAP_NEEDSTERMINAL;
		else if (strncasecmp(f[i].buf, "test", 4) == 0 &&
		    strchr(f[i].buf, '=') != NULL)
			test = true;
	}
	if (test || (have & want) != want)
		goto out;
	*command = strbuf_detach(&f[1], NULL);
	found = 1;
out:
	for (i = 0; i < FCT_ARRAY_LEN(f); i++)
		strbuf_release(&f[i]);
	return found;
}

int
mime_mailcap_find(const char *text, size_t len, const char *type, unsigned want,
    char **command)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = text, *end = text + len, *eol;
	int found = 0;

	*command = NULL;
	while (p < end && !found) {
		strbuf_reset(&line);
		/* One logical line: physical lines joined at "\\\n". */
		for (;;) {
			eol = memchr(p, '\n', (size_t)(end - p));
			if (eol == NULL)
				eol = end;
			strbuf_add(&line, p, (size_t)(eol - p));
			p = eol < end ? eol + 1 : end;
			if (line.len > 0 && line.buf[line.len - 1] == '\r')
				strbuf_setlen(&line, line.len - 1);
			if (line.len == 0 || line.buf[line.len - 1] != '\\' ||
			    p >= end)
				break;
			strbuf_setlen(&line, line.len - 1);
		}
		if (line.len == 0 || line.buf[0] == '#' ||
		    memchr(line.buf, '\0', line.len) != NULL)
			continue;
		found = check_entry(line.buf, type, want, command);
	}
	strbuf_release(&line);
	return found;
}
