/*
 * Unit tests of src/mime/compose.c: the editable form, building (RFC 2047
 * headers, RFC 2231 names, 7-bit bodies, Message-ID), preparing for
 * submission (envelope, Bcc removed) and the reply and forward templates.
 * Every built message is parsed back with GMime's own summary to prove it
 * decodes to what was written.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/core_alias.h"
#include "facteur/mime.h"
#include "facteur/mime_compose.h"

static int
setup(void **state)
{
	(void)state;
	mime_init();
	return 0;
}

/* Every byte 7-bit, every line ending CRLF, no line over 998 bytes. */
static void
assert_wire_safe(const struct strbuf *m)
{
	size_t i, col = 0;

	for (i = 0; i < m->len; i++) {
		unsigned char c = (unsigned char)m->buf[i];

		assert_true(c < 0x80);
		assert_true(c != 0);
		if (c == '\n') {
			assert_true(i > 0 && m->buf[i - 1] == '\r');
			col = 0;
		} else
			assert_true(++col <= 998);
	}
}

/* The header block of m (up to the first empty line), owned. */
static char *
header_block(const struct strbuf *m)
{
	const char *end = strstr(m->buf, "\r\n\r\n");

	assert_non_null(end);
	return strndup(m->buf, (size_t)(end - m->buf) + 2);
}

static void
test_format_parse_roundtrip(void **state)
{
	struct mime_draft d = MIME_DRAFT_INIT, back = MIME_DRAFT_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	(void)state;
	d.from = strdup("Alice <alice@example.test>");
	d.to = strdup("bob@example.test");
	d.subject = strdup("Réunion à 10 h");
	d.in_reply_to = strdup("orig@example.test");
	d.body = strdup("Bonjour,\n\nà demain.\n");
	mime_draft_add_attachment(&d, "f.txt", NULL, "/tmp/f.txt");
	mime_draft_format(&d, &sb);
	assert_non_null(strstr(sb.buf, "Cc: \nBcc: \n"));
	assert_non_null(strstr(sb.buf, "Attach: /tmp/f.txt\n"));
	assert_int_equal(mime_draft_parse(sb.buf, sb.len, &back, &err), 0);
	assert_string_equal(back.from, d.from);
	assert_string_equal(back.to, d.to);
	assert_null(back.cc);
	assert_null(back.bcc);
	assert_string_equal(back.subject, d.subject);
	assert_string_equal(back.in_reply_to, "orig@example.test");
	assert_string_equal(back.body, d.body);
	assert_int_equal(back.natt, 1);
	assert_string_equal(back.att[0].path, "/tmp/f.txt");
	assert_string_equal(back.att[0].name, "f.txt");
	mime_draft_release(&d);
	mime_draft_release(&back);
	strbuf_release(&sb);
}

static void
test_parse_errors(void **state)
{
	struct mime_draft d = MIME_DRAFT_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	static const char unknown[] = "To: a@b.test\nSubjcet: hi\n\nbody\n";
	static const char nobody[] = "To: a@b.test\n";
	static const char folded[] = "To: a@b.test,\n  c@d.test\n\nx";

	(void)state;
	assert_int_equal(mime_draft_parse(unknown, strlen(unknown), &d, &err),
	    -1);
	assert_string_equal(fct_error_msg(&err),
	    "line 2: unknown header 'Subjcet'");
	assert_int_equal(mime_draft_parse(nobody, strlen(nobody), &d, &err),
	    -1);
	assert_non_null(strstr(fct_error_msg(&err), "no empty line"));
	assert_int_equal(mime_draft_parse(folded, strlen(folded), &d, &err), 0);
	assert_string_equal(d.to, "a@b.test, c@d.test");
	assert_string_equal(d.body, "x");
	mime_draft_release(&d);
	fct_error_release(&err);
}

