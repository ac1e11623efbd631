/*
 * query: facteur's one search language. A query is parsed once into a tree,
 * then run in one of three ways that agree on what it means:
 *
 *   - query_to_sql(): a WHERE expression for the store (SQLite);
 *   - query_to_imap(): a tree of IMAP SEARCH keys (RFC 3501) for the
 *     server, exact or a superset that the caller filters with
 *     query_match();
 *   - query_match(): in memory, on one message (rules, post-filtering).
 *
 * The language is described for users in doc/query.md. In short:
 * from: to: cc: subject: list: body: header:NAME:VALUE is: has:attachment
 * keyword: size: date: older: newer:, free words (subject, from, to, cc or
 * body), and / or / not (also -term), implicit and, parentheses, "quoted
 * strings" with \" and \\, and the wildcards * and ? in text values.
 *
 * Semantics shared by every backend (and tested to agree):
 *
 *   - Text matching is a case-insensitive substring match on UTF-8.
 *     Folding covers ASCII A-Z, the Latin-1 letters U+00C0-U+00DE (not
 *     U+00D7) and U+0178 (so "É" matches "é" and "Ÿ" "ÿ"); nothing else is
 *     folded. A byte that is not part of valid UTF-8 is a character of its
 *     own that matches only itself.
 *   - A value with wildcards is a glob matched anywhere in the field: `*`
 *     is any run of characters, `?` exactly one, with an implicit `*` at
 *     both ends, so subject:fact* means the same as subject:fact and
 *     from:*@edf.fr matches "EDF <factures@edf.fr>". Inside quotes `*` and
 *     `?` are plain characters.
 *   - A NULL field (header absent, body not fetched, headers unknown) makes
 *     every text test on it false, whatever the pattern, even "" or *; so
 *     `not body:x` is true for a message whose body is unknown. Logic is
 *     two-valued: every test is true or false, never unknown.
 *   - Calendar dates (date:) are local days, resolved with mktime() when
 *     the query is parsed (so they follow TZ at that time); older: and
 *     newer: count back from the `now` given by the caller, the library
 *     never reads the clock. Units: h = 3600 s, d = 86400 s, w = 7 d,
 *     m = 30 d, y = 365 d. older:N is date < now - N, newer:N is
 *     date >= now - N (with now clamped to +-2^62 s, so that no value of
 *     it overflows).
 *   - Sizes are in bytes; k, M and G are 1024, 1024^2 and 1024^3.
 *
 * Threads: every function here is pure (no I/O, no clock, no globals) and
 * may be called from any thread. A parsed struct query is immutable and may
 * be shared read-only between threads. query_parse() calls mktime(), so it
 * must not race with a change of the TZ environment variable.
 */
#ifndef FACTEUR_QUERY_QUERY_H
#define FACTEUR_QUERY_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "facteur/core.h"

/* A parsed query. Opaque; immutable after query_parse(). */
struct query;

/*
 * Where and why a query did not parse, for a UI that places the cursor.
 * line and column are 1-based; column counts bytes from the start of the
 * line (as the config parser does), so a caller embedding the query in a
 * file line adds its own offset. offset is the same place in bytes from the
 * start of the text (text + offset is at most the terminating NUL). msg has
 * no position in it.
 */
struct query_error {
	unsigned line;
	unsigned column;
	size_t offset;
	char *msg; /* owned; lowercase, no full stop, may end with a hint */
};

#define QUERY_ERROR_INIT      \
	{                     \
		0, 0, 0, NULL \
	}

void query_error_release(struct query_error *qe);

/*
 * Parses text (NUL-terminated UTF-8; may span lines). An empty or blank
 * query matches every message. On success *out is an owned query (free with
 * query_free()) and 0 is returned. On failure *out is NULL, -1 is returned
 * and err holds "LINE:COLUMN: MESSAGE", e.g.
 * "1:1: unknown field 'form' (did you mean 'from'?)".
 */
