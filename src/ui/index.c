/*
 * The index: the message list of the open folder.
 *
 * A folder may hold 100,000 messages, and opening it must feel instant,
 * so the index never reads the folder whole on the UI thread. In date
 * order without a limit it counts the rows (store_msg_count_visible: one
 * row of counts kept by the store's triggers, whatever the size) and
 * keeps a window of WINDOW consecutive rows of the ordered result, read
 * with store_msg_query_page when the screen moves past it.
 *
 * Every other list (threads, a limit, the server's answer, the other
 * sorts) needs the whole folder, so the lister thread builds it
 * (lister.c): the index asks, goes on showing the list it had, and takes
 * the answer to its latest question (ui_index_listed). A listed index
 * keeps only the UIDs in display order (ix->rows) and reads the visible
 * messages one by one. Folders above THREAD_MAX messages open in date
 * order rather than threads (the user may still ask for threads).
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "private.h"

#define WINDOW 128
#define THREAD_MAX 20000

static void
window_release(struct ui_index *ix)
{
	size_t i;

	for (i = 0; i < ix->win_n; i++)
		store_msg_release(&ix->win[i]);
	free(ix->win);
	ix->win = NULL;
	ix->win_n = ix->win_start = 0;
}

void
ui_index_close(struct ui_index *ix)
{
	enum ui_column cols[FCT_ARRAY_LEN(ix->columns)];
	size_t ncols;
	uint64_t gen, find_gen;

	window_release(ix);
	store_folder_release(&ix->folder);
	query_free(&ix->limit);
	free(ix->limit_text);
	free(ix->server);
	free(ix->server_text);
	query_free(&ix->server_q);
	free(ix->rows);
	free(ix->collapsed);
	free(ix->tagged);
	free(ix->pending);
	/* The columns are the configuration's, for every folder; the list
	 * numbers go on, so that an answer for this folder never passes
	 * for one of the next. */
	memcpy(cols, ix->columns, sizeof cols);
	ncols = ix->ncolumns;
	gen = ix->list_gen;
	find_gen = ix->find_gen;
	memset(ix, 0, sizeof *ix);
	memcpy(ix->columns, cols, sizeof cols);
	ix->ncolumns = ncols;
	/* Answers on their way are for the folder closed: out of date. */
	ix->list_gen = gen + 1;
	ix->find_gen = find_gen + 1;
}

/* Sorted UID sets (ui_uidset_has tells membership). */
static void
uidset_set(uint32_t **v, size_t *n, size_t *alloc, uint32_t uid, bool on)
{
	size_t i;

	for (i = 0; i < *n && (*v)[i] < uid; i++)
		;
	if (on) {
		if (i < *n && (*v)[i] == uid)
			return;
		FCT_ALLOC_GROW(*v, *n + 1, *alloc);
		memmove(*v + i + 1, *v + i, (*n - i) * sizeof **v);
		(*v)[i] = uid;
		(*n)++;
	} else if (i < *n && (*v)[i] == uid) {
		memmove(*v + i, *v + i + 1, (*n - i - 1) * sizeof **v);
		(*n)--;
	}
}

bool
ui_index_tagged(const struct ui_index *ix, uint32_t uid)
{
	return ui_uidset_has(ix->tagged, ix->ntagged, uid);
}

void
ui_index_tag(struct ui_index *ix, uint32_t uid, bool on)
{
	uidset_set(&ix->tagged, &ix->ntagged, &ix->tagged_alloc, uid, on);
}

void
ui_index_pending_add(struct ui_index *ix, uint32_t uid)
{
	uidset_set(&ix->pending, &ix->npending, &ix->pending_alloc, uid, true);
}

bool
ui_index_pending(const struct ui_index *ix, uint32_t uid)
{
	return ui_uidset_has(ix->pending, ix->npending, uid);
}

/* --- Reading rows ------------------------------------------------------ */

