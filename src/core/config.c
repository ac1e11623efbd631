/*
 * The configuration dotfile parser.
 *
 * The file is read whole, then cut into lines; each line is checked for
 * valid UTF-8 and control bytes first, so that nothing after that step has
 * to worry about encoding, then read as a section header, a `key = value`
 * assignment, a comment or nothing. A line that fails at any step is
 * reported and skipped, and parsing goes on with the next one: the user
 * sees every problem of the file at once, each with file:line:column.
 *
 * What a section accepts is data, not code: each section type has a table
 * of keys (name, setter, the form of the value and a line of help) and
 * adding an option is adding an entry. The setter converts the text and
 * stores it into the struct being filled; checks that involve several keys
 * (an account needs an email and one of imap/pop) run when the section
 * ends, and references between sections (an identity's account) when the
 * file ends, since an identity may come before its account.
 *
 * The parser fills plain structs and does nothing else: it runs no command
 * and opens no file named in the configuration. Only config_load() reads,
 * and only the configuration file itself.
 *
 * Error positions are byte columns, 1-based, at the token that is wrong;
 * errors about a whole section point at its header. To avoid cascades, a
 * key whose value was rejected still counts as present for the section
 * checks ("has no 'email'" is not reported after "invalid email address"),
 * but the section is then left out of the result.
 */
#include "config.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facteur/core_config.h"

#define CONFIG_MAX_KEYS 16

struct parser;
struct config_key;

/*
 * A value as written after '=', unquoted. cols maps each byte of s (and
 * the position just after the last one) to its column in the line; it is
 * NULL for a bare value, whose bytes sit at consecutive columns from col.
 */
struct value {
	char *s; /* owned, NUL-terminated */
	size_t len;
	unsigned col;   /* column of s[0] */
	unsigned *cols; /* owned, len + 1 entries, or NULL */
};

/*
 * A setter converts v and stores it at k->offset in target; it reports its
 * own errors and returns false on one. It may take v->s (setting it NULL).
 */
typedef bool config_setter(struct parser *, const struct config_key *,
    struct value *, void *);

struct config_key {
	struct config_key_info info;
	config_setter *set;
	size_t offset;           /* into the section's struct */
	enum config_proto proto; /* for URLs: the protocol the key wants */
};

/* Where a key was set in the current section; line 0 when it was not. */
struct key_state {
	unsigned line, col; /* of the key */
	unsigned vcol;      /* of the value */
	bool ok;            /* the value was accepted and stored */
};

struct section_type {
	const char *name;
	bool named; /* [account NAME] rather than [general] */
	const struct config_key *keys;
	size_t nkeys;
	/* Returns the struct the keys fill. name is NULL when !named. */
	void *(*begin)(struct parser *, const char *name, unsigned name_col);
	void (*end)(struct parser *);
};

/*
 * A section name seen in the file, whether or not its section was kept:
 * for duplicates, and so that an identity of a rejected account is not
 * also told that the account does not exist.
 */
struct seen_name {
	char *name; /* owned */
	unsigned line;
};

struct seen_names {
	struct seen_name *v;
	size_t n, alloc;
};

struct parser {
	const char *file;
	struct config *cfg;
	struct config_diags *diags;
	unsigned line;

	/*
	 * The section being read. sec is NULL both before the first header
	 * (in_section false: keys there are errors) and after a header that
	 * was wrong (in_section true: lines are only checked for syntax).
	 */
	const struct section_type *sec;
	const struct free_section *free; /* the free section being read */
	bool in_section;
	bool discard;   /* a duplicate name: keys are checked, then dropped */
	char *sec_name; /* owned; NULL for [general] */
	unsigned sec_line, sec_col;
	void *target;
	struct key_state *ks; /* general_ks or section_ks */
	struct key_state section_ks[CONFIG_MAX_KEYS];
	struct key_state general_ks[CONFIG_MAX_KEYS]; /* for every [general] */
	struct config_account acct;
	struct config_identity ident;

	struct seen_names accounts_seen, identities_seen;
	/* Parallel to cfg->identities: where each one's account is named. */
	struct key_state *ident_refs;
	size_t ident_refs_alloc;
};

static config_setter set_text, set_path, set_email, set_url, set_password,
    set_sync_mode, set_alternative, set_pop_delete, set_columns;

static const struct config_key general_keys[] = {
	{ { "cache_dir", "PATH",
	      "$XDG_CACHE_HOME/facteur, else ~/.cache/facteur",
	      "where headers, bodies and indexes are cached" },
	    set_path, offsetof(struct config, cache_dir), CONFIG_PROTO_NONE },
	{ { "alternative", "PART", "plain",
	      "which version of a multipart/alternative message to show: "
	      "plain or html" },
	    set_alternative, offsetof(struct config, alternative),
	    CONFIG_PROTO_NONE },
	{ { "theme", "NAME", "default",
	      "the colour theme of the terminal interface, from "
	      "themes/NAME.theme" },
	    set_text, offsetof(struct config, theme), CONFIG_PROTO_NONE },
	{ { "rules", "FILE", "$XDG_CONFIG_HOME/facteur/rules",
	      "the filtering rules file" },
	    set_path, offsetof(struct config, rules_file), CONFIG_PROTO_NONE },
	{ { "aliases", "PATH", "$XDG_CONFIG_HOME/facteur/aliases",
	      "the aliases file (mutt syntax), expanded at send time" },
	    set_path, offsetof(struct config, aliases), CONFIG_PROTO_NONE },
	{ { "index_columns", "COLUMNS", "number flags date from subject size",
	      "the columns of the message list, in order: number, flags, "
	      "date, from, to, subject, size" },
	    set_columns, offsetof(struct config, index_columns),
	    CONFIG_PROTO_NONE },
};

