/*
 * Unit tests of src/smtp: the EHLO reply parser (including the tab that
 * hangs libetpan's own), the EHLO name, and whole sessions against a
 * scripted peer on a socketpair: AUTH PLAIN, LOGIN and XOAUTH2, the
 * server's words in errors, credentials refused before they are sent,
 * STARTTLS required (not offered, refused, answered with injected bytes),
 * and a trace that never shows a secret. The session cases are tables of
 * exchanges that peer_run (tests/unit/net/peer.h) plays and checks.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/smtp.h"
#include "peer.h"
#include "private.h"

#define GREETING                                        \
	{                                               \
		NULL, "220 peer ESMTP ready\r\n", false \
	}
#define EHLO_WITH(lines)                         \
	{                                        \
		"EHLO [127.0.0.1]", lines, false \
	}
#define END PEER_END

/* ---- the EHLO reply ---------------------------------------------------- */

static void
test_ehlo_parse(void **state)
{
	struct smtp_ehlo e = SMTP_EHLO_INIT;

	(void)state;
	smtp_ehlo_parse(&e,
	    "mail.example.test greets you\n"
	    "PIPELINING\n"
	    "size 35882577\n"
	    "AUTH LOGIN plain XOAUTH2 login\n"
	    "AUTH=CRAM-MD5 PLAIN\n"
	    "8BITMIME\n"
	    "ENHANCEDSTATUSCODES\n"
	    "SMTPUTF8\n"
	    "X-UNKNOWN whatever\n"
	    "CHUNKING\n");
	assert_int_equal(e.ext,
	    SMTP_EXT_PIPELINING | SMTP_EXT_SIZE | SMTP_EXT_AUTH |
		SMTP_EXT_8BITMIME | SMTP_EXT_ENHANCEDSTATUSCODES |
		SMTP_EXT_SMTPUTF8 | SMTP_EXT_CHUNKING);
	assert_true(e.size == 35882577);
	assert_string_equal(e.auth, "LOGIN PLAIN XOAUTH2 CRAM-MD5");
	assert_true(smtp_mechanism_listed(e.auth, "xoauth2", 7));
	assert_false(smtp_mechanism_listed(e.auth, "XOAUTH", 6));
	assert_false(smtp_mechanism_listed(e.auth, "GSSAPI", 6));

	/* The first line is the server's name: never a keyword. */
	smtp_ehlo_parse(&e, "STARTTLS\nDSN\n");
	assert_int_equal(e.ext, SMTP_EXT_DSN);
	assert_string_equal(e.auth, "");

	/* Keywords are whole words; SIZE without (or with a silly)
	 * argument is offered but has no limit. */
	smtp_ehlo_parse(&e, "x\nSTARTTLSX\nSIZE\n8BITMIMEX\nDSN=1\n");
	assert_int_equal(e.ext, SMTP_EXT_SIZE);
	assert_true(e.size == 0);
	smtp_ehlo_parse(&e, "x\nSIZE 99999999999999999999999\n");
	assert_true(e.size == 0);
	smtp_ehlo_parse(&e, "x\nSIZE 12k\nSTARTTLS");
	assert_true(e.size == 0);
	assert_int_equal(e.ext, SMTP_EXT_SIZE | SMTP_EXT_STARTTLS);

	/* Mechanism names that are not RFC 4422 names are dropped. */
	smtp_ehlo_parse(&e,
	    "x\nAUTH PLAIN <script> A-VERY-LONG-MECHANISM-NAME ok_1\n");
	assert_string_equal(e.auth, "PLAIN OK_1");

	smtp_ehlo_parse(&e, "");
	assert_int_equal(e.ext, 0);
	assert_string_equal(e.auth, "");
	smtp_ehlo_release(&e);
	assert_null(e.auth);
}

/* libetpan 1.9.4's parser loops for ever on this line. */
static void
test_ehlo_parse_tab(void **state)
{
	struct smtp_ehlo e = SMTP_EHLO_INIT;

	(void)state;
	smtp_ehlo_parse(&e, "x\nAUTH PLAIN\tLOGIN\r\n\tSTARTTLS\n");
	assert_string_equal(e.auth, "PLAIN LOGIN");
	assert_int_equal(e.ext, SMTP_EXT_AUTH | SMTP_EXT_STARTTLS);
	smtp_ehlo_release(&e);
}

/* A TCP connection on the loopback of family af: the client's end in
 * *client (the listener and server end are closed). -1 if unavailable. */
