/*
 * Unit tests of src/query/imap.c: the SEARCH keys for each construct, with
 * the exact flag; negation pushed to the leaves; the widening of dates;
 * strings and literals in the rendering; and the key sanity checker.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/core.h"
#include "facteur/query.h"

/* 2024-06-15 12:00:00 UTC */
#define NOW 1718452800

static struct query_imap_key *
compile(const char *text, bool *exact)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct query_imap_key *k = NULL;
	struct query *q = NULL;

	if (query_parse(text, &q, &err) != 0)
		fail_msg("cannot parse '%s': %s", text, fct_error_msg(&err));
	assert_int_equal(query_to_imap(q, NOW, &k, exact, &err), 0);
	assert_non_null(k);
	query_imap_key_sanity(k);
	query_free(&q);
	return k;
}

static void
check(const char *text, const char *want, bool want_exact)
{
	struct query_imap_key *k;
	bool exact;
	char *s;

	k = compile(text, &exact);
	s = query_imap_key_to_string(k);
	if (strcmp(s, want) != 0 || exact != want_exact)
		fail_msg("'%s':\n got %s (%s)\nwant %s (%s)", text, s,
		    exact ? "exact" : "superset", want,
		    want_exact ? "exact" : "superset");
	free(s);
	query_imap_key_free(&k);
	assert_null(k);
}

#define EXACT(text, want) check((text), (want), true)
#define SUPERSET(text, want) check((text), (want), false)

static void
test_text(void **state)
{
	EXACT("", "ALL");
	EXACT("from:edf", "FROM \"edf\"");
	EXACT("from:edf subject:facture", "FROM \"edf\" SUBJECT \"facture\"");
	EXACT("to:a cc:b body:c", "TO \"a\" CC \"b\" BODY \"c\"");
	EXACT("subject:\"say \\\"hi\\\" \\\\o/\"",
	    "SUBJECT \"say \\\"hi\\\" \\\\o/\"");
	EXACT("subject:été", "SUBJECT {5}\r\nété");
	EXACT("facture",
	    "OR OR SUBJECT \"facture\" FROM \"facture\" OR TO \"facture\" OR "
	    "CC \"facture\" BODY \"facture\"");
	/* Stars around one run are a substring test. */
	EXACT("from:*@edf.fr", "FROM \"@edf.fr\"");
	EXACT("subject:fact*", "SUBJECT \"fact\"");
	EXACT("subject:\"a*b\"", "SUBJECT \"a*b\"");
	/* Empty runs: the field is there (the body always is). */
	EXACT("from:*", "HEADER \"From\" \"\"");
	EXACT("to:\"\" cc:** subject:\"\"",
	    "HEADER \"To\" \"\" HEADER \"Cc\" \"\" HEADER \"Subject\" \"\"");
	EXACT("body:\"\"", "ALL");
	EXACT("-body:\"\"", "NOT ALL");
	EXACT("\"\"", "ALL");
	/* Other globs: the longest literal run, then filter. */
	SUPERSET("subject:fact*ure", "SUBJECT \"fact\"");
	SUPERSET("subject:ab*cde", "SUBJECT \"cde\"");
	SUPERSET("subject:f?cture", "SUBJECT \"cture\"");
	SUPERSET("subject:?", "HEADER \"Subject\" \"\"");
	SUPERSET("body:?", "ALL");
	SUPERSET("from:a subject:b?c", "FROM \"a\" SUBJECT \"b\"");
	/* header: and list: test one field, IMAP all of that name. */
	SUPERSET("header:X-Mailer:mutt", "HEADER \"X-Mailer\" \"mutt\"");
	SUPERSET("header:X-Spam:\"\"", "HEADER \"X-Spam\" \"\"");
	SUPERSET("list:debian", "HEADER \"List-Id\" \"debian\"");
	SUPERSET("list:*", "HEADER \"List-Id\" \"\"");
}

