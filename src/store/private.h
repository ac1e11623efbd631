/*
 * The store's internals, shared by the files of src/store and its unit
 * tests: the handle, the statement cache, the write-transaction helpers,
 * the error wording and the schema migrations.
 */
#ifndef FACTEUR_STORE_PRIVATE_H
#define FACTEUR_STORE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "facteur/store.h"

/*
 * One slot per cached statement. A statement is prepared the first time
 * its slot is used and kept until store_close, so the hot paths of a cold
 * sync (message inserts) never parse SQL.
 */
enum store_stmt_id {
	STORE_STMT_FOLDER_PUT,
	STORE_STMT_FOLDER_GET,
	STORE_STMT_FOLDER_LIST,
	STORE_STMT_FOLDER_NAMES,
	STORE_STMT_FOLDER_DELETE,
	STORE_STMT_FOLDER_SET_STATE,
	STORE_STMT_FOLDER_CLEAR,
	STORE_STMT_FOLDER_RESET,
	STORE_STMT_MSG_PUT,
	STORE_STMT_MSG_UPDATE,
	STORE_STMT_MSG_GET,
	STORE_STMT_MSG_SET_FLAGS,
	STORE_STMT_MSG_EXPUNGE,
	STORE_STMT_MSG_UIDS,
	STORE_STMT_MSG_COUNT,
	STORE_STMT_MSG_FLAGS_ALL,
	STORE_STMT_BODY_GET,
	STORE_STMT_BODY_TOUCH,
	STORE_STMT_BODY_PUT,
	STORE_STMT_BODY_EVICT,
	STORE_STMT_JOB_ADD,
	STORE_STMT_JOB_NEXT,
	STORE_STMT_JOB_COUNT,
	STORE_STMT_JOB_DONE,
	STORE_STMT_JOB_FAILED,
	STORE_STMT_FTS_QUEUE,
	STORE_STMT_FTS_FLUSH,
	STORE_STMT_FTS_FLUSH_TRI,
	STORE_STMT_FTS_CLEAR,
	STORE_STMT_RULES_KNOWN,
	STORE_STMT_RULES_ADD,
	STORE_STMT_RULES_DONE,
	STORE_STMT_RULES_COUNT,
	STORE_STMT_RULES_BODY,
	STORE_STMT__COUNT
};

/*
 * struct store: one connection to one cache file.
 * Invariants (store_sanity): db and path are never NULL; every stmts[i] is
 * NULL or prepared from slot i's SQL and reset (not stepping) between
 * calls; outside a caller's transaction (in_tx false) the connection is in
 * autocommit mode, i.e. every method closed the transaction it opened.
 * in_tx may be true while SQLite is back in autocommit mode: SQLite
 * abandoned the caller's transaction after a failure (disk full, I/O
 * error), and store_commit reports it. fts_dirty and durable are false
 * outside a transaction.
 */
struct store {
	sqlite3 *db;
	char *path;     /* as given to store_open, for messages */
	int schema;     /* the version this handle migrated the file to */
	bool in_tx;     /* between store_begin and store_commit/rollback */
	bool durable;   /* the open transaction wrote jobs: flush at commit */
	bool fts_dirty; /* it may have queued messages in fts_pending */
	unsigned wal_flushes;  /* how many durable flushes ran, for tests */
	bool show_pending;     /* listings include messages whose rules are
				  pending (store_rules_show_pending) */
	bool folder_unindexed; /* store_msg_select writes +m.folder_id, so
				  that a text prefilter drives the search
				  (store_rules_query) */
	sqlite3_stmt *stmts[STORE_STMT__COUNT];
	const char *stmt_sql[STORE_STMT__COUNT]; /* what slot i was made from */
};

/*
 * One schema migration: the SQL run (sqlite3_exec) and/or the function
 * called, in one transaction with the user_version bump. Step i of an array
 * takes the file from version i to i + 1.
 */
struct store_migration {
	const char *sql;
	int (*fn)(struct store *st, struct fct_error *err);
};

/* store_msg_select skipping the first `offset` rows (msg.c). */
int store_msg_select_at(struct store *st, int64_t folder_id, const char *where,
    const struct store_param *params, size_t nparams, const char *order,
    size_t offset, size_t limit,
    int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err) FCT_WUR;

/* The built-in schema history, oldest first (schema.c). */
extern const struct store_migration store_schema_steps[];
extern const size_t store_schema_nsteps;

/* Written to PRAGMA application_id: "fctr". */
#define STORE_APPLICATION_ID 0x66637472