static int
fill_row(const struct store_msg *m, void *arg)
{
	struct ui_index *ix = arg;
	struct store_msg *c = &ix->win[ix->win_n++];

	memset(c, 0, sizeof *c);
	*c = *m;
	c->keywords = m->keywords != NULL ? xstrdup(m->keywords) : NULL;
	c->subject = m->subject != NULL ? xstrdup(m->subject) : NULL;
	c->from_text = m->from_text != NULL ? xstrdup(m->from_text) : NULL;
	c->to_text = m->to_text != NULL ? xstrdup(m->to_text) : NULL;
	c->cc_text = m->cc_text != NULL ? xstrdup(m->cc_text) : NULL;
	c->message_id = m->message_id != NULL ? xstrdup(m->message_id) : NULL;
	c->in_reply_to =
	    m->in_reply_to != NULL ? xstrdup(m->in_reply_to) : NULL;
	c->references = m->references != NULL ? xstrdup(m->references) : NULL;
	c->list_id = m->list_id != NULL ? xstrdup(m->list_id) : NULL;
	/* The header block is not needed to draw a row. */
	c->headers = NULL;
	c->parts = m->parts != NULL ? xstrdup(m->parts) : NULL;
	return ix->win_n == WINDOW;
}

/* Reads the window starting at row `start`. */
static void
window_fill(struct ui *ui, size_t start)
{
	struct ui_index *ix = &ui->ix;
	struct ui_account *a = &ui->accts[ix->acct];
	struct fct_error err = FCT_ERROR_INIT;
	size_t i;
	int found;

	window_release(ix);
	ix->win = xcalloc(WINDOW, sizeof *ix->win);
	ix->win_start = start;
	if (ix->rows == NULL) {
		if (store_msg_query_page(a->st, ix->folder.id, ix->limit,
			time(NULL), ui_sort_order(ix->sort, ix->reverse), start,
			WINDOW, fill_row, ix, &err) != 0)
			ui_message(ui, true, "%s", fct_error_msg(&err));
		/* The worker removed messages since the count: the list
		 * ends here (the reload its event brings counts again). */
		else if (ix->win_n < WINDOW && ix->count > start + ix->win_n) {
			ix->count = start + ix->win_n;
			if (ix->cursor >= ix->count)
				ix->cursor = ix->count > 0 ? ix->count - 1 : 0;
		}
	} else {
		for (i = start; i < ix->count && ix->win_n < WINDOW; i++) {
			found = store_msg_get(a->st, ix->folder.id,
			    ix->rows[i].uid, &ix->win[ix->win_n], &err);
			if (found < 0) {
				ui_message(ui, true, "%s", fct_error_msg(&err));
				break;
			}
			/* Gone meanwhile: an empty row until the reload. */
			ix->win[ix->win_n].uid = ix->rows[i].uid;
			free(ix->win[ix->win_n].headers);
			ix->win[ix->win_n].headers = NULL;
			ix->win_n++;
		}
	}
	fct_error_release(&err);
}

const struct store_msg *
ui_index_msg(struct ui *ui, size_t i)
{
	struct ui_index *ix = &ui->ix;

	if (!ix->open || i >= ix->count)
		return NULL;
	if (ix->win == NULL || i < ix->win_start ||
	    i >= ix->win_start + ix->win_n)
		window_fill(ui, i >= WINDOW / 4 ? i - WINDOW / 4 : 0);
	if (i < ix->win_start || i >= ix->win_start + ix->win_n)
		return NULL;
	return &ix->win[i - ix->win_start];
}

/* --- Loading ------------------------------------------------------------ */

static void index_reload(struct ui *ui);
static void index_found(struct ui *ui, const struct ui_list_res *res);
static void index_tag_many(struct ui *ui, const struct ui_list_res *res);

void
ui_index_reload(struct ui *ui)
{
	int64_t t0 = ui->trace != NULL ? ui_now_us() : 0;

	index_reload(ui);
	if (ui->trace != NULL)
		ui->t_reload += ui_now_us() - t0;
}

/* Keeps the cursor on its message (cursor_uid) when it is still listed,
 * else near the row it was on (old). */
