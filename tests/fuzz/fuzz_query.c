/*
 * libFuzzer target for src/query: the search language is typed by the
 * user and read from the rules file, so the parser reads anything.
 *
 * Beyond crashes, leaks and undefined behaviour, the target checks the
 * contract the other layers rely on, and aborts when it is broken:
 *  - a failed parse returns no query and an error with a message (one
 *    line, not empty) and a position inside the text, line and column
 *    agreeing with the byte offset;
 *  - a parsed query passes query_sanity(), prints to text that parses
 *    back to an equal query, and prints the same again (a fixed point);
 *  - it compiles to SQL with a full schema, with every placeholder given
 *    a parameter, and to IMAP keys that pass their sanity checker;
 *  - the matcher runs on a full and an empty message. Agreement of the
 *    backends is the property test's job (tests/unit/query/test_agree.c),
 *    which has a database and a reference IMAP evaluator.
 * Links libquery.a and libcore.a only.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facteur/core.h"
#include "facteur/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An oracle failed: abort, so that libFuzzer saves the input. */
#define CHECK(cond)                                                 \
	do {                                                        \
		if (!(cond))                                        \
			BUG("fuzz_query: check failed: %s", #cond); \
	} while (0)

static const struct query_sql_schema schema = {
	.from = "m.from_text",
	.to = "m.to_text",
	.cc = "m.cc_text",
	.subject = "m.subject",
	.list_id = "m.list_id",
	.body = "b.text",
	.headers = "m.headers",
	.flags = "m.flags",
	.keywords = "m.keywords",
	.size = "m.size",
	.date = "m.date",
	.has_attachment = "m.has_attachment",
	.match_fn = "fct_match",
	.header_fn = "fct_header",
};

static const struct query_msg full = {
	.from = "EDF <factures@edf.fr>",
	.to = "Jane <jane@example.org>",
	.cc = "",
	.subject = "Votre facture d'ÉTÉ 100% a_b *?",
	.list_id = "<clients.edf.fr>",
	.headers = "From: EDF <factures@edf.fr>\r\nX-A: 1\r\n\t2\r\n\r\n",
	.body = "Bonjour\n\xff\xc3",
	.flags = FCT_FLAG_SEEN | FCT_FLAG_DRAFT,
	.keywords = " $Junk Work ",
	.size = 123456,
	.date = 1710460800,
	.has_attachment = true,
};

static const struct query_msg empty = { 0 };

#define NOW 1718452800

static void
check_error(const char *text, const struct query_error *qe)
{
	size_t i, bol = 0;
	unsigned line = 1;

	CHECK(qe->msg != NULL && qe->msg[0] != '\0');
	CHECK(strchr(qe->msg, '\n') == NULL);
	CHECK(qe->offset <= strlen(text));
	for (i = 0; i < qe->offset; i++)
		if (text[i] == '\n') {
			line++;
			bol = i + 1;
		}
	CHECK(qe->line == line);
	CHECK(qe->column == qe->offset - bol + 1);
}

static size_t
count_placeholders(const char *sql)
{
	size_t n = 0;

	/* The schema's expressions have no '?' and no string with one. */
	for (; *sql != '\0'; sql++)
		n += *sql == '?';
	return n;
}

static void
check_backends(const struct query *q, time_t now)
{
	struct query_sql_params params = QUERY_SQL_PARAMS_INIT;
	struct query_sql_schema bare = { 0 };
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf where = STRBUF_INIT;
	struct query_imap_key *k = NULL;
	bool exact;
	char *s;

	CHECK(query_to_sql(q, &schema, now, &where, &params, &err) == 0);
	strbuf_sanity(&where);
	CHECK(where.len > 0);
	CHECK(count_placeholders(where.buf) == params.n);
	query_sql_params_release(&params);
	strbuf_reset(&where);

	/* A schema with nothing: fails with a message, or needs nothing. */
	if (query_to_sql(q, &bare, now, &where, &params, &err) != 0) {
		CHECK(err.msg != NULL && where.len == 0 && params.n == 0);
		fct_error_release(&err);
	} else
		CHECK(params.n == 0);
	query_sql_params_release(&params);
	strbuf_release(&where);

	CHECK(query_to_imap(q, now, &k, &exact, &err) == 0);
	query_imap_key_sanity(k);
	s = query_imap_key_to_string(k);
	CHECK(s[0] != '\0');
	(void)query_imap_key_needs_utf8(k);
	free(s);
	query_imap_key_free(&k);
	CHECK(k == NULL);

	(void)query_match(q, &full, now);
	(void)query_match(q, &empty, now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const time_t nows[] = { NOW, 0, INT64_MAX, INT64_MIN };
	static bool tz_set;
	struct query_error qe = QUERY_ERROR_INIT;
	struct query *q = NULL, *q2 = NULL;
	char *text, *s, *s2;

	if (!tz_set) {
		/* Calendar dates are local: keep runs reproducible. */
		setenv("TZ", "UTC0", 1);
		tz_set = true;
	}
	text = xstrndup((const char *)data, size);
	if (query_parse_diag(text, &q, &qe) != 0) {
		CHECK(q == NULL);
		check_error(text, &qe);
		query_error_release(&qe);
		free(text);
		return 0;
	}
	CHECK(q != NULL && qe.msg == NULL);
	query_sanity(q);

	s = query_to_string(q);
	if (query_parse_diag(s, &q2, &qe) != 0)
		BUG("fuzz_query: '%s' prints as '%s', which fails: %s", text, s,
		    qe.msg);
	CHECK(query_equal(q, q2));
	s2 = query_to_string(q2);
	CHECK(strcmp(s, s2) == 0);

	/* Any `now` must do, the silly ones too (UBSan watches). */
	check_backends(q, nows[size % FCT_ARRAY_LEN(nows)]);

	free(s2);
	free(s);
	query_free(&q2);
	query_free(&q);
	CHECK(q == NULL);
	free(text);
	return 0;
}
