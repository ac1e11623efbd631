/*
 * The store handle: opening the cache file, the connection settings,
 * transactions, the statement cache and the error wording shared by the
 * other files of src/store.
 *
 * Design. A cache is one SQLite file per account in WAL mode, so that the
 * UI's handle reads a consistent snapshot while the account worker's handle
 * writes. Every write method runs in a transaction: its own (BEGIN
 * IMMEDIATE) when the caller has none, else the caller's, so a caller's
 * batch (messages + the folder state that vouches for them) commits as
 * one. A method that fails rolls back the transaction it ran in, the
 * caller's included (store_write_end says why), so nothing of a failed
 * batch can be committed by mistake. BEGIN IMMEDIATE takes the write lock
 * at the start, which is what makes the busy timeout meaningful: a
 * deferred transaction that read first and tries to write later can fail
 * at once with SQLITE_BUSY when another handle committed in between.
 *
 * synchronous=NORMAL: in WAL mode a commit is a write(2) to the log, and
 * the log is only fsync'ed at checkpoints. That survives the death of the
 * process at any point (the bytes are in the kernel); a power loss can
 * forget the last commits, never half of one, and the cache, the folder
 * state included, then simply looks older, which the next sync repairs.
 * The exception is the job queue, which the server cannot give back:
 * transactions that wrote jobs flush the log before the commit returns
 * (store_flush_wal). doc/store.md has the whole argument.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

/* Pages of log after which a commit checkpoints (store_checkpoint). */
#define STORE_AUTOCHECKPOINT "10000"

int
store_error_read(struct store *st, struct fct_error *err)
{
	return fct_error_set(err, "cannot read cache '%s': %s", st->path,
	    sqlite3_errmsg(st->db));
}

int
store_error_write(struct store *st, struct fct_error *err)
{
	return fct_error_set(err, "cannot write to cache '%s': %s", st->path,
	    sqlite3_errmsg(st->db));
}

int
store_exec(struct store *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

sqlite3_stmt *
store_stmt(struct store *st, enum store_stmt_id id, const char *sql,
    struct fct_error *err)
{
	sqlite3_stmt **sp = &st->stmts[id];

	if (*sp != NULL) {
		/* Two call sites sharing a slot would silently swap SQL. */
		if (st->stmt_sql[id] != sql &&
		    strcmp(sqlite3_sql(*sp), sql) != 0)
			BUG("statement slot %d used for two statements", id);
		return *sp;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, sp,
		NULL) != SQLITE_OK) {
		store_error_read(st, err);
		sqlite3_finalize(*sp);
		*sp = NULL;
		return NULL;
	}
	st->stmt_sql[id] = sql;
	return *sp;
}

void
store_stmt_done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

int
store_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
}

char *
store_column_strdup(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

int
store_step_row(struct store *st, sqlite3_stmt *s, struct fct_error *err)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_error_read(st, err);
}

int
store_step_write(struct store *st, sqlite3_stmt *s, struct fct_error *err)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		return store_error_write(st, err);
	return sqlite3_changes(st->db);
}

int
store_write_row(struct store *st, enum store_stmt_id slot, const char *sql,
    int64_t id, const char *text, store_missing_fn missing,
    struct fct_error *err)
{
	sqlite3_stmt *s = NULL;
	bool own;
	int rc = -1, changed = -1;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	st->durable = true;
	if (slot != STORE_STMT__COUNT)
		s = store_stmt(st, slot, sql, err);
	else if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		store_error_write(st, err);
	if (s != NULL) {
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_bind_parameter_count(s) >= 2)
			store_bind_text(s, 2, text);
		if (sqlite3_bind_parameter_count(s) >= 3)
			sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
		changed = store_step_write(st, s, err);
		if (slot != STORE_STMT__COUNT)
			store_stmt_done(s);
		else
			sqlite3_finalize(s);
	}
	if (changed == 0 && missing != NULL)
		rc = missing(st, id, err);
	else if (changed >= 0)
		rc = 0;
	if (store_write_end(st, own, rc, err) != 0)
		return -1;
	return changed;
}

