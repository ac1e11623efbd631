/*
 * The query language run on the cache: one place that knows how the
 * query layer's fields map to this schema, and that registers the query
 * layer's matcher as the SQL function its compiled conditions call, so
 * that SQL and the in-memory matcher can never disagree on what matches.
 */
#include "config.h"

#include <stdlib.h>
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
	query_sql_params_release(&qp);
	strbuf_release(&where);
	return rc;
}
