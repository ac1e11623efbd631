/*
 * The commands that change messages: `facteur move|copy [ACCOUNT:]FOLDER
 * UID... DEST` and `facteur flag [ACCOUNT:]FOLDER UID... +seen|-flagged|
 * +KEYWORD...`. Each becomes a job in the cache's queue, then (unless
 * --offline) the queue runs against the server and the folders touched are
 * synced, so that the cache shows the result. Queued offline, the job runs
 * with the next command that goes online, in order.
 *
 * What the folder's rights (MYRIGHTS) forbid is refused here, before any
 * job exists: a read-only shared mailbox says so at once.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/cli.h"
#include "facteur/sync.h"
#include "facteur/sync_pop.h"

struct job_result {
	struct cli_context *ctx;
	int failures;
};

/* RFC 4314 rights a job needs; NULL rights (own folder) allow all. */
static int
check_rights(struct cli_context *ctx, struct store *st, const char *folder,
    const char *need, const char *what)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder f = { 0 };
	const char *c;
	int found, rc = 0;

	if ((found = store_folder_get(st, folder, &f, &err)) <= 0) {
		fprintf(ctx->err, "facteur: %s\n",
		    found < 0 ? fct_error_msg(&err) : "no such folder");
		if (found == 0)
			fprintf(ctx->err, "facteur: no folder '%s'\n", folder);
		fct_error_release(&err);
		return -1;
	}
	for (c = need; f.rights != NULL && *c != '\0'; c++) {
		if (strchr(f.rights, *c) != NULL)
			continue;
		fprintf(ctx->err,
		    "facteur: cannot %s in '%s': your rights "
		    "there are '%s' (read-only)\n",
		    what, folder, f.rights);
		rc = -1;
		break;
	}
	store_folder_release(&f);
	return rc;
}

static void
job_done(void *arg, const struct store_job *job, const char *reason,
    const struct imap_copyuid *cu)
{
	struct job_result *r = arg;
	size_t i;

	if (reason != NULL) {
		fprintf(r->ctx->err, "facteur: %s refused: %s\n", job->kind,
		    reason);
		r->failures++;
		return;
	}
	for (i = 0; cu != NULL && i < cu->src.n && i < cu->dst.n; i++)
		fprintf(r->ctx->out, "%u\t%u\n", cu->src.v[i], cu->dst.v[i]);
}

static int
parse_uid(const char *s, uint32_t *uid)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v == 0 ||
	    v > UINT32_MAX)
		return -1;
	*uid = (uint32_t)v;
	return 0;
}

/*
 * Parses argv[from..to) as UIDs into a new array (owned, free()), or
 * prints which one is wrong and returns NULL.
 */
static uint32_t *
parse_uid_args(struct cli_context *ctx, char **argv, int from, int to)
{
	uint32_t *uids = xcalloc((size_t)(to - from + 1), sizeof *uids);
	int i;

	for (i = from; i < to; i++) {
		if (parse_uid(argv[i], &uids[i - from]) != 0) {
			fprintf(ctx->err, "facteur: bad UID '%s'\n", argv[i]);
			free(uids);
			return NULL;
		}
	}
	return uids;
}

/*
 * A POP3 account's folders are local: the job is applied to the cache at
 * once (sync_local_job), online or not. A move prints old and new UIDs as
 * for IMAP.
 */
static int
run_local_job(struct cli_context *ctx, const struct config_account *acct,
    const char *kind, const struct sync_job_spec *spec)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_copyuid cu = IMAP_COPYUID_INIT;
	struct store *st = NULL;
	unsigned done;
	size_t i;
	int status = CLI_FAILED;

	if (cli_open_store(ctx, acct, &st) != 0)
		goto out;
	if (sync_local_job(st, kind, spec, &cu, &done, &err) != 0) {
		fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
		    fct_error_msg(&err));
		goto out;
	}
	for (i = 0; i < cu.src.n && i < cu.dst.n; i++)
		fprintf(ctx->out, "%u\t%u\n", cu.src.v[i], cu.dst.v[i]);
	status = CLI_OK;
out:
	imap_copyuid_release(&cu);
	fct_error_release(&err);
	store_close(&st);
	return status;
}