static void
keep_cursor(struct ui *ui, size_t old)
{
	struct ui_index *ix = &ui->ix;
	const struct store_msg *m;
	size_t i;

	ix->cursor = old < ix->count ? old : ix->count > 0 ? ix->count - 1 : 0;
	if (ix->cursor_uid != 0) {
		if (ix->rows != NULL) {
			for (i = 0; i < ix->count; i++)
				if (ix->rows[i].uid == ix->cursor_uid)
					ix->cursor = i;
		} else {
			for (i = old > WINDOW / 2 ? old - WINDOW / 2 : 0;
			     i < ix->count && i < old + WINDOW / 2; i++) {
				m = ui_index_msg(ui, i);
				if (m != NULL && m->uid == ix->cursor_uid) {
					ix->cursor = i;
					break;
				}
			}
		}
	}
	if (ix->top > ix->cursor)
		ix->top = ix->cursor;
	m = ui_index_msg(ui, ix->cursor);
	ix->cursor_uid = m != NULL ? m->uid : 0;
	ui->dirty = true;
}

/* A request for the list the index shows now (owned). */
static struct ui_list_req *
list_req_new(struct ui *ui, enum ui_list_kind kind)
{
	struct ui_index *ix = &ui->ix;
	struct ui_list_req *r = xcalloc(1, sizeof *r);
	const char *q;

	r->kind = kind;
	r->path = sync_store_path(ui->cfg, ui->accts[ix->acct].acct);
	r->folder_id = ix->folder.id;
	r->sort = ix->sort;
	r->reverse = ix->reverse;
	/* The server's inexact answer is narrowed by its query. */
	q = ix->server != NULL ? (ix->server_q != NULL ? ix->server_text : NULL)
			       : ix->limit_text;
	r->query = q != NULL ? xstrdup(q) : NULL;
	if (ix->server != NULL) {
		r->has_server = true;
		r->nserver = ix->nserver;
		r->server =
		    xreallocarray(NULL, ix->nserver + 1, sizeof *r->server);
		if (ix->nserver > 0)
			memcpy(r->server, ix->server,
			    ix->nserver * sizeof *r->server);
	}
	r->ncollapsed = ix->ncollapsed;
	r->collapsed =
	    xreallocarray(NULL, ix->ncollapsed + 1, sizeof *r->collapsed);
	/* Never memcpy from NULL, even 0 bytes (UBSan says so). */
	if (ix->ncollapsed > 0)
		memcpy(r->collapsed, ix->collapsed,
		    ix->ncollapsed * sizeof *r->collapsed);
	r->now = time(NULL);
	return r;
}

/* Asks the lister for the list the index shows now. */
static void
list_ask(struct ui *ui)
{
	struct ui_list_req *r = list_req_new(ui, UI_LIST_ROWS);

	r->gen = ++ui->ix.list_gen;
	ui->ix.listing = true;
	ui->ix.asked_ms = ui_now_us() / 1000;
	ui_lister_ask(ui->lister, r);
}

static void
index_reload(struct ui *ui)
{
	struct ui_index *ix = &ui->ix;
	struct ui_account *a;
	struct fct_error err = FCT_ERROR_INIT;
	size_t n = 0, old = ix->cursor;
	char *name;
	int found;

	if (!ix->open)
		return;
	a = &ui->accts[ix->acct];
	window_release(ix);
	/* The folder's counts and rights may have changed too. */
	name = xstrdup(ix->folder.name);
	found = store_folder_get(a->st, name, &ix->folder, &err);
	free(name);
	if (found <= 0) {
		ui_message(ui, true, "%s",
		    found < 0 ? fct_error_msg(&err) : "the folder is gone");
		fct_error_release(&err);
		free(ix->rows);
		ix->rows = NULL;
		ix->count = 0;
		ix->open = false;
		return;
	}
	/* A folder that grew past the threading limit while open (a cold
	 * sync) goes to date order, unless threads were asked for. */
	if (ix->sort == UI_SORT_THREADS && ix->sort_auto &&
	    store_msg_count_visible(a->st, ix->folder.id, &n, &err) == 0 &&
	    n > THREAD_MAX)
		ix->sort = UI_SORT_DATE;
	fct_error_release(&err);
	/* Every other list is the lister's; until its answer, the index
	 * shows the list it had. */
	if (ix->sort != UI_SORT_DATE || ix->limit != NULL ||
	    ix->server != NULL) {
		list_ask(ui);
		ui->dirty = true;
		return;
	}
	/* Date order: counted here (one row), read a window at a time. */
	free(ix->rows);
	ix->rows = NULL;
	ix->listing = false;
	ix->list_gen++; /* an answer on its way is out of date */
	if (store_msg_count_visible(a->st, ix->folder.id, &ix->count, &err) !=
	    0) {
		ui_message(ui, true, "%s", fct_error_msg(&err));
		fct_error_release(&err);
		ix->count = 0;
	}
	keep_cursor(ui, old);
}

