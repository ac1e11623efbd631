/*
 * Unit tests of src/core/error.c and src/core/util.c: error values, home
 * expansion, the line commands behind password_command, and the edit
 * distance behind "did you mean".
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/core.h"

static int
fail_with(struct fct_error *err, const char *what)
{
	return fct_error_set(err, "cannot open '%s'", what);
}

static void
test_error_set(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;

	assert_null(err.msg);
	assert_string_equal(fct_error_msg(&err), "unknown error");
	assert_string_equal(fct_error_msg(NULL), "unknown error");

	assert_int_equal(fail_with(&err, "INBOX"), -1);
	assert_string_equal(fct_error_msg(&err), "cannot open 'INBOX'");
	/* A second message replaces the first. */
	assert_int_equal(fail_with(&err, "Sent"), -1);
	assert_string_equal(err.msg, "cannot open 'Sent'");

	fct_error_release(&err);
	assert_null(err.msg);
	fct_error_release(&err);
	assert_null(err.msg);

	/* Callers that do not want the message pass NULL. */
	assert_int_equal(fail_with(NULL, "x"), -1);
	assert_int_equal(fct_error_prefix(NULL, "y"), -1);
}

static void
test_error_prefix(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;

	assert_int_equal(fct_error_set(&err, "connection refused"), -1);
	assert_int_equal(fct_error_prefix(&err, "cannot connect to '%s'",
			     "mail.example.test"),
	    -1);
	assert_string_equal(err.msg,
	    "cannot connect to 'mail.example.test': connection refused");
	assert_int_equal(fct_error_prefix(&err, "account '%s'", "work"), -1);
	assert_string_equal(err.msg,
	    "account 'work': cannot connect to "
	    "'mail.example.test': connection refused");
	fct_error_release(&err);

	/* Prefixing nothing still says something. */
	assert_int_equal(fct_error_prefix(&err, "sync"), -1);
	assert_string_equal(err.msg, "sync: unknown error");
	fct_error_release(&err);
}

static void
check_expand(const char *path, const char *want)
{
	char *got = fct_expand_home(path);

	assert_string_equal(got, want);
	free(got);
}

static void
test_expand_home(void **state)
{
	setenv("HOME", "/home/alice", 1);
	check_expand("~/mail", "/home/alice/mail");
	check_expand("~/", "/home/alice/");
	check_expand("~", "/home/alice");
	check_expand("~bob/mail", "~bob/mail");
	check_expand("/abs/~/x", "/abs/~/x");
	check_expand("rel", "rel");
	check_expand("", "");

	setenv("HOME", "/home/alice/", 1);
	check_expand("~/mail", "/home/alice/mail");

	/* Without a usable $HOME, "/" stands in; no "//" appears. */
	setenv("HOME", "", 1);
	check_expand("~/mail", "/mail");
	check_expand("~", "/");
	unsetenv("HOME");
	check_expand("~/mail", "/mail");
	setenv("HOME", "/", 1);
	check_expand("~/mail", "/mail");
	check_expand("~", "/");
	setenv("HOME", "/home/alice", 1);
}

static void
check_command(const char *command, const char *want)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *out = (char *)"unset";

	if (fct_run_line_command(command, &out, &err) != 0) {
		print_error("'%s' failed: %s\n", command, fct_error_msg(&err));
		fail();
	}
	assert_null(err.msg);
	assert_string_equal(out, want);
	free(out);
}

static void
check_command_fails(const char *command, const char *want)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *out = (char *)"unset";

	assert_int_equal(fct_run_line_command(command, &out, &err), -1);
	assert_null(out);
	assert_string_equal(fct_error_msg(&err), want);
	fct_error_release(&err);
}

static void
test_run_line_command(void **state)
{
	check_command("echo hunter2", "hunter2");
	check_command("printf 'first\\nsecond\\n'", "first");
	check_command("printf 'crlf\\r\\n'", "crlf");
	check_command("printf 'no newline'", "no newline");
	check_command("printf '  spaces kept  \\n'", "  spaces kept  ");
	check_command("echo oops >&2; echo token", "token");
	/* Far more output than is kept: the first line still comes back. */
	check_command("yes | head -c 300000", "y");
}

static void
test_run_line_command_long_line(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *out = NULL;
	size_t i;

	assert_int_equal(fct_run_line_command("head -c 5000 /dev/zero | tr "
					      "'\\0' x; echo; echo second",
			     &out, &err),
	    0);
	assert_int_equal(strlen(out), 5000);
	for (i = 0; i < 5000; i++)
		assert_int_equal(out[i], 'x');
	free(out);
}

static void
test_run_line_command_fails(void **state)
{
	check_command_fails("exit 3",
	    "command 'exit 3' failed with exit status 3");
	check_command_fails("echo secret; false",
	    "command 'echo secret; false' failed with exit status 1");
	check_command_fails("/nonexistent/facteur-helper",
	    "command '/nonexistent/facteur-helper' failed with exit "
	    "status 127");
	check_command_fails("kill -9 $$", "command 'kill -9 $$' was killed");
	check_command_fails("true", "command 'true' printed no usable line");
	check_command_fails("echo", "command 'echo' printed no usable line");
	check_command_fails("printf '\\r\\nsecond\\n'",
	    "command 'printf '\\r\\nsecond\\n'' printed no usable line");
	check_command_fails("printf 'a\\0b\\n'",
	    "command 'printf 'a\\0b\\n'' printed no usable line");
}

static void
test_edit_distance(void **state)
{
	assert_int_equal(fct_edit_distance("", ""), 0);
	assert_int_equal(fct_edit_distance("abc", ""), 3);
	assert_int_equal(fct_edit_distance("", "abc"), 3);
	assert_int_equal(fct_edit_distance("email", "email"), 0);
	assert_int_equal(fct_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(fct_edit_distance("sitting", "kitten"), 3);
	assert_int_equal(fct_edit_distance("emial", "email"), 2);
	assert_int_equal(fct_edit_distance("acount", "account"), 1);
	assert_int_equal(fct_edit_distance("account", "acount"), 1);
	assert_int_equal(fct_edit_distance("Name", "name"), 1);
	assert_int_equal(fct_edit_distance("imap", "smtp"), 2);
	assert_int_equal(fct_edit_distance("flaw", "lawn"), 2);
}

static void
check_sanitize(const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	fct_utf8_sanitize(&sb, in);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void
test_utf8_sanitize(void **state)
{
	(void)state;
	check_sanitize("", "");
	check_sanitize("plain Été 台北 \xf0\x9f\x98\x80",
	    "plain Été 台北 \xf0\x9f\x98\x80");
	/* a lone Latin-1 byte, a truncated sequence, an overlong '/', a
	 * surrogate, a code point above U+10FFFF, a stray continuation */
	check_sanitize("caf\xe9", "caf\xef\xbf\xbd");
	check_sanitize("\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd");
	check_sanitize("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	check_sanitize("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check_sanitize("\xf4\x90\x80\x80",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check_sanitize("a\x80"
		       "b",
	    "a\xef\xbf\xbd"
	    "b");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_set),
		cmocka_unit_test(test_error_prefix),
		cmocka_unit_test(test_expand_home),
		cmocka_unit_test(test_run_line_command),
		cmocka_unit_test(test_run_line_command_long_line),
		cmocka_unit_test(test_run_line_command_fails),
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_utf8_sanitize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
