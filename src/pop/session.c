/*
 * Opening, authenticating, listing and closing a POP3 session.
 *
 * The order of steps is the security argument, as for IMAP and SMTP: TCP;
 * then TLS (implicit, or STLS after a plaintext greeting and CAPA that are
 * read but not believed); then the certificate check in src/net; only then
 * CAPA is read again and credentials may be sent. A server reached by
 * pop:// that does not offer STLS is refused: no plaintext fallback.
 *
 * libetpan does the greeting, STLS (with its check against bytes injected
 * after the +OK, CVE-2020-15953) and USER/PASS. facteur sends CAPA, STAT,
 * LIST and UIDL itself on the session's stream and parses the answers
 * (parse.c): libetpan's LIST cannot be trusted with a hostile server's
 * numbers. Its own lines are marked public in the trace; USER and PASS
 * are marked private by libetpan.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* How much of a server's answer an error message quotes. */
#define TEXT_QUOTE_MAX 300

/* Appends the server's text with control characters replaced, cut. */
static void
add_text(struct strbuf *sb, const char *text)
{
	struct strbuf raw = STRBUF_INIT;
	size_t i;

	for (i = 0; text != NULL && text[i] != '\0' && i < TEXT_QUOTE_MAX; i++)
		strbuf_addch(&raw,
		    ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			? '?'
			: text[i]);
	strbuf_rtrim(&raw);
	if (raw.len == 0)
		strbuf_addstr(&raw, "no reason given");
	fct_utf8_sanitize(sb, raw.buf);
	strbuf_release(&raw);
}

