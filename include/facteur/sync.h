/*
 * sync: keeps an account's local store in step with its server. Today the
 * synchronous core of it: the folder list, and one folder brought up to
 * date with QRESYNC, CONDSTORE or the classic way. The account worker
 * threads (one per account, typed messages on queues) are built on these.
 *
 * Every call blocks on the network: account workers and the command-line
 * layer only.
 */
#ifndef FACTEUR_SYNC_SYNC_H
#define FACTEUR_SYNC_SYNC_H

#include <stdint.h>

#include "facteur/core.h"
#include "facteur/core_config.h"
#include "facteur/imap.h"
#include "facteur/rules.h"
#include "facteur/store.h"

/* The cache file of an account: CACHE_DIR/NAME.sqlite. Owned. */
char *sync_store_path(const struct config *cfg,
    const struct config_account *acct);

/*
 * Connects, verifies, fetches the secret and logs in. *out is owned
 * (imap_session_close).
 */
int sync_connect(const struct config_account *acct, struct imap_session **out,
    struct fct_error *err) FCT_WUR;

/* Brings the store's folder list in step with LIST (folders gone from the
 * server are dropped with their messages). */
int sync_folder_list(struct imap_session *s, struct store *st,
    struct fct_error *err) FCT_WUR;

struct sync_stats {
	enum imap_sync_mode mode; /* the path taken */
	bool cold;                /* fetched from scratch */
	bool reset;               /* UIDVALIDITY changed: cache dropped */
	unsigned added;           /* messages fetched */
	unsigned changed;         /* flag updates applied */
	unsigned expunged;        /* messages removed */
	uint32_t total;           /* messages in the folder afterwards */
};

/* Called after each batch; done and total count messages. */
typedef void (*sync_progress_fn)(void *arg, const char *folder, uint32_t done,
    uint32_t total);

/*
 * Synchronises the folder called `name` (UTF-8, as in the store's folder
 * list). `want` caps the method; the server's extensions decide the rest.
 * Unless flags has SYNC_F_SELECT, a folder STATUS shows unchanged is not
 * selected at all.
 * A cold folder is fetched newest first in bounded batches, each its own
 * transaction, so the first screen is in the store at once; the folder's
 * sync state is committed last, with the rows it vouches for.
 */
enum sync_flags {
	/* Leave the folder selected (to IDLE on it next), even when STATUS
	 * shows nothing to do. */
	SYNC_F_SELECT = 1 << 0,
	/* Mark the messages this sync adds for the rules
	 * (store_rules_pending_add, in the same transaction as each
	 * message), unless the folder is filled from scratch: a first sync
	 * is not new mail. sync_rules_apply(SYNC_RULES_PENDING) runs them. */
	SYNC_F_RULES = 1 << 1,
};

int sync_folder(struct imap_session *s, struct store *st, const char *name,
    enum imap_sync_mode want, unsigned flags, sync_progress_fn progress,
    void *arg, struct sync_stats *stats, struct fct_error *err) FCT_WUR;

/* Asked (with sync_folder's arg) after each committed batch of a long
 * sync; true hands the session back at once. */
typedef bool (*sync_yield_fn)(void *arg);

/*
 * sync_folder that may stop early: after each batch of new headers but
 * the last (a cold folder, much new mail), yield (may be NULL) is asked,
 * and when it
 * says so the sync returns 1 with what it fetched committed but the
 * folder's sync state left as it was, so that the next sync of the folder
 * carries on where this one stopped (the rows are not fetched again).
 * stats->total then counts the rows cached so far. The session still has
 * the folder selected. Every call fetches at least one batch, so a sync
 * asked to yield again and again still ends. Returns 0 when done, -1 with
 * err on failure.
 */
int sync_folder_yielding(struct imap_session *s, struct store *st,
    const char *name, enum imap_sync_mode want, unsigned flags,
    sync_progress_fn progress, sync_yield_fn yield, void *arg,
    struct sync_stats *stats, struct fct_error *err) FCT_WUR;

/*
 * Jobs. The caller describes a change with a sync_job_spec, turns it into
 * a payload with sync_job_make, queues it with store_job_add(kind,
 * payload), then runs the queue with sync_jobs_run (now, or on the next
 * connection when offline).
 */
