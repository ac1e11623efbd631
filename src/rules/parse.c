/*
 * The rules file parser.
 *
 * The file is read line by line. A line at column 1 opens a block (it
 * should be `rule "NAME"`); indented lines belong to the open block. Every
 * block is parsed to its end even after an error, so that one pass
 * reports everything; an error anywhere in a block marks it bad, and a bad
 * block is moved to the `skipped` list when it closes instead of joining
 * the rules. A line that is not even a `rule` line still opens a (bad)
 * block: its indented lines are then checked as a rule's, rather than each
 * reported as being outside a rule, which would bury the real mistake.
 *
 * The checks that need the whole block (a `when`, something to do) run when
 * it closes, and only when nothing more specific was said already: a `when`
 * whose query failed is not also reported as missing.
 *
 * Columns are bytes from 1, as in the configuration file. A query error
 * from query_parse_diag() is relative to the query's own text, so it is
 * shifted by the column where the query starts on the line.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facteur/rules.h"

enum arg_type { ARG_NONE, ARG_FOLDER, ARG_WORD };

/* Indexed by enum rule_action_kind. */
static const struct {
	const char *name;
	enum arg_type arg;
	bool dest; /* sends the message somewhere: at most one per rule */
} action_table[RULE_ACTION_COUNT] = {
	[RULE_ACTION_MOVE] = { "move", ARG_FOLDER, true },
	[RULE_ACTION_COPY] = { "copy", ARG_FOLDER, false },
	[RULE_ACTION_FLAG] = { "flag", ARG_NONE, false },
	[RULE_ACTION_UNFLAG] = { "unflag", ARG_NONE, false },
	[RULE_ACTION_READ] = { "read", ARG_NONE, false },
	[RULE_ACTION_UNREAD] = { "unread", ARG_NONE, false },
	[RULE_ACTION_KEYWORD] = { "keyword", ARG_WORD, false },
	[RULE_ACTION_DELETE] = { "delete", ARG_NONE, true },
	[RULE_ACTION_SPAM] = { "spam", ARG_NONE, true },
};

static const char *const statements[] = { "when", "then", "stop", "account",
	"folder" };

/* The block being read. */
struct block {
	struct rule r;
	size_t actions_alloc;
	bool bad;
	bool has_when; /* a `when` line was seen, even one that failed */
	bool has_then; /* likewise for `then` */
	bool garbled; /* a line could not be read: skip the checks at the end */
	unsigned when_line, account_line, folder_line;
	size_t
	    dest; /* index in r.actions of the move/delete/spam, or SIZE_MAX */
	unsigned dest_line;
};

/* A name seen on a `rule` line, for the duplicate check. */
struct seen {
	char *name; /* owned */
	unsigned line;
};

struct parser {
	const char *file;
	struct config_diags *diags;
	struct rules *rules;
	bool in_block;
	struct block cur;
	struct seen *seen;
	size_t nseen, seen_alloc;
	/* the line being read: s[0 .. len) after comments and trailing blanks */
	const char *s;
	size_t len;
	unsigned lineno;
};

static void err_at(struct parser *p, unsigned line, unsigned col,
    const char *fmt, ...) FCT_PRINTF(4, 5);

static void
err_at(struct parser *p, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	config_diags_add(p->diags, CONFIG_DIAG_ERROR, p->file, line, col, "%s",
	    msg);
	free(msg);
	if (p->in_block)
		p->cur.bad = true;
}

/* Column of position i of the current line. */
static unsigned
col(size_t i)
{
	return (unsigned)i + 1;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static size_t
skip_blanks(const struct parser *p, size_t i)
{
	while (i < p->len && is_blank(p->s[i]))
		i++;
	return i;
}

/*
 * The length of the line without its comment and trailing blanks. A '#'
 * starts a comment at the start of a word, outside quotes.
 */
static size_t
content_len(const char *s, size_t len)
{
	bool quoted = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (quoted) {
			if (s[i] == '\\' && i + 1 < len)
				i++;
			else if (s[i] == '"')
				quoted = false;
		} else if (s[i] == '"') {
			quoted = true;
		} else if (s[i] == '#' && (i == 0 || is_blank(s[i - 1]))) {
			break;
		}
	}
	while (i > 0 && is_blank(s[i - 1]))
		i--;
	return i;
}

