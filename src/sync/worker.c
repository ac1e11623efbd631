/*
 * The account worker: one thread per account that owns the account's IMAP
 * session and a store handle of its own, and talks to everyone else only
 * through queues (include/facteur/sync.h).
 *
 * Design. The thread runs a loop of small steps, checking its request
 * queue between any two of them. A folder's sync is one step, but a long
 * one (a cold 100,000-message folder) checks the queue between its
 * batches too (sync_folder_yielding, yield_to_requests): a job, a body, a
 * folder someone opened or a stop makes it stop at the batch's end, with
 * what it fetched committed and the folder still owed, so the urgent work
 * runs next and the sync then resumes where it stopped. So a request
 * never waits behind more than one batch. Each step is the first thing
 * owed, in this order:
 *   1. no session: connect (open, verify, secret, login), refresh the
 *      folder list; on failure, back off and retry (submitting what waits
 *      in the outbox first when jobs were asked for: SMTP does not need
 *      the IMAP server, only the copy in Sent does, as a job);
 *   2. jobs owed: submit what waits in the outbox (sync_outbox_flush),
 *      then replay the store's job queue (sync_jobs_run);
 *   3. folders asked for (sync requests, the opened folder, folders whose
 *      STATUS counts moved): sync the first;
 *   4. a sync pass owed (after each connect, or asked): sync its next
 *      folder, the watched one first;
 *   5. a STATUS round due: the counts of every folder, into the store;
 *   6. nothing owed: wait for news on the watched folder (IDLE, or NOOP
 *      polling) until a request, the server or a timer ends the wait.
 * What is owed is plain state in struct sync_worker, kept across
 * reconnects: a pass cut short by a broken connection resumes at the
 * folder it was in, and the job queue lives in the store. Every step that
 * fails with a broken session drops it, reports why and backs off; a step
 * that fails otherwise (a folder the server refuses, a busy cache) is
 * reported and skipped.
 *
 * POP3 accounts. A POP3 server has no folders, no flags and no IDLE: the
 * worker of a POP3 account runs one whole session (connect, log in,
 * download what is new into the local INBOX, delete what the account's
 * pop_delete says, quit) when one is due, every poll_interval_s, or at
 * once on any sync request, and waits in between (pop_step). Its session
 * is published in `pop_live` for cancellation, as `live` is for IMAP. The
 * two kinds differ only in their backend (struct worker_backend: a step,
 * a cancel); queues, events, back-off and the cache are shared.
 *
 * Threads. Nothing is shared with the owner but the two queues and the
 * lock-protected fields below, which exist only so that a stop can cancel
 * a blocked read: the worker publishes its session in `live` once logged
 * in and withdraws it (under the lock) before closing it, so the owner's
 * imap_session_cancel never touches a freed session. The thread starts
 * with every asynchronous signal blocked: signals are the main thread's.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "facteur/core_queue.h"
#include "facteur/net.h"
#include "facteur/query.h"
#include "facteur/sync.h"
#include "facteur/sync_pop.h"
#include "private.h"

/* A folder name list, in order, without repeats. */
struct name_list {
	char **v;
	size_t n, alloc;
};

/* A body asked for (SYNC_REQ_FETCH_BODY's payload). */
struct fetch {
	char *folder; /* owned */
	uint32_t uid;
};

static void
fetch_free(void *p)
{
	struct fetch *f = p;

	if (f != NULL)
		free(f->folder);
	free(f);
}

/* A server search asked for (SYNC_REQ_SEARCH's payload). */
struct search {
	char *folder, *query; /* owned */
	uint64_t ticket;
};

static void
search_free(void *p)
{
	struct search *q = p;

	if (q != NULL) {
		free(q->folder);
		free(q->query);
	}
	free(q);
}

/* What the last STATUS said of a folder. */
struct counts {
	char *name; /* owned */
	uint32_t total, unseen;
	bool known; /* a STATUS was seen since the worker started */
};

struct worker_backend;

struct sync_worker {
	/* Set before the thread starts; read-only afterwards. */
	const struct config *cfg;
	const struct config_account *acct;
	const struct worker_backend *backend; /* by the account's kind */
	struct sync_worker_options opt;
	struct fct_queue *events;   /* borrowed; the owner's */
	struct fct_queue *requests; /* owned */
	struct sync_jobwriter *jw;  /* owned: writes the jobs handed over */
	pthread_t thread;

	/* Under lock. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct imap_session *live;    /* the session, while cancellable */
	struct pop_session *pop_live; /* the same, for a POP3 account */
	bool stopping;                /* a stop was asked */
	bool cancelled;               /* the grace ran out: cancel at once */
	bool finished;                /* the thread is about to return */

	/* The worker thread's own. */
	struct store *st;
	struct imap_session *s;
	char *watch;      /* the folder waited on; owned */
	bool watch_asked; /* watch came from SYNC_REQ_OPEN_FOLDER */
	char *selected;   /* the folder the session has selected, or NULL */
	uint32_t known_exists;   /* watch's count after its last sync */
	uint32_t odd_exists;     /* an EXISTS a sync could not match */
	int64_t watch_failed_ms; /* when syncing watch last failed, or 0 */
	struct name_list asked;  /* folders to sync first */
	const char *syncing;     /* the folder sync_one is in, or NULL */
	bool urgent;             /* a request the sync in progress yields to */
	struct name_list pass;   /* the sync pass: folders left */
	bool pass_owed;          /* start a new pass on the next step */
	bool jobs_owed;
	bool outbox_owed;      /* asked to run jobs: the outbox may not wait */
	struct fetch *fetches; /* bodies asked for, oldest first */
	size_t nfetches, fetches_alloc;
	struct search **searches; /* server searches asked for */
	size_t nsearches, searches_alloc;
	int64_t next_status_ms; /* 0: after the pass */
	struct counts *counts;  /* the last STATUS of each folder */
	size_t ncounts, counts_alloc;
	bool no_idle;           /* the server refused IDLE: poll */
	enum sync_state posted; /* the last state reported */
	char *posted_folder;    /* with it, for IDLE; owned */
	unsigned attempt;       /* failed connections in a row */
	struct rules *rules;    /* the rules file as last read; owned */
	struct stat rules_st;   /* its identity then (st_ino 0: missing) */
	bool rules_read;        /* rules was read at least once */
	int64_t pop_next_ms;    /* POP3: when the next session is due */
	uint64_t rng;
};

/* Steps' results. */
enum step {
	STEP_OK = 0,
	STEP_BROKEN,  /* the session is gone: back off and reconnect */
	STEP_STOP,    /* a stop was asked */
	STEP_YIELDED, /* a sync stopped early for a request: still owed */
};

/* How one kind of account is kept in step (imap_backend, pop_backend). */
struct worker_backend {
	enum step (*step)(struct sync_worker *w);
	void (*cancel)(struct sync_worker *w); /* called under the lock */
};

static const char *const state_names[] = {
	[SYNC_STATE_CONNECTING] = "connecting",
	[SYNC_STATE_ONLINE] = "online",
	[SYNC_STATE_SYNCING] = "syncing",
	[SYNC_STATE_IDLE] = "idle",
	[SYNC_STATE_OFFLINE] = "offline",
	[SYNC_STATE_ERROR] = "error",
	[SYNC_STATE_RETRYING] = "retrying",
	[SYNC_STATE_STOPPED] = "stopped",
};

const char *
sync_state_name(enum sync_state state)
{
	if ((size_t)state >= FCT_ARRAY_LEN(state_names))
		BUG("bad sync state %d", (int)state);
	return state_names[state];
}

