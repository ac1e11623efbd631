/*
 * The SQL backend: a query as a WHERE expression for the store.
 *
 * Design. SQLite's LIKE folds ASCII only and GLOB not at all, and both
 * would need their own escaping; instead every text test calls the store's
 * match function (schema->match_fn), which is query_text_match() itself,
 * so the store and the matcher cannot disagree on a single byte. The cost
 * is a function call per row and term, which no index helps with; dates,
 * sizes and flags stay plain comparisons that an index can serve. When the
 * schema has a trigram index (schema->fts), a text term in a positive
 * position also gets a test on it, a necessary condition of the exact one
 * that lets SQLite skip most rows without calling the match function: the
 * rows are the same (doc/query.md, "The full-text prefilter", has the
 * argument and the characters it excludes).
 *
 * Every expression produced is 0 or 1, never NULL: the match function
 * returns 0 for a NULL text, a missing text column is the constant 0, and
 * the integer columns are NOT NULL by contract. So NOT needs no
 * three-valued care and `not body:x` is true when the body is unknown,
 * exactly as in query_match(). Values are always bound as parameters;
 * only the schema's own expressions are written into the SQL.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/core.h"
#include "private.h"

struct sql_out {
	const struct query_sql_schema *schema;
	time_t now;
	struct strbuf sql;
	struct query_sql_params params;
	struct fct_error *err;
};

static void
add_text_param(struct sql_out *o, const char *text)
{
	struct query_sql_params *p = &o->params;

	FCT_ALLOC_GROW(p->v, p->n + 1, p->alloc);
	p->v[p->n].type = QUERY_SQL_TEXT;
	p->v[p->n].text = xstrdup(text);
	p->v[p->n].value = 0;
	p->n++;
}

static void
add_int_param(struct sql_out *o, int64_t value)
{
	struct query_sql_params *p = &o->params;

	FCT_ALLOC_GROW(p->v, p->n + 1, p->alloc);
	p->v[p->n].type = QUERY_SQL_INT;
	p->v[p->n].text = NULL;
	p->v[p->n].value = value;
	p->n++;
}

void
query_sql_params_release(struct query_sql_params *params)
{
	size_t i;

	for (i = 0; i < params->n; i++)
		free(params->v[i].text);
	free(params->v);
	params->v = NULL;
	params->n = params->alloc = 0;
}

/* Fails unless the schema has expr, needed by the term `what`. */
static int
need(struct sql_out *o, const char *expr, const char *what)
{
	if (expr != NULL)
		return 0;
	return fct_error_set(o->err,
	    "cannot search with '%s' here: the store has no column for it",
	    what);
}

/* match_fn(expr, ?), or 0 when the store has no such text. */
static int
emit_match(struct sql_out *o, const char *expr, const char *pattern)
{
	if (expr == NULL) {
		strbuf_addch(&o->sql, '0');
		return 0;
	}
	if (o->schema->match_fn == NULL)
		return fct_error_set(o->err,
		    "cannot search text here: the store has no match function");
	strbuf_addf(&o->sql, "%s(%s, ?)", o->schema->match_fn, expr);
	add_text_param(o, pattern);
	return 0;
}

static const char *
field_expr(const struct query_sql_schema *s, enum query_field field)
{
	switch (field) {
	case QUERY_FIELD_FROM:
		return s->from;
	case QUERY_FIELD_TO:
		return s->to;
	case QUERY_FIELD_CC:
		return s->cc;
	case QUERY_FIELD_SUBJECT:
		return s->subject;
	case QUERY_FIELD_LIST:
		return s->list_id;
	case QUERY_FIELD_BODY:
		return s->body;
	case QUERY_FIELD_ANY:
		break;
	}
	BUG("field_expr on field %d", (int)field);
}

static const char *
fts_column(const struct query_sql_fts *f, enum query_field field)
{
	switch (field) {
	case QUERY_FIELD_FROM:
		return f->from;
	case QUERY_FIELD_TO:
		return f->to;
	case QUERY_FIELD_CC:
		return f->cc;
	case QUERY_FIELD_SUBJECT:
		return f->subject;
	case QUERY_FIELD_LIST:
		return f->list_id;
	case QUERY_FIELD_BODY:
		return f->body;
	case QUERY_FIELD_ANY:
		break;
	}
	BUG("fts_column on field %d", (int)field);
}

