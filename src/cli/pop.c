/*
 * What the commands do for a POP3 account: its mail is downloaded into
 * the cache's local INBOX (sync_pop), and everything else (list, search,
 * flag, move, delete) reads and writes the cache alone, since the server
 * keeps no state facteur could change.
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

int
cli_pop_sync(struct cli_context *ctx, const struct config_account *acct,
    struct store *st, struct sync_pop_stats *stats)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct pop_session *s = NULL;
	struct sync_pop_opts opts = { 0 };
	int rc = -1;

	opts.now = time(NULL);
	if (isatty(fileno(ctx->err))) {
		opts.progress = cli_progress;
		opts.progress_arg = ctx;
	}
	if (sync_pop_connect(acct, &s, &err) != 0 ||
	    sync_pop(s, acct, st, &opts, stats, &err) != 0) {
		fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
		    fct_error_msg(&err));
		goto out;
	}
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
