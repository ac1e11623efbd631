/*
 * Unit tests of src/core/alias.c: mutt's alias lines (display names,
 * quoted commas, comments, continuation lines, -group tags), groups that
 * nest, and the diagnostics: unknown keys, loops, empty aliases, each at
 * file:line:column, with the good aliases still usable.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/core_alias.h"

static char *
diag_text(const struct config_diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	config_diags_print(d, fp);
	fclose(fp);
	return buf;
}

static char *
expand(const struct fct_aliases *a, const char *list)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(fct_aliases_expand(a, list, &sb, NULL), 0);
	return strbuf_detach(&sb, NULL);
}

static void
test_groups(void **state)
{
	static const char text[] =
	    "# my aliases\n"
	    "alias bob Bob Martin <bob@example.test>\n"
	    "alias -group work carol \"Dupont, Carol\" <carol@example.test> "
	    "# a comment\n"
	    "alias team bob, carol,\\\n"
	    "   dave@example.test\n"
	    "alias all team, Erin <erin@example.test>\n";
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct fct_aliases *a = NULL;
	char *s;

	(void)state;
	assert_int_equal(fct_aliases_parse("aliases", text, strlen(text), &a,
			     &d),
	    0);
	assert_int_equal(d.n, 0);
	assert_int_equal(fct_aliases_count(a), 4);
	s = expand(a, "BOB");
	assert_string_equal(s, "Bob Martin <bob@example.test>");
	free(s);
	s = expand(a, "all, zoe@example.test");
	assert_string_equal(s,
	    "Bob Martin <bob@example.test>, \"Dupont, Carol\" "
	    "<carol@example.test>, dave@example.test, Erin "
	    "<erin@example.test>, zoe@example.test");
	free(s);
	/* Not keys: kept as written. */
	s = expand(a, "\"team, x\" <t@example.test>, nobody");
	assert_string_equal(s, "\"team, x\" <t@example.test>, nobody");
	free(s);
	s = expand(NULL, "team");
	assert_string_equal(s, "team");
	free(s);
	fct_aliases_free(&a);
	assert_null(a);
	config_diags_release(&d);
}

static void
test_errors(void **state)
{
	static const char text[] = "alias ok ok@example.test\n"
				   "alias a b\n"
				   "alias b c, ok\n"
				   "alias c a\n"
				   "alias empty\n"
				   "alias x typo, ok\n"
				   "set sort = date\n"
				   "alias ok again@example.test\n";
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct fct_aliases *a = NULL;
	char *msgs, *s;

	(void)state;
	assert_int_equal(fct_aliases_parse("al", text, strlen(text), &a, &d),
	    -1);
	msgs = diag_text(&d);
	assert_non_null(
	    strstr(msgs, "al:5:12: error: alias 'empty' has no address\n"));
	assert_non_null(strstr(msgs,
	    "al:6:9: error: 'typo' in alias 'x' is neither an address nor "
	    "an alias\n"));
	assert_non_null(strstr(msgs,
	    "al:7:1: warning: 'set' is not an alias line: ignored\n"));
	assert_non_null(strstr(msgs,
	    "al:8:7: warning: alias 'ok' was defined on line 1 already"));
	assert_non_null(strstr(msgs,
	    "al:2:7: error: alias 'a' is part of a loop: a -> b -> c -> a\n"));
	/* What parsed stays usable. */
	s = expand(a, "ok");
	assert_string_equal(s, "again@example.test");
	free(s);
	free(msgs);
	fct_aliases_free(&a);
	config_diags_release(&d);
}

static int
collect(const char *key, const char *members, void *arg)
{
	strbuf_addf(arg, "%s=%s;", key, members);
	return 0;
}

static void
test_complete(void **state)
{
	static const char text[] = "alias bob Bob <bob@example.test>\n"
				   "alias bea bea@example.test\n"
				   "alias team bob, carol@example.test\n";
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct fct_aliases *a = NULL;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(fct_aliases_parse("al", text, strlen(text), &a, &d),
	    0);
	fct_aliases_complete(a, "B", collect, &sb);
	assert_string_equal(sb.buf,
	    "bob=Bob <bob@example.test>;bea=bea@example.test;");
	strbuf_reset(&sb);
	fct_aliases_complete(a, "te", collect, &sb);
	assert_string_equal(sb.buf, "team=bob, carol@example.test;");
	strbuf_reset(&sb);
	fct_aliases_complete(NULL, "", collect, &sb);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	fct_aliases_free(&a);
	config_diags_release(&d);
}

static void
test_load(void **state)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct fct_aliases *a = NULL;
	char *msgs;

	(void)state;
	assert_int_equal(fct_aliases_load("/nonexistent/aliases", &a, &d), -1);
	msgs = diag_text(&d);
	assert_string_equal(msgs,
	    "error: cannot read aliases file '/nonexistent/aliases': No such "
	    "file or directory\n");
	free(msgs);
	fct_aliases_free(&a);
	config_diags_release(&d);
	/* A missing default file is no error. */
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	assert_int_equal(fct_aliases_load(NULL, &a, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(fct_aliases_count(a), 0);
	fct_aliases_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
