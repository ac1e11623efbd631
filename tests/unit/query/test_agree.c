/*
 * The property test of src/query: the three backends agree.
 *
 * A fixed-seed generator writes a few thousand random queries as text
 * (every construct, bare and quoted values, wildcards, nesting) and a few
 * hundred random messages full of what breaks naive code: accents in both
 * cases, `%`, `_`, `*`, `?`, quotes, backslashes, invalid UTF-8, NULL and
 * empty fields, duplicate and folded headers, dates on local midnights and
 * DST changes, sizes on unit boundaries. For each query:
 *
 *   - the text prints and parses back to an equal tree;
 *   - the SQL, run on the messages loaded in an in-memory SQLite table,
 *     returns exactly the rows query_match() accepts (and again with a
 *     schema that has no body column), with and without the trigram
 *     prefilter (an FTS5 index of the same messages), which must change
 *     nothing but the speed, also with runs sent as their rare trigrams
 *     (a fake `common` calls every trigram with an 'e' or a space
 *     common);
 *   - the IMAP keys, run by a small reference evaluator written here from
 *     RFC 3501 (case-insensitive substring, HEADER on any field of that
 *     name, dates as the day in the sender's own zone), give the same set
 *     as query_match() when query_to_imap() says exact, and a superset
 *     otherwise.
 *
 * A test that cannot fail proves nothing, so it also shows that it fails:
 * an SQL match function with ASCII-only folding (LIKE's) must disagree
 * somewhere, and some inexact IMAP answers must really be larger.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmocka.h>

#include "facteur/core.h"
#include "facteur/query.h"
#include "sqlite_fns.h"

#define N_MSGS 300
#define N_QUERIES 3000
#define DAY 86400

/* splitmix64: small, fixed-seed, the same on every machine. */
static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static size_t
pick(size_t n)
{
	return (size_t)(rng() % n);
}

static bool
chance(unsigned percent)
{
	return pick(100) < percent;
}

#define PICK(a) ((a)[pick(FCT_ARRAY_LEN(a))])

/* Words for message text: what breaks LIKE, folding and quoting. */
static const char *const msg_words[] = {
	"edf",
	"EDF",
	"Edf",
	"facture",
	"FACTURE",
	"Factures",
	"été",
	"ÉTÉ",
	"Été",
	"ete",
	"naïve",
	"NAÏVE",
	"ÿ",
	"Ÿ",
	"ß",
	"SS",
	"Σ",
	"σ",
	"×",
	"÷",
	"100%",
	"%",
	"_",
	"a_b",
	"a%b",
	"*",
	"?",
	"a*b",
	"'",
	"o'brien",
	"O'Brien",
	"\"",
	"say \"hi\"",
	"\\",
	"a\\b",
	"@edf.fr",
	"jane@example.org",
	"<",
	">",
	"x",
	"xx",
	"\xff",
	"a\xc3",
	"é",
	"e",
	"-",
	"or",
	"and",
	":",
	"re:",
	"(",
	")",
	"Ü",
	"ü",
	"€",
	"\xf0\x9f\x93\xa7",
	"abc",
	"ABC",
	"a?c",
	"\xed\xa0\x80",
	"x\xa9",
};

/* Words for query values, most of which occur in messages. */
static const char *const query_words[] = {
	"edf",
	"EDF",
	"facture",
	"FACTUR",
	"été",
	"ÉTÉ",
	"ete",
	"ÿ",
	"Ÿ",
	"ß",
	"ss",
	"σ",
	"×",
	"100%",
	"%",
	"_",
	"a_b",
	"'",
	"o'b",
	"\"",
	"\\",
	"a\\b",
	"@edf.fr",
	"<",
	"x",
	"\xff",
	"\xc3",
	"é",
	"e",
	"-",
	"or",
	"and",
	":",
	"re:",
	"(",
	"Ü",
	"€",
	"",
	"a*b",
	"?",
	"b",
	"c",
	"ab",
	"bc",
	"ï",
	"\xa9",
	"\xed",
};

static const char *const keywords[] = { "$Junk", "$junk", "Work", "$label1",
	"a?b", "Wor" };

static const char *const extra_names[] = { "X-Foo", "X-Mailer", "Received" };

static const time_t now = 1718447400; /* 2024-06-15 12:30 CEST */

struct tmsg {
	struct query_msg m;
	char *from, *to, *cc, *subject, *list_id, *raw, *body, *keywords;
	bool headers_known;
	int tzoff; /* the sender's zone, |tzoff| < DAY */
};

