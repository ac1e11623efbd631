/*
 * The job writer: a small thread of each account worker that writes the
 * jobs handed to it (sync_worker_add_job: the terminal UI's filing, a
 * draft's copy) to the store's queue at once, with a store connection of
 * its own, then wakes the worker to run them.
 *
 * Why a thread of its own. The UI thread must not wait for the store: a
 * write there waits while another connection commits. The worker cannot
 * write the job itself at once either: it is busy with the network, and
 * takes requests only between two batches of a sync, so a job handed to
 * it lived in memory only until then, and a crash lost the user's action.
 * This thread does nothing but write jobs. Since no write transaction of
 * the worker spans network I/O (src/sync/folder.c, body.c), a job waits
 * behind one store-only commit at most, a few milliseconds; the UI thread
 * only appends to a list under a mutex.
 *
 * Tickets. The caller names each job with a ticket (the store id is not
 * known when it hands the job over); the worker's events of that job
 * carry it. The ticket is recorded under `tlock` together with the write
 * (the lock held across store_job_add), so the worker, which asks for it
 * when the job ends (sync_jobwriter_ticket_take, never inside a write
 * transaction of its own), cannot run the job before its ticket is known.
 *
 * A job the store refuses (or that finds no store: the cache cannot be
 * opened) is reported as SYNC_EV_JOB_FAILED with job_id 0 and its ticket.
 * Stopping writes every job handed over first.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/core_queue.h"
#include "private.h"

struct wjob {
	char *kind, *payload; /* owned */
	uint64_t ticket;
};

struct wticket {
	int64_t job_id;
	uint64_t ticket;
};

struct sync_jobwriter {
	/* Set before the thread starts; read-only afterwards. */
	const struct config *cfg;
	const struct config_account *acct;
	struct fct_queue *events; /* borrowed: the owner's */
	struct fct_queue *wake;   /* borrowed: the worker's requests */
	pthread_t thread;

	/* Under lock. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct wjob *todo;
	size_t ntodo, todo_alloc;
	bool stopping;

	/* Under tlock. */
	pthread_mutex_t tlock;
	struct wticket *tickets; /* jobs in the store with a ticket */
	size_t ntickets, tickets_alloc;

	/* The thread's own. */
	struct store *st;
};

static void
wjob_release(struct wjob *j)
{
	free(j->kind);
	free(j->payload);
}

static void
post_failed(struct sync_jobwriter *jw, const struct wjob *j, const char *why)
{
	struct sync_event *ev = xcalloc(1, sizeof *ev);

	ev->account = xstrdup(jw->acct->name);
	ev->reason = xstrdup(why);
	ev->job_kind = xstrdup(j->kind);
	ev->ticket = j->ticket;
	fct_queue_post(jw->events, SYNC_EV_JOB_FAILED, ev, sync_event_free);
}

/* Writes one job and records its ticket; 0 when it is in the store. */
static int
write_one(struct sync_jobwriter *jw, const struct wjob *j)
{
	struct fct_error err = FCT_ERROR_INIT;
	int64_t id;
	char *path;
	int rc;

	if (jw->st == NULL) {
		path = sync_store_path(jw->cfg, jw->acct);
		rc = store_open(path, &jw->st, &err);
		free(path);
		if (rc != 0) {
			post_failed(jw, j, fct_error_msg(&err));
			fct_error_release(&err);
			return -1;
		}
	}
	pthread_mutex_lock(&jw->tlock);
	rc = store_job_add(jw->st, j->kind, j->payload, &id, &err);
	if (rc == 0) {
		FCT_ALLOC_GROW(jw->tickets, jw->ntickets + 1,
		    jw->tickets_alloc);
		jw->tickets[jw->ntickets].job_id = id;
		jw->tickets[jw->ntickets++].ticket = j->ticket;
	}
	pthread_mutex_unlock(&jw->tlock);
	if (rc != 0) {
		post_failed(jw, j, fct_error_msg(&err));
		fct_error_release(&err);
	}
	return rc;
}