struct sync_job_spec {
	const char *folder;   /* UTF-8 name in the store */
	const uint32_t *uids; /* the messages, any order */
	size_t nuids;
	const char *dest;     /* move, copy: the destination folder */
	char op;              /* flag: '+' or '-'; else '\0' */
	unsigned flags;       /* flag: enum fct_flags */
	const char *keywords; /* flag: " kw1 kw2 " or NULL */
};

/* Appends the job's payload to sb; refuses line breaks in names. */
int sync_job_make(struct strbuf *payload, const struct sync_job_spec *j,
    struct fct_error *err) FCT_WUR;

/*
 * Folder jobs (src/sync/folderjob.c): the job kind for "create", "rename",
 * "delete", "subscribe" or "unsubscribe" (static; NULL for another word),
 * and its payload: the folder and, for a rename, the new name (UTF-8).
 */
const char *sync_folder_job_kind(const char *verb);
int sync_folder_job_make(struct strbuf *payload, const char *name,
    const char *new_name, struct fct_error *err) FCT_WUR;

/* "seen", "flagged", ... as enum fct_flags; 0 for anything else. */
unsigned sync_flag_from_word(const char *word);

/* Runs one queued job against the server. cu (may be NULL) receives the
 * new UIDs of a copy or move when the server reports them. */
int sync_job_run(struct imap_session *s, struct store *st,
    const struct store_job *job, struct imap_copyuid *cu,
    struct fct_error *err) FCT_WUR;

/* Told about each job that left the queue; reason is NULL on success. */
typedef void (*sync_job_fn)(void *arg, const struct store_job *job,
    const char *reason, const struct imap_copyuid *cu);

/*
 * Runs every queued job in order. A job the server refuses leaves the
 * queue (fn hears why); a broken connection stops the run with the job
 * still first in line, and -1.
 */
int sync_jobs_run(struct imap_session *s, struct store *st, sync_job_fn fn,
    void *arg, struct fct_error *err) FCT_WUR;

/* What fetched bodies may take in the cache, raw and text together. */
#define SYNC_BODY_BUDGET ((uint64_t)512 * 1024 * 1024)

/*
 * Fetches the whole messages uids[0..n) of the folder `name` (UTF-8),
 * without marking them seen, and keeps them with their searchable text in
 * the cache within `budget` bytes. *fetched counts the bodies stored.
 */
int sync_fetch_bodies(struct imap_session *s, struct store *st,
    const char *name, const uint32_t *uids, size_t n, uint64_t budget,
    unsigned *fetched, struct fct_error *err) FCT_WUR;

/*
 * Puts the messages uids[0..n) of the folder `name` (UTF-8), which the
 * session has selected, in the cache: headers and flags, in committed
 * batches, as a sync would (a row fetched twice is the same row). The
 * folder's sync state is untouched. For messages a server search found
 * that the cache lacks; the caller leaves out UIDs at or above the
 * folder's UIDNEXT (new mail is the next sync's, for the rules).
 * *fetched counts the rows written.
 */
int sync_fetch_headers(struct imap_session *s, struct store *st,
    const char *name, const uint32_t *uids, size_t n, unsigned *fetched,
    struct fct_error *err) FCT_WUR;

/* The config's sync mode as the IMAP layer's cap. */
enum imap_sync_mode sync_mode_from_config(enum config_sync_mode m);

/*
 * Account workers (src/sync/worker.c): one thread per account that owns
 * the account's IMAP session and a store handle of its own, and talks to
 * the rest of the program only through two queues of typed messages
 * (include/facteur/core_queue.h). Requests go in through the worker's own
 * queue (sync_worker_post); events come out on a queue the caller owns,
 * which several workers may share.
 *
 * What a worker does: connect (verified TLS, then the secret, then login),
 * refresh the folder list, replay the store's job queue, sync every folder
 * (the watched one, INBOX unless a folder was opened, first), then wait for
 * news: IDLE on the watched folder, or NOOP every poll_interval_s when the
 * server has no IDLE, with STATUS of every folder every status_interval_s
 * (the counts go to the store; a folder whose counts moved is synced).
 * After any stream or parse error or time-out the session is dropped, an
 * offline event says why, and the worker retries after an exponential
 * back-off (backoff_min_ms doubling to backoff_max_ms, with jitter, reset
 * by a successful login), resuming what it was doing: a sync pass goes on
 * from the folder it was in; a job that was cut off stays first in line.
 *
 * Threads: sync_worker_start, sync_worker_post, sync_worker_stop and
 * sync_worker_free may be called from any thread (free by the owner only,
 * once). The configuration is shared read-only and must outlive the
 * worker, as must the events queue.
 */
