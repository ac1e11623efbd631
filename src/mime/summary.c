/*
 * Header summaries for the cache: what the message list shows and what
 * the query language searches, decoded once at sync time with GMime so
 * that reading the index never decodes anything. Headers are decoded by
 * the same code as the pager's (mime_header_decode, render.c), so the
 * index and the message show the same subject and senders.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "private.h"

void
mime_init(void)
{
	/* Unlabelled 8-bit headers: UTF-8 first, then the usual Western
	 * mistake (ISO-8859-1 labels are really windows-1252). */
	static const char *fallback[] = { "utf-8", "windows-1252", NULL };
	GMimeParserOptions *opts;

	g_mime_init();
	opts = g_mime_parser_options_get_default();
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
}

static char *
gstrdup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

/*
 * The decoded value of header name, as the pager shows it (render.c), or
 * NULL when absent or empty. Owned.
 */
static char *
decoded(GMimeParserOptions *opts, GMimeObject *obj, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	const char *raw = mime_header_raw(obj, name);

	if (raw == NULL)
		return NULL;
	mime_header_decode(opts, name, raw, &sb);
	if (sb.len == 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

static void
read_references(GMimeObject *obj, struct mime_summary *out)
{
	GMimeReferences *refs;
	struct strbuf sb = STRBUF_INIT;
	const char *raw;
	int i, n;

	if ((raw = g_mime_object_get_header(obj, "In-Reply-To")) != NULL &&
	    (refs = g_mime_references_parse(NULL, raw)) != NULL) {
		if (g_mime_references_length(refs) > 0)
			out->in_reply_to = gstrdup_or_null(
			    g_mime_references_get_message_id(refs, 0));
		g_mime_references_free(refs);
	}
	if ((raw = g_mime_object_get_header(obj, "References")) != NULL &&
	    (refs = g_mime_references_parse(NULL, raw)) != NULL) {
		n = g_mime_references_length(refs);
		for (i = 0; i < n; i++) {
			if (i > 0)
				strbuf_addch(&sb, ' ');
			strbuf_addstr(&sb,
			    g_mime_references_get_message_id(refs, i));
		}
		g_mime_references_free(refs);
		out->references = sb.len > 0 ? strbuf_detach(&sb, NULL) : NULL;
		strbuf_release(&sb);
	}
}

int
mime_summary_parse(const char *raw, size_t len, struct mime_summary *out,
    struct fct_error *err)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeObject *obj;
	GMimeParserOptions *opts;
	GDateTime *date;

	mime_summary_release(out);
	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (msg == NULL)
		return fct_error_set(err, "cannot parse the message header");
	obj = GMIME_OBJECT(msg);
	opts = mime_header_options(msg);
	out->subject = decoded(opts, obj, "Subject");
	out->from_text = decoded(opts, obj, "From");
	out->to_text = decoded(opts, obj, "To");
	out->cc_text = decoded(opts, obj, "Cc");
	out->message_id = gstrdup_or_null(g_mime_message_get_message_id(msg));
	if ((date = g_mime_message_get_date(msg)) != NULL)
		out->date = g_date_time_to_unix(date);
	read_references(obj, out);
	out->list_id = decoded(opts, obj, "List-Id");
	g_mime_parser_options_free(opts);
	g_object_unref(msg);
	return 0;
}

void
mime_summary_release(struct mime_summary *s)
{
	free(s->subject);
	free(s->from_text);
	free(s->to_text);
	free(s->cc_text);
	free(s->message_id);
	free(s->in_reply_to);
	free(s->references);
	free(s->list_id);
	memset(s, 0, sizeof *s);
}
