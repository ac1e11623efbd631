/*
 * `facteur send [--identity NAME] [--dry-run]`: sends the message read on
 * standard input, as sendmail -t does (recipients from To, Cc and Bcc,
 * Bcc removed); and `facteur outbox [list | retry [ID] | drop ID]`, for
 * what could not go out.
 *
 * The order of a send is the one of sync/send.c: the message is in the
 * outbox, on disk, before the submission server is contacted; then it is
 * submitted; then the IMAP server is asked to take the copy in Sent (the
 * queued append job). A failure at the first step loses nothing (the user
 * still has the input); at the second the message waits in the outbox
 * with the reason; at the third the copy waits in the job queue, and the
 * send itself counts as done.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facteur/cli.h"
#include "facteur/core_alias.h"
#include "facteur/mime_compose.h"
#include "facteur/smtp.h"
#include "facteur/sync.h"
#include "facteur/sync_pop.h"

int
cli_load_aliases(struct cli_context *ctx, struct fct_aliases **out)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	int rc = fct_aliases_load(ctx->cfg->aliases, out, &d);

	config_diags_print(&d, ctx->err);
	config_diags_release(&d);
	if (rc != 0)
		fct_aliases_free(out);
	return rc;
}

/* Runs the queued jobs (the copy in Sent or Drafts) on a new connection. */
static void
store_copies(struct cli_context *ctx, const struct config_account *acct,
    struct store *st)
{
	struct imap_session *s = NULL;
	struct fct_error err = FCT_ERROR_INIT;

	/* A POP3 account keeps its copies in local folders ("Sent"). */
	if (acct->pop.proto == CONFIG_PROTO_POP) {
		if (sync_local_jobs_run(st, NULL, NULL, NULL, &err) != 0)
			fprintf(ctx->err, "facteur: account '%s': %s\n",
			    acct->name, fct_error_msg(&err));
		fct_error_release(&err);
		return;
	}
	/* cli_connect refreshes the folder list (a shared mailbox's Sent
	 * may be new) and replays the job queue; it says why it failed. */
	if (acct->imap.proto != CONFIG_PROTO_IMAP) {
		fprintf(ctx->err,
		    "facteur: account '%s' has no IMAP server: no copy kept\n",
		    acct->name);
		return;
	}
	if (cli_connect(ctx, acct, st, NULL, &s) != 0)
		fprintf(ctx->err,
		    "facteur: the copy waits in the queue for the next "
		    "connection\n");
	imap_session_close(&s);
}

/* Prints the refused recipients; true when there were some. */
static bool
report_refused(struct cli_context *ctx, const struct smtp_send_result *res)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		if (res->v[i].reason != NULL)
			fprintf(ctx->err, "facteur: '%s' refused: %s\n",
			    res->v[i].addr, res->v[i].reason);
	return res->refused > 0;
}

int
cli_send_message(struct cli_context *ctx, const struct sync_sender *who,
    const char *raw, size_t len, enum cli_sent *sent)
{
	struct smtp_send_result res = SMTP_SEND_RESULT_INIT;
	struct mime_envelope env = MIME_ENVELOPE_INIT;
	struct fct_aliases *aliases = NULL;
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = NULL;
	int64_t id = 0;
	int status = CLI_FAILED;

	if (sent != NULL)
		*sent = CLI_SENT_NOTHING;
	if (cli_load_aliases(ctx, &aliases) != 0 ||
	    cli_open_store(ctx, who->acct, &st) != 0)
		goto out;
	if (sync_send_queue(st, who, aliases, raw, len, &id, &env, &err) != 0) {
		fprintf(ctx->err, "facteur: cannot send: %s\n",
		    fct_error_msg(&err));
		goto out;
	}
	if (sent != NULL)
		*sent = CLI_SENT_QUEUED;
	if (sync_send_submit(ctx->cfg, who->acct, st, id, &res, &err) != 0) {
		fprintf(ctx->err,
		    "facteur: cannot send: %s\n"
		    "facteur: the message stays in the outbox as %lld "
		    "(facteur outbox retry)\n",
		    fct_error_msg(&err), (long long)id);
		/* Some recipients may have been refused before the rest
		 * failed: say which. */
		(void)report_refused(ctx, &res);
		goto out;
	}
	if (sent != NULL)
		*sent = CLI_SENT_SENT;
	status = report_refused(ctx, &res) ? CLI_FAILED : CLI_OK;
	fprintf(ctx->out, "sent %s to %zu of %zu recipient%s\n", env.message_id,
	    res.n - res.refused, res.n, res.n == 1 ? "" : "s");
	store_copies(ctx, who->acct, st);
out:
	fct_error_release(&err);
	smtp_send_result_release(&res);
	mime_envelope_release(&env);
	fct_aliases_free(&aliases);
	store_close(&st);
	return status;
}