#define ACCT(field) offsetof(struct config_account, field)
static const struct config_key account_keys[] = {
	{ { "email", "ADDRESS", NULL,
	      "the address mail from this account is sent as (required)" },
	    set_email, ACCT(email), CONFIG_PROTO_NONE },
	{ { "name", "TEXT", NULL, "the display name shown before the address" },
	    set_text, ACCT(realname), CONFIG_PROTO_NONE },
	{ { "imap", "URL", NULL,
	      "the IMAP server, imaps://HOST[:PORT] or imap://HOST[:PORT]" },
	    set_url, ACCT(imap), CONFIG_PROTO_IMAP },
	{ { "pop", "URL", NULL,
	      "the POP3 server instead of IMAP, pops://HOST[:PORT] or "
	      "pop://HOST[:PORT]" },
	    set_url, ACCT(pop), CONFIG_PROTO_POP },
	{ { "smtp", "URL", NULL,
	      "the submission server, smtps://HOST[:PORT] or "
	      "smtp://HOST[:PORT]" },
	    set_url, ACCT(smtp), CONFIG_PROTO_SMTP },
	{ { "sieve", "URL", NULL,
	      "the ManageSieve server for `facteur rules export-sieve "
	      "--upload`, sieve://HOST[:PORT] (STARTTLS, port 4190)" },
	    set_url, ACCT(sieve), CONFIG_PROTO_SIEVE },
	{ { "user", "TEXT", "the email value",
	      "the login name on the servers" },
	    set_text, ACCT(user), CONFIG_PROTO_NONE },
	{ { "password_command", "COMMAND", NULL,
	      "a shell command whose first line of output is the password" },
	    set_text, ACCT(password_command), CONFIG_PROTO_NONE },
	{ { "password", "TEXT", NULL,
	      "the password itself, kept in this file (prefer "
	      "password_command)" },
	    set_password, ACCT(password), CONFIG_PROTO_NONE },
	{ { "oauth2_token_command", "COMMAND", NULL,
	      "a shell command printing an OAuth 2.0 access token, for XOAUTH2 "
	      "and OAUTHBEARER" },
	    set_text, ACCT(oauth2_token_command), CONFIG_PROTO_NONE },
	{ { "ca_file", "PATH", NULL,
	      "a PEM file of extra trusted certificate authorities" },
	    set_path, ACCT(ca_file), CONFIG_PROTO_NONE },
	{ { "sync", "MODE", "qresync",
	      "the most a resync may use: qresync, condstore or classic "
	      "(for servers whose extensions misbehave)" },
	    set_sync_mode, ACCT(sync_mode), CONFIG_PROTO_NONE },
	{ { "pop_delete", "WHEN", "never",
	      "when a POP3 account deletes downloaded mail from the server: "
	      "never, after-download, or after DAYS" },
	    set_pop_delete, ACCT(pop_delete), CONFIG_PROTO_NONE },
};
#undef ACCT

#define IDENT(field) offsetof(struct config_identity, field)
static const struct config_key identity_keys[] = {
	{ { "account", "NAME", NULL,
	      "the account this identity sends through (required)" },
	    set_text, IDENT(account), CONFIG_PROTO_NONE },
	{ { "email", "ADDRESS", NULL, "the From address (required)" },
	    set_email, IDENT(email), CONFIG_PROTO_NONE },
	{ { "name", "TEXT", NULL, "the display name shown before the address" },
	    set_text, IDENT(realname), CONFIG_PROTO_NONE },
	{ { "sent_folder", "FOLDER", "the account's choice",
	      "the folder that keeps copies of mail sent as this identity" },
	    set_text, IDENT(sent_folder), CONFIG_PROTO_NONE },
};
#undef IDENT

static void *general_begin(struct parser *, const char *, unsigned);
static void general_end(struct parser *);
static void *account_begin(struct parser *, const char *, unsigned);
static void account_end(struct parser *);
static void *identity_begin(struct parser *, const char *, unsigned);
static void identity_end(struct parser *);

static const struct section_type section_types[] = {
	{ "general", false, general_keys, FCT_ARRAY_LEN(general_keys),
	    general_begin, general_end },
	{ "account", true, account_keys, FCT_ARRAY_LEN(account_keys),
	    account_begin, account_end },
	{ "identity", true, identity_keys, FCT_ARRAY_LEN(identity_keys),
	    identity_begin, identity_end },
};

_Static_assert(FCT_ARRAY_LEN(general_keys) <= CONFIG_MAX_KEYS, "too many keys");
_Static_assert(FCT_ARRAY_LEN(account_keys) <= CONFIG_MAX_KEYS, "too many keys");
_Static_assert(FCT_ARRAY_LEN(identity_keys) <= CONFIG_MAX_KEYS,
    "too many keys");

/*
 * Free-form sections: their keys are not known here but by a layer above
 * (the UI's action names, a theme's elements), which checks the entries
 * kept in struct config. names lists the section names allowed (NULL: the
 * section takes no name).
 */
static const struct free_section {
	const char *type;
	const char *const *names;
} free_sections[] = {
	{ "bind",
	    (const char *const[]){ "index", "pager", "attach", "compose",
		NULL } },
	{ "color", NULL },
};

/* URL schemes, each with the key it belongs to. */
static const struct {
	const char *name;
	enum config_proto proto;
	bool implicit_tls;
	unsigned port;
} schemes[] = {
	{ "imap", CONFIG_PROTO_IMAP, false, 143 },
	{ "imaps", CONFIG_PROTO_IMAP, true, 993 },
	{ "smtp", CONFIG_PROTO_SMTP, false, 587 },
	{ "smtps", CONFIG_PROTO_SMTP, true, 465 },
	{ "pop", CONFIG_PROTO_POP, false, 110 },
	{ "pops", CONFIG_PROTO_POP, true, 995 },
	{ "sieve", CONFIG_PROTO_SIEVE, false, 4190 },
};

/* Diagnostics. */

static void diags_vadd(struct config_diags *, enum config_diag_level,
    const char *, unsigned, unsigned, const char *, va_list) FCT_PRINTF(6, 0);

static void
diags_vadd(struct config_diags *d, enum config_diag_level level,
    const char *file, unsigned line, unsigned column, const char *fmt,
    va_list ap)
{
	struct config_diag *diag;

	FCT_ALLOC_GROW(d->v, d->n + 1, d->alloc);
	diag = &d->v[d->n++];
	diag->level = level;
	diag->file = xstrdup(file);
	diag->line = line;
	diag->column = column;
	diag->msg = xvasprintf(fmt, ap);
	if (level == CONFIG_DIAG_ERROR)
		d->nerrors++;
}

void
config_diags_add(struct config_diags *d, enum config_diag_level level,
    const char *file, unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_vadd(d, level, file, line, column, fmt, ap);
	va_end(ap);
}

void
config_diags_print(const struct config_diags *d, FILE *fp)
{
	const struct config_diag *diag;
	const char *what;
	size_t i;

	for (i = 0; i < d->n; i++) {
		diag = &d->v[i];
		what = diag->level == CONFIG_DIAG_ERROR ? "error" : "warning";
		if (diag->line == 0)
			fprintf(fp, "%s: %s\n", what, diag->msg);
		else
			fprintf(fp, "%s:%u:%u: %s: %s\n", diag->file,
			    diag->line, diag->column, what, diag->msg);
	}
}

void
config_diags_release(struct config_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->alloc = d->nerrors = 0;
}

/*
 * Puts the diagnostics from `from` on in file order. Section and file
 * checks run after the lines they are about; the user reads top down.
 * Stable, so that two on one spot keep the order they were found in.
 */
static void
diags_sort(struct config_diags *d, size_t from)
{
	struct config_diag tmp;
	size_t i, j;

	for (i = from + 1; i < d->n; i++) {
		tmp = d->v[i];
		for (j = i; j > from; j--) {
			if (d->v[j - 1].line < tmp.line ||
			    (d->v[j - 1].line == tmp.line &&
				d->v[j - 1].column <= tmp.column))
				break;
			d->v[j] = d->v[j - 1];
		}
		d->v[j] = tmp;
	}
}

/*
 * "Did you mean": the candidate nearest to word, if near enough that the
 * suggestion is more likely right than noise (at most half of it edited).
 */
struct hint {
	const char *word;
	const char *best; /* borrowed from the candidates */
	size_t dist;
};

static void
hint_init(struct hint *h, const char *word)
{
	h->word = word;
	h->best = NULL;
	h->dist = (size_t)-1;
}

