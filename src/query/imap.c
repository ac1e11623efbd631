/*
 * The IMAP backend: a query as a tree of SEARCH keys (RFC 3501 6.4.4),
 * exact when the server can say what we mean, otherwise a superset that
 * the caller filters with query_match().
 *
 * Design. Each term is compiled with the polarity it has in the whole
 * query (negations are pushed down to the leaves, De Morgan style), since
 * a superset of `not X` is not `not (superset of X)`: it is `not (subset
 * of X)`. A term that IMAP can only approximate gives its superset when
 * positive and, when negated, the negation of a subset if one is cheap to
 * state (date ranges) or ALL otherwise; either way the result is marked
 * inexact. ALL then melts away in AND and swallows an OR.
 *
 * What is exact, under RFC 3501 applied to the matcher's own data:
 *   - FROM/TO/CC/SUBJECT/BODY are case-insensitive substring tests, as
 *     ours; a glob whose only wildcards are stars around one literal run is
 *     that substring test; an empty run ("" or *) means "the field is
 *     there", which HEADER NAME "" says exactly (BODY: always there);
 *   - a free word is OR of SUBJECT, FROM, TO, CC and BODY (not TEXT, which
 *     also searches every other header);
 *   - flags, keywords and sizes (IMAP sizes are 32-bit) are exact.
 * Inexact: a glob with `?` or several literal runs (the longest run is
 * searched); header: and list: (we test the first such field, HEADER any
 * of them); has:attachment (no key at all); date:, older: and newer:
 * (SENT* keys see the date as written in the sender's time zone, day
 * granularity: we widen by a day, which covers any zone offset under 24
 * hours).
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/core.h"
#include "private.h"

#define DAY 86400

static struct query_imap_key *
key_new(enum query_imap_type type)
{
	struct query_imap_key *k = xcalloc(1, sizeof *k);

	k->type = type;
	return k;
}

static struct query_imap_key *
key_str(enum query_imap_type type, const char *value)
{
	struct query_imap_key *k = key_new(type);

	k->value = xstrdup(value);
	return k;
}

static struct query_imap_key *
key_header(const char *field, const char *value)
{
	struct query_imap_key *k = key_str(QUERY_IMAP_HEADER, value);

	k->field = xstrdup(field);
	return k;
}

static void
key_add(struct query_imap_key *parent, struct query_imap_key *kid)
{
	FCT_ALLOC_GROW(parent->kids, parent->nkids + 1, parent->alloc);
	parent->kids[parent->nkids++] = kid;
}

void
query_imap_key_free(struct query_imap_key **kp)
{
	struct query_imap_key *k = *kp;
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nkids; i++)
		query_imap_key_free(&k->kids[i]);
	free(k->kids);
	free(k->field);
	free(k->value);
	free(k);
	*kp = NULL;
}

static struct query_imap_key *
key_not(struct query_imap_key *kid)
{
	struct query_imap_key *k;

	if (kid->type == QUERY_IMAP_NOT) {
		k = kid->kids[0];
		kid->nkids = 0;
		query_imap_key_free(&kid);
		return k;
	}
	k = key_new(QUERY_IMAP_NOT);
	key_add(k, kid);
	return k;
}

static struct query_imap_key *
key_none(void)
{
	return key_not(key_new(QUERY_IMAP_ALL));
}

/* A growable list of keys, for building AND and OR. */
struct key_list {
	struct query_imap_key **v;
	size_t n, alloc;
};

static void
list_add(struct key_list *l, struct query_imap_key *k)
{
	FCT_ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = k;
}

/* All of the list's keys (consumed): ALL melts away, ANDs flatten. */
static struct query_imap_key *
key_and(struct key_list *l)
{
	struct query_imap_key *k = key_new(QUERY_IMAP_AND), *kid;
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		kid = l->v[i];
		if (kid->type == QUERY_IMAP_ALL) {
			query_imap_key_free(&kid);
		} else if (kid->type == QUERY_IMAP_AND) {
			for (j = 0; j < kid->nkids; j++)
				key_add(k, kid->kids[j]);
			kid->nkids = 0;
			query_imap_key_free(&kid);
		} else
			key_add(k, kid);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
	if (k->nkids == 0) {
		query_imap_key_free(&k);
		return key_new(QUERY_IMAP_ALL);
	}
	if (k->nkids == 1) {
		kid = k->kids[0];
		k->nkids = 0;
		query_imap_key_free(&k);
		return kid;
	}
	return k;
}