struct fct_queue;
struct sync_worker;

/* What the owner asks; fct_msg types on the worker's queue. */
enum sync_request {
	SYNC_REQ_SYNC_ALL = 1, /* sync every folder again */
	SYNC_REQ_SYNC_FOLDER,  /* sync this folder now */
	SYNC_REQ_OPEN_FOLDER,  /* sync it, then watch it instead of INBOX */
	SYNC_REQ_RUN_JOBS,     /* replay the store's job queue now */
	SYNC_REQ_STOP,         /* sent by sync_worker_stop */
	SYNC_REQ_FETCH_BODY,   /* sent by sync_worker_fetch */
	SYNC_REQ_ADD_JOB,      /* a job handed over is in the store: run the
				  queue (sent by the worker's job writer) */
	SYNC_REQ_SEARCH,       /* sent by sync_worker_search */
};

/* What a worker reports; fct_msg types on the events queue, each with a
 * struct sync_event payload. */
enum sync_event_type {
	SYNC_EV_STATE = 1,      /* the account's state changed */
	SYNC_EV_FOLDER_CHANGED, /* a folder's messages or counts changed */
	SYNC_EV_NEW_MAIL,       /* messages arrived in a known folder */
	SYNC_EV_FOLDER_FAILED,  /* one folder could not be synced */
	SYNC_EV_JOB_DONE,       /* a queued job succeeded */
	SYNC_EV_JOB_FAILED,     /* the server refused a queued job */
	SYNC_EV_BODY_FETCHED,   /* a body asked for is in the store (or
				   reason says why not) */
	SYNC_EV_RULES_APPLIED,  /* folder, count: new mail the rules changed */
	SYNC_EV_RULES_PROBLEM,  /* reason: a rule skipped (file error, or
				   it cannot work on folder) */
	SYNC_EV_SEARCH_DONE,    /* a server search's answer (or reason) */
};

enum sync_state {
	SYNC_STATE_CONNECTING = 0,
	SYNC_STATE_ONLINE,   /* logged in */
	SYNC_STATE_SYNCING,  /* folder, done of total messages */
	SYNC_STATE_IDLE,     /* up to date, watching folder (push or poll) */
	SYNC_STATE_OFFLINE,  /* reason: no usable connection (unreachable,
				lost, timed out, TLS or certificate refused) */
	SYNC_STATE_ERROR,    /* reason: refused otherwise (the secret, the
				login, the cache, IDLE) */
	SYNC_STATE_RETRYING, /* the next attempt comes in retry_ms */
	SYNC_STATE_STOPPED,  /* the worker ended: its last event */
};

/* "connecting", "online", "syncing", "idle", "offline", "error",
 * "retrying", "stopped"; static. */
const char *sync_state_name(enum sync_state state);

/*
 * An event. Which fields are set depends on the type (and for
 * SYNC_EV_STATE on the state); strings not set are NULL.
 */
