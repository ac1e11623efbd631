/*
 * Outgoing messages on GMime: the editable text form, building, preparing
 * for submission, and reply and forward templates.
 *
 * Design: there is one road to the wire. mime_build turns a draft into a
 * complete message (Bcc included, as a draft must keep it); mime_prepare
 * turns any complete message, built here or piped to `facteur send`, into
 * what is submitted. So the Bcc rule, the 7-bit rule and the Message-ID
 * rule are each written once, in mime_prepare, and a script's message
 * gets exactly the care an edited one does.
 *
 * 7-bit: libetpan never says BODY=8BITMIME, so every part is re-encoded
 * under GMime's 7-bit constraint (quoted-printable for text that is
 * mostly ASCII, base64 otherwise), and header values holding raw 8-bit
 * bytes are set again through GMime, which RFC 2047-encodes them.
 * Attachment names go out as RFC 2231 parameters (name*=utf-8''...), the
 * format option set below.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <gmime/gmime.h>

#include "facteur/core_alias.h"
#include "facteur/mime.h"
#include "facteur/mime_compose.h"

void
mime_draft_release(struct mime_draft *d)
{
	size_t i;

	free(d->from);
	free(d->to);
	free(d->cc);
	free(d->bcc);
	free(d->reply_to);
	free(d->subject);
	free(d->body);
	free(d->in_reply_to);
	free(d->references);
	free(d->message_id);
	for (i = 0; i < d->natt; i++) {
		free(d->att[i].name);
		free(d->att[i].content_type);
		free(d->att[i].path);
		free(d->att[i].data);
	}
	free(d->att);
	memset(d, 0, sizeof *d);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct mime_attachment *
mime_draft_add_attachment(struct mime_draft *d, const char *name,
    const char *content_type, const char *path)
{
	struct mime_attachment *a;

	FCT_ALLOC_GROW(d->att, d->natt + 1, d->att_alloc);
	a = &d->att[d->natt++];
	memset(a, 0, sizeof *a);
	a->name = dup_or_null(name);
	a->content_type = dup_or_null(content_type);
	a->path = dup_or_null(path);
	return a;
}

/* The editable headers, in the order shown. */
static const struct {
	const char *name;
	size_t off;
} edit_fields[] = {
	{ "From", offsetof(struct mime_draft, from) },
	{ "To", offsetof(struct mime_draft, to) },
	{ "Cc", offsetof(struct mime_draft, cc) },
	{ "Bcc", offsetof(struct mime_draft, bcc) },
	{ "Subject", offsetof(struct mime_draft, subject) },
	{ "Reply-To", offsetof(struct mime_draft, reply_to) },
	/* Kept when present, so that a resumed reply stays in its thread. */
	{ "In-Reply-To", offsetof(struct mime_draft, in_reply_to) },
	{ "References", offsetof(struct mime_draft, references) },
	{ "Message-ID", offsetof(struct mime_draft, message_id) },
};

#define FIELD(d, i) ((char **)((char *)(d) + edit_fields[i].off))

/* Writes s with line breaks turned into spaces: one header, one line. */
static void
add_one_line(struct strbuf *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		strbuf_addch(out, *s == '\n' || *s == '\r' ? ' ' : *s);
}

void
mime_draft_format(const struct mime_draft *d, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(edit_fields); i++) {
		const char *v = *FIELD(d, i);

		/* The six editable ones always; the thread ones when set. */
		if (i >= 6 && v == NULL)
			continue;
		strbuf_addf(out, "%s: ", edit_fields[i].name);
		add_one_line(out, v);
		strbuf_addch(out, '\n');
	}
	for (i = 0; i < d->natt; i++) {
		if (d->att[i].path == NULL)
			continue;
		strbuf_addstr(out, "Attach: ");
		add_one_line(out, d->att[i].path);
		strbuf_addch(out, '\n');
	}
	strbuf_addch(out, '\n');
	if (d->body != NULL)
		strbuf_addstr(out, d->body);
}

