/*
 * rules: the filtering rules file, $XDG_CONFIG_HOME/facteur/rules.
 *
 * This first piece only parses; nothing here runs a rule. The file is a
 * list of blocks that read like sentences:
 *
 *   # comment
 *   rule "Factures EDF"
 *     when from:@edf.fr or subject:facture
 *     then move Finances/Factures, flag
 *
 * A block starts with `rule "NAME"` at column 1 (the name quoted, with \"
 * and \\ escapes); its lines are indented: `when QUERY` (exactly one, the
 * rest of the line in the query language), `then ACTION[, ACTION...]` (one
 * or more lines; the actions accumulate in order), `stop`, `account NAME`
 * and `folder NAME` (at most one of each). Blank lines are ignored
 * anywhere, and '#' starts a comment where it begins a word outside
 * quotes (so `subject:C#` keeps its '#').
 *
 * Actions: move FOLDER, copy FOLDER, flag, unflag, read, unread,
 * keyword WORD, delete (to Trash), spam (to Junk). A FOLDER runs to the
 * next comma, trimmed, or is quoted to hold one. A message goes to one
 * place at most, so a rule has at most one of move, delete and spam.
 *
 * Errors are collected like the configuration's (struct config_diags,
 * file:line:column, columns in bytes): every problem is reported, and a
 * rule with an error is left out, named in `skipped`, without taking the
 * good rules with it.
 *
 * Threads: parsing is pure apart from rules_load(), which reads one file.
 * A struct rules is read-only once returned and may be shared.
 */
#ifndef FACTEUR_RULES_RULES_H
#define FACTEUR_RULES_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "facteur/core.h"
#include "facteur/core_config.h"
#include "facteur/query.h"

enum rule_action_kind {
	RULE_ACTION_MOVE = 0, /* arg: the folder */
	RULE_ACTION_COPY,     /* arg: the folder */
	RULE_ACTION_FLAG,
	RULE_ACTION_UNFLAG,
	RULE_ACTION_READ,
	RULE_ACTION_UNREAD,
	RULE_ACTION_KEYWORD, /* arg: the keyword, an IMAP atom */
	RULE_ACTION_DELETE,  /* to the account's Trash */
	RULE_ACTION_SPAM,    /* to the account's Junk */
};

#define RULE_ACTION_COUNT (RULE_ACTION_SPAM + 1)

struct rule_action {
	enum rule_action_kind kind;
	char *arg; /* owned; set for MOVE, COPY and KEYWORD only, never "" */
	unsigned line, column; /* where the action is written */
};

/*
 * One rule. Invariants (rules_sanity()): name is set, non-empty and unique
 * in its struct rules; when is set; nactions > 0 or stop; at most one
 * action is MOVE, DELETE or SPAM.
 */
struct rule {
	char *name;         /* owned */
	unsigned line;      /* of its `rule` line */
	char *account;      /* owned; NULL: every account */
	char *folder;       /* owned; NULL: the INBOX of each account */
	struct query *when; /* owned */
	struct rule_action *actions; /* owned, in the file's order */
	size_t nactions;
	bool stop; /* no later rule runs on a message this one matched */
	unsigned account_line, account_column; /* of the name; 0 when unset */
	unsigned folder_line, folder_column;   /* likewise */
};

/* A rule left out because of an error. */
struct rules_skipped {
	char *name;    /* owned; NULL when its `rule` line had no usable name */
	unsigned line; /* of its first line */
};

struct rules {
	char *file;     /* owned; the file name given to rules_parse() */
	struct rule *v; /* the good rules, in the file's order */
	size_t n, alloc;
	struct rules_skipped *skipped; /* in the file's order */
	size_t nskipped, skipped_alloc;
};

/*
 * Parses `len` bytes of `text` as if read from `file` (used in
 * diagnostics). Always sets *out to a struct rules (owned, rules_free())
 * holding every rule that parsed. Returns -1 when diags received at least
 * one error, else 0.
 */
int rules_parse(const char *file, const char *text, size_t len,
    struct rules **out, struct config_diags *diags) FCT_WUR;

/*
 * Reads and parses `path`; NULL means rules_default_path(), and a missing
 * default file gives no rules without error. A file that cannot be read
 * otherwise is an error at line 0, "cannot read 'PATH': REASON", with an
 * empty *out. Same contract as rules_parse() otherwise.
 */
int rules_load(const char *path, struct rules **out,
    struct config_diags *diags) FCT_WUR;

/* Frees *rp and everything it owns; sets *rp to NULL. NULL is fine. */
void rules_free(struct rules **rp);

/*
 * $XDG_CONFIG_HOME/facteur/rules (when it is absolute), or
 * ~/.config/facteur/rules. Owned.
 */
char *rules_default_path(void);

/* The action's name as written in the file ("move"); static. */
const char *rules_action_name(enum rule_action_kind kind);

/* Checks the invariants above; BUG() on the first one broken. */
void rules_sanity(const struct rules *rules);

