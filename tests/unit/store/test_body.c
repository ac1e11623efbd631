/*
 * Unit tests of src/store/body.c: storing and reading raw messages,
 * replacing them, the full-text index over their text, and eviction of the
 * least recently used bodies by byte budget.
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
	struct fct_error err;
	int64_t inbox;
	int64_t id[8]; /* messages with UIDs 1-8 */
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);
	uint32_t i;

	fx->dir = test_tmpdir();
	fx->st = test_open(fx->dir, "body.db");
	fx->inbox = test_folder(fx->st, "INBOX");
	for (i = 0; i < 8; i++)
		fx->id[i] = test_put(fx->st, fx->inbox, i + 1, "subject");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	if (store_check(fx->st, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	store_sanity(fx->st);
	store_close(&fx->st);
	test_rmtree(fx->dir);
	free(fx->dir);
	fct_error_release(&fx->err);
	free(fx);
	return 0;
}

/* Whether message index i has a body, without touching its recency. */
static bool
has_body(struct fixture *fx, int i)
{
	char *sql = xasprintf("SELECT count(*) FROM bodies WHERE msg_id = %lld",
	    (long long)fx->id[i]);
	bool found = test_int(fx->st, sql) == 1;

	free(sql);
	return found;
}

/* Which of the 8 messages have a body, as "1 2 ..." (UIDs). */
static char *
bodies(struct fixture *fx)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; i < 8; i++) {
		if (has_body(fx, i))
			strbuf_addf(&sb, "%s%d", sb.len > 0 ? " " : "", i + 1);
	}
	return strbuf_detach(&sb, NULL);
}

static void
assert_bodies(struct fixture *fx, const char *want)
{
	char *got = bodies(fx);

	assert_string_equal(got, want);
	free(got);
}

