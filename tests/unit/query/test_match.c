/*
 * Unit tests of src/query/match.c: the in-memory matcher on hand-written
 * messages, with the NULL-field rules, flags, keywords, sizes at their
 * boundaries, local dates and ages relative to a given now.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "facteur/core.h"
#include "facteur/query.h"

static bool
matches(const char *text, const struct query_msg *m, time_t now)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct query *q = NULL;
	bool r;

	if (query_parse(text, &q, &err) != 0)
		fail_msg("cannot parse '%s': %s", text, fct_error_msg(&err));
	r = query_match(q, m, now);
	query_free(&q);
	return r;
}

static void
check(const char *text, const struct query_msg *m, bool want)
{
	if (matches(text, m, 0) != want)
		fail_msg("'%s' should %smatch", text, want ? "" : "not ");
}

#define YES(text, m) check((text), (m), true)
#define NO(text, m) check((text), (m), false)

static const struct query_msg edf = {
	.from = "EDF <factures@edf.fr>",
	.to = "Jane Doe <jane@example.org>",
	.cc = "Bob <bob@example.org>",
	.subject = "Votre facture EDF d'été",
	.list_id = "EDF clients <clients.edf.fr>",
	.headers = "From: EDF <factures@edf.fr>\r\n"
		   "Subject: =?utf-8?q?Votre_facture?=\r\n"
		   "X-Mailer: Mailer 3000\r\n"
		   "X-Mailer: second\r\n"
		   "X-Empty:\r\n",
	.body = "Bonjour, votre facture de 100% est prête.",
	.flags = FCT_FLAG_SEEN | FCT_FLAG_FLAGGED,
	.keywords = " $Junk Work a?b ",
	.size = 1024,
	.date = 1710460800, /* 2024-03-15 00:00:00 UTC */
	.has_attachment = true,
};

static void
test_text_fields(void **state)
{
	YES("from:@edf.fr", &edf);
	YES("from:*@edf.fr", &edf);
	YES("from:factures@EDF.FR", &edf);
	NO("from:jane", &edf);
	YES("to:jane cc:bob", &edf);
	NO("to:bob", &edf);
	YES("subject:\"facture EDF\"", &edf);
	YES("subject:ÉTÉ", &edf);
	YES("subject:fact*", &edf);
	YES("subject:\"votre facture\"*edf", &edf);
	NO("subject:\"fact*\"", &edf);
	YES("subject:d'été", &edf);
	YES("list:clients.edf", &edf);
	NO("list:debian", &edf);
	YES("body:prête", &edf);
	YES("body:100%", &edf);
	NO("body:\"100 %\"", &edf);
	/* Free words: subject, from, to, cc or body, not list or headers. */
	YES("facture", &edf);
	YES("jane", &edf);
	YES("bob", &edf);
	YES("bonjour", &edf);
	NO("clients", &edf);
	NO("mailer", &edf);
	YES("facture jane -debian", &edf);
	/* header: looks at the first field of that name, raw. */
	YES("header:X-Mailer:3000", &edf);
	YES("header:x-mailer:mailer", &edf);
	NO("header:X-Mailer:second", &edf);
	YES("header:Subject:utf-8", &edf);
	NO("header:Subject:\"Votre facture\"", &edf);
	YES("header:X-Empty:\"\"", &edf);
	YES("header:X-Empty:*", &edf);
	NO("header:X-Empty:?", &edf);
	NO("header:X-Missing:\"\"", &edf);
}

static void
test_null_fields(void **state)
{
	struct query_msg m = { 0 };

	/* A NULL field fails every text test, even "" and *. */
	NO("from:\"\"", &m);
	NO("from:*", &m);
	NO("body:\"\"", &m);
	NO("list:*", &m);
	NO("header:From:\"\"", &m);
	NO("\"\"", &m);
	YES("not body:x", &m);
	YES("-from:\"\"", &m);
	NO("keyword:a", &m);
	/* An empty field is there. */
	m.from = "";
	YES("from:\"\"", &m);
	YES("from:*", &m);
	NO("from:?", &m);
	YES("\"\"", &m);
	/* Unknown body, known subject: free words still see the subject. */
	m.subject = "facture";
	YES("facture", &m);
	NO("body:facture", &m);
	/* The empty query matches everything. */
	YES("", &m);
	YES("", &edf);
}

static void
test_flags(void **state)
{
	struct query_msg m = { 0 };

	YES("is:read is:flagged", &edf);
	NO("is:unread", &edf);
	NO("is:unflagged", &edf);
	NO("is:answered", &edf);
	YES("-is:answered -is:draft -is:deleted", &edf);
	YES("is:unread is:unflagged", &m);
	m.flags = FCT_FLAG_ANSWERED | FCT_FLAG_DRAFT | FCT_FLAG_DELETED;
	YES("is:answered is:draft is:deleted is:unread", &m);
	YES("has:attachment", &edf);
	NO("has:attachment", &m);
}

