/*
 * HTML to text, built in: libxml2's tolerant HTML parser builds a tree
 * out of whatever the sender wrote, and a walk over it writes text the
 * way a reader expects from mail: blocks separated by blank lines, <br>
 * as line breaks, list items with bullets or numbers, block quotes with
 * "> " like quoted mail, table rows one a line with " | " between cells,
 * <pre> as it is, and each link's target as a numbered reference ("[n]"
 * after the link text, the list under the text). Scripts, styles, the
 * head and comments are dropped, and so is what the sender hid: elements
 * with the hidden attribute, or whose style attribute says display:none or
 * visibility:hidden (the "preview text" newsletters write for the inbox
 * list, which a reader of the message never sees). Only inline styles
 * count: style sheets and classes are not evaluated, and a hidden
 * element's whole subtree goes, even a part that CSS would show again.
 *
 * Design: the walk feeds words into a small line builder (struct conv)
 * that knows the current prefix (quote depth, list indentation) and wraps
 * at the requested width; block boundaries are requests (a line break, a
 * blank line) resolved when the next word arrives, so that empty elements
 * and runs of <div>s never pile up blank lines.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "private.h"

#define HTML_MAX_DEPTH 200

struct conv {
	struct strbuf *out;
	struct strbuf line;   /* the line being built, prefix included */
	size_t col;           /* its width */
	bool line_has_word;   /* anything but the prefix on it */
	bool space;           /* a space is due before the next word */
	int breaks;           /* 1: line break due, 2: blank line due */
	unsigned break_quote; /* quote depth when the break was asked */
	bool started;         /* some text was written */
	unsigned quote;       /* <blockquote> depth */
	unsigned indent;      /* list indentation, columns */
	char *bullet;         /* owned: marker for the next line, or NULL */
	unsigned pre;         /* inside <pre> */
	unsigned width;
	char ***links;
	size_t *nlinks;
	size_t alloc_links;
	unsigned next_link;
	bool cell_sep; /* " | " due before the next cell */
};

static void
start_line(struct conv *c)
{
	unsigned i;

	strbuf_reset(&c->line);
	for (i = 0; i < c->quote; i++)
		strbuf_addch(&c->line, '>');
	if (c->quote > 0)
		strbuf_addch(&c->line, ' ');
	for (i = 0; i < c->indent; i++)
		strbuf_addch(&c->line, ' ');
	if (c->bullet != NULL) {
		/* The bullet hangs in the indentation of its item. */
		strbuf_setlen(&c->line,
		    c->line.len -
			(strlen(c->bullet) <= c->indent ? strlen(c->bullet)
							: 0));
		strbuf_addstr(&c->line, c->bullet);
		free(c->bullet);
		c->bullet = NULL;
	}
	c->col = mime_term_width(c->line.buf);
	c->line_has_word = false;
}

static void
end_line(struct conv *c)
{
	strbuf_rtrim(&c->line);
	strbuf_add(c->out, c->line.buf, c->line.len);
	strbuf_addch(c->out, '\n');
	strbuf_reset(&c->line);
	c->line_has_word = false;
	c->col = 0;
}

/* Flushes a pending line and resolves pending breaks before text. */
static void
before_text(struct conv *c)
{
	int i;

	if (c->breaks > 0) {
		if (c->line_has_word)
			end_line(c);
		if (c->started)
			for (i = 1; i < c->breaks; i++) {
				/* A blank line between a quote and what is
				 * outside belongs to the outside. */
				unsigned q = c->quote < c->break_quote
				    ? c->quote
				    : c->break_quote;

				strbuf_reset(&c->line);
				for (; q > 0; q--)
					strbuf_addch(&c->line, '>');
				end_line(c);
			}
		c->breaks = 0;
		c->space = false;
	}
	if (!c->line_has_word) {
		start_line(c);
		c->space = false;
	}
}

static void
add_word(struct conv *c, const char *w, size_t n)
{
	char *word = xstrndup(w, n);
	size_t ww = mime_term_width(word);

	before_text(c);
	if (c->cell_sep) {
		strbuf_addstr(&c->line, " | ");
		c->col += 3;
		c->cell_sep = false;
		c->space = false;
	}
	if (c->space && c->width > 0 && c->line_has_word &&
	    c->col + 1 + ww > c->width) {
		end_line(c);
		start_line(c);
		c->space = false;
	}
	if (c->space && c->line_has_word) {
		strbuf_addch(&c->line, ' ');
		c->col++;
	}
	strbuf_add(&c->line, word, n);
	c->col += ww;
	c->line_has_word = true;
	c->started = true;
	c->space = false;
	free(word);
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	    ch == '\f';
}

