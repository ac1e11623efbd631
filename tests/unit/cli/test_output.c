/*
 * Unit tests of cli_put_field: server data must neither break the columns
 * nor reach the terminal as control sequences.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/cli.h"

static char *
field(const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	cli_put_field(fp, in);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void
check(const char *in, const char *want)
{
	char *got = field(in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_plain(void **state)
{
	check("INBOX", "INBOX");
	check("Envoyés/Été 台北", "Envoyés/Été 台北");
	check("", "");
}

static void
test_separators(void **state)
{
	check("a\tb", "a\\tb");
	check("a\nb\r", "a\\nb\\r");
	check("back\\slash", "back\\\\slash");
}

static void
test_controls(void **state)
{
	check("\033[2J\033]0;owned\007", "\\x1B[2J\\x1B]0;owned\\x07");
	check("del\177", "del\\x7F");
	/* C1 CSI, U+009B */
	check("\xc2\x9b"
	      "31m",
	    "\\u{009B}31m");
	/* right-to-left override U+202E and isolate U+2067 */
	check("abc\xe2\x80\xae"
	      "fdp.exe",
	    "abc\\u{202E}fdp.exe");
	check("x\xe2\x81\xa7y", "x\\u{2067}y");
	/* neighbours of the ranges are ordinary text: U+00A0, U+2030 */
	check("\xc2\xa0", "\xc2\xa0");
	check("\xe2\x80\xb0", "\xe2\x80\xb0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
