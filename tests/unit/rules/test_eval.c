/*
 * Unit tests of src/rules/eval.c: scope (INBOX by default, account and
 * folder), file order, `stop`, and the conflict rules (first destination
 * wins and the others are listed, last flag change wins, copies and
 * keywords once), through rules_eval on in-memory messages and the plan's
 * description; and rules drafted from a message (src/rules/draft.c), which
 * must parse and match the message they were made from.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/rules.h"

static struct rules *
parse(const char *text)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct rules *rs = NULL;

	if (rules_parse("r", text, strlen(text), &rs, &d) != 0)
		fail_msg("%s", d.n > 0 ? d.v[0].msg : "?");
	config_diags_release(&d);
	return rs;
}

/* The plan for a message from `from` with `subject`, described. */
static char *
plan_of(const struct rules *rs, const char *account, const char *folder,
    bool inbox, const char *from, const char *subject)
{
	struct rules_plan p = RULES_PLAN_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct query_msg m;

	memset(&m, 0, sizeof m);
	m.from = from;
	m.subject = subject;
	rules_eval(rs, account, folder, inbox, &m, 0, &p);
	rules_plan_describe(&p, &sb);
	rules_plan_release(&p);
	return strbuf_detach(&sb, NULL);
}

static void
expect_plan(const struct rules *rs, const char *account, const char *folder,
    bool inbox, const char *from, const char *subject, const char *want)
{
	char *got = plan_of(rs, account, folder, inbox, from, subject);

	assert_string_equal(got, want);
	free(got);
}

static void
test_scope(void **state)
{
	struct rules *rs = parse("rule \"all inboxes\"\n"
				 "  when subject:a\n"
				 "  then flag\n"
				 "rule \"work inbox\"\n"
				 "  account work\n"
				 "  when subject:a\n"
				 "  then read\n"
				 "rule \"lists\"\n"
				 "  folder Lists\n"
				 "  when subject:a\n"
				 "  then keyword L\n"
				 "rule \"work lists\"\n"
				 "  account work\n"
				 "  folder Lists\n"
				 "  when subject:a\n"
				 "  then keyword W\n");

	(void)state;
	expect_plan(rs, "home", "INBOX", true, NULL, "a", "flag");
	expect_plan(rs, "work", "INBOX", true, NULL, "a", "flag, read");
	expect_plan(rs, "home", "Lists", false, NULL, "a", "keyword L");
	expect_plan(rs, "work", "Lists", false, NULL, "a",
	    "keyword L, keyword W");
	expect_plan(rs, "home", "Other", false, NULL, "a", "nothing");
	/* Nothing matches: nothing, whatever the scope. */
	expect_plan(rs, "work", "INBOX", true, NULL, "b", "nothing");
	assert_true(rules_in_scope(&rs->v[2], "x", "Lists", false));
	assert_false(rules_in_scope(&rs->v[2], "x", "lists", false));
	rules_free(&rs);

	/* INBOX named in `folder` is case-insensitive, as in IMAP. */
	rs = parse("rule \"i\"\n  folder inbox\n  when a\n  then flag\n");
	assert_true(rules_in_scope(&rs->v[0], "x", "INBOX", true));
	rules_free(&rs);
}

static void
test_order_and_stop(void **state)
{
	struct rules *rs = parse("rule \"one\"\n"
				 "  when from:@edf.fr\n"
				 "  then flag\n"
				 "rule \"two\"\n"
				 "  when subject:facture\n"
				 "  then read\n"
				 "  stop\n"
				 "rule \"three\"\n"
				 "  when subject:facture\n"
				 "  then keyword Late\n");
	struct rules_plan p = RULES_PLAN_INIT;
	struct query_msg m;

	(void)state;
	expect_plan(rs, "a", "INBOX", true, "EDF <x@edf.fr>", "Facture",
	    "flag, read");
	expect_plan(rs, "a", "INBOX", true, "x@y", "Facture", "read");
	expect_plan(rs, "a", "INBOX", true, "EDF <x@edf.fr>", "hello", "flag");

	memset(&m, 0, sizeof m);
	m.from = "x@edf.fr";
	m.subject = "facture";
	rules_eval(rs, "a", "INBOX", true, &m, 0, &p);
	assert_int_equal(p.nrules, 2);
	assert_string_equal(p.rules[0]->name, "one");
	assert_string_equal(p.rules[1]->name, "two");
	assert_true(p.stopped);
	/* A plan is reused: rules_eval releases it first. */
	m.subject = "other";
	rules_eval(rs, "a", "INBOX", true, &m, 0, &p);
	assert_int_equal(p.nrules, 1);
	assert_false(p.stopped);
	rules_plan_release(&p);
	rules_free(&rs);
}

