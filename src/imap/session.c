/*
 * Opening, authenticating and closing an IMAP session.
 *
 * The order of steps is the security argument: TCP; then TLS (implicit, or
 * STARTTLS after a plaintext greeting that is read but not believed); then
 * the certificate check in src/net; only then capabilities are re-read (the
 * pre-TLS list may have been forged) and credentials may be sent. A server
 * reached by imap:// that does not offer STARTTLS is refused: there is no
 * plaintext fallback.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/imap.h"
#include "private.h"

static const char *
response_text(struct imap_session *s)
{
	if (s->imap->imap_response != NULL && *s->imap->imap_response != '\0')
		return s->imap->imap_response;
	return "no reason given";
}

int
imap_read_capabilities(struct imap_session *s, struct fct_error *err)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	r = mailimap_capability(s->imap, &cap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot read the capabilities");
	mailimap_capability_data_free(cap);
	return 0;
}

static int
greet(struct imap_session *s, mailstream *stream, struct fct_error *err)
{
	int r;

	r = mailimap_connect(s->imap, stream);
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED && !s->ep.implicit_tls)
		/* PREAUTH before TLS: we could never upgrade. */
		return fct_error_set(err,
		    "'%s' greeted with PREAUTH before TLS: refusing to use it",
		    s->ep.host);
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return imap_error(s, r, err, "no IMAP greeting from '%s'",
		    s->ep.host);
	return 0;
}

static int
starttls(struct imap_session *s, struct fct_error *err)
{
	int r;

	if (imap_read_capabilities(s, err) != 0)
		return -1;
	if (!mailimap_has_extension(s->imap, "STARTTLS"))
		return fct_error_set(err,
		    "'%s' port %u offers no STARTTLS: refusing to continue "
		    "without TLS",
		    s->ep.host, s->ep.port);
	r = mailimap_socket_starttls_with_callback(s->imap, net_tls_setup_cb,
	    &s->ep);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "STARTTLS with '%s' failed",
		    s->ep.host);
	if (net_tls_verify(s->imap->imap_stream, &s->ep, err) != 0)
		return -1;
	s->trusted = true;
	net_stream_set_timeout(s->imap->imap_stream, &s->ep);
	return 0;
}

/*
 * The protocol trace, when FACTEUR_IMAP_TRACE names a file: what was sent
 * and received, with credentials (libetpan marks LOGIN and AUTHENTICATE as
 * private) replaced by a placeholder. libetpan hands over raw chunks, not
 * lines, so each chunk is prefixed where it starts.
 */
static void
trace(mailimap *imap, int type, const char *buf, size_t len, void *arg)
{
	FILE *fp = arg;

	switch (type) {
	case MAILSTREAM_LOG_TYPE_DATA_RECEIVED:
		fputs("S: ", fp);
		fwrite(buf, 1, len, fp);
		break;
	case MAILSTREAM_LOG_TYPE_DATA_SENT:
		fputs("C: ", fp);
		fwrite(buf, 1, len, fp);
		break;
	case MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE:
		fputs("C: <credentials hidden>\n", fp);
		break;
	default:
		return;
	}
	if (len > 0 && buf[len - 1] != '\n')
		fputc('\n', fp);
	fflush(fp);
}

static void
trace_start(struct imap_session *s)
{
	const char *path = getenv("FACTEUR_IMAP_TRACE");

	if (path == NULL || *path == '\0')
		return;
	if ((s->trace = fopen(path, "ae")) == NULL)
		return; /* a trace is a debugging aid, never a reason to fail */
	mailimap_set_logger(s->imap, trace, s->trace);
}

int
imap_session_open(const struct config_account *acct, struct imap_session **out,
    struct fct_error *err)
{
	struct imap_session *s;
	mailstream *stream = NULL;

