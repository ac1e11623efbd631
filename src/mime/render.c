/*
 * The rendering of a whole message for reading: what the pager shows and
 * `facteur show` prints, line for line (see include/facteur/mime.h).
 *
 * Design: GMime parses; one recursive walk over the MIME tree (render_
 * object) numbers the leaf parts, decides what each part is (text shown
 * inline, the chosen alternative, an attachment, a signature, encrypted
 * content) and appends lines to the rendering. The same walk, with its
 * output suppressed, finds part N for mime_part_content(), so that the
 * numbers can never disagree between the list and the extraction.
 *
 * Header decoding goes through GMime with per-message parser options:
 * raw 8-bit text is tried as UTF-8, then as the body's charset, then as
 * windows-1252; ISO-8859-1 labels in encoded words are rewritten to
 * windows-1252 before decoding, since the bytes 0x80-0x9f senders put
 * there are Windows punctuation, never C1 controls. Body text is
 * transfer-decoded by GMime and charset-converted by charset.c, which
 * never drops a byte.
 *
 * Limits that keep memory and time bounded on hostile input: MIME
 * nesting deeper than RENDER_MAX_DEPTH is replaced by a label, and a text
 * part shows at most RENDER_TEXT_MAX bytes (the rest stays reachable with
 * --part N).
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gmime/gmime.h>

#include "private.h"

#define RENDER_MAX_DEPTH 32
#define RENDER_TEXT_MAX (8 * 1024 * 1024)
#define RENDER_WIDTH 78

struct render {
	const struct mime_render_opts *opts;
	struct mime_rendering *r;
	GMimeParserOptions *popts; /* owned: fallback charsets of this msg */
	unsigned width;
	unsigned level;     /* message/rfc822 nesting */
	unsigned hidden;    /* > 0: numbering only (unchosen alternatives) */
	bool quiet;         /* no lines at all (mime_part_content) */
	unsigned next;      /* the last part number given */
	unsigned target;    /* quiet: the part to find */
	GMimeObject *found; /* quiet: part target (borrowed from msg) */
};

/* Lines */

static struct mime_line *
push_line(struct render *rd, enum mime_line_kind kind, char *text,
    unsigned part)
{
	struct mime_rendering *r = rd->r;
	struct mime_line *l;

	FCT_ALLOC_GROW(r->lines, r->nlines + 1, r->alloc_lines);
	l = &r->lines[r->nlines++];
	memset(l, 0, sizeof *l);
	l->kind = kind;
	l->text = text;
	l->width = mime_term_width(text);
	l->level = rd->level;
	l->part = part;
	return l;
}

/* Adds a line of unsanitised text (len bytes, may hold anything). */
static struct mime_line *
add_line(struct render *rd, enum mime_line_kind kind, const char *s, size_t len,
    unsigned part)
{
	struct strbuf sb = STRBUF_INIT;

	if (rd->quiet || rd->hidden > 0)
		return NULL;
	mime_term_sanitize(&sb, s, len, 0, NULL);
	return push_line(rd, kind, strbuf_detach(&sb, NULL), part);
}

static void
add_blank(struct render *rd)
{
	struct mime_rendering *r = rd->r;

	if (rd->quiet || rd->hidden > 0 || r->nlines == 0 ||
	    r->lines[r->nlines - 1].kind == MIME_LINE_BLANK)
		return;
	push_line(rd, MIME_LINE_BLANK, xstrdup(""), 0);
}

static void add_label(struct render *rd, unsigned part, const char *fmt, ...)
    FCT_PRINTF(3, 4);

static void
add_label(struct render *rd, unsigned part, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	add_line(rd, MIME_LINE_LABEL, sb.buf, sb.len, part);
	strbuf_release(&sb);
}

/* Headers */

