/*
 * Writing mail from the interface: a new message (`m`), a reply (`r`), a
 * reply to all (`g`), a forward (`f`, inline; `A`, as an attachment) and
 * a draft taken up again (`R` on a message of Drafts). A reply or forward
 * of a message whose body is not cached yet asks the worker for it and
 * starts by itself once SYNC_EV_BODY_FETCHED says it is there (if the
 * user is still in that folder and started nothing else meanwhile).
 *
 * The draft logic is sync's (sync_compose_*), shared with `facteur
 * compose`; this file owns the screen side. The draft is written to a
 * private file in $TMPDIR and opened in $VISUAL/$EDITOR with curses
 * suspended; once the editor ends, the compose screen shows what will go
 * out (From, To, Cc, Bcc, Subject, Reply-To, the attachments) and lets
 * the user send, postpone, edit again, attach or detach files (with file
 * completion), change identity, or abort (after a confirmation).
 *
 * Sending never waits on the network: sync_send_queue writes the message
 * to the account's outbox (in the store, flushed to disk) and the account
 * worker submits it when asked (SYNC_REQ_RUN_JOBS, which flushes the
 * outbox before the job queue). The worker's "send" job events say how it
 * went: refused recipients, or the reason it stays in the outbox to be
 * retried on the next connection. Postponing is the same with
 * sync_postpone (an append job to Drafts). Nothing typed is lost: the
 * file is removed only once the message is in the outbox, postponed, or
 * the abort was confirmed, and its path is shown when anything fails.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "draw.h"
#include "facteur/core_alias.h"
#include "facteur/mime_compose.h"
#include "private.h"

/*
 * The message being written. Invariant: path names an existing file that
 * holds the latest text the user wrote (until the message is sent,
 * postponed or dropped); cursor < d.natt unless d.natt == 0.
 */
struct ui_compose {
	size_t acct; /* the account it was started from */
	enum sync_compose_kind kind;
	struct mime_draft d;
	struct sync_sender who;
	struct fct_aliases *aliases; /* owned, may be NULL */
	char *path;                  /* owned; the file the editor edits */
	size_t cursor;               /* the attachment selected */
	char *folder;                /* owned; the original's folder, or NULL */
	uint32_t uid;                /* the original's UID */
	bool draft;  /* the original is a draft of Drafts: replaced */
	bool parsed; /* the file parsed after the last edit */
};

static void
compose_free(struct ui_compose **cp)
{
	struct ui_compose *c = *cp;

	if (c == NULL)
		return;
	mime_draft_release(&c->d);
	fct_aliases_free(&c->aliases);
	free(c->path);
	free(c->folder);
	free(c);
	*cp = NULL;
}

void
ui_compose_release(struct ui *ui)
{
	free(ui->compose_wait.folder);
	ui->compose_wait.folder = NULL;
	ui->compose_wait.action = UI_A_NONE;
	/* Quitting with a message open keeps its file. */
	compose_free(&ui->compose);
}

/* Drops the message: its file removed (it is in the outbox, postponed
 * or abandoned). */
static void
compose_done(struct ui *ui)
{
	if (ui->compose != NULL && ui->compose->path != NULL)
		unlink(ui->compose->path);
	compose_free(&ui->compose);
	ui->dirty = true;
}

/* Writes the editable form of the draft to its file. */
static int
write_draft(struct ui_compose *c, struct fct_error *err)
{
	struct strbuf text = STRBUF_INIT;
	FILE *fp;
	int rc = 0;

	mime_draft_format(&c->d, &text);
	if ((fp = fopen(c->path, "w")) == NULL ||
	    fwrite(text.buf, 1, text.len, fp) != text.len || fflush(fp) != 0 ||
	    fsync(fileno(fp)) != 0)
		rc = fct_error_set(err, "cannot write '%s': %s", c->path,
		    strerror(errno));
	if (fp != NULL && fclose(fp) != 0 && rc == 0)
		rc = fct_error_set(err, "cannot write '%s': %s", c->path,
		    strerror(errno));
	strbuf_release(&text);
	return rc;
}

