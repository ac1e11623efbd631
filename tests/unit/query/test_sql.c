/*
 * Unit tests of src/query/sql.c: the exact SQL and parameters for each
 * construct, schemas without some columns, appending to a statement, the
 * untouched output on failure, and a few queries run in a real SQLite.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "facteur/core.h"
#include "facteur/query.h"
#include "sqlite_fns.h"

#define NOW 1000000

static struct query *
parse_ok(const char *text)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct query *q = NULL;

	if (query_parse(text, &q, &err) != 0)
		fail_msg("cannot parse '%s': %s", text, fct_error_msg(&err));
	return q;
}

/* Params are written "text" or 123, separated by commas. */
static void
params_string(const struct query_sql_params *p, struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (i > 0)
			strbuf_addch(sb, ',');
		if (p->v[i].type == QUERY_SQL_TEXT) {
			assert_non_null(p->v[i].text);
			strbuf_addf(sb, "\"%s\"", p->v[i].text);
		} else {
			assert_null(p->v[i].text);
			strbuf_addf(sb, "%lld", (long long)p->v[i].value);
		}
	}
}

static void
check_sql_schema(const struct query_sql_schema *schema, const char *text,
    const char *want_sql, const char *want_params)
{
	struct query_sql_params params = QUERY_SQL_PARAMS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf where = STRBUF_INIT, ps = STRBUF_INIT;
	struct query *q = parse_ok(text);

	if (query_to_sql(q, schema, NOW, &where, &params, &err) != 0)
		fail_msg("'%s': %s", text, fct_error_msg(&err));
	params_string(&params, &ps);
	if (strcmp(where.buf, want_sql) != 0 ||
	    strcmp(ps.buf, want_params) != 0)
		fail_msg("'%s':\n got %s [%s]\nwant %s [%s]", text, where.buf,
		    ps.buf, want_sql, want_params);
	query_sql_params_release(&params);
	assert_null(params.v);
	assert_int_equal(params.n, 0);
	strbuf_release(&where);
	strbuf_release(&ps);
	query_free(&q);
}

static void
check_sql(const char *text, const char *want_sql, const char *want_params)
{
	check_sql_schema(&test_sqlite_schema, text, want_sql, want_params);
}

static void
test_terms(void **state)
{
	check_sql("", "1", "");
	check_sql("from:edf", "fct_match(m.from_text, ?)", "\"edf\"");
	check_sql("to:a cc:b",
	    "(fct_match(m.to_text, ?) AND fct_match(m.cc_text, ?))",
	    "\"a\",\"b\"");
	check_sql("subject:fact* list:x body:y",
	    "(fct_match(m.subject, ?) AND fct_match(m.list_id, ?) AND "
	    "fct_match(b.text, ?))",
	    "\"fact*\",\"x\",\"y\"");
	check_sql("subject:\"a*b?\\\\\"", "fct_match(m.subject, ?)",
	    "\"a\\*b\\?\\\\\"");
	check_sql("facture",
	    "(fct_match(m.subject, ?) OR fct_match(m.from_text, ?) OR "
	    "fct_match(m.to_text, ?) OR fct_match(m.cc_text, ?) OR "
	    "fct_match(b.text, ?))",
	    "\"facture\",\"facture\",\"facture\",\"facture\",\"facture\"");
	check_sql("header:X-Mailer:mutt",
	    "fct_match(fct_header(m.headers, ?), ?)", "\"X-Mailer\",\"mutt\"");
	check_sql("is:unread", "((m.flags & 1) = 0)", "");
	check_sql("is:read", "((m.flags & 1) <> 0)", "");
	check_sql("is:flagged is:unflagged",
	    "(((m.flags & 4) <> 0) AND ((m.flags & 4) = 0))", "");
	check_sql("is:answered is:deleted is:draft",
	    "(((m.flags & 2) <> 0) AND ((m.flags & 8) <> 0) AND "
	    "((m.flags & 16) <> 0))",
	    "");
	check_sql("keyword:$Junk",
	    "fct_match((' ' || coalesce(m.keywords, '') || ' '), ?)",
	    "\" $Junk \"");
	check_sql("keyword:\"a?b\"",
	    "fct_match((' ' || coalesce(m.keywords, '') || ' '), ?)",
	    "\" a\\?b \"");
	check_sql("has:attachment", "(m.has_attachment <> 0)", "");
}

