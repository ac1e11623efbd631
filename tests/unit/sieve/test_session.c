/*
 * Unit tests of src/sieve/session.c against a scripted peer (no server):
 * the session never sends credentials unless STARTTLS succeeded. A server
 * that offers no STARTTLS, one that refuses it, and one that sends bytes
 * after its STARTTLS answer (a plaintext injection) are all refused before
 * AUTHENTICATE; a refused greeting says the server's words. The whole
 * session over TLS, with a real Pigeonhole, is tests/integration/sieve.sh.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "peer.h"
#include "private.h"

#define CAPS_PLAIN                                              \
	"\"IMPLEMENTATION\" \"peer\"\r\n\"SASL\" \"PLAIN\"\r\n" \
	"\"SIEVE\" \"fileinto imap4flags\"\r\n\"VERSION\" \"1.0\"\r\n"

static void
attach_fails(const struct step *script, const char *want)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct config_account acct;
	struct net_endpoint ep;
	struct sieve_session *s = (struct sieve_session *)&s;
	struct peer p;
	mailstream *stream;

	memset(&acct, 0, sizeof acct);
	acct.name = (char *)"t";
	acct.user = (char *)"bob";
	acct.password = (char *)"s3cret";
	memset(&ep, 0, sizeof ep);
	ep.host = "peer";
	ep.port = 4190;
	peer_start(&p, script, &stream);
	assert_int_equal(sieve_session_attach(stream, &ep, &acct, &s, &err),
	    -1);
	assert_null(s);
	if (strstr(fct_error_msg(&err), want) == NULL)
		fail_msg("error '%s' lacks '%s'", fct_error_msg(&err), want);
	fct_error_release(&err);
	peer_finish(&p);
	assert_false(peer_saw(&p, "AUTHENTICATE"));
	assert_false(peer_saw(&p, "s3cret"));
	strbuf_release(&p.seen);
}

static void
test_no_starttls(void **state)
{
	static const struct step script[] = {
		{ NULL, CAPS_PLAIN "OK \"ready\"\r\n", false },
		{ NULL, NULL, false },
	};

	(void)state;
	attach_fails(script,
	    "ManageSieve server 'peer' port 4190 offers no STARTTLS: "
	    "refusing to continue in plaintext");
}

static void
test_starttls_refused(void **state)
{
	static const struct step script[] = {
		{ NULL, CAPS_PLAIN "\"STARTTLS\"\r\nOK \"ready\"\r\n", false },
		{ "STARTTLS", "NO \"not today\"\r\n", false },
		{ NULL, NULL, false },
	};

	(void)state;
	attach_fails(script,
	    "ManageSieve server 'peer' refused STARTTLS: not today");
}

static void
test_starttls_injection(void **state)
{
	static const struct step script[] = {
		{ NULL, CAPS_PLAIN "\"STARTTLS\"\r\nOK \"ready\"\r\n", false },
		{ "STARTTLS",
		    "OK \"begin TLS\"\r\n\"SASL\" \"PLAIN\"\r\nOK\r\n", false },
		{ NULL, NULL, false },
	};

	(void)state;
	attach_fails(script, "data after the STARTTLS answer");
}

static void
test_greeting_refused(void **state)
{
	static const struct step script[] = {
		{ NULL, "BYE (TRYLATER) {12}\r\ntoo busy now\r\n", false },
		{ NULL, NULL, false },
	};

	(void)state;
	attach_fails(script,
	    "ManageSieve server 'peer' refused the "
	    "connection: (TRYLATER) too busy now");
}

static void
test_garbage(void **state)
{
	static const struct step script[] = {
		{ NULL, "* OK IMAP4rev1 ready\r\n", false },
		{ NULL, NULL, false },
	};

	(void)state;
	attach_fails(script,
	    "ManageSieve server 'peer' sent an unexpected "
	    "line");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_starttls),
		cmocka_unit_test(test_starttls_refused),
		cmocka_unit_test(test_starttls_injection),
		cmocka_unit_test(test_greeting_refused),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
