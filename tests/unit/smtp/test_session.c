/*
 * Unit tests of src/smtp: the EHLO reply parser (including the tab that
 * hangs libetpan's own), the EHLO name, and whole sessions against a
 * scripted peer on a socketpair: AUTH PLAIN, LOGIN and XOAUTH2, the
 * server's words in errors, credentials refused before they are sent,
 * STARTTLS required (not offered, refused, answered with injected bytes),
 * and a trace that never shows a secret.
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

static struct smtp_session *
attach(struct peer *p, const struct step *script, bool tls)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct smtp_session *s = NULL;
	mailstream *stream;

	peer_start(p, script, &stream);
	if (smtp_session_attach(stream, "peer", tls, &s, &err) != 0)
		fail_msg("attach: %s", fct_error_msg(&err));
	return s;
}

/* Attaching must fail with a message containing `want`. */
static void
attach_fails(struct peer *p, const struct step *script, bool tls,
    const char *want)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct smtp_session *s = NULL;
	mailstream *stream;

	peer_start(p, script, &stream);
	assert_int_equal(smtp_session_attach(stream, "peer", tls, &s, &err),
	    -1);
	assert_null(s);
	if (strstr(fct_error_msg(&err), want) == NULL)
		fail_msg("error '%s' lacks '%s'", fct_error_msg(&err), want);
	fct_error_release(&err);
	peer_finish(p);
}

static struct net_credential
password(const char *user, const char *secret)
{
	struct net_credential c = { NET_CRED_PASSWORD, (char *)user,
		(char *)secret };

	return c;
}

static struct net_credential
oauth2(const char *user, const char *token)
{
	struct net_credential c = password(user, token);

	c.kind = NET_CRED_OAUTH2;
	return c;
}

static void
login_fails(struct smtp_session *s, struct net_credential cred,
    const char *want)
{
	struct fct_error err = FCT_ERROR_INIT;

	assert_int_equal(smtp_session_login(s, &cred, &err), -1);
	if (strstr(fct_error_msg(&err), want) == NULL)
		fail_msg("error '%s' lacks '%s'", fct_error_msg(&err), want);
	fct_error_release(&err);
}

#define GREETING                                        \
	{                                               \
		NULL, "220 peer ESMTP ready\r\n", false \
	}
#define EHLO_WITH(lines)                         \
	{                                        \
		"EHLO [127.0.0.1]", lines, false \
	}
#define END                       \
	{                         \
		NULL, NULL, false \
	}

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

/* ---- logging in ----------------------------------------------------------- */