static int
loopback_pair(int af, int *client)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int l, c, s;

	memset(&ss, 0, sizeof ss);
	if (af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof *sin6;
	}
	if ((l = socket(af, SOCK_STREAM, 0)) < 0)
		return -1;
	if (bind(l, (struct sockaddr *)&ss, len) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&ss, &len) != 0 ||
	    (c = socket(af, SOCK_STREAM, 0)) < 0) {
		close(l);
		return -1;
	}
	if (connect(c, (struct sockaddr *)&ss, len) != 0 ||
	    (s = accept(l, NULL, NULL)) < 0) {
		close(c);
		close(l);
		return -1;
	}
	close(s);
	close(l);
	*client = c;
	return 0;
}

static void
test_ehlo_name(void **state)
{
	char *name;
	int fd, fds[2];

	(void)state;
	/* The local address of the connection, never the host name. */
	assert_int_equal(loopback_pair(AF_INET, &fd), 0);
	name = smtp_ehlo_name_for_fd(fd);
	assert_string_equal(name, "[127.0.0.1]");
	free(name);
	close(fd);
	if (loopback_pair(AF_INET6, &fd) == 0) {
		name = smtp_ehlo_name_for_fd(fd);
		assert_string_equal(name, "[IPv6:::1]");
		free(name);
		close(fd);
	}
	/* No IP address at all: still an address literal. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	name = smtp_ehlo_name_for_fd(fds[0]);
	assert_string_equal(name, "[127.0.0.1]");
	free(name);
	close(fds[0]);
	close(fds[1]);
	name = smtp_ehlo_name_for_fd(-1);
	assert_string_equal(name, "[127.0.0.1]");
	free(name);
}

/* ---- greeting, EHLO, STARTTLS and logging in: a table of cases -------- */

static void *
attach(mailstream *stream, bool tls, struct fct_error *err)
{
	struct smtp_session *s = NULL;

	if (smtp_session_attach(stream, "peer", tls, &s, err) != 0) {
		assert_null(s);
		return NULL;
	}
	return s;
}

static int
login(void *s, const struct net_credential *cred, struct fct_error *err)
{
	return smtp_session_login(s, cred, err);
}

static int
authenticate(void *s, const struct config_account *acct, struct fct_error *err)
{
	return smtp_session_authenticate(s, acct, err);
}

static void
close_session(void *s)
{
	struct smtp_session *ss = s;

	smtp_session_close(&ss);
	assert_null(ss);
}

static const struct peer_proto smtp_proto = {
	.attach = attach,
	.login = login,
	.authenticate = authenticate,
	.close = close_session,
};

/* What the EHLO of login_plain announced. */
static void
ehlo_announced(void *arg)
{
	struct smtp_session *s = arg;

	assert_string_equal(smtp_session_auth_mechanisms(s),
	    "LOGIN PLAIN XOAUTH2");
	assert_true(smtp_session_offers_auth(s, "plain"));
	assert_false(smtp_session_offers_auth(s, "CRAM-MD5"));
	assert_true(smtp_session_size_limit(s) == 1000);
	assert_int_equal(smtp_session_extensions(s),
	    SMTP_EXT_SIZE | SMTP_EXT_AUTH);
	assert_string_equal(smtp_session_ehlo_name(s), "[127.0.0.1]");
}

#define ALICE(how, secret)                              \
	{                                               \
		how, "alice", secret, 0, 0, NULL, false \
	}
#define FAILS(how, user, secret, error)               \
	{                                             \
		how, user, secret, 0, 0, error, false \
	}

static const struct step login_plain[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250-SIZE 1000\r\n"
		  "250 AUTH LOGIN PLAIN XOAUTH2\r\n"),
	{ "AUTH PLAIN AGFsaWNlAHMzY3JldA==", "235 2.7.0 ok\r\n", false },
	/* mailsmtp_quit does not wait for the 221. */
	{ "QUIT", NULL, false },
	END,
};
static const struct step login_login[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 AUTH LOGIN\r\n"),
	{ "AUTH LOGIN", "334 VXNlcm5hbWU6\r\n", false },
	{ "YWxpY2U=", "334 UGFzc3dvcmQ6\r\n", false },
	{ "czNjcmV0", "235 2.7.0 ok\r\n", false },
	END,
};
static const struct step login_refused[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 AUTH PLAIN\r\n"),
	{ "AUTH PLAIN ",
	    "535-5.7.8 Username and Password not accepted\r\n"
	    "535 5.7.8 see \x1b[31mhttps://example.test\r\n",
	    false },
	END,
};
static const struct step no_password_mechanism[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 AUTH CRAM-MD5 DIGEST-MD5\r\n"),
	END,
};
static const struct step no_auth[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 8BITMIME\r\n"),
	END,
};
static const struct step plain_login_offered[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 AUTH PLAIN LOGIN\r\n"),
	END,
};
static const struct step xoauth2[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 AUTH PLAIN XOAUTH2\r\n"),
	{ "AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2szbgEB",
	    "235 2.7.0 ok\r\n", false },
	END,
};
static const struct step xoauth2_refused[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 AUTH XOAUTH2\r\n"),
	{ "AUTH XOAUTH2 ", "334 eyJzdGF0dXMiOiI0MDEifQ==\r\n", false },
	{ "", "535 5.7.8 token expired\r\n", false },
	END,
};
static const struct step oauthbearer_fresh_token[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 AUTH PLAIN XOAUTH2 OAUTHBEARER\r\n"),
	{ "AUTH OAUTHBEARER "
	  "bixhPWFsaWNlLAFob3N0PXBlZXIBcG9ydD0wAWF1dGg9QmVhcmVyIHRvazABAQ==",
	    "334 eyJzdGF0dXMiOiI0MDEifQ==\r\n", false },
	{ "AQ==", "535 5.7.8 token expired\r\n", false },
	{ "AUTH OAUTHBEARER "
	  "bixhPWFsaWNlLAFob3N0PXBlZXIBcG9ydD0wAWF1dGg9QmVhcmVyIHRvazEBAQ==",
	    "235 2.7.0 ok\r\n", false },
	END,
};
/* The peer hangs up in the middle: the session is lost, not stuck. */
static const struct step connection_lost[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 AUTH PLAIN\r\n"),
	{ "AUTH PLAIN", NULL, true },
};
static const struct step greeting_refused[] = {
	{ NULL, "554 5.3.2 not now\r\n", false },
	END,
};
static const struct step ehlo_refused[] = {
	GREETING,
	EHLO_WITH("502 5.5.2 say HELO\r\n"),
	END,
};
static const struct step starttls_refused[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 STARTTLS\r\n"),
	{ "STARTTLS", "454 4.7.0 TLS not available\r\n", false },
	END,
};
/* Bytes after the 220 (CVE-2020-15953) end the session before any TLS. */
static const struct step starttls_injection[] = {
	GREETING,
	EHLO_WITH("250-peer\r\n250 STARTTLS\r\n"),
	{ "STARTTLS", "220 go ahead\r\n250 AUTH PLAIN\r\n", false },
	END,
};

