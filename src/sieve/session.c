/*
 * The ManageSieve session (RFC 5804): connect, STARTTLS with a verified
 * certificate, AUTHENTICATE (SASL PLAIN for a password, OAUTHBEARER or
 * XOAUTH2 for an OAuth2 token, through src/net/sasl.c and net_login, as
 * IMAP, SMTP and POP3 do), CHECKSCRIPT, PUTSCRIPT, SETACTIVE, LOGOUT.
 *
 * Design. The protocol is line-based, like IMAP's simplest corner: the
 * server answers each command with any number of data lines and then a
 * line that starts with OK, NO or BYE, optionally followed by a response
 * code in parentheses and a human-readable string (quoted, or a literal
 * {N} whose bytes follow on the next lines). libetpan has no ManageSieve
 * client, so this file speaks it over libetpan's mailstream (for its
 * buffered, timed reads and its TLS), the way the SMTP and IMAP layers do.
 *
 * STARTTLS: after the server's OK, any byte already buffered would be
 * plaintext injected before the handshake (the CVE-2011-0411 family): the
 * session is refused. The TLS layer replaces the socket layer on the same
 * descriptor, the certificate is verified (net_tls_verify) before anything
 * else, and the capabilities the server sends again over TLS replace the
 * plaintext ones, which could have been tampered with. Credentials are
 * sent only after that.
 *
 * The client sends scripts as non-synchronizing literals ({N+}), which
 * RFC 5804 requires servers to accept.
 *
 * AUTHENTICATE sends the initial response with the command (RFC 5804 2.1
 * allows it). A string the server sends back before its OK or NO is a
 * challenge, which with these one-message mechanisms is an OAuth error
 * report: it is acknowledged as the mechanism requires and quoted in the
 * error. A NO is the credential refused: net_login then asks the token
 * command once more for a fresh token, on the same session.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "private.h"

struct sieve_session {
	mailstream *stream;
	struct net_endpoint ep; /* strings borrowed from the configuration */
	MMAPString *line;
	struct strbuf ext;  /* " fileinto imap4flags ... ": SIEVE capability */
	bool starttls;      /* offered */
	struct strbuf sasl; /* " PLAIN OAUTHBEARER ": SASL capability */
};

/* RESP_STRING: a string alone on its line (an AUTHENTICATE challenge). */
enum resp { RESP_OK, RESP_NO, RESP_BYE, RESP_STRING };

static int
lost(struct sieve_session *s, struct fct_error *err)
{
	return fct_error_set(err,
	    "connection to ManageSieve server '%s' lost or timed out",
	    s->ep.host);
}

static int
send_text(struct sieve_session *s, const char *text, size_t len,
    struct fct_error *err)
{
	if (mailstream_write(s->stream, text, len) != (ssize_t)len ||
	    mailstream_flush(s->stream) != 0)
		return lost(s, err);
	return 0;
}

static int
send_str(struct sieve_session *s, const char *text, struct fct_error *err)
{
	return send_text(s, text, strlen(text), err);
}

/* A quoted string at *p (the opening quote) into out; moves *p past it. */
static int
parse_quoted(const char **p, struct strbuf *out)
{
	const char *c = *p + 1;

	for (; *c != '\0' && *c != '"'; c++) {
		if (*c == '\\' && (c[1] == '"' || c[1] == '\\'))
			c++;
		strbuf_addch(out, *c);
	}
	if (*c != '"')
		return -1;
	*p = c + 1;
	return 0;
}

/* Reads n bytes of a literal into out, then the end of its line. */
static int
read_literal(struct sieve_session *s, size_t n, struct strbuf *out,
    struct fct_error *err)
{
	char buf[4096];
	ssize_t r;
	size_t want;

	if (n > 1024 * 1024)
		return fct_error_set(err,
		    "ManageSieve server '%s' sent a %zu-byte literal",
		    s->ep.host, n);
	while (n > 0) {
		want = n < sizeof buf ? n : sizeof buf;
		if ((r = mailstream_read(s->stream, buf, want)) <= 0)
			return lost(s, err);
		strbuf_add(out, buf, (size_t)r);
		n -= (size_t)r;
	}
	if (mailstream_read_line_remove_eol(s->stream, s->line) == NULL)
		return lost(s, err);
	return 0;
}

/*
 * The string at p (quoted, or a literal announced as {N} or {N+} at the
 * end of the line) into out.
 */
static int
read_string(struct sieve_session *s, const char *p, struct strbuf *out,
    struct fct_error *err)
{
	char *end;
	unsigned long n;

