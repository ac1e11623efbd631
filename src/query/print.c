/*
 * The canonical text of a query, the inverse of parse.c: parsing what this
 * prints gives an equal tree, which the fuzz target checks on every input.
 * Values are written bare when the lexer would read them back unchanged,
 * and otherwise as a concatenation of quoted literal runs and bare
 * wildcards ("facture EDF"*), the lexer's own rule for mixed values.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "facteur/core.h"
#include "private.h"

/* Whether a literal run must be quoted to be read back as such. */
static bool
run_needs_quotes(const char *s, size_t n, bool first_of_word, bool whole_word)
{
	size_t i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (strchr(" \t\r\n()\"*?", s[i]) != NULL)
			return true;
	if (!first_of_word)
		return false;
	/* A free word must not read as -term, a field, or an operator. */
	if (s[0] == '-' || memchr(s, ':', n) != NULL)
		return true;
	return whole_word &&
	    ((n == 3 &&
		 (query_ascii_caseeq(s, "and", 3) ||
		     query_ascii_caseeq(s, "not", 3))) ||
		(n == 2 && query_ascii_caseeq(s, "or", 2)));
}

static void
add_run(struct strbuf *sb, const char *s, size_t n, bool quote)
{
	size_t i;

	if (!quote) {
		strbuf_add(sb, s, n);
		return;
	}
	strbuf_addch(sb, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, s[i]);
	}
	strbuf_addch(sb, '"');
}

/*
 * Prints a pattern as a value. free_word: it stands alone, so its start
 * must not look like a field name, `-` or an operator.
 */
static void
add_pattern(struct strbuf *sb, const char *pattern, bool free_word)
{
	struct strbuf run = STRBUF_INIT;
	const char *s = pattern;
	bool first = true, whole;

	if (*s == '\0') {
		strbuf_addstr(sb, "\"\"");
		return;
	}
	for (;;) {
		if (*s == '*' || *s == '?' || *s == '\0') {
			if (run.len > 0) {
				whole = first && *s == '\0';
				add_run(sb, run.buf, run.len,
				    run_needs_quotes(run.buf, run.len,
					first && free_word, whole));
				strbuf_reset(&run);
			}
			if (*s == '\0')
				break;
			strbuf_addch(sb, *s++);
			first = false;
			continue;
		}
		if (*s == '\\' && s[1] != '\0')
			s++;
		strbuf_addch(&run, *s++);
	}
	strbuf_release(&run);
}

/* Prints a plain string (a keyword) as a value read back literally. */
static void
add_literal(struct strbuf *sb, const char *s)
{
	struct strbuf pat = STRBUF_INIT;

	query_pattern_add_literal(&pat, s, strlen(s));
	add_pattern(sb, pat.buf, false);
	strbuf_release(&pat);
}

static void
add_size(struct strbuf *sb, uint64_t v)
{
	static const struct {
		char unit;
		uint64_t bytes;
	} units[] = {
		{ 'G', (uint64_t)1 << 30 },
		{ 'M', (uint64_t)1 << 20 },
		{ 'k', (uint64_t)1 << 10 },
	};
	size_t i;

	for (i = 0; v > 0 && i < FCT_ARRAY_LEN(units); i++) {
		if (v % units[i].bytes == 0) {
			strbuf_addf(sb, "%" PRIu64 "%c", v / units[i].bytes,
			    units[i].unit);
			return;
		}
	}
	strbuf_addf(sb, "%" PRIu64, v);
}

static void
add_cal(struct strbuf *sb, const struct query_cal *c)
{
	strbuf_addf(sb, "%04d", c->year);
	if (c->month > 0)
		strbuf_addf(sb, "-%02d", c->month);
	if (c->day > 0)
		strbuf_addf(sb, "-%02d", c->day);
}

static void
add_leaf(struct strbuf *sb, const struct query_node *n)
{
	static const char *const ops[] = { ">", ">=", "<", "<=" };

	switch (n->op) {
	case QUERY_OP_TEXT:
		if (n->field != QUERY_FIELD_ANY)
			strbuf_addf(sb, "%s:", query_field_name(n->field));
		add_pattern(sb, n->pattern, n->field == QUERY_FIELD_ANY);
		break;
	case QUERY_OP_HEADER:
		strbuf_addf(sb, "header:%s:", n->name);
		add_pattern(sb, n->pattern, false);
		break;
	case QUERY_OP_FLAG:
		strbuf_addf(sb, "is:%s", query_flag_name(n->flag, n->flag_set));
		break;
	case QUERY_OP_KEYWORD:
		strbuf_addstr(sb, "keyword:");
		add_literal(sb, n->name);
		break;
	case QUERY_OP_ATTACHMENT:
		strbuf_addstr(sb, "has:attachment");
		break;
	case QUERY_OP_SIZE:
		strbuf_addstr(sb, "size:");
		if (n->size.cmp != QUERY_CMP_RANGE) {
			strbuf_addstr(sb, ops[n->size.cmp]);
			add_size(sb, n->size.a);
			break;
		}
		if (n->size.has_a)
			add_size(sb, n->size.a);
		strbuf_addstr(sb, "..");
		if (n->size.has_b)
			add_size(sb, n->size.b);
		break;
	case QUERY_OP_DATE:
		strbuf_addstr(sb, "date:");
		if (!n->date.range) {
			add_cal(sb, &n->date.lo);
			break;
		}
		if (n->date.has_lo)
			add_cal(sb, &n->date.lo);
		strbuf_addstr(sb, "..");
		if (n->date.has_hi)
			add_cal(sb, &n->date.hi);
		break;
	case QUERY_OP_AGE:
		strbuf_addf(sb, "%s:%" PRIu64 "%c",
		    n->age.older ? "older" : "newer", n->age.n, n->age.unit);
		break;
	default:
		BUG("add_leaf on op %d", (int)n->op);
	}
}

/* Binding strength of the context a node is printed in. */
enum ctx {
	CTX_TOP,
	CTX_OR,
	CTX_AND,
	CTX_NOT,
};

static void
add_node(struct strbuf *sb, const struct query_node *n, enum ctx ctx)
{
	bool paren;
	size_t i;

	switch (n->op) {
	case QUERY_OP_ALL:
		break;
	case QUERY_OP_OR:
	case QUERY_OP_AND:
		paren = n->op == QUERY_OP_OR ? ctx >= CTX_AND : ctx >= CTX_NOT;
		if (paren)
			strbuf_addch(sb, '(');
		for (i = 0; i < n->nkids; i++) {
			if (i > 0)
				strbuf_addstr(sb,
				    n->op == QUERY_OP_OR ? " or " : " ");
			add_node(sb, n->kids[i],
			    n->op == QUERY_OP_OR ? CTX_OR : CTX_AND);
		}
		if (paren)
			strbuf_addch(sb, ')');
		break;
	case QUERY_OP_NOT:
		strbuf_addstr(sb, "not ");
		add_node(sb, n->kids[0], CTX_NOT);
		break;
	default:
		add_leaf(sb, n);
		break;
	}
}

char *
query_to_string(const struct query *q)
{
	struct strbuf sb = STRBUF_INIT;

	add_node(&sb, q->root, CTX_TOP);
	return strbuf_detach(&sb, NULL);
}