static void
add_text(struct conv *c, const char *s)
{
	const char *start;

	if (c->pre > 0) {
		for (; *s != '\0'; s++) {
			if (*s == '\n') {
				before_text(c);
				c->started = true;
				end_line(c);
				continue;
			}
			before_text(c);
			strbuf_addch(&c->line, *s);
			c->line_has_word = true;
			c->started = true;
		}
		return;
	}
	while (*s != '\0') {
		if (is_space(*s)) {
			c->space = true;
			s++;
			continue;
		}
		for (start = s; *s != '\0' && !is_space(*s); s++)
			;
		add_word(c, start, (size_t)(s - start));
	}
}

static void
want_break(struct conv *c, int n)
{
	if (c->breaks == 0)
		c->break_quote = c->quote;
	if (c->breaks < n)
		c->breaks = n;
}

static bool
name_is(const xmlNode *n, const char *name)
{
	return strcasecmp((const char *)n->name, name) == 0;
}

static bool
name_in(const xmlNode *n, const char *const *names)
{
	for (; *names != NULL; names++)
		if (name_is(n, *names))
			return true;
	return false;
}

static const char *const dropped[] = { "script", "style", "head", "title",
	"template", "object", "embed", "iframe", "noscript", NULL };
static const char *const paragraphs[] = { "p", "h1", "h2", "h3", "h4", "h5",
	"h6", "pre", "table", "dl", "address", "figure", "hr", "fieldset",
	NULL };
static const char *const lines[] = { "div", "tr", "dt", "dd", "li", "section",
	"article", "header", "footer", "nav", "main", "aside", "center", "form",
	"caption", "tbody", "thead", "tfoot", "figcaption", "details",
	"summary", NULL };

static void walk(struct conv *c, xmlNode *n, int depth);

/* Whether [p, end) is word once trimmed of blanks, ignoring case. */
static bool
span_is(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	while (p < end && strchr(" \t\r\n", *p) != NULL)
		p++;
	while (end > p && strchr(" \t\r\n", end[-1]) != NULL)
		end--;
	return (size_t)(end - p) == n && strncasecmp(p, word, n) == 0;
}

/* [p, *end) less a trailing "!important" (CSS allows blanks after '!'). */
static void
drop_important(const char *p, const char **end)
{
	const char *e = *end;

	while (e > p && strchr(" \t\r\n", e[-1]) != NULL)
		e--;
	if ((size_t)(e - p) < 9 || strncasecmp(e - 9, "important", 9) != 0)
		return;
	e -= 9;
	while (e > p && strchr(" \t\r\n", e[-1]) != NULL)
		e--;
	if (e > p && e[-1] == '!')
		*end = e - 1;
}

/*
 * Whether an inline style hides its element: display:none or
 * visibility:hidden (or collapse), the last declaration of each winning.
 */
static bool
style_hides(const char *style)
{
	const char *p = style, *end, *colon, *vend;
	bool none = false, invisible = false;

	for (; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, ";");
		colon = memchr(p, ':', (size_t)(end - p));
		if (colon == NULL)
			continue;
		vend = end;
		drop_important(colon + 1, &vend);
		if (span_is(p, colon, "display"))
			none = span_is(colon + 1, vend, "none");
		else if (span_is(p, colon, "visibility"))
			invisible = span_is(colon + 1, vend, "hidden") ||
			    span_is(colon + 1, vend, "collapse");
	}
	return none || invisible;
}

/* Whether the sender hid element n from the reader. */
static bool
is_hidden(xmlNode *n)
{
	xmlChar *style;
	bool hidden;

	if (xmlHasProp(n, (const xmlChar *)"hidden") != NULL)
		return true;
	if ((style = xmlGetProp(n, (const xmlChar *)"style")) == NULL)
		return false;
	hidden = style_hides((const char *)style);
	xmlFree(style);
	return hidden;
}

static void
add_link(struct conv *c, const char *href)
{
	char mark[32];

	FCT_ALLOC_GROW(*c->links, *c->nlinks + 1, c->alloc_links);
	(*c->links)[(*c->nlinks)++] = xstrdup(href);
	snprintf(mark, sizeof mark, "[%u]", c->next_link++);
	/* The mark sticks to the link text. */
	c->space = false;
	add_word(c, mark, strlen(mark));
}

