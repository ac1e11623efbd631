/*
 * SQL functions for the conditions of store_msg_select: fct_header(), which
 * every handle has, and store_register_function, through which a higher
 * layer (the query language's fct_match) adds its own without the store
 * knowing it.
 *
 * fct_header(headers, name) reads a raw header block as RFC 5322 section
 * 2.2 describes it: a field is a name, a colon and a body that may go on
 * over continuation lines (lines that begin with a space or a tab); names
 * compare case-insensitively; the block ends at the first empty line.
 * Unfolding removes the line breaks before continuation lines and keeps
 * the white space after them; the value is then trimmed: blanks at its
 * start, any white space at its end. Lines may end in CRLF or LF alone, as
 * they do once stored. The query layer's in-memory matcher has its own copy
 * of this definition (query_header_value, which the store cannot call): the
 * two must agree byte for byte, and the query layer's tests compare them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "private.h"

struct store_func {
	int (*fn)(int argc, const char *const *argv, bool *result, void *arg,
	    struct fct_error *err);
	void *arg;
};

static bool
func_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* The end of the line that starts at p: its CR or LF, or end. */
static const char *
func_line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (nl == NULL)
		return end;
	if (nl > p && nl[-1] == '\r')
		nl--;
	return nl;
}

/* The start of the next line after the line ending at eol. */
static const char *
func_next_line(const char *eol, const char *end)
{
	if (eol < end && *eol == '\r')
		eol++;
	if (eol < end && *eol == '\n')
		eol++;
	return eol;
}

/* ASCII-only case folding: names are ASCII, and no locale may widen it. */
static bool
func_name_eq(const char *a, const char *b, size_t n)
{
	size_t i;
	unsigned char x, y;

	for (i = 0; i < n; i++) {
		x = (unsigned char)a[i];
		y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return true;
}

/*
 * If the field on the line [p, eol) is called name, the start of its body
 * (after the colon); else NULL. The name is what precedes the first colon,
 * less the white space RFC 822 allowed before it.
 */
static const char *
func_field_body(const char *p, const char *eol, const char *name, size_t nlen)
{
	const char *colon = memchr(p, ':', (size_t)(eol - p));
	size_t n;

	if (colon == NULL)
		return NULL;
	n = (size_t)(colon - p);
	while (n > 0 && func_is_wsp(p[n - 1]))
		n--;
	if (n != nlen || !func_name_eq(p, name, n))
		return NULL;
	return colon + 1;
}

/*
 * Finds the first field called name in h[0..len) and appends its unfolded,
 * trimmed body to out. Returns whether the field was found.
 */
static bool
func_header_value(const char *h, size_t len, const char *name,
    struct strbuf *out)
{
	const char *p = h, *end = h + len, *eol, *body;
	size_t nlen = strlen(name);

	while (p < end) {
		eol = func_line_end(p, end);
		if (eol == p)
			return false; /* the empty line: end of the header */
		body = func_is_wsp(*p) ? NULL
				       : func_field_body(p, eol, name, nlen);
		if (body == NULL) {
			p = func_next_line(eol, end);
			continue;
		}
		strbuf_add(out, body, (size_t)(eol - body));
		for (p = func_next_line(eol, end); p < end && func_is_wsp(*p);
		     p = func_next_line(eol, end)) {
			eol = func_line_end(p, end);
			strbuf_add(out, p, (size_t)(eol - p));
		}
		strbuf_rtrim(out);
		return true;
	}
	return false;
}

static void
func_header(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf sb = STRBUF_INIT;
	const char *h, *name, *v;
	size_t len;

	h = (const char *)sqlite3_value_text(argv[0]);
	name = (const char *)sqlite3_value_text(argv[1]);
	if (h == NULL || name == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	/* The block ends at a NUL too, as query_header_value's does. */
	len = strlen(h);
	if (!func_header_value(h, len, name, &sb)) {
		sqlite3_result_null(ctx);
		return;
	}
	for (v = sb.buf; func_is_wsp(*v); v++)
		;
	sqlite3_result_text(ctx, v, (int)(sb.len - (size_t)(v - sb.buf)),
	    SQLITE_TRANSIENT);
	strbuf_release(&sb);
}

int
store_func_init(struct store *st, struct fct_error *err)
{
	if (sqlite3_create_function_v2(st->db, "fct_header", 2,
		SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
		func_header, NULL, NULL, NULL) != SQLITE_OK)
		return fct_error_set(err, "cannot open cache '%s': %s",
		    st->path, sqlite3_errmsg(st->db));
	return 0;
}

static void
func_call(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store_func *f = sqlite3_user_data(ctx);
	const char *v[STORE_FUNCTION_MAX_ARGS];
	struct fct_error err = FCT_ERROR_INIT;
	bool result = false;
	int i;

	if (argc > STORE_FUNCTION_MAX_ARGS) {
		sqlite3_result_error(ctx, "too many arguments", -1);
		return;
	}
	for (i = 0; i < argc; i++)
		v[i] = (const char *)sqlite3_value_text(argv[i]);
	if (f->fn(argc, v, &result, f->arg, &err) != 0)
		sqlite3_result_error(ctx, fct_error_msg(&err), -1);
	else
		sqlite3_result_int(ctx, result);
	fct_error_release(&err);
}

int
store_register_function(struct store *st, const char *name, int nargs,
    int (*fn)(int argc, const char *const *argv, bool *result, void *arg,
	struct fct_error *err),
    void *arg, struct fct_error *err)
{
	struct store_func *f;

	if (nargs < -1 || nargs > STORE_FUNCTION_MAX_ARGS)
		BUG("SQL function '%s' with %d arguments", name, nargs);
	f = xmalloc(sizeof *f);
	f->fn = fn;
	f->arg = arg;
	/*
	 * DIRECTONLY: callable from facteur's statements, never from a
	 * trigger or view a tampered file could bring. SQLite frees f with
	 * the function, including when this call fails.
	 */
	if (sqlite3_create_function_v2(st->db, name, nargs,
		SQLITE_UTF8 | SQLITE_DIRECTONLY, f, func_call, NULL, NULL,
		free) != SQLITE_OK)
		return fct_error_set(err,
		    "cannot add function '%s' to cache '%s': %s", name,
		    st->path, sqlite3_errmsg(st->db));
	return 0;
}
