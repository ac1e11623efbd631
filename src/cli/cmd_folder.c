/*
 * `facteur folder create|rename|delete|subscribe|unsubscribe
 * [ACCOUNT:]NAME [NEW] [--offline]`: managing folders. Each becomes a job
 * in the cache's queue (src/sync/folderjob.c), then, unless --offline, the
 * queue runs against the server and the cached folder list follows it.
 *
 * What cannot work is refused here, before any job exists: a folder that
 * is not there (or already is), the special folders (INBOX, Sent, Trash,
 * ...) for delete and INBOX for rename, and what the rights of a shared
 * folder (MYRIGHTS, RFC 4314) forbid: k to create a folder inside
 * another, x to delete or rename one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/cli.h"
#include "facteur/sync.h"

struct folder_result {
	struct cli_context *ctx;
	int failures;
};

static void
job_done(void *arg, const struct store_job *job, const char *reason,
    const struct imap_copyuid *cu)
{
	struct folder_result *r = arg;

	(void)cu;
	if (reason == NULL)
		return;
	fprintf(r->ctx->err, "facteur: %s refused: %s\n", job->kind, reason);
	r->failures++;
}

/* The cached folder called name (borrowed from l), or NULL. */
static const struct store_folder *
find(const struct store_folder_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* The closest cached folder that contains name (its parent), or NULL. */
static const struct store_folder *
parent_of(const struct store_folder_list *l, const char *name)
{
	const struct store_folder *best = NULL;
	size_t i, n;

	for (i = 0; i < l->n; i++) {
		n = strlen(l->v[i].name);
		if (l->v[i].delimiter == '\0' ||
		    strncmp(name, l->v[i].name, n) != 0 ||
		    name[n] != l->v[i].delimiter)
			continue;
		if (best == NULL || n > strlen(best->name))
			best = &l->v[i];
	}
	return best;
}

/* Refuses unless f's rights (NULL: one's own folder) include right. */
static int
need_right(struct cli_context *ctx, const struct store_folder *f, char right,
    const char *what)
{
	if (f == NULL || f->rights == NULL || strchr(f->rights, right) != NULL)
		return 0;
	fprintf(ctx->err,
	    "facteur: cannot %s in '%s': your rights there are '%s'\n", what,
	    f->name, f->rights);
	return -1;
}

static int
check(struct cli_context *ctx, struct store *st, const char *verb,
    const char *name, const char *new_name)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder_list l = { NULL, 0, 0 };
	const struct store_folder *f;
	int rc = -1;

	if (store_folder_list(st, &l, &err) != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	f = find(&l, name);
	if (strcmp(verb, "create") == 0) {
		if (f != NULL) {
			fprintf(ctx->err,
			    "facteur: folder '%s' exists already\n", name);
			goto out;
		}
		if (need_right(ctx, parent_of(&l, name), 'k',
			"create a folder") != 0)
			goto out;
		rc = 0;
		goto out;
	}
	if (f == NULL) {
		fprintf(ctx->err, "facteur: no folder '%s'\n", name);
		goto out;
	}
	if (strcmp(verb, "delete") == 0 && f->role != NULL) {
		fprintf(ctx->err,
		    "facteur: cannot delete '%s': it is the account's %s "
		    "folder\n",
		    name, f->role);
		goto out;
	}
	if ((strcmp(verb, "delete") == 0 || strcmp(verb, "rename") == 0) &&
	    need_right(ctx, f, 'x', verb) != 0)
		goto out;
	if (strcmp(verb, "rename") == 0) {
		if (f->role != NULL && strcmp(f->role, "inbox") == 0) {
			fprintf(ctx->err, "facteur: cannot rename INBOX\n");
			goto out;
		}
		if (find(&l, new_name) != NULL) {
			fprintf(ctx->err,
			    "facteur: folder '%s' exists already\n", new_name);
			goto out;
		}
		if (need_right(ctx, parent_of(&l, new_name), 'k',
			"create a folder") != 0)
			goto out;
	}
	rc = 0;
out:
	fct_error_release(&err);
	store_folder_list_release(&l);
	return rc;
}

static int
cmd_folder(struct cli_context *ctx, int argc, char **argv)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf payload = STRBUF_INIT;
	struct folder_result res = { ctx, 0 };
	const struct config_account *acct;
	struct imap_session *s = NULL;
	struct store *st = NULL;
	const char *kind, *name, *new_name = NULL, *verb;
	bool offline = false;
	int i, j, status = CLI_FAILED;

	for (i = j = 0; i < argc; i++) {
		if (strcmp(argv[i], "--offline") == 0)
			offline = true;
		else
			argv[j++] = argv[i];
	}
	argc = j;
	if (argc < 3 || (kind = sync_folder_job_kind(argv[1])) == NULL ||
	    argc != (strcmp(argv[1], "rename") == 0 ? 4 : 3)) {
		fprintf(ctx->err,
		    "usage: facteur folder "
		    "create|delete|subscribe|unsubscribe [ACCOUNT:]NAME "
		    "[--offline]\n"
		    "       facteur folder rename [ACCOUNT:]NAME NEW "
		    "[--offline]\n");
		return CLI_USAGE;
	}
	verb = argv[1];
	if (cli_load_config(ctx) != 0 ||
	    cli_parse_target(ctx, argv[2], &acct, &name) != 0)
		return CLI_FAILED;
	if (*name == '\0') {
		fprintf(ctx->err, "facteur: no folder name given\n");
		return CLI_USAGE;
	}
	if (argc == 4)
		new_name = argv[3];
	if (cli_open_store(ctx, acct, &st) != 0)
		goto out;
	if (!offline && cli_connect(ctx, acct, st, NULL, &s) != 0)
		goto out;
	if (check(ctx, st, verb, name, new_name) != 0)
		goto out;
	if (sync_folder_job_make(&payload, name, new_name, &err) != 0 ||
	    store_job_add(st, kind, payload.buf, NULL, &err) != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	if (offline) {
		fprintf(ctx->err,
		    "facteur: %s queued; it runs with the next command that "
		    "goes online\n",
		    kind);
		status = CLI_OK;
		goto out;
	}
	if (sync_jobs_run(s, st, job_done, &res, &err) != 0) {
		fprintf(ctx->err,
		    "facteur: account '%s': %s (the job stays queued)\n",
		    acct->name, fct_error_msg(&err));
		goto out;
	}
	status = res.failures > 0 ? CLI_FAILED : CLI_OK;
out:
	fct_error_release(&err);
	strbuf_release(&payload);
	imap_session_close(&s);
	store_close(&st);
	return status;
}

const struct cli_command cli_cmd_folder = {
	.name = "folder",
	.args = "create|rename|delete|subscribe|unsubscribe [ACCOUNT:]NAME "
		"[NEW] [--offline]",
	.help = "create, rename, delete or (un)subscribe a folder",
	.exec = cmd_folder,
};
