/*
 * Submitting one message: MAIL FROM, one RCPT TO per recipient, DATA.
 *
 * Every recipient is tried; the ones the server refuses are recorded with
 * its words, and the message goes to the others (partial success, which
 * the caller reports). Only when no recipient is left is the transaction
 * reset and the send a failure.
 *
 * The commands are written by hand through libetpan's raw command pair,
 * as EHLO and AUTH are: mailsmtp_data_message adds an empty line of its
 * own after the message (so the copy in Sent would differ from what was
 * sent), and MAIL FROM never says BODY=8BITMIME, which is fine only
 * because mime_prepare made every byte 7-bit; an 8-bit byte here is a
 * BUG-level mistake of the caller and is refused. The data is dot-stuffed
 * here (RFC 5321 4.5.2) and ends with exactly one CRLF before the dot.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "private.h"

void
smtp_send_result_release(struct smtp_send_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].addr);
		free(r->v[i].reason);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* An addr-spec that can go between angle brackets on a command line. */
static bool
sendable_address(const char *a)
{
	const char *at = strrchr(a, '@');

	if (at == NULL || at == a || at[1] == '\0')
		return false;
	for (; *a != '\0'; a++)
		if ((unsigned char)*a <= 0x20 || (unsigned char)*a >= 0x7f ||
		    *a == '<' || *a == '>')
			return false;
	return true;
}

/* Sends one whole command line and reads the reply code; 0 when the
 * connection failed. */
static int
command(struct smtp_session *s, const char *line)
{
	char *copy = xstrdup(line); /* libetpan's prototype lacks const */
	int r = mailsmtp_send_command(s->smtp, copy);

	free(copy);
	if (r != 0)
		return 0;
	return mailsmtp_read_response(s->smtp);
}

static void
record(struct smtp_send_result *res, const char *addr,
    const struct smtp_session *s, bool refused)
{
	struct strbuf why = STRBUF_INIT;

	FCT_ALLOC_GROW(res->v, res->n + 1, res->alloc);
	res->v[res->n].addr = xstrdup(addr);
	res->v[res->n].reason = NULL;
	if (refused) {
		smtp_add_reply(&why, s);
		res->v[res->n].reason = strbuf_detach(&why, NULL);
		res->refused++;
	}
	res->n++;
}

/* The message, dot-stuffed, ending in CRLF "." CRLF. */
static void
dot_stuff(struct strbuf *out, const char *data, size_t len)
{
	size_t i;
	bool bol = true;

	strbuf_grow(out, len + len / 50 + 8);
	for (i = 0; i < len; i++) {
		if (bol && data[i] == '.')
			strbuf_addch(out, '.');
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			strbuf_addch(out, '\r');
		strbuf_addch(out, data[i]);
		bol = data[i] == '\n';
	}
	if (!bol)
		strbuf_addstr(out, "\r\n");
	strbuf_addstr(out, ".\r\n");
}

static void
reset(struct smtp_session *s)
{
	if (!s->broken && command(s, "RSET\r\n") == 0)
		s->broken = true;
}

int
smtp_send(struct smtp_session *s, const char *from, const char *const *rcpt,
    size_t n, const char *data, size_t len, struct smtp_send_result *res,
    struct fct_error *err)
{
	struct strbuf wire = STRBUF_INIT, sb = STRBUF_INIT;
	char *mail;
	size_t i;
	int code;

	smtp_send_result_release(res);
	if (!s->trusted || s->broken)
		BUG("sending on an untrusted or broken SMTP session");
	if (n == 0)
		return fct_error_set(err, "no recipient");
	if (!sendable_address(from))
		return fct_error_set(err, "cannot send from '%s'", from);
	for (i = 0; i < len; i++)
		if ((unsigned char)data[i] >= 0x80 || data[i] == '\0')
			return fct_error_set(err,
			    "the message is not 7-bit (byte %zu): refusing to "
			    "send it without 8BITMIME",
			    i);
	if (s->ehlo.size > 0 && len > s->ehlo.size)
		return fct_error_set(err,
		    "the message is too large for '%s' (%zu bytes, it "
		    "takes at most %llu)",
		    s->ep.host, len, (unsigned long long)s->ehlo.size);
	if (s->ehlo.ext & SMTP_EXT_SIZE)
		mail = xasprintf("MAIL FROM:<%s> SIZE=%zu\r\n", from, len);
	else
		mail = xasprintf("MAIL FROM:<%s>\r\n", from);
	code = command(s, mail);
	free(mail);
	if (code != 250) {
		smtp_error(s, code, err, "'%s' refused the sender '%s'",
		    s->ep.host, from);
		if (code != 0)
			reset(s);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!sendable_address(rcpt[i])) {
			FCT_ALLOC_GROW(res->v, res->n + 1, res->alloc);
			res->v[res->n].addr = xstrdup(rcpt[i]);
			res->v[res->n].reason = xstrdup("not a usable address");
			res->n++;
			res->refused++;
			continue;
		}
		mail = xasprintf("RCPT TO:<%s>\r\n", rcpt[i]);
		code = command(s, mail);
		free(mail);
		if (code == 0)
			return smtp_error(s, code, err,
			    "sending to '%s' failed", rcpt[i]);
		record(res, rcpt[i], s, code != 250 && code != 251);
	}
	if (res->refused == res->n) {
		for (i = 0; i < res->n; i++)
			strbuf_addf(&sb, "%s%s (%s)", i > 0 ? "; " : "",
			    res->v[i].addr, res->v[i].reason);
		fct_error_set(err, "every recipient was refused: %s", sb.buf);
		strbuf_release(&sb);
		reset(s);
		return -1;
	}
	code = command(s, "DATA\r\n");
	if (code != 354) {
		smtp_error(s, code, err, "'%s' refused DATA", s->ep.host);
		if (code != 0)
			reset(s);
		return -1;
	}
	dot_stuff(&wire, data, len);
	if (mailstream_write(s->smtp->stream, wire.buf, wire.len) < 0 ||
	    mailstream_flush(s->smtp->stream) < 0) {
		strbuf_release(&wire);
		return smtp_error(s, MAILSMTP_ERROR_STREAM, err,
		    "sending the message to '%s' failed", s->ep.host);
	}
	strbuf_release(&wire);
	code = mailsmtp_read_response(s->smtp);
	if (code != 250)
		return smtp_error(s, code, err, "'%s' refused the message",
		    s->ep.host);
	return 0;
}