static struct tmsg msgs[N_MSGS];

static char *
gen_text(void)
{
	static const char *const seps[] = { " ", "", ", ", "<", ">", " " };
	struct strbuf sb = STRBUF_INIT;
	size_t i, n = 1 + pick(3);

	for (i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addstr(&sb, PICK(seps));
		strbuf_addstr(&sb, PICK(msg_words));
	}
	return strbuf_detach(&sb, NULL);
}

/* NULL sometimes, "" sometimes, else some words. */
static char *
gen_field(void)
{
	if (chance(15))
		return NULL;
	if (chance(5))
		return xstrdup("");
	return gen_text();
}

static time_t
local_day(int y, int m, int d)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static time_t
gen_date(void)
{
	static const int days[][3] = {
		{ 2023, 12, 31 },
		{ 2024, 1, 1 },
		{ 2024, 2, 29 },
		{ 2024, 3, 1 },
		{ 2024, 3, 15 },
		{ 2024, 3, 31 },
		{ 2024, 4, 1 },
		{ 2024, 6, 30 },
		{ 2024, 7, 1 },
		{ 2024, 10, 27 },
		{ 2024, 12, 31 },
		{ 2025, 1, 1 },
	};
	static const int nudges[] = { 0, -1, 1, 3599, 3600, 43200, 86399,
		-86399, -3600 };
	static const int64_t ages[] = { 0, 3600, DAY, 7 * DAY, 30 * DAY,
		365 * DAY, 2 * DAY };
	const int *d;

	if (chance(40))
		return now - (time_t)PICK(ages) + PICK(nudges);
	if (chance(15))
		return 1690000000 + (time_t)pick(60000000);
	d = PICK(days);
	return local_day(d[0], d[1], d[2]) + PICK(nudges);
}

static void
add_header(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addf(sb, "%s: %s\r\n", name, value);
}

static void
gen_msg(struct tmsg *t)
{
	static const uint64_t sizes[] = { 0, 1, 1023, 1024, 1025, 1048575,
		1048576, 1048577, 1572864, 10240, 2097152, 4294967295u };
	static const int zones[] = { 0, 3600, 7200, -18000, 50400, -43200,
		19800, 86399, -86399, 46800 };
	struct strbuf sb = STRBUF_INIT, kw = STRBUF_INIT;
	char *w;
	size_t i;

	memset(t, 0, sizeof *t);
	t->from = gen_field();
	if (t->from != NULL && chance(40)) {
		w = t->from;
		t->from = xasprintf("%s <%s@%s>", w, PICK(msg_words),
		    chance(50) ? "edf.fr" : "example.org");
		free(w);
	}
	t->to = gen_field();
	t->cc = gen_field();
	t->subject = gen_field();
	t->list_id = chance(50) ? NULL : gen_text();
	t->body = chance(25) ? NULL : gen_text();

	/* The raw block agrees with the fields: a field is NULL exactly
	 * when its header is absent, and list_id is the first List-Id. */
	if (t->from != NULL)
		add_header(&sb, "From", t->from);
	if (t->list_id != NULL) {
		add_header(&sb, "List-Id", t->list_id);
		if (chance(30)) {
			w = gen_text();
			add_header(&sb, "List-Id", w);
			free(w);
		}
	}
	if (t->to != NULL)
		add_header(&sb, "To", t->to);
	if (t->cc != NULL)
		add_header(&sb, "Cc", t->cc);
	if (t->subject != NULL)
		add_header(&sb, "Subject", t->subject);
	for (i = pick(4); i > 0; i--) {
		w = gen_text();
		if (chance(30))
			strbuf_addf(&sb, "%s: %s\r\n\t%s\r\n",
			    PICK(extra_names), w, PICK(msg_words));
		else
			add_header(&sb, PICK(extra_names), w);
		free(w);
	}
	t->raw = strbuf_detach(&sb, NULL);
	t->headers_known = !chance(10);

	if (!chance(20)) {
		if (chance(80))
			strbuf_addch(&kw, ' ');
		for (i = pick(4); i > 0; i--)
			strbuf_addf(&kw, "%s ", PICK(keywords));
		t->keywords = strbuf_detach(&kw, NULL);
	}
	t->tzoff = PICK(zones);

	t->m.from = t->from;
	t->m.to = t->to;
	t->m.cc = t->cc;
	t->m.subject = t->subject;
	t->m.list_id = t->list_id;
	t->m.headers = t->headers_known ? t->raw : NULL;
	t->m.body = t->body;
	t->m.flags = (unsigned)pick(32);
	t->m.keywords = t->keywords;
	t->m.size = chance(70) ? PICK(sizes) : pick(UINT32_MAX);
	t->m.date = gen_date();
	t->m.has_attachment = chance(30);
}

