/*
 * Downloading and deleting: RETR, DELE and QUIT on a logged-in session.
 *
 * Pipelining. RFC 2449 6.6 lets a client that saw PIPELINING send
 * commands without waiting for each answer. pop_retr and pop_dele keep up
 * to POP_PIPELINE_WINDOW commands in flight: they send the first window,
 * then one more command for every answer read, so that a round trip per
 * message becomes one per run. The window stays small, so that the
 * commands written ahead (a dozen bytes each) always fit in the socket's
 * send buffer while the server's answers (whole messages) pile up on the
 * other side: neither end can block the other. Without PIPELINING the
 * window is 1, which is the plain request-answer exchange.
 *
 * Failure. With commands in flight, an error leaves answers on the way
 * that nobody will read: the session is marked broken, and closing it
 * drops the connection without QUIT, so that the server forgets any DELE
 * (RFC 1939 6). This is the crash-safety argument of the deletion path:
 * only pop_session_quit, after a run that fully succeeded, commits.
 *
 * Message text. RETR's answer is the message with every line's leading
 * "." doubled and ends at a lone "."; the lines are given back with CRLF,
 * whatever the server ended them with, and may hold NUL bytes (the line
 * buffer knows its length). A server that sends more than max_size bytes
 * for one message is stopped there.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static size_t
window_of(const struct pop_session *s)
{
	return (s->caps & POP_CAP_PIPELINING) ? POP_PIPELINE_WINDOW : 1;
}

/* Reads one RETR answer's lines into body. Returns 0, or -1 (broken). */
static int
read_message(struct pop_session *s, const struct pop_msg *m, uint64_t max_size,
    struct strbuf *body, struct fct_error *err)
{
	const char *line;
	size_t len;

	strbuf_setlen(body, 0);
	for (;;) {
		if ((line = pop_read_line(s)) == NULL)
			return pop_lost(s, err, "RETR");
		len = s->line->len;
		if (line[0] == '.') {
			if (len == 1)
				return 0;
			line++;
			len--;
		}
		if (max_size > 0 && body->len + len + 2 > max_size) {
			s->broken = true;
			return fct_error_set(err,
			    "message %u on '%s' is larger than %llu bytes",
			    m->index, s->ep.host, (unsigned long long)max_size);
		}
		strbuf_add(body, line, len);
		strbuf_add(body, "\r\n", 2);
	}
}

int
pop_retr(struct pop_session *s, const struct pop_msg *msgs, size_t n,
    uint64_t max_size, pop_retr_fn fn, void *arg, struct fct_error *err)
{
	struct strbuf body = STRBUF_INIT;
	size_t sent = 0, got, window = window_of(s);
	const char *text;
	char cmd[32];
	int rc = -1, r;

	if (!s->logged_in)
		BUG("RETR before login");
	for (got = 0; got < n; got++) {
		/* Keep the window full, then read the oldest answer. */
		while (sent < n && sent - got < window) {
			snprintf(cmd, sizeof cmd, "RETR %u", msgs[sent].index);
			sent++;
			if (pop_send(s, cmd, sent == n || sent - got == window,
				err) != 0)
				goto out;
		}
		if ((r = pop_read_status(s, "RETR", &text, err)) < 0)
			goto out;
		if (r == 0) {
			s->broken = sent > got + 1;
			pop_refused(err, text, "'%s' refused RETR %u",
			    s->ep.host, msgs[got].index);
			goto out;
		}
		if (read_message(s, &msgs[got], max_size, &body, err) != 0)
			goto out;
		if (fn(arg, &msgs[got], body.buf, body.len, err) != 0) {
			/* Answers may be in flight: nothing more is read. */
			s->broken = true;
			goto out;
		}
	}
	rc = 0;
out:
	strbuf_release(&body);
	return rc;
}

int
pop_dele(struct pop_session *s, const uint32_t *idx, size_t n,
    struct fct_error *err)
{
	size_t sent = 0, got, window = window_of(s);
	const char *text;
	char cmd[32];
	int r;

	if (!s->logged_in)
		BUG("DELE before login");
	for (got = 0; got < n; got++) {
		while (sent < n && sent - got < window) {
			snprintf(cmd, sizeof cmd, "DELE %u", idx[sent]);
			sent++;
			/* From the first DELE on, QUIT would commit. */
			s->dele_marked = true;
			if (pop_send(s, cmd, sent == n || sent - got == window,
				err) != 0)
				return -1;
		}
		if ((r = pop_read_status(s, "DELE", &text, err)) < 0)
			return -1;
		if (r == 0) {
			s->broken = sent > got + 1;
			return pop_refused(err, text, "'%s' refused DELE %u",
			    s->ep.host, idx[got]);
		}
	}
	return 0;
}

int
pop_session_quit(struct pop_session *s, struct fct_error *err)
{
	const char *text;
	int r;

	if (s->pop->pop3_stream == NULL || s->broken)
		return pop_lost(s, err, "QUIT");
	r = pop_command(s, "QUIT", &text, err);
	if (r == 0)
		pop_refused(err, text, "'%s' refused QUIT", s->ep.host);
	/* Whatever the answer, the session is over: nothing more is sent,
	 * and pop_session_close only closes the stream (which stays open
	 * until then, so that pop_session_cancel never meets a freed one). */
	s->broken = true;
	return r == 1 ? 0 : -1;
}

bool
pop_session_broken(const struct pop_session *s)
{
	return s->broken;
}

void
pop_session_cancel(struct pop_session *s)
{
	/* Touches nothing but the stream's cancel pipe, which libetpan's
	 * waits watch. */
	if (s != NULL && s->pop->pop3_stream != NULL)
		mailstream_cancel(s->pop->pop3_stream);
}
