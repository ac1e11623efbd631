/*
 * store: the local cache of one account, in SQLite (WAL mode), one database
 * file per account under the cache directory. Sync workers write it; the UI
 * and the command line read it. Every write method either runs in the
 * caller's explicit transaction (store_begin/store_commit) or is its own
 * transaction, so that killing the process at any instant leaves a
 * consistent cache: a folder's sync state (UIDNEXT, HIGHESTMODSEQ) is only
 * ever committed together with the rows it vouches for.
 *
 * Threads: a struct store is used by one thread at a time. Each thread that
 * needs the cache opens its own handle on the same file (SQLite's WAL lets
 * one writer and many readers work at once). Readers never wait for the
 * writer; a writer waits up to STORE_BUSY_TIMEOUT_MS for another writer.
 *
 * Errors: every fallible function returns -1 (or the documented value) and
 * fills err with a message naming the cache file, in git's wording:
 * "cannot write to cache 'PATH': database or disk is full". Nothing here
 * prints, prompts or sleeps beyond SQLite's bounded lock wait. A write that
 * fails leaves nothing behind: alone, its own transaction is rolled back;
 * inside the caller's transaction, that whole transaction is (see
 * store_begin).
 *
 * The schema, the columns a store_msg_select condition may use, the
 * invariants and the crash-safety argument are in doc/store.md.
 */
#ifndef FACTEUR_STORE_STORE_H
#define FACTEUR_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "facteur/core.h"

/* How long a write waits for another handle's write transaction. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store;

/* The SQLite version linked at run time; borrowed, static. Any thread. */
const char *store_library_version(void);

/*
 * Opens (creating when missing, mode 0600, with missing parent directories
 * mode 0700) the cache at `path`, and migrates its schema to the current
 * version. A file written by a newer facteur (higher schema version) is
 * refused, as is an SQLite file that is not a facteur cache. *out is owned
 * (store_close), NULL on failure. Any thread; the handle then belongs to
 * the thread that uses it.
 */
int store_open(const char *path, struct store **out,
    struct fct_error *err) FCT_WUR;
/* Closes the handle (rolling back an open transaction); accepts NULL. */
void store_close(struct store **sp);

/* The schema version this build writes. */
int store_schema_version(void);

/*
 * An explicit transaction around several writes (BEGIN IMMEDIATE: it waits
 * for other writers up front, so the writes inside never fail with
 * "database is locked"). Transactions do not nest: store_begin inside one
 * is a BUG, as is store_commit without one. When a write inside fails, the
 * whole transaction is rolled back at once, so that no part of a batch can
 * be committed without the rest: later writes and store_commit then fail
 * with "the transaction was abandoned after an earlier error", and the
 * caller ends it with store_rollback (which it may call in any case).
 * Reads inside see the transaction's own writes, full-text index included.
 */
int store_begin(struct store *st, struct fct_error *err) FCT_WUR;
int store_commit(struct store *st, struct fct_error *err) FCT_WUR;
/* Never fails from the caller's point of view; safe without a transaction. */
void store_rollback(struct store *st);

/*
 * Copies the write-ahead log into the database file as far as readers
 * allow, without waiting for anyone; the log is then reused (and truncated
 * to 32 MB). The account worker calls it when idle, so that the copy never
 * lands on the UI thread's commit (SQLite would otherwise do it in whichever
 * handle commits past a 40 MB log). Outside a transaction only (BUG).
 */
int store_checkpoint(struct store *st, struct fct_error *err) FCT_WUR;

/*
 * Checks the cache in depth: SQLite's integrity check, foreign keys, and
 * that the full-text index matches the rows. Slow (reads everything); for
 * tests and `facteur` diagnostics, outside a transaction (BUG). 0 or -1
 * with "cache 'PATH' is damaged: ...".
 */
int store_check(struct store *st, struct fct_error *err) FCT_WUR;
/* Asserts the handle's invariants (BUG when broken); cheap. */
void store_sanity(const struct store *st);