static void
free_msg(struct tmsg *t)
{
	free(t->from);
	free(t->to);
	free(t->cc);
	free(t->subject);
	free(t->list_id);
	free(t->raw);
	free(t->body);
	free(t->keywords);
}

/* The message as the server knows it: headers and body are there. */
static struct query_msg
complete(const struct tmsg *t)
{
	struct query_msg m = t->m;

	m.headers = t->raw;
	m.body = t->body != NULL ? t->body : "";
	return m;
}

/* Query generation. A value is literal runs and wildcards. */
static bool
bare_ok(const char *s, bool first_of_free_word, bool whole)
{
	if (*s == '\0')
		return false;
	if (strpbrk(s, " \t()\"*?") != NULL)
		return false;
	if (!first_of_free_word)
		return true;
	if (s[0] == '-' || strchr(s, ':') != NULL)
		return false;
	return !whole ||
	    (strcasecmp(s, "and") != 0 && strcasecmp(s, "or") != 0 &&
		strcasecmp(s, "not") != 0);
}

static void
add_quoted(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static void
add_lit(struct strbuf *sb, const char *s, bool first_of_free_word, bool whole)
{
	if (bare_ok(s, first_of_free_word, whole) && chance(60))
		strbuf_addstr(sb, s);
	else
		add_quoted(sb, s);
}

static void
gen_value(struct strbuf *sb, bool free_word)
{
	const char *a = PICK(query_words), *b = PICK(query_words);

	switch (chance(35) ? pick(6) : 6) {
	case 0:
		strbuf_addch(sb, '*');
		add_lit(sb, a, false, false);
		break;
	case 1:
		add_lit(sb, a, free_word, false);
		strbuf_addch(sb, '*');
		break;
	case 2:
		add_lit(sb, a, free_word, false);
		strbuf_addch(sb, '*');
		add_lit(sb, b, false, false);
		break;
	case 3:
		strbuf_addch(sb, '?');
		add_lit(sb, a, false, false);
		break;
	case 4:
		add_lit(sb, a, free_word, false);
		strbuf_addch(sb, '?');
		add_lit(sb, b, false, false);
		break;
	case 5:
		strbuf_addstr(sb, chance(50) ? "*" : "?");
		break;
	default:
		add_lit(sb, a, free_word, true);
		break;
	}
}

static void
gen_atom(struct strbuf *sb)
{
	static const char *const text_fields[] = { "from:", "to:", "cc:",
		"subject:", "list:", "body:", "", "", "" };
	static const char *const is_values[] = { "unread", "read", "flagged",
		"unflagged", "answered", "draft", "deleted", "seen", "unseen" };
	static const char *const headers[] = { "Subject", "From", "List-Id",
		"X-Foo", "x-mailer", "X-Missing", "Received" };
	static const char *const sizes[] = { "0", "1", "1k", "1023", "1024",
		"1M", "1.5M", "1048577", "10k", "2M", "4G" };
	static const char *const size_ops[] = { ">", ">=", "<", "<=" };
	static const char *const dates[] = { "2023", "2024", "2025", "2024-01",
		"2024-03", "2024-06", "2024-07", "2024-10", "2024-03-15",
		"2024-03-31", "2024-02-29", "2024-06-30", "2024-10-27",
		"2023-12-31" };
	static const char *const units = "hdwmy";
	static const int ages[] = { 0, 1, 2, 7, 30, 365 };
	const char *f;
	size_t r = pick(100);

	if (r < 55) {
		f = PICK(text_fields);
		strbuf_addstr(sb, f);
		gen_value(sb, f[0] == '\0');
	} else if (r < 62) {
		strbuf_addf(sb, "header:%s:", PICK(headers));
		gen_value(sb, false);
	} else if (r < 70) {
		strbuf_addf(sb, "is:%s", PICK(is_values));
	} else if (r < 73) {
		strbuf_addstr(sb, "has:attachment");
	} else if (r < 79) {
		strbuf_addstr(sb, "keyword:");
		add_quoted(sb, PICK(keywords));
	} else if (r < 87) {
		strbuf_addstr(sb, "size:");
		if (chance(60))
			strbuf_addf(sb, "%s%s", PICK(size_ops), PICK(sizes));
		else if (chance(50))
			strbuf_addf(sb, "%s..", PICK(sizes));
		else
			strbuf_addf(sb, "..%s", PICK(sizes));
	} else if (r < 94) {
		strbuf_addstr(sb, "date:");
		f = PICK(dates);
		if (chance(60))
			strbuf_addstr(sb, f);
		else if (chance(40))
			strbuf_addf(sb, "%s..", f);
		else
			strbuf_addf(sb, "..%s", f);
	} else {
		strbuf_addf(sb, "%s:%d%c", chance(50) ? "older" : "newer",
		    PICK(ages), units[pick(5)]);
	}
}

static void
gen_query(struct strbuf *sb, int depth)
{
	if (depth == 0 || chance(40)) {
		gen_atom(sb);
		return;
	}
	switch (pick(7)) {
	case 0:
		gen_query(sb, depth - 1);
		strbuf_addch(sb, ' ');
		gen_query(sb, depth - 1);
		break;
	case 1:
		gen_query(sb, depth - 1);
		strbuf_addstr(sb, chance(50) ? " and " : " AND ");
		gen_query(sb, depth - 1);
		break;
	case 2:
	case 3:
		gen_query(sb, depth - 1);
		strbuf_addstr(sb, chance(50) ? " or " : " OR ");
		gen_query(sb, depth - 1);
		break;
	case 4:
		strbuf_addstr(sb, "not ");
		gen_query(sb, depth - 1);
		break;
	case 5:
		strbuf_addch(sb, '-');
		if (chance(50)) {
			gen_atom(sb);
			break;
		}
		/* fall through */
	default:
		strbuf_addch(sb, '(');
		gen_query(sb, depth - 1);
		strbuf_addch(sb, ')');
		break;
	}
}

/*
 * The reference evaluator of IMAP keys, from RFC 3501 with the folding of
 * query.h, written apart from src/query: it decodes into arrays of code
 * points and compares them naively.
 */
#define REF_BAD 0x200000u

static size_t
ref_decode(const char *str, uint32_t **out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = 0, len = strlen(str), i = 0, k, need;
	uint32_t *v = xcalloc(len + 1, sizeof *v), c, min;

	while (i < len) {
		c = s[i];
		need = c < 0x80             ? 0
		    : c >= 0xc2 && c < 0xe0 ? 1
		    : c >= 0xe0 && c < 0xf0 ? 2
		    : c >= 0xf0 && c < 0xf5 ? 3
					    : 9;
		min = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000;
		if (need == 0) {
			v[n++] = c;
			i++;
			continue;
		}
		if (need < 9 && i + need < len + 1) {
			c &= 0x3f >> need;
			for (k = 1; k <= need; k++) {
				if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
					break;
				c = c << 6 | (s[i + k] & 0x3f);
			}
			if (k > need && c >= min && c <= 0x10ffff &&
			    !(c >= 0xd800 && c <= 0xdfff)) {
				v[n++] = c;
				i += need + 1;
				continue;
			}
		}
		v[n++] = REF_BAD + s[i++];
	}
	*out = v;
	return n;
}

static uint32_t
ref_fold(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7))
		return c | 0x20;
	return c == 0x178 ? 0xff : c;
}

