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
 * A cold folder is fetched newest first in bounded batches, each its own
 * transaction, so the first screen is in the store at once; the folder's
 * sync state is committed last, with the rows it vouches for.
 */
int sync_folder(struct imap_session *s, struct store *st, const char *name,
    enum imap_sync_mode want, sync_progress_fn progress, void *arg,
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

/* The config's sync mode as the IMAP layer's cap. */
enum imap_sync_mode sync_mode_from_config(enum config_sync_mode m);

#endif
