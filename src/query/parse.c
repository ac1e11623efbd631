/*
 * The query parser: text to tree, with errors that say where (line and
 * byte column) and what was expected.
 *
 * Grammar, loosest first:
 *
 *   query   = [ or ]
 *   or      = and { "or" and }
 *   and     = unary { [ "and" ] unary }        (adjacent terms: and)
 *   unary   = "not" unary | "-" unary | "(" or ")" | word
 *   word    = segments up to a blank or a parenthesis, either
 *             FIELD ":" VALUE or a free word
 *
 * A word is made of bare and "quoted" segments written next to each
 * other, as in a shell: in bare segments `*` and `?` are wildcards and `\`
 * is an ordinary character; in quoted ones every character is literal and
 * `\` escapes the next one. The operators are bare words, in any case;
 * quoting one ("or") makes it a word to search for.
 *
 * Design. The lexer is lazy, with one token of lookahead, and a term is
 * built as soon as its word is taken: so the error reported is always the
 * leftmost one, and an unterminated quote at the end does not hide an
 * unknown field before it. Nesting is bounded (QUERY_MAX_DEPTH) so that
 * every recursive walk of the tree, here and in the backends, has a small
 * stack. Calendar dates are turned into local times here, once, so that
 * the backends need no time-zone code.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/core.h"
#include "private.h"

#define QUERY_MAX_DEPTH 100

enum tok_type {
	TOK_END,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_AND,
	TOK_OR,
	TOK_NOT,
	TOK_MINUS,
	TOK_WORD,
};

struct token {
	enum tok_type type;
	size_t start, end; /* byte offsets in the text */
};

/* Invariant: once failed is set, qe holds the first error and nothing
 * more is recorded. */
struct parser {
	const char *text;
	size_t pos; /* where the lexer goes on */
	struct token tok;
	bool have_tok;
	unsigned depth;
	bool failed;
	struct query_error *qe;
};

