/*
 * cli: the non-interactive commands (`facteur folders`, later sync, list,
 * show, search, rules, send). Each command is one table entry in its own
 * file, src/cli/cmd_*.c; cli_commands[] is the one registry, from which the
 * usage text and `--help` are generated.
 *
 * Runs on the main thread; commands may block on the network, since no
 * terminal UI is running.
 */
#ifndef FACTEUR_CLI_CLI_H
#define FACTEUR_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "facteur/core.h"
#include "facteur/core_config.h"

/* Exit statuses shared by every command. */
enum cli_status {
	CLI_OK = 0,
	CLI_FAILED = 1, /* the operation failed; the reason went to stderr */
	CLI_USAGE = 2,  /* bad command line */
};

struct cli_context {
	const char *config_path; /* borrowed; -c FILE, or NULL for default */
	struct config *cfg;      /* owned by the context once loaded */
	FILE *out;               /* results */
	FILE *err;               /* diagnostics and progress */
	/* Checks what layers above cli read from the configuration (the
	 * interface's bindings and theme), for `config check`; set by main,
	 * may be NULL. Returns -1 when it added an error to diags. */
	int (*check_more)(const struct config *cfg, struct config_diags *diags);
	struct rules *rules; /* owned once read (cli_sync_folder) */
	bool rules_read;
};

struct cli_command {
	const char *name;
	const char *args; /* usage synopsis after the name */
	const char *help; /* one line */
	int (*exec)(struct cli_context *ctx, int argc, char **argv);
};

/* NULL-terminated, in the order shown by --help. */
extern const struct cli_command *const cli_commands[];

/* The command called name, or NULL; borrowed. */
const struct cli_command *cli_find(const char *name);

/*
 * Loads the configuration once, printing every diagnostic to ctx->err.
 * Returns -1 when the file has errors (nothing is run on a half-understood
 * configuration).
 */
int cli_load_config(struct cli_context *ctx) FCT_WUR;

void cli_context_release(struct cli_context *ctx);

/*
 * Writes s as one field of tab-separated output: backslash, tab, line
 * breaks, other control characters and bidi overrides are escaped
 * (\\ \t \n \r \xNN \u{NNNN}), so that server data can neither break the
 * columns nor drive the terminal.
 */
void cli_put_field(FILE *fp, const char *s);

struct store;
struct imap_session;
struct sync_stats;

/*
 * Splits "ACCOUNT:FOLDER" (or "FOLDER", meaning the first account; an
 * empty folder means INBOX). The results are borrowed from spec and the
 * configuration. Prints the reason and returns -1 on failure.
 */
int cli_parse_target(struct cli_context *ctx, const char *spec,
    const struct config_account **acct, const char **folder) FCT_WUR;

/* Opens the account's cache; prints the reason on failure. */
int cli_open_store(struct cli_context *ctx, const struct config_account *acct,
    struct store **st) FCT_WUR;

/*
 * Connects and logs in, refreshes the folder list in the cache unless it
 * already knows every folder of `folders` (NULL-terminated; NULL means
 * refresh), and runs the jobs queued offline.
 */
int cli_connect(struct cli_context *ctx, const struct config_account *acct,
    struct store *st, const char *const *folders,
    struct imap_session **s) FCT_WUR;

/*
 * Syncs one folder, with progress on a terminal. New mail in a folder
 * some rule watches goes through the rules first (doc/rules.md, "On
 * arrival"): the jobs they queue run at once and the folder is synced
 * again, so that the command sees the mail where the rules put it. The
 * rules file is read once per command; its problems are printed then.
 */
int cli_sync_folder(struct cli_context *ctx, const struct config_account *acct,
    struct imap_session *s, struct store *st, const char *folder,
    struct sync_stats *stats) FCT_WUR;

struct fct_aliases;
struct sync_sender;

/*
 * Loads the aliases file ([general] aliases, or the default one when it
 * exists), printing every diagnostic; -1 (and *out NULL) on errors.
 */
int cli_load_aliases(struct cli_context *ctx, struct fct_aliases **out) FCT_WUR;

/* How far cli_send_message got. */
enum cli_sent {
	CLI_SENT_NOTHING, /* refused before the outbox: nothing kept */
	CLI_SENT_QUEUED,  /* in the outbox, not sent (retry later) */
	CLI_SENT_SENT,    /* submitted (some recipients may have refused) */
};

/*
 * Sends a complete message (raw, len bytes) as who: into the outbox,
 * submitted, then its copy appended to Sent. Reports on ctx's streams;
 * returns a cli_status (CLI_FAILED as well when some recipients were
 * refused while others got it). *sent (may be NULL) says how far it got.
 */
int cli_send_message(struct cli_context *ctx, const struct sync_sender *who,
    const char *raw, size_t len, enum cli_sent *sent);

/* Progress on ctx->err ("\rFOLDER: DONE/TOTAL"): a sync_progress_fn
 * whose arg is the struct cli_context. */
void cli_progress(void *arg, const char *folder, uint32_t done, uint32_t total);

struct sync_pop_stats;

/* Does the account read its mail over POP3 (src/cli/pop.c)? */
bool cli_is_pop(const struct config_account *acct);

/*
 * Downloads a POP3 account's new mail into the cache's local INBOX (and
 * deletes from the server what its pop_delete policy says), with progress
 * on a terminal; prints the reason on failure.
 */
int cli_pop_sync(struct cli_context *ctx, const struct config_account *acct,
    struct store *st, struct sync_pop_stats *stats) FCT_WUR;

/*
 * Rules on arrival for cli_sync_folder (src/cli/rules_arrival.c). The
 * sync flags a folder needs: SYNC_F_RULES when some rule watches it.
 * Then cli_rules_run_pending runs the rules on the folder's pending mail
 * and the jobs they queue on s; *jobs says how many ran (0: nothing to
 * sync again). On a local folder (POP3; s NULL) the rules' changes are
 * made in the cache at once and no job is queued. Problems with rules are
 * printed; -1 with err when the cache or the session failed.
 */
unsigned cli_rules_sync_flags(struct cli_context *ctx,
    const struct config_account *acct, struct store *st, const char *folder);
int cli_rules_run_pending(struct cli_context *ctx,
    const struct config_account *acct, struct imap_session *s, struct store *st,
    const char *folder, unsigned *jobs, struct fct_error *err) FCT_WUR;

#endif