bool
ui_index_holds_keys(const struct ui *ui, int64_t now_ms, int64_t hold_ms)
{
	const struct ui_index *ix = &ui->ix;

	return ix->open && (ix->listing || ix->finding) &&
	    now_ms - ix->asked_ms < hold_ms;
}

void
ui_index_listed(struct ui *ui, struct ui_list_res *res)
{
	struct ui_index *ix = &ui->ix;

	if (res->kind != UI_LIST_ROWS) {
		if (ix->open && res->gen == ix->find_gen) {
			ix->finding = false;
			if (res->error != NULL)
				ui_message(ui, true, "%s", res->error);
			else if (res->kind == UI_LIST_FIND)
				index_found(ui, res);
			else
				index_tag_many(ui, res);
		}
		ui_list_res_free(res);
		return;
	}
	if (!ix->open || res->gen != ix->list_gen) {
		ui_list_res_free(res);
		return;
	}
	ix->listing = false;
	if (res->error != NULL) {
		ui_message(ui, true, "%s", res->error);
		ui_list_res_free(res);
		return;
	}
	window_release(ix);
	free(ix->rows);
	ix->rows = res->rows;
	ix->count = res->count;
	res->rows = NULL;
	ui_list_res_free(res);
	keep_cursor(ui, ix->cursor);
}

void
ui_index_open(struct ui *ui, size_t acct, const char *folder)
{
	struct ui_index *ix = &ui->ix;
	struct fct_error err = FCT_ERROR_INIT;
	size_t n = 0;
	int found;

	ui_index_close(ix);
	ix->acct = acct;
	found = store_folder_get(ui->accts[acct].st, folder, &ix->folder, &err);
	if (found <= 0) {
		ui_message(ui, true, "%s",
		    found < 0 ? fct_error_msg(&err) : "no such folder");
		fct_error_release(&err);
		return;
	}
	if (ix->folder.noselect) {
		ui_message(ui, true, "'%s' holds folders, not messages",
		    folder);
		ui_index_close(ix);
		return;
	}
	if (store_msg_count_visible(ui->accts[acct].st, ix->folder.id, &n,
		&err) != 0)
		fct_error_release(&err);
	ix->sort = n <= THREAD_MAX ? UI_SORT_THREADS : UI_SORT_DATE;
	ix->sort_auto = true;
	ix->open = true;
	ui_index_reload(ui);
	if (ui->accts[acct].w != NULL)
		sync_worker_post(ui->accts[acct].w, SYNC_REQ_OPEN_FOLDER,
		    folder);
}

/* --- Moving ------------------------------------------------------------- */

void
ui_index_goto(struct ui *ui, size_t i, int height)
{
	struct ui_index *ix = &ui->ix;
	const struct store_msg *m;

	if (ix->count == 0)
		return;
	if (i >= ix->count)
		i = ix->count - 1;
	ix->cursor = i;
	if (ix->cursor < ix->top)
		ix->top = ix->cursor;
	if (height > 0 && ix->cursor >= ix->top + (size_t)height)
		ix->top = ix->cursor - (size_t)height + 1;
	m = ui_index_msg(ui, ix->cursor);
	ix->cursor_uid = m != NULL ? m->uid : 0;
	ui->dirty = true;
}

void
ui_index_move(struct ui *ui, long delta, int height)
{
	struct ui_index *ix = &ui->ix;

	if (ix->count == 0)
		return;
	if (delta < 0 && (size_t)-delta > ix->cursor)
		ui_index_goto(ui, 0, height);
	else
		ui_index_goto(ui, ix->cursor + (size_t)delta, height);
}

long
ui_index_find(struct ui *ui, uint32_t uid)
{
	struct ui_index *ix = &ui->ix;
	size_t i;

	if (ix->rows != NULL) {
		for (i = 0; i < ix->count; i++)
			if (ix->rows[i].uid == uid)
				return (long)i;
		return -1;
	}
	for (i = 0; i < ix->win_n; i++)
		if (ix->win[i].uid == uid)
			return (long)(ix->win_start + i);
	return -1;
}

