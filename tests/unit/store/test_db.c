/*
 * Unit tests of src/store/db.c and src/store/schema.c: opening (modes,
 * settings, refusals), schema migrations, transactions and savepoints,
 * writes that fail for a full disk, the deep checker and the handle's
 * sanity checker.
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_test.h"

static int
setup(void **state)
{
	*state = test_tmpdir();
	return 0;
}

static int
teardown(void **state)
{
	test_rmtree(*state);
	free(*state);
	return 0;
}

static char *
pragma_text(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	char *v;

	assert_int_equal(sqlite3_prepare_v2(st->db, sql, -1, &s, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

static mode_t
mode_of(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

/* Opens path expecting failure with exactly `want`. */
static void
open_fails(const char *path, const char *want)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = (struct store *)&st;

	assert_int_equal(store_open(path, &st, &err), -1);
	assert_null(st);
	assert_string_equal(fct_error_msg(&err), want);
	fct_error_release(&err);
}

static void
test_open_creates(void **state)
{
	const char *dir = *state;
	char *sub = test_path(dir, "a"), *sub2 = test_path(dir, "a/b");
	char *path = test_path(dir, "a/b/work.db"), *wal, *mode;
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st;
	mode_t old = umask(022);
	int cwd;

	st = test_open(dir, "a/b/work.db");
	assert_int_equal(mode_of(sub), 0700);
	assert_int_equal(mode_of(sub2), 0700);
	assert_int_equal(mode_of(path), 0600);
	test_folder(st, "INBOX");
	/* The log exists while the handle is open, and is private too. */
	wal = xasprintf("%s-wal", path);
	assert_int_equal(mode_of(wal), 0600);

	mode = pragma_text(st, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(test_int(st, "PRAGMA synchronous"), 1); /* NORMAL */
	assert_int_equal(test_int(st, "PRAGMA foreign_keys"), 1);
	assert_int_equal(test_int(st, "PRAGMA busy_timeout"),
	    STORE_BUSY_TIMEOUT_MS);
	assert_int_equal(test_int(st, "PRAGMA user_version"),
	    store_schema_version());
	assert_int_equal(test_int(st, "PRAGMA application_id"),
	    STORE_APPLICATION_ID);
	store_close(&st);
	assert_null(st);
	store_close(&st); /* NULL is fine */

	/* Reopening keeps the data and migrates nothing. */
	st = test_open(dir, "a/b/work.db");
	assert_int_equal(test_int(st, "SELECT count(*) FROM folders"), 1);
	store_close(&st);

	/* A relative path with no folder part works too. */
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(cwd >= 0);
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(store_open("plain.db", &st, &err), 0);
	store_close(&st);
	assert_int_equal(mode_of("plain.db"), 0600);
	assert_int_equal(fchdir(cwd), 0);
	close(cwd);

	umask(old);
	free(wal);
	free(path);
	free(sub2);
	free(sub);
}

static void
test_open_refuses(void **state)
{
	const char *dir = *state;
	char *file = test_path(dir, "file"),
	     *under = test_path(dir, "file/x.db");
	char *garbage = test_path(dir, "garbage.db");
	char *other = test_path(dir, "other.db"), *want;
	sqlite3 *db;
	FILE *fp;

	/* A path component that is a file. */
	fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	want = xasprintf("cannot create directory '%s': Not a directory", file);
	open_fails(under, want);
	free(want);

	/* The cache path is a directory. */
	want = xasprintf("cannot open cache '%s': Is a directory", dir);
	open_fails(dir, want);
	free(want);

	/* Not SQLite at all. */
	fp = fopen(garbage, "w");
	assert_non_null(fp);
	fputs("This is not a database, but it is long enough to look like "
	      "a header of one. It goes on for a while so that SQLite reads "
	      "it as a page and finds no magic string at its start.\n",
	    fp);
	fclose(fp);
	want = xasprintf("cannot open cache '%s': file is not a database",
	    garbage);
	open_fails(garbage, want);
	free(want);

	/* Someone else's SQLite file is left alone. */
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE notes (x)", NULL, NULL,
			     NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	want = xasprintf("cannot open cache '%s': not a facteur cache", other);
	open_fails(other, want);
	free(want);
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
			     "SELECT count(*) FROM notes; PRAGMA journal_mode",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	free(other);
	free(garbage);
	free(under);
	free(file);
}

static void
set_user_version(const char *path, int v)
{
	char *sql = xasprintf("PRAGMA user_version = %d", v);
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(sql);
}

static void
test_newer_schema_refused(void **state)
{
	const char *dir = *state;
	char *path = test_path(dir, "new.db"), *want;
	struct store *st;

	assert_int_equal(store_schema_version(), (int)store_schema_nsteps);
	st = test_open(dir, "new.db");
	test_folder(st, "INBOX");
	store_close(&st);
	set_user_version(path, store_schema_version() + 5);

	want = xasprintf("cache '%s' was written by a newer facteur (schema "
			 "%d, this one knows %d)",
	    path, store_schema_version() + 5, store_schema_version());
	open_fails(path, want);
	free(want);
	/* Refused without touching it. */
	set_user_version(path, store_schema_version() + 5);

	free(path);
}

/* A test-only schema version 3: a column, filled from existing rows. */
static const char step2_sql[] = "ALTER TABLE messages ADD COLUMN colour TEXT;"
				"UPDATE messages SET colour = 'red';";

static int step2_fn_calls;

static int
step2_fn(struct store *st, struct fct_error *err)
{
	step2_fn_calls++;
	if (sqlite3_exec(st->db, "CREATE TABLE step2_marks (x)", NULL, NULL,
		NULL) != SQLITE_OK)
		return fct_error_set(err, "%s", sqlite3_errmsg(st->db));
	return 0;
}

static int
step_fn_fails(struct store *st, struct fct_error *err)
{
	(void)st;
	return fct_error_set(err, "the step refused");
}

/* The built-in steps followed by `extra`; owned. */
static struct store_migration *
steps_plus(struct store_migration extra, size_t *n)
{
	struct store_migration *v;

	*n = store_schema_nsteps + 1;
	v = xreallocarray(NULL, *n, sizeof *v);
	memcpy(v, store_schema_steps, store_schema_nsteps * sizeof *v);
	v[store_schema_nsteps] = extra;
	return v;
}

static void
test_migration_applies(void **state)
{
	const char *dir = *state;
	char *path = test_path(dir, "m.db"), *want;
	struct fct_error err = FCT_ERROR_INIT;
	struct store_migration *steps;
	struct store *st;
	int64_t folder;
	size_t n;

	/* A current cache with data in it. */
	st = test_open(dir, "m.db");
	folder = test_folder(st, "INBOX");
	test_put(st, folder, 1, "before the upgrade");
	test_put(st, folder, 2, "also before");
	store_close(&st);

	steps = steps_plus((struct store_migration){ step2_sql, step2_fn }, &n);
	step2_fn_calls = 0;
	if (store_open_with(path, steps, n, &st, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(step2_fn_calls, 1);
	assert_int_equal(test_int(st, "PRAGMA user_version"),
	    store_schema_version() + 1);
	assert_int_equal(test_int(st,
			     "SELECT count(*) FROM messages "
			     "WHERE colour = 'red'"),
	    2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM step2_marks"), 0);
	/* The existing data and the index survived. */
	assert_int_equal(test_fts(st, "upgrade"), 1);
	assert_int_equal(store_check(st, &err), 0);
	store_close(&st);

	/* Opening again runs nothing. */
	if (store_open_with(path, steps, n, &st, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(step2_fn_calls, 1);
	store_close(&st);

	/* This build knows its own steps only. */
	want = xasprintf("cache '%s' was written by a newer facteur (schema "
			 "%d, this one knows %d)",
	    path, store_schema_version() + 1, store_schema_version());
	open_fails(path, want);
	free(want);

	/* A new file goes through every step. */
	free(path);
	path = test_path(dir, "fresh.db");
	if (store_open_with(path, steps, n, &st, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(step2_fn_calls, 2);
	assert_int_equal(test_int(st, "PRAGMA user_version"),
	    store_schema_version() + 1);
	store_close(&st);

	free(steps);
	free(path);
}

/* Whether EXPLAIN QUERY PLAN of sql mentions what. */
static bool
plan_has(struct store *st, const char *sql, const char *what)
{
	sqlite3_stmt *s;
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	bool found = false;

	if (sqlite3_prepare_v2(st->db, q, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(st->db));
	while (sqlite3_step(s) == SQLITE_ROW)
		found = found ||
		    strstr((const char *)sqlite3_column_text(s, 3), what) !=
			NULL;
	sqlite3_finalize(s);
	free(q);
	return found;
}

/*
 * The real step 2 on a version 1 cache with data: the date index and the
 * trigram index, filled from the existing rows and kept in step after.
 */
static void
test_migration_v2(void **state)
{
	const char *dir = *state;
	char *path = test_path(dir, "v1.db");
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct store *st;
	int64_t folder, id;
	static const char *const orders[] = {
		"SELECT id FROM messages AS m ORDER BY m.date DESC, m.id DESC "
		"LIMIT 50",
		"SELECT id FROM messages AS m WHERE m.folder_id = 1 "
		"ORDER BY m.date DESC, m.id DESC LIMIT 50",
		"SELECT id FROM messages AS m ORDER BY m.date ASC, m.id ASC "
		"LIMIT 50",
	};
	size_t i;

	if (store_open_with(path, store_schema_steps, 1, &st, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	folder = test_folder(st, "INBOX");
	id = test_put(st, folder, 1, "Facture de novembre");
	test_put(st, folder, 2, "Rendez-vous");
	if (store_body_put(st, id, "x", 1, "Montant : 42 \xe2\x82\xac", 0,
		&err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(store_check(st, &err), 0);
	assert_int_equal(test_int(st,
			     "SELECT count(*) FROM sqlite_master "
			     "WHERE name = 'messages_tri'"),
	    0);
	store_close(&st);

	st = test_open(dir, "v1.db");
	assert_int_equal(test_int(st, "PRAGMA user_version"),
	    store_schema_version());
	assert_int_equal(test_tri(st, "\"ACTURE\""), 1);
	assert_int_equal(test_tri(st, "subject: \"vous\""), 1);
	assert_int_equal(test_tri(st, "body: \"42 \xe2\x82\xac\""), 1);
	assert_int_equal(test_tri(st, "from_text: \"sender\""), 2);
	assert_int_equal(store_check(st, &err), 0);

	/* Changes reach it: a new subject, a list, a body, a removal. */
	test_msg(&m, folder, 2, "Nouvelle date");
	m.list_id = xstrdup("Annonces <annonces.example.test>");
	if (store_msg_put(st, &m, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(test_tri(st, "\"vous\""), 0);
	assert_int_equal(test_tri(st, "\"nouvelle\""), 1);
	assert_int_equal(test_tri(st, "list_id: \"annonces\""), 1);
	if (store_body_put(st, id, "y", 1, "Montant : 43", 0, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(test_tri(st, "\"42 \""), 0);
	assert_int_equal(test_tri(st, "body: \"43\" "), 0); /* < 3 chars */
	assert_int_equal(test_tri(st, "body: \": 43\" "), 1);
	test_exec(st, "DELETE FROM messages WHERE uid = 1");
	assert_int_equal(test_tri(st, "\"facture\""), 0);
	assert_int_equal(store_check(st, &err), 0);

	/* The date orders stop early: an index, no sort of every row. */
	for (i = 0; i < FCT_ARRAY_LEN(orders); i++) {
		assert_false(plan_has(st, orders[i], "TEMP B-TREE"));
		assert_true(plan_has(st, orders[i], "USING INDEX") ||
		    plan_has(st, orders[i], "USING COVERING INDEX"));
	}
	assert_true(plan_has(st, orders[0], "messages_date"));
	assert_true(plan_has(st, orders[1], "messages_folder_date"));

	store_msg_release(&m);
	store_close(&st);
	free(path);
}

static void
test_migration_fails_whole(void **state)
{
	const char *dir = *state;
	char *path = test_path(dir, "f.db"), *want;
	struct fct_error err = FCT_ERROR_INIT;
	struct store_migration *steps;
	struct store *st;
	size_t n;

	st = test_open(dir, "f.db");
	test_folder(st, "INBOX");
	store_close(&st);

	/* The first statement works, the second fails: neither stays. */
	steps = steps_plus((struct store_migration){ "CREATE TABLE half (x);"
						     "SELECT no_such_fn();",
			       NULL },
	    &n);
	st = (struct store *)&st;
	assert_int_equal(store_open_with(path, steps, n, &st, &err), -1);
	assert_null(st);
	want = xasprintf("cannot upgrade cache '%s' to schema %d: no such "
			 "function: no_such_fn",
	    path, store_schema_version() + 1);
	assert_string_equal(fct_error_msg(&err), want);
	free(want);
	free(steps);

	/* A failing function step. */
	steps = steps_plus((struct store_migration){ "CREATE TABLE half (x);",
			       step_fn_fails },
	    &n);
	assert_int_equal(store_open_with(path, steps, n, &st, &err), -1);
	want = xasprintf("cannot upgrade cache '%s' to schema %d: the step "
			 "refused",
	    path, store_schema_version() + 1);
	assert_string_equal(fct_error_msg(&err), want);
	free(want);
	free(steps);
	fct_error_release(&err);

	st = test_open(dir, "f.db");
	assert_int_equal(test_int(st, "PRAGMA user_version"),
	    store_schema_version());
	assert_int_equal(test_int(st,
			     "SELECT count(*) FROM sqlite_master "
			     "WHERE name = 'half'"),
	    0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM folders"), 1);
	store_close(&st);
	free(path);
}

static int
count_row(const struct store_msg *m, void *arg)
{
	(void)m;
	(*(size_t *)arg)++;
	return 0;
}

/* How many messages store_msg_select finds for a full-text query. */
static size_t
count_matches(struct store *st, const char *match)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_param p = { .type = STORE_PARAM_TEXT, .text = match };
	size_t n = 0;

	if (store_msg_select(st, 0,
		"m.id IN (SELECT rowid FROM messages_fts "
		"WHERE messages_fts MATCH ?)",
		&p, 1, NULL, 0, count_row, &n, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	return n;
}

static void
test_transactions(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = test_open(*state, "tx.db");
	struct store_msg m = STORE_MSG_INIT;
	int64_t folder = test_folder(st, "INBOX");
	char *want;

	/* Rolled back: nothing. */
	assert_int_equal(store_begin(st, &err), 0);
	test_put(st, folder, 1, "one");
	test_put(st, folder, 2, "two");
	assert_int_equal(store_folder_set_state(st, folder, 3, 9, &err), 0);
	store_sanity(st);
	store_rollback(st);
	store_sanity(st);
	assert_int_equal(test_int(st, "SELECT count(*) FROM messages"), 0);
	assert_int_equal(test_int(st, "SELECT uidnext FROM folders"), 0);
	assert_int_equal(test_fts(st, "one"), 0);
	store_rollback(st); /* harmless without a transaction */

	/* Committed: everything. */
	assert_int_equal(store_begin(st, &err), 0);
	test_put(st, folder, 1, "one");
	test_put(st, folder, 2, "two");
	assert_int_equal(store_folder_set_state(st, folder, 3, 9, &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM messages"), 2);
	assert_int_equal(test_int(st, "SELECT uidnext FROM folders"), 3);

	/*
	 * A failed write gives up the caller's whole transaction: what came
	 * before it cannot be committed by mistake, nor what comes after.
	 */
	assert_int_equal(store_begin(st, &err), 0);
	test_put(st, folder, 3, "three");
	test_msg(&m, 999, 4, "orphan");
	assert_int_equal(store_msg_put(st, &m, &err), -1);
	want = xasprintf("cannot write to cache '%s/tx.db': no folder 999",
	    (const char *)*state);
	assert_string_equal(fct_error_msg(&err), want);
	free(want);
	store_sanity(st);
	test_msg(&m, folder, 4, "after the failure");
	assert_int_equal(store_msg_put(st, &m, &err), -1);
	want = xasprintf("cannot write to cache '%s/tx.db': the transaction "
			 "was abandoned after an earlier error",
	    (const char *)*state);
	assert_string_equal(fct_error_msg(&err), want);
	assert_int_equal(store_commit(st, &err), -1);
	assert_string_equal(fct_error_msg(&err), want);
	free(want);
	assert_int_equal(test_int(st, "SELECT count(*) FROM messages"), 2);
	assert_int_equal(test_fts(st, "three"), 0);
	store_sanity(st);

	/* After store_rollback too, the handle works again. */
	assert_int_equal(store_begin(st, &err), 0);
	assert_int_equal(store_folder_set_state(st, 999, 1, 1, &err), -1);
	store_rollback(st);
	test_put(st, folder, 3, "three");
	assert_int_equal(test_int(st, "SELECT count(*) FROM messages"), 3);

	/*
	 * Replacing a known message inside a transaction is no failure, and
	 * a search inside it already finds what it wrote.
	 */
	assert_int_equal(store_begin(st, &err), 0);
	test_put(st, folder, 10, "first version");
	test_put(st, folder, 10, "second version");
	test_put(st, folder, 11, "another");
	assert_int_equal(count_matches(st, "second"), 1);
	assert_int_equal(count_matches(st, "first"), 0);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM messages"), 5);
	assert_int_equal(test_fts(st, "version"), 1);
	assert_int_equal(test_fts(st, "another"), 1);
	store_sanity(st);

	/* Closing with a transaction open rolls it back. */
	assert_int_equal(store_begin(st, &err), 0);
	test_put(st, folder, 5, "five");
	store_close(&st);
	st = test_open(*state, "tx.db");
	assert_int_equal(test_int(st, "SELECT count(*) FROM messages"), 5);
	assert_int_equal(test_fts(st, "five"), 0);
	assert_int_equal(store_check(st, &err), 0);

	store_msg_release(&m);
	fct_error_release(&err);
	store_close(&st);
}

/* Runs fn in a child and expects it to die of a BUG (abort). */
static void
expect_bug(void (*fn)(const char *dir), const char *dir)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Keep the expected "facteur: BUG" line out of the log. */
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(3);
		fn(dir);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void
bug_nested_begin(const char *dir)
{
	struct store *st = test_open(dir, "bug.db");

	if (store_begin(st, NULL) == 0 && store_begin(st, NULL) == 0)
		_exit(2);
}

static void
bug_commit_alone(const char *dir)
{
	struct store *st = test_open(dir, "bug.db");

	if (store_commit(st, NULL) != 0)
		_exit(2);
}

static void
bug_stray_transaction(const char *dir)
{
	struct store *st = test_open(dir, "bug.db");

	/* A transaction nobody owns: what a method that forgot to close
	 * its own would leave. */
	(void)sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL);
	store_sanity(st);
}

static void
bug_running_statement(const char *dir)
{
	struct store *st = test_open(dir, "bug.db");
	sqlite3_stmt *s;

	s = store_stmt(st, STORE_STMT_FOLDER_LIST,
	    "SELECT 1 UNION ALL SELECT 2", NULL);
	if (s == NULL || sqlite3_step(s) != SQLITE_ROW)
		_exit(2);
	store_sanity(st);
}

static void
test_sanity(void **state)
{
	struct store *st = test_open(*state, "bug.db");

	store_sanity(st);
	store_close(&st);
	expect_bug(bug_nested_begin, *state);
	expect_bug(bug_commit_alone, *state);
	expect_bug(bug_stray_transaction, *state);
	expect_bug(bug_running_statement, *state);
}

/*
 * Fills the cache until it is full (max_page_count), inside a transaction
 * of `batch` messages and a folder state, and checks that a failed batch
 * leaves nothing, and a whole one everything.
 */
static void
test_disk_full(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = test_open(*state, "full.db");
	struct store_msg m = STORE_MSG_INIT;
	int64_t folder = test_folder(st, "INBOX"), pages, before;
	char *want, *big, *sql;
	uint32_t uid = 1, i;
	int full = 0, rc, limit;

	want = xasprintf("cannot write to cache '%s/full.db': database or "
			 "disk is full",
	    (const char *)*state);
	big = xmalloc(20001);
	memset(big, 'x', 20000);
	big[20000] = '\0';

	/* One message alone, in its own transaction. */
	pages = test_int(st, "PRAGMA page_count");
	sql = xasprintf("PRAGMA max_page_count = %lld", (long long)pages);
	test_exec(st, sql);
	free(sql);
	test_msg(&m, folder, uid, "too big");
	free(m.headers);
	m.headers = xstrdup(big);
	assert_int_equal(store_msg_put(st, &m, &err), -1);
	assert_string_equal(fct_error_msg(&err), want);
	assert_int_equal(test_int(st, "SELECT count(*) FROM messages"), 0);
	store_sanity(st);

	/*
	 * Sweep the limit so that the failure lands on every kind of
	 * statement of the batch: message inserts, index updates, the state.
	 */
	for (limit = 1; limit <= 40; limit++) {
		before = test_int(st, "SELECT count(*) FROM messages");
		pages = test_int(st, "PRAGMA page_count");
		sql = xasprintf("PRAGMA max_page_count = %lld",
		    (long long)pages + limit / 4);
		test_exec(st, sql);
		free(sql);

		rc = store_begin(st, &err);
		for (i = 0; rc == 0 && i < 10; i++) {
			test_msg(&m, folder, uid + i, "filling the disk");
			free(m.headers);
			m.headers =
			    xasprintf("%.*s", 200 * (limit % 7 + 1), big);
			rc = store_msg_put(st, &m, &err);
		}
		if (rc == 0)
			rc = store_folder_set_state(st, folder, uid + 10, 0,
			    &err);
		if (rc == 0)
			rc = store_commit(st, &err);
		if (rc != 0) {
			full++;
			assert_string_equal(fct_error_msg(&err), want);
			store_rollback(st);
			assert_int_equal(test_int(st,
					     "SELECT count(*) "
					     "FROM messages"),
			    before);
		} else {
			uid += 10;
			assert_int_equal(test_int(st,
					     "SELECT count(*) "
					     "FROM messages"),
			    before + 10);
		}
		store_sanity(st);
		assert_int_equal(test_int(st, "SELECT uidnext FROM folders"),
		    uid == 1 ? 0 : uid);
		assert_int_equal(test_int(st,
				     "SELECT coalesce(max(uid), 0) "
				     "+ 1 FROM messages"),
		    uid);
		if (store_check(st, &err) != 0)
			fail_msg("limit %d: %s", limit, fct_error_msg(&err));
	}
	assert_true(full > 0);
	assert_true(uid > 1);

	/* Room again: writing works, and the cache is whole. */
	test_exec(st, "PRAGMA max_page_count = 1073741823");
	test_put(st, folder, uid, "room again");
	assert_int_equal(store_check(st, &err), 0);

	free(big);
	free(want);
	store_msg_release(&m);
	fct_error_release(&err);
	store_close(&st);
}

/*
 * When SQLite gives up the caller's whole transaction after a failure,
 * further writes must not quietly commit on their own, and store_commit
 * must say what happened.
 */
static void
test_abandoned_transaction(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = test_open(*state, "ab.db");
	int64_t folder = test_folder(st, "INBOX");
	char *want;

	assert_int_equal(store_begin(st, &err), 0);
	test_put(st, folder, 1, "lost with the transaction");
	/* What SQLite does after an I/O error or a full disk. */
	test_exec(st, "ROLLBACK");
	assert_int_equal(store_folder_set_state(st, folder, 2, 0, &err), -1);
	want = xasprintf("cannot write to cache '%s/ab.db': the transaction "
			 "was abandoned after an earlier error",
	    (const char *)*state);
	assert_string_equal(fct_error_msg(&err), want);
	assert_int_equal(store_commit(st, &err), -1);
	assert_string_equal(fct_error_msg(&err), want);
	store_sanity(st);
	assert_int_equal(test_int(st, "SELECT count(*) FROM messages"), 0);
	assert_int_equal(test_int(st, "SELECT uidnext FROM folders"), 0);

	/* And the handle works again afterwards. */
	test_put(st, folder, 1, "kept");
	assert_int_equal(test_int(st, "SELECT count(*) FROM messages"), 1);

	free(want);
	fct_error_release(&err);
	store_close(&st);
}

static void
test_check_finds_damage(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = test_open(*state, "check.db");
	int64_t folder = test_folder(st, "INBOX");
	char *want;

	test_put(st, folder, 1, "consistent");
	assert_int_equal(store_check(st, &err), 0);

	/* An update the index never saw. */
	test_exec(st, "DROP TRIGGER messages_fts_update");
	test_exec(st,
	    "UPDATE messages SET subject = 'changed behind its back'");
	assert_int_equal(store_check(st, &err), -1);
	want = xasprintf("cache '%s/check.db' is damaged: the full-text index "
			 "does not match the messages",
	    (const char *)*state);
	assert_string_equal(fct_error_msg(&err), want);
	free(want);
	store_close(&st);

	/* A row whose folder is gone (its counts row would be too). */
	st = test_open(*state, "check2.db");
	test_exec(st, "PRAGMA foreign_keys = OFF");
	test_exec(st, "DROP TRIGGER folder_stats_insert");
	test_exec(st,
	    "INSERT INTO messages (id, folder_id, uid) "
	    "VALUES (42, 7, 1)");
	assert_int_equal(store_check(st, &err), -1);
	want = xasprintf("cache '%s/check2.db' is damaged: row 42 of "
			 "messages refers to a missing row of folders",
	    (const char *)*state);
	assert_string_equal(fct_error_msg(&err), want);
	free(want);

	fct_error_release(&err);
	store_close(&st);
}

/* Two handles on one file: readers see commits only, and never wait. */
static void
test_two_handles(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store *w = test_open(*state, "two.db");
	struct store *r = test_open(*state, "two.db");
	int64_t folder = test_folder(w, "INBOX"), id;
	struct timespec t0, t1;
	char *data;
	size_t len;

	id = test_put(w, folder, 1, "first");
	assert_int_equal(store_body_put(w, id, "raw", 3, "text", 0, &err), 0);
	assert_int_equal(store_begin(w, &err), 0);
	test_put(w, folder, 2, "second");
	assert_int_equal(test_int(r, "SELECT count(*) FROM messages"), 1);

	/* The reader's LRU mark must not wait for the writer's lock. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(store_body_get(r, id, &data, &len, &err), 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	assert_string_equal(data, "raw");
	free(data);
	store_sanity(r);

	assert_int_equal(store_commit(w, &err), 0);
	assert_int_equal(test_int(r, "SELECT count(*) FROM messages"), 2);
	store_close(&r);
	store_close(&w);
}

static void
bug_checkpoint_in_transaction(const char *dir)
{
	struct store *st = test_open(dir, "bug.db");

	if (store_begin(st, NULL) == 0 && store_checkpoint(st, NULL) == 0)
		_exit(2);
}

static void
test_checkpoint(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = test_open(*state, "ckpt.db");
	char *path = test_path(*state, "ckpt.db");
	int64_t folder = test_folder(st, "INBOX");
	struct stat sb;
	uint32_t uid;

	assert_int_equal(store_begin(st, &err), 0);
	for (uid = 1; uid <= 500; uid++)
		test_put(st, folder, uid, "copied into the database file");
	assert_int_equal(store_commit(st, &err), 0);
	/* Below the backstop: everything is still in the log. */
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size < test_int(st, "PRAGMA page_count") *
		test_int(st, "PRAGMA page_size"));

	assert_int_equal(store_checkpoint(st, &err), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size,
	    test_int(st, "PRAGMA page_count") *
		test_int(st, "PRAGMA page_size"));
	store_sanity(st);
	expect_bug(bug_checkpoint_in_transaction, *state);

	free(path);
	store_close(&st);
}

/* The counts the triggers keep (version 6) against the rows themselves. */
static void
expect_counts(struct store *st, int64_t folder, uint32_t total, uint32_t unseen,
    size_t visible)
{
	struct fct_error err = FCT_ERROR_INIT;
	uint32_t t = 0, u = 0;
	size_t n = 0;

	if (store_folder_counts(st, folder, &t, &u, &err) != 0 ||
	    store_msg_count(st, folder, &n, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(t, total);
	assert_int_equal(u, unseen);
	assert_int_equal(n, total);
	if (store_msg_count_visible(st, folder, &n, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(n, visible);
	if (store_check(st, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
}

static void
test_folder_stats(void **state)
{
	const char *dir = *state;
	char *path = test_path(dir, "v5.db");
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct store *st;
	int64_t inbox, archive, id;
	char *want;

	/* Mail cached before version 6 is counted by the migration. */
	if (store_open_with(path, store_schema_steps, 5, &st, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	inbox = test_folder(st, "INBOX");
	archive = test_folder(st, "Archive");
	test_put(st, inbox, 1, "one");
	test_put(st, inbox, 2, "two");
	test_put(st, inbox, 3, "three");
	if (store_msg_set_flags(st, inbox, 1, FCT_FLAG_SEEN, NULL, 0, &err) !=
	    0)
		fail_msg("%s", fct_error_msg(&err));
	store_close(&st);
	st = test_open(dir, "v5.db");
	expect_counts(st, inbox, 3, 2, 3);
	expect_counts(st, archive, 0, 0, 0);

	/* New mail, flags both ways, a replaced row, a removal. */
	id = test_put(st, inbox, 4, "four");
	expect_counts(st, inbox, 4, 3, 4);
	if (store_msg_set_flags(st, inbox, 2, FCT_FLAG_SEEN, NULL, 0, &err) !=
		0 ||
	    store_msg_set_flags(st, inbox, 1, 0, NULL, 0, &err) != 0 ||
	    store_msg_set_flags(st, inbox, 3, FCT_FLAG_FLAGGED, NULL, 0,
		&err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	expect_counts(st, inbox, 4, 3, 4);
	test_msg(&m, inbox, 2, "two again");
	m.flags = FCT_FLAG_SEEN | FCT_FLAG_ANSWERED;
	if (store_msg_put(st, &m, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	store_msg_release(&m);
	expect_counts(st, inbox, 4, 3, 4);
	test_msg(&m, inbox, 2, "two, unread");
	if (store_msg_put(st, &m, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	store_msg_release(&m);
	expect_counts(st, inbox, 4, 4, 4);
	if (store_msg_expunge_range(st, inbox, 1, 1, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	expect_counts(st, inbox, 3, 3, 3);

	/* A row moved to another folder (local folders do that). */
	test_exec(st, "UPDATE messages SET folder_id = 2 WHERE uid = 3");
	expect_counts(st, inbox, 2, 2, 2);
	expect_counts(st, archive, 1, 1, 1);

	/* Mail the rules have yet to file is counted, not listed. */
	if (store_rules_pending_add(st, id, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	expect_counts(st, inbox, 2, 2, 1);
	if (store_rules_pending_done(st, &id, 1, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	expect_counts(st, inbox, 2, 2, 2);

	/* UIDVALIDITY changed: everything goes. */
	if (store_folder_reset(st, inbox, 99, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	expect_counts(st, inbox, 0, 0, 0);
	expect_counts(st, archive, 1, 1, 1);

	/* Counts that drifted are damage. */
	test_exec(st, "UPDATE folder_stats SET unseen = 7 WHERE folder_id = 2");
	assert_int_equal(store_check(st, &err), -1);
	want = xasprintf("cache '%s' is damaged: the counts of folder Archive "
			 "say 1 messages, 7 unseen; it has 1, 1",
	    path);
	assert_string_equal(fct_error_msg(&err), want);
	free(want);
	fct_error_release(&err);
	store_close(&st);
	free(path);
}

/*
 * Opening a cache again in this process keeps the locks of the handle
 * already open on it: another process still finds the file locked. (A
 * descriptor of the file closed by the second open dropped them, and the
 * next process to close its own handle deleted the log in use.)
 */
static void
test_open_keeps_locks(void **state)
{
	char *path = test_path(*state, "locks.sqlite");
	struct fct_error err = FCT_ERROR_INIT;
	struct store *a, *b;
	struct flock fl;
	pid_t pid;
	int status, fd;

	assert_int_equal(store_open(path, &a, &err), 0);
	assert_int_equal(store_begin(a, &err), 0);
	assert_int_equal(store_open(path, &b, &err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Locks are per process: only another one sees a's. */
		fd = open(path, O_RDWR | O_CLOEXEC);
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fd < 0 || fcntl(fd, F_GETLK, &fl) != 0)
			_exit(2);
		_exit(fl.l_type == F_UNLCK ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	store_rollback(a);
	store_close(&b);
	store_close(&a);
	free(path);
}

static void
test_versions(void **state)
{
	(void)state;
	assert_non_null(store_library_version());
	assert_true(strlen(store_library_version()) > 0);
	assert_int_equal(store_schema_version(), (int)store_schema_nsteps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_applies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migration_v2, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migration_fails_whole,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sanity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_abandoned_transaction,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_finds_damage, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_two_handles, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_folder_stats, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_keeps_locks, setup,
		    teardown),
		cmocka_unit_test(test_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
