/*
 * The in-memory backend: does one message match? Used by the rules on new
 * mail and to filter what an inexact IMAP search returned. It is the
 * reference the other backends are tested against, so it stays a plain
 * walk of the tree with no shortcuts of its own: every text test goes
 * through query_text_match(), as the SQL does.
 */
#include "config.h"

#include <string.h>

#include "facteur/core.h"
#include "private.h"

static bool
match_field(const struct query_msg *m, enum query_field field,
    const char *pattern)
{
	switch (field) {
	case QUERY_FIELD_ANY:
		return query_text_match(m->subject, pattern) ||
		    query_text_match(m->from, pattern) ||
		    query_text_match(m->to, pattern) ||
		    query_text_match(m->cc, pattern) ||
		    query_text_match(m->body, pattern);
	case QUERY_FIELD_FROM:
		return query_text_match(m->from, pattern);
	case QUERY_FIELD_TO:
		return query_text_match(m->to, pattern);
	case QUERY_FIELD_CC:
		return query_text_match(m->cc, pattern);
	case QUERY_FIELD_SUBJECT:
		return query_text_match(m->subject, pattern);
	case QUERY_FIELD_LIST:
		return query_text_match(m->list_id, pattern);
	case QUERY_FIELD_BODY:
		return query_text_match(m->body, pattern);
	}
	BUG("bad query field %d", (int)field);
}

/* keyword:NAME is " NAME " inside " " + keywords + " ", as in the SQL. */
static bool
match_keyword(const char *keywords, const char *name)
{
	struct strbuf text = STRBUF_INIT, pat = STRBUF_INIT;
	bool r;

	strbuf_addch(&text, ' ');
	if (keywords != NULL)
		strbuf_addstr(&text, keywords);
	strbuf_addch(&text, ' ');
	strbuf_addch(&pat, ' ');
	query_pattern_add_literal(&pat, name, strlen(name));
	strbuf_addch(&pat, ' ');
	r = query_text_match(text.buf, pat.buf);
	strbuf_release(&text);
	strbuf_release(&pat);
	return r;
}

static bool
match_header(const struct query_msg *m, const struct query_node *n)
{
	struct strbuf value = STRBUF_INIT;
	bool r;

	r = query_header_value(m->headers, n->name, &value) &&
	    query_text_match(value.buf, n->pattern);
	strbuf_release(&value);
	return r;
}

static bool
in_span(const struct query_node *n, int64_t t, time_t now)
{
	struct query_span span;

	query_node_span(n, now, &span);
	return (!span.has_lo || t >= span.lo) && (!span.has_hi || t < span.hi);
}

static bool
match_node(const struct query_node *n, const struct query_msg *m, time_t now)
{
	uint64_t lo, hi;
	size_t i;

	switch (n->op) {
	case QUERY_OP_ALL:
		return true;
	case QUERY_OP_AND:
		for (i = 0; i < n->nkids; i++)
			if (!match_node(n->kids[i], m, now))
				return false;
		return true;
	case QUERY_OP_OR:
		for (i = 0; i < n->nkids; i++)
			if (match_node(n->kids[i], m, now))
				return true;
		return false;
	case QUERY_OP_NOT:
		return !match_node(n->kids[0], m, now);
	case QUERY_OP_TEXT:
		return match_field(m, n->field, n->pattern);
	case QUERY_OP_HEADER:
		return match_header(m, n);
	case QUERY_OP_FLAG:
		return ((m->flags & n->flag) != 0) == n->flag_set;
	case QUERY_OP_KEYWORD:
		return match_keyword(m->keywords, n->name);
	case QUERY_OP_ATTACHMENT:
		return m->has_attachment;
	case QUERY_OP_SIZE:
		query_size_bounds(&n->size, &lo, &hi);
		return m->size >= lo && m->size <= hi;
	case QUERY_OP_DATE:
	case QUERY_OP_AGE:
		return in_span(n, (int64_t)m->date, now);
	}
	BUG("bad query node op %d", (int)n->op);
}

bool
query_match(const struct query *q, const struct query_msg *m, time_t now)
{
	return match_node(q->root, m, now);
}
