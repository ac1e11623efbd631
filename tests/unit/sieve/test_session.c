/*
 * Unit tests of src/sieve/session.c against a scripted peer (no server):
 * the session never sends credentials unless STARTTLS succeeded. A server
 * that offers no STARTTLS, one that refuses it, and one that sends bytes
 * after its STARTTLS answer (a plaintext injection) are all refused before
 * AUTHENTICATE; a refused greeting says the server's words. Logging in
 * (sieve_session_login, on a session past its greeting): SASL PLAIN for a
 * password; OAUTHBEARER for a token, whose refusal (an error challenge,
 * acknowledged, then NO) makes net_login ask the token command for a
 * fresh one, on the same session; XOAUTH2 when it is all the server has;
 * no mechanism for the credential, said before anything is sent. The
 * whole session over TLS, with a real Pigeonhole, is
 * tests/integration/sieve.sh.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* OAUTHBEARER for alice at peer:4190 with tok0 and tok1; XOAUTH2, tok0. */
#define BEARER_TOK0 \
	"bixhPWFsaWNlLAFob3N0PXBlZXIBcG9ydD00MTkwAWF1dGg9QmVhcmVyIHRvazABAQ=="
#define BEARER_TOK1 \
	"bixhPWFsaWNlLAFob3N0PXBlZXIBcG9ydD00MTkwAWF1dGg9QmVhcmVyIHRvazEBAQ=="
#define XOAUTH2_TOK0 "dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2swAQE="
/* {"status":"invalid_token"} */
#define INVALID_TOKEN "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0="
#define GREET(sasl)                                                      \
	{                                                                \
		NULL, "\"SASL\" \"" sasl "\"\r\nOK \"ready\"\r\n", false \
	}

/*
 * An account whose token command hands out tok0, tok1, ... one per run
 * (a counter in a temporary file), as a refreshing helper would; or,
 * without tokens, bob with a password.
 */
struct account {
	struct config_account acct;
	char counter[64];
};

static void
account_init(struct account *a, bool tokens)
{
	int fd;

	memset(a, 0, sizeof *a);
	a->acct.name = (char *)"t";
	if (!tokens) {
		a->acct.user = (char *)"bob";
		a->acct.password = (char *)"s3cret";
		return;
	}
	strcpy(a->counter, "/tmp/fct-sieve-test.XXXXXX");
	assert_true((fd = mkstemp(a->counter)) >= 0);
	close(fd);
	a->acct.email = (char *)"alice";
	a->acct.oauth2_token_command =
	    xasprintf("n=$(cat %s); n=${n:-0}; echo $((n + 1)) >%s; echo tok$n",
		a->counter, a->counter);
}

static void
account_release(struct account *a)
{
	if (a->acct.oauth2_token_command == NULL)
		return;
	unlink(a->counter);
	free(a->acct.oauth2_token_command);
}

/* Greets, logs in with a's credential; returns sieve_session_login's. */
static int
login_with(const struct step *script, struct account *a, struct peer *p,
    struct fct_error *err)
{
	struct net_endpoint ep;
	struct sieve_session *s = NULL;
	mailstream *stream;
	int rc;

	memset(&ep, 0, sizeof ep);
	ep.host = "peer";
	ep.port = 4190;
	peer_start(p, script, &stream);
	if (sieve_session_greet(stream, &ep, &s, err) != 0)
		fail_msg("greet: %s", fct_error_msg(err));
	rc = sieve_session_login(s, &a->acct, err);
	sieve_session_close(&s);
	peer_finish(p);
	return rc;
}

