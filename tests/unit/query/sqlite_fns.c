/*
 * SQLite glue for the query tests: see sqlite_fns.h. Any failure of
 * SQLite here is a broken test, so it fails the test at once.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/core.h"
#include "sqlite_fns.h"

const struct query_sql_schema test_sqlite_schema = {
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
};

const struct query_sql_fts test_sqlite_fts = {
	.match = "m.id IN (SELECT rowid FROM t WHERE t MATCH ?)",
	.from = "from_text",
	.to = "to_text",
	.cc = "cc_text",
	.subject = "subject",
	.list_id = "list_id",
	.body = "body",
};

static void
fn_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	const char *pattern = (const char *)sqlite3_value_text(argv[1]);

	if (pattern == NULL) {
		sqlite3_result_error(ctx, "fct_match: NULL pattern", -1);
		return;
	}
	sqlite3_result_int(ctx, query_text_match(text, pattern));
}

static void
fn_header(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *headers = (const char *)sqlite3_value_text(argv[0]);
	const char *name = (const char *)sqlite3_value_text(argv[1]);
	struct strbuf sb = STRBUF_INIT;

	if (name != NULL && query_header_value(headers, name, &sb))
		sqlite3_result_text(ctx, sb.buf, (int)sb.len, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
	strbuf_release(&sb);
}

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 0x20 : c;
}

/* Bytes, ASCII folding: `?` is one byte, É is not é. Anchored at t. */
static bool
ascii_glob(const unsigned char *t, const unsigned char *p)
{
	for (; *p != '\0'; p++, t++) {
		if (*p == '*') {
			for (;; t++) {
				if (ascii_glob(t, p + 1))
					return true;
				if (*t == '\0')
					return false;
			}
		}
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '?' && *t != '\0')
			continue;
		if (*t == '\0' || ascii_lower(*t) != ascii_lower(*p))
			return false;
	}
	return true;
}

/*
 * The mistake the property test must catch: what LIKE or GLOB would do,
 * folding ASCII only and taking `?` as one byte.
 */
static void
fn_match_ascii(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *t = sqlite3_value_text(argv[0]);
	const unsigned char *p = sqlite3_value_text(argv[1]);
	bool r = false;

	for (; t != NULL && !r; t++) {
		r = ascii_glob(t, p);
		if (*t == '\0')
			break;
	}
	sqlite3_result_int(ctx, r);
}

int
test_sqlite_register(sqlite3 *db)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	if (sqlite3_create_function(db, "fct_match", 2, flags, NULL, fn_match,
		NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "fct_header", 2, flags, NULL, fn_header,
		NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "fct_match_ascii", 2, flags, NULL,
		fn_match_ascii, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

static void
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

void
test_sqlite_create(sqlite3 *db)
{
	exec(db,
	    "CREATE TABLE m (id INTEGER PRIMARY KEY, from_text TEXT, "
	    "to_text TEXT, cc_text TEXT, subject TEXT, list_id TEXT, "
	    "headers TEXT, flags INTEGER NOT NULL, keywords TEXT, "
	    "size INTEGER NOT NULL, date INTEGER NOT NULL, "
	    "has_attachment INTEGER NOT NULL);"
	    "CREATE TABLE b (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
	    "CREATE VIRTUAL TABLE t USING fts5 (subject, from_text, to_text, "
	    "cc_text, list_id, body, tokenize = 'trigram');");
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	int r = s != NULL ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC)
			  : sqlite3_bind_null(st, i);

	assert_int_equal(r, SQLITE_OK);
}

void
test_sqlite_insert(sqlite3 *db, int id, const struct query_msg *m)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db,
			     "INSERT INTO m VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
			     "?, ?, ?)",
			     -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int(st, 1, id);
	bind_text(st, 2, m->from);
	bind_text(st, 3, m->to);
	bind_text(st, 4, m->cc);
	bind_text(st, 5, m->subject);
	bind_text(st, 6, m->list_id);
	bind_text(st, 7, m->headers);
	sqlite3_bind_int64(st, 8, m->flags);
	bind_text(st, 9, m->keywords);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)m->size);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)m->date);
	sqlite3_bind_int(st, 12, m->has_attachment);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db,
			     "INSERT INTO t (rowid, subject, from_text, "
			     "to_text, cc_text, list_id, body) "
			     "VALUES (?, ?, ?, ?, ?, ?, ?)",
			     -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int(st, 1, id);
	bind_text(st, 2, m->subject);
	bind_text(st, 3, m->from);
	bind_text(st, 4, m->to);
	bind_text(st, 5, m->cc);
	bind_text(st, 6, m->list_id);
	bind_text(st, 7, m->body);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	if (m->body == NULL)
		return;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO b VALUES (?, ?)",
			     -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int(st, 1, id);
	bind_text(st, 2, m->body);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

size_t
test_sqlite_select(sqlite3 *db, const char *where,
    const struct query_sql_params *params, bool *hits, size_t n)
{
	sqlite3_stmt *st;
	char *sql;
	size_t i, rows = 0;
	int r, id;

	sql = xasprintf("SELECT m.id FROM m LEFT JOIN b USING (id) WHERE %s "
			"ORDER BY m.id",
	    where);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("cannot prepare '%s': %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_bind_parameter_count(st), (int)params->n);
	for (i = 0; i < params->n; i++) {
		if (params->v[i].type == QUERY_SQL_TEXT)
			r = sqlite3_bind_text(st, (int)i + 1, params->v[i].text,
			    -1, SQLITE_STATIC);
		else
			r = sqlite3_bind_int64(st, (int)i + 1,
			    params->v[i].value);
		assert_int_equal(r, SQLITE_OK);
	}
	memset(hits, 0, n * sizeof *hits);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int(st, 0);
		assert_true(id >= 0 && (size_t)id < n);
		hits[id] = true;
		rows++;
	}
	if (r != SQLITE_DONE)
		fail_msg("'%s': %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(sql);
	return rows;
}