struct sync_event {
	char *account;         /* owned; always set */
	enum sync_state state; /* SYNC_EV_STATE */
	char *folder;          /* owned; SYNCING, IDLE, FOLDER_*, NEW_MAIL */
	char *reason; /* owned; OFFLINE, ERROR, FOLDER_FAILED, JOB_FAILED;
			 JOB_DONE of kind "send": refused recipients */
	uint32_t done, total; /* SYNCING: messages fetched of those to fetch */
	unsigned count;       /* NEW_MAIL: how many arrived (and stayed, once
				 the rules ran); RULES_APPLIED: how many
				 changed */
	unsigned retry_ms;    /* RETRYING */
	bool push;            /* IDLE: true for IDLE, false for NOOP polling */
	int64_t job_id;       /* JOB_* */
	char *job_kind;       /* owned; JOB_* */
	/* JOB_DONE of a copy or move: the server's COPYUID (RFC 4315),
	 * source UID src[i] became dst[i] in the destination; NULL and 0
	 * when the server said nothing. Owned. */
	uint32_t *src, *dst;
	size_t nuids;
	uint32_t dst_uidvalidity;
	/* JOB_*: the ticket of the sync_worker_add_job that queued it, 0 for
	 * a job queued otherwise. */
	uint64_t ticket;
	/* SEARCH_DONE: src[0..nuids) the UIDs in folder the server matched
	 * (ascending, all in the cache unless gone meanwhile), count the
	 * rows the cache lacked and got, ticket the request's, exact false
	 * when the answer is a superset to narrow with the query (see
	 * query_to_imap). */
	bool exact;
	uint32_t uid; /* BODY_FETCHED: the message, in folder */
	/* FOLDER_CHANGED after a sync: the cache's own counts of the folder
	 * (messages in total, unseen in unseen) when counts is true. */
	bool counts;
	uint32_t unseen;
};

/* Frees an event (a fct_msg payload free function); accepts NULL. */
void sync_event_free(void *ev);

struct sync_worker_options {
	unsigned idle_restart_s;    /* a new IDLE at least this often */
	unsigned poll_interval_s;   /* NOOP period without IDLE */
	unsigned status_interval_s; /* STATUS period for the counts */
	unsigned backoff_min_ms;    /* first retry delay */
	unsigned backoff_max_ms;    /* longest retry delay */
	unsigned stop_grace_ms;     /* how long a stop waits for a polite
				       LOGOUT before cancelling the stream */
};

/* RFC 2177 asks for a new IDLE within 29 minutes. */
#define SYNC_WORKER_OPTIONS_INIT                               \
	{                                                      \
		25 * 60, 60, 5 * 60, 1000, 5 * 60 * 1000, 1000 \
	}

/*
 * Starts the worker of `acct` (an account of cfg: IMAP, or POP3, whose
 * worker downloads into the local INBOX every poll_interval_s or when
 * asked, include/facteur/sync_pop.h), posting events to
 * `events`. opt may be NULL for the defaults. *out is owned
 * (sync_worker_free). Fails only when a queue or thread cannot be made;
 * everything about the server is reported through events.
 */
int sync_worker_start(const struct config *cfg,
    const struct config_account *acct, const struct sync_worker_options *opt,
    struct fct_queue *events, struct sync_worker **out,
    struct fct_error *err) FCT_WUR;

/*
 * Asks the worker for something. folder (copied) names a folder of the
 * store for SYNC_REQ_SYNC_FOLDER and SYNC_REQ_OPEN_FOLDER, and is NULL
 * otherwise. Never blocks.
 */
void sync_worker_post(struct sync_worker *w, enum sync_request req,
    const char *folder);

/*
 * Asks the worker to fetch the body of message uid of folder (copied)
 * into the store, before any sync still owed; SYNC_EV_BODY_FETCHED tells
 * when it is there. Never blocks.
 */
void sync_worker_fetch(struct sync_worker *w, const char *folder, uint32_t uid);

/*
 * Hands a job (kind and payload as for store_job_add; both copied) to the
 * worker's job writer, a thread with a store connection of its own that
 * writes it to the store's queue at once (crash-safe after one store-only
 * commit of the worker at worst, never a network batch), then asks the
 * worker to run the queue. The caller never writes to the store, so it
 * never waits for it. ticket (non-zero, the caller's choice) comes back in
 * the JOB_DONE or JOB_FAILED event of that job (JOB_FAILED with job_id 0
 * when the store refused it). Never blocks.
 */
void sync_worker_add_job(struct sync_worker *w, const char *kind,
    const char *payload, uint64_t ticket);

/*
 * Asks the server which messages of folder (UTF-8, copied) match query
 * (the query language, copied): the worker compiles it (query_to_imap),
 * selects the folder, searches, fetches the headers of the matches the
 * cache lacks, and answers with SYNC_EV_SEARCH_DONE carrying ticket.
 * Taken between two batches of a sync, like a job. Never blocks.
 */
void sync_worker_search(struct sync_worker *w, const char *folder,
    const char *query, uint64_t ticket);