static bool
ref_contains(const char *hay, const char *needle)
{
	uint32_t *h, *nd;
	size_t nh, nn, i, j;
	bool found = false;

	if (hay == NULL)
		return false;
	nh = ref_decode(hay, &h);
	nn = ref_decode(needle, &nd);
	for (i = 0; i + nn <= nh && !found; i++) {
		for (j = 0; j < nn; j++)
			if (ref_fold(h[i + j]) != ref_fold(nd[j]))
				break;
		found = j == nn;
	}
	free(h);
	free(nd);
	return found;
}

/* HEADER: any field of that name whose text contains the string. */
static bool
ref_header(const char *raw, const char *name, const char *value)
{
	struct strbuf unf = STRBUF_INIT;
	char *line, *save = NULL, *colon;
	bool found = false;
	size_t i, n;

	/* Unfold: a line break before a blank goes. */
	for (i = 0; raw[i] != '\0'; i++) {
		if (raw[i] == '\r' && raw[i + 1] == '\n' &&
		    (raw[i + 2] == ' ' || raw[i + 2] == '\t')) {
			i++;
			continue;
		}
		strbuf_addch(&unf, raw[i]);
	}
	for (line = strtok_r(unf.buf, "\r\n", &save); line != NULL && !found;
	     line = strtok_r(NULL, "\r\n", &save)) {
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		n = (size_t)(colon - line);
		found = n == strlen(name) && strncasecmp(line, name, n) == 0 &&
		    ref_contains(colon + 1, value);
	}
	strbuf_release(&unf);
	return found;
}

