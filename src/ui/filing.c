/*
 * Filing from the keyboard: move, copy, delete, archive, spam, flag and
 * read/unread on the current message or on every tagged one, and undo.
 *
 * Each action becomes a job in the account's cache (sync_job_make,
 * store_job_add: the same queue the command line uses, so a job made
 * while offline runs on the next connection) and the worker is asked to
 * run the queue; the UI never waits. What the folder's rights (MYRIGHTS)
 * forbid is refused here, before any job exists.
 *
 * The job is handed to the account's worker (sync_worker_add_job), whose
 * job writer (src/sync/jobwriter.c), a thread with a store connection of
 * its own, writes it to the store's queue at once and then wakes the
 * worker: the job is crash-safe within milliseconds, and the UI thread
 * only appends to a list under a mutex, so it never waits for the store.
 * Why not write on the UI thread, now that no write transaction of the
 * worker spans network I/O (src/sync/folder.c, body.c)? A write there
 * still waits for whatever commit is in progress: a batch of 1,000 rows
 * with their full-text index. Measured on the test bed (2 shared vCPUs),
 * a writer probing the cache every 10 ms during a cold sync of 20,000
 * messages waited 56 ms at the 99th percentile and 80 ms at worst (the
 * batch size, not the folder's, sets it: the same for 100,000), against
 * 2.75 s when the transactions spanned the FETCH. 80 ms is several
 * frames, more on a slow disk, and the command line in another terminal
 * can hold the lock too; so the UI thread still writes nothing. Before,
 * the worker wrote the job itself between two batches, so it lived in
 * memory only for up to a whole network batch (a crash then lost the
 * user's action). The job's store id is not known here:
 * the UI names it by a ticket of its own, which comes back in the job's
 * events. Without a worker (none could be started) the UI writes the job
 * itself: then nothing competes for the store.
 *
 * Undo keeps the last filing. A move is undone by moving the messages
 * back from where the server says they landed: the UIDs of its COPYUID
 * answer (UIDPLUS), which the worker passes on with SYNC_EV_JOB_DONE. A
 * flag change is undone by the opposite change, a copy by deleting the
 * copies.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

const char *
ui_role_folder(struct ui *ui, size_t acct, const char *role)
{
	const struct store_folder_list *l = &ui->accts[acct].folders;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].ns == 0 && l->v[i].role != NULL &&
		    strcmp(l->v[i].role, role) == 0)
			return l->v[i].name;
	return NULL;
}

static const struct store_folder *
folder_named(struct ui *ui, size_t acct, const char *name)
{
	const struct store_folder_list *l = &ui->accts[acct].folders;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* Refuses (with a message) what the rights of `folder` do not allow. */
static bool
rights_ok(struct ui *ui, size_t acct, const char *folder, const char *need,
    const char *what)
{
	const struct store_folder *f = folder_named(ui, acct, folder);

	/* A local destination is created by the move (local.c). */
	if (f == NULL && ui->accts[acct].local)
		return true;
	if (f == NULL) {
		ui_message(ui, true, "no folder '%s'", folder);
		return false;
	}
	if (ui_rights_allow(f->rights, need))
		return true;
	ui_message(ui, true,
	    "cannot %s in '%s': your rights there are '%s' (%s)", what, folder,
	    f->rights,
	    ui_rights_badge(f->rights) != NULL ? ui_rights_badge(f->rights)
					       : "restricted");
	return false;
}

/* Queues one job and wakes the worker; its id in *id. */
static int
queue_job(struct ui *ui, size_t acct, const char *kind,
    const struct sync_job_spec *spec, int64_t *id)
{
	struct ui_account *a = &ui->accts[acct];
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf payload = STRBUF_INIT;
	struct ui_job *j;

	if (sync_job_make(&payload, spec, &err) != 0 ||
	    (a->w == NULL &&
		store_job_add(a->st, kind, payload.buf, id, &err) != 0)) {
		ui_message(ui, true, "%s", fct_error_msg(&err));
		fct_error_release(&err);
		strbuf_release(&payload);
		return -1;
	}
	if (a->w != NULL) {
		*id = (int64_t)++ui->last_ticket;
		sync_worker_add_job(a->w, kind, payload.buf, (uint64_t)*id);
	}
	strbuf_release(&payload);
	FCT_ALLOC_GROW(ui->jobs, ui->njobs + 1, ui->jobs_alloc);
	j = &ui->jobs[ui->njobs++];
	j->acct = acct;
	j->id = *id;
	j->folder = xstrdup(spec->folder);
	j->dest = spec->dest != NULL ? xstrdup(spec->dest) : NULL;
	a->pending++;
	ui->dirty = true;
	return 0;
}