int
store_step_ids(struct store *st, sqlite3_stmt *s, int64_t **ids, size_t *n,
    struct fct_error *err)
{
	size_t alloc = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		FCT_ALLOC_GROW(*ids, *n + 1, alloc);
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	if (rc == SQLITE_DONE)
		return 0;
	free(*ids);
	*ids = NULL;
	*n = 0;
	return store_error_read(st, err);
}

/*
 * Makes the committed log durable: the same fsync that synchronous=FULL
 * would do at every commit, done only for the commits that need it.
 */
static int
store_flush_wal(struct store *st, struct fct_error *err)
{
	sqlite3_file *f = NULL;
	int rc;

	st->durable = false;
	if (sqlite3_file_control(st->db, "main", SQLITE_FCNTL_JOURNAL_POINTER,
		&f) != SQLITE_OK ||
	    f == NULL || f->pMethods == NULL)
		return 0;
	rc = f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
	if (rc != SQLITE_OK)
		return fct_error_set(err,
		    "cannot write to cache '%s': committed, but cannot flush "
		    "it to disk: %s",
		    st->path, sqlite3_errstr(rc));
	st->wal_flushes++;
	return 0;
}

static int
store_abandoned(struct store *st, struct fct_error *err)
{
	return fct_error_set(err,
	    "cannot write to cache '%s': the transaction was abandoned after "
	    "an earlier error",
	    st->path);
}

int
store_fts_flush(struct store *st, struct fct_error *err)
{
	static const char flush[] =
	    "INSERT INTO messages_fts "
	    "(rowid, subject, from_text, to_text, cc_text, body) "
	    "SELECT m.id, m.subject, m.from_text, m.to_text, m.cc_text, b.text "
	    "FROM fts_pending AS p JOIN messages AS m ON m.id = p.id "
	    "LEFT JOIN bodies AS b ON b.msg_id = m.id";
	static const char flush_tri[] =
	    "INSERT INTO messages_tri "
	    "(rowid, subject, from_text, to_text, cc_text, list_id, body) "
	    "SELECT m.id, m.subject, m.from_text, m.to_text, m.cc_text, "
	    "m.list_id, b.text "
	    "FROM fts_pending AS p JOIN messages AS m ON m.id = p.id "
	    "LEFT JOIN bodies AS b ON b.msg_id = m.id";
	static const char clear[] = "DELETE FROM fts_pending";
	sqlite3_stmt *s;
	int rc = 0;

	if ((s = store_stmt(st, STORE_STMT_FTS_FLUSH, flush, err)) == NULL)
		return -1;
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_error_write(st, err);
	store_stmt_done(s);
	if (rc != 0)
		return -1;
	/* The trigram index came with schema version 2 (schema.c). */
	if (st->schema >= 2) {
		s = store_stmt(st, STORE_STMT_FTS_FLUSH_TRI, flush_tri, err);
		if (s == NULL)
			return -1;
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_error_write(st, err);
		store_stmt_done(s);
		if (rc != 0)
			return -1;
	}
	if ((s = store_stmt(st, STORE_STMT_FTS_CLEAR, clear, err)) == NULL)
		return -1;
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_error_write(st, err);
	store_stmt_done(s);
	if (rc == 0)
		st->fts_dirty = false;
	return rc;
}

/* Forgets what a transaction that ended without commit owed. */
static void
store_forget(struct store *st)
{
	st->durable = false;
	st->fts_dirty = false;
}

int
store_write_begin(struct store *st, bool *own, struct fct_error *err)
{
	*own = false;
	if (!sqlite3_get_autocommit(st->db))
		return 0; /* inside the caller's transaction */
	/*
	 * The caller's transaction is gone: writing now would commit part
	 * of its batch on its own.
	 */
	if (st->in_tx)
		return store_abandoned(st, err);
	if (store_exec(st, "BEGIN IMMEDIATE") != SQLITE_OK)
		return store_error_write(st, err);
	*own = true;
	return 0;
}

