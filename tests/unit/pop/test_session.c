/*
 * Unit tests of src/pop: the line parsers, and whole sessions against a
 * scripted peer on a socketpair: USER/PASS (never APOP), STAT, LIST and
 * UIDL with the numbers a hostile server could send (0, beyond STAT's
 * count, twice), servers without CAPA or UIDL, OAuth2 refused, STLS
 * required (not offered, refused, answered with injected bytes), QUIT only
 * when safe, and a trace that never shows a secret. The greeting, STLS
 * and login cases are tables of exchanges that peer_run
 * (tests/unit/net/peer.h) plays and checks.
 */
#include "config.h"

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

#include "facteur/pop.h"
#include "peer.h"
#include "private.h"

static struct pop_session *
attach(struct peer *p, const struct step *script, bool tls)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct pop_session *s = NULL;
	mailstream *stream;

	peer_start(p, script, &stream);
	if (pop_session_attach(stream, "peer", tls, &s, &err) != 0)
		fail_msg("attach: %s", fct_error_msg(&err));
	return s;
}

static void
expect_error(int rc, struct fct_error *err, const char *want)
{
	assert_int_equal(rc, -1);
	if (strstr(fct_error_msg(err), want) == NULL)
		fail_msg("error '%s' lacks '%s'", fct_error_msg(err), want);
	fct_error_release(err);
}

/* alice's credential; the strings are borrowed, never freed. */
static struct net_credential
credential(enum net_cred_kind kind, const char *secret)
{
	struct net_credential c = { kind, (char *)"alice", (char *)secret };

	return c;
}

static void
login(struct pop_session *s)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential cred = credential(NET_CRED_PASSWORD, "s3cret");

	if (pop_session_login(s, &cred, &err) != 0)
		fail_msg("login: %s", fct_error_msg(&err));
}

/* A greeting with an APOP timestamp: facteur must not use it. */
#define GREETING                                                        \
	{                                                               \
		NULL, "+OK POP3 ready <1896.697170952@peer>\r\n", false \
	}
#define CAPA_FULL                                                            \
	{                                                                    \
		"CAPA", "+OK\r\nTOP\r\nUSER\r\nUIDL\r\nSASL PLAIN\r\n.\r\n", \
		    false                                                    \
	}
#define LOGIN                                                    \
	{ "USER alice", "+OK\r\n", false },                      \
	    { "PASS s3cret", "+OK maildrop locked\r\n", false }, \
	{                                                        \
		"CAPA", "+OK\r\nTOP\r\nUIDL\r\n.\r\n", false     \
	}
#define STAT3                                  \
	{                                      \
		"STAT", "+OK 3 300\r\n", false \
	}
#define QUIT                                 \
	{                                    \
		"QUIT", "+OK bye\r\n", false \
	}
#define END PEER_END

/* ---- parsers ------------------------------------------------------------ */

static void
test_parse_status(void **state)
{
	const char *text;

	(void)state;
	assert_int_equal(pop_parse_status("+OK 2 320", &text), 1);
	assert_string_equal(text, "2 320");
	assert_int_equal(pop_parse_status("+OK", &text), 1);
	assert_string_equal(text, "");
	assert_int_equal(pop_parse_status("-ERR [AUTH] no", &text), 0);
	assert_string_equal(text, "[AUTH] no");
	assert_int_equal(pop_parse_status("-ERR", &text), 0);
	assert_int_equal(pop_parse_status("+OKAY", &text), -1);
	assert_int_equal(pop_parse_status("* OK imap", &text), -1);
	assert_int_equal(pop_parse_status("", &text), -1);
}

