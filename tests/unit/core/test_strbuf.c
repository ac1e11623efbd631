/*
 * Unit tests of src/core/strbuf.c. Every operation is followed by
 * strbuf_sanity(), and the checker itself is shown to catch broken
 * invariants: a sanity check that cannot fail proves nothing.
 */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/core.h"

/*
 * Runs fn(arg) in a child and returns its wait status: for the paths that
 * end the process (BUG() aborts, fct_fatal() exits 1).
 */
static int
run_dying(void (*fn)(void *), void *arg)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(99);
		fn(arg);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
assert_aborts(void (*fn)(void *), void *arg)
{
	int status = run_dying(fn, arg);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void
test_init(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_sanity(&sb);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.alloc, 0);
	assert_ptr_equal(sb.buf, strbuf_slopbuf);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	strbuf_sanity(&sb);

	strbuf_init(&sb, 100);
	strbuf_sanity(&sb);
	assert_int_equal(sb.len, 0);
	assert_true(sb.alloc > 100);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	strbuf_sanity(&sb);
	assert_ptr_equal(sb.buf, strbuf_slopbuf);
	strbuf_release(&sb);

	strbuf_init(&sb, 0);
	strbuf_sanity(&sb);
	assert_int_equal(sb.alloc, 0);
}

static void
test_add(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "");
	strbuf_sanity(&sb);
	assert_int_equal(sb.alloc, 0);
	strbuf_add(&sb, "xyz", 0);
	strbuf_sanity(&sb);
	assert_int_equal(sb.alloc, 0);

	strbuf_addstr(&sb, "hello");
	strbuf_sanity(&sb);
	strbuf_addch(&sb, ',');
	strbuf_sanity(&sb);
	strbuf_add(&sb, " world!!", 6);
	strbuf_sanity(&sb);
	assert_string_equal(sb.buf, "hello, world");
	assert_int_equal(sb.len, 12);
	strbuf_release(&sb);
}

static void
test_grow_many(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < 10000; i++) {
		strbuf_addch(&sb, 'a' + (int)(i % 26));
		strbuf_sanity(&sb);
		assert_int_equal(sb.len, i + 1);
	}
	for (i = 0; i < 10000; i++)
		assert_int_equal(sb.buf[i], 'a' + (int)(i % 26));
	strbuf_grow(&sb, 100000);
	strbuf_sanity(&sb);
	assert_true(sb.alloc > sb.len + 100000);
	assert_int_equal(sb.len, 10000);
	strbuf_release(&sb);
}

static void
test_binary(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	static const char data[] = { 'a', '\0', 'b', '\0' };

	strbuf_add(&sb, data, sizeof data);
	strbuf_sanity(&sb);
	assert_int_equal(sb.len, 4);
	assert_memory_equal(sb.buf, data, sizeof data);
	assert_int_equal(sb.buf[4], '\0');
	strbuf_addch(&sb, '\0');
	strbuf_sanity(&sb);
	assert_int_equal(sb.len, 5);
	strbuf_release(&sb);
}

static void
test_addf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *big;

	strbuf_addf(&sb, "%s", "");
	strbuf_sanity(&sb);
	assert_int_equal(sb.len, 0);
	strbuf_addf(&sb, "%d-%s-%c", 42, "x", 'y');
	strbuf_sanity(&sb);
	assert_string_equal(sb.buf, "42-x-y");

	big = xmalloc(5000);
	memset(big, 'q', 4999);
	big[4999] = '\0';
	strbuf_addf(&sb, "[%s]", big);
	strbuf_sanity(&sb);
	assert_int_equal(sb.len, 6 + 5001);
	assert_int_equal(sb.buf[6], '[');
	assert_int_equal(sb.buf[sb.len - 1], ']');
	assert_memory_equal(sb.buf + 7, big, 4999);
	free(big);
	strbuf_release(&sb);
}

static void
test_detach(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *s;

	/* Even an empty strbuf hands back a string the caller may free. */
	s = strbuf_detach(&sb, &len);
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	assert_ptr_not_equal(s, strbuf_slopbuf);
	free(s);
	strbuf_sanity(&sb);

	strbuf_addstr(&sb, "mail");
	s = strbuf_detach(&sb, &len);
	assert_int_equal(len, 4);
	assert_string_equal(s, "mail");
	strbuf_sanity(&sb);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.alloc, 0);
	assert_ptr_equal(sb.buf, strbuf_slopbuf);
	free(s);

	strbuf_addstr(&sb, "again");
	s = strbuf_detach(&sb, NULL);
	assert_string_equal(s, "again");
	free(s);
}

static void
test_setlen(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_setlen(&sb, 0);
	strbuf_sanity(&sb);
	strbuf_reset(&sb);
	strbuf_sanity(&sb);
	assert_ptr_equal(sb.buf, strbuf_slopbuf);

	strbuf_addstr(&sb, "abcdef");
	strbuf_setlen(&sb, 3);
	strbuf_sanity(&sb);
	assert_string_equal(sb.buf, "abc");
	strbuf_reset(&sb);
	strbuf_sanity(&sb);
	assert_string_equal(sb.buf, "");
	assert_true(sb.alloc > 0);
	strbuf_release(&sb);
}

static void
setlen_beyond(void *arg)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "ab");
	strbuf_setlen(&sb, 3);
}

static void
test_setlen_beyond_is_a_bug(void **state)
{
	assert_aborts(setlen_beyond, NULL);
}

static void
grow_absurd(void *arg)
{
	/* Static: exit() runs the leak checker of sanitized builds. */
	static struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, 'x');
	strbuf_grow(&sb, SIZE_MAX - 1);
}

static void
test_grow_overflow_is_fatal(void **state)
{
	int status = run_dying(grow_absurd, NULL);

	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
}

static void
test_rtrim(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_rtrim(&sb);
	strbuf_sanity(&sb);
	strbuf_addstr(&sb, "  text \t\r\n");
	strbuf_rtrim(&sb);
	strbuf_sanity(&sb);
	assert_string_equal(sb.buf, "  text");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "  text");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, " \t \n");
	strbuf_rtrim(&sb);
	strbuf_sanity(&sb);
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

/* The sanity checker catches each broken invariant. */
static void
break_null(void *arg)
{
	struct strbuf sb = { 0, 0, NULL };

	strbuf_sanity(&sb);
}

static void
break_unallocated(void *arg)
{
	struct strbuf sb = { 0, 1, strbuf_slopbuf };

	strbuf_sanity(&sb);
}

static void
break_len(void *arg)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "abc");
	sb.len = sb.alloc;
	strbuf_sanity(&sb);
}

static void
break_nul(void *arg)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "abc");
	sb.buf[3] = 'd';
	strbuf_sanity(&sb);
}

static void
test_sanity_catches(void **state)
{
	assert_aborts(break_null, NULL);
	assert_aborts(break_unallocated, NULL);
	assert_aborts(break_len, NULL);
	assert_aborts(break_nul, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_grow_many),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_setlen),
		cmocka_unit_test(test_setlen_beyond_is_a_bug),
		cmocka_unit_test(test_grow_overflow_is_fatal),
		cmocka_unit_test(test_rtrim),
		cmocka_unit_test(test_sanity_catches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
