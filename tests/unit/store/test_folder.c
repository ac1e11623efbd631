/*
 * Unit tests of src/store/folder.c: folders' listing attributes and sync
 * state, listing, pruning and resetting, and what those do to the
 * messages, bodies and index entries below a folder.
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
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);

	fx->dir = test_tmpdir();
	fx->st = test_open(fx->dir, "folders.db");
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

static void
test_put_get(void **state)
{
	struct fixture *fx = *state;
	struct store_folder f = STORE_FOLDER_INIT, g = STORE_FOLDER_INIT;

	f.name = xstrdup("Archives/2024 été");
	f.raw_name = xstrdup("Archives/2024 &AOk-t&AOk-");
	f.delimiter = '/';
	f.role = xstrdup("archive");
	f.ns = 2;
	f.noselect = true;
	f.rights = xstrdup("lrswipkxtecda");
	f.uidvalidity = 4000000000u;
	f.uidnext = 77;
	f.highestmodseq = UINT64_C(9223372036854775000);
	f.total = 12;
	f.unseen = 3;
	assert_int_equal(store_folder_put(fx->st, &f, &fx->err), 0);
	assert_true(f.id > 0);

	assert_int_equal(store_folder_get(fx->st, "Archives/2024 été", &g,
			     &fx->err),
	    1);
	assert_int_equal(g.id, f.id);
	assert_string_equal(g.name, f.name);
	assert_string_equal(g.raw_name, f.raw_name);
	assert_int_equal(g.delimiter, '/');
	assert_string_equal(g.role, "archive");
	assert_int_equal(g.ns, 2);
	assert_true(g.noselect);
	assert_string_equal(g.rights, "lrswipkxtecda");
	/* A new folder takes its sync state from f. */
	assert_int_equal(g.uidvalidity, 4000000000u);
	assert_int_equal(g.uidnext, 77);
	assert_true(g.highestmodseq == UINT64_C(9223372036854775000));
	assert_int_equal(g.total, 12);
	assert_int_equal(g.unseen, 3);

	/* Absent: 0, and *f zeroed (its old strings freed). */
	assert_int_equal(store_folder_get(fx->st, "archives/2024 été", &g,
			     &fx->err),
	    0);
	assert_null(g.name);
	assert_int_equal(g.id, 0);

	/* A flat folder with no role and no rights. */
	store_folder_release(&f);
	f.name = xstrdup("INBOX");
	assert_int_equal(store_folder_put(fx->st, &f, &fx->err), 0);
	assert_int_equal(store_folder_get(fx->st, "INBOX", &g, &fx->err), 1);
	assert_int_equal(g.delimiter, '\0');
	assert_null(g.raw_name);
	assert_null(g.role);
	assert_null(g.rights);
	assert_false(g.noselect);
	assert_int_equal(g.uidvalidity, 0);

	store_folder_release(&f);
	store_folder_release(&g);
	store_folder_release(&g); /* twice is fine */
}

static void
test_put_updates_listing_only(void **state)
{
	struct fixture *fx = *state;
	struct store_folder f = STORE_FOLDER_INIT, g = STORE_FOLDER_INIT;
	int64_t id;

	f.name = xstrdup("Sent");
	f.role = xstrdup("sent");
	f.total = 1;
	assert_int_equal(store_folder_put(fx->st, &f, &fx->err), 0);
	id = f.id;
	assert_int_equal(store_folder_reset(fx->st, id, 55, &fx->err), 0);
	assert_int_equal(store_folder_set_state(fx->st, id, 10, 300, &fx->err),
	    0);

	/* LIST again, with new attributes and a stale idea of the state. */
	store_folder_release(&f);
	f.name = xstrdup("Sent");
	f.raw_name = xstrdup("Sent");
	f.delimiter = '.';
	f.total = 40;
	f.unseen = 2;
	f.uidvalidity = 1;
	f.uidnext = 1;
	f.highestmodseq = 1;
	assert_int_equal(store_folder_put(fx->st, &f, &fx->err), 0);
	assert_int_equal(f.id, id);
	/* The stored state is read back into f. */
	assert_int_equal(f.uidvalidity, 55);
	assert_int_equal(f.uidnext, 10);
	assert_int_equal(f.highestmodseq, 300);

	assert_int_equal(store_folder_get(fx->st, "Sent", &g, &fx->err), 1);
	assert_int_equal(g.uidvalidity, 55);
	assert_int_equal(g.uidnext, 10);
	assert_int_equal(g.highestmodseq, 300);
	assert_int_equal(g.delimiter, '.');
	assert_null(g.role); /* listing attributes are replaced */
	assert_int_equal(g.total, 40);
	assert_int_equal(g.unseen, 2);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM folders"), 1);

	store_folder_release(&f);
	store_folder_release(&g);
}

