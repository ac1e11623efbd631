/*
 * Composing from the shell: `facteur compose`, `facteur reply` and
 * `facteur forward` open $VISUAL (or $EDITOR) on a file holding the
 * editable headers (From, To, Cc, Bcc, Subject, Reply-To, Attach) and the
 * body, then ask: send, postpone, edit again, or abort.
 *
 * The draft logic is sync's (sync_compose_*), shared with the TUI; this
 * file owns only the terminal side: the file, the editor, the prompt.
 * Nothing typed is lost: the file stays (and its path is printed) when
 * anything fails, and it is removed only once the message is in the
 * outbox or postponed, or the user confirmed the abort.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "facteur/cli.h"
#include "facteur/core_alias.h"
#include "facteur/mime_compose.h"
#include "facteur/sync.h"

/* One line of the user's answer, lower-cased first letter; EOF is 0. */
static int
ask(struct cli_context *ctx, const char *question)
{
	char line[256];

	fprintf(ctx->err, "%s ", question);
	fflush(ctx->err);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	return line[0] >= 'A' && line[0] <= 'Z' ? line[0] - 'A' + 'a' : line[0];
}

/* The original message UID of ACCOUNT:FOLDER, fetched when not cached. */
struct original {
	const struct config_account *acct;
	const char *folder;
	uint32_t uid;
	struct store *st;
	char *raw;
	size_t len;
};

static int
load_original(struct cli_context *ctx, const char *spec, const char *uidarg,
    struct original *o)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder f = STORE_FOLDER_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct imap_session *s = NULL;
	struct sync_stats stats;
	unsigned long v;
	unsigned fetched;
	char *end;
	int found, rc = -1;

	errno = 0;
	v = strtoul(uidarg, &end, 10);
	if (*end != '\0' || errno != 0 || v == 0 || v > UINT32_MAX) {
		fprintf(ctx->err, "facteur: bad UID '%s'\n", uidarg);
		return -1;
	}
	o->uid = (uint32_t)v;
	if (cli_parse_target(ctx, spec, &o->acct, &o->folder) != 0 ||
	    cli_open_store(ctx, o->acct, &o->st) != 0)
		return -1;
	for (;;) {
		if ((found = store_folder_get(o->st, o->folder, &f, &err)) < 0)
			goto fail;
		if (found == 1 &&
		    (found = store_msg_get(o->st, f.id, o->uid, &m, &err)) < 0)
			goto fail;
		if (found == 1 &&
		    (found = store_body_get(o->st, m.id, &o->raw, &o->len,
			 &err)) < 0)
			goto fail;
		if (found == 1 || s != NULL)
			break;
		/* Not cached yet: the folder, then the message's body. */
		if (cli_connect(ctx, o->acct, o->st,
			(const char *const[]){ o->folder, NULL }, &s) != 0 ||
		    cli_sync_folder(ctx, o->acct, s, o->st, o->folder,
			&stats) != 0)
			goto out;
		if (sync_fetch_bodies(s, o->st, o->folder, &o->uid, 1,
			SYNC_BODY_BUDGET, &fetched, &err) != 0)
			goto fail;
	}
	if (found != 1) {
		fprintf(ctx->err, "facteur: no message %u in '%s'\n", o->uid,
		    o->folder);
		goto out;
	}
	rc = 0;
	goto out;
fail:
	fprintf(ctx->err, "facteur: account '%s': %s\n", o->acct->name,
	    fct_error_msg(&err));
out:
	imap_session_close(&s);
	store_folder_release(&f);
	store_msg_release(&m);
	fct_error_release(&err);
	return rc;
}

/* Queues a job on the original (answered flag, old draft removal). */
static void
queue_job(struct cli_context *ctx, struct store *st, const char *kind,
    const char *folder, uint32_t uid, unsigned flags)
{
	struct sync_job_spec spec = { 0 };
	struct strbuf payload = STRBUF_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	spec.folder = folder;
	spec.uids = &uid;
	spec.nuids = 1;
	if (flags != 0) {
		spec.op = '+';
		spec.flags = flags;
	}
	if (sync_job_make(&payload, &spec, &err) != 0 ||
	    store_job_add(st, kind, payload.buf, NULL, &err) != 0)
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
	fct_error_release(&err);
	strbuf_release(&payload);
}

