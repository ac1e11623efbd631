/*
 * Unit tests of src/query/text.c: UTF-8 decoding, case folding, the glob
 * matcher every backend calls, header extraction, and the literal runs
 * the IMAP backend searches for.
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
#include "facteur/query.h"
#include "private.h"

static void
test_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} cases[] = {
		{ "a", 1, 'a' },
		{ "\xc3\xa9", 2, 0xe9 },
		{ "\xe2\x82\xac", 3, 0x20ac },
		{ "\xf0\x9f\x93\xa7", 4, 0x1f4e7 },
		{ "\xff", 1, QUERY_BAD_BYTE + 0xff },
		{ "\xc3", 1, QUERY_BAD_BYTE + 0xc3 },     /* truncated */
		{ "\xc0\xaf", 1, QUERY_BAD_BYTE + 0xc0 }, /* overlong '/' */
		{ "\xe0\x80\xaf", 1, QUERY_BAD_BYTE + 0xe0 },
		{ "\xed\xa0\x80", 1, QUERY_BAD_BYTE + 0xed }, /* surrogate */
		{ "\xf4\x90\x80\x80", 1,
		    QUERY_BAD_BYTE + 0xf4 }, /* > U+10FFFF */
		{ "\x80", 1, QUERY_BAD_BYTE + 0x80 },
		{ "\xe2\x82", 1, QUERY_BAD_BYTE + 0xe2 },
	};
	uint32_t cp;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cases); i++) {
		assert_int_equal(query_utf8_next(cases[i].s, &cp),
		    cases[i].len);
		assert_int_equal(cp, cases[i].cp);
	}
}

static void
test_fold(void **state)
{
	assert_int_equal(query_fold('A'), 'a');
	assert_int_equal(query_fold('Z'), 'z');
	assert_int_equal(query_fold('a'), 'a');
	assert_int_equal(query_fold('@'), '@');
	assert_int_equal(query_fold('['), '[');
	assert_int_equal(query_fold(0xc0), 0xe0);   /* À */
	assert_int_equal(query_fold(0xc9), 0xe9);   /* É */
	assert_int_equal(query_fold(0xde), 0xfe);   /* Þ */
	assert_int_equal(query_fold(0xd7), 0xd7);   /* × */
	assert_int_equal(query_fold(0xdf), 0xdf);   /* ß */
	assert_int_equal(query_fold(0x178), 0xff);  /* Ÿ */
	assert_int_equal(query_fold(0x3a3), 0x3a3); /* Σ: not folded */
	assert_int_equal(query_fold(QUERY_BAD_BYTE + 'A'),
	    QUERY_BAD_BYTE + 'A');
}

static void
test_text_match(void **state)
{
	static const struct {
		const char *text, *pattern;
		bool want;
	} cases[] = {
		{ "EDF <factures@edf.fr>", "@edf.fr", true },
		{ "EDF <factures@edf.fr>", "edf", true },
		{ "EDF <factures@edf.fr>", "@edf.com", false },
		{ "Hello", "hELLo", true },
		{ "Hello", "hello!", false },
		{ "ÉTÉ", "été", true },
		{ "été", "ÉTÉ", true },
		{ "Ÿ", "ÿ", true },
		{ "ÿ", "Ÿ", true },
		{ "×", "÷", false },
		{ "ß", "SS", false },
		{ "Σ", "σ", false },
		{ "e", "é", false },
		{ "é", "e", false },
		{ "naïve", "NAÏVE", true },
		/* Wildcards: a glob anywhere in the text. */
		{ "facture", "fact*", true },
		{ "facture", "*ture", true },
		{ "facture", "f*e", true },
		{ "facture", "f?cture", true },
		{ "fcture", "f?cture", false },
		{ "é", "?", true },
		{ "é", "??", false },
		{ "a\xff"
		  "b",
		    "a?b", true },
		{ "ab", "a?b", false },
		{ "xaxbxc", "a*b*c", true },
		{ "acb", "a*b*c", false },
		{ "aaab", "a*ab", true },
		{ "mississippi", "m*iss*ppi", true },
		{ "mississippi", "m*iss*ppx", false },
		{ "abxdz", "b?d", true },
		{ "abcabc", "b?d", false },
		{ "abc", "", true },
		{ "", "", true },
		{ "", "*", true },
		{ "", "?", false },
		{ "abc", "***", true },
		/* Escapes make wildcards literal. */
		{ "a*b", "a\\*b", true },
		{ "axb", "a\\*b", false },
		{ "why?", "y\\?", true },
		{ "why", "y\\?", false },
		{ "a\\b", "a\\\\b", true },
		{ "a\\", "a\\", true },
		{ "100%", "0%", true },
		{ "a_b", "a_b", true },
		{ "axb", "a_b", false },
		{ "O'Brien", "o'b", true },
		/* Invalid bytes match only themselves. */
		{ "\xc0\xaf", "/", false },
		{ "a\xc3", "\xc3", true },
		{ "a\xc3", "\xe3", false },
		/* Matching never starts inside a character. */
		{ "é", "\xa9", false },
		{ "\xed\xa0\x80", "\xa0", true },
	};
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cases); i++)
		if (query_text_match(cases[i].text, cases[i].pattern) !=
		    cases[i].want)
			fail_msg("'%s' ~ '%s' should be %s", cases[i].text,
			    cases[i].pattern, cases[i].want ? "true" : "false");
	assert_false(query_text_match(NULL, ""));
	assert_false(query_text_match(NULL, "*"));
}