static void
hint_try(struct hint *h, const char *candidate)
{
	size_t d = fct_edit_distance(h->word, candidate);

	if (d * 2 <= strlen(candidate) && d < h->dist) {
		h->best = candidate;
		h->dist = d;
	}
}

static void perror_pos(struct parser *p, unsigned line, unsigned col,
    const struct hint *h, const char *fmt, ...) FCT_PRINTF(5, 6);

/* An error, followed by "; did you mean 'X'?" when h has a suggestion. */
static void
perror_pos(struct parser *p, unsigned line, unsigned col, const struct hint *h,
    const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (h != NULL && h->best != NULL)
		strbuf_addf(&sb, "; did you mean '%s'?", h->best);
	config_diags_add(p->diags, CONFIG_DIAG_ERROR, p->file, line, col, "%s",
	    sb.buf);
	strbuf_release(&sb);
}

static void perror_at(struct parser *p, unsigned col, const char *fmt, ...)
    FCT_PRINTF(3, 4);

/* An error on the current line. */
static void
perror_at(struct parser *p, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_vadd(p->diags, CONFIG_DIAG_ERROR, p->file, p->line, col, fmt, ap);
	va_end(ap);
}

static void pwarn_at(struct parser *p, unsigned col, const char *fmt, ...)
    FCT_PRINTF(3, 4);

static void
pwarn_at(struct parser *p, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_vadd(p->diags, CONFIG_DIAG_WARNING, p->file, p->line, col, fmt,
	    ap);
	va_end(ap);
}

/* Bytes and characters. */

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/*
 * The length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * The character at l[i], for quoting in a message: a whole UTF-8 sequence
 * (lines are checked before they are parsed), "end of line" never.
 */
static int
char_len(const char *l, size_t n, size_t i)
{
	size_t len = utf8_len((const unsigned char *)l + i, n - i);

	return len == 0 ? 1 : (int)len;
}

/* Reports the first byte that cannot be in a configuration line. */
static bool
check_bytes(struct parser *p, const char *l, size_t n)
{
	unsigned char c;
	size_t i, len;

	for (i = 0; i < n; i += len) {
		c = (unsigned char)l[i];
		len = 1;
		if (c == '\0') {
			perror_at(p, i + 1, "unexpected NUL byte");
			return false;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			perror_at(p, i + 1,
			    "unexpected control character 0x%02x", c);
			return false;
		}
		if (c >= 0x80 &&
		    (len = utf8_len((const unsigned char *)l + i, n - i)) ==
			0) {
			perror_at(p, i + 1, "invalid UTF-8 byte 0x%02x", c);
			return false;
		}
	}
	return true;
}

static size_t
skip_blanks(const char *l, size_t n, size_t i)
{
	while (i < n && is_blank(l[i]))
		i++;
	return i;
}

/* Values. */

static void
value_release(struct value *v)
{
	free(v->s);
	free(v->cols);
	memset(v, 0, sizeof *v);
}

static unsigned
value_col(const struct value *v, size_t i)
{
	return v->cols != NULL ? v->cols[i] : v->col + (unsigned)i;
}

/*
 * Reads a double-quoted string starting at l[*i] == '"'; \" and \\ are the
 * only escapes. On success *i is just past the closing quote.
 */
static bool
read_quoted(struct parser *p, const char *l, size_t n, size_t *i,
    struct value *v)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned *cols;
	size_t open = *i, k = *i + 1, alloc = n - open;

	cols = xcalloc(alloc, sizeof *cols);
	while (k < n && l[k] != '"') {
		if (l[k] == '\\' && k + 1 < n) {
			if (l[k + 1] != '"' && l[k + 1] != '\\') {
				perror_at(p, k + 1,
				    "unknown escape '\\%.*s' in quoted string; "
				    "only \\\" and \\\\ are allowed",
				    char_len(l, n, k + 1), l + k + 1);
				goto fail;
			}
			cols[sb.len] = k + 1;
			strbuf_addch(&sb, l[k + 1]);
			k += 2;
			continue;
		}
		cols[sb.len] = k + 1;
		strbuf_addch(&sb, l[k]);
		k++;
	}
	if (k == n) {
		perror_at(p, open + 1, "unterminated quoted string");
		goto fail;
	}
	cols[sb.len] = k + 1;
	v->len = sb.len;
	v->s = strbuf_detach(&sb, NULL);
	v->col = cols[0];
	v->cols = cols;
	*i = k + 1;
	return true;

fail:
	strbuf_release(&sb);
	free(cols);
	return false;
}

/* After a value or a header: only blanks and a comment may follow. */
static bool
check_trailing(struct parser *p, const char *l, size_t n, size_t i,
    const char *after)
{
	i = skip_blanks(l, n, i);
	if (i == n || l[i] == '#')
		return true;
	perror_at(p, i + 1, "unexpected '%.*s' after %s", char_len(l, n, i),
	    l + i, after);
	return false;
}

/*
 * Reads the value of `key`, which starts at l[i] (blanks skipped). Bare
 * values end at a '#' that starts the value or follows a blank, and lose
 * their trailing blanks.
 */
static bool
read_value(struct parser *p, const char *l, size_t n, size_t i, const char *key,
    struct value *v)
{
	size_t end;

	memset(v, 0, sizeof *v);
	if (i == n || l[i] == '#') {
		perror_at(p, i + 1, "missing value for '%s'", key);
		return false;
	}
	if (l[i] == '"') {
		if (!read_quoted(p, l, n, &i, v))
			return false;
		if (!check_trailing(p, l, n, i, "the closing quote")) {
			value_release(v);
			return false;
		}
		if (v->len == 0) {
			perror_at(p, v->col - 1, "empty value for '%s'", key);
			value_release(v);
			return false;
		}
		return true;
	}
	for (end = i; end < n; end++)
		if (l[end] == '#' && is_blank(l[end - 1]))
			break;
	while (is_blank(l[end - 1]))
		end--;
	v->s = xstrndup(l + i, end - i);
	v->len = end - i;
	v->col = i + 1;
	return true;
}

/* Setters. */

/* The member of target that k sets; void * so that no cast is needed. */
static void *
field(void *target, const struct config_key *k)
{
	return (char *)target + k->offset;
}

static bool
set_text(struct parser *p, const struct config_key *k, struct value *v,
    void *target)
{
	char **member = field(target, k);

	*member = v->s;
	v->s = NULL;
	return true;
}

static bool
set_password(struct parser *p, const struct config_key *k, struct value *v,
    void *target)
{
	pwarn_at(p, p->ks[k - p->sec->keys].col,
	    "'password' keeps the password in this file; consider "
	    "'password_command' instead");
	return set_text(p, k, v, target);
}