static void
test_numbers(void **state)
{
	check_sql("size:>1M", "(m.size >= ?)", "1048577");
	check_sql("size:>=1M", "(m.size >= ?)", "1048576");
	check_sql("size:<1k", "(m.size <= ?)", "1023");
	check_sql("size:<=1k", "(m.size <= ?)", "1024");
	check_sql("size:1k..2k", "(m.size >= ? AND m.size <= ?)", "1024,2048");
	check_sql("size:..2k", "(m.size <= ?)", "2048");
	check_sql("size:>=0", "1", "");
	check_sql("size:<0", "(m.size >= ? AND m.size <= ?)", "1,0");
	check_sql("date:2024-03", "(m.date >= ? AND m.date < ?)",
	    "1709251200,1711929600");
	check_sql("date:2024-03..", "(m.date >= ?)", "1709251200");
	check_sql("date:..2024-03", "(m.date < ?)", "1711929600");
	check_sql("older:1d", "(m.date < ?)", "913600");
	check_sql("newer:1h", "(m.date >= ?)", "996400");
}

static void
test_logic(void **state)
{
	check_sql("from:a or not to:b",
	    "(fct_match(m.from_text, ?) OR (NOT fct_match(m.to_text, ?)))",
	    "\"a\",\"b\"");
	check_sql("-(from:a is:read) or size:>0",
	    "((NOT (fct_match(m.from_text, ?) AND ((m.flags & 1) <> 0))) OR "
	    "(m.size >= ?))",
	    "\"a\",1");
	check_sql("not not is:read", "(NOT (NOT ((m.flags & 1) <> 0)))", "");
}

static void
test_missing_columns(void **state)
{
	struct query_sql_schema s = test_sqlite_schema;
	struct query_sql_params params = QUERY_SQL_PARAMS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf where = STRBUF_INIT;
	struct query *q;
	static const struct {
		const char *query, *msg;
	} fails[] = {
		{ "size:>1",
		    "cannot search with 'size:' here: the store has no "
		    "column for it" },
		{ "date:2024",
		    "cannot search with 'date:' here: the store has "
		    "no column for it" },
		{ "older:1d",
		    "cannot search with 'older:' here: the store has "
		    "no column for it" },
		{ "newer:1d",
		    "cannot search with 'newer:' here: the store has "
		    "no column for it" },
		{ "is:read",
		    "cannot search with 'is:' here: the store has no "
		    "column for it" },
		{ "has:attachment",
		    "cannot search with 'has:' here: the store "
		    "has no column for it" },
		{ "x from:y",
		    "cannot search text here: the store has no match "
		    "function" },
		{ "header:a:b",
		    "cannot search with 'header:' here: the store "
		    "has no header function" },
	};
	size_t i;

	/* Text columns may be missing: their tests are false. */
	s.body = NULL;
	s.list_id = NULL;
	s.headers = NULL;
	s.keywords = NULL;
	check_sql_schema(&s, "body:x list:y header:a:b keyword:k",
	    "(0 AND 0 AND 0 AND 0)", "");
	check_sql_schema(&s, "facture",
	    "(fct_match(m.subject, ?) OR fct_match(m.from_text, ?) OR "
	    "fct_match(m.to_text, ?) OR fct_match(m.cc_text, ?) OR 0)",
	    "\"facture\",\"facture\",\"facture\",\"facture\"");

	/* Others make the query fail, with where and params untouched. */
	s = test_sqlite_schema;
	s.size = s.date = s.flags = s.has_attachment = NULL;
	for (i = 0; i < FCT_ARRAY_LEN(fails); i++) {
		if (i == 6)
			s.match_fn = NULL;
		if (i == 7) {
			s.match_fn = "fct_match";
			s.header_fn = NULL;
		}
		q = parse_ok(fails[i].query);
		strbuf_addstr(&where, "x = ? AND ");
		FCT_ALLOC_GROW(params.v, 1, params.alloc);
		params.v[0].type = QUERY_SQL_INT;
		params.v[0].text = NULL;
		params.v[0].value = 7;
		params.n = 1;
		assert_int_equal(query_to_sql(q, &s, NOW, &where, &params,
				     &err),
		    -1);
		assert_string_equal(err.msg, fails[i].msg);
		assert_string_equal(where.buf, "x = ? AND ");
		assert_int_equal(params.n, 1);
		assert_int_equal(params.v[0].value, 7);
		query_free(&q);
		strbuf_reset(&where);
		query_sql_params_release(&params);
		fct_error_release(&err);
	}
	strbuf_release(&where);
}

