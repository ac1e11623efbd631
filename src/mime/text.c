/*
 * The searchable text of a message, for the cache's full-text index: every
 * text/plain part decoded to UTF-8 (transfer encoding and charset, by
 * GMime), or, when a message has no plain text at all, the text of its
 * HTML parts with markup, scripts and styles dropped (libxml2's tolerant
 * HTML parser). This is not the pager's rendering (that keeps structure);
 * it only has to find words.
 */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>

#include "facteur/mime.h"

/* Enough to find words in any real message; the rest is not indexed. */
#define TEXT_MAX (1024 * 1024)

struct collect {
	struct strbuf *plain;
	struct strbuf html;
};

static void
add_text(struct strbuf *sb, const char *text)
{
	size_t room;

	if (text == NULL || sb->len >= TEXT_MAX)
		return;
	room = TEXT_MAX - sb->len;
	if (sb->len > 0)
		strbuf_addch(sb, '\n');
	strbuf_add(sb, text, strnlen(text, room));
}

static void
collect_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct collect *c = data;
	GMimeContentType *ct;
	GMimeContentDisposition *cd;
	char *text;

	if (!GMIME_IS_TEXT_PART(part))
		return;
	/* A text file attached is the sender's document, not the message. */
	cd = g_mime_object_get_content_disposition(part);
	if (cd != NULL && g_mime_content_disposition_is_attachment(cd))
		return;
	ct = g_mime_object_get_content_type(part);
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	if (g_mime_content_type_is_type(ct, "text", "plain"))
		add_text(c->plain, text);
	else if (g_mime_content_type_is_type(ct, "text", "html"))
		add_text(&c->html, text);
	g_free(text);
}

static void
html_text(xmlNode *n, struct strbuf *out, int depth)
{
	for (; n != NULL && out->len < TEXT_MAX; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content != NULL)
			add_text(out, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE && depth < 256 &&
		    strcmp((const char *)n->name, "script") != 0 &&
		    strcmp((const char *)n->name, "style") != 0)
			html_text(n->children, out, depth + 1);
	}
}

static void
add_html(struct strbuf *out, const struct strbuf *html)
{
	htmlDocPtr doc;

	doc = htmlReadMemory(html->buf, (int)html->len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
	if (doc == NULL)
		return;
	html_text(xmlDocGetRootElement(doc), out, 0);
	xmlFreeDoc(doc);
}

int
mime_body_text(const char *raw, size_t len, struct strbuf *out,
    struct fct_error *err)
{
	struct collect c = { out, STRBUF_INIT };
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (msg == NULL)
		return fct_error_set(err, "cannot parse the message");
	g_mime_message_foreach(msg, collect_part, &c);
	if (out->len == 0 && c.html.len > 0)
		add_html(out, &c.html);
	strbuf_release(&c.html);
	g_object_unref(msg);
	return 0;
}