static bool
set_sync_mode(struct parser *p, const struct config_key *k, struct value *v,
    void *target)
{
	static const char *const names[] = { "qresync", "condstore",
		"classic" };
	enum config_sync_mode *member = field(target, k);
	size_t i, best = 0, d, bestd = (size_t)-1;

	for (i = 0; i < FCT_ARRAY_LEN(names); i++) {
		if (strcmp(v->s, names[i]) == 0) {
			*member = (enum config_sync_mode)i;
			return true;
		}
		if ((d = fct_edit_distance(v->s, names[i])) < bestd) {
			bestd = d;
			best = i;
		}
	}
	perror_at(p, value_col(v, 0),
	    "unknown sync mode '%s': expected qresync, condstore or "
	    "classic%s%s%s",
	    v->s, bestd <= 3 ? " (did you mean '" : "",
	    bestd <= 3 ? names[best] : "", bestd <= 3 ? "'?)" : "");
	return false;
}

static bool
set_alternative(struct parser *p, const struct config_key *k, struct value *v,
    void *target)
{
	enum config_alternative *member = field(target, k);

	if (strcmp(v->s, "plain") == 0 || strcmp(v->s, "html") == 0) {
		*member = strcmp(v->s, "html") == 0 ? CONFIG_ALT_HTML
						    : CONFIG_ALT_PLAIN;
		return true;
	}
	perror_at(p, value_col(v, 0),
	    "unknown alternative '%s': expected plain or html", v->s);
	return false;
}

/*
 * "never", "after-download" or "after DAYS" (1 to 36500): when a POP3
 * account's downloaded mail leaves the server. DAYS counts from the
 * download, not from the message's date.
 */
static bool
set_pop_delete(struct parser *p, const struct config_key *k, struct value *v,
    void *target)
{
	struct config_pop_delete *member = field(target, k);
	const char *d;
	char *end;
	unsigned long days;

	if (strcmp(v->s, "never") == 0) {
		member->when = CONFIG_POP_DELETE_NEVER;
		return true;
	}
	if (strcmp(v->s, "after-download") == 0) {
		member->when = CONFIG_POP_DELETE_AFTER_DOWNLOAD;
		return true;
	}
	if (strncmp(v->s, "after ", 6) == 0) {
		for (d = v->s + 6; *d == ' '; d++)
			;
		if (*d >= '0' && *d <= '9') {
			days = strtoul(d, &end, 10);
			if (*end == '\0' && days >= 1 && days <= 36500) {
				member->when = CONFIG_POP_DELETE_AFTER_DAYS;
				member->days = (unsigned)days;
				return true;
			}
		}
		perror_at(p, value_col(v, (size_t)(d - v->s)),
		    "bad number of days '%s': expected 1 to 36500", d);
		return false;
	}
	perror_at(p, value_col(v, 0),
	    "unknown pop_delete '%s': expected never, after-download or "
	    "after DAYS%s",
	    v->s,
	    fct_edit_distance(v->s, "after-download") <= 3
		? " (did you mean 'after-download'?)"
		: "");
	return false;
}

/* A list of the message list's column names, each once. */
static bool
set_columns(struct parser *p, const struct config_key *k, struct value *v,
    void *target)
{
	static const char *const names[] = { "number", "flags", "date", "from",
		"to", "subject", "size" };
	const char *s = v->s, *w;
	bool seen[FCT_ARRAY_LEN(names)] = { false };
	struct hint h;
	size_t i, len;

	while (*s != '\0') {
		while (is_blank(*s))
			s++;
		if (*s == '\0')
			break;
		w = s;
		while (*s != '\0' && !is_blank(*s))
			s++;
		len = (size_t)(s - w);
		for (i = 0; i < FCT_ARRAY_LEN(names); i++)
			if (strlen(names[i]) == len &&
			    strncmp(names[i], w, len) == 0)
				break;
		if (i == FCT_ARRAY_LEN(names)) {
			char *word = xstrndup(w, len);

			hint_init(&h, word);
			for (i = 0; i < FCT_ARRAY_LEN(names); i++)
				hint_try(&h, names[i]);
			perror_pos(p, p->line, value_col(v, (size_t)(w - v->s)),
			    &h, "unknown column '%s'", word);
			free(word);
			return false;
		}
		if (seen[i]) {
			perror_at(p, value_col(v, (size_t)(w - v->s)),
			    "column '%s' given twice", names[i]);
			return false;
		}
		seen[i] = true;
	}
	return set_text(p, k, v, target);
}

/*
 * Paths must not depend on the directory facteur happens to be started
 * from, so they are absolute or start with ~/.
 */
static bool
set_path(struct parser *p, const struct config_key *k, struct value *v,
    void *target)
{
	char **member = field(target, k);

	if (v->s[0] != '/' && strncmp(v->s, "~/", 2) != 0) {
		perror_at(p, value_col(v, 0),
		    "'%s' must be an absolute path or start with '~/'",
		    k->info.name);
		return false;
	}
	*member = fct_expand_home(v->s);
	return true;
}

/*
 * Not an RFC 5322 parser: this catches the usual slips (a display name
 * pasted in, a missing domain) and leaves the rest to the server.
 */
static bool
set_email(struct parser *p, const struct config_key *k, struct value *v,
    void *target)
{
	const char *at = strrchr(v->s, '@');
	const char *why = NULL;

	if (strpbrk(v->s, " \t<>,") != NULL)
		why = "give the bare address here and the display name in "
		      "'name'";
	else if (at == NULL)
		why = "expected an '@'";
	else if (at == v->s)
		why = "nothing before the '@'";
	else if (at[1] == '\0')
		why = "nothing after the '@'";
	if (why != NULL) {
		perror_at(p, value_col(v, 0), "invalid email address '%s': %s",
		    v->s, why);
		return false;
	}
	return set_text(p, k, v, target);
}

static const char *
proto_key(enum config_proto proto)
{
	switch (proto) {
	case CONFIG_PROTO_IMAP:
		return "imap";
	case CONFIG_PROTO_SMTP:
		return "smtp";
	case CONFIG_PROTO_POP:
		return "pop";
	case CONFIG_PROTO_SIEVE:
		return "sieve";
	case CONFIG_PROTO_NONE:
		break;
	}
	BUG("no key for protocol %d", (int)proto);
}

static bool
is_host_char(char c)
{
	return is_key_char(c) || c == '.' || (unsigned char)c >= 0x80;
}

/* Parses HOST[:PORT][/] from s[i]; fills srv->host and srv->port. */
static bool
parse_authority(struct parser *p, struct value *v, size_t i,
    struct config_server *srv)
{
	const char *s = v->s;
	size_t h0, h1, j;
	unsigned long port;
	struct in6_addr addr;
	char *host;

