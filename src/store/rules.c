/*
 * What the rules engine keeps in the cache: which new messages the rules
 * have not run on yet (table rules_pending, schema version 3; the
 * crash-safety argument is in schema.c and store.h). The table only holds
 * message rowids; everything about what the rules do lives in the job
 * queue, written in the same transaction as the unmarking.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "private.h"

static int
need_v3(struct store *st, struct fct_error *err)
{
	if (st->schema < 3)
		return fct_error_set(err,
		    "cache '%s' has no rules bookkeeping (schema %d)", st->path,
		    st->schema);
	return 0;
}

int
store_msg_known(struct store *st, int64_t folder_id, uint32_t uid, bool *known,
    struct fct_error *err)
{
	static const char sql[] =
	    "SELECT 1 FROM messages WHERE folder_id = ?1 AND uid = ?2";
	sqlite3_stmt *s;
	int rc;

	*known = false;
	if ((s = store_stmt(st, STORE_STMT_RULES_KNOWN, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	sqlite3_bind_int64(s, 2, uid);
	rc = sqlite3_step(s);
	store_stmt_done(s);
	if (rc == SQLITE_ROW)
		*known = true;
	else if (rc != SQLITE_DONE)
		return store_error_read(st, err);
	return 0;
}

int
store_rules_pending_add(struct store *st, int64_t msg_id, struct fct_error *err)
{
	static const char sql[] =
	    "INSERT OR IGNORE INTO rules_pending (msg_id) VALUES (?1)";
	sqlite3_stmt *s;
	bool own;
	int rc = -1;

	if (need_v3(st, err) != 0 || store_write_begin(st, &own, err) != 0)
		return -1;
	if ((s = store_stmt(st, STORE_STMT_RULES_ADD, sql, err)) != NULL) {
		sqlite3_bind_int64(s, 1, msg_id);
		rc = sqlite3_step(s) == SQLITE_DONE
		    ? 0
		    : store_error_write(st, err);
		store_stmt_done(s);
	}
	return store_write_end(st, own, rc, err);
}

int
store_rules_pending_done(struct store *st, const int64_t *msg_ids, size_t n,
    struct fct_error *err)
{
	static const char sql[] = "DELETE FROM rules_pending WHERE msg_id = ?1";
	sqlite3_stmt *s;
	size_t i;
	bool own;
	int rc = 0;

	if (n == 0)
		return 0;
	if (need_v3(st, err) != 0 || store_write_begin(st, &own, err) != 0)
		return -1;
	if ((s = store_stmt(st, STORE_STMT_RULES_DONE, sql, err)) == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_int64(s, 1, msg_ids[i]);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_error_write(st, err);
		store_stmt_done(s);
	}
	return store_write_end(st, own, rc, err);
}

int
store_rules_pending_count(struct store *st, int64_t folder_id, size_t *n,
    struct fct_error *err)
{
	/* CROSS JOIN keeps this order: the few pending rows first. Left
	 * to itself the planner may walk the folder's index entries
	 * (100,000 of them, 20 ms) to find none. */
	static const char sql[] =
	    "SELECT count(*) FROM rules_pending AS rp "
	    "CROSS JOIN messages AS m ON m.id = rp.msg_id "
	    "WHERE ?1 = 0 OR m.folder_id = ?1";
	sqlite3_stmt *s;
	int rc;

	*n = 0;
	if (st->schema < 3)
		return 0;
	if ((s = store_stmt(st, STORE_STMT_RULES_COUNT, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(s, 0);
	store_stmt_done(s);
	return rc == SQLITE_ROW ? 0 : store_error_read(st, err);
}

int
store_rules_pending_select(struct store *st, int64_t folder_id,
    int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err)
{
	bool old;
	int rc;

	if (need_v3(st, err) != 0)
		return -1;
	old = store_rules_show_pending(st, true);
	rc = store_msg_select(st, folder_id,
	    "m.id IN (SELECT msg_id FROM rules_pending)", NULL, 0, "uid ASC", 0,
	    fn, arg, err);
	store_rules_show_pending(st, old);
	return rc;
}

bool
store_rules_show_pending(struct store *st, bool show)
{
	bool old = st->show_pending;

	st->show_pending = show;
	return old;
}

int
store_rules_query(struct store *st, int64_t folder_id, const struct query *q,
    time_t now, int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err)
{
	bool old = store_rules_show_pending(st, true);
	int rc;

	st->folder_unindexed = true;
	rc = store_msg_query(st, folder_id, q, now, "uid ASC", 0, fn, arg, err);
	st->folder_unindexed = false;
	store_rules_show_pending(st, old);
	return rc;
}

int
store_rules_body_text(struct store *st, int64_t msg_id, char **text,
    struct fct_error *err)
{
	static const char sql[] = "SELECT text FROM bodies WHERE msg_id = ?1";
	const unsigned char *t;
	sqlite3_stmt *s;
	int rc;

	*text = NULL;
	if ((s = store_stmt(st, STORE_STMT_RULES_BODY, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, msg_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && (t = sqlite3_column_text(s, 0)) != NULL)
		*text = xstrdup((const char *)t);
	store_stmt_done(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_error_read(st, err);
}