int query_parse(const char *text, struct query **out,
    struct fct_error *err) FCT_WUR;

/* The same, with the position apart in *qe (released first by the caller). */
int query_parse_diag(const char *text, struct query **out,
    struct query_error *qe) FCT_WUR;

void query_free(struct query **qp);

/*
 * The canonical text of q: fields in lowercase, `not` for `-`, implicit
 * `and` as a space, parentheses only where precedence needs them, values
 * quoted only where needed. query_parse() of it gives a query equal to q
 * (query_equal()). The empty query prints as "". Owned result.
 */
char *query_to_string(const struct query *q);

/* Structural equality, as after a print/parse round trip. */
bool query_equal(const struct query *a, const struct query *b);

/* Checks the tree's invariants; BUG() on the first one broken. */
void query_sanity(const struct query *q);

/*
 * One message, as the matcher sees it. Every pointer is borrowed for the
 * call. Strings are UTF-8; NULL means absent or unknown, which makes every
 * test on that field false (see above).
 */
struct query_msg {
	const char *from; /* the From header, decoded, e.g. "EDF <a@edf.fr>" */
	const char *to;   /* the To header, decoded */
	const char *cc;   /* the Cc header, decoded */
	const char *subject;  /* decoded */
	const char *list_id;  /* the (first) List-Id header's value */
	const char *headers;  /* the raw header block, for header: */
	const char *body;     /* the text of the body; NULL: not fetched */
	unsigned flags;       /* enum fct_flags */
	const char *keywords; /* " $Junk Work ": space-separated; NULL: none */
	uint64_t size;        /* RFC822.SIZE, in bytes */
	time_t date;          /* the Date header, in seconds since the epoch */
	bool has_attachment;
};

/* Whether m matches q; `now` anchors older: and newer:. */
bool query_match(const struct query *q, const struct query_msg *m, time_t now);

/*
 * The text primitive behind every backend, exposed so that the layer that
 * opens the store registers it as the SQL match function "fct_match"
 * (store_register_function(); the store itself cannot call up into this
 * layer): whether pattern matches anywhere in text, with the folding
 * above. Pattern syntax: `*` any run of characters, `?` exactly one
 * character, `\` makes the next character literal (a lone trailing `\`
 * is itself); everything else is literal. A NULL text never matches, so
 * the SQL function gives 0 for a SQL NULL, never NULL. A NULL pattern is a
 * bug (BUG()): patterns come from query_to_sql()'s parameters only.
 */
bool query_text_match(const char *text, const char *pattern);

/*
 * The definition behind header:, for the matcher: finds the first field
 * called name (ASCII case-insensitive) in the raw header block headers
 * (lines ended by LF or CRLF; the block ends at an empty line or the end
 * of the string), unfolds it (drops each line break that precedes a space
 * or tab), and trims blanks at its start and white space at its end.
 * Returns true with the value in out (reset first), or false with out
 * empty when there is no such field or headers is NULL. The store's own
 * SQL function fct_header (src/store/func.c; the store cannot call up
 * into this layer) implements the same definition and returns NULL for
 * false; the property test registers this function in its place.
 */
bool query_header_value(const char *headers, const char *name,
    struct strbuf *out);

/*
 * The SQL backend. A schema gives an SQL expression for each field; it is
 * copied into the output verbatim, so it must come from the program, never
 * from the user. Text expressions (from .. headers) may be NULL: the store
 * has no such column, and tests on it are false, as for a NULL value. The
 * integer expressions flags, size, date and has_attachment must never be
 * NULL in a row (declare the columns NOT NULL); a query that needs one the
 * schema lacks fails with an error.
 */
