/*
 * The outbox: messages on their way to the server. A message is written
 * here before the first byte goes to the submission server and leaves
 * only once its copy is in the Sent (or Drafts) folder, so a failure or a
 * crash at any point leaves it to retry, with the reason of the last try.
 *
 * Every transaction that writes the outbox flushes the log at commit
 * (st->durable, as for the job queue): these are the user's words. The
 * statements are prepared on each call rather than cached: the outbox is
 * touched a few times per message, never in a hot loop.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

void
store_outbox_release(struct store_outbox *m)
{
	free(m->state);
	free(m->identity);
	free(m->mail_from);
	free(m->rcpts);
	free(m->message_id);
	free(m->subject);
	free(m->message);
	free(m->copy_folder);
	free(m->last_error);
	memset(m, 0, sizeof *m);
}

static sqlite3_stmt *
prepare(struct store *st, const char *sql, bool write, struct fct_error *err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		if (write)
			store_error_write(st, err);
		else
			store_error_read(st, err);
		return NULL;
	}
	return s;
}

static int
no_message(struct store *st, int64_t id, struct fct_error *err)
{
	return fct_error_set(err,
	    "cannot write to cache '%s': no message %lld in the outbox",
	    st->path, (long long)id);
}

/* Runs one bound write (not checked to change a row) and finalizes it. */
static int
outbox_write(struct store *st, sqlite3_stmt *s, struct fct_error *err)
{
	int changed = store_step_write(st, s, err);

	sqlite3_finalize(s);
	return changed < 0 ? -1 : 0;
}

int
store_outbox_add(struct store *st, struct store_outbox *m,
    struct fct_error *err)
{
	static const char sql[] =
	    "INSERT INTO outbox (state, identity, mail_from, rcpts, "
	    "message_id, subject, message, copy_folder, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	sqlite3_stmt *s;
	bool own;
	int rc = -1;

	if (m->state == NULL || m->mail_from == NULL || m->rcpts == NULL ||
	    m->message == NULL)
		BUG("store_outbox_add without state, sender, recipients or "
		    "message");
	if (store_write_begin(st, &own, err) != 0)
		return -1;
	st->durable = true;
	m->created = (int64_t)time(NULL);
	if ((s = prepare(st, sql, true, err)) != NULL) {
		store_bind_text(s, 1, m->state);
		store_bind_text(s, 2, m->identity);
		store_bind_text(s, 3, m->mail_from);
		store_bind_text(s, 4, m->rcpts);
		store_bind_text(s, 5, m->message_id);
		store_bind_text(s, 6, m->subject);
		sqlite3_bind_blob64(s, 7, m->message, m->len, SQLITE_STATIC);
		store_bind_text(s, 8, m->copy_folder);
		sqlite3_bind_int64(s, 9, m->created);
		rc = outbox_write(st, s, err);
		if (rc == 0)
			m->id = sqlite3_last_insert_rowid(st->db);
	}
	return store_write_end(st, own, rc, err);
}

int
store_outbox_get(struct store *st, int64_t id, struct store_outbox *m,
    struct fct_error *err)
{
	static const char sql[] =
	    "SELECT state, identity, mail_from, rcpts, message_id, subject, "
	    "message, copy_folder, created, attempts, last_error, sent, claim "
	    "FROM outbox WHERE id = ?1";
	sqlite3_stmt *s;
	const void *blob;
	int rc;