/* The editor on the draft, then the draft read back from the file. */
static void
edit(struct ui *ui)
{
	struct ui_compose *c = ui->compose;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf text = STRBUF_INIT;

	if (write_draft(c, &err) != 0)
		goto fail;
	if (ui_run_on_terminal(ui, NULL, c->path, &err) != 0)
		goto fail;
	if (strbuf_read_file(&text, c->path) != 0) {
		fct_error_set(&err, "cannot read '%s': %s", c->path,
		    strerror(errno));
		goto fail;
	}
	c->parsed = false;
	if (mime_draft_parse(text.buf, text.len, &c->d, &err) != 0)
		goto fail;
	/* The identity From names, for the screen. */
	if (c->d.from != NULL && c->d.from[0] != '\0' &&
	    sync_compose_sender(ui->cfg, c->who.acct, c->d.from, &c->who,
		&err) != 0)
		goto fail;
	c->parsed = true;
	if (c->cursor >= c->d.natt)
		c->cursor = c->d.natt > 0 ? c->d.natt - 1 : 0;
	goto out;
fail:
	ui_message(ui, true, "%s (e edits again; the text is kept in '%s')",
	    fct_error_msg(&err), c->path);
out:
	strbuf_release(&text);
	fct_error_release(&err);
}

/* The raw current message (pager, else the index cursor) of account a.
 * Owned, or NULL with a message shown. */
static char *
current_raw(struct ui *ui, struct ui_account *a, enum ui_action action,
    uint32_t *uid, size_t *len)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg m = STORE_MSG_INIT;
	const struct store_msg *cur;
	char *raw = NULL;
	int found;

	if (ui->compose_uid != 0) {
		*uid = ui->compose_uid;
	} else if (ui->pg.open) {
		*uid = ui->pg.uid;
		if (ui->pg.raw != NULL) {
			*len = ui->pg.raw_len;
			raw = xmalloc(*len + 1);
			memcpy(raw, ui->pg.raw, *len);
			raw[*len] = '\0';
			return raw;
		}
	} else {
		if ((cur = ui_index_msg(ui, ui->ix.cursor)) == NULL) {
			ui_message(ui, true, "no message is selected");
			return NULL;
		}
		*uid = cur->uid;
	}
	found = store_msg_get(a->st, ui->ix.folder.id, *uid, &m, &err);
	if (found == 1)
		found = store_body_get(a->st, m.id, &raw, len, &err);
	if (found < 0)
		ui_message(ui, true, "%s", fct_error_msg(&err));
	else if (found == 0 && a->w == NULL)
		ui_message(ui, true,
		    "the message is not in the cache, and its account has "
		    "no worker to fetch it");
	else if (found == 0) {
		/* Carries on by itself when the body is there. */
		sync_worker_fetch(a->w, ui->ix.folder.name, *uid);
		free(ui->compose_wait.folder);
		ui->compose_wait.action = action;
		ui->compose_wait.acct = (size_t)(a - ui->accts);
		ui->compose_wait.folder = xstrdup(ui->ix.folder.name);
		ui->compose_wait.uid = *uid;
		ui_message(ui, false,
		    "fetching the message first; the editor opens once it "
		    "is here");
	}
	store_msg_release(&m);
	fct_error_release(&err);
	return raw;
}

static bool
in_drafts(const struct store_folder *f)
{
	return (f->role != NULL && strcmp(f->role, "drafts") == 0) ||
	    (f->ns == 0 && strcasecmp(f->name, "Drafts") == 0);
}