/*
 * store_open with an explicit migration list: tests append a step to the
 * built-in ones to prove that an upgrade applies. Same contract as
 * store_open, and the handle knows schema version n.
 */
int store_open_with(const char *path, const struct store_migration *steps,
    size_t n, struct store **out, struct fct_error *err) FCT_WUR;

/*
 * Brings the file to version n by running steps[version..n-1], each in its
 * own transaction (schema.c). Refuses a file newer than n.
 */
int store_schema_migrate(struct store *st, const struct store_migration *steps,
    size_t n, struct fct_error *err) FCT_WUR;

/* Registers fct_header on a new handle (func.c). */
int store_func_init(struct store *st, struct fct_error *err) FCT_WUR;

/*
 * The cached statement of slot id, preparing it from sql on first use.
 * Borrowed: valid until store_close; call store_stmt_done after use. NULL
 * with err filled when the SQL cannot be prepared.
 */
sqlite3_stmt *store_stmt(struct store *st, enum store_stmt_id id,
    const char *sql, struct fct_error *err);
/* Resets the statement and clears its bindings. */
void store_stmt_done(sqlite3_stmt *s);

/* Binds s (NULL gives SQL NULL) as static text: s must outlive the step. */
int store_bind_text(sqlite3_stmt *stmt, int i, const char *s);
/* An owned copy of a text column, or NULL for SQL NULL. */
char *store_column_strdup(sqlite3_stmt *stmt, int i);

/*
 * Stepping a bound statement; the caller still resets or finalizes it.
 * store_step_row: for a read of at most one row, 1 with a row to read, 0
 * when there is none, -1 with err filled. store_step_write: runs a write
 * to its end, giving the number of rows it changed, or -1 with err filled.
 * store_step_ids: collects column 0 of every row into *ids (owned, free;
 * NULL with *n 0 when there is none, or on error: -1 with err filled).
 */
int store_step_row(struct store *st, sqlite3_stmt *s,
    struct fct_error *err) FCT_WUR;
int store_step_write(struct store *st, sqlite3_stmt *s,
    struct fct_error *err) FCT_WUR;
int store_step_ids(struct store *st, sqlite3_stmt *s, int64_t **ids, size_t *n,
    struct fct_error *err) FCT_WUR;

/* Fills err for a row id that a write did not find; returns -1. */
typedef int (
    *store_missing_fn)(struct store *st, int64_t id, struct fct_error *err);

/*
 * One durable write (st->durable) of row id, in its own transaction or the
 * caller's (store_write_begin/_end): sql's ?1 is id, ?2 text and ?3 the
 * time now when sql has them. slot is sql's statement cache slot, or
 * STORE_STMT__COUNT to prepare it for this call alone. missing (may be
 * NULL) reports a write that changed no row, which then fails and rolls
 * back. Returns the number of rows changed, or -1 with err filled.
 */
int store_write_row(struct store *st, enum store_stmt_id slot, const char *sql,
    int64_t id, const char *text, store_missing_fn missing,
    struct fct_error *err) FCT_WUR;

/*
 * Error wording. Both record "cannot read cache 'PATH': <SQLite's message>"
 * (or "cannot write to cache ...") from the connection's last error, and
 * return -1.
 */
int store_error_read(struct store *st, struct fct_error *err);
int store_error_write(struct store *st, struct fct_error *err);

/*
 * A write method's transaction: its own (BEGIN IMMEDIATE, *own true) when
 * the caller has none, else the caller's. store_write_end commits its own
 * transaction (rc 0), or rolls back (rc -1, err already filled) whichever
 * transaction is open, so that a failed method leaves nothing of itself;
 * it returns rc, or -1 when the commit fails.
 */
int store_write_begin(struct store *st, bool *own,
    struct fct_error *err) FCT_WUR;
int store_write_end(struct store *st, bool own, int rc,
    struct fct_error *err) FCT_WUR;

/*
 * Indexes the messages queued in fts_pending and empties the queue (see
 * schema.c), inside the current transaction. Write methods that can queue
 * set st->fts_dirty; store_write_end and store_commit call this before
 * COMMIT when it is set.
 */
int store_fts_flush(struct store *st, struct fct_error *err) FCT_WUR;

/*
 * Runs SQL without results (pragmas, transaction control) and returns
 * SQLite's result code; the message stays on the connection for
 * store_error_*.
 */
int store_exec(struct store *st, const char *sql);

/*
 * Checks that the file is empty or a facteur cache no newer than schema n
 * (schema.c). Reads only: runs before anything is written to the file.
 */
int store_schema_check(struct store *st, size_t n,
    struct fct_error *err) FCT_WUR;

#endif