static void
test_parse_numbers(void **state)
{
	uint32_t count, index;
	uint64_t size;

	(void)state;
	assert_int_equal(pop_parse_stat("2 320", &count, &size), 0);
	assert_int_equal(count, 2);
	assert_true(size == 320);
	assert_int_equal(pop_parse_stat("0 0 trailing words", &count, &size),
	    0);
	assert_int_equal(pop_parse_stat("4294967295 18446744073", &count,
			     &size),
	    0);
	assert_true(count == UINT32_MAX);
	assert_int_equal(pop_parse_stat("4294967296 1", &count, &size), -1);
	assert_int_equal(pop_parse_stat("-1 1", &count, &size), -1);
	assert_int_equal(pop_parse_stat("1  1", &count, &size), -1);
	assert_int_equal(pop_parse_stat("1", &count, &size), -1);
	assert_int_equal(pop_parse_stat("1 2x", &count, &size), -1);
	assert_int_equal(pop_parse_stat("1 99999999999999999999", &count,
			     &size),
	    -1);

	assert_int_equal(pop_parse_list_line("1 120", &index, &size), 0);
	assert_int_equal(index, 1);
	assert_true(size == 120);
	/* libetpan 1.9.4 writes before its array on this one. */
	assert_int_equal(pop_parse_list_line("0 120", &index, &size), -1);
	assert_int_equal(pop_parse_list_line("00 120", &index, &size), -1);
	assert_int_equal(pop_parse_list_line(" 1 120", &index, &size), -1);
	assert_int_equal(pop_parse_list_line("+1 120", &index, &size), -1);
}

static void
test_parse_uidl(void **state)
{
	char long_uid[80];
	const char *uid;
	uint32_t index;
	size_t len;

	(void)state;
	assert_int_equal(pop_parse_uidl_line("3 QhdPYR:00WBw1Ph7x7", &index,
			     &uid, &len),
	    0);
	assert_int_equal(index, 3);
	assert_int_equal(len, 18);
	assert_memory_equal(uid, "QhdPYR:00WBw1Ph7x7", 18);
	assert_int_equal(pop_parse_uidl_line("3 abc \t", &index, &uid, &len),
	    0);
	assert_int_equal(len, 3);
	assert_int_equal(pop_parse_uidl_line("0 abc", &index, &uid, &len), -1);
	assert_int_equal(pop_parse_uidl_line("3 ab c", &index, &uid, &len), -1);
	assert_int_equal(pop_parse_uidl_line("3 ", &index, &uid, &len), -1);
	assert_int_equal(pop_parse_uidl_line("3 caf\xc3\xa9", &index, &uid,
			     &len),
	    -1);
	memset(long_uid, 'u', sizeof long_uid);
	memcpy(long_uid, "1 ", 2);
	long_uid[2 + POP_UIDL_MAX] = '\0';
	assert_int_equal(pop_parse_uidl_line(long_uid, &index, &uid, &len), 0);
	long_uid[2 + POP_UIDL_MAX] = 'u';
	long_uid[3 + POP_UIDL_MAX] = '\0';
	assert_int_equal(pop_parse_uidl_line(long_uid, &index, &uid, &len), -1);
}

static void
test_parse_capa(void **state)
{
	(void)state;
	assert_int_equal(pop_parse_capa_line("STLS"), POP_CAP_STLS);
	assert_int_equal(pop_parse_capa_line("uidl"), POP_CAP_UIDL);
	assert_int_equal(pop_parse_capa_line("SASL PLAIN LOGIN"), POP_CAP_SASL);
	assert_int_equal(pop_parse_capa_line("RESP-CODES"), POP_CAP_RESP_CODES);
	assert_int_equal(pop_parse_capa_line("STLSX"), 0);
	assert_int_equal(pop_parse_capa_line("IMPLEMENTATION x"), 0);
	assert_int_equal(pop_parse_capa_line(""), 0);
}

/* ---- sessions -------------------------------------------------------------- */

