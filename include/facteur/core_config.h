/*
 * The configuration dotfile: $XDG_CONFIG_HOME/facteur/config (or -c FILE).
 *
 * INI-style sections ([general], [account NAME], [identity NAME]) of
 * `key = value` lines; '#' starts a comment outside quotes. Loading parses
 * the whole file and collects every problem as a diagnostic with
 * file:line:column; a bad line never hides the others. Parsing happens once,
 * on the main thread, before any worker starts; the resulting struct config
 * is then read-only and may be read from any thread.
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
};

/* A server address from a URL such as imaps://host:993. */
struct config_server {
	enum config_proto proto; /* NONE when the key was absent */
	bool implicit_tls;       /* imaps/smtps/pops; otherwise STARTTLS, required */
	char *host;              /* owned; a name or an IP literal (no brackets) */
	unsigned port;           /* the URL's, or the scheme's default */
};

struct config_account {
	char *name;     /* owned; from [account NAME] */
	char *email;    /* owned */
	char *realname; /* owned; the `name` key, may be NULL */
	struct config_server imap;
	struct config_server smtp;
	struct config_server pop;
	char *user;                 /* owned; defaults to email */
	char *password_command;     /* owned, may be NULL */
	char *password;             /* owned, may be NULL (warned about) */
	char *oauth2_token_command; /* owned, may be NULL */
	char *ca_file;              /* owned, expanded ~, may be NULL */
	unsigned file_line;         /* where the section starts */
};

struct config_identity {
	char *name;        /* owned; from [identity NAME] */
	char *account;     /* owned; the account it belongs to */
	char *email;       /* owned */
	char *realname;    /* owned, may be NULL */
	char *sent_folder; /* owned, may be NULL */
};

struct config {
	char *path;      /* owned; the file read, or NULL when none existed */
	char *cache_dir; /* owned, expanded; defaults to $XDG_CACHE_HOME/facteur */
	struct config_account *accounts;
	size_t naccounts, accounts_alloc;
	struct config_identity *identities;
	size_t nidentities, identities_alloc;
};

enum config_diag_level { CONFIG_DIAG_ERROR, CONFIG_DIAG_WARNING };

/* One problem in a file, 1-based line and column. */
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

#define CONFIG_DIAGS_INIT { NULL, 0, 0, 0 }

void config_diags_add(struct config_diags *d, enum config_diag_level level,
    const char *file, unsigned line, unsigned column, const char *fmt, ...)
    FCT_PRINTF(6, 7);
/* Prints each as "file:line:column: error: msg" (or warning). */
void config_diags_print(const struct config_diags *d, FILE *fp);
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
 * missing default file gives an empty config without error. A missing file
 * named explicitly is an error. Same contract as config_parse.
 */
int config_load(const char *path, struct config **out,
    struct config_diags *diags) FCT_WUR;

void config_free(struct config **cfgp);

/* The account called `name`, or the first one when name is NULL; borrowed. */
const struct config_account *config_find_account(const struct config *cfg,
    const char *name);

#endif
