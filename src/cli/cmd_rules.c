/*
 * `facteur rules check|test|apply`: the rules file from the shell.
 *
 *   rules check [FILE]
 *       parses the file (FILE, else `rules =` of the configuration, else
 *       the default) and reports every error as FILE:LINE:COLUMN; then,
 *       for each account whose cache knows its folders, every rule that
 *       could not work there (a destination unknown or read-only, ...).
 *   rules test MESSAGE_FILE [[ACCOUNT:]FOLDER]
 *       which rules match the message in the file (as if it had arrived
 *       in FOLDER, INBOX by default) and what they would do; no cache,
 *       no network.
 *   rules export-sieve [ACCOUNT] [--upload]
 *       writes the rules Sieve can express as an RFC 5228 script (to
 *       standard output) and lists the others with the reason (to standard
 *       error); --upload installs it as the active script "facteur" on the
 *       account's ManageSieve server instead.
 *   rules apply [ACCOUNT:]FOLDER [--dry-run] [--offline]
 *       brings the folder up to date, runs the rules on all of it, and
 *       prints each message a rule applied to with what was done (or, with
 *       --dry-run, what would be: then nothing is written, to the cache or
 *       the server). The changes are the jobs `facteur move` and
 *       `facteur flag` make; --offline only queues them. On a POP3
 *       account's local folders the changes are made in the cache at
 *       once, and a dry run downloads nothing.
 *
 * Output lines of test and apply (fields escaped by cli_put_field):
 *   test:  RULE-NAME  LINE            (one per matching rule, in order)
 *          =>  ACTIONS               (the resolved plan, last)
 *   apply: UID  FROM  SUBJECT  ACTIONS
 *
 * A bad rule never stops the good ones: its errors are printed, the rest
 * run, and the exit status is 1.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "facteur/cli.h"
#include "facteur/mime.h"
#include "facteur/rules.h"
#include "facteur/sieve.h"
#include "facteur/sync.h"
#include "facteur/sync_pop.h"

/*
 * Loads the rules of path (NULL: the configuration's, else the default)
 * into *rs (owned, rules_free), printing every diagnostic. Returns -1 when
 * the file had errors (*rs still holds the good rules).
 */
static int
load_rules(struct cli_context *ctx, const char *path, struct rules **rs)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	int rc;

	if (path == NULL && ctx->cfg != NULL)
		path = ctx->cfg->rules_file;
	rc = rules_load(path, rs, &d);
	config_diags_print(&d, ctx->err);
	config_diags_release(&d);
	if ((*rs)->nskipped > 0)
		fprintf(ctx->err,
		    "facteur: %zu rule(s) skipped because of "
		    "errors\n",
		    (*rs)->nskipped);
	return rc;
}

struct report {
	struct cli_context *ctx;
	const char *file;
	const char *account;
	bool check; /* print problems as file:line diagnostics */
	unsigned problems;
};

static void
on_problem(void *arg, const struct rule *r, const struct rule_action *a,
    const char *msg)
{
	struct report *rep = arg;

	rep->problems++;
	if (rep->check)
		fprintf(rep->ctx->err, "%s:%u:%u: error: account '%s': %s\n",
		    rep->file, a != NULL ? a->line : r->line,
		    a != NULL ? a->column : 1, rep->account, msg);
	else
		fprintf(rep->ctx->err, "facteur: account '%s': %s\n",
		    rep->account, msg);
}

static void
on_message(void *arg, const struct sync_rules_result *r)
{
	struct report *rep = arg;
	struct strbuf sb = STRBUF_INIT;
	FILE *out = rep->ctx->out;

	rules_plan_describe(r->plan, &sb);
	fprintf(out, "%u\t", r->uid);
	cli_put_field(out, r->from != NULL ? r->from : "");
	fputc('\t', out);
	cli_put_field(out, r->subject != NULL ? r->subject : "");
	fputc('\t', out);
	cli_put_field(out, sb.buf);
	fputc('\n', out);
	strbuf_release(&sb);
}

/* Adds name to the NULL-terminated list v unless it is there. */
static void
add_name(const char ***v, size_t *n, size_t *alloc, const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], name) == 0)
			return;
	FCT_ALLOC_GROW(*v, *n + 2, *alloc);
	(*v)[(*n)++] = name;
	(*v)[*n] = NULL;
}

