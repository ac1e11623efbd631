/*
 * Unit tests of src/rules/parse.c: the examples parse to exactly
 * the rules they describe, every error is reported at its file:line:column
 * with its wording, a bad rule is skipped without taking the good ones with
 * it, and query errors land at the column of the file.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/core.h"
#include "facteur/core_config.h"
#include "facteur/query.h"
#include "facteur/rules.h"

static const char example[] =
    "# comment\n"
    "rule \"Factures EDF\"\n"
    "  when from:@edf.fr or subject:facture\n"
    "  then move Finances/Factures, flag\n"
    "\n"
    "rule \"Liste Debian\"\n"
    "  account work            # optional scope lines\n"
    "  folder INBOX            # optional; default: INBOX of every account\n"
    "  when list:debian-user.lists.debian.org\n"
    "  then move Listes/Debian, read\n"
    "  stop\n";

/* Every diagnostic as "file:line:column: msg", one a line. */
static char *
diags_text(const struct config_diags *d)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++)
		strbuf_addf(&sb, "%s:%u:%u: %s\n", d->v[i].file, d->v[i].line,
		    d->v[i].column, d->v[i].msg);
	return strbuf_detach(&sb, NULL);
}

static struct rules *
parse_ok(const char *text)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct rules *rs = NULL;
	char *t;

	if (rules_parse("rules", text, strlen(text), &rs, &d) != 0) {
		t = diags_text(&d);
		fail_msg("cannot parse:\n%s", t);
	}
	assert_int_equal(d.n, 0);
	assert_non_null(rs);
	rules_sanity(rs);
	config_diags_release(&d);
	return rs;
}

/* text fails with exactly the diagnostics want and keeps nkept rules. */
static void
check_errors(const char *text, const char *want, size_t nkept)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct rules *rs = NULL;
	char *got;

	assert_int_equal(rules_parse("r", text, strlen(text), &rs, &d), -1);
	assert_non_null(rs);
	rules_sanity(rs);
	got = diags_text(&d);
	assert_string_equal(got, want);
	assert_int_equal(d.nerrors, d.n);
	assert_int_equal(rs->n, nkept);
	free(got);
	rules_free(&rs);
	assert_null(rs);
	config_diags_release(&d);
}

static void
assert_query(const struct query *q, const char *want)
{
	char *s = query_to_string(q);

	assert_string_equal(s, want);
	free(s);
}

static void
assert_action(const struct rule_action *a, enum rule_action_kind kind,
    const char *arg)
{
	assert_int_equal(a->kind, kind);
	if (arg == NULL)
		assert_null(a->arg);
	else
		assert_string_equal(a->arg, arg);
}

static void
test_example(void **state)
{
	struct rules *rs = parse_ok(example);
	const struct rule *r;

	(void)state;
	assert_int_equal(rs->n, 2);
	assert_int_equal(rs->nskipped, 0);

	r = &rs->v[0];
	assert_string_equal(r->name, "Factures EDF");
	assert_int_equal(r->line, 2);
	assert_null(r->account);
	assert_null(r->folder);
	assert_query(r->when, "from:@edf.fr or subject:facture");
	assert_int_equal(r->nactions, 2);
	assert_action(&r->actions[0], RULE_ACTION_MOVE, "Finances/Factures");
	assert_action(&r->actions[1], RULE_ACTION_FLAG, NULL);
	assert_false(r->stop);

	r = &rs->v[1];
	assert_string_equal(r->name, "Liste Debian");
	assert_int_equal(r->line, 6);
	assert_string_equal(r->account, "work");
	assert_string_equal(r->folder, "INBOX");
	assert_query(r->when, "list:debian-user.lists.debian.org");
	assert_int_equal(r->nactions, 2);
	assert_action(&r->actions[0], RULE_ACTION_MOVE, "Listes/Debian");
	assert_action(&r->actions[1], RULE_ACTION_READ, NULL);
	assert_true(r->stop);
	rules_free(&rs);
}