/*
 * Evaluation (src/rules/eval.c): what the rules do to one message. The
 * rules layer decides which rules apply and resolves their actions into a
 * plan; carrying the plan out (jobs for the server, the store's record
 * that the rules ran) is the sync layer's (sync_rules_apply()).
 *
 * Scope: a rule without `account` and `folder` applies to the INBOX of
 * every account; `account NAME` limits it to that account; `folder NAME`
 * makes it apply to that folder instead of INBOX. Folder names compare
 * exactly, except INBOX, which is case-insensitive (RFC 3501).
 *
 * Order: rules run in the file's order; every rule that matches applies,
 * until one with `stop` has applied.
 *
 * Conflicts, resolved in one documented way (doc/rules.md):
 *   - where the message goes (move, delete, spam): the first rule that
 *     sends it somewhere wins; a later move, delete or spam is ignored
 *     (and listed in `ignored`, so that a dry run shows it);
 *   - flag/unflag and read/unread: the last one written wins, as if each
 *     were applied in turn;
 *   - copy: each destination once; keyword: each keyword once.
 */
struct rules_ignored {
	const struct rule *rule;          /* borrowed */
	const struct rule_action *action; /* borrowed */
	const struct rule *winner;        /* the rule whose destination won */
};

/*
 * A plan: every pointer is borrowed from the struct rules it was made
 * from, which must outlive it. Invariants: dest is NULL or a MOVE, DELETE
 * or SPAM action of dest_rule; set & clear == 0; set and clear hold only
 * FCT_FLAG_SEEN and FCT_FLAG_FLAGGED.
 */
struct rules_plan {
	const struct rule **rules; /* the rules that applied, in order */
	size_t nrules, rules_alloc;
	const struct rule_action *dest; /* where the message goes, or NULL */
	const struct rule *dest_rule;
	const char **copies; /* folders to copy it to, each once */
	size_t ncopies, copies_alloc;
	unsigned set, clear;   /* enum fct_flags to add and to remove */
	const char **keywords; /* to add, each once */
	size_t nkeywords, keywords_alloc;
	struct rules_ignored *ignored;
	size_t nignored, ignored_alloc;
	bool stopped; /* a rule with `stop` applied */
};

#define RULES_PLAN_INIT \
	{               \
		0       \
	}

/* Frees the arrays and zeroes *p (ready for reuse). */
void rules_plan_release(struct rules_plan *p);

/* Whether r applies to `folder` of `account`; inbox: folder is its INBOX. */
bool rules_in_scope(const struct rule *r, const char *account,
    const char *folder, bool inbox);

/*
 * Adds what r does to p, as the next rule that matched (resolving the
 * conflicts above). A plan that is stopped takes nothing more (BUG).
 */
void rules_plan_add(struct rules_plan *p, const struct rule *r);

/* Whether the plan changes nothing (no rule applied, or only `stop`). */
bool rules_plan_empty(const struct rules_plan *p);

/*
 * Appends the plan in the file's words, e.g. "move 'Listes/Debian', read,
 * keyword $Work", or "nothing"; then, for each ignored action, "; ignored:
 * move 'X' of rule 'B' (rule 'A' moves it first)".
 */
void rules_plan_describe(const struct rules_plan *p, struct strbuf *sb);

/*
 * Runs every rule of rs in scope for (account, folder, inbox) on m, in
 * order, into *out (released first, so it must be initialised). `now`
 * anchors older:/newer:. Pure; any thread.
 */
void rules_eval(const struct rules *rs, const char *account, const char *folder,
    bool inbox, const struct query_msg *m, time_t now, struct rules_plan *out);

/*
 * Sieve (src/rules/sieve.c): the rules of `account` (NULL: every rule,
 * whatever its account) that Sieve can express with the same meaning, as
 * an RFC 5228 script appended to script; trash and junk name the folders
 * `delete` and `spam` file into. Every rule left out is appended to
 * *skipped with the reason (a condition Sieve cannot say, a rule for a
 * folder other than INBOX). Returns how many rules were exported. Pure.
 */
struct rules_sieve_skipped {
	struct {
		const struct rule *rule; /* borrowed */
		char *why;               /* owned */
	} * v;
	size_t n, alloc;
};

#define RULES_SIEVE_SKIPPED_INIT \
	{                        \
		NULL, 0, 0       \
	}

void rules_sieve_skipped_release(struct rules_sieve_skipped *s);

int rules_to_sieve(const struct rules *rs, const char *account,
    const char *trash, const char *junk, struct strbuf *script,
    struct rules_sieve_skipped *skipped);

/*
 * A new rule for "make a rule from this message" (src/rules/draft.c):
 * appends to out a block that files mail like the given one, to be edited
 * by the user. The condition is list:ID when list_id is set (the part in
 * angle brackets of a List-Id value, else all of it), else from:ADDRESS
 * (the address in angle brackets of from, else all of it); the action is
 * `move FOLDER` when folder is set, else a placeholder folder that
 * `facteur rules check` reports until it is edited. The name is made from
 * the list or the sender, unique within rs (may be NULL). Values are quoted
 * as the file's syntax and the query language need. Returns -1, appending
 * nothing, when there is neither a list nor a sender. Pure.
 */
int rules_draft(const struct rules *rs, const char *from, const char *list_id,
    const char *folder, struct strbuf *out) FCT_WUR;
/* The draft's condition alone, e.g. list:"debian-user.lists.debian.org". */
int rules_draft_query(const char *from, const char *list_id,
    struct strbuf *out) FCT_WUR;

#endif