/*
 * Reads the quoted string at s[*i] (a '"') into *out (owned), unescaping
 * \" and \\ (another backslash stays as it is), and moves *i past the
 * closing quote. An unterminated string is an error at its opening quote.
 */
static int
parse_quoted(struct parser *p, size_t *i, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t j = *i + 1;

	for (; j < p->len; j++) {
		if (p->s[j] == '"') {
			*out = strbuf_detach(&sb, NULL);
			*i = j + 1;
			return 0;
		}
		if (p->s[j] == '\\' && j + 1 < p->len &&
		    (p->s[j + 1] == '"' || p->s[j + 1] == '\\'))
			j++;
		strbuf_addch(&sb, p->s[j]);
	}
	strbuf_release(&sb);
	err_at(p, p->lineno, col(*i), "unterminated quoted string");
	return -1;
}

/* The end of the word at i: up to a blank, a comma or a quote. */
static size_t
word_end(const struct parser *p, size_t i)
{
	while (i < p->len && !is_blank(p->s[i]) && p->s[i] != ',' &&
	    p->s[i] != '"')
		i++;
	return i;
}

static bool
word_is(const struct parser *p, size_t start, size_t end, const char *w)
{
	return strlen(w) == end - start &&
	    memcmp(p->s + start, w, end - start) == 0;
}

/* The closest of names to word within an edit distance of 2, or NULL. */
static const char *
closest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t d, bestd = 3, i;

	for (i = 0; i < n; i++) {
		d = fct_edit_distance(word, names[i]);
		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	return best;
}

static void
rule_release(struct rule *r)
{
	size_t i;

	free(r->name);
	free(r->account);
	free(r->folder);
	query_free(&r->when);
	for (i = 0; i < r->nactions; i++)
		free(r->actions[i].arg);
	free(r->actions);
	memset(r, 0, sizeof *r);
}

static void
block_open(struct parser *p)
{
	memset(&p->cur, 0, sizeof p->cur);
	p->cur.r.line = p->lineno;
	p->cur.dest = SIZE_MAX;
	p->in_block = true;
}

static void
block_close(struct parser *p)
{
	struct block *b = &p->cur;
	struct rules *rs = p->rules;

	if (!p->in_block)
		return;
	if (b->r.name != NULL && !b->garbled && !b->has_when)
		err_at(p, b->r.line, 1, "rule '%s' has no 'when'", b->r.name);
	if (b->r.name != NULL && !b->garbled && !b->has_then && !b->r.stop)
		err_at(p, b->r.line, 1,
		    "rule '%s' does nothing (add a 'then' line or 'stop')",
		    b->r.name);
	if (b->bad) {
		FCT_ALLOC_GROW(rs->skipped, rs->nskipped + 1,
		    rs->skipped_alloc);
		rs->skipped[rs->nskipped].name =
		    b->r.name != NULL ? xstrdup(b->r.name) : NULL;
		rs->skipped[rs->nskipped].line = b->r.line;
		rs->nskipped++;
		rule_release(&b->r);
	} else {
		if (b->r.account != NULL)
			b->r.account_line = b->account_line;
		if (b->r.folder != NULL)
			b->r.folder_line = b->folder_line;
		FCT_ALLOC_GROW(rs->v, rs->n + 1, rs->alloc);
		rs->v[rs->n++] = b->r;
	}
	memset(b, 0, sizeof *b);
	p->in_block = false;
}