	if (*p == '"') {
		if (parse_quoted(&p, out) != 0)
			return fct_error_set(err,
			    "ManageSieve server '%s' sent an unterminated "
			    "string",
			    s->ep.host);
		return 0;
	}
	if (*p == '{') {
		n = strtoul(p + 1, &end, 10);
		if (end == p + 1 || (*end != '}' && strcmp(end, "+}") != 0))
			return fct_error_set(err,
			    "ManageSieve server '%s' sent a bad literal",
			    s->ep.host);
		return read_literal(s, n, out, err);
	}
	return 0;
}

/* A capability line: "NAME" ["VALUE"]. */
static void
capability(struct sieve_session *s, const char *p)
{
	struct strbuf name = STRBUF_INIT, value = STRBUF_INIT;

	if (parse_quoted(&p, &name) != 0)
		goto out;
	while (*p == ' ')
		p++;
	if (*p == '"' && parse_quoted(&p, &value) != 0)
		goto out;
	if (strcasecmp(name.buf, "STARTTLS") == 0)
		s->starttls = true;
	else if (strcasecmp(name.buf, "SASL") == 0) {
		/* Space-separated mechanism names. */
		strbuf_reset(&s->sasl);
		strbuf_addf(&s->sasl, " %s ", value.buf);
	} else if (strcasecmp(name.buf, "SIEVE") == 0) {
		strbuf_reset(&s->ext);
		strbuf_addf(&s->ext, " %s ", value.buf);
	}
out:
	strbuf_release(&name);
	strbuf_release(&value);
}

/*
 * Reads lines up to the response (OK, NO, BYE), taking capability lines
 * when caps; the response's text in *text (may be NULL). With strings
 * (AUTHENTICATE), a string line is a challenge instead: *resp is
 * RESP_STRING and *text the string.
 */
static int read_response_ex(struct sieve_session *s, bool caps, bool strings,
    enum resp *resp, struct strbuf *text, struct fct_error *err);

static int
read_response(struct sieve_session *s, bool caps, enum resp *resp,
    struct strbuf *text, struct fct_error *err)
{
	return read_response_ex(s, caps, false, resp, text, err);
}

static int
read_response_ex(struct sieve_session *s, bool caps, bool strings,
    enum resp *resp, struct strbuf *text, struct fct_error *err)
{
	struct strbuf tmp = STRBUF_INIT;
	const char *line, *p;
	size_t wlen;
	int rc = 0;

	if (text == NULL)
		text = &tmp;
	for (;;) {
		line = mailstream_read_line_remove_eol(s->stream, s->line);
		if (line == NULL) {
			rc = lost(s, err);
			break;
		}
		if (strings && (line[0] == '"' || line[0] == '{')) {
			char *str = xstrdup(line);

			*resp = RESP_STRING;
			rc = read_string(s, str, text, err);
			free(str);
			break;
		}
		if (line[0] == '"') {
			if (caps)
				capability(s, line);
			continue;
		}
		wlen = strcspn(line, " ");
		if (wlen == 2 && strncasecmp(line, "OK", 2) == 0)
			*resp = RESP_OK;
		else if (wlen == 2 && strncasecmp(line, "NO", 2) == 0)
			*resp = RESP_NO;
		else if (wlen == 3 && strncasecmp(line, "BYE", 3) == 0)
			*resp = RESP_BYE;
		else {
			rc = fct_error_set(err,
			    "ManageSieve server '%s' sent an unexpected "
			    "line",
			    s->ep.host);
			break;
		}
		p = line + wlen;
		while (*p == ' ')
			p++;
		if (*p == '(') {
			/* A response code, e.g. (WARNINGS) or
			 * (NONEXISTENT): kept in the text for the user. */
			const char *close = strchr(p, ')');

			if (close == NULL)
				close = p + strlen(p) - 1;
			strbuf_add(text, p, (size_t)(close - p + 1));
			strbuf_addch(text, ' ');
			p = close + 1;
			while (*p == ' ')
				p++;
		}
		/* line is s->line's buffer: copy before reading more. */
		{
			char *rest = xstrdup(p);

			rc = read_string(s, rest, text, err);
			free(rest);
		}
		break;
	}
	strbuf_release(&tmp);
	return rc;
}

/* Runs a command whose answer is just a response; 0 on OK. */
static int
expect_ok(struct sieve_session *s, bool caps, const char *what,
    struct fct_error *err)
{
	struct strbuf text = STRBUF_INIT;
	enum resp r = RESP_BYE;
	int rc;

	if ((rc = read_response(s, caps, &r, &text, err)) == 0 && r != RESP_OK)
		rc = fct_error_set(err, "ManageSieve server '%s' %s: %s",
		    s->ep.host, what,
		    text.len > 0 ? text.buf : "no reason given");
	strbuf_release(&text);
	return rc;
}

