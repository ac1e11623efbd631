/*
 * What the commands do for a POP3 account: its mail is downloaded into
 * the cache's local INBOX (sync_pop), and everything else (list, search,
 * flag, move, delete) reads and writes the cache alone, since the server
 * keeps no state facteur could change. New mail goes through the rules
 * (doc/rules.md, "On arrival"): marked pending as it is stored, then the
 * rules applied to the cache at once, before the command shows anything.
 */
#include "config.h"

#include <time.h>
#include <unistd.h>

#include "facteur/cli.h"
#include "facteur/sync_pop.h"

bool
cli_is_pop(const struct config_account *acct)
{
	return acct->pop.proto == CONFIG_PROTO_POP;
}

/* Messages in the local INBOX, in *n. */
static int
inbox_count(struct store *st, size_t *n, struct fct_error *err)
{
	struct store_folder f = STORE_FOLDER_INIT;
	int found, rc;

	*n = 0;
	if ((found = store_folder_get(st, SYNC_POP_FOLDER, &f, err)) <= 0)
		return found;
	rc = store_msg_count(st, f.id, n, err);
	store_folder_release(&f);
	return rc;
}

int
cli_pop_sync(struct cli_context *ctx, const struct config_account *acct,
    struct store *st, struct sync_pop_stats *stats)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct pop_session *s = NULL;
	struct sync_pop_opts opts = { 0 };
	unsigned jobs;
	size_t total;
	int rc = -1, synced;

	opts.now = time(NULL);
	if (cli_rules_sync_flags(ctx, acct, st, SYNC_POP_FOLDER) & SYNC_F_RULES)
		opts.on_new = sync_pop_rules_mark;
	if (isatty(fileno(ctx->err))) {
		opts.progress = cli_progress;
		opts.progress_arg = ctx;
	}
	synced = sync_pop_connect(acct, &s, &err) == 0 &&
	    sync_pop(s, acct, st, &opts, stats, &err) == 0;
	if (!synced) {
		fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
		    fct_error_msg(&err));
		fct_error_release(&err);
	}
	/* Also what an interrupted session stored, or a crash left. */
	if (cli_rules_run_pending(ctx, acct, NULL, st, SYNC_POP_FOLDER, &jobs,
		&err) != 0 ||
	    inbox_count(st, &total, &err) != 0) {
		fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
		    fct_error_msg(&err));
		goto out;
	}
	if (!synced)
		goto out;
	stats->total = (uint32_t)total;
	if (stats->skipped > 0)
		fprintf(ctx->err,
		    "facteur: account '%s': %u message%s larger than %llu MiB "
		    "left on the server, not downloaded\n",
		    acct->name, stats->skipped, stats->skipped == 1 ? "" : "s",
		    (unsigned long long)(SYNC_POP_MAX_MESSAGE >> 20));
	rc = 0;
out:
	fct_error_release(&err);
	pop_session_close(&s);
	return rc;
}
