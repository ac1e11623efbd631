/*
 * Unit tests of src/store/job.c: the job queue's order, attempts and
 * failures, removal, ids that are never reused, jobs inside the caller's
 * transaction, and the flush that makes job writes durable.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "store_test.h"

struct fixture {
	char *dir;
	struct store *st;
	struct fct_error err;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);

	fx->dir = test_tmpdir();
	fx->st = test_open(fx->dir, "jobs.db");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	store_sanity(fx->st);
	store_close(&fx->st);
	test_rmtree(fx->dir);
	free(fx->dir);
	fct_error_release(&fx->err);
	free(fx);
	return 0;
}

static size_t
count(struct fixture *fx)
{
	size_t n = 99;

	assert_int_equal(store_job_count(fx->st, &n, &fx->err), 0);
	return n;
}

static int64_t
add(struct fixture *fx, const char *kind, const char *payload)
{
	int64_t id = 0;

	if (store_job_add(fx->st, kind, payload, &id, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_true(id > 0);
	return id;
}

static void
test_fifo(void **state)
{
	struct fixture *fx = *state;
	struct store_job j = STORE_JOB_INIT;
	int64_t a, b, c;
	time_t now = time(NULL);

	assert_int_equal(count(fx), 0);
	assert_int_equal(store_job_next(fx->st, &j, &fx->err), 0);
	assert_null(j.kind);

	a = add(fx, "flag", "INBOX 12 +\\Seen");
	b = add(fx, "move", "INBOX 13 Archives");
	c = add(fx, "delete", NULL);
	assert_true(a < b && b < c);
	assert_int_equal(count(fx), 3);

	assert_int_equal(store_job_next(fx->st, &j, &fx->err), 1);
	assert_int_equal(j.id, a);
	assert_string_equal(j.kind, "flag");
	assert_string_equal(j.payload, "INBOX 12 +\\Seen");
	assert_int_equal(j.attempts, 0);
	assert_null(j.last_error);
	assert_true(j.created >= now && j.created <= time(NULL));

	assert_int_equal(store_job_done(fx->st, a, &fx->err), 0);
	assert_int_equal(store_job_next(fx->st, &j, &fx->err), 1);
	assert_int_equal(j.id, b);
	assert_int_equal(store_job_done(fx->st, b, &fx->err), 0);
	assert_int_equal(store_job_next(fx->st, &j, &fx->err), 1);
	assert_int_equal(j.id, c);
	assert_string_equal(j.kind, "delete");
	assert_null(j.payload);
	assert_int_equal(count(fx), 1);
	assert_int_equal(store_job_done(fx->st, c, &fx->err), 0);
	assert_int_equal(store_job_next(fx->st, &j, &fx->err), 0);
	assert_int_equal(count(fx), 0);

	/* Ids are never reused, even once the queue is empty. */
	assert_true(add(fx, "flag", "x") > c);
	/* The id is optional. */
	assert_int_equal(store_job_add(fx->st, "flag", "y", NULL, &fx->err), 0);
	assert_int_equal(count(fx), 2);
	store_job_release(&j);
}

static void
test_failed(void **state)
{
	struct fixture *fx = *state;
	struct store_job j = STORE_JOB_INIT;
	int64_t a = add(fx, "move", "1"), b = add(fx, "move", "2");

	assert_int_equal(store_job_failed(fx->st, a, "connection reset",
			     &fx->err),
	    0);
	assert_int_equal(store_job_next(fx->st, &j, &fx->err), 1);
	assert_int_equal(j.id, a); /* still first in line */
	assert_int_equal(j.attempts, 1);
	assert_string_equal(j.last_error, "connection reset");

	assert_int_equal(store_job_failed(fx->st, a, "timed out", &fx->err), 0);
	assert_int_equal(store_job_failed(fx->st, a, NULL, &fx->err), 0);
	assert_int_equal(store_job_next(fx->st, &j, &fx->err), 1);
	assert_int_equal(j.attempts, 3);
	assert_null(j.last_error);

	assert_int_equal(store_job_done(fx->st, a, &fx->err), 0);
	assert_int_equal(store_job_next(fx->st, &j, &fx->err), 1);
	assert_int_equal(j.id, b);
	assert_int_equal(j.attempts, 0);
	store_job_release(&j);
}