static bool
ref_keyword(const char *kws, const char *name)
{
	char *copy, *tok, *save = NULL;
	bool found = false;

	if (kws == NULL)
		return false;
	copy = xstrdup(kws);
	for (tok = strtok_r(copy, " ", &save); tok != NULL && !found;
	     tok = strtok_r(NULL, " ", &save))
		found = strcasecmp(tok, name) == 0;
	free(copy);
	return found;
}

static int64_t
ref_day(const struct query_imap_date *d)
{
	struct tm tm = { 0 };

	tm.tm_year = d->year - 1900;
	tm.tm_mon = d->month - 1;
	tm.tm_mday = d->day;
	return (int64_t)timegm(&tm) / DAY;
}

static int64_t
sender_day(const struct tmsg *t)
{
	int64_t s = (int64_t)t->m.date + t->tzoff;

	return s >= 0 ? s / DAY : -((-s + DAY - 1) / DAY);
}

static bool
ref_eval(const struct query_imap_key *k, const struct tmsg *t)
{
	const struct query_msg *m = &t->m;
	const char *body = t->body != NULL ? t->body : "";
	size_t i;

	switch (k->type) {
	case QUERY_IMAP_ALL:
		return true;
	case QUERY_IMAP_AND:
		for (i = 0; i < k->nkids; i++)
			if (!ref_eval(k->kids[i], t))
				return false;
		return true;
	case QUERY_IMAP_OR:
		return ref_eval(k->kids[0], t) || ref_eval(k->kids[1], t);
	case QUERY_IMAP_NOT:
		return !ref_eval(k->kids[0], t);
	case QUERY_IMAP_FROM:
		return ref_contains(m->from, k->value);
	case QUERY_IMAP_TO:
		return ref_contains(m->to, k->value);
	case QUERY_IMAP_CC:
		return ref_contains(m->cc, k->value);
	case QUERY_IMAP_SUBJECT:
		return ref_contains(m->subject, k->value);
	case QUERY_IMAP_BODY:
		return ref_contains(body, k->value);
	case QUERY_IMAP_TEXT:
		return ref_contains(t->raw, k->value) ||
		    ref_contains(body, k->value);
	case QUERY_IMAP_HEADER:
		return ref_header(t->raw, k->field, k->value);
	case QUERY_IMAP_KEYWORD:
		return ref_keyword(m->keywords, k->value);
	case QUERY_IMAP_UNKEYWORD:
		return !ref_keyword(m->keywords, k->value);
	case QUERY_IMAP_SEEN:
	case QUERY_IMAP_UNSEEN:
		return ((m->flags & FCT_FLAG_SEEN) != 0) ==
		    (k->type == QUERY_IMAP_SEEN);
	case QUERY_IMAP_FLAGGED:
	case QUERY_IMAP_UNFLAGGED:
		return ((m->flags & FCT_FLAG_FLAGGED) != 0) ==
		    (k->type == QUERY_IMAP_FLAGGED);
	case QUERY_IMAP_ANSWERED:
	case QUERY_IMAP_UNANSWERED:
		return ((m->flags & FCT_FLAG_ANSWERED) != 0) ==
		    (k->type == QUERY_IMAP_ANSWERED);
	case QUERY_IMAP_DRAFT:
	case QUERY_IMAP_UNDRAFT:
		return ((m->flags & FCT_FLAG_DRAFT) != 0) ==
		    (k->type == QUERY_IMAP_DRAFT);
	case QUERY_IMAP_DELETED:
	case QUERY_IMAP_UNDELETED:
		return ((m->flags & FCT_FLAG_DELETED) != 0) ==
		    (k->type == QUERY_IMAP_DELETED);
	case QUERY_IMAP_LARGER:
		return m->size > k->number;
	case QUERY_IMAP_SMALLER:
		return m->size < k->number;
	case QUERY_IMAP_SENTSINCE:
		return sender_day(t) >= ref_day(&k->date);
	case QUERY_IMAP_SENTBEFORE:
		return sender_day(t) < ref_day(&k->date);
	case QUERY_IMAP_SENTON:
		return sender_day(t) == ref_day(&k->date);
	}
	fail_msg("bad key type %d", (int)k->type);
	return false;
}