/* Asks the worker to end; never blocks. Its last event is STOPPED. */
void sync_worker_stop(struct sync_worker *w);

/*
 * Stops the worker when that was not asked yet, gives it stop_grace_ms to
 * end politely, then cancels its connection, joins the thread and frees;
 * accepts NULL; sets *wp to NULL. Returns within the grace period plus the
 * time a blocked connect, TLS handshake or password command takes to give
 * up (NEEDSWORK: these cannot be cancelled yet).
 */
void sync_worker_free(struct sync_worker **wp);

/* The account's name; borrowed from the configuration. */
const char *sync_worker_account(const struct sync_worker *w);

/*
 * The back-off before retry number `attempt` (0 for the first): min_ms
 * doubled attempt times, capped at max_ms, then "equal jitter": half of it
 * fixed and half drawn from rnd, so that accounts that failed together
 * spread out. Pure; for the worker and its tests.
 */
unsigned sync_backoff_ms(unsigned attempt, unsigned min_ms, unsigned max_ms,
    uint32_t rnd);

/*
 * Rules (src/sync/rules.c): carries out the rules file on a folder of the
 * cache, without the network: what the rules do becomes jobs in the
 * store's queue, which the caller then runs (sync_jobs_run, or
 * SYNC_REQ_RUN_JOBS to the account's worker from the UI).
 *
 * Which messages: with SYNC_RULES_PENDING, the folder's new mail that the
 * rules have not run on (marked by SYNC_F_RULES); else uids[0..nuids) of
 * the folder (UIDs the cache no longer has are passed over), or with uids
 * NULL the whole folder. The rules in scope for (account, folder) run in
 * the file's order (rules.h). A rule that cannot work here (a destination
 * unknown or read-only, the folder read-only for what it does, no Trash
 * or Junk) is left out, told to cb->problem, and the others run.
 *
 * On a local folder (a POP3 account's) the changes are made in the cache
 * at once instead of being queued (sync_local_apply; copy is refused there,
 * destinations are created), in the same transaction.
 *
 * Exactly once: evaluation, jobs and the record that the pending messages
 * evaluated are done are one write transaction; a crash leaves either all
 * of it or none. With SYNC_RULES_DRY_RUN nothing is written at all.
 *
 * cb (may be NULL) hears of each message some rule applied to, after the
 * commit. Returns 0, or -1 with err (the cache failed, or no such folder),
 * in which case nothing was queued. Blocks only on the cache; any thread
 * that owns st (the UI thread may call it with its own handle).
 */
enum sync_rules_flags {
	SYNC_RULES_DRY_RUN = 1 << 0,
	SYNC_RULES_PENDING = 1 << 1,
};

struct sync_rules_result {
	uint32_t uid;
	const char *from, *subject;    /* borrowed, may be NULL */
	const struct rules_plan *plan; /* borrowed */
	const char *dest;              /* the folder it goes to (Trash and Junk
					  resolved), or NULL: it stays */
};

struct sync_rules_callbacks {
	void (*message)(void *arg, const struct sync_rules_result *r);
	/* a: the action at fault (for its line and column), or NULL. */
	void (*problem)(void *arg, const struct rule *r,
	    const struct rule_action *a, const char *msg);
	void *arg;
};

struct sync_rules_stats {
	unsigned examined;      /* messages looked at (bulk: matched) */
	unsigned matched;       /* messages some rule applied to */
	unsigned jobs;          /* jobs queued */
	unsigned skipped_rules; /* rules left out (problems) */
	unsigned moved;         /* messages sent to another folder */
};

int sync_rules_apply(struct store *st, const char *account,
    const struct rules *rs, const char *folder, const uint32_t *uids,
    size_t nuids, unsigned flags, time_t now,
    const struct sync_rules_callbacks *cb, struct sync_rules_stats *stats,
    struct fct_error *err) FCT_WUR;

/* A pending message larger than this is not fetched for the rules. */
#define SYNC_RULES_BODY_MAX ((uint64_t)1024 * 1024)