unsigned
sync_backoff_ms(unsigned attempt, unsigned min_ms, unsigned max_ms,
    uint32_t rnd)
{
	uint64_t d = min_ms > 0 ? min_ms : 1;
	unsigned i;

	for (i = 0; i < attempt && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	return (unsigned)(d - d / 2 + rnd % (d / 2 + 1));
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*: jitter needs spread, not secrecy. */
static uint32_t
next_random(struct sync_worker *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return (uint32_t)((w->rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static void
lock(struct sync_worker *w)
{
	if (pthread_mutex_lock(&w->lock) != 0)
		BUG("cannot lock a worker");
}

static void
unlock(struct sync_worker *w)
{
	if (pthread_mutex_unlock(&w->lock) != 0)
		BUG("cannot unlock a worker");
}

static bool
stop_asked(struct sync_worker *w)
{
	bool stop;

	lock(w);
	stop = w->stopping;
	unlock(w);
	return stop;
}

static void
names_add(struct name_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return;
	FCT_ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = xstrdup(name);
}

/* Removes and frees name i. */
static void
names_remove_at(struct name_list *l, size_t i)
{
	free(l->v[i]);
	memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof *l->v);
	l->n--;
}

/* Removes name, when there. */
static void
names_remove(struct name_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0) {
			names_remove_at(l, i);
			return;
		}
}

/* Puts name first (moving it there when it was further down). */
static void
names_add_front(struct name_list *l, const char *name)
{
	names_remove(l, name);
	FCT_ALLOC_GROW(l->v, l->n + 1, l->alloc);
	memmove(l->v + 1, l->v, l->n * sizeof *l->v);
	l->v[0] = xstrdup(name);
	l->n++;
}

static void
names_release(struct name_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* --- Events ----------------------------------------------------------- */

void
sync_event_free(void *p)
{
	struct sync_event *ev = p;

	if (ev == NULL)
		return;
	free(ev->account);
	free(ev->folder);
	free(ev->reason);
	free(ev->job_kind);
	free(ev->src);
	free(ev->dst);
	free(ev);
}

static struct sync_event *
event_new(struct sync_worker *w, const char *folder, const char *reason)
{
	struct sync_event *ev = xcalloc(1, sizeof *ev);

	ev->account = xstrdup(w->acct->name);
	ev->folder = folder != NULL ? xstrdup(folder) : NULL;
	ev->reason = reason != NULL ? xstrdup(reason) : NULL;
	return ev;
}

static void
post(struct sync_worker *w, enum sync_event_type type, struct sync_event *ev)
{
	fct_queue_post(w->events, type, ev, sync_event_free);
}

static void
post_state(struct sync_worker *w, enum sync_state state, const char *folder,
    const char *reason)
{
	struct sync_event *ev = event_new(w, folder, reason);

	ev->state = state;
	post(w, SYNC_EV_STATE, ev);
	w->posted = state;
	free(w->posted_folder);
	w->posted_folder = folder != NULL ? xstrdup(folder) : NULL;
}

static void
post_folder(struct sync_worker *w, enum sync_event_type type,
    const char *folder, const char *reason, unsigned count)
{
	struct sync_event *ev = event_new(w, folder, reason);

	ev->count = count;
	post(w, type, ev);
}

/*
 * FOLDER_CHANGED after a sync, with the cache's counts of the folder:
 * counting a large folder takes a while, which is better spent here than
 * on the UI thread.
 */
static void
post_changed(struct sync_worker *w, const char *name)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder f = STORE_FOLDER_INIT;
	struct sync_event *ev = event_new(w, name, NULL);

	if (store_folder_get(w->st, name, &f, &err) == 1 &&
	    store_folder_counts(w->st, f.id, &ev->total, &ev->unseen, &err) ==
		0)
		ev->counts = true;
	store_folder_release(&f);
	fct_error_release(&err);
	post(w, SYNC_EV_FOLDER_CHANGED, ev);
}

static void
progress(void *arg, const char *folder, uint32_t done, uint32_t total)
{
	struct sync_worker *w = arg;
	struct sync_event *ev = event_new(w, folder, NULL);

	ev->state = SYNC_STATE_SYNCING;
	ev->done = done;
	ev->total = total;
	post(w, SYNC_EV_STATE, ev);
	w->posted = SYNC_STATE_SYNCING;
}

/* --- Requests --------------------------------------------------------- */

static enum step take_requests(struct sync_worker *w);

/* The ticket of a job that left the queue (0: none), forgotten. */
static uint64_t
ticket_take(struct sync_worker *w, int64_t job_id)
{
	return sync_jobwriter_ticket_take(w->jw, job_id);
}

/*
 * Between two batches of a long sync (sync_folder_yielding): takes the
 * requests that came meanwhile, and hands the session back when one is
 * urgent. The folder stays owed (first in its list), so its sync resumes
 * right after the urgent work, where it stopped.
 */
static bool
yield_to_requests(void *arg)
{
	struct sync_worker *w = arg;

	if (fct_queue_len(w->requests) > 0 || stop_asked(w))
		(void)take_requests(w);
	if (stop_asked(w))
		w->urgent = true;
	return w->urgent;
}

/* A folder asked for is urgent unless it is the one being synced. */
static void
folder_urgent(struct sync_worker *w, const char *name)
{
	if (w->syncing == NULL || strcmp(w->syncing, name) != 0)
		w->urgent = true;
}

/*
 * Applies every waiting request; STEP_STOP when one was a stop. Those a
 * long sync should make way for (jobs, bodies, a folder someone opened,
 * a stop) set w->urgent.
 */
static enum step
take_requests(struct sync_worker *w)
{
	struct fct_msg *m;
	enum step rc = STEP_OK;

	while ((m = fct_queue_pop(w->requests)) != NULL) {
		switch ((enum sync_request)m->type) {
		case SYNC_REQ_SYNC_ALL:
			w->pass_owed = true;
			break;
		case SYNC_REQ_SYNC_FOLDER:
			if (m->payload == NULL)
				break;
			/* Someone waits for it: before the rest. */
			names_add_front(&w->asked, m->payload);
			folder_urgent(w, m->payload);
			break;
		case SYNC_REQ_OPEN_FOLDER:
			if (m->payload == NULL)
				break;
			free(w->watch);
			w->watch = xstrdup(m->payload);
			w->watch_asked = true;
			names_add_front(&w->asked, m->payload);
			folder_urgent(w, m->payload);
			break;
		case SYNC_REQ_RUN_JOBS:
			w->jobs_owed = true;
			w->outbox_owed = true;
			w->urgent = true;
			break;
		case SYNC_REQ_STOP:
			rc = STEP_STOP;
			w->urgent = true;
			break;
		case SYNC_REQ_ADD_JOB:
			/* The job writer put a job in the store. */
			w->jobs_owed = true;
			w->urgent = true;
			break;
		case SYNC_REQ_SEARCH:
			FCT_ALLOC_GROW(w->searches, w->nsearches + 1,
			    w->searches_alloc);
			w->searches[w->nsearches++] = fct_msg_take(m);
			w->urgent = true;
			break;
		case SYNC_REQ_FETCH_BODY:
			FCT_ALLOC_GROW(w->fetches, w->nfetches + 1,
			    w->fetches_alloc);
			w->fetches[w->nfetches++] = *(struct fetch *)m->payload;
			free(fct_msg_take(m));
			w->urgent = true;
			break;
		default:
			BUG("bad worker request %d", m->type);
		}
		fct_msg_free(&m);
	}
	if (rc == STEP_OK && stop_asked(w))
		rc = STEP_STOP;
	return rc;
}

/*
 * Waits up to timeout_ms (-1: for ever) for a request or for fd (when not
 * -1) to become readable. Returns 1 when fd woke it, 0 otherwise.
 */
static int
wait_for(struct sync_worker *w, int fd, int64_t timeout_ms)
{
	struct pollfd pfd[2];
	int n = 1, r;

	pfd[0].fd = fct_queue_fd(w->requests);
	pfd[0].events = POLLIN;
	if (fd >= 0) {
		pfd[1].fd = fd;
		pfd[1].events = POLLIN;
		n = 2;
	}
	if (timeout_ms > 24 * 3600 * 1000)
		timeout_ms = 24 * 3600 * 1000;
	do {
		r = poll(pfd, (nfds_t)n, (int)timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		BUG("poll failed: %s", strerror(errno));
	return n == 2 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) ? 1
									 : 0;
}

/* --- The session ------------------------------------------------------ */

/* Withdraws the session from cancellation, then closes it. */
static void
drop_session(struct sync_worker *w)
{
	lock(w);
	w->live = NULL;
	unlock(w);
	imap_session_close(&w->s);
	free(w->selected);
	w->selected = NULL;
}

/* Drops a broken session and says why. */
static enum step
broken(struct sync_worker *w, const struct fct_error *err)
{
	/* A stop cancels the stream: that is no news to the owner. */
	if (!stop_asked(w))
		post_state(w, SYNC_STATE_OFFLINE, NULL, fct_error_msg(err));
	drop_session(w);
	return STEP_BROKEN;
}

/* The inbox by role, else by name; INBOX when the store has no list yet. */
static void
choose_watch(struct sync_worker *w)
{
	struct store_folder_list l = STORE_FOLDER_LIST_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	size_t i;

	if (w->watch_asked)
		return;
	free(w->watch);
	w->watch = NULL;
	if (store_folder_list(w->st, &l, &err) == 0)
		for (i = 0; i < l.n && w->watch == NULL; i++)
			if (l.v[i].role != NULL &&
			    strcmp(l.v[i].role, "inbox") == 0)
				w->watch = xstrdup(l.v[i].name);
	if (w->watch == NULL)
		w->watch = xstrdup("INBOX");
	store_folder_list_release(&l);
	fct_error_release(&err);
}

static enum step
connect_account(struct sync_worker *w)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_session *s = NULL;
	enum step rc = STEP_BROKEN;
	bool cancel;

	post_state(w, SYNC_STATE_CONNECTING, NULL, NULL);
	if (imap_session_open(w->acct, &s, &err) != 0) {
		post_state(w, SYNC_STATE_OFFLINE, NULL, fct_error_msg(&err));
		goto out;
	}
	/* The secret is fetched only once the server proved who it is. */
	if (imap_session_authenticate(s, w->acct, &err) != 0) {
		post_state(w,
		    imap_session_broken(s) ? SYNC_STATE_OFFLINE
					   : SYNC_STATE_ERROR,
		    NULL, fct_error_msg(&err));
		goto out;
	}
	lock(w);
	w->live = s;
	cancel = w->cancelled;
	unlock(w);
	if (cancel)
		imap_session_cancel(s);
	w->s = s;
	s = NULL;
	w->attempt = 0;
	post_state(w, SYNC_STATE_ONLINE, NULL, NULL);
	if (sync_folder_list(w->s, w->st, &err) != 0) {
		if (imap_session_broken(w->s)) {
			rc = broken(w, &err);
			goto out;
		}
		post_state(w, SYNC_STATE_ERROR, NULL, fct_error_msg(&err));
	}
	choose_watch(w);
	/* Catch up with whatever happened while away. */
	if (w->pass.n == 0)
		w->pass_owed = true;
	w->jobs_owed = true;
	w->next_status_ms = 0;
	rc = STEP_OK;
out:
	imap_session_close(&s);
	fct_error_release(&err);
	return rc;
}

static void send_outbox(struct sync_worker *w);

/*
 * Sleeps the back-off before the next attempt, unless a request comes
 * first (then the attempt is made at once: someone is waiting for it).
 * Mail waiting in the outbox goes out first if someone asked for the
 * jobs to run: submission needs only the SMTP server, so a message is
 * not held back by an IMAP server that is down (its copy in Sent is an
 * append job, which waits for the next IMAP session).
 */
static enum step
back_off(struct sync_worker *w)
{
	unsigned delay = sync_backoff_ms(w->attempt, w->opt.backoff_min_ms,
	    w->opt.backoff_max_ms, next_random(w));
	struct sync_event *ev;
	int64_t deadline = now_ms() + delay, left;

	if (stop_asked(w))
		return STEP_STOP;
	if (w->outbox_owed && w->st != NULL && w->s == NULL &&
	    w->acct->pop.proto != CONFIG_PROTO_POP) {
		/* Once per request: a failure keeps the message queued for
		 * the next connection or request. */
		w->outbox_owed = false;
		send_outbox(w);
	}
	ev = event_new(w, NULL, NULL);
	if (w->attempt < 64)
		w->attempt++;
	ev->state = SYNC_STATE_RETRYING;
	ev->retry_ms = delay;
	post(w, SYNC_EV_STATE, ev);
	w->posted = SYNC_STATE_RETRYING;
	while ((left = deadline - now_ms()) > 0) {
		if (fct_queue_len(w->requests) > 0 || stop_asked(w))
			return take_requests(w);
		wait_for(w, -1, left);
	}
	return STEP_OK;
}

/* --- Steps ------------------------------------------------------------ */

static void
job_result(void *arg, const struct store_job *job, const char *reason,
    const struct imap_copyuid *cu)
{
	struct sync_worker *w = arg;
	struct sync_event *ev = event_new(w, NULL, reason);

	ev->job_id = job->id;
	ev->job_kind = xstrdup(job->kind);
	ev->ticket = ticket_take(w, job->id);
	if (reason == NULL && cu != NULL && cu->src.n > 0 &&
	    cu->src.n == cu->dst.n) {
		ev->nuids = cu->src.n;
		ev->src = xreallocarray(NULL, ev->nuids, sizeof *ev->src);
		ev->dst = xreallocarray(NULL, ev->nuids, sizeof *ev->dst);
		memcpy(ev->src, cu->src.v, ev->nuids * sizeof *ev->src);
		memcpy(ev->dst, cu->dst.v, ev->nuids * sizeof *ev->dst);
		ev->dst_uidvalidity = cu->uidvalidity;
	}
	post(w, reason == NULL ? SYNC_EV_JOB_DONE : SYNC_EV_JOB_FAILED, ev);
}

/* A message of the outbox went out (reason NULL) or failed: a job event
 * of kind "send". */
static void
sent_result(void *arg, const struct store_outbox *m, const char *reason,
    const struct smtp_send_result *res)
{
	struct sync_worker *w = arg;
	char *note = reason == NULL ? sync_refused_note(res) : NULL;
	struct sync_event *ev =
	    event_new(w, NULL, reason != NULL ? reason : note);

	free(note);
	ev->job_id = m->id;
	ev->job_kind = xstrdup("send");
	post(w, reason == NULL ? SYNC_EV_JOB_DONE : SYNC_EV_JOB_FAILED, ev);
}

/*
 * Messages left in the outbox go first, so that their copies join the
 * job queue run next. The submission server being out of reach is no
 * reason to drop the IMAP session: it is reported and retried on the next
 * connection or request.
 */
static void
send_outbox(struct sync_worker *w)
{
	struct fct_error err = FCT_ERROR_INIT;

	/* The flush connects only when something is to be sent. */
	if (w->acct->smtp.proto != CONFIG_PROTO_SMTP)
		return;
	if (sync_outbox_flush(w->cfg, w->acct, w->st, sent_result, w, &err) !=
	    0) {
		struct sync_event *ev = event_new(w, NULL, fct_error_msg(&err));

		ev->job_kind = xstrdup("send");
		post(w, SYNC_EV_JOB_FAILED, ev);
	}
	fct_error_release(&err);
}

static enum step
run_jobs(struct sync_worker *w)
{
	struct fct_error err = FCT_ERROR_INIT;
	enum step rc = STEP_OK;

	w->jobs_owed = false;
	w->outbox_owed = false;
	send_outbox(w);
	if (sync_jobs_run(w->s, w->st, job_result, w, &err) != 0) {
		if (imap_session_broken(w->s)) {
			/* The job stays first in line for the next
			 * connection. */
			w->jobs_owed = true;
			rc = broken(w, &err);
		} else
			post_state(w, SYNC_STATE_ERROR, NULL,
			    fct_error_msg(&err));
	}
	/* Jobs select the folders they change. */
	free(w->selected);
	w->selected = NULL;
	fct_error_release(&err);
	return rc;
}

/*
 * What the watched folder's count is now vouched for: the messages the
 * sync left in the cache. A server that announced more meanwhile (mail
 * arriving during the sync) then looks like news, and the folder is synced
 * again. Should a second sync end with the same mismatch, the server's
 * count is taken as it is, rather than syncing for ever.
 */
static void
settle_exists(struct sync_worker *w, const struct sync_stats *stats)
{
	uint32_t exists;

	w->known_exists = stats->total;
	if (!imap_selected_exists(w->s, &exists) || exists == stats->total) {
		w->odd_exists = 0;
		return;
	}
	if (exists == w->odd_exists)
		w->known_exists = exists;
	w->odd_exists = exists;
}

/*
 * Reads the rules file again when it changed (inode, size or mtime), or
 * for the first time; each problem in it is reported as an event. The
 * good rules of a file with errors are used; a file that cannot be read
 * at all leaves no rules.
 */
static void
reload_rules(struct sync_worker *w)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	char *def = NULL;
	const char *path = w->cfg->rules_file;
	struct stat sb;
	struct sync_event *ev;
	size_t i;

	if (path == NULL)
		path = def = rules_default_path();
	if (stat(path, &sb) != 0)
		memset(&sb, 0, sizeof sb);
	if (w->rules_read && sb.st_ino == w->rules_st.st_ino &&
	    sb.st_dev == w->rules_st.st_dev &&
	    sb.st_size == w->rules_st.st_size &&
	    sb.st_mtim.tv_sec == w->rules_st.st_mtim.tv_sec &&
	    sb.st_mtim.tv_nsec == w->rules_st.st_mtim.tv_nsec) {
		free(def);
		return;
	}
	rules_free(&w->rules);
	/* A missing default file is no rules; rules_load says so too. */
	if (rules_load(w->cfg->rules_file, &w->rules, &d) != 0) {
		for (i = 0; i < d.n; i++) {
			ev = event_new(w, NULL, NULL);
			if (d.v[i].line > 0)
				ev->reason =
				    xasprintf("%s:%u:%u: %s", d.v[i].file,
					d.v[i].line, d.v[i].column, d.v[i].msg);
			else
				ev->reason = xstrdup(d.v[i].msg);
			post(w, SYNC_EV_RULES_PROBLEM, ev);
		}
	}
	config_diags_release(&d);
	w->rules_st = sb;
	w->rules_read = true;
	free(def);
}

/* Whether the folder is the account's INBOX, by role, else by name. */
static bool
is_inbox(struct sync_worker *w, const char *name)
{
	struct store_folder f = STORE_FOLDER_INIT;
	bool inbox = strcasecmp(name, "INBOX") == 0;

	if (store_folder_get(w->st, name, &f, NULL) == 1 && f.role != NULL)
		inbox = strcmp(f.role, "inbox") == 0;
	store_folder_release(&f);
	return inbox;
}

/* Whether some rule would run on new mail in the folder. */
static bool
rules_wanted(struct sync_worker *w, const char *name)
{
	bool inbox = is_inbox(w, name);
	size_t i;

	for (i = 0; w->rules != NULL && i < w->rules->n; i++)
		if (rules_in_scope(&w->rules->v[i], w->acct->name, name, inbox))
			return true;
	return false;
}

/* One run of the rules (run_rules): the callbacks' argument. */
struct rules_run {
	struct sync_worker *w;
	struct name_list dests; /* where messages went */
};

static void
rules_problem(void *arg, const struct rule *r, const struct rule_action *a,
    const char *msg)
{
	struct rules_run *run = arg;

	(void)r;
	(void)a;
	post(run->w, SYNC_EV_RULES_PROBLEM, event_new(run->w, NULL, msg));
}

/*
 * Runs the rules on the folder's pending mail: the jobs they queue run
 * next (jobs come first among the steps), then the folder is synced
 * again to show the result. Returns how many of the new messages left
 * the folder.
 */
/* A message the rules sent elsewhere: that folder changed too. */
static void
rules_dest(void *arg, const struct sync_rules_result *r)
{
	struct rules_run *run = arg;

	if (r->dest != NULL)
		names_add(&run->dests, r->dest);
}

static unsigned
run_rules(struct sync_worker *w, const char *name)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct rules_run run = { w, { NULL, 0, 0 } };
	struct sync_rules_callbacks cb = { rules_dest, rules_problem, &run };
	struct sync_rules_stats stats;
	struct rules empty;
	size_t i;

	memset(&empty, 0, sizeof empty);
	if (sync_rules_apply(w->st, w->acct->name,
		w->rules != NULL ? w->rules : &empty, name, NULL, 0,
		SYNC_RULES_PENDING, time(NULL), &cb, &stats, &err) != 0) {
		/* The messages stay pending: the next sync tries again. */
		post_folder(w, SYNC_EV_FOLDER_FAILED, name, fct_error_msg(&err),
		    0);
		fct_error_release(&err);
		return 0;
	}
	if (stats.matched > 0)
		post_folder(w, SYNC_EV_RULES_APPLIED, name, NULL,
		    stats.matched);
	if (stats.jobs > 0) {
		w->jobs_owed = true;
		names_add(&w->asked, name);
	}
	/* Jobs report their own folders; local changes are done already. */
	for (i = 0; stats.jobs == 0 && i < run.dests.n; i++)
		post_changed(w, run.dests.v[i]);
	names_release(&run.dests);
	return stats.moved;
}

/*
 * The bodies the rules on bodies need, fetched before they run. False
 * when that failed: the mail stays pending (hidden) for the next sync.
 */
static bool
rules_bodies(struct sync_worker *w, const char *name, enum step *rc)
{
	struct fct_error err = FCT_ERROR_INIT;
	unsigned fetched = 0;
	int ret;

	if (w->rules == NULL || w->rules->n == 0)
		return true;
	ret = sync_rules_fetch_bodies(w->s, w->st, w->acct->name, w->rules,
	    name, SYNC_BODY_BUDGET, &fetched, &err);
	/* A fetch selects the folder: the watched one is selected again by
	 * the next step. */
	if (ret != 0 || fetched > 0) {
		free(w->selected);
		w->selected = NULL;
	}
	if (ret == 0)
		return true;
	if (imap_session_broken(w->s))
		*rc = broken(w, &err);
	else
		post_folder(w, SYNC_EV_FOLDER_FAILED, name, fct_error_msg(&err),
		    0);
	fct_error_release(&err);
	return false;
}

static enum step
sync_one(struct sync_worker *w, const char *name)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_stats stats;
	enum step rc = STEP_OK;
	unsigned flags = 0, moved = 0;
	size_t npending = 0;
	bool rules, watched = strcmp(name, w->watch) == 0;
	int r;

	/* watched is fixed now: a request taken during the sync may change
	 * w->watch, and only a sync with SYNC_F_SELECT leaves the folder
	 * selected for IDLE (the new watch is synced again, asked). */
	progress(w, name, 0, 0);
	free(w->selected);
	w->selected = NULL;
	reload_rules(w);
	rules = rules_wanted(w, name);
	/* The watched folder must end up selected: IDLE watches it next. */
	if (watched)
		flags |= SYNC_F_SELECT;
	if (rules)
		flags |= SYNC_F_RULES;
	w->urgent = false;
	w->syncing = name;
	r = sync_folder_yielding(w->s, w->st, name,
	    sync_mode_from_config(w->acct->sync_mode), flags, progress,
	    yield_to_requests, w, &stats, &err);
	w->syncing = NULL;
	if (r == 1) {
		/* Cut short for a request; what came is shown meanwhile. */
		if (stats.added > 0)
			post_changed(w, name);
		return STEP_YIELDED;
	}
	if (r != 0) {
		if (imap_session_broken(w->s))
			rc = broken(w, &err);
		else {
			post_folder(w, SYNC_EV_FOLDER_FAILED, name,
			    fct_error_msg(&err), 0);
			if (watched)
				w->watch_failed_ms = now_ms();
		}
		fct_error_release(&err);
		return rc;
	}
	/* Without SYNC_F_SELECT an unchanged folder is left unselected, and
	 * whatever was selected before may have changed: say nothing. */
	w->selected = watched ? xstrdup(name) : NULL;
	if (watched) {
		w->watch_failed_ms = 0;
		settle_exists(w, &stats);
	}
	/* New mail goes through the rules before anyone hears of it (it is
	 * hidden from listings until then); mail left pending by a crash, or
	 * by rules since removed, too. */
	if (store_rules_pending_count(w->st, 0, &npending, &err) != 0) {
		post_folder(w, SYNC_EV_FOLDER_FAILED, name, fct_error_msg(&err),
		    0);
		fct_error_release(&err);
	}
	if (npending > 0 && !rules_bodies(w, name, &rc))
		return rc;
	if (npending > 0)
		moved = run_rules(w, name);
	if (stats.added > 0 || stats.changed > 0 || stats.expunged > 0 ||
	    stats.reset)
		post_changed(w, name);
	/* A first fill is not news; what arrives after it is. */
	if (!stats.cold && stats.added > moved)
		post_folder(w, SYNC_EV_NEW_MAIL, name, NULL,
		    stats.added - moved);
	return rc;
}