static void
test_login_stat_list(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN,
		STAT3,
		STAT3,
		{ "LIST", "+OK 3 messages\r\n1 100\r\n2 120\r\n3 80\r\n.\r\n",
		    false },
		{ "UIDL", "+OK\r\n1 aaa\r\n3 ccc\r\n2 bbb\r\n.\r\n", false },
		{ "QUIT", "+OK bye\r\n", false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct pop_msg_list list = POP_MSG_LIST_INIT;
	struct peer p;
	struct pop_session *s = attach(&p, script, true);
	uint32_t count;
	uint64_t size;

	(void)state;
	assert_int_equal(pop_session_caps(s),
	    POP_CAP_CAPA | POP_CAP_TOP | POP_CAP_USER | POP_CAP_UIDL |
		POP_CAP_SASL);
	login(s);
	/* Capabilities as they are once logged in. */
	assert_int_equal(pop_session_caps(s),
	    POP_CAP_CAPA | POP_CAP_TOP | POP_CAP_UIDL);
	if (pop_stat(s, &count, &size, &err) != 0)
		fail_msg("stat: %s", fct_error_msg(&err));
	assert_int_equal(count, 3);
	assert_true(size == 300);
	if (pop_list(s, &list, &err) != 0)
		fail_msg("list: %s", fct_error_msg(&err));
	assert_int_equal(list.n, 3);
	assert_int_equal(list.v[0].index, 1);
	assert_true(list.v[0].size == 100);
	assert_string_equal(list.v[0].uidl, "aaa");
	assert_int_equal(list.v[1].index, 2);
	assert_string_equal(list.v[1].uidl, "bbb");
	assert_int_equal(list.v[2].index, 3);
	assert_true(list.v[2].size == 80);
	assert_string_equal(list.v[2].uidl, "ccc");
	pop_msg_list_release(&list);
	assert_null(list.v);
	pop_session_close(&s);
	assert_null(s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "APOP"));
	strbuf_release(&p.seen);
}

/* LIST runs `script` after login; pop_list must fail naming `want`, and
 * the stream stay in step (the STAT after it works). */
static void
list_fails(const struct step *script, const char *want)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct pop_msg_list list = POP_MSG_LIST_INIT;
	struct peer p;
	struct pop_session *s = attach(&p, script, true);
	uint32_t count;
	uint64_t size;

	login(s);
	expect_error(pop_list(s, &list, &err), &err, want);
	assert_int_equal(list.n, 0);
	assert_null(list.v);
	if (pop_stat(s, &count, &size, &err) != 0)
		fail_msg("stat after a bad LIST: %s", fct_error_msg(&err));
	assert_int_equal(count, 3);
	pop_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

static void
test_list_index_zero(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN,
		STAT3,
		{ "LIST", "+OK\r\n0 100\r\n1 120\r\n.\r\n", false },
		STAT3,
		QUIT,
		END,
	};

	(void)state;
	list_fails(script, "unreadable LIST line from 'peer'");
}

static void
test_list_index_beyond_count(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN,
		STAT3,
		{ "LIST", "+OK\r\n1 100\r\n4000000000 120\r\n.\r\n", false },
		STAT3,
		QUIT,
		END,
	};

	(void)state;
	list_fails(script, "LIST from 'peer' names message 4000000000 of 3");
}

static void
test_list_too_many(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN,
		STAT3,
		{ "LIST", "+OK\r\n1 1\r\n2 1\r\n3 1\r\n1 1\r\n.\r\n", false },
		STAT3,
		QUIT,
		END,
	};

	(void)state;
	list_fails(script, "names message 1 of 3");
}

static void
test_list_twice(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN,
		STAT3,
		{ "LIST", "+OK\r\n2 1\r\n2 1\r\n.\r\n", false },
		STAT3,
		QUIT,
		END,
	};

	(void)state;
	list_fails(script, "LIST from 'peer' names message 2 twice");
}

/* The peer hangs up in the middle of LIST: lost, at once (libetpan's
 * line reader would return empty lines for ever). */
static void
test_list_connection_lost(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN,
		STAT3,
		{ "LIST", "+OK\r\n1 100\r\n2 1", true },
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct pop_msg_list list = POP_MSG_LIST_INIT;
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	login(s);
	expect_error(pop_list(s, &list, &err), &err,
	    "LIST: connection to 'peer' lost");
	assert_int_equal(list.n, 0);
	pop_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

static void
test_uidl_unknown_message(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN,
		STAT3,
		{ "LIST", "+OK\r\n1 100\r\n3 80\r\n.\r\n", false },
		{ "UIDL", "+OK\r\n1 aaa\r\n2 bbb\r\n3 ccc\r\n.\r\n", false },
		STAT3,
		QUIT,
		END,
	};

	(void)state;
	list_fails(script,
	    "UIDL from 'peer' names message 2, which LIST did "
	    "not");
}