static bool
is_address_header(const char *name)
{
	static const char *const names[] = { "From", "To", "Cc", "Bcc",
		"Reply-To", "Sender", "Resent-From", "Resent-To", "Resent-Cc",
		"Resent-Sender", "Mail-Followup-To",
		"Disposition-Notification-To", NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

/* An RFC 2047 encoded word "=?charset?X?text?=" (pointers borrowed). */
struct eword {
	const char *start, *end; /* the whole word */
	const char *cs, *text;   /* charset name, encoded text */
	size_t cs_len, text_len;
	char enc; /* 'B' or 'Q', upper case */
};

/* Reads the encoded word at the start of s, if there is one. */
static bool
read_eword(const char *s, struct eword *w)
{
	const char *q1, *q2, *q3;

	if (s[0] != '=' || s[1] != '?')
		return false;
	if ((q1 = strchr(s + 2, '?')) == NULL || q1[1] == '\0' || q1[2] != '?')
		return false;
	q2 = q1 + 2;
	if ((q3 = strstr(q2 + 1, "?=")) == NULL)
		return false;
	w->start = s;
	w->cs = s + 2;
	w->cs_len = (size_t)(q1 - w->cs);
	w->enc = (char)(q1[1] == 'b' || q1[1] == 'B' ? 'B'
		: q1[1] == 'q' || q1[1] == 'Q'       ? 'Q'
						     : '?');
	w->text = q2 + 1;
	w->text_len = (size_t)(q3 - w->text);
	w->end = q3 + 2;
	return w->enc != '?' && memchr(w->text, ' ', w->text_len) == NULL;
}

/* The bytes an encoded word stands for, appended to out. */
static void
eword_bytes(const struct eword *w, struct strbuf *out)
{
	char *text = xstrndup(w->text, w->text_len);
	guchar *dec;
	gsize n;
	size_t i;

	if (w->enc == 'B') {
		dec = g_base64_decode(text, &n);
		strbuf_add(out, dec, n);
		g_free(dec);
	} else {
		for (i = 0; i < w->text_len; i++) {
			if (text[i] == '_')
				strbuf_addch(out, ' ');
			else if (text[i] == '=' &&
			    g_ascii_isxdigit(text[i + 1]) &&
			    g_ascii_isxdigit(text[i + 2])) {
				strbuf_addch(out,
				    g_ascii_xdigit_value(text[i + 1]) * 16 +
					g_ascii_xdigit_value(text[i + 2]));
				i += 2;
			} else {
				strbuf_addch(out, text[i]);
			}
		}
	}
	free(text);
}

/*
 * Rewrites a header value before GMime decodes it (owned result): each
 * run of encoded words separated only by white space becomes one UTF-8
 * word, its text converted by mime_charset_to_utf8(). GMime's own
 * decoding of the words' payloads falls short on real mail: phones split
 * a long subject into base64 words that are each padded and may cut a
 * character in two (GMime then loses the rest of the subject); ISO-8859-1
 * labels hide windows-1252 punctuation; bytes that do not convert become
 * '?' instead of U+FFFD. GMime still parses the result (addresses, loose
 * words inside text); only the payloads go through charset.c.
 */
static char *
fix_encoded_words(const char *raw)
{
	struct strbuf sb = STRBUF_INIT, bytes = STRBUF_INIT;
	struct strbuf text = STRBUF_INIT;
	struct eword w, next;
	const char *p = raw, *gap;
	char *cs, *star, *enc;

	while (*p != '\0') {
		if (!read_eword(p, &w)) {
			strbuf_addch(&sb, *p++);
			continue;
		}
		strbuf_reset(&text);
		for (;;) {
			/* A run of one charset, converted as a whole (a
			 * character may straddle two words). */
			strbuf_reset(&bytes);
			cs = xstrndup(w.cs, w.cs_len);
			if ((star = strchr(cs, '*')) != NULL)
				*star = '\0'; /* RFC 2231 language */
			for (;;) {
				eword_bytes(&w, &bytes);
				gap = w.end + strspn(w.end, " \t");
				if (!read_eword(gap, &next) ||
				    next.cs_len != w.cs_len ||
				    strncasecmp(next.cs, w.cs, w.cs_len) != 0)
					break;
				w = next;
			}
			mime_charset_to_utf8(&text, bytes.buf, bytes.len, cs);
			free(cs);
			/* White space between encoded words is not text. */
			gap = w.end + strspn(w.end, " \t");
			if (!read_eword(gap, &next))
				break;
			w = next;
		}
		enc = g_base64_encode((const guchar *)text.buf, text.len);
		strbuf_addf(&sb, "=?utf-8?b?%s?=", enc);
		g_free(enc);
		p = w.end;
	}
	strbuf_release(&bytes);
	strbuf_release(&text);
	return strbuf_detach(&sb, NULL);
}

/* Line breaks and the white space that follows them become one space. */
static void
unfold_into(struct strbuf *sb, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n') {
			while (s[1] == '\r' || s[1] == '\n' || s[1] == ' ' ||
			    s[1] == '\t')
				s++;
			strbuf_addch(sb, ' ');
			continue;
		}
		strbuf_addch(sb, *s);
	}
	strbuf_rtrim(sb);
}

static void
format_date(struct strbuf *sb, GDateTime *dt)
{
	/* English names, as in RFC 5322, whatever the locale says. */
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)g_date_time_to_unix(dt);
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL) {
		strbuf_addf(sb, "%lld", (long long)t);
		return;
	}
	off = tm.tm_gmtoff / 60;
	strbuf_addf(sb, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
	    labs(off) / 60, labs(off) % 60);
}

void
mime_header_decode(GMimeParserOptions *opts, const char *name, const char *raw,
    struct strbuf *out)
{
	InternetAddressList *list;
	struct strbuf unfolded = STRBUF_INIT;
	char *fixed, *s;

	unfold_into(&unfolded, raw != NULL ? raw : "");
	fixed = fix_encoded_words(unfolded.buf);
	strbuf_release(&unfolded);
	if (is_address_header(name) &&
	    (list = internet_address_list_parse(opts, fixed)) != NULL) {
		if (internet_address_list_length(list) > 0) {
			s = internet_address_list_to_string(list, NULL, FALSE);
			unfold_into(out, s != NULL ? s : "");
			g_free(s);
			g_object_unref(list);
			free(fixed);
			return;
		}
		g_object_unref(list);
	}
	s = g_mime_utils_header_decode_text(opts, fixed);
	unfold_into(out, s != NULL ? s : fixed);
	g_free(s);
	free(fixed);
}

const char *
mime_header_raw(GMimeObject *obj, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	GMimeHeader *h;
	int i, n = g_mime_header_list_get_count(hl);

	for (i = 0; i < n; i++) {
		h = g_mime_header_list_get_header_at(hl, i);
		if (strcasecmp(g_mime_header_get_name(h), name) == 0)
			return g_mime_header_get_raw_value(h);
	}
	return NULL;
}