void
ui_index_fold(struct ui *ui)
{
	struct ui_index *ix = &ui->ix;
	size_t i;

	if (ix->rows == NULL || ix->count == 0) {
		ui_message(ui, false,
		    "threads are folded in thread order "
		    "(sort: o, then t)");
		return;
	}
	/* Fold the thread the cursor is in: find its root. */
	for (i = ix->cursor; i > 0 && ix->rows[i].depth > 0; i--)
		;
	ix->cursor_uid = ix->rows[i].uid;
	uidset_set(&ix->collapsed, &ix->ncollapsed, &ix->collapsed_alloc,
	    ix->rows[i].uid,
	    !ui_uidset_has(ix->collapsed, ix->ncollapsed, ix->rows[i].uid));
	ix->cursor = i;
	ui_index_reload(ui);
}

/* --- Queries ------------------------------------------------------------ */

int
ui_index_limit(struct ui *ui, const char *text)
{
	struct ui_index *ix = &ui->ix;
	struct fct_error err = FCT_ERROR_INIT;
	struct query *q = NULL;

	if (text != NULL && text[strspn(text, " \t")] != '\0' &&
	    strcmp(text, "all") != 0) {
		if (query_parse(text, &q, &err) != 0) {
			ui_message(ui, true, "bad query: %s",
			    fct_error_msg(&err));
			fct_error_release(&err);
			return -1;
		}
	}
	query_free(&ix->limit);
	free(ix->limit_text);
	/* A new limit replaces the server's answer too. */
	free(ix->server);
	ix->server = NULL;
	ix->nserver = 0;
	free(ix->server_text);
	ix->server_text = NULL;
	query_free(&ix->server_q);
	ix->limit = q;
	ix->limit_text = q != NULL ? xstrdup(text) : NULL;
	ix->cursor = ix->top = 0;
	ix->cursor_uid = 0;
	ui_index_reload(ui);
	return 0;
}

void
ui_index_search_server(struct ui *ui)
{
	struct ui_index *ix = &ui->ix;
	struct ui_account *a;
	const char *text =
	    ix->limit_text != NULL ? ix->limit_text : ui->search_text;

	if (!ix->open)
		return;
	a = &ui->accts[ix->acct];
	if (text == NULL) {
		ui_message(ui, true,
		    "nothing to ask the server: limit (l) or search (/) first");
		return;
	}
	if (a->acct->imap.proto != CONFIG_PROTO_IMAP || a->w == NULL) {
		ui_message(ui, true, "account '%s' has no server to search",
		    a->acct->name);
		return;
	}
	ui->search_ticket = ++ui->last_ticket;
	free(ui->search_asked);
	ui->search_asked = xstrdup(text);
	sync_worker_search(a->w, ix->folder.name, text, ui->search_ticket);
	ui_message(ui, false, "asking the server: %s", text);
}

void
ui_index_server_event(struct ui *ui, const struct sync_event *ev)
{
	struct ui_index *ix = &ui->ix;
	struct fct_error err = FCT_ERROR_INIT;
	struct query *q = NULL;

	if (ev->ticket == 0 || ev->ticket != ui->search_ticket)
		return; /* an older question, or another folder's */
	ui->search_ticket = 0;
	if (!ix->open || ev->folder == NULL ||
	    strcmp(ev->folder, ix->folder.name) != 0 ||
	    strcmp(ev->account, ui->accts[ix->acct].acct->name) != 0)
		return;
	if (ev->reason != NULL) {
		ui_message(ui, true, "server search: %s", ev->reason);
		return;
	}
	/* An inexact answer is narrowed like the command line does. */
	if (!ev->exact && query_parse(ui->search_asked, &q, &err) != 0) {
		ui_message(ui, true, "bad query: %s", fct_error_msg(&err));
		fct_error_release(&err);
		return;
	}
	free(ix->server);
	ix->server = xreallocarray(NULL, ev->nuids + 1, sizeof *ix->server);
	if (ev->nuids > 0)
		memcpy(ix->server, ev->src, ev->nuids * sizeof *ix->server);
	ix->nserver = ev->nuids;
	free(ix->server_text);
	ix->server_text = xstrdup(ui->search_asked);
	query_free(&ix->server_q);
	ix->server_q = q;
	ix->cursor = ix->top = 0;
	ix->cursor_uid = 0;
	ui_index_reload(ui);
	ui_message(ui, false,
	    "the server found %zu message%s (%u new to the "
	    "cache)",
	    ev->nuids, ev->nuids == 1 ? "" : "s", ev->count);
}

