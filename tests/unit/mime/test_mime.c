/*
 * Unit tests of src/mime: header summaries (what the index shows and the
 * query language searches) and the searchable text of bodies.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/mime.h"

static int
setup(void **state)
{
	(void)state;
	mime_init();
	return 0;
}

static void
summary_of(const char *raw, struct mime_summary *s)
{
	assert_int_equal(mime_summary_parse(raw, strlen(raw), s, NULL), 0);
}

static void
test_encoded_words(void **state)
{
	struct mime_summary s = MIME_SUMMARY_INIT;

	(void)state;
	/* "Réunion" split inside é across two words of one charset, and a
	 * Latin-1 name. */
	summary_of("From: =?iso-8859-1?q?Fran=E7ois_P=E9rez?= "
		   "<fp@example.test>\r\n"
		   "To: a@example.test, \"B, C\" <bc@example.test>\r\n"
		   "Subject: =?utf-8?b?UsOD?= =?utf-8?b?qXVuaW9u?= demain\r\n"
		   "Date: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
		   "Message-ID: <abc@example.test>\r\n"
		   "\r\n",
	    &s);
	assert_string_equal(s.from_text, "François Pérez <fp@example.test>");
	assert_non_null(strstr(s.to_text, "bc@example.test"));
	assert_non_null(strstr(s.subject, "demain"));
	assert_string_equal(s.message_id, "abc@example.test");
	assert_int_equal(s.date, 1795510800); /* 09:00 UTC */
	assert_null(s.cc_text);
	assert_null(s.list_id);
	mime_summary_release(&s);
}

/* The index decodes headers as the pager does (render.c). */
static void
test_like_the_pager(void **state)
{
	struct mime_summary s = MIME_SUMMARY_INIT;

	(void)state;
	/* Base64 words split inside a character; a Latin-1 label on
	 * Windows quotes; a UTF-8 label on Latin-1 bytes. */
	summary_of("From: =?utf-8?q?Ren=E9e?= <r@example.test>\r\n"
		   "Subject: =?utf-8?b?UsM=?= =?utf-8?b?qXVuaW9u?= du "
		   "=?iso-8859-1?q?=93ici=94?=\r\n"
		   "List-Id: =?utf-8?q?Liste_=C3=A9t=C3=A9?= "
		   "<l.example.test>\r\n"
		   "\r\n",
	    &s);
	assert_string_equal(s.subject,
	    "R\xc3\xa9union du \xe2\x80\x9c"
	    "ici\xe2\x80\x9d");
	assert_string_equal(s.from_text,
	    "Ren\xc3\xa9"
	    "e <r@example.test>");
	assert_string_equal(s.list_id,
	    "Liste \xc3\xa9t\xc3\xa9 <l.example.test>");
	mime_summary_release(&s);
}

static void
test_threading_and_lists(void **state)
{
	struct mime_summary s = MIME_SUMMARY_INIT;

	(void)state;
	summary_of("From: x@example.test\r\n"
		   "In-Reply-To: <p2@example.test> (comment)\r\n"
		   "References: <p1@example.test>\r\n <p2@example.test>\r\n"
		   "List-Id: Debian User\r\n <debian-user.lists.debian.org>\r\n"
		   "\r\n",
	    &s);
	assert_string_equal(s.in_reply_to, "p2@example.test");
	assert_string_equal(s.references, "p1@example.test p2@example.test");
	assert_string_equal(s.list_id,
	    "Debian User <debian-user.lists.debian.org>");
	assert_int_equal(s.date, 0);
	mime_summary_release(&s);
}

static void
test_unlabelled_8bit(void **state)
{
	struct mime_summary s = MIME_SUMMARY_INIT;

	(void)state;
	/* Raw Latin-1 in a header: not UTF-8, so windows-1252. */
	summary_of("Subject: caf\xe9 cr\xe8me\r\n\r\n", &s);
	assert_string_equal(s.subject, "café crème");
	mime_summary_release(&s);
}

static void
text_of(const char *raw, struct strbuf *out)
{
	strbuf_reset(out);
	assert_int_equal(mime_body_text(raw, strlen(raw), out, NULL), 0);
}

static void
test_body_text(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	text_of("Content-Type: text/plain; charset=iso-8859-1\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
		"Voici la facture de d=E9cembre.\r\n",
	    &sb);
	assert_string_equal(sb.buf, "Voici la facture de décembre.\r\n");

	/* Plain text wins over HTML; the attachment is not the message. */
	text_of("Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		"--b\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n"
		"--a\r\nContent-Type: text/plain\r\n\r\nplain words\r\n"
		"--a\r\nContent-Type: text/html\r\n\r\n<p>html words</p>\r\n"
		"--a--\r\n"
		"--b\r\nContent-Type: text/plain\r\n"
		"Content-Disposition: attachment; filename=x.txt\r\n\r\n"
		"attached words\r\n--b--\r\n",
	    &sb);
	assert_non_null(strstr(sb.buf, "plain words"));
	assert_null(strstr(sb.buf, "html words"));
	assert_null(strstr(sb.buf, "attached words"));

	/* HTML only: its words, without scripts and styles. */
	text_of("Content-Type: text/html; charset=utf-8\r\n\r\n"
		"<html><head><style>p{color:red}</style>"
		"<script>var secret=1;</script></head>"
		"<body><p>Bonjour <b>à</b> tous</p></body></html>\r\n",
	    &sb);
	assert_non_null(strstr(sb.buf, "Bonjour"));
	assert_non_null(strstr(sb.buf, "à"));
	assert_null(strstr(sb.buf, "secret"));
	assert_null(strstr(sb.buf, "color"));
	strbuf_release(&sb);
}

static void
test_garbage(void **state)
{
	struct mime_summary s = MIME_SUMMARY_INIT;
	struct strbuf sb = STRBUF_INIT;
	static const char junk[] = "\x00\x01 not a message at all \xff";

	(void)state;
	/* Whatever comes, a result or a clean error, never a crash; and
	 * nothing invented from it. */
	if (mime_summary_parse(junk, sizeof junk - 1, &s, NULL) == 0) {
		assert_null(s.subject);
		assert_null(s.from_text);
		assert_int_equal(s.date, 0);
	}
	if (mime_body_text(junk, sizeof junk - 1, &sb, NULL) == 0)
		assert_null(strstr(sb.buf, "\x01"));
	mime_summary_release(&s);
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoded_words),
		cmocka_unit_test(test_like_the_pager),
		cmocka_unit_test(test_threading_and_lists),
		cmocka_unit_test(test_unlabelled_8bit),
		cmocka_unit_test(test_body_text),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