static void
test_message_id(void **state)
{
	char *a = NULL, *b = NULL;

	(void)state;
	assert_int_equal(mime_message_id_new("example.test", &a, NULL), 0);
	assert_int_equal(mime_message_id_new("example.test", &b, NULL), 0);
	assert_int_equal(strlen(a), 32 + strlen("@example.test"));
	assert_non_null(strstr(a, "@example.test"));
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	a = mime_address_domain("Alice Dupont <alice@example.test>, x@y.z");
	assert_string_equal(a, "example.test");
	free(a);
	assert_null(mime_address_domain("nobody"));
}

static void
test_build_encodes(void **state)
{
	struct mime_draft d = MIME_DRAFT_INIT;
	struct mime_summary s = MIME_SUMMARY_INIT;
	struct strbuf m = STRBUF_INIT;
	struct mime_attachment *a;
	char *hdr;

	(void)state;
	d.from = strdup("Élodie Martin <alice@example.test>");
	d.to = strdup("Bob <bob@example.test>");
	d.cc = strdup("carol@example.test");
	d.bcc = strdup("dave@example.test");
	d.subject = strdup("Crème brûlée pour l'équipe");
	d.body = strdup("Voilà le reçu.\nUne ligne très longue "
			"............................................"
			"............................................\n");
	d.in_reply_to = strdup("parent@example.test");
	d.references = strdup("root@example.test parent@example.test");
	d.date = 1795510800;
	a = mime_draft_add_attachment(&d, "reçu été.pdf", NULL, NULL);
	a->data = strdup("%PDF-1.4 \x01\x02\xff binary");
	a->len = strlen(a->data);
	assert_int_equal(mime_build(&d, &m, NULL), 0);
	assert_wire_safe(&m);
	hdr = header_block(&m);
	/* RFC 2047 in the headers, RFC 2231 for the name. */
	assert_non_null(strstr(hdr, "Subject: =?"));
	assert_non_null(strstr(hdr, "Bcc: dave@example.test"));
	assert_non_null(strstr(hdr, "In-Reply-To: <parent@example.test>"));
	assert_non_null(strstr(hdr,
	    "References: <root@example.test> <parent@example.test>"));
	assert_non_null(strstr(hdr, "@example.test>\r\n"));
	assert_non_null(strstr(m.buf, "filename*=UTF-8''re%C3%A7u"));
	assert_non_null(strstr(m.buf, "multipart/mixed"));
	assert_non_null(strstr(m.buf, "Content-Transfer-Encoding: base64"));
	assert_non_null(
	    strstr(m.buf, "Content-Transfer-Encoding: quoted-printable"));
	/* And it reads back as written. */
	assert_int_equal(mime_summary_parse(m.buf, m.len, &s, NULL), 0);
	assert_string_equal(s.subject, d.subject);
	assert_string_equal(s.from_text, d.from);
	assert_string_equal(s.in_reply_to, "parent@example.test");
	assert_int_equal(s.date, 1795510800);
	assert_non_null(strstr(s.message_id, "@example.test"));
	mime_summary_release(&s);
	free(hdr);
	strbuf_release(&m);
	mime_draft_release(&d);
}

static void
test_build_errors(void **state)
{
	struct mime_draft d = MIME_DRAFT_INIT;
	struct strbuf m = STRBUF_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	(void)state;
	d.to = strdup("bob@example.test");
	assert_int_equal(mime_build(&d, &m, &err), -1);
	assert_string_equal(fct_error_msg(&err), "no From address");
	d.from = strdup("alice@example.test");
	free(d.to);
	d.to = strdup("bob");
	assert_int_equal(mime_build(&d, &m, &err), -1);
	assert_string_equal(fct_error_msg(&err), "bad address in To: 'bob'");
	assert_int_equal(m.len, 0);
	fct_error_release(&err);
	mime_draft_release(&d);
}