static void
undo_release(struct ui_undo *u)
{
	free(u->kind);
	free(u->folder);
	free(u->dest);
	free(u->uids);
	free(u->dst_uids);
	memset(u, 0, sizeof *u);
}

/* The messages an action applies to: the tagged ones, else the current
 * one. Owned array in *uids. */
static size_t
targets(struct ui *ui, uint32_t **uids, unsigned *first_flags)
{
	struct ui_index *ix = &ui->ix;
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg pm = STORE_MSG_INIT;
	const struct store_msg *m;
	long row;
	int found;

	*first_flags = 0;
	*uids = NULL;
	if (ix->ntagged > 0 && !ui->pg.open) {
		*uids = xreallocarray(NULL, ix->ntagged, sizeof **uids);
		memcpy(*uids, ix->tagged, ix->ntagged * sizeof **uids);
		if ((row = ui_index_find(ui, ix->tagged[0])) >= 0 &&
		    (m = ui_index_msg(ui, (size_t)row)) != NULL)
			*first_flags = m->flags;
		return ix->ntagged;
	}
	if (ui->pg.open) {
		/* The message read, wherever the index window is. */
		found = store_msg_get(ui->accts[ix->acct].st, ix->folder.id,
		    ui->pg.uid, &pm, &err);
		fct_error_release(&err);
		if (found <= 0)
			return 0;
		*uids = xmalloc(sizeof **uids);
		(*uids)[0] = pm.uid;
		*first_flags = pm.flags;
		store_msg_release(&pm);
		return 1;
	}
	if ((m = ui_index_msg(ui, ix->cursor)) == NULL)
		return 0;
	*uids = xmalloc(sizeof **uids);
	(*uids)[0] = m->uid;
	*first_flags = m->flags;
	return 1;
}

static void
file_flag(struct ui *ui, uint32_t *uids, size_t n, unsigned flag, bool on)
{
	struct sync_job_spec spec = { 0 };
	struct ui_index *ix = &ui->ix;
	int64_t id;

	spec.folder = ix->folder.name;
	spec.uids = uids;
	spec.nuids = n;
	spec.op = on ? '+' : '-';
	spec.flags = flag;
	if (!rights_ok(ui, ix->acct, spec.folder,
		flag == FCT_FLAG_SEEN ? "s" : "w",
		flag == FCT_FLAG_SEEN ? "mark messages read" : "flag messages"))
		return;
	if (queue_job(ui, ix->acct, "flag", &spec, &id) != 0)
		return;
	undo_release(&ui->undo);
	ui->undo.valid = true;
	ui->undo.acct = ix->acct;
	ui->undo.kind = xstrdup("flag");
	ui->undo.folder = xstrdup(spec.folder);
	ui->undo.op = spec.op;
	ui->undo.flags = flag;
	ui->undo.uids = xreallocarray(NULL, n, sizeof *uids);
	memcpy(ui->undo.uids, uids, n * sizeof *uids);
	ui->undo.nuids = n;
	ui->undo.done = true;
	ui_message(ui, false, "%s %zu message%s",
	    flag == FCT_FLAG_SEEN ? (on ? "marked read" : "marked unread")
				  : (on ? "flagged" : "unflagged"),
	    n, n == 1 ? "" : "s");
}

struct suggest {
	struct ui *ui;
	size_t acct;
	int64_t skip; /* the open folder */
	char *found;  /* owned */
};

