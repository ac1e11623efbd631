/*
 * Unit tests of the lister's lists (src/ui/lister.c, ui_list_compute) on a
 * real store, and of the thread itself (a request in, its answer out):
 * threads by In-Reply-To and References, newest thread first, folded
 * threads, a limit, the server's answer, the other sorts.
 *
 * The folder: 1 "Plan" (root), 2 "Re: Plan" (In-Reply-To 1), 3 "Lunch"
 * (root), 4 "Re: Re: Plan" (References 1 2), 5 "Re: Lunch" (In-Reply-To
 * 3), 6 "Zebra" (root, In-Reply-To a message not in the folder). Dates
 * grow with the UID.
 */
#include "config.h"

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "private.h"

struct fixture {
	char dir[64];
	char *path;
	struct store *st;
	int64_t folder;
};

static void
put(struct fixture *fx, uint32_t uid, const char *subject, const char *irt,
    const char *refs, uint64_t size)
{
	struct store_msg m = STORE_MSG_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	m.folder_id = fx->folder;
	m.uid = uid;
	m.date = (int64_t)uid * 60;
	m.internaldate = m.date;
	m.size = size;
	m.subject = xstrdup(subject);
	m.from_text = xasprintf("Sender %c <s@example.test>", 'A' + (char)uid);
	m.message_id = xasprintf("%u@example.test", uid);
	m.in_reply_to = irt != NULL ? xstrdup(irt) : NULL;
	m.references = refs != NULL ? xstrdup(refs) : NULL;
	m.headers = xasprintf("Subject: %s\r\n\r\n", subject);
	if (store_msg_put(fx->st, &m, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	store_msg_release(&m);
}

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);
	struct store_folder f = STORE_FOLDER_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	strcpy(fx->dir, "/tmp/fct-lister.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	fx->path = xasprintf("%s/cache.db", fx->dir);
	if (store_open(fx->path, &fx->st, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	f.name = xstrdup("INBOX");
	f.raw_name = xstrdup("INBOX");
	f.delimiter = '/';
	if (store_folder_put(fx->st, &f, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	fx->folder = f.id;
	store_folder_release(&f);
	put(fx, 1, "Plan", NULL, NULL, 300);
	put(fx, 2, "Re: Plan", "1@example.test", NULL, 100);
	put(fx, 3, "Lunch", NULL, NULL, 600);
	put(fx, 4, "Re: Re: Plan", NULL, "1@example.test 2@example.test", 200);
	put(fx, 5, "Re: Lunch", "3@example.test", NULL, 500);
	put(fx, 6, "Zebra", "gone@example.test", NULL, 400);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char *cmd;

	store_close(&fx->st);
	cmd = xasprintf("rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(fx->path);
	free(fx);
	return 0;
}

static struct ui_list_req
req_for(struct fixture *fx, enum ui_sort sort)
{
	struct ui_list_req r;

	memset(&r, 0, sizeof r);
	r.gen = 7;
	r.path = fx->path;
	r.folder_id = fx->folder;
	r.sort = sort;
	r.now = 1000000;
	return r;
}

/* The rows as "uid/depth[+hidden][L]" words, for one comparison. */
static char *
describe(const struct ui_list_res *res)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < res->count; i++) {
		strbuf_addf(&sb, "%s%u/%d", i > 0 ? " " : "", res->rows[i].uid,
		    res->rows[i].depth);
		if (res->rows[i].hidden > 0)
			strbuf_addf(&sb, "+%u", res->rows[i].hidden);
		if (res->rows[i].last)
			strbuf_addch(&sb, 'L');
	}
	return strbuf_detach(&sb, NULL);
}

static void
expect_list(struct fixture *fx, const struct ui_list_req *r, const char *want)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct ui_list_res res;
	char *got;

	if (ui_list_compute(fx->st, r, &res, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(res.gen, 7);
	got = describe(&res);
	assert_string_equal(got, want);
	free(got);
	free(res.rows);
}

static void
test_threads(void **state)
{
	struct fixture *fx = *state;
	struct ui_list_req r = req_for(fx, UI_SORT_THREADS);
	uint32_t folded[] = { 1 };

	/* Newest thread first (6, then Lunch's 5, then Plan's 4); replies
	 * under their parent, oldest first; References find 4's parent. */
	expect_list(fx, &r, "6/0 3/0 5/1L 1/0 2/1L 4/2L");
	r.reverse = true;
	expect_list(fx, &r, "1/0 2/1L 4/2L 3/0 5/1L 6/0");
	r.reverse = false;
	r.collapsed = folded;
	r.ncollapsed = 1;
	expect_list(fx, &r, "6/0 3/0 5/1L 1/0+2");
}

static void
test_limit_and_server(void **state)
{
	struct fixture *fx = *state;
	struct ui_list_req r = req_for(fx, UI_SORT_THREADS);
	uint32_t server[] = { 2, 3, 5 };
	char query[] = "subject:plan";

	/* Threads of what matches only: 2 and 4 keep their order. */
	r.query = query;
	expect_list(fx, &r, "1/0 2/1L 4/2L");
	/* The server's answer, narrowed by its query when inexact. */
	r.query = NULL;
	r.has_server = true;
	r.server = server;
	r.nserver = FCT_ARRAY_LEN(server);
	expect_list(fx, &r, "3/0 5/1L 2/0");
	r.query = query;
	expect_list(fx, &r, "2/0");
	/* An empty answer is an empty list, not the whole folder. */
	r.query = NULL;
	r.nserver = 0;
	expect_list(fx, &r, "");
}

static void
test_sorts(void **state)
{
	struct fixture *fx = *state;
	struct ui_list_req r = req_for(fx, UI_SORT_SUBJECT);
	char query[] = "subject:re";

	expect_list(fx, &r, "3/0 1/0 5/0 2/0 4/0 6/0");
	r.reverse = true;
	expect_list(fx, &r, "6/0 4/0 2/0 5/0 1/0 3/0");
	r = req_for(fx, UI_SORT_SIZE);
	expect_list(fx, &r, "3/0 5/0 6/0 1/0 4/0 2/0");
	r = req_for(fx, UI_SORT_DATE);
	r.query = query;
	expect_list(fx, &r, "5/0 4/0 2/0");
	r = req_for(fx, UI_SORT_FROM);
	expect_list(fx, &r, "1/0 2/0 3/0 4/0 5/0 6/0");
}

static void
expect_found(struct fixture *fx, struct ui_list_req *r, uint32_t from_uid,
    long row, uint32_t uid)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct ui_list_res res;

	r->from_uid = from_uid;
	if (ui_list_compute(fx->st, r, &res, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(res.kind, UI_LIST_FIND);
	assert_int_equal(res.found_row, row);
	if (row >= 0)
		assert_int_equal(res.found_uid, uid);
	assert_null(res.rows);
}

/* Search: the next match after the cursor's message, in the order shown,
 * round to the top; tagging: every match. */
static void
test_find_and_match(void **state)
{
	struct fixture *fx = *state;
	struct ui_list_req r = req_for(fx, UI_SORT_THREADS);
	struct fct_error err = FCT_ERROR_INIT;
	struct ui_list_res res;
	char plan[] = "subject:plan", lunch[] = "subject:lunch",
	     none[] = "subject:absent", re[] = "subject:re";

	/* Threads: 6 3 5 1 2 4. */
	r.kind = UI_LIST_FIND;
	r.match = plan;
	expect_found(fx, &r, 6, 3, 1);
	expect_found(fx, &r, 1, 4, 2);
	expect_found(fx, &r, 4, 3, 1);
	/* The cursor's message gone: its row number says where. */
	r.from_row = 1;
	expect_found(fx, &r, 99, 3, 1);
	r.match = none;
	expect_found(fx, &r, 6, -1, 0);
	/* Date order: 6 5 4 3 2 1. */
	r = req_for(fx, UI_SORT_DATE);
	r.kind = UI_LIST_FIND;
	r.match = lunch;
	expect_found(fx, &r, 6, 1, 5);
	expect_found(fx, &r, 5, 3, 3);
	expect_found(fx, &r, 3, 1, 5);

	r = req_for(fx, UI_SORT_DATE);
	r.kind = UI_LIST_MATCH;
	r.match = re;
	if (ui_list_compute(fx->st, &r, &res, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	assert_int_equal(res.nuids, 3);
	assert_int_equal(res.uids[0], 2);
	assert_int_equal(res.uids[1], 4);
	assert_int_equal(res.uids[2], 5);
	free(res.uids);
}

static void
test_bad_query(void **state)
{
	struct fixture *fx = *state;
	struct ui_list_req r = req_for(fx, UI_SORT_DATE);
	struct fct_error err = FCT_ERROR_INIT;
	struct ui_list_res res;
	char query[] = "subject:(";

	r.query = query;
	assert_int_equal(ui_list_compute(fx->st, &r, &res, &err), -1);
	assert_non_null(fct_error_msg(&err));
	assert_null(res.rows);
	fct_error_release(&err);
}

/* The thread: answers the newest request, with its generation. */
static void
test_thread(void **state)
{
	struct fixture *fx = *state;
	struct fct_error err = FCT_ERROR_INIT;
	struct ui_lister *ls = NULL;
	struct ui_list_req *r;
	struct ui_list_res *res;
	struct pollfd pfd;
	char *got;
	int i;

	if (ui_lister_start(&ls, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	for (i = 0; i < 2; i++) {
		r = xcalloc(1, sizeof *r);
		*r = req_for(fx, UI_SORT_THREADS);
		r->gen = 10 + (uint64_t)i;
		r->path = xstrdup(fx->path);
		ui_lister_ask(ls, r);
	}
	/* At least the last one is answered; an older one may be too. */
	do {
		pfd.fd = ui_lister_fd(ls);
		pfd.events = POLLIN;
		assert_int_equal(poll(&pfd, 1, 10000), 1);
		res = ui_lister_take(ls);
		assert_non_null(res);
		if (res->error != NULL)
			fail_msg("%s", res->error);
		got = describe(res);
		assert_string_equal(got, "6/0 3/0 5/1L 1/0 2/1L 4/2L");
		free(got);
		i = (int)res->gen;
		ui_list_res_free(res);
	} while (i != 11);

	/* A cache that cannot be opened (under a file) is an answer too. */
	r = xcalloc(1, sizeof *r);
	*r = req_for(fx, UI_SORT_THREADS);
	r->path = xasprintf("%s/under-a-file.db", fx->path);
	ui_lister_ask(ls, r);
	pfd.fd = ui_lister_fd(ls);
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	res = ui_lister_take(ls);
	assert_non_null(res);
	assert_non_null(res->error);
	assert_int_equal(res->count, 0);
	ui_list_res_free(res);
	ui_lister_stop(&ls);
	assert_null(ls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_and_server, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sorts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_and_match, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_query, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_thread, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