/* Whether a link's target adds anything to its text. */
static bool
link_worth_listing(const char *href, xmlNode *a)
{
	xmlChar *text;
	bool same;

	if (href == NULL || *href == '\0' || *href == '#' ||
	    strncasecmp(href, "javascript:", 11) == 0)
		return false;
	text = xmlNodeGetContent(a);
	same = text != NULL && strcmp((const char *)text, href) == 0;
	xmlFree(text);
	return !same;
}

static void
walk_element(struct conv *c, xmlNode *n, int depth)
{
	xmlChar *attr;
	char num[32];
	unsigned item = 0, saved_indent;

	if (name_in(n, dropped) || is_hidden(n))
		return;
	if (name_is(n, "br")) {
		before_text(c);
		c->started = true;
		end_line(c);
		return;
	}
	if (name_is(n, "img")) {
		attr = xmlGetProp(n, (const xmlChar *)"alt");
		if (attr != NULL && *attr != '\0') {
			c->space = true;
			add_text(c, (const char *)attr);
			c->space = true;
		}
		xmlFree(attr);
		return;
	}
	if (name_is(n, "blockquote")) {
		want_break(c, 2);
		c->quote++;
		walk(c, n->children, depth + 1);
		want_break(c, 2);
		c->quote--;
		return;
	}
	if (name_is(n, "ul") || name_is(n, "ol") || name_is(n, "menu")) {
		want_break(c, c->indent == 0 ? 2 : 1);
		saved_indent = c->indent;
		c->indent += name_is(n, "ol") ? 4 : 2;
		for (xmlNode *k = n->children; k != NULL; k = k->next) {
			if (k->type != XML_ELEMENT_NODE || !name_is(k, "li")) {
				if (k->type == XML_ELEMENT_NODE)
					walk_element(c, k, depth + 1);
				continue;
			}
			if (is_hidden(k))
				continue;
			want_break(c, 1);
			free(c->bullet);
			if (name_is(n, "ol")) {
				snprintf(num, sizeof num, "%u. ", ++item);
				c->bullet = xstrdup(num);
			} else {
				c->bullet = xstrdup("* ");
			}
			if (c->line_has_word || c->breaks > 0)
				want_break(c, 1);
			walk(c, k->children, depth + 1);
			free(c->bullet);
			c->bullet = NULL;
			want_break(c, 1);
		}
		c->indent = saved_indent;
		want_break(c, saved_indent == 0 ? 2 : 1);
		return;
	}
	if (name_is(n, "pre")) {
		want_break(c, 2);
		c->pre++;
		walk(c, n->children, depth + 1);
		c->pre--;
		want_break(c, 2);
		return;
	}
	if (name_is(n, "td") || name_is(n, "th")) {
		if (c->line_has_word && c->breaks == 0)
			c->cell_sep = true;
		walk(c, n->children, depth + 1);
		return;
	}
	if (name_is(n, "a")) {
		attr = xmlGetProp(n, (const xmlChar *)"href");
		walk(c, n->children, depth + 1);
		if (attr != NULL && link_worth_listing((const char *)attr, n))
			add_link(c, (const char *)attr);
		xmlFree(attr);
		return;
	}
	if (name_in(n, paragraphs)) {
		want_break(c, 2);
		if (name_is(n, "hr")) {
			add_word(c, "-----", 5);
			want_break(c, 2);
			return;
		}
		walk(c, n->children, depth + 1);
		want_break(c, 2);
		return;
	}
	if (name_in(n, lines)) {
		want_break(c, 1);
		walk(c, n->children, depth + 1);
		want_break(c, 1);
		return;
	}
	walk(c, n->children, depth + 1);
}

static void
walk(struct conv *c, xmlNode *n, int depth)
{
	if (depth > HTML_MAX_DEPTH)
		return;
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				add_text(c, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			walk_element(c, n, depth);
		}
	}
}

void
mime_html_to_text(const char *html, size_t len, unsigned width,
    unsigned first_link, struct strbuf *out, char ***links, size_t *nlinks)
{
	struct conv c;
	htmlDocPtr doc;

	memset(&c, 0, sizeof c);
	c.out = out;
	strbuf_init(&c.line, 0);
	c.width = width;
	c.links = links;
	c.nlinks = nlinks;
	c.alloc_links = *nlinks;
	c.next_link = first_link;
	if (len > INT32_MAX)
		len = INT32_MAX;
	/* IGNORE_ENC: the text is UTF-8 already, whatever a <meta> says. */
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
	if (doc != NULL) {
		walk(&c, xmlDocGetRootElement(doc), 0);
		xmlFreeDoc(doc);
	}
	if (c.line_has_word)
		end_line(&c);
	free(c.bullet);
	strbuf_release(&c.line);
}