/* IMAP's OR takes two keys: a balanced tree keeps long lists shallow. */
static struct query_imap_key *
or_tree(struct query_imap_key **v, size_t n)
{
	struct query_imap_key *k;

	if (n == 1)
		return v[0];
	k = key_new(QUERY_IMAP_OR);
	key_add(k, or_tree(v, n / 2));
	key_add(k, or_tree(v + n / 2, n - n / 2));
	return k;
}

/* Any of the list's keys (consumed): ALL swallows the others. */
static struct query_imap_key *
key_or(struct key_list *l)
{
	struct query_imap_key *k;
	size_t i;
	bool all = false;

	for (i = 0; i < l->n; i++)
		all = all || l->v[i]->type == QUERY_IMAP_ALL;
	if (all) {
		for (i = 0; i < l->n; i++)
			query_imap_key_free(&l->v[i]);
		k = key_new(QUERY_IMAP_ALL);
	} else
		k = or_tree(l->v, l->n);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
	return k;
}

struct imap_ctx {
	time_t now;
	bool exact;
};

/* "field contains lit", or "field is there" for an empty lit. */
static struct query_imap_key *
text_key(enum query_field field, const char *lit)
{
	static const struct {
		enum query_imap_type type;
		const char *header;
	} map[] = {
		[QUERY_FIELD_FROM] = { QUERY_IMAP_FROM, "From" },
		[QUERY_FIELD_TO] = { QUERY_IMAP_TO, "To" },
		[QUERY_FIELD_CC] = { QUERY_IMAP_CC, "Cc" },
		[QUERY_FIELD_SUBJECT] = { QUERY_IMAP_SUBJECT, "Subject" },
		[QUERY_FIELD_BODY] = { QUERY_IMAP_BODY, NULL },
	};

	if (field == QUERY_FIELD_LIST)
		return key_header("List-Id", lit);
	if (field == QUERY_FIELD_ANY || field >= FCT_ARRAY_LEN(map))
		BUG("text_key on field %d", (int)field);
	if (lit[0] != '\0')
		return key_str(map[field].type, lit);
	/* The server always has the body. */
	if (map[field].header == NULL)
		return key_new(QUERY_IMAP_ALL);
	return key_header(map[field].header, "");
}

static struct query_imap_key *
conv_text(struct imap_ctx *c, const struct query_node *n, bool neg)
{
	static const enum query_field any[] = {
		QUERY_FIELD_SUBJECT,
		QUERY_FIELD_FROM,
		QUERY_FIELD_TO,
		QUERY_FIELD_CC,
		QUERY_FIELD_BODY,
	};
	struct key_list l = { NULL, 0, 0 };
	struct query_imap_key *k;
	char *run;
	bool exact;
	size_t i;

	exact = query_pattern_literal(n->pattern, &run);
	if (n->op == QUERY_OP_HEADER) {
		exact = false;
		k = key_header(n->name, run);
	} else if (n->field == QUERY_FIELD_ANY) {
		for (i = 0; i < FCT_ARRAY_LEN(any); i++)
			list_add(&l, text_key(any[i], run));
		k = key_or(&l);
	} else {
		exact = exact && n->field != QUERY_FIELD_LIST;
		k = text_key(n->field, run);
	}
	free(run);
	if (!exact) {
		c->exact = false;
		if (neg) {
			query_imap_key_free(&k);
			return key_new(QUERY_IMAP_ALL);
		}
	}
	return neg ? key_not(k) : k;
}

static struct query_imap_key *
conv_flag(const struct query_node *n, bool neg)
{
	bool set = n->flag_set != neg;

	switch (n->flag) {
	case FCT_FLAG_SEEN:
		return key_new(set ? QUERY_IMAP_SEEN : QUERY_IMAP_UNSEEN);
	case FCT_FLAG_ANSWERED:
		return key_new(
		    set ? QUERY_IMAP_ANSWERED : QUERY_IMAP_UNANSWERED);
	case FCT_FLAG_FLAGGED:
		return key_new(set ? QUERY_IMAP_FLAGGED : QUERY_IMAP_UNFLAGGED);
	case FCT_FLAG_DELETED:
		return key_new(set ? QUERY_IMAP_DELETED : QUERY_IMAP_UNDELETED);
	case FCT_FLAG_DRAFT:
		return key_new(set ? QUERY_IMAP_DRAFT : QUERY_IMAP_UNDRAFT);
	}
	BUG("bad flag %#x", n->flag);
}