/* Runs the queued jobs on a new connection; says when they must wait. */
static void
run_jobs(struct cli_context *ctx, const struct config_account *acct,
    struct store *st)
{
	struct imap_session *s = NULL;

	if (cli_connect(ctx, acct, st, NULL, &s) != 0)
		fprintf(ctx->err,
		    "facteur: the rest waits in the queue for the next "
		    "connection\n");
	imap_session_close(&s);
}

enum after { AFTER_NOTHING, AFTER_ANSWERED, AFTER_DRAFT };

/*
 * The editor and the prompt around draft d for sender who. `o` is the
 * original (may have no store: a new message); `after` says what a sent
 * message does to it.
 */
static int
edit_and_send(struct cli_context *ctx, struct mime_draft *d,
    struct sync_sender *who, struct original *o, enum after after)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf text = STRBUF_INIT, msg = STRBUF_INIT;
	struct store *st = NULL;
	struct fct_aliases *aliases = NULL;
	const char *tmpdir = getenv("TMPDIR");
	char *path;
	int fd, c, status = CLI_FAILED;
	enum cli_sent sent = CLI_SENT_NOTHING;
	bool keep = true;

	if (cli_load_aliases(ctx, &aliases) != 0)
		return CLI_FAILED;
	path = xasprintf("%s/facteur-draft-XXXXXX",
	    tmpdir != NULL && *tmpdir == '/' ? tmpdir : "/tmp");
	mime_draft_format(d, &text);
	if ((fd = mkstemp(path)) < 0 ||
	    write(fd, text.buf, text.len) != (ssize_t)text.len ||
	    close(fd) != 0) {
		fprintf(ctx->err, "facteur: cannot write '%s': %s\n", path,
		    strerror(errno));
		keep = false;
		goto out;
	}
	for (;;) {
		if (fct_edit_file(path, &err) != 0) {
			fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
			fct_error_release(&err);
		}
		strbuf_reset(&text);
		if (strbuf_read_file(&text, path) != 0) {
			fprintf(ctx->err, "facteur: cannot read '%s': %s\n",
			    path, strerror(errno));
			goto out;
		}
		strbuf_reset(&msg);
		if (mime_draft_parse(text.buf, text.len, d, &err) != 0 ||
		    sync_compose_finish(ctx->cfg, who->acct, aliases, d, who,
			&msg, &err) != 0) {
			fprintf(ctx->err, "facteur: %s: %s\n", path,
			    fct_error_msg(&err));
			fct_error_release(&err);
			c = ask(ctx, "Edit again or abort? [e/a]");
			if (c == 0)
				goto no_answer;
			if (c == 'e')
				continue;
			goto out;
		}
		/* Anything else asks again, without reopening the editor. */
		do {
			c = ask(ctx,
			    "Send, postpone, edit or abort? [s/p/e/a]");
		} while (c != 0 && strchr("spea", c) == NULL);
		if (c == 0)
			goto no_answer;
		if (c == 'e')
			continue;
		if (c == 'a') {
			c = ask(ctx, "Discard this message? [y/N]");
			if (c == 0)
				goto no_answer;
			if (c == 'y') {
				keep = false;
				status = CLI_OK;
				goto out;
			}
			continue;
		}
		break; /* 's' or 'p' */
	}
	if (cli_open_store(ctx, who->acct, &st) != 0)
		goto out;
	if (c == 'p') {
		int64_t id;

		if (sync_postpone(ctx->cfg, who->acct, st, who, msg.buf,
			msg.len, after == AFTER_DRAFT ? o->uid : 0, &id,
			&err) != 0) {
			fprintf(ctx->err, "facteur: cannot postpone: %s\n",
			    fct_error_msg(&err));
			goto out;
		}
		keep = false;
		fprintf(ctx->out, "postponed\n");
		run_jobs(ctx, who->acct, st);
		status = CLI_OK;
		goto out;
	}
	status = cli_send_message(ctx, who, msg.buf, msg.len, &sent);
	/* In the outbox (cli_send_message said so when it is stuck there),
	 * the file is no longer the only copy. */
	keep = sent == CLI_SENT_NOTHING;
	/* Sent, even with some recipients refused: the original is
	 * answered, the draft done with. */
	if (o->st != NULL && sent == CLI_SENT_SENT && after != AFTER_NOTHING) {
		if (after == AFTER_ANSWERED)
			queue_job(ctx, o->st, "flag", o->folder, o->uid,
			    FCT_FLAG_ANSWERED);
		else
			queue_job(ctx, o->st, "expunge", o->folder, o->uid, 0);
		run_jobs(ctx, o->acct, o->st);
	}
	goto out;