/* Checks the rules against one account's cached folders. */
static void
check_account(struct cli_context *ctx, const struct config_account *acct,
    const struct rules *rs, struct report *rep)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder_list l = STORE_FOLDER_LIST_INIT;
	struct sync_rules_callbacks cb = { NULL, on_problem, rep };
	struct sync_rules_stats stats;
	struct store *st = NULL;
	const char **folders = NULL;
	const char *inbox = NULL;
	size_t n = 0, alloc = 0, i;
	uint32_t none = 0;

	if (cli_open_store(ctx, acct, &st) != 0)
		return;
	if (store_folder_list(st, &l, &err) != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	if (l.n == 0) {
		fprintf(ctx->err,
		    "facteur: account '%s': folders not checked (not "
		    "synced yet)\n",
		    acct->name);
		goto out;
	}
	for (i = 0; i < l.n; i++)
		if (l.v[i].role != NULL && strcmp(l.v[i].role, "inbox") == 0)
			inbox = l.v[i].name;
	for (i = 0; i < rs->n; i++) {
		if (rs->v[i].account != NULL &&
		    strcmp(rs->v[i].account, acct->name) != 0)
			continue;
		if (rs->v[i].folder != NULL)
			add_name(&folders, &n, &alloc, rs->v[i].folder);
		else
			add_name(&folders, &n, &alloc,
			    inbox != NULL ? inbox : "INBOX");
	}
	rep->account = acct->name;
	for (i = 0; i < n; i++) {
		if (sync_rules_apply(st, acct->name, rs, folders[i], &none, 0,
			SYNC_RULES_DRY_RUN, time(NULL), &cb, &stats,
			&err) != 0) {
			fprintf(ctx->err, "%s:%u:1: error: account '%s': %s\n",
			    rep->file, 0u, acct->name, fct_error_msg(&err));
			rep->problems++;
			fct_error_release(&err);
		}
	}
out:
	free(folders);
	fct_error_release(&err);
	store_folder_list_release(&l);
	store_close(&st);
}

static int
rules_check(struct cli_context *ctx, int argc, char **argv)
{
	struct rules *rs = NULL;
	struct report rep = { ctx, NULL, NULL, true, 0 };
	size_t i;
	int rc;

	if (argc > 2) {
		fprintf(ctx->err, "usage: facteur rules check [FILE]\n");
		return CLI_USAGE;
	}
	/* The configuration is optional here: a file can be checked alone. */
	if (cli_load_config(ctx) != 0)
		return CLI_FAILED;
	rc = load_rules(ctx, argc == 2 ? argv[1] : NULL, &rs);
	rep.file = rs->file;
	for (i = 0; i < ctx->cfg->naccounts; i++)
		if (ctx->cfg->accounts[i].imap.proto == CONFIG_PROTO_IMAP)
			check_account(ctx, &ctx->cfg->accounts[i], rs, &rep);
	fprintf(ctx->out, "%s: %zu rule(s) ok, %zu skipped\n", rs->file, rs->n,
	    rs->nskipped);
	rules_free(&rs);
	return rc != 0 || rep.problems > 0 ? CLI_FAILED : CLI_OK;
}

/* The raw header block's length: up to the first empty line. */
static size_t
header_len(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (s[i] != '\n')
			continue;
		if (s[i + 1] == '\n')
			return i + 1;
		if (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n')
			return i + 1;
	}
	return len;
}

static int
rules_test(struct cli_context *ctx, int argc, char **argv)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf raw = STRBUF_INIT, text = STRBUF_INIT, sb = STRBUF_INIT;
	struct mime_summary sum = MIME_SUMMARY_INIT;
	struct rules_plan plan = RULES_PLAN_INIT;
	struct query_msg q;
	struct rules *rs = NULL;
	const struct config_account *acct = NULL;
	const char *folder = "INBOX", *account = "";
	char *headers = NULL;
	size_t i;
	int rc, status = CLI_FAILED;

	if (argc < 2 || argc > 3) {
		fprintf(ctx->err,
		    "usage: facteur rules test MESSAGE_FILE "
		    "[[ACCOUNT:]FOLDER]\n");
		return CLI_USAGE;
	}
	if (cli_load_config(ctx) != 0)
		return CLI_FAILED;
	if (ctx->cfg->naccounts > 0) {
		if (cli_parse_target(ctx, argc == 3 ? argv[2] : "", &acct,
			&folder) != 0)
			return CLI_FAILED;
		account = acct->name;
	} else if (argc == 3) {
		folder = argv[2];
	}
	if (strbuf_read_file(&raw, argv[1]) != 0) {
		fprintf(ctx->err, "facteur: cannot read '%s': %s\n", argv[1],
		    strerror(errno));
		goto out;
	}
	if (mime_summary_parse(raw.buf, raw.len, &sum, &err) != 0 ||
	    mime_body_text(raw.buf, raw.len, &text, &err) != 0) {
		fprintf(ctx->err, "facteur: cannot read message '%s': %s\n",
		    argv[1], fct_error_msg(&err));
		goto out;
	}
	rc = load_rules(ctx, NULL, &rs);
	headers = xstrndup(raw.buf, header_len(raw.buf, raw.len));
	memset(&q, 0, sizeof q);
	q.from = sum.from_text;
	q.to = sum.to_text;
	q.cc = sum.cc_text;
	q.subject = sum.subject;
	q.list_id = sum.list_id;
	q.headers = headers;
	q.body = text.buf;
	q.size = raw.len;
	q.date = (time_t)sum.date;
	rules_eval(rs, account, folder, strcasecmp(folder, "INBOX") == 0, &q,
	    time(NULL), &plan);
	for (i = 0; i < plan.nrules; i++) {
		cli_put_field(ctx->out, plan.rules[i]->name);
		fprintf(ctx->out, "\t%u\n", plan.rules[i]->line);
	}
	rules_plan_describe(&plan, &sb);
	fputs("=>\t", ctx->out);
	cli_put_field(ctx->out, sb.buf);
	fputc('\n', ctx->out);
	status = rc != 0 ? CLI_FAILED : CLI_OK;