/* The display value of one header, decoded to UTF-8 (unsanitised). */
static void
header_value(struct render *rd, const char *name, const char *raw,
    struct strbuf *out)
{
	struct strbuf unfolded = STRBUF_INIT;
	GDateTime *dt;

	if (strcasecmp(name, "Date") == 0) {
		unfold_into(&unfolded, raw != NULL ? raw : "");
		dt = g_mime_utils_header_decode_date(unfolded.buf);
		strbuf_release(&unfolded);
		if (dt != NULL) {
			format_date(out, dt);
			g_date_time_unref(dt);
			return;
		}
	}
	mime_header_decode(rd->popts, name, raw, out);
}

static void
add_header(struct render *rd, const char *name, const char *raw)
{
	struct strbuf line = STRBUF_INIT, value = STRBUF_INIT;
	struct mime_line *l;
	size_t name_len;

	if (rd->quiet || rd->hidden > 0)
		return;
	mime_term_sanitize(&line, name, strlen(name), 0, NULL);
	name_len = line.len;
	strbuf_addstr(&line, ": ");
	header_value(rd, name, raw, &value);
	mime_term_sanitize(&line, value.buf, value.len, 0, NULL);
	l = push_line(rd, MIME_LINE_HEADER, strbuf_detach(&line, NULL), 0);
	l->name_len = name_len;
	strbuf_release(&value);
}

static void
add_headers(struct render *rd, GMimeObject *msg)
{
	static const char *const shown[] = { "From", "To", "Cc", "Date",
		"Subject", NULL };
	GMimeHeaderList *hl = g_mime_object_get_header_list(msg);
	GMimeHeader *h;
	int i, n = g_mime_header_list_get_count(hl);
	const char *raw;
	size_t k;

	if (rd->opts->flags & MIME_RENDER_NO_HEADERS)
		return;
	if (rd->opts->flags & MIME_RENDER_ALL_HEADERS) {
		for (i = 0; i < n; i++) {
			h = g_mime_header_list_get_header_at(hl, i);
			add_header(rd, g_mime_header_get_name(h),
			    g_mime_header_get_raw_value(h));
		}
		return;
	}
	for (k = 0; shown[k] != NULL; k++) {
		/* The first of each: a repeated Subject is not shown twice. */
		if ((raw = mime_header_raw(msg, shown[k])) != NULL)
			add_header(rd, shown[k], raw);
	}
}

/* Parts */

static struct mime_part *
new_part(struct render *rd, GMimeObject *obj, unsigned flags)
{
	struct mime_rendering *r = rd->r;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	struct mime_part *p;
	const char *fn, *cs;
	char *type;

	rd->next++;
	if (rd->quiet && rd->next == rd->target)
		rd->found = obj;
	FCT_ALLOC_GROW(r->parts, r->nparts + 1, r->alloc_parts);
	p = &r->parts[r->nparts++];
	memset(p, 0, sizeof *p);
	p->number = rd->next;
	p->flags = flags;
	type = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	p->type = xstrdup(type != NULL ? type : "text/plain");
	g_free(type);
	for (type = p->type; *type != '\0'; type++)
		*type = g_ascii_tolower(*type);
	if (GMIME_IS_PART(obj) &&
	    (fn = g_mime_part_get_filename(GMIME_PART(obj))) != NULL &&
	    *fn != '\0')
		p->filename = xstrdup(fn);
	cs = g_mime_object_get_content_type_parameter(obj, "charset");
	if (cs != NULL)
		p->charset = xstrdup(cs);
	return p;
}

/* The part's content with its transfer encoding undone; owned (unref). */
static GByteArray *
part_bytes(GMimeObject *obj)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GMimeDataWrapper *w;
	GByteArray *ba;

	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (m != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL,
			    mem);
	} else if (GMIME_IS_PART(obj) &&
	    (w = g_mime_part_get_content(GMIME_PART(obj))) != NULL) {
		g_mime_data_wrapper_write_to_stream(w, mem);
	}
	/* Take the stream's array rather than copy it (a part may be
	 * tens of megabytes). */
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	return ba;
}

static size_t
part_size(GMimeObject *obj)
{
	GMimeStream *null = g_mime_stream_null_new();
	GMimeDataWrapper *w;
	size_t n = 0;

	if (GMIME_IS_PART(obj) &&
	    (w = g_mime_part_get_content(GMIME_PART(obj))) != NULL) {
		g_mime_data_wrapper_write_to_stream(w, null);
		n = GMIME_STREAM_NULL(null)->written;
	}
	g_object_unref(null);
	return n;
}

/* Text rendering */

static void
add_link(struct render *rd, const char *url, size_t len, unsigned part)
{
	struct mime_rendering *r = rd->r;
	struct mime_link *l;
	struct strbuf sb = STRBUF_INIT;

	if (rd->quiet || rd->hidden > 0)
		return;
	mime_term_sanitize(&sb, url, len, 0, NULL);
	FCT_ALLOC_GROW(r->links, r->nlinks + 1, r->alloc_links);
	l = &r->links[r->nlinks++];
	l->number = (unsigned)r->nlinks;
	l->part = part;
	l->url = strbuf_detach(&sb, NULL);
}

