/*
 * Unit tests of src/imap/auth.c against a scripted peer on a socketpair:
 * AUTHENTICATE PLAIN with SASL-IR and with the continuation, LOGIN where
 * PLAIN is not offered, OAUTHBEARER and XOAUTH2 chosen by capability, the
 * OAuth error challenge acknowledged, one retry with a fresh token from
 * oauth2_token_command (and a clear error when that is refused too), and
 * a trace that never shows a secret. Each case is a table of exchanges
 * that peer_run (tests/unit/net/peer.h) plays and checks.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/imap.h"
#include "peer.h"
#include "private.h"

/* base64("\0alice\0s3cret") */
#define PLAIN_IR "AGFsaWNlAHMzY3JldA=="
/* OAUTHBEARER for alice at peer:0 with tok0 and tok1 */
#define BEARER_TOK0 \
	"bixhPWFsaWNlLAFob3N0PXBlZXIBcG9ydD0wAWF1dGg9QmVhcmVyIHRvazABAQ=="
#define BEARER_TOK1 \
	"bixhPWFsaWNlLAFob3N0PXBlZXIBcG9ydD0wAWF1dGg9QmVhcmVyIHRvazEBAQ=="
/* XOAUTH2 for alice with tok0 */
#define XOAUTH2_TOK0 "dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2swAQE="
/* base64('{"status":"invalid_token"}') */
#define INVALID_TOKEN "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0="

#define GREET(caps)                                              \
	{                                                        \
		NULL, "* OK [CAPABILITY " caps "] hi\r\n", false \
	}
#define CAPA(tag)                                                         \
	{                                                                 \
		tag " CAPABILITY",                                        \
		    "* CAPABILITY IMAP4rev1 IDLE\r\n" tag " OK done\r\n", \
		    false                                                 \
	}
#define END PEER_END

/* The protocol's part of peer_run: attach pretends to be logged in, and
 * these cases log in. */
static void *
attach(mailstream *stream, bool tls, struct fct_error *err)
{
	struct imap_session *s = NULL;

	(void)tls;
	if (imap_session_attach(stream, "peer", &s, err) != 0) {
		assert_null(s);
		return NULL;
	}
	s->imap->imap_state = MAILIMAP_STATE_NON_AUTHENTICATED;
	return s;
}

static int
login(void *s, const struct net_credential *cred, struct fct_error *err)
{
	return imap_session_login(s, cred, err);
}

static int
authenticate(void *s, const struct config_account *acct, struct fct_error *err)
{
	return imap_session_authenticate(s, acct, err);
}

static void
close_session(void *s)
{
	struct imap_session *is = s;

	imap_session_close(&is);
	assert_null(is);
}

static const struct peer_proto imap_proto = {
	.attach = attach,
	.login = login,
	.authenticate = authenticate,
	.close = close_session,
};

static void
has_idle(void *s)
{
	assert_true(imap_session_has_capability(s, "IDLE"));
}

/* Capabilities in the OK (Dovecot's way) are not asked for again. */
static void
caps_from_ok(void *s)
{
	assert_true(imap_session_has_capability(s, "MOVE"));
	assert_false(imap_session_has_capability(s, "AUTH=PLAIN"));
}

static void
not_broken(void *s)
{
	assert_false(imap_session_broken(s));
}

#define ALICE(how, secret)                              \
	{                                               \
		how, "alice", secret, 0, 0, NULL, false \
	}