struct query_sql_schema {
	const char *from;     /* e.g. "m.from_text" */
	const char *to;       /* "m.to_text" */
	const char *cc;       /* "m.cc_text" */
	const char *subject;  /* "m.subject" */
	const char *list_id;  /* "m.list_id" */
	const char *body;     /* "b.text"; NULL when bodies are not stored */
	const char *headers;  /* "m.headers": the raw header block */
	const char *flags;    /* "m.flags": enum fct_flags */
	const char *keywords; /* "m.keywords": as in struct query_msg */
	const char *size;     /* "m.size" */
	const char *date;     /* "m.date": seconds since the epoch */
	const char *has_attachment; /* "m.has_attachment": 0 or 1 */
	const char *match_fn;  /* "fct_match": query_text_match(text, pat) */
	const char *header_fn; /* "fct_header": query_header_value() */
	const struct query_sql_fts *fts; /* NULL: no full-text prefilter */
};

/*
 * An optional prefilter: an FTS5 table with the trigram tokenizer
 * (case-insensitive, the default) over the text fields. For a text term in
 * a positive position (under an even number of NOTs) whose pattern has a
 * literal run of 3 characters or more that the prefilter can vouch for
 * (doc/query.md), query_to_sql() adds `AND <match>` with the FTS5 query
 * `{COLUMNS} : "RUN"` bound to match's `?`, in addition to the exact test,
 * so the rows are the same as without it, only found sooner. The index
 * must hold every row's current text when the statement runs.
 */
struct query_sql_fts {
	/* SQL with exactly one `?`: true when the row's entry matches it,
	 * e.g. "m.id IN (SELECT rowid FROM t WHERE t MATCH ?)" */
	const char *match;
	/* The FTS5 column of each field; NULL: that field is not indexed,
	 * and its terms (and free words, which need all five) get none. */
	const char *from, *to, *cc, *subject, *list_id, *body;
	/*
	 * Optional (NULL: whole runs): whether the trigram t (3 characters,
	 * UTF-8, as written in the pattern) is in so many rows that reading
	 * its list costs more than it saves. A run on header fields (not a
	 * free word nor body:) with both common and rare trigrams is then
	 * sent as the AND of up to three of its rare trigrams instead of
	 * the whole run, also a necessary condition (doc/query.md).
	 */
	bool (*common)(void *arg, const char *t);
	void *common_arg;
};

enum query_sql_type {
	QUERY_SQL_TEXT,
	QUERY_SQL_INT,
};

struct query_sql_param {
	enum query_sql_type type;
	char *text;    /* owned; QUERY_SQL_TEXT only, else NULL */
	int64_t value; /* QUERY_SQL_INT only */
};

/* The bound parameters, v[i] for the (i+1)-th `?` of the expression. */
struct query_sql_params {
	struct query_sql_param *v;
	size_t n, alloc;
};

#define QUERY_SQL_PARAMS_INIT \
	{                     \
		NULL, 0, 0    \
	}

void query_sql_params_release(struct query_sql_params *params);

/*
 * Appends to where an SQL expression that is 1 for the rows q matches and
 * 0 for the others (never NULL), with plain `?` placeholders, and appends
 * their values to params in the order of the placeholders. If the
 * statement has k placeholders before this expression, params->v[i] binds
 * to index k + i + 1. `now` anchors older: and newer:, as in query_match().
 * Fails, leaving where and params as they were, only when the query needs
 * a column the schema lacks. Every text test goes through
 * schema->match_fn, so the SQL agrees with query_match() byte for byte.
 */
int query_to_sql(const struct query *q, const struct query_sql_schema *schema,
    time_t now, struct strbuf *where, struct query_sql_params *params,
    struct fct_error *err) FCT_WUR;

/*
 * The IMAP backend: a tree of SEARCH keys, for the imap layer to turn into
 * libetpan's structures.
 */