/*
 * The longest literal run of pattern that the trigram prefilter can vouch
 * for (doc/query.md, "The full-text prefilter"), in *run, and its length
 * in characters. A run is cut at wildcards and at bytes that are not
 * valid UTF-8, and loses its trailing non-ASCII characters: in a text with
 * stray continuation bytes after such a character, FTS5's decoder would
 * swallow them into it and see another character than the matcher does.
 */
static size_t
fts_run(const char *pattern, struct strbuf *run)
{
	struct strbuf cur = STRBUF_INIT;
	size_t cur_n = 0, keep_len = 0, keep_n = 0, best_n = 0, len;
	const char *p = pattern;
	uint32_t cp;

	strbuf_reset(run);
	for (;;) {
		if (*p != '\0' && *p != '*' && *p != '?') {
			if (*p == '\\' && p[1] != '\0')
				p++;
			len = query_utf8_next(p, &cp);
			if (cp < QUERY_BAD_BYTE) {
				strbuf_add(&cur, p, len);
				cur_n++;
				if (cp < 0x80) {
					keep_len = cur.len;
					keep_n = cur_n;
				}
				p += len;
				continue;
			}
		} else {
			len = *p != '\0';
		}
		/* The end of a run: a wildcard, a bad byte or the end. */
		if (keep_n > best_n) {
			strbuf_reset(run);
			strbuf_add(run, cur.buf, keep_len);
			best_n = keep_n;
		}
		strbuf_reset(&cur);
		cur_n = keep_len = keep_n = 0;
		if (*p == '\0')
			break;
		p += len;
	}
	strbuf_release(&cur);
	return best_n;
}

/* Appends `"s"` (s: len bytes) as an FTS5 string, `"` doubled. */
static void
fts_string(struct strbuf *sb, const char *s, size_t len)
{
	size_t i;

	strbuf_addch(sb, '"');
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, s[i]);
	}
	strbuf_addch(sb, '"');
}

/*
 * FTS5 reads the whole list of every trigram of a quoted run, and some
 * are in nearly every row ("exa" of "@sender12.example"). When f->common
 * says some of the run's trigrams are common and some are not, the run
 * goes as ` : ("r12" AND "2.e")`, up to three rare trigrams (the first,
 * the last and a middle one): every 3-character window of the run is in
 * the text when the run is, so this is a necessary condition too, and
 * each window is decoded by FTS5 as the matcher decodes it (a window
 * ends in ASCII or before another character of the run, never before a
 * continuation byte: doc/query.md). Appends to fq (which holds "{cols")
 * and returns true, or returns false with fq unchanged: every trigram
 * common, or every one rare (then the whole run is no slower and more
 * precise).
 */
/* Runs this long or longer (4 trigrams) are worth asking about. */
#define FTS_WINDOWS_MIN 6

static bool
fts_rare_windows(const struct query_sql_fts *f, const struct strbuf *run,
    size_t nchars, struct strbuf *fq)
{
	size_t *at = xreallocarray(NULL, nchars + 1, sizeof *at);
	size_t *rare = xreallocarray(NULL, nchars, sizeof *rare);
	size_t i, k, nrare = 0, pick[3], npick = 0, nwin = nchars - 2;
	char *t;
	uint32_t cp;
	bool ok = false;

	for (i = 0, k = 0; i < nchars; i++) {
		at[i] = k;
		k += query_utf8_next(run->buf + k, &cp);
	}
	at[nchars] = k;
	for (i = 0; i < nwin; i++) {
		t = xstrndup(run->buf + at[i], at[i + 3] - at[i]);
		if (!f->common(f->common_arg, t))
			rare[nrare++] = i;
		free(t);
	}
	if (nrare == 0 || nrare == nwin)
		goto out;
	pick[npick++] = rare[0];
	if (nrare > 1)
		pick[npick++] = rare[nrare - 1];
	if (nrare > 2)
		pick[npick++] = rare[nrare / 2];
	strbuf_addstr(fq, "} : (");
	for (i = 0; i < npick; i++) {
		if (i > 0)
			strbuf_addstr(fq, " AND ");
		fts_string(fq, run->buf + at[pick[i]],
		    at[pick[i] + 3] - at[pick[i]]);
	}
	strbuf_addch(fq, ')');
	ok = true;
out:
	free(at);
	free(rare);
	return ok;
}