/* URLs in plain text: recorded for the pager, the text is unchanged. */
static void
scan_urls(struct render *rd, const char *s, unsigned part)
{
	static const char *const schemes[] = { "https://", "http://", NULL };
	const char *best, *p, *end;
	size_t i;

	for (;;) {
		best = NULL;
		for (i = 0; schemes[i] != NULL; i++) {
			p = strstr(s, schemes[i]);
			if (p != NULL && (best == NULL || p < best))
				best = p;
		}
		if (best == NULL)
			return;
		end = best + strcspn(best, " \t<>\"'");
		while (end > best && strchr(".,;:!?)]", end[-1]) != NULL)
			end--;
		add_link(rd, best, (size_t)(end - best), part);
		s = end > best ? end : best + 1;
		if (*s == '\0')
			return;
	}
}

static unsigned
quote_depth(const char *s)
{
	unsigned d = 0;
	const char *p = s;

	while (*p == '>') {
		d++;
		p++;
		while (*p == ' ' && p[strspn(p, " ")] == '>')
			p += strspn(p, " ");
	}
	return d;
}

/* Plain text, line for line; quoted lines keep their ">". */
static void
render_plain(struct render *rd, const struct strbuf *text, unsigned part)
{
	const char *p = text->buf, *end = text->buf + text->len, *eol;
	struct mime_line *l;
	char *line;
	size_t n;

	/* Trailing empty lines say nothing. */
	while (end > p &&
	    (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' ||
		end[-1] == '\t'))
		end--;
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((eol != NULL ? eol : end) - p);
		line = xstrndup(p, n); /* (stops at a NUL: shown up to it) */
		l = add_line(rd, MIME_LINE_BODY, p, n, part);
		if (l != NULL) {
			l->quote = quote_depth(line);
			scan_urls(rd, line, part);
		}
		free(line);
		p = eol != NULL ? eol + 1 : end;
	}
}

struct wrap_ctx {
	struct render *rd;
	unsigned part, quote;
};

static void
emit_wrapped(void *arg, const char *line)
{
	struct wrap_ctx *w = arg;
	struct mime_line *l;
	char *copy = xstrdup(line);
	size_t n = strlen(copy);

	while (n > 0 && copy[n - 1] == ' ')
		copy[--n] = '\0';
	l = push_line(w->rd, MIME_LINE_BODY, copy, w->part);
	l->quote = w->quote;
}

static void
flush_paragraph(struct render *rd, struct strbuf *para, unsigned quote,
    bool flowed, unsigned part)
{
	struct strbuf prefix = STRBUF_INIT, clean = STRBUF_INIT;
	struct wrap_ctx w = { rd, part, quote };
	unsigned i;

	if (rd->quiet || rd->hidden > 0)
		goto out;
	for (i = 0; i < quote; i++)
		strbuf_addch(&prefix, '>');
	if (quote > 0)
		strbuf_addch(&prefix, ' ');
	mime_term_sanitize(&clean, para->buf, para->len, 0, NULL);
	scan_urls(rd, para->buf, part);
	if (flowed) {
		mime_wrap(clean.buf, rd->width, prefix.buf, prefix.buf,
		    emit_wrapped, &w);
	} else {
		strbuf_add(&prefix, clean.buf, clean.len);
		emit_wrapped(&w, prefix.buf);
	}
out:
	strbuf_reset(para);
	strbuf_release(&prefix);
	strbuf_release(&clean);
}