static void
test_uidl_bad(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN,
		STAT3,
		{ "LIST", "+OK\r\n1 100\r\n.\r\n", false },
		{ "UIDL", "+OK\r\n1 a b\r\n.\r\n", false },
		STAT3,
		QUIT,
		END,
	};

	(void)state;
	list_fails(script, "unreadable UIDL line from 'peer'");
}

static void
test_uidl_not_unique(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN,
		STAT3,
		{ "LIST", "+OK\r\n1 100\r\n2 100\r\n.\r\n", false },
		{ "UIDL", "+OK\r\n1 same\r\n2 same\r\n.\r\n", false },
		STAT3,
		QUIT,
		END,
	};

	(void)state;
	list_fails(script, "gives messages 1 and 2 the same UIDL");
}

/* CAPA says no UIDL: not asked, entries without ids. */
static void
test_list_without_uidl(void **state)
{
	static const struct step script[] = {
		GREETING,
		{ "CAPA", "+OK\r\nUSER\r\n.\r\n", false },
		{ "USER alice", "+OK\r\n", false },
		{ "PASS s3cret", "+OK\r\n", false },
		{ "CAPA", "+OK\r\n.\r\n", false },
		{ "STAT", "+OK 1 10\r\n", false },
		{ "LIST", "+OK\r\n1 10\r\n.\r\n", false },
		{ "QUIT", "+OK\r\n", false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct pop_msg_list list = POP_MSG_LIST_INIT;
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	login(s);
	if (pop_list(s, &list, &err) != 0)
		fail_msg("list: %s", fct_error_msg(&err));
	assert_int_equal(list.n, 1);
	assert_null(list.v[0].uidl);
	pop_msg_list_release(&list);
	pop_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "UIDL"));
	strbuf_release(&p.seen);
}

/* A server without CAPA: USER tried, UIDL tried, its -ERR harmless. */
static void
test_no_capa(void **state)
{
	static const struct step script[] = {
		{ NULL, "+OK old server\r\n", false },
		{ "CAPA", "-ERR unknown command\r\n", false },
		{ "USER alice", "+OK\r\n", false },
		{ "PASS s3cret", "+OK\r\n", false },
		{ "CAPA", "-ERR unknown command\r\n", false },
		{ "STAT", "+OK 1 10\r\n", false },
		{ "LIST", "+OK\r\n1 10\r\n.\r\n", false },
		{ "UIDL", "-ERR unknown command\r\n", false },
		{ "QUIT", "+OK\r\n", false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct pop_msg_list list = POP_MSG_LIST_INIT;
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	assert_int_equal(pop_session_caps(s), 0);
	login(s);
	if (pop_list(s, &list, &err) != 0)
		fail_msg("list: %s", fct_error_msg(&err));
	assert_int_equal(list.n, 1);
	assert_null(list.v[0].uidl);
	pop_msg_list_release(&list);
	pop_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

/* ---- closing and the trace ---------------------------------------------- */

/* A session that marked a message for deletion is dropped, not QUIT:
 * QUIT would commit the deletion. */
static void
test_close_without_quit_after_dele(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		END,
	};
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	s->dele_marked = true;
	pop_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "QUIT"));
	strbuf_release(&p.seen);
}

/* ---- RETR, DELE and QUIT (maildrop.c) ----------------------------------- */

/* A login after which CAPA announces PIPELINING (or not). */
#define LOGIN_CAPA(extra)                                             \
	{ "USER alice", "+OK\r\n", false },                           \
	    { "PASS s3cret", "+OK maildrop locked\r\n", false },      \
	{                                                             \
		"CAPA", "+OK\r\nTOP\r\nUIDL\r\n" extra ".\r\n", false \
	}

struct got {
	struct strbuf all; /* each message, then "|" */
	unsigned n;
	unsigned fail_at; /* 1-based call that fails, 0 never */
};

static int
collect(void *arg, const struct pop_msg *m, const char *data, size_t len,
    struct fct_error *err)
{
	struct got *g = arg;