	if (s[i] == '[') {
		h0 = i + 1;
		for (h1 = h0; s[h1] != '\0' && s[h1] != ']'; h1++)
			;
		if (s[h1] != ']') {
			perror_at(p, value_col(v, i),
			    "expected ']' after the IPv6 address");
			return false;
		}
		host = xstrndup(s + h0, h1 - h0);
		if (inet_pton(AF_INET6, host, &addr) != 1) {
			perror_at(p, value_col(v, h0),
			    "invalid IPv6 address '%s'", host);
			free(host);
			return false;
		}
		j = h1 + 1;
	} else {
		h0 = i;
		for (h1 = h0; s[h1] != '\0' && strchr(":/?#", s[h1]) == NULL;
		     h1++) {
			if (!is_host_char(s[h1])) {
				perror_at(p, value_col(v, h1),
				    "unexpected '%.*s' in host name",
				    char_len(s, v->len, h1), s + h1);
				return false;
			}
		}
		if (h1 == h0) {
			perror_at(p, value_col(v, h0), "missing host in URL");
			return false;
		}
		host = xstrndup(s + h0, h1 - h0);
		j = h1;
	}
	if (s[j] == ':') {
		port = 0;
		for (i = ++j; s[j] >= '0' && s[j] <= '9'; j++)
			if (port <= 65535)
				port = port * 10 + (unsigned long)(s[j] - '0');
		if (j == i && (s[j] == '\0' || s[j] == '/')) {
			perror_at(p, value_col(v, i),
			    "missing port number after ':'");
			goto fail;
		}
		if (j == i || (s[j] != '\0' && s[j] != '/')) {
			perror_at(p, value_col(v, i), "invalid port '%.*s'",
			    (int)strcspn(s + i, "/"), s + i);
			goto fail;
		}
		if (port == 0 || port > 65535) {
			perror_at(p, value_col(v, i),
			    "port %.*s out of range 1-65535", (int)(j - i),
			    s + i);
			goto fail;
		}
		srv->port = (unsigned)port;
	}
	/* A trailing '/' is harmless; a path or a query means a mistake. */
	if (s[j] == '/' && s[j + 1] == '\0')
		j++;
	if (s[j] != '\0') {
		perror_at(p, value_col(v, j),
		    "unexpected '%s' after the host; the URL must be "
		    "SCHEME://HOST[:PORT]",
		    s + j);
		goto fail;
	}
	srv->host = host;
	return true;

fail:
	free(host);
	return false;
}

static bool
set_url(struct parser *p, const struct config_key *k, struct value *v,
    void *target)
{
	struct config_server *srv = field(target, k);
	struct config_server parsed = { CONFIG_PROTO_NONE, false, NULL, 0 };
	const char *s = v->s, *sep, *key = proto_key(k->proto);
	size_t i, n;

	if ((sep = strstr(s, "://")) == NULL) {
		perror_at(p, value_col(v, 0),
		    "invalid URL '%s': expected %s://HOST[:PORT] or "
		    "%ss://HOST[:PORT]",
		    s, key, key);
		return false;
	}
	n = (size_t)(sep - s);
	for (i = 0; i < FCT_ARRAY_LEN(schemes); i++)
		if (strlen(schemes[i].name) == n &&
		    strncasecmp(s, schemes[i].name, n) == 0)
			break;
	if (n == 0) {
		perror_at(p, value_col(v, 0),
		    "missing URL scheme; expected '%s' or '%ss'", key, key);
		return false;
	}
	if (i == FCT_ARRAY_LEN(schemes)) {
		perror_at(p, value_col(v, 0),
		    "unknown URL scheme '%.*s'; expected '%s' or '%ss'", (int)n,
		    s, key, key);
		return false;
	}
	if (schemes[i].proto != k->proto) {
		perror_at(p, value_col(v, 0),
		    "URL scheme '%.*s' does not belong in '%s'; expected '%s' "
		    "or '%ss'",
		    (int)n, s, key, key, key);
		return false;
	}
	parsed.proto = schemes[i].proto;
	parsed.implicit_tls = schemes[i].implicit_tls;
	parsed.port = schemes[i].port;
	n += 3;
	if ((sep = strpbrk(s + n, "@/")) != NULL && *sep == '@') {
		perror_at(p, value_col(v, n),
		    "a user name does not go in the URL; use the 'user' key");
		return false;
	}
	if (!parse_authority(p, v, n, &parsed))
		return false;
	*srv = parsed;
	return true;
}

/* Sections. */

static bool
seen_names_find(const struct seen_names *sn, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < sn->n; i++) {
		if (strcmp(sn->v[i].name, name) == 0) {
			*idx = i;
			return true;
		}
	}
	return false;
}

/*
 * Records the name of a new [account] or [identity]; a duplicate is an
 * error, and its section is read for errors and then dropped.
 */
static void
seen_names_add(struct parser *p, struct seen_names *sn, const char *kind,
    const char *name, unsigned name_col)
{
	size_t idx;

	if (seen_names_find(sn, name, &idx)) {
		perror_at(p, name_col,
		    "duplicate %s '%s' (first defined at line %u)", kind, name,
		    sn->v[idx].line);
		p->discard = true;
		return;
	}
	FCT_ALLOC_GROW(sn->v, sn->n + 1, sn->alloc);
	sn->v[sn->n].name = xstrdup(name);
	sn->v[sn->n].line = p->line;
	sn->n++;
}

static void
seen_names_release(struct seen_names *sn)
{
	size_t i;

	for (i = 0; i < sn->n; i++)
		free(sn->v[i].name);
	free(sn->v);
	memset(sn, 0, sizeof *sn);
}

static void
account_release(struct config_account *a)
{
	free(a->name);
	free(a->email);
	free(a->realname);
	free(a->imap.host);
	free(a->smtp.host);
	free(a->sieve.host);
	free(a->pop.host);
	free(a->user);
	free(a->password_command);
	free(a->password);
	free(a->oauth2_token_command);
	free(a->ca_file);
	memset(a, 0, sizeof *a);
}

static void
identity_release(struct config_identity *id)
{
	free(id->name);
	free(id->account);
	free(id->email);
	free(id->realname);
	free(id->sent_folder);
	memset(id, 0, sizeof *id);
}

static void *
general_begin(struct parser *p, const char *name, unsigned name_col)
{
	p->ks = p->general_ks;
	return p->cfg;
}

static void
general_end(struct parser *p)
{
}

/* The state of the key called `name` in the current section. */
static const struct key_state *
key_state(struct parser *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->sec->nkeys; i++)
		if (strcmp(p->sec->keys[i].info.name, name) == 0)
			return &p->ks[i];
	BUG("no key '%s' in [%s]", name, p->sec->name);
}

/* Of two keys both set, the one set later: where a conflict shows. */
static const struct key_state *
later(const struct key_state *a, const struct key_state *b)
{
	return a->line > b->line ? a : b;
}

/*
 * A section-wide key that is missing is reported at the header; one that
 * was present but rejected has its own error already. Either way the
 * section cannot be kept.
 */
static bool
require(struct parser *p, const char *kind, const char *key)
{
	const struct key_state *ks = key_state(p, key);

	if (ks->line == 0) {
		perror_pos(p, p->sec_line, p->sec_col, NULL,
		    "%s '%s' has no '%s'", kind, p->sec_name, key);
		return false;
	}
	return ks->ok;
}

static void *
account_begin(struct parser *p, const char *name, unsigned name_col)
{
	seen_names_add(p, &p->accounts_seen, "account", name, name_col);
	memset(&p->acct, 0, sizeof p->acct);
	p->acct.name = xstrdup(name);
	p->acct.file_line = p->line;
	p->ks = p->section_ks;
	return &p->acct;
}