/* Fills the pass with every selectable folder, the watched one first. */
static void
start_pass(struct sync_worker *w)
{
	struct store_folder_list l = STORE_FOLDER_LIST_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	size_t i;

	w->pass_owed = false;
	names_release(&w->pass);
	names_add(&w->pass, w->watch);
	if (store_folder_list(w->st, &l, &err) != 0) {
		post_state(w, SYNC_STATE_ERROR, NULL, fct_error_msg(&err));
		fct_error_release(&err);
		return;
	}
	for (i = 0; i < l.n; i++)
		if (!l.v[i].noselect)
			names_add(&w->pass, l.v[i].name);
	store_folder_list_release(&l);
}

static struct counts *
counts_of(struct sync_worker *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->ncounts; i++)
		if (strcmp(w->counts[i].name, name) == 0)
			return &w->counts[i];
	FCT_ALLOC_GROW(w->counts, w->ncounts + 1, w->counts_alloc);
	memset(&w->counts[w->ncounts], 0, sizeof *w->counts);
	w->counts[w->ncounts].name = xstrdup(name);
	return &w->counts[w->ncounts++];
}

/*
 * STATUS of every selectable folder: the counts go to the store, and a
 * folder whose counts moved since the last round is synced (the selected
 * one hears of its news from IDLE instead).
 */