/* A line at column 1: should be `rule "NAME"`; opens a block either way. */
static void
parse_header(struct parser *p)
{
	size_t e = word_end(p, 0), i, j;
	char *name = NULL;

	block_open(p);
	if (!word_is(p, 0, e, "rule")) {
		char *w = xstrndup(p->s, e > 0 ? e : 1);
		bool stmt = false;

		for (i = 0; i < FCT_ARRAY_LEN(statements); i++)
			if (strcmp(w, statements[i]) == 0)
				stmt = true;
		if (stmt)
			err_at(p, p->lineno, 1,
			    "'%s' must be indented under a 'rule' line", w);
		else
			err_at(p, p->lineno, 1,
			    "expected 'rule \"NAME\"', found '%s'", w);
		free(w);
		return;
	}
	i = skip_blanks(p, e);
	if (i == p->len) {
		err_at(p, p->lineno, col(i), "'rule' needs a quoted name");
		return;
	}
	if (p->s[i] != '"') {
		err_at(p, p->lineno, col(i),
		    "rule name must be quoted (rule \"NAME\")");
		return;
	}
	j = i;
	if (parse_quoted(p, &j, &name) != 0)
		return;
	if (name[0] == '\0') {
		err_at(p, p->lineno, col(i), "empty rule name");
		free(name);
		return;
	}
	p->cur.r.name = name;
	if (skip_blanks(p, j) < p->len)
		err_at(p, p->lineno, col(skip_blanks(p, j)),
		    "unexpected text after the rule name");
	for (j = 0; j < p->nseen; j++) {
		if (strcmp(p->seen[j].name, name) == 0) {
			err_at(p, p->lineno, col(i),
			    "duplicate rule '%s' (first on line %u)", name,
			    p->seen[j].line);
			return;
		}
	}
	FCT_ALLOC_GROW(p->seen, p->nseen + 1, p->seen_alloc);
	p->seen[p->nseen].name = xstrdup(name);
	p->seen[p->nseen].line = p->lineno;
	p->nseen++;
}

static void
parse_when(struct parser *p, size_t kw, size_t i)
{
	struct query_error qe = QUERY_ERROR_INIT;
	struct query *q = NULL;
	char *text;

	if (p->cur.has_when) {
		err_at(p, p->lineno, col(kw),
		    "duplicate 'when' (first on line %u)", p->cur.when_line);
		return;
	}
	p->cur.has_when = true;
	p->cur.when_line = p->lineno;
	if (i == p->len) {
		err_at(p, p->lineno, col(i), "'when' needs a query");
		return;
	}
	text = xstrndup(p->s + i, p->len - i);
	if (query_parse_diag(text, &q, &qe) != 0) {
		/* The query is one line, so only its column matters. */
		err_at(p, p->lineno, col(i) + qe.column - 1, "%s",
		    qe.msg != NULL ? qe.msg : "invalid query");
		query_error_release(&qe);
	} else {
		p->cur.r.when = q;
	}
	free(text);
}

/* Whether w can be an IMAP keyword (an atom, RFC 3501), not a system flag. */
static bool
valid_keyword(const char *w)
{
	const unsigned char *c;

	if (w[0] == '\\')
		return false;
	for (c = (const unsigned char *)w; *c != '\0'; c++)
		if (*c <= ' ' || *c >= 0x7f || strchr("(){%*\"\\]", *c) != NULL)
			return false;
	return true;
}

static void
add_action(struct parser *p, enum rule_action_kind kind, char *arg, size_t at)
{
	struct rule_action *a;
	struct block *b = &p->cur;

	if (action_table[kind].dest) {
		if (b->dest != SIZE_MAX) {
			enum rule_action_kind first =
			    b->r.actions[b->dest].kind;

			if (first == kind)
				err_at(p, p->lineno, col(at),
				    "more than one '%s' (a message can only "
				    "go one place)",
				    action_table[kind].name);
			else
				err_at(p, p->lineno, col(at),
				    "'%s' conflicts with '%s' on line %u (a "
				    "message can only go one place)",
				    action_table[kind].name,
				    action_table[first].name, b->dest_line);
			free(arg);
			return;
		}
		b->dest = b->r.nactions;
		b->dest_line = p->lineno;
	}
	FCT_ALLOC_GROW(b->r.actions, b->r.nactions + 1, b->actions_alloc);
	a = &b->r.actions[b->r.nactions++];
	a->kind = kind;
	a->arg = arg;
	a->line = p->lineno;
	a->column = col(at);
}

