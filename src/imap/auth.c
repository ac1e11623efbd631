/*
 * Logging in to IMAP: AUTHENTICATE (RFC 3501 6.2.2) written by hand for
 * PLAIN, OAUTHBEARER and XOAUTH2, and LOGIN for servers that offer no
 * PLAIN.
 *
 * Why by hand. libetpan's mailimap_authenticate goes through Cyrus SASL
 * (plugins that may be missing at run time, no SASL-IR), and its XOAUTH2
 * throws the server's error report away; OAUTHBEARER it does not know.
 * The mechanisms here speak once (src/net/sasl.c builds the message): with
 * SASL-IR (RFC 4959) the message goes on the command line, else after the
 * server's empty "+" continuation. Any later "+" carries an error report
 * (OAuth, RFC 7628 3.2.2): it is kept for the error message and answered
 * as the mechanism requires, and the tagged NO follows.
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

/*
 * AUTHENTICATE with mech. *caps is set when the tagged OK carried the new
 * capabilities ([CAPABILITY ...], which libetpan keeps): no need to ask.
 */
static int
authenticate(struct imap_session *s, enum net_sasl_mech mech,
    const struct net_credential *cred, bool *rejected, bool *caps,
    struct fct_error *err)
{
	struct strbuf ir = STRBUF_INIT, line = STRBUF_INIT, why = STRBUF_INIT;
	struct strbuf text = STRBUF_INIT;
	struct mailimap_response *resp = NULL;
	struct mailimap_resp_text_code *code;
	const char *name = net_sasl_name(mech);
	bool sent = false, ok;
	int r, rc = -1, challenges = 0;

	if (net_sasl_initial(mech, cred, s->ep.host, s->ep.port, &ir, err) != 0)
		return -1;
	if (mailimap_has_extension(s->imap, "SASL-IR")) {
		strbuf_addf(&line, "AUTHENTICATE %s ", name);
		strbuf_add(&line, ir.buf, ir.len);
		strbuf_addstr(&line, "\r\n");
		if (send_line(s, true, line.buf, true, err) != 0)
			goto out;
		sent = true;
	} else {
		strbuf_addf(&line, "AUTHENTICATE %s\r\n", name);
		if (send_line(s, true, line.buf, false, err) != 0)
			goto out;
	}
	for (;;) {
		if (mailimap_read_line(s->imap) == NULL) {
			imap_error(s, MAILIMAP_ERROR_STREAM, err,
			    "login as '%s' failed", cred->user);
			goto out;
		}
		if (s->imap->imap_stream_buffer->str[0] != '+')
			break;
		strbuf_setlen(&text, 0);
		continuation_text(s->imap->imap_stream_buffer->str, &text);
		net_sasl_wipe(&line);
		if (!sent) {
			/* The server's go-ahead: the message now. */
			strbuf_add(&line, ir.buf, ir.len);
			strbuf_addstr(&line, "\r\n");
			sent = true;
		} else if (challenges++ == 0 && mech != NET_SASL_PLAIN) {
			/* An OAuth error report: keep it, acknowledge it. */
			net_sasl_describe_challenge(&why, text.buf);
			strbuf_addf(&line, "%s\r\n",
			    net_sasl_error_reply(mech));
		} else {
			/* More than these mechanisms ever ask: cancel. */
			strbuf_addstr(&line, "*\r\n");
		}
		if (send_line(s, false, line.buf, true, err) != 0)
			goto out;
	}
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
	if (why.len > 0) {
		strbuf_setlen(&text, 0);
		strbuf_addf(&text, "%s%s", fct_error_msg(err), why.buf);
		fct_error_set(err, "%s", text.buf);
	}
out:
	if (resp != NULL)
		mailimap_response_free(resp);
	net_sasl_wipe(&ir);
	net_sasl_wipe(&line);
	strbuf_release(&why);
	strbuf_release(&text);
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

static int
login_once(struct imap_session *s, const struct net_credential *cred,
    bool *rejected, struct fct_error *err)
{
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
	bool rejected;

	return login_once(s, cred, &rejected, err);
}

static int
login_cb(void *session, const struct net_credential *cred, bool *rejected,
    struct fct_error *err)
{
	return login_once(session, cred, rejected, err);
}

int
imap_session_authenticate(struct imap_session *s,
    const struct config_account *acct, struct fct_error *err)
{
	return net_login(acct, login_cb, s, err);
}
