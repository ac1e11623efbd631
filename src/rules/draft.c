/*
 * A rule drafted from a message, for the index's "make a rule from this
 * message": the user's $EDITOR opens the rules file with this block
 * appended. The draft must parse as written (tests/unit/rules/test_draft
 * parses every one), so values are quoted for the query language (a
 * quoted query value is literal, with \" and \\) and for the rules file (a
 * quoted folder, with the same escapes).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/rules.h"

#define PLACEHOLDER "CHOOSE A FOLDER"

/* The part of s between the last '<' and the following '>', else s, trimmed. */
static char *
bracketed(const char *s)
{
	const char *lt = strrchr(s, '<'), *gt;
	size_t start = 0, end = strlen(s);

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL && gt > lt + 1) {
		start = (size_t)(lt + 1 - s);
		end = (size_t)(gt - s);
	}
	while (start < end && (s[start] == ' ' || s[start] == '\t'))
		start++;
	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	return xstrndup(s + start, end - start);
}

static void
add_quoted(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s != '\0'; s++) {
		/* A line break would end the rule's line: drop it. */
		if (*s == '\r' || *s == '\n')
			continue;
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static bool
name_taken(const struct rules *rs, const char *name)
{
	size_t i;

	for (i = 0; rs != NULL && i < rs->n; i++)
		if (strcmp(rs->v[i].name, name) == 0)
			return true;
	for (i = 0; rs != NULL && i < rs->nskipped; i++)
		if (rs->skipped[i].name != NULL &&
		    strcmp(rs->skipped[i].name, name) == 0)
			return true;
	return false;
}

/* The key of a draft: its field and value (owned), or NULL. */
static char *
draft_key(const char *from, const char *list_id, const char **field)
{
	char *key = NULL;

	if (list_id != NULL && list_id[0] != '\0') {
		key = bracketed(list_id);
		*field = "list";
	} else if (from != NULL && from[0] != '\0') {
		key = bracketed(from);
		*field = "from";
	}
	if (key != NULL && key[0] == '\0') {
		free(key);
		key = NULL;
	}
	return key;
}

int
rules_draft_query(const char *from, const char *list_id, struct strbuf *out)
{
	const char *field;
	char *key = draft_key(from, list_id, &field);

	if (key == NULL)
		return -1;
	strbuf_addf(out, "%s:", field);
	add_quoted(out, key);
	free(key);
	return 0;
}

int
rules_draft(const struct rules *rs, const char *from, const char *list_id,
    const char *folder, struct strbuf *out)
{
	struct strbuf name = STRBUF_INIT;
	const char *field;
	char *key = draft_key(from, list_id, &field), *base;
	unsigned n;

	if (key == NULL)
		return -1;
	base = xasprintf("%s %s", field, key);
	strbuf_addstr(&name, base);
	for (n = 2; name_taken(rs, name.buf); n++) {
		strbuf_reset(&name);
		strbuf_addf(&name, "%s (%u)", base, n);
	}
	strbuf_addstr(out, "\nrule ");
	add_quoted(out, name.buf);
	strbuf_addstr(out, "\n  when ");
	if (rules_draft_query(from, list_id, out) != 0)
		BUG("a draft key, then none");
	strbuf_addstr(out, "\n  then move ");
	add_quoted(out,
	    folder != NULL && folder[0] != '\0' ? folder : PLACEHOLDER);
	strbuf_addch(out, '\n');
	strbuf_release(&name);
	free(base);
	free(key);
	return 0;
}
