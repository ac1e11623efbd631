/*
 * Unit tests of src/store/outbox.c: a message added is read back byte for
 * byte (NUL bytes and all), failures are counted with their reason, a sent
 * message changes state, ids list by state, unknown ids are errors, and
 * every write is flushed to disk at commit, in its own transaction or the
 * caller's; a rolled-back transaction leaves nothing.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store_test.h"

struct fixture {
	char *dir;
	struct store *st;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);

	fx->dir = test_tmpdir();
	fx->st = test_open(fx->dir, "o.db");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(&fx->st);
	test_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static int64_t
add(struct store *st, const char *state, const char *msg, size_t len)
{
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	int64_t id;

	m.state = xstrdup(state);
	m.mail_from = xstrdup("alice@example.test");
	m.rcpts = xstrdup("bob@example.test\ncarol@example.test");
	m.message_id = xstrdup("x@example.test");
	m.message = xmalloc(len + 1);
	memcpy(m.message, msg, len);
	m.len = len;
	if (store_outbox_add(st, &m, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_true(m.id > 0);
	assert_true(m.created > 0);
	id = m.id;
	store_outbox_release(&m);
	return id;
}

static void
test_add_get(void **state)
{
	struct fixture *fx = *state;
	struct store_outbox m = STORE_OUTBOX_INIT;
	unsigned flushes = fx->st->wal_flushes;
	int64_t id;

	id = add(fx->st, "queued", "Subject: a\r\n\r\nx\0y", 17);
	assert_int_equal(fx->st->wal_flushes, flushes + 1);
	assert_int_equal(store_outbox_get(fx->st, id, &m, NULL), 1);
	assert_string_equal(m.state, "queued");
	assert_string_equal(m.mail_from, "alice@example.test");
	assert_string_equal(m.rcpts, "bob@example.test\ncarol@example.test");
	assert_int_equal(m.len, 17);
	assert_memory_equal(m.message, "Subject: a\r\n\r\nx\0y", 17);
	assert_null(m.identity);
	assert_null(m.copy_folder);
	assert_int_equal(m.attempts, 0);
	assert_int_equal(store_outbox_get(fx->st, id + 1, &m, NULL), 0);
	store_outbox_release(&m);
}

static void
test_states(void **state)
{
	struct fixture *fx = *state;
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	int64_t a, b, c, *ids;
	size_t n;
	unsigned flushes;

	a = add(fx->st, "queued", "A", 1);
	b = add(fx->st, "queued", "B", 1);
	c = add(fx->st, "draft", "C", 1);
	flushes = fx->st->wal_flushes;
	assert_int_equal(store_outbox_failed(fx->st, a, "connection refused",
			     NULL),
	    0);
	assert_int_equal(store_outbox_failed(fx->st, a, "timed out", NULL), 0);
	assert_int_equal(store_outbox_sent(fx->st, b, "refused: x", NULL), 0);
	assert_int_equal(fx->st->wal_flushes, flushes + 3);
	assert_int_equal(store_outbox_get(fx->st, a, &m, NULL), 1);
	assert_int_equal(m.attempts, 2);
	assert_string_equal(m.last_error, "timed out");
	assert_int_equal(store_outbox_get(fx->st, b, &m, NULL), 1);
	assert_string_equal(m.state, "sent");
	assert_string_equal(m.last_error, "refused: x");
	assert_true(m.sent > 0);
	assert_int_equal(store_outbox_ids(fx->st, "queued", &ids, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_true(ids[0] == a);
	free(ids);
	assert_int_equal(store_outbox_ids(fx->st, NULL, &ids, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_true(ids[0] == a && ids[1] == b && ids[2] == c);
	free(ids);
	assert_int_equal(store_outbox_delete(fx->st, b, NULL), 0);
	assert_int_equal(store_outbox_delete(fx->st, b, &err), -1);
	assert_non_null(strstr(fct_error_msg(&err), "no message"));
	assert_int_equal(store_outbox_failed(fx->st, 999, "x", &err), -1);
	fct_error_release(&err);
	store_outbox_release(&m);
}

static void
test_claim(void **state)
{
	struct fixture *fx = *state;
	struct store_outbox m = STORE_OUTBOX_INIT;
	int64_t id = add(fx->st, "queued", "A", 1);

	assert_int_equal(store_outbox_claim(fx->st, id, "queued", 0, 4242,
			     NULL),
	    1);
	/* Only once: the second one read a state that is gone. */
	assert_int_equal(store_outbox_claim(fx->st, id, "queued", 0, 4343,
			     NULL),
	    0);
	assert_int_equal(store_outbox_get(fx->st, id, &m, NULL), 1);
	assert_string_equal(m.state, "sending");
	assert_int_equal(m.claim, 4242);
	/* Taken over from 4242 (dead, say the callers), then failed. */
	assert_int_equal(store_outbox_claim(fx->st, id, "sending", 4242, 4343,
			     NULL),
	    1);
	assert_int_equal(store_outbox_failed(fx->st, id, "down", NULL), 0);
	assert_int_equal(store_outbox_get(fx->st, id, &m, NULL), 1);
	assert_string_equal(m.state, "queued");
	assert_int_equal(m.claim, 0);
	store_outbox_release(&m);
}

static void
test_in_transaction(void **state)
{
	struct fixture *fx = *state;
	struct store_job j = STORE_JOB_INIT;
	int64_t id, *ids;
	size_t n;

	/* Sent and its copy queued together, or neither. */
	id = add(fx->st, "queued", "A", 1);
	assert_int_equal(store_begin(fx->st, NULL), 0);
	assert_int_equal(store_outbox_sent(fx->st, id, NULL, NULL), 0);
	assert_int_equal(store_job_add(fx->st, "append", "outbox=1\n", NULL,
			     NULL),
	    0);
	store_rollback(fx->st);
	assert_int_equal(store_outbox_ids(fx->st, "queued", &ids, &n, NULL), 0);
	assert_int_equal(n, 1);
	free(ids);
	assert_int_equal(store_job_next(fx->st, &j, NULL), 0);
	assert_int_equal(store_begin(fx->st, NULL), 0);
	assert_int_equal(store_outbox_sent(fx->st, id, NULL, NULL), 0);
	assert_int_equal(store_job_add(fx->st, "append", "outbox=1\n", NULL,
			     NULL),
	    0);
	assert_int_equal(store_commit(fx->st, NULL), 0);
	assert_int_equal(store_outbox_ids(fx->st, "sent", &ids, &n, NULL), 0);
	assert_int_equal(n, 1);
	free(ids);
	assert_int_equal(store_job_next(fx->st, &j, NULL), 1);
	/* Its copy has a job: not an orphan. Once the job is gone, it is;
	 * "outbox=1" must not match message 10's job either. */
	assert_int_equal(store_outbox_orphans(fx->st, &ids, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_job_done(fx->st, j.id, NULL), 0);
	assert_int_equal(store_job_add(fx->st, "append", "outbox=10\n", NULL,
			     NULL),
	    0);
	assert_int_equal(store_outbox_orphans(fx->st, &ids, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_true(ids[0] == id);
	free(ids);
	store_job_release(&j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_transaction, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
