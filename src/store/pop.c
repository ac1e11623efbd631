/*
 * Local folders and the POP3 map (include/facteur/store_pop.h).
 *
 * Design. A POP3 server keeps mail only until facteur has it; after that
 * the cache holds the only copy. Three things follow, all enforced here or
 * in the schema (version 5 in schema.c) rather than left to callers:
 *  - a downloaded message is one transaction: header row, raw body and the
 *    map row of its unique id go in together or not at all, so a crash
 *    can neither store a message twice (row without map entry) nor forget
 *    one (map entry without row);
 *  - the server's copy may be deleted only after the message is on disk,
 *    not merely committed (synchronous=NORMAL leaves a commit in the
 *    kernel's hands until a checkpoint): store_pop_mark_dele is a durable
 *    transaction, and flushing the log flushes every commit before it;
 *  - the bodies of local folders are out of reach of the body budget (the
 *    schema's bodies_keep_local trigger ignores their deletion while the
 *    message exists).
 * Local UIDs come from the folder's uidnext, which is raised in the same
 * transaction as the message that takes it.
 *
 * Statements here are prepared per call: these paths run once per
 * downloaded message, where a network round trip dwarfs a prepare.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/store_pop.h"
#include "private.h"

/* Steps a one-shot statement to its end; 0, or -1 with a write error. */
static int
run_write(struct store *st, sqlite3_stmt *s, struct fct_error *err)
{
	int rc =
	    sqlite3_step(s) == SQLITE_DONE ? 0 : store_error_write(st, err);

	sqlite3_finalize(s);
	return rc;
}

