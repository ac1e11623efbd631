/*
 * Unit tests of src/imap/append.c against the scripted peer of
 * tests/unit/net: APPEND with flags and the literal, APPENDUID read back,
 * the server's refusal in the error, a folder name with a line break
 * refused before anything is sent.
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

#include "facteur/imap.h"
#include "peer.h"
#include "private.h"

#define GREETING                                                             \
	{                                                                    \
		NULL, "* OK [CAPABILITY IMAP4rev1 UIDPLUS] ready\r\n", false \
	}
#define END                       \
	{                         \
		NULL, NULL, false \
	}

static const char msg[] = "Subject: x\r\n\r\nbody\r\n";

static struct imap_session *
start(struct peer *p, const struct step *script)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_session *s = NULL;
	mailstream *stream;

	peer_start(p, script, &stream);
	if (imap_session_attach(stream, "peer", &s, &err) != 0)
		fail_msg("attach: %s", fct_error_msg(&err));
	return s;
}

static void
test_append_uid(void **state)
{
	static const struct step script[] = {
		GREETING,
		{ "1 APPEND Sent (\\Seen \\Draft) {20}", "+ go\r\n", false },
		{ "Subject: x", NULL, false },
		{ "", NULL, false },
		{ "body", NULL, false },
		{ "", "1 OK [APPENDUID 7 42] done\r\n", false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);
	uint32_t v = 0, uid = 0;

	(void)state;
	if (imap_append(s, "Sent", FCT_FLAG_SEEN | FCT_FLAG_DRAFT, msg,
		strlen(msg), &v, &uid, &err) != 0)
		fail_msg("append: %s", fct_error_msg(&err));
	assert_int_equal(v, 7);
	assert_int_equal(uid, 42);
	imap_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

static void
test_append_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		{ "1 APPEND Nope (\\Seen) {20}", "+ go\r\n", false },
		{ "Subject: x", NULL, false },
		{ "", NULL, false },
		{ "body", NULL, false },
		{ "", "1 NO [TRYCREATE] Mailbox doesn't exist: Nope\r\n",
		    false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);

	(void)state;
	assert_int_equal(imap_append(s, "Nope", FCT_FLAG_SEEN, msg, strlen(msg),
			     NULL, NULL, &err),
	    -1);
	assert_non_null(strstr(fct_error_msg(&err), "cannot append to 'Nope'"));
	assert_non_null(strstr(fct_error_msg(&err), "doesn't exist"));
	assert_false(imap_session_broken(s));
	fct_error_release(&err);
	imap_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

static void
test_append_bad_name(void **state)
{
	static const struct step script[] = {
		GREETING,
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);

	(void)state;
	assert_int_equal(imap_append(s, "Sent\r\nA1 DELETE INBOX", 0, msg,
			     strlen(msg), NULL, NULL, &err),
	    -1);
	assert_non_null(strstr(fct_error_msg(&err), "bad folder name"));
	fct_error_release(&err);
	imap_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "APPEND"));
	strbuf_release(&p.seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_uid),
		cmocka_unit_test(test_append_refused),
		cmocka_unit_test(test_append_bad_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