/*
 * SQL functions for store_msg_select conditions. Every handle has
 * fct_header(headers, name): the unfolded value of the first header field
 * called `name` (case-insensitive) in a raw header block, or NULL.
 *
 * store_register_function adds a boolean function of text arguments (SQL
 * NULL arrives as a NULL pointer, numbers as their text) under `name` on
 * this handle, so that a higher layer (query's fct_match) can be called from
 * SQL without the store knowing it. nargs is 0 to STORE_FUNCTION_MAX_ARGS,
 * or -1 for any count up to that. fn sets *result and returns 0, or fills
 * its err and returns -1, which fails the statement with that message. arg
 * is borrowed: it must outlive the handle. Registering a name again
 * replaces it. Functions are callable from facteur's own statements only,
 * never from the schema (triggers, views).
 */
#define STORE_FUNCTION_MAX_ARGS 8
int store_register_function(struct store *st, const char *name, int nargs,
    int (*fn)(int argc, const char *const *argv, bool *result, void *arg,
	struct fct_error *err),
    void *arg, struct fct_error *err) FCT_WUR;

/* A folder as the cache knows it. Strings owned by the struct. */
struct store_folder {
	int64_t id;     /* 0 until stored */
	char *name;     /* UTF-8, unique per account */
	char *raw_name; /* as on the wire (modified UTF-7) */
	char delimiter; /* '\0' when flat */
	char *role;     /* "inbox", "sent", ... or NULL */
	int ns;         /* 0 personal, 1 other users, 2 shared */
	bool noselect;
	char *rights;           /* MYRIGHTS, NULL for own folders */
	uint32_t uidvalidity;   /* 0: never synced */
	uint32_t uidnext;       /* every UID below it is in the cache */
	uint64_t highestmodseq; /* 0: unknown or no CONDSTORE */
	uint32_t total;         /* server's counts, from STATUS or sync */
	uint32_t unseen;
};

#define STORE_FOLDER_INIT \
	{                 \
		0         \
	}
/* Frees the strings and zeroes *f (ready for reuse). */
void store_folder_release(struct store_folder *f);

/*
 * Inserts or updates the folder called f->name: its listing attributes
 * (raw_name, delimiter, role, ns, noselect, rights, total, unseen). The
 * sync state (uidvalidity, uidnext, highestmodseq) is taken from f for a
 * new folder and left untouched for an existing one. Sets f->id and reads
 * the stored sync state back into f, so that f then shows the cache's view.
 */
int store_folder_put(struct store *st, struct store_folder *f,
    struct fct_error *err) FCT_WUR;

/*
 * Fills *f (released first, so it must be initialised) for `name`; the
 * strings are owned by *f (store_folder_release). Returns 1 found, 0
 * absent (*f then zeroed), -1.
 */
int store_folder_get(struct store *st, const char *name, struct store_folder *f,
    struct fct_error *err) FCT_WUR;

struct store_folder_list {
	struct store_folder *v;
	size_t n, alloc;
};
#define STORE_FOLDER_LIST_INIT \
	{                      \
		NULL, 0, 0     \
	}
/* Frees every folder and the array; *l is left empty, ready for reuse. */
void store_folder_list_release(struct store_folder_list *l);

/*
 * Every folder, sorted by name (byte order), in *out: released first, so it
 * must be initialised; owned by *out (store_folder_list_release).
 */
int store_folder_list(struct store *st, struct store_folder_list *out,
    struct fct_error *err) FCT_WUR;

/*
 * Renames folder `old` to `new_name`, with every folder below it (names
 * starting with old and the delimiter, '\0' for none), keeping their
 * messages; a folder already called by a new name is replaced. Renaming a
 * folder the cache does not know changes nothing. Raw names are left for
 * the next folder list to refresh (src/store/rename.c).
 */
int store_folder_rename(struct store *st, const char *old, const char *new_name,
    char delimiter, struct fct_error *err) FCT_WUR;

/*
 * Removes folders (and their messages and bodies) whose names are not in
 * keep[] (borrowed; n may be 0: removes every folder).
 */
int store_folder_prune(struct store *st, const char *const *keep, size_t n,
    struct fct_error *err) FCT_WUR;

/*
 * Records the sync state reached. Call it in the same transaction as the
 * message writes it covers. An unknown folder_id is an error.
 */
int store_folder_set_state(struct store *st, int64_t folder_id,
    uint32_t uidnext, uint64_t highestmodseq, struct fct_error *err) FCT_WUR;

/*
 * UIDVALIDITY changed (or first sync): drops every message of the folder
 * (and their bodies), sets uidvalidity, and resets uidnext and
 * highestmodseq to 0. An unknown folder_id is an error.
 */