static const enum query_field any_fields[] = {
	QUERY_FIELD_SUBJECT,
	QUERY_FIELD_FROM,
	QUERY_FIELD_TO,
	QUERY_FIELD_CC,
	QUERY_FIELD_BODY,
};

/*
 * The full-text query of the prefilter for a text term on the given
 * fields (`{cols} : "run"`), appended to out; false (out unchanged) when
 * no prefilter applies.
 */
static bool
fts_query(struct sql_out *o, const enum query_field *fields, size_t n,
    const char *pattern, struct strbuf *out)
{
	const struct query_sql_fts *f = o->schema->fts;
	struct strbuf run = STRBUF_INIT, fq = STRBUF_INIT;
	const char *col;
	size_t i, ncols = 0, nchars;
	bool ok = false, has_body = false;

	if (f == NULL || f->match == NULL)
		return false;
	strbuf_addch(&fq, '{');
	for (i = 0; i < n; i++) {
		has_body |= fields[i] == QUERY_FIELD_BODY;
		if (field_expr(o->schema, fields[i]) == NULL)
			continue; /* the constant 0: nothing to find */
		if ((col = fts_column(f, fields[i])) == NULL)
			goto out;
		strbuf_addf(&fq, "%s%s", ncols > 0 ? " " : "", col);
		ncols++;
	}
	if (ncols == 0 || (nchars = fts_run(pattern, &run)) < 3)
		goto out;
	if (f->common != NULL && !has_body && nchars >= FTS_WINDOWS_MIN &&
	    fts_rare_windows(f, &run, nchars, &fq)) {
		strbuf_add(out, fq.buf, fq.len);
		ok = true;
		goto out;
	}
	strbuf_addstr(&fq, "} : ");
	fts_string(&fq, run.buf, run.len);
	strbuf_add(out, fq.buf, fq.len);
	ok = true;
out:
	strbuf_release(&run);
	strbuf_release(&fq);
	return ok;
}

/* fts_query for a text node. */
static bool
fts_node_query(struct sql_out *o, const struct query_node *n,
    struct strbuf *out)
{
	if (n->field == QUERY_FIELD_ANY)
		return fts_query(o, any_fields, FCT_ARRAY_LEN(any_fields),
		    n->pattern, out);
	return fts_query(o, &n->field, 1, n->pattern, out);
}

/*
 * Opens `(<fts match> AND ` for a text term when the prefilter applies;
 * the caller closes it if *opened. Does nothing otherwise.
 */
static void
fts_open(struct sql_out *o, const struct query_node *n, bool *opened)
{
	struct strbuf fq = STRBUF_INIT;

	*opened = fts_node_query(o, n, &fq);
	if (*opened) {
		strbuf_addf(&o->sql, "(%s AND ", o->schema->fts->match);
		add_text_param(o, fq.buf);
	}
	strbuf_release(&fq);
}

/*
 * A text term; `prefilter` says whether it gets its own (false when an
 * AND above it holds it, merged with its siblings').
 */
static int
emit_text(struct sql_out *o, const struct query_node *n, bool positive,
    bool prefilter)
{
	const enum query_field *any = any_fields;
	bool opened = false;
	size_t i;

	/*
	 * Under NOT the prefilter would be as exact (the exact test implies
	 * it) but of no use: a row without the run passes `NOT term` anyway.
	 */
	if (positive && prefilter)
		fts_open(o, n, &opened);
	if (n->field != QUERY_FIELD_ANY) {
		if (emit_match(o, field_expr(o->schema, n->field), n->pattern) <
		    0)
			return -1;
	} else {
		strbuf_addch(&o->sql, '(');
		for (i = 0; i < FCT_ARRAY_LEN(any_fields); i++) {
			if (i > 0)
				strbuf_addstr(&o->sql, " OR ");
			if (emit_match(o, field_expr(o->schema, any[i]),
				n->pattern) < 0)
				return -1;
		}
		strbuf_addch(&o->sql, ')');
	}
	if (opened)
		strbuf_addch(&o->sql, ')');
	return 0;
}

