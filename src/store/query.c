/*
 * The query language run on the cache: one place that knows how the
 * query layer's fields map to this schema, and that registers the query
 * layer's matcher as the SQL function its compiled conditions call, so
 * that SQL and the in-memory matcher can never disagree on what matches.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facteur/query.h"
#include "facteur/store.h"
#include "private.h"

/*
 * The trigram index of schema version 2 (schema.c). store_msg_select
 * indexes what the caller's transaction queued before it runs the
 * statement, so the index is complete whenever the prefilter is read.
 *
 * Two forms of the same condition, for two plans. Plain, SQLite drives
 * the search from the index's rowids (a few lookups for a rare word) and
 * sorts what it finds. With `+m.id` the term cannot drive the search, so
 * for a LIMIT on a date order SQLite walks the date index from the newest
 * and stops after LIMIT rows, checking the rowid against the set the
 * subquery built once: 50 rows of a frequent word without fetching every
 * one of its thousands of rows (doc/store.md has the figures).
 */
#define TRI_MATCH                                  \
	"m.id IN (SELECT rowid FROM messages_tri " \
	"WHERE messages_tri MATCH ?)"
#define TRI_COLUMNS                                            \
	.from = "from_text", .to = "to_text", .cc = "cc_text", \
	.subject = "subject", .list_id = "list_id", .body = "body"

static const struct query_sql_fts fts_lookup = {
	.match = TRI_MATCH,
	TRI_COLUMNS,
};

static const struct query_sql_fts fts_walk = {
	.match = "+" TRI_MATCH,
	TRI_COLUMNS,
};

static const struct query_sql_schema schema = {
	.from = "m.from_text",
	.to = "m.to_text",
	.cc = "m.cc_text",
	.subject = "m.subject",
	.list_id = "m.list_id",
	.body = "b.text",
	.headers = "m.headers",
	.flags = "m.flags",
	.keywords = "m.keywords",
	.size = "m.size",
	.date = "m.date",
	.has_attachment = "m.has_attachment",
	.match_fn = "fct_match",
	.header_fn = "fct_header",
	.fts = NULL, /* chosen per call */
};

/*
 * Which trigrams are common, for the prefilter (query_sql_fts.common):
 * estimated once per query from the header fields of the newest rows,
 * lowercased (ASCII). A trigram in more than one sampled row in
 * COMMON_SHARE is common: its list in the index is long, and a run's
 * rare trigrams find the same rows for a fraction of the reading
 * (doc/benchmarks.md, "The query layer's prefilter"). Bodies are not
 * sampled, and the query layer never asks about terms on bodies. Without
 * enough rows to judge, nothing is common: whole runs, as before.
 */
#define SAMPLE_ROWS 96
#define SAMPLE_MIN 32
#define COMMON_SHARE 8

struct tri_sample {
	struct store *st;
	bool loaded;
	char **rows; /* owned, lowercased */
	size_t n;
};

static void
sample_load(struct tri_sample *ts)
{
	static const char sql[] =
	    "SELECT coalesce(subject, '') || char(10) || "
	    "coalesce(from_text, '') || char(10) || coalesce(to_text, '') || "
	    "char(10) || coalesce(cc_text, '') || char(10) || "
	    "coalesce(list_id, '') FROM messages ORDER BY id DESC LIMIT ?1";
	sqlite3_stmt *s = NULL;
	const unsigned char *t;
	char *c;

	ts->loaded = true;
	ts->rows = xcalloc(SAMPLE_ROWS, sizeof *ts->rows);
	/* An estimate only: a failure leaves the sample empty. */
	if (sqlite3_prepare_v2(ts->st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		sqlite3_finalize(s);
		return;
	}
	sqlite3_bind_int(s, 1, SAMPLE_ROWS);
	while (ts->n < SAMPLE_ROWS && sqlite3_step(s) == SQLITE_ROW) {
		if ((t = sqlite3_column_text(s, 0)) == NULL)
			continue;
		ts->rows[ts->n] = xstrdup((const char *)t);
		for (c = ts->rows[ts->n]; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c + 32);
		ts->n++;
	}
	sqlite3_finalize(s);
}

static void
sample_release(struct tri_sample *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		free(ts->rows[i]);
	free(ts->rows);
}

static bool
tri_common(void *arg, const char *t)
{
	struct tri_sample *ts = arg;
	char low[4];
	size_t i, hits = 0;

	/* Non-ASCII: the sample's folding would not be FTS5's; keep it. */
	for (i = 0; i < 3; i++) {
		if (t[i] == '\0' || (unsigned char)t[i] >= 0x80)
			return false;
		low[i] = t[i] >= 'A' && t[i] <= 'Z' ? (char)(t[i] + 32) : t[i];
	}
	low[3] = '\0';
	if (!ts->loaded)
		sample_load(ts);
	if (ts->n < SAMPLE_MIN)
		return false;
	for (i = 0; i < ts->n; i++)
		hits += strstr(ts->rows[i], low) != NULL;
	return hits * COMMON_SHARE > ts->n;
}

static int
sql_match(int argc, const char *const *argv, bool *result, void *arg,
    struct fct_error *err)
{
	/* query_text_match takes no NULL pattern; NULL text never matches. */
	*result = argc == 2 && argv[0] != NULL && argv[1] != NULL &&
	    query_text_match(argv[0], argv[1]);
	return 0;
}

int
store_msg_query(struct store *st, int64_t folder_id, const struct query *q,
    time_t now, const char *order, size_t limit,
    int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err)
{
	return store_msg_query_page(st, folder_id, q, now, order, 0, limit, fn,
	    arg, err);
}

int
store_msg_query_page(struct store *st, int64_t folder_id, const struct query *q,
    time_t now, const char *order, size_t offset, size_t limit,
    int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err)
{
	struct strbuf where = STRBUF_INIT;
	struct query_sql_params qp = QUERY_SQL_PARAMS_INIT;
	struct query_sql_schema s;
	struct query_sql_fts fts;
	struct tri_sample ts = { st, false, NULL, 0 };
	struct store_param *params = NULL;
	size_t i;
	int rc = -1;

	if (store_register_function(st, schema.match_fn, 2, sql_match, NULL,
		err) != 0)
		return -1;
	/* A handle on an older schema (tests' store_open_with) has no
	 * trigram index: the plain path gives the same rows. */
	s = schema;
	if (st->schema < 2)
		s.fts = NULL;
	else if (limit > 0 &&
	    (order == NULL || strncasecmp(order, "date ", 5) == 0))
		s.fts = &fts_walk;
	else
		s.fts = &fts_lookup;
	if (s.fts != NULL) {
		fts = *s.fts;
		fts.common = tri_common;
		fts.common_arg = &ts;
		s.fts = &fts;
	}
	if (q != NULL && query_to_sql(q, &s, now, &where, &qp, err) != 0)
		goto out;
	if (qp.n > 0)
		params = xcalloc(qp.n, sizeof *params);
	for (i = 0; i < qp.n; i++) {
		if (qp.v[i].type == QUERY_SQL_TEXT) {
			params[i].type = STORE_PARAM_TEXT;
			params[i].text = qp.v[i].text;
		} else {
			params[i].type = STORE_PARAM_INT;
			params[i].i = qp.v[i].value;
		}
	}
	rc = store_msg_select_at(st, folder_id, where.len > 0 ? where.buf : "1",
	    params, qp.n, order, offset, limit, fn, arg, err);
out:
	free(params);
	sample_release(&ts);
	query_sql_params_release(&qp);
	strbuf_release(&where);
	return rc;
}