static void
test_prepare(void **state)
{
	/* What a script pipes in: raw UTF-8 headers and body, LF ends. */
	static const char in[] = "From: Zoé <alice@example.test>\n"
				 "To: bob@example.test, Bob "
				 "<BOB@example.test>\n"
				 "Cc: team: carol@example.test;\n"
				 "Bcc: secret@example.test\n"
				 "Subject: Café\n"
				 "\n"
				 "Très bien.\n";
	struct mime_envelope env = MIME_ENVELOPE_INIT;
	struct strbuf m = STRBUF_INIT;
	struct mime_summary s = MIME_SUMMARY_INIT;
	char *hdr;

	(void)state;
	assert_int_equal(mime_prepare(in, strlen(in), NULL, NULL, &m, &env,
			     NULL),
	    0);
	assert_wire_safe(&m);
	assert_string_equal(env.from, "alice@example.test");
	assert_int_equal(env.nrcpt, 3);
	assert_string_equal(env.rcpt[0], "bob@example.test");
	assert_string_equal(env.rcpt[1], "carol@example.test");
	assert_string_equal(env.rcpt[2], "secret@example.test");
	assert_string_equal(env.subject, "Café");
	assert_non_null(strstr(env.message_id, "@example.test"));
	hdr = header_block(&m);
	assert_null(strstr(hdr, "secret"));
	assert_null(strstr(hdr, "Bcc"));
	assert_non_null(strstr(hdr, "Date: "));
	/* Unlabelled text is UTF-8, and now says so. */
	assert_non_null(strstr(hdr, "MIME-Version: 1.0"));
	assert_non_null(strstr(m.buf, "charset=utf-8"));
	assert_int_equal(mime_summary_parse(m.buf, m.len, &s, NULL), 0);
	assert_string_equal(s.subject, "Café");
	assert_string_equal(s.from_text, "Zoé <alice@example.test>");
	assert_string_equal(s.message_id, env.message_id);
	mime_summary_release(&s);
	free(hdr);
	strbuf_release(&m);
	mime_envelope_release(&env);
}

static void
test_prepare_errors(void **state)
{
	static const char norcpt[] = "From: a@example.test\n\nx\n";
	static const char nofrom[] = "To: b@example.test\n\nx\n";
	static const char badrcpt[] = "From: a@example.test\nTo: bob\n\nx\n";
	struct mime_envelope env = MIME_ENVELOPE_INIT;
	struct strbuf m = STRBUF_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	(void)state;
	assert_int_equal(mime_prepare(norcpt, strlen(norcpt), NULL, NULL, &m,
			     &env, &err),
	    -1);
	assert_string_equal(fct_error_msg(&err),
	    "no recipient (To, Cc or Bcc)");
	assert_int_equal(mime_prepare(nofrom, strlen(nofrom), NULL, NULL, &m,
			     &env, &err),
	    -1);
	assert_string_equal(fct_error_msg(&err),
	    "the message has no From address");
	assert_int_equal(mime_prepare(badrcpt, strlen(badrcpt), NULL, NULL, &m,
			     &env, &err),
	    -1);
	assert_string_equal(fct_error_msg(&err), "bad recipient address 'bob'");
	/* A default From fills in. */
	assert_int_equal(mime_prepare(nofrom, strlen(nofrom),
			     "Me <me@example.test>", NULL, &m, &env, &err),
	    0);
	assert_string_equal(env.from, "me@example.test");
	mime_envelope_release(&env);
	strbuf_release(&m);
	fct_error_release(&err);
}

static void
test_prepare_8bit_parts(void **state)
{
	/* A script's multipart with raw UTF-8 in a part's headers. */
	static const char in[] =
	    "From: alice@example.test\nTo: bob@example.test\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=XX\n\n"
	    "--XX\nContent-Type: text/plain; charset=utf-8\n\nCorps été\n"
	    "--XX\nContent-Type: text/plain; name=\"été.txt\"\n"
	    "Content-Disposition: attachment; filename=\"été.txt\"\n\n"
	    "contenu\n--XX--\n";
	struct mime_envelope env = MIME_ENVELOPE_INIT;
	struct strbuf m = STRBUF_INIT;

	(void)state;
	assert_int_equal(mime_prepare(in, strlen(in), NULL, NULL, &m, &env,
			     NULL),
	    0);
	assert_wire_safe(&m);
	assert_non_null(strstr(m.buf, "filename*=UTF-8''%C3%A9t%C3%A9.txt"));
	strbuf_release(&m);
	mime_envelope_release(&env);
}

