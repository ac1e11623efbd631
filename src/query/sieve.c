/*
 * The Sieve backend: a query as an RFC 5228 test, for the rules a server
 * can run at delivery (`facteur rules export-sieve`).
 *
 * Design. Only what Sieve says with the same meaning is written; anything
 * else makes the whole query fail with the reason, so that a rule is never
 * exported as something broader or narrower than it is. Text terms become
 * `header` tests (`body :text` for body:), which RFC 5228 runs on the
 * decoded header values, as our matcher does: a literal value is
 * `:contains`, a glob is `:matches "*GLOB*"` (our globs are unanchored,
 * Sieve's are not; both use * and ? with \ to quote). An empty value means
 * the field is there: `exists`. Sizes are `size :over/:under`. Sieve's
 * default comparator folds ASCII only, where ours also folds Latin-1
 * letters: a difference of case on accented letters is the one place the
 * server may miss what facteur matches (doc/rules.md).
 *
 * Not expressible: is: and keyword: (a message being delivered has no IMAP
 * flags yet, and imap4flags' hasflag sees the script's own flags, not the
 * message's), has:attachment, date:, older: and newer: (relative to when
 * the rules run, and zone-dependent).
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/core.h"
#include "private.h"

struct sieve_out {
	struct strbuf *sb;
	unsigned needs; /* enum query_sieve_needs */
	struct fct_error *err;
};

/* A Sieve quoted string: backslash and double quote escaped. */
static void
add_string(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static const char *
header_of(enum query_field f)
{
	switch (f) {
	case QUERY_FIELD_FROM:
		return "from";
	case QUERY_FIELD_TO:
		return "to";
	case QUERY_FIELD_CC:
		return "cc";
	case QUERY_FIELD_SUBJECT:
		return "subject";
	case QUERY_FIELD_LIST:
		return "list-id";
	default:
		return NULL;
	}
}

/* One text test: header (NULL: the body) against pattern. */
static void
text_test(struct sieve_out *o, const char *header, const char *pattern)
{
	char *run = NULL;
	bool literal = query_pattern_literal(pattern, &run);

	if (literal && run[0] == '\0') {
		if (header == NULL)
			strbuf_addstr(o->sb, "true");
		else {
			strbuf_addstr(o->sb, "exists ");
			add_string(o->sb, header);
		}
		free(run);
		return;
	}
	if (header == NULL) {
		o->needs |= QUERY_SIEVE_BODY;
		strbuf_addstr(o->sb, "body :text ");
	} else {
		strbuf_addstr(o->sb, "header ");
	}
	if (literal) {
		strbuf_addstr(o->sb, ":contains ");
		if (header != NULL) {
			add_string(o->sb, header);
			strbuf_addch(o->sb, ' ');
		}
		add_string(o->sb, run);
	} else {
		/* Our escapes are Sieve's: only the anchors differ. */
		struct strbuf g = STRBUF_INIT;

		strbuf_addf(&g, "*%s*", pattern);
		strbuf_addstr(o->sb, ":matches ");
		if (header != NULL) {
			add_string(o->sb, header);
			strbuf_addch(o->sb, ' ');
		}
		add_string(o->sb, g.buf);
		strbuf_release(&g);
	}
	free(run);
}

static int conv(struct sieve_out *o, const struct query_node *n);

static int
conv_list(struct sieve_out *o, const char *op, struct query_node **kids,
    size_t n)
{
	size_t i;

	strbuf_addf(o->sb, "%s (", op);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addstr(o->sb, ", ");
		if (conv(o, kids[i]) != 0)
			return -1;
	}
	strbuf_addch(o->sb, ')');
	return 0;
}

static int
conv_size(struct sieve_out *o, const struct query_size *s)
{
	uint64_t lo, hi;

	query_size_bounds(s, &lo, &hi);
	if (lo > hi) {
		strbuf_addstr(o->sb, "false");
		return 0;
	}
	if (lo > 0 && hi < QUERY_SIZE_MAX)
		strbuf_addf(o->sb,
		    "allof (size :over %" PRIu64 ", size :under %" PRIu64 ")",
		    lo - 1, hi + 1);
	else if (lo > 0)
		strbuf_addf(o->sb, "size :over %" PRIu64, lo - 1);
	else if (hi < QUERY_SIZE_MAX)
		strbuf_addf(o->sb, "size :under %" PRIu64, hi + 1);
	else
		strbuf_addstr(o->sb, "true");
	return 0;
}

static int
conv(struct sieve_out *o, const struct query_node *n)
{
	static const enum query_field any[] = { QUERY_FIELD_SUBJECT,
		QUERY_FIELD_FROM, QUERY_FIELD_TO, QUERY_FIELD_CC,
		QUERY_FIELD_BODY };
	size_t i;

	switch (n->op) {
	case QUERY_OP_ALL:
		strbuf_addstr(o->sb, "true");
		return 0;
	case QUERY_OP_AND:
		return conv_list(o, "allof", n->kids, n->nkids);
	case QUERY_OP_OR:
		return conv_list(o, "anyof", n->kids, n->nkids);
	case QUERY_OP_NOT:
		strbuf_addstr(o->sb, "not ");
		return conv(o, n->kids[0]);
	case QUERY_OP_TEXT:
		if (n->field != QUERY_FIELD_ANY) {
			text_test(o, header_of(n->field), n->pattern);
			return 0;
		}
		strbuf_addstr(o->sb, "anyof (");
		for (i = 0; i < FCT_ARRAY_LEN(any); i++) {
			if (i > 0)
				strbuf_addstr(o->sb, ", ");
			text_test(o, header_of(any[i]), n->pattern);
		}
		strbuf_addch(o->sb, ')');
		return 0;
	case QUERY_OP_HEADER:
		text_test(o, n->name, n->pattern);
		return 0;
	case QUERY_OP_SIZE:
		return conv_size(o, &n->size);
	case QUERY_OP_FLAG:
	case QUERY_OP_KEYWORD:
		return fct_error_set(o->err,
		    "is: and keyword: test IMAP flags, which mail being "
		    "delivered does not have yet");
	case QUERY_OP_ATTACHMENT:
		return fct_error_set(o->err,
		    "has:attachment has no Sieve test");
	case QUERY_OP_DATE:
	case QUERY_OP_AGE:
		return fct_error_set(o->err,
		    "date:, older: and newer: have no exact Sieve test");
	}
	BUG("bad query node %d", (int)n->op);
}

int
query_to_sieve(const struct query *q, struct strbuf *out, unsigned *needs,
    struct fct_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct sieve_out o = { &sb, 0, err };

	if (conv(&o, q->root) != 0) {
		strbuf_release(&sb);
		return -1;
	}
	strbuf_add(out, sb.buf, sb.len);
	*needs |= o.needs;
	strbuf_release(&sb);
	return 0;
}
