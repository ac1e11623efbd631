/*
 * `facteur sync [ACCOUNT[:FOLDER]]`: brings the cache in step with the
 * server, every folder of every account by default, and prints one line
 * per folder: account, folder, method, added, changed, expunged, total.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/cli.h"
#include "facteur/sync.h"
#include "facteur/sync_pop.h"

/*
 * A POP3 account: its maildrop into the local INBOX. The line has the
 * IMAP columns (method "pop3"; changed and expunged are always 0) and one
 * more: how many messages were deleted from the server.
 */
static int
sync_pop_account(struct cli_context *ctx, const struct config_account *acct,
    const char *only)
{
	struct sync_pop_stats stats;
	struct store *st = NULL;
	int rc = -1;

	if (only != NULL && strcmp(only, SYNC_POP_FOLDER) != 0) {
		fprintf(ctx->err,
		    "facteur: account '%s' reads POP3 mail into '%s' only; "
		    "'%s' is a local folder\n",
		    acct->name, SYNC_POP_FOLDER, only);
		return -1;
	}
	if (cli_open_store(ctx, acct, &st) != 0 ||
	    cli_pop_sync(ctx, acct, st, &stats) != 0)
		goto out;
	cli_put_field(ctx->out, acct->name);
	fprintf(ctx->out, "\t%s\tpop3\t%u\t0\t0\t%u\t%u\n", SYNC_POP_FOLDER,
	    stats.added, stats.total, stats.deleted);
	fflush(ctx->out);
	rc = 0;
out:
	store_close(&st);
	return rc;
}

static int
sync_account(struct cli_context *ctx, const struct config_account *acct,
    const char *only)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = NULL;
	struct imap_session *s = NULL;
	struct store_folder_list folders = { NULL, 0, 0 };
	struct sync_stats stats;
	size_t i;
	int rc = -1, failed = 0;

	if (cli_open_store(ctx, acct, &st) != 0 ||
	    cli_connect(ctx, acct, st,
		only != NULL ? (const char *const[]){ only, NULL } : NULL,
		&s) != 0)
		goto out;
	if (store_folder_list(st, &folders, &err) != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	for (i = 0; i < folders.n; i++) {
		if (folders.v[i].noselect ||
		    (only != NULL && strcmp(folders.v[i].name, only) != 0))
			continue;
		if (cli_sync_folder(ctx, acct, s, st, folders.v[i].name,
			&stats) != 0) {
			failed++;
			continue;
		}
		cli_put_field(ctx->out, acct->name);
		fputc('\t', ctx->out);
		cli_put_field(ctx->out, folders.v[i].name);
		fprintf(ctx->out, "\t%s\t%u\t%u\t%u\t%u\n",
		    imap_sync_mode_name(stats.mode), stats.added, stats.changed,
		    stats.expunged, stats.total);
		fflush(ctx->out);
		if (only != NULL)
			break;
	}
	if (only != NULL && i == folders.n) {
		fprintf(ctx->err, "facteur: account '%s' has no folder '%s'\n",
		    acct->name, only);
		goto out;
	}
	rc = failed ? -1 : 0;
out:
	fct_error_release(&err);
	store_folder_list_release(&folders);
	imap_session_close(&s);
	store_close(&st);
	return rc;
}

static int
cmd_sync(struct cli_context *ctx, int argc, char **argv)
{
	const struct config_account *acct;
	const char *folder = NULL;
	char *name = NULL;
	const char *colon;
	size_t i;
	int status = CLI_OK;

	if (argc > 2) {
		fprintf(ctx->err, "usage: facteur sync [ACCOUNT[:FOLDER]]\n");
		return CLI_USAGE;
	}
	if (cli_load_config(ctx) != 0)
		return CLI_FAILED;
	if (argc == 2) {
		colon = strchr(argv[1], ':');
		name = colon != NULL
		    ? xstrndup(argv[1], (size_t)(colon - argv[1]))
		    : xstrdup(argv[1]);
		folder = colon != NULL ? colon + 1 : NULL;
		if (config_find_account(ctx->cfg, name) == NULL) {
			fprintf(ctx->err, "facteur: no account '%s'\n", name);
			free(name);
			return CLI_FAILED;
		}
	}
	for (i = 0; i < ctx->cfg->naccounts; i++) {
		acct = &ctx->cfg->accounts[i];
		if (name != NULL && strcmp(acct->name, name) != 0)
			continue;
		if (cli_is_pop(acct) ? sync_pop_account(ctx, acct, folder) != 0
				     : sync_account(ctx, acct, folder) != 0)
			status = CLI_FAILED;
	}
	free(name);
	return status;
}

const struct cli_command cli_cmd_sync = {
	.name = "sync",
	.args = "[ACCOUNT[:FOLDER]]",
	.help = "bring the local cache in step with the server",
	.exec = cmd_sync,
};