static void
test_login_plain(void **state)
{
	static const struct step script[] = {
		GREET("PLAIN OAUTHBEARER"),
		{ "AUTHENTICATE \"PLAIN\" \"AGJvYgBzM2NyZXQ=\"", "OK\r\n",
		    false },
		{ "LOGOUT", "OK\r\n", false },
		{ NULL, NULL, false },
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct account a;
	struct peer p;

	(void)state;
	account_init(&a, false);
	if (login_with(script, &a, &p, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	strbuf_release(&p.seen);
}

static void
test_oauthbearer_retry_fresh_token(void **state)
{
	static const struct step script[] = {
		GREET("PLAIN XOAUTH2 OAUTHBEARER"),
		{ "AUTHENTICATE \"OAUTHBEARER\" \"" BEARER_TOK0 "\"",
		    "\"" INVALID_TOKEN "\"\r\n", false },
		{ "\"AQ==\"", "NO \"Authentication failed.\"\r\n", false },
		{ "AUTHENTICATE \"OAUTHBEARER\" \"" BEARER_TOK1 "\"",
		    "OK \"Logged in.\"\r\n", false },
		{ "LOGOUT", "OK\r\n", false },
		{ NULL, NULL, false },
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct account a;
	struct peer p;

	(void)state;
	account_init(&a, true);
	if (login_with(script, &a, &p, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	account_release(&a);
	strbuf_release(&p.seen);
}

static void
test_oauthbearer_refused_twice(void **state)
{
	static const struct step script[] = {
		GREET("OAUTHBEARER"),
		{ "AUTHENTICATE \"OAUTHBEARER\" \"" BEARER_TOK0 "\"",
		    "{"
		    "36"
		    "}\r\n" INVALID_TOKEN "\r\n",
		    false },
		{ "\"AQ==\"", "NO \"Authentication failed.\"\r\n", false },
		{ "AUTHENTICATE \"OAUTHBEARER\" \"" BEARER_TOK1 "\"",
		    "\"" INVALID_TOKEN "\"\r\n", false },
		{ "\"AQ==\"", "NO \"Authentication failed.\"\r\n", false },
		{ "LOGOUT", "OK\r\n", false },
		{ NULL, NULL, false },
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct account a;
	struct peer p;

	(void)state;
	account_init(&a, true);
	assert_int_equal(login_with(script, &a, &p, &err), -1);
	assert_string_equal(fct_error_msg(&err),
	    "ManageSieve server 'peer' refused the login as 'alice': "
	    "Authentication failed. ({\"status\":\"invalid_token\"}) (a "
	    "fresh token from oauth2_token_command was refused too)");
	fct_error_release(&err);
	assert_false(peer_saw(&p, "tok2"));
	account_release(&a);
	strbuf_release(&p.seen);
}

static void
test_xoauth2_when_alone(void **state)
{
	static const struct step script[] = {
		GREET("PLAIN XOAUTH2"),
		{ "AUTHENTICATE \"XOAUTH2\" \"" XOAUTH2_TOK0 "\"", "OK\r\n",
		    false },
		{ "LOGOUT", "OK\r\n", false },
		{ NULL, NULL, false },
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct account a;
	struct peer p;

	(void)state;
	account_init(&a, true);
	if (login_with(script, &a, &p, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	account_release(&a);
	strbuf_release(&p.seen);
}

static void
test_no_mechanism(void **state)
{
	static const struct step script[] = {
		GREET("PLAIN"),
		{ "LOGOUT", "OK\r\n", false },
		{ NULL, NULL, false },
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct account a;
	struct peer p;

	(void)state;
	account_init(&a, true);
	assert_int_equal(login_with(script, &a, &p, &err), -1);
	assert_string_equal(fct_error_msg(&err),
	    "ManageSieve server 'peer' offers no SASL OAUTHBEARER or "
	    "XOAUTH2 for an OAuth2 token");
	fct_error_release(&err);
	assert_false(peer_saw(&p, "AUTHENTICATE"));
	account_release(&a);
	strbuf_release(&p.seen);
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
		cmocka_unit_test(test_login_plain),
		cmocka_unit_test(test_oauthbearer_retry_fresh_token),
		cmocka_unit_test(test_oauthbearer_refused_twice),
		cmocka_unit_test(test_xoauth2_when_alone),
		cmocka_unit_test(test_no_mechanism),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