/* RFC 3676: soft line breaks joined, then wrapped at our width. */
static void
render_flowed(struct render *rd, const struct strbuf *text, bool delsp,
    unsigned part)
{
	struct strbuf para = STRBUF_INIT;
	const char *p = text->buf, *end = text->buf + text->len, *eol, *s;
	unsigned q, pq = 0;
	bool open = false, any_flowed = false, flowed;
	size_t n;

	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((eol != NULL ? eol : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (q = 0, s = p; s < p + n && *s == '>'; s++)
			q++;
		if (s < p + n && *s == ' ')
			s++; /* space-stuffing */
		n -= (size_t)(s - p);
		flowed = n > 0 && s[n - 1] == ' ' &&
		    !(n == 3 && memcmp(s, "-- ", 3) == 0);
		if (open && q != pq) {
			flush_paragraph(rd, &para, pq, any_flowed, part);
			any_flowed = false;
		}
		strbuf_add(&para, s, flowed && delsp ? n - 1 : n);
		pq = q;
		open = true;
		any_flowed |= flowed;
		if (!flowed) {
			flush_paragraph(rd, &para, q, any_flowed, part);
			open = any_flowed = false;
		}
		p = eol != NULL ? eol + 1 : end;
	}
	if (open)
		flush_paragraph(rd, &para, pq, any_flowed, part);
	strbuf_release(&para);
}

static void
render_html(struct render *rd, const struct strbuf *html, unsigned part)
{
	struct strbuf text = STRBUF_INIT;
	char **links = NULL;
	size_t nlinks = 0, i, first;
	char num[32];
	struct mime_line *l;

	if (rd->opts->html_hook != NULL &&
	    rd->opts->html_hook(rd->opts->html_hook_arg, html->buf, html->len,
		&text) == 0) {
		render_plain(rd, &text, part);
		strbuf_release(&text);
		return;
	}
	strbuf_reset(&text);
	first = rd->r->nlinks + 1;
	mime_html_to_text(html->buf, html->len, rd->width, (unsigned)first,
	    &text, &links, &nlinks);
	render_plain(rd, &text, part);
	/* Plain-text URL scanning found the links' text; keep the list to
	 * the numbered references. */
	for (i = first - 1; i < rd->r->nlinks; i++)
		free(rd->r->links[i].url);
	if (rd->r->nlinks >= first)
		rd->r->nlinks = first - 1;
	if (nlinks > 0)
		add_blank(rd);
	for (i = 0; i < nlinks; i++) {
		add_link(rd, links[i], strlen(links[i]), part);
		snprintf(num, sizeof num, "[%zu] ", first + i);
		text.len = 0;
		strbuf_reset(&text);
		strbuf_addstr(&text, num);
		strbuf_addstr(&text, links[i]);
		l = add_line(rd, MIME_LINE_LINK, text.buf, text.len, part);
		if (l != NULL)
			l->link = (unsigned)(first + i);
		free(links[i]);
	}
	free(links);
	strbuf_release(&text);
}

static bool
is_shown_text(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *cd =
	    g_mime_object_get_content_disposition(obj);
	const char *sub;

	if (ct == NULL)
		return true; /* defaults to text/plain */
	if (cd != NULL && g_mime_content_disposition_is_attachment(cd))
		return false;
	if (!g_mime_content_type_is_type(ct, "text", "*"))
		return false;
	sub = g_mime_content_type_get_media_subtype(ct);
	return sub == NULL || strcasecmp(sub, "plain") == 0 ||
	    strcasecmp(sub, "html") == 0 ||
	    (cd != NULL &&
		strcasecmp(g_mime_content_disposition_get_disposition(cd),
		    "inline") == 0);
}

/* S/MIME in one part (application/pkcs7-mime): encrypted or opaque signed. */
static bool
is_smime(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct != NULL &&
	    (g_mime_content_type_is_type(ct, "application", "pkcs7-mime") ||
		g_mime_content_type_is_type(ct, "application", "x-pkcs7-mime"));
}

static void
render_smime(struct render *rd, GMimeObject *obj)
{
	const char *kind =
	    g_mime_object_get_content_type_parameter(obj, "smime-type");
	bool signed_only = kind != NULL && strcasecmp(kind, "signed-data") == 0;
	struct mime_part *p;

	p = new_part(rd, obj, signed_only ? 0 : MIME_PART_ENCRYPTED);
	if (!rd->quiet)
		p->size = part_size(obj);
	add_blank(rd);
	if (signed_only)
		add_label(rd, p->number,
		    "[-- signed part (S/MIME, opaque): not verified; "
		    "the content is in part %u --]",
		    p->number);
	else
		add_label(rd, p->number,
		    "[-- encrypted part (S/MIME): not decrypted --]");
}

/*
 * Inline PGP (RFC 4880 armour in a text/plain body): labelled like the
 * MIME kinds; the text itself is shown as it is.
 */
static void
label_inline_pgp(struct render *rd, const struct strbuf *text, unsigned part)
{
	const char *p = text->buf;

	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (strncmp(p, "-----BEGIN PGP SIGNED MESSAGE-----", 34) == 0)
		add_label(rd, part,
		    "[-- inline PGP signed text: signature not verified --]");
	else if (strncmp(p, "-----BEGIN PGP MESSAGE-----", 27) == 0)
		add_label(rd, part,
		    "[-- inline PGP encrypted text: not decrypted --]");
}

static void
render_text(struct render *rd, GMimeObject *obj, struct mime_part *p)
{
	struct strbuf text = STRBUF_INIT;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GByteArray *bytes;
	const char *fmt, *delsp;
	unsigned number = p->number;
	size_t shown;

	if (rd->quiet || rd->hidden > 0)
		return;
	bytes = part_bytes(obj);
	p->size = shown = bytes->len;
	if (shown > RENDER_TEXT_MAX)
		shown = RENDER_TEXT_MAX;
	mime_charset_to_utf8(&text, (const char *)bytes->data, shown,
	    p->charset);
	g_byte_array_unref(bytes);
	/* Part headers of an earlier part and this one's text need air. */
	add_blank(rd);
	if (ct != NULL && g_mime_content_type_is_type(ct, "text", "html")) {
		render_html(rd, &text, number);
	} else if ((fmt = g_mime_object_get_content_type_parameter(obj,
			"format")) != NULL &&
	    strcasecmp(fmt, "flowed") == 0) {
		delsp = g_mime_object_get_content_type_parameter(obj, "delsp");
		render_flowed(rd, &text,
		    delsp != NULL && strcasecmp(delsp, "yes") == 0, number);
	} else {
		label_inline_pgp(rd, &text, number);
		render_plain(rd, &text, number);
	}
	if (shown < p->size)
		add_label(rd, number,
		    "[-- %zu more bytes of part %u not shown: "
		    "facteur show --part %u --]",
		    p->size - shown, number, number);
	strbuf_release(&text);
}

/* The MIME walk */

static void render_object(struct render *rd, GMimeObject *obj, unsigned depth);

static void render_message_body(struct render *rd, GMimeMessage *msg,
    unsigned depth);

enum alt_kind { ALT_NONE, ALT_PLAIN, ALT_HTML };

static enum alt_kind
alt_kind(GMimeObject *obj, unsigned depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeMultipart *mp;
	enum alt_kind k;
	int i, n;

	if (depth > RENDER_MAX_DEPTH)
		return ALT_NONE;
	if (GMIME_IS_MULTIPART(obj)) {
		mp = GMIME_MULTIPART(obj);
		n = g_mime_multipart_get_count(mp);
		for (i = 0; i < n; i++)
			if ((k = alt_kind(g_mime_multipart_get_part(mp, i),
				 depth + 1)) != ALT_NONE)
				return k;
		return ALT_NONE;
	}
	if (ct == NULL || g_mime_content_type_is_type(ct, "text", "plain"))
		return ALT_PLAIN;
	if (g_mime_content_type_is_type(ct, "text", "html"))
		return ALT_HTML;
	return ALT_NONE;
}

static void
render_alternative(struct render *rd, GMimeMultipart *mp, unsigned depth)
{
	enum alt_kind want =
	    (rd->opts->flags & MIME_RENDER_PREFER_HTML) ? ALT_HTML : ALT_PLAIN;
	int i, n = g_mime_multipart_get_count(mp), chosen = -1, any = -1;
	enum alt_kind k;

	/* The last of the wanted kind (RFC 2046: the richest comes last);
	 * else the last one we can show at all. */
	for (i = 0; i < n; i++) {
		k = alt_kind(g_mime_multipart_get_part(mp, i), depth + 1);
		if (k == want)
			chosen = i;
		if (k != ALT_NONE)
			any = i;
	}
	if (chosen < 0)
		chosen = any >= 0 ? any : n - 1;
	for (i = 0; i < n; i++) {
		if (i != chosen)
			rd->hidden++;
		render_object(rd, g_mime_multipart_get_part(mp, i), depth + 1);
		if (i != chosen)
			rd->hidden--;
	}
}

static const char *
protocol_of(GMimeObject *obj)
{
	const char *p =
	    g_mime_object_get_content_type_parameter(obj, "protocol");

	return p != NULL ? p : "unknown protocol";
}

static void
render_multipart(struct render *rd, GMimeObject *obj, unsigned depth)
{
	GMimeMultipart *mp = GMIME_MULTIPART(obj);
	GMimeObject *part;
	const char *prologue;
	struct strbuf text = STRBUF_INIT;
	int i, n = g_mime_multipart_get_count(mp);

	if (n == 0) {
		/* No boundary found: the sender's text is all in the
		 * prologue; show it rather than nothing. */
		add_blank(rd);
		add_label(rd, 0, "[-- malformed multipart: shown as text --]");
		if ((prologue = g_mime_multipart_get_prologue(mp)) != NULL) {
			mime_charset_to_utf8(&text, prologue, strlen(prologue),
			    NULL);
			render_plain(rd, &text, 0);
		}
		strbuf_release(&text);
		return;
	}
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
		add_blank(rd);
		add_label(rd, 0, "[-- encrypted part (%s): not decrypted --]",
		    protocol_of(obj));
		for (i = 0; i < n; i++)
			new_part(rd, g_mime_multipart_get_part(mp, i),
			    MIME_PART_ENCRYPTED);
		return;
	}
	if (GMIME_IS_MULTIPART_SIGNED(obj)) {
		add_blank(rd);
		add_label(rd, 0,
		    "[-- signed part (%s): signature not verified --]",
		    protocol_of(obj));
		render_object(rd, g_mime_multipart_get_part(mp, 0), depth + 1);
		for (i = 1; i < n; i++) {
			part = g_mime_multipart_get_part(mp, i);
			new_part(rd, part, MIME_PART_SIGNATURE)->size =
			    part_size(part);
		}
		add_blank(rd);
		add_label(rd, 0, "[-- end of signed part --]");
		return;
	}
	if (strcasecmp(g_mime_content_type_get_media_subtype(
			   g_mime_object_get_content_type(obj)),
		"alternative") == 0) {
		render_alternative(rd, mp, depth);
		return;
	}
	for (i = 0; i < n; i++)
		render_object(rd, g_mime_multipart_get_part(mp, i), depth + 1);
}