static void
test_login_plain(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250-SIZE 1000\r\n"
			  "250 AUTH LOGIN PLAIN XOAUTH2\r\n"),
		{ "AUTH PLAIN AGFsaWNlAHMzY3JldA==", "235 2.7.0 ok\r\n",
		    false },
		/* mailsmtp_quit does not wait for the 221. */
		{ "QUIT", NULL, false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential cred = password("alice", "s3cret");
	struct peer p;
	struct smtp_session *s;

	(void)state;
	s = attach(&p, script, true);
	assert_string_equal(smtp_session_auth_mechanisms(s),
	    "LOGIN PLAIN XOAUTH2");
	assert_true(smtp_session_offers_auth(s, "plain"));
	assert_false(smtp_session_offers_auth(s, "CRAM-MD5"));
	assert_true(smtp_session_size_limit(s) == 1000);
	assert_int_equal(smtp_session_extensions(s),
	    SMTP_EXT_SIZE | SMTP_EXT_AUTH);
	assert_string_equal(smtp_session_ehlo_name(s), "[127.0.0.1]");
	if (smtp_session_login(s, &cred, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	smtp_session_close(&s);
	assert_null(s);
	peer_finish(&p);
	assert_true(peer_saw(&p, "QUIT\n"));
	strbuf_release(&p.seen);
}

static void
test_login_login(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH LOGIN\r\n"),
		{ "AUTH LOGIN", "334 VXNlcm5hbWU6\r\n", false },
		{ "YWxpY2U=", "334 UGFzc3dvcmQ6\r\n", false },
		{ "czNjcmV0", "235 2.7.0 ok\r\n", false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential cred = password("alice", "s3cret");
	struct peer p;
	struct smtp_session *s = attach(&p, script, true);

	(void)state;
	if (smtp_session_login(s, &cred, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	smtp_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

/* The server's reply, all its lines, controls defused, in the error. */
static void
test_login_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH PLAIN\r\n"),
		{ "AUTH PLAIN ",
		    "535-5.7.8 Username and Password not accepted\r\n"
		    "535 5.7.8 see \x1b[31mhttps://example.test\r\n",
		    false },
		END,
	};
	struct net_credential cred = password("alice", "s3cret");
	struct peer p;
	struct smtp_session *s = attach(&p, script, true);

	(void)state;
	login_fails(s, cred,
	    "login as 'alice' failed: 535 5.7.8 Username and Password not "
	    "accepted 5.7.8 see ?[31mhttps://example.test");
	smtp_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

/* Only mechanisms facteur will not use: nothing is sent. */
static void
test_login_no_password_mechanism(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH CRAM-MD5 DIGEST-MD5\r\n"),
		END,
	};
	struct net_credential cred = password("alice", "s3cret");
	struct peer p;
	struct smtp_session *s = attach(&p, script, true);

	(void)state;
	login_fails(s, cred,
	    "offers no password login (AUTH PLAIN or LOGIN), only: CRAM-MD5 "
	    "DIGEST-MD5");
	smtp_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "AUTH"));
	strbuf_release(&p.seen);
}

static void
test_login_no_auth(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 8BITMIME\r\n"),
		END,
	};
	struct net_credential cred = password("alice", "s3cret");
	struct peer p;
	struct smtp_session *s = attach(&p, script, true);

	(void)state;
	login_fails(s, cred, "offers no login (no AUTH after EHLO)");
	smtp_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "AUTH"));
	strbuf_release(&p.seen);
}

/* Line breaks and oversized credentials never reach the wire. */
static void
test_login_bad_credentials(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH PLAIN LOGIN\r\n"),
		END,
	};
	struct peer p;
	struct smtp_session *s = attach(&p, script, true);
	char *big = xmalloc(SMTP_MAX_SECRET + 2);

	(void)state;
	memset(big, 'x', SMTP_MAX_SECRET + 1);
	big[SMTP_MAX_SECRET + 1] = '\0';
	login_fails(s, password("alice\r\nRSET", "s3cret"), "line break");
	login_fails(s, password("alice", "s3\ncret"), "line break");
	login_fails(s, password("alice", big), "secret is too long");
	big[SMTP_MAX_USER + 1] = '\0';
	login_fails(s, password(big, "s3cret"), "user name is too long");
	login_fails(s, password("", "s3cret"), "no user name");
	free(big);
	smtp_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "AUTH"));
	strbuf_release(&p.seen);
}

static void
test_login_xoauth2(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH PLAIN XOAUTH2\r\n"),
		{ "AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2szbgEB",
		    "235 2.7.0 ok\r\n", false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential cred = oauth2("alice", "tok3n");
	struct peer p;
	struct smtp_session *s = attach(&p, script, true);

	(void)state;
	if (smtp_session_login(s, &cred, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	smtp_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

/* The JSON challenge is acknowledged, the final reply quoted. */
static void
test_login_xoauth2_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH XOAUTH2\r\n"),
		{ "AUTH XOAUTH2 ", "334 eyJzdGF0dXMiOiI0MDEifQ==\r\n", false },
		{ "", "535 5.7.8 token expired\r\n", false },
		END,
	};
	struct net_credential cred = oauth2("alice", "tok3n");
	struct peer p;
	struct smtp_session *s = attach(&p, script, true);

	(void)state;
	login_fails(s, cred,
	    "login as 'alice' failed: 535 5.7.8 token expired");
	smtp_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

static void
test_login_xoauth2_not_offered(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH PLAIN LOGIN\r\n"),
		END,
	};
	struct net_credential cred = oauth2("alice", "tok3n");
	struct peer p;
	struct smtp_session *s = attach(&p, script, true);

	(void)state;
	login_fails(s, cred,
	    "'peer' offers no OAuth2 login (AUTH OAUTHBEARER or XOAUTH2), "
	    "only: PLAIN LOGIN");
	smtp_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "AUTH"));
	strbuf_release(&p.seen);
}

