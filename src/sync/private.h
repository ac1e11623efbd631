/* Internals shared by the files of src/sync. */
#ifndef FACTEUR_SYNC_PRIVATE_H
#define FACTEUR_SYNC_PRIVATE_H

#include <pthread.h>

#include "facteur/sync.h"

/* The value of `key` in a job's payload (owned, free), or NULL. */
char *sync_job_payload_get(const char *payload, const char *key);

/* The UIDs of a job's "uids" value ("3,5:9") appended to out; -1 when
 * it is malformed or names too many messages. */
int sync_job_uids_parse(const char *set, struct imap_uid_list *out) FCT_WUR;

/*
 * A whole message (data, borrowed) about to be stored in a local folder,
 * as *m (zeroed first): size, internal date `now`, the raw header block
 * and the decoded fields (sync_msg_from_raw; owned by m: store_msg_release);
 * its searchable text in *text (empty when it has none). Mail GMime cannot
 * read keeps its raw header (pop.c).
 */
void sync_local_msg_fill(struct store_msg *m, struct strbuf *text,
    const char *data, size_t len, int64_t now);

/* Whether kind names a folder job (folderjob.c). */
bool sync_job_is_folder(const char *kind);

/* Runs a folder job (folderjob.c), then refreshes the cached list. */
int sync_folder_job_run(struct imap_session *s, struct store *st,
    const struct store_job *job, struct fct_error *err) FCT_WUR;

/*
 * Before a copy or move job's command (copyguard.c): on the first attempt,
 * notes the destination's UIDVALIDITY and UIDNEXT in the job's payload
 * (durably); on a replay, moves from *uids to *done the messages already
 * copied. The source (src_raw) is selected on entry and on return.
 */
int sync_copy_guard(struct imap_session *s, struct store *st,
    const struct store_job *job, const char *src_raw, const char *dest_raw,
    struct imap_uid_list *uids, struct imap_uid_list *done,
    struct fct_error *err) FCT_WUR;

/*
 * One store-only write transaction (msg.c): fn(arg, i, err) for each i in
 * [0, n), in order, then the commit; nothing is written when any fails.
 * For the writes of what was fetched, gathered in memory first: no write
 * transaction of src/sync spans network I/O.
 */
int sync_store_apply(struct store *st, size_t n,
    int (*fn)(void *arg, size_t i, struct fct_error *err), void *arg,
    struct fct_error *err) FCT_WUR;

/*
 * pthread_create(t, fn, arg) with every signal but the synchronous ones
 * blocked in the new thread (jobwriter.c): the threads of src/sync never
 * take a signal. Returns pthread_create's error number.
 */
int sync_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

/*
 * A thread that runs one job at a time for its owner (pipe.c), so that the
 * owner goes on meanwhile: the sync writes a batch while it fetches the
 * next. sync_pipe_start returns pthread_create's error number (*out NULL
 * then); *out is owned (sync_pipe_stop, which waits for the job in
 * flight). sync_pipe_run waits for the job in flight, then hands fn(arg)
 * over, unless a job failed: then it runs nothing. sync_pipe_wait waits
 * for the job in flight: -1 with the error of the first job that failed
 * (forgotten then), else 0. What a job uses is its own from sync_pipe_run
 * to the next sync_pipe_wait.
 */
struct sync_pipe;
int sync_pipe_start(struct sync_pipe **out);
void sync_pipe_run(struct sync_pipe *p,
    int (*fn)(void *arg, struct fct_error *err), void *arg);
int sync_pipe_wait(struct sync_pipe *p, struct fct_error *err) FCT_WUR;
/* Whether a job is in flight (it may end at any time). */
bool sync_pipe_busy(struct sync_pipe *p);
void sync_pipe_stop(struct sync_pipe **p);

/*
 * The job writer of an account worker (jobwriter.c): a thread that writes
 * jobs handed over to the account's store queue at once, then posts
 * SYNC_REQ_ADD_JOB (no payload: "jobs were written") to `wake`. Refusals
 * go to `events` as SYNC_EV_JOB_FAILED. *out is owned
 * (sync_jobwriter_free, which writes what is still handed over first).
 * cfg, acct and both queues must outlive it.
 */
struct sync_jobwriter;
int sync_jobwriter_start(const struct config *cfg,
    const struct config_account *acct, struct fct_queue *events,
    struct fct_queue *wake, struct sync_jobwriter **out,
    struct fct_error *err) FCT_WUR;
/* Hands a job over (kind, payload copied); never waits for the store. */
void sync_jobwriter_add(struct sync_jobwriter *jw, const char *kind,
    const char *payload, uint64_t ticket);
/* The ticket of a job written here (0: none), forgotten. */
uint64_t sync_jobwriter_ticket_take(struct sync_jobwriter *jw, int64_t job_id);
void sync_jobwriter_free(struct sync_jobwriter **jwp);

/*
 * The row of a message made from its raw text (msg.c): the decoded fields
 * of the header (Subject, From, To, Cc, Message-ID, In-Reply-To,
 * References, List-Id, Date) parsed from raw[0..len), and m->headers a
 * copy of its first hdr_len bytes (the raw header block, for header:
 * queries). Mail GMime cannot read at all still gets a row: only the
 * decoded fields stay NULL. Every other field of m is left alone. The
 * strings set are m's (store_msg_release frees them).
 */
void sync_msg_from_raw(struct store_msg *m, const char *raw, size_t len,
    size_t hdr_len);

#endif