	store_outbox_release(m);
	if ((s = prepare(st, sql, false, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step_row(st, s, err)) == 1) {
		m->id = id;
		m->state = store_column_strdup(s, 0);
		m->identity = store_column_strdup(s, 1);
		m->mail_from = store_column_strdup(s, 2);
		m->rcpts = store_column_strdup(s, 3);
		m->message_id = store_column_strdup(s, 4);
		m->subject = store_column_strdup(s, 5);
		blob = sqlite3_column_blob(s, 6);
		m->len = (size_t)sqlite3_column_bytes(s, 6);
		m->message = xmalloc(m->len + 1);
		if (m->len > 0)
			memcpy(m->message, blob, m->len);
		m->message[m->len] = '\0';
		m->copy_folder = store_column_strdup(s, 7);
		m->created = sqlite3_column_int64(s, 8);
		m->attempts = (unsigned)sqlite3_column_int64(s, 9);
		m->last_error = store_column_strdup(s, 10);
		m->sent = sqlite3_column_int64(s, 11);
		m->claim = (int)sqlite3_column_int64(s, 12);
	}
	sqlite3_finalize(s);
	return rc;
}

int
store_outbox_ids(struct store *st, const char *state, int64_t **ids, size_t *n,
    struct fct_error *err)
{
	static const char sql[] = "SELECT id FROM outbox "
				  "WHERE ?1 IS NULL OR state = ?1 ORDER BY id";
	sqlite3_stmt *s;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((s = prepare(st, sql, false, err)) == NULL)
		return -1;
	store_bind_text(s, 1, state);
	rc = store_step_ids(st, s, ids, n, err);
	sqlite3_finalize(s);
	return rc;
}

/* One UPDATE or DELETE of row id with an optional text for ?2 and the
 * time for ?3: statements prepared per call (see the top). */
static int
outbox_update(struct store *st, const char *sql, int64_t id, const char *text,
    struct fct_error *err)
{
	return store_write_row(st, STORE_STMT__COUNT, sql, id, text, no_message,
		   err) < 0
	    ? -1
	    : 0;
}

int
store_outbox_claim(struct store *st, int64_t id, const char *state, int claim,
    int pid, struct fct_error *err)
{
	static const char sql[] =
	    "UPDATE outbox SET state = 'sending', claim = ?4 "
	    "WHERE id = ?1 AND state = ?2 AND claim = ?3";
	sqlite3_stmt *s;
	bool own;
	int rc = -1, changed = 0;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	st->durable = true;
	if ((s = prepare(st, sql, true, err)) != NULL) {
		sqlite3_bind_int64(s, 1, id);
		store_bind_text(s, 2, state);
		sqlite3_bind_int64(s, 3, claim);
		sqlite3_bind_int64(s, 4, pid);
		rc = outbox_write(st, s, err);
		changed = sqlite3_changes(st->db);
	}
	if (store_write_end(st, own, rc, err) != 0)
		return -1;
	return changed > 0 ? 1 : 0;
}

int
store_outbox_failed(struct store *st, int64_t id, const char *reason,
    struct fct_error *err)
{
	return outbox_update(st,
	    "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, "
	    "state = CASE state WHEN 'sending' THEN 'queued' ELSE state END, "
	    "claim = 0 WHERE id = ?1",
	    id, reason, err);
}

int
store_outbox_sent(struct store *st, int64_t id, const char *note,
    struct fct_error *err)
{
	return outbox_update(st,
	    "UPDATE outbox SET state = 'sent', last_error = ?2, sent = ?3, "
	    "claim = 0 WHERE id = ?1",
	    id, note, err);
}

int
store_outbox_delete(struct store *st, int64_t id, struct fct_error *err)
{
	return outbox_update(st, "DELETE FROM outbox WHERE id = ?1", id, NULL,
	    err);
}

int
store_outbox_orphans(struct store *st, int64_t **ids, size_t *n,
    struct fct_error *err)
{
	static const char sql[] =
	    "SELECT o.id FROM outbox AS o WHERE o.state IN ('sent', 'draft') "
	    "AND NOT EXISTS (SELECT 1 FROM jobs AS j WHERE j.kind = 'append' "
	    "AND substr(j.payload, 1, length('outbox=' || o.id || char(10))) "
	    "= 'outbox=' || o.id || char(10)) ORDER BY o.id";
	sqlite3_stmt *s;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((s = prepare(st, sql, false, err)) == NULL)
		return -1;
	rc = store_step_ids(st, s, ids, n, err);
	sqlite3_finalize(s);
	return rc;
}