static void
test_unknown(void **state)
{
	struct fixture *fx = *state;
	char *want =
	    xasprintf("cannot write to cache '%s/jobs.db': no job 77", fx->dir);

	add(fx, "flag", "x");
	assert_int_equal(store_job_done(fx->st, 77, &fx->err), -1);
	assert_string_equal(fct_error_msg(&fx->err), want);
	assert_int_equal(store_job_failed(fx->st, 77, "x", &fx->err), -1);
	assert_string_equal(fct_error_msg(&fx->err), want);
	assert_int_equal(count(fx), 1);
	free(want);
}

/*
 * A job is removed in the same transaction as the changes that record its
 * success: both or neither.
 */
static void
test_with_caller_transaction(void **state)
{
	struct fixture *fx = *state;
	int64_t folder = test_folder(fx->st, "INBOX");
	int64_t a = add(fx, "flag", "INBOX 1 +\\Seen");
	unsigned flushes;

	test_put(fx->st, folder, 1, "to be seen");
	flushes = fx->st->wal_flushes;

	assert_int_equal(store_begin(fx->st, &fx->err), 0);
	assert_int_equal(store_msg_set_flags(fx->st, folder, 1, FCT_FLAG_SEEN,
			     NULL, 2, &fx->err),
	    0);
	assert_int_equal(store_job_done(fx->st, a, &fx->err), 0);
	store_rollback(fx->st);
	assert_int_equal(count(fx), 1);
	assert_int_equal(test_int(fx->st, "SELECT flags FROM messages"), 0);
	assert_int_equal(fx->st->wal_flushes, flushes);

	assert_int_equal(store_begin(fx->st, &fx->err), 0);
	assert_int_equal(store_msg_set_flags(fx->st, folder, 1, FCT_FLAG_SEEN,
			     NULL, 2, &fx->err),
	    0);
	assert_int_equal(store_job_done(fx->st, a, &fx->err), 0);
	/* Flushed once, at the commit. */
	assert_int_equal(fx->st->wal_flushes, flushes);
	assert_int_equal(store_commit(fx->st, &fx->err), 0);
	assert_int_equal(fx->st->wal_flushes, flushes + 1);
	assert_int_equal(count(fx), 0);
	assert_int_equal(test_int(fx->st, "SELECT flags FROM messages"),
	    FCT_FLAG_SEEN);
}

static void
test_durable(void **state)
{
	struct fixture *fx = *state;
	int64_t folder = test_folder(fx->st, "INBOX"), a;
	unsigned before = fx->st->wal_flushes;

	/* Cache writes are not flushed; every job write is. */
	test_put(fx->st, folder, 1, "not flushed");
	assert_int_equal(store_folder_set_state(fx->st, folder, 2, 0, &fx->err),
	    0);
	assert_int_equal(fx->st->wal_flushes, before);
	a = add(fx, "flag", "x");
	assert_int_equal(fx->st->wal_flushes, before + 1);
	assert_int_equal(store_job_failed(fx->st, a, "later", &fx->err), 0);
	assert_int_equal(fx->st->wal_flushes, before + 2);
	assert_int_equal(store_job_done(fx->st, a, &fx->err), 0);
	assert_int_equal(fx->st->wal_flushes, before + 3);
	/* A failed job write flushes nothing and owes nothing. */
	assert_int_equal(store_job_done(fx->st, a, &fx->err), -1);
	assert_int_equal(fx->st->wal_flushes, before + 3);
	store_sanity(fx->st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_with_caller_transaction,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_durable, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