static int
suggest_row(const struct store_msg *m, void *arg)
{
	struct suggest *sg = arg;
	const struct store_folder_list *l = &sg->ui->accts[sg->acct].folders;
	size_t i;

	if (m->folder_id == sg->skip)
		return 0;
	for (i = 0; i < l->n; i++) {
		if (l->v[i].id != m->folder_id)
			continue;
		if (l->v[i].role != NULL &&
		    (strcmp(l->v[i].role, "inbox") == 0 ||
			strcmp(l->v[i].role, "trash") == 0 ||
			strcmp(l->v[i].role, "junk") == 0 ||
			strcmp(l->v[i].role, "sent") == 0 ||
			strcmp(l->v[i].role, "drafts") == 0))
			return 0;
		sg->found = xstrdup(l->v[i].name);
		return 1;
	}
	return 0;
}

/* Appends field:"value" with the query language's quoting. */
static void
add_term(struct strbuf *sb, const char *field, const char *value, size_t len)
{
	size_t i;

	strbuf_addf(sb, "%s:\"", field);
	for (i = 0; i < len; i++) {
		if (value[i] == '"' || value[i] == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, value[i]);
	}
	strbuf_addch(sb, '"');
}

char *
ui_suggest_folder(struct ui *ui)
{
	struct ui_index *ix = &ui->ix;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf text = STRBUF_INIT;
	struct suggest sg = { ui, ix->acct, ix->folder.id, NULL };
	const struct store_msg *m;
	struct query *q = NULL;
	const char *lt, *gt;

	if (!ix->open || ui->pg.open || ix->ntagged > 0 ||
	    (m = ui_index_msg(ui, ix->cursor)) == NULL)
		return NULL;
	if (m->list_id != NULL && m->list_id[0] != '\0')
		add_term(&text, "list", m->list_id, strlen(m->list_id));
	else if (m->from_text != NULL && (lt = strrchr(m->from_text, '<')) &&
	    (gt = strchr(lt, '>')) != NULL && gt > lt + 1)
		add_term(&text, "from", lt + 1, (size_t)(gt - lt - 1));
	else if (m->from_text != NULL && strchr(m->from_text, '@') != NULL)
		add_term(&text, "from", m->from_text, strlen(m->from_text));
	if (text.len > 0 && query_parse(text.buf, &q, &err) == 0 &&
	    store_msg_query(ui->accts[ix->acct].st, 0, q, time(NULL),
		"date DESC", 200, suggest_row, &sg, &err) != 0)
		free(sg.found), sg.found = NULL;
	query_free(&q);
	fct_error_release(&err);
	strbuf_release(&text);
	return sg.found;
}

void
ui_mark_seen(struct ui *ui, uint32_t uid)
{
	struct sync_job_spec spec = { 0 };
	struct ui_index *ix = &ui->ix;
	int64_t id;

	if (!ui_rights_allow(ix->folder.rights, "s"))
		return;
	spec.folder = ix->folder.name;
	spec.uids = &uid;
	spec.nuids = 1;
	spec.op = '+';
	spec.flags = FCT_FLAG_SEEN;
	(void)queue_job(ui, ix->acct, "flag", &spec, &id);
}

