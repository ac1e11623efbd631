/*
 * The aliases file (mutt syntax): parsing with file:line:column
 * diagnostics, and expansion of address lists at send time.
 *
 * Design: parse, then check, then use. Each line becomes an alias whose
 * members are kept as written; once the whole file is read, every member
 * that is a bare word must name another alias (an unknown word is an
 * error at its own column), and a depth-first walk finds loops, reported
 * at the line of the alias that closes them. Expansion can then recurse
 * without its own loop check; it still caps the depth, in case a caller
 * built a set some other way.
 *
 * Splitting a list on commas honours quoted strings, angle brackets and
 * comments, so that "Martin, Bob" <bob@x> stays one address; the address
 * itself is not parsed here (GMime does that when the message is built).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facteur/core_alias.h"

/* Nesting deeper than this is refused (loops are refused first). */
#define ALIAS_MAX_DEPTH 32

struct alias_member {
	char *text;      /* owned, trimmed */
	unsigned column; /* 1-based, on the alias's line */
};

struct alias {
	char *key; /* owned */
	struct alias_member *m;
	size_t n, alloc;
	unsigned line, column; /* where KEY is */
	int mark;              /* loop check: 0 new, 1 on the path, 2 done */
};

/* Invariant: keys are unique (case-insensitively); a later definition
 * replaces an earlier one, as in mutt. */
struct fct_aliases {
	char *file; /* owned */
	struct alias *v;
	size_t n, alloc;
};

static void
alias_release(struct alias *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->m[i].text);
	free(a->m);
	free(a->key);
	memset(a, 0, sizeof *a);
}

void
fct_aliases_free(struct fct_aliases **ap)
{
	struct fct_aliases *a = *ap;
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++)
		alias_release(&a->v[i]);
	free(a->v);
	free(a->file);
	free(a);
	*ap = NULL;
}

size_t
fct_aliases_count(const struct fct_aliases *a)
{
	return a != NULL ? a->n : 0;
}

static struct alias *
find(const struct fct_aliases *a, const char *key, size_t len)
{
	size_t i;

	for (i = 0; a != NULL && i < a->n; i++)
		if (strlen(a->v[i].key) == len &&
		    strncasecmp(a->v[i].key, key, len) == 0)
			return &a->v[i];
	return NULL;
}

/* A member written as one word: a reference to another alias. */
static bool
is_bare_word(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s == '@' || *s == '<' || *s == '"' || *s == ' ' ||
		    *s == '\t' || *s == '(' || *s == ':')
			return false;
	return true;
}

/*
 * Calls fn on each comma-separated item of s[0..len) (trimmed, non-empty),
 * with its offset in s. Quotes (with backslash escapes), <...> and
 * (comments) protect commas. Stops at an unquoted '#' when comments is
 * true (the file's comments, not the address list's).
 */
typedef void (*item_fn)(void *arg, const char *item, size_t n, size_t off);

static size_t
split(const char *s, size_t len, bool comments, item_fn fn, void *arg)
{
	size_t i, start = 0, b, e;
	bool quoted = false;
	int angle = 0, paren = 0;

	for (i = 0; i <= len; i++) {
		char c = i < len ? s[i] : ',';

		if (i < len && comments && c == '#' && !quoted && paren == 0) {
			len = i;
			c = ',';
		}
		if (quoted) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '"')
				quoted = false;
			continue;
		}
		if (c == '"')
			quoted = true;
		else if (c == '<')
			angle++;
		else if (c == '>' && angle > 0)
			angle--;
		else if (c == '(')
			paren++;
		else if (c == ')' && paren > 0)
			paren--;
		else if (c == ',' && angle == 0 && paren == 0) {
			for (b = start; b < i && (s[b] == ' ' || s[b] == '\t');
			     b++)
				;
			for (e = i; e > b &&
			     (s[e - 1] == ' ' || s[e - 1] == '\t' ||
				 s[e - 1] == '\r' || s[e - 1] == '\n');
			     e--)
				;
			if (e > b)
				fn(arg, s + b, e - b, b);
			start = i + 1;
		}
	}
	return len;
}

struct parse_ctx {
	struct fct_aliases *a;
	struct alias *cur;
	size_t base; /* column of the list's first byte, minus one */
};

static void
add_member(void *arg, const char *item, size_t n, size_t off)
{
	struct parse_ctx *c = arg;
	struct alias *al = c->cur;

	FCT_ALLOC_GROW(al->m, al->n + 1, al->alloc);
	al->m[al->n].text = xstrndup(item, n);
	al->m[al->n].column = (unsigned)(c->base + off + 1);
	al->n++;
}