static struct query_imap_key *
conv_size(const struct query_node *n, bool neg)
{
	struct key_list l = { NULL, 0, 0 };
	struct query_imap_key *k;
	uint64_t lo, hi;

	query_size_bounds(&n->size, &lo, &hi);
	if (lo > hi)
		return neg ? key_new(QUERY_IMAP_ALL) : key_none();
	/* Sizes are 32-bit in IMAP: no message is above UINT32_MAX. */
	if (lo > 0) {
		k = key_new(QUERY_IMAP_LARGER);
		k->number =
		    lo - 1 >= UINT32_MAX ? UINT32_MAX : (uint32_t)(lo - 1);
		list_add(&l, k);
	}
	if (hi < UINT32_MAX) {
		k = key_new(QUERY_IMAP_SMALLER);
		k->number = (uint32_t)(hi + 1);
		list_add(&l, k);
	}
	k = key_and(&l);
	return neg ? key_not(k) : k;
}

/* The days IMAP can write: 1-Jan-0001 .. 31-Dec-9999. */
static int64_t
min_day(void)
{
	return query_days_from_civil(1, 1, 1);
}

static int64_t
max_day(void)
{
	return query_days_from_civil(9999, 12, 31);
}

static struct query_imap_key *
day_key(enum query_imap_type type, int64_t day)
{
	struct query_imap_key *k = key_new(type);

	query_civil_from_days(day, &k->date.year, &k->date.month, &k->date.day);
	return k;
}

/*
 * Sender days in [since, before), an end being open when its has_ flag is
 * false. Days IMAP cannot write are taken as never occurring.
 */
static struct query_imap_key *
days_key(bool has_since, int64_t since, bool has_before, int64_t before)
{
	struct key_list l = { NULL, 0, 0 };

	if (has_since && since <= min_day())
		has_since = false;
	if (has_before && before > max_day())
		has_before = false;
	if ((has_since && since > max_day()) ||
	    (has_before && before <= min_day()) ||
	    (has_since && has_before && before <= since))
		return key_none();
	if (has_since && has_before && before == since + 1)
		return day_key(QUERY_IMAP_SENTON, since);
	if (has_since)
		list_add(&l, day_key(QUERY_IMAP_SENTSINCE, since));
	if (has_before)
		list_add(&l, day_key(QUERY_IMAP_SENTBEFORE, before));
	return key_and(&l);
}

/*
 * An instant t in [lo, hi) was written by a sender whose zone is off
 * (|off| < one day) as the day D = floor((t + off) / DAY). The superset
 * takes every D that some off allows; the subset, negated, only the D
 * that every off keeps inside the span.
 */
static struct query_imap_key *
conv_span(struct imap_ctx *c, const struct query_node *n, bool neg)
{
	struct query_span s;
	int64_t a = 0, b = 0;
	struct query_imap_key *k;

	c->exact = false;
	query_node_span(n, c->now, &s);
	if (!neg)
		return days_key(s.has_lo,
		    query_floor_div(s.lo - (DAY - 1), DAY), s.has_hi,
		    query_floor_div(s.hi - 1 + (DAY - 1), DAY) + 1);
	if (s.has_lo)
		a = -query_floor_div(-(s.lo + DAY - 1), DAY); /* ceiling */
	if (s.has_hi)
		b = query_floor_div(s.hi - 1 - 2 * (DAY - 1), DAY);
	if (s.has_lo && s.has_hi && a > b)
		return key_new(QUERY_IMAP_ALL);
	k = days_key(s.has_lo, a, s.has_hi, b + 1);
	return key_not(k);
}