/*
 * Before sync_rules_apply(SYNC_RULES_PENDING) on a server's folder: when
 * some rule in scope for (account, folder) looks at bodies (`body:`, or a
 * free word, which also searches bodies), fetches the bodies of the
 * folder's pending messages that the cache lacks, each of at most
 * SYNC_RULES_BODY_MAX bytes, within budget (sync_fetch_bodies). Mail left
 * without a body (too large, or gone from the server) has none for the
 * rules: `body:` is false there. *fetched counts the bodies stored.
 * Selects the folder. Blocks on the network: workers and the command line.
 */
int sync_rules_fetch_bodies(struct imap_session *s, struct store *st,
    const char *account, const struct rules *rs, const char *folder,
    uint64_t budget, unsigned *fetched, struct fct_error *err) FCT_WUR;

/*
 * Sending (src/sync/send.c): who a message goes out as, the outbox, SMTP
 * submission, and the copy in Sent queued as an "append" job (run by
 * sync_jobs_run like the others). Network calls block: account workers
 * and the command-line layer only; the rest only touches the store.
 */
struct fct_aliases;
struct mime_envelope;
struct smtp_send_result;

/* Who a message is sent as. Borrowed from the configuration. */
struct sync_sender {
	const struct config_account *acct;
	const struct config_identity *identity; /* NULL: the account's own */
};

/*
 * The sender called `name`: an [identity] name, else an account name;
 * NULL means the first account.
 */
int sync_sender_find(const struct config *cfg, const char *name,
    struct sync_sender *out, struct fct_error *err) FCT_WUR;
/* The sender's address; borrowed from the configuration. */
const char *sync_sender_email(const struct sync_sender *who);
/* "\"Name\" <address>" (or the bare address); owned. */
char *sync_sender_from(const struct sync_sender *who);
/*
 * The user's own addresses on acct: [0] the account's, then each of its
 * identities in the file's order, in *out (the array owned, free(); the
 * strings borrowed). Returns how many.
 */
size_t sync_own_addresses(const struct config *cfg,
    const struct config_account *acct, const char ***out);
/* The sender for index idx of sync_own_addresses (0 or -1: the account). */
void sync_sender_by_index(const struct config *cfg,
    const struct config_account *acct, int idx, struct sync_sender *out);

/*
 * Prepares a complete message (raw, len bytes) for who (mime_prepare: its
 * From by default, aliases expanded, Bcc removed, 7-bit) and writes it to
 * the outbox of st, flushed to disk, as 'queued'. Nothing goes to the
 * network. *id (may be NULL) receives its outbox id, *env (may be NULL,
 * released first) its envelope.
 */
int sync_send_queue(struct store *st, const struct sync_sender *who,
    const struct fct_aliases *aliases, const char *raw, size_t len, int64_t *id,
    struct mime_envelope *env, struct fct_error *err) FCT_WUR;

/*
 * Submits queued outbox message id through acct's SMTP server. On success
 * (at least one recipient took it; *res says who refused) the message
 * becomes 'sent' and its append job is queued, in one transaction. On
 * failure it stays queued with the reason and one more attempt counted.
 */
int sync_send_submit(const struct config *cfg,
    const struct config_account *acct, struct store *st, int64_t id,
    struct smtp_send_result *res, struct fct_error *err) FCT_WUR;

/*
 * "refused: ADDR (REPLY); ..." for the recipients a send could not reach
 * while others got the message; NULL when none was refused. Owned.
 */
char *sync_refused_note(const struct smtp_send_result *res);

/* Told about each message sync_outbox_flush tried; reason NULL: sent. */
typedef void (*sync_sent_fn)(void *arg, const struct store_outbox *m,
    const char *reason, const struct smtp_send_result *res);

/*
 * Submits every queued message of the outbox, oldest first, on one SMTP
 * connection. Returns -1 when the server cannot be reached (every message
 * keeps that reason) or the store fails; a message refused alone is
 * reported through fn and the others still go.
 */
int sync_outbox_flush(const struct config *cfg,
    const struct config_account *acct, struct store *st, sync_sent_fn fn,
    void *arg, struct fct_error *err) FCT_WUR;

/*
 * Queues again the copy of every sent message or draft whose append job
 * was refused and dropped (a Sent folder that did not exist, a shared
 * mailbox without rights), so that a retry files it once the cause is
 * fixed. *queued counts them.
 */