static enum step
status_round(struct sync_worker *w)
{
	struct store_folder_list l = STORE_FOLDER_LIST_INIT;
	struct imap_changes ch = IMAP_CHANGES_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder *f;
	struct counts *c;
	uint32_t total, unseen;
	enum step rc = STEP_OK;
	size_t i;

	w->next_status_ms = now_ms() + (int64_t)w->opt.status_interval_s * 1000;
	if (store_folder_list(w->st, &l, &err) != 0) {
		post_state(w, SYNC_STATE_ERROR, NULL, fct_error_msg(&err));
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		f = &l.v[i];
		if (f->noselect)
			continue;
		if (imap_status(w->s, f->name, f->raw_name, &total, &unseen,
			&ch, &err) != 0) {
			if (imap_session_broken(w->s)) {
				rc = broken(w, &err);
				goto out;
			}
			post_folder(w, SYNC_EV_FOLDER_FAILED, f->name,
			    fct_error_msg(&err), 0);
			fct_error_release(&err);
			continue;
		}
		c = counts_of(w, f->name);
		if (c->known && (c->total != total || c->unseen != unseen) &&
		    (w->selected == NULL || strcmp(f->name, w->selected) != 0))
			names_add(&w->asked, f->name);
		c->known = true;
		c->total = total;
		c->unseen = unseen;
		if (f->total != total || f->unseen != unseen) {
			f->total = total;
			f->unseen = unseen;
			if (store_folder_put(w->st, f, &err) != 0) {
				post_folder(w, SYNC_EV_FOLDER_FAILED, f->name,
				    fct_error_msg(&err), 0);
				fct_error_release(&err);
				continue;
			}
			post_folder(w, SYNC_EV_FOLDER_CHANGED, f->name, NULL,
			    0);
		}
	}
out:
	imap_changes_release(&ch);
	store_folder_list_release(&l);
	fct_error_release(&err);
	return rc;
}