static void *
writer_main(void *arg)
{
	struct sync_jobwriter *jw = arg;
	struct wjob *batch;
	size_t n, i;
	bool any;

	pthread_mutex_lock(&jw->lock);
	for (;;) {
		while (jw->ntodo == 0 && !jw->stopping)
			pthread_cond_wait(&jw->cond, &jw->lock);
		if (jw->ntodo == 0)
			break; /* stopping, and everything written */
		batch = jw->todo;
		n = jw->ntodo;
		jw->todo = NULL;
		jw->ntodo = jw->todo_alloc = 0;
		pthread_mutex_unlock(&jw->lock);
		any = false;
		for (i = 0; i < n; i++) {
			if (write_one(jw, &batch[i]) == 0)
				any = true;
			wjob_release(&batch[i]);
		}
		free(batch);
		/* In the store: the worker runs them when it next can. */
		if (any)
			fct_queue_post(jw->wake, SYNC_REQ_ADD_JOB, NULL, NULL);
		pthread_mutex_lock(&jw->lock);
	}
	pthread_mutex_unlock(&jw->lock);
	store_close(&jw->st);
	return NULL;
}

int
sync_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int r;

	/* The thread inherits the mask: it never takes a signal. */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

int
sync_jobwriter_start(const struct config *cfg,
    const struct config_account *acct, struct fct_queue *events,
    struct fct_queue *wake, struct sync_jobwriter **out, struct fct_error *err)
{
	struct sync_jobwriter *jw = xcalloc(1, sizeof *jw);
	int r;

	*out = NULL;
	jw->cfg = cfg;
	jw->acct = acct;
	jw->events = events;
	jw->wake = wake;
	if (pthread_mutex_init(&jw->lock, NULL) != 0 ||
	    pthread_mutex_init(&jw->tlock, NULL) != 0 ||
	    pthread_cond_init(&jw->cond, NULL) != 0)
		fct_fatal("cannot initialise a job writer's lock");
	r = sync_thread_start(&jw->thread, writer_main, jw);
	if (r != 0) {
		pthread_cond_destroy(&jw->cond);
		pthread_mutex_destroy(&jw->tlock);
		pthread_mutex_destroy(&jw->lock);
		free(jw);
		return fct_error_set(err,
		    "cannot start the job writer of '%s': %s", acct->name,
		    strerror(r));
	}
	*out = jw;
	return 0;
}

void
sync_jobwriter_add(struct sync_jobwriter *jw, const char *kind,
    const char *payload, uint64_t ticket)
{
	struct wjob *j;

	pthread_mutex_lock(&jw->lock);
	FCT_ALLOC_GROW(jw->todo, jw->ntodo + 1, jw->todo_alloc);
	j = &jw->todo[jw->ntodo++];
	j->kind = xstrdup(kind);
	j->payload = xstrdup(payload);
	j->ticket = ticket;
	pthread_cond_signal(&jw->cond);
	pthread_mutex_unlock(&jw->lock);
}

uint64_t
sync_jobwriter_ticket_take(struct sync_jobwriter *jw, int64_t job_id)
{
	uint64_t t = 0;
	size_t i;

	pthread_mutex_lock(&jw->tlock);
	for (i = 0; i < jw->ntickets; i++)
		if (jw->tickets[i].job_id == job_id) {
			t = jw->tickets[i].ticket;
			jw->tickets[i] = jw->tickets[--jw->ntickets];
			break;
		}
	pthread_mutex_unlock(&jw->tlock);
	return t;
}

void
sync_jobwriter_free(struct sync_jobwriter **jwp)
{
	struct sync_jobwriter *jw = *jwp;

	if (jw == NULL)
		return;
	pthread_mutex_lock(&jw->lock);
	jw->stopping = true;
	pthread_cond_signal(&jw->cond);
	pthread_mutex_unlock(&jw->lock);
	/* Returns once every job handed over is written (or reported). */
	if (pthread_join(jw->thread, NULL) != 0)
		BUG("cannot join the job writer of '%s'", jw->acct->name);
	pthread_cond_destroy(&jw->cond);
	pthread_mutex_destroy(&jw->tlock);
	pthread_mutex_destroy(&jw->lock);
	free(jw->tickets);
	free(jw);
	*jwp = NULL;
}
