/*
 * Folders: their listing attributes, which LIST refreshes, and their sync
 * state (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ), which only the sync engine
 * moves, in the same transaction as the rows the state vouches for.
 * Deleting a folder deletes its messages, bodies and index entries through
 * the schema's cascades and triggers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "private.h"

/* The columns every folder read returns, in store_folder's order. */
#define FOLDER_COLUMNS                                                \
	"id, name, raw_name, delimiter, role, ns, noselect, rights, " \
	"uidvalidity, uidnext, highestmodseq, total, unseen"

void
store_folder_release(struct store_folder *f)
{
	free(f->name);
	free(f->raw_name);
	free(f->role);
	free(f->rights);
	memset(f, 0, sizeof *f);
}

void
store_folder_list_release(struct store_folder_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		store_folder_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

/* Fills f from a row of FOLDER_COLUMNS. */
static void
folder_from_row(sqlite3_stmt *s, struct store_folder *f)
{
	const unsigned char *delim;

	f->id = sqlite3_column_int64(s, 0);
	f->name = store_column_strdup(s, 1);
	f->raw_name = store_column_strdup(s, 2);
	delim = sqlite3_column_text(s, 3);
	f->delimiter = delim != NULL ? (char)delim[0] : '\0';
	f->role = store_column_strdup(s, 4);
	f->ns = sqlite3_column_int(s, 5);
	f->noselect = sqlite3_column_int(s, 6) != 0;
	f->rights = store_column_strdup(s, 7);
	f->uidvalidity = (uint32_t)sqlite3_column_int64(s, 8);
	f->uidnext = (uint32_t)sqlite3_column_int64(s, 9);
	f->highestmodseq = (uint64_t)sqlite3_column_int64(s, 10);
	f->total = (uint32_t)sqlite3_column_int64(s, 11);
	f->unseen = (uint32_t)sqlite3_column_int64(s, 12);
}

static int
folder_put(struct store *st, struct store_folder *f, struct fct_error *err)
{
	static const char sql[] =
	    "INSERT INTO folders (name, raw_name, delimiter, role, ns, "
	    "noselect, rights, uidvalidity, uidnext, highestmodseq, total, "
	    "unseen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12) "
	    "ON CONFLICT (name) DO UPDATE SET raw_name = excluded.raw_name, "
	    "delimiter = excluded.delimiter, role = excluded.role, "
	    "ns = excluded.ns, noselect = excluded.noselect, "
	    "rights = excluded.rights, total = excluded.total, "
	    "unseen = excluded.unseen "
	    "RETURNING id, uidvalidity, uidnext, highestmodseq";
	sqlite3_stmt *s;
	char delim[2] = { f->delimiter, '\0' };
	int rc;

	if ((s = store_stmt(st, STORE_STMT_FOLDER_PUT, sql, err)) == NULL)
		return -1;
	store_bind_text(s, 1, f->name);
	store_bind_text(s, 2, f->raw_name);
	store_bind_text(s, 3, f->delimiter != '\0' ? delim : NULL);
	store_bind_text(s, 4, f->role);
	sqlite3_bind_int(s, 5, f->ns);
	sqlite3_bind_int(s, 6, f->noselect);
	store_bind_text(s, 7, f->rights);
	sqlite3_bind_int64(s, 8, f->uidvalidity);
	sqlite3_bind_int64(s, 9, f->uidnext);
	sqlite3_bind_int64(s, 10, (sqlite3_int64)f->highestmodseq);
	sqlite3_bind_int64(s, 11, f->total);
	sqlite3_bind_int64(s, 12, f->unseen);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		f->id = sqlite3_column_int64(s, 0);
		f->uidvalidity = (uint32_t)sqlite3_column_int64(s, 1);
		f->uidnext = (uint32_t)sqlite3_column_int64(s, 2);
		f->highestmodseq = (uint64_t)sqlite3_column_int64(s, 3);
		rc = sqlite3_step(s);
	}
	if (rc != SQLITE_DONE)
		store_error_write(st, err);
	store_stmt_done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_folder_put(struct store *st, struct store_folder *f,
    struct fct_error *err)
{
	bool own;
	int rc;

	if (f->name == NULL)
		BUG("store_folder_put without a name");
	if (store_write_begin(st, &own, err) != 0)
		return -1;
	rc = folder_put(st, f, err);
	return store_write_end(st, own, rc, err);
}

int
store_folder_get(struct store *st, const char *name, struct store_folder *f,
    struct fct_error *err)
{
	static const char sql[] =
	    "SELECT " FOLDER_COLUMNS " FROM folders WHERE name = ?1";
	sqlite3_stmt *s;
	int rc;

	store_folder_release(f);
	if ((s = store_stmt(st, STORE_STMT_FOLDER_GET, sql, err)) == NULL)
		return -1;
	store_bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		folder_from_row(s, f);
	else if (rc != SQLITE_DONE)
		store_error_read(st, err);
	store_stmt_done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_folder_list(struct store *st, struct store_folder_list *out,
    struct fct_error *err)
{
	static const char sql[] =
	    "SELECT " FOLDER_COLUMNS " FROM folders ORDER BY name";
	sqlite3_stmt *s;
	int rc;

	store_folder_list_release(out);
	if ((s = store_stmt(st, STORE_STMT_FOLDER_LIST, sql, err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		FCT_ALLOC_GROW(out->v, out->n + 1, out->alloc);
		memset(&out->v[out->n], 0, sizeof out->v[out->n]);
		folder_from_row(s, &out->v[out->n++]);
	}
	if (rc != SQLITE_DONE) {
		store_error_read(st, err);
		store_folder_list_release(out);
	}
	store_stmt_done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
folder_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The ids of the folders whose names are not in sorted[0..n). */
static int
folder_doomed(struct store *st, const char **sorted, size_t n, int64_t **ids,
    size_t *nids, struct fct_error *err)
{
	static const char sql[] = "SELECT id, name FROM folders";
	sqlite3_stmt *s;
	size_t alloc = 0;
	const char *name;
	int rc;

	if ((s = store_stmt(st, STORE_STMT_FOLDER_NAMES, sql, err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 1);
		if (n > 0 && name != NULL &&
		    bsearch(&name, sorted, n, sizeof *sorted, folder_cmp) !=
			NULL)
			continue;
		FCT_ALLOC_GROW(*ids, *nids + 1, alloc);
		(*ids)[(*nids)++] = sqlite3_column_int64(s, 0);
	}
	if (rc != SQLITE_DONE)
		store_error_read(st, err);
	store_stmt_done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
folder_prune(struct store *st, const char *const *keep, size_t n,
    struct fct_error *err)
{
	static const char sql[] = "DELETE FROM folders WHERE id = ?1";
	const char **sorted = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, i;
	sqlite3_stmt *s;
	int rc = -1;

	if (n > 0) {
		sorted = xreallocarray(NULL, n, sizeof *sorted);
		memcpy(sorted, keep, n * sizeof *sorted);
		qsort(sorted, n, sizeof *sorted, folder_cmp);
	}
	if (folder_doomed(st, sorted, n, &ids, &nids, err) != 0)
		goto out;
	if ((s = store_stmt(st, STORE_STMT_FOLDER_DELETE, sql, err)) == NULL)
		goto out;
	for (i = 0; i < nids; i++) {
		sqlite3_bind_int64(s, 1, ids[i]);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_error_write(st, err);
			store_stmt_done(s);
			goto out;
		}
		sqlite3_reset(s);
	}
	store_stmt_done(s);
	rc = 0;
out:
	free(ids);
	free(sorted);
	return rc;
}

int
store_folder_prune(struct store *st, const char *const *keep, size_t n,
    struct fct_error *err)
{
	bool own;
	int rc;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	rc = folder_prune(st, keep, n, err);
	return store_write_end(st, own, rc, err);
}

static int
no_folder(struct store *st, int64_t folder_id, struct fct_error *err)
{
	return fct_error_set(err, "cannot write to cache '%s': no folder %lld",
	    st->path, (long long)folder_id);
}

/* Runs the one-row update s (bound); an unchanged row means no folder. */
static int
folder_update(struct store *st, sqlite3_stmt *s, int64_t folder_id,
    struct fct_error *err)
{
	int rc = 0;

	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_error_write(st, err);
	else if (sqlite3_changes(st->db) == 0)
		rc = no_folder(st, folder_id, err);
	store_stmt_done(s);
	return rc;
}

int
store_folder_set_state(struct store *st, int64_t folder_id, uint32_t uidnext,
    uint64_t highestmodseq, struct fct_error *err)
{
	static const char sql[] =
	    "UPDATE folders SET uidnext = ?2, highestmodseq = ?3 "
	    "WHERE id = ?1";
	sqlite3_stmt *s;
	bool own;
	int rc = -1;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	if ((s = store_stmt(st, STORE_STMT_FOLDER_SET_STATE, sql, err)) !=
	    NULL) {
		sqlite3_bind_int64(s, 1, folder_id);
		sqlite3_bind_int64(s, 2, uidnext);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)highestmodseq);
		rc = folder_update(st, s, folder_id, err);
	}
	return store_write_end(st, own, rc, err);
}

static int
folder_reset(struct store *st, int64_t folder_id, uint32_t uidvalidity,
    struct fct_error *err)
{
	static const char clear[] = "DELETE FROM messages WHERE folder_id = ?1";
	static const char reset[] =
	    "UPDATE folders SET uidvalidity = ?2, uidnext = 0, "
	    "highestmodseq = 0 WHERE id = ?1";
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, STORE_STMT_FOLDER_CLEAR, clear, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		store_error_write(st, err);
	store_stmt_done(s);
	if (rc != SQLITE_DONE)
		return -1;
	if ((s = store_stmt(st, STORE_STMT_FOLDER_RESET, reset, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	sqlite3_bind_int64(s, 2, uidvalidity);
	return folder_update(st, s, folder_id, err);
}

int
store_folder_reset(struct store *st, int64_t folder_id, uint32_t uidvalidity,
    struct fct_error *err)
{
	bool own;
	int rc;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	rc = folder_reset(st, folder_id, uidvalidity, err);
	return store_write_end(st, own, rc, err);
}