/*
 * One action at i, up to the next comma outside quotes or the end; returns
 * the position of that comma or the end, or SIZE_MAX when the rest of the
 * line cannot be split any more (an unterminated quote).
 */
static size_t
parse_action(struct parser *p, size_t i)
{
	size_t e = word_end(p, i), a, k, end;
	char *word, *arg = NULL;
	const char *hint;
	const char *names[RULE_ACTION_COUNT];
	enum rule_action_kind kind = RULE_ACTION_MOVE;
	bool found = false;

	if (e == i) {
		err_at(p, p->lineno, col(i), "expected an action");
		end = i;
		while (end < p->len && p->s[end] != ',')
			end++;
		return end;
	}
	a = skip_blanks(p, e);
	if (a < p->len && p->s[a] == '"') {
		end = a;
		if (parse_quoted(p, &end, &arg) != 0)
			return SIZE_MAX;
		end = skip_blanks(p, end);
		if (end < p->len && p->s[end] != ',') {
			err_at(p, p->lineno, col(end),
			    "unexpected text after the quoted name");
			free(arg);
			while (end < p->len && p->s[end] != ',')
				end++;
			return end;
		}
	} else {
		end = a;
		while (end < p->len && p->s[end] != ',')
			end++;
		k = end;
		while (k > a && is_blank(p->s[k - 1]))
			k--;
		if (k > a)
			arg = xstrndup(p->s + a, k - a);
	}

	word = xstrndup(p->s + i, e - i);
	for (k = 0; k < RULE_ACTION_COUNT; k++) {
		names[k] = action_table[k].name;
		if (strcmp(word, names[k]) == 0) {
			kind = (enum rule_action_kind)k;
			found = true;
		}
	}
	if (!found) {
		hint = closest(word, names, RULE_ACTION_COUNT);
		if (hint != NULL)
			err_at(p, p->lineno, col(i),
			    "unknown action '%s' (did you mean '%s'?)", word,
			    hint);
		else
			err_at(p, p->lineno, col(i), "unknown action '%s'",
			    word);
		goto fail;
	}
	switch (action_table[kind].arg) {
	case ARG_NONE:
		if (arg != NULL) {
			err_at(p, p->lineno, col(a), "'%s' takes no argument",
			    word);
			goto fail;
		}
		break;
	case ARG_FOLDER:
	case ARG_WORD:
		if (arg == NULL || arg[0] == '\0') {
			err_at(p, p->lineno, col(a), "'%s' needs a %s", word,
			    action_table[kind].arg == ARG_FOLDER ? "folder"
								 : "keyword");
			goto fail;
		}
		if (action_table[kind].arg == ARG_WORD && !valid_keyword(arg)) {
			err_at(p, p->lineno, col(a), "invalid keyword '%s'",
			    arg);
			goto fail;
		}
		break;
	}
	add_action(p, kind, arg, i);
	free(word);
	return end;

fail:
	free(word);
	free(arg);
	return end;
}

static void
parse_then(struct parser *p, size_t i)
{
	size_t end;

	p->cur.has_then = true;
	if (i == p->len) {
		err_at(p, p->lineno, col(i), "'then' needs an action");
		return;
	}
	for (;;) {
		end = parse_action(p, i);
		if (end == SIZE_MAX || end == p->len)
			return;
		/* at a comma */
		i = skip_blanks(p, end + 1);
		if (i == p->len) {
			err_at(p, p->lineno, col(end),
			    "expected an action after ','");
			return;
		}
	}
}

