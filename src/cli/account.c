/*
 * What the commands that work on an account's cache share: finding the
 * account and folder a command names, opening the cache, and bringing a
 * folder up to date before reading it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
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

static void
progress(void *arg, const char *folder, uint32_t done, uint32_t total)
{
	struct cli_context *ctx = arg;

	fprintf(ctx->err, "\r%s: %u/%u", folder, done, total);
	if (done >= total)
		fputc('\n', ctx->err);
	fflush(ctx->err);
}

/* The rules, read once per command; NULL when there are none. */
static const struct rules *
cli_rules(struct cli_context *ctx)
{
	struct config_diags d = CONFIG_DIAGS_INIT;

	if (!ctx->rules_read) {
		ctx->rules_read = true;
		/* A bad rule never stops the good ones: the problems are
		 * printed, the rules that parsed run. */
		if (rules_load(ctx->cfg->rules_file, &ctx->rules, &d) != 0)
			fprintf(ctx->err,
			    "facteur: the rules with errors are "
			    "skipped\n");
		config_diags_print(&d, ctx->err);
		config_diags_release(&d);
	}
	return ctx->rules != NULL && ctx->rules->n > 0 ? ctx->rules : NULL;
}

static bool
rules_watch(const struct rules *rs, const char *account, struct store *st,
    const char *folder)
{
	struct store_folder f = STORE_FOLDER_INIT;
	bool inbox = strcasecmp(folder, "INBOX") == 0;
	size_t i;

	if (rs == NULL)
		return false;
	if (store_folder_get(st, folder, &f, NULL) == 1 && f.role != NULL)
		inbox = strcmp(f.role, "inbox") == 0;
	store_folder_release(&f);
	for (i = 0; i < rs->n; i++)
		if (rules_in_scope(&rs->v[i], account, folder, inbox))
			return true;
	return false;
}

static void
rules_problem(void *arg, const struct rule *r, const struct rule_action *a,
    const char *msg)
{
	struct cli_context *ctx = arg;

	(void)r;
	(void)a;
	fprintf(ctx->err, "facteur: %s\n", msg);
}

static void replayed(void *arg, const struct store_job *job, const char *reason,
    const struct imap_copyuid *cu);

/* Runs the rules on the folder's pending mail, and their jobs. */
static int
run_pending(struct cli_context *ctx, const struct config_account *acct,
    struct imap_session *s, struct store *st, const char *folder,
    unsigned *jobs, struct fct_error *err)
{
	static const struct rules none;
	struct sync_rules_callbacks cb = { NULL, rules_problem, ctx };
	struct sync_rules_stats stats;
	const struct rules *rs = cli_rules(ctx);
	size_t n = 0;

	*jobs = 0;
	if (store_rules_pending_count(st, 0, &n, err) != 0)
		return -1;
	if (n == 0)
		return 0;
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
	return sync_jobs_run(s, st, replayed, ctx, err);
}

int
cli_sync_folder(struct cli_context *ctx, const struct config_account *acct,
    struct imap_session *s, struct store *st, const char *folder,
    struct sync_stats *stats)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_stats again;
	bool tty = isatty(fileno(ctx->err));
	unsigned flags = 0, jobs = 0;

	if (rules_watch(cli_rules(ctx), acct->name, st, folder))
		flags |= SYNC_F_RULES;
	if (sync_folder(s, st, folder, sync_mode_from_config(acct->sync_mode),
		flags, tty ? progress : NULL, ctx, stats, &err) != 0)
		goto fail;
	if (run_pending(ctx, acct, s, st, folder, &jobs, &err) != 0)
		goto fail;
	/* The rules changed mail: show the folder as they left it, with
	 * the first sync's counts. */
	if (jobs > 0 &&
	    sync_folder(s, st, folder, sync_mode_from_config(acct->sync_mode),
		flags, NULL, ctx, &again, &err) != 0)
		goto fail;
	return 0;
fail:
	fprintf(ctx->err, "facteur: account '%s': cannot sync '%s': %s\n",
	    acct->name, folder, fct_error_msg(&err));
	fct_error_release(&err);
	return -1;
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