static void
test_conflicts(void **state)
{
	struct rules *rs = parse("rule \"A\"\n"
				 "  when subject:x\n"
				 "  then move Bills, flag, copy Archive\n"
				 "rule \"B\"\n"
				 "  when subject:x\n"
				 "  then move Other, unflag, copy Archive\n"
				 "rule \"C\"\n"
				 "  when subject:x\n"
				 "  then delete, read, keyword K, keyword K\n"
				 "rule \"D\"\n"
				 "  when subject:xy\n"
				 "  then unread, spam\n");
	struct rules_plan p = RULES_PLAN_INIT;
	struct query_msg m;

	(void)state;
	/* First destination wins; the last flag change wins. */
	expect_plan(rs, "a", "INBOX", true, NULL, "x",
	    "move 'Bills', copy 'Archive', unflag, read, keyword K; "
	    "ignored: move 'Other' of rule 'B' (rule 'A' sends it first); "
	    "ignored: delete of rule 'C' (rule 'A' sends it first)");
	expect_plan(rs, "a", "INBOX", true, NULL, "xy",
	    "move 'Bills', copy 'Archive', unflag, unread, keyword K; "
	    "ignored: move 'Other' of rule 'B' (rule 'A' sends it first); "
	    "ignored: delete of rule 'C' (rule 'A' sends it first); "
	    "ignored: spam of rule 'D' (rule 'A' sends it first)");

	memset(&m, 0, sizeof m);
	m.subject = "x";
	rules_eval(rs, "a", "INBOX", true, &m, 0, &p);
	assert_int_equal(p.set, FCT_FLAG_SEEN);
	assert_int_equal(p.clear, FCT_FLAG_FLAGGED);
	assert_int_equal(p.ncopies, 1);
	assert_int_equal(p.nkeywords, 1);
	assert_ptr_equal(p.dest_rule, &rs->v[0]);
	assert_false(rules_plan_empty(&p));
	rules_plan_release(&p);
	rules_free(&rs);

	/* A rule that only stops: applied, empty, and later rules skipped. */
	rs = parse("rule \"quiet\"\n  when subject:x\n  stop\n"
		   "rule \"loud\"\n  when subject:x\n  then flag\n");
	memset(&m, 0, sizeof m);
	m.subject = "x";
	rules_eval(rs, "a", "INBOX", true, &m, 0, &p);
	assert_int_equal(p.nrules, 1);
	assert_true(rules_plan_empty(&p));
	rules_plan_release(&p);
	rules_free(&rs);
}

/* Where each part of a rule is written, for diagnostics. */
static void
test_positions(void **state)
{
	struct rules *rs = parse("rule \"p\"\n"
				 "  account  work\n"
				 "  folder \"Lists/A b\"\n"
				 "  when x\n"
				 "  then flag,  move Dest\n");

	(void)state;
	assert_string_equal(rs->file, "r");
	assert_int_equal(rs->v[0].account_line, 2);
	assert_int_equal(rs->v[0].account_column, 12);
	assert_int_equal(rs->v[0].folder_line, 3);
	assert_int_equal(rs->v[0].folder_column, 10);
	assert_int_equal(rs->v[0].actions[0].line, 5);
	assert_int_equal(rs->v[0].actions[0].column, 8);
	assert_int_equal(rs->v[0].actions[1].column, 15);
	rules_free(&rs);
}

/* A draft parses, is unique, and matches the message it came from. */
static void
test_draft(void **state)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct rules *rs = parse("rule \"list debian-user.lists.debian.org\"\n"
				 "  when x\n  then flag\n");
	struct rules *drafted = NULL;
	struct rules_plan p = RULES_PLAN_INIT;
	struct query_msg m;

	(void)state;
	assert_int_equal(rules_draft(rs, "Deb <d@lists.debian.org>",
			     "Debian users <debian-user.lists.debian.org>",
			     "Listes/Debian, FR", &sb),
	    0);
	assert_string_equal(sb.buf,
	    "\nrule \"list debian-user.lists.debian.org (2)\"\n"
	    "  when list:\"debian-user.lists.debian.org\"\n"
	    "  then move \"Listes/Debian, FR\"\n");
	strbuf_reset(&sb);
	assert_int_equal(rules_draft(NULL, "O'Brien \"Q\" <q\\x@ex.org>", NULL,
			     NULL, &sb),
	    0);
	assert_string_equal(sb.buf,
	    "\nrule \"from q\\\\x@ex.org\"\n"
	    "  when from:\"q\\\\x@ex.org\"\n"
	    "  then move \"CHOOSE A FOLDER\"\n");
	assert_int_equal(rules_parse("d", sb.buf, sb.len, &drafted, &d), 0);
	memset(&m, 0, sizeof m);
	m.from = "O'Brien \"Q\" <q\\x@ex.org>";
	rules_eval(drafted, "a", "INBOX", true, &m, 0, &p);
	assert_int_equal(p.nrules, 1);
	assert_string_equal(p.dest->arg, "CHOOSE A FOLDER");
	rules_plan_release(&p);
	rules_free(&drafted);
	strbuf_reset(&sb);
	assert_int_equal(rules_draft(NULL, NULL, "", NULL, &sb), -1);
	assert_int_equal(rules_draft(NULL, "<>", NULL, NULL, &sb), 0);
	assert_string_equal(sb.buf,
	    "\nrule \"from <>\"\n  when from:\"<>\"\n"
	    "  then move \"CHOOSE A FOLDER\"\n");
	strbuf_release(&sb);
	config_diags_release(&d);
	rules_free(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_order_and_stop),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_draft),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