	(void)m;
	if (++g->n == g->fail_at)
		return fct_error_set(err, "the cache is full");
	strbuf_add(&g->all, data, len);
	strbuf_addch(&g->all, '|');
	return 0;
}

static const struct pop_msg three[] = {
	{ 1, 10, (char *)"a" },
	{ 2, 10, (char *)"b" },
	{ 3, 10, (char *)"c" },
};

/*
 * With PIPELINING the three RETR go out before any answer: this peer
 * answers only once it has all three, so a client that waited for each
 * answer would time out. Dot-stuffed lines come back unstuffed, and bare
 * LF line ends become CRLF.
 */
static void
test_retr_pipelined(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN_CAPA("PIPELINING\r\n"),
		{ "RETR 1", NULL, false },
		{ "RETR 2", NULL, false },
		{ "RETR 3",
		    "+OK 1\r\nSubject: one\r\n\r\n..hidden\r\n.\r\n"
		    "+OK 2\r\nSubject: two\n\nbare LF\n...\n.\n"
		    "+OK 3\r\n.\r\n",
		    false },
		QUIT,
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct got g = { STRBUF_INIT, 0, 0 };
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	login(s);
	if (pop_retr(s, three, 3, 0, collect, &g, &err) != 0)
		fail_msg("retr: %s", fct_error_msg(&err));
	assert_string_equal(g.all.buf,
	    "Subject: one\r\n\r\n.hidden\r\n|"
	    "Subject: two\r\n\r\nbare LF\r\n..\r\n|"
	    "|");
	assert_false(pop_session_broken(s));
	pop_session_close(&s);
	peer_finish(&p);
	assert_true(peer_saw(&p, "QUIT"));
	strbuf_release(&g.all);
	strbuf_release(&p.seen);
}

/* Without PIPELINING, strictly one command per answer. */
static void
test_retr_one_at_a_time(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN_CAPA(""),
		{ "RETR 1", "+OK\r\nx\r\n.\r\n", false },
		{ "RETR 2", "+OK\r\ny\r\n.\r\n", false },
		{ "RETR 3", "+OK\r\nz\r\n.\r\n", false },
		QUIT,
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct got g = { STRBUF_INIT, 0, 0 };
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	login(s);
	if (pop_retr(s, three, 3, 0, collect, &g, &err) != 0)
		fail_msg("retr: %s", fct_error_msg(&err));
	assert_string_equal(g.all.buf, "x\r\n|y\r\n|z\r\n|");
	pop_session_close(&s);
	peer_finish(&p);
	strbuf_release(&g.all);
	strbuf_release(&p.seen);
}

/* A refused RETR fails the run; what came before it was delivered. */
static void
test_retr_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN_CAPA(""),
		{ "RETR 1", "+OK\r\nx\r\n.\r\n", false },
		{ "RETR 2", "-ERR no such message\r\n", false },
		QUIT,
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct got g = { STRBUF_INIT, 0, 0 };
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	login(s);
	expect_error(pop_retr(s, three, 3, 0, collect, &g, &err), &err,
	    "'peer' refused RETR 2: no such message");
	assert_string_equal(g.all.buf, "x\r\n|");
	/* Nothing was in flight: the session is still sound. */
	assert_false(pop_session_broken(s));
	pop_session_close(&s);
	peer_finish(&p);
	strbuf_release(&g.all);
	strbuf_release(&p.seen);
}

/* A message beyond the cap stops the run, and the session: the rest of
 * it is still on the way. */
static void
test_retr_too_large(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN_CAPA(""),
		{ "RETR 1", "+OK\r\n0123456789\r\nabc\r\n.\r\n", false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct got g = { STRBUF_INIT, 0, 0 };
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	login(s);
	expect_error(pop_retr(s, three, 1, 14, collect, &g, &err), &err,
	    "message 1 on 'peer' is larger than 14 bytes");
	assert_int_equal(g.n, 0);
	assert_true(pop_session_broken(s));
	pop_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "QUIT"));
	strbuf_release(&g.all);
	strbuf_release(&p.seen);
}

