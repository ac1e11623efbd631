/*
 * Waiting for news: IDLE (RFC 2177) started by hand, NOOP for servers
 * without it, STATUS for the counts of folders not selected, and the one
 * call another thread may make on a session, imap_session_cancel.
 *
 * Why IDLE by hand. libetpan's mailimap_idle sends IDLE and expects the
 * very next line to be the "+" continuation. A server may send untagged
 * data first (RFC 2177 allows it; "* 3 EXISTS" just before "+ idling" is
 * the usual case), and then libetpan 1.9.4 waits out the whole stream
 * timeout and fails (libetpan #393). imap_idle_start instead reads line
 * after line until the continuation, keeping every untagged line it saw,
 * literals included, and hands them back to libetpan as described next.
 *
 * How the kept lines are read. libetpan's response parser reads the
 * stream one line at a time: the caller reads the first line into the
 * session's buffer, and after each untagged response the parser reads the
 * next one itself. So the lines that came before the "+" are pushed back
 * into the front of the stream's read buffer, ahead of anything that
 * arrived after them. To libetpan they then simply come first in the
 * answer to DONE, which is parsed up to the IDLE command's tagged OK like
 * any other response; imap_harvest collects the news.
 *
 * Waiting. Between start and done the caller polls imap_idle_fd() beside
 * its own wake-up descriptors. Bytes that libetpan already pulled into its
 * read buffer (or that came before the "+") are invisible to poll(), so
 * imap_idle_pending() must be asked first.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/imap.h"
#include "private.h"

/* Bounds a literal sent before the "+" (it must fit libetpan's 8 KiB read
 * buffer to be pushed back anyway; see push_back). */
#define LITERAL_MAX (64 * 1024)

/* A stream failure: the session is finished. */
static int
lost(struct imap_session *s, struct fct_error *err, const char *what)
{
	return imap_error(s, MAILIMAP_ERROR_STREAM, err, "%s", what);
}

static int
send_line(struct imap_session *s, const char *line, bool tagged,
    struct fct_error *err, const char *what)
{
	mailstream *st = s->imap->imap_stream;
	size_t len = strlen(line);

	if (st == NULL)
		return lost(s, err, what);
	if (tagged && mailimap_send_current_tag(s->imap) != MAILIMAP_NO_ERROR)
		return lost(s, err, what);
	if (mailstream_write(st, line, len) != (ssize_t)len ||
	    mailstream_flush(st) != 0)
		return lost(s, err, what);
	return 0;
}

/*
 * The size of the literal that ends the line "... {N}\r\n" (or {N+}), or
 * -1 when the line ends otherwise.
 */
