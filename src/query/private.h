/* Internals shared by the files of src/query: the tree and its helpers. */
#ifndef FACTEUR_QUERY_PRIVATE_H
#define FACTEUR_QUERY_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "facteur/query.h"

enum query_op {
	QUERY_OP_ALL,        /* the empty query; only ever the root */
	QUERY_OP_AND,        /* kids: two or more, none an AND */
	QUERY_OP_OR,         /* kids: two or more, none an OR */
	QUERY_OP_NOT,        /* kids: exactly one */
	QUERY_OP_TEXT,       /* field, pattern */
	QUERY_OP_HEADER,     /* name, pattern */
	QUERY_OP_FLAG,       /* is: flag, flag_set */
	QUERY_OP_KEYWORD,    /* name */
	QUERY_OP_ATTACHMENT, /* has:attachment */
	QUERY_OP_SIZE,       /* size */
	QUERY_OP_DATE,       /* date */
	QUERY_OP_AGE,        /* age */
};

enum query_field {
	QUERY_FIELD_ANY, /* a free word: subject, from, to, cc or body */
	QUERY_FIELD_FROM,
	QUERY_FIELD_TO,
	QUERY_FIELD_CC,
	QUERY_FIELD_SUBJECT,
	QUERY_FIELD_LIST,
	QUERY_FIELD_BODY,
};

/* size: as written: > >= < <= or a range, either end of which may be open. */
enum query_cmp {
	QUERY_CMP_GT,
	QUERY_CMP_GE,
	QUERY_CMP_LT,
	QUERY_CMP_LE,
	QUERY_CMP_RANGE,
};

/*
 * Invariants: for GT .. LE, `a` is the operand and has_a is set; for RANGE,
 * at least one of has_a, has_b is set and a <= b when both are. Values are
 * at most QUERY_SIZE_MAX.
 */
struct query_size {
	enum query_cmp cmp;
	bool has_a, has_b;
	uint64_t a, b; /* bytes */
};

#define QUERY_SIZE_MAX ((uint64_t)1 << 53)

/* A calendar period: a year, a month or a day. */
struct query_cal {
	int year;  /* 1900..9999 */
	int month; /* 1..12, or 0 for the whole year */
	int day;   /* 1..last of the month, or 0 for the whole month */
};

/*
 * date: a period or a range of them. A single period has range false and
 * lo == hi. Invariants: has_lo or has_hi; lo's start is before hi's end.
 * lo_t and hi_t are the local times of lo's start and hi's end (exclusive),
 * resolved at parse time; they are meaningless for an open end.
 */
struct query_date {
	bool range;
	bool has_lo, has_hi;
	struct query_cal lo, hi;
	int64_t lo_t, hi_t;
};

/* older: / newer: N units, i.e. `seconds` before now. */
struct query_age {
	bool older;
	char unit;       /* h d w m y */
	uint64_t n;      /* n * the unit's seconds <= QUERY_AGE_MAX */
	int64_t seconds; /* n times the unit */
};

#define QUERY_AGE_MAX ((int64_t)1 << 40)

/*
 * One node of the tree. Which fields are used depends on op (see enum
 * query_op); the others are zero. Patterns use the syntax of
 * query_text_match(), with no control characters and no lone trailing
 * backslash; a name is a header field name (HEADER) or an IMAP atom
 * (KEYWORD).
 */
struct query_node {
	enum query_op op;
	struct query_node **kids; /* owned */
	size_t nkids, alloc;
	enum query_field field;
	char *pattern; /* owned */
	char *name;    /* owned */
	unsigned flag; /* one enum fct_flags bit */
	bool flag_set; /* is:read is SEEN set, is:unread SEEN not set */
	struct query_size size;
	struct query_date date;
	struct query_age age;
};

/* Invariant: root is never NULL. */
struct query {
	struct query_node *root;
};

struct query_node *query_node_new(enum query_op op);
void query_node_free(struct query_node **np);
/* Appends kid (transfers), flattening a kid of the same AND/OR op. */
void query_node_add(struct query_node *parent, struct query_node *kid);

/* The names of things, for printing and messages; static strings. */
const char *query_field_name(enum query_field field);
/* The is: word for (flag, set), or NULL when there is none. */
const char *query_flag_name(unsigned flag, bool set);

/* Unicode code points and bytes outside UTF-8 as 0x110000 + byte. */
#define QUERY_BAD_BYTE 0x110000u

/*
 * Decodes the character at s (which is not at its NUL) into *cp and returns
 * its length in bytes, 1..4. An invalid or truncated sequence gives one
 * byte, as QUERY_BAD_BYTE + that byte.
 */
size_t query_utf8_next(const char *s, uint32_t *cp);
/* The case folding of every backend (see query.h). */
uint32_t query_fold(uint32_t cp);

/* Whether c is a character a pattern must escape to be literal. */
static inline bool
query_pattern_special(int c)
{
	return c == '*' || c == '?' || c == '\\';
}

/* Appends the literal text s, n bytes, to a pattern. */
void query_pattern_add_literal(struct strbuf *pat, const char *s, size_t n);

/*
 * What IMAP can do with a pattern: the longest literal run between its
 * wildcards, unescaped, in *run (owned), and whether "contains *run" is
 * exactly the pattern (no `?`, at most one non-empty run). An empty run
 * means "any text".
 */
bool query_pattern_literal(const char *pattern, char **run);

/* A character of a header field name (RFC 7230's tchar). */
static inline bool
query_header_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* A character of an IMAP atom (RFC 3501 ATOM-CHAR). */
static inline bool
query_atom_char(int c)
{
	return c > 0x20 && c < 0x7f && strchr("(){%*\"\\]", c) == NULL;
}

/* ASCII case-insensitive equality, whatever the locale. */
bool query_ascii_caseeq(const char *a, const char *b, size_t n);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t query_days_from_civil(int year, int month, int day);
void query_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Floor division, for times before the epoch. */
static inline int64_t
query_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/*
 * The interval of instants [lo, hi) a date:, older: or newer: node
 * accepts; an open end has its has_ flag false.
 */
struct query_span {
	bool has_lo, has_hi;
	int64_t lo, hi;
};

#define QUERY_NOW_MAX ((int64_t)1 << 62) /* `now` is clamped to +-this */

void query_node_span(const struct query_node *n, time_t now,
    struct query_span *span);

/* The inclusive byte range [lo, hi] a size: node accepts; may be empty. */
void query_size_bounds(const struct query_size *s, uint64_t *lo, uint64_t *hi);

#endif