static void FCT_PRINTF(3, 4)
    parse_fail(struct parser *p, size_t offset, const char *fmt, ...)
{
	va_list ap;
	size_t i, bol = 0;
	unsigned line = 1;

	if (p->failed)
		return;
	p->failed = true;
	for (i = 0; i < offset; i++) {
		if (p->text[i] == '\n') {
			line++;
			bol = i + 1;
		}
	}
	p->qe->line = line;
	p->qe->column = (unsigned)(offset - bol + 1);
	p->qe->offset = offset;
	free(p->qe->msg);
	va_start(ap, fmt);
	p->qe->msg = xvasprintf(fmt, ap);
	va_end(ap);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_control(char c)
{
	return ((unsigned char)c < 0x20 && !is_space(c)) || c == 0x7f;
}

/* Whether c ends a word (a blank, a parenthesis, the end). */
static bool
ends_word(char c)
{
	return c == '\0' || is_space(c) || c == '(' || c == ')';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Finds the end of the word at start; -1 on a lexical error. */
static int
scan_word(struct parser *p, size_t start, size_t *end)
{
	const char *t = p->text;
	size_t i = start, open;

	while (!ends_word(t[i])) {
		if (t[i] == '"') {
			open = i++;
			for (; t[i] != '"'; i++) {
				if (t[i] == '\\' && t[i + 1] != '\0')
					i++;
				if (t[i] == '\0') {
					parse_fail(p, open,
					    "unterminated quoted string");
					return -1;
				}
				/* Tabs and line breaks too: a value is one
				 * line, and patterns hold no controls. */
				if ((unsigned char)t[i] < 0x20 ||
				    t[i] == 0x7f) {
					parse_fail(p, i,
					    "control character in a quoted "
					    "string");
					return -1;
				}
			}
			i++;
			continue;
		}
		if (is_control(t[i])) {
			parse_fail(p, i, "unexpected control character");
			return -1;
		}
		i++;
	}
	*end = i;
	return 0;
}

static int
lex(struct parser *p)
{
	const char *t = p->text;
	struct token *tok = &p->tok;
	size_t n;

	while (is_space(t[p->pos]))
		p->pos++;
	tok->start = p->pos;
	if (t[p->pos] == '\0') {
		tok->type = TOK_END;
		tok->end = p->pos;
		return 0;
	}
	if (t[p->pos] == '(' || t[p->pos] == ')') {
		tok->type = t[p->pos] == '(' ? TOK_LPAREN : TOK_RPAREN;
		tok->end = ++p->pos;
		return 0;
	}
	if (is_control(t[p->pos])) {
		parse_fail(p, p->pos, "unexpected control character");
		return -1;
	}
	if (t[p->pos] == '-') {
		if (is_space(t[p->pos + 1]) || t[p->pos + 1] == '\0' ||
		    t[p->pos + 1] == ')') {
			parse_fail(p, p->pos,
			    "expected a term right after '-'");
			return -1;
		}
		tok->type = TOK_MINUS;
		tok->end = ++p->pos;
		return 0;
	}
	if (scan_word(p, p->pos, &tok->end) < 0)
		return -1;
	p->pos = tok->end;
	n = tok->end - tok->start;
	tok->type = TOK_WORD;
	if (n == 3 && query_ascii_caseeq(t + tok->start, "and", 3))
		tok->type = TOK_AND;
	else if (n == 2 && query_ascii_caseeq(t + tok->start, "or", 2))
		tok->type = TOK_OR;
	else if (n == 3 && query_ascii_caseeq(t + tok->start, "not", 3))
		tok->type = TOK_NOT;
	return 0;
}

/* The lookahead token, or NULL after a lexical error. */
static const struct token *
peek(struct parser *p)
{
	if (p->failed)
		return NULL;
	if (!p->have_tok) {
		if (lex(p) < 0)
			return NULL;
		p->have_tok = true;
	}
	return &p->tok;
}

static void
take(struct parser *p)
{
	p->have_tok = false;
}

/*
 * Decodes the value in [start, end) of the text: pattern gets it in the
 * syntax of query_text_match(), plain gets its characters with wildcards
 * kept as they are, and *wild says whether it had any.
 */
static void
decode_value(const char *t, size_t start, size_t end, struct strbuf *pattern,
    struct strbuf *plain, bool *wild)
{
	size_t i = start;

	*wild = false;
	while (i < end) {
		if (t[i] == '"') {
			for (i++; t[i] != '"'; i++) {
				if (t[i] == '\\')
					i++;
				query_pattern_add_literal(pattern, t + i, 1);
				strbuf_addch(plain, t[i]);
			}
			i++;
			continue;
		}
		if (t[i] == '*' || t[i] == '?') {
			*wild = true;
			strbuf_addch(pattern, t[i]);
		} else
			query_pattern_add_literal(pattern, t + i, 1);
		strbuf_addch(plain, t[i]);
		i++;
	}
}

/* The candidate closest to word, if close enough to be a useful hint. */
static const char *
closest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t i, d, best_d = (size_t)-1, len = strlen(word);
	char *low = xstrdup(word), *s;

	for (s = low; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 0x20;
	for (i = 0; i < n; i++) {
		d = fct_edit_distance(low, cands[i]);
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	free(low);
	/* Two edits cover a swap (form/from); short words need fewer. */
	return best_d <= 2 && best_d + 1 < len ? best : NULL;
}

enum field_kind {
	KIND_TEXT,
	KIND_HEADER,
	KIND_IS,
	KIND_HAS,
	KIND_KEYWORD,
	KIND_SIZE,
	KIND_DATE,
	KIND_OLDER,
	KIND_NEWER,
};

static const struct field_info {
	const char *name;
	enum field_kind kind;
	enum query_field field;
} fields[] = {
	{ "from", KIND_TEXT, QUERY_FIELD_FROM },
	{ "to", KIND_TEXT, QUERY_FIELD_TO },
	{ "cc", KIND_TEXT, QUERY_FIELD_CC },
	{ "subject", KIND_TEXT, QUERY_FIELD_SUBJECT },
	{ "list", KIND_TEXT, QUERY_FIELD_LIST },
	{ "body", KIND_TEXT, QUERY_FIELD_BODY },
	{ "header", KIND_HEADER, QUERY_FIELD_ANY },
	{ "is", KIND_IS, QUERY_FIELD_ANY },
	{ "has", KIND_HAS, QUERY_FIELD_ANY },
	{ "keyword", KIND_KEYWORD, QUERY_FIELD_ANY },
	{ "size", KIND_SIZE, QUERY_FIELD_ANY },
	{ "date", KIND_DATE, QUERY_FIELD_ANY },
	{ "older", KIND_OLDER, QUERY_FIELD_ANY },
	{ "newer", KIND_NEWER, QUERY_FIELD_ANY },
};

static const struct is_info {
	const char *name;
	unsigned flag;
	bool set;
} is_values[] = {
	{ "unread", FCT_FLAG_SEEN, false },
	{ "read", FCT_FLAG_SEEN, true },
	{ "flagged", FCT_FLAG_FLAGGED, true },
	{ "unflagged", FCT_FLAG_FLAGGED, false },
	{ "answered", FCT_FLAG_ANSWERED, true },
	{ "draft", FCT_FLAG_DRAFT, true },
	{ "deleted", FCT_FLAG_DELETED, true },
	/* Aliases, printed as the names above. */
	{ "seen", FCT_FLAG_SEEN, true },
	{ "unseen", FCT_FLAG_SEEN, false },
	{ "replied", FCT_FLAG_ANSWERED, true },
};

/* What a term's value looks like once decoded, and where it starts. */
struct value {
	const struct field_info *field;
	size_t start;        /* offset of the value in the text */
	struct strbuf pat;   /* as a pattern */
	struct strbuf plain; /* as plain characters */
	bool wild;
};

static struct query_node *
term_is(struct parser *p, struct value *v)
{
	const char *names[FCT_ARRAY_LEN(is_values)];
	const char *hint;
	struct query_node *n;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(is_values); i++) {
		names[i] = is_values[i].name;
		if (strlen(names[i]) != v->plain.len ||
		    !query_ascii_caseeq(names[i], v->plain.buf, v->plain.len))
			continue;
		n = query_node_new(QUERY_OP_FLAG);
		n->flag = is_values[i].flag;
		n->flag_set = is_values[i].set;
		return n;
	}
	hint = closest(v->plain.buf, names, FCT_ARRAY_LEN(names));
	if (hint != NULL)
		parse_fail(p, v->start,
		    "unknown value '%s' for 'is:' (did you mean '%s'?)",
		    v->plain.buf, hint);
	else
		parse_fail(p, v->start,
		    "unknown value '%s' for 'is:' (expected unread, read, "
		    "flagged, unflagged, answered, draft or deleted)",
		    v->plain.buf);
	return NULL;
}

static struct query_node *
term_has(struct parser *p, struct value *v)
{
	static const char *const names[] = { "attachment", "attachments" };
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(names); i++)
		if (strlen(names[i]) == v->plain.len &&
		    query_ascii_caseeq(names[i], v->plain.buf, v->plain.len))
			return query_node_new(QUERY_OP_ATTACHMENT);
	parse_fail(p, v->start,
	    "unknown value '%s' for 'has:' (expected 'attachment')",
	    v->plain.buf);
	return NULL;
}

static struct query_node *
term_keyword(struct parser *p, struct value *v)
{
	struct query_node *n;
	size_t i;

	if (v->wild) {
		parse_fail(p, v->start,
		    "bad keyword '%s' (keyword: takes no wildcards)",
		    v->plain.buf);
		return NULL;
	}
	if (v->plain.len == 0) {
		parse_fail(p, v->start, "expected a keyword after 'keyword:'");
		return NULL;
	}
	if (v->plain.buf[0] == '\\') {
		parse_fail(p, v->start,
		    "bad keyword '%s' (system flags are searched with is:, "
		    "e.g. is:read)",
		    v->plain.buf);
		return NULL;
	}
	for (i = 0; i < v->plain.len; i++) {
		if (!query_atom_char((unsigned char)v->plain.buf[i])) {
			parse_fail(p, v->start,
			    "bad keyword '%s' (IMAP keywords have no spaces, "
			    "quotes, 8-bit characters or any of ( ) { %% * "
			    "\\ ])",
			    v->plain.buf);
			return NULL;
		}
	}
	n = query_node_new(QUERY_OP_KEYWORD);
	n->name = xstrdup(v->plain.buf);
	return n;
}

/*
 * Parses a size such as 10, 10k, 1.5M or 2GB at s, up to end; -1 when it
 * is not one (or too large).
 */
static int
parse_size_number(const char *s, const char *end, uint64_t *out)
{
	uint64_t ip = 0, fp = 0, fscale = 1, mult = 1;
	size_t nfrac = 0;
	const char *start = s;

	for (; s < end && is_digit(*s); s++) {
		if (ip > QUERY_SIZE_MAX / 10)
			return -1;
		ip = ip * 10 + (uint64_t)(*s - '0');
	}
	if (s == start)
		return -1;
	if (s < end && *s == '.') {
		for (s++; s < end && is_digit(*s); s++) {
			if (++nfrac > 6)
				return -1;
			fp = fp * 10 + (uint64_t)(*s - '0');
			fscale *= 10;
		}
		if (nfrac == 0)
			return -1;
	}
	if (s < end && strchr("kKmMgG", *s) != NULL) {
		mult = (uint64_t)1 << (*s == 'k' || *s == 'K' ? 10
			       : *s == 'm' || *s == 'M'       ? 20
							      : 30);
		s++;
	}
	if (s < end && (*s == 'b' || *s == 'B'))
		s++;
	/* A fraction of a byte means nothing. */
	if (s != end || (nfrac > 0 && mult == 1))
		return -1;
	if (ip > QUERY_SIZE_MAX / mult)
		return -1;
	*out = ip * mult + fp * mult / fscale;
	return *out > QUERY_SIZE_MAX ? -1 : 0;
}

static struct query_node *
term_size(struct parser *p, struct value *v)
{
	const char *s = v->plain.buf, *end = s + v->plain.len, *dots;
	struct query_size size = { 0 };
	struct query_node *n;
	size_t oplen = 0;

	if (s[0] == '>' || s[0] == '<') {
		oplen = s[1] == '=' ? 2 : 1;
		size.cmp = s[0] == '>'
		    ? (oplen == 2 ? QUERY_CMP_GE : QUERY_CMP_GT)
		    : (oplen == 2 ? QUERY_CMP_LE : QUERY_CMP_LT);
		size.has_a = true;
		if (parse_size_number(s + oplen, end, &size.a) < 0)
			goto bad;
	} else if ((dots = strstr(s, "..")) != NULL) {
		size.cmp = QUERY_CMP_RANGE;
		size.has_a = dots > s;
		size.has_b = dots + 2 < end;
		if (!size.has_a && !size.has_b)
			goto bad;
		if (size.has_a && parse_size_number(s, dots, &size.a) < 0)
			goto bad;
		if (size.has_b && parse_size_number(dots + 2, end, &size.b) < 0)
			goto bad;
		if (size.has_a && size.has_b && size.a > size.b) {
			parse_fail(p, v->start, "empty size range '%s'", s);
			return NULL;
		}
	} else {
		if (parse_size_number(s, end, &size.a) == 0)
			parse_fail(p, v->start,
			    "bad size '%s' (compare it: size:>%s, size:<%s, "
			    "or give a range: size:%s..)",
			    s, s, s, s);
		else
			goto bad;
		return NULL;
	}
	n = query_node_new(QUERY_OP_SIZE);
	n->size = size;
	return n;
bad:
	parse_fail(p, v->start,
	    "bad size '%s' (expected bytes with an optional unit k, M or G, "
	    "e.g. size:>1M or size:10k..2M)",
	    s);
	return NULL;
}

static int
days_in_month(int year, int month)
{
	int ny = month == 12 ? year + 1 : year,
	    nm = month == 12 ? 1 : month + 1;

	return (int)(query_days_from_civil(ny, nm, 1) -
	    query_days_from_civil(year, month, 1));
}

/* Reads 1..max digits at *s (before end) as an int; -1 when there are none. */
static int
read_int(const char **s, const char *end, int min, int max, int *out)
{
	int v = 0, n = 0;

	while (*s < end && is_digit(**s) && n < max) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	if (n < min)
		return -1;
	*out = v;
	return 0;
}

/* Parses YYYY, YYYY-MM or YYYY-MM-DD in [s, end). */
static int
parse_cal(const char *s, const char *end, struct query_cal *c)
{
	memset(c, 0, sizeof *c);
	if (read_int(&s, end, 4, 4, &c->year) < 0)
		return -1;
	if (s < end && *s == '-') {
		s++;
		if (read_int(&s, end, 1, 2, &c->month) < 0 || c->month < 1)
			return -1;
		if (s < end && *s == '-') {
			s++;
			if (read_int(&s, end, 1, 2, &c->day) < 0 || c->day < 1)
				return -1;
		}
	}
	if (s != end || c->year < 1900 || c->year > 9999)
		return -1;
	if (c->month != 0 && (c->month < 1 || c->month > 12))
		return -1;
	if (c->day != 0 && c->day > days_in_month(c->year, c->month))
		return -1;
	return 0;
}

/* The first day of the period c, or of the one after it (next). */
static void
cal_start(const struct query_cal *c, bool next, int *y, int *m, int *d)
{
	*y = c->year;
	*m = c->month > 0 ? c->month : 1;
	*d = c->day > 0 ? c->day : 1;
	if (!next)
		return;
	if (c->day > 0) {
		if (++*d > days_in_month(*y, *m)) {
			*d = 1;
			++*m;
		}
	} else if (c->month > 0)
		++*m;
	else
		++*y;
	if (*m > 12) {
		*m = 1;
		++*y;
	}
}

/* Local midnight starting that day, as mktime() sees TZ. */
static int64_t
local_midnight(int y, int m, int d)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static struct query_node *
term_date(struct parser *p, struct value *v)
{
	const char *s = v->plain.buf, *end = s + v->plain.len, *dots;
	struct query_date date = { 0 };
	struct query_node *n;
	int y, m, d, y2, m2, d2;

	if ((dots = strstr(s, "..")) != NULL) {
		date.range = true;
		date.has_lo = dots > s;
		date.has_hi = dots + 2 < end;
		if ((!date.has_lo && !date.has_hi) ||
		    (date.has_lo && parse_cal(s, dots, &date.lo) < 0) ||
		    (date.has_hi && parse_cal(dots + 2, end, &date.hi) < 0))
			goto bad;
	} else {
		if (parse_cal(s, end, &date.lo) < 0)
			goto bad;
		date.hi = date.lo;
		date.has_lo = date.has_hi = true;
	}
	if (date.has_lo && date.has_hi) {
		cal_start(&date.lo, false, &y, &m, &d);
		cal_start(&date.hi, true, &y2, &m2, &d2);
		if (query_days_from_civil(y, m, d) >=
		    query_days_from_civil(y2, m2, d2)) {
			parse_fail(p, v->start, "empty date range '%s'", s);
			return NULL;
		}
	}
	if (date.has_lo) {
		cal_start(&date.lo, false, &y, &m, &d);
		date.lo_t = local_midnight(y, m, d);
	}
	if (date.has_hi) {
		cal_start(&date.hi, true, &y, &m, &d);
		date.hi_t = local_midnight(y, m, d);
	}
	/* A time zone change at midnight cannot make a range empty, but
	 * mktime() is not ours: keep the invariant whatever it does. */
	if (date.has_lo && date.has_hi && date.lo_t >= date.hi_t)
		date.hi_t = date.lo_t + 1;
	n = query_node_new(QUERY_OP_DATE);
	n->date = date;
	return n;
bad:
	parse_fail(p, v->start,
	    "bad date '%s' (expected YYYY, YYYY-MM or YYYY-MM-DD, or a range "
	    "such as 2024-01..2024-06)",
	    s);
	return NULL;
}

static struct query_node *
term_age(struct parser *p, struct value *v, bool older)
{
	static const struct {
		char unit;
		int64_t seconds;
	} units[] = {
		{ 'h', 3600 },
		{ 'd', 86400 },
		{ 'w', 7 * 86400 },
		{ 'm', 30 * 86400 },
		{ 'y', 365 * 86400 },
	};
	const char *s = v->plain.buf;
	struct query_node *n;
	uint64_t num = 0;
	size_t i, len = v->plain.len;

	for (i = 0; i + 1 < len && is_digit(s[i]); i++) {
		num = num * 10 + (uint64_t)(s[i] - '0');
		if (num > (uint64_t)QUERY_AGE_MAX)
			goto bad;
	}
	if (i == 0 || i + 1 != len)
		goto bad;
	for (i = 0; i < FCT_ARRAY_LEN(units); i++) {
		if (units[i].unit != s[len - 1])
			continue;
		if (num > (uint64_t)(QUERY_AGE_MAX / units[i].seconds))
			goto bad;
		n = query_node_new(QUERY_OP_AGE);
		n->age.older = older;
		n->age.unit = units[i].unit;
		n->age.n = num;
		n->age.seconds = (int64_t)num * units[i].seconds;
		return n;
	}
bad:
	parse_fail(p, v->start,
	    "bad age '%s' (expected a number and a unit h, d, w, m or y, "
	    "e.g. %s:30d)",
	    s, older ? "older" : "newer");
	return NULL;
}

static struct query_node *
term_text(struct value *v, enum query_field field)
{
	struct query_node *n = query_node_new(QUERY_OP_TEXT);

	n->field = field;
	n->pattern = strbuf_detach(&v->pat, NULL);
	return n;
}

/* header:NAME:VALUE; [start, end) is what follows "header:". */
static struct query_node *
term_header(struct parser *p, size_t start, size_t end)
{
	const char *t = p->text;
	struct query_node *n;
	struct strbuf pat = STRBUF_INIT, plain = STRBUF_INIT;
	size_t i = start;
	bool wild;

	while (i < end && query_header_name_char((unsigned char)t[i]))
		i++;
	if (i == start) {
		parse_fail(p, start,
		    "expected a header name after 'header:' (e.g. "
		    "header:X-Mailer:mutt)");
		return NULL;
	}
	if (i == end || t[i] != ':') {
		if (i == end)
			parse_fail(p, i, "expected ':' after 'header:%.*s'",
			    (int)(i - start), t + start);
		else
			parse_fail(p, i, "bad character in header name");
		return NULL;
	}
	if (i + 1 == end) {
		parse_fail(p, i + 1,
		    "expected a value after 'header:%.*s:' (\"\" matches any)",
		    (int)(i - start), t + start);
		return NULL;
	}
	decode_value(t, i + 1, end, &pat, &plain, &wild);
	strbuf_release(&plain);
	n = query_node_new(QUERY_OP_HEADER);
	n->name = xstrndup(t + start, i - start);
	n->pattern = strbuf_detach(&pat, NULL);
	return n;
}

/* The length of a field name at s followed by ':', or 0. */
static size_t
field_prefix(const char *s, size_t max)
{
	size_t i = 0;

	if (max == 0 || !is_alpha(s[0]))
		return 0;
	while (i < max &&
	    (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '-'))
		i++;
	return i < max && s[i] == ':' ? i : 0;
}

static const struct field_info *
find_field(struct parser *p, size_t start, size_t len)
{
	const char *names[FCT_ARRAY_LEN(fields)];
	const char *hint;
	char *name;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(fields); i++) {
		names[i] = fields[i].name;
		if (strlen(names[i]) == len &&
		    query_ascii_caseeq(names[i], p->text + start, len))
			return &fields[i];
	}
	name = xstrndup(p->text + start, len);
	hint = closest(name, names, FCT_ARRAY_LEN(names));
	if (hint != NULL)
		parse_fail(p, start, "unknown field '%s' (did you mean '%s'?)",
		    name, hint);
	else
		parse_fail(p, start,
		    "unknown field '%s' (put the word in quotes to search for "
		    "it)",
		    name);
	free(name);
	return NULL;
}

