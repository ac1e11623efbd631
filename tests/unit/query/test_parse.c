/*
 * Unit tests of src/query/parse.c, print.c and node.c: every construct of
 * the language and its canonical print, operator precedence, every error
 * with its exact position and wording, local dates, and the sanity checker
 * (shown to catch each broken invariant it claims to).
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
#include "private.h"

static struct query *
parse_ok(const char *text)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct query *q = NULL;

	if (query_parse(text, &q, &err) != 0)
		fail_msg("cannot parse '%s': %s", text, fct_error_msg(&err));
	assert_non_null(q);
	query_sanity(q);
	return q;
}

/* text prints as want, and want parses back to the same tree. */
static void
check_print(const char *text, const char *want)
{
	struct query *q = parse_ok(text), *q2;
	char *s = query_to_string(q), *s2;

	if (strcmp(s, want) != 0)
		fail_msg("'%s' printed as '%s', want '%s'", text, s, want);
	q2 = parse_ok(s);
	assert_true(query_equal(q, q2));
	s2 = query_to_string(q2);
	assert_string_equal(s, s2);
	free(s);
	free(s2);
	query_free(&q);
	query_free(&q2);
	assert_null(q);
}

static void
test_fields(void **state)
{
	static const char *const cases[][2] = {
		{ "", "" },
		{ " \t\r\n ", "" },
		{ "from:edf", "from:edf" },
		{ "FROM:EDF", "from:EDF" },
		{ "From:@edf.fr", "from:@edf.fr" },
		{ "to:jane cc:bob", "to:jane cc:bob" },
		{ "subject:\"facture EDF\"", "subject:\"facture EDF\"" },
		{ "subject:\"say \\\"hi\\\"\"", "subject:\"say \\\"hi\\\"\"" },
		{ "subject:\"a\\\\b\"", "subject:a\\b" },
		{ "subject:a\\b", "subject:a\\b" },
		{ "from:\"EDF\"", "from:EDF" },
		{ "list:debian-devel", "list:debian-devel" },
		{ "body:invoice", "body:invoice" },
		{ "subject:re:x", "subject:re:x" },
		{ "subject:\"\"", "subject:\"\"" },
		{ "header:X-Mailer:mutt", "header:X-Mailer:mutt" },
		{ "HEADER:x-spam:\"\"", "header:x-spam:\"\"" },
		{ "header:List-Id:\"a b\"", "header:List-Id:\"a b\"" },
		{ "header:X-A:b:c", "header:X-A:b:c" },
		{ "is:unread is:read is:flagged is:unflagged",
		    "is:unread is:read is:flagged is:unflagged" },
		{ "is:answered is:draft is:deleted",
		    "is:answered is:draft is:deleted" },
		{ "is:seen is:UNSEEN is:Replied",
		    "is:read is:unread is:answered" },
		{ "has:attachment has:Attachments",
		    "has:attachment has:attachment" },
		{ "keyword:$Junk", "keyword:$Junk" },
		{ "keyword:\"a?b\"", "keyword:\"a?b\"" },
		{ "size:>1M", "size:>1M" },
		{ "size:>=1024", "size:>=1k" },
		{ "size:<10K size:<=1500", "size:<10k size:<=1500" },
		{ "size:10k..2M", "size:10k..2M" },
		{ "size:..2mb size:1KB..", "size:..2M size:1k.." },
		{ "size:>1.5M", "size:>1536k" },
		{ "size:>2GB size:>0 size:>3b", "size:>2G size:>0 size:>3" },
		{ "size:\">1M\"", "size:>1M" },
		{ "date:2024", "date:2024" },
		{ "date:2024-03", "date:2024-03" },
		{ "date:2024-3-5", "date:2024-03-05" },
		{ "date:2024-01..2024-06", "date:2024-01..2024-06" },
		{ "date:..2024-06 date:2024-01..",
		    "date:..2024-06 date:2024-01.." },
		{ "date:2024..2024", "date:2024..2024" },
		{ "older:30d newer:2w", "older:30d newer:2w" },
		{ "older:0h newer:1y older:6m", "older:0h newer:1y older:6m" },
	};
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cases); i++)
		check_print(cases[i][0], cases[i][1]);
}