out:
	rules_plan_release(&plan);
	rules_free(&rs);
	mime_summary_release(&sum);
	free(headers);
	strbuf_release(&sb);
	strbuf_release(&text);
	strbuf_release(&raw);
	fct_error_release(&err);
	return status;
}

static void
job_done(void *arg, const struct store_job *job, const char *reason,
    const struct imap_copyuid *cu)
{
	struct report *rep = arg;

	(void)cu;
	if (reason != NULL) {
		fprintf(rep->ctx->err, "facteur: %s refused: %s\n", job->kind,
		    reason);
		rep->problems++;
	}
}

static int
rules_apply(struct cli_context *ctx, int argc, char **argv)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct rules *rs = NULL;
	struct report rep = { ctx, NULL, NULL, false, 0 };
	struct sync_rules_callbacks cb = { on_message, on_problem, &rep };
	struct sync_rules_stats stats;
	struct sync_stats sstats;
	struct sync_pop_stats pstats;
	const struct config_account *acct;
	struct store *st = NULL;
	struct imap_session *s = NULL;
	const char *folder, *target = NULL;
	bool dry = false, offline = false, bad = false;
	int i, rc, status = CLI_FAILED;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry = true;
		else if (strcmp(argv[i], "--offline") == 0)
			offline = true;
		else if (target == NULL && argv[i][0] != '-')
			target = argv[i];
		else
			bad = true;
	}
	if (target == NULL || bad) {
		fprintf(ctx->err,
		    "usage: facteur rules apply "
		    "[ACCOUNT:]FOLDER [--dry-run] [--offline]\n");
		return CLI_USAGE;
	}
	if (cli_load_config(ctx) != 0 ||
	    cli_parse_target(ctx, target, &acct, &folder) != 0)
		return CLI_FAILED;
	rep.account = acct->name;
	rc = load_rules(ctx, NULL, &rs);
	if (cli_open_store(ctx, acct, &st) != 0)
		goto out;
	/* A POP3 account's folders are local: its new mail is downloaded
	 * (not for a dry run, which writes nothing), and the rules' changes
	 * are made in the cache at once, with no job. */
	if (cli_is_pop(acct) && !offline && !dry &&
	    cli_pop_sync(ctx, acct, st, &pstats) != 0)
		goto out;
	if (cli_is_pop(acct))
		offline = true;
	/* The folder list is refreshed: the rules' destinations and rights
	 * are checked against it. */
	if (!offline &&
	    (cli_connect(ctx, acct, st, NULL, &s) != 0 ||
		cli_sync_folder(ctx, acct, s, st, folder, &sstats) != 0))
		goto out;
	if (sync_rules_apply(st, acct->name, rs, folder, NULL, 0,
		dry ? SYNC_RULES_DRY_RUN : 0, time(NULL), &cb, &stats,
		&err) != 0) {
		fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
		    fct_error_msg(&err));
		goto out;
	}
	if (dry) {
		fprintf(ctx->err,
		    "facteur: dry run: %u message(s) would change; nothing "
		    "was done\n",
		    stats.matched);
	} else if (offline || stats.jobs == 0) {
		if (stats.jobs > 0)
			fprintf(ctx->err,
			    "facteur: %u job(s) queued; they run with the "
			    "next command that goes online\n",
			    stats.jobs);
	} else if (sync_jobs_run(s, st, job_done, &rep, &err) != 0) {
		fprintf(ctx->err,
		    "facteur: account '%s': %s (the jobs stay queued)\n",
		    acct->name, fct_error_msg(&err));
		goto out;
	} else if (cli_sync_folder(ctx, acct, s, st, folder, &sstats) != 0)
		goto out;
	status = rc != 0 || rep.problems > 0 ? CLI_FAILED : CLI_OK;
