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
};

/* A rule left out because of an error. */
struct rules_skipped {
	char *name;    /* owned; NULL when its `rule` line had no usable name */
	unsigned line; /* of its first line */
};

struct rules {
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

#endif