/* Queues the job, then runs the queue and resyncs the folders touched. */
static int
run_job(struct cli_context *ctx, const struct config_account *acct,
    const char *kind, const struct sync_job_spec *spec, const char *need,
    const char *need_dest, bool offline)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf payload = STRBUF_INIT;
	struct job_result res = { ctx, 0 };
	struct store *st = NULL;
	struct imap_session *s = NULL;
	struct sync_stats stats;
	int64_t id;
	int status = CLI_FAILED;

	if (cli_is_pop(acct))
		return run_local_job(ctx, acct, kind, spec);
	if (cli_open_store(ctx, acct, &st) != 0)
		goto out;
	if (!offline &&
	    cli_connect(ctx, acct, st,
		(const char *const[]){ spec->folder, spec->dest, NULL },
		&s) != 0)
		goto out;
	if (check_rights(ctx, st, spec->folder, need, kind) != 0 ||
	    (spec->dest != NULL &&
		check_rights(ctx, st, spec->dest, need_dest, kind) != 0))
		goto out;
	if (sync_job_make(&payload, spec, &err) != 0 ||
	    store_job_add(st, kind, payload.buf, &id, &err) != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	if (offline) {
		fprintf(ctx->err,
		    "facteur: %s queued; it runs with the next "
		    "command that goes online\n",
		    kind);
		status = CLI_OK;
		goto out;
	}
	if (sync_jobs_run(s, st, job_done, &res, &err) != 0) {
		fprintf(ctx->err,
		    "facteur: account '%s': %s (the job stays "
		    "queued)\n",
		    acct->name, fct_error_msg(&err));
		goto out;
	}
	if (cli_sync_folder(ctx, acct, s, st, spec->folder, &stats) != 0 ||
	    (spec->dest != NULL &&
		cli_sync_folder(ctx, acct, s, st, spec->dest, &stats) != 0))
		goto out;
	status = res.failures > 0 ? CLI_FAILED : CLI_OK;
out:
	fct_error_release(&err);
	strbuf_release(&payload);
	imap_session_close(&s);
	store_close(&st);
	return status;
}

static bool
offline_flag(int *argc, char **argv)
{
	int i, j;
	bool offline = false;

	for (i = j = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--offline") == 0)
			offline = true;
		else
			argv[j++] = argv[i];
	}
	*argc = j;
	return offline;
}

static int
cmd_copy_or_move(struct cli_context *ctx, int argc, char **argv, bool move)
{
	const struct config_account *acct;
	struct sync_job_spec spec = { 0 };
	uint32_t *uids = NULL;
	const char *folder;
	bool offline = offline_flag(&argc, argv);
	int status;

	if (argc < 4) {
		fprintf(ctx->err,
		    "usage: facteur %s [ACCOUNT:]FOLDER UID... "
		    "DEST [--offline]\n",
		    argv[0]);
		return CLI_USAGE;
	}
	if (cli_load_config(ctx) != 0 ||
	    cli_parse_target(ctx, argv[1], &acct, &folder) != 0)
		return CLI_FAILED;
	if ((uids = parse_uid_args(ctx, argv, 2, argc - 1)) == NULL)
		return CLI_USAGE;
	spec.folder = folder;
	spec.uids = uids;
	spec.nuids = (size_t)(argc - 3);
	spec.dest = argv[argc - 1];
	/* A move deletes (t) and expunges (e) at the source; both insert (i)
	 * at the destination. */
	status = run_job(ctx, acct, move ? "move" : "copy", &spec,
	    move ? "rte" : "r", "i", offline);
	free(uids);
	return status;
}

static int
cmd_move(struct cli_context *ctx, int argc, char **argv)
{
	return cmd_copy_or_move(ctx, argc, argv, true);
}

static int
cmd_copy(struct cli_context *ctx, int argc, char **argv)
{
	return cmd_copy_or_move(ctx, argc, argv, false);
}

/* The account's Trash (role "trash") in *name (owned), or -1. */
static int
trash_folder(struct cli_context *ctx, const struct config_account *acct,
    char **name)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder_list l = { NULL, 0, 0 };
	struct store *st = NULL;
	size_t i;

	*name = NULL;
	if (cli_open_store(ctx, acct, &st) != 0)
		return -1;
	if (store_folder_list(st, &l, &err) != 0)
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
	for (i = 0; i < l.n && *name == NULL; i++)
		if (l.v[i].role != NULL && strcmp(l.v[i].role, "trash") == 0)
			*name = xstrdup(l.v[i].name);
	fct_error_release(&err);
	store_folder_list_release(&l);
	store_close(&st);
	if (*name == NULL)
		fprintf(ctx->err,
		    "facteur: account '%s' has no Trash folder "
		    "(sync it first, or use move)\n",
		    acct->name);
	return *name != NULL ? 0 : -1;
}

/*
 * `facteur delete`: to Trash; in Trash itself, gone for good (only the
 * messages named: UID EXPUNGE).
 */
static int
cmd_delete(struct cli_context *ctx, int argc, char **argv)
{
	const struct config_account *acct;
	struct sync_job_spec spec = { 0 };
	uint32_t *uids;
	const char *folder;
	char *trash = NULL;
	bool offline = offline_flag(&argc, argv);
	int status = CLI_FAILED;

	if (argc < 3) {
		fprintf(ctx->err,
		    "usage: facteur delete [ACCOUNT:]FOLDER UID... "
		    "[--offline]\n");
		return CLI_USAGE;
	}
	if (cli_load_config(ctx) != 0 ||
	    cli_parse_target(ctx, argv[1], &acct, &folder) != 0)
		return CLI_FAILED;
	if ((uids = parse_uid_args(ctx, argv, 2, argc)) == NULL)
		return CLI_USAGE;
	spec.folder = folder;
	spec.uids = uids;
	spec.nuids = (size_t)(argc - 2);
	/* Local folders have no Trash on a server: gone for good. */
	if (cli_is_pop(acct)) {
		status = run_local_job(ctx, acct, "delete", &spec);
		goto out;
	}
	if (trash_folder(ctx, acct, &trash) != 0)
		goto out;
	spec.folder = folder;
	spec.uids = uids;
	spec.nuids = (size_t)(argc - 2);
	if (strcmp(folder, trash) == 0)
		status =
		    run_job(ctx, acct, "expunge", &spec, "te", NULL, offline);
	else {
		spec.dest = trash;
		status = run_job(ctx, acct, "move", &spec, "rte", "i", offline);
	}
out:
	free(trash);
	free(uids);
	return status;
}

