/*
 * The SQL functions the store registers for the query language, as the
 * tests register them: fct_match() on query_text_match() and fct_header()
 * on query_header_value(). Also a variant of fct_match that folds ASCII
 * only, which the property test uses to show that it can fail.
 */
#ifndef FACTEUR_TESTS_QUERY_SQLITE_FNS_H
#define FACTEUR_TESTS_QUERY_SQLITE_FNS_H

#include <sqlite3.h>

#include "facteur/query.h"

/* Registers fct_match, fct_header and fct_match_ascii on db. */
int test_sqlite_register(sqlite3 *db);

/* The schema of the tables test_sqlite_create() makes. */
extern const struct query_sql_schema test_sqlite_schema;

/*
 * The trigram prefilter over the table t that test_sqlite_create() makes
 * as well (an FTS5 index of every text field but headers, kept by
 * test_sqlite_insert()): set it as a copy of the schema's fts.
 */
extern const struct query_sql_fts test_sqlite_fts;

/*
 * Creates m(id, from_text, to_text, cc_text, subject, list_id, headers,
 * flags, keywords, size, date, has_attachment) and b(id, text), the body
 * table (a row only for a known body), for SELECT m.id FROM m LEFT JOIN b
 * USING (id), and the full-text table t(subject, from_text, to_text,
 * cc_text, list_id, body) with the trigram tokenizer, rowid = id.
 */
void test_sqlite_create(sqlite3 *db);

/* Inserts m as row id. */
void test_sqlite_insert(sqlite3 *db, int id, const struct query_msg *m);

/*
 * Runs SELECT m.id ... WHERE where with params bound and sets hits[id] for
 * each row (ids below n). Returns the number of rows.
 */
size_t test_sqlite_select(sqlite3 *db, const char *where,
    const struct query_sql_params *params, bool *hits, size_t n);

#endif