void
ui_compose_start(struct ui *ui, enum ui_action a)
{
	struct ui_account *acc = ui_current_account(ui);
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct ui_compose *c;
	const char *tmpdir = getenv("TMPDIR"), *drafts;
	char *raw = NULL;
	size_t len = 0;
	uint32_t uid = 0;
	int fd;

	if (acc == NULL || ui->compose != NULL)
		return;
	/* Whatever waited for a body gives way to what was asked now. */
	ui->compose_wait.action = UI_A_NONE;
	c = xcalloc(1, sizeof *c);
	c->acct = (size_t)(acc - ui->accts);
	switch (a) {
	case UI_A_REPLY:
		c->kind = SYNC_COMPOSE_REPLY;
		break;
	case UI_A_GROUP_REPLY:
		c->kind = SYNC_COMPOSE_REPLY_ALL;
		break;
	case UI_A_FORWARD:
		c->kind = SYNC_COMPOSE_FORWARD;
		break;
	case UI_A_FORWARD_ATTACH:
		c->kind = SYNC_COMPOSE_FORWARD_ATTACH;
		break;
	case UI_A_RECALL:
		c->kind = SYNC_COMPOSE_RESUME;
		if (!ui->ix.open || !in_drafts(&ui->ix.folder)) {
			/* Drafts first: the user picks the one to edit. */
			free(c);
			drafts = ui_role_folder(ui, (size_t)(acc - ui->accts),
			    "drafts");
			if (drafts == NULL) {
				ui_message(ui, true,
				    "this account has no "
				    "Drafts folder");
				return;
			}
			ui_pager_close(&ui->pg);
			ui_index_open(ui, (size_t)(acc - ui->accts), drafts);
			ui_message(ui, false,
			    "choose a draft and press recall again");
			return;
		}
		break;
	default:
		c->kind = SYNC_COMPOSE_NEW;
		break;
	}
	if (c->kind != SYNC_COMPOSE_NEW) {
		if (!ui->ix.open ||
		    (raw = current_raw(ui, acc, a, &uid, &len)) == NULL) {
			free(c);
			return;
		}
		c->folder = xstrdup(ui->ix.folder.name);
		c->uid = uid;
		c->draft = c->kind == SYNC_COMPOSE_RESUME;
	}
	if (sync_compose_start(ui->cfg, acc->acct, c->kind, raw, len, &c->d,
		&c->who, &err) != 0) {
		ui_message(ui, true, "%s", fct_error_msg(&err));
		goto fail;
	}
	/* The aliases that parsed; a bad line is said, not fatal. */
	if (fct_aliases_load(ui->cfg->aliases, &c->aliases, &diags) != 0 &&
	    diags.n > 0)
		ui_message(ui, true, "aliases: %s:%u: %s", diags.v[0].file,
		    diags.v[0].line, diags.v[0].msg);
	c->path = xasprintf("%s/facteur-draft-XXXXXX",
	    tmpdir != NULL && *tmpdir == '/' ? tmpdir : "/tmp");
	if ((fd = mkstemp(c->path)) < 0) {
		ui_message(ui, true, "cannot create '%s': %s", c->path,
		    strerror(errno));
		goto fail;
	}
	close(fd);
	ui->compose = c;
	edit(ui);
	goto out;
fail:
	compose_free(&c);
out:
	free(raw);
	config_diags_release(&diags);
	fct_error_release(&err);
}

void
ui_compose_body_event(struct ui *ui, const struct sync_event *ev)
{
	struct ui_account *acc;
	enum ui_action a = ui->compose_wait.action;

	if (a == UI_A_NONE || ev->folder == NULL ||
	    ev->uid != ui->compose_wait.uid ||
	    strcmp(ev->folder, ui->compose_wait.folder) != 0 ||
	    strcmp(ev->account, ui->accts[ui->compose_wait.acct].acct->name) !=
		0)
		return;
	ui->compose_wait.action = UI_A_NONE;
	if (ev->reason != NULL) {
		ui_message(ui, true, "cannot fetch the message: %s",
		    ev->reason);
		return;
	}
	/* Only where it was asked: the same folder, nothing else begun. */
	acc = ui_current_account(ui);
	if (ui->compose != NULL || !ui->ix.open || acc == NULL ||
	    (size_t)(acc - ui->accts) != ui->compose_wait.acct ||
	    strcmp(ui->ix.folder.name, ui->compose_wait.folder) != 0)
		return;
	ui->compose_uid = ui->compose_wait.uid;
	ui_compose_start(ui, a);
	ui->compose_uid = 0;
}

/* The UI account a sender's account is, or -1. */
static long
account_of(struct ui *ui, const struct config_account *acct)
{
	size_t i;

	for (i = 0; i < ui->naccts; i++)
		if (ui->accts[i].acct == acct)
			return (long)i;
	return -1;
}

/* Queues a job on the original (answered flag, old draft removal). */
static void
original_job(struct ui *ui, const char *kind, unsigned flags)
{
	struct ui_compose *c = ui->compose;
	struct ui_account *a = &ui->accts[c->acct];
	struct sync_job_spec spec = { 0 };
	struct strbuf payload = STRBUF_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	spec.folder = c->folder;
	spec.uids = &c->uid;
	spec.nuids = 1;
	if (flags != 0) {
		spec.op = '+';
		spec.flags = flags;
	}
	/* Like filing (filing.c): the worker writes it, the UI waits on
	 * no store write. */
	if (sync_job_make(&payload, &spec, &err) != 0 ||
	    (a->w == NULL &&
		store_job_add(a->st, kind, payload.buf, NULL, &err) != 0))
		ui_message(ui, true, "%s", fct_error_msg(&err));
	else {
		if (a->w != NULL)
			sync_worker_add_job(a->w, kind, payload.buf,
			    ++ui->last_ticket);
		a->pending++;
	}
	fct_error_release(&err);
	strbuf_release(&payload);
}