static void
test_list(void **state)
{
	struct fixture *fx = *state;
	struct store_folder_list l = STORE_FOLDER_LIST_INIT;

	assert_int_equal(store_folder_list(fx->st, &l, &fx->err), 0);
	assert_int_equal(l.n, 0);
	assert_null(l.v);

	test_folder(fx->st, "Sent");
	test_folder(fx->st, "INBOX");
	test_folder(fx->st, "Archives");
	test_folder(fx->st, "INBOX/Factures");
	assert_int_equal(store_folder_list(fx->st, &l, &fx->err), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].name, "Archives");
	assert_string_equal(l.v[1].name, "INBOX");
	assert_string_equal(l.v[2].name, "INBOX/Factures");
	assert_string_equal(l.v[3].name, "Sent");
	assert_int_equal(l.v[3].delimiter, '/');
	assert_true(l.v[0].id > 0);

	/* Listing again replaces the contents. */
	assert_int_equal(store_folder_list(fx->st, &l, &fx->err), 0);
	assert_int_equal(l.n, 4);
	store_folder_list_release(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
	store_folder_list_release(&l);
}

static void
test_prune(void **state)
{
	struct fixture *fx = *state;
	const char *keep[] = { "Sent", "INBOX" };
	int64_t inbox = test_folder(fx->st, "INBOX");
	int64_t old = test_folder(fx->st, "Old");
	int64_t sent = test_folder(fx->st, "Sent");
	int64_t id;

	test_folder(fx->st, "Gone too");
	test_put(fx->st, inbox, 1, "kept in the inbox");
	id = test_put(fx->st, old, 1, "lost with its folder");
	assert_int_equal(store_body_put(fx->st, id, "raw", 3, "pineapple", 0,
			     &fx->err),
	    0);
	test_put(fx->st, sent, 1, "kept in sent");
	assert_int_equal(test_fts(fx->st, "pineapple"), 1);

	assert_int_equal(store_folder_prune(fx->st, keep, 2, &fx->err), 0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM folders"), 2);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 2);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM bodies"), 0);
	assert_int_equal(test_fts(fx->st, "lost"), 0);
	assert_int_equal(test_fts(fx->st, "pineapple"), 0);
	assert_int_equal(test_fts(fx->st, "kept"), 2);
	if (store_check(fx->st, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));

	/* Pruning to what is there changes nothing. */
	assert_int_equal(store_folder_prune(fx->st, keep, 2, &fx->err), 0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM folders"), 2);

	/* Nothing to keep: every folder goes. */
	assert_int_equal(store_folder_prune(fx->st, NULL, 0, &fx->err), 0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM folders"), 0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 0);
	assert_int_equal(test_fts(fx->st, "kept"), 0);
}

static void
test_set_state(void **state)
{
	struct fixture *fx = *state;
	struct store_folder g = STORE_FOLDER_INIT;
	int64_t inbox = test_folder(fx->st, "INBOX");
	char *want;

	assert_int_equal(store_folder_set_state(fx->st, inbox, 4294967295u,
			     UINT64_C(9223372036854775807), &fx->err),
	    0);
	assert_int_equal(store_folder_get(fx->st, "INBOX", &g, &fx->err), 1);
	assert_int_equal(g.uidnext, 4294967295u);
	assert_true(g.highestmodseq == UINT64_C(9223372036854775807));
	assert_int_equal(g.uidvalidity, 0);

	assert_int_equal(store_folder_set_state(fx->st, inbox + 100, 1, 1,
			     &fx->err),
	    -1);
	want = xasprintf("cannot write to cache '%s/folders.db': no folder "
			 "%lld",
	    fx->dir, (long long)inbox + 100);
	assert_string_equal(fct_error_msg(&fx->err), want);
	free(want);
	store_folder_release(&g);
}

static void
test_reset(void **state)
{
	struct fixture *fx = *state;
	struct store_folder g = STORE_FOLDER_INIT;
	int64_t inbox = test_folder(fx->st, "INBOX");
	int64_t sent = test_folder(fx->st, "Sent");
	int64_t id;
	uint32_t uid;
	char *want;

	for (uid = 1; uid <= 20; uid++)
		test_put(fx->st, inbox, uid, "reset me");
	id = test_put(fx->st, inbox, 21, "with a body");
	assert_int_equal(store_body_put(fx->st, id, "r", 1, "mango", 0,
			     &fx->err),
	    0);
	test_put(fx->st, sent, 1, "not me");
	assert_int_equal(store_folder_set_state(fx->st, inbox, 22, 99,
			     &fx->err),
	    0);

	assert_int_equal(store_folder_reset(fx->st, inbox, 1234, &fx->err), 0);
	assert_int_equal(store_folder_get(fx->st, "INBOX", &g, &fx->err), 1);
	assert_int_equal(g.uidvalidity, 1234);
	assert_int_equal(g.uidnext, 0);
	assert_int_equal(g.highestmodseq, 0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 1);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM bodies"), 0);
	assert_int_equal(test_fts(fx->st, "reset"), 0);
	assert_int_equal(test_fts(fx->st, "mango"), 0);
	assert_int_equal(test_fts(fx->st, "not"), 1);

	/* An empty folder resets too; an unknown one is an error. */
	assert_int_equal(store_folder_reset(fx->st, inbox, 1235, &fx->err), 0);
	assert_int_equal(store_folder_reset(fx->st, 999, 1, &fx->err), -1);
	want = xasprintf("cannot write to cache '%s/folders.db': no folder "
			 "999",
	    fx->dir);
	assert_string_equal(fct_error_msg(&fx->err), want);
	free(want);
	store_folder_release(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_updates_listing_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_state, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