static char *
trimmed(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (
	    n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

/*
 * The header block is parsed line by line rather than by GMime: it is the
 * user's plain UTF-8 (never encoded words), and an unknown or misspelt
 * header must be an error the user sees, not a header silently kept.
 * Continuation lines (starting with white space) are joined.
 */
static int
parse_text(const char *text, size_t len, struct mime_draft *d,
    struct fct_error *err)
{
	const char *p = text, *end = text + len, *eol, *colon;
	char **last = NULL, *v, *joined;
	unsigned line = 0;
	size_t i, nlen;

	mime_draft_release(d);
	for (;;) {
		if (p >= end)
			return fct_error_set(err,
			    "no empty line between the headers and the body");
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if (eol == p || (eol == p + 1 && *p == '\r')) {
			p = eol < end ? eol + 1 : end;
			break;
		}
		if ((*p == ' ' || *p == '\t') && last != NULL) {
			v = trimmed(p, (size_t)(eol - p));
			joined =
			    xasprintf("%s %s", *last != NULL ? *last : "", v);
			free(v);
			free(*last);
			*last = joined;
			p = eol + (eol < end);
			continue;
		}
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL) {
			mime_draft_release(d);
			return fct_error_set(err,
			    "line %u: not a header line (Name: value)", line);
		}
		nlen = (size_t)(colon - p);
		v = trimmed(colon + 1, (size_t)(eol - colon - 1));
		last = NULL;
		for (i = 0; i < FCT_ARRAY_LEN(edit_fields); i++)
			if (strlen(edit_fields[i].name) == nlen &&
			    strncasecmp(edit_fields[i].name, p, nlen) == 0)
				last = FIELD(d, i);
		if (last != NULL) {
			free(*last);
			*last = v;
		} else if (nlen == 6 && strncasecmp(p, "Attach", 6) == 0) {
			if (*v != '\0') {
				const char *base = strrchr(v, '/');

				mime_draft_add_attachment(d,
				    base != NULL ? base + 1 : v, NULL, v);
			}
			free(v);
		} else {
			free(v);
			fct_error_set(err, "line %u: unknown header '%.*s'",
			    line, (int)nlen, p);
			mime_draft_release(d);
			return -1;
		}
		p = eol + (eol < end);
	}
	/* Empty values are absent values. */
	for (i = 0; i < FCT_ARRAY_LEN(edit_fields); i++) {
		char **f = FIELD(d, i);

		if (*f != NULL && **f == '\0') {
			free(*f);
			*f = NULL;
		}
	}
	d->body = xstrndup(p, (size_t)(end - p));
	return 0;
}

/*
 * Attachments the text cannot name (no path: a forwarded message, those of
 * a resumed draft) move from the old draft to the new one.
 */
int
mime_draft_parse(const char *text, size_t len, struct mime_draft *d,
    struct fct_error *err)
{
	struct mime_draft fresh = MIME_DRAFT_INIT;
	size_t i;

	if (parse_text(text, len, &fresh, err) != 0) {
		mime_draft_release(&fresh);
		return -1;
	}
	for (i = 0; i < d->natt; i++) {
		struct mime_attachment *a = &d->att[i], *b;

		if (a->path != NULL)
			continue;
		b = mime_draft_add_attachment(&fresh, NULL, NULL, NULL);
		*b = *a;
		memset(a, 0, sizeof *a);
	}
	mime_draft_release(d);
	*d = fresh;
	return 0;
}

int
mime_message_id_new(const char *domain, char **out, struct fct_error *err)
{
	unsigned char rnd[16];
	char hex[2 * sizeof rnd + 1];
	size_t got = 0, i;
	ssize_t r;

	*out = NULL;
	while (got < sizeof rnd) {
		r = getrandom(rnd + got, sizeof rnd - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fct_error_set(err,
			    "cannot make a Message-ID: no random source: %s",
			    strerror(errno));
		got += (size_t)r;
	}
	for (i = 0; i < sizeof rnd; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	*out = xasprintf("%s@%s", hex, domain);
	return 0;
}

/* Calls fn on every mailbox of list, groups flattened. */
static void
each_mailbox(InternetAddressList *list,
    void (*fn)(InternetAddressMailbox *mb, void *arg), void *arg)
{
	int i, n = list != NULL ? internet_address_list_length(list) : 0;

	for (i = 0; i < n; i++) {
		InternetAddress *ia =
		    internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			fn(INTERNET_ADDRESS_MAILBOX(ia), arg);
		else if (INTERNET_ADDRESS_IS_GROUP(ia))
			each_mailbox(internet_address_group_get_members(
					 INTERNET_ADDRESS_GROUP(ia)),
			    fn, arg);
	}
}

static void
first_domain(InternetAddressMailbox *mb, void *arg)
{
	char **out = arg;
	const char *addr = internet_address_mailbox_get_addr(mb);
	const char *at = addr != NULL ? strrchr(addr, '@') : NULL;

	if (*out == NULL && at != NULL && at[1] != '\0')
		*out = xstrdup(at + 1);
}

char *
mime_address_domain(const char *list)
{
	InternetAddressList *l;
	char *out = NULL;

	if (list == NULL ||
	    (l = internet_address_list_parse(NULL, list)) == NULL)
		return NULL;
	each_mailbox(l, first_domain, &out);
	g_object_unref(l);
	return out;
}

/* Parses an address list the user wrote; every mailbox needs a domain. */
struct check_ctx {
	const char *bad;
	bool any;
};

static void
check_mailbox(InternetAddressMailbox *mb, void *arg)
{
	struct check_ctx *c = arg;
	const char *addr = internet_address_mailbox_get_addr(mb);
	const char *at = addr != NULL ? strrchr(addr, '@') : NULL;

	c->any = true;
	if (c->bad == NULL && (at == NULL || at == addr || at[1] == '\0'))
		c->bad = addr != NULL ? addr : "";
}

static int
add_addresses(GMimeMessage *msg, GMimeAddressType type, const char *what,
    const char *text, struct fct_error *err)
{
	InternetAddressList *l;
	struct check_ctx c = { NULL, false };

	if (text == NULL || *text == '\0')
		return 0;
	l = internet_address_list_parse(NULL, text);
	if (l != NULL)
		each_mailbox(l, check_mailbox, &c);
	if (l == NULL || !c.any || c.bad != NULL) {
		fct_error_set(err, "bad address in %s: '%s'", what,
		    c.bad != NULL ? c.bad : text);
		if (l != NULL)
			g_object_unref(l);
		return -1;
	}
	internet_address_list_append(g_mime_message_get_addresses(msg, type),
	    l);
	g_object_unref(l);
	return 0;
}

/* A few common types by extension; anything else is octet-stream. */
static const char *
guess_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ "txt", "text/plain" },
		{ "pdf", "application/pdf" },
		{ "png", "image/png" },
		{ "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" },
		{ "gif", "image/gif" },
		{ "html", "text/html" },
		{ "csv", "text/csv" },
		{ "zip", "application/zip" },
		{ "eml", "message/rfc822" },
	};
	const char *dot = name != NULL ? strrchr(name, '.') : NULL;
	size_t i;

	for (i = 0; dot != NULL && i < FCT_ARRAY_LEN(types); i++)
		if (strcasecmp(dot + 1, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static GMimeMessage *
parse_message(const char *raw, size_t len)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(raw, len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(s);
	return m;
}

/* UTF-8 throughout: GMime would pick the smallest charset (Latin-1). */
static void
utf8_param(GMimeParamList *list, const char *name)
{
	GMimeParam *p =
	    list != NULL ? g_mime_param_list_get_parameter(list, name) : NULL;

	const char *v = p != NULL ? g_mime_param_get_value(p) : NULL;

	for (; v != NULL && *v != '\0'; v++)
		if ((unsigned char)*v >= 0x80) {
			g_mime_param_set_charset(p, "utf-8");
			break;
		}
}

static void encode_headers(GMimeObject *obj);
static void encode_part_headers(GMimeObject *parent, GMimeObject *part,
    gpointer data);

static GMimeObject *
attachment_part(const struct mime_attachment *a, struct fct_error *err)
{
	const char *type =
	    a->content_type != NULL ? a->content_type : guess_type(a->name);
	GMimeContentType *ct;
	GMimeStream *mem;
	GMimeDataWrapper *dw;
	GMimePart *part;

	if (a->data == NULL && a->len == 0 && a->path != NULL) {
		fct_error_set(err, "attachment '%s' was not read", a->path);
		return NULL;
	}
	if (strcasecmp(type, "message/rfc822") == 0) {
		GMimeMessage *inner = parse_message(a->data, a->len);
		GMimeMessagePart *mp;

		if (inner != NULL) {
			/* g_mime_object_encode of the outer message does not
			 * reach into a message part: a forwarded message
			 * with 8-bit bodies is made 7-bit here. */
			encode_headers(GMIME_OBJECT(inner));
			g_mime_message_foreach(inner, encode_part_headers,
			    NULL);
			g_mime_object_encode(GMIME_OBJECT(inner),
			    GMIME_ENCODING_CONSTRAINT_7BIT);
			mp = g_mime_message_part_new_with_message("rfc822",
			    inner);
			g_object_unref(inner);
			g_mime_object_set_disposition(GMIME_OBJECT(mp),
			    GMIME_DISPOSITION_ATTACHMENT);
			if (a->name != NULL) {
				g_mime_object_set_content_disposition_parameter(
				    GMIME_OBJECT(mp), "filename", a->name);
				utf8_param(
				    g_mime_content_disposition_get_parameters(
					g_mime_object_get_content_disposition(
					    GMIME_OBJECT(mp))),
				    "filename");
			}
			return GMIME_OBJECT(mp);
		}
		type = "application/octet-stream";
	}
	ct = g_mime_content_type_parse(NULL, type);
	part = g_mime_part_new_with_type(g_mime_content_type_get_media_type(ct),
	    g_mime_content_type_get_media_subtype(ct));
	g_object_unref(ct);
	mem = g_mime_stream_mem_new_with_buffer(a->data != NULL ? a->data : "",
	    a->len);
	dw = g_mime_data_wrapper_new_with_stream(mem,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, dw);
	g_object_unref(dw);
	g_object_unref(mem);
	if (a->name != NULL) {
		g_mime_part_set_filename(part, a->name);
		utf8_param(g_mime_content_disposition_get_parameters(
			       g_mime_object_get_content_disposition(
				   GMIME_OBJECT(part))),
		    "filename");
		utf8_param(g_mime_content_type_get_parameters(
			       g_mime_object_get_content_type(
				   GMIME_OBJECT(part))),
		    "name");
	} else
		g_mime_object_set_disposition(GMIME_OBJECT(part),
		    GMIME_DISPOSITION_ATTACHMENT);
	/* Text may stay readable (quoted-printable); anything else goes
	 * base64, whatever its bytes look like. */
	g_mime_part_set_content_encoding(part,
	    strncasecmp(type, "text/", 5) == 0
		? g_mime_part_get_best_content_encoding(part,
		      GMIME_ENCODING_CONSTRAINT_7BIT)
		: GMIME_CONTENT_ENCODING_BASE64);
	return GMIME_OBJECT(part);
}

static GMimeFormatOptions *
wire_options(void)
{
	GMimeFormatOptions *fo = g_mime_format_options_new();

	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	g_mime_format_options_set_param_encoding_method(fo,
	    GMIME_PARAM_ENCODING_METHOD_RFC2231);
	return fo;
}

static void
write_message(GMimeMessage *msg, struct strbuf *out)
{
	GMimeFormatOptions *fo = wire_options();
	GMimeStream *s = g_mime_stream_mem_new();
	GByteArray *ba;

	g_mime_object_write_to_stream(GMIME_OBJECT(msg), fo, s);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	strbuf_add(out, ba->data, ba->len);
	g_object_unref(s);
	g_mime_format_options_free(fo);
}

/* "<a> <b>" from "a b" (msg-ids without brackets). Owned. */
static char *
bracketed(const char *ids)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = ids, *e;

	while (*p != '\0') {
		while (*p == ' ' || *p == '<' || *p == '>')
			p++;
		for (e = p; *e != '\0' && *e != ' ' && *e != '>'; e++)
			;
		if (e > p)
			strbuf_addf(&sb, "%s<%.*s>", sb.len > 0 ? " " : "",
			    (int)(e - p), p);
		p = e;
	}
	return strbuf_detach(&sb, NULL);
}

/* "a b" from "<a> <b>". Owned. */
static char *
unbracketed(const char *ids)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *ids != '\0'; ids++)
		if (*ids != '<' && *ids != '>')
			strbuf_addch(&sb, *ids);
	return strbuf_detach(&sb, NULL);
}

