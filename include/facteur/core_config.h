/*
 * The configuration dotfile: $XDG_CONFIG_HOME/facteur/config (or -c FILE).
 *
 * INI-style sections ([general], [account NAME], [identity NAME]) of
 * `key = value` lines; '#' starts a comment outside quotes. Loading parses
 * the whole file and collects every problem as a diagnostic with
 * file:line:column; a bad line never hides the others. Parsing happens once,
 * on the main thread, before any worker starts; the resulting struct config
 * is then read-only and may be read from any thread.
 *
 * The keys each section accepts live in one table in src/core/config.c;
 * config_key_info() walks it so that doc/facteur.5 can be checked against
 * it (tests/unit/core/test_config.c does).
 */
#ifndef FACTEUR_CORE_CONFIG_H
#define FACTEUR_CORE_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "facteur/core.h"

enum config_proto {
	CONFIG_PROTO_NONE = 0,
	CONFIG_PROTO_IMAP,
	CONFIG_PROTO_SMTP,
	CONFIG_PROTO_POP,
	CONFIG_PROTO_SIEVE, /* ManageSieve (RFC 5804), STARTTLS only */
};

/* A server address from a URL such as imaps://host:993. */
struct config_server {
	enum config_proto proto; /* NONE when the key was absent */
	bool implicit_tls; /* imaps/smtps/pops; otherwise STARTTLS, required */
	char *host;        /* owned; a name or an IP literal (no brackets) */
	unsigned port;     /* the URL's, or the scheme's default */
};

/*
 * One [account NAME] section. Invariants of every account in a struct
 * config (config_sanity()): name, email and user are set; exactly one of
 * imap and pop is set, each server of its own protocol with a non-empty
 * host and a port in 1..65535; password and password_command are not both
 * set. A section that cannot meet them is left out, with an error.
 */
/* How an IMAP account resynchronises (RFC 7162), at most. */
enum config_sync_mode {
	CONFIG_SYNC_QRESYNC = 0, /* the default: the best the server has */
	CONFIG_SYNC_CONDSTORE,
	CONFIG_SYNC_CLASSIC,
};

/* Which part of a multipart/alternative the pager shows. */
enum config_alternative {
	CONFIG_ALT_PLAIN = 0, /* the default: text/plain when there is one */
	CONFIG_ALT_HTML,
};

/* When a POP3 account deletes downloaded mail from the server. */
enum config_pop_delete_when {
	CONFIG_POP_DELETE_NEVER = 0, /* the default: leave it there */
	CONFIG_POP_DELETE_AFTER_DOWNLOAD,
	CONFIG_POP_DELETE_AFTER_DAYS,
};

struct config_pop_delete {
	enum config_pop_delete_when when;
	unsigned days; /* AFTER_DAYS: 1 to 36500 days after the download */
};

struct config_account {
	char *name;     /* owned; from [account NAME] */
	char *email;    /* owned */
	char *realname; /* owned; the `name` key, may be NULL */
	struct config_server imap;
	struct config_server smtp;
	struct config_server pop;
	struct config_server sieve; /* ManageSieve; proto NONE when unset */
	char *user;                 /* owned; defaults to email */
	char *password_command;     /* owned, may be NULL */
	char *password;             /* owned, may be NULL (warned about) */
	char *oauth2_token_command; /* owned, may be NULL */
	char *ca_file;              /* owned, expanded ~, may be NULL */
	enum config_sync_mode sync_mode;
	struct config_pop_delete pop_delete; /* POP3 accounts only */
	unsigned file_line;                  /* where the section starts */
};

/*
 * One [identity NAME] section: another From address sent through an
 * account. Invariants: name, account and email are set, and account names
 * an account of the same struct config.
 */
struct config_identity {
	char *name;         /* owned; from [identity NAME] */
	char *account;      /* owned; the account it belongs to */
	char *email;        /* owned */
	char *realname;     /* owned, may be NULL */
	char *sent_folder;  /* owned, may be NULL */
	unsigned file_line; /* where the section starts */
};

/*
 * The parsed file. Account and identity names are unique within their kind;
 * the arrays keep the file's order. cache_dir is always set, to an absolute
 * path unless $HOME itself is relative.
 */
/*
 * One `key = value` line of a free-form section, whose keys belong to a
 * layer above core and are checked there, with these positions, through
 * config_diags_add: [bind index] and [bind pager] (key bindings, UI), and
 * [color] (theme files, UI). Entries keep the file's order; a later entry
 * with the same section and key overrides an earlier one.
 */