/* Sends (into the outbox) or postpones the message. */
static void
finish(struct ui *ui, bool postpone)
{
	struct ui_compose *c = ui->compose;
	struct mime_envelope env = MIME_ENVELOPE_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf msg = STRBUF_INIT;
	struct ui_account *a;
	int64_t id;
	long idx;

	if (!c->parsed) {
		ui_message(ui, true,
		    "the message does not parse: e edits it again");
		return;
	}
	if (sync_compose_finish(ui->cfg, c->who.acct, c->aliases, &c->d,
		&c->who, &msg, &err) != 0)
		goto fail;
	if ((idx = account_of(ui, c->who.acct)) < 0) {
		fct_error_set(&err, "account '%s' is not open here",
		    c->who.acct->name);
		goto fail;
	}
	a = &ui->accts[idx];
	if (postpone) {
		if (sync_postpone(ui->cfg, c->who.acct, a->st, &c->who, msg.buf,
			msg.len, c->draft ? c->uid : 0, &id, &err) != 0)
			goto fail;
		a->pending++;
		if (a->w != NULL)
			sync_worker_post(a->w, SYNC_REQ_RUN_JOBS, NULL);
		ui_message(ui, false, "postponed to Drafts");
		compose_done(ui);
		goto out;
	}
	if (c->who.acct->smtp.proto != CONFIG_PROTO_SMTP) {
		fct_error_set(&err,
		    "account '%s' has no smtp server "
		    "(see facteur(5))",
		    c->who.acct->name);
		goto fail;
	}
	if (sync_send_queue(a->st, &c->who, c->aliases, msg.buf, msg.len, &id,
		&env, &err) != 0)
		goto fail;
	/* In the outbox: from here on the worker owns it. */
	if (c->kind == SYNC_COMPOSE_REPLY || c->kind == SYNC_COMPOSE_REPLY_ALL)
		original_job(ui, "flag", FCT_FLAG_ANSWERED);
	else if (c->draft)
		original_job(ui, "expunge", 0);
	if (a->w != NULL)
		sync_worker_post(a->w, SYNC_REQ_RUN_JOBS, NULL);
	if (c->acct != (size_t)idx && ui->accts[c->acct].w != NULL)
		sync_worker_post(ui->accts[c->acct].w, SYNC_REQ_RUN_JOBS, NULL);
	ui_message(ui, false, "sending to %zu recipient%s...", env.nrcpt,
	    env.nrcpt == 1 ? "" : "s");
	compose_done(ui);
	goto out;
fail:
	ui_message(ui, true, "cannot %s: %s", postpone ? "postpone" : "send",
	    fct_error_msg(&err));
out:
	mime_envelope_release(&env);
	strbuf_release(&msg);
	fct_error_release(&err);
}

static void
next_identity(struct ui *ui)
{
	struct ui_compose *c = ui->compose;
	const char **own = NULL;
	const char *cur = sync_sender_email(&c->who);
	size_t n, i;

	n = sync_own_addresses(ui->cfg, c->who.acct, &own);
	for (i = 0; i < n; i++)
		if (strcasecmp(own[i], cur) == 0)
			break;
	if (n <= 1) {
		ui_message(ui, true,
		    "'%s' has no other identity (see "
		    "[identity] in facteur(5))",
		    c->who.acct->name);
		free(own);
		return;
	}
	sync_sender_by_index(ui->cfg, c->who.acct,
	    (int)(i < n ? (i + 1) % n : 0), &c->who);
	free(c->d.from);
	c->d.from = sync_sender_from(&c->who);
	free(own);
}

static void
detach(struct ui *ui)
{
	struct ui_compose *c = ui->compose;
	struct mime_attachment *t;

	if (c->d.natt == 0) {
		ui_message(ui, true, "no attachment");
		return;
	}
	t = &c->d.att[c->cursor];
	free(t->name);
	free(t->content_type);
	free(t->path);
	free(t->data);
	memmove(t, t + 1, (c->d.natt - c->cursor - 1) * sizeof *t);
	c->d.natt--;
	if (c->cursor >= c->d.natt && c->cursor > 0)
		c->cursor--;
}