no_answer:
	/* End of input: nothing is sent, and nothing thrown away. */
	fprintf(ctx->err, "\nfacteur: no answer\n");
out:
	if (keep)
		fprintf(ctx->err, "facteur: the message is kept in '%s'\n",
		    path);
	else
		unlink(path);
	free(path);
	fct_aliases_free(&aliases);
	store_close(&st);
	strbuf_release(&text);
	strbuf_release(&msg);
	fct_error_release(&err);
	return status;
}

static bool
in_drafts(struct store *st, const char *folder)
{
	struct store_folder f = STORE_FOLDER_INIT;
	bool yes = false;

	if (store_folder_get(st, folder, &f, NULL) == 1)
		yes = (f.role != NULL && strcmp(f.role, "drafts") == 0) ||
		    (f.ns == 0 && strcasecmp(f.name, "Drafts") == 0);
	store_folder_release(&f);
	return yes;
}

static void
set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

static int
cmd_compose(struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "to", required_argument, NULL, 't' },
		{ "cc", required_argument, NULL, 'c' },
		{ "bcc", required_argument, NULL, 'b' },
		{ "subject", required_argument, NULL, 's' },
		{ "attach", required_argument, NULL, 'a' },
		{ "resume", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct mime_draft d = MIME_DRAFT_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct original o = { 0 };
	struct sync_sender who;
	const char *identity = NULL, *to = NULL, *cc = NULL, *bcc = NULL;
	const char *subject = NULL, *base;
	char **attach = NULL;
	size_t nattach = 0, i;
	bool resume = false, drafts;
	int ch, status = CLI_FAILED;

	optind = 0;
	attach = xcalloc((size_t)argc + 1, sizeof *attach);
	while ((ch = getopt_long(argc, argv, "i:t:c:b:s:a:r", longopts,
		    NULL)) != -1) {
		switch (ch) {
		case 'i':
			identity = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'c':
			cc = optarg;
			break;
		case 'b':
			bcc = optarg;
			break;
		case 's':
			subject = optarg;
			break;
		case 'a':
			attach[nattach++] = optarg;
			break;
		case 'r':
			resume = true;
			break;
		default:
			goto usage;
		}
	}
	if (resume ? optind != argc - 2 : optind != argc)
		goto usage;
	if (cli_load_config(ctx) != 0)
		goto out;
	if (resume) {
		if (load_original(ctx, argv[optind], argv[optind + 1], &o) != 0)
			goto out;
		if (sync_compose_start(ctx->cfg, o.acct, SYNC_COMPOSE_RESUME,
			o.raw, o.len, &d, &who, &err) != 0)
			goto fail;
	} else {
		if (sync_sender_find(ctx->cfg, identity, &who, &err) != 0)
			goto fail;
		if (sync_compose_start(ctx->cfg, who.acct, SYNC_COMPOSE_NEW,
			NULL, 0, &d, &who, &err) != 0)
			goto fail;
		if (identity != NULL &&
		    sync_sender_find(ctx->cfg, identity, &who, &err) == 0) {
			free(d.from);
			d.from = sync_sender_from(&who);
		}
	}
	if (to != NULL)
		set(&d.to, to);
	if (cc != NULL)
		set(&d.cc, cc);
	if (bcc != NULL)
		set(&d.bcc, bcc);
	if (subject != NULL)
		set(&d.subject, subject);
	for (i = 0; i < nattach; i++) {
		base = strrchr(attach[i], '/');
		mime_draft_add_attachment(&d,
		    base != NULL ? base + 1 : attach[i], NULL, attach[i]);
	}
	/* Only a message of Drafts is replaced or removed: resuming any
	 * other (one in Sent, say) writes a new message from it, with a
	 * Message-ID of its own. */
	drafts = resume && in_drafts(o.st, o.folder);
	if (resume && !drafts) {
		free(d.message_id);
		d.message_id = NULL;
	}
	status = edit_and_send(ctx, &d, &who, &o,
	    drafts ? AFTER_DRAFT : AFTER_NOTHING);
	goto out;
fail:
	fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
out:
	free(attach);
	free(o.raw);
	store_close(&o.st);
	mime_draft_release(&d);
	fct_error_release(&err);
	return status;
usage:
	free(attach);
	fprintf(ctx->err,
	    "usage: facteur compose [--identity NAME] [--to ADDR] [--cc ADDR] "
	    "[--bcc ADDR] [--subject TEXT] [--attach FILE]...\n"
	    "       facteur compose --resume ACCOUNT:FOLDER UID\n");
	return CLI_USAGE;
}