/* Asks the lister about text (kind FIND or MATCH); -1 if not a query. */
static int
find_ask(struct ui *ui, enum ui_list_kind kind, const char *text)
{
	struct ui_index *ix = &ui->ix;
	struct fct_error err = FCT_ERROR_INIT;
	struct query *q = NULL;
	struct ui_list_req *r;
	const struct store_msg *m;

	if (!ix->open)
		return -1;
	/* Parsed here too, so that a typo is said at once. */
	if (query_parse(text, &q, &err) != 0) {
		ui_message(ui, true, "bad query: %s", fct_error_msg(&err));
		fct_error_release(&err);
		return -1;
	}
	query_free(&q);
	r = list_req_new(ui, kind);
	r->gen = ++ix->find_gen;
	r->match = xstrdup(text);
	r->from_row = ix->cursor;
	m = ix->count > 0 ? ui_index_msg(ui, ix->cursor) : NULL;
	r->from_uid = m != NULL ? m->uid : 0;
	ix->finding = true;
	ix->asked_ms = ui_now_us() / 1000;
	ui_lister_ask(ui->lister, r);
	return 0;
}

int
ui_index_search(struct ui *ui, const char *text)
{
	return find_ask(ui, UI_LIST_FIND, text);
}

int
ui_index_tag_query(struct ui *ui, const char *text)
{
	return find_ask(ui, UI_LIST_MATCH, text);
}

/* The lister's answer to a search: the cursor goes to the message. */
static void
index_found(struct ui *ui, const struct ui_list_res *res)
{
	struct ui_index *ix = &ui->ix;
	const struct store_msg *m;
	long row = -1;

	if (res->found_row < 0) {
		ui_message(ui, true, "not found");
		return;
	}
	/* Where it is in the list shown, which may have changed since. */
	if (ix->rows != NULL)
		row = ui_index_find(ui, res->found_uid);
	else if ((size_t)res->found_row < ix->count &&
	    (m = ui_index_msg(ui, (size_t)res->found_row)) != NULL &&
	    m->uid == res->found_uid)
		row = res->found_row;
	else
		row = ui_index_find(ui, res->found_uid);
	if (row < 0) {
		ui_message(ui, true, "not found");
		return;
	}
	ui_index_goto(ui, (size_t)row, ui_main_height(ui));
}

/* The lister's answer to tag-by-query: every match tagged. */
static void
index_tag_many(struct ui *ui, const struct ui_list_res *res)
{
	struct ui_index *ix = &ui->ix;
	uint32_t *v;
	size_t i = 0, j = 0, n = 0;

	/* A merge of two sorted sets: tagging 100,000 one by one would
	 * move the array 100,000 times. */
	v = xreallocarray(NULL, ix->ntagged + res->nuids + 1, sizeof *v);
	while (i < ix->ntagged || j < res->nuids) {
		if (j >= res->nuids ||
		    (i < ix->ntagged && ix->tagged[i] < res->uids[j]))
			v[n++] = ix->tagged[i++];
		else if (i >= ix->ntagged || res->uids[j] < ix->tagged[i])
			v[n++] = res->uids[j++];
		else {
			v[n++] = ix->tagged[i++];
			j++;
		}
	}
	free(ix->tagged);
	ix->tagged = v;
	ix->ntagged = n;
	ix->tagged_alloc = ix->ntagged + res->nuids + 1;
	ui_message(ui, false, "tagged %zu message%s", res->nuids,
	    res->nuids == 1 ? "" : "s");
	ui->dirty = true;
}

/* --- Drawing ------------------------------------------------------------ */