/* sync_address_complete's callback: each candidate, after the head. */
struct address_matches {
	const char *head; /* the text before the address typed */
	size_t head_len;
	char **v;
	size_t n, alloc;
};

static int
address_match(const char *text, const char *detail, void *arg)
{
	struct address_matches *m = arg;

	(void)detail;
	FCT_ALLOC_GROW(m->v, m->n + 1, m->alloc);
	m->v[m->n++] = xasprintf("%.*s%s", (int)m->head_len, m->head, text);
	return 0;
}

char **
ui_address_complete(struct ui *ui, const char *text, size_t *n)
{
	struct ui_compose *c = ui->compose;
	struct fct_error err = FCT_ERROR_INIT;
	struct address_matches m = { 0 };
	const char *comma = strrchr(text, ',');
	const char *word = comma != NULL ? comma + 1 : text;

	*n = 0;
	if (c == NULL)
		return NULL;
	while (*word == ' ')
		word++;
	m.head = text;
	m.head_len = (size_t)(word - text);
	/* ", " between addresses, whatever was typed. */
	if (comma != NULL && m.head_len == (size_t)(comma + 1 - text)) {
		m.head = xasprintf("%.*s ", (int)m.head_len, text);
		m.head_len++;
	}
	if (sync_address_complete(ui->accts[c->acct].st, c->aliases, word, 20,
		address_match, &m, &err) != 0) {
		ui_message(ui, true, "%s", fct_error_msg(&err));
		fct_error_release(&err);
	}
	if (m.head != text)
		free((char *)m.head);
	*n = m.n;
	return m.v;
}

/* Starts the prompt for an address list, holding its current value. */
static void
address_prompt(struct ui *ui, enum ui_action a, const char *label,
    const char *value)
{
	ui_prompt_start(ui, UI_PROMPT_ADDRESS, a, label);
	if (value != NULL) {
		strbuf_addstr(&ui->pr.buf, value);
		ui->pr.pos = ui->pr.buf.len;
	}
}

void
ui_compose_action(struct ui *ui, enum ui_action a)
{
	struct ui_compose *c = ui->compose;

	ui->dirty = true;
	switch (a) {
	case UI_A_NEXT:
		if (c->cursor + 1 < c->d.natt)
			c->cursor++;
		return;
	case UI_A_PREV:
		if (c->cursor > 0)
			c->cursor--;
		return;
	case UI_A_SEND:
		finish(ui, false);
		return;
	case UI_A_POSTPONE:
		finish(ui, true);
		return;
	case UI_A_EDIT_MESSAGE:
		edit(ui);
		return;
	case UI_A_ATTACH_FILE:
		ui_prompt_start(ui, UI_PROMPT_FILE, a, "Attach file: ");
		return;
	case UI_A_DETACH_FILE:
		detach(ui);
		return;
	case UI_A_IDENTITY:
		next_identity(ui);
		return;
	case UI_A_EDIT_TO:
		address_prompt(ui, a, "To: ", c->d.to);
		return;
	case UI_A_EDIT_CC:
		address_prompt(ui, a, "Cc: ", c->d.cc);
		return;
	case UI_A_EDIT_BCC:
		address_prompt(ui, a, "Bcc: ", c->d.bcc);
		return;
	case UI_A_QUIT:
		ui_prompt_start(ui, UI_PROMPT_CHAR, a,
		    "Abort this message? [y/N] ");
		return;
	default:
		return;
	}
}

/* The answer of edit-to, edit-cc or edit-bcc, kept in the file too. */
static void
set_addresses(struct ui *ui, enum ui_action then, const char *answer)
{
	struct ui_compose *c = ui->compose;
	struct fct_error err = FCT_ERROR_INIT;
	char **field = then == UI_A_EDIT_TO ? &c->d.to
	    : then == UI_A_EDIT_CC          ? &c->d.cc
					    : &c->d.bcc;

	free(*field);
	*field = answer[strspn(answer, " ")] != '\0' ? xstrdup(answer) : NULL;
	/* The file holds the latest text (nothing typed is lost). */
	if (write_draft(c, &err) != 0) {
		ui_message(ui, true, "%s", fct_error_msg(&err));
		fct_error_release(&err);
	}
}