/* News for the selected, watched folder in what a command reported. */
static bool
news(struct sync_worker *w, const struct imap_changes *ch)
{
	uint32_t exists;

	if (ch->expunged || ch->vanished.n > 0 || ch->fetched > 0)
		return true;
	return imap_selected_exists(w->s, &exists) && exists != w->known_exists;
}

/*
 * Nothing owed: waits on the watched folder until news, a request or a
 * timer. News puts the folder in w->asked for the next step.
 */
static enum step
wait_for_news(struct sync_worker *w)
{
	struct imap_changes ch = IMAP_CHANGES_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	bool push = imap_has_idle(w->s) && !w->no_idle;
	int64_t deadline, status_at = w->next_status_ms;
	enum step rc = STEP_OK;
	int64_t retry_at;

	if (w->selected == NULL || strcmp(w->selected, w->watch) != 0) {
		/* A folder that failed to sync is tried again only after a
		 * poll interval, or when asked. */
		retry_at =
		    w->watch_failed_ms + (int64_t)w->opt.poll_interval_s * 1000;
		if (w->watch_failed_ms != 0 && retry_at > now_ms()) {
			wait_for(w, -1, retry_at - now_ms());
			if (retry_at > now_ms())
				return STEP_OK;
		}
		names_add(&w->asked, w->watch);
		return STEP_OK;
	}
	if (news(w, &ch)) {
		/* News came with the last answer (a STATUS round). */
		names_add(&w->asked, w->watch);
		return STEP_OK;
	}
	if (store_checkpoint(w->st, &err) != 0)
		fct_error_release(&err); /* best effort: retried next time */
	if (w->posted != SYNC_STATE_IDLE || w->posted_folder == NULL ||
	    strcmp(w->posted_folder, w->watch) != 0) {
		struct sync_event *ev = event_new(w, w->watch, NULL);

		ev->state = SYNC_STATE_IDLE;
		ev->push = push;
		post(w, SYNC_EV_STATE, ev);
		w->posted = SYNC_STATE_IDLE;
		free(w->posted_folder);
		w->posted_folder = xstrdup(w->watch);
	}
	deadline = now_ms() +
	    (int64_t)(push ? w->opt.idle_restart_s : w->opt.poll_interval_s) *
		1000;
	if (status_at > 0 && status_at < deadline)
		deadline = status_at;
	if (!push) {
		wait_for(w, -1, deadline - now_ms());
		if (fct_queue_len(w->requests) > 0 || stop_asked(w) ||
		    now_ms() < deadline)
			goto out; /* a request: see to it first */
		if (imap_noop(w->s, &ch, &err) != 0)
			goto failed;
		goto harvest;
	}
	if (imap_idle_start(w->s, &err) != 0) {
		if (imap_session_broken(w->s))
			goto failed;
		/* Refused although announced: poll from now on. */
		w->no_idle = true;
		post_state(w, SYNC_STATE_ERROR, NULL, fct_error_msg(&err));
		goto out;
	}
	while (!imap_idle_pending(w->s) && now_ms() < deadline &&
	    fct_queue_len(w->requests) == 0 && !stop_asked(w))
		if (wait_for(w, imap_idle_fd(w->s), deadline - now_ms()))
			break; /* the server spoke */
	if (imap_idle_done(w->s, &ch, &err) != 0) {
		if (imap_session_broken(w->s))
			goto failed;
		post_state(w, SYNC_STATE_ERROR, NULL, fct_error_msg(&err));
		goto out;
	}
harvest:
	if (news(w, &ch))
		names_add(&w->asked, w->watch);
	goto out;
failed:
	rc = broken(w, &err);
out:
	imap_changes_release(&ch);
	fct_error_release(&err);
	return rc;
}