static int
starttls(struct sieve_session *s, struct fct_error *err)
{
	mailstream_low *low, *tls;
	int fd;

	if (!s->starttls)
		return fct_error_set(err,
		    "ManageSieve server '%s' port %u offers no STARTTLS: "
		    "refusing to continue in plaintext",
		    s->ep.host, s->ep.port);
	if (send_str(s, "STARTTLS\r\n", err) != 0 ||
	    expect_ok(s, false, "refused STARTTLS", err) != 0)
		return -1;
	if (s->stream->read_buffer_len != 0)
		return fct_error_set(err,
		    "ManageSieve server '%s': data after the STARTTLS "
		    "answer (injection?): refusing",
		    s->ep.host);
	low = mailstream_get_low(s->stream);
	fd = mailstream_low_get_fd(low);
	tls = mailstream_low_tls_open_with_callback_timeout(fd,
	    s->ep.timeout > 0 ? s->ep.timeout : NET_DEFAULT_TIMEOUT,
	    net_tls_setup_cb, &s->ep);
	if (tls == NULL)
		return fct_error_set(err,
		    "TLS with ManageSieve server '%s' failed (handshake or "
		    "certificate)",
		    s->ep.host);
	mailstream_low_free(low);
	mailstream_set_low(s->stream, tls);
	if (net_tls_verify(s->stream, &s->ep, err) != 0)
		return -1;
	/* What was said in plaintext no longer counts (RFC 5804 2.2). */
	s->starttls = false;
	strbuf_reset(&s->sasl);
	strbuf_reset(&s->ext);
	return expect_ok(s, true, "failed after STARTTLS", err);
}

static bool
offers(void *arg, const char *mech)
{
	const struct sieve_session *s = arg;
	char *word = xasprintf(" %s ", mech);
	bool has = s->sasl.len > 0 && strcasestr(s->sasl.buf, word) != NULL;

	free(word);
	return has;
}

/* An AUTHENTICATE under way, for the net_sasl_io callbacks: the final
 * answer and its text. */
struct auth_io {
	struct sieve_session *s;
	enum resp r;
	struct strbuf text;
};

static int
io_send(void *arg, const char *response, struct fct_error *err)
{
	struct auth_io *a = arg;

	return send_str(a->s, response, err);
}

/* A string alone on its line is a challenge. */
static int
io_read(void *arg, struct strbuf *challenge, struct fct_error *err)
{
	struct auth_io *a = arg;

	strbuf_reset(&a->text);
	if (read_response_ex(a->s, false, true, &a->r, &a->text, err) != 0)
		return -1;
	if (a->r != RESP_STRING)
		return 0;
	strbuf_add(challenge, a->text.buf, a->text.len);
	return 1;
}

static const struct net_sasl_io auth_io_ops = {
	.send = io_send,
	.read = io_read,
	.quoted = true,
};

/* One AUTHENTICATE with cred: a net_login_fn. */
static int
authenticate(void *session, const struct net_credential *cred, bool *rejected,
    struct fct_error *err)
{
	struct sieve_session *s = session;
	struct net_sasl_exchange x;
	struct strbuf cmd = STRBUF_INIT;
	struct auth_io a = { .s = s, .r = RESP_BYE, .text = STRBUF_INIT };
	enum net_sasl_mech mech;
	int rc = -1;

	*rejected = false;
	if (net_sasl_choose(cred, offers, s, &mech) != 0)
		return fct_error_set(err,
		    "ManageSieve server '%s' offers no SASL %s", s->ep.host,
		    cred->kind == NET_CRED_OAUTH2
			? "OAUTHBEARER or XOAUTH2 for an OAuth2 token"
			: "PLAIN for a password");
	if (net_sasl_exchange_init(&x, mech, cred, s->ep.host, s->ep.port,
		err) != 0)
		goto out;
	strbuf_addf(&cmd, "AUTHENTICATE \"%s\" \"", net_sasl_name(mech));
	strbuf_add(&cmd, x.ir.buf, x.ir.len);
	strbuf_addstr(&cmd, "\"\r\n");
	x.ir_sent = true;
	if (send_text(s, cmd.buf, cmd.len, err) != 0 ||
	    net_sasl_exchange_run(&x, &auth_io_ops, &a, err) != 0)
		goto out;
	if (a.r == RESP_OK) {
		rc = 0;
		goto out;
	}
	*rejected = a.r == RESP_NO;
	fct_error_set(err,
	    "ManageSieve server '%s' refused the login as '%s': %s%s",
	    s->ep.host, cred->user,
	    a.text.len > 0 ? a.text.buf : "no reason given", x.why.buf);
out:
	net_sasl_exchange_release(&x);
	net_sasl_wipe(&cmd);
	strbuf_release(&a.text);
	return rc;
}

int
sieve_session_login(struct sieve_session *s, const struct config_account *acct,
    struct fct_error *err)
{
	return net_login(acct, authenticate, s, err);
}

