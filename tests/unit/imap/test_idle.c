/*
 * Unit tests of src/imap/idle.c against a scripted peer on a socketpair:
 * IDLE with untagged data before the "+" (libetpan #393), news during
 * IDLE through the descriptor, literals before the "+", a refused IDLE,
 * a connection lost while idling, NOOP, STATUS, and cancelling a blocked
 * read from another thread.
 */
#include "config.h"

#include <errno.h>
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/imap.h"
#include "private.h"

/* Seconds a blocked read may last before libetpan gives up. */
#define STREAM_TIMEOUT 5

/*
 * One turn of the peer: wait for a client line containing `expect` (NULL:
 * read nothing), then pause delay_ms, then send `send` (may be NULL), then
 * hang up when `hangup`.
 */
struct step {
	const char *expect;
	const char *send;
	int delay_ms;
	bool hangup;
};

struct peer {
	int fd;
	const struct step *script;
	pthread_t thread;
	char failure[2200]; /* the first mismatch, "" when none */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Reads one line (without CRLF) within 5 s; false on EOF or time out. */
static bool
peer_read_line(struct peer *p, char *line, size_t size)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	size_t n = 0;
	char c;

	for (;;) {
		if (poll(&pfd, 1, 5000) != 1 || read(p->fd, &c, 1) != 1)
			return false;
		if (c == '\n')
			break;
		if (c != '\r' && n + 1 < size)
			line[n++] = c;
	}
	line[n] = '\0';
	return true;
}

static void *
peer_main(void *arg)
{
	struct peer *p = arg;
	const struct step *st;
	char line[1024];

	for (st = p->script;
	     st->expect != NULL || st->send != NULL || st->hangup; st++) {
		if (st->expect != NULL) {
			if (!peer_read_line(p, line, sizeof line)) {
				snprintf(p->failure, sizeof p->failure,
				    "peer: no line while waiting for '%s'",
				    st->expect);
				break;
			}
			if (strstr(line, st->expect) == NULL) {
				snprintf(p->failure, sizeof p->failure,
				    "peer: got '%s', wanted '%s'", line,
				    st->expect);
				break;
			}
		}
		if (st->delay_ms > 0)
			sleep_ms(st->delay_ms);
		if (st->send != NULL &&
		    write(p->fd, st->send, strlen(st->send)) !=
			(ssize_t)strlen(st->send)) {
			snprintf(p->failure, sizeof p->failure,
			    "peer: cannot send '%s'", st->send);
			break;
		}
		if (st->hangup) {
			close(p->fd);
			p->fd = -1;
			return NULL;
		}
	}
	/* Swallow whatever else comes (LOGOUT...) until the client goes. */
	while (p->fd >= 0 && peer_read_line(p, line, sizeof line))
		;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	return NULL;
}

static struct imap_session *
start(struct peer *p, const struct step *script)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_session *s = NULL;
	mailstream *stream;
	int fds[2];

	memset(p, 0, sizeof *p);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	p->fd = fds[1];
	p->script = script;
	assert_int_equal(pthread_create(&p->thread, NULL, peer_main, p), 0);
	stream = mailstream_socket_open_timeout(fds[0], STREAM_TIMEOUT);
	assert_non_null(stream);
	if (imap_session_attach(stream, "peer", &s, &err) != 0)
		fail_msg("attach: %s", fct_error_msg(&err));
	return s;
}

static void
finish(struct peer *p, struct imap_session **s)
{
	imap_session_close(s);
	assert_int_equal(pthread_join(p->thread, NULL), 0);
	if (p->failure[0] != '\0')
		fail_msg("%s", p->failure);
}

static void
select_inbox(struct imap_session *s)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_mailbox_state ms;
	uint32_t exists = 0;

	if (imap_select(s, "INBOX", IMAP_SYNC_CLASSIC, &ms, NULL, &err) != 0)
		fail_msg("select: %s", fct_error_msg(&err));
	assert_int_equal(ms.exists, 3);
	assert_true(imap_selected_exists(s, &exists));
	assert_int_equal(exists, 3);
}