/* The callback's failure stops the run with its message. */
static void
test_retr_callback_fails(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN_CAPA("PIPELINING\r\n"),
		{ "RETR 1", "+OK\r\nx\r\n.\r\n", false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct got g = { STRBUF_INIT, 0, 1 };
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	login(s);
	expect_error(pop_retr(s, three, 3, 0, collect, &g, &err), &err,
	    "the cache is full");
	assert_true(pop_session_broken(s));
	pop_session_close(&s);
	peer_finish(&p);
	strbuf_release(&g.all);
	strbuf_release(&p.seen);
}

/* DELE pipelined, then QUIT commits; closing says nothing more. */
static void
test_dele_quit(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN_CAPA("PIPELINING\r\n"),
		{ "DELE 1", NULL, false },
		{ "DELE 3", "+OK\r\n+OK\r\n", false },
		{ "QUIT", "+OK 2 messages deleted\r\n", false },
		END,
	};
	static const uint32_t idx[] = { 1, 3 };
	struct fct_error err = FCT_ERROR_INIT;
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	login(s);
	if (pop_dele(s, idx, 2, &err) != 0 || pop_session_quit(s, &err) != 0)
		fail_msg("dele: %s", fct_error_msg(&err));
	pop_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

/* A refused DELE fails, and closing then drops the connection: the
 * marks already made are forgotten by the server, not committed. */
static void
test_dele_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN_CAPA(""),
		{ "DELE 1", "+OK\r\n", false },
		{ "DELE 3", "-ERR message 3 already deleted\r\n", false },
		END,
	};
	static const uint32_t idx[] = { 1, 3 };
	struct fct_error err = FCT_ERROR_INIT;
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	login(s);
	expect_error(pop_dele(s, idx, 2, &err), &err,
	    "'peer' refused DELE 3: message 3 already deleted");
	pop_session_close(&s);
	peer_finish(&p);
	assert_false(peer_saw(&p, "QUIT"));
	strbuf_release(&p.seen);
}

/* A QUIT whose answer never comes is not a confirmed deletion. */
static void
test_quit_lost(void **state)
{
	static const struct step script[] = {
		GREETING,
		CAPA_FULL,
		LOGIN_CAPA(""),
		{ "DELE 1", "+OK\r\n", false },
		{ "QUIT", NULL, true },
		END,
	};
	static const uint32_t idx[] = { 1 };
	struct fct_error err = FCT_ERROR_INIT;
	struct peer p;
	struct pop_session *s = attach(&p, script, true);

	(void)state;
	login(s);
	if (pop_dele(s, idx, 1, &err) != 0)
		fail_msg("dele: %s", fct_error_msg(&err));
	expect_error(pop_session_quit(s, &err), &err,
	    "QUIT: connection to "
	    "'peer' lost");
	pop_session_close(&s);
	peer_finish(&p);
	strbuf_release(&p.seen);
}

/* ---- greeting, STLS and logging in: a table of cases -------------------- */

static void *
proto_attach(mailstream *stream, bool tls, struct fct_error *err)
{
	struct pop_session *s = NULL;

	if (pop_session_attach(stream, "peer", tls, &s, err) != 0) {
		assert_null(s);
		return NULL;
	}
	return s;
}

static int
proto_login(void *s, const struct net_credential *cred, struct fct_error *err)
{
	return pop_session_login(s, cred, err);
}

static int
proto_authenticate(void *s, const struct config_account *acct,
    struct fct_error *err)
{
	return pop_session_authenticate(s, acct, err);
}

static void
proto_close(void *s)
{
	struct pop_session *ps = s;

	pop_session_close(&ps);
	assert_null(ps);
}

static const struct peer_proto pop_proto = {
	.attach = proto_attach,
	.login = proto_login,
	.authenticate = proto_authenticate,
	.close = proto_close,
};

/* After PASS, facteur's own commands are public again (the trace case). */
static void
stat_after_login(void *s)
{
	struct fct_error err = FCT_ERROR_INIT;
	uint32_t count;
	uint64_t size;

	if (pop_stat(s, &count, &size, &err) != 0)
		fail_msg("stat: %s", fct_error_msg(&err));
}