static void
set_date(GMimeMessage *msg, int64_t when)
{
	GDateTime *dt = when != 0 ? g_date_time_new_from_unix_local(when)
				  : g_date_time_new_now_local();

	g_mime_message_set_date(msg, dt);
	g_date_time_unref(dt);
}

/*
 * The body as text/plain; charset=utf-8, its bytes as written. Not
 * g_mime_text_part_set_text: that picks the smallest charset that fits
 * (Latin-1 for most French), and the label is then GMime's to choose.
 */
static GMimeTextPart *
utf8_text_part(const char *body)
{
	GMimeTextPart *text = g_mime_text_part_new_with_subtype("plain");
	GMimeStream *mem =
	    g_mime_stream_mem_new_with_buffer(body, strlen(body));
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(mem,
	    GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_object_set_content_type_parameter(GMIME_OBJECT(text), "charset",
	    "utf-8");
	g_mime_part_set_content(GMIME_PART(text), dw);
	g_object_unref(dw);
	g_object_unref(mem);
	return text;
}

int
mime_build(const struct mime_draft *d, struct strbuf *out,
    struct fct_error *err)
{
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeTextPart *text = NULL;
	GMimeMultipart *mixed = NULL;
	GMimeObject *part;
	char *id = NULL, *domain = NULL, *refs;
	size_t i;
	int rc = -1;

	if (d->from == NULL || *d->from == '\0') {
		fct_error_set(err, "no From address");
		goto out;
	}
	if (add_addresses(msg, GMIME_ADDRESS_TYPE_FROM, "From", d->from, err) !=
		0 ||
	    add_addresses(msg, GMIME_ADDRESS_TYPE_TO, "To", d->to, err) != 0 ||
	    add_addresses(msg, GMIME_ADDRESS_TYPE_CC, "Cc", d->cc, err) != 0 ||
	    add_addresses(msg, GMIME_ADDRESS_TYPE_BCC, "Bcc", d->bcc, err) !=
		0 ||
	    add_addresses(msg, GMIME_ADDRESS_TYPE_REPLY_TO, "Reply-To",
		d->reply_to, err) != 0)
		goto out;
	g_mime_message_set_subject(msg, d->subject != NULL ? d->subject : "",
	    "utf-8");
	set_date(msg, d->date);
	if (d->message_id != NULL)
		id = xstrdup(d->message_id);
	else if ((domain = mime_address_domain(d->from)) == NULL) {
		fct_error_set(err, "no domain in From '%s'", d->from);
		goto out;
	} else if (mime_message_id_new(domain, &id, err) != 0)
		goto out;
	g_mime_message_set_message_id(msg, id);
	if (d->in_reply_to != NULL) {
		refs = bracketed(d->in_reply_to);
		g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To", refs,
		    NULL);
		free(refs);
	}
	if (d->references != NULL) {
		refs = bracketed(d->references);
		g_mime_object_set_header(GMIME_OBJECT(msg), "References", refs,
		    NULL);
		free(refs);
	}
	text = utf8_text_part(d->body != NULL ? d->body : "");
	g_mime_part_set_content_encoding(GMIME_PART(text),
	    g_mime_part_get_best_content_encoding(GMIME_PART(text),
		GMIME_ENCODING_CONSTRAINT_7BIT));
	if (d->natt == 0) {
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(text));
	} else {
		mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(mixed, GMIME_OBJECT(text));
		for (i = 0; i < d->natt; i++) {
			if ((part = attachment_part(&d->att[i], err)) == NULL)
				goto out;
			g_mime_multipart_add(mixed, part);
			g_object_unref(part);
		}
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(mixed));
	}
	/* Parts inside a forwarded message too. */
	g_mime_object_encode(GMIME_OBJECT(msg), GMIME_ENCODING_CONSTRAINT_7BIT);
	write_message(msg, out);
	rc = 0;