int store_folder_reset(struct store *st, int64_t folder_id,
    uint32_t uidvalidity, struct fct_error *err) FCT_WUR;

/*
 * A message's cached header data. Strings owned by the struct (borrowed
 * from the store in a store_msg_select callback); any may be NULL.
 */
struct store_msg {
	int64_t id; /* rowid, 0 until stored */
	int64_t folder_id;
	uint32_t uid;
	uint64_t modseq;
	unsigned flags; /* enum fct_flags */
	char *keywords; /* " kw1 kw2 " (leading and trailing space) or NULL */
	uint64_t size;  /* RFC822.SIZE */
	int64_t internaldate; /* unix seconds */
	int64_t date;         /* the Date header, unix seconds, 0 unknown */
	char *subject;        /* decoded UTF-8 */
	char *from_text;      /* decoded "Name <addr>, ..." */
	char *to_text;
	char *cc_text;
	char *message_id;  /* without angle brackets */
	char *in_reply_to; /* first msg-id, without brackets */
	char *references;  /* msg-ids separated by spaces */
	char *list_id;     /* decoded List-Id value */
	char *headers;     /* the raw header block, for header: queries */
	bool has_attachment;
	char *parts; /* BODYSTRUCTURE summary, free text (e.g. JSON) */
};

#define STORE_MSG_INIT \
	{              \
		0      \
	}
/* Frees the strings and zeroes *m (ready for reuse). */
void store_msg_release(struct store_msg *m);

/*
 * Inserts the message (folder_id, uid), or replaces every field of an
 * existing one. The row keeps its id when replaced, and so its fetched
 * body: a UID names one message for the life of a UIDVALIDITY. Updates the
 * full-text index. Sets m->id. An unknown folder_id is an error.
 */
int store_msg_put(struct store *st, struct store_msg *m,
    struct fct_error *err) FCT_WUR;

/* Updates flags, keywords and modseq of a known message; absent is fine. */
int store_msg_set_flags(struct store *st, int64_t folder_id, uint32_t uid,
    unsigned flags, const char *keywords, uint64_t modseq,
    struct fct_error *err) FCT_WUR;

/*
 * Removes messages first..last (inclusive) of the folder, with their bodies
 * and index entries. first > last removes nothing.
 */
int store_msg_expunge_range(struct store *st, int64_t folder_id, uint32_t first,
    uint32_t last, struct fct_error *err) FCT_WUR;

/*
 * How many messages of the folder are cached, every row (one row read from
 * schema version 6 on, whatever the folder's size).
 */
int store_msg_count(struct store *st, int64_t folder_id, size_t *n,
    struct fct_error *err) FCT_WUR;

/*
 * How many of them the listings show (store_msg_select, store_msg_query):
 * store_msg_count less the messages the rules have yet to file, unless the
 * handle shows them (store_rules_show_pending).
 */
int store_msg_count_visible(struct store *st, int64_t folder_id, size_t *n,
    struct fct_error *err) FCT_WUR;

/*
 * The folder's cached UIDs, ascending, in *uids (owned, free(); NULL when
 * none) and their count in *n.
 */
int store_msg_uids(struct store *st, int64_t folder_id, uint32_t **uids,
    size_t *n, struct fct_error *err) FCT_WUR;

/*
 * UID and flags of every cached message, for comparisons and resyncs,
 * ascending by UID in *out (owned, store_uid_flags_free; NULL when none).
 */
struct store_uid_flags {
	uint32_t uid;
	unsigned flags;
	char *keywords; /* owned, may be NULL */
	uint64_t modseq;
};
int store_msg_flags_all(struct store *st, int64_t folder_id,
    struct store_uid_flags **out, size_t *n, struct fct_error *err) FCT_WUR;
/* Frees the n entries and the array, and sets *v to NULL; accepts NULL. */
void store_uid_flags_free(struct store_uid_flags **v, size_t n);

/*
 * The message (folder_id, uid) in *m (released first, so it must be
 * initialised; strings owned by *m, store_msg_release): 1 found, 0 absent
 * (*m then zeroed), -1.
 */
int store_msg_get(struct store *st, int64_t folder_id, uint32_t uid,
    struct store_msg *m, struct fct_error *err) FCT_WUR;

