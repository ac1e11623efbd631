/*
 * Unit tests of src/smtp/send.c against a scripted peer: a message to
 * several recipients with one refused (partial success, the server's words
 * kept), every recipient refused (reset, failure), the sender refused, the
 * connection lost during DATA, dot-stuffing with exactly one line ending
 * before the final dot, and 8-bit data refused before anything is sent.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/smtp.h"
#include "peer.h"
#include "private.h"

#define GREETING                                        \
	{                                               \
		NULL, "220 peer ESMTP ready\r\n", false \
	}
#define EHLO                                                                 \
	{                                                                    \
		"EHLO [127.0.0.1]", "250-peer\r\n250 SIZE 100000\r\n", false \
	}
#define END                       \
	{                         \
		NULL, NULL, false \
	}

static const char message[] = "Subject: x\r\n\r\n.hidden\r\nend";

static struct smtp_session *
attach(struct peer *p, const struct step *script)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct smtp_session *s = NULL;
	mailstream *stream;

	peer_start(p, script, &stream);
	if (smtp_session_attach(stream, "peer", true, &s, &err) != 0)
		fail_msg("attach: %s", fct_error_msg(&err));
	return s;
}

static void
test_send_partial(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO,
		{ "MAIL FROM:<alice@example.test> SIZE=", "250 ok\r\n", false },
		{ "RCPT TO:<bob@example.test>", "250 ok\r\n", false },
		{ "RCPT TO:<nobody@example.test>",
		    "550 5.1.1 <nobody@example.test>: user unknown\r\n",
		    false },
		{ "RCPT TO:<carol@example.test>", "250 ok\r\n", false },
		{ "DATA", "354 go\r\n", false },
		{ "Subject: x", NULL, false },
		{ "", NULL, false },
		{ "..hidden", NULL, false },
		{ "end", NULL, false },
		{ ".", "250 2.0.0 queued\r\n", false },
		{ "QUIT", NULL, false },
		END,
	};
	static const char *const rcpt[] = { "bob@example.test",
		"nobody@example.test", "carol@example.test" };
	struct smtp_send_result res = SMTP_SEND_RESULT_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct smtp_session *s;
	struct peer p;

	(void)state;
	s = attach(&p, script);
	if (smtp_send(s, "alice@example.test", rcpt, 3, message,
		strlen(message), &res, &err) != 0)
		fail_msg("send: %s", fct_error_msg(&err));
	assert_int_equal(res.n, 3);
	assert_int_equal(res.refused, 1);
	assert_null(res.v[0].reason);
	assert_string_equal(res.v[1].addr, "nobody@example.test");
	assert_non_null(strstr(res.v[1].reason, "550 5.1.1"));
	assert_non_null(strstr(res.v[1].reason, "user unknown"));
	assert_null(res.v[2].reason);
	smtp_session_close(&s);
	peer_finish(&p);
	/* The dot-stuffed line, and no empty line before the final dot. */
	assert_true(peer_saw(&p, "\n..hidden\nend\n.\n"));
	smtp_send_result_release(&res);
	strbuf_release(&p.seen);
}

static void
test_send_all_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO,
		{ "MAIL FROM:<alice@example.test>", "250 ok\r\n", false },
		{ "RCPT TO:<x@example.test>", "550 no such user\r\n", false },
		{ "RSET", "250 ok\r\n", false },
		{ "QUIT", NULL, false },
		END,
	};
	static const char *const rcpt[] = { "x@example.test",
		"not-an-address" };
	struct smtp_send_result res = SMTP_SEND_RESULT_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct smtp_session *s;
	struct peer p;

	(void)state;
	s = attach(&p, script);
	assert_int_equal(smtp_send(s, "alice@example.test", rcpt, 2, message,
			     strlen(message), &res, &err),
	    -1);
	assert_string_equal(fct_error_msg(&err),
	    "every recipient was refused: x@example.test (550 no such "
	    "user); not-an-address (not a usable address)");
	assert_int_equal(res.refused, 2);
	smtp_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "DATA"));
	fct_error_release(&err);
	smtp_send_result_release(&res);
	strbuf_release(&p.seen);
}

static void
test_send_sender_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO,
		{ "MAIL FROM:<alice@example.test>",
		    "553 5.7.1 sender not owned by user\r\n", false },
		{ "RSET", "250 ok\r\n", false },
		{ "QUIT", NULL, false },
		END,
	};
	static const char *const rcpt[] = { "bob@example.test" };
	struct smtp_send_result res = SMTP_SEND_RESULT_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct smtp_session *s;
	struct peer p;

	(void)state;
	s = attach(&p, script);
	assert_int_equal(smtp_send(s, "alice@example.test", rcpt, 1, message,
			     strlen(message), &res, &err),
	    -1);
	assert_string_equal(fct_error_msg(&err),
	    "'peer' refused the sender 'alice@example.test': 553 5.7.1 "
	    "sender not owned by user");
	assert_false(smtp_session_broken(s));
	smtp_session_close(&s);
	peer_finish(&p);
	fct_error_release(&err);
	strbuf_release(&p.seen);
}

static void
test_send_lost_in_data(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO,
		{ "MAIL FROM:<alice@example.test>", "250 ok\r\n", false },
		{ "RCPT TO:<bob@example.test>", "250 ok\r\n", false },
		{ "DATA", "354 go\r\n", false },
		{ "Subject: x", NULL, true },
		END,
	};
	static const char *const rcpt[] = { "bob@example.test" };
	struct smtp_send_result res = SMTP_SEND_RESULT_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct smtp_session *s;
	struct peer p;

	(void)state;
	s = attach(&p, script);
	assert_int_equal(smtp_send(s, "alice@example.test", rcpt, 1, message,
			     strlen(message), &res, &err),
	    -1);
	assert_non_null(
	    strstr(fct_error_msg(&err), "connection to 'peer' lost"));
	assert_true(smtp_session_broken(s));
	smtp_session_close(&s);
	peer_finish(&p);
	fct_error_release(&err);
	smtp_send_result_release(&res);
	strbuf_release(&p.seen);
}

static void
test_send_8bit_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO,
		{ "QUIT", NULL, false },
		END,
	};
	static const char *const rcpt[] = { "bob@example.test" };
	static const char raw[] = "Subject: caf\xc3\xa9\r\n\r\nx\r\n";
	struct smtp_send_result res = SMTP_SEND_RESULT_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct smtp_session *s;
	struct peer p;

	(void)state;
	s = attach(&p, script);
	assert_int_equal(smtp_send(s, "alice@example.test", rcpt, 1, raw,
			     strlen(raw), &res, &err),
	    -1);
	assert_non_null(strstr(fct_error_msg(&err), "not 7-bit"));
	smtp_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "MAIL"));
	fct_error_release(&err);
	strbuf_release(&p.seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send_partial),
		cmocka_unit_test(test_send_all_refused),
		cmocka_unit_test(test_send_sender_refused),
		cmocka_unit_test(test_send_lost_in_data),
		cmocka_unit_test(test_send_8bit_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
