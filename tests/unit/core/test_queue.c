/*
 * Unit tests of src/core/queue.c: FIFO order, payload ownership, the
 * wake-up descriptor's level semantics, draining, and producers and
 * consumers on several threads at once.
 */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/core_queue.h"

#define PRODUCERS 4
#define CONSUMERS 3
#define PER_PRODUCER 20000

static bool
readable(struct fct_queue *q)
{
	struct pollfd pfd = { .fd = fct_queue_fd(q), .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int freed;

static void
count_free(void *p)
{
	freed++;
	free(p);
}

static struct fct_queue *
new_queue(void)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct fct_queue *q = NULL;

	assert_int_equal(fct_queue_new(&q, &err), 0);
	assert_non_null(q);
	assert_null(err.msg);
	return q;
}

static void
test_empty(void **state)
{
	struct fct_queue *q = new_queue();
	int64_t t0;

	assert_null(fct_queue_pop(q));
	assert_int_equal(fct_queue_len(q), 0);
	assert_false(readable(q));
	assert_null(fct_queue_wait(q, 0));
	t0 = now_ms();
	assert_null(fct_queue_wait(q, 60));
	assert_true(now_ms() - t0 >= 55);
	fct_queue_sanity(q);
	fct_queue_free(&q);
	assert_null(q);
	fct_queue_free(&q); /* NULL is fine */
}

static void
test_fifo_and_wakeup(void **state)
{
	struct fct_queue *q = new_queue();
	struct fct_msg *m;
	int i;

	for (i = 1; i <= 3; i++) {
		fct_queue_post(q, i, NULL, NULL);
		/* Readable from the first message on, whatever the count. */
		assert_true(readable(q));
		fct_queue_sanity(q);
	}
	assert_int_equal(fct_queue_len(q), 3);
	for (i = 1; i <= 3; i++) {
		assert_true(readable(q));
		m = fct_queue_pop(q);
		assert_non_null(m);
		assert_int_equal(m->type, i);
		assert_null(m->payload);
		fct_msg_free(&m);
		assert_null(m);
		fct_queue_sanity(q);
	}
	/* Emptied: the descriptor is quiet again, and stays so. */
	assert_false(readable(q));
	assert_null(fct_queue_pop(q));
	assert_false(readable(q));
	/* And wakes again on the next push. */
	fct_queue_post(q, 9, NULL, NULL);
	assert_true(readable(q));
	m = fct_queue_wait(q, 0);
	assert_non_null(m);
	assert_int_equal(m->type, 9);
	fct_msg_free(&m);
	assert_false(readable(q));
	fct_queue_free(&q);
}

static void
test_payloads(void **state)
{
	struct fct_queue *q = new_queue();
	struct fct_msg *m;
	char *p;

	freed = 0;
	/* Freed by the message's own function... */
	m = fct_msg_new(1, xstrdup("one"), count_free);
	fct_msg_free(&m);
	assert_int_equal(freed, 1);
	/* ...or by free() when it has none (nothing to count, ASan checks). */
	m = fct_msg_new(2, xstrdup("two"), NULL);
	fct_msg_free(&m);
	/* A NULL payload never calls the function. */
	m = fct_msg_new(3, NULL, count_free);
	assert_null(m->payload_free);
	fct_msg_free(&m);
	assert_int_equal(freed, 1);

	/* Taking the payload leaves the message without one. */
	fct_queue_post(q, 4, xstrdup("four"), count_free);
	m = fct_queue_pop(q);
	p = fct_msg_take(m);
	assert_string_equal(p, "four");
	assert_null(m->payload);
	fct_msg_free(&m);
	assert_int_equal(freed, 1);
	free(p);

	/* What is left in the queue is freed with it. */
	fct_queue_post(q, 5, xstrdup("five"), count_free);
	fct_queue_post(q, 6, xstrdup("six"), count_free);
	fct_queue_free(&q);
	assert_int_equal(freed, 3);
}

static void
test_clear(void **state)
{
	struct fct_queue *q = new_queue();
	int i;

	freed = 0;
	assert_int_equal(fct_queue_clear(q), 0);
	for (i = 0; i < 100; i++)
		fct_queue_post(q, i, xstrdup("x"), count_free);
	assert_int_equal(fct_queue_len(q), 100);
	assert_int_equal(fct_queue_clear(q), 100);
	assert_int_equal(freed, 100);
	assert_int_equal(fct_queue_len(q), 0);
	assert_false(readable(q));
	fct_queue_sanity(q);
	fct_queue_free(&q);
}

struct producer {
	struct fct_queue *q;
	int id;
};

static void *
produce(void *arg)
{
	struct producer *p = arg;
	uint32_t *seq;
	int i;

	for (i = 0; i < PER_PRODUCER; i++) {
		seq = xmalloc(sizeof *seq);
		*seq = (uint32_t)i;
		fct_queue_post(p->q, p->id, seq, NULL);
		if (i % 1000 == 0)
			sched_yield();
	}
	return NULL;
}

static void
start_producers(struct fct_queue *q, pthread_t *t, struct producer *p)
{
	int i;

	for (i = 0; i < PRODUCERS; i++) {
		p[i].q = q;
		p[i].id = i;
		assert_int_equal(pthread_create(&t[i], NULL, produce, &p[i]),
		    0);
	}
}

/*
 * One consumer that sleeps in poll() on the descriptor, as the UI does,
 * then pops until empty: it must see every message, each producer's in
 * order, and never find the descriptor readable with nothing to pop.
 */
static void
test_threads_poll_consumer(void **state)
{
	struct fct_queue *q = new_queue();
	pthread_t t[PRODUCERS];
	struct producer p[PRODUCERS];
	uint32_t next[PRODUCERS] = { 0 };
	struct pollfd pfd;
	struct fct_msg *m;
	size_t got = 0, popped;
	int i, r;

	start_producers(q, t, p);
	while (got < (size_t)PRODUCERS * PER_PRODUCER) {
		pfd.fd = fct_queue_fd(q);
		pfd.events = POLLIN;
		r = poll(&pfd, 1, 5000);
		assert_int_equal(r, 1); /* a hang would be a lost wake-up */
		popped = 0;
		while ((m = fct_queue_pop(q)) != NULL) {
			assert_in_range(m->type, 0, PRODUCERS - 1);
			assert_int_equal(*(uint32_t *)m->payload,
			    next[m->type]);
			next[m->type]++;
			fct_msg_free(&m);
			popped++;
		}
		/* Single consumer: readable means something to pop. */
		assert_true(popped > 0);
		got += popped;
	}
	for (i = 0; i < PRODUCERS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(next[i], PER_PRODUCER);
	}
	assert_false(readable(q));
	fct_queue_sanity(q);
	fct_queue_free(&q);
}

struct consumer {
	struct fct_queue *q;
	_Atomic size_t *total;
	unsigned char *seen; /* [producer][seq], shared: each slot once */
	pthread_mutex_t *seen_lock;
	size_t got;
	unsigned idle_rounds; /* waits in a row that found nothing */
};

static void *
consume(void *arg)
{
	struct consumer *c = arg;
	struct fct_msg *m;
	size_t slot;

	while (atomic_load(c->total) < (size_t)PRODUCERS * PER_PRODUCER) {
		if ((m = fct_queue_wait(c->q, 50)) == NULL) {
			/* Five seconds without a message: a lost wake-up
			 * (the totals then fail the test). */
			if (++c->idle_rounds > 100)
				break;
			continue;
		}
		c->idle_rounds = 0;
		slot = (size_t)m->type * PER_PRODUCER + *(uint32_t *)m->payload;
		pthread_mutex_lock(c->seen_lock);
		c->seen[slot]++;
		pthread_mutex_unlock(c->seen_lock);
		fct_msg_free(&m);
		c->got++;
		atomic_fetch_add(c->total, 1);
	}
	return NULL;
}

/* Several consumers blocked in fct_queue_wait: each message once. */
static void
test_threads_many_consumers(void **state)
{
	struct fct_queue *q = new_queue();
	pthread_t tp[PRODUCERS], tc[CONSUMERS];
	struct producer p[PRODUCERS];
	struct consumer c[CONSUMERS];
	pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
	_Atomic size_t total = 0;
	unsigned char *seen = xcalloc((size_t)PRODUCERS * PER_PRODUCER, 1);
	size_t i, sum = 0;

	for (i = 0; i < CONSUMERS; i++) {
		c[i] = (struct consumer){ .q = q,
			.total = &total,
			.seen = seen,
			.seen_lock = &seen_lock };
		assert_int_equal(pthread_create(&tc[i], NULL, consume, &c[i]),
		    0);
	}
	start_producers(q, tp, p);
	for (i = 0; i < PRODUCERS; i++)
		assert_int_equal(pthread_join(tp[i], NULL), 0);
	for (i = 0; i < CONSUMERS; i++) {
		assert_int_equal(pthread_join(tc[i], NULL), 0);
		sum += c[i].got;
	}
	assert_int_equal(sum, (size_t)PRODUCERS * PER_PRODUCER);
	for (i = 0; i < (size_t)PRODUCERS * PER_PRODUCER; i++)
		if (seen[i] != 1)
			fail_msg("message %zu seen %u times", i, seen[i]);
	assert_int_equal(fct_queue_len(q), 0);
	assert_false(readable(q));
	fct_queue_sanity(q);
	free(seen);
	fct_queue_free(&q);
}

static void *
post_later(void *arg)
{
	struct timespec ts = { 0, 100 * 1000000 };

	nanosleep(&ts, NULL);
	fct_queue_post(arg, 42, NULL, NULL);
	return NULL;
}

/* A blocked wait (no time limit) is woken by a push from elsewhere. */
static void
test_wait_wakes(void **state)
{
	struct fct_queue *q = new_queue();
	struct fct_msg *m;
	pthread_t t;
	int64_t t0 = now_ms();

	assert_int_equal(pthread_create(&t, NULL, post_later, q), 0);
	m = fct_queue_wait(q, -1);
	assert_non_null(m);
	assert_int_equal(m->type, 42);
	assert_true(now_ms() - t0 >= 90);
	fct_msg_free(&m);
	assert_int_equal(pthread_join(t, NULL), 0);
	fct_queue_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_fifo_and_wakeup),
		cmocka_unit_test(test_payloads),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_threads_poll_consumer),
		cmocka_unit_test(test_threads_many_consumers),
		cmocka_unit_test(test_wait_wakes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