static int
emit_header(struct sql_out *o, const struct query_node *n)
{
	const struct query_sql_schema *s = o->schema;

	if (s->headers == NULL) {
		strbuf_addch(&o->sql, '0');
		return 0;
	}
	if (s->match_fn == NULL || s->header_fn == NULL)
		return fct_error_set(o->err,
		    "cannot search with 'header:' here: the store has no "
		    "header function");
	strbuf_addf(&o->sql, "%s(%s(%s, ?), ?)", s->match_fn, s->header_fn,
	    s->headers);
	add_text_param(o, n->name);
	add_text_param(o, n->pattern);
	return 0;
}

static int
emit_keyword(struct sql_out *o, const struct query_node *n)
{
	struct strbuf pat = STRBUF_INIT;
	char *text;
	int r;

	if (o->schema->keywords == NULL) {
		strbuf_addch(&o->sql, '0');
		return 0;
	}
	strbuf_addch(&pat, ' ');
	query_pattern_add_literal(&pat, n->name, strlen(n->name));
	strbuf_addch(&pat, ' ');
	text =
	    xasprintf("(' ' || coalesce(%s, '') || ' ')", o->schema->keywords);
	r = emit_match(o, text, pat.buf);
	free(text);
	strbuf_release(&pat);
	return r;
}

static int
emit_size(struct sql_out *o, const struct query_node *n)
{
	const char *col = o->schema->size;
	uint64_t lo, hi;

	if (need(o, col, "size:") < 0)
		return -1;
	query_size_bounds(&n->size, &lo, &hi);
	if (lo == 0 && hi == UINT64_MAX) {
		strbuf_addch(&o->sql, '1');
		return 0;
	}
	strbuf_addch(&o->sql, '(');
	if (lo > 0) {
		strbuf_addf(&o->sql, "%s >= ?", col);
		add_int_param(o, (int64_t)lo);
	}
	if (lo > 0 && hi < UINT64_MAX)
		strbuf_addstr(&o->sql, " AND ");
	if (hi < UINT64_MAX) {
		strbuf_addf(&o->sql, "%s <= ?", col);
		add_int_param(o, (int64_t)hi);
	}
	strbuf_addch(&o->sql, ')');
	return 0;
}

/* The term a date column serves, for the error message. */
static const char *
span_term(const struct query_node *n)
{
	if (n->op == QUERY_OP_DATE)
		return "date:";
	return n->age.older ? "older:" : "newer:";
}

static int
emit_span(struct sql_out *o, const struct query_node *n)
{
	const char *col = o->schema->date;
	struct query_span span;

	if (need(o, col, span_term(n)) < 0)
		return -1;
	query_node_span(n, o->now, &span);
	strbuf_addch(&o->sql, '(');
	if (span.has_lo) {
		strbuf_addf(&o->sql, "%s >= ?", col);
		add_int_param(o, span.lo);
	}
	if (span.has_lo && span.has_hi)
		strbuf_addstr(&o->sql, " AND ");
	if (span.has_hi) {
		strbuf_addf(&o->sql, "%s < ?", col);
		add_int_param(o, span.hi);
	}
	strbuf_addch(&o->sql, ')');
	return 0;
}

static int emit_node(struct sql_out *o, const struct query_node *n,
    bool positive);

/*
 * A positive AND with two text terms or more that have a prefilter: one
 * full-text query for all of them, `(q1) AND (q2) ...`, in front of the
 * whole AND, and the terms without their own. Separate prefilters would
 * each be an `m.id IN (...)`, and SQLite drives the search from the first
 * one written, whatever its size (a common word before a rare sender:
 * thousands of rows through the exact tests); FTS5 intersects the terms'
 * lists itself. The AND of necessary conditions of the terms is one of
 * their AND, so the rows are the same. Returns 1 when done, 0 when not
 * applicable, -1.
 */
