/*
 * POP3 AUTH (RFC 5034) for OAuth2 tokens: OAUTHBEARER (RFC 7628), else
 * XOAUTH2, as CAPA's SASL line offers; passwords keep USER/PASS
 * (session.c). src/net/sasl.c builds the message; this file frames it.
 *
 * A command line is at most 255 octets (RFC 5034 4), and tokens are long:
 * the initial response goes on the AUTH line only when it fits, else after
 * the server's empty "+" continuation. A later "+" is an error report,
 * acknowledged as the mechanism requires and quoted in the error, before
 * the final -ERR (net_sasl_exchange_run decides the answers). Credential
 * lines are written with the stream private: send_line is the private
 * counterpart of pop_send, which keeps the trace public.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "private.h"

/* RFC 5034 4: the longest AUTH command line, CRLF included. */
#define AUTH_LINE_MAX 255

/* Writes line (with its CRLF), private or not, and flushes. */
static int
send_line(struct pop_session *s, const char *line, bool private,
    struct fct_error *err)
{
	mailstream *st = s->pop->pop3_stream;
	size_t len = strlen(line);
	int rc = 0;

	if (st == NULL || s->broken)
		return pop_lost(s, err, "login");
	mailstream_set_privacy(st, private ? 0 : 1);
	if (mailstream_write(st, line, len) != (ssize_t)len ||
	    mailstream_flush(st) != 0)
		rc = pop_lost(s, err, "login");
	mailstream_set_privacy(st, 1);
	return rc;
}

static bool
offers(void *arg, const char *mech)
{
	const struct pop_session *s = arg;
	const char *p = s->sasl;
	size_t n = strlen(mech);

	while (p != NULL && *p != '\0') {
		p += strspn(p, " ");
		if (strncasecmp(p, mech, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += strcspn(p, " ");
	}
	return false;
}

/* "WHAT: TEXT" with the server's words, control characters replaced. */
static int
refused(struct fct_error *err, const char *user, const char *text,
    const struct strbuf *why)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "login as '%s' failed: ", user);
	for (; *text != '\0' && sb.len < 400; text++)
		strbuf_addch(&sb,
		    (unsigned char)*text < 0x20 || *text == 0x7f ? '?' : *text);
	strbuf_addstr(&sb, why->buf);
	fct_error_set(err, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

/* An AUTH under way, for the net_sasl_io callbacks. */
struct auth_io {
	struct pop_session *s;
	const char *final; /* "+OK ..." or "-ERR ...", borrowed from s->line */
};

static int
io_send(void *arg, const char *response, struct fct_error *err)
{
	struct auth_io *a = arg;

	return send_line(a->s, response, true, err);
}

static int
io_read(void *arg, struct strbuf *challenge, struct fct_error *err)
{
	struct auth_io *a = arg;
	const char *l;

	if ((l = pop_read_line(a->s)) == NULL)
		return pop_lost(a->s, err, "login");
	if (strncmp(l, "+OK", 3) == 0 || strncmp(l, "-ERR", 4) == 0) {
		a->final = l;
		return 0;
	}
	if (l[0] != '+' || (l[1] != ' ' && l[1] != '\0')) {
		a->s->broken = true;
		return fct_error_set(err, "login: unreadable answer from '%s'",
		    a->s->ep.host);
	}
	strbuf_addstr(challenge, l[1] != '\0' ? l + 2 : "");
	return 1;
}

static const struct net_sasl_io auth_io_ops = {
	.send = io_send,
	.read = io_read,
};

int
pop_auth_oauth(struct pop_session *s, const struct net_credential *cred,
    bool *rejected, struct fct_error *err)
{
	struct net_sasl_exchange x;
	struct strbuf line = STRBUF_INIT;
	struct auth_io a = { .s = s, .final = NULL };
	enum net_sasl_mech mech;
	const char *l;
	int rc = -1;

	*rejected = false;
	if (net_sasl_choose(cred, offers, s, &mech) != 0)
		return fct_error_set(err,
		    "'%s' offers no OAuth2 login (SASL OAUTHBEARER or XOAUTH2)",
		    s->ep.host);
	if (net_sasl_exchange_init(&x, mech, cred, s->ep.host, s->ep.port,
		err) != 0)
		goto out;
	strbuf_addf(&line, "AUTH %s", net_sasl_name(mech));
	if (line.len + 1 + x.ir.len + 2 <= AUTH_LINE_MAX) {
		strbuf_addch(&line, ' ');
		strbuf_add(&line, x.ir.buf, x.ir.len);
		x.ir_sent = true;
	}
	strbuf_addstr(&line, "\r\n");
	if (send_line(s, line.buf, x.ir_sent, err) != 0 ||
	    net_sasl_exchange_run(&x, &auth_io_ops, &a, err) != 0)
		goto out;
	if (strncmp(a.final, "+OK", 3) == 0) {
		rc = 0;
		goto out;
	}
	*rejected = x.ir_sent;
	l = a.final + 4;
	refused(err, cred->user, l + strspn(l, " "), &x.why);
out:
	net_sasl_exchange_release(&x);
	net_sasl_wipe(&line);
	return rc;
}

static int
login_cb(void *session, const struct net_credential *cred, bool *rejected,
    struct fct_error *err)
{
	struct pop_session *s = session;
	int rc = pop_session_login(s, cred, err);

	*rejected = s->auth_rejected;
	s->auth_rejected = false;
	return rc;
}

int
pop_session_authenticate(struct pop_session *s,
    const struct config_account *acct, struct fct_error *err)
{
	return net_login(acct, login_cb, s, err);
}
