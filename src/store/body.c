/*
 * Message bodies, fetched on demand and kept within a byte budget, least
 * recently used first out.
 *
 * Recency is a logical clock, not a time: every put or read gives the body
 * max(last_used) + 1 (the index on last_used makes that a lookup), so the
 * order is exact even for many reads within one second. Eviction is one
 * statement: walking bodies from the most recent, a running sum of their
 * sizes finds where the budget runs out, and every older body goes. The
 * body just stored is spared, so reading one huge message never fails for
 * being larger than the budget.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "private.h"

/*
 * Marks the body most recently used. Inside the caller's transaction this
 * is a write like any other. Outside, it is best effort: it must never make
 * a reader (the UI) wait for the account worker's long write transaction,
 * so it does not wait for the lock at all, and a failure only means the
 * body is evicted a little early.
 */
static int
body_touch(struct store *st, int64_t msg_id, struct fct_error *err)
{
	static const char sql[] =
	    "UPDATE bodies SET last_used = "
	    "(SELECT coalesce(max(last_used), 0) + 1 FROM bodies) "
	    "WHERE msg_id = ?1";
	sqlite3_stmt *s;
	bool inside = !sqlite3_get_autocommit(st->db);
	int rc;

	if (!inside && st->in_tx)
		return 0; /* abandoned: store_commit will say so */
	if ((s = store_stmt(st, STORE_STMT_BODY_TOUCH, sql, err)) == NULL)
		return inside ? store_write_end(st, false, -1, err) : 0;
	sqlite3_bind_int64(s, 1, msg_id);
	if (inside) {
		rc = sqlite3_step(s) == SQLITE_DONE
		    ? 0
		    : store_error_write(st, err);
		store_stmt_done(s);
		return store_write_end(st, false, rc, err);
	}
	sqlite3_busy_timeout(st->db, 0);
	if (store_exec(st, "BEGIN IMMEDIATE") == SQLITE_OK) {
		rc = sqlite3_step(s);
		store_stmt_done(s);
		if ((rc != SQLITE_DONE ||
			store_exec(st, "COMMIT") != SQLITE_OK) &&
		    !sqlite3_get_autocommit(st->db))
			(void)store_exec(st, "ROLLBACK");
	} else
		store_stmt_done(s);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	return 0;
}

int
store_body_get(struct store *st, int64_t msg_id, char **data, size_t *len,
    struct fct_error *err)
{
	static const char sql[] = "SELECT raw FROM bodies WHERE msg_id = ?1";
	sqlite3_stmt *s;
	const void *raw;
	size_t n;
	int rc;

	*data = NULL;
	*len = 0;
	if ((s = store_stmt(st, STORE_STMT_BODY_GET, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, msg_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		raw = sqlite3_column_blob(s, 0);
		n = (size_t)sqlite3_column_bytes(s, 0);
		*data = xmalloc(n + 1);
		if (n > 0)
			memcpy(*data, raw, n);
		(*data)[n] = '\0';
		*len = n;
	} else if (rc != SQLITE_DONE)
		store_error_read(st, err);
	store_stmt_done(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW || body_touch(st, msg_id, err) != 0) {
		free(*data);
		*data = NULL;
		*len = 0;
		return -1;
	}
	return 1;
}

static int
body_put(struct store *st, int64_t msg_id, const char *data, size_t len,
    const char *text, struct fct_error *err)
{
	static const char sql[] =
	    "INSERT INTO bodies (msg_id, raw, text, size, last_used) "
	    "VALUES (?1, ?2, ?3, ?4, "
	    "(SELECT coalesce(max(last_used), 0) + 1 FROM bodies)) "
	    "ON CONFLICT (msg_id) DO UPDATE SET raw = excluded.raw, "
	    "text = excluded.text, size = excluded.size, "
	    "last_used = excluded.last_used";
	sqlite3_stmt *s;
	size_t size = len + (text != NULL ? strlen(text) : 0);
	int rc = 0;

	if ((s = store_stmt(st, STORE_STMT_BODY_PUT, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, msg_id);
	/* A zero-length blob, not NULL: the column is NOT NULL. */
	sqlite3_bind_blob64(s, 2, len > 0 ? data : "", len, SQLITE_STATIC);
	store_bind_text(s, 3, text);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)size);
	if (sqlite3_step(s) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(st->db) ==
		    SQLITE_CONSTRAINT_FOREIGNKEY)
			rc = fct_error_set(err,
			    "cannot write to cache '%s': no message %lld",
			    st->path, (long long)msg_id);
		else
			rc = store_error_write(st, err);
	}
	store_stmt_done(s);
	return rc;
}

static int
body_evict(struct store *st, int64_t keep, uint64_t budget,
    struct fct_error *err)
{
	static const char sql[] =
	    "DELETE FROM bodies WHERE msg_id IN (SELECT msg_id FROM "
	    "(SELECT msg_id, sum(size) OVER (ORDER BY last_used DESC, "
	    "msg_id DESC) AS used FROM bodies) "
	    "WHERE used > ?1 AND msg_id != ?2)";
	sqlite3_stmt *s;
	int rc = 0;

	if ((s = store_stmt(st, STORE_STMT_BODY_EVICT, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1,
	    budget > INT64_MAX ? INT64_MAX : (sqlite3_int64)budget);
	sqlite3_bind_int64(s, 2, keep);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_error_write(st, err);
	store_stmt_done(s);
	return rc;
}

int
store_body_put(struct store *st, int64_t msg_id, const char *data, size_t len,
    const char *text, uint64_t budget, struct fct_error *err)
{
	bool own;
	int rc;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	st->fts_dirty = true;
	rc = body_put(st, msg_id, data, len, text, err);
	if (rc == 0 && budget > 0)
		rc = body_evict(st, msg_id, budget, err);
	return store_write_end(st, own, rc, err);
}