/*
 * One change, "+seen" or "-$Work": a system flag into *flags, or a keyword
 * appended to kw as " kw1 kw2 ".
 */
static int
parse_change(const char *word, unsigned *flags, struct strbuf *kw)
{
	unsigned f;

	if (*word == '\0' || strpbrk(word, " \t\r\n()\"\\{}%*") != NULL)
		return -1;
	if ((f = sync_flag_from_word(word)) != 0)
		*flags |= f;
	else {
		if (kw->len == 0)
			strbuf_addch(kw, ' ');
		strbuf_addstr(kw, word);
		strbuf_addch(kw, ' ');
	}
	return 0;
}

static int
cmd_flag(struct cli_context *ctx, int argc, char **argv)
{
	const struct config_account *acct;
	struct sync_job_spec spec = { 0 };
	struct strbuf kw[2] = { STRBUF_INIT, STRBUF_INIT };
	unsigned flags[2] = { 0, 0 };
	uint32_t *uids;
	const char *folder;
	bool offline = offline_flag(&argc, argv);
	size_t nuids = 0;
	int i, k, status = CLI_OK;

	if (argc < 4) {
		fprintf(ctx->err,
		    "usage: facteur flag [ACCOUNT:]FOLDER UID... "
		    "+FLAG|-FLAG... [--offline]\n");
		return CLI_USAGE;
	}
	if (cli_load_config(ctx) != 0 ||
	    cli_parse_target(ctx, argv[1], &acct, &folder) != 0)
		return CLI_FAILED;
	uids = xcalloc((size_t)argc, sizeof *uids);
	for (i = 2; i < argc; i++) {
		if (argv[i][0] == '+' || argv[i][0] == '-') {
			/* [0] collects what is added, [1] what is removed. */
			k = argv[i][0] == '-';
			if (parse_change(argv[i] + 1, &flags[k], &kw[k]) != 0)
				goto bad;
		} else if (parse_uid(argv[i], &uids[nuids++]) != 0)
			goto bad;
	}
	if (nuids == 0 ||
	    (flags[0] == 0 && flags[1] == 0 && kw[0].len == 0 &&
		kw[1].len == 0))
		goto bad;
	spec.folder = folder;
	spec.uids = uids;
	spec.nuids = nuids;
	for (k = 0; k < 2 && status == CLI_OK; k++) {
		if (flags[k] == 0 && kw[k].len == 0)
			continue;
		spec.op = k == 0 ? '+' : '-';
		spec.flags = flags[k];
		spec.keywords = kw[k].len > 0 ? kw[k].buf : NULL;
		/* \Seen needs s, \Deleted t, the rest w (RFC 4314). */
		status = run_job(ctx, acct, "flag", &spec,
		    (flags[k] & FCT_FLAG_DELETED) ? "t"
			: (flags[k] & ~FCT_FLAG_SEEN) != 0 || kw[k].len > 0
			? "w"
			: "s",
		    NULL, offline);
	}
	goto out;
bad:
	fprintf(ctx->err,
	    "facteur: expected UIDs and changes such as +seen, "
	    "-flagged, +answered, +draft, +deleted, +KEYWORD\n");
	status = CLI_USAGE;
out:
	strbuf_release(&kw[0]);
	strbuf_release(&kw[1]);
	free(uids);
	return status;
}

const struct cli_command cli_cmd_move = {
	.name = "move",
	.args = "[ACCOUNT:]FOLDER UID... DEST [--offline]",
	.help = "move messages to another folder (prints old and new UIDs)",
	.exec = cmd_move,
};

const struct cli_command cli_cmd_copy = {
	.name = "copy",
	.args = "[ACCOUNT:]FOLDER UID... DEST [--offline]",
	.help = "copy messages to another folder (prints old and new UIDs)",
	.exec = cmd_copy,
};

const struct cli_command cli_cmd_delete = {
	.name = "delete",
	.args = "[ACCOUNT:]FOLDER UID... [--offline]",
	.help = "move messages to Trash; in Trash, remove them for good",
	.exec = cmd_delete,
};

const struct cli_command cli_cmd_flag = {
	.name = "flag",
	.args = "[ACCOUNT:]FOLDER UID... +FLAG|-FLAG... [--offline]",
	.help = "set or clear flags (seen, answered, flagged, draft, "
		"deleted) and keywords",
	.exec = cmd_flag,
};