out:
	if (mixed != NULL)
		g_object_unref(mixed);
	if (text != NULL)
		g_object_unref(text);
	g_object_unref(msg);
	free(id);
	free(domain);
	return rc;
}

void
mime_envelope_release(struct mime_envelope *e)
{
	size_t i;

	free(e->from);
	free(e->message_id);
	free(e->subject);
	for (i = 0; i < e->nrcpt; i++)
		free(e->rcpt[i]);
	free(e->rcpt);
	memset(e, 0, sizeof *e);
}

struct rcpt_ctx {
	struct mime_envelope *env;
	const char *bad;
};

static void
add_rcpt(InternetAddressMailbox *mb, void *arg)
{
	struct rcpt_ctx *c = arg;
	const char *addr = internet_address_mailbox_get_addr(mb);
	const char *at = addr != NULL ? strrchr(addr, '@') : NULL;
	size_t i;

	if (at == NULL || at == addr || at[1] == '\0' ||
	    strpbrk(addr, "\r\n<> ") != NULL) {
		if (c->bad == NULL)
			c->bad = addr != NULL ? addr : "";
		return;
	}
	for (i = 0; i < c->env->nrcpt; i++)
		if (strcasecmp(c->env->rcpt[i], addr) == 0)
			return;
	FCT_ALLOC_GROW(c->env->rcpt, c->env->nrcpt + 1, c->env->rcpt_alloc);
	c->env->rcpt[c->env->nrcpt++] = xstrdup(addr);
}