static void
test_prepare_aliases(void **state)
{
	static const char al[] = "alias bob Bob <bob@example.test>\n"
				 "alias team bob, carol@example.test\n"
				 "alias boss Boss <boss@example.test>\n";
	static const char in[] = "From: alice@example.test\n"
				 "To: team\n"
				 "Bcc: boss\n"
				 "Subject: x\n\nx\n";
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct fct_aliases *a = NULL;
	struct mime_envelope env = MIME_ENVELOPE_INIT;
	struct strbuf m = STRBUF_INIT;
	char *hdr;

	(void)state;
	assert_int_equal(fct_aliases_parse("al", al, strlen(al), &a, &d), 0);
	assert_int_equal(mime_prepare(in, strlen(in), NULL, a, &m, &env, NULL),
	    0);
	assert_int_equal(env.nrcpt, 3);
	assert_string_equal(env.rcpt[0], "bob@example.test");
	assert_string_equal(env.rcpt[1], "carol@example.test");
	assert_string_equal(env.rcpt[2], "boss@example.test");
	hdr = header_block(&m);
	assert_non_null(
	    strstr(hdr, "To: Bob <bob@example.test>, carol@example.test\r\n"));
	assert_null(strstr(hdr, "boss"));
	free(hdr);
	strbuf_release(&m);
	mime_envelope_release(&env);
	fct_aliases_free(&a);
	config_diags_release(&d);
}

static const char original[] =
    "From: Bob <bob@example.test>\r\n"
    "To: alice@example.test, carol@example.test\r\n"
    "Cc: Support <support@example.test>, dave@example.test\r\n"
    "Subject: Plan\r\n"
    "Date: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
    "Message-ID: <m2@example.test>\r\n"
    "References: <m0@example.test> <m1@example.test>\r\n"
    "\r\n"
    "First line\r\nsecond line\r\n";

static void
test_reply(void **state)
{
	static const char *const own[] = { "alice@example.test",
		"support@example.test" };
	struct mime_draft d = MIME_DRAFT_INIT;
	int addressed = -2;

	(void)state;
	assert_int_equal(mime_reply_draft(original, strlen(original), false,
			     own, 2, &d, &addressed, NULL),
	    0);
	assert_string_equal(d.to, "Bob <bob@example.test>");
	assert_null(d.cc);
	assert_string_equal(d.subject, "Re: Plan");
	assert_string_equal(d.in_reply_to, "m2@example.test");
	assert_non_null(strstr(d.references, "m0@example.test"));
	assert_non_null(strstr(d.references, "m2@example.test"));
	assert_non_null(strstr(d.body, "> First line\n> second line\n"));
	assert_int_equal(addressed, 0);
	/* Reply-all: everyone but the user's own addresses. */
	assert_int_equal(mime_reply_draft(original, strlen(original), true, own,
			     2, &d, &addressed, NULL),
	    0);
	assert_string_equal(d.to, "Bob <bob@example.test>");
	assert_string_equal(d.cc, "carol@example.test, dave@example.test");
	/* Only support@ among own: that identity is picked. */
	assert_int_equal(mime_reply_draft(original, strlen(original), false,
			     own + 1, 1, &d, &addressed, NULL),
	    0);
	assert_int_equal(addressed, 0);
	mime_draft_release(&d);
}