	*out = NULL;
	if (acct->imap.proto != CONFIG_PROTO_IMAP)
		return fct_error_set(err, "account '%s' has no IMAP server",
		    acct->name);
	s = xcalloc(1, sizeof *s);
	s->host = xstrdup(acct->imap.host);
	s->ca_file = acct->ca_file != NULL ? xstrdup(acct->ca_file) : NULL;
	s->ep.host = s->host;
	s->ep.port = acct->imap.port;
	s->ep.implicit_tls = acct->imap.implicit_tls;
	s->ep.ca_file = s->ca_file;
	s->ep.timeout = NET_DEFAULT_TIMEOUT;
	if ((s->imap = mailimap_new(0, NULL)) == NULL)
		fct_fatal("out of memory");
	trace_start(s);
	if (net_stream_open(&s->ep, &stream, err) != 0)
		goto fail;
	/* mailimap_connect takes the stream, even when it fails. */
	s->trusted = s->ep.implicit_tls; /* net_stream_open verified it */
	if (greet(s, stream, err) != 0)
		goto fail;
	if (!s->ep.implicit_tls && starttls(s, err) != 0)
		goto fail;
	if (imap_read_capabilities(s, err) != 0)
		goto fail;
	*out = s;
	return 0;
fail:
	imap_session_close(&s);
	return -1;
}

bool
imap_session_broken(const struct imap_session *s)
{
	return s == NULL || s->broken || s->imap->imap_stream == NULL;
}

bool
imap_session_has_capability(struct imap_session *s, const char *name)
{
	return mailimap_has_extension(s->imap, name) != 0;
}

void
imap_session_close(struct imap_session **sp)
{
	struct imap_session *s = *sp;

	if (s == NULL)
		return;
	if (s->imap != NULL) {
		/* Say nothing more to a peer that failed verification, nor
		 * on a broken stream or in the middle of IDLE. */
		if (s->imap->imap_stream != NULL && s->trusted && !s->broken &&
		    !s->idling)
			(void)mailimap_logout(s->imap);
		if (s->imap->imap_stream != NULL) {
			/* mailimap_free would send LOGOUT itself. */
			mailstream_close(s->imap->imap_stream);
			s->imap->imap_stream = NULL;
		}
		mailimap_free(s->imap);
	}
	if (s->trace != NULL)
		fclose(s->trace);
	if (s->ns != NULL)
		mailimap_namespace_data_free(s->ns);
	free(s->host);
	free(s->ca_file);
	free(s);
	*sp = NULL;
}

int
imap_error(struct imap_session *s, int r, struct fct_error *err,
    const char *fmt, ...)
{
	va_list ap;
	char *what;

	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		s->broken = true;
		fct_error_set(err, "%s: connection to '%s' lost", what,
		    s->ep.host);
		break;
	case MAILIMAP_ERROR_PARSE:
		/* The stream is out of step (libetpan #90): reconnect. */
		s->broken = true;
		fct_error_set(err, "%s: unreadable answer from '%s'", what,
		    s->ep.host);
		break;
	case MAILIMAP_ERROR_STARTTLS:
		fct_error_set(err,
		    "%s: the server's STARTTLS answer was not "
		    "clean",
		    what);
		break;
	default:
		fct_error_set(err, "%s: %s", what, response_text(s));
		break;
	}
	free(what);
	return -1;
}

int
imap_session_attach(mailstream *stream, const char *host,
    struct imap_session **out, struct fct_error *err)
{
	struct imap_session *s = xcalloc(1, sizeof *s);
	int r;

	*out = NULL;
	s->host = xstrdup(host);
	s->ep.host = s->host;
	s->ep.timeout = NET_DEFAULT_TIMEOUT;
	if ((s->imap = mailimap_new(0, NULL)) == NULL)
		fct_fatal("out of memory");
	trace_start(s);
	r = mailimap_connect(s->imap, stream);
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		imap_error(s, r, err, "no IMAP greeting from '%s'", host);
		imap_session_close(&s);
		return -1;
	}
	s->imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	s->trusted = true;
	*out = s;
	return 0;
}