#define ALICE(how, secret)                              \
	{                                               \
		how, "alice", secret, 0, 0, NULL, false \
	}
#define FAILS(how, secret, error)                        \
	{                                                \
		how, "alice", secret, 0, 0, error, false \
	}

static const struct step login_refused[] = {
	GREETING,
	CAPA_FULL,
	{ "USER alice", "+OK\r\n", false },
	{ "PASS s3cret", "-ERR [AUTH] Authentication failed.\r\n", false },
	QUIT,
	END,
};
/*
 * OAuth2 by AUTH (RFC 5034): OAUTHBEARER preferred; a short initial
 * response on the AUTH line, a long one after the "+" continuation; the
 * error challenge answered with ^A; a refused token replaced by a fresh
 * one from the token command, once; CAPA read again once logged in.
 */
static const struct step login_oauthbearer[] = {
	GREETING,
	{ "CAPA", "+OK\r\nSASL PLAIN XOAUTH2 OAUTHBEARER\r\n.\r\n", false },
	{ "AUTH OAUTHBEARER bixhPWFsaWNlLAFob3N0PXBlZXIBcG9ydD0wAWF1dG"
	  "g9QmVhcmVyIHRvazABAQ==",
	    "+ eyJzdGF0dXMiOiI0MDEifQ==\r\n", false },
	{ "AQ==", "-ERR [AUTH] token expired\r\n", false },
	{ "AUTH OAUTHBEARER bixhPWFsaWNlLAFob3N0PXBlZXIBcG9ydD0wAWF1dG"
	  "g9QmVhcmVyIHRvazEBAQ==",
	    "+OK welcome\r\n", false },
	{ "CAPA", "+OK\r\nUIDL\r\n.\r\n", false },
	QUIT,
	END,
};
static const struct step login_xoauth2_long_token[] = {
	GREETING,
	{ "CAPA", "+OK\r\nSASL XOAUTH2\r\n.\r\n", false },
	{ "AUTH XOAUTH2", "+ \r\n", false },
	{ "dXNlcj1hbGljZQFhdXRoPUJlYXJlciB4eHh4", "+OK hi\r\n", false },
	{ "CAPA", "+OK\r\nUIDL\r\n.\r\n", false },
	QUIT,
	END,
};
static const struct step login_refused_locally[] = {
	GREETING,
	{ "CAPA", "+OK\r\nSASL PLAIN\r\nUIDL\r\n.\r\n", false },
	QUIT,
	END,
};
static const struct step greeting_refused[] = {
	{ NULL, "-ERR too many connections\r\n", false },
	END,
};
/* Garbage where a status belongs: the session is unusable. */
static const struct step not_pop3[] = {
	{ NULL, "+OK hello\r\n", false },
	{ "CAPA", "* OK this is IMAP\r\n", false },
	END,
};
static const struct step stls_not_offered[] = {
	GREETING,
	CAPA_FULL,
	END,
};
/* Without CAPA, STLS is tried; refused, the session ends there. */
static const struct step stls_refused[] = {
	GREETING,
	{ "CAPA", "-ERR no CAPA\r\n", false },
	{ "STLS", "-ERR no TLS here\r\n", false },
	END,
};
static const struct step stls_injection[] = {
	GREETING,
	{ "CAPA", "+OK\r\nSTLS\r\nUSER\r\n.\r\n", false },
	{ "STLS", "+OK begin TLS\r\n+OK injected\r\n", false },
	END,
};
static const struct step trace[] = {
	GREETING,
	CAPA_FULL,
	LOGIN,
	STAT3,
	{ "QUIT", "+OK\r\n", false },
	END,
};