void
ui_compose_answer(struct ui *ui, enum ui_action then, const char *answer)
{
	struct ui_compose *c = ui->compose;
	const char *base;
	struct stat sb;
	char *path;

	if (c == NULL || answer == NULL)
		return;
	if (then == UI_A_QUIT) {
		if (answer[0] == 'y' || answer[0] == 'Y') {
			compose_done(ui);
			ui_message(ui, false, "message abandoned");
		}
		return;
	}
	if (then == UI_A_EDIT_TO || then == UI_A_EDIT_CC ||
	    then == UI_A_EDIT_BCC) {
		set_addresses(ui, then, answer);
		return;
	}
	if (then != UI_A_ATTACH_FILE || answer[0] == '\0')
		return;
	path = fct_expand_home(answer);
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		ui_message(ui, true, "cannot attach '%s': %s", path,
		    stat(path, &sb) != 0 ? strerror(errno) : "not a file");
		free(path);
		return;
	}
	base = strrchr(path, '/');
	mime_draft_add_attachment(&c->d, base != NULL ? base + 1 : path, NULL,
	    path);
	c->cursor = c->d.natt - 1;
	free(path);
}

bool
ui_compose_event(struct ui *ui, const struct sync_event *ev, bool ok)
{
	if (ev->job_kind == NULL || strcmp(ev->job_kind, "send") != 0)
		return false;
	if (!ok)
		ui_message(ui, true,
		    "cannot send: %s; the message stays in the outbox and is "
		    "sent again on the next connection ($ retries now)",
		    ev->reason != NULL ? ev->reason : "unknown reason");
	else if (ev->reason != NULL)
		ui_message(ui, true, "sent, but %s", ev->reason);
	else
		ui_message(ui, false, "message sent");
	return true;
}

static void
draw_field(int *y, int width, const char *name, const char *value)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%10s: ", name);
	if (value != NULL)
		ui_sanitize(&sb, value);
	attrset(ui_attr(UI_C_HEADER));
	ui_put((*y)++, 0, sb.buf, width, true);
	strbuf_release(&sb);
}

void
ui_compose_draw(struct ui *ui, int height)
{
	struct ui_compose *c = ui->compose;
	struct strbuf sb = STRBUF_INIT;
	const struct mime_attachment *t;
	const char *p;
	struct stat st;
	size_t i, lines = 0;
	int y = 0, w = ui->cols;

	attrset(ui_attr(UI_C_NORMAL));
	ui_put(y++, 0,
	    "Compose: y sends, P postpones, e edits, a attaches, D detaches, "
	    "i changes identity, q aborts",
	    w, true);
	ui_put(y++, 0, "", w, true);
	draw_field(&y, w, "From", c->d.from);
	draw_field(&y, w, "To", c->d.to);
	draw_field(&y, w, "Cc", c->d.cc);
	draw_field(&y, w, "Bcc", c->d.bcc);
	draw_field(&y, w, "Subject", c->d.subject);
	draw_field(&y, w, "Reply-To", c->d.reply_to);
	for (p = c->d.body; p != NULL && *p != '\0'; p++)
		lines += *p == '\n';
	strbuf_addf(&sb, "%10s: %zu line%s", "Body", lines,
	    lines == 1 ? "" : "s");
	attrset(ui_attr(UI_C_NORMAL));
	ui_put(y++, 0, sb.buf, w, true);
	ui_put(y++, 0, "", w, true);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "Attachments (%zu):", c->d.natt);
	ui_put(y++, 0, sb.buf, w, true);
	for (i = 0; i < c->d.natt && y < height; i++) {
		t = &c->d.att[i];
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%3zu  ", i + 1);
		ui_sanitize(&sb, t->name != NULL ? t->name : "(no name)");
		if (t->content_type != NULL) {
			strbuf_addstr(&sb, "  ");
			ui_sanitize(&sb, t->content_type);
		}
		if (t->data != NULL)
			strbuf_addf(&sb, "  %zu bytes", t->len);
		else if (t->path != NULL && stat(t->path, &st) == 0)
			strbuf_addf(&sb, "  %lld bytes", (long long)st.st_size);
		attrset(i == c->cursor ? ui_attr(UI_C_CURSOR)
				       : ui_attr(UI_C_NORMAL));
		ui_put(y++, 0, sb.buf, w, true);
	}
	attrset(ui_attr(UI_C_NORMAL));
	while (y < height)
		ui_put(y++, 0, "", w, true);
	attrset(A_NORMAL);
	strbuf_release(&sb);
}
