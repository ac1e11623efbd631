/*
 * sync, for POP3 accounts: the maildrop downloaded into the account's
 * local INBOX (src/sync/pop.c). A POP3 account has no server folders: its
 * cache holds local folders only (include/facteur/store_pop.h), and the
 * server is a queue that facteur empties (or not) by the account's
 * pop_delete policy.
 *
 * Every call blocks on the network: account workers and the command-line
 * layer only.
 */
#ifndef FACTEUR_SYNC_SYNC_POP_H
#define FACTEUR_SYNC_SYNC_POP_H

#include <stdint.h>
#include <time.h>

#include "facteur/core.h"
#include "facteur/core_config.h"
#include "facteur/pop.h"
#include "facteur/store.h"
#include "facteur/sync.h"

/* Where a POP3 account's mail lands. */
#define SYNC_POP_FOLDER "INBOX"

/* No single message may take more than this in memory and in the cache. */
#define SYNC_POP_MAX_MESSAGE ((uint64_t)256 * 1024 * 1024)

/*
 * Connects, verifies, fetches the secret and logs in. *out is owned
 * (pop_session_close).
 */
int sync_pop_connect(const struct config_account *acct,
    struct pop_session **out, struct fct_error *err) FCT_WUR;

/*
 * The hook for new mail (the rules engine's): called once per downloaded
 * message, inside the transaction that stores it, after the message, its
 * body and its unique id are written and before the commit. Whatever the
 * hook writes through st (flags, a move to another local folder, its own
 * progress record) commits or rolls back together with the message, so a
 * crash can neither apply it twice nor skip it, and no reader ever sees
 * the message before the hook ran. m is the stored row (m->id, m->uid
 * set; borrowed for the call), raw the whole message. Returns 0, or -1
 * with err filled: the message is then not stored (it stays on the
 * server, and the next sync tries again) and the sync stops.
 */
typedef int (*sync_pop_new_fn)(void *arg, struct store *st,
    const struct store_folder *folder, const struct store_msg *m,
    const char *raw, size_t len, struct fct_error *err);

struct sync_pop_stats {
	unsigned listed;  /* messages in the maildrop */
	unsigned added;   /* downloaded and stored */
	unsigned deleted; /* deleted from the server (QUIT answered +OK) */
	unsigned skipped; /* larger than SYNC_POP_MAX_MESSAGE: left there */
	unsigned pruned;  /* unique ids forgotten: gone from the server */
	uint32_t total;   /* messages in the local INBOX afterwards */
	bool cold;        /* the INBOX had never received a message: a first
			     fill, not news */
};

struct sync_pop_opts {
	time_t now;                /* for the pop_delete policy's clock */
	sync_progress_fn progress; /* may be NULL */
	void *progress_arg;
	sync_pop_new_fn on_new; /* may be NULL */
	void *on_new_arg;
};

/*
 * One POP3 session's work, on a logged-in session: LIST and UIDL; each
 * message whose unique id the cache does not know is downloaded (RETR,
 * pipelined when the server allows) and stored in its own transaction
 * (header summary, the whole message, its unique id); the unique ids the
 * server no longer has are forgotten; then, when acct->pop_delete says
 * so, the messages due are deleted: the cache is flushed to disk first,
 * then DELE, then QUIT, which is the server's commit. The session is over
 * when this returns (closed after DELE and QUIT, or still open with nothing
 * marked): free it with pop_session_close, which says QUIT when no DELE was
 * sent. A server without UIDL is refused: without unique ids nothing tells a
 * new message from one already downloaded.
 */
int sync_pop(struct pop_session *s, const struct config_account *acct,
    struct store *st, const struct sync_pop_opts *opts,
    struct sync_pop_stats *stats, struct fct_error *err) FCT_WUR;

/*
 * A job on a local folder (kind "flag", "delete" or "move", described by
 * j as for the server's jobs), applied to the cache at once in one
 * transaction: no server holds these messages, so nothing is queued.
 * delete removes the messages for good; move creates the destination as a
 * local folder when it is missing, and gives the old and new UIDs in cu
 * (may be NULL). copy and folders that are not local are refused. *done
 * counts the messages changed (UIDs not in the folder are skipped).
 */
int sync_local_job(struct store *st, const char *kind,
    const struct sync_job_spec *j, struct imap_copyuid *cu, unsigned *done,
    struct fct_error *err) FCT_WUR;

/*
 * sync_local_job's work inside the caller's transaction (no begin, commit
 * nor recount: the caller's), for the rules engine, which applies its
 * plans to local folders in the transaction that records them.
 * dest_role (may be NULL) is given to a destination created here.
 */
int sync_local_apply(struct store *st, const char *kind,
    const struct sync_job_spec *j, const char *dest_role,
    struct imap_copyuid *cu, unsigned *done, struct fct_error *err) FCT_WUR;

/*
 * A job handed to a POP3 account's worker (sync_worker_add_job: kind and
 * a payload of sync_job_make), applied like sync_local_job. "expunge" (the
 * UI's delete in Trash) is "delete" here: gone for good. A destination
 * that a move creates takes the role its name stands for ("Trash",
 * "Junk", "Archive", "Sent", "Drafts"), so that a UI's delete, spam or
 * archive key finds it again. *folder and *dest (owned, NULL when the
 * payload lacks them) name the folders the job touched, also on failure.
 * Worker threads (and tests); blocks only on the cache.
 */
int sync_local_run(struct store *st, const char *kind, const char *payload,
    struct imap_copyuid *cu, unsigned *done, char **folder, char **dest,
    struct fct_error *err) FCT_WUR;

/*
 * Runs a POP3 account's job queue (what the outbox queued: the copies of
 * sent mail and drafts, as "append" jobs; or jobs an older facteur queued)
 * against the local folders, oldest first: each is applied as
 * sync_local_run does (an append puts the outbox's message, read, into
 * the local folder the job names, else "Sent" or "Drafts", created with
 * the role) and leaves the queue, and fn (may be NULL) hears how it went,
 * then touched (may be NULL) the names of the folders a job changed.
 * -1 when the cache fails (the job then stays first).
 */
int sync_local_jobs_run(struct store *st, sync_job_fn fn,
    void (*touched)(void *arg, const char *folder), void *arg,
    struct fct_error *err) FCT_WUR;

/* The role a local folder called name is given when created, or NULL. */
const char *sync_local_role(const char *name);

/*
 * A sync_pop_new_fn for the rules: marks the new message pending
 * (store_rules_pending_add) in the transaction that stores it, so that
 * listings hide it until sync_rules_apply(SYNC_RULES_PENDING) has run the
 * rules on it (doc/rules.md, "On arrival"). arg is unused.
 */
int sync_pop_rules_mark(void *arg, struct store *st,
    const struct store_folder *folder, const struct store_msg *m,
    const char *raw, size_t len, struct fct_error *err) FCT_WUR;

#endif