static bool
has_8bit(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* Sets every header whose raw value has 8-bit bytes again, encoded. */
static void
encode_headers(GMimeObject *obj)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int i, n = g_mime_header_list_get_count(hl);

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		char *v;

		if (!has_8bit(g_mime_header_get_raw_value(h)))
			continue;
		v = g_strdup(g_mime_header_get_value(h));
		g_mime_header_set_value(h, NULL, v, "utf-8");
		g_free(v);
	}
}

/*
 * Replaces alias keys in one recipient header by their addresses. The
 * list is rewritten only when something was expanded, so a message
 * without aliases goes out with its headers as written.
 */
static int
expand_aliases(GMimeMessage *msg, GMimeAddressType type, const char *what,
    const struct fct_aliases *aliases, struct fct_error *err)
{
	InternetAddressList *list = g_mime_message_get_addresses(msg, type);
	InternetAddressList *parsed;
	struct strbuf sb = STRBUF_INIT;
	const char *raw;
	int rc = 0;

	if (aliases == NULL || fct_aliases_count(aliases) == 0 ||
	    (raw = g_mime_object_get_header(GMIME_OBJECT(msg), what)) == NULL)
		return 0;
	if (fct_aliases_expand(aliases, raw, &sb, err) != 0)
		rc = -1;
	else if (strcmp(sb.buf, raw) != 0) {
		if ((parsed = internet_address_list_parse(NULL, sb.buf)) ==
		    NULL)
			rc = fct_error_set(err, "bad address in %s: '%s'", what,
			    sb.buf);
		else {
			internet_address_list_clear(list);
			internet_address_list_append(list, parsed);
			g_object_unref(parsed);
		}
	}
	strbuf_release(&sb);
	return rc;
}

/* The same inside: a raw 8-bit attachment name becomes RFC 2231. */
static void
encode_part_headers(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void)parent;
	(void)data;
	encode_headers(part);
	if (GMIME_IS_PART(part)) {
		GMimeContentDisposition *cd =
		    g_mime_object_get_content_disposition(part);

		if (cd != NULL)
			utf8_param(g_mime_content_disposition_get_parameters(
				       cd),
			    "filename");
		utf8_param(g_mime_content_type_get_parameters(
			       g_mime_object_get_content_type(part)),
		    "name");
	}
}

/*
 * A message written by hand or by a script often has no MIME headers at
 * all: its text is taken to be UTF-8 (facteur's one charset), and said so,
 * or the re-encoded body would read as US-ASCII at the other end.
 */
static void
label_plain_text(GMimeMessage *msg)
{
	GMimeObject *part = g_mime_message_get_mime_part(msg);

	if (g_mime_object_get_header(GMIME_OBJECT(msg), "MIME-Version") == NULL)
		g_mime_object_set_header(GMIME_OBJECT(msg), "MIME-Version",
		    "1.0", NULL);
	if (part != NULL && GMIME_IS_TEXT_PART(part) &&
	    g_mime_object_get_header(part, "Content-Type") == NULL)
		g_mime_object_set_content_type_parameter(part, "charset",
		    "utf-8");
}

int
mime_prepare(const char *raw, size_t len, const char *default_from,
    const struct fct_aliases *aliases, struct strbuf *out,
    struct mime_envelope *env, struct fct_error *err)
{
	GMimeMessage *msg = parse_message(raw, len);
	GMimeObject *obj;
	InternetAddressList *from;
	struct rcpt_ctx c = { env, NULL };
	struct check_ctx fc = { NULL, false };
	const char *mid, *subject;
	char *domain = NULL, *id = NULL;
	int rc = -1;