static const struct peer_case cases[] = {
	{ .name = "login_refused",
	    .script = login_refused,
	    .tls = true,
	    .login = { FAILS(PEER_PASSWORD, "s3cret",
		"login as 'alice' failed: [AUTH] Authentication failed.") } },
	/* What must never reach the wire: OAuth2, line breaks, long
	 * arguments, and USER/PASS to a server whose CAPA does not offer
	 * USER. */
	{ .name = "login_refused_locally",
	    .script = login_refused_locally,
	    .tls = true,
	    .login = { FAILS(PEER_OAUTH2, "tok3n",
			   "'peer' offers no OAuth2 login (SASL OAUTHBEARER "
			   "or XOAUTH2)"),
		FAILS(PEER_PASSWORD, "s3\r\ncret",
		    "password contains a line break"),
		{ PEER_PASSWORD, "alice", NULL, 0, POP_MAX_ARG + 1,
		    "password is too long for POP3", false },
		FAILS(PEER_PASSWORD, "s3cret",
		    "does not accept a USER/PASS login") },
	    .unseen = { "USER", "PASS", "AUTH" } },
	{ .name = "login_oauthbearer",
	    .script = login_oauthbearer,
	    .tls = true,
	    .login = { ALICE(PEER_TOKENS, NULL) },
	    .unseen = { "XOAUTH2", "USER" } },
	{ .name = "login_xoauth2_long_token",
	    .script = login_xoauth2_long_token,
	    .tls = true,
	    .login = { { PEER_OAUTH2, "alice", NULL, 0, 300, NULL, false } },
	    .saw = { "AUTH XOAUTH2\n" } },
	{ .name = "greeting_refused",
	    .script = greeting_refused,
	    .tls = true,
	    .attach_error =
		"'peer' refused the connection: too many connections",
	    .seen = "" },
	{ .name = "not_pop3",
	    .script = not_pop3,
	    .tls = true,
	    .attach_error = "CAPA: unreadable answer from 'peer'" },
	{ .name = "stls_not_offered",
	    .script = stls_not_offered,
	    .attach_error = "offers no STLS: refusing to continue without TLS",
	    .seen = "CAPA\n" },
	{ .name = "stls_refused",
	    .script = stls_refused,
	    .attach_error = "offers no STLS: refusing to continue without TLS",
	    .seen = "CAPA\nSTLS\n" },
	{ .name = "stls_injection",
	    .script = stls_injection,
	    .attach_error = "STLS answer was not clean",
	    .seen = "CAPA\nSTLS\n" },
	{ .name = "trace_hides_credentials",
	    .script = trace,
	    .tls = true,
	    .login = { ALICE(PEER_PASSWORD, "s3cret") },
	    .logged_in = stat_after_login,
	    .trace_env = "FACTEUR_POP_TRACE",
	    .trace_has = { "S: +OK POP3 ready", "C: CAPA",
		"C: <credentials hidden>", "C: STAT", "C: QUIT" },
	    .trace_lacks = { "s3cret", "USER alice" } },
};

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_status),
		cmocka_unit_test(test_parse_numbers),
		cmocka_unit_test(test_parse_uidl),
		cmocka_unit_test(test_parse_capa),
		cmocka_unit_test(test_login_stat_list),
		cmocka_unit_test(test_list_index_zero),
		cmocka_unit_test(test_list_index_beyond_count),
		cmocka_unit_test(test_list_too_many),
		cmocka_unit_test(test_list_twice),
		cmocka_unit_test(test_list_connection_lost),
		cmocka_unit_test(test_uidl_unknown_message),
		cmocka_unit_test(test_uidl_bad),
		cmocka_unit_test(test_uidl_not_unique),
		cmocka_unit_test(test_list_without_uidl),
		cmocka_unit_test(test_no_capa),
		cmocka_unit_test(test_close_without_quit_after_dele),
		cmocka_unit_test(test_retr_pipelined),
		cmocka_unit_test(test_retr_one_at_a_time),
		cmocka_unit_test(test_retr_refused),
		cmocka_unit_test(test_retr_too_large),
		cmocka_unit_test(test_retr_callback_fails),
		cmocka_unit_test(test_dele_quit),
		cmocka_unit_test(test_dele_refused),
		cmocka_unit_test(test_quit_lost),
	};

	/* What net_init does for the program: a peer that hangs up must
	 * not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	if (getenv("TEST_POP_FILTER") != NULL)
		cmocka_set_test_filter(getenv("TEST_POP_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL) +
	    peer_run_cases("pop sessions", &pop_proto, cases,
		sizeof cases / sizeof cases[0]);
}