static void
account_end(struct parser *p)
{
	struct config_account *a = &p->acct;
	const struct key_state *imap, *pop, *pw, *pwc;
	bool keep = !p->discard;

	if (!require(p, "account", "email"))
		keep = false;
	imap = key_state(p, "imap");
	pop = key_state(p, "pop");
	if (imap->line == 0 && pop->line == 0) {
		perror_pos(p, p->sec_line, p->sec_col, NULL,
		    "account '%s' has neither 'imap' nor 'pop'", a->name);
		keep = false;
	} else if (imap->line != 0 && pop->line != 0) {
		perror_pos(p, later(imap, pop)->line, later(imap, pop)->col,
		    NULL,
		    "account '%s' has both 'imap' and 'pop'; it reads "
		    "mail through one of them",
		    a->name);
		keep = false;
	} else if (!imap->ok && !pop->ok)
		keep = false;
	if (imap->line != 0 && key_state(p, "pop_delete")->line != 0)
		config_diags_add(p->diags, CONFIG_DIAG_WARNING, p->file,
		    key_state(p, "pop_delete")->line,
		    key_state(p, "pop_delete")->col,
		    "'pop_delete' has no effect on account '%s', which reads "
		    "mail over IMAP",
		    a->name);
	pw = key_state(p, "password");
	pwc = key_state(p, "password_command");
	if (pw->line != 0 && pwc->line != 0) {
		perror_pos(p, later(pw, pwc)->line, later(pw, pwc)->col, NULL,
		    "'password' and 'password_command' are both set; keep "
		    "only one");
		free(a->password);
		a->password = NULL;
	}
	if (!keep) {
		account_release(a);
		return;
	}
	if (a->user == NULL)
		a->user = xstrdup(a->email);
	FCT_ALLOC_GROW(p->cfg->accounts, p->cfg->naccounts + 1,
	    p->cfg->accounts_alloc);
	p->cfg->accounts[p->cfg->naccounts++] = *a;
	memset(a, 0, sizeof *a);
}

static void *
identity_begin(struct parser *p, const char *name, unsigned name_col)
{
	seen_names_add(p, &p->identities_seen, "identity", name, name_col);
	memset(&p->ident, 0, sizeof p->ident);
	p->ident.name = xstrdup(name);
	p->ident.file_line = p->line;
	p->ks = p->section_ks;
	return &p->ident;
}

static void
identity_end(struct parser *p)
{
	struct config *cfg = p->cfg;
	bool keep = !p->discard;

	if (!require(p, "identity", "account"))
		keep = false;
	if (!require(p, "identity", "email"))
		keep = false;
	if (!keep) {
		identity_release(&p->ident);
		return;
	}
	/* Whether the account exists is known at the end of the file. */
	FCT_ALLOC_GROW(cfg->identities, cfg->nidentities + 1,
	    cfg->identities_alloc);
	FCT_ALLOC_GROW(p->ident_refs, cfg->nidentities + 1,
	    p->ident_refs_alloc);
	p->ident_refs[cfg->nidentities] = *key_state(p, "account");
	cfg->identities[cfg->nidentities++] = p->ident;
	memset(&p->ident, 0, sizeof p->ident);
}

static void
section_end(struct parser *p)
{
	if (p->sec != NULL)
		p->sec->end(p);
	p->sec = NULL;
	p->free = NULL;
	p->discard = false;
	free(p->sec_name);
	p->sec_name = NULL;
}

/*
 * Drops identities whose account does not exist. One whose account was
 * defined but rejected needs no second error. Hints come from every
 * account name in the file: a typo may well be in the name of an account
 * that has its own errors.
 */
static void
check_identity_accounts(struct parser *p)
{
	struct config *cfg = p->cfg;
	struct config_identity *id;
	struct hint h;
	size_t i, j, idx;

	/* identity_end() grows ident_refs with cfg->identities. */
	assert(cfg->nidentities == 0 || p->ident_refs != NULL);
	for (i = cfg->nidentities; i-- > 0;) {
		id = &cfg->identities[i];
		if (config_find_account(cfg, id->account) != NULL)
			continue;
		if (!seen_names_find(&p->accounts_seen, id->account, &idx)) {
			hint_init(&h, id->account);
			for (j = 0; j < p->accounts_seen.n; j++)
				hint_try(&h, p->accounts_seen.v[j].name);
			perror_pos(p, p->ident_refs[i].line,
			    p->ident_refs[i].vcol, &h,
			    "identity '%s' names unknown account '%s'",
			    id->name, id->account);
		}
		identity_release(id);
		memmove(id, id + 1, (cfg->nidentities - i - 1) * sizeof *id);
		cfg->nidentities--;
	}
}

/* Lines. */

static const struct section_type *
find_section_type(const char *name)
{
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(section_types); i++)
		if (strcmp(section_types[i].name, name) == 0)
			return &section_types[i];
	return NULL;
}

/*
 * [TYPE], [TYPE NAME] or [TYPE "NAME"], l[i] being the '['. A header that
 * is wrong opens no section: the lines up to the next header are checked
 * for syntax only, since their keys cannot be checked against anything.
 */
static const struct free_section *
find_free_section(const char *type)
{
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(free_sections); i++)
		if (strcmp(free_sections[i].type, type) == 0)
			return &free_sections[i];
	return NULL;
}

/* Checks a free section's name; opens the section when it is right. */
static bool
free_section_open(struct parser *p, const struct free_section *fs,
    const struct value *name, size_t n0, size_t bracket)
{
	struct hint h;
	size_t k;

	if (fs->names == NULL) {
		if (name->s != NULL) {
			perror_at(p, n0 + 1, "section [%s] takes no name",
			    fs->type);
			return false;
		}
		p->free = fs;
		return true;
	}
	if (name->s == NULL) {
		perror_at(p, bracket + 1,
		    "section [%s] needs a name, as in [%s %s]", fs->type,
		    fs->type, fs->names[0]);
		return false;
	}
	hint_init(&h, name->s);
	for (k = 0; fs->names[k] != NULL; k++) {
		if (strcmp(fs->names[k], name->s) == 0) {
			p->free = fs;
			return true;
		}
		hint_try(&h, fs->names[k]);
	}
	perror_pos(p, p->line, n0 + 1, &h, "unknown section [%s %s]", fs->type,
	    name->s);
	return false;
}

/* Keeps a line of a free section for the layer that knows its keys. */
static void
free_entry_add(struct parser *p, const char *key, unsigned col, struct value *v)
{
	struct config *cfg = p->cfg;
	struct config_entry *e;

	FCT_ALLOC_GROW(cfg->entries, cfg->nentries + 1, cfg->entries_alloc);
	e = &cfg->entries[cfg->nentries++];
	e->section = p->sec_name != NULL
	    ? xasprintf("%s %s", p->free->type, p->sec_name)
	    : xstrdup(p->free->type);
	e->key = xstrdup(key);
	e->value = v->s;
	v->s = NULL;
	e->line = p->line;
	e->col = col;
	e->vcol = v->col;
}