/* The oldest body asked for; it stays asked for when the session broke. */
static enum step
fetch_one(struct sync_worker *w)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct fetch *f = &w->fetches[0];
	struct sync_event *ev;
	enum step rc = STEP_OK;
	unsigned fetched = 0;

	free(w->selected);
	w->selected = NULL;
	if (sync_fetch_bodies(w->s, w->st, f->folder, &f->uid, 1,
		SYNC_BODY_BUDGET, &fetched, &err) != 0 &&
	    imap_session_broken(w->s)) {
		rc = broken(w, &err);
		fct_error_release(&err);
		return rc;
	}
	if (err.msg == NULL && fetched == 0)
		fct_error_set(&err,
		    "message %u of '%s' is gone from the server", f->uid,
		    f->folder);
	ev = event_new(w, f->folder, err.msg);
	ev->uid = f->uid;
	ev->count = fetched;
	post(w, SYNC_EV_BODY_FETCHED, ev);
	free(f->folder);
	memmove(w->fetches, w->fetches + 1,
	    (w->nfetches - 1) * sizeof *w->fetches);
	w->nfetches--;
	fct_error_release(&err);
	return rc;
}

/*
 * The oldest server search asked for: the query compiled for IMAP, the
 * folder selected and searched, the matches the cache lacks fetched (up
 * to the folder's UIDNEXT: newer ones are new mail, which a sync of the
 * folder, asked for here, brings through the rules), and the answer
 * posted. A broken session keeps the search for the next connection.
 */
static enum step
search_one(struct sync_worker *w)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct search *q = w->searches[0];
	struct query *parsed = NULL;
	struct query_imap_key *key = NULL;
	struct imap_uid_list hits = IMAP_UID_LIST_INIT;
	struct store_folder f = STORE_FOLDER_INIT;
	struct imap_mailbox_state ms;
	struct sync_event *ev;
	uint32_t *known = NULL, *lack = NULL;
	size_t nknown = 0, nlack = 0, i, k = 0;
	unsigned fetched = 0;
	bool exact = true, newer = false;
	enum step rc = STEP_OK;
	int found;

	free(w->selected);
	w->selected = NULL;
	if (query_parse(q->query, &parsed, &err) != 0 ||
	    query_to_imap(parsed, time(NULL), &key, &exact, &err) != 0)
		goto answer;
	if ((found = store_folder_get(w->st, q->folder, &f, &err)) <= 0) {
		if (found == 0)
			fct_error_set(&err, "no folder '%s'", q->folder);
		goto answer;
	}
	if (imap_select(w->s, f.raw_name, IMAP_SYNC_CLASSIC, &ms, NULL, &err) !=
		0 ||
	    imap_search(w->s, key, &hits, NULL, &err) != 0 ||
	    store_msg_uids(w->st, f.id, &known, &nknown, &err) != 0)
		goto answer;
	/* Both ascending: what the server found and the cache lacks. */
	lack = xreallocarray(NULL, hits.n + 1, sizeof *lack);
	for (i = 0; i < hits.n; i++) {
		while (k < nknown && known[k] < hits.v[i])
			k++;
		if (k < nknown && known[k] == hits.v[i])
			continue;
		if (f.uidnext != 0 && hits.v[i] >= f.uidnext)
			newer = true;
		else
			lack[nlack++] = hits.v[i];
	}
	if (sync_fetch_headers(w->s, w->st, q->folder, lack, nlack, &fetched,
		&err) != 0)
		goto answer;
	if (newer)
		names_add_front(&w->asked, q->folder);
	if (fetched > 0)
		post_changed(w, q->folder);
answer:
	if (err.msg != NULL && w->s != NULL && imap_session_broken(w->s)) {
		rc = broken(w, &err);
		goto out;
	}
	ev = event_new(w, q->folder, err.msg);
	ev->ticket = q->ticket;
	ev->exact = exact;
	ev->count = fetched;
	if (err.msg == NULL && hits.n > 0) {
		ev->nuids = hits.n;
		ev->src = xreallocarray(NULL, hits.n, sizeof *ev->src);
		memcpy(ev->src, hits.v, hits.n * sizeof *ev->src);
	}
	post(w, SYNC_EV_SEARCH_DONE, ev);
	search_free(q);
	memmove(w->searches, w->searches + 1,
	    (w->nsearches - 1) * sizeof *w->searches);
	w->nsearches--;
out:
	free(known);
	free(lack);
	imap_uid_list_release(&hits);
	store_folder_release(&f);
	query_imap_key_free(&key);
	query_free(&parsed);
	fct_error_release(&err);
	return rc;
}

/* --- POP3 accounts ---------------------------------------------------- */

/* Publishes (s) or withdraws (NULL) the POP3 session for cancellation;
 * returns whether a cancel was asked meanwhile. */
static bool
pop_publish(struct sync_worker *w, struct pop_session *s)
{
	bool cancel;

	lock(w);
	w->pop_live = s;
	cancel = w->cancelled;
	unlock(w);
	return cancel;
}

static void
pop_touched(void *arg, const char *folder)
{
	post_changed(arg, folder);
}

/*
 * Runs the store's job queue on the local folders (sync_local_jobs_run):
 * the UI's filing, which the job writer stored, the copies of sent mail,
 * which the outbox queues as jobs, or jobs an older facteur queued. Each
 * is answered like an IMAP job (a move's old and new UIDs included, for
 * undo), then with the counts of the folders it touched.
 */
static void
pop_queue(struct sync_worker *w)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_event *ev;
	size_t n = 0;

	/* A failure of the cache leaves its job first in the queue, for
	 * the next round; err says why. */
	if (store_job_count(w->st, &n, &err) == 0 && n > 0 &&
	    sync_local_jobs_run(w->st, job_result, pop_touched, w, &err) == 0)
		fct_error_release(&err);
	if (err.msg != NULL) {
		ev = event_new(w, NULL, fct_error_msg(&err));
		ev->job_kind = xstrdup("append");
		post(w, SYNC_EV_JOB_FAILED, ev);
	}
	fct_error_release(&err);
}

/* Progress of a download, which also takes the requests that came
 * meanwhile: filing in local folders does not wait for the session's
 * end (called between two messages, outside any transaction). */