static struct query_node *
build_term(struct parser *p, const struct token *tok)
{
	struct value v = { NULL, 0, STRBUF_INIT, STRBUF_INIT, false };
	struct query_node *n = NULL;
	size_t flen = field_prefix(p->text + tok->start, tok->end - tok->start);

	if (flen == 0) {
		decode_value(p->text, tok->start, tok->end, &v.pat, &v.plain,
		    &v.wild);
		n = term_text(&v, QUERY_FIELD_ANY);
		goto out;
	}
	if ((v.field = find_field(p, tok->start, flen)) == NULL)
		goto out;
	v.start = tok->start + flen + 1;
	if (v.start == tok->end) {
		parse_fail(p, v.start, "expected a value after '%s:'",
		    v.field->name);
		goto out;
	}
	if (v.field->kind == KIND_HEADER) {
		n = term_header(p, v.start, tok->end);
		goto out;
	}
	decode_value(p->text, v.start, tok->end, &v.pat, &v.plain, &v.wild);
	switch (v.field->kind) {
	case KIND_TEXT:
		n = term_text(&v, v.field->field);
		break;
	case KIND_IS:
		n = term_is(p, &v);
		break;
	case KIND_HAS:
		n = term_has(p, &v);
		break;
	case KIND_KEYWORD:
		n = term_keyword(p, &v);
		break;
	case KIND_SIZE:
		n = term_size(p, &v);
		break;
	case KIND_DATE:
		n = term_date(p, &v);
		break;
	case KIND_OLDER:
	case KIND_NEWER:
		n = term_age(p, &v, v.field->kind == KIND_OLDER);
		break;
	case KIND_HEADER:
		BUG("header: handled above");
	}
out:
	strbuf_release(&v.pat);
	strbuf_release(&v.plain);
	return n;
}