static void
test_flags(void **state)
{
	EXACT("is:unread", "UNSEEN");
	EXACT("is:read", "SEEN");
	EXACT("not is:unread", "SEEN");
	EXACT("-is:read", "UNSEEN");
	EXACT("is:flagged -is:flagged", "FLAGGED UNFLAGGED");
	EXACT("is:unflagged -is:unflagged", "UNFLAGGED FLAGGED");
	EXACT("is:answered -is:answered", "ANSWERED UNANSWERED");
	EXACT("is:draft -is:draft", "DRAFT UNDRAFT");
	EXACT("is:deleted -is:deleted", "DELETED UNDELETED");
	EXACT("keyword:$Junk", "KEYWORD $Junk");
	EXACT("-keyword:$Junk", "UNKEYWORD $Junk");
	EXACT("keyword:\"a?b\"", "KEYWORD a?b");
	SUPERSET("has:attachment", "ALL");
	SUPERSET("-has:attachment", "ALL");
	SUPERSET("from:a has:attachment", "FROM \"a\"");
}

static void
test_sizes(void **state)
{
	EXACT("size:>1M", "LARGER 1048576");
	EXACT("size:>=1M", "LARGER 1048575");
	EXACT("size:<1k", "SMALLER 1024");
	EXACT("size:<=1k", "SMALLER 1025");
	EXACT("size:1k..2k", "LARGER 1023 SMALLER 2049");
	EXACT("size:..2k", "SMALLER 2049");
	EXACT("size:>=0", "ALL");
	EXACT("size:<0", "NOT ALL");
	EXACT("not size:<0", "ALL");
	EXACT("size:>0", "LARGER 0");
	/* IMAP sizes are 32-bit. */
	EXACT("size:>5G", "LARGER 4294967295");
	EXACT("size:<5G", "ALL");
	EXACT("size:<4G", "ALL");
	EXACT("size:<4294967295", "SMALLER 4294967295");
	EXACT("size:<=4G", "ALL");
	EXACT("not size:>1M", "NOT LARGER 1048576");
	EXACT("not size:1k..2k", "NOT (LARGER 1023 SMALLER 2049)");
}

static void
test_logic(void **state)
{
	EXACT("from:a or from:b", "OR FROM \"a\" FROM \"b\"");
	EXACT("from:a or from:b or from:c",
	    "OR FROM \"a\" OR FROM \"b\" FROM \"c\"");
	EXACT("not from:x", "NOT FROM \"x\"");
	EXACT("not not from:x", "FROM \"x\"");
	EXACT("(from:a or to:b) is:unread", "OR FROM \"a\" TO \"b\" UNSEEN");
	EXACT("from:a (to:b or cc:c) subject:d",
	    "FROM \"a\" OR TO \"b\" CC \"c\" SUBJECT \"d\"");
	EXACT("(from:a is:read) or to:b", "OR (FROM \"a\" SEEN) TO \"b\"");
	/* De Morgan: negations go down to the leaves. */
	EXACT("not (from:a or to:b)", "NOT FROM \"a\" NOT TO \"b\"");
	EXACT("not (from:a to:b)", "OR NOT FROM \"a\" NOT TO \"b\"");
	EXACT("not (is:read or is:flagged)", "UNSEEN UNFLAGGED");
	EXACT("-(from:a -(to:b or is:read))",
	    "OR NOT FROM \"a\" OR TO \"b\" SEEN");
	/* An inexact term: ALL when negated, which and/or absorb. */
	SUPERSET("not subject:fact*ure", "ALL");
	SUPERSET("not (from:a or subject:b?c)", "NOT FROM \"a\"");
	SUPERSET("not (from:a subject:b?c)", "ALL");
	SUPERSET("from:a or has:attachment", "ALL");
	SUPERSET("from:a or subject:b?c", "OR FROM \"a\" SUBJECT \"b\"");
}