static void
check_header(const char *headers, const char *name, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	bool found;

	strbuf_addstr(&sb, "junk");
	found = query_header_value(headers, name, &sb);
	strbuf_sanity(&sb);
	if (want == NULL) {
		if (found)
			fail_msg("'%s' found as '%s'", name, sb.buf);
		assert_int_equal(sb.len, 0);
	} else {
		if (!found)
			fail_msg("'%s' not found", name);
		assert_string_equal(sb.buf, want);
	}
	strbuf_release(&sb);
}

static void
test_header_value(void **state)
{
	const char *h = "From: EDF <a@edf.fr>\r\n"
			"Subject: hello\r\n"
			" world\r\n"
			"\tagain\r\n"
			"X-A:  v  \r\n"
			"X-Empty:\r\n"
			"X-Dup: first\r\n"
			"X-Dup: second\r\n"
			"Old-Style : yes\r\n"
			"X-Skip: 1\r\n"
			" X-Hidden: no\r\n"
			"\r\n"
			"Body: not a header\r\n";

	check_header(h, "From", "EDF <a@edf.fr>");
	check_header(h, "subject", "hello world\tagain");
	check_header(h, "SUBJECT", "hello world\tagain");
	check_header(h, "X-A", "v");
	check_header(h, "X-Empty", "");
	check_header(h, "X-Dup", "first");
	check_header(h, "Old-Style", "yes");
	check_header(h, "X-Hidden", NULL);
	check_header(h, "Body", NULL);
	check_header(h, "Missing", NULL);
	check_header(h, "X", NULL);
	check_header(NULL, "From", NULL);
	check_header("", "From", NULL);
	/* LF line ends, no final line end, a continuation at the end. */
	check_header("A: 1\nB: 2\n 3", "B", "2 3");
	check_header("A: 1\nB: 2", "B", "2");
	check_header("A: \v1\v\f\r\r\nB: 2", "A", "\v1");
	check_header("A: 1\n\nB: 2", "B", NULL);
	check_header("A: 1\r\n\r\nB: 2", "B", NULL);
}

static void
test_pattern_literal(void **state)
{
	static const struct {
		const char *pattern, *run;
		bool exact;
	} cases[] = {
		{ "abc", "abc", true },
		{ "", "", true },
		{ "*", "", true },
		{ "*abc*", "abc", true },
		{ "abc*", "abc", true },
		{ "?", "", false },
		{ "ab?", "ab", false },
		{ "fact*ure", "fact", false },
		{ "ab*cde", "cde", false },
		{ "a\\*b", "a*b", true },
		{ "a\\?b*", "a?b", true },
		{ "été*ab", "été", false },
		{ "a\\", "a\\", true },
	};
	char *run;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cases); i++) {
		if (query_pattern_literal(cases[i].pattern, &run) !=
		    cases[i].exact)
			fail_msg("'%s' exactness", cases[i].pattern);
		assert_string_equal(run, cases[i].run);
		free(run);
	}
}

static void
test_pattern_add_literal(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	query_pattern_add_literal(&sb, "a*b?c\\d", 7);
	assert_string_equal(sb.buf, "a\\*b\\?c\\\\d");
	assert_true(query_text_match("xa*b?c\\dy", sb.buf));
	assert_false(query_text_match("axbycd", sb.buf));
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_text_match),
		cmocka_unit_test(test_header_value),
		cmocka_unit_test(test_pattern_literal),
		cmocka_unit_test(test_pattern_add_literal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