static void
pop_progress(void *arg, const char *folder, uint32_t done, uint32_t total)
{
	struct sync_worker *w = arg;

	progress(arg, folder, done, total);
	if (fct_queue_len(w->requests) > 0)
		(void)take_requests(w);
	if (w->jobs_owed) {
		w->jobs_owed = false;
		pop_queue(w);
	}
}

/*
 * One POP3 session: connect, log in, download what is new into the local
 * INBOX, delete what the policy says, quit. POP3 has no IDLE: the next
 * session comes after poll_interval_s, or at once when asked.
 */
static enum step
pop_round(struct sync_worker *w)
{
	struct fct_error err = FCT_ERROR_INIT, err2 = FCT_ERROR_INIT;
	struct sync_pop_opts opts = { 0 };
	struct sync_pop_stats stats;
	struct pop_session *s = NULL;
	enum step rc = STEP_BROKEN;
	size_t npending = 0;
	unsigned moved = 0;
	bool synced;

	post_state(w, SYNC_STATE_CONNECTING, NULL, NULL);
	if (pop_session_open(w->acct, &s, &err) != 0) {
		post_state(w, SYNC_STATE_OFFLINE, NULL, fct_error_msg(&err));
		goto out;
	}
	if (pop_publish(w, s))
		pop_session_cancel(s);
	/* The secret is fetched only once the server proved who it is. */
	if (pop_session_authenticate(s, w->acct, &err) != 0) {
		post_state(w,
		    pop_session_broken(s) ? SYNC_STATE_OFFLINE
					  : SYNC_STATE_ERROR,
		    NULL, fct_error_msg(&err));
		goto out;
	}
	w->attempt = 0;
	post_state(w, SYNC_STATE_ONLINE, NULL, NULL);
	progress(w, SYNC_POP_FOLDER, 0, 0);
	opts.now = time(NULL);
	opts.progress = pop_progress;
	opts.progress_arg = w;
	reload_rules(w);
	if (rules_wanted(w, SYNC_POP_FOLDER))
		opts.on_new = sync_pop_rules_mark;
	synced = sync_pop(s, w->acct, w->st, &opts, &stats, &err) == 0;
	/* New mail through the rules before anyone hears of it, also what
	 * an interrupted session stored or a crash left pending; the
	 * changes are made in the cache at once (local folders). */
	if (!stop_asked(w)) {
		if (store_rules_pending_count(w->st, 0, &npending, &err2) !=
		    0) {
			post_folder(w, SYNC_EV_FOLDER_FAILED, SYNC_POP_FOLDER,
			    fct_error_msg(&err2), 0);
			fct_error_release(&err2);
		}
		if (npending > 0)
			moved = run_rules(w, SYNC_POP_FOLDER);
	}
	if (!synced) {
		/* A stop cancels the stream: that is no news to the owner. */
		if (stop_asked(w))
			goto out;
		if (pop_session_broken(s)) {
			post_state(w, SYNC_STATE_OFFLINE, NULL,
			    fct_error_msg(&err));
			goto out;
		}
		/* Refused, or the cache failed: try again after a poll. */
		post_folder(w, SYNC_EV_FOLDER_FAILED, SYNC_POP_FOLDER,
		    fct_error_msg(&err), 0);
	} else {
		if (stats.added > 0)
			post_folder(w, SYNC_EV_FOLDER_CHANGED, SYNC_POP_FOLDER,
			    NULL, 0);
		/* A first fill is not news; what arrives after it is. */
		if (!stats.cold && stats.added > moved)
			post_folder(w, SYNC_EV_NEW_MAIL, SYNC_POP_FOLDER, NULL,
			    stats.added - moved);
	}
	w->pop_next_ms = now_ms() + (int64_t)w->opt.poll_interval_s * 1000;
	rc = STEP_OK;
out:
	pop_publish(w, NULL);
	pop_session_close(&s);
	fct_error_release(&err);
	return rc;
}

/* Whether the INBOX is among the folders asked for. */
static bool
pop_inbox_asked(const struct sync_worker *w)
{
	size_t i;

	for (i = 0; i < w->asked.n; i++)
		if (strcmp(w->asked.v[i], SYNC_POP_FOLDER) == 0)
			return true;
	return false;
}

/* The POP3 account's step: a session when one is due or asked for, else
 * wait for that. */
static enum step
pop_step(struct sync_worker *w)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_event *ev;

	/* The outbox goes through SMTP, which needs no POP3 session; the
	 * copies it queues go to local folders. */
	if (w->outbox_owed || w->jobs_owed) {
		w->outbox_owed = w->jobs_owed = false;
		send_outbox(w);
		pop_queue(w);
	}
	/* Bodies are downloaded whole: one missing is not on the server
	 * either (it may have deleted it). */
	while (w->nfetches > 0) {
		ev = event_new(w, w->fetches[0].folder,
		    "a POP3 account's messages are downloaded whole; this "
		    "one is not in the cache");
		ev->uid = w->fetches[0].uid;
		post(w, SYNC_EV_BODY_FETCHED, ev);
		free(w->fetches[0].folder);
		memmove(w->fetches, w->fetches + 1,
		    (w->nfetches - 1) * sizeof *w->fetches);
		w->nfetches--;
	}
	/* Nor a server to search. */
	while (w->nsearches > 0) {
		ev = event_new(w, w->searches[0]->folder,
		    "a POP3 account has no server search");
		ev->ticket = w->searches[0]->ticket;
		post(w, SYNC_EV_SEARCH_DONE, ev);
		search_free(w->searches[0]);
		memmove(w->searches, w->searches + 1,
		    (w->nsearches - 1) * sizeof *w->searches);
		w->nsearches--;
	}
	/* Only the INBOX has a server behind it: opening another local
	 * folder is no reason for a session. */
	if (!pop_inbox_asked(w))
		names_release(&w->asked);
	if (w->asked.n > 0 || w->pass_owed || w->pass.n > 0 ||
	    w->pop_next_ms <= now_ms()) {
		names_release(&w->asked);
		names_release(&w->pass);
		w->pass_owed = false;
		return pop_round(w);
	}
	if (store_checkpoint(w->st, &err) != 0)
		fct_error_release(&err); /* best effort: retried next time */
	if (w->posted != SYNC_STATE_IDLE) {
		ev = event_new(w, SYNC_POP_FOLDER, NULL);
		ev->state = SYNC_STATE_IDLE;
		ev->push = false;
		post(w, SYNC_EV_STATE, ev);
		w->posted = SYNC_STATE_IDLE;
		free(w->posted_folder);
		w->posted_folder = xstrdup(SYNC_POP_FOLDER);
	}
	wait_for(w, -1, w->pop_next_ms - now_ms());
	return STEP_OK;
}

/* One step of an IMAP account's loop, as described at the top. */
static enum step
imap_step(struct sync_worker *w)
{
	enum step rc;
	char *name;

	if (w->s == NULL) {
		if ((rc = connect_account(w)) != STEP_OK)
			return rc;
		return STEP_OK;
	}
	if (w->jobs_owed)
		return run_jobs(w);
	if (w->nfetches > 0)
		return fetch_one(w);
	if (w->nsearches > 0)
		return search_one(w);
	if (w->asked.n > 0) {
		name = xstrdup(w->asked.v[0]);
		rc = sync_one(w, name);
		/* Left for the next connection when that broke it, and for
		 * the next step when it made way for a request (which may
		 * have put another folder first meanwhile). */
		if (rc != STEP_BROKEN && rc != STEP_YIELDED)
			names_remove(&w->asked, name);
		free(name);
		return rc == STEP_YIELDED ? STEP_OK : rc;
	}
	if (w->pass_owed)
		start_pass(w);
	if (w->pass.n > 0) {
		name = xstrdup(w->pass.v[0]);
		rc = sync_one(w, name);
		if (rc != STEP_BROKEN && rc != STEP_YIELDED)
			names_remove(&w->pass, name);
		free(name);
		return rc == STEP_YIELDED ? STEP_OK : rc;
	}
	if (w->next_status_ms <= now_ms())
		return status_round(w);
	return wait_for_news(w);
}

