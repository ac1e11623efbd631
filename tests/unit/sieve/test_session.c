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
 * tests/integration/sieve.sh. Each case is a table of exchanges that
 * peer_run (tests/unit/net/peer.h) plays and checks.
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
#define LOGOUT                            \
	{                                 \
		"LOGOUT", "OK\r\n", false \
	}
#define END PEER_END

/*
 * The protocol's part of peer_run. With tls, only the greeting is read
 * (sieve_session_greet: a socketpair cannot do TLS) and the case logs in
 * itself; without, the whole sieve_session_attach runs, STARTTLS and the
 * login as bob with a password included.
 */
static void *
attach(mailstream *stream, bool tls, struct fct_error *err)
{
	struct config_account acct;
	struct net_endpoint ep;
	struct sieve_session *s = (struct sieve_session *)&s;
	int rc;

	memset(&ep, 0, sizeof ep);
	ep.host = "peer";
	ep.port = 4190;
	memset(&acct, 0, sizeof acct);
	acct.name = (char *)"t";
	acct.user = (char *)"bob";
	acct.password = (char *)"s3cret";
	if (tls)
		rc = sieve_session_greet(stream, &ep, &s, err);
	else
		rc = sieve_session_attach(stream, &ep, &acct, &s, err);
	if (rc != 0) {
		assert_null(s);
		return NULL;
	}
	return s;
}

static int
authenticate(void *s, const struct config_account *acct, struct fct_error *err)
{
	return sieve_session_login(s, acct, err);
}

static void
close_session(void *s)
{
	struct sieve_session *ss = s;

	sieve_session_close(&ss);
	assert_null(ss);
}

static const struct peer_proto sieve_proto = {
	.attach = attach,
	.authenticate = authenticate,
	.close = close_session,
};

static const struct step no_starttls[] = {
	{ NULL, CAPS_PLAIN "OK \"ready\"\r\n", false },
	END,
};
static const struct step starttls_refused[] = {
	{ NULL, CAPS_PLAIN "\"STARTTLS\"\r\nOK \"ready\"\r\n", false },
	{ "STARTTLS", "NO \"not today\"\r\n", false },
	END,
};
static const struct step starttls_injection[] = {
	{ NULL, CAPS_PLAIN "\"STARTTLS\"\r\nOK \"ready\"\r\n", false },
	{ "STARTTLS", "OK \"begin TLS\"\r\n\"SASL\" \"PLAIN\"\r\nOK\r\n",
	    false },
	END,
};
static const struct step greeting_refused[] = {
	{ NULL, "BYE (TRYLATER) {12}\r\ntoo busy now\r\n", false },
	END,
};
static const struct step garbage[] = {
	{ NULL, "* OK IMAP4rev1 ready\r\n", false },
	END,
};
static const struct step login_plain[] = {
	GREET("PLAIN OAUTHBEARER"),
	{ "AUTHENTICATE \"PLAIN\" \"AGJvYgBzM2NyZXQ=\"", "OK\r\n", false },
	LOGOUT,
	END,
};
static const struct step oauthbearer_retry_fresh_token[] = {
	GREET("PLAIN XOAUTH2 OAUTHBEARER"),
	{ "AUTHENTICATE \"OAUTHBEARER\" \"" BEARER_TOK0 "\"",
	    "\"" INVALID_TOKEN "\"\r\n", false },
	{ "\"AQ==\"", "NO \"Authentication failed.\"\r\n", false },
	{ "AUTHENTICATE \"OAUTHBEARER\" \"" BEARER_TOK1 "\"",
	    "OK \"Logged in.\"\r\n", false },
	LOGOUT,
	END,
};
static const struct step oauthbearer_refused_twice[] = {
	GREET("OAUTHBEARER"),
	{ "AUTHENTICATE \"OAUTHBEARER\" \"" BEARER_TOK0 "\"",
	    "{36}\r\n" INVALID_TOKEN "\r\n", false },
	{ "\"AQ==\"", "NO \"Authentication failed.\"\r\n", false },
	{ "AUTHENTICATE \"OAUTHBEARER\" \"" BEARER_TOK1 "\"",
	    "\"" INVALID_TOKEN "\"\r\n", false },
	{ "\"AQ==\"", "NO \"Authentication failed.\"\r\n", false },
	LOGOUT,
	END,
};
static const struct step xoauth2_when_alone[] = {
	GREET("PLAIN XOAUTH2"),
	{ "AUTHENTICATE \"XOAUTH2\" \"" XOAUTH2_TOK0 "\"", "OK\r\n", false },
	LOGOUT,
	END,
};
static const struct step no_mechanism[] = {
	GREET("PLAIN"),
	LOGOUT,
	END,
};

/* Refused before AUTHENTICATE: the secret never goes out. */
#define REFUSED(n, s, why)                                               \
	{                                                                \
		.name = n, .script = s, .attach_error = why, .unseen = { \
			"AUTHENTICATE",                                  \
			"s3cret"                                         \
		}                                                        \
	}
#define TOKENS(error)                                         \
	{                                                     \
		PEER_TOKENS, "alice", NULL, 0, 0, error, true \
	}

static const struct peer_case cases[] = {
	REFUSED("no_starttls", no_starttls,
	    "ManageSieve server 'peer' port 4190 offers no STARTTLS: "
	    "refusing to continue in plaintext"),
	REFUSED("starttls_refused", starttls_refused,
	    "ManageSieve server 'peer' refused STARTTLS: not today"),
	REFUSED("starttls_injection", starttls_injection,
	    "data after the STARTTLS answer"),
	REFUSED("greeting_refused", greeting_refused,
	    "ManageSieve server 'peer' refused the connection: (TRYLATER) "
	    "too busy now"),
	REFUSED("garbage", garbage,
	    "ManageSieve server 'peer' sent an unexpected line"),
	{ .name = "login_plain",
	    .script = login_plain,
	    .tls = true,
	    .login = { { PEER_ACCOUNT, "bob", "s3cret", 0, 0, NULL, false } } },
	{ .name = "oauthbearer_retry_fresh_token",
	    .script = oauthbearer_retry_fresh_token,
	    .tls = true,
	    .login = { TOKENS(NULL) } },
	{ .name = "oauthbearer_refused_twice",
	    .script = oauthbearer_refused_twice,
	    .tls = true,
	    .login = { TOKENS("ManageSieve server 'peer' refused the login as "
			      "'alice': Authentication failed. "
			      "({\"status\":\"invalid_token\"}) (a fresh "
			      "token from oauth2_token_command was refused "
			      "too)") },
	    .unseen = { "tok2" } },
	{ .name = "xoauth2_when_alone",
	    .script = xoauth2_when_alone,
	    .tls = true,
	    .login = { TOKENS(NULL) } },
	{ .name = "no_mechanism",
	    .script = no_mechanism,
	    .tls = true,
	    .login = { TOKENS("ManageSieve server 'peer' offers no SASL "
			      "OAUTHBEARER or XOAUTH2 for an OAuth2 token") },
	    .unseen = { "AUTHENTICATE" } },
};

int
main(void)
{
	return peer_run_cases("sieve session", &sieve_proto, cases,
	    sizeof cases / sizeof cases[0]);
}