struct config_entry {
	char *section; /* owned: "bind index", "bind pager" or "color" */
	char *key;     /* owned */
	char *value;   /* owned, unquoted */
	unsigned line, col, vcol; /* of the line, the key and the value */
};

struct config {
	char *path;      /* owned; the file read, or NULL when none existed */
	char *cache_dir; /* owned, expanded; defaults to $XDG_CACHE_HOME/facteur
			  */
	char *rules_file; /* owned, expanded; NULL: the default
			     (rules_default_path) */
	struct config_account *accounts;
	size_t naccounts, accounts_alloc;
	struct config_identity *identities;
	size_t nidentities, identities_alloc;
	enum config_alternative alternative; /* [general] alternative */
	char *theme;         /* owned, may be NULL: [general] theme */
	char *index_columns; /* owned, may be NULL: column names, checked */
	struct config_entry *entries; /* free-form sections, file order */
	size_t nentries, entries_alloc;
	char *aliases; /* owned, expanded; NULL: the default file, if any */
};

enum config_diag_level { CONFIG_DIAG_ERROR, CONFIG_DIAG_WARNING };

/*
 * One problem in a file, 1-based line and column; the column counts bytes
 * (a tab is one) and points at the offending token. line == 0 (and column
 * == 0) means the file as a whole, as when it cannot be read.
 */
struct config_diag {
	enum config_diag_level level;
	char *file; /* owned */
	unsigned line, column;
	char *msg; /* owned; lowercase, no full stop, may end with a hint */
};

struct config_diags {
	struct config_diag *v;
	size_t n, alloc;
	size_t nerrors; /* how many of v are errors (the rest are warnings) */
};

#define CONFIG_DIAGS_INIT     \
	{                     \
		NULL, 0, 0, 0 \
	}

/* Appends one diagnostic; file is copied. */
void config_diags_add(struct config_diags *d, enum config_diag_level level,
    const char *file, unsigned line, unsigned column, const char *fmt, ...)
    FCT_PRINTF(6, 7);
/*
 * Prints each as "file:line:column: error: msg" (or "warning:"), one a
 * line; a diagnostic at line 0 is about the whole file and prints as
 * "error: msg", its message naming the file already.
 */
void config_diags_print(const struct config_diags *d, FILE *fp);
/* Frees every diagnostic; d is left empty and reusable. */
void config_diags_release(struct config_diags *d);

/*
 * The default file: $XDG_CONFIG_HOME/facteur/config, or
 * ~/.config/facteur/config. Owned.
 */
char *config_default_path(void);

/*
 * Parses `len` bytes of `text` as if read from `file` (used in
 * diagnostics). Always returns a config (owned, config_free()), holding
 * everything that parsed; problems go to diags. Returns -1 when diags
 * received at least one error, else 0.
 */
int config_parse(const char *file, const char *text, size_t len,
    struct config **out, struct config_diags *diags) FCT_WUR;

/*
 * Reads and parses `path`; when path is NULL the default file is used, and a
 * missing default file gives an empty config (path NULL) without error. A
 * file named explicitly that cannot be read, missing or not, is an error at
 * line 0: "cannot read 'PATH': No such file or directory"; *out is then an
 * empty config too. Same contract as config_parse otherwise. The only
 * function here that does I/O.
 */
int config_load(const char *path, struct config **out,
    struct config_diags *diags) FCT_WUR;

/* Frees *cfgp and everything it owns; sets *cfgp to NULL. NULL is fine. */
void config_free(struct config **cfgp);

/*
 * The account called `name`, or the first one when name is NULL; NULL when
 * there is none. Borrowed: valid until config_free().
 */
const struct config_account *config_find_account(const struct config *cfg,
    const char *name);
/* The identity called `name`, or NULL. Borrowed, as above. */
const struct config_identity *config_find_identity(const struct config *cfg,
    const char *name);

/* Checks the invariants written above; calls BUG() when one fails. */
void config_sanity(const struct config *cfg);

/*
 * The key table, for documentation and its check. Section types are
 * "general", "account" and "identity": config_section_name(i) gives the
 * i-th, NULL past the last. config_key_info(section, i) gives the i-th key
 * of that section, NULL past the last or for an unknown section. Both
 * return static data.
 */
struct config_key_info {
	const char *name;  /* the key, as written in the file */
	const char *arg;   /* the value's form in the manual, e.g. "URL" */
	const char *deflt; /* the default in words, or NULL */
	const char *help;  /* one line */
};

const char *config_section_name(size_t i);
/* The free-form section types ("bind", "color"), NULL past the last. */
const char *config_free_section_name(size_t i);
const struct config_key_info *config_key_info(const char *section, size_t i);

#endif