/*
 * OAUTHBEARER is preferred to XOAUTH2; a refused token (the JSON
 * challenge answered with ^A, RFC 7628) is replaced by a fresh one from
 * the token command, once, on the same connection.
 */
static void
test_login_oauthbearer_fresh_token(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH PLAIN XOAUTH2 OAUTHBEARER\r\n"),
		{ "AUTH OAUTHBEARER "
		  "bixhPWFsaWNlLAFob3N0PXBlZXIBcG9ydD0wAWF1dGg9QmVhcmVyIHRvazAB"
		  "AQ==",
		    "334 eyJzdGF0dXMiOiI0MDEifQ==\r\n", false },
		{ "AQ==", "535 5.7.8 token expired\r\n", false },
		{ "AUTH OAUTHBEARER "
		  "bixhPWFsaWNlLAFob3N0PXBlZXIBcG9ydD0wAWF1dGg9QmVhcmVyIHRvazEB"
		  "AQ==",
		    "235 2.7.0 ok\r\n", false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct config_account acct = { 0 };
	char counter[] = "/tmp/fct-smtp-token.XXXXXX";
	struct peer p;
	struct smtp_session *s;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(counter)) >= 0);
	close(fd);
	acct.name = (char *)"t";
	acct.email = (char *)"alice";
	acct.oauth2_token_command =
	    xasprintf("n=$(cat %s); n=${n:-0}; echo $((n + 1)) >%s; echo tok$n",
		counter, counter);
	s = attach(&p, script, true);
	if (smtp_session_authenticate(s, &acct, &err) != 0)
		fail_msg("authenticate: %s", fct_error_msg(&err));
	smtp_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "XOAUTH2"));
	strbuf_release(&p.seen);
	unlink(counter);
	free(acct.oauth2_token_command);
}

/* The peer hangs up in the middle: the session is lost, not stuck. */
static void
test_login_connection_lost(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH PLAIN\r\n"),
		{ "AUTH PLAIN", NULL, true },
	};
	struct net_credential cred = password("alice", "s3cret");
	struct peer p;
	struct smtp_session *s = attach(&p, script, true);

	(void)state;
	login_fails(s, cred, "connection to 'peer' lost");
	smtp_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

/* ---- greeting, EHLO and STARTTLS ------------------------------------------ */

static void
test_greeting_refused(void **state)
{
	static const struct step script[] = {
		{ NULL, "554 5.3.2 not now\r\n", false },
		END,
	};
	struct peer p;

	(void)state;
	attach_fails(&p, script, true,
	    "'peer' refuses service: 554 5.3.2 not now");
	assert_int_equal(p.seen.len, 0);
	strbuf_release(&p.seen);
}

static void
test_ehlo_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("502 5.5.2 say HELO\r\n"),
		END,
	};
	struct peer p;

	(void)state;
	attach_fails(&p, script, true,
	    "'peer' refused EHLO: 502 5.5.2 say HELO");
	strbuf_release(&p.seen);
}

/* smtp:// without STARTTLS: refused, and the peer hears nothing more. */
static void
test_starttls_not_offered(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH PLAIN LOGIN\r\n"),
		END,
	};
	struct peer p;

	(void)state;
	attach_fails(&p, script, false,
	    "offers no STARTTLS: refusing to continue without TLS");
	assert_string_equal(p.seen.buf, "EHLO [127.0.0.1]\n");
	strbuf_release(&p.seen);
}