/* A body of exactly 100 bytes: 60 raw, 40 of text. */
static void
put100(struct fixture *fx, int i, uint64_t budget)
{
	char raw[60], text[41];

	memset(raw, 'r', sizeof raw);
	memset(text, 't', 40);
	text[40] = '\0';
	if (store_body_put(fx->st, fx->id[i], raw, sizeof raw, text, budget,
		&fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
}

static void
test_put_get(void **state)
{
	struct fixture *fx = *state;
	static const char raw[] = "Subject: x\r\n\r\nbinary \0 inside\r\n";
	char *data = (char *)&data;
	size_t len = 99;

	assert_int_equal(store_body_get(fx->st, fx->id[0], &data, &len,
			     &fx->err),
	    0);
	assert_null(data);
	assert_int_equal(len, 0);

	assert_int_equal(store_body_put(fx->st, fx->id[0], raw, sizeof raw - 1,
			     "the text part", 0, &fx->err),
	    0);
	assert_int_equal(store_body_get(fx->st, fx->id[0], &data, &len,
			     &fx->err),
	    1);
	assert_int_equal(len, sizeof raw - 1);
	assert_memory_equal(data, raw, sizeof raw - 1);
	assert_int_equal(data[len], '\0');
	free(data);
	assert_int_equal(test_int(fx->st, "SELECT size FROM bodies"),
	    (sizeof raw - 1) + strlen("the text part"));

	/* Replacing keeps one body, with the new bytes and text. */
	assert_int_equal(store_body_put(fx->st, fx->id[0], "new", 3, NULL, 0,
			     &fx->err),
	    0);
	assert_int_equal(store_body_get(fx->st, fx->id[0], &data, &len,
			     &fx->err),
	    1);
	assert_int_equal(len, 3);
	assert_string_equal(data, "new");
	free(data);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM bodies"), 1);

	/* An empty body is a body. */
	assert_int_equal(store_body_put(fx->st, fx->id[1], NULL, 0, "", 0,
			     &fx->err),
	    0);
	assert_int_equal(store_body_get(fx->st, fx->id[1], &data, &len,
			     &fx->err),
	    1);
	assert_int_equal(len, 0);
	assert_string_equal(data, "");
	free(data);
}

static void
test_put_unknown_message(void **state)
{
	struct fixture *fx = *state;
	char *want;

	assert_int_equal(store_body_put(fx->st, 9999, "x", 1, "x", 0, &fx->err),
	    -1);
	want = xasprintf("cannot write to cache '%s/body.db': no message 9999",
	    fx->dir);
	assert_string_equal(fct_error_msg(&fx->err), want);
	free(want);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM bodies"), 0);
}

static void
test_body_fts(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(store_body_put(fx->st, fx->id[2], "raw", 3,
			     "Rendez-vous à la gare", 0, &fx->err),
	    0);
	assert_int_equal(test_fts(fx->st, "gare"), 1);
	assert_int_equal(test_fts(fx->st, "a"), 1); /* "à" folded */
	assert_int_equal(test_fts(fx->st, "body: gare"), 1);
	assert_int_equal(test_fts(fx->st, "subject: gare"), 0);
	/* The message's own columns stay indexed beside the body. */
	assert_int_equal(test_fts(fx->st, "subject AND gare"), 1);

	assert_int_equal(store_body_put(fx->st, fx->id[2], "raw", 3,
			     "changement de quai", 0, &fx->err),
	    0);
	assert_int_equal(test_fts(fx->st, "gare"), 0);
	assert_int_equal(test_fts(fx->st, "quai"), 1);
	if (store_check(fx->st, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));

	/* Expunging the message takes its body out of the index. */
	assert_int_equal(store_msg_expunge_range(fx->st, fx->inbox, 3, 3,
			     &fx->err),
	    0);
	assert_int_equal(test_fts(fx->st, "quai"), 0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM bodies"), 0);
}

static void
test_lru_eviction(void **state)
{
	struct fixture *fx = *state;
	char *data;
	size_t len;

	/* Budget 0: no limit. */
	put100(fx, 0, 0);
	put100(fx, 1, 0);
	put100(fx, 2, 0);
	put100(fx, 3, 0);
	put100(fx, 4, 0);
	assert_bodies(fx, "1 2 3 4 5");
	/* Exactly at the budget: nothing goes. */
	put100(fx, 5, 600);
	assert_bodies(fx, "1 2 3 4 5 6");
	/* 300 bytes: the three most recent stay. */
	put100(fx, 6, 300);
	assert_bodies(fx, "5 6 7");

	/* Reading makes a body recent. */
	assert_int_equal(store_body_get(fx->st, fx->id[4], &data, &len,
			     &fx->err),
	    1);
	free(data);
	put100(fx, 7, 300);
	assert_bodies(fx, "5 7 8");

	/* Replacing makes it recent too. */
	put100(fx, 6, 0);
	put100(fx, 0, 300);
	assert_bodies(fx, "1 7 8");
	assert_int_equal(test_int(fx->st, "SELECT sum(size) FROM bodies"), 300);
	/* Evicted bodies leave the index; the messages stay. */
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 8);
	if (store_check(fx->st, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
}

static void
test_lru_oversized(void **state)
{
	struct fixture *fx = *state;
	char *big = xmalloc(5000);

	memset(big, 'b', 5000);
	put100(fx, 0, 0);
	put100(fx, 1, 0);
	/* Larger than the budget alone: kept, everything else goes. */
	assert_int_equal(store_body_put(fx->st, fx->id[2], big, 5000, NULL,
			     1000, &fx->err),
	    0);
	assert_bodies(fx, "3");
	/* The next one within budget pushes it out. */
	put100(fx, 3, 1000);
	assert_bodies(fx, "4");
	free(big);
}

static void
test_in_caller_transaction(void **state)
{
	struct fixture *fx = *state;
	char *data;
	size_t len;

	put100(fx, 0, 0);
	put100(fx, 1, 0);
	assert_int_equal(store_begin(fx->st, &fx->err), 0);
	/* The LRU mark is part of the transaction. */
	assert_int_equal(store_body_get(fx->st, fx->id[0], &data, &len,
			     &fx->err),
	    1);
	free(data);
	put100(fx, 2, 200);
	assert_bodies(fx, "1 3");
	store_rollback(fx->st);
	assert_bodies(fx, "1 2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_unknown_message, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_body_fts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lru_eviction, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lru_oversized, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_in_caller_transaction,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