static bool
starts_term(const struct token *tok)
{
	return tok->type == TOK_NOT || tok->type == TOK_MINUS ||
	    tok->type == TOK_LPAREN || tok->type == TOK_WORD;
}

static const char *
tok_name(const struct token *tok)
{
	switch (tok->type) {
	case TOK_AND:
		return "and";
	case TOK_OR:
		return "or";
	case TOK_NOT:
		return "not";
	case TOK_MINUS:
		return "-";
	case TOK_LPAREN:
		return "(";
	default:
		return "?";
	}
}

/*
 * Checks that a term follows the operator op (already taken); records
 * "expected a term after OP" at what is there instead.
 */
static bool
need_term(struct parser *p, const char *op)
{
	const struct token *tok = peek(p);

	if (tok == NULL)
		return false;
	if (starts_term(tok))
		return true;
	if (tok->type == TOK_AND || tok->type == TOK_OR)
		parse_fail(p, tok->start,
		    "expected a term after '%s' (quote \"%s\" to search for "
		    "the word)",
		    op, tok_name(tok));
	else
		parse_fail(p, tok->start, "expected a term after '%s'", op);
	return false;
}

static struct query_node *parse_or(struct parser *p);

static struct query_node *
parse_unary(struct parser *p)
{
	const struct token *tok = peek(p);
	struct query_node *n = NULL, *kid;
	struct token t;

	if (tok == NULL)
		return NULL;
	t = *tok;
	if (t.type == TOK_WORD) {
		take(p);
		return build_term(p, &t);
	}
	if (++p->depth > QUERY_MAX_DEPTH) {
		parse_fail(p, t.start,
		    "query nested too deeply (over %d levels)",
		    QUERY_MAX_DEPTH);
		return NULL;
	}
	take(p);
	if (t.type == TOK_NOT || t.type == TOK_MINUS) {
		if (need_term(p, tok_name(&t)) &&
		    (kid = parse_unary(p)) != NULL) {
			n = query_node_new(QUERY_OP_NOT);
			query_node_add(n, kid);
		}
	} else if (t.type == TOK_LPAREN) {
		if ((tok = peek(p)) != NULL && tok->type == TOK_RPAREN)
			parse_fail(p, tok->start, "empty parentheses");
		else if (tok != NULL && tok->type == TOK_END)
			parse_fail(p, t.start, "unclosed '('");
		else if ((n = parse_or(p)) != NULL) {
			tok = peek(p);
			if (tok != NULL && tok->type == TOK_END) {
				parse_fail(p, t.start, "unclosed '('");
				query_node_free(&n);
			}
			take(p);
		}
	} else
		BUG("parse_unary on token %d", (int)t.type);
	p->depth--;
	return n;
}

