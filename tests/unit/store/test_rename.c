/*
 * Unit tests of src/store/rename.c and src/store/jobnote.c: a folder
 * renamed with the folders below it keeps its messages, names with LIKE's
 * wildcards are matched exactly, a rename onto a cached name replaces it;
 * a job's payload is replaced durably.
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
	fx->st = test_open(fx->dir, "rename.db");
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

/* The id of the cached folder called name, 0 when there is none. */
static int64_t
folder_id(struct store *st, const char *name)
{
	struct store_folder f = STORE_FOLDER_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	int64_t id = 0;
	int found = store_folder_get(st, name, &f, &err);

	if (found < 0)
		fail_msg("%s", fct_error_msg(&err));
	if (found > 0)
		id = f.id;
	store_folder_release(&f);
	return id;
}

static void
test_rename_with_children(void **state)
{
	struct fixture *fx = *state;
	int64_t top = test_folder(fx->st, "50%_off");
	int64_t child = test_folder(fx->st, "50%_off/Été");
	int64_t other = test_folder(fx->st, "50X_off/x");
	int64_t longer = test_folder(fx->st, "50%_offer");

	test_put(fx->st, top, 1, "one");
	test_put(fx->st, child, 7, "seven");
	assert_int_equal(store_folder_rename(fx->st, "50%_off", "Soldes", '/',
			     &fx->err),
	    0);
	assert_int_equal(folder_id(fx->st, "Soldes"), top);
	assert_int_equal(folder_id(fx->st, "Soldes/Été"), child);
	assert_int_equal(folder_id(fx->st, "50%_off"), 0);
	assert_int_equal(folder_id(fx->st, "50%_off/Été"), 0);
	/* Neither a LIKE lookalike nor a longer name moved. */
	assert_int_equal(folder_id(fx->st, "50X_off/x"), other);
	assert_int_equal(folder_id(fx->st, "50%_offer"), longer);
	/* The messages stayed with their folders. */
	assert_int_equal(test_int(fx->st,
			     "SELECT count(*) FROM messages m JOIN folders f "
			     "ON f.id = m.folder_id WHERE f.name = "
			     "'Soldes/Été' "
			     "AND m.uid = 7"),
	    1);
}

static void
test_rename_replaces_and_unknown(void **state)
{
	struct fixture *fx = *state;
	int64_t a = test_folder(fx->st, "A");
	int64_t b = test_folder(fx->st, "B");

	test_put(fx->st, b, 3, "stale");
	assert_int_equal(store_folder_rename(fx->st, "A", "B", '/', &fx->err),
	    0);
	assert_int_equal(folder_id(fx->st, "B"), a);
	assert_int_equal(folder_id(fx->st, "A"), 0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 0);
	/* A folder the cache does not know: nothing changes, no error. */
	assert_int_equal(store_folder_rename(fx->st, "Nowhere", "Else", '\0',
			     &fx->err),
	    0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM folders"), 1);
}

static void
test_job_set_payload(void **state)
{
	struct fixture *fx = *state;
	struct store_job j = { 0 };
	int64_t id;

	assert_int_equal(store_job_add(fx->st, "copy", "folder=A\n", &id,
			     &fx->err),
	    0);
	assert_int_equal(store_job_set_payload(fx->st, id,
			     "folder=A\ndest_uidnext=42\n", &fx->err),
	    0);
	assert_int_equal(store_job_next(fx->st, &j, &fx->err), 1);
	assert_int_equal(j.id, id);
	assert_string_equal(j.kind, "copy");
	assert_string_equal(j.payload, "folder=A\ndest_uidnext=42\n");
	store_job_release(&j);
	assert_int_equal(store_job_set_payload(fx->st, id + 1, "x", &fx->err),
	    -1);
	assert_non_null(strstr(fct_error_msg(&fx->err), "no job"));
	fct_error_release(&fx->err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rename_with_children,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_replaces_and_unknown,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_set_payload, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