int
sieve_session_greet(mailstream *stream, const struct net_endpoint *ep,
    struct sieve_session **out, struct fct_error *err)
{
	struct sieve_session *s = xcalloc(1, sizeof *s);

	*out = NULL;
	strbuf_init(&s->ext, 0);
	strbuf_init(&s->sasl, 0);
	s->ep = *ep;
	s->stream = stream;
	s->line = mmap_string_new("");
	if (expect_ok(s, true, "refused the connection", err) != 0) {
		mailstream_close(s->stream);
		s->stream = NULL;
		sieve_session_close(&s);
		return -1;
	}
	*out = s;
	return 0;
}

int
sieve_session_attach(mailstream *stream, const struct net_endpoint *ep,
    const struct config_account *acct, struct sieve_session **out,
    struct fct_error *err)
{
	struct sieve_session *s;

	*out = NULL;
	if (sieve_session_greet(stream, ep, &s, err) != 0)
		return -1;
	if (starttls(s, err) != 0 || sieve_session_login(s, acct, err) != 0) {
		/* Not a polite LOGOUT: the session never got that far. */
		mailstream_close(s->stream);
		s->stream = NULL;
		sieve_session_close(&s);
		return -1;
	}
	*out = s;
	return 0;
}

int
sieve_session_open(const struct config_account *acct,
    struct sieve_session **out, struct fct_error *err)
{
	struct net_endpoint ep;
	mailstream *stream = NULL;

	*out = NULL;
	if (acct->sieve.proto != CONFIG_PROTO_SIEVE)
		return fct_error_set(err,
		    "account '%s' has no ManageSieve server (set 'sieve = "
		    "sieve://HOST')",
		    acct->name);
	memset(&ep, 0, sizeof ep);
	ep.host = acct->sieve.host;
	ep.port = acct->sieve.port;
	ep.implicit_tls = false;
	ep.ca_file = acct->ca_file;
	if (net_stream_open(&ep, &stream, err) != 0)
		return -1;
	net_stream_set_timeout(stream, &ep);
	return sieve_session_attach(stream, &ep, acct, out, err);
}

bool
sieve_session_has_extension(const struct sieve_session *s, const char *ext)
{
	char *word = xasprintf(" %s ", ext);
	bool has = strstr(s->ext.buf, word) != NULL;

	free(word);
	return has;
}

/* `VERB ["NAME" ]{N+}CRLF SCRIPT CRLF`, or without the script. */
static int
command(struct sieve_session *s, const char *verb, const char *name,
    const char *script, size_t len, const char *what, struct fct_error *err)
{
	struct strbuf cmd = STRBUF_INIT;
	const char *c;
	int rc;

	strbuf_addstr(&cmd, verb);
	if (name != NULL) {
		strbuf_addstr(&cmd, " \"");
		for (c = name; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				strbuf_addch(&cmd, '\\');
			strbuf_addch(&cmd, *c);
		}
		strbuf_addch(&cmd, '"');
	}
	if (script != NULL)
		strbuf_addf(&cmd, " {%zu+}\r\n", len);
	else
		strbuf_addstr(&cmd, "\r\n");
	rc = send_text(s, cmd.buf, cmd.len, err);
	if (rc == 0 && script != NULL)
		rc = send_text(s, script, len, err);
	if (rc == 0 && script != NULL)
		rc = send_str(s, "\r\n", err);
	if (rc == 0)
		rc = expect_ok(s, false, what, err);
	strbuf_release(&cmd);
	return rc;
}

int
sieve_session_install(struct sieve_session *s, const char *name,
    const char *script, size_t len, struct fct_error *err)
{
	if (strpbrk(name, "\r\n") != NULL)
		return fct_error_set(err, "bad script name '%s'", name);
	if (command(s, "CHECKSCRIPT", NULL, script, len, "refused the script",
		err) != 0 ||
	    command(s, "PUTSCRIPT", name, script, len,
		"refused to store the script", err) != 0 ||
	    command(s, "SETACTIVE", name, NULL, 0,
		"refused to activate the script", err) != 0)
		return -1;
	return 0;
}

void
sieve_session_close(struct sieve_session **sp)
{
	struct sieve_session *s = *sp;
	struct fct_error err = FCT_ERROR_INIT;
	enum resp r;

	if (s == NULL)
		return;
	if (s->stream != NULL) {
		if (send_str(s, "LOGOUT\r\n", &err) == 0)
			(void)read_response(s, false, &r, NULL, &err);
		mailstream_close(s->stream);
	}
	fct_error_release(&err);
	if (s->line != NULL)
		mmap_string_free(s->line);
	strbuf_release(&s->ext);
	strbuf_release(&s->sasl);
	free(s);
	*sp = NULL;
}
