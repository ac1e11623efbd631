/*
 * Logging in to IMAP: AUTHENTICATE (RFC 3501 6.2.2) written by hand for
 * PLAIN, OAUTHBEARER and XOAUTH2, and LOGIN for servers that offer no
 * PLAIN.
 *
 * Why by hand. libetpan's mailimap_authenticate goes through Cyrus SASL
 * (plugins that may be missing at run time, no SASL-IR), and its XOAUTH2
 * throws the server's error report away; OAUTHBEARER it does not know.
 * The mechanisms here speak once (src/net/sasl.c builds the message and
 * picks each answer): with SASL-IR (RFC 4959) the message goes on the
 * command line, else after the server's empty "+" continuation. Any later
 * "+" carries an error report (OAuth, RFC 7628 3.2.2): it is kept for the
 * error message and answered as the mechanism requires, and the tagged NO
 * follows.
 *
 * The credential lines are sent with the stream marked private, so that
 * the protocol trace shows a placeholder instead. A tagged NO means the
 * server refused the credential (*rejected): net_login may then try once
 * more with a fresh OAuth2 token on the same connection.
 */
#include "config.h"

#include <string.h>

#include "facteur/imap.h"
#include "private.h"

/* Sends the current tag (when tagged) and line, private or not. */
static int
send_line(struct imap_session *s, bool tagged, const char *line, bool private,
    struct fct_error *err)
{
	mailstream *st = s->imap->imap_stream;
	size_t len = strlen(line);
	int rc = 0;

	if (st == NULL || s->broken)
		return imap_error(s, MAILIMAP_ERROR_STREAM, err,
		    "cannot authenticate");
	if (tagged && mailimap_send_current_tag(s->imap) != MAILIMAP_NO_ERROR)
		return imap_error(s, MAILIMAP_ERROR_STREAM, err,
		    "cannot authenticate");
	if (private)
		mailstream_set_privacy(st, 0);
	if (mailstream_write(st, line, len) != (ssize_t)len ||
	    mailstream_flush(st) != 0)
		rc = imap_error(s, MAILIMAP_ERROR_STREAM, err,
		    "cannot authenticate");
	mailstream_set_privacy(st, 1);
	return rc;
}

/* A continuation line's text ("+ text\r\n" → "text"), in sb. */
static void
continuation_text(const char *line, struct strbuf *sb)
{
	size_t n;

	line++;
	if (*line == ' ')
		line++;
	n = strcspn(line, "\r\n");
	strbuf_add(sb, line, n);
}

static bool
offers(void *arg, const char *mech)
{
	struct imap_session *s = arg;

	return mailimap_has_authentication(s->imap, mech) != 0;
}

/* An AUTHENTICATE under way, for the net_sasl_io callbacks. */
struct auth_io {
	struct imap_session *s;
	const struct net_credential *cred;
};

static int
io_send(void *arg, const char *response, struct fct_error *err)
{
	struct auth_io *a = arg;

	return send_line(a->s, false, response, true, err);
}

/* A "+" line is a continuation; anything else is left in libetpan's
 * buffer for mailimap_parse_response. */
static int
io_read(void *arg, struct strbuf *challenge, struct fct_error *err)
{
	struct auth_io *a = arg;
	const char *l;

	if (mailimap_read_line(a->s->imap) == NULL)
		return imap_error(a->s, MAILIMAP_ERROR_STREAM, err,
		    "login as '%s' failed", a->cred->user);
	l = a->s->imap->imap_stream_buffer->str;
	if (l[0] != '+')
		return 0;
	continuation_text(l, challenge);
	return 1;
}

static const struct net_sasl_io auth_io_ops = {
	.send = io_send,
	.read = io_read,
};

/*
 * AUTHENTICATE with mech. *caps is set when the tagged OK carried the new
 * capabilities ([CAPABILITY ...], which libetpan keeps): no need to ask.
 */
static int
authenticate(struct imap_session *s, enum net_sasl_mech mech,
    const struct net_credential *cred, bool *rejected, bool *caps,
    struct fct_error *err)
{
	struct net_sasl_exchange x;
	struct strbuf line = STRBUF_INIT;
	struct mailimap_response *resp = NULL;
	struct mailimap_resp_text_code *code;
	struct auth_io a = { .s = s, .cred = cred };
	const char *name = net_sasl_name(mech);
	bool ok;
	int r, rc = -1;