/* Adds kid to *acc, making an op node of the two when needed. */
static void
join(struct query_node **acc, struct query_node *kid, enum query_op op)
{
	struct query_node *n;

	if ((*acc)->op != op) {
		n = query_node_new(op);
		query_node_add(n, *acc);
		*acc = n;
	}
	query_node_add(*acc, kid);
}

static struct query_node *
parse_and(struct parser *p)
{
	const struct token *tok = peek(p);
	struct query_node *acc, *kid;

	if (tok == NULL)
		return NULL;
	if (tok->type == TOK_AND || tok->type == TOK_OR) {
		parse_fail(p, tok->start, "expected a term before '%s'",
		    tok_name(tok));
		return NULL;
	}
	if (tok->type == TOK_RPAREN) {
		parse_fail(p, tok->start, "unexpected ')'");
		return NULL;
	}
	if (!starts_term(tok)) {
		parse_fail(p, tok->start, "expected a term");
		return NULL;
	}
	if ((acc = parse_unary(p)) == NULL)
		return NULL;
	while ((tok = peek(p)) != NULL) {
		if (tok->type == TOK_AND) {
			take(p);
			if (!need_term(p, "and"))
				break;
		} else if (!starts_term(tok))
			break;
		if ((kid = parse_unary(p)) == NULL)
			break;
		join(&acc, kid, QUERY_OP_AND);
	}
	if (p->failed) {
		query_node_free(&acc);
		return NULL;
	}
	return acc;
}