	mime_envelope_release(env);
	if (msg == NULL || g_mime_message_get_mime_part(msg) == NULL) {
		if (msg != NULL)
			g_object_unref(msg);
		return fct_error_set(err, "cannot read the message");
	}
	obj = GMIME_OBJECT(msg);
	from = g_mime_message_get_from(msg);
	if (internet_address_list_length(from) == 0 && default_from != NULL &&
	    add_addresses(msg, GMIME_ADDRESS_TYPE_FROM, "From", default_from,
		err) != 0)
		goto out;
	each_mailbox(from, check_mailbox, &fc);
	if (!fc.any) {
		fct_error_set(err, "the message has no From address");
		goto out;
	}
	if (fc.bad != NULL) {
		fct_error_set(err, "bad address in From: '%s'", fc.bad);
		goto out;
	}
	each_mailbox(from, first_domain, &domain);
	{
		InternetAddress *ia =
		    internet_address_list_get_address(from, 0);

		env->from = INTERNET_ADDRESS_IS_MAILBOX(ia)
		    ? xstrdup(internet_address_mailbox_get_addr(
			  INTERNET_ADDRESS_MAILBOX(ia)))
		    : xasprintf("postmaster@%s", domain);
	}
	if (expand_aliases(msg, GMIME_ADDRESS_TYPE_TO, "To", aliases, err) !=
		0 ||
	    expand_aliases(msg, GMIME_ADDRESS_TYPE_CC, "Cc", aliases, err) !=
		0 ||
	    expand_aliases(msg, GMIME_ADDRESS_TYPE_BCC, "Bcc", aliases, err) !=
		0)
		goto out;
	each_mailbox(g_mime_message_get_to(msg), add_rcpt, &c);
	each_mailbox(g_mime_message_get_cc(msg), add_rcpt, &c);
	each_mailbox(g_mime_message_get_bcc(msg), add_rcpt, &c);
	if (c.bad != NULL) {
		fct_error_set(err, "bad recipient address '%s'", c.bad);
		goto out;
	}
	if (env->nrcpt == 0) {
		fct_error_set(err, "no recipient (To, Cc or Bcc)");
		goto out;
	}
	g_mime_object_remove_header(obj, "Bcc");
	if ((mid = g_mime_message_get_message_id(msg)) == NULL ||
	    *mid == '\0') {
		if (mime_message_id_new(domain, &id, err) != 0)
			goto out;
		g_mime_message_set_message_id(msg, id);
		mid = id;
	}
	env->message_id = xstrdup(mid);
	if (g_mime_message_get_date(msg) == NULL)
		set_date(msg, 0);
	if ((subject = g_mime_message_get_subject(msg)) != NULL)
		env->subject = xstrdup(subject);
	encode_headers(obj);
	g_mime_message_foreach(msg, encode_part_headers, NULL);
	label_plain_text(msg);
	g_mime_object_encode(obj, GMIME_ENCODING_CONSTRAINT_7BIT);
	write_message(msg, out);
	rc = 0;
out:
	if (rc != 0)
		mime_envelope_release(env);
	g_object_unref(msg);
	free(domain);
	free(id);
	return rc;
}

/* --- reply and forward templates --- */

static bool
is_own(const char *addr, const char *const *own, size_t n, int *idx)
{
	size_t i;

	for (i = 0; addr != NULL && i < n; i++)
		if (strcasecmp(addr, own[i]) == 0) {
			if (idx != NULL)
				*idx = (int)i;
			return true;
		}
	return false;
}

struct collect_ctx {
	const char *const *own;
	size_t n;
	int addressed;
	InternetAddressList *keep; /* reply-all: who stays */
	InternetAddressList *skip; /* already in To */
};

static bool
listed(InternetAddressList *l, const char *addr)
{
	int i, n = l != NULL ? internet_address_list_length(l) : 0;

	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia) &&
		    strcasecmp(internet_address_mailbox_get_addr(
				   INTERNET_ADDRESS_MAILBOX(ia)),
			addr) == 0)
			return true;
	}
	return false;
}

static void
collect(InternetAddressMailbox *mb, void *arg)
{
	struct collect_ctx *c = arg;
	const char *addr = internet_address_mailbox_get_addr(mb);
	int idx = -1;

	if (addr == NULL)
		return;
	if (is_own(addr, c->own, c->n, &idx)) {
		if (c->addressed < 0)
			c->addressed = idx;
		return;
	}
	if (c->keep != NULL && !listed(c->keep, addr) && !listed(c->skip, addr))
		internet_address_list_add(c->keep, INTERNET_ADDRESS(mb));
}

static char *
list_text(InternetAddressList *l)
{
	char *s, *r;

	if (l == NULL || internet_address_list_length(l) == 0)
		return NULL;
	s = internet_address_list_to_string(l, NULL, FALSE);
	r = xstrdup(s);
	g_free(s);
	return r;
}

/* "Re: " or "Fwd: " once, in front of the original subject. */
static char *
prefixed(const char *prefix, const char *subject)
{
	size_t n = strlen(prefix);

	if (subject == NULL)
		subject = "";
	if (strncasecmp(subject, prefix, n) == 0)
		return xstrdup(subject);
	return xasprintf("%s%s", prefix, subject);
}

/* Who the original was addressed to, for the identity (own[] index). */
static int
addressed_to(GMimeMessage *m, const char *const *own, size_t n)
{
	struct collect_ctx c = { own, n, -1, NULL, NULL };
	const char *dt;
	int idx = -1;

	each_mailbox(g_mime_message_get_to(m), collect, &c);
	each_mailbox(g_mime_message_get_cc(m), collect, &c);
	if (c.addressed < 0 &&
	    (dt = g_mime_object_get_header(GMIME_OBJECT(m), "Delivered-To")) !=
		NULL) {
		char *d = trimmed(dt, strlen(dt));

		if (is_own(d, own, n, &idx))
			c.addressed = idx;
		free(d);
	}
	return c.addressed;
}