static void
test_words(void **state)
{
	static const char *const cases[][2] = {
		{ "facture", "facture" },
		{ "Facture EDF", "Facture EDF" },
		{ "\"facture EDF\"", "\"facture EDF\"" },
		{ "été", "été" },
		{ "android orchid nothing", "android orchid nothing" },
		{ "\"or\" \"AND\" \"not\"", "\"or\" \"AND\" \"not\"" },
		{ "\"-x\" \"re:x\"", "\"-x\" \"re:x\"" },
		{ "a-b \"x:\"", "a-b \"x:\"" },
		{ "sub\"ject:x\"", "\"subject:x\"" },
		{ "or* *or", "or* *or" },
		{ "a\\b", "a\\b" },
		/* Wildcards, and quotes making them literal. */
		{ "from:*@edf.fr", "from:*@edf.fr" },
		{ "subject:fact*", "subject:fact*" },
		{ "subject:f?cture", "subject:f?cture" },
		{ "subject:\"facture EDF\"*", "subject:\"facture EDF\"*" },
		{ "subject:\"why?\" \"a*b\"", "subject:\"why?\" \"a*b\"" },
		{ "\"-x\"*", "\"-x\"*" },
		{ "*\"-x\"", "*-x" },
		{ "\"re:\"?", "\"re:\"?" },
		{ "a\"b c\"d", "\"ab cd\"" },
		/* Line breaks are blanks. */
		{ "from:a\nto:b", "from:a to:b" },
	};
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cases); i++)
		check_print(cases[i][0], cases[i][1]);
}

static void
test_operators(void **state)
{
	static const char *const cases[][2] = {
		{ "a and b", "a b" },
		{ "a AND b And c", "a b c" },
		{ "a or b", "a or b" },
		{ "a OR b", "a or b" },
		{ "not a", "not a" },
		{ "-a", "not a" },
		{ "--a", "not not a" },
		{ "not not a", "not not a" },
		{ "-(a b)", "not (a b)" },
		{ "not(a)", "not a" },
		{ "-from:x", "not from:x" },
		{ "-\"x y\"", "not \"x y\"" },
		{ "a b or c", "a b or c" },
		{ "a (b or c)", "a (b or c)" },
		{ "(a b) c", "a b c" },
		{ "a (b c)", "a b c" },
		{ "a or (b or c)", "a or b or c" },
		{ "(a or b) or c", "a or b or c" },
		{ "((a))", "a" },
		{ "not (a or b)", "not (a or b)" },
		{ "NOT a AND b OR c", "not a b or c" },
		{ "(a or b) (c or d)", "(a or b) (c or d)" },
		{ "not (not a)", "not not a" },
		{ "a-b -c", "a-b not c" },
	};
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cases); i++)
		check_print(cases[i][0], cases[i][1]);
}

static void
check_same(const char *a, const char *b, bool same)
{
	struct query *qa = parse_ok(a), *qb = parse_ok(b);

	if (query_equal(qa, qb) != same)
		fail_msg("'%s' and '%s' should %sbe equal", a, b,
		    same ? "" : "not ");
	query_free(&qa);
	query_free(&qb);
}

static void
test_precedence(void **state)
{
	/* not > and > or. */
	check_same("a or b c", "a or (b c)", true);
	check_same("a or b c", "(a or b) c", false);
	check_same("a b or c d", "(a b) or (c d)", true);
	check_same("a and b or c and d", "(a b) or (c d)", true);
	check_same("not a b", "(not a) b", true);
	check_same("not a b", "not (a b)", false);
	check_same("not a or b", "(not a) or b", true);
	check_same("-a b", "(not a) and b", true);
	check_same("a or not b c", "a or ((not b) c)", true);
	/* Associativity is flattened into one shape. */
	check_same("(a b) c", "a (b c)", true);
	check_same("(a or b) or c", "a or (b or c)", true);
	/* Fields, values and operators tell trees apart. */
	check_same("from:a", "to:a", false);
	check_same("from:a", "from:A", false);
	check_same("a", "\"a\"", true);
	check_same("a*", "\"a*\"", false);
	check_same("size:>1k", "size:>=1k", false);
	check_same("size:>1k", "size:>1024", true);
	check_same("date:2024", "date:2024..2024", false);
	check_same("older:1d", "newer:1d", false);
	check_same("older:1w", "older:7d", false);
	check_same("is:read", "is:seen", true);
	check_same("keyword:a", "keyword:A", false);
	check_same("header:X:a", "header:Y:a", false);
	check_same("", " ", true);
	check_same("", "a", false);
}