static void
describe(const struct tmsg *t, struct strbuf *sb)
{
	strbuf_addf(sb,
	    "from=%s to=%s cc=%s subject=%s list=%s body=%s kw=%s flags=%u "
	    "size=%llu date=%lld tz=%d attach=%d headers%s=\n%s",
	    t->from ? t->from : "NULL", t->to ? t->to : "NULL",
	    t->cc ? t->cc : "NULL", t->subject ? t->subject : "NULL",
	    t->list_id ? t->list_id : "NULL", t->body ? t->body : "NULL",
	    t->keywords ? t->keywords : "NULL", t->m.flags,
	    (unsigned long long)t->m.size, (long long)t->m.date, t->tzoff,
	    t->m.has_attachment, t->headers_known ? "" : "(unknown)", t->raw);
}

static void
fail_on(const char *what, const char *text, const char *detail, size_t i,
    bool want, bool got)
{
	struct strbuf sb = STRBUF_INIT;

	describe(&msgs[i], &sb);
	fail_msg("%s disagrees on query\n  %s\n%s\nmessage %zu: matcher says "
		 "%d, backend %d\n%s",
	    what, text, detail, i, want, got, sb.buf);
}

struct stats {
	size_t queries, exact, nontrivial, imap_strict_superset, ascii_diffs;
	size_t prefiltered; /* queries whose SQL used the trigram index */
	size_t merged;      /* ... with ANDed terms in one full-text query */
	size_t windows;     /* ... with a run sent as its rare trigrams */
};

static void
check_roundtrip(const struct query *q, const char *text)
{
	struct query *q2 = NULL;
	struct fct_error err = FCT_ERROR_INIT;
	char *s = query_to_string(q);

	if (query_parse(s, &q2, &err) != 0)
		fail_msg("'%s' printed as '%s', which fails: %s", text, s,
		    fct_error_msg(&err));
	if (!query_equal(q, q2))
		fail_msg("'%s' printed as '%s', which parses otherwise", text,
		    s);
	query_free(&q2);
	free(s);
}

static void
check_sql(sqlite3 *db, const struct query *q, const char *text,
    const struct query_sql_schema *schema, bool no_body, bool *want,
    struct stats *st)
{
	struct query_sql_params params = QUERY_SQL_PARAMS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf where = STRBUF_INIT;
	bool hits[N_MSGS];
	struct query_msg m;
	size_t i, n = 0;

	if (query_to_sql(q, schema, now, &where, &params, &err) != 0)
		fail_msg("'%s': %s", text, fct_error_msg(&err));
	test_sqlite_select(db, where.buf, &params, hits, N_MSGS);
	for (i = 0; i < N_MSGS; i++) {
		m = msgs[i].m;
		if (no_body)
			m.body = NULL;
		want[i] = query_match(q, &m, now);
		n += want[i];
		if (hits[i] != want[i])
			fail_on("SQL", text, where.buf, i, want[i], hits[i]);
	}
	if (!no_body && n > 0 && n < N_MSGS && schema->fts == NULL)
		st->nontrivial++;
	if (schema->fts != NULL && strstr(where.buf, " MATCH ") != NULL)
		st->prefiltered++;
	for (i = 0; schema->fts != NULL && !no_body && i < params.n; i++)
		if (params.v[i].type == QUERY_SQL_TEXT &&
		    strstr(params.v[i].text, ") AND (") != NULL) {
			st->merged++;
			break;
		}
	for (i = 0; schema->fts != NULL && i < params.n; i++)
		if (params.v[i].type == QUERY_SQL_TEXT &&
		    strstr(params.v[i].text, " : (\"") != NULL) {
			st->windows++;
			break;
		}
	query_sql_params_release(&params);
	strbuf_release(&where);
}