/* `account NAME` or `folder NAME`: the rest of the line, maybe quoted. */
static void
parse_scope(struct parser *p, const char *what, size_t kw, size_t i,
    char **slot, unsigned *line, unsigned *column)
{
	char *v = NULL;
	size_t j;

	if (*line != 0) {
		err_at(p, p->lineno, col(kw),
		    "duplicate '%s' (first on line %u)", what, *line);
		return;
	}
	*line = p->lineno;
	if (i < p->len && p->s[i] == '"') {
		j = i;
		if (parse_quoted(p, &j, &v) != 0)
			return;
		if (skip_blanks(p, j) < p->len) {
			err_at(p, p->lineno, col(skip_blanks(p, j)),
			    "unexpected text after the quoted name");
			free(v);
			return;
		}
	} else if (i < p->len) {
		v = xstrndup(p->s + i, p->len - i);
	}
	if (v == NULL || v[0] == '\0') {
		err_at(p, p->lineno, col(i), "'%s' needs a name", what);
		free(v);
		return;
	}
	*slot = v;
	*column = col(i);
}

/* An indented line of a block; i is its first non-blank byte. */
static void
parse_statement(struct parser *p, size_t i)
{
	size_t e = word_end(p, i), a = skip_blanks(p, e), k;
	char *w;
	const char *hint;

	if (!p->in_block) {
		err_at(p, p->lineno, col(i),
		    "line outside a rule (a rule starts with 'rule \"NAME\"' "
		    "at column 1)");
		return;
	}
	if (e > i && e < p->len && !is_blank(p->s[e])) {
		/* "when," or "then\"x\"": the statement is glued to more */
		e = i;
		while (e < p->len && !is_blank(p->s[e]))
			e++;
	}
	if (word_is(p, i, e, "when")) {
		parse_when(p, i, a);
	} else if (word_is(p, i, e, "then")) {
		parse_then(p, a);
	} else if (word_is(p, i, e, "stop")) {
		/* Set even after an error, so the rule is not also said to
		 * do nothing. */
		p->cur.r.stop = true;
		if (a < p->len)
			err_at(p, p->lineno, col(a),
			    "'stop' takes no argument");
	} else if (word_is(p, i, e, "account")) {
		parse_scope(p, "account", i, a, &p->cur.r.account,
		    &p->cur.account_line, &p->cur.r.account_column);
	} else if (word_is(p, i, e, "folder")) {
		parse_scope(p, "folder", i, a, &p->cur.r.folder,
		    &p->cur.folder_line, &p->cur.r.folder_column);
	} else if (word_is(p, i, e, "rule")) {
		err_at(p, p->lineno, col(i), "'rule' must start at column 1");
	} else {
		w = xstrndup(p->s + i, e > i ? e - i : 1);
		for (k = 0; k < RULE_ACTION_COUNT; k++)
			if (strcmp(w, action_table[k].name) == 0)
				break;
		if (k < RULE_ACTION_COUNT)
			err_at(p, p->lineno, col(i),
			    "unknown statement '%s' (did you mean 'then %s'?)",
			    w, w);
		else if ((hint = closest(w, statements,
			      FCT_ARRAY_LEN(statements))) != NULL)
			err_at(p, p->lineno, col(i),
			    "unknown statement '%s' (did you mean '%s'?)", w,
			    hint);
		else
			err_at(p, p->lineno, col(i), "unknown statement '%s'",
			    w);
		free(w);
	}
}

static void
parse_line(struct parser *p, const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len);
	size_t i;

	p->s = s;
	p->len = content_len(s, len);
	if (nul != NULL && (size_t)(nul - s) < p->len) {
		if (!is_blank(s[0]) && s[0] != '\0') {
			block_close(p);
			block_open(p);
		}
		err_at(p, p->lineno, col((size_t)(nul - s)),
		    "NUL byte in line");
		p->cur.garbled = true;
		return;
	}
	if (p->len == 0)
		return;
	if (!is_blank(s[0])) {
		block_close(p);
		parse_header(p);
		return;
	}
	i = skip_blanks(p, 0);
	parse_statement(p, i);
}