static void
test_keywords(void **state)
{
	struct query_msg m = { 0 };

	YES("keyword:$Junk", &edf);
	YES("keyword:$junk", &edf);
	YES("keyword:work", &edf);
	NO("keyword:Wor", &edf);
	NO("keyword:ork", &edf);
	YES("keyword:\"a?b\"", &edf);
	NO("keyword:\"a?\"", &edf);
	NO("keyword:$Junk", &m);
	/* Robust to missing outer spaces and doubled ones. */
	m.keywords = "Work";
	YES("keyword:work", &m);
	m.keywords = "a  Work";
	YES("keyword:work keyword:a", &m);
	m.keywords = "";
	NO("keyword:work", &m);
}

static void
test_sizes(void **state)
{
	static const struct {
		const char *q;
		uint64_t size;
		bool want;
	} cases[] = {
		{ "size:>1k", 1024, false },
		{ "size:>1k", 1025, true },
		{ "size:>=1k", 1024, true },
		{ "size:>=1k", 1023, false },
		{ "size:<1k", 1023, true },
		{ "size:<1k", 1024, false },
		{ "size:<=1k", 1024, true },
		{ "size:<=1k", 1025, false },
		{ "size:1k..2k", 1023, false },
		{ "size:1k..2k", 1024, true },
		{ "size:1k..2k", 2048, true },
		{ "size:1k..2k", 2049, false },
		{ "size:..1M", 0, true },
		{ "size:1M..", 1048576, true },
		{ "size:1M..", 1048575, false },
		{ "size:<0", 0, false },
		{ "size:>=0", 0, true },
		{ "size:>1.5M", 1572864, false },
		{ "size:>1.5M", 1572865, true },
		{ "size:>4G", (uint64_t)5 << 30, true },
	};
	struct query_msg m = { 0 };
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cases); i++) {
		m.size = cases[i].size;
		if (matches(cases[i].q, &m, 0) != cases[i].want)
			fail_msg("%s on %llu", cases[i].q,
			    (unsigned long long)cases[i].size);
	}
}

static void
test_dates(void **state)
{
	/* 2024-06-15 12:00:00 UTC */
	const time_t now = 1718452800;
	struct query_msg m = { 0 };

	m.date = 1711929600 - 1; /* 2024-03-31 23:59:59 */
	YES("date:2024-03", &m);
	YES("date:2024-03-31", &m);
	YES("date:2024", &m);
	YES("date:..2024-03", &m);
	NO("date:2024-04..", &m);
	YES("date:2024-01..2024-03", &m);
	NO("date:2024-04..2024-06", &m);
	m.date = 1711929600; /* 2024-04-01 00:00:00 */
	NO("date:2024-03", &m);
	YES("date:2024-04-01", &m);
	YES("date:2024-04..", &m);
	NO("date:..2024-03", &m);

	/* older:N is date < now - N; newer:N the rest. */
	m.date = now - 30 * 86400;
	assert_false(matches("older:30d", &m, now));
	assert_true(matches("newer:30d", &m, now));
	m.date--;
	assert_true(matches("older:30d", &m, now));
	assert_false(matches("newer:30d", &m, now));
	m.date = now - 2 * 3600;
	assert_true(matches("newer:3h", &m, now));
	assert_false(matches("newer:1h", &m, now));
	assert_true(
	    matches("older:1h newer:1d newer:1w newer:1m newer:1y", &m, now));
	assert_false(matches("older:1y", &m, now));
	/* The same message, judged later, is older. */
	assert_true(matches("older:1d", &m, now + 86400));
}

static void
test_logic(void **state)
{
	YES("from:edf or from:nobody", &edf);
	YES("from:nobody or from:edf", &edf);
	NO("from:nobody or to:nobody", &edf);
	YES("from:edf to:jane", &edf);
	NO("from:edf to:nobody", &edf);
	YES("not from:nobody", &edf);
	NO("not from:edf", &edf);
	YES("not not from:edf", &edf);
	YES("-(from:nobody or to:nobody) (is:read or is:draft)", &edf);
	YES("from:nobody or from:edf is:read", &edf);
	NO("(from:nobody or from:edf) is:unread", &edf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_fields),
		cmocka_unit_test(test_null_fields),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_logic),
	};

	/* Calendar dates are local: pin the zone. */
	setenv("TZ", "UTC0", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