static void
check_imap(const struct query *q, const char *text, struct stats *st)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct query_imap_key *k = NULL;
	struct query_msg m;
	bool exact, want, got, larger = false;
	char *keys;
	size_t i;

	assert_int_equal(query_to_imap(q, now, &k, &exact, &err), 0);
	query_imap_key_sanity(k);
	keys = query_imap_key_to_string(k);
	st->exact += exact;
	for (i = 0; i < N_MSGS; i++) {
		m = complete(&msgs[i]);
		want = query_match(q, &m, now);
		got = ref_eval(k, &msgs[i]);
		if (exact ? got != want : want && !got)
			fail_on(exact ? "IMAP (exact)" : "IMAP (superset)",
			    text, keys, i, want, got);
		larger = larger || got != want;
	}
	st->imap_strict_superset += larger;
	free(keys);
	query_imap_key_free(&k);
}

/* The same SQL with LIKE-style folding: it must go wrong somewhere. */
static void
check_ascii(sqlite3 *db, const struct query *q, const bool *want,
    struct stats *st)
{
	struct query_sql_schema s = test_sqlite_schema;
	struct query_sql_params params = QUERY_SQL_PARAMS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf where = STRBUF_INIT;
	bool hits[N_MSGS];
	size_t i;

	s.match_fn = "fct_match_ascii";
	assert_int_equal(query_to_sql(q, &s, now, &where, &params, &err), 0);
	test_sqlite_select(db, where.buf, &params, hits, N_MSGS);
	for (i = 0; i < N_MSGS; i++)
		if (hits[i] != want[i]) {
			st->ascii_diffs++;
			break;
		}
	query_sql_params_release(&params);
	strbuf_release(&where);
}

/*
 * For the prefilter's rare-trigram form: a trigram is "common" when it
 * holds an 'e' or a space, so that runs mix common and rare trigrams.
 */
static bool
common_e(void *arg, const char *t)
{
	(void)arg;
	return strchr(t, 'e') != NULL || strchr(t, ' ') != NULL;
}

static void
test_agree(void **state)
{
	struct query_sql_schema no_body = test_sqlite_schema;
	struct query_sql_schema fts = test_sqlite_schema;
	struct query_sql_schema fts_no_body, fts_windows;
	struct query_sql_fts windows = test_sqlite_fts;
	struct strbuf text = STRBUF_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct stats st = { 0 };
	bool want[N_MSGS];
	struct query *q;
	sqlite3 *db;
	size_t i;

	rng_state = 20240615;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(test_sqlite_register(db), 0);
	test_sqlite_create(db);
	for (i = 0; i < N_MSGS; i++) {
		gen_msg(&msgs[i]);
		test_sqlite_insert(db, (int)i, &msgs[i].m);
	}
	no_body.body = NULL;
	fts.fts = &test_sqlite_fts;
	fts_no_body = fts;
	fts_no_body.body = NULL;
	windows.common = common_e;
	fts_windows = fts;
	fts_windows.fts = &windows;

	for (st.queries = 0; st.queries < N_QUERIES; st.queries++) {
		strbuf_reset(&text);
		gen_query(&text, 4);
		q = NULL;
		if (query_parse(text.buf, &q, &err) != 0)
			fail_msg("generated query '%s' fails: %s", text.buf,
			    fct_error_msg(&err));
		query_sanity(q);
		check_roundtrip(q, text.buf);
		check_sql(db, q, text.buf, &test_sqlite_schema, false, want,
		    &st);
		if (st.queries % 4 == 0)
			check_ascii(db, q, want, &st);
		check_imap(q, text.buf, &st);
		if (st.queries % 5 == 0)
			check_sql(db, q, text.buf, &no_body, true, want, &st);
		check_sql(db, q, text.buf, &fts, false, want, &st);
		check_sql(db, q, text.buf, &fts_windows, false, want, &st);
		if (st.queries % 5 == 1)
			check_sql(db, q, text.buf, &fts_no_body, true, want,
			    &st);
		query_free(&q);
	}
	print_message("%zu queries on %zu messages: %zu exact in IMAP, %zu "
		      "with a strictly larger IMAP answer, %zu neither empty "
		      "nor full, %zu caught with ASCII-only folding, %zu "
		      "with the trigram prefilter (%zu merging ANDed terms, "
		      "%zu with runs sent as rare trigrams)\n",
	    st.queries, (size_t)N_MSGS, st.exact, st.imap_strict_superset,
	    st.nontrivial, st.ascii_diffs, st.prefiltered, st.merged,
	    st.windows);
	/* The test must have had something to check. */
	assert_true(st.exact > N_QUERIES / 5);
	assert_true(st.exact < N_QUERIES * 4 / 5);
	assert_true(st.nontrivial > N_QUERIES / 3);
	assert_true(st.imap_strict_superset > N_QUERIES / 50);
	assert_true(st.ascii_diffs > 10);
	assert_true(st.prefiltered > N_QUERIES / 10);
	assert_true(st.merged > N_QUERIES / 300);
	assert_true(st.windows > N_QUERIES / 100);

	strbuf_release(&text);
	sqlite3_close(db);
	for (i = 0; i < N_MSGS; i++)
		free_msg(&msgs[i]);
}