enum query_imap_type {
	QUERY_IMAP_ALL,
	QUERY_IMAP_AND, /* kids: two or more, all must match */
	QUERY_IMAP_OR,  /* kids: exactly two */
	QUERY_IMAP_NOT, /* kids: exactly one */
	QUERY_IMAP_FROM,
	QUERY_IMAP_TO,
	QUERY_IMAP_CC,
	QUERY_IMAP_SUBJECT,
	QUERY_IMAP_BODY,
	QUERY_IMAP_TEXT,
	QUERY_IMAP_HEADER, /* field and value */
	QUERY_IMAP_KEYWORD,
	QUERY_IMAP_UNKEYWORD,
	QUERY_IMAP_SEEN,
	QUERY_IMAP_UNSEEN,
	QUERY_IMAP_FLAGGED,
	QUERY_IMAP_UNFLAGGED,
	QUERY_IMAP_ANSWERED,
	QUERY_IMAP_UNANSWERED,
	QUERY_IMAP_DRAFT,
	QUERY_IMAP_UNDRAFT,
	QUERY_IMAP_DELETED,
	QUERY_IMAP_UNDELETED,
	QUERY_IMAP_LARGER,     /* number */
	QUERY_IMAP_SMALLER,    /* number */
	QUERY_IMAP_SENTSINCE,  /* date */
	QUERY_IMAP_SENTBEFORE, /* date */
	QUERY_IMAP_SENTON,     /* date */
};

/* A calendar day, as IMAP writes it (1-Feb-2024). */
struct query_imap_date {
	int year;  /* 1..9999 */
	int month; /* 1..12 */
	int day;   /* 1..31, valid for the month */
};

/*
 * One key. Invariants (query_imap_key_sanity()): value is set exactly for
 * FROM .. UNKEYWORD (the string; for KEYWORD and UNKEYWORD an IMAP atom),
 * field exactly for HEADER (a header field name); kids as noted above, and
 * none for the other types; value holds no NUL, CR or LF.
 */
struct query_imap_key {
	enum query_imap_type type;
	char *field;                  /* owned; HEADER only */
	char *value;                  /* owned UTF-8; string keys only */
	uint32_t number;              /* LARGER, SMALLER */
	struct query_imap_date date;  /* SENT* */
	struct query_imap_key **kids; /* owned */
	size_t nkids, alloc;
};

/*
 * Compiles q into *out (owned, free with query_imap_key_free()). *exact is
 * set to true when the server's answer is the set query_match() accepts,
 * false when it is a superset that the caller must filter with
 * query_match(). "Exact" holds under RFC 3501's semantics applied to the
 * data the matcher sees; doc/query.md lists where real servers differ and
 * which terms make the result inexact (wildcards inside a value, header:,
 * list:, has:, date:, older:, newer:). Fails only on a broken query (never
 * today); err is for the future.
 */
int query_to_imap(const struct query *q, time_t now,
    struct query_imap_key **out, bool *exact, struct fct_error *err) FCT_WUR;

void query_imap_key_free(struct query_imap_key **kp);

/*
 * The key in RFC 3501 syntax, as it follows "SEARCH " (a top-level AND is
 * written as a plain list), for logs and tests. Strings are quoted, or
 * sent as literals ({N}CRLF then the bytes) when they hold 8-bit
 * characters. Owned result.
 */
char *query_imap_key_to_string(const struct query_imap_key *k);

/* Whether a string holds 8-bit characters, so SEARCH needs CHARSET UTF-8. */
bool query_imap_key_needs_utf8(const struct query_imap_key *k);

/* Checks the invariants above; BUG() on the first one broken. */
void query_imap_key_sanity(const struct query_imap_key *k);

/*
 * The Sieve backend (src/query/sieve.c): appends to out an RFC 5228 test
 * with the query's meaning, for a server that filters at delivery, and
 * sets in *needs the extensions it requires (the caller's `require`).
 * Fails, leaving out as it was, with the reason in err when the query has
 * a term Sieve cannot say with the same meaning (is:, keyword:,
 * has:attachment, date:, older:, newer:). Pure; any thread.
 */
enum query_sieve_needs {
	QUERY_SIEVE_BODY = 1 << 0, /* "body" (RFC 5173) */
};

int query_to_sieve(const struct query *q, struct strbuf *out, unsigned *needs,
    struct fct_error *err) FCT_WUR;

#endif
