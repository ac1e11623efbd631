/*
 * New mail through the rules in the commands that sync (cli_sync_folder):
 * the same as the account worker does (doc/rules.md, "On arrival"), on the
 * command's own session. The rules file is read once per command, on
 * first use, and its problems printed then; a bad rule never stops the
 * good ones.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "facteur/cli.h"
#include "facteur/rules.h"
#include "facteur/sync.h"

/* The rules, read once per command; NULL when there are none. */
static const struct rules *
cli_rules(struct cli_context *ctx)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	int rc;

	if (!ctx->rules_read) {
		ctx->rules_read = true;
		rc = rules_load(ctx->cfg->rules_file, &ctx->rules, &d);
		config_diags_print(&d, ctx->err);
		if (rc != 0)
			fprintf(ctx->err,
			    "facteur: the rules with errors are "
			    "skipped\n");
		config_diags_release(&d);
	}
	return ctx->rules != NULL && ctx->rules->n > 0 ? ctx->rules : NULL;
}

unsigned
cli_rules_sync_flags(struct cli_context *ctx, const struct config_account *acct,
    struct store *st, const char *folder)
{
	struct store_folder f = STORE_FOLDER_INIT;
	const struct rules *rs = cli_rules(ctx);
	bool inbox = strcasecmp(folder, "INBOX") == 0;
	size_t i;

	if (rs == NULL)
		return 0;
	if (store_folder_get(st, folder, &f, NULL) == 1 && f.role != NULL)
		inbox = strcmp(f.role, "inbox") == 0;
	store_folder_release(&f);
	for (i = 0; i < rs->n; i++)
		if (rules_in_scope(&rs->v[i], acct->name, folder, inbox))
			return SYNC_F_RULES;
	return 0;
}

static void
on_problem(void *arg, const struct rule *r, const struct rule_action *a,
    const char *msg)
{
	struct cli_context *ctx = arg;

	(void)r;
	(void)a;
	fprintf(ctx->err, "facteur: %s\n", msg);
}

static void
on_job(void *arg, const struct store_job *job, const char *reason,
    const struct imap_copyuid *cu)
{
	struct cli_context *ctx = arg;

	(void)cu;
	if (reason != NULL)
		fprintf(ctx->err, "facteur: %s refused: %s\n", job->kind,
		    reason);
}

int
cli_rules_run_pending(struct cli_context *ctx,
    const struct config_account *acct, struct imap_session *s, struct store *st,
    const char *folder, unsigned *jobs, struct fct_error *err)
{
	static const struct rules none;
	struct sync_rules_callbacks cb = { NULL, on_problem, ctx };
	struct sync_rules_stats stats;
	const struct rules *rs = cli_rules(ctx);
	unsigned fetched;
	size_t n = 0;

	*jobs = 0;
	if (store_rules_pending_count(st, 0, &n, err) != 0)
		return -1;
	if (n == 0)
		return 0;
	/* Bodies for the rules on bodies (a server's folder only: a local
	 * one has them all); failing that, the mail stays pending. */
	if (s != NULL && rs != NULL &&
	    sync_rules_fetch_bodies(s, st, acct->name, rs, folder,
		SYNC_BODY_BUDGET, &fetched, err) != 0)
		return -1;
	/* Without rules now, pending mail is simply released. */
	if (sync_rules_apply(st, acct->name, rs != NULL ? rs : &none, folder,
		NULL, 0, SYNC_RULES_PENDING, time(NULL), &cb, &stats, err) != 0)
		return -1;
	if (stats.matched > 0)
		fprintf(ctx->err,
		    "facteur: account '%s': the rules changed %u new "
		    "message(s) in '%s'\n",
		    acct->name, stats.matched, folder);
	*jobs = stats.jobs;
	if (stats.jobs == 0)
		return 0;
	/* Local folders (s NULL) have their plans applied, not queued. */
	if (s == NULL)
		BUG("rules queued %u job(s) on local folder '%s'", stats.jobs,
		    folder);
	return sync_jobs_run(s, st, on_job, ctx, err);
}