static void
test_forward(void **state)
{
	struct mime_draft d = MIME_DRAFT_INIT;
	struct strbuf m = STRBUF_INIT;

	(void)state;
	assert_int_equal(mime_forward_draft(original, strlen(original), false,
			     NULL, 0, &d, NULL, NULL),
	    0);
	assert_string_equal(d.subject, "Fwd: Plan");
	assert_non_null(strstr(d.body, "From: Bob <bob@example.test>\n"));
	assert_non_null(strstr(d.body, "First line"));
	assert_int_equal(d.natt, 0);
	assert_int_equal(mime_forward_draft(original, strlen(original), true,
			     NULL, 0, &d, NULL, NULL),
	    0);
	assert_int_equal(d.natt, 1);
	assert_string_equal(d.att[0].content_type, "message/rfc822");
	/* Through the editor and back: the attachment stays. */
	mime_draft_format(&d, &m);
	assert_null(strstr(m.buf, "Attach:"));
	assert_int_equal(mime_draft_parse("From: alice@example.test\n"
					  "To: carol@example.test\n\nhi\n",
			     strlen("From: alice@example.test\n"
				    "To: carol@example.test\n\nhi\n"),
			     &d, NULL),
	    0);
	strbuf_reset(&m);
	assert_int_equal(d.natt, 1);
	assert_string_equal(d.subject == NULL ? "" : d.subject, "");
	assert_int_equal(mime_build(&d, &m, NULL), 0);
	assert_wire_safe(&m);
	assert_non_null(strstr(m.buf, "Content-Type: message/rfc822"));
	assert_non_null(strstr(m.buf, "Message-ID: <m2@example.test>"));
	strbuf_release(&m);
	mime_draft_release(&d);
}

/* A forwarded original with an 8-bit body and header goes out 7-bit. */
static void
test_forward_attach_8bit(void **state)
{
	static const char orig[] = "From: L\303\251a <lea@example.test>\n"
				   "Subject: \303\251t\303\251\n"
				   "Message-ID: <m8@example.test>\n\n"
				   "Bonjour, \303\247a va ?\n";
	struct mime_draft d = MIME_DRAFT_INIT;
	struct strbuf m = STRBUF_INIT;

	(void)state;
	assert_int_equal(mime_forward_draft(orig, strlen(orig), true, NULL, 0,
			     &d, NULL, NULL),
	    0);
	free(d.to);
	d.to = strdup("carol@example.test");
	free(d.from);
	d.from = strdup("alice@example.test");
	assert_int_equal(mime_build(&d, &m, NULL), 0);
	assert_wire_safe(&m);
	assert_non_null(strstr(m.buf, "Content-Type: message/rfc822"));
	assert_non_null(strstr(m.buf, "Message-ID: <m8@example.test>"));
	strbuf_release(&m);
	mime_draft_release(&d);
}

static void
test_resume(void **state)
{
	struct mime_draft d = MIME_DRAFT_INIT, back = MIME_DRAFT_INIT;
	struct mime_attachment *a;
	struct strbuf m = STRBUF_INIT;

	(void)state;
	d.from = strdup("Alice <alice@example.test>");
	d.to = strdup("bob@example.test");
	d.bcc = strdup("boss@example.test");
	d.subject = strdup("Brouillon été");
	d.body = strdup("Première ligne\n");
	d.in_reply_to = strdup("p@example.test");
	d.references = strdup("r@example.test p@example.test");
	a = mime_draft_add_attachment(&d, "données.bin", NULL, NULL);
	a->data = malloc(4);
	memcpy(a->data, "\0\1\2\3", 4);
	a->len = 4;
	assert_int_equal(mime_build(&d, &m, NULL), 0);
	assert_int_equal(mime_draft_from_message(m.buf, m.len, &back, NULL), 0);
	assert_string_equal(back.from, d.from);
	assert_string_equal(back.to, d.to);
	assert_string_equal(back.bcc, d.bcc);
	assert_string_equal(back.subject, d.subject);
	assert_string_equal(back.body, d.body);
	assert_string_equal(back.in_reply_to, "p@example.test");
	assert_string_equal(back.references, "r@example.test p@example.test");
	assert_non_null(back.message_id);
	assert_int_equal(back.natt, 1);
	assert_string_equal(back.att[0].name, "données.bin");
	assert_int_equal(back.att[0].len, 4);
	assert_memory_equal(back.att[0].data, "\0\1\2\3", 4);
	strbuf_release(&m);
	mime_draft_release(&d);
	mime_draft_release(&back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse_roundtrip),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_build_encodes),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_prepare),
		cmocka_unit_test(test_prepare_errors),
		cmocka_unit_test(test_prepare_aliases),
		cmocka_unit_test(test_prepare_8bit_parts),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_forward_attach_8bit),
		cmocka_unit_test(test_resume),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