out:
	fct_error_release(&err);
	imap_session_close(&s);
	store_close(&st);
	rules_free(&rs);
	return status;
}

/* The cached folder of the account with `role`, else dflt; owned. */
static char *
role_folder(struct cli_context *ctx, const struct config_account *acct,
    const char *role, const char *dflt)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder_list l = STORE_FOLDER_LIST_INIT;
	struct store *st = NULL;
	char *name = NULL;
	size_t i;

	if (cli_open_store(ctx, acct, &st) == 0 &&
	    store_folder_list(st, &l, &err) == 0)
		for (i = 0; i < l.n && name == NULL; i++)
			if (l.v[i].role != NULL &&
			    strcmp(l.v[i].role, role) == 0)
				name = xstrdup(l.v[i].name);
	fct_error_release(&err);
	store_folder_list_release(&l);
	store_close(&st);
	return name != NULL ? name : xstrdup(dflt);
}

static int
rules_export_sieve(struct cli_context *ctx, int argc, char **argv)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct rules_sieve_skipped skipped = RULES_SIEVE_SKIPPED_INIT;
	struct strbuf script = STRBUF_INIT;
	struct sieve_session *s = NULL;
	const struct config_account *acct = NULL;
	struct rules *rs = NULL;
	const char *name = NULL;
	char *trash = NULL, *junk = NULL;
	bool upload = false;
	size_t i;
	int n, rc, status = CLI_FAILED;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--upload") == 0)
			upload = true;
		else if (name == NULL && argv[i][0] != '-')
			name = argv[i];
		else {
			fprintf(ctx->err,
			    "usage: facteur rules export-sieve "
			    "[ACCOUNT] [--upload]\n");
			return CLI_USAGE;
		}
	}
	if (cli_load_config(ctx) != 0)
		return CLI_FAILED;
	acct = config_find_account(ctx->cfg, name);
	if (acct == NULL) {
		fprintf(ctx->err, "facteur: %s\n",
		    name != NULL ? "no such account"
				 : "no account in the configuration");
		return CLI_FAILED;
	}
	rc = load_rules(ctx, NULL, &rs);
	trash = role_folder(ctx, acct, "trash", "Trash");
	junk = role_folder(ctx, acct, "junk", "Junk");
	n = rules_to_sieve(rs, acct->name, trash, junk, &script, &skipped);
	for (i = 0; i < skipped.n; i++)
		fprintf(ctx->err,
		    "facteur: not exported: rule '%s' (%s:%u): %s\n",
		    skipped.v[i].rule->name, rs->file, skipped.v[i].rule->line,
		    skipped.v[i].why);
	if (!upload) {
		fputs(script.buf, ctx->out);
		status = rc != 0 ? CLI_FAILED : CLI_OK;
		goto out;
	}
	if (sieve_session_open(acct, &s, &err) != 0 ||
	    sieve_session_install(s, "facteur", script.buf, script.len, &err) !=
		0) {
		fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
		    fct_error_msg(&err));
		goto out;
	}
	fprintf(ctx->err,
	    "facteur: account '%s': %d rule(s) installed as the active Sieve "
	    "script 'facteur'\n",
	    acct->name, n);
	status = rc != 0 ? CLI_FAILED : CLI_OK;
out:
	sieve_session_close(&s);
	rules_sieve_skipped_release(&skipped);
	strbuf_release(&script);
	rules_free(&rs);
	free(trash);
	free(junk);
	fct_error_release(&err);
	return status;
}

static int
cmd_rules(struct cli_context *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "export-sieve") == 0)
		return rules_export_sieve(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return rules_check(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "test") == 0)
		return rules_test(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "apply") == 0)
		return rules_apply(ctx, argc - 1, argv + 1);
	fprintf(ctx->err,
	    "usage: facteur rules check [FILE]\n"
	    "       facteur rules test MESSAGE_FILE [[ACCOUNT:]FOLDER]\n"
	    "       facteur rules apply [ACCOUNT:]FOLDER [--dry-run] "
	    "[--offline]\n"
	    "       facteur rules export-sieve [ACCOUNT] [--upload]\n");
	return CLI_USAGE;
}

const struct cli_command cli_cmd_rules = {
	.name = "rules",
	.args = "check [FILE] | test MESSAGE_FILE [[ACCOUNT:]FOLDER] | "
		"apply [ACCOUNT:]FOLDER [--dry-run] [--offline] | "
		"export-sieve [ACCOUNT] [--upload]",
	.help = "check the rules file, test it on a message, apply it to a "
		"folder, or export it as Sieve",
	.exec = cmd_rules,
};