int
store_write_end(struct store *st, bool own, int rc, struct fct_error *err)
{
	if (rc == 0 && !own)
		return 0;
	if (rc == 0) {
		if (st->fts_dirty)
			rc = store_fts_flush(st, err);
		if (rc == 0 && store_exec(st, "COMMIT") != SQLITE_OK)
			rc = store_error_write(st, err);
		if (rc == 0)
			return st->durable ? store_flush_wal(st, err) : 0;
	}
	/*
	 * A failed write gives up the whole transaction, the caller's too:
	 * it may have done part of its work, and a savepoint around every
	 * write to undo just that part would copy each page it touches into
	 * a statement journal, halving the insert rate. SQLite itself gives
	 * up the transaction after some errors (disk full, I/O error).
	 */
	if (!sqlite3_get_autocommit(st->db))
		(void)store_exec(st, "ROLLBACK");
	store_forget(st);
	return -1;
}

int
store_begin(struct store *st, struct fct_error *err)
{
	if (st->in_tx || !sqlite3_get_autocommit(st->db))
		BUG("store_begin inside a transaction on '%s'", st->path);
	if (store_exec(st, "BEGIN IMMEDIATE") != SQLITE_OK)
		return store_error_write(st, err);
	st->in_tx = true;
	store_forget(st);
	return 0;
}

int
store_commit(struct store *st, struct fct_error *err)
{
	if (!st->in_tx)
		BUG("store_commit without store_begin on '%s'", st->path);
	st->in_tx = false;
	if (sqlite3_get_autocommit(st->db)) {
		store_forget(st);
		return store_abandoned(st, err);
	}
	return store_write_end(st, true, 0, err);
}

void
store_rollback(struct store *st)
{
	st->in_tx = false;
	store_forget(st);
	if (!sqlite3_get_autocommit(st->db))
		(void)store_exec(st, "ROLLBACK");
}

/*
 * mkdir -p for the folders above the file, each created mode 0700: the
 * cache holds mail. Folders that exist keep their mode.
 */
static int
store_make_parents(const char *path, struct fct_error *err)
{
	char *dir = xstrdup(path), *p;
	struct stat sb;
	int rc = 0;

	p = strrchr(dir, '/');
	if (p == NULL || p == dir)
		goto out;
	*p = '\0';
	for (p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (stat(dir, &sb) != 0) {
				if (errno != ENOENT ||
				    (mkdir(dir, 0700) != 0 && errno != EEXIST))
					rc = fct_error_set(err,
					    "cannot create directory '%s': %s",
					    dir, strerror(errno));
			} else if (!S_ISDIR(sb.st_mode))
				rc = fct_error_set(err,
				    "cannot create directory '%s': %s", dir,
				    strerror(ENOTDIR));
			*p = c;
			if (rc != 0)
				goto out;
		}
		if (*p == '\0')
			break;
	}
out:
	free(dir);
	return rc;
}

/*
 * Creates the file mode 0600 before SQLite sees it: SQLite would create it
 * 0644 (less the umask), and it gives the -wal and -shm files the mode of
 * the database, so those follow.
 */
static int
store_create_file(const char *path, struct fct_error *err)
{
	struct stat sb;
	int fd;

	/*
	 * Only when it does not exist: closing any descriptor of a file
	 * drops every POSIX lock this process holds on it, those of the
	 * SQLite handles already open on it in other threads included (the
	 * worker's, while its job writer opens the same cache), which then
	 * corrupts the database.
	 */
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			errno = EISDIR;
		else
			return 0;
	}
	if (fd < 0)
		return fct_error_set(err, "cannot open cache '%s': %s", path,
		    strerror(errno));
	close(fd);
	return 0;
}

