/*
 * A pipe of one stage: a thread that runs one job at a time for its
 * owner, so that the owner can go on with the next piece of work (the
 * next FETCH on the network) while the job (decoding and writing the
 * previous batch) runs on the other CPU.
 *
 * At most one job is in flight: sync_pipe_run waits for the one before,
 * so jobs run in the order they are handed over, and whatever a job uses
 * (the store handle, the batch) is the job's from sync_pipe_run until the
 * next sync_pipe_wait returns. The hand-over goes through the mutex, which
 * orders the owner's writes before the job and the job's before the owner
 * reads them again. A failed job's error is kept until sync_pipe_wait
 * hands it back, and the jobs handed over after it are not run: the
 * owner stops at its first failure, as it would writing in line.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "private.h"

struct sync_pipe {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Under lock. */
	int (*fn)(void *arg, struct fct_error *err); /* the job; NULL: none */
	void *arg;
	bool stopping;
	int rc; /* -1 once a job failed, with err */
	struct fct_error err;
};

static void *
pipe_main(void *arg)
{
	struct sync_pipe *p = arg;
	struct fct_error err = FCT_ERROR_INIT;
	int rc;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->fn == NULL && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->fn == NULL)
			break;
		pthread_mutex_unlock(&p->lock);
		rc = p->fn(p->arg, &err);
		pthread_mutex_lock(&p->lock);
		if (rc != 0) {
			p->rc = -1;
			p->err = err; /* moved */
			err = (struct fct_error)FCT_ERROR_INIT;
		}
		p->fn = NULL;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int
sync_pipe_start(struct sync_pipe **out)
{
	struct sync_pipe *p = xcalloc(1, sizeof *p);
	int r;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if ((r = sync_thread_start(&p->thread, pipe_main, p)) != 0) {
		pthread_cond_destroy(&p->cond);
		pthread_mutex_destroy(&p->lock);
		free(p);
		*out = NULL;
		return r;
	}
	*out = p;
	return 0;
}

/* Waits for the job in flight; p->lock held. */
static void
idle_locked(struct sync_pipe *p)
{
	while (p->fn != NULL)
		pthread_cond_wait(&p->cond, &p->lock);
}

int
sync_pipe_wait(struct sync_pipe *p, struct fct_error *err)
{
	int rc;

	pthread_mutex_lock(&p->lock);
	idle_locked(p);
	rc = p->rc;
	if (rc != 0 && p->err.msg != NULL) {
		fct_error_set(err, "%s", p->err.msg);
		fct_error_release(&p->err);
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

bool
sync_pipe_busy(struct sync_pipe *p)
{
	bool busy;

	pthread_mutex_lock(&p->lock);
	busy = p->fn != NULL;
	pthread_mutex_unlock(&p->lock);
	return busy;
}

void
sync_pipe_run(struct sync_pipe *p, int (*fn)(void *arg, struct fct_error *err),
    void *arg)
{
	pthread_mutex_lock(&p->lock);
	idle_locked(p);
	if (p->rc == 0) {
		p->fn = fn;
		p->arg = arg;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
}

void
sync_pipe_stop(struct sync_pipe **pp)
{
	struct sync_pipe *p = *pp;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	idle_locked(p);
	p->stopping = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	fct_error_release(&p->err);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
	*pp = NULL;
}
