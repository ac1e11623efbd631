/*
 * A job's own notes: a job that cannot be made idempotent on the server
 * (a COPY) records what it is about to do in its payload, durably, before
 * doing it, so that a replay after a crash can tell what already happened
 * (src/sync/copyguard.c).
 */
#include "config.h"

#include "private.h"

int
store_job_set_payload(struct store *st, int64_t id, const char *payload,
    struct fct_error *err)
{
	static const char sql[] = "UPDATE jobs SET payload = ?2 WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	bool own;
	int rc = 0;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	/* The note must be on disk before the command it announces. */
	st->durable = true;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		rc = store_error_write(st, err);
	else {
		sqlite3_bind_int64(s, 1, id);
		store_bind_text(s, 2, payload);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_error_write(st, err);
		else if (sqlite3_changes(st->db) == 0)
			rc = fct_error_set(err, "no job %lld in cache '%s'",
			    (long long)id, st->path);
	}
	sqlite3_finalize(s);
	return store_write_end(st, own, rc, err);
}