/* The next white-space-separated word of line at *pos; its length. */
static size_t
word(const char *line, size_t len, size_t *pos)
{
	size_t start;

	while (*pos < len && (line[*pos] == ' ' || line[*pos] == '\t'))
		(*pos)++;
	start = *pos;
	while (*pos < len && line[*pos] != ' ' && line[*pos] != '\t')
		(*pos)++;
	return *pos - start;
}

static void
parse_line(struct fct_aliases *a, const char *line, size_t len, unsigned lineno,
    struct config_diags *d)
{
	struct parse_ctx c = { a, NULL, 0 };
	struct alias fresh, *old;
	size_t pos = 0, n, kpos;

	n = word(line, len, &pos);
	if (n == 0 || line[pos - n] == '#')
		return;
	if (n != 5 || strncmp(line + pos - n, "alias", 5) != 0) {
		config_diags_add(d, CONFIG_DIAG_WARNING, a->file, lineno,
		    (unsigned)(pos - n + 1),
		    "'%.*s' is not an alias line: ignored", (int)n,
		    line + pos - n);
		return;
	}
	for (;;) {
		n = word(line, len, &pos);
		kpos = pos - n;
		if (n == 6 && strncmp(line + kpos, "-group", 6) == 0) {
			/* mutt's group tags: accepted, not used. */
			(void)word(line, len, &pos);
			continue;
		}
		break;
	}
	if (n == 0 || line[kpos] == '#') {
		config_diags_add(d, CONFIG_DIAG_ERROR, a->file, lineno,
		    (unsigned)kpos + 1, "alias without a key");
		return;
	}
	memset(&fresh, 0, sizeof fresh);
	fresh.key = xstrndup(line + kpos, n);
	fresh.line = lineno;
	fresh.column = (unsigned)kpos + 1;
	c.cur = &fresh;
	c.base = pos;
	(void)split(line + pos, len - pos, true, add_member, &c);
	if (fresh.n == 0) {
		config_diags_add(d, CONFIG_DIAG_ERROR, a->file, lineno,
		    (unsigned)(pos + 1), "alias '%s' has no address",
		    fresh.key);
		alias_release(&fresh);
		return;
	}
	if ((old = find(a, fresh.key, strlen(fresh.key))) != NULL) {
		config_diags_add(d, CONFIG_DIAG_WARNING, a->file, lineno,
		    fresh.column,
		    "alias '%s' was defined on line %u already: this one "
		    "replaces it",
		    fresh.key, old->line);
		alias_release(old);
		*old = fresh;
		return;
	}
	FCT_ALLOC_GROW(a->v, a->n + 1, a->alloc);
	a->v[a->n++] = fresh;
}

/* Unknown keys; then loops, by a depth-first walk. */
static bool
walk(struct fct_aliases *a, struct alias *al, struct strbuf *path,
    struct config_diags *d)
{
	struct alias *next;
	size_t i, mark = path->len;
	bool ok = true;

	if (al->mark == 2)
		return true;
	strbuf_addf(path, "%s%s", path->len > 0 ? " -> " : "", al->key);
	if (al->mark == 1) {
		config_diags_add(d, CONFIG_DIAG_ERROR, a->file, al->line,
		    al->column, "alias '%s' is part of a loop: %s", al->key,
		    path->buf);
		strbuf_setlen(path, mark);
		return false;
	}
	al->mark = 1;
	for (i = 0; i < al->n && ok; i++) {
		if (!is_bare_word(al->m[i].text))
			continue;
		next = find(a, al->m[i].text, strlen(al->m[i].text));
		if (next != NULL)
			ok = walk(a, next, path, d);
	}
	al->mark = 2;
	strbuf_setlen(path, mark);
	return ok;
}

static void
check(struct fct_aliases *a, struct config_diags *d)
{
	struct strbuf path = STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < a->n; i++)
		for (j = 0; j < a->v[i].n; j++) {
			const char *t = a->v[i].m[j].text;

			if (is_bare_word(t) && find(a, t, strlen(t)) == NULL)
				config_diags_add(d, CONFIG_DIAG_ERROR, a->file,
				    a->v[i].line, a->v[i].m[j].column,
				    "'%s' in alias '%s' is neither an address "
				    "nor an alias",
				    t, a->v[i].key);
		}
	for (i = 0; i < a->n; i++)
		if (!walk(a, &a->v[i], &path, d))
			break; /* one loop reported is enough to fix */
	strbuf_release(&path);
}