static struct rules *
rules_new(void)
{
	return xcalloc(1, sizeof(struct rules));
}

int
rules_parse(const char *file, const char *text, size_t len, struct rules **out,
    struct config_diags *diags)
{
	struct parser p;
	const char *end = text + len, *nl;
	size_t nerrors = diags->nerrors, i;

	memset(&p, 0, sizeof p);
	p.file = file;
	p.diags = diags;
	p.rules = rules_new();
	p.rules->file = xstrdup(file);
	while (text < end) {
		p.lineno++;
		nl = memchr(text, '\n', (size_t)(end - text));
		if (nl == NULL)
			nl = end;
		parse_line(&p, text, (size_t)(nl - text));
		text = nl < end ? nl + 1 : end;
	}
	block_close(&p);
	for (i = 0; i < p.nseen; i++)
		free(p.seen[i].name);
	free(p.seen);
	rules_sanity(p.rules);
	*out = p.rules;
	return diags->nerrors > nerrors ? -1 : 0;
}

char *
rules_default_path(void)
{
	return fct_config_file("rules");
}

int
rules_load(const char *path, struct rules **out, struct config_diags *diags)
{
	struct strbuf sb = STRBUF_INIT;
	char *def = NULL;
	int rc = 0;

	if (path == NULL)
		path = def = rules_default_path();
	if (strbuf_read_file(&sb, path) != 0) {
		if (def == NULL || errno != ENOENT) {
			config_diags_add(diags, CONFIG_DIAG_ERROR, path, 0, 0,
			    "cannot read '%s': %s", path, strerror(errno));
			rc = -1;
		}
		*out = rules_new();
		(*out)->file = xstrdup(path);
	} else {
		rc = rules_parse(path, sb.buf, sb.len, out, diags);
	}
	strbuf_release(&sb);
	free(def);
	return rc;
}

void
rules_free(struct rules **rp)
{
	struct rules *rs = *rp;
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rule_release(&rs->v[i]);
	free(rs->v);
	for (i = 0; i < rs->nskipped; i++)
		free(rs->skipped[i].name);
	free(rs->skipped);
	free(rs->file);
	free(rs);
	*rp = NULL;
}

const char *
rules_action_name(enum rule_action_kind kind)
{
	if ((unsigned)kind >= RULE_ACTION_COUNT)
		BUG("bad rule action %d", (int)kind);
	return action_table[kind].name;
}

void
rules_sanity(const struct rules *rs)
{
	const struct rule *r;
	size_t i, j, ndest;

	if (rs->n > rs->alloc || rs->nskipped > rs->skipped_alloc)
		BUG("rules: counts past their allocation");
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		if (r->name == NULL || r->name[0] == '\0')
			BUG("rule %zu has no name", i);
		for (j = 0; j < i; j++)
			if (strcmp(rs->v[j].name, r->name) == 0)
				BUG("rule '%s' twice", r->name);
		if (r->when == NULL)
			BUG("rule '%s' has no query", r->name);
		if (r->nactions == 0 && !r->stop)
			BUG("rule '%s' does nothing", r->name);
		for (j = 0, ndest = 0; j < r->nactions; j++) {
			const struct rule_action *a = &r->actions[j];

			if ((unsigned)a->kind >= RULE_ACTION_COUNT)
				BUG("rule '%s': bad action %d", r->name,
				    (int)a->kind);
			if ((action_table[a->kind].arg != ARG_NONE) !=
			    (a->arg != NULL))
				BUG("rule '%s': '%s' with a wrong argument",
				    r->name, action_table[a->kind].name);
			if (a->arg != NULL && a->arg[0] == '\0')
				BUG("rule '%s': empty argument", r->name);
			if (action_table[a->kind].dest)
				ndest++;
		}
		if (ndest > 1)
			BUG("rule '%s' sends a message to %zu places", r->name,
			    ndest);
	}
}