/* Under the lock: makes the session's blocked read or write fail. */
static void
imap_cancel(struct sync_worker *w)
{
	if (w->live != NULL)
		imap_session_cancel(w->live);
}

static void
pop_cancel(struct sync_worker *w)
{
	if (w->pop_live != NULL)
		pop_session_cancel(w->pop_live);
}

/*
 * The account backends (STYLE.md rule 5): what a step of the loop does,
 * and how a stop cuts a blocked session. The rest of the worker (queues,
 * events, back-off, the cache) is the same for both.
 */
static const struct worker_backend imap_backend = {
	.step = imap_step,
	.cancel = imap_cancel,
};

static const struct worker_backend pop_backend = {
	.step = pop_step,
	.cancel = pop_cancel,
};

static enum step
open_store(struct sync_worker *w)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *path = sync_store_path(w->cfg, w->acct);
	int r = store_open(path, &w->st, &err);

	free(path);
	if (r == 0)
		return STEP_OK;
	post_state(w, SYNC_STATE_ERROR, NULL, fct_error_msg(&err));
	fct_error_release(&err);
	return STEP_BROKEN;
}

static void *
worker_main(void *arg)
{
	struct sync_worker *w = arg;
	enum step rc = STEP_OK;

	while (rc != STEP_STOP) {
		if ((rc = take_requests(w)) == STEP_STOP)
			break;
		if (w->st == NULL)
			rc = open_store(w);
		else
			rc = w->backend->step(w);
		if (rc == STEP_BROKEN)
			rc = back_off(w);
	}
	drop_session(w);
	store_close(&w->st);
	post_state(w, SYNC_STATE_STOPPED, NULL, NULL);
	lock(w);
	w->finished = true;
	pthread_cond_broadcast(&w->cond);
	unlock(w);
	return NULL;
}

/* --- The owner's side ------------------------------------------------- */

int
sync_worker_start(const struct config *cfg, const struct config_account *acct,
    const struct sync_worker_options *opt, struct fct_queue *events,
    struct sync_worker **out, struct fct_error *err)
{
	static const struct sync_worker_options defaults =
	    SYNC_WORKER_OPTIONS_INIT;
	struct sync_worker *w;
	pthread_condattr_t ca;
	int r;

	*out = NULL;
	if (acct->imap.proto != CONFIG_PROTO_IMAP &&
	    acct->pop.proto != CONFIG_PROTO_POP)
		return fct_error_set(err,
		    "account '%s' has no IMAP or POP3 "
		    "server",
		    acct->name);
	w = xcalloc(1, sizeof *w);
	w->cfg = cfg;
	w->acct = acct;
	w->backend =
	    acct->pop.proto == CONFIG_PROTO_POP ? &pop_backend : &imap_backend;
	w->opt = opt != NULL ? *opt : defaults;
	if (w->opt.backoff_max_ms < w->opt.backoff_min_ms)
		w->opt.backoff_max_ms = w->opt.backoff_min_ms;
	w->events = events;
	w->watch = xstrdup("INBOX");
	w->posted = SYNC_STATE_STOPPED;
	/* What a previous run left in the outbox goes out even if the IMAP
	 * server is down. */
	w->outbox_owed = true;
	w->rng = (uint64_t)now_ms() ^ ((uint64_t)(uintptr_t)w << 16) ^
	    0x9E3779B97F4A7C15ULL;
	if (fct_queue_new(&w->requests, err) != 0) {
		free(w->watch);
		free(w);
		return -1;
	}
	if (sync_jobwriter_start(cfg, acct, events, w->requests, &w->jw, err) !=
	    0) {
		fct_queue_free(&w->requests);
		free(w->watch);
		free(w);
		return -1;
	}
	if (pthread_mutex_init(&w->lock, NULL) != 0 ||
	    pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&w->cond, &ca) != 0)
		fct_fatal("cannot initialise a worker's lock");
	pthread_condattr_destroy(&ca);
	r = sync_thread_start(&w->thread, worker_main, w);
	if (r != 0) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		sync_jobwriter_free(&w->jw);
		fct_queue_free(&w->requests);
		free(w->watch);
		free(w);
		return fct_error_set(err, "cannot start the worker of '%s': %s",
		    acct->name, strerror(r));
	}
	*out = w;
	return 0;
}

void
sync_worker_post(struct sync_worker *w, enum sync_request req,
    const char *folder)
{
	if (req == SYNC_REQ_STOP) {
		sync_worker_stop(w);
		return;
	}
	fct_queue_post(w->requests, (int)req,
	    folder != NULL ? xstrdup(folder) : NULL, NULL);
}

void
sync_worker_fetch(struct sync_worker *w, const char *folder, uint32_t uid)
{
	struct fetch *f = xcalloc(1, sizeof *f);

	f->folder = xstrdup(folder);
	f->uid = uid;
	fct_queue_post(w->requests, SYNC_REQ_FETCH_BODY, f, fetch_free);
}

void
sync_worker_add_job(struct sync_worker *w, const char *kind,
    const char *payload, uint64_t ticket)
{
	sync_jobwriter_add(w->jw, kind, payload, ticket);
}

void
sync_worker_search(struct sync_worker *w, const char *folder, const char *query,
    uint64_t ticket)
{
	struct search *q = xcalloc(1, sizeof *q);

	q->folder = xstrdup(folder);
	q->query = xstrdup(query);
	q->ticket = ticket;
	fct_queue_post(w->requests, SYNC_REQ_SEARCH, q, search_free);
}

void
sync_worker_stop(struct sync_worker *w)
{
	bool first;

	lock(w);
	first = !w->stopping;
	w->stopping = true;
	unlock(w);
	if (first)
		fct_queue_post(w->requests, SYNC_REQ_STOP, NULL, NULL);
}

const char *
sync_worker_account(const struct sync_worker *w)
{
	return w->acct->name;
}

void
sync_worker_free(struct sync_worker **wp)
{
	struct sync_worker *w = *wp;
	struct timespec until;
	size_t i;

	if (w == NULL)
		return;
	/* The jobs handed over go to the store first (its wake-up of the
	 * worker is harmless now), while the worker still takes requests. */
	sync_jobwriter_free(&w->jw);
	sync_worker_stop(w);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += w->opt.stop_grace_ms / 1000;
	until.tv_nsec += (long)(w->opt.stop_grace_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	lock(w);
	while (!w->finished &&
	    pthread_cond_timedwait(&w->cond, &w->lock, &until) != ETIMEDOUT)
		;
	if (!w->finished) {
		/* Blocked on the network: make its read fail now, and any
		 * session it logs in later too. */
		w->cancelled = true;
		w->backend->cancel(w);
	}
	unlock(w);
	if (pthread_join(w->thread, NULL) != 0)
		BUG("cannot join the worker of '%s'", w->acct->name);
	fct_queue_free(&w->requests);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	names_release(&w->asked);
	names_release(&w->pass);
	for (i = 0; i < w->ncounts; i++)
		free(w->counts[i].name);
	free(w->counts);
	for (i = 0; i < w->nfetches; i++)
		free(w->fetches[i].folder);
	free(w->fetches);
	for (i = 0; i < w->nsearches; i++)
		search_free(w->searches[i]);
	free(w->searches);
	free(w->watch);
	free(w->selected);
	free(w->posted_folder);
	rules_free(&w->rules);
	free(w);
	*wp = NULL;
}