static void
test_dates(void **state)
{
	/* A day widens by one on each side: any sender zone fits. */
	SUPERSET("date:2024-03-15",
	    "SENTSINCE 14-Mar-2024 SENTBEFORE 17-Mar-2024");
	SUPERSET("date:2024-03", "SENTSINCE 29-Feb-2024 SENTBEFORE 2-Apr-2024");
	SUPERSET("date:2024", "SENTSINCE 31-Dec-2023 SENTBEFORE 2-Jan-2025");
	SUPERSET("date:2024-03..", "SENTSINCE 29-Feb-2024");
	SUPERSET("date:..2024-03", "SENTBEFORE 2-Apr-2024");
	/* Negated: only the days no zone can move out of the span. */
	SUPERSET("not date:2024-03",
	    "NOT (SENTSINCE 2-Mar-2024 SENTBEFORE 31-Mar-2024)");
	SUPERSET("not date:2024-03-15", "ALL");
	SUPERSET("not date:2024-03-14..2024-03-16", "NOT SENTON 15-Mar-2024");
	SUPERSET("not date:2024-03..", "NOT SENTSINCE 2-Mar-2024");
	SUPERSET("not date:..2024-03", "NOT SENTBEFORE 31-Mar-2024");
	/* Ages: now is 2024-06-15 12:00 UTC. */
	SUPERSET("older:30d", "SENTBEFORE 18-May-2024");
	SUPERSET("newer:30d", "SENTSINCE 15-May-2024");
	SUPERSET("newer:12h", "SENTSINCE 14-Jun-2024");
	SUPERSET("not older:30d", "NOT SENTBEFORE 15-May-2024");
	SUPERSET("from:a newer:1w", "FROM \"a\" SENTSINCE 7-Jun-2024");
	/* Beyond what IMAP can write. */
	SUPERSET("older:30000y", "NOT ALL");
	SUPERSET("newer:30000y", "ALL");
	SUPERSET("date:9999", "SENTSINCE 31-Dec-9998");
	SUPERSET("date:1900", "SENTSINCE 31-Dec-1899 SENTBEFORE 2-Jan-1901");
}

static void
test_utf8(void **state)
{
	struct query_imap_key *k;
	bool exact;

	k = compile("from:a subject:b", &exact);
	assert_false(query_imap_key_needs_utf8(k));
	query_imap_key_free(&k);
	k = compile("from:a (subject:b or subject:é)", &exact);
	assert_true(query_imap_key_needs_utf8(k));
	query_imap_key_free(&k);
	k = compile("keyword:a", &exact);
	assert_false(query_imap_key_needs_utf8(k));
	query_imap_key_free(&k);
	query_imap_key_free(&k);
}

static void
test_wide_or(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct query_imap_key *k;
	size_t depth = 0;
	bool exact;
	int i;

	for (i = 0; i < 4096; i++)
		strbuf_addf(&sb, "%sfrom:a%d", i > 0 ? " or " : "", i);
	k = compile(sb.buf, &exact);
	assert_true(exact);
	/* A balanced tree: the leftmost path is log2(4096) ORs deep. */
	for (const struct query_imap_key *p = k; p->type == QUERY_IMAP_OR;
	     p = p->kids[0])
		depth++;
	assert_int_equal(depth, 12);
	query_imap_key_free(&k);
	strbuf_release(&sb);
}

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
sanity_of(void *arg)
{
	query_imap_key_sanity(arg);
}

static void
assert_insane(struct query_imap_key *k)
{
	int status = run_dying(sanity_of, k);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void
test_sanity(void **state)
{
	struct query_imap_key *k, *kid;
	bool exact;

	k = compile("from:a keyword:b date:2024-03-15", &exact);
	assert_int_equal(k->type, QUERY_IMAP_AND);
	assert_int_equal(k->nkids, 4);
	kid = k->kids[0];
	kid->value[0] = '\n';
	assert_insane(k);
	kid->value[0] = 'a';
	kid->type = QUERY_IMAP_SEEN; /* a value on a flag key */
	assert_insane(k);
	kid->type = QUERY_IMAP_FROM;
	kid = k->kids[1];
	kid->value[0] = '(';
	assert_insane(k);
	kid->value[0] = 'b';
	kid = k->kids[2];
	kid->date.day = 30;
	kid->date.month = 2;
	assert_insane(k);
	kid->date.month = 3;
	query_imap_key_sanity(k);
	k->nkids = 1;
	assert_insane(k);
	k->nkids = 4;
	k->type = QUERY_IMAP_OR;
	assert_insane(k);
	k->type = QUERY_IMAP_AND;
	query_imap_key_sanity(k);
	query_imap_key_free(&k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_wide_or),
		cmocka_unit_test(test_sanity),
	};

	setenv("TZ", "UTC0", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