static void
test_forms(void **state)
{
	const char *text = "rule \"say \\\"hi\\\" \\\\o/\" # a comment\r\n"
			   "\twhen subject:C# and from:\"a # b\"\r\n"
			   "\tthen copy \"Archive, 2024\" , keyword $Work\n"
			   "  # an indented comment\n"
			   "\n"
			   "  then unflag,unread ,  delete\n"
			   "  folder \"Sent Items\"\n"
			   "  account my work\n"
			   "rule \"only stop\"\n"
			   "  when spam\n"
			   "  stop\n"
			   "rule \"others\"\n"
			   "  when size:>1M\n"
			   "  then spam\n"
			   "  then copy  Old Mail  , read";
	struct rules *rs = parse_ok(text);
	const struct rule *r;

	(void)state;
	assert_int_equal(rs->n, 3);
	r = &rs->v[0];
	assert_string_equal(r->name, "say \"hi\" \\o/");
	assert_query(r->when, "subject:C# from:\"a # b\"");
	assert_int_equal(r->nactions, 5);
	assert_action(&r->actions[0], RULE_ACTION_COPY, "Archive, 2024");
	assert_action(&r->actions[1], RULE_ACTION_KEYWORD, "$Work");
	assert_action(&r->actions[2], RULE_ACTION_UNFLAG, NULL);
	assert_action(&r->actions[3], RULE_ACTION_UNREAD, NULL);
	assert_action(&r->actions[4], RULE_ACTION_DELETE, NULL);
	assert_string_equal(r->folder, "Sent Items");
	assert_string_equal(r->account, "my work");
	assert_false(r->stop);

	r = &rs->v[1];
	assert_string_equal(r->name, "only stop");
	assert_int_equal(r->nactions, 0);
	assert_true(r->stop);

	r = &rs->v[2];
	assert_int_equal(r->line, 12);
	assert_int_equal(r->nactions, 3);
	assert_action(&r->actions[0], RULE_ACTION_SPAM, NULL);
	assert_action(&r->actions[1], RULE_ACTION_COPY, "Old Mail");
	assert_action(&r->actions[2], RULE_ACTION_READ, NULL);
	rules_free(&rs);

	/* Nothing at all, or only comments: no rules, no error. */
	rs = parse_ok("");
	assert_int_equal(rs->n, 0);
	rules_free(&rs);
	rs = parse_ok("# nothing\n\n   \n");
	assert_int_equal(rs->n, 0);
	rules_free(&rs);
}

#define HEAD "rule \"a\"\n  when from:x\n"

static void
test_errors(void **state)
{
	(void)state;
	/* the rule line */
	check_errors("rule a\n  when x\n  stop\n",
	    "r:1:6: rule name must be quoted (rule \"NAME\")\n", 0);
	check_errors("rule\n  when x\n  stop\n",
	    "r:1:5: 'rule' needs a quoted name\n", 0);
	check_errors("rule \"a\n  when x\n  stop\n",
	    "r:1:6: unterminated quoted string\n", 0);
	check_errors("rule \"\"\n  when x\n  stop\n",
	    "r:1:6: empty rule name\n", 0);
	check_errors("rule \"a\" b\n  when x\n  stop\n",
	    "r:1:10: unexpected text after the rule name\n", 0);
	check_errors("rules \"a\"\n  when x\n  stop\n",
	    "r:1:1: expected 'rule \"NAME\"', found 'rules'\n", 0);
	check_errors("when x\n",
	    "r:1:1: 'when' must be indented under a 'rule' line\n", 0);
	check_errors("  when x\n",
	    "r:1:3: line outside a rule (a rule starts with 'rule \"NAME\"' "
	    "at column 1)\n",
	    0);
	check_errors(HEAD "  then flag\n  rule \"b\"\n",
	    "r:4:3: 'rule' must start at column 1\n", 0);
	check_errors(HEAD "  then flag\nrule \"a\"\n  when y\n  then read\n",
	    "r:4:6: duplicate rule 'a' (first on line 1)\n", 1);

	/* statements */
	check_errors(HEAD "  whne y\n  stop\n",
	    "r:3:3: unknown statement 'whne' (did you mean 'when'?)\n", 0);
	check_errors(HEAD "  move X\n  stop\n",
	    "r:3:3: unknown statement 'move' (did you mean 'then move'?)\n", 0);
	check_errors(HEAD "  frobnicate\n  stop\n",
	    "r:3:3: unknown statement 'frobnicate'\n", 0);
	check_errors(HEAD "  when y\n  stop\n",
	    "r:3:3: duplicate 'when' (first on line 2)\n", 0);
	check_errors("rule \"a\"\n  when\n  stop\n",
	    "r:2:7: 'when' needs a query\n", 0);
	check_errors(HEAD "  stop now\n", "r:3:8: 'stop' takes no argument\n",
	    0);
	check_errors(HEAD "  account a\n  account b\n  stop\n",
	    "r:4:3: duplicate 'account' (first on line 3)\n", 0);
	check_errors(HEAD "  folder\n  stop\n",
	    "r:3:9: 'folder' needs a name\n", 0);
	check_errors(HEAD "  folder \"x\" y\n  stop\n",
	    "r:3:14: unexpected text after the quoted name\n", 0);
	check_errors("rule \"a\"\n  then flag\n",
	    "r:1:1: rule 'a' has no 'when'\n", 0);
	check_errors(HEAD,
	    "r:1:1: rule 'a' does nothing (add a 'then' line or 'stop')\n", 0);

	/* actions */
	check_errors(HEAD "  then mvoe X\n",
	    "r:3:8: unknown action 'mvoe' (did you mean 'move'?)\n", 0);
	check_errors(HEAD "  then frobnicate\n",
	    "r:3:8: unknown action 'frobnicate'\n", 0);
	check_errors(HEAD "  then\n", "r:3:7: 'then' needs an action\n", 0);
	check_errors(HEAD "  then move\n", "r:3:12: 'move' needs a folder\n",
	    0);
	check_errors(HEAD "  then copy , flag\n",
	    "r:3:13: 'copy' needs a folder\n", 0);
	check_errors(HEAD "  then move \"\"\n",
	    "r:3:13: 'move' needs a folder\n", 0);
	check_errors(HEAD "  then keyword\n",
	    "r:3:15: 'keyword' needs a keyword\n", 0);
	check_errors(HEAD "  then keyword a b\n",
	    "r:3:16: invalid keyword 'a b'\n", 0);
	check_errors(HEAD "  then keyword \\Seen\n",
	    "r:3:16: invalid keyword '\\Seen'\n", 0);
	check_errors(HEAD "  then flag X\n",
	    "r:3:13: 'flag' takes no argument\n", 0);
	check_errors(HEAD "  then flag,\n",
	    "r:3:12: expected an action after ','\n", 0);
	check_errors(HEAD "  then flag, , read\n",
	    "r:3:14: expected an action\n", 0);
	check_errors(HEAD "  then move \"a\" b, flag\n",
	    "r:3:17: unexpected text after the quoted name\n", 0);
	check_errors(HEAD "  then move \"a, flag\n",
	    "r:3:13: unterminated quoted string\n", 0);
	check_errors(HEAD "  then move A, move B\n",
	    "r:3:16: more than one 'move' (a message can only go one place)\n",
	    0);
	check_errors(HEAD "  then move A\n  then delete\n",
	    "r:4:8: 'delete' conflicts with 'move' on line 3 (a message can "
	    "only go one place)\n",
	    0);
	check_errors(HEAD "  then spam, move A\n",
	    "r:3:14: 'move' conflicts with 'spam' on line 3 (a message can "
	    "only go one place)\n",
	    0);
}