static void
test_append(void **state)
{
	struct query_sql_params params = QUERY_SQL_PARAMS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf where = STRBUF_INIT;
	struct query *q = parse_ok("from:a size:>1");

	strbuf_addstr(&where, "folder = ? AND ");
	FCT_ALLOC_GROW(params.v, 1, params.alloc);
	params.v[0].type = QUERY_SQL_TEXT;
	params.v[0].text = xstrdup("INBOX");
	params.n = 1;
	assert_int_equal(query_to_sql(q, &test_sqlite_schema, NOW, &where,
			     &params, &err),
	    0);
	assert_string_equal(where.buf,
	    "folder = ? AND (fct_match(m.from_text, ?) AND (m.size >= ?))");
	assert_int_equal(params.n, 3);
	assert_string_equal(params.v[0].text, "INBOX");
	assert_string_equal(params.v[1].text, "a");
	assert_int_equal(params.v[2].type, QUERY_SQL_INT);
	assert_int_equal(params.v[2].value, 2);
	query_sql_params_release(&params);
	query_sql_params_release(&params);
	strbuf_release(&where);
	query_free(&q);
}

static const struct query_msg rows[] = {
	{
	    .from = "EDF <factures@edf.fr>",
	    .subject = "Votre facture d'ÉTÉ",
	    .headers = "From: EDF <factures@edf.fr>\r\nX-Tag:  a_b \r\n",
	    .body = "100% remboursé",
	    .flags = FCT_FLAG_SEEN,
	    .keywords = " $Junk ",
	    .size = 2048,
	    .date = 1710460800,
	},
	{
	    .from = "Jane <jane@example.org>",
	    .to = "edf",
	    .subject = "re: été",
	    .keywords = "Work",
	    .size = 10,
	    .date = 1700000000,
	    .has_attachment = true,
	},
	{ 0 },
};

/* Runs text in SQLite and in memory: both must give want. */
static void
check_db(sqlite3 *db, const char *text, const char *want)
{
	struct query_sql_params params = QUERY_SQL_PARAMS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf where = STRBUF_INIT;
	struct query *q = parse_ok(text);
	bool hits[FCT_ARRAY_LEN(rows)];
	char got[FCT_ARRAY_LEN(rows) + 1], mem[FCT_ARRAY_LEN(rows) + 1];
	size_t i;

	assert_int_equal(query_to_sql(q, &test_sqlite_schema, NOW, &where,
			     &params, &err),
	    0);
	test_sqlite_select(db, where.buf, &params, hits, FCT_ARRAY_LEN(rows));
	for (i = 0; i < FCT_ARRAY_LEN(rows); i++) {
		got[i] = hits[i] ? '0' + (char)i : '-';
		mem[i] = query_match(q, &rows[i], NOW) ? '0' + (char)i : '-';
	}
	got[i] = mem[i] = '\0';
	if (strcmp(got, want) != 0 || strcmp(mem, want) != 0)
		fail_msg("'%s': sql %s, memory %s, want %s", text, got, mem,
		    want);
	query_sql_params_release(&params);
	strbuf_release(&where);
	query_free(&q);
}

static void
test_sqlite(void **state)
{
	sqlite3 *db;
	size_t i;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(test_sqlite_register(db), 0);
	test_sqlite_create(db);
	for (i = 0; i < FCT_ARRAY_LEN(rows); i++)
		test_sqlite_insert(db, (int)i, &rows[i]);

	check_db(db, "", "012");
	check_db(db, "edf", "01-");
	check_db(db, "from:@edf.fr", "0--");
	check_db(db, "été", "01-");
	check_db(db, "subject:\"D'été\"", "0--");
	check_db(db, "100%", "0--");
	check_db(db, "1_0", "---");
	check_db(db, "body:%", "0--");
	check_db(db, "-body:rembours*", "-12");
	check_db(db, "body:\"\"", "0--");
	check_db(db, "to:*", "-1-");
	check_db(db, "header:x-tag:a_b", "0--");
	check_db(db, "header:X-Tag:\"a?b\"", "---");
	check_db(db, "header:X-Tag:a?b", "0--");
	check_db(db, "not header:From:\"\"", "-12");
	check_db(db, "keyword:$junk or keyword:work", "01-");
	check_db(db, "-keyword:work", "0-2");
	check_db(db, "is:unread", "-12");
	check_db(db, "has:attachment", "-1-");
	check_db(db, "size:>10 or size:<1", "0-2");
	check_db(db, "date:2024-03-15", "0--");
	check_db(db, "date:..2023", "-12");
	check_db(db, "older:1d", "--2");
	check_db(db, "newer:1d", "01-");
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_missing_columns),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_sqlite),
	};

	setenv("TZ", "UTC0", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