	if (net_sasl_exchange_init(&x, mech, cred, s->ep.host, s->ep.port,
		err) != 0)
		goto out;
	if (mailimap_has_extension(s->imap, "SASL-IR")) {
		strbuf_addf(&line, "AUTHENTICATE %s ", name);
		strbuf_add(&line, x.ir.buf, x.ir.len);
		strbuf_addstr(&line, "\r\n");
		if (send_line(s, true, line.buf, true, err) != 0)
			goto out;
		x.ir_sent = true;
	} else {
		strbuf_addf(&line, "AUTHENTICATE %s\r\n", name);
		if (send_line(s, true, line.buf, false, err) != 0)
			goto out;
	}
	if (net_sasl_exchange_run(&x, &auth_io_ops, &a, err) != 0)
		goto out;
	r = mailimap_parse_response(s->imap, &resp);
	if (r != MAILIMAP_NO_ERROR) {
		imap_error(s, r, err, "login as '%s' failed", cred->user);
		goto out;
	}
	ok = resp->rsp_resp_done->rsp_type == MAILIMAP_RESP_DONE_TYPE_TAGGED &&
	    resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type ==
		MAILIMAP_RESP_COND_STATE_OK;
	if (ok) {
		code = resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state
			   ->rsp_text->rsp_code;
		*caps = code != NULL &&
		    code->rc_type == MAILIMAP_RESP_TEXT_CODE_CAPABILITY_DATA;
		s->imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
		rc = 0;
		goto out;
	}
	if (resp->rsp_resp_done->rsp_type == MAILIMAP_RESP_DONE_TYPE_TAGGED &&
	    resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type ==
		MAILIMAP_RESP_COND_STATE_NO)
		*rejected = true;
	imap_error(s, MAILIMAP_ERROR_LOGIN, err, "login as '%s' failed",
	    cred->user);
	net_sasl_exchange_explain(&x, err);
out:
	if (resp != NULL)
		mailimap_response_free(resp);
	net_sasl_exchange_release(&x);
	net_sasl_wipe(&line);
	return rc;
}

static int
login_command(struct imap_session *s, const struct net_credential *cred,
    bool *rejected, struct fct_error *err)
{
	int r;

	if (mailimap_has_extension(s->imap, "LOGINDISABLED"))
		return fct_error_set(err,
		    "'%s' does not accept a password login", s->ep.host);
	r = mailimap_login(s->imap, cred->user, cred->secret);
	if (r == MAILIMAP_ERROR_LOGIN)
		*rejected = true;
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "login as '%s' failed",
		    cred->user);
	return 0;
}

/* One login with cred: a net_login_fn. */
static int
login_once(void *session, const struct net_credential *cred, bool *rejected,
    struct fct_error *err)
{
	struct imap_session *s = session;
	enum net_sasl_mech mech;
	bool caps = false;
	int rc;

	*rejected = false;
	if (strpbrk(cred->user, "\r\n") != NULL ||
	    strpbrk(cred->secret, "\r\n") != NULL)
		return fct_error_set(err,
		    "user name or secret contains a line break");
	if (net_sasl_choose(cred, offers, s, &mech) == 0)
		rc = authenticate(s, mech, cred, rejected, &caps, err);
	else if (cred->kind == NET_CRED_OAUTH2)
		return fct_error_set(err,
		    "'%s' offers no OAuth2 login (AUTH=OAUTHBEARER or "
		    "AUTH=XOAUTH2)",
		    s->ep.host);
	else
		rc = login_command(s, cred, rejected, err);
	if (rc != 0)
		return -1;
	/* Servers often announce more once logged in; many say so in the
	 * OK itself (Dovecot does), which saves asking. */
	return caps ? 0 : imap_read_capabilities(s, err);
}

int
imap_session_login(struct imap_session *s, const struct net_credential *cred,
    struct fct_error *err)
{
	return net_login_with(cred, login_once, s, err);
}

int
imap_session_authenticate(struct imap_session *s,
    const struct config_account *acct, struct fct_error *err)
{
	return net_login(acct, login_once, s, err);
}