static void
render_object(struct render *rd, GMimeObject *obj, unsigned depth)
{
	struct mime_part *p;
	GMimeMessage *msg;
	unsigned number;

	if (obj == NULL)
		return;
	if (depth > RENDER_MAX_DEPTH) {
		add_blank(rd);
		add_label(rd, 0,
		    "[-- nested deeper than %d levels: not shown --]",
		    RENDER_MAX_DEPTH);
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		render_multipart(rd, obj, depth);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		/* Only the number: the walk below grows the parts array,
		 * which moves p. */
		number = new_part(rd, obj,
		    MIME_PART_MESSAGE | (rd->hidden > 0 ? 0 : MIME_PART_SHOWN))
			     ->number;
		msg = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		add_blank(rd);
		add_label(rd, number, "[-- attached message (part %u) --]",
		    number);
		if (msg != NULL) {
			rd->level++;
			add_headers(rd, GMIME_OBJECT(msg));
			render_message_body(rd, msg, depth + 1);
			rd->level--;
		}
		add_blank(rd);
		add_label(rd, number, "[-- end of attached message --]");
		return;
	}
	if (rd->hidden == 0 && is_shown_text(obj)) {
		p = new_part(rd, obj, MIME_PART_SHOWN);
		render_text(rd, obj, p);
		return;
	}
	if (is_smime(obj)) {
		render_smime(rd, obj);
		return;
	}
	p = new_part(rd, obj, rd->hidden > 0 ? 0 : MIME_PART_ATTACHMENT);
	if (!rd->quiet)
		p->size = part_size(obj);
}