/*
 * Reads messages of a folder (folder_id 0: every folder) matching `where`,
 * an SQL boolean expression over the columns of the messages `m` and their
 * fetched bodies `b` (see doc/store.md for the list) with `?` placeholders
 * bound in order from params (as produced by the query layer); NULL or ""
 * matches every message. `where` is trusted SQL from facteur's query
 * compiler, never user text; it must be one read-only expression, and the
 * number of placeholders must equal nparams (else -1, nothing read). `order`
 * is one of "date DESC" (the default when NULL), "date ASC", "internaldate
 * DESC", "internaldate ASC", "uid ASC", "uid DESC", "size DESC", "size ASC",
 * "subject ASC", "subject DESC", "from_text ASC", "from_text DESC"
 * (case-insensitive); anything else is refused. At most `limit` rows (0:
 * all). Calls fn for each row; the message and its strings are borrowed for
 * the call only (copy what must last). fn returning non-zero stops the walk,
 * and store_msg_select then returns 0; -1 means the store failed (a bad
 * condition, an error from a registered function). fn must not write to the
 * store through the same handle.
 */
struct store_param {
	enum { STORE_PARAM_TEXT, STORE_PARAM_INT } type;
	const char *text;
	int64_t i;
};
int store_msg_select(struct store *st, int64_t folder_id, const char *where,
    const struct store_param *params, size_t nparams, const char *order,
    size_t limit, int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err) FCT_WUR;

struct query;

/*
 * Runs a query of the query language on the folder's messages (folder_id
 * 0: every folder): compiled to SQL against this schema, with the query
 * layer's own text matcher registered as the SQL function it calls, so
 * that the cache and the in-memory matcher agree. q NULL matches every
 * message. Same order, limit and callback contract as store_msg_select.
 */
int store_msg_query(struct store *st, int64_t folder_id, const struct query *q,
    time_t now, const char *order, size_t limit,
    int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err) FCT_WUR;

/*
 * store_msg_query from the row numbered `offset` (0-based) of the whole
 * ordered result on: one screen of a long list without reading the rows
 * above it (SQLite still steps over them in the index, which is cheap).
 */
int store_msg_query_page(struct store *st, int64_t folder_id,
    const struct query *q, time_t now, const char *order, size_t offset,
    size_t limit, int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err) FCT_WUR;

/*
 * What threading needs of every message of a folder, and nothing else (no
 * header block, no text): one entry per message in *out (owned,
 * store_msg_links_free), in date order, oldest first.
 */
struct store_msg_link {
	uint32_t uid;
	int64_t date;
	char *message_id;  /* owned, may be NULL */
	char *in_reply_to; /* owned, may be NULL */
	char *references;  /* owned, may be NULL */
};
int store_msg_links(struct store *st, int64_t folder_id,
    struct store_msg_link **out, size_t *n, struct fct_error *err) FCT_WUR;
/*
 * The cache's own counts of a folder: messages, and those without \Seen
 * (what the cache holds, where store_folder's total and unseen are the
 * server's last STATUS).
 */
int store_folder_counts(struct store *st, int64_t folder_id, uint32_t *total,
    uint32_t *unseen, struct fct_error *err) FCT_WUR;

/* Frees the n entries and the array; sets *v to NULL; accepts NULL. */
void store_msg_links_free(struct store_msg_link **v, size_t n);

/*
 * The raw message, when fetched: returns 1 with *data (owned, free(); NUL
 * added after the len bytes for convenience) and *len, 0 when not fetched
 * (*data NULL, *len 0), -1. Marks the body most recently used; outside a
 * transaction that mark is best effort and never waits for a writer.
 */
int store_body_get(struct store *st, int64_t msg_id, char **data, size_t *len,
    struct fct_error *err) FCT_WUR;
/*
 * Keeps the raw message (data, borrowed) and its text (for the full-text
 * index; may be NULL) for the message whose rowid is msg_id, replacing an
 * earlier body; then evicts the least recently used other bodies until the
 * bodies take at most `budget` bytes (raw + text), 0 meaning no limit. The
 * body just stored is never evicted, even when it alone exceeds the budget.
 * An unknown msg_id is an error.
 */
int store_body_put(struct store *st, int64_t msg_id, const char *data,
    size_t len, const char *text, uint64_t budget,
    struct fct_error *err) FCT_WUR;