static sqlite3_stmt *
prepare(struct store *st, const char *sql, struct fct_error *err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_error_read(st, err);
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

int
store_folder_is_local(struct store *st, int64_t folder_id,
    struct fct_error *err)
{
	sqlite3_stmt *s;
	int rc;

	s = prepare(st, "SELECT 1 FROM local_folders WHERE folder_id = ?1",
	    err);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_error_read(st, err);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_local_folder(struct store *st, const char *name, const char *role,
    struct store_folder *f, struct fct_error *err)
{
	sqlite3_stmt *s;
	bool own;
	int found, local, rc = -1;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	if ((found = store_folder_get(st, name, f, err)) < 0)
		goto out;
	if (found > 0) {
		if ((local = store_folder_is_local(st, f->id, err)) < 0)
			goto out;
		if (local == 0) {
			fct_error_set(err,
			    "folder '%s' of cache '%s' belongs to a server, "
			    "not to the local folders",
			    name, st->path);
			goto out;
		}
		rc = 0;
		goto out;
	}
	f->name = xstrdup(name);
	f->role = role != NULL ? xstrdup(role) : NULL;
	f->delimiter = '/';
	f->uidvalidity = 1; /* local UIDs never change meaning */
	f->uidnext = 1;
	if (store_folder_put(st, f, err) != 0)
		goto out;
	s = prepare(st, "INSERT INTO local_folders (folder_id) VALUES (?1)",
	    err);
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, f->id);
	rc = run_write(st, s, err);
out:
	return store_write_end(st, own, rc, err);
}

int
store_pop_uidls(struct store *st, struct store_pop_uidl **v, size_t *n,
    struct fct_error *err)
{
	sqlite3_stmt *s;
	size_t alloc = 0;
	int rc;

	*v = NULL;
	*n = 0;
	s = prepare(st,
	    "SELECT uidl, coalesce(msg_id, 0), stored, dele_sent "
	    "FROM pop_uidls ORDER BY uidl COLLATE BINARY",
	    err);
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		FCT_ALLOC_GROW(*v, *n + 1, alloc);
		(*v)[*n].uidl = store_column_strdup(s, 0);
		(*v)[*n].msg_id = sqlite3_column_int64(s, 1);
		(*v)[*n].stored = sqlite3_column_int64(s, 2);
		(*v)[*n].deleted = sqlite3_column_int64(s, 3);
		if ((*v)[*n].uidl == NULL)
			(*v)[*n].uidl = xstrdup("");
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		store_error_read(st, err);
		store_pop_uidls_free(v, *n);
		*n = 0;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
store_pop_uidls_free(struct store_pop_uidl **v, size_t n)
{
	size_t i;

	if (*v == NULL)
		return;
	for (i = 0; i < n; i++)
		free((*v)[i].uidl);
	free(*v);
	*v = NULL;
}

/* The next UID of a local folder, in *uid; an unknown or non-local
 * folder is an error. */
static int
next_uid(struct store *st, int64_t folder_id, uint32_t *uid,
    struct fct_error *err)
{
	sqlite3_stmt *s;
	int64_t next;
	int rc;

	s = prepare(st,
	    "SELECT f.uidnext FROM folders AS f "
	    "JOIN local_folders AS l ON l.folder_id = f.id WHERE f.id = ?1",
	    err);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	rc = sqlite3_step(s);
	next = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_error_read(st, err);
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return fct_error_set(err,
		    "cannot write to cache '%s': no local folder %lld",
		    st->path, (long long)folder_id);
	if (rc != SQLITE_ROW)
		return -1;
	if (next >= UINT32_MAX)
		return fct_error_set(err,
		    "cannot write to cache '%s': local folder %lld has used "
		    "every UID",
		    st->path, (long long)folder_id);
	*uid = next > 0 ? (uint32_t)next : 1;
	return 0;
}

int
store_pop_add(struct store *st, int64_t folder_id, struct store_msg *m,
    const char *data, size_t len, const char *text, const char *uidl,
    int64_t now, struct fct_error *err)
{
	sqlite3_stmt *s;
	uint32_t uid = 0;
	bool own;
	int rc = -1;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	/* Under the write lock: another process (a second facteur on the
	 * same account) may have stored it since the caller looked. */
	if ((s = prepare(st, "SELECT 1 FROM pop_uidls WHERE uidl = ?1", err)) ==
	    NULL)
		goto out;
	store_bind_text(s, 1, uidl);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW) {
		rc = 1;
		goto out;
	}
	if (rc != SQLITE_DONE) {
		rc = store_error_read(st, err);
		goto out;
	}
	rc = -1;
	if (next_uid(st, folder_id, &uid, err) != 0)
		goto out;
	m->folder_id = folder_id;
	m->uid = uid;
	if (store_msg_put(st, m, err) != 0 ||
	    store_body_put(st, m->id, data, len, text, 0, err) != 0)
		goto out;
	s = prepare(st,
	    "INSERT INTO pop_uidls (uidl, msg_id, stored) VALUES (?1, ?2, ?3)",
	    err);
	if (s == NULL)
		goto out;
	store_bind_text(s, 1, uidl);
	sqlite3_bind_int64(s, 2, m->id);
	sqlite3_bind_int64(s, 3, now);
	if (sqlite3_step(s) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(st->db) ==
		    SQLITE_CONSTRAINT_PRIMARYKEY)
			fct_error_set(err,
			    "cannot write to cache '%s': POP3 message '%s' is "
			    "stored already",
			    st->path, uidl);
		else
			store_error_write(st, err);
		sqlite3_finalize(s);
		goto out;
	}
	sqlite3_finalize(s);
	s = prepare(st, "UPDATE folders SET uidnext = ?2 WHERE id = ?1", err);
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, folder_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)uid + 1);
	rc = run_write(st, s, err);
out:
	if (rc == 1)
		return store_write_end(st, own, 0, err) == 0 ? 1 : -1;
	return store_write_end(st, own, rc, err);
}