static struct query_imap_key *
conv(struct imap_ctx *c, const struct query_node *n, bool neg)
{
	struct key_list l = { NULL, 0, 0 };
	size_t i;

	switch (n->op) {
	case QUERY_OP_ALL:
		return neg ? key_none() : key_new(QUERY_IMAP_ALL);
	case QUERY_OP_AND:
	case QUERY_OP_OR:
		for (i = 0; i < n->nkids; i++)
			list_add(&l, conv(c, n->kids[i], neg));
		/* not (a and b) is (not a) or (not b), and the other way. */
		return (n->op == QUERY_OP_AND) != neg ? key_and(&l)
						      : key_or(&l);
	case QUERY_OP_NOT:
		return conv(c, n->kids[0], !neg);
	case QUERY_OP_TEXT:
	case QUERY_OP_HEADER:
		return conv_text(c, n, neg);
	case QUERY_OP_FLAG:
		return conv_flag(n, neg);
	case QUERY_OP_KEYWORD:
		return key_str(neg ? QUERY_IMAP_UNKEYWORD : QUERY_IMAP_KEYWORD,
		    n->name);
	case QUERY_OP_ATTACHMENT:
		c->exact = false;
		return key_new(QUERY_IMAP_ALL);
	case QUERY_OP_SIZE:
		return conv_size(n, neg);
	case QUERY_OP_DATE:
	case QUERY_OP_AGE:
		return conv_span(c, n, neg);
	}
	BUG("bad query node op %d", (int)n->op);
}

int
query_to_imap(const struct query *q, time_t now, struct query_imap_key **out,
    bool *exact, struct fct_error *err)
{
	struct imap_ctx c = { now, true };

	*out = conv(&c, q->root, false);
	*exact = c.exact;
	return 0;
}

static const char *const key_names[] = {
	[QUERY_IMAP_ALL] = "ALL",
	[QUERY_IMAP_AND] = NULL,
	[QUERY_IMAP_OR] = "OR",
	[QUERY_IMAP_NOT] = "NOT",
	[QUERY_IMAP_FROM] = "FROM",
	[QUERY_IMAP_TO] = "TO",
	[QUERY_IMAP_CC] = "CC",
	[QUERY_IMAP_SUBJECT] = "SUBJECT",
	[QUERY_IMAP_BODY] = "BODY",
	[QUERY_IMAP_TEXT] = "TEXT",
	[QUERY_IMAP_HEADER] = "HEADER",
	[QUERY_IMAP_KEYWORD] = "KEYWORD",
	[QUERY_IMAP_UNKEYWORD] = "UNKEYWORD",
	[QUERY_IMAP_SEEN] = "SEEN",
	[QUERY_IMAP_UNSEEN] = "UNSEEN",
	[QUERY_IMAP_FLAGGED] = "FLAGGED",
	[QUERY_IMAP_UNFLAGGED] = "UNFLAGGED",
	[QUERY_IMAP_ANSWERED] = "ANSWERED",
	[QUERY_IMAP_UNANSWERED] = "UNANSWERED",
	[QUERY_IMAP_DRAFT] = "DRAFT",
	[QUERY_IMAP_UNDRAFT] = "UNDRAFT",
	[QUERY_IMAP_DELETED] = "DELETED",
	[QUERY_IMAP_UNDELETED] = "UNDELETED",
	[QUERY_IMAP_LARGER] = "LARGER",
	[QUERY_IMAP_SMALLER] = "SMALLER",
	[QUERY_IMAP_SENTSINCE] = "SENTSINCE",
	[QUERY_IMAP_SENTBEFORE] = "SENTBEFORE",
	[QUERY_IMAP_SENTON] = "SENTON",
};

static bool
has_string(enum query_imap_type t)
{
	return t >= QUERY_IMAP_FROM && t <= QUERY_IMAP_UNKEYWORD;
}