/*
 * The job queue: what the user asked for while the server was out of reach
 * (flag, move, copy, delete, append ...), replayed in order on reconnect,
 * each exactly once: a job is removed in the same transaction as the store
 * changes that record its success.
 */
struct store_job {
	int64_t id;    /* ascending: the replay order; never reused */
	char *kind;    /* owned; "flag", "move", ... */
	char *payload; /* owned; the job's arguments, opaque to the store */
	unsigned attempts;
	char *last_error; /* owned, may be NULL */
	int64_t created;  /* unix seconds */
};
#define STORE_JOB_INIT \
	{              \
		0      \
	}
/* Frees the strings and zeroes *j (ready for reuse). */
void store_job_release(struct store_job *j);

/*
 * Queues a job at the end of the line; its id in *id (may be NULL). Job
 * writes are flushed to disk at commit even though the rest of the cache
 * is not (doc/store.md): a queued job is the user's intent, which the
 * server cannot give back after a power loss.
 */
int store_job_add(struct store *st, const char *kind, const char *payload,
    int64_t *id, struct fct_error *err) FCT_WUR;
/*
 * The oldest job, in *j (released first, so it must be initialised; strings
 * owned by *j, store_job_release): 1 found, 0 none, -1 error.
 */
int store_job_next(struct store *st, struct store_job *j,
    struct fct_error *err) FCT_WUR;
/* How many jobs wait. */
int store_job_count(struct store *st, size_t *n, struct fct_error *err) FCT_WUR;
/* Removes the job; an unknown id is an error. */
int store_job_done(struct store *st, int64_t id, struct fct_error *err) FCT_WUR;
/* Counts an attempt and keeps the reason; the job stays first in line. */
int store_job_failed(struct store *st, int64_t id, const char *reason,
    struct fct_error *err) FCT_WUR;
/* Replaces the job's payload, durably (a note made before a command that
 * a replay must not repeat blindly; src/store/jobnote.c). */
int store_job_set_payload(struct store *st, int64_t id, const char *payload,
    struct fct_error *err) FCT_WUR;

/*
 * The rules engine's bookkeeping (src/store/rules.c, schema v3): new mail
 * the rules have yet to run on is "pending". A sync that fetches new INBOX
 * mail for the rules marks each message it adds (not one it already had)
 * in the same transaction as the message; the rules engine unmarks it in
 * the same transaction as the jobs its rules queued. Pending messages are
 * left out of store_msg_select and store_msg_query unless the handle shows
 * them (store_rules_show_pending), so no listing shows mail that is about
 * to be filed elsewhere; counts (store_msg_count) and store_msg_get still
 * see them.
 */

/* Whether the cache has message (folder_id, uid), in *known. */
int store_msg_known(struct store *st, int64_t folder_id, uint32_t uid,
    bool *known, struct fct_error *err) FCT_WUR;
/* Marks the message (its rowid) pending; marking twice is fine. */
int store_rules_pending_add(struct store *st, int64_t msg_id,
    struct fct_error *err) FCT_WUR;
/* Unmarks msg_ids[0..n); ids not marked (or gone) are fine. */
int store_rules_pending_done(struct store *st, const int64_t *msg_ids, size_t n,
    struct fct_error *err) FCT_WUR;
/* How many of the folder's messages (folder_id 0: all) are pending. */
int store_rules_pending_count(struct store *st, int64_t folder_id, size_t *n,
    struct fct_error *err) FCT_WUR;
/*
 * Walks the folder's pending messages in UID order, with the callback
 * contract of store_msg_select.
 */
int store_rules_pending_select(struct store *st, int64_t folder_id,
    int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err) FCT_WUR;
/*
 * store_msg_query for the rules engine: the folder's messages matching q,
 * pending ones included, in UID order. Planned for the queries rules are
 * made of: the folder is not used to drive the search, so that a rare
 * text term drives it through the trigram index (a few row lookups rather
 * than a walk of the whole folder); a query with no such term reads the
 * whole messages table. Same callback contract as store_msg_select.
 */
int store_rules_query(struct store *st, int64_t folder_id,
    const struct query *q, time_t now,
    int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err) FCT_WUR;
/*
 * The searchable text of a fetched body (what `body:` terms match, in
 * SQL and in memory): 1 with *text (owned, free(); NULL when the body has
 * no text part), 0 when the body is not fetched (*text NULL), -1. Does not
 * mark the body used.
 */