/* Reads all of fd into sb. */
static int
read_all(int fd, struct strbuf *sb)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		strbuf_add(sb, buf, (size_t)n);
	}
}

static int
dry_run(struct cli_context *ctx, const struct sync_sender *who,
    const struct strbuf *in)
{
	struct mime_envelope env = MIME_ENVELOPE_INIT;
	struct fct_aliases *aliases = NULL;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf out = STRBUF_INIT;
	char *from = sync_sender_from(who);
	size_t i;
	int status = CLI_FAILED;

	if (cli_load_aliases(ctx, &aliases) != 0)
		goto out;
	if (mime_prepare(in->buf, in->len, from, aliases, &out, &env, &err) !=
	    0) {
		fprintf(ctx->err, "facteur: cannot send: %s\n",
		    fct_error_msg(&err));
		goto out;
	}
	/* The envelope as comments, then the exact bytes that would go. */
	fprintf(ctx->out, "# account: %s\n# from: %s\n", who->acct->name,
	    sync_sender_email(who));
	for (i = 0; i < env.nrcpt; i++)
		fprintf(ctx->out, "# to: %s\n", env.rcpt[i]);
	fwrite(out.buf, 1, out.len, ctx->out);
	status = CLI_OK;
out:
	free(from);
	fct_error_release(&err);
	strbuf_release(&out);
	mime_envelope_release(&env);
	fct_aliases_free(&aliases);
	return status;
}

static int
cmd_send(struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_sender who;
	struct strbuf in = STRBUF_INIT;
	const char *identity = NULL;
	bool dry = false;
	int ch, status = CLI_FAILED;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "i:n", longopts, NULL)) != -1) {
		if (ch == 'i')
			identity = optarg;
		else if (ch == 'n')
			dry = true;
		else
			goto usage;
	}
	if (optind != argc)
		goto usage;
	if (cli_load_config(ctx) != 0)
		return CLI_FAILED;
	if (sync_sender_find(ctx->cfg, identity, &who, &err) != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	if (read_all(0, &in) != 0) {
		fprintf(ctx->err, "facteur: cannot read the message: %s\n",
		    strerror(errno));
		goto out;
	}
	if (in.len == 0) {
		fprintf(ctx->err, "facteur: no message on standard input\n");
		goto out;
	}
	status = dry ? dry_run(ctx, &who, &in)
		     : cli_send_message(ctx, &who, in.buf, in.len, NULL);
out:
	fct_error_release(&err);
	strbuf_release(&in);
	return status;
usage:
	fprintf(ctx->err,
	    "usage: facteur send [--identity NAME] [--dry-run] < MESSAGE\n");
	return CLI_USAGE;
}

const struct cli_command cli_cmd_send = {
	.name = "send",
	.args = "[--identity NAME] [--dry-run] < MESSAGE",
	.help = "send the message on standard input (recipients from To, Cc, "
		"Bcc)",
	.exec = cmd_send,
};

/* --- facteur outbox ---------------------------------------------------- */

static void
sent_line(void *arg, const struct store_outbox *m, const char *reason,
    const struct smtp_send_result *res)
{
	struct cli_context *ctx = arg;

	if (reason != NULL)
		fprintf(ctx->err, "facteur: message %lld: %s\n",
		    (long long)m->id, reason);
	else {
		(void)report_refused(ctx, res);
		fprintf(ctx->out, "sent %lld\n", (long long)m->id);
	}
}

static void
list_one(struct cli_context *ctx, const struct config_account *acct,
    const struct store_outbox *m)
{
	char *rcpts = xstrdup(m->rcpts), *p;

	for (p = rcpts; *p != '\0'; p++)
		if (*p == '\n')
			*p = ',';
	fprintf(ctx->out, "%lld\t", (long long)m->id);
	cli_put_field(ctx->out, acct->name);
	fputc('\t', ctx->out);
	cli_put_field(ctx->out, m->state);
	fprintf(ctx->out, "\t%u\t", m->attempts);
	cli_put_field(ctx->out, m->subject != NULL ? m->subject : "");
	fputc('\t', ctx->out);
	cli_put_field(ctx->out, rcpts);
	fputc('\t', ctx->out);
	cli_put_field(ctx->out, m->last_error != NULL ? m->last_error : "");
	fputc('\n', ctx->out);
	free(rcpts);
}