static void
render_message_body(struct render *rd, GMimeMessage *msg, unsigned depth)
{
	render_object(rd, g_mime_message_get_mime_part(msg), depth);
}

static void
format_size(struct strbuf *sb, size_t n)
{
	/* Integer arithmetic: the decimal point must not follow LC_NUMERIC. */
	if (n < 1024)
		strbuf_addf(sb, "%zu B", n);
	else if (n < 1024 * 1024)
		strbuf_addf(sb, "%zu.%zu KiB", n / 1024, n % 1024 * 10 / 1024);
	else
		strbuf_addf(sb, "%zu.%zu MiB", n / (1024 * 1024),
		    n % (1024 * 1024) * 10 / (1024 * 1024));
}

static void
add_attachment_list(struct render *rd)
{
	struct mime_rendering *r = rd->r;
	struct strbuf sb = STRBUF_INIT;
	bool first = true;
	size_t i;

	for (i = 0; i < r->nparts; i++) {
		if (!(r->parts[i].flags & MIME_PART_ATTACHMENT))
			continue;
		if (first) {
			add_blank(rd);
			add_label(rd, 0, "[-- attachments --]");
			first = false;
		}
		strbuf_reset(&sb);
		strbuf_addf(&sb, "[%u] ", r->parts[i].number);
		if (r->parts[i].filename != NULL) {
			strbuf_addstr(&sb, r->parts[i].filename);
			strbuf_addch(&sb, ' ');
		}
		strbuf_addf(&sb, "(%s, ", r->parts[i].type);
		format_size(&sb, r->parts[i].size);
		strbuf_addch(&sb, ')');
		add_line(rd, MIME_LINE_ATTACHMENT, sb.buf, sb.len,
		    r->parts[i].number);
	}
	strbuf_release(&sb);
}

/* Parsing, with the per-message header charsets */

static const char *
first_text_charset(GMimeObject *obj, unsigned depth)
{
	GMimeMultipart *mp;
	const char *cs;
	int i, n;

	if (obj == NULL || depth > RENDER_MAX_DEPTH)
		return NULL;
	if (GMIME_IS_MULTIPART(obj)) {
		mp = GMIME_MULTIPART(obj);
		n = g_mime_multipart_get_count(mp);
		for (i = 0; i < n; i++)
			if ((cs = first_text_charset(g_mime_multipart_get_part(mp,
							 i),
				 depth + 1)) != NULL)
				return cs;
		return NULL;
	}
	if (GMIME_IS_PART(obj))
		return g_mime_object_get_content_type_parameter(obj, "charset");
	return NULL;
}

/*
 * Where the header block of raw ends without the empty line it should
 * end with: the offset of the first line that is neither a header field
 * nor a continuation, or 0 when the block is well formed. GMime drops
 * such a line and everything after it; the caller inserts the missing
 * empty line instead, so the text shows as the body.
 */