/*
 * The edges of the trigram prefilter, one subject each: what FTS5's
 * decoder and folding see otherwise than the matcher (doc/query.md).
 */
static void
test_prefilter_edges(void **state)
{
	static const struct {
		const char *subject, *query;
		bool want, prefiltered;
	} cases[] = {
		/* FTS5 would read é and the stray \x80 as one character. */
		{ "xyz\xc3\xa9\x80 tail", "subject:xyz\xc3\xa9", true, true },
		{ "xyz\xc3\xa9\x80 tail", "subject:\xc3\xa9\xc3\xa9\xc3\xa9",
		    false, false },
		{ "\xc3\x89T\xc3\x89 ici", "subject:\xc3\xa9t\xc3\xa9", true,
		    false },
		{ "\xc3\x89T\xc3\x89 ici", "subject:\xc3\xa9t\xc3\xa9*ici",
		    true, true },
		{ "\xc5\xb8ves", "subject:\xc3\xbfves", true, true },
		{ "\xc3\xbfVES", "subject:\xc5\xb8ves", true, true },
		{ "say \"hello\" now", "subject:\"y \\\"hel\"", true, true },
		{ "100%_done", "subject:0%_d", true, true },
		{ "100%_done", "subject:0%x", false, true },
		{ "ax*yzb", "subject:\"x*yz\"", true, true },
		{ "axqyzb", "subject:\"x*yz\"", false, true },
		{ "axqyzb", "subject:x*yz", true, false },
		{ "axqyzb", "subject:x?yzb", true, true },
		{ "ab", "subject:ab", true, false },
		{ "abc \xff\xfe def", "subject:\"c \xff\xfe d\"", true, false },
		{ "abc \xff\xfe def", "subject:def", true, true },
		{ "abc", "not subject:abc", false, false },
		{ "abc", "not subject:abd", true, false },
		{ "abc", "not not subject:abc", true, true },
		{ NULL, "subject:abc", false, true },
		{ "K\xe2\x84\xaa", "subject:kkk", false, true },
	};
	struct query_sql_schema fts = test_sqlite_schema;
	struct fct_error err = FCT_ERROR_INIT;
	struct query_sql_params params;
	struct strbuf where;
	struct query_msg m;
	struct query *q;
	bool hit;
	size_t i;
	sqlite3 *db;

	(void)state;
	fts.fts = &test_sqlite_fts;
	for (i = 0; i < FCT_ARRAY_LEN(cases); i++) {
		assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
		assert_int_equal(test_sqlite_register(db), 0);
		test_sqlite_create(db);
		memset(&m, 0, sizeof m);
		m.subject = cases[i].subject;
		test_sqlite_insert(db, 0, &m);
		q = NULL;
		if (query_parse(cases[i].query, &q, &err) != 0)
			fail_msg("'%s': %s", cases[i].query,
			    fct_error_msg(&err));
		params = (struct query_sql_params)QUERY_SQL_PARAMS_INIT;
		where = (struct strbuf)STRBUF_INIT;
		assert_int_equal(query_to_sql(q, &fts, now, &where, &params,
				     &err),
		    0);
		test_sqlite_select(db, where.buf, &params, &hit, 1);
		if (query_match(q, &m, now) != cases[i].want ||
		    hit != cases[i].want ||
		    (strstr(where.buf, " MATCH ") != NULL) !=
			cases[i].prefiltered)
			fail_msg("case %zu '%s': want %d, matcher %d, SQL %d; "
				 "SQL: %s",
			    i, cases[i].query, cases[i].want,
			    query_match(q, &m, now), hit, where.buf);
		query_sql_params_release(&params);
		strbuf_release(&where);
		query_free(&q);
		sqlite3_close(db);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agree),
		cmocka_unit_test(test_prefilter_edges),
	};

	/* Local days with daylight saving time: Paris. */
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
