/*
 * Addresses seen in the cache, for completion while composing: the From,
 * To and Cc texts of the most recent messages that mention a string. The
 * texts are returned as stored ("Name <addr>, ..."); splitting them into
 * addresses is the mime layer's work (sync_address_complete).
 *
 * A LIKE over three columns scans the table; limited to the newest
 * matches, it stays well under what a key press may cost on a large
 * cache (doc/benchmarks.md measures the scans).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "private.h"

int
store_address_texts(struct store *st, const char *needle, size_t limit,
    int (*fn)(const char *text, void *arg), void *arg, struct fct_error *err)
{
	static const char sql[] =
	    "SELECT from_text, to_text, cc_text FROM messages "
	    "WHERE from_text LIKE ?1 ESCAPE '\\' OR to_text LIKE ?1 ESCAPE "
	    "'\\' "
	    "OR cc_text LIKE ?1 ESCAPE '\\' ORDER BY date DESC LIMIT ?2";
	struct strbuf pat = STRBUF_INIT;
	sqlite3_stmt *s = NULL;
	const char *p;
	int rc, i;
	bool stop = false;

	strbuf_addch(&pat, '%');
	for (p = needle; *p != '\0'; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			strbuf_addch(&pat, '\\');
		strbuf_addch(&pat, *p);
	}
	strbuf_addch(&pat, '%');
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		strbuf_release(&pat);
		return store_error_read(st, err);
	}
	store_bind_text(s, 1, pat.buf);
	sqlite3_bind_int64(s, 2, limit > 0 ? (sqlite3_int64)limit : -1);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
		for (i = 0; i < 3 && !stop; i++) {
			const unsigned char *t = sqlite3_column_text(s, i);

			if (t != NULL && *t != '\0')
				stop = fn((const char *)t, arg) != 0;
		}
	if (!stop && rc != SQLITE_DONE)
		store_error_read(st, err);
	sqlite3_finalize(s);
	strbuf_release(&pat);
	return stop || rc == SQLITE_DONE ? 0 : -1;
}