struct err_case {
	const char *text;
	unsigned line, column;
	const char *msg;
};

static void
test_errors(void **state)
{
	static const struct err_case cases[] = {
		{ "form:x", 1, 1,
		    "unknown field 'form' (did you mean 'from'?)" },
		{ "subject:a form:x", 1, 11,
		    "unknown field 'form' (did you mean 'from'?)" },
		{ "subjet:x", 1, 1,
		    "unknown field 'subjet' (did you mean 'subject'?)" },
		{ "http://x", 1, 1,
		    "unknown field 'http' (put the word in quotes to search "
		    "for it)" },
		{ "re:x", 1, 1,
		    "unknown field 're' (put the word in quotes to search for "
		    "it)" },
		{ "été form:x", 1, 7,
		    "unknown field 'form' (did you mean 'from'?)" },
		{ "from:a\n  form:b", 2, 3,
		    "unknown field 'form' (did you mean 'from'?)" },
		/* The leftmost error wins. */
		{ "form:x \"abc", 1, 1,
		    "unknown field 'form' (did you mean 'from'?)" },
		{ "from:", 1, 6, "expected a value after 'from:'" },
		{ "from: edf", 1, 6, "expected a value after 'from:'" },
		{ "(subject:)", 1, 10, "expected a value after 'subject:'" },
		{ "(a", 1, 1, "unclosed '('" },
		{ "a (", 1, 3, "unclosed '('" },
		{ "((a)", 1, 1, "unclosed '('" },
		{ "a (b (c)", 1, 3, "unclosed '('" },
		{ "a)", 1, 2, "unexpected ')'" },
		{ ")", 1, 1, "unexpected ')'" },
		{ "(a))", 1, 4, "unexpected ')'" },
		{ "()", 1, 2, "empty parentheses" },
		{ "a or", 1, 5, "expected a term after 'or'" },
		{ "or a", 1, 1, "expected a term before 'or'" },
		{ "and", 1, 1, "expected a term before 'and'" },
		{ "a or or b", 1, 6,
		    "expected a term after 'or' (quote \"or\" to search for "
		    "the word)" },
		{ "a and or b", 1, 7,
		    "expected a term after 'and' (quote \"or\" to search for "
		    "the word)" },
		{ "a and", 1, 6, "expected a term after 'and'" },
		{ "(a or)", 1, 6, "expected a term after 'or'" },
		{ "(or a)", 1, 2, "expected a term before 'or'" },
		{ "not", 1, 4, "expected a term after 'not'" },
		{ "a not )", 1, 7, "expected a term after 'not'" },
		{ "-and", 1, 2,
		    "expected a term after '-' (quote \"and\" to search for "
		    "the word)" },
		{ "a -", 1, 3, "expected a term right after '-'" },
		{ "- a", 1, 1, "expected a term right after '-'" },
		{ "(a -)", 1, 4, "expected a term right after '-'" },
		{ "subject:\"abc", 1, 9, "unterminated quoted string" },
		{ "\"abc\\\"", 1, 1, "unterminated quoted string" },
		{ "\"abc\\", 1, 1, "unterminated quoted string" },
		{ "subject:\"a\tb\"", 1, 11,
		    "control character in a quoted string" },
		{ "\"a\nb\"", 1, 3, "control character in a quoted string" },
		{ "a\001", 1, 2, "unexpected control character" },
		{ "a \177", 1, 3, "unexpected control character" },
		{ "size:>1X", 1, 6,
		    "bad size '>1X' (expected bytes with an optional unit k, M "
		    "or G, e.g. size:>1M or size:10k..2M)" },
		{ "size:1M", 1, 6,
		    "bad size '1M' (compare it: size:>1M, size:<1M, or give a "
		    "range: size:1M..)" },
		{ "size:2M..1k", 1, 6, "empty size range '2M..1k'" },
		{ "size:..", 1, 6,
		    "bad size '..' (expected bytes with an optional unit k, M "
		    "or G, e.g. size:>1M or size:10k..2M)" },
		{ "size:>1.5", 1, 6,
		    "bad size '>1.5' (expected bytes with an optional unit k, "
		    "M "
		    "or G, e.g. size:>1M or size:10k..2M)" },
		{ "size:>99999999999G", 1, 6,
		    "bad size '>99999999999G' (expected bytes with an optional "
		    "unit k, M or G, e.g. size:>1M or size:10k..2M)" },
		{ "date:2024-13", 1, 6,
		    "bad date '2024-13' (expected YYYY, YYYY-MM or YYYY-MM-DD, "
		    "or a range such as 2024-01..2024-06)" },
		{ "date:2024-02-30", 1, 6,
		    "bad date '2024-02-30' (expected YYYY, YYYY-MM or "
		    "YYYY-MM-DD, or a range such as 2024-01..2024-06)" },
		{ "date:2024-00", 1, 6,
		    "bad date '2024-00' (expected YYYY, YYYY-MM or YYYY-MM-DD, "
		    "or a range such as 2024-01..2024-06)" },
		{ "date:24", 1, 6,
		    "bad date '24' (expected YYYY, YYYY-MM or YYYY-MM-DD, or a "
		    "range such as 2024-01..2024-06)" },
		{ "date:2024-06..2024-01", 1, 6,
		    "empty date range '2024-06..2024-01'" },
		{ "older:30x", 1, 7,
		    "bad age '30x' (expected a number and a unit h, d, w, m or "
		    "y, e.g. older:30d)" },
		{ "newer:d", 1, 7,
		    "bad age 'd' (expected a number and a unit h, d, w, m or "
		    "y, "
		    "e.g. newer:30d)" },
		{ "older:99999999999y", 1, 7,
		    "bad age '99999999999y' (expected a number and a unit h, "
		    "d, "
		    "w, m or y, e.g. older:30d)" },
		{ "is:unred", 1,
		    4, "unknown value 'unred' for 'is:' (did you mean 'unread'?)" },
		{ "is:foo", 1, 4,
		    "unknown value 'foo' for 'is:' (expected unread, read, "
		    "flagged, unflagged, answered, draft or deleted)" },
		{ "has:pdf", 1, 5,
		    "unknown value 'pdf' for 'has:' (expected 'attachment')" },
		{ "keyword:\\Seen", 1, 9,
		    "bad keyword '\\Seen' (system flags are searched with is:, "
		    "e.g. is:read)" },
		{ "keyword:a*", 1, 9,
		    "bad keyword 'a*' (keyword: takes no wildcards)" },
		{ "keyword:\"a b\"", 1, 9,
		    "bad keyword 'a b' (IMAP keywords have no spaces, quotes, "
		    "8-bit characters or any of ( ) { % * \\ ])" },
		{ "keyword:\"\"", 1, 9, "expected a keyword after 'keyword:'" },
		{ "header:", 1, 8, "expected a value after 'header:'" },
		{ "header::x", 1, 8,
		    "expected a header name after 'header:' (e.g. "
		    "header:X-Mailer:mutt)" },
		{ "header:X-Foo", 1, 13, "expected ':' after 'header:X-Foo'" },
		{ "header:X-Foo:", 1, 14,
		    "expected a value after 'header:X-Foo:' (\"\" matches "
		    "any)" },
		{ "header:X?y:z", 1, 9, "bad character in header name" },
	};
	struct query_error qe = QUERY_ERROR_INIT;
	struct query *q;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cases); i++) {
		q = (struct query *)1;
		if (query_parse_diag(cases[i].text, &q, &qe) != -1)
			fail_msg("'%s' parsed", cases[i].text);
		assert_null(q);
		if (qe.line != cases[i].line || qe.column != cases[i].column ||
		    strcmp(qe.msg, cases[i].msg) != 0)
			fail_msg("'%s': got %u:%u: %s\nwant %u:%u: %s",
			    cases[i].text, qe.line, qe.column, qe.msg,
			    cases[i].line, cases[i].column, cases[i].msg);
		assert_true(qe.offset <= strlen(cases[i].text));
		query_error_release(&qe);
		assert_null(qe.msg);
	}
}

