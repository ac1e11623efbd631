/*
 * The job queue: what the user asked for while the server could not be
 * reached, replayed in id order. Ids come from AUTOINCREMENT, so they only
 * grow and are never reused: a worker holding the id of a finished job can
 * never remove a newer one by mistake.
 *
 * Unlike the rest of the cache, jobs cannot be fetched again from the
 * server, so every transaction that writes one flushes the log at commit
 * (st->durable, see db.c): a power loss right after the user pressed the
 * key does not lose the intent.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

void
store_job_release(struct store_job *j)
{
	free(j->kind);
	free(j->payload);
	free(j->last_error);
	memset(j, 0, sizeof *j);
}

static int
no_job(struct store *st, int64_t id, struct fct_error *err)
{
	return fct_error_set(err, "cannot write to cache '%s': no job %lld",
	    st->path, (long long)id);
}

int
store_job_add(struct store *st, const char *kind, const char *payload,
    int64_t *id, struct fct_error *err)
{
	static const char sql[] =
	    "INSERT INTO jobs (kind, payload, created) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *s;
	bool own;
	int rc = -1;

	if (kind == NULL)
		BUG("store_job_add without a kind");
	if (store_write_begin(st, &own, err) != 0)
		return -1;
	st->durable = true;
	if ((s = store_stmt(st, STORE_STMT_JOB_ADD, sql, err)) != NULL) {
		store_bind_text(s, 1, kind);
		store_bind_text(s, 2, payload);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
		rc = store_step_write(st, s, err) < 0 ? -1 : 0;
		store_stmt_done(s);
		if (rc == 0 && id != NULL)
			*id = sqlite3_last_insert_rowid(st->db);
	}
	return store_write_end(st, own, rc, err);
}

int
store_job_next(struct store *st, struct store_job *j, struct fct_error *err)
{
	static const char sql[] =
	    "SELECT id, kind, payload, attempts, last_error, created "
	    "FROM jobs ORDER BY id LIMIT 1";
	sqlite3_stmt *s;
	int rc;

	store_job_release(j);
	if ((s = store_stmt(st, STORE_STMT_JOB_NEXT, sql, err)) == NULL)
		return -1;
	if ((rc = store_step_row(st, s, err)) == 1) {
		j->id = sqlite3_column_int64(s, 0);
		j->kind = store_column_strdup(s, 1);
		j->payload = store_column_strdup(s, 2);
		j->attempts = (unsigned)sqlite3_column_int64(s, 3);
		j->last_error = store_column_strdup(s, 4);
		j->created = sqlite3_column_int64(s, 5);
	}
	store_stmt_done(s);
	return rc;
}

int
store_job_count(struct store *st, size_t *n, struct fct_error *err)
{
	static const char sql[] = "SELECT count(*) FROM jobs";
	sqlite3_stmt *s;
	int rc;

	*n = 0;
	if ((s = store_stmt(st, STORE_STMT_JOB_COUNT, sql, err)) == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(s, 0);
	else
		store_error_read(st, err);
	store_stmt_done(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_job_done(struct store *st, int64_t id, struct fct_error *err)
{
	static const char sql[] = "DELETE FROM jobs WHERE id = ?1";

	return store_write_row(st, STORE_STMT_JOB_DONE, sql, id, NULL, no_job,
		   err) < 0
	    ? -1
	    : 0;
}

int
store_job_failed(struct store *st, int64_t id, const char *reason,
    struct fct_error *err)
{
	static const char sql[] =
	    "UPDATE jobs SET attempts = attempts + 1, last_error = ?2 "
	    "WHERE id = ?1";

	return store_write_row(st, STORE_STMT_JOB_FAILED, sql, id, reason,
		   no_job, err) < 0
	    ? -1
	    : 0;
}