/* A NUL-bearing text: its length is given, not found by strlen(). */
static void
test_nul(void **state)
{
	static const char text[] = "rule \"a\"\n  when x\0y\n  stop\n";
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct rules *rs = NULL;
	char *got;

	(void)state;
	assert_int_equal(rules_parse("r", text, sizeof text - 1, &rs, &d), -1);
	got = diags_text(&d);
	assert_string_equal(got, "r:2:9: NUL byte in line\n");
	assert_int_equal(rs->n, 0);
	assert_int_equal(rs->nskipped, 1);
	free(got);
	rules_free(&rs);
	config_diags_release(&d);
}

static void
test_all_errors_reported(void **state)
{
	(void)state;
	/* One pass reports every problem, in file order. */
	check_errors("rule \"a\"\n"
		     "  whne x\n"
		     "  then mvoe X, flag Y\n"
		     "rule b\n"
		     "  when from:\n"
		     "  then move A, delete\n",
	    "r:2:3: unknown statement 'whne' (did you mean 'when'?)\n"
	    "r:3:8: unknown action 'mvoe' (did you mean 'move'?)\n"
	    "r:3:21: 'flag' takes no argument\n"
	    "r:1:1: rule 'a' has no 'when'\n"
	    "r:4:6: rule name must be quoted (rule \"NAME\")\n"
	    "r:5:13: expected a value after 'from:'\n"
	    "r:6:16: 'delete' conflicts with 'move' on line 6 (a message can "
	    "only go one place)\n",
	    0);
}