int
fct_aliases_parse(const char *file, const char *text, size_t len,
    struct fct_aliases **out, struct config_diags *diags)
{
	struct fct_aliases *a = xcalloc(1, sizeof *a);
	struct strbuf line = STRBUF_INIT;
	size_t errors = diags->nerrors, i = 0, eol;
	unsigned lineno = 0, first;
	const char *nul;

	a->file = xstrdup(file);
	while (i < len) {
		strbuf_reset(&line);
		first = lineno + 1;
		/* A trailing backslash joins the next line (mutt's rc). */
		for (;;) {
			lineno++;
			for (eol = i; eol < len && text[eol] != '\n'; eol++)
				;
			strbuf_add(&line, text + i, eol - i);
			i = eol < len ? eol + 1 : len;
			if (line.len > 0 && line.buf[line.len - 1] == '\r')
				strbuf_setlen(&line, line.len - 1);
			if (line.len == 0 || line.buf[line.len - 1] != '\\' ||
			    i >= len)
				break;
			strbuf_setlen(&line, line.len - 1);
		}
		if ((nul = memchr(line.buf, '\0', line.len)) != NULL) {
			config_diags_add(diags, CONFIG_DIAG_ERROR, file, first,
			    (unsigned)(nul - line.buf) + 1,
			    "NUL byte in the line");
			continue;
		}
		parse_line(a, line.buf, line.len, first, diags);
	}
	strbuf_release(&line);
	check(a, diags);
	*out = a;
	return diags->nerrors > errors ? -1 : 0;
}

int
fct_aliases_load(const char *path, struct fct_aliases **out,
    struct config_diags *diags)
{
	struct strbuf sb = STRBUF_INIT;
	char *def = NULL;
	int rc;

	if (path == NULL)
		path = def = fct_config_file("aliases");
	if (strbuf_read_file(&sb, path) != 0) {
		int e = errno;

		if (def != NULL && e == ENOENT) {
			*out = xcalloc(1, sizeof **out);
			(*out)->file = def;
			return 0;
		}
		config_diags_add(diags, CONFIG_DIAG_ERROR, path, 0, 0,
		    "cannot read aliases file '%s': %s", path, strerror(e));
		*out = xcalloc(1, sizeof **out);
		(*out)->file = xstrdup(path);
		free(def);
		return -1;
	}
	rc = fct_aliases_parse(path, sb.buf, sb.len, out, diags);
	strbuf_release(&sb);
	free(def);
	return rc;
}

struct expand_ctx {
	const struct fct_aliases *a;
	struct strbuf *out;
	int depth;
	int rc;
};

static void
expand_item(void *arg, const char *item, size_t n, size_t off)
{
	struct expand_ctx *c = arg;
	struct alias *al;
	char *word = xstrndup(item, n);
	size_t i;

	(void)off;
	if (c->rc == 0 && is_bare_word(word) &&
	    (al = find(c->a, item, n)) != NULL) {
		if (c->depth >= ALIAS_MAX_DEPTH)
			c->rc = -1;
		c->depth++;
		for (i = 0; i < al->n && c->rc == 0; i++)
			expand_item(c, al->m[i].text, strlen(al->m[i].text), 0);
		c->depth--;
	} else if (c->rc == 0) {
		if (c->out->len > 0)
			strbuf_addstr(c->out, ", ");
		strbuf_add(c->out, item, n);
	}
	free(word);
}

int
fct_aliases_expand(const struct fct_aliases *a, const char *list,
    struct strbuf *out, struct fct_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct expand_ctx c = { a, &sb, 0, 0 };

	(void)split(list, strlen(list), false, expand_item, &c);
	if (c.rc != 0) {
		strbuf_release(&sb);
		return fct_error_set(err,
		    "aliases nested more than %d deep in '%s'", ALIAS_MAX_DEPTH,
		    list);
	}
	strbuf_add(out, sb.buf, sb.len);
	strbuf_release(&sb);
	return 0;
}

void
fct_aliases_complete(const struct fct_aliases *a, const char *prefix,
    int (*fn)(const char *key, const char *members, void *arg), void *arg)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j, n = strlen(prefix);

	for (i = 0; a != NULL && i < a->n; i++) {
		if (strncasecmp(a->v[i].key, prefix, n) != 0)
			continue;
		strbuf_reset(&sb);
		for (j = 0; j < a->v[i].n; j++)
			strbuf_addf(&sb, "%s%s", j > 0 ? ", " : "",
			    a->v[i].m[j].text);
		if (fn(a->v[i].key, sb.buf, arg) != 0)
			break;
	}
	strbuf_release(&sb);
}