int
pop_refused(struct fct_error *err, const char *text, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addstr(&sb, ": ");
	add_text(&sb, text);
	fct_error_set(err, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

int
pop_lost(struct pop_session *s, struct fct_error *err, const char *what)
{
	s->broken = true;
	return fct_error_set(err, "%s: connection to '%s' lost", what,
	    s->ep.host);
}

const char *
pop_read_line(struct pop_session *s)
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

int
pop_send(struct pop_session *s, const char *cmd, bool flush,
    struct fct_error *err)
{
	mailstream *st = s->pop->pop3_stream;

	if (strpbrk(cmd, "\r\n") != NULL)
		BUG("POP3 command with a line break");
	if (st == NULL || s->broken)
		return pop_lost(s, err, cmd);
	/* libetpan leaves the stream private after PASS. */
	mailstream_set_privacy(st, 1);
	if (mailstream_write(st, cmd, strlen(cmd)) < 0 ||
	    mailstream_write(st, "\r\n", 2) < 0 ||
	    (flush && mailstream_flush(st) < 0))
		return pop_lost(s, err, cmd);
	return 0;
}

int
pop_read_status(struct pop_session *s, const char *cmd, const char **text,
    struct fct_error *err)
{
	const char *line;
	int rc;

	if ((line = pop_read_line(s)) == NULL)
		return pop_lost(s, err, cmd);
	if ((rc = pop_parse_status(line, text)) < 0) {
		s->broken = true;
		return fct_error_set(err, "%s: unreadable answer from '%s'",
		    cmd, s->ep.host);
	}
	return rc;
}

int
pop_command(struct pop_session *s, const char *cmd, const char **text,
    struct fct_error *err)
{
	if (pop_send(s, cmd, true, err) != 0)
		return -1;
	return pop_read_status(s, cmd, text, err);
}

/*
 * Reads the lines of a multi-line answer up to the lone ".", undoing the
 * byte-stuffing, and gives each to fn, which returns -1 to report a bad
 * line: reading goes on to the end so that the stream stays in step, and
 * the first error is kept. Returns -1 with err set on any error.
 */
static int
read_multiline(struct pop_session *s, const char *what,
    int (*fn)(void *arg, const char *line, struct fct_error *err), void *arg,
    struct fct_error *err)
{
	struct fct_error first = FCT_ERROR_INIT;
	const char *line;
	bool bad = false;

	for (;;) {
		if ((line = pop_read_line(s)) == NULL) {
			fct_error_release(&first);
			return pop_lost(s, err, what);
		}
		if (strcmp(line, ".") == 0)
			break;
		if (*line == '.')
			line++;
		if (!bad && fn(arg, line, &first) != 0)
			bad = true;
	}
	if (bad) {
		fct_error_set(err, "%s", fct_error_msg(&first));
		fct_error_release(&first);
		return -1;
	}
	return 0;
}

struct capa {
	unsigned caps;
	char *sasl; /* owned; the SASL line's mechanisms */
};

static int
capa_line(void *arg, const char *line, struct fct_error *err)
{
	struct capa *c = arg;
	unsigned flag = pop_parse_capa_line(line);

	(void)err;
	c->caps |= flag;
	if (flag == POP_CAP_SASL && c->sasl == NULL)
		c->sasl = xstrdup(line + 4);
	return 0;
}

/* CAPA (RFC 2449). A server without it (-ERR) simply announces nothing. */
static int
read_capa(struct pop_session *s, struct fct_error *err)
{
	const char *text;
	struct capa c = { 0, NULL };
	int rc = pop_command(s, "CAPA", &text, err);

	if (rc < 0)
		return -1;
	if (rc == 1) {
		c.caps = POP_CAP_CAPA;
		if (read_multiline(s, "CAPA", capa_line, &c, err) != 0) {
			free(c.sasl);
			return -1;
		}
	}
	s->caps = c.caps | (s->offered_stls ? POP_CAP_STLS : 0);
	free(s->sasl);
	s->sasl = c.sasl;
	return 0;
}

static int
stls(struct pop_session *s, struct fct_error *err)
{
	int r;

	/* With CAPA, STLS must be in it; without, asking is the only way
	 * to know, and a refusal ends here all the same. */
	if ((s->caps & POP_CAP_CAPA) && !(s->caps & POP_CAP_STLS))
		return fct_error_set(err,
		    "'%s' port %u offers no STLS: refusing to continue "
		    "without TLS",
		    s->ep.host, s->ep.port);
	s->offered_stls = (s->caps & POP_CAP_STLS) != 0;
	r = mailpop3_socket_starttls_with_callback(s->pop, net_tls_setup_cb,
	    &s->ep);
	switch (r) {
	case MAILPOP3_NO_ERROR:
		break;
	case MAILPOP3_ERROR_STLS_NOT_SUPPORTED:
		if (s->pop->pop3_response == NULL)
			return pop_lost(s, err, "STLS");
		return fct_error_set(err,
		    "'%s' port %u offers no STLS: refusing to continue "
		    "without TLS",
		    s->ep.host, s->ep.port);
	case MAILPOP3_ERROR_STREAM:
		return pop_lost(s, err, "STLS");
	default:
		s->broken = true;
		if (s->pop->pop3_stream != NULL &&
		    s->pop->pop3_stream->read_buffer_len > 0)
			return fct_error_set(err,
			    "STLS with '%s' failed: the server's STLS answer "
			    "was not clean",
			    s->ep.host);
		return fct_error_set(err,
		    "TLS handshake with '%s' port %u failed", s->ep.host,
		    s->ep.port);
	}
	if (net_tls_verify(s->pop->pop3_stream, &s->ep, err) != 0) {
		s->broken = true;
		return -1;
	}
	s->trusted = true;
	s->offered_stls = true;
	net_stream_set_timeout(s->pop->pop3_stream, &s->ep);
	/* The plaintext CAPA may have been forged: ask again. */
	return read_capa(s, err);
}

static void
trace(mailpop3 *p, int type, const char *buf, size_t len, void *arg)
{
	(void)p;
	net_trace_chunk(arg, type, buf, len);
}

static struct pop_session *
session_new(const char *host, unsigned port, bool implicit_tls,
    const char *ca_file)
{
	struct pop_session *s = xcalloc(1, sizeof *s);

	s->host = xstrdup(host);
	s->ca_file = ca_file != NULL ? xstrdup(ca_file) : NULL;
	s->ep.host = s->host;
	s->ep.port = port;
	s->ep.implicit_tls = implicit_tls;
	s->ep.ca_file = s->ca_file;
	s->ep.timeout = NET_DEFAULT_TIMEOUT;
	if ((s->pop = mailpop3_new(0, NULL)) == NULL ||
	    (s->line = mmap_string_new("")) == NULL)
		fct_fatal("out of memory");
	/* Read when libetpan opens the TLS layer of STLS. */
	mailpop3_set_timeout(s->pop, NET_DEFAULT_TIMEOUT);
	if ((s->trace = net_trace_open("FACTEUR_POP_TRACE")) != NULL)
		mailpop3_set_logger(s->pop, trace, s->trace);
	return s;
}

/* Greeting, CAPA and, unless the stream is TLS already, STLS. The stream
 * transfers, even on failure. */
static int
handshake(struct pop_session *s, mailstream *stream, bool tls,
    struct fct_error *err)
{
	int r;

	s->trusted = tls;
	r = mailpop3_connect(s->pop, stream);
	if (s->pop->pop3_stream == NULL)
		mailstream_close(stream); /* not taken: bad state */
	if (r != MAILPOP3_NO_ERROR) {
		if (s->pop->pop3_response == NULL) {
			s->broken = true;
			return fct_error_set(err, "no POP3 greeting from '%s'",
			    s->ep.host);
		}
		return pop_refused(err, s->pop->pop3_response,
		    "'%s' refused the connection", s->ep.host);
	}
	if (read_capa(s, err) != 0)
		return -1;
	if (!tls && stls(s, err) != 0)
		return -1;
	return 0;
}

int
pop_session_open(const struct config_account *acct, struct pop_session **out,
    struct fct_error *err)
{
	struct pop_session *s;
	mailstream *stream = NULL;

	*out = NULL;
	if (acct->pop.proto != CONFIG_PROTO_POP)
		return fct_error_set(err, "account '%s' has no POP3 server",
		    acct->name);
	s = session_new(acct->pop.host, acct->pop.port, acct->pop.implicit_tls,
	    acct->ca_file);
	if (net_stream_open(&s->ep, &stream, err) != 0 ||
	    handshake(s, stream, s->ep.implicit_tls, err) != 0) {
		pop_session_close(&s);
		return -1;
	}
	*out = s;
	return 0;
}

int
pop_session_attach(mailstream *stream, const char *host, bool tls,
    struct pop_session **out, struct fct_error *err)
{
	struct pop_session *s = session_new(host, 0, tls, NULL);

	*out = NULL;
	if (handshake(s, stream, tls, err) != 0) {
		pop_session_close(&s);
		return -1;
	}
	*out = s;
	return 0;
}

static int
check_arg(const char *what, const char *v, struct fct_error *err)
{
	if (strpbrk(v, "\r\n") != NULL)
		return fct_error_set(err, "%s contains a line break", what);
	if (strlen(v) > POP_MAX_ARG)
		return fct_error_set(err,
		    "%s is too long for POP3 (more than %d bytes)", what,
		    POP_MAX_ARG);
	return 0;
}

int
pop_session_login(struct pop_session *s, const struct net_credential *cred,
    struct fct_error *err)
{
	int r;

	if (!s->trusted || s->broken)
		BUG("login on an untrusted or broken POP3 session");
	if (cred->kind == NET_CRED_OAUTH2) {
		if (pop_auth_oauth(s, cred, &s->auth_rejected, err) != 0)
			return -1;
		s->logged_in = true;
		return read_capa(s, err);
	}
	if (cred->user == NULL || *cred->user == '\0')
		return fct_error_set(err, "no user name to log in to '%s'",
		    s->ep.host);
	if (check_arg("user name", cred->user, err) != 0 ||
	    check_arg("password", cred->secret, err) != 0)
		return -1;
	if ((s->caps & POP_CAP_CAPA) && !(s->caps & POP_CAP_USER))
		return fct_error_set(err,
		    "'%s' does not accept a USER/PASS login", s->ep.host);
	r = mailpop3_login(s->pop, cred->user, cred->secret);
	if (r == MAILPOP3_ERROR_STREAM ||
	    (r != MAILPOP3_NO_ERROR && s->pop->pop3_response == NULL))
		return pop_lost(s, err, "login");
	if (r != MAILPOP3_NO_ERROR)
		return pop_refused(err, s->pop->pop3_response,
		    "login as '%s' failed", cred->user);
	s->logged_in = true;
	/* RFC 2449 6: capabilities may change once logged in. */
	return read_capa(s, err);
}

int
pop_stat(struct pop_session *s, uint32_t *count, uint64_t *size,
    struct fct_error *err)
{
	const char *text;
	int rc;

	if (!s->logged_in)
		BUG("STAT before login");
	if ((rc = pop_command(s, "STAT", &text, err)) < 0)
		return -1;
	if (rc == 0)
		return pop_refused(err, text, "'%s' refused STAT", s->ep.host);
	if (pop_parse_stat(text, count, size) != 0) {
		s->broken = true;
		return fct_error_set(err, "unreadable STAT answer from '%s'",
		    s->ep.host);
	}
	return 0;
}

struct list_state {
	struct pop_session *s;
	struct pop_msg_list *list;
	uint32_t count; /* from STAT: the highest valid number */
};

static int
list_line(void *arg, const char *line, struct fct_error *err)
{
	struct list_state *ls = arg;
	struct pop_msg_list *l = ls->list;
	uint32_t index;
	uint64_t size;

	if (pop_parse_list_line(line, &index, &size) != 0)
		return fct_error_set(err, "unreadable LIST line from '%s'",
		    ls->s->ep.host);
	if (index > ls->count || l->n >= ls->count)
		return fct_error_set(err,
		    "LIST from '%s' names message %u of %u", ls->s->ep.host,
		    index, ls->count);
	FCT_ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n].index = index;
	l->v[l->n].size = size;
	l->v[l->n].uidl = NULL;
	l->n++;
	return 0;
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct pop_msg *ma = a, *mb = b;

	return ma->index < mb->index ? -1 : ma->index > mb->index;
}

static struct pop_msg *
find_msg(struct pop_msg_list *l, uint32_t index)
{
	struct pop_msg key = { index, 0, NULL };

	if (l->n == 0)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof *l->v, msg_cmp);
}