static void
test_starttls_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 STARTTLS\r\n"),
		{ "STARTTLS", "454 4.7.0 TLS not available\r\n", false },
		END,
	};
	struct peer p;

	(void)state;
	attach_fails(&p, script, false,
	    "'peer' refused STARTTLS: 454 4.7.0 TLS not available");
	assert_string_equal(p.seen.buf, "EHLO [127.0.0.1]\nSTARTTLS\n");
	strbuf_release(&p.seen);
}

/* Bytes after the 220 (CVE-2020-15953) end the session before any TLS. */
static void
test_starttls_injection(void **state)
{
	static const struct step script[] = {
		GREETING,
		EHLO_WITH("250-peer\r\n250 STARTTLS\r\n"),
		{ "STARTTLS", "220 go ahead\r\n250 AUTH PLAIN\r\n", false },
		END,
	};
	struct peer p;

	(void)state;
	attach_fails(&p, script, false, "STARTTLS answer was not clean");
	assert_string_equal(p.seen.buf, "EHLO [127.0.0.1]\nSTARTTLS\n");
	strbuf_release(&p.seen);
}

/* ---- the trace ------------------------------------------------------------ */

static char *
slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *fp = fopen(path, "r");

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
		GREETING,
		EHLO_WITH("250-peer\r\n250 AUTH LOGIN\r\n"),
		{ "AUTH LOGIN", "334 VXNlcm5hbWU6\r\n", false },
		{ "YWxpY2U=", "334 UGFzc3dvcmQ6\r\n", false },
		{ "czNjcmV0", "235 2.7.0 ok\r\n", false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential cred = password("alice", "s3cret");
	char path[] = "/tmp/fct-smtp-trace.XXXXXX", *text;
	struct peer p;
	struct smtp_session *s;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	setenv("FACTEUR_SMTP_TRACE", path, 1);
	s = attach(&p, script, true);
	unsetenv("FACTEUR_SMTP_TRACE");
	if (smtp_session_login(s, &cred, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
	smtp_session_close(&s);
	peer_finish(&p);
	text = slurp(path);
	unlink(path);
	assert_non_null(strstr(text, "S: 220 peer ESMTP ready"));
	assert_non_null(strstr(text, "C: EHLO [127.0.0.1]"));
	assert_non_null(strstr(text, "C: AUTH LOGIN"));
	assert_non_null(strstr(text, "C: <credentials hidden>"));
	assert_non_null(strstr(text, "S: 235 2.7.0 ok"));
	assert_null(strstr(text, "czNjcmV0"));
	assert_null(strstr(text, "s3cret"));
	assert_null(strstr(text, "YWxpY2U="));
	free(text);
	strbuf_release(&p.seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ehlo_parse),
		cmocka_unit_test(test_ehlo_parse_tab),
		cmocka_unit_test(test_ehlo_name),
		cmocka_unit_test(test_login_plain),
		cmocka_unit_test(test_login_login),
		cmocka_unit_test(test_login_refused),
		cmocka_unit_test(test_login_no_password_mechanism),
		cmocka_unit_test(test_login_no_auth),
		cmocka_unit_test(test_login_bad_credentials),
		cmocka_unit_test(test_login_xoauth2),
		cmocka_unit_test(test_login_xoauth2_refused),
		cmocka_unit_test(test_login_xoauth2_not_offered),
		cmocka_unit_test(test_login_oauthbearer_fresh_token),
		cmocka_unit_test(test_login_connection_lost),
		cmocka_unit_test(test_greeting_refused),
		cmocka_unit_test(test_ehlo_refused),
		cmocka_unit_test(test_starttls_not_offered),
		cmocka_unit_test(test_starttls_refused),
		cmocka_unit_test(test_starttls_injection),
		cmocka_unit_test(test_trace_hides_credentials),
	};

	/* What net_init does for the program: a peer that hangs up must
	 * not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	if (getenv("TEST_SMTP_FILTER") != NULL)
		cmocka_set_test_filter(getenv("TEST_SMTP_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
