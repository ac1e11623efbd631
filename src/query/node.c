/*
 * The query tree: allocation, equality, the sanity checker, and the small
 * calendar and interval helpers that the backends share, so that a date:
 * or size: term means the same span of time or bytes in all of them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/core.h"
#include "private.h"

struct query_node *
query_node_new(enum query_op op)
{
	struct query_node *n = xcalloc(1, sizeof *n);

	n->op = op;
	return n;
}

void
query_node_free(struct query_node **np)
{
	struct query_node *n = *np;
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		query_node_free(&n->kids[i]);
	free(n->kids);
	free(n->pattern);
	free(n->name);
	free(n);
	*np = NULL;
}

void
query_node_add(struct query_node *parent, struct query_node *kid)
{
	size_t i;

	if (parent->op != QUERY_OP_AND && parent->op != QUERY_OP_OR &&
	    parent->op != QUERY_OP_NOT)
		BUG("query_node_add to a leaf");
	if (kid->op == parent->op && parent->op != QUERY_OP_NOT) {
		/* (a b) c is a b c: keep one canonical shape. */
		for (i = 0; i < kid->nkids; i++) {
			query_node_add(parent, kid->kids[i]);
			kid->kids[i] = NULL;
		}
		kid->nkids = 0;
		query_node_free(&kid);
		return;
	}
	FCT_ALLOC_GROW(parent->kids, parent->nkids + 1, parent->alloc);
	parent->kids[parent->nkids++] = kid;
}

void
query_free(struct query **qp)
{
	struct query *q = *qp;

	if (q == NULL)
		return;
	query_node_free(&q->root);
	free(q);
	*qp = NULL;
}

void
query_error_release(struct query_error *qe)
{
	free(qe->msg);
	qe->msg = NULL;
	qe->line = qe->column = 0;
	qe->offset = 0;
}

const char *
query_field_name(enum query_field field)
{
	switch (field) {
	case QUERY_FIELD_ANY:
		return "";
	case QUERY_FIELD_FROM:
		return "from";
	case QUERY_FIELD_TO:
		return "to";
	case QUERY_FIELD_CC:
		return "cc";
	case QUERY_FIELD_SUBJECT:
		return "subject";
	case QUERY_FIELD_LIST:
		return "list";
	case QUERY_FIELD_BODY:
		return "body";
	}
	BUG("bad query field %d", (int)field);
}

const char *
query_flag_name(unsigned flag, bool set)
{
	switch (flag) {
	case FCT_FLAG_SEEN:
		return set ? "read" : "unread";
	case FCT_FLAG_FLAGGED:
		return set ? "flagged" : "unflagged";
	case FCT_FLAG_ANSWERED:
		return set ? "answered" : NULL;
	case FCT_FLAG_DRAFT:
		return set ? "draft" : NULL;
	case FCT_FLAG_DELETED:
		return set ? "deleted" : NULL;
	}
	return NULL;
}

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
cal_eq(const struct query_cal *a, const struct query_cal *b)
{
	return a->year == b->year && a->month == b->month && a->day == b->day;
}

static bool
node_equal(const struct query_node *a, const struct query_node *b)
{
	size_t i;

	if (a->op != b->op || a->nkids != b->nkids)
		return false;
	for (i = 0; i < a->nkids; i++)
		if (!node_equal(a->kids[i], b->kids[i]))
			return false;
	switch (a->op) {
	case QUERY_OP_ALL:
	case QUERY_OP_AND:
	case QUERY_OP_OR:
	case QUERY_OP_NOT:
	case QUERY_OP_ATTACHMENT:
		return true;
	case QUERY_OP_TEXT:
		return a->field == b->field && str_eq(a->pattern, b->pattern);
	case QUERY_OP_HEADER:
		return str_eq(a->name, b->name) &&
		    str_eq(a->pattern, b->pattern);
	case QUERY_OP_FLAG:
		return a->flag == b->flag && a->flag_set == b->flag_set;
	case QUERY_OP_KEYWORD:
		return str_eq(a->name, b->name);
	case QUERY_OP_SIZE:
		return a->size.cmp == b->size.cmp &&
		    a->size.has_a == b->size.has_a &&
		    a->size.has_b == b->size.has_b && a->size.a == b->size.a &&
		    a->size.b == b->size.b;
	case QUERY_OP_DATE:
		/* Not lo_t/hi_t: they follow from the calendar and TZ. */
		return a->date.range == b->date.range &&
		    a->date.has_lo == b->date.has_lo &&
		    a->date.has_hi == b->date.has_hi &&
		    (!a->date.has_lo || cal_eq(&a->date.lo, &b->date.lo)) &&
		    (!a->date.has_hi || cal_eq(&a->date.hi, &b->date.hi));
	case QUERY_OP_AGE:
		return a->age.older == b->age.older &&
		    a->age.unit == b->age.unit && a->age.n == b->age.n;
	}
	return false;
}