int store_rules_body_text(struct store *st, int64_t msg_id, char **text,
    struct fct_error *err) FCT_WUR;
/*
 * Whether this handle's listings include pending messages (false when
 * opened): the rules engine itself looks at them. Returns the old value.
 */
bool store_rules_show_pending(struct store *st, bool show);

/*
 * Address completion (src/store/address.c): calls fn with the From, To and
 * Cc texts (each borrowed for the call) of the newest `limit` messages (0:
 * all) in which one of them contains `needle` (case-insensitive for
 * ASCII); fn returning non-zero stops, and the walk then returns 0. fn must
 * not write through the same handle.
 */
int store_address_texts(struct store *st, const char *needle, size_t limit,
    int (*fn)(const char *text, void *arg), void *arg,
    struct fct_error *err) FCT_WUR;

/*
 * The outbox (src/store/outbox.c): messages the user sent or postponed,
 * kept until the server has them. Every write here is flushed to disk at
 * commit, like the job queue: a message in the outbox is the user's words,
 * which nothing can give back after a crash. See schema.c for the states.
 */
struct store_outbox {
	int64_t id;       /* ascending, never reused */
	char *state;      /* "queued", "sending", "sent" or "draft" */
	int claim;        /* sending: the pid of the process at it */
	char *identity;   /* [identity] name, NULL: the account's address */
	char *mail_from;  /* envelope sender */
	char *rcpts;      /* envelope recipients, one addr-spec a line */
	char *message_id; /* without brackets, may be NULL */
	char *subject;    /* decoded, may be NULL */
	char *message;    /* the bytes submitted (NUL added after len) */
	size_t len;
	char *copy_folder; /* where the copy goes; NULL: decided later */
	int64_t created;   /* unix seconds */
	unsigned attempts; /* failed submissions */
	char *last_error;  /* why the last one failed, or what was refused */
	int64_t sent;      /* unix seconds of submission, 0 before */
};
#define STORE_OUTBOX_INIT \
	{                 \
		0         \
	}
/* Frees the strings and zeroes *m (ready for reuse). */
void store_outbox_release(struct store_outbox *m);

/*
 * Adds m (state, mail_from, rcpts and message required; attempts, sent
 * and last_error ignored) and sets m->id and m->created. Durable at
 * commit, in the caller's transaction or its own.
 */
int store_outbox_add(struct store *st, struct store_outbox *m,
    struct fct_error *err) FCT_WUR;
/* Fills *m (released first) for id: 1 found, 0 absent, -1. */
int store_outbox_get(struct store *st, int64_t id, struct store_outbox *m,
    struct fct_error *err) FCT_WUR;
/*
 * The ids in state `state` (NULL: every one), ascending, in *ids (owned,
 * free(); NULL when none).
 */
int store_outbox_ids(struct store *st, const char *state, int64_t **ids,
    size_t *n, struct fct_error *err) FCT_WUR;
/*
 * Claims the message for submission by process pid: state 'sending',
 * only when it is still in the state and claim read (state "queued" and
 * claim 0, or "sending" by a process that died). Returns 1 claimed, 0
 * someone else changed it first, -1.
 */
int store_outbox_claim(struct store *st, int64_t id, const char *state,
    int claim, int pid, struct fct_error *err) FCT_WUR;
/* A failed submission: counts it, keeps reason; the message is queued
 * again (claim released). */
int store_outbox_failed(struct store *st, int64_t id, const char *reason,
    struct fct_error *err) FCT_WUR;
/* Submitted: state 'sent', the time, and note (refused recipients, may be
 * NULL) as last_error. */
int store_outbox_sent(struct store *st, int64_t id, const char *note,
    struct fct_error *err) FCT_WUR;
/*
 * Sent messages and drafts whose copy has no "append" job left (the job
 * was refused and dropped), ascending, in *ids (owned, free(); NULL when
 * none): what a retry must queue again.
 */
int store_outbox_orphans(struct store *st, int64_t **ids, size_t *n,
    struct fct_error *err) FCT_WUR;
/* Removes the message; an unknown id is an error. */
int store_outbox_delete(struct store *st, int64_t id,
    struct fct_error *err) FCT_WUR;

#endif
