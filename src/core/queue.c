/*
 * The message queue between threads (include/facteur/core_queue.h).
 *
 * Design. A mutex guards a singly linked tail queue and its length. Beside
 * it sits an eventfd whose counter mirrors emptiness: it is 1 while the
 * list holds messages and 0 while it is empty. Both are changed under the
 * mutex, only on the transitions (a push onto an empty list writes 1, a pop
 * that empties it reads the counter back to 0), so the counter never
 * exceeds 1 and the descriptor is readable exactly when there is something
 * to pop. That is what a poll() loop needs: it can sleep on the descriptor
 * beside a terminal or a socket, and after waking it pops until NULL
 * without ever blocking. A level-triggered descriptor also makes lost
 * wake-ups impossible: a push that races with a consumer's poll() leaves the
 * descriptor readable until someone pops the message.
 *
 * fct_queue_wait polls the descriptor outside the mutex and then tries to
 * pop; when another consumer took the message first it waits again for
 * what is left of its time.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "facteur/core_queue.h"

/*
 * Invariants, under lock: len is the number of messages in msgs; the
 * eventfd counter is 1 when len > 0 and 0 when len == 0.
 */
struct fct_queue {
	pthread_mutex_t lock;
	STAILQ_HEAD(fct_msg_list, fct_msg) msgs;
	size_t len;
	int fd; /* eventfd, non-blocking, close-on-exec */
};

struct fct_msg *
fct_msg_new(int type, void *payload, fct_msg_free_fn payload_free)
{
	struct fct_msg *m = xcalloc(1, sizeof *m);

	m->type = type;
	m->payload = payload;
	m->payload_free = payload != NULL ? payload_free : NULL;
	return m;
}

void *
fct_msg_take(struct fct_msg *m)
{
	void *p = m->payload;

	m->payload = NULL;
	m->payload_free = NULL;
	return p;
}

void
fct_msg_free(struct fct_msg **mp)
{
	struct fct_msg *m = *mp;

	if (m == NULL)
		return;
	if (m->payload != NULL) {
		if (m->payload_free != NULL)
			m->payload_free(m->payload);
		else
			free(m->payload);
	}
	free(m);
	*mp = NULL;
}

int
fct_queue_new(struct fct_queue **out, struct fct_error *err)
{
	struct fct_queue *q;
	int fd;

	*out = NULL;
	if ((fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		return fct_error_set(err, "cannot create a message queue: %s",
		    strerror(errno));
	q = xcalloc(1, sizeof *q);
	if (pthread_mutex_init(&q->lock, NULL) != 0)
		fct_fatal("cannot initialise a mutex");
	STAILQ_INIT(&q->msgs);
	q->fd = fd;
	*out = q;
	return 0;
}

/* Sets the eventfd counter to 1 (it was 0) or back to 0 (it was 1). */
static void
set_readable(struct fct_queue *q, bool readable)
{
	uint64_t v = 1;
	ssize_t n;

	do {
		n = readable ? write(q->fd, &v, sizeof v)
			     : read(q->fd, &v, sizeof v);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof v)
		BUG("queue eventfd %s failed: %s", readable ? "write" : "read",
		    n < 0 ? strerror(errno) : "short transfer");
}

static void
lock(struct fct_queue *q)
{
	if (pthread_mutex_lock(&q->lock) != 0)
		BUG("cannot lock a queue");
}

static void
unlock(struct fct_queue *q)
{
	if (pthread_mutex_unlock(&q->lock) != 0)
		BUG("cannot unlock a queue");
}

void
fct_queue_push(struct fct_queue *q, struct fct_msg *m)
{
	if (m == NULL)
		BUG("pushing a NULL message");
	lock(q);
	STAILQ_INSERT_TAIL(&q->msgs, m, entry);
	if (q->len++ == 0)
		set_readable(q, true);
	unlock(q);
}

void
fct_queue_post(struct fct_queue *q, int type, void *payload,
    fct_msg_free_fn payload_free)
{
	fct_queue_push(q, fct_msg_new(type, payload, payload_free));
}

struct fct_msg *
fct_queue_pop(struct fct_queue *q)
{
	struct fct_msg *m;

	lock(q);
	if ((m = STAILQ_FIRST(&q->msgs)) != NULL) {
		STAILQ_REMOVE_HEAD(&q->msgs, entry);
		if (--q->len == 0)
			set_readable(q, false);
	}
	unlock(q);
	return m;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct fct_msg *
fct_queue_wait(struct fct_queue *q, int timeout_ms)
{
	struct pollfd pfd;
	struct fct_msg *m;
	int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;
	int left = timeout_ms, r;

	for (;;) {
		if ((m = fct_queue_pop(q)) != NULL)
			return m;
		if (deadline >= 0) {
			left = (int)(deadline - now_ms());
			if (left < 0)
				return NULL;
		}
		pfd.fd = q->fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, left);
		if (r < 0 && errno != EINTR)
			BUG("poll on a queue failed: %s", strerror(errno));
	}
}

int
fct_queue_fd(const struct fct_queue *q)
{
	return q->fd;
}

size_t
fct_queue_len(struct fct_queue *q)
{
	size_t n;

	lock(q);
	n = q->len;
	unlock(q);
	return n;
}

size_t
fct_queue_clear(struct fct_queue *q)
{
	struct fct_msg *m;
	size_t n = 0;

	while ((m = fct_queue_pop(q)) != NULL) {
		fct_msg_free(&m);
		n++;
	}
	return n;
}

void
fct_queue_sanity(struct fct_queue *q)
{
	struct pollfd pfd;
	struct fct_msg *m;
	size_t n = 0;
	int r;

	lock(q);
	STAILQ_FOREACH(m, &q->msgs, entry)
	{
		if (m->payload == NULL && m->payload_free != NULL)
			BUG("queue message of type %d has a free function but "
			    "no payload",
			    m->type);
		n++;
	}
	if (n != q->len)
		BUG("queue holds %zu messages but counts %zu", n, q->len);
	pfd.fd = q->fd;
	pfd.events = POLLIN;
	do {
		r = poll(&pfd, 1, 0);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		BUG("poll on a queue failed: %s", strerror(errno));
	if ((r == 1) != (q->len > 0))
		BUG("queue of %zu messages has its descriptor %s", q->len,
		    r == 1 ? "readable" : "not readable");
	unlock(q);
}

void
fct_queue_free(struct fct_queue **qp)
{
	struct fct_queue *q = *qp;

	if (q == NULL)
		return;
	(void)fct_queue_clear(q);
	close(q->fd);
	pthread_mutex_destroy(&q->lock);
	free(q);
	*qp = NULL;
}