bool
query_equal(const struct query *a, const struct query *b)
{
	return node_equal(a->root, b->root);
}

static void
pattern_sanity(const char *p)
{
	const unsigned char *s = (const unsigned char *)p;

	if (p == NULL)
		BUG("query node without a pattern");
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s == 0x7f)
			BUG("control character 0x%02x in pattern '%s'", *s, p);
		if (*s == '\\' && *++s == '\0')
			BUG("pattern '%s' ends in a lone backslash", p);
	}
}

static void
name_sanity(const char *name, bool (*ok)(int))
{
	const char *s;

	if (name == NULL || name[0] == '\0')
		BUG("query node without a name");
	for (s = name; *s != '\0'; s++)
		if (!ok((unsigned char)*s))
			BUG("bad character in name '%s'", name);
}

static void
cal_sanity(const struct query_cal *c)
{
	int last;

	if (c->year < 1900 || c->year > 9999 || c->month < 0 || c->month > 12)
		BUG("bad date %04d-%02d", c->year, c->month);
	if (c->day == 0)
		return;
	if (c->month == 0)
		BUG("date with a day but no month");
	last =
	    (int)(query_days_from_civil(c->month == 12 ? c->year + 1 : c->year,
		      c->month == 12 ? 1 : c->month + 1, 1) -
		query_days_from_civil(c->year, c->month, 1));
	if (c->day < 1 || c->day > last)
		BUG("bad day %04d-%02d-%02d", c->year, c->month, c->day);
}

static void
leaf_sanity(const struct query_node *n)
{
	if (n->nkids != 0)
		BUG("query leaf with %zu kids", n->nkids);
	switch (n->op) {
	case QUERY_OP_TEXT:
		if (n->field > QUERY_FIELD_BODY)
			BUG("bad query field %d", (int)n->field);
		pattern_sanity(n->pattern);
		break;
	case QUERY_OP_HEADER:
		name_sanity(n->name, query_header_name_char);
		pattern_sanity(n->pattern);
		break;
	case QUERY_OP_FLAG:
		if (query_flag_name(n->flag, n->flag_set) == NULL)
			BUG("bad is: flag %#x/%d", n->flag, n->flag_set);
		break;
	case QUERY_OP_KEYWORD:
		name_sanity(n->name, query_atom_char);
		break;
	case QUERY_OP_SIZE:
		if (n->size.cmp > QUERY_CMP_RANGE ||
		    n->size.a > QUERY_SIZE_MAX || n->size.b > QUERY_SIZE_MAX)
			BUG("bad size node");
		if (n->size.cmp != QUERY_CMP_RANGE &&
		    (!n->size.has_a || n->size.has_b))
			BUG("size comparison without one operand");
		if (n->size.cmp == QUERY_CMP_RANGE &&
		    ((!n->size.has_a && !n->size.has_b) ||
			(n->size.has_a && n->size.has_b &&
			    n->size.a > n->size.b)))
			BUG("bad size range");
		break;
	case QUERY_OP_DATE:
		if (!n->date.has_lo && !n->date.has_hi)
			BUG("date range open at both ends");
		if (!n->date.range &&
		    (!n->date.has_lo || !n->date.has_hi ||
			!cal_eq(&n->date.lo, &n->date.hi)))
			BUG("single date with two ends");
		if (n->date.has_lo)
			cal_sanity(&n->date.lo);
		if (n->date.has_hi)
			cal_sanity(&n->date.hi);
		if (n->date.has_lo && n->date.has_hi &&
		    n->date.lo_t >= n->date.hi_t)
			BUG("empty date range");
		break;
	case QUERY_OP_AGE:
		if (strchr("hdwmy", n->age.unit) == NULL ||
		    n->age.unit == '\0' || n->age.seconds < 0 ||
		    n->age.seconds > QUERY_AGE_MAX)
			BUG("bad age node");
		break;
	default:
		break;
	}
	if (n->op != QUERY_OP_TEXT && n->op != QUERY_OP_HEADER &&
	    n->pattern != NULL)
		BUG("pattern on a query node that takes none");
}