static void
flags_column(const struct ui_index *ix, const struct store_msg *m, char *out)
{
	out[0] = ui_index_tagged(ix, m->uid)     ? '*'
	    : ui_index_pending(ix, m->uid)       ? '>'
	    : (m->flags & FCT_FLAG_DELETED) != 0 ? 'D'
	    : (m->flags & FCT_FLAG_SEEN) == 0    ? 'N'
						 : ' ';
	out[1] = (m->flags & FCT_FLAG_FLAGGED) != 0 ? '!'
	    : (m->flags & FCT_FLAG_ANSWERED) != 0   ? 'r'
	    : m->has_attachment                     ? '+'
						    : ' ';
	out[2] = m->parts != NULL &&
		(strstr(m->parts, "multipart/encrypted") ||
		    strstr(m->parts, "pkcs7-mime"))
	    ? 'P'
	    : m->parts != NULL && strstr(m->parts, "multipart/signed") ? 's'
								       : ' ';
	out[3] = '\0';
}

/* "Name" of "Name <addr>", or the address. */
static void
sender_name(struct strbuf *sb, const char *from)
{
	const char *lt;

	if (from == NULL)
		return;
	lt = strchr(from, '<');
	if (lt != NULL && lt > from) {
		strbuf_add(sb, from, (size_t)(lt - from));
		strbuf_rtrim(sb);
		if (sb->len > 0 && sb->buf[0] == '"' &&
		    sb->buf[sb->len - 1] == '"' && sb->len >= 2) {
			memmove(sb->buf, sb->buf + 1, sb->len - 2);
			strbuf_setlen(sb, sb->len - 2);
		}
	} else
		strbuf_addstr(sb, from);
}

static void
date_column(char *out, size_t len, int64_t when)
{
	time_t t = (time_t)when, now = time(NULL);
	struct tm tm, tn;

	if (when == 0) {
		snprintf(out, len, "%-6s", "?");
		return;
	}
	localtime_r(&t, &tm);
	localtime_r(&now, &tn);
	if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		strftime(out, len, "%H:%M ", &tm);
	else if (tm.tm_year == tn.tm_year)
		strftime(out, len, "%b %d", &tm);
	else
		strftime(out, len, "%Y  ", &tm);
}

static void
size_column(char *out, size_t len, uint64_t size)
{
	if (size < 1024)
		snprintf(out, len, "%4uB", (unsigned)size);
	else if (size < 1024 * 1024)
		snprintf(out, len, "%4uK", (unsigned)(size / 1024));
	else
		snprintf(out, len, "%4uM", (unsigned)(size / 1024 / 1024));
}

static const char *const column_names[] = {
	[UI_COL_NUMBER] = "number",
	[UI_COL_FLAGS] = "flags",
	[UI_COL_DATE] = "date",
	[UI_COL_FROM] = "from",
	[UI_COL_TO] = "to",
	[UI_COL_SUBJECT] = "subject",
	[UI_COL_SIZE] = "size",
};