static void
quote_text(struct strbuf *out, const char *text)
{
	const char *p = text, *eol;

	while (*p != '\0') {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		strbuf_addstr(out, ">");
		if (eol > p && *p != '>')
			strbuf_addch(out, ' ');
		strbuf_add(out, p,
		    (size_t)(eol - p) - (eol > p && eol[-1] == '\r'));
		strbuf_addch(out, '\n');
		p = *eol == '\n' ? eol + 1 : eol;
	}
}

static void
add_without_cr(struct strbuf *out, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != '\r')
			strbuf_addch(out, *s);
}

static char *
from_text(GMimeMessage *m)
{
	char *s = list_text(g_mime_message_get_from(m));

	return s != NULL ? s : xstrdup("someone");
}

int
mime_reply_draft(const char *raw, size_t len, bool all, const char *const *own,
    size_t n, struct mime_draft *d, int *addressed, struct fct_error *err)
{
	GMimeMessage *m;
	InternetAddressList *to, *rt;
	struct collect_ctx c;
	struct strbuf body = STRBUF_INIT, text = STRBUF_INIT;
	const char *mid, *refs;
	char *who, *date = NULL;
	GDateTime *dt;

	mime_draft_release(d);
	if ((m = parse_message(raw, len)) == NULL)
		return fct_error_set(err, "cannot read the original message");
	rt = g_mime_message_get_reply_to(m);
	to = internet_address_list_new();
	internet_address_list_append(to,
	    internet_address_list_length(rt) > 0 ? rt
						 : g_mime_message_get_from(m));
	d->to = list_text(to);
	if (all) {
		c = (struct collect_ctx){ own, n, -1,
			internet_address_list_new(), to };
		each_mailbox(g_mime_message_get_to(m), collect, &c);
		each_mailbox(g_mime_message_get_cc(m), collect, &c);
		d->cc = list_text(c.keep);
		g_object_unref(c.keep);
		/* Replying to one's own message: to its recipients. */
		if (d->to != NULL && n > 0) {
			struct collect_ctx t = { own, n, -1, NULL, NULL };

			each_mailbox(to, collect, &t);
			if (t.addressed >= 0 && d->cc != NULL) {
				free(d->to);
				d->to = d->cc;
				d->cc = NULL;
			}
		}
	}
	g_object_unref(to);
	d->subject = prefixed("Re: ", g_mime_message_get_subject(m));
	if ((mid = g_mime_message_get_message_id(m)) != NULL) {
		d->in_reply_to = xstrdup(mid);
		refs = g_mime_object_get_header(GMIME_OBJECT(m), "References");
		if (refs != NULL) {
			char *r = bracketed(refs), *p;

			/* bracketed() gives "<a> <b>"; keep bare ids. */
			for (p = r; *p != '\0'; p++)
				if (*p == '<' || *p == '>')
					*p = ' ';
			d->references = xasprintf("%s %s", r, mid);
			free(r);
		} else
			d->references = xstrdup(mid);
	}
	if (addressed != NULL)
		*addressed = addressed_to(m, own, n);
	who = from_text(m);
	if ((dt = g_mime_message_get_date(m)) != NULL)
		date = g_date_time_format(dt, "%a, %d %b %Y %H:%M");
	strbuf_addf(&body, "\nOn %s, %s wrote:\n",
	    date != NULL ? date : "an unknown date", who);
	g_free(date);
	free(who);
	if (mime_body_text(raw, len, &text, NULL) == 0)
		quote_text(&body, text.buf);
	strbuf_release(&text);
	d->body = strbuf_detach(&body, NULL);
	g_object_unref(m);
	return 0;
}

int
mime_forward_draft(const char *raw, size_t len, bool attach,
    const char *const *own, size_t n, struct mime_draft *d, int *addressed,
    struct fct_error *err)
{
	GMimeMessage *m;
	struct strbuf body = STRBUF_INIT, text = STRBUF_INIT;
	struct mime_attachment *a;
	const char *subject;
	char *s;
	GDateTime *dt;

	mime_draft_release(d);
	if ((m = parse_message(raw, len)) == NULL)
		return fct_error_set(err, "cannot read the original message");
	subject = g_mime_message_get_subject(m);
	d->subject = prefixed("Fwd: ", subject);
	if (addressed != NULL)
		*addressed = addressed_to(m, own, n);
	if (attach) {
		s = subject != NULL && *subject != '\0'
		    ? xasprintf("%s.eml", subject)
		    : xstrdup("message.eml");
		a = mime_draft_add_attachment(d, s, "message/rfc822", NULL);
		free(s);
		a->data = xmalloc(len > 0 ? len : 1);
		memcpy(a->data, raw, len);
		a->len = len;
		d->body = xstrdup("\n");
	} else {
		strbuf_addstr(&body,
		    "\n---------- Forwarded message ----------\n");
		s = from_text(m);
		strbuf_addf(&body, "From: %s\n", s);
		free(s);
		if ((dt = g_mime_message_get_date(m)) != NULL) {
			char *date =
			    g_date_time_format(dt, "%a, %d %b %Y %H:%M:%S %z");

			strbuf_addf(&body, "Date: %s\n", date);
			g_free(date);
		}
		strbuf_addf(&body, "Subject: %s\n",
		    subject != NULL ? subject : "");
		if ((s = list_text(g_mime_message_get_to(m))) != NULL) {
			strbuf_addf(&body, "To: %s\n", s);
			free(s);
		}
		strbuf_addch(&body, '\n');
		if (mime_body_text(raw, len, &text, NULL) == 0)
			add_without_cr(&body, text.buf);
		strbuf_release(&text);
		d->body = strbuf_detach(&body, NULL);
	}
	g_object_unref(m);
	return 0;
}

