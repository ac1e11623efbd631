/*
 * What the commands that work on an account's cache share: finding the
 * account and folder a command names, opening the cache, and bringing a
 * folder up to date before reading it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facteur/cli.h"
#include "facteur/sync.h"

int
cli_parse_target(struct cli_context *ctx, const char *spec,
    const struct config_account **acct, const char **folder)
{
	const char *colon = strchr(spec, ':');
	const struct config_account *a = NULL;
	char *name;

	if (colon != NULL) {
		name = xstrndup(spec, (size_t)(colon - spec));
		a = config_find_account(ctx->cfg, name);
		free(name);
	}
	if (a != NULL) {
		*acct = a;
		*folder = colon + 1;
	} else {
		/* No account prefix: the first account, the whole is a folder. */
		*acct = config_find_account(ctx->cfg, NULL);
		*folder = spec;
	}
	if (*acct == NULL) {
		fprintf(ctx->err, "facteur: no account in the configuration\n");
		return -1;
	}
	if (**folder == '\0')
		*folder = "INBOX";
	return 0;
}

int
cli_open_store(struct cli_context *ctx, const struct config_account *acct,
    struct store **st)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *path = sync_store_path(ctx->cfg, acct);
	int rc = store_open(path, st, &err);

	if (rc != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		fct_error_release(&err);
	}
	free(path);
	return rc;
}

void
cli_progress(void *arg, const char *folder, uint32_t done, uint32_t total)
{
	struct cli_context *ctx = arg;

	fprintf(ctx->err, "\r%s: %u/%u", folder, done, total);
	if (done >= total)
		fputc('\n', ctx->err);
	fflush(ctx->err);
}

int
cli_sync_folder(struct cli_context *ctx, const struct config_account *acct,
    struct imap_session *s, struct store *st, const char *folder,
    struct sync_stats *stats)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_stats again;
	bool tty = isatty(fileno(ctx->err));
	unsigned flags = cli_rules_sync_flags(ctx, acct, st, folder), jobs = 0;

	/* New mail goes through the rules; what they changed is synced
	 * again, keeping the first sync's counts. */
	if (sync_folder(s, st, folder, sync_mode_from_config(acct->sync_mode),
		flags, tty ? cli_progress : NULL, ctx, stats, &err) != 0 ||
	    cli_rules_run_pending(ctx, acct, s, st, folder, &jobs, &err) != 0 ||
	    (jobs > 0 &&
		sync_folder(s, st, folder,
		    sync_mode_from_config(acct->sync_mode), flags, NULL, ctx,
		    &again, &err) != 0)) {
		fprintf(ctx->err,
		    "facteur: account '%s': cannot sync '%s': %s\n", acct->name,
		    folder, fct_error_msg(&err));
		fct_error_release(&err);
		return -1;
	}
	return 0;
}

static void
replayed(void *arg, const struct store_job *job, const char *reason,
    const struct imap_copyuid *cu)
{
	struct cli_context *ctx = arg;

	if (reason != NULL)
		fprintf(ctx->err, "facteur: queued %s refused: %s\n", job->kind,
		    reason);
}

/* Does the cache know every folder named (a NULL-terminated list)? */
static bool
all_known(struct store *st, const char *const *folders)
{
	struct store_folder f = STORE_FOLDER_INIT;
	bool known = folders != NULL;
	int found;

	for (; known && *folders != NULL; folders++) {
		found = store_folder_get(st, *folders, &f, NULL);
		known = found == 1;
	}
	store_folder_release(&f);
	return known;
}

int
cli_connect(struct cli_context *ctx, const struct config_account *acct,
    struct store *st, const char *const *folders, struct imap_session **s)
{
	struct fct_error err = FCT_ERROR_INIT;
	size_t pending = 0;

	if (acct->imap.proto != CONFIG_PROTO_IMAP) {
		fprintf(ctx->err, "facteur: account '%s' has no IMAP server\n",
		    acct->name);
		return -1;
	}
	/* Online again: what was queued offline goes first, in order. */
	/* LIST only when the cache lacks a folder the command needs: besides
	 * its own cost, it makes Dovecot's next SELECT of a large folder
	 * re-read its index (doc/benchmarks.md). */
	if (sync_connect(acct, s, &err) != 0 ||
	    (!all_known(st, folders) && sync_folder_list(*s, st, &err) != 0) ||
	    store_job_count(st, &pending, &err) != 0 ||
	    (pending > 0 && sync_jobs_run(*s, st, replayed, ctx, &err) != 0)) {
		fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
		    fct_error_msg(&err));
		fct_error_release(&err);
		imap_session_close(s);
		return -1;
	}
	return 0;
}