int
store_pop_mark_dele(struct store *st, const char *const *uidls, size_t n,
    int64_t now, struct fct_error *err)
{
	sqlite3_stmt *s;
	size_t i;
	bool own;
	int rc = 0;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	/* What makes this commit (and so every one before it) reach the
	 * disk before store_write_end returns. */
	st->durable = true;
	s = prepare(st, "UPDATE pop_uidls SET dele_sent = ?2 WHERE uidl = ?1",
	    err);
	if (s == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		store_bind_text(s, 1, uidls[i]);
		sqlite3_bind_int64(s, 2, now);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_error_write(st, err);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return store_write_end(st, own, rc, err);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
store_pop_prune(struct store *st, const char *const *present, size_t n,
    size_t *pruned, struct fct_error *err)
{
	struct store_pop_uidl *v = NULL;
	const char **sorted = NULL;
	sqlite3_stmt *s = NULL;
	size_t i, nv = 0, count = 0;
	bool own;
	int rc = -1;

	if (pruned != NULL)
		*pruned = 0;
	if (store_write_begin(st, &own, err) != 0)
		return -1;
	if (store_pop_uidls(st, &v, &nv, err) != 0)
		goto out;
	if (n > 0) {
		sorted = xreallocarray(NULL, n, sizeof *sorted);
		memcpy(sorted, present, n * sizeof *sorted);
		qsort(sorted, n, sizeof *sorted, str_cmp);
	}
	if ((s = prepare(st, "DELETE FROM pop_uidls WHERE uidl = ?1", err)) ==
	    NULL)
		goto out;
	for (i = 0; i < nv; i++) {
		const char *key = v[i].uidl;

		if (n > 0 &&
		    bsearch(&key, sorted, n, sizeof *sorted, str_cmp) != NULL)
			continue;
		/* Missing, but neither deleted by us nor here any more: a
		 * listing can lack mail for a while (a server rebuilding its
		 * index), and forgetting would download it all again. */
		if (v[i].msg_id != 0 && v[i].deleted == 0)
			continue;
		store_bind_text(s, 1, v[i].uidl);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_error_write(st, err);
			goto out;
		}
		sqlite3_reset(s);
		count++;
	}
	if (pruned != NULL)
		*pruned = count;
	rc = 0;
out:
	sqlite3_finalize(s);
	free(sorted);
	store_pop_uidls_free(&v, nv);
	return store_write_end(st, own, rc, err);
}

int
store_local_move(struct store *st, int64_t from_id, uint32_t uid, int64_t to_id,
    uint32_t *new_uid, struct fct_error *err)
{
	sqlite3_stmt *s;
	uint32_t dest = 0;
	bool own;
	int local, rc = -1;

	*new_uid = 0;
	if (store_write_begin(st, &own, err) != 0)
		return -1;
	if ((local = store_folder_is_local(st, from_id, err)) < 0)
		goto out;
	if (local == 0) {
		fct_error_set(err,
		    "cannot write to cache '%s': folder %lld is not local",
		    st->path, (long long)from_id);
		goto out;
	}
	if (next_uid(st, to_id, &dest, err) != 0)
		goto out;
	/* The row keeps its id, so its body, its index entries and its
	 * POP3 map row follow it. */
	s = prepare(st,
	    "UPDATE messages SET folder_id = ?3, uid = ?4 "
	    "WHERE folder_id = ?1 AND uid = ?2",
	    err);
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, from_id);
	sqlite3_bind_int64(s, 2, uid);
	sqlite3_bind_int64(s, 3, to_id);
	sqlite3_bind_int64(s, 4, dest);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_error_write(st, err);
		sqlite3_finalize(s);
		goto out;
	}
	sqlite3_finalize(s);
	if (sqlite3_changes(st->db) == 0) {
		rc = 0; /* no such message: nothing to move */
		goto out;
	}
	s = prepare(st, "UPDATE folders SET uidnext = ?2 WHERE id = ?1", err);
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, to_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)dest + 1);
	if ((rc = run_write(st, s, err)) == 0)
		*new_uid = dest;
out:
	return store_write_end(st, own, rc, err);
}

int
store_local_recount(struct store *st, struct fct_error *err)
{
	sqlite3_stmt *s;
	bool own;
	int rc = -1;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	s = prepare(st,
	    "UPDATE folders SET "
	    "total = (SELECT count(*) FROM messages AS m "
	    "WHERE m.folder_id = folders.id), "
	    "unseen = (SELECT count(*) FROM messages AS m "
	    "WHERE m.folder_id = folders.id AND (m.flags & 1) = 0) "
	    "WHERE id IN (SELECT folder_id FROM local_folders)",
	    err);
	if (s != NULL)
		rc = run_write(st, s, err);
	return store_write_end(st, own, rc, err);
}