/* The result of a pragma that answers one text row, owned. */
static char *
store_pragma_text(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	char *v = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = store_column_strdup(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int
store_configure(struct store *st, struct fct_error *err)
{
	char *mode;
	int ok;

	/*
	 * journal_size_limit: a cold sync's big transactions grow the log;
	 * truncate it back after checkpoints instead of keeping the peak.
	 * wal_autocheckpoint: SQLite checkpoints in whichever handle commits
	 * past the limit, and that may be the UI's. The account worker calls
	 * store_checkpoint when idle instead; the limit (40 MB of log) is
	 * only a backstop.
	 */
	if (store_exec(st,
		"PRAGMA synchronous = NORMAL; "
		"PRAGMA journal_size_limit = 33554432; "
		"PRAGMA wal_autocheckpoint = " STORE_AUTOCHECKPOINT
		"; PRAGMA cache_size = -8192") != SQLITE_OK)
		return fct_error_set(err, "cannot open cache '%s': %s",
		    st->path, sqlite3_errmsg(st->db));
	mode = store_pragma_text(st, "PRAGMA journal_mode = WAL");
	ok = mode != NULL && strcmp(mode, "wal") == 0;
	if (!ok) {
		if (mode == NULL)
			fct_error_set(err, "cannot open cache '%s': %s",
			    st->path, sqlite3_errmsg(st->db));
		else
			fct_error_set(err,
			    "cannot open cache '%s': cannot use write-ahead "
			    "logging (journal mode is '%s')",
			    st->path, mode);
	}
	free(mode);
	return ok ? 0 : -1;
}

static int open_once(const char *path, const struct store_migration *steps,
    size_t n, struct store **out, bool *busy, struct fct_error *err);

int
store_open_with(const char *path, const struct store_migration *steps, size_t n,
    struct store **out, struct fct_error *err)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int tries = STORE_BUSY_TIMEOUT_MS / 20;
	bool busy;

	*out = NULL;
	if (store_make_parents(path, err) != 0 ||
	    store_create_file(path, err) != 0)
		return -1;
	/*
	 * Two processes opening a new cache at once can each hold the lock
	 * the other's switch to WAL needs: SQLite then answers "locked" at
	 * once rather than wait (it would never end). The one told so
	 * starts again a moment later, within the busy timeout.
	 */
	while (open_once(path, steps, n, out, &busy, err) != 0) {
		if (!busy || --tries <= 0)
			return -1;
		fct_error_release(err);
		nanosleep(&pause, NULL);
	}
	return 0;
}

/* store_open_with's one try; *busy says whether a lock stopped it. */
static int
open_once(const char *path, const struct store_migration *steps, size_t n,
    struct store **out, bool *busy, struct fct_error *err)
{
	struct store *st;
	int rc;

	*busy = false;
	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	st->schema = (int)n;
	/* NOMUTEX: a handle belongs to one thread at a time (store.h). */
	rc = sqlite3_open_v2(path, &st->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		fct_error_set(err, "cannot open cache '%s': %s", path,
		    st->db != NULL ? sqlite3_errmsg(st->db)
				   : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	/*
	 * No writable_schema and such: facteur never needs them. The schema
	 * stays trusted (SQLite's default), since the full-text triggers
	 * write to a virtual table, which an untrusted schema may not;
	 * functions registered from outside are DIRECTONLY instead.
	 */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	if (store_exec(st, "PRAGMA foreign_keys = ON") != SQLITE_OK) {
		fct_error_set(err, "cannot open cache '%s': %s", path,
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	if (store_schema_check(st, n, err) != 0 ||
	    store_configure(st, err) != 0 || store_func_init(st, err) != 0 ||
	    store_schema_migrate(st, steps, n, err) != 0)
		goto fail;
	*out = st;
	return 0;
fail:
	*busy = st->db != NULL &&
	    (sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_BUSY;
	store_close(&st);
	return -1;
}

int
store_open(const char *path, struct store **out, struct fct_error *err)
{
	return store_open_with(path, store_schema_steps, store_schema_nsteps,
	    out, err);
}

void
store_close(struct store **sp)
{
	struct store *st = *sp;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < STORE_STMT__COUNT; i++)
		sqlite3_finalize(st->stmts[i]);
	if (st->db != NULL) {
		if (!sqlite3_get_autocommit(st->db))
			(void)store_exec(st, "ROLLBACK");
		sqlite3_close_v2(st->db);
	}
	free(st->path);
	free(st);
	*sp = NULL;
}

int
store_checkpoint(struct store *st, struct fct_error *err)
{
	int rc;

	if (st->in_tx)
		BUG("store_checkpoint inside a transaction on '%s'", st->path);
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return store_error_write(st, err);
	return 0;
}

/* Runs a checking statement: every row it returns is a defect. */
static int
store_check_rows(struct store *st, const char *sql, const char *ok,
    struct strbuf *defects)
{
	sqlite3_stmt *s;
	int rc, i, n;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *first = (const char *)sqlite3_column_text(s, 0);

		if (ok != NULL && first != NULL && strcmp(first, ok) == 0)
			continue;
		if (defects->len > 0)
			strbuf_addstr(defects, "; ");
		n = sqlite3_column_count(s);
		for (i = 0; i < n; i++) {
			const char *v = (const char *)sqlite3_column_text(s, i);

			strbuf_addf(defects, "%s%s", i > 0 ? " " : "",
			    v != NULL ? v : "NULL");
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_check(struct store *st, struct fct_error *err)
{
	struct strbuf defects = STRBUF_INIT;
	int rc = 0;

	if (st->in_tx)
		BUG("store_check inside a transaction on '%s'", st->path);
	if (store_check_rows(st, "PRAGMA integrity_check", "ok", &defects) !=
		0 ||
	    store_check_rows(st,
		"SELECT 'row ' || rowid || ' of ' || \"table\" || "
		"' refers to a missing row of ' || parent "
		"FROM pragma_foreign_key_check",
		NULL, &defects) != 0) {
		rc = store_error_read(st, err);
		goto out;
	}
	if (defects.len == 0 &&
	    store_check_rows(st,
		"SELECT count(*) || ' messages are missing from the full-text "
		"index' FROM fts_pending HAVING count(*) > 0",
		NULL, &defects) != 0) {
		rc = store_error_read(st, err);
		goto out;
	}
	/* The counts the triggers keep (schema.c, version 6). */
	if (defects.len == 0 && st->schema >= 6 &&
	    store_check_rows(st,
		"SELECT 'the counts of folder ' || f.name || ' say ' || "
		"coalesce(fs.total, 0) || ' messages, ' || "
		"coalesce(fs.unseen, 0) || ' unseen; it has ' || "
		"coalesce(c.total, 0) || ', ' || coalesce(c.unseen, 0) "
		"FROM folders AS f "
		"LEFT JOIN folder_stats AS fs ON fs.folder_id = f.id "
		"LEFT JOIN (SELECT folder_id, count(*) AS total, "
		"sum((flags & 1) = 0) AS unseen FROM messages "
		"GROUP BY folder_id) AS c ON c.folder_id = f.id "
		"WHERE coalesce(fs.total, 0) != coalesce(c.total, 0) "
		"OR coalesce(fs.unseen, 0) != coalesce(c.unseen, 0)",
		NULL, &defects) != 0) {
		rc = store_error_read(st, err);
		goto out;
	}
	if (defects.len == 0 &&
	    store_exec(st,
		st->schema >= 2
		    ? "INSERT INTO messages_fts (messages_fts, rank) "
		      "VALUES ('integrity-check', 1);"
		      "INSERT INTO messages_tri (messages_tri, rank) "
		      "VALUES ('integrity-check', 1)"
		    : "INSERT INTO messages_fts (messages_fts, rank) "
		      "VALUES ('integrity-check', 1)") != SQLITE_OK) {
		if ((sqlite3_extended_errcode(st->db) & 0xff) != SQLITE_CORRUPT)
			rc = store_error_read(st, err);
		else
			strbuf_addstr(&defects,
			    "the full-text index does not match the messages");
	}
	if (rc == 0 && defects.len > 0)
		rc = fct_error_set(err, "cache '%s' is damaged: %s", st->path,
		    defects.buf);
out:
	strbuf_release(&defects);
	return rc;
}

void
store_sanity(const struct store *st)
{
	size_t i;

	if (st == NULL || st->db == NULL || st->path == NULL)
		BUG("store handle without a connection");
	if (!st->in_tx && !sqlite3_get_autocommit(st->db))
		BUG("cache '%s' left a transaction open", st->path);
	if ((st->durable || st->fts_dirty) && !st->in_tx)
		BUG("cache '%s' owes a flush outside a transaction", st->path);
	for (i = 0; i < STORE_STMT__COUNT; i++) {
		if (st->stmts[i] != NULL && sqlite3_stmt_busy(st->stmts[i]))
			BUG("cache '%s': statement %zu left running", st->path,
			    i);
	}
}