static void
test_error_message(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct query_error qe = QUERY_ERROR_INIT;
	struct query *q = NULL;

	assert_int_equal(query_parse("subject:x form:y", &q, &err), -1);
	assert_null(q);
	assert_string_equal(err.msg,
	    "1:11: unknown field 'form' (did you mean 'from'?)");
	fct_error_release(&err);

	/* err may be NULL, and a second error replaces the first. */
	assert_int_equal(query_parse("(", &q, NULL), -1);
	assert_int_equal(query_parse_diag("a\n\n  b)", &q, &qe), -1);
	assert_int_equal(qe.line, 3);
	assert_int_equal(qe.column, 4);
	assert_int_equal(qe.offset, 6);
	assert_int_equal(query_parse_diag("x or", &q, &qe), -1);
	assert_int_equal(qe.offset, 4);
	assert_string_equal(qe.msg, "expected a term after 'or'");
	query_error_release(&qe);
}

static void
test_depth(void **state)
{
	struct query_error qe = QUERY_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct query *q;
	int i;

	/* 100 levels are fine, 101 are not. */
	for (i = 0; i < 100; i++)
		strbuf_addch(&sb, '(');
	strbuf_addch(&sb, 'a');
	for (i = 0; i < 100; i++)
		strbuf_addch(&sb, ')');
	q = parse_ok(sb.buf);
	query_free(&q);
	strbuf_reset(&sb);
	for (i = 0; i < 101; i++)
		strbuf_addstr(&sb, "(");
	strbuf_addstr(&sb, "a");
	assert_int_equal(query_parse_diag(sb.buf, &q, &qe), -1);
	assert_int_equal(qe.column, 101);
	assert_string_equal(qe.msg,
	    "query nested too deeply (over 100 levels)");
	query_error_release(&qe);

	strbuf_reset(&sb);
	for (i = 0; i < 101; i++)
		strbuf_addstr(&sb, "not ");
	strbuf_addstr(&sb, "a");
	assert_int_equal(query_parse_diag(sb.buf, &q, &qe), -1);
	assert_int_equal(qe.column, 401);
	query_error_release(&qe);

	/* Long flat lists are not nesting. */
	strbuf_reset(&sb);
	for (i = 0; i < 5000; i++)
		strbuf_addstr(&sb, i > 0 ? " or x" : "x");
	q = parse_ok(sb.buf);
	assert_int_equal(q->root->nkids, 5000);
	query_free(&q);
	strbuf_release(&sb);
}