/* --- resuming a draft --- */

struct resume_ctx {
	struct mime_draft *d;
	bool have_text;
};

static void
resume_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct resume_ctx *c = data;
	GMimeContentDisposition *cd;
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	struct mime_attachment *a;
	GMimeDataWrapper *dw;
	GMimeStream *mem;
	GByteArray *ba;
	char *type, *text;

	(void)parent;
	if (GMIME_IS_MULTIPART(part))
		return;
	cd = g_mime_object_get_content_disposition(part);
	if (!c->have_text && GMIME_IS_TEXT_PART(part) &&
	    g_mime_content_type_is_type(ct, "text", "plain") &&
	    (cd == NULL || !g_mime_content_disposition_is_attachment(cd))) {
		struct strbuf sb = STRBUF_INIT;

		text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
		/* Back to the editor's LF line ends. */
		add_without_cr(&sb, text != NULL ? text : "");
		c->d->body = strbuf_detach(&sb, NULL);
		g_free(text);
		c->have_text = true;
		return;
	}
	type = g_mime_content_type_get_mime_type(ct);
	if (GMIME_IS_MESSAGE_PART(part)) {
		GMimeMessage *m =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));

		mem = g_mime_stream_mem_new();
		if (m != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL,
			    mem);
	} else if (GMIME_IS_PART(part) &&
	    (dw = g_mime_part_get_content(GMIME_PART(part))) != NULL) {
		mem = g_mime_stream_mem_new();
		g_mime_data_wrapper_write_to_stream(dw, mem);
	} else {
		g_free(type);
		return;
	}
	a = mime_draft_add_attachment(c->d,
	    GMIME_IS_PART(part) ? g_mime_part_get_filename(GMIME_PART(part))
				: NULL,
	    type, NULL);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	a->len = ba->len;
	a->data = xmalloc(ba->len + 1);
	memcpy(a->data, ba->data, ba->len);
	g_object_unref(mem);
	g_free(type);
}

int
mime_draft_from_message(const char *raw, size_t len, struct mime_draft *d,
    struct fct_error *err)
{
	struct resume_ctx c = { d, false };
	GMimeMessage *m;
	const char *v;
	char *refs;

	mime_draft_release(d);
	if ((m = parse_message(raw, len)) == NULL)
		return fct_error_set(err, "cannot read the draft");
	d->from = list_text(g_mime_message_get_from(m));
	d->to = list_text(g_mime_message_get_to(m));
	d->cc = list_text(g_mime_message_get_cc(m));
	d->bcc = list_text(g_mime_message_get_bcc(m));
	d->reply_to = list_text(g_mime_message_get_reply_to(m));
	if ((v = g_mime_message_get_subject(m)) != NULL)
		d->subject = xstrdup(v);
	if ((v = g_mime_message_get_message_id(m)) != NULL)
		d->message_id = xstrdup(v);
	if ((v = g_mime_object_get_header(GMIME_OBJECT(m), "In-Reply-To")) !=
	    NULL) {
		refs = bracketed(v);
		d->in_reply_to = unbracketed(refs);
		free(refs);
	}
	if ((v = g_mime_object_get_header(GMIME_OBJECT(m), "References")) !=
	    NULL) {
		refs = bracketed(v);
		d->references = unbracketed(refs);
		free(refs);
	}
	g_mime_message_foreach(m, resume_part, &c);
	if (d->body == NULL)
		d->body = xstrdup("");
	g_object_unref(m);
	return 0;
}

struct each_ctx {
	int (*fn)(const char *name, const char *addr, void *arg);
	void *arg;
	bool stop;
};

static void
each_cb(InternetAddressMailbox *mb, void *arg)
{
	struct each_ctx *c = arg;
	const char *addr = internet_address_mailbox_get_addr(mb);
	const char *name = internet_address_get_name(INTERNET_ADDRESS(mb));

	if (!c->stop && addr != NULL && *addr != '\0')
		c->stop = c->fn(name != NULL ? name : "", addr, c->arg) != 0;
}

void
mime_address_list_each(const char *list,
    int (*fn)(const char *name, const char *addr, void *arg), void *arg)
{
	struct each_ctx c = { fn, arg, false };
	InternetAddressList *l;

	if (list == NULL ||
	    (l = internet_address_list_parse(NULL, list)) == NULL)
		return;
	each_mailbox(l, each_cb, &c);
	g_object_unref(l);
}