static const struct step plain_sasl_ir[] = {
	GREET("IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN"),
	{ "1 AUTHENTICATE PLAIN " PLAIN_IR, "1 OK logged in\r\n", false },
	CAPA("2"),
	END,
};
static const struct step capabilities_in_ok[] = {
	GREET("IMAP4rev1 SASL-IR AUTH=PLAIN"),
	{ "1 AUTHENTICATE PLAIN " PLAIN_IR,
	    "1 OK [CAPABILITY IMAP4rev1 IDLE MOVE] Logged in\r\n", false },
	END,
};
static const struct step plain_continuation[] = {
	GREET("IMAP4rev1 AUTH=PLAIN"),
	{ "1 AUTHENTICATE PLAIN", "+ \r\n", false },
	{ PLAIN_IR, "1 OK logged in\r\n", false },
	CAPA("2"),
	END,
};
/* A server asking on after the cancel does not keep the login going. */
static const struct step endless_continuations[] = {
	GREET("IMAP4rev1 AUTH=PLAIN"),
	{ "1 AUTHENTICATE PLAIN", "+ \r\n", false },
	{ PLAIN_IR, "+ \r\n", false },
	{ "*", "+ \r\n", false },
	END,
};
static const struct step login_without_plain[] = {
	GREET("IMAP4rev1 AUTH=CRAM-MD5"),
	{ "1 LOGIN alice s3cret", "1 OK logged in\r\n", false },
	CAPA("2"),
	END,
};
static const struct step plain_refused[] = {
	GREET("IMAP4rev1 SASL-IR AUTH=PLAIN"),
	{ "1 AUTHENTICATE PLAIN ",
	    "1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n", false },
	END,
};
static const struct step oauth_not_offered[] = {
	GREET("IMAP4rev1 SASL-IR AUTH=PLAIN"),
	END,
};
static const struct step xoauth2_when_alone[] = {
	GREET("IMAP4rev1 SASL-IR AUTH=XOAUTH2"),
	{ "1 AUTHENTICATE XOAUTH2 " XOAUTH2_TOK0, "1 OK welcome\r\n", false },
	CAPA("2"),
	END,
};
static const struct step oauthbearer_retry_fresh_token[] = {
	GREET("IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=XOAUTH2 AUTH=OAUTHBEARER"),
	{ "1 AUTHENTICATE OAUTHBEARER " BEARER_TOK0, "+ " INVALID_TOKEN "\r\n",
	    false },
	{ "AQ==", "1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
	    false },
	{ "2 AUTHENTICATE OAUTHBEARER " BEARER_TOK1, "2 OK hello\r\n", false },
	CAPA("3"),
	END,
};
static const struct step oauthbearer_refused_twice[] = {
	GREET("IMAP4rev1 AUTH=OAUTHBEARER"),
	{ "1 AUTHENTICATE OAUTHBEARER", "+ \r\n", false },
	{ BEARER_TOK0, "+ " INVALID_TOKEN "\r\n", false },
	{ "AQ==", "1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
	    false },
	{ "2 AUTHENTICATE OAUTHBEARER", "+ \r\n", false },
	{ BEARER_TOK1, "+ " INVALID_TOKEN "\r\n", false },
	{ "AQ==", "2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
	    false },
	END,
};

static const struct peer_case cases[] = {
	{ .name = "plain_sasl_ir",
	    .script = plain_sasl_ir,
	    .login = { ALICE(PEER_PASSWORD, "s3cret") },
	    .unseen = { "LOGIN alice" },
	    .logged_in = has_idle },
	{ .name = "capabilities_in_ok",
	    .script = capabilities_in_ok,
	    .login = { ALICE(PEER_PASSWORD, "s3cret") },
	    .unseen = { "CAPABILITY" },
	    .logged_in = caps_from_ok },
	{ .name = "plain_continuation",
	    .script = plain_continuation,
	    .login = { ALICE(PEER_PASSWORD, "s3cret") },
	    .saw = { "1 AUTHENTICATE PLAIN\n" PLAIN_IR "\n" } },
	{ .name = "endless_continuations",
	    .script = endless_continuations,
	    .login = { { PEER_PASSWORD, "alice", "s3cret", 0, 0,
		"the server went on with the login after it was cancelled",
		false } } },
	{ .name = "login_without_plain",
	    .script = login_without_plain,
	    .login = { ALICE(PEER_PASSWORD, "s3cret") },
	    .unseen = { "AUTHENTICATE" } },
	{ .name = "plain_refused",
	    .script = plain_refused,
	    .login = { { PEER_PASSWORD, "alice", "bad", 0, 0,
		"login as 'alice' failed: Authentication failed.", true } },
	    .logged_in = not_broken },
	{ .name = "oauth_not_offered",
	    .script = oauth_not_offered,
	    .login = { { PEER_OAUTH2, "alice", "tok0", 0, 0,
		"offers no OAuth2 login", false } },
	    .unseen = { "AUTHENTICATE" } },
	{ .name = "xoauth2_when_alone",
	    .script = xoauth2_when_alone,
	    .login = { ALICE(PEER_OAUTH2, "tok0") } },
	{ .name = "oauthbearer_retry_fresh_token",
	    .script = oauthbearer_retry_fresh_token,
	    .login = { ALICE(PEER_TOKENS, NULL) } },
	{ .name = "oauthbearer_refused_twice",
	    .script = oauthbearer_refused_twice,
	    .login = { { PEER_TOKENS, "alice", NULL, 0, 0,
		"login as 'alice' failed: Authentication failed. "
		"({\"status\":\"invalid_token\"}) (a fresh token from "
		"oauth2_token_command was refused too)",
		true } },
	    .unseen = { "3 AUTHENTICATE" } },
	/* A password refused is not retried: only tokens expire. */
	{ .name = "password_not_retried",
	    .script = plain_refused,
	    .login = { { PEER_ACCOUNT, "alice", "bad", 0, 0, "", false } },
	    .unseen = { "2 AUTHENTICATE" } },
	{ .name = "trace_hides_credentials",
	    .script = plain_continuation,
	    .login = { ALICE(PEER_PASSWORD, "s3cret") },
	    .trace_env = "FACTEUR_IMAP_TRACE",
	    .trace_has = { "C: 1 AUTHENTICATE PLAIN", "C: <credentials hidden>",
		"S: 1 OK logged in" },
	    .trace_lacks = { PLAIN_IR, "s3cret" } },
};

int
main(void)
{
	return peer_run_cases("imap auth", &imap_proto, cases,
	    sizeof cases / sizeof cases[0]);
}