static int
outbox_account(struct cli_context *ctx, const struct config_account *acct,
    const char *verb, int64_t id, bool *seen)
{
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = NULL;
	int64_t *ids = NULL;
	size_t n = 0, i;
	int found, status = CLI_FAILED;

	if (cli_open_store(ctx, acct, &st) != 0)
		return CLI_FAILED;
	if (strcmp(verb, "list") == 0) {
		if (store_outbox_ids(st, NULL, &ids, &n, &err) != 0)
			goto fail;
		for (i = 0; i < n; i++) {
			if (store_outbox_get(st, ids[i], &m, &err) != 1)
				goto fail;
			list_one(ctx, acct, &m);
		}
		status = CLI_OK;
	} else if (strcmp(verb, "drop") == 0) {
		if ((found = store_outbox_get(st, id, &m, &err)) < 0)
			goto fail;
		if (found == 0) {
			status = CLI_OK; /* another account's, maybe */
			goto out;
		}
		*seen = true;
		if (store_outbox_delete(st, id, &err) != 0)
			goto fail;
		fprintf(ctx->out, "dropped %lld\n", (long long)id);
		status = CLI_OK;
	} else {
		struct smtp_send_result res = SMTP_SEND_RESULT_INIT;

		if (id != 0) {
			if ((found = store_outbox_get(st, id, &m, &err)) < 0)
				goto fail;
			if (found == 0) {
				status = CLI_OK;
				goto out;
			}
			*seen = true;
			if (strcmp(m.state, "queued") == 0 ||
			    strcmp(m.state, "sending") == 0) {
				if (sync_send_submit(ctx->cfg, acct, st, id,
					&res, &err) != 0)
					fprintf(ctx->err,
					    "facteur: message %lld: %s\n",
					    (long long)id, fct_error_msg(&err));
				else {
					(void)report_refused(ctx, &res);
					fprintf(ctx->out, "sent %lld\n",
					    (long long)id);
				}
			}
			smtp_send_result_release(&res);
		} else if (sync_outbox_flush(ctx->cfg, acct, st, sent_line, ctx,
			       &err) != 0)
			fprintf(ctx->err, "facteur: account '%s': %s\n",
			    acct->name, fct_error_msg(&err));
		fct_error_release(&err);
		/* The copies of what went, and of drafts, those whose job
		 * was refused included. */
		if (sync_outbox_requeue(ctx->cfg, acct, st, &n, &err) != 0) {
			fprintf(ctx->err, "facteur: account '%s': %s\n",
			    acct->name, fct_error_msg(&err));
			fct_error_release(&err);
		}
		store_copies(ctx, acct, st);
		if (store_outbox_ids(st, "queued", &ids, &n, &err) != 0)
			goto fail;
		status = n == 0 ? CLI_OK : CLI_FAILED;
		free(ids);
		ids = NULL;
		if (store_outbox_ids(st, "sending", &ids, &n, &err) != 0)
			goto fail;
		if (n > 0)
			status = CLI_FAILED;
	}
	goto out;
fail:
	fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
	    fct_error_msg(&err));
out:
	free(ids);
	fct_error_release(&err);
	store_outbox_release(&m);
	store_close(&st);
	return status;
}

static int
cmd_outbox(struct cli_context *ctx, int argc, char **argv)
{
	const struct config_account *only = NULL;
	const char *verb = "list";
	int64_t id = 0;
	size_t i;
	char *end;
	int status = CLI_OK, r, a = 1;
	bool seen = false;

	if (a + 1 < argc && strcmp(argv[a], "--account") == 0) {
		if (cli_load_config(ctx) != 0)
			return CLI_FAILED;
		if ((only = config_find_account(ctx->cfg, argv[a + 1])) ==
		    NULL) {
			fprintf(ctx->err, "facteur: no account '%s'\n",
			    argv[a + 1]);
			return CLI_FAILED;
		}
		a += 2;
	}
	if (a < argc)
		verb = argv[a++];
	if (strcmp(verb, "list") != 0 && strcmp(verb, "retry") != 0 &&
	    strcmp(verb, "drop") != 0)
		goto usage;
	if (a < argc) {
		errno = 0;
		id = strtoll(argv[a++], &end, 10);
		if (*end != '\0' || errno != 0 || id <= 0 ||
		    strcmp(verb, "list") == 0)
			goto usage;
	} else if (strcmp(verb, "drop") == 0)
		goto usage;
	if (a != argc)
		goto usage;
	if (cli_load_config(ctx) != 0)
		return CLI_FAILED;
	for (i = 0; i < ctx->cfg->naccounts; i++) {
		if (only != NULL && only != &ctx->cfg->accounts[i])
			continue;
		r = outbox_account(ctx, &ctx->cfg->accounts[i], verb, id,
		    &seen);
		if (r != CLI_OK)
			status = r;
	}
	if (id != 0 && !seen) {
		fprintf(ctx->err, "facteur: no message %lld in the outbox\n",
		    (long long)id);
		return CLI_FAILED;
	}
	return status;
usage:
	fprintf(ctx->err,
	    "usage: facteur outbox [--account NAME] "
	    "[list | retry [ID] | drop ID]\n");
	return CLI_USAGE;
}

const struct cli_command cli_cmd_outbox = {
	.name = "outbox",
	.args = "[--account NAME] [list | retry [ID] | drop ID]",
	.help = "messages not sent yet: list them, send them again, drop one",
	.exec = cmd_outbox,
};