static struct query_node *
parse_or(struct parser *p)
{
	const struct token *tok;
	struct query_node *acc, *kid;

	if ((acc = parse_and(p)) == NULL)
		return NULL;
	while ((tok = peek(p)) != NULL && tok->type == TOK_OR) {
		take(p);
		if (!need_term(p, "or"))
			break;
		if ((kid = parse_and(p)) == NULL)
			break;
		join(&acc, kid, QUERY_OP_OR);
	}
	if (p->failed) {
		query_node_free(&acc);
		return NULL;
	}
	return acc;
}

int
query_parse_diag(const char *text, struct query **out, struct query_error *qe)
{
	struct parser p = { 0 };
	struct query_node *root = NULL;
	const struct token *tok;

	*out = NULL;
	p.text = text;
	p.qe = qe;
	if ((tok = peek(&p)) == NULL)
		return -1;
	if (tok->type == TOK_END)
		root = query_node_new(QUERY_OP_ALL);
	else if ((root = parse_or(&p)) != NULL) {
		tok = peek(&p);
		if (tok != NULL && tok->type == TOK_RPAREN)
			parse_fail(&p, tok->start, "unexpected ')'");
	}
	if (p.failed) {
		query_node_free(&root);
		return -1;
	}
	*out = xcalloc(1, sizeof **out);
	(*out)->root = root;
	return 0;
}

int
query_parse(const char *text, struct query **out, struct fct_error *err)
{
	struct query_error qe = QUERY_ERROR_INIT;

	if (query_parse_diag(text, out, &qe) == 0)
		return 0;
	fct_error_set(err, "%u:%u: %s", qe.line, qe.column, qe.msg);
	query_error_release(&qe);
	return -1;
}