const struct cli_command cli_cmd_compose = {
	.name = "compose",
	.args = "[--identity NAME] [--to ADDR] [--cc ADDR] [--bcc ADDR] "
		"[--subject TEXT] [--attach FILE]... | --resume "
		"ACCOUNT:FOLDER UID",
	.help = "write a message in $EDITOR, then send or postpone it",
	.exec = cmd_compose,
};

/* reply and forward: an original, a kind. */
static int
from_original(struct cli_context *ctx, int argc, char **argv, const char *flag,
    enum sync_compose_kind plain, enum sync_compose_kind flagged,
    const char *usage)
{
	struct mime_draft d = MIME_DRAFT_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct original o = { 0 };
	struct sync_sender who;
	enum sync_compose_kind kind = plain;
	int a = 1, status = CLI_FAILED;

	if (a < argc && strcmp(argv[a], flag) == 0) {
		kind = flagged;
		a++;
	}
	if (a + 2 != argc) {
		fprintf(ctx->err, "usage: facteur %s\n", usage);
		return CLI_USAGE;
	}
	if (cli_load_config(ctx) != 0 ||
	    load_original(ctx, argv[a], argv[a + 1], &o) != 0)
		goto out;
	if (sync_compose_start(ctx->cfg, o.acct, kind, o.raw, o.len, &d, &who,
		&err) != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	status = edit_and_send(ctx, &d, &who, &o,
	    kind == SYNC_COMPOSE_REPLY || kind == SYNC_COMPOSE_REPLY_ALL
		? AFTER_ANSWERED
		: AFTER_NOTHING);
out:
	free(o.raw);
	store_close(&o.st);
	mime_draft_release(&d);
	fct_error_release(&err);
	return status;
}

static int
cmd_reply(struct cli_context *ctx, int argc, char **argv)
{
	return from_original(ctx, argc, argv, "--all", SYNC_COMPOSE_REPLY,
	    SYNC_COMPOSE_REPLY_ALL, "reply [--all] ACCOUNT:FOLDER UID");
}

static int
cmd_forward(struct cli_context *ctx, int argc, char **argv)
{
	return from_original(ctx, argc, argv, "--attach", SYNC_COMPOSE_FORWARD,
	    SYNC_COMPOSE_FORWARD_ATTACH,
	    "forward [--attach] ACCOUNT:FOLDER UID");
}

const struct cli_command cli_cmd_reply = {
	.name = "reply",
	.args = "[--all] ACCOUNT:FOLDER UID",
	.help = "reply to a message (--all: to everyone but yourself)",
	.exec = cmd_reply,
};

const struct cli_command cli_cmd_forward = {
	.name = "forward",
	.args = "[--attach] ACCOUNT:FOLDER UID",
	.help = "forward a message, inline or as an attachment",
	.exec = cmd_forward,
};
