/*
 * Unit tests of src/store/view.c and the paged query: what the terminal
 * interface reads, one screen at a time, and the links it threads with.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/query.h"
#include "store_test.h"

struct fixture {
	char *dir;
	struct store *st;
	struct fct_error err;
	int64_t inbox;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);
	char subject[32];
	uint32_t uid;

	fx->dir = test_tmpdir();
	fx->st = test_open(fx->dir, "view.db");
	fx->inbox = test_folder(fx->st, "INBOX");
	for (uid = 1; uid <= 30; uid++) {
		snprintf(subject, sizeof subject, "%s %u",
		    uid % 3 == 0 ? "tri" : "other", uid);
		test_put(fx->st, fx->inbox, uid, subject);
	}
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
	fct_error_release(&fx->err);
	free(fx);
	return 0;
}

struct uids {
	uint32_t v[64];
	size_t n;
};

static int
collect(const struct store_msg *m, void *arg)
{
	struct uids *u = arg;

	assert_true(u->n < FCT_ARRAY_LEN(u->v));
	u->v[u->n++] = m->uid;
	return 0;
}

static void
test_query_page(void **state)
{
	struct fixture *fx = *state;
	struct query *q = NULL;
	struct uids u = { { 0 }, 0 };

	/* Newest first: rows 10..14 are UIDs 20..16. */
	assert_int_equal(store_msg_query_page(fx->st, fx->inbox, NULL, 0,
			     "date DESC", 10, 5, collect, &u, &fx->err),
	    0);
	assert_int_equal(u.n, 5);
	assert_int_equal(u.v[0], 20);
	assert_int_equal(u.v[4], 16);
	/* An offset without a limit reads to the end. */
	u.n = 0;
	assert_int_equal(store_msg_query_page(fx->st, fx->inbox, NULL, 0,
			     "uid ASC", 27, 0, collect, &u, &fx->err),
	    0);
	assert_int_equal(u.n, 3);
	assert_int_equal(u.v[0], 28);
	/* With a query, the offset counts matching rows only. */
	assert_int_equal(query_parse("subject:tri", &q, &fx->err), 0);
	u.n = 0;
	assert_int_equal(store_msg_query_page(fx->st, fx->inbox, q, 0,
			     "uid ASC", 2, 3, collect, &u, &fx->err),
	    0);
	assert_int_equal(u.n, 3);
	assert_int_equal(u.v[0], 9);
	assert_int_equal(u.v[2], 15);
	/* Past the end: nothing, and no error. */
	u.n = 0;
	assert_int_equal(store_msg_query_page(fx->st, fx->inbox, q, 0,
			     "uid ASC", 100, 3, collect, &u, &fx->err),
	    0);
	assert_int_equal(u.n, 0);
	query_free(&q);
}

static void
test_links(void **state)
{
	struct fixture *fx = *state;
	struct store_msg_link *l = NULL;
	struct store_msg m = STORE_MSG_INIT;
	size_t n = 0;

	test_msg(&m, fx->inbox, 31, "Re: tri 3");
	m.date = 1; /* the oldest */
	free(m.message_id);
	m.message_id = xstrdup("b@x");
	m.in_reply_to = xstrdup("a@x");
	m.references = xstrdup("a@x");
	assert_int_equal(store_msg_put(fx->st, &m, &fx->err), 0);
	store_msg_release(&m);
	assert_int_equal(store_msg_links(fx->st, fx->inbox, &l, &n, &fx->err),
	    0);
	assert_int_equal(n, 31);
	assert_int_equal(l[0].uid, 31);
	assert_string_equal(l[0].message_id, "b@x");
	assert_string_equal(l[0].in_reply_to, "a@x");
	assert_string_equal(l[0].references, "a@x");
	assert_int_equal(l[1].uid, 1);
	store_msg_links_free(&l, n);
	assert_null(l);
	store_msg_links_free(&l, 0);
}

static void
test_counts(void **state)
{
	struct fixture *fx = *state;
	uint32_t total = 0, unseen = 0;

	assert_int_equal(store_msg_set_flags(fx->st, fx->inbox, 2,
			     FCT_FLAG_SEEN, NULL, 1, &fx->err),
	    0);
	assert_int_equal(store_folder_counts(fx->st, fx->inbox, &total, &unseen,
			     &fx->err),
	    0);
	assert_int_equal(total, 30);
	assert_int_equal(unseen, 29);
	assert_int_equal(store_folder_counts(fx->st, 999, &total, &unseen,
			     &fx->err),
	    0);
	assert_int_equal(total, 0);
	assert_int_equal(unseen, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_query_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
