/*
 * Unit tests of src/imap/auth.c against a scripted peer on a socketpair:
 * AUTHENTICATE PLAIN with SASL-IR and with the continuation, LOGIN where
 * PLAIN is not offered, OAUTHBEARER and XOAUTH2 chosen by capability, the
 * OAuth error challenge acknowledged, one retry with a fresh token from
 * oauth2_token_command (and a clear error when that is refused too), and
 * a trace that never shows a secret.
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
#define END                       \
	{                         \
		NULL, NULL, false \
	}

static struct imap_session *
attach(struct peer *p, const struct step *script)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_session *s = NULL;
	mailstream *stream;

	peer_start(p, script, &stream);
	if (imap_session_attach(stream, "peer", &s, &err) != 0)
		fail_msg("attach: %s", fct_error_msg(&err));
	/* attach pretends to be logged in; these tests log in. */
	s->imap->imap_state = MAILIMAP_STATE_NON_AUTHENTICATED;
	return s;
}

static struct net_credential
cred_of(enum net_cred_kind kind, const char *user, const char *secret)
{
	struct net_credential c = { kind, (char *)user, (char *)secret };

	return c;
}

static void
done(struct peer *p, struct imap_session **s)
{
	imap_session_close(s);
	peer_finish(p);
}

static void
test_plain_sasl_ir(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN"),
		{ "1 AUTHENTICATE PLAIN " PLAIN_IR, "1 OK logged in\r\n",
		    false },
		CAPA("2"),
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential c = cred_of(NET_CRED_PASSWORD, "alice", "s3cret");
	struct peer p;
	struct imap_session *s = attach(&p, script);

	(void)state;
	if (imap_session_login(s, &c, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	assert_true(imap_session_has_capability(s, "IDLE"));
	done(&p, &s);
	assert_false(peer_saw(&p, "LOGIN alice"));
	strbuf_release(&p.seen);
}

/* Capabilities in the OK (Dovecot's way) are not asked for again. */
static void
test_capabilities_in_ok(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 SASL-IR AUTH=PLAIN"),
		{ "1 AUTHENTICATE PLAIN " PLAIN_IR,
		    "1 OK [CAPABILITY IMAP4rev1 IDLE MOVE] Logged in\r\n",
		    false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential c = cred_of(NET_CRED_PASSWORD, "alice", "s3cret");
	struct peer p;
	struct imap_session *s = attach(&p, script);

	(void)state;
	if (imap_session_login(s, &c, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	assert_true(imap_session_has_capability(s, "MOVE"));
	assert_false(imap_session_has_capability(s, "AUTH=PLAIN"));
	done(&p, &s);
	assert_false(peer_saw(&p, "CAPABILITY"));
	strbuf_release(&p.seen);
}

static void
test_plain_continuation(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 AUTH=PLAIN"),
		{ "1 AUTHENTICATE PLAIN", "+ \r\n", false },
		{ PLAIN_IR, "1 OK logged in\r\n", false },
		CAPA("2"),
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential c = cred_of(NET_CRED_PASSWORD, "alice", "s3cret");
	struct peer p;
	struct imap_session *s = attach(&p, script);

	(void)state;
	if (imap_session_login(s, &c, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	done(&p, &s);
	assert_true(peer_saw(&p, "1 AUTHENTICATE PLAIN\n" PLAIN_IR "\n"));
	strbuf_release(&p.seen);
}

static void
test_login_without_plain(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 AUTH=CRAM-MD5"),
		{ "1 LOGIN alice s3cret", "1 OK logged in\r\n", false },
		CAPA("2"),
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential c = cred_of(NET_CRED_PASSWORD, "alice", "s3cret");
	struct peer p;
	struct imap_session *s = attach(&p, script);

	(void)state;
	if (imap_session_login(s, &c, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	done(&p, &s);
	assert_false(peer_saw(&p, "AUTHENTICATE"));
	strbuf_release(&p.seen);
}

static void
test_plain_refused(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 SASL-IR AUTH=PLAIN"),
		{ "1 AUTHENTICATE PLAIN ",
		    "1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
		    false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential c = cred_of(NET_CRED_PASSWORD, "alice", "bad");
	struct peer p;
	struct imap_session *s = attach(&p, script);

	(void)state;
	assert_int_equal(imap_session_login(s, &c, &err), -1);
	assert_string_equal(fct_error_msg(&err),
	    "login as 'alice' failed: Authentication failed.");
	assert_false(imap_session_broken(s));
	fct_error_release(&err);
	done(&p, &s);
	strbuf_release(&p.seen);
}

static void
test_oauth_not_offered(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 SASL-IR AUTH=PLAIN"),
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential c = cred_of(NET_CRED_OAUTH2, "alice", "tok0");
	struct peer p;
	struct imap_session *s = attach(&p, script);

	(void)state;
	assert_int_equal(imap_session_login(s, &c, &err), -1);
	assert_non_null(strstr(fct_error_msg(&err), "offers no OAuth2 login"));
	fct_error_release(&err);
	done(&p, &s);
	assert_false(peer_saw(&p, "AUTHENTICATE"));
	strbuf_release(&p.seen);
}

static void
test_xoauth2_when_alone(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 SASL-IR AUTH=XOAUTH2"),
		{ "1 AUTHENTICATE XOAUTH2 " XOAUTH2_TOK0, "1 OK welcome\r\n",
		    false },
		CAPA("2"),
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential c = cred_of(NET_CRED_OAUTH2, "alice", "tok0");
	struct peer p;
	struct imap_session *s = attach(&p, script);

	(void)state;
	if (imap_session_login(s, &c, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	done(&p, &s);
	strbuf_release(&p.seen);
}

/*
 * An account whose token command hands out tok0, tok1, ... one per run
 * (a counter in a temporary file), as a refreshing helper would.
 */
struct token_account {
	struct config_account acct;
	char counter[64];
};

static void
token_account_init(struct token_account *t)
{
	int fd;

	memset(t, 0, sizeof *t);
	strcpy(t->counter, "/tmp/fct-auth-test.XXXXXX");
	assert_true((fd = mkstemp(t->counter)) >= 0);
	close(fd);
	t->acct.name = (char *)"t";
	t->acct.email = (char *)"alice";
	t->acct.oauth2_token_command =
	    xasprintf("n=$(cat %s); n=${n:-0}; echo $((n + 1)) >%s; echo tok$n",
		t->counter, t->counter);
}

static void
token_account_release(struct token_account *t)
{
	unlink(t->counter);
	free(t->acct.oauth2_token_command);
}

static void
test_oauthbearer_retry_fresh_token(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=XOAUTH2 "
		      "AUTH=OAUTHBEARER"),
		{ "1 AUTHENTICATE OAUTHBEARER " BEARER_TOK0,
		    "+ " INVALID_TOKEN "\r\n", false },
		{ "AQ==",
		    "1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
		    false },
		{ "2 AUTHENTICATE OAUTHBEARER " BEARER_TOK1, "2 OK hello\r\n",
		    false },
		CAPA("3"),
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct token_account t;
	struct peer p;
	struct imap_session *s;

	(void)state;
	token_account_init(&t);
	s = attach(&p, script);
	if (imap_session_authenticate(s, &t.acct, &err) != 0)
		fail_msg("authenticate: %s", fct_error_msg(&err));
	done(&p, &s);
	token_account_release(&t);
	strbuf_release(&p.seen);
}

static void
test_oauthbearer_refused_twice(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 AUTH=OAUTHBEARER"),
		{ "1 AUTHENTICATE OAUTHBEARER", "+ \r\n", false },
		{ BEARER_TOK0, "+ " INVALID_TOKEN "\r\n", false },
		{ "AQ==",
		    "1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
		    false },
		{ "2 AUTHENTICATE OAUTHBEARER", "+ \r\n", false },
		{ BEARER_TOK1, "+ " INVALID_TOKEN "\r\n", false },
		{ "AQ==",
		    "2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
		    false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct token_account t;
	struct peer p;
	struct imap_session *s;

	(void)state;
	token_account_init(&t);
	s = attach(&p, script);
	assert_int_equal(imap_session_authenticate(s, &t.acct, &err), -1);
	assert_string_equal(fct_error_msg(&err),
	    "login as 'alice' failed: Authentication failed. "
	    "({\"status\":\"invalid_token\"}) (a fresh token from "
	    "oauth2_token_command was refused too)");
	fct_error_release(&err);
	done(&p, &s);
	assert_false(peer_saw(&p, "3 AUTHENTICATE"));
	token_account_release(&t);
	strbuf_release(&p.seen);
}

/* A password refused is not retried: only tokens expire. */
static void
test_password_not_retried(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 SASL-IR AUTH=PLAIN"),
		{ "1 AUTHENTICATE PLAIN ",
		    "1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
		    false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct config_account acct = { 0 };
	struct peer p;
	struct imap_session *s = attach(&p, script);

	(void)state;
	acct.name = (char *)"t";
	acct.email = (char *)"alice";
	acct.password = (char *)"bad";
	assert_int_equal(imap_session_authenticate(s, &acct, &err), -1);
	fct_error_release(&err);
	done(&p, &s);
	assert_false(peer_saw(&p, "2 AUTHENTICATE"));
	strbuf_release(&p.seen);
}

static char *
slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *fp = fopen(path, "r");
	char buf[4096];
	size_t n;

	assert_non_null(fp);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	return strbuf_detach(&sb, NULL);
}

static void
test_trace_hides_credentials(void **state)
{
	static const struct step script[] = {
		GREET("IMAP4rev1 AUTH=PLAIN"),
		{ "1 AUTHENTICATE PLAIN", "+ \r\n", false },
		{ PLAIN_IR, "1 OK logged in\r\n", false },
		CAPA("2"),
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential c = cred_of(NET_CRED_PASSWORD, "alice", "s3cret");
	char path[] = "/tmp/fct-imap-trace.XXXXXX", *text;
	struct peer p;
	struct imap_session *s;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	setenv("FACTEUR_IMAP_TRACE", path, 1);
	s = attach(&p, script);
	unsetenv("FACTEUR_IMAP_TRACE");
	if (imap_session_login(s, &c, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	done(&p, &s);
	text = slurp(path);
	unlink(path);
	assert_non_null(strstr(text, "C: 1 AUTHENTICATE PLAIN"));
	assert_non_null(strstr(text, "C: <credentials hidden>"));
	assert_non_null(strstr(text, "S: 1 OK logged in"));
	assert_null(strstr(text, PLAIN_IR));
	assert_null(strstr(text, "s3cret"));
	free(text);
	strbuf_release(&p.seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_sasl_ir),
		cmocka_unit_test(test_capabilities_in_ok),
		cmocka_unit_test(test_plain_continuation),
		cmocka_unit_test(test_login_without_plain),
		cmocka_unit_test(test_plain_refused),
		cmocka_unit_test(test_oauth_not_offered),
		cmocka_unit_test(test_xoauth2_when_alone),
		cmocka_unit_test(test_oauthbearer_retry_fresh_token),
		cmocka_unit_test(test_oauthbearer_refused_twice),
		cmocka_unit_test(test_password_not_retried),
		cmocka_unit_test(test_trace_hides_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