static bool
is_8bit(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* A string: quoted, or a literal when it has 8-bit characters. */
static void
add_string(struct strbuf *sb, const char *s)
{
	if (is_8bit(s)) {
		strbuf_addf(sb, "{%zu}\r\n%s", strlen(s), s);
		return;
	}
	strbuf_addch(sb, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static void
add_key(struct strbuf *sb, const struct query_imap_key *k, bool top)
{
	static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	size_t i;

	if (k->type == QUERY_IMAP_AND) {
		if (!top)
			strbuf_addch(sb, '(');
		for (i = 0; i < k->nkids; i++) {
			if (i > 0)
				strbuf_addch(sb, ' ');
			add_key(sb, k->kids[i], false);
		}
		if (!top)
			strbuf_addch(sb, ')');
		return;
	}
	strbuf_addstr(sb, key_names[k->type]);
	for (i = 0; i < k->nkids; i++) {
		strbuf_addch(sb, ' ');
		add_key(sb, k->kids[i], false);
	}
	switch (k->type) {
	case QUERY_IMAP_KEYWORD:
	case QUERY_IMAP_UNKEYWORD:
		strbuf_addf(sb, " %s", k->value); /* an atom */
		break;
	case QUERY_IMAP_HEADER:
		strbuf_addch(sb, ' ');
		add_string(sb, k->field);
		/* fall through */
	case QUERY_IMAP_FROM:
	case QUERY_IMAP_TO:
	case QUERY_IMAP_CC:
	case QUERY_IMAP_SUBJECT:
	case QUERY_IMAP_BODY:
	case QUERY_IMAP_TEXT:
		strbuf_addch(sb, ' ');
		add_string(sb, k->value);
		break;
	case QUERY_IMAP_LARGER:
	case QUERY_IMAP_SMALLER:
		strbuf_addf(sb, " %" PRIu32, k->number);
		break;
	case QUERY_IMAP_SENTSINCE:
	case QUERY_IMAP_SENTBEFORE:
	case QUERY_IMAP_SENTON:
		strbuf_addf(sb, " %d-%s-%04d", k->date.day,
		    months[k->date.month - 1], k->date.year);
		break;
	default:
		break;
	}
}

char *
query_imap_key_to_string(const struct query_imap_key *k)
{
	struct strbuf sb = STRBUF_INIT;

	add_key(&sb, k, true);
	return strbuf_detach(&sb, NULL);
}

bool
query_imap_key_needs_utf8(const struct query_imap_key *k)
{
	size_t i;

	if ((k->value != NULL && is_8bit(k->value)) ||
	    (k->field != NULL && is_8bit(k->field)))
		return true;
	for (i = 0; i < k->nkids; i++)
		if (query_imap_key_needs_utf8(k->kids[i]))
			return true;
	return false;
}

void
query_imap_key_sanity(const struct query_imap_key *k)
{
	size_t i, want;
	const char *s;
	int last;

	if (k == NULL || k->type > QUERY_IMAP_SENTON)
		BUG("bad IMAP key");
	want = k->type == QUERY_IMAP_NOT ? 1 : k->type == QUERY_IMAP_OR ? 2 : 0;
	if (k->type == QUERY_IMAP_AND ? k->nkids < 2 : k->nkids != want)
		BUG("IMAP %s key with %zu kids",
		    k->type == QUERY_IMAP_AND ? "AND" : key_names[k->type],
		    k->nkids);
	if (has_string(k->type) != (k->value != NULL))
		BUG("IMAP key value does not fit its type");
	if ((k->type == QUERY_IMAP_HEADER) != (k->field != NULL) ||
	    (k->field != NULL && k->field[0] == '\0'))
		BUG("IMAP HEADER key without a field name");
	for (s = k->value; s != NULL && *s != '\0'; s++)
		if (*s == '\r' || *s == '\n')
			BUG("line break in IMAP string");
	if (k->type == QUERY_IMAP_KEYWORD || k->type == QUERY_IMAP_UNKEYWORD) {
		if (k->value[0] == '\0')
			BUG("empty IMAP keyword");
		for (s = k->value; *s != '\0'; s++)
			if (!query_atom_char((unsigned char)*s))
				BUG("IMAP keyword '%s' is not an atom",
				    k->value);
	}
	if (k->type >= QUERY_IMAP_SENTSINCE) {
		if (k->date.year < 1 || k->date.year > 9999 ||
		    k->date.month < 1 || k->date.month > 12)
			BUG("bad IMAP date");
		last = (int)(query_days_from_civil(k->date.month == 12
				     ? k->date.year + 1
				     : k->date.year,
				 k->date.month % 12 + 1, 1) -
		    query_days_from_civil(k->date.year, k->date.month, 1));
		if (k->date.day < 1 || k->date.day > last)
			BUG("bad IMAP day");
	}
	for (i = 0; i < k->nkids; i++)
		query_imap_key_sanity(k->kids[i]);
}