static void
parse_header(struct parser *p, const char *l, size_t n, size_t i)
{
	const struct free_section *fs;
	const struct section_type *st;
	struct value name = { NULL, 0, 0, NULL };
	char *type = NULL;
	size_t t0, t1, n0 = 0, bracket;
	struct hint h;
	size_t k;

	section_end(p);
	p->in_section = true;
	p->sec_line = p->line;
	p->sec_col = i + 1;

	t0 = skip_blanks(l, n, i + 1);
	for (t1 = t0; t1 < n && is_key_char(l[t1]); t1++)
		;
	if (t1 == t0) {
		perror_at(p, t0 + 1,
		    "expected a section type, as in [account NAME]");
		return;
	}
	if (t1 < n && !is_blank(l[t1]) && l[t1] != ']') {
		perror_at(p, t1 + 1, "unexpected '%.*s' in section header",
		    char_len(l, n, t1), l + t1);
		return;
	}
	i = skip_blanks(l, n, t1);
	if (i < n && l[i] == '"') {
		n0 = i;
		if (!read_quoted(p, l, n, &i, &name))
			return;
	} else if (i < n && l[i] != ']') {
		n0 = i;
		while (i < n && !is_blank(l[i]) && l[i] != ']') {
			if (l[i] == '"' || l[i] == '[') {
				perror_at(p, i + 1,
				    "unexpected '%c' in section name", l[i]);
				return;
			}
			i++;
		}
		name.s = xstrndup(l + n0, i - n0);
		name.len = i - n0;
		name.col = n0 + 1;
	}
	i = skip_blanks(l, n, i);
	if (i == n || l[i] != ']') {
		if (i == n)
			perror_at(p, i + 1,
			    "expected ']' to close the section header");
		else if (name.s != NULL)
			perror_at(p, i + 1,
			    "unexpected '%.*s' after the section "
			    "name; quote a name with spaces, as in "
			    "[account \"my mail\"]",
			    char_len(l, n, i), l + i);
		else
			perror_at(p, i + 1,
			    "unexpected '%.*s' in section header",
			    char_len(l, n, i), l + i);
		goto out;
	}
	bracket = i;
	/* Junk after a good header is reported, but the section opens. */
	check_trailing(p, l, n, i + 1, "']'");

	type = xstrndup(l + t0, t1 - t0);
	if ((fs = find_free_section(type)) != NULL) {
		if (free_section_open(p, fs, &name, n0, bracket))
			p->sec_name = name.s != NULL ? xstrdup(name.s) : NULL;
		goto out;
	}
	if ((st = find_section_type(type)) == NULL) {
		hint_init(&h, type);
		for (k = 0; k < FCT_ARRAY_LEN(section_types); k++)
			hint_try(&h, section_types[k].name);
		if (h.best != NULL)
			perror_pos(p, p->line, t0 + 1, &h,
			    "unknown section type '%s'", type);
		else
			perror_at(p, t0 + 1,
			    "unknown section type '%s'; "
			    "expected 'general', 'account' or 'identity'",
			    type);
		goto out;
	}
	if (st->named && name.s == NULL) {
		perror_at(p, bracket + 1,
		    "section [%s] needs a name, as in [%s NAME]", st->name,
		    st->name);
		goto out;
	}
	if (!st->named && name.s != NULL) {
		perror_at(p, n0 + 1, "section [%s] takes no name", st->name);
		goto out;
	}
	if (name.s != NULL && name.len == 0) {
		perror_at(p, n0 + 1, "empty section name");
		goto out;
	}
	p->sec = st;
	memset(p->section_ks, 0, sizeof p->section_ks);
	if (name.s != NULL)
		p->sec_name = xstrdup(name.s);
	p->target = st->begin(p, name.s, n0 + 1);

out:
	free(type);
	value_release(&name);
}

/*
 * A key that no table of this section has: maybe it belongs in another
 * section, maybe it is a typo.
 */
static void
unknown_key(struct parser *p, const char *key, unsigned col)
{
	const struct section_type *st;
	struct hint h;
	size_t i, j;

	for (i = 0; i < FCT_ARRAY_LEN(section_types); i++) {
		st = &section_types[i];
		for (j = 0; j < st->nkeys; j++) {
			if (strcmp(st->keys[j].info.name, key) != 0)
				continue;
			perror_at(p, col, "key '%s' belongs in [%s], not [%s]",
			    key, st->name, p->sec->name);
			return;
		}
	}
	hint_init(&h, key);
	for (j = 0; j < p->sec->nkeys; j++)
		hint_try(&h, p->sec->keys[j].info.name);
	perror_pos(p, p->line, col, &h, "unknown key '%s' in [%s]", key,
	    p->sec->name);
}

/* KEY = VALUE, l[i] being the first byte of the key. */
static void
parse_assignment(struct parser *p, const char *l, size_t n, size_t i)
{
	const struct config_key *k = NULL;
	struct key_state *ks;
	struct value v;
	size_t k0 = i, j;
	char *key;

	while (i < n && is_key_char(l[i]))
		i++;
	key = xstrndup(l + k0, i - k0);
	i = skip_blanks(l, n, i);
	if (i == n || l[i] != '=') {
		perror_at(p, i + 1, "expected '=' after key '%s'", key);
		goto out;
	}
	i = skip_blanks(l, n, i + 1);

	if (!p->in_section) {
		perror_at(p, k0 + 1,
		    "key '%s' outside of any section; start "
		    "one with [general], [account NAME] or [identity NAME]",
		    key);
		goto out;
	}
	if (p->free != NULL) {
		if (read_value(p, l, n, i, key, &v)) {
			free_entry_add(p, key, k0 + 1, &v);
			value_release(&v);
		}
		goto out;
	}
	if (p->sec == NULL) {
		/* Under a wrong header: only the syntax can be checked. */
		if (read_value(p, l, n, i, key, &v))
			value_release(&v);
		goto out;
	}
	for (j = 0; j < p->sec->nkeys; j++)
		if (strcmp(p->sec->keys[j].info.name, key) == 0)
			k = &p->sec->keys[j];
	if (k == NULL) {
		unknown_key(p, key, k0 + 1);
		goto out;
	}
	ks = &p->ks[k - p->sec->keys];
	if (ks->line != 0) {
		perror_at(p, k0 + 1,
		    "duplicate key '%s' (first set at line %u)", key, ks->line);
		goto out;
	}
	ks->line = p->line;
	ks->col = k0 + 1;
	ks->vcol = i + 1;
	ks->ok = false;
	if (!read_value(p, l, n, i, key, &v))
		goto out;
	ks->vcol = v.col;
	ks->ok = k->set(p, k, &v, p->target);
	value_release(&v);

out:
	free(key);
}

static void
parse_line(struct parser *p, const char *l, size_t n)
{
	size_t i;

	if (!check_bytes(p, l, n))
		return;
	i = skip_blanks(l, n, 0);
	if (i == n || l[i] == '#')
		return;
	if (l[i] == '[')
		parse_header(p, l, n, i);
	else if (l[i] == '=')
		perror_at(p, i + 1, "empty key before '='");
	else if (is_key_char(l[i]))
		parse_assignment(p, l, n, i);
	else
		perror_at(p, i + 1,
		    "unexpected '%.*s'; expected a key or a [section] header",
		    char_len(l, n, i), l + i);
}

/* The config object. */