void
ui_index_columns(struct ui_index *ix, const char *spec)
{
	char *copy = xstrdup(
	    spec != NULL ? spec : "number flags date from subject size");
	char *tok, *save;
	size_t i;

	ix->ncolumns = 0;
	for (tok = strtok_r(copy, " \t", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t", &save))
		for (i = 0; i < FCT_ARRAY_LEN(column_names); i++)
			if (strcmp(tok, column_names[i]) == 0 &&
			    ix->ncolumns < FCT_ARRAY_LEN(ix->columns))
				ix->columns[ix->ncolumns++] = (enum ui_column)i;
	free(copy);
}

/* The text of one cell (sanitised), into sb. */
static void
cell(struct ui_index *ix, size_t i, const struct store_msg *m, enum ui_column c,
    struct strbuf *sb)
{
	struct strbuf who = STRBUF_INIT;
	char buf[32];
	int d;

	switch (c) {
	case UI_COL_NUMBER:
		strbuf_addf(sb, "%6zu", i + 1);
		break;
	case UI_COL_FLAGS:
		flags_column(ix, m, buf);
		strbuf_addstr(sb, buf);
		break;
	case UI_COL_DATE:
		date_column(buf, sizeof buf, m->date);
		strbuf_addstr(sb, buf);
		break;
	case UI_COL_FROM:
	case UI_COL_TO:
		sender_name(&who, c == UI_COL_FROM ? m->from_text : m->to_text);
		ui_sanitize(sb, who.len > 0 ? who.buf : "(nobody)");
		break;
	case UI_COL_SUBJECT:
		if (ix->rows != NULL && ix->rows[i].depth > 0) {
			for (d = 1; d < ix->rows[i].depth && d < 10; d++)
				strbuf_addstr(sb, "  ");
			strbuf_addstr(sb,
			    ix->rows[i].last ? "\xe2\x94\x94>"
					     : "\xe2\x94\x9c>");
		}
		if (ix->rows != NULL && ix->rows[i].hidden > 0)
			strbuf_addf(sb, "(+%u) ", ix->rows[i].hidden);
		ui_sanitize(sb, m->subject != NULL ? m->subject : "");
		break;
	case UI_COL_SIZE:
		size_column(buf, sizeof buf, m->size);
		strbuf_addstr(sb, buf);
		break;
	}
	strbuf_release(&who);
}

void
ui_index_draw(struct ui *ui, int y0, int x0, int height, int width)
{
	struct ui_index *ix = &ui->ix;
	struct strbuf sb = STRBUF_INIT;
	const struct store_msg *m;
	int widths[FCT_ARRAY_LEN(ix->columns)];
	int y, x, attr, fixed = 0, fromw = width > 80 ? 22 : 16;
	size_t i, k, flex;

	/* Every column has its width but one, which takes what is left:
	 * the subject, or else the last. */
	flex = ix->ncolumns > 0 ? ix->ncolumns - 1 : 0;
	for (k = 0; k < ix->ncolumns; k++)
		if (ix->columns[k] == UI_COL_SUBJECT)
			flex = k;
	for (k = 0; k < ix->ncolumns; k++) {
		switch (ix->columns[k]) {
		case UI_COL_NUMBER:
			widths[k] = 6;
			break;
		case UI_COL_FLAGS:
			widths[k] = 3;
			break;
		case UI_COL_DATE:
		case UI_COL_SIZE:
			widths[k] = 6;
			break;
		case UI_COL_FROM:
		case UI_COL_TO:
		case UI_COL_SUBJECT:
			widths[k] = fromw;
			break;
		}
		if (k != flex)
			fixed += widths[k] + 1;
	}
	if (ix->ncolumns > 0)
		widths[flex] = width - fixed > 1 ? width - fixed : 1;

	if (ix->cursor < ix->top)
		ix->top = ix->cursor;
	if (height > 0 && ix->cursor >= ix->top + (size_t)height)
		ix->top = ix->cursor - (size_t)height + 1;
	for (y = 0; y < height; y++) {
		i = ix->top + (size_t)y;
		m = ui_index_msg(ui, i);
		attrset(ui_attr(UI_C_NORMAL));
		if (m == NULL) {
			ui_put(y0 + y, x0,
			    y == 0 && ix->count == 0
				? (ix->open
					  ? "(no messages)"
					  : "(no folder open: Tab, then Enter)")
				: "",
			    width, true);
			continue;
		}
		attr = ui_attr(UI_C_NORMAL);
		if (ui_index_pending(ix, m->uid))
			attr = ui_attr(UI_C_INDEX_PENDING);
		else if (ui_index_tagged(ix, m->uid))
			attr = ui_attr(UI_C_INDEX_TAGGED);
		else if (m->flags & FCT_FLAG_FLAGGED)
			attr = ui_attr(UI_C_INDEX_FLAGGED);
		else if (!(m->flags & FCT_FLAG_SEEN))
			attr = ui_attr(UI_C_INDEX_NEW);
		if (i == ix->cursor && !ui->focus_sidebar)
			attr = ui_attr(UI_C_CURSOR);
		attrset(attr);
		for (k = 0, x = 0; k < ix->ncolumns && x < width; k++) {
			strbuf_reset(&sb);
			cell(ix, i, m, ix->columns[k], &sb);
			x += ui_put(y0 + y, x0 + x, sb.buf,
			    widths[k] < width - x ? widths[k] : width - x,
			    true);
			if (x < width)
				x += ui_put(y0 + y, x0 + x, " ", 1, false);
		}
		if (x < width)
			ui_put(y0 + y, x0 + x, "", width - x, true);
	}
	attrset(A_NORMAL);
	strbuf_release(&sb);
}
