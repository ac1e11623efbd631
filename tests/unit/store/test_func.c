/*
 * Unit tests of src/store/func.c: fct_header() on raw header blocks (names
 * case-insensitive, folded values joined, the first field wins, the block
 * ends at the empty line), and functions registered from outside the
 * store, as the query layer registers fct_match.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	fx->st = test_open(fx->dir, "func.db");
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

/* fct_header(headers, name) as SQL computes it; NULL for SQL NULL. */
static char *
header(struct fixture *fx, const char *headers, const char *name)
{
	sqlite3_stmt *s;
	char *v;

	assert_int_equal(sqlite3_prepare_v2(fx->st->db,
			     "SELECT fct_header(?1, ?2)", -1, &s, NULL),
	    SQLITE_OK);
	if (headers != NULL)
		sqlite3_bind_text(s, 1, headers, -1, SQLITE_STATIC);
	if (name != NULL)
		sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = store_column_strdup(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void
check(struct fixture *fx, const char *headers, const char *name,
    const char *want)
{
	char *got = header(fx, headers, name);

	if (want == NULL) {
		if (got != NULL)
			fail_msg("fct_header(%s): '%s', wanted NULL", name,
			    got);
	} else {
		if (got == NULL)
			fail_msg("fct_header(%s): NULL, wanted '%s'", name,
			    want);
		assert_string_equal(got, want);
	}
	free(got);
}

static void
test_header(void **state)
{
	struct fixture *fx = *state;
	static const char h[] =
	    "Received: from a.example.test\r\n"
	    "\tby b.example.test; Mon, 1 Jan 2024 10:00:00 +0000\r\n"
	    "Received: second\r\n"
	    "Subject: Ordre du jour\r\n"
	    "X-Folded: one\r\n"
	    "  two\r\n"
	    "\tthree  \r\n"
	    "X-Empty:\r\n"
	    "X-Spaces:    padded   \r\n"
	    "List-Id: Dev <dev.example.test>\r\n"
	    "X-Subject: not the subject\r\n"
	    "Subject-Extra: not it either\r\n"
	    "\r\n"
	    "X-Body: after the header\r\n";

	check(fx, h, "Subject", "Ordre du jour");
	check(fx, h, "subject", "Ordre du jour");
	check(fx, h, "SUBJECT", "Ordre du jour");
	/* Unfolding removes the line breaks and keeps the white space. */
	check(fx, h, "x-folded", "one  two\tthree");
	check(fx, h, "received",
	    "from a.example.test\tby b.example.test; Mon, 1 Jan 2024 "
	    "10:00:00 +0000");
	check(fx, h, "X-Empty", "");
	check(fx, h, "x-spaces", "padded");
	check(fx, h, "List-Id", "Dev <dev.example.test>");
	/* Absent, or only in the body. */
	check(fx, h, "Cc", NULL);
	check(fx, h, "X-Body", NULL);
	check(fx, h, "Subj", NULL);
	check(fx, h, "", NULL);
	check(fx, NULL, "Subject", NULL);
	check(fx, h, NULL, NULL);
}

static void
test_header_odd_shapes(void **state)
{
	struct fixture *fx = *state;

	/* Bare LF line endings, as some stores keep them. */
	check(fx, "From: a@example.test\nSubject: lf\n only\n\nbody", "subject",
	    "lf only");
	/* No final line ending. */
	check(fx, "Subject: last line", "Subject", "last line");
	check(fx, "Subject: folded at the end\r\n ", "Subject",
	    "folded at the end");
	/* Obsolete syntax: white space before the colon. */
	check(fx, "Subject \t: spaced", "subject", "spaced");
	/* A continuation with no field before it belongs to nothing. */
	check(fx, " Subject: orphan\r\nSubject: real\r\n", "subject", "real");
	/* A name and nothing else is not a field. */
	check(fx, "Subject\r\nSubject: after\r\n", "subject", "after");
	/* An empty block. */
	check(fx, "", "Subject", NULL);
	check(fx, "\r\nSubject: body\r\n", "Subject", NULL);
	/* The name is all that precedes the colon, less blanks. */
	check(fx, "Subject : x\r\n", "subject ", NULL);
	check(fx, "X-A-B: ab\r\nX-A: a\r\n", "x-a", "a");
	check(fx, ": no name\r\n", "", "no name");
	/* UTF-8 values pass through. */
	check(fx, "Subject: =?utf-8?q?caf=C3=A9?= café\r\n", "subject",
	    "=?utf-8?q?caf=C3=A9?= café");
}

/* The block ends at a NUL, as it does for the in-memory matcher. */
static void
test_header_nul(void **state)
{
	struct fixture *fx = *state;
	static const char h[] = "X-A: 1\r\n\0X-B: 2\r\n";
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_prepare_v2(fx->st->db,
			     "SELECT fct_header(?1, 'x-a'), fct_header(?1, "
			     "'x-b')",
			     -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(s, 1, h, sizeof h - 1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "1");
	assert_int_equal(sqlite3_column_type(s, 1), SQLITE_NULL);
	sqlite3_finalize(s);
}

/* A stand-in for the query layer's fct_match: case-insensitive substring. */
struct match_stats {
	unsigned calls, nulls;
};

static int
contains(int argc, const char *const *argv, bool *result, void *arg,
    struct fct_error *err)
{
	struct match_stats *stats = arg;
	size_t n;
	const char *p;

	stats->calls++;
	assert_int_equal(argc, 2);
	if (argv[1] != NULL && strcmp(argv[1], "[bad") == 0)
		return fct_error_set(err, "bad pattern '%s'", argv[1]);
	if (argv[0] == NULL || argv[1] == NULL) {
		stats->nulls++;
		*result = false;
		return 0;
	}
	n = strlen(argv[1]);
	*result = false;
	for (p = argv[0]; *p != '\0'; p++) {
		if (strncasecmp(p, argv[1], n) == 0) {
			*result = true;
			break;
		}
	}
	return 0;
}

static int
count_args(int argc, const char *const *argv, bool *result, void *arg,
    struct fct_error *err)
{
	(void)argv;
	(void)err;
	*(int *)arg = argc;
	*result = argc % 2 == 0;
	return 0;
}

static int
count_rows(const struct store_msg *m, void *arg)
{
	(void)m;
	(*(size_t *)arg)++;
	return 0;
}

static void
test_register(void **state)
{
	struct fixture *fx = *state;
	struct match_stats stats = { 0 };
	struct store_param p = { .type = STORE_PARAM_TEXT, .text = "INVOICE" };
	int64_t inbox = test_folder(fx->st, "INBOX");
	size_t n = 0;
	int argc = -1;
	char *want;

	test_put(fx->st, inbox, 1, "Your invoice is ready");
	test_put(fx->st, inbox, 2, "Lunch?");
	test_put(fx->st, inbox, 3, NULL);

	assert_int_equal(store_register_function(fx->st, "fct_match", 2,
			     contains, &stats, &fx->err),
	    0);
	assert_int_equal(store_msg_select(fx->st, inbox,
			     "fct_match(m.subject, ?)", &p, 1, NULL, 0,
			     count_rows, &n, &fx->err),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(stats.calls, 3);
	assert_int_equal(stats.nulls, 1); /* SQL NULL arrives as NULL */

	/* The callback's error fails the statement with its message. */
	p.text = "[bad";
	assert_int_equal(store_msg_select(fx->st, inbox,
			     "fct_match(m.subject, ?)", &p, 1, NULL, 0,
			     count_rows, &n, &fx->err),
	    -1);
	want = xasprintf("cannot search cache '%s/func.db': bad pattern "
			 "'[bad'",
	    fx->dir);
	assert_string_equal(fct_error_msg(&fx->err), want);
	free(want);
	store_sanity(fx->st);

	/* Numbers arrive as text; any count with nargs -1. */
	assert_int_equal(store_register_function(fx->st, "fct_count", -1,
			     count_args, &argc, &fx->err),
	    0);
	assert_int_equal(test_int(fx->st, "SELECT fct_count(1, 'a', NULL)"), 0);
	assert_int_equal(argc, 3);
	assert_int_equal(test_int(fx->st, "SELECT fct_count()"), 1);
	assert_int_equal(argc, 0);
	assert_int_not_equal(sqlite3_exec(fx->st->db,
				 "SELECT fct_count(1,2,3,4,5,6,7,8,9)", NULL,
				 NULL, NULL),
	    SQLITE_OK);
	assert_string_equal(sqlite3_errmsg(fx->st->db), "too many arguments");

	/* Registering again replaces; the old data is freed (valgrind). */
	assert_int_equal(store_register_function(fx->st, "fct_count", -1,
			     count_args, &argc, &fx->err),
	    0);

	/* Never callable from the schema, where a tampered file could. */
	test_exec(fx->st,
	    "CREATE VIEW tricky AS "
	    "SELECT fct_match(subject, 'x') AS v FROM messages");
	assert_int_not_equal(sqlite3_exec(fx->st->db, "SELECT * FROM tricky",
				 NULL, NULL, NULL),
	    SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(fx->st->db), "unsafe use"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_odd_shapes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_header_nul, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