static int
uidl_line(void *arg, const char *line, struct fct_error *err)
{
	struct list_state *ls = arg;
	struct pop_msg *m;
	const char *uid;
	uint32_t index;
	size_t len;

	if (pop_parse_uidl_line(line, &index, &uid, &len) != 0)
		return fct_error_set(err, "unreadable UIDL line from '%s'",
		    ls->s->ep.host);
	if ((m = find_msg(ls->list, index)) == NULL)
		return fct_error_set(err,
		    "UIDL from '%s' names message %u, which LIST did not",
		    ls->s->ep.host, index);
	if (m->uidl != NULL)
		return fct_error_set(err,
		    "UIDL from '%s' names message %u twice", ls->s->ep.host,
		    index);
	m->uidl = xstrndup(uid, len);
	return 0;
}

static int
uidl_cmp(const void *a, const void *b)
{
	const struct pop_msg *const *ma = a, *const *mb = b;

	return strcmp((*ma)->uidl, (*mb)->uidl);
}

/* RFC 1939 7: no two messages of a maildrop share a unique id. */
static int
check_uidls_unique(struct pop_session *s, struct pop_msg_list *l,
    struct fct_error *err)
{
	const struct pop_msg **v;
	size_t i, n = 0;
	int rc = 0;

	if (l->n == 0)
		return 0;
	v = xreallocarray(NULL, l->n, sizeof *v);
	for (i = 0; i < l->n; i++)
		if (l->v[i].uidl != NULL)
			v[n++] = &l->v[i];
	qsort(v, n, sizeof *v, uidl_cmp);
	for (i = 1; i < n && rc == 0; i++)
		if (strcmp(v[i - 1]->uidl, v[i]->uidl) == 0)
			rc = fct_error_set(err,
			    "'%s' gives messages %u and %u the same UIDL",
			    s->ep.host, v[i - 1]->index, v[i]->index);
	free(v);
	return rc;
}

