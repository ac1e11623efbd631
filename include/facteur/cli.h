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

/* Syncs one folder, with progress on a terminal. */
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

#endif