static size_t
missing_header_end(const char *raw, size_t len)
{
	size_t i = 0, j;

	/* An mbox "From " line may open the message. */
	if (len >= 5 && memcmp(raw, "From ", 5) == 0)
		i = (const char *)memchr(raw, '\n', len) != NULL
		    ? (size_t)((const char *)memchr(raw, '\n', len) - raw) + 1
		    : len;
	while (i < len) {
		if (raw[i] == '\n' ||
		    (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n'))
			return 0; /* the proper empty line */
		if (raw[i] != ' ' && raw[i] != '\t') {
			for (j = i; j < len && raw[j] > ' ' && raw[j] < 127 &&
			     raw[j] != ':';
			     j++)
				;
			while (j < len && (raw[j] == ' ' || raw[j] == '\t'))
				j++;
			/* (A line with an empty name is a broken header
			 * GMime skips, not the start of the text.) */
			if (j > i && (j >= len || raw[j] != ':'))
				return i;
		}
		while (i < len && raw[i] != '\n')
			i++;
		i++;
	}
	return 0;
}

static GMimeMessage *
parse(const char *raw, size_t len)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	size_t cut = missing_header_end(raw, len);

	if (cut > 0) {
		stream = g_mime_stream_mem_new();
		g_mime_stream_write(stream, raw, cut);
		g_mime_stream_write(stream, "\n", 1);
		g_mime_stream_write(stream, raw + cut, len - cut);
		g_mime_stream_reset(stream);
	} else {
		stream = g_mime_stream_mem_new_with_buffer(raw, len);
	}
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	return msg;
}

GMimeParserOptions *
mime_header_options(GMimeMessage *msg)
{
	const char *fallback[4] = { "utf-8", NULL, NULL, NULL };
	GMimeParserOptions *opts;
	const char *body_cs;

	opts = g_mime_parser_options_clone(g_mime_parser_options_get_default());
	body_cs = mime_charset_fix(
	    first_text_charset(g_mime_message_get_mime_part(msg), 0));
	if (body_cs != NULL && strcasecmp(body_cs, "utf-8") != 0 &&
	    strcasecmp(body_cs, "windows-1252") != 0) {
		fallback[1] = body_cs;
		fallback[2] = "windows-1252";
	} else {
		fallback[1] = "windows-1252";
	}
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	g_mime_parser_options_set_rfc2047_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	return opts;
}

static void
render_init(struct render *rd, const struct mime_render_opts *opts,
    struct mime_rendering *out, GMimeMessage *msg)
{
	memset(rd, 0, sizeof *rd);
	rd->opts = opts;
	rd->r = out;
	rd->width = opts->width > 0 ? opts->width : RENDER_WIDTH;
	rd->popts = mime_header_options(msg);
}

int
mime_render(const char *raw, size_t len, const struct mime_render_opts *opts,
    struct mime_rendering *out, struct fct_error *err)
{
	static const struct mime_render_opts defaults = MIME_RENDER_OPTS_INIT;
	struct render rd;
	GMimeMessage *msg;

	mime_rendering_release(out);
	if ((msg = parse(raw, len)) == NULL)
		return fct_error_set(err, "cannot parse the message");
	render_init(&rd, opts != NULL ? opts : &defaults, out, msg);
	add_headers(&rd, GMIME_OBJECT(msg));
	render_message_body(&rd, msg, 0);
	add_attachment_list(&rd);
	g_mime_parser_options_free(rd.popts);
	g_object_unref(msg);
	return 0;
}

void
mime_part_release(struct mime_part *p)
{
	free(p->type);
	free(p->filename);
	free(p->charset);
	memset(p, 0, sizeof *p);
}

void
mime_rendering_release(struct mime_rendering *r)
{
	size_t i;

	for (i = 0; i < r->nlines; i++)
		free(r->lines[i].text);
	for (i = 0; i < r->nparts; i++)
		mime_part_release(&r->parts[i]);
	for (i = 0; i < r->nlinks; i++)
		free(r->links[i].url);
	free(r->lines);
	free(r->parts);
	free(r->links);
	memset(r, 0, sizeof *r);
}

int
mime_part_content(const char *raw, size_t len, unsigned number,
    struct strbuf *out, struct mime_part *info, struct fct_error *err)
{
	static const struct mime_render_opts defaults = MIME_RENDER_OPTS_INIT;
	struct mime_rendering r = MIME_RENDERING_INIT;
	struct render rd;
	GMimeMessage *msg;
	GByteArray *bytes;
	int rc = 0;

	if ((msg = parse(raw, len)) == NULL)
		return fct_error_set(err, "cannot parse the message");
	render_init(&rd, &defaults, &r, msg);
	rd.quiet = true;
	rd.target = number;
	render_message_body(&rd, msg, 0);
	if (rd.found == NULL) {
		rc = fct_error_set(err, "no part %u in the message (it has %u)",
		    number, rd.next);
		goto out;
	}
	bytes = part_bytes(rd.found);
	strbuf_add(out, bytes->data, bytes->len);
	if (info != NULL) {
		mime_part_release(info);
		*info = r.parts[number - 1];
		memset(&r.parts[number - 1], 0, sizeof r.parts[number - 1]);
		info->size = bytes->len;
	}
	g_byte_array_unref(bytes);
out:
	mime_rendering_release(&r);
	g_mime_parser_options_free(rd.popts);
	g_object_unref(msg);
	return rc;
}

char *
mime_safe_filename(const char *name, unsigned number, const char *type)
{
	static const struct {
		const char *type, *ext;
	} exts[] = { { "text/plain", ".txt" }, { "text/html", ".html" },
		{ "image/png", ".png" }, { "image/jpeg", ".jpg" },
		{ "image/gif", ".gif" }, { "application/pdf", ".pdf" },
		{ "message/rfc822", ".eml" }, { "text/calendar", ".ics" },
		{ "application/zip", ".zip" } };
	struct strbuf sb = STRBUF_INIT, clean = STRBUF_INIT;
	const char *base = name, *p;
	size_t i;

	if (name != NULL) {
		for (p = name; *p != '\0'; p++)
			if (*p == '/' || *p == '\\')
				base = p + 1;
		/* Anything unprintable becomes visible text (the escapes'
		 * '<', '+', '>' and '^' are harmless in a file name). */
		mime_term_sanitize(&clean, base, strlen(base), 0, NULL);
		for (p = clean.buf; *p == '.' || *p == ' '; p++)
			;
		/* Whole characters only, up to 200 bytes. */
		while (*p != '\0' &&
		    sb.len + (size_t)g_utf8_skip[(unsigned char)*p] <= 200) {
			strbuf_add(&sb, p,
			    (size_t)g_utf8_skip[(unsigned char)*p]);
			p = g_utf8_next_char(p);
		}
		strbuf_rtrim(&sb);
		strbuf_release(&clean);
	}
	if (sb.len == 0) {
		strbuf_addf(&sb, "part-%u", number);
		for (i = 0; type != NULL && i < FCT_ARRAY_LEN(exts); i++)
			if (strcasecmp(type, exts[i].type) == 0)
				break;
		strbuf_addstr(&sb,
		    type != NULL && i < FCT_ARRAY_LEN(exts) ? exts[i].ext
							    : ".bin");
	}
	return strbuf_detach(&sb, NULL);
}