static void
test_bad_among_good(void **state)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct rules *rs = NULL;
	const char *text = "rule \"one\"\n"
			   "  when from:a\n"
			   "  then flag\n"
			   "rule \"two\"\n"
			   "  when from:b\n"
			   "  then mvoe X\n"
			   "rule \"three\"\n"
			   "  when from:c\n"
			   "  stop\n"
			   "rule four\n"
			   "  when from:d\n"
			   "  stop\n"
			   "rule \"five\"\n"
			   "  when from:(\n"
			   "  then read\n";
	char *got;

	(void)state;
	assert_int_equal(rules_parse("f", text, strlen(text), &rs, &d), -1);
	rules_sanity(rs);
	got = diags_text(&d);
	assert_int_equal(d.nerrors, 3);
	free(got);
	assert_int_equal(rs->n, 2);
	assert_string_equal(rs->v[0].name, "one");
	assert_string_equal(rs->v[1].name, "three");
	assert_int_equal(rs->nskipped, 3);
	assert_string_equal(rs->skipped[0].name, "two");
	assert_int_equal(rs->skipped[0].line, 4);
	assert_null(rs->skipped[1].name);
	assert_int_equal(rs->skipped[1].line, 10);
	assert_string_equal(rs->skipped[2].name, "five");
	assert_int_equal(rs->skipped[2].line, 13);
	rules_free(&rs);
	config_diags_release(&d);
}

/* The query's own column, shifted to where the query starts on the line. */
static void
test_query_columns(void **state)
{
	struct query_error qe = QUERY_ERROR_INIT;
	struct query *q = NULL;
	char *want;

	(void)state;
	/* The query layer's own answer, to shift by hand. */
	assert_int_equal(query_parse_diag("from:a form:b", &q, &qe), -1);
	assert_int_equal(qe.column, 8);
	want = xasprintf("r:2:%u: %s\n", 8 + qe.column - 1, qe.msg);
	check_errors("rule \"a\"\n  when from:a form:b\n  stop\n", want, 0);
	free(want);

	/* With a tab and more blanks before it. */
	want = xasprintf("r:2:%u: %s\n", 10 + qe.column - 1, qe.msg);
	check_errors("rule \"a\"\n\twhen    from:a form:b # c\n  stop\n", want,
	    0);
	free(want);
	query_error_release(&qe);

	check_errors("rule \"a\"\n  when from:a and (to:b\n  stop\n",
	    "r:2:19: unclosed '('\n", 0);
}

static void
test_load(void **state)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct rules *rs = NULL;
	char dir[] = "/tmp/facteur-rules-XXXXXX", *path, *got;
	const char *old = getenv("XDG_CONFIG_HOME");
	char *saved = old != NULL ? xstrdup(old) : NULL;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));

	/* The default path, and a missing default file is no error. */
	setenv("XDG_CONFIG_HOME", dir, 1);
	path = rules_default_path();
	got = xasprintf("%s/facteur/rules", dir);
	assert_string_equal(path, got);
	free(got);
	assert_int_equal(rules_load(NULL, &rs, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(rs->n, 0);
	rules_free(&rs);

	/* A relative XDG_CONFIG_HOME is ignored. */
	setenv("XDG_CONFIG_HOME", "rel", 1);
	setenv("HOME", "/home/x", 1);
	got = rules_default_path();
	assert_string_equal(got, "/home/x/.config/facteur/rules");
	free(got);

	/* A missing file named explicitly is an error at line 0. */
	assert_int_equal(rules_load(path, &rs, &d), -1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 0);
	got = xasprintf("cannot read '%s': No such file or directory", path);
	assert_string_equal(d.v[0].msg, got);
	free(got);
	assert_int_equal(rs->n, 0);
	rules_free(&rs);
	config_diags_release(&d);

	/* A real file: diagnostics name it. */
	got = xasprintf("%s/rules", dir);
	fp = fopen(got, "w");
	assert_non_null(fp);
	fputs(example, fp);
	fputs("rule \"x\"\n  when from:a\n  then flg\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(rules_load(got, &rs, &d), -1);
	assert_int_equal(rs->n, 2);
	assert_int_equal(rs->nskipped, 1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, got);
	assert_int_equal(d.v[0].line, 14);
	assert_int_equal(d.v[0].column, 8);
	assert_string_equal(d.v[0].msg,
	    "unknown action 'flg' (did you mean 'flag'?)");
	rules_free(&rs);
	config_diags_release(&d);
	assert_int_equal(unlink(got), 0);
	free(got);
	assert_int_equal(rmdir(dir), 0);
	free(path);

	if (saved != NULL) {
		setenv("XDG_CONFIG_HOME", saved, 1);
		free(saved);
	} else {
		unsetenv("XDG_CONFIG_HOME");
	}
}

static void
test_action_names(void **state)
{
	static const char *const want[RULE_ACTION_COUNT] = { "move", "copy",
		"flag", "unflag", "read", "unread", "keyword", "delete",
		"spam" };
	size_t i;

	(void)state;
	for (i = 0; i < RULE_ACTION_COUNT; i++)
		assert_string_equal(rules_action_name((enum rule_action_kind)i),
		    want[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_bad_among_good),
		cmocka_unit_test(test_query_columns),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_action_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