static long long
literal_size(const char *line, size_t len)
{
	size_t end = len, i;
	long long n = 0;

	while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r'))
		end--;
	if (end < 3 || line[end - 1] != '}')
		return -1;
	i = end - 1;
	if (line[i - 1] == '+')
		i--;
	if (i == 0)
		return -1;
	end = i;
	while (i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9')
		i--;
	if (i == end || i == 0 || line[i - 1] != '{' || end - i > 10)
		return -1;
	for (; i < end; i++)
		n = n * 10 + (line[i] - '0');
	return n;
}

/*
 * Reads one response line into the session's buffer and appends it, with
 * the literals it announces and the rest of the line after each, to out.
 */
static int
read_response_line(struct imap_session *s, struct strbuf *out,
    struct fct_error *err)
{
	MMAPString *buf;
	long long n;
	ssize_t got;
	char chunk[4096];

	for (;;) {
		if (mailimap_read_line(s->imap) == NULL)
			return lost(s, err, "cannot read the server's answer");
		buf = s->imap->imap_stream_buffer;
		strbuf_add(out, buf->str, buf->len);
		if ((n = literal_size(buf->str, buf->len)) < 0)
			return 0;
		if (n > LITERAL_MAX) {
			s->broken = true;
			return fct_error_set(err,
			    "'%s' sent a literal of %lld bytes while idling",
			    s->ep.host, n);
		}
		while (n > 0) {
			got = mailstream_read(s->imap->imap_stream, chunk,
			    n < (long long)sizeof chunk ? (size_t)n
							: sizeof chunk);
			if (got <= 0)
				return lost(s, err,
				    "cannot read the server's answer");
			strbuf_add(out, chunk, (size_t)got);
			n -= got;
		}
	}
}

/*
 * Puts back len bytes in front of the stream's read buffer, so that they
 * are read again before anything else. Fails when they do not fit beside
 * what the buffer holds already.
 */
static int
push_back(struct imap_session *s, const char *data, size_t len,
    struct fct_error *err)
{
	mailstream *st = s->imap->imap_stream;

	if (len == 0)
		return 0;
	if (len > st->buffer_max_size - st->read_buffer_len) {
		s->broken = true;
		return fct_error_set(err, "'%s' sent too much before idling",
		    s->ep.host);
	}
	memmove(st->read_buffer + len, st->read_buffer, st->read_buffer_len);
	memcpy(st->read_buffer, data, len);
	st->read_buffer_len += len;
	return 0;
}

/*
 * Reads and parses the rest of a command's answer, up to its tagged
 * status, as libetpan's own commands do. Returns a libetpan status; *ok
 * tells whether the tagged status was OK.
 */
static int
parse_answer(struct imap_session *s, bool *ok)
{
	struct mailimap_response *resp = NULL;
	int r;

	*ok = false;
	if (mailimap_read_line(s->imap) == NULL)
		return MAILIMAP_ERROR_STREAM;
	r = mailimap_parse_response(s->imap, &resp);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	*ok =
	    resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type ==
	    MAILIMAP_RESP_COND_STATE_OK;
	mailimap_response_free(resp);
	return MAILIMAP_NO_ERROR;
}

static const char *
server_words(struct imap_session *s)
{
	if (s->imap->imap_response != NULL && *s->imap->imap_response != '\0')
		return s->imap->imap_response;
	return "no reason given";
}

/* Unsolicited FETCH responses the last command left behind. */
static void
count_fetches(struct imap_session *s, struct imap_changes *ch)
{
	struct mailimap_response_info *ri = s->imap->imap_response_info;

	if (ch != NULL && ri != NULL && ri->rsp_fetch_list != NULL)
		ch->fetched += (unsigned)clist_count(ri->rsp_fetch_list);
}

bool
imap_has_idle(struct imap_session *s)
{
	return mailimap_has_idle(s->imap) != 0;
}

int
imap_idle_start(struct imap_session *s, struct fct_error *err)
{
	struct strbuf early = STRBUF_INIT, line = STRBUF_INIT;
	bool ok;
	int r, rc = -1;

	if (s->idling)
		BUG("IDLE started twice");
	if (s->broken || s->imap->imap_stream == NULL)
		return fct_error_set(err,
		    "cannot idle: the connection to "
		    "'%s' is closed",
		    s->ep.host);
	if (s->imap->imap_state != MAILIMAP_STATE_SELECTED)
		return fct_error_set(err, "cannot idle: no folder selected");
	if (send_line(s, "IDLE\r\n", true, err, "cannot start IDLE") != 0)
		return -1;
	for (;;) {
		strbuf_reset(&line);
		if (read_response_line(s, &line, err) != 0)
			goto out;
		if (line.buf[0] == '+')
			break;
		strbuf_add(&early, line.buf, line.len);
		if (line.len >= 2 && line.buf[0] == '*' && line.buf[1] == ' ')
			continue; /* news before the continuation (#393) */
		/* The tagged answer instead of "+": IDLE was refused. Let
		 * libetpan read it, with what came before, to record both. */
		if (push_back(s, early.buf, early.len, err) != 0)
			goto out;
		if ((r = parse_answer(s, &ok)) != MAILIMAP_NO_ERROR)
			imap_error(s, r, err, "cannot start IDLE");
		else
			fct_error_set(err, "'%s' refused IDLE: %s", s->ep.host,
			    server_words(s));
		goto out;
	}
	/* The news stays first in line for the answer to DONE. */
	if (push_back(s, early.buf, early.len, err) != 0)
		goto out;
	s->idling = true;
	rc = 0;
out:
	strbuf_release(&early);
	strbuf_release(&line);
	return rc;
}

int
imap_idle_fd(struct imap_session *s)
{
	if (s->imap->imap_stream == NULL)
		return -1;
	return mailimap_idle_get_fd(s->imap);
}

bool
imap_idle_pending(struct imap_session *s)
{
	return s->imap->imap_stream != NULL &&
	    s->imap->imap_stream->read_buffer_len > 0;
}

int
imap_idle_done(struct imap_session *s, struct imap_changes *ch,
    struct fct_error *err)
{
	bool ok;
	int r;

	if (!s->idling)
		BUG("IDLE DONE without IDLE");
	s->idling = false;
	if (send_line(s, "DONE\r\n", false, err, "cannot end IDLE") != 0)
		return -1;
	if ((r = parse_answer(s, &ok)) != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "IDLE failed");
	imap_harvest(s, ch);
	count_fetches(s, ch);
	if (!ok)
		return fct_error_set(err,
		    "IDLE on '%s' ended with an error: %s", s->ep.host,
		    server_words(s));
	return 0;
}

int
imap_noop(struct imap_session *s, struct imap_changes *ch,
    struct fct_error *err)
{
	int r;

	if (s->idling)
		BUG("NOOP while idling");
	r = mailimap_noop(s->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "NOOP failed");
	imap_harvest(s, ch);
	count_fetches(s, ch);
	return 0;
}

int
imap_status(struct imap_session *s, const char *name, const char *raw_name,
    uint32_t *total, uint32_t *unseen, struct imap_changes *ch,
    struct fct_error *err)
{
	struct imap_folder f;

	if (s->idling)
		BUG("STATUS while idling");
	memset(&f, 0, sizeof f);
	f.name = (char *)name;
	f.raw_name = (char *)raw_name;
	if (imap_folder_status(s, &f, err) != 0)
		return -1;
	/* The selected folder's news may ride along with any answer. */
	imap_harvest(s, ch);
	count_fetches(s, ch);
	*total = (uint32_t)f.total;
	*unseen = (uint32_t)f.unseen;
	return 0;
}

bool
imap_selected_exists(struct imap_session *s, uint32_t *exists)
{
	struct mailimap_selection_info *si = s->imap->imap_selection_info;

	if (s->imap->imap_state != MAILIMAP_STATE_SELECTED || si == NULL)
		return false;
	*exists = si->sel_exists;
	return true;
}

void
imap_session_cancel(struct imap_session *s)
{
	/* The only call made from another thread: it touches nothing but
	 * the stream's cancel pipe, which libetpan's waits watch. */
	if (s != NULL && s->imap->imap_stream != NULL)
		mailstream_cancel(s->imap->imap_stream);
}