static void
node_sanity(const struct query_node *n, bool root)
{
	size_t i;

	switch (n->op) {
	case QUERY_OP_ALL:
		if (!root || n->nkids != 0)
			BUG("ALL below the root");
		return;
	case QUERY_OP_AND:
	case QUERY_OP_OR:
		if (n->nkids < 2)
			BUG("and/or with %zu kids", n->nkids);
		for (i = 0; i < n->nkids; i++)
			if (n->kids[i]->op == n->op)
				BUG("and/or not flattened");
		break;
	case QUERY_OP_NOT:
		if (n->nkids != 1)
			BUG("not with %zu kids", n->nkids);
		break;
	case QUERY_OP_TEXT:
	case QUERY_OP_HEADER:
	case QUERY_OP_FLAG:
	case QUERY_OP_KEYWORD:
	case QUERY_OP_ATTACHMENT:
	case QUERY_OP_SIZE:
	case QUERY_OP_DATE:
	case QUERY_OP_AGE:
		leaf_sanity(n);
		return;
	default:
		BUG("bad query node op %d", (int)n->op);
	}
	for (i = 0; i < n->nkids; i++) {
		if (n->kids[i] == NULL)
			BUG("NULL kid");
		node_sanity(n->kids[i], false);
	}
}

void
query_sanity(const struct query *q)
{
	if (q == NULL || q->root == NULL)
		BUG("query without a root");
	node_sanity(q->root, true);
}

/*
 * Civil dates: days since 1970-01-01 in the proleptic Gregorian calendar.
 * Years are counted from March, so that the leap day ends the year and
 * each 400-year era has the same 146097 days.
 */
int64_t
query_days_from_civil(int year, int month, int day)
{
	int64_t y = year - (month <= 2);
	int64_t era = query_floor_div(y, 400);
	int64_t yoe = y - era * 400;                /* 0..399 */
	int64_t mp = (month + 9) % 12;              /* March is 0 */
	int64_t doy = (153 * mp + 2) / 5 + day - 1; /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
query_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = query_floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)m;
	*year = (int)(yoe + era * 400 + (m <= 2));
}

void
query_node_span(const struct query_node *n, time_t now, struct query_span *span)
{
	memset(span, 0, sizeof *span);
	if (n->op == QUERY_OP_DATE) {
		span->has_lo = n->date.has_lo;
		span->has_hi = n->date.has_hi;
		span->lo = n->date.lo_t;
		span->hi = n->date.hi_t;
	} else if (n->op == QUERY_OP_AGE) {
		/* Keep a silly `now` from overflowing anyone's arithmetic. */
		int64_t t = (int64_t)now, cut;

		if (t > QUERY_NOW_MAX)
			t = QUERY_NOW_MAX;
		if (t < -QUERY_NOW_MAX)
			t = -QUERY_NOW_MAX;
		cut = t - n->age.seconds;

		if (n->age.older) {
			span->has_hi = true;
			span->hi = cut;
		} else {
			span->has_lo = true;
			span->lo = cut;
		}
	} else
		BUG("query_node_span on op %d", (int)n->op);
}

void
query_size_bounds(const struct query_size *s, uint64_t *lo, uint64_t *hi)
{
	*lo = 0;
	*hi = UINT64_MAX;
	switch (s->cmp) {
	case QUERY_CMP_GT:
		*lo = s->a + 1;
		break;
	case QUERY_CMP_GE:
		*lo = s->a;
		break;
	case QUERY_CMP_LT:
		if (s->a == 0) {
			*lo = 1; /* nothing is smaller than 0 bytes */
			*hi = 0;
		} else
			*hi = s->a - 1;
		break;
	case QUERY_CMP_LE:
		*hi = s->a;
		break;
	case QUERY_CMP_RANGE:
		if (s->has_a)
			*lo = s->a;
		if (s->has_b)
			*hi = s->b;
		break;
	}
}