void
ui_file(struct ui *ui, enum ui_action act, const char *dest)
{
	struct ui_index *ix = &ui->ix;
	struct sync_job_spec spec = { 0 };
	const char *kind = "move", *what;
	uint32_t *uids = NULL;
	unsigned flags;
	size_t n, i;
	int64_t id;

	if (!ix->open) {
		ui_message(ui, true, "no folder is open");
		return;
	}
	if (ui_local_refused(ui, ix->acct, act))
		return;
	if ((n = targets(ui, &uids, &flags)) == 0) {
		ui_message(ui, true, "no message here");
		return;
	}
	switch (act) {
	case UI_A_FLAG:
		file_flag(ui, uids, n, FCT_FLAG_FLAGGED,
		    !(flags & FCT_FLAG_FLAGGED));
		goto out;
	case UI_A_TOGGLE_READ:
		file_flag(ui, uids, n, FCT_FLAG_SEEN, !(flags & FCT_FLAG_SEEN));
		goto out;
	case UI_A_DELETE:
		dest = ui_role_folder(ui, ix->acct, "trash");
		what = "Trash";
		break;
	case UI_A_ARCHIVE:
		dest = ui_role_folder(ui, ix->acct, "archive");
		what = "Archive";
		break;
	case UI_A_SPAM:
		dest = ui_role_folder(ui, ix->acct, "junk");
		what = "Junk";
		break;
	case UI_A_COPY:
		kind = "copy";
		what = NULL;
		break;
	default:
		what = NULL;
		break;
	}
	if (dest == NULL && ui->accts[ix->acct].local)
		dest = ui_local_role_dest(ui, ix->acct, act);
	if (dest == NULL) {
		ui_message(ui, true, "account '%s' has no %s folder",
		    ui->accts[ix->acct].acct->name, what);
		goto out;
	}
	if (!ui->accts[ix->acct].local &&
	    folder_named(ui, ix->acct, dest) == NULL) {
		ui_message(ui, true, "no folder '%s'", dest);
		goto out;
	}
	spec.folder = ix->folder.name;
	spec.uids = uids;
	spec.nuids = n;
	if (act == UI_A_DELETE && strcmp(dest, ix->folder.name) == 0) {
		/* In Trash: gone for good, no undo. */
		if (!rights_ok(ui, ix->acct, spec.folder, "te", "delete"))
			goto out;
		if (queue_job(ui, ix->acct, "expunge", &spec, &id) != 0)
			goto out;
		undo_release(&ui->undo);
		for (i = 0; i < n; i++)
			ui_index_pending_add(ix, uids[i]);
		ui_message(ui, false, "deleted %zu message%s for good", n,
		    n == 1 ? "" : "s");
		goto clear;
	}
	if (strcmp(dest, ix->folder.name) == 0) {
		ui_message(ui, true, "the messages are in '%s' already", dest);
		goto out;
	}
	if (!rights_ok(ui, ix->acct, spec.folder,
		strcmp(kind, "move") == 0 ? "rte" : "r",
		strcmp(kind, "move") == 0 ? "move messages out" : "copy") ||
	    !rights_ok(ui, ix->acct, dest, "i", "add messages"))
		goto out;
	spec.dest = dest;
	if (queue_job(ui, ix->acct, kind, &spec, &id) != 0)
		goto out;
	undo_release(&ui->undo);
	ui->undo.valid = true;
	ui->undo.acct = ix->acct;
	ui->undo.kind = xstrdup(kind);
	ui->undo.folder = xstrdup(spec.folder);
	ui->undo.dest = xstrdup(dest);
	ui->undo.uids = uids;
	ui->undo.nuids = n;
	ui->undo.job_id = id;
	uids = NULL;
	if (strcmp(kind, "move") == 0)
		for (i = 0; i < n; i++)
			ui_index_pending_add(ix, ui->undo.uids[i]);
	ui_message(ui, false, "%s %zu message%s to '%s'",
	    strcmp(kind, "move") == 0 ? "moving" : "copying", n,
	    n == 1 ? "" : "s", dest);
clear:
	if (ui->pg.open && strcmp(kind, "move") == 0)
		ui_pager_close(&ui->pg); /* what was read is gone */
	else if (ix->ntagged > 0 && !ui->pg.open)
		ix->ntagged = 0;
	else if (!ui->pg.open && strcmp(kind, "move") == 0)
		ui_index_move(ui, 1, 0);
out:
	free(uids);
	ui->dirty = true;
}