static int
emit_and_merged(struct sql_out *o, const struct query_node *n)
{
	struct strbuf all = STRBUF_INIT, fq = STRBUF_INIT;
	bool *merged;
	size_t i, nmerged = 0;
	int rc = 1;

	if (o->schema->fts == NULL || o->schema->fts->match == NULL)
		return 0;
	merged = xcalloc(n->nkids, sizeof *merged);
	for (i = 0; i < n->nkids; i++) {
		strbuf_reset(&fq);
		if (n->kids[i]->op != QUERY_OP_TEXT ||
		    !fts_node_query(o, n->kids[i], &fq))
			continue;
		strbuf_addf(&all, "%s(%s)", nmerged > 0 ? " AND " : "", fq.buf);
		merged[i] = true;
		nmerged++;
	}
	if (nmerged < 2) {
		rc = 0;
		goto out;
	}
	strbuf_addf(&o->sql, "(%s AND (", o->schema->fts->match);
	add_text_param(o, all.buf);
	for (i = 0; i < n->nkids && rc == 1; i++) {
		if (i > 0)
			strbuf_addstr(&o->sql, " AND ");
		if ((merged[i] ? emit_text(o, n->kids[i], true, false)
			       : emit_node(o, n->kids[i], true)) < 0)
			rc = -1;
	}
	strbuf_addstr(&o->sql, "))");
out:
	free(merged);
	strbuf_release(&all);
	strbuf_release(&fq);
	return rc;
}

static int
emit_node(struct sql_out *o, const struct query_node *n, bool positive)
{
	const struct query_sql_schema *s = o->schema;
	size_t i;
	int rc;

	switch (n->op) {
	case QUERY_OP_ALL:
		strbuf_addch(&o->sql, '1');
		return 0;
	case QUERY_OP_AND:
	case QUERY_OP_OR:
		if (n->op == QUERY_OP_AND && positive &&
		    (rc = emit_and_merged(o, n)) != 0)
			return rc < 0 ? -1 : 0;
		strbuf_addch(&o->sql, '(');
		for (i = 0; i < n->nkids; i++) {
			if (i > 0)
				strbuf_addstr(&o->sql,
				    n->op == QUERY_OP_AND ? " AND " : " OR ");
			if (emit_node(o, n->kids[i], positive) < 0)
				return -1;
		}
		strbuf_addch(&o->sql, ')');
		return 0;
	case QUERY_OP_NOT:
		strbuf_addstr(&o->sql, "(NOT ");
		if (emit_node(o, n->kids[0], !positive) < 0)
			return -1;
		strbuf_addch(&o->sql, ')');
		return 0;
	case QUERY_OP_TEXT:
		return emit_text(o, n, positive, true);
	case QUERY_OP_HEADER:
		return emit_header(o, n);
	case QUERY_OP_FLAG:
		if (need(o, s->flags, "is:") < 0)
			return -1;
		strbuf_addf(&o->sql, "((%s & %u) %s 0)", s->flags, n->flag,
		    n->flag_set ? "<>" : "=");
		return 0;
	case QUERY_OP_KEYWORD:
		return emit_keyword(o, n);
	case QUERY_OP_ATTACHMENT:
		if (need(o, s->has_attachment, "has:") < 0)
			return -1;
		strbuf_addf(&o->sql, "(%s <> 0)", s->has_attachment);
		return 0;
	case QUERY_OP_SIZE:
		return emit_size(o, n);
	case QUERY_OP_DATE:
	case QUERY_OP_AGE:
		return emit_span(o, n);
	}
	BUG("bad query node op %d", (int)n->op);
}

int
query_to_sql(const struct query *q, const struct query_sql_schema *schema,
    time_t now, struct strbuf *where, struct query_sql_params *params,
    struct fct_error *err)
{
	struct sql_out o = { schema, now, STRBUF_INIT, QUERY_SQL_PARAMS_INIT,
		err };
	size_t i;

	if (emit_node(&o, q->root, true) < 0) {
		strbuf_release(&o.sql);
		query_sql_params_release(&o.params);
		return -1;
	}
	strbuf_add(where, o.sql.buf, o.sql.len);
	for (i = 0; i < o.params.n; i++) {
		FCT_ALLOC_GROW(params->v, params->n + 1, params->alloc);
		params->v[params->n++] = o.params.v[i];
	}
	free(o.params.v);
	strbuf_release(&o.sql);
	return 0;
}