static const struct peer_case cases[] = {
	{ .name = "login_plain",
	    .script = login_plain,
	    .tls = true,
	    .login = { ALICE(PEER_PASSWORD, "s3cret") },
	    .saw = { "QUIT\n" },
	    .attached = ehlo_announced },
	{ .name = "login_login",
	    .script = login_login,
	    .tls = true,
	    .login = { ALICE(PEER_PASSWORD, "s3cret") } },
	/* The server's reply, all its lines, controls defused, in the error. */
	{ .name = "login_refused",
	    .script = login_refused,
	    .tls = true,
	    .login = { FAILS(PEER_PASSWORD, "alice", "s3cret",
		"login as 'alice' failed: 535 5.7.8 Username and Password "
		"not accepted 5.7.8 see ?[31mhttps://example.test") } },
	/* Only mechanisms facteur will not use: nothing is sent. */
	{ .name = "login_no_password_mechanism",
	    .script = no_password_mechanism,
	    .tls = true,
	    .login = { FAILS(PEER_PASSWORD, "alice", "s3cret",
		"offers no password login (AUTH PLAIN or LOGIN), only: "
		"CRAM-MD5 DIGEST-MD5") },
	    .unseen = { "AUTH" } },
	{ .name = "login_no_auth",
	    .script = no_auth,
	    .tls = true,
	    .login = { FAILS(PEER_PASSWORD, "alice", "s3cret",
		"offers no login (no AUTH after EHLO)") },
	    .unseen = { "AUTH" } },
	/* Line breaks and oversized credentials never reach the wire. */
	{ .name = "login_bad_credentials",
	    .script = plain_login_offered,
	    .tls = true,
	    .login = { FAILS(PEER_PASSWORD, "alice\r\nRSET", "s3cret",
			   "line break"),
		FAILS(PEER_PASSWORD, "alice", "s3\ncret", "line break"),
		{ PEER_PASSWORD, "alice", NULL, 0, SMTP_MAX_SECRET + 1,
		    "secret is too long", false },
		{ PEER_PASSWORD, NULL, "s3cret", SMTP_MAX_USER + 1, 0,
		    "user name is too long", false },
		FAILS(PEER_PASSWORD, "", "s3cret", "no user name") },
	    .unseen = { "AUTH" } },
	{ .name = "login_xoauth2",
	    .script = xoauth2,
	    .tls = true,
	    .login = { ALICE(PEER_OAUTH2, "tok3n") } },
	/* The JSON challenge is acknowledged, the final reply quoted. */
	{ .name = "login_xoauth2_refused",
	    .script = xoauth2_refused,
	    .tls = true,
	    .login = { FAILS(PEER_OAUTH2, "alice", "tok3n",
		"login as 'alice' failed: 535 5.7.8 token expired") } },
	{ .name = "login_xoauth2_not_offered",
	    .script = plain_login_offered,
	    .tls = true,
	    .login = { FAILS(PEER_OAUTH2, "alice", "tok3n",
		"'peer' offers no OAuth2 login (AUTH OAUTHBEARER or "
		"XOAUTH2), only: PLAIN LOGIN") },
	    .unseen = { "AUTH" } },
	/*
	 * OAUTHBEARER is preferred to XOAUTH2; a refused token (the JSON
	 * challenge answered with ^A, RFC 7628) is replaced by a fresh one
	 * from the token command, once, on the same connection.
	 */
	{ .name = "login_oauthbearer_fresh_token",
	    .script = oauthbearer_fresh_token,
	    .tls = true,
	    .login = { ALICE(PEER_TOKENS, NULL) },
	    .unseen = { "XOAUTH2" } },
	{ .name = "login_connection_lost",
	    .script = connection_lost,
	    .tls = true,
	    .login = { FAILS(PEER_PASSWORD, "alice", "s3cret",
		"connection to 'peer' lost") } },
	{ .name = "greeting_refused",
	    .script = greeting_refused,
	    .tls = true,
	    .attach_error = "'peer' refuses service: 554 5.3.2 not now",
	    .seen = "" },
	{ .name = "ehlo_refused",
	    .script = ehlo_refused,
	    .tls = true,
	    .attach_error = "'peer' refused EHLO: 502 5.5.2 say HELO" },
	/* smtp:// without STARTTLS: refused, and the peer hears nothing
	 * more. */
	{ .name = "starttls_not_offered",
	    .script = plain_login_offered,
	    .attach_error =
		"offers no STARTTLS: refusing to continue without TLS",
	    .seen = "EHLO [127.0.0.1]\n" },
	{ .name = "starttls_refused",
	    .script = starttls_refused,
	    .attach_error =
		"'peer' refused STARTTLS: 454 4.7.0 TLS not available",
	    .seen = "EHLO [127.0.0.1]\nSTARTTLS\n" },
	{ .name = "starttls_injection",
	    .script = starttls_injection,
	    .attach_error = "STARTTLS answer was not clean",
	    .seen = "EHLO [127.0.0.1]\nSTARTTLS\n" },
	{ .name = "trace_hides_credentials",
	    .script = login_login,
	    .tls = true,
	    .login = { ALICE(PEER_PASSWORD, "s3cret") },
	    .trace_env = "FACTEUR_SMTP_TRACE",
	    .trace_has = { "S: 220 peer ESMTP ready", "C: EHLO [127.0.0.1]",
		"C: AUTH LOGIN", "C: <credentials hidden>", "S: 235 2.7.0 ok" },
	    .trace_lacks = { "czNjcmV0", "s3cret", "YWxpY2U=" } },
};

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ehlo_parse),
		cmocka_unit_test(test_ehlo_parse_tab),
		cmocka_unit_test(test_ehlo_name),
	};

	/* What net_init does for the program: a peer that hangs up must
	 * not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	if (getenv("TEST_SMTP_FILTER") != NULL)
		cmocka_set_test_filter(getenv("TEST_SMTP_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL) +
	    peer_run_cases("smtp sessions", &smtp_proto, cases,
		sizeof cases / sizeof cases[0]);
}
