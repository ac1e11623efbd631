/*
 * POP3 AUTH (RFC 5034) for OAuth2 tokens: OAUTHBEARER (RFC 7628), else
 * XOAUTH2, as CAPA's SASL line offers; passwords keep USER/PASS
 * (session.c). src/net/sasl.c builds the message; this file frames it.
 *
 * A command line is at most 255 octets (RFC 5034 4), and tokens are long:
 * the initial response goes on the AUTH line only when it fits, else after
 * the server's empty "+" continuation. A later "+" is an error report,
 * acknowledged as the mechanism requires and quoted in the error, before
 * the final -ERR. Credential lines are written with the stream private.
 *
 * NEEDSWORK: the line reading and writing here repeats session.c's own in
 * small; share one set of helpers once session.c exports them.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "private.h"

/* RFC 5034 4: the longest AUTH command line, CRLF included. */
#define AUTH_LINE_MAX 255

static int
lost(struct pop_session *s, struct fct_error *err)
{
	s->broken = true;
	return fct_error_set(err, "login: connection to '%s' lost", s->ep.host);
}

/* Writes line (with its CRLF), private or not, and flushes. */
static int
send_line(struct pop_session *s, const char *line, bool private,
    struct fct_error *err)
{
	mailstream *st = s->pop->pop3_stream;
	size_t len = strlen(line);
	int rc = 0;

	if (st == NULL || s->broken)
		return lost(s, err);
	mailstream_set_privacy(st, private ? 0 : 1);
	if (mailstream_write(st, line, len) != (ssize_t)len ||
	    mailstream_flush(st) != 0)
		rc = lost(s, err);
	mailstream_set_privacy(st, 1);
	return rc;
}

/* One line without its CRLF, borrowed from s->line; NULL when lost. */
static const char *
read_line(struct pop_session *s)
{
	MMAPString *l = s->line;

	if (mailstream_read_line(s->pop->pop3_stream, l) == NULL ||
	    l->len == 0 || l->str[l->len - 1] != '\n')
		return NULL;
	l->str[--l->len] = '\0';
	if (l->len > 0 && l->str[l->len - 1] == '\r')
		l->str[--l->len] = '\0';
	return l->str;
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

int
pop_auth_oauth(struct pop_session *s, const struct net_credential *cred,
    bool *rejected, struct fct_error *err)
{
	struct strbuf ir = STRBUF_INIT, line = STRBUF_INIT, why = STRBUF_INIT;
	enum net_sasl_mech mech;
	const char *l;
	bool sent = false;
	int rc = -1, challenges = 0;

	*rejected = false;
	if (net_sasl_choose(cred, offers, s, &mech) != 0)
		return fct_error_set(err,
		    "'%s' offers no OAuth2 login (SASL OAUTHBEARER or XOAUTH2)",
		    s->ep.host);
	if (net_sasl_initial(mech, cred, s->ep.host, s->ep.port, &ir, err) != 0)
		return -1;
	strbuf_addf(&line, "AUTH %s", net_sasl_name(mech));
	if (line.len + 1 + ir.len + 2 <= AUTH_LINE_MAX) {
		strbuf_addch(&line, ' ');
		strbuf_add(&line, ir.buf, ir.len);
		sent = true;
	}
	strbuf_addstr(&line, "\r\n");
	if (send_line(s, line.buf, sent, err) != 0)
		goto out;
	for (;;) {
		if ((l = read_line(s)) == NULL) {
			lost(s, err);
			goto out;
		}
		if (strncmp(l, "+OK", 3) == 0) {
			rc = 0;
			goto out;
		}
		if (strncmp(l, "-ERR", 4) == 0) {
			*rejected = sent;
			l += 4;
			refused(err, cred->user, l + strspn(l, " "), &why);
			goto out;
		}
		if (l[0] != '+' || (l[1] != ' ' && l[1] != '\0')) {
			s->broken = true;
			fct_error_set(err, "login: unreadable answer from '%s'",
			    s->ep.host);
			goto out;
		}
		net_sasl_wipe(&line);
		if (!sent) {
			strbuf_add(&line, ir.buf, ir.len);
			sent = true;
		} else if (challenges++ == 0) {
			net_sasl_describe_challenge(&why, l[1] ? l + 2 : "");
			strbuf_addstr(&line, net_sasl_error_reply(mech));
		} else
			strbuf_addch(&line, '*');
		strbuf_addstr(&line, "\r\n");
		if (send_line(s, line.buf, true, err) != 0)
			goto out;
	}
out:
	net_sasl_wipe(&ir);
	net_sasl_wipe(&line);
	strbuf_release(&why);
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