/* $XDG_<what>, when set to an absolute path as the spec asks, else NULL. */
static const char *
xdg_dir(const char *var)
{
	const char *dir = getenv(var);

	return dir != NULL && dir[0] == '/' ? dir : NULL;
}

char *
config_default_path(void)
{
	return fct_config_file("config");
}

static struct config *
config_new(void)
{
	return xcalloc(1, sizeof(struct config));
}

static void
config_set_defaults(struct config *cfg)
{
	const char *dir;

	if (cfg->cache_dir != NULL)
		return;
	if ((dir = xdg_dir("XDG_CACHE_HOME")) != NULL)
		cfg->cache_dir = xasprintf("%s/facteur", dir);
	else
		cfg->cache_dir = fct_expand_home("~/.cache/facteur");
}

int
config_parse(const char *file, const char *text, size_t len,
    struct config **out, struct config_diags *diags)
{
	struct parser p;
	size_t first = diags->n, nerrors = diags->nerrors, n;
	const char *end = text + len, *nl;

	memset(&p, 0, sizeof p);
	p.file = file;
	p.diags = diags;
	p.cfg = config_new();
	p.cfg->path = xstrdup(file);

	/* Some editors start UTF-8 files with a byte order mark. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	while (text < end) {
		p.line++;
		nl = memchr(text, '\n', (size_t)(end - text));
		n = (size_t)((nl != NULL ? nl : end) - text);
		if (n > 0 && text[n - 1] == '\r')
			n--;
		parse_line(&p, text, n);
		text = nl != NULL ? nl + 1 : end;
	}
	section_end(&p);
	check_identity_accounts(&p);
	config_set_defaults(p.cfg);

	seen_names_release(&p.accounts_seen);
	seen_names_release(&p.identities_seen);
	free(p.ident_refs);
	diags_sort(diags, first);
	*out = p.cfg;
	return diags->nerrors > nerrors ? -1 : 0;
}

int
config_load(const char *path, struct config **out, struct config_diags *diags)
{
	struct strbuf sb = STRBUF_INIT;
	char *def = NULL;
	int rc = 0;

	if (path == NULL)
		path = def = config_default_path();
	if (strbuf_read_file(&sb, path) != 0) {
		if (def == NULL || errno != ENOENT) {
			config_diags_add(diags, CONFIG_DIAG_ERROR, path, 0, 0,
			    "cannot read '%s': %s", path, strerror(errno));
			rc = -1;
		}
		*out = config_new();
		config_set_defaults(*out);
		goto out;
	}
	rc = config_parse(path, sb.buf, sb.len, out, diags);

out:
	strbuf_release(&sb);
	free(def);
	return rc;
}

void
config_free(struct config **cfgp)
{
	struct config *cfg = *cfgp;
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->naccounts; i++)
		account_release(&cfg->accounts[i]);
	for (i = 0; i < cfg->nidentities; i++)
		identity_release(&cfg->identities[i]);
	for (i = 0; i < cfg->nentries; i++) {
		free(cfg->entries[i].section);
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg->theme);
	free(cfg->index_columns);
	free(cfg->accounts);
	free(cfg->identities);
	free(cfg->path);
	free(cfg->cache_dir);
	free(cfg->rules_file);
	free(cfg->aliases);
	free(cfg);
	*cfgp = NULL;
}

const struct config_account *
config_find_account(const struct config *cfg, const char *name)
{
	size_t i;

	if (name == NULL)
		return cfg->naccounts > 0 ? &cfg->accounts[0] : NULL;
	for (i = 0; i < cfg->naccounts; i++)
		if (strcmp(cfg->accounts[i].name, name) == 0)
			return &cfg->accounts[i];
	return NULL;
}

const struct config_identity *
config_find_identity(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nidentities; i++)
		if (strcmp(cfg->identities[i].name, name) == 0)
			return &cfg->identities[i];
	return NULL;
}

static void
server_sanity(const struct config_server *srv, const char *what)
{
	if (srv->proto == CONFIG_PROTO_NONE) {
		if (srv->host != NULL)
			BUG("%s server without protocol has a host", what);
		return;
	}
	if (srv->host == NULL || srv->host[0] == '\0')
		BUG("%s server without host", what);
	if (srv->port == 0 || srv->port > 65535)
		BUG("%s server port %u", what, srv->port);
}

void
config_sanity(const struct config *cfg)
{
	const struct config_account *a;
	const struct config_identity *id;
	size_t i, j;

	if (cfg->cache_dir == NULL)
		BUG("config without cache_dir");
	if (cfg->naccounts > cfg->accounts_alloc ||
	    cfg->nidentities > cfg->identities_alloc)
		BUG("config arrays beyond their allocation");
	for (i = 0; i < cfg->naccounts; i++) {
		a = &cfg->accounts[i];
		if (a->name == NULL || a->email == NULL || a->user == NULL)
			BUG("account %zu lacks name, email or user", i);
		if ((a->imap.proto == CONFIG_PROTO_NONE) ==
		    (a->pop.proto == CONFIG_PROTO_NONE))
			BUG("account '%s' needs exactly one of imap and pop",
			    a->name);
		if ((a->imap.proto != CONFIG_PROTO_NONE &&
			a->imap.proto != CONFIG_PROTO_IMAP) ||
		    (a->smtp.proto != CONFIG_PROTO_NONE &&
			a->smtp.proto != CONFIG_PROTO_SMTP) ||
		    (a->pop.proto != CONFIG_PROTO_NONE &&
			a->pop.proto != CONFIG_PROTO_POP) ||
		    (a->sieve.proto != CONFIG_PROTO_NONE &&
			a->sieve.proto != CONFIG_PROTO_SIEVE))
			BUG("account '%s' has a server of the wrong kind",
			    a->name);
		server_sanity(&a->imap, "imap");
		server_sanity(&a->smtp, "smtp");
		server_sanity(&a->pop, "pop");
		server_sanity(&a->sieve, "sieve");
		if (a->password != NULL && a->password_command != NULL)
			BUG("account '%s' has two password sources", a->name);
		for (j = 0; j < i; j++)
			if (strcmp(cfg->accounts[j].name, a->name) == 0)
				BUG("account '%s' twice", a->name);
	}
	for (i = 0; i < cfg->nidentities; i++) {
		id = &cfg->identities[i];
		if (id->name == NULL || id->account == NULL ||
		    id->email == NULL)
			BUG("identity %zu lacks name, account or email", i);
		if (config_find_account(cfg, id->account) == NULL)
			BUG("identity '%s' names unknown account '%s'",
			    id->name, id->account);
		for (j = 0; j < i; j++)
			if (strcmp(cfg->identities[j].name, id->name) == 0)
				BUG("identity '%s' twice", id->name);
	}
}

const char *
config_section_name(size_t i)
{
	return i < FCT_ARRAY_LEN(section_types) ? section_types[i].name : NULL;
}

const char *
config_free_section_name(size_t i)
{
	return i < FCT_ARRAY_LEN(free_sections) ? free_sections[i].type : NULL;
}

const struct config_key_info *
config_key_info(const char *section, size_t i)
{
	const struct section_type *st = find_section_type(section);

	return st != NULL && i < st->nkeys ? &st->keys[i].info : NULL;
}