void
ui_undo(struct ui *ui)
{
	struct ui_undo *u = &ui->undo;
	struct sync_job_spec spec = { 0 };
	int64_t id;

	if (!u->valid) {
		ui_message(ui, true, "nothing to undo");
		return;
	}
	if (!u->done) {
		ui_message(ui, true,
		    "the %s is still on its way to the server; undo once "
		    "it is done",
		    u->kind);
		return;
	}
	if (strcmp(u->kind, "flag") == 0) {
		spec.folder = u->folder;
		spec.uids = u->uids;
		spec.nuids = u->nuids;
		spec.op = u->op == '+' ? '-' : '+';
		spec.flags = u->flags;
		if (queue_job(ui, u->acct, "flag", &spec, &id) == 0)
			ui_message(ui, false, "undone: flags restored");
		undo_release(u);
		return;
	}
	if (u->ndst == 0) {
		ui_message(ui, true,
		    "cannot undo: the server did not say where the "
		    "messages went (no UIDPLUS)");
		undo_release(u);
		return;
	}
	spec.folder = u->dest;
	spec.uids = u->dst_uids;
	spec.nuids = u->ndst;
	if (strcmp(u->kind, "move") == 0) {
		if (!rights_ok(ui, u->acct, u->dest, "rte",
			"move messages out") ||
		    !rights_ok(ui, u->acct, u->folder, "i", "add messages"))
			return;
		spec.dest = u->folder;
		if (queue_job(ui, u->acct, "move", &spec, &id) == 0)
			ui_message(ui, false,
			    "undone: %zu message%s back to '%s'", u->ndst,
			    u->ndst == 1 ? "" : "s", u->folder);
	} else {
		if (!rights_ok(ui, u->acct, u->dest, "te", "delete"))
			return;
		if (queue_job(ui, u->acct, "expunge", &spec, &id) == 0)
			ui_message(ui, false,
			    "undone: %zu cop%s deleted from '%s'", u->ndst,
			    u->ndst == 1 ? "y" : "ies", u->dest);
	}
	undo_release(u);
}

void
ui_job_event(struct ui *ui, const struct sync_event *ev, bool ok)
{
	struct ui_undo *u = &ui->undo;
	struct ui_account *a = NULL;
	struct ui_job *j = NULL;
	size_t i, k, acct = 0;

	for (i = 0; i < ui->naccts; i++)
		if (strcmp(ui->accts[i].acct->name, ev->account) == 0)
			a = &ui->accts[acct = i];
	if (a == NULL)
		return;
	for (i = 0; i < ui->njobs; i++)
		if (ui->jobs[i].acct == acct && ev->ticket != 0 &&
		    (uint64_t)ui->jobs[i].id == ev->ticket)
			j = &ui->jobs[i];
	if (a->pending > 0)
		a->pending--;
	if (!ok)
		ui_message(ui, true, "%s refused: %s",
		    ev->job_kind != NULL ? ev->job_kind : "job",
		    ev->reason != NULL ? ev->reason : "unknown reason");
	if (u->valid && !u->done && u->acct == acct && ev->ticket != 0 &&
	    (uint64_t)u->job_id == ev->ticket) {
		u->done = true;
		if (!ok)
			undo_release(u);
		else if (ev->nuids > 0) {
			/* Keep the destination UIDs of our messages, in the
			 * order the server paired them. */
			u->dst_uids =
			    xreallocarray(NULL, ev->nuids, sizeof *u->dst_uids);
			for (k = 0; k < ev->nuids; k++)
				u->dst_uids[u->ndst++] = ev->dst[k];
		}
	}
	if (!ok && ui->ix.open)
		ui->ix.npending = 0;
	if (j != NULL) {
		/* Show the result: both folders from the server. */
		/* (A POP3 account's worker says so itself: local.c.) */
		if (a->w != NULL && !a->local) {
			sync_worker_post(a->w, SYNC_REQ_SYNC_FOLDER, j->folder);
			if (j->dest != NULL)
				sync_worker_post(a->w, SYNC_REQ_SYNC_FOLDER,
				    j->dest);
		}
		free(j->folder);
		free(j->dest);
		*j = ui->jobs[--ui->njobs];
	}
	ui->dirty = true;
}

void
ui_filing_release(struct ui *ui)
{
	size_t i;

	undo_release(&ui->undo);
	for (i = 0; i < ui->njobs; i++) {
		free(ui->jobs[i].folder);
		free(ui->jobs[i].dest);
	}
	free(ui->jobs);
	ui->jobs = NULL;
	ui->njobs = 0;
}