int
pop_list(struct pop_session *s, struct pop_msg_list *list,
    struct fct_error *err)
{
	struct pop_msg_list got = POP_MSG_LIST_INIT;
	struct list_state ls = { s, &got, 0 };
	const char *text;
	uint64_t total;
	size_t i;
	int rc;

	if (pop_stat(s, &ls.count, &total, err) != 0)
		return -1;
	if ((rc = pop_command(s, "LIST", &text, err)) < 0)
		goto fail;
	if (rc == 0) {
		pop_refused(err, text, "'%s' refused LIST", s->ep.host);
		goto fail;
	}
	if (read_multiline(s, "LIST", list_line, &ls, err) != 0)
		goto fail;
	if (got.n > 0)
		qsort(got.v, got.n, sizeof *got.v, msg_cmp);
	for (i = 1; i < got.n; i++)
		if (got.v[i - 1].index == got.v[i].index) {
			fct_error_set(err,
			    "LIST from '%s' names message %u twice", s->ep.host,
			    got.v[i].index);
			goto fail;
		}
	/* Without CAPA, try; a -ERR then only means no unique ids. */
	if (!(s->caps & POP_CAP_CAPA) || (s->caps & POP_CAP_UIDL)) {
		if ((rc = pop_command(s, "UIDL", &text, err)) < 0)
			goto fail;
		if (rc == 1 &&
		    (read_multiline(s, "UIDL", uidl_line, &ls, err) != 0 ||
			check_uidls_unique(s, &got, err) != 0))
			goto fail;
	}
	for (i = 0; i < got.n; i++) {
		FCT_ALLOC_GROW(list->v, list->n + 1, list->alloc);
		list->v[list->n++] = got.v[i];
	}
	free(got.v);
	return 0;
fail:
	pop_msg_list_release(&got);
	return -1;
}

void
pop_msg_list_release(struct pop_msg_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		free(list->v[i].uidl);
	free(list->v);
	list->v = NULL;
	list->n = list->alloc = 0;
}

unsigned
pop_session_caps(const struct pop_session *s)
{
	return s->caps;
}

void
pop_session_close(struct pop_session **sp)
{
	struct pop_session *s = *sp;

	if (s == NULL)
		return;
	if (s->pop->pop3_stream != NULL) {
		/* QUIT commits DELE marks (RFC 1939 6): only without any. */
		if (s->trusted && !s->broken && !s->dele_marked)
			(void)mailpop3_quit(s->pop);
		if (s->pop->pop3_stream != NULL) {
			mailstream_close(s->pop->pop3_stream);
			s->pop->pop3_stream = NULL;
		}
	}
	/* mailpop3_quit frees these; mailpop3_free does not. */
	free(s->pop->pop3_timestamp);
	s->pop->pop3_timestamp = NULL;
	mailpop3_free(s->pop);
	mmap_string_free(s->line);
	if (s->trace != NULL)
		fclose(s->trace);
	free(s->sasl);
	free(s->host);
	free(s->ca_file);
	free(s);
	*sp = NULL;
}