static void
set_tz(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

static void
check_span(const char *text, bool has_lo, int64_t lo, bool has_hi, int64_t hi)
{
	struct query *q = parse_ok(text);
	struct query_span span;

	query_node_span(q->root, 0, &span);
	if (span.has_lo != has_lo || span.has_hi != has_hi ||
	    (has_lo && span.lo != lo) || (has_hi && span.hi != hi))
		fail_msg("'%s': got [%d %lld, %d %lld)", text, span.has_lo,
		    (long long)span.lo, span.has_hi, (long long)span.hi);
	query_free(&q);
}

static void
test_dates(void **state)
{
	struct query *q;
	struct query_span span;

	set_tz("UTC0");
	check_span("date:2024-03", true, 1709251200, true, 1711929600);
	check_span("date:2024", true, 1704067200, true, 1735689600);
	check_span("date:..2024-03", false, 0, true, 1711929600);
	check_span("date:2024-03..", true, 1709251200, false, 0);
	check_span("date:2024-03-31", true, 1711843200, true, 1711929600);
	check_span("date:2024-01..2024-03", true, 1704067200, true, 1711929600);
	check_span("date:2024-12-31", true, 1735603200, true, 1735689600);

	/* Local days: Paris, with its daylight saving time. */
	set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
	check_span("date:2024-03", true, 1709247600, true, 1711922400);
	check_span("date:2024-03-31", true, 1711839600, true, 1711922400);
	check_span("date:2024-10-27", true, 1729980000, true, 1730070000);
	check_span("date:2024-06..2024", true, 1717192800, true, 1735686000);

	/* older: and newer: count back from now, whatever TZ says. */
	q = parse_ok("older:2d");
	query_node_span(q->root, 1000000, &span);
	assert_false(span.has_lo);
	assert_true(span.has_hi);
	assert_int_equal(span.hi, 1000000 - 2 * 86400);
	query_free(&q);
	q = parse_ok("newer:3h");
	query_node_span(q->root, 1000000, &span);
	assert_true(span.has_lo);
	assert_false(span.has_hi);
	assert_int_equal(span.lo, 1000000 - 3 * 3600);
	query_free(&q);
	q = parse_ok("newer:1m older:1y older:1w");
	query_node_span(q->root->kids[0], 0, &span);
	assert_int_equal(span.lo, -30 * 86400);
	query_node_span(q->root->kids[1], 0, &span);
	assert_int_equal(span.hi, -365 * 86400);
	query_node_span(q->root->kids[2], 0, &span);
	assert_int_equal(span.hi, -7 * 86400);
	query_free(&q);
	set_tz("UTC0");
}

static void
test_civil(void **state)
{
	int64_t d;
	int y, m, day;

	assert_int_equal(query_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(query_days_from_civil(2024, 3, 1), 19783);
	assert_int_equal(query_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(query_days_from_civil(2000, 2, 29) + 1,
	    query_days_from_civil(2000, 3, 1));
	for (d = query_days_from_civil(1, 1, 1);
	     d <= query_days_from_civil(9999, 12, 31); d += 37) {
		query_civil_from_days(d, &y, &m, &day);
		assert_int_equal(query_days_from_civil(y, m, day), d);
	}
	query_civil_from_days(query_days_from_civil(9999, 12, 31), &y, &m,
	    &day);
	assert_int_equal(y, 9999);
	assert_int_equal(m, 12);
	assert_int_equal(day, 31);
	assert_int_equal(query_floor_div(-1, 86400), -1);
	assert_int_equal(query_floor_div(-86400, 86400), -1);
	assert_int_equal(query_floor_div(86399, 86400), 0);
}

/* The sanity checker: it passes every parsed tree, and catches breakage. */
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
	query_sanity(arg);
}

static void
assert_insane(struct query *q)
{
	int status = run_dying(sanity_of, q);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void
test_sanity(void **state)
{
	struct query *q;
	struct query_node *n;

	q = parse_ok("a b");
	/* An AND with one kid. */
	n = q->root->kids[1];
	q->root->nkids = 1;
	assert_insane(q);
	q->root->nkids = 2;
	/* An AND inside an AND. */
	q->root->kids[1] = query_node_new(QUERY_OP_AND);
	assert_insane(q);
	query_node_free(&q->root->kids[1]);
	q->root->kids[1] = n;
	query_sanity(q);
	/* ALL below the root. */
	n->op = QUERY_OP_ALL;
	assert_insane(q);
	n->op = QUERY_OP_TEXT;
	/* A pattern ending in a lone backslash, or holding a control. */
	n->pattern[0] = '\\';
	assert_insane(q);
	n->pattern[0] = '\t';
	assert_insane(q);
	n->pattern[0] = 'b';
	query_sanity(q);
	query_free(&q);

	q = parse_ok("size:1k..2k");
	q->root->size.a = 4096;
	assert_insane(q);
	q->root->size.a = 1024;
	q->root->size.cmp = QUERY_CMP_GT;
	assert_insane(q);
	query_free(&q);

	q = parse_ok("date:2024-02-29");
	q->root->date.lo.day = 30;
	assert_insane(q);
	q->root->date.lo.day = 29;
	q->root->date.hi_t = q->root->date.lo_t;
	assert_insane(q);
	query_free(&q);

	q = parse_ok("not is:read");
	q->root->kids[0]->flag_set = false;
	query_sanity(q);
	q->root->kids[0]->flag = FCT_FLAG_DRAFT; /* no is:undraft */
	assert_insane(q);
	q->root->kids[0]->flag = FCT_FLAG_SEEN;
	FCT_ALLOC_GROW(q->root->kids, 2, q->root->alloc);
	q->root->kids[1] = q->root->kids[0];
	q->root->nkids = 2;
	assert_insane(q);
	q->root->nkids = 1;
	query_free(&q);

	q = parse_ok("keyword:a header:X-A:b");
	q->root->kids[0]->name[0] = '*';
	assert_insane(q);
	q->root->kids[0]->name[0] = 'a';
	q->root->kids[1]->name[0] = ':';
	assert_insane(q);
	q->root->kids[1]->name[0] = 'X';
	query_sanity(q);
	query_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_message),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_sanity),
	};

	set_tz("UTC0");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