#define GREETING                                                             \
	{                                                                    \
		NULL, "* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n", 0, false \
	}
#define SELECT                                                         \
	{                                                              \
		"1 SELECT INBOX",                                      \
		    "* 3 EXISTS\r\n* 0 RECENT\r\n"                     \
		    "* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 4] n\r\n" \
		    "1 OK [READ-WRITE] selected\r\n",                  \
		    0, false                                           \
	}
#define END                          \
	{                            \
		NULL, NULL, 0, false \
	}

/* Untagged data before "+": returns at once, and DONE reports it all. */
static void
test_idle_untagged_before_continuation(void **state)
{
	static const struct step script[] = {
		GREETING,
		SELECT,
		{ "2 IDLE", "* 4 EXISTS\r\n* 1 RECENT\r\n+ idling\r\n", 0,
		    false },
		{ "DONE",
		    "* 2 EXPUNGE\r\n* 1 FETCH (UID 9 FLAGS (\\Seen))\r\n"
		    "2 OK IDLE terminated\r\n",
		    0, false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_changes ch = IMAP_CHANGES_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);
	uint32_t exists = 0;
	int64_t t0;

	select_inbox(s);
	t0 = now_ms();
	if (imap_idle_start(s, &err) != 0)
		fail_msg("idle: %s", fct_error_msg(&err));
	/* libetpan's own IDLE would sit out the whole timeout here. */
	assert_true(now_ms() - t0 < 1000);
	assert_true(imap_idle_pending(s));
	assert_true(imap_idle_fd(s) >= 0);
	t0 = now_ms();
	if (imap_idle_done(s, &ch, &err) != 0)
		fail_msg("done: %s", fct_error_msg(&err));
	assert_true(now_ms() - t0 < 1000);
	assert_false(imap_idle_pending(s));
	/* 4 EXISTS, then one EXPUNGE: 3 left. */
	assert_true(ch.has_exists);
	assert_int_equal(ch.exists, 3);
	assert_true(ch.expunged);
	assert_int_equal(ch.fetched, 1);
	assert_true(imap_selected_exists(s, &exists));
	assert_int_equal(exists, 3);
	assert_false(imap_session_broken(s));
	imap_changes_release(&ch);
	finish(&p, &s);
}

/* The usual #393 case: EXISTS just before "+", nothing during IDLE. */
static void
test_idle_early_then_tagged(void **state)
{
	static const struct step script[] = {
		GREETING,
		SELECT,
		{ "2 IDLE", "* 4 EXISTS\r\n+ idling\r\n", 0, false },
		{ "DONE", "2 OK IDLE terminated\r\n", 0, false },
		{ "3 NOOP", "3 OK done\r\n", 0, false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_changes ch = IMAP_CHANGES_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);
	int64_t t0;

	select_inbox(s);
	if (imap_idle_start(s, &err) != 0)
		fail_msg("idle: %s", fct_error_msg(&err));
	assert_true(imap_idle_pending(s));
	t0 = now_ms();
	if (imap_idle_done(s, &ch, &err) != 0)
		fail_msg("done: %s", fct_error_msg(&err));
	assert_true(now_ms() - t0 < 1000);
	assert_true(ch.has_exists);
	assert_int_equal(ch.exists, 4);
	imap_changes_release(&ch);
	/* The stream is in step: the next command works. */
	if (imap_noop(s, &ch, &err) != 0)
		fail_msg("noop: %s", fct_error_msg(&err));
	imap_changes_release(&ch);
	finish(&p, &s);
}

/* News during IDLE wakes a poll() on the descriptor. */
static void
test_idle_news_wakes_poll(void **state)
{
	static const struct step script[] = {
		GREETING,
		SELECT,
		{ "2 IDLE", "+ idling\r\n", 0, false },
		{ NULL, "* 5 EXISTS\r\n", 200, false },
		{ "DONE", "* VANISHED 2:3\r\n2 OK done\r\n", 0, false },
		{ "3 IDLE", "+ idling\r\n", 0, false },
		{ "DONE", "3 OK done\r\n", 0, false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_changes ch = IMAP_CHANGES_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);
	struct pollfd pfd;

	select_inbox(s);
	if (imap_idle_start(s, &err) != 0)
		fail_msg("idle: %s", fct_error_msg(&err));
	assert_false(imap_idle_pending(s));
	pfd.fd = imap_idle_fd(s);
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 3000), 1);
	if (imap_idle_done(s, &ch, &err) != 0)
		fail_msg("done: %s", fct_error_msg(&err));
	assert_true(ch.has_exists);
	assert_int_equal(ch.exists, 5);
	assert_int_equal(ch.vanished.n, 1);
	assert_int_equal(ch.vanished.v[0].first, 2);
	assert_int_equal(ch.vanished.v[0].last, 3);
	assert_int_equal(ch.fetched, 0);
	imap_changes_release(&ch);

	/* A quiet IDLE ends on the caller's wish with nothing to report but
	 * what the session knew already. */
	if (imap_idle_start(s, &err) != 0)
		fail_msg("idle: %s", fct_error_msg(&err));
	pfd.fd = imap_idle_fd(s);
	assert_int_equal(poll(&pfd, 1, 100), 0);
	if (imap_idle_done(s, &ch, &err) != 0)
		fail_msg("done: %s", fct_error_msg(&err));
	assert_false(ch.expunged);
	assert_int_equal(ch.vanished.n, 0);
	imap_changes_release(&ch);
	finish(&p, &s);
}

/* An untagged response with a literal before the "+" is kept whole. */
static void
test_idle_literal_before_continuation(void **state)
{
	static const struct step script[] = {
		GREETING,
		SELECT,
		{ "2 IDLE",
		    "* 3 FETCH (UID 12 FLAGS () BODY[HEADER.FIELDS (X)] {8}\r\n"
		    "X: 1\r\n\r\n FLAGS (\\Flagged))\r\n+ idling\r\n",
		    0, false },
		{ "DONE", "2 OK done\r\n", 0, false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_changes ch = IMAP_CHANGES_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);

	select_inbox(s);
	if (imap_idle_start(s, &err) != 0)
		fail_msg("idle: %s", fct_error_msg(&err));
	assert_true(imap_idle_pending(s));
	if (imap_idle_done(s, &ch, &err) != 0)
		fail_msg("done: %s", fct_error_msg(&err));
	assert_int_equal(ch.fetched, 1);
	imap_changes_release(&ch);
	finish(&p, &s);
}

/* A server that answers IDLE with NO: an error, the session still good. */
static void
test_idle_refused(void **state)
{
	static const struct step script[] = {
		GREETING,
		SELECT,
		{ "2 IDLE", "* 4 EXISTS\r\n2 NO not today\r\n", 0, false },
		{ "3 NOOP", "3 OK nothing\r\n", 0, false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_changes ch = IMAP_CHANGES_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);

	select_inbox(s);
	assert_int_equal(imap_idle_start(s, &err), -1);
	if (strstr(fct_error_msg(&err), "refused IDLE") == NULL)
		fail_msg("unexpected error: %s", fct_error_msg(&err));
	assert_non_null(strstr(fct_error_msg(&err), "not today"));
	fct_error_release(&err);
	assert_false(imap_session_broken(s));
	assert_false(imap_idle_pending(s));
	if (imap_noop(s, &ch, &err) != 0)
		fail_msg("noop: %s", fct_error_msg(&err));
	imap_changes_release(&ch);
	finish(&p, &s);
}

/* The peer hangs up during IDLE: the descriptor wakes, DONE fails, and
 * the session is broken. */
static void
test_idle_connection_lost(void **state)
{
	static const struct step script[] = {
		GREETING,
		SELECT,
		{ "2 IDLE", "+ idling\r\n", 0, false },
		{ NULL, NULL, 100, true },
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_changes ch = IMAP_CHANGES_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);
	struct pollfd pfd;

	select_inbox(s);
	if (imap_idle_start(s, &err) != 0)
		fail_msg("idle: %s", fct_error_msg(&err));
	pfd.fd = imap_idle_fd(s);
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 3000), 1);
	assert_int_equal(imap_idle_done(s, &ch, &err), -1);
	assert_true(imap_session_broken(s));
	assert_non_null(strstr(fct_error_msg(&err), "lost"));
	fct_error_release(&err);
	imap_changes_release(&ch);
	finish(&p, &s);
}

/* NOOP and STATUS report the selected folder's news. */
static void
test_noop_and_status(void **state)
{
	static const struct step script[] = {
		GREETING,
		SELECT,
		{ "2 NOOP", "* 6 EXISTS\r\n2 OK done\r\n", 0, false },
		{ "3 STATUS Archive",
		    "* STATUS Archive (MESSAGES 17 UNSEEN 2)\r\n"
		    "* 1 FETCH (FLAGS (\\Answered))\r\n3 OK done\r\n",
		    0, false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_changes ch = IMAP_CHANGES_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);
	uint32_t total = 0, unseen = 0;

	select_inbox(s);
	if (imap_noop(s, &ch, &err) != 0)
		fail_msg("noop: %s", fct_error_msg(&err));
	assert_true(ch.has_exists);
	assert_int_equal(ch.exists, 6);
	imap_changes_release(&ch);
	if (imap_status(s, "Archive", "Archive", &total, &unseen, &ch, &err) !=
	    0)
		fail_msg("status: %s", fct_error_msg(&err));
	assert_int_equal(total, 17);
	assert_int_equal(unseen, 2);
	assert_int_equal(ch.fetched, 1);
	imap_changes_release(&ch);
	finish(&p, &s);
}

struct canceller {
	struct imap_session *s;
	int delay_ms;
};

static void *
cancel_later(void *arg)
{
	struct canceller *c = arg;

	sleep_ms(c->delay_ms);
	imap_session_cancel(c->s);
	return NULL;
}

/* A NOOP the peer never answers is cut short from another thread, long
 * before the stream's own timeout. */
static void
test_cancel(void **state)
{
	static const struct step script[] = {
		GREETING,
		SELECT,
		{ "2 NOOP", NULL, 0, false },
		END,
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct peer p;
	struct imap_session *s = start(&p, script);
	struct canceller c = { s, 200 };
	pthread_t t;
	int64_t t0;

	select_inbox(s);
	assert_int_equal(pthread_create(&t, NULL, cancel_later, &c), 0);
	t0 = now_ms();
	assert_int_equal(imap_noop(s, NULL, &err), -1);
	assert_true(now_ms() - t0 < (STREAM_TIMEOUT * 1000) / 2);
	assert_true(imap_session_broken(s));
	fct_error_release(&err);
	assert_int_equal(pthread_join(t, NULL), 0);
	/* Closing a cancelled session sends nothing and does not wait. */
	t0 = now_ms();
	finish(&p, &s);
	assert_true(now_ms() - t0 < 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_untagged_before_continuation),
		cmocka_unit_test(test_idle_early_then_tagged),
		cmocka_unit_test(test_idle_news_wakes_poll),
		cmocka_unit_test(test_idle_literal_before_continuation),
		cmocka_unit_test(test_idle_refused),
		cmocka_unit_test(test_idle_connection_lost),
		cmocka_unit_test(test_noop_and_status),
		cmocka_unit_test(test_cancel),
	};

	/* What net_init does for the program: a peer that hangs up must
	 * not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	if (getenv("TEST_IDLE_FILTER") != NULL)
		cmocka_set_test_filter(getenv("TEST_IDLE_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