int sync_outbox_requeue(const struct config *cfg,
    const struct config_account *acct, struct store *st, size_t *queued,
    struct fct_error *err) FCT_WUR;

/*
 * Postpones a draft (a message from mime_build, Bcc kept): into the
 * outbox as 'draft' and an append job to acct's Drafts (\Draft \Seen) in
 * one transaction; replace (0: none) is the UID in Drafts of the version
 * it replaces, removed only once the new one is there.
 */
int sync_postpone(const struct config *cfg, const struct config_account *acct,
    struct store *st, const struct sync_sender *who, const char *raw,
    size_t len, uint32_t replace, int64_t *id, struct fct_error *err) FCT_WUR;

/*
 * Composing (src/sync/compose.c), shared by `facteur compose` and the TUI:
 * no network, no terminal. The caller shows the draft in the editor
 * (mime_draft_format, fct_edit_file, mime_draft_parse), asks what to do,
 * then sends (sync_send_queue) or postpones (sync_postpone).
 */
struct mime_draft;

enum sync_compose_kind {
	SYNC_COMPOSE_NEW,
	SYNC_COMPOSE_REPLY,
	SYNC_COMPOSE_REPLY_ALL,      /* without the user's own addresses */
	SYNC_COMPOSE_FORWARD,        /* inline */
	SYNC_COMPOSE_FORWARD_ATTACH, /* as message/rfc822 */
	SYNC_COMPOSE_RESUME,         /* a postponed draft */
};

/*
 * The draft to edit (*d released first) from the original raw message
 * (len bytes; unused for NEW), with From set to the sender: for a reply or
 * forward, the identity of acct the original was addressed to, else the
 * account's own address; for a resumed draft, the sender its From names.
 * *who receives that sender.
 */
int sync_compose_start(const struct config *cfg,
    const struct config_account *acct, enum sync_compose_kind kind,
    const char *raw, size_t len, struct mime_draft *d, struct sync_sender *who,
    struct fct_error *err) FCT_WUR;

/*
 * The sender a From line names: the account or the identity of acct whose
 * address it holds; any other address keeps *who as it is (the server
 * decides whether it may be used). Fails on an unreadable address.
 */
int sync_compose_sender(const struct config *cfg,
    const struct config_account *acct, const char *from,
    struct sync_sender *who, struct fct_error *err) FCT_WUR;

/* Reads every attachment that has a path and no data yet. */
int sync_compose_load_attachments(struct mime_draft *d,
    struct fct_error *err) FCT_WUR;

/*
 * Completion of an address being typed: first the alias keys starting
 * with prefix (fn gets the key and its members), then the addresses of
 * the cache's newest messages whose address or a word of whose name
 * starts with it (fn gets "Name <addr>" and the addr), each once, at most
 * max in all. st and aliases may be NULL. fn returning non-zero stops.
 * Reads the store only: the UI thread may call it.
 */
int sync_address_complete(struct store *st, const struct fct_aliases *aliases,
    const char *prefix, size_t max,
    int (*fn)(const char *text, const char *detail, void *arg), void *arg,
    struct fct_error *err) FCT_WUR;

/*
 * After editing: the sender From names (*who updated; From set from *who
 * when empty), alias keys in To, Cc and Bcc expanded (aliases may be
 * NULL), attachments read, the message built (mime_build, Bcc kept) and
 * appended to msg.
 */
int sync_compose_finish(const struct config *cfg,
    const struct config_account *acct, const struct fct_aliases *aliases,
    struct mime_draft *d, struct sync_sender *who, struct strbuf *msg,
    struct fct_error *err) FCT_WUR;

/*
 * "Make a rule from this message": appends to out a rule (rules_draft)
 * for message uid of folder, filing such mail (same list, else same
 * sender) where the user filed the latest one like it: the newest cached
 * message matching the draft's condition that sits in a folder other than
 * this one, INBOX, Trash, Junk, Sent and Drafts. rs (may be NULL) keeps the
 * name unique. Returns -1 with err when the message is not cached or has
 * neither a list nor a sender. Cache only; the UI thread may call it.
 */
int sync_rules_draft(struct store *st, const struct rules *rs,
    const char *folder, uint32_t uid, time_t now, struct strbuf *out,
    struct fct_error *err) FCT_WUR;

#endif
