/*
 * The terminal interface's entry point and event loop.
 *
 * One thread (the caller's) owns ncurses and the model (private.h). The
 * account workers run the network; they report on one events queue whose
 * eventfd the loop polls next to the terminal and a self-pipe that the
 * signal handlers write to (SIGWINCH for resizes; SIGINT, SIGTERM and
 * SIGHUP to quit cleanly; SIGTSTP to stop, see suspend()). Each iteration
 * applies whatever arrived -- keys, events, signals -- to the model, which
 * marks what must be drawn again, and then draws once. Nothing here blocks on
 * the network: reads come from the store (SQLite, on the local disk), and every
 * change is a job handed to a worker.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "draw.h"
#include "facteur/core_queue.h"
#include "facteur/ui.h"
#include "private.h"

static int signal_fd = -1;

/* How long keys may wait for the lister's answer (ms). */
#define HOLD_MS 2000

/* CPU time of the calling thread, in µs (the trace's "cpu"). */
static int64_t
thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
ui_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (signal_fd >= 0 && write(signal_fd, &c, 1) < 0) {
		/* A full pipe already holds a wake-up. */
	}
	errno = saved;
}

void
ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;

	free(ui->message);
	va_start(ap, fmt);
	ui->message = xvasprintf(fmt, ap);
	va_end(ap);
	ui->message_error = error;
	ui->dirty = true;
}

struct ui_account *
ui_current_account(struct ui *ui)
{
	if (ui->naccts == 0)
		return NULL;
	if (ui->ix.open)
		return &ui->accts[ui->ix.acct];
	if (ui->side_cursor < ui->nside)
		return &ui->accts[ui->side[ui->side_cursor].acct];
	return &ui->accts[0];
}

/* --- Layout ------------------------------------------------------------- */

int
ui_main_height(const struct ui *ui)
{
	return ui->rows > 2 ? ui->rows - 2 : 0;
}

static void
layout(struct ui *ui)
{
	getmaxyx(stdscr, ui->rows, ui->cols);
	ui->side_width = ui->cols / 3;
	if (ui->side_width > 34)
		ui->side_width = 34;
	if (ui->side_width < 12)
		ui->side_width = ui->cols >= 24 ? 12 : 0;
	ui->dirty = true;
}

static void
draw_status(struct ui *ui, int y)
{
	struct ui_account *a = ui_current_account(ui);
	struct strbuf sb = STRBUF_INIT;
	static const char *const sorts[] = { "threads", "date", "from",
		"subject", "size" };
	struct strbuf why = STRBUF_INIT, line = STRBUF_INIT;
	size_t pending = 0, i, at = 0;
	int room;

	for (i = 0; i < ui->naccts; i++)
		pending += ui->accts[i].pending;
	strbuf_addstr(&sb, " facteur");
	if (a != NULL) {
		strbuf_addf(&sb, " | %s: %s", a->acct->name,
		    a->w == NULL ? "no worker" : sync_state_name(a->state));
		if (a->state == SYNC_STATE_SYNCING && a->state_folder != NULL) {
			strbuf_addstr(&sb, " ");
			ui_sanitize(&sb, a->state_folder);
			if (a->total > 0)
				strbuf_addf(&sb, " %u/%u", a->done, a->total);
		}
		if ((a->state == SYNC_STATE_OFFLINE ||
			a->state == SYNC_STATE_ERROR ||
			a->state == SYNC_STATE_RETRYING) &&
		    a->reason != NULL)
			ui_sanitize(&why, a->reason);
		at = sb.len;
	}
	if (ui->ix.open) {
		strbuf_addstr(&sb, " | ");
		ui_sanitize(&sb, ui->ix.folder.name);
		strbuf_addf(&sb, " %zu msgs, %s%s", ui->ix.count,
		    sorts[ui->ix.sort], ui->ix.reverse ? " reversed" : "");
		if (ui->ix.ntagged > 0)
			strbuf_addf(&sb, ", %zu tagged", ui->ix.ntagged);
		if (ui->ix.server_text != NULL) {
			strbuf_addstr(&sb, ", server: ");
			ui_sanitize(&sb, ui->ix.server_text);
		} else if (ui->ix.limit_text != NULL) {
			strbuf_addstr(&sb, ", limit: ");
			ui_sanitize(&sb, ui->ix.limit_text);
		}
		if (ui_rights_badge(ui->ix.folder.rights) != NULL)
			strbuf_addf(&sb, " (%s)",
			    ui_rights_badge(ui->ix.folder.rights));
	}
	if (pending > 0)
		strbuf_addf(&sb, " | %zu job%s pending", pending,
		    pending == 1 ? "" : "s");
	strbuf_addstr(&sb, " | ?:help");
	/* Why the account is offline goes after its state, cut to the room
	 * the rest leaves, so that the counts and jobs stay in sight. */
	room = ui->cols - ui_width(sb.buf) - 3;
	if (why.len > 0 && room >= 12) {
		if (ui_width(why.buf) > room) {
			while (why.len > 0 && ui_width(why.buf) > room - 1) {
				i = why.len - 1;
				while (i > 0 && (why.buf[i] & 0xc0) == 0x80)
					i--;
				strbuf_setlen(&why, i);
			}
			strbuf_addstr(&why, "\xe2\x80\xa6");
		}
		strbuf_add(&line, sb.buf, at);
		strbuf_addf(&line, " (%s)", why.buf);
		strbuf_addstr(&line, sb.buf + at);
		strbuf_release(&sb);
		sb = line;
	}
	strbuf_release(&why);
	attrset(ui_attr(UI_C_STATUS));
	ui_put(y, 0, sb.buf, ui->cols, true);
	attrset(A_NORMAL);
	strbuf_release(&sb);
}

/* The keys bound to action a in a view, "j, Down". Owned. */
static char *
keys_of(const struct ui_keymap *m, enum ui_action a)
{
	struct strbuf sb = STRBUF_INIT;
	char *name;
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->v[i].action != a)
			continue;
		name = ui_key_name(m->v[i].key);
		if (sb.len > 0)
			strbuf_addstr(&sb, " ");
		strbuf_addstr(&sb, name);
		free(name);
	}
	return strbuf_detach(&sb, NULL);
}

/* The help screen, generated from the action list and the key tables. */
static void
draw_help(struct ui *ui, int height)
{
	static const char *const titles[] = { "Index", "Pager",
		"Attachment list", "Compose screen" };
	struct strbuf lines = STRBUF_INIT, sb = STRBUF_INIT;
	const struct ui_action_info *info;
	size_t nlines = 0, i, skip;
	const char *p;
	char *keys;
	int v, y = 0;

	for (v = 0; v < UI_VIEW__COUNT; v++) {
		strbuf_addf(&lines, "%s keys (q closes this screen):\n",
		    titles[v]);
		nlines++;
		for (i = 1; i < UI_A__COUNT; i++) {
			info = ui_action_info((enum ui_action)i);
			/* UI_IN_INDEX ... UI_IN_COMPOSE are 1 << view. */
			if (!(info->where & (1u << v)))
				continue;
			keys = keys_of(&ui->keys[v], (enum ui_action)i);
			strbuf_addf(&lines, "  %-14s %-16s %s\n", keys,
			    info->name, info->help);
			free(keys);
			nlines++;
		}
		strbuf_addch(&lines, '\n');
		nlines++;
	}
	if (ui->help_top >= nlines)
		ui->help_top = nlines > 0 ? nlines - 1 : 0;
	p = lines.buf;
	for (skip = 0; skip < ui->help_top && (p = strchr(p, '\n')) != NULL;
	     skip++)
		p++;
	attrset(ui_attr(UI_C_NORMAL));
	while (p != NULL && *p != '\0' && y < height) {
		strbuf_reset(&sb);
		strbuf_add(&sb, p, strcspn(p, "\n"));
		ui_put(y++, 0, sb.buf, ui->cols, true);
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	while (y < height)
		ui_put(y++, 0, "", ui->cols, true);
	strbuf_release(&sb);
	strbuf_release(&lines);
}

static void
draw(struct ui *ui)
{
	int h = ui_main_height(ui);
	int sw = ui->side_width;
	int64_t t0;

	ui->dirty = false;
	curs_set(ui->pr.kind != UI_PROMPT_NONE ? 1 : 0);
	if (ui->rows < 3 || ui->cols < 10) {
		erase();
		ui_put(0, 0, "(terminal too small)", ui->cols, false);
		refresh();
		return;
	}
	if (ui->help)
		draw_help(ui, h);
	else if (ui->compose != NULL)
		ui_compose_draw(ui, h);
	else if (ui_rules_draw(ui, h))
		;
	else if (ui->att.open && ui->pg.open)
		ui_attach_draw(ui, h);
	else if (ui->pg.open)
		ui_pager_draw(ui, h, ui->cols);
	else {
		if (sw > 0)
			ui_sidebar_draw(ui, h);
		ui_index_draw(ui, 0, sw, h, ui->cols - sw);
	}
	draw_status(ui, ui->rows - 2);
	if (ui->pr.kind != UI_PROMPT_NONE)
		ui_prompt_draw(ui, ui->rows - 1, ui->cols);
	else {
		attrset(ui->message_error ? ui_attr(UI_C_ERROR)
					  : ui_attr(UI_C_NORMAL));
		if (ui->message != NULL)
			ui_put_sanitized(ui->rows - 1, 0, ui->message, ui->cols,
			    true);
		else
			ui_put(ui->rows - 1, 0, "", ui->cols, true);
		attrset(A_NORMAL);
	}
	t0 = ui->trace != NULL ? ui_now_us() : 0;
	refresh();
	if (ui->trace != NULL)
		ui->t_out += ui_now_us() - t0;
}

/* --- The model, from the store and the workers ------------------------- */

static struct ui_count *
count_of(struct ui_account *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->ncounts; i++)
		if (strcmp(a->counts[i].name, name) == 0)
			return &a->counts[i];
	return NULL;
}

/*
 * Reads the folder list again. A folder the worker synced shows the
 * cache's counts, which it sends with its FOLDER_CHANGED events (counting
 * a large folder takes long enough to be felt, so it is done there); the
 * others the server's last STATUS, from the folder list.
 */
static void
load_folders(struct ui *ui, struct ui_account *a)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder *f;
	struct ui_count *c;
	int64_t t0 = ui->trace != NULL ? ui_now_us() : 0;
	size_t i;

	if (store_folder_list(a->st, &a->folders, &err) != 0) {
		ui_message(ui, true, "%s", fct_error_msg(&err));
		fct_error_release(&err);
		return;
	}
	for (i = 0; i < a->folders.n; i++) {
		f = &a->folders.v[i];
		if ((c = count_of(a, f->name)) != NULL) {
			f->total = c->total;
			f->unseen = c->unseen;
		}
	}
	if (ui->trace != NULL)
		ui->t_folders += ui_now_us() - t0;
}

static void
set_counts(struct ui_account *a, const char *name, uint32_t total,
    uint32_t unseen)
{
	struct ui_count *c = count_of(a, name);

	if (c == NULL) {
		FCT_ALLOC_GROW(a->counts, a->ncounts + 1, a->counts_alloc);
		c = &a->counts[a->ncounts++];
		c->name = xstrdup(name);
	}
	c->total = total;
	c->unseen = unseen;
}

static void
open_default_folder(struct ui *ui)
{
	const char *inbox;
	long row;

	if (ui->ix.open || ui->naccts == 0)
		return;
	inbox = ui_role_folder(ui, 0, "inbox");
	if (inbox == NULL)
		return;
	ui_index_open(ui, 0, inbox);
	if ((row = ui_sidebar_find(ui, 0, inbox)) >= 0)
		ui->side_cursor = (size_t)row;
}

static struct ui_account *
account_named(struct ui *ui, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < ui->naccts; i++)
		if (strcmp(ui->accts[i].acct->name, name) == 0) {
			if (idx != NULL)
				*idx = i;
			return &ui->accts[i];
		}
	return NULL;
}

/* folder: the one that changed (its index is read again); NULL all of
 * them, "" none (a new list). */
static void
folders_changed(struct ui *ui, size_t idx, const char *folder)
{
	load_folders(ui, &ui->accts[idx]);
	ui_sidebar_build(ui);
	if (!ui->ix.open)
		open_default_folder(ui);
	else if (ui->ix.acct == idx &&
	    (folder == NULL || strcmp(folder, ui->ix.folder.name) == 0))
		ui_index_reload(ui);
}

static void
apply_event(struct ui *ui, int type, const struct sync_event *ev)
{
	struct ui_account *a;
	enum sync_state old;
	size_t idx;

	if ((a = account_named(ui, ev->account, &idx)) == NULL)
		return;
	ui->dirty = true;
	switch ((enum sync_event_type)type) {
	case SYNC_EV_STATE:
		old = a->state;
		a->state = ev->state;
		free(a->state_folder);
		a->state_folder =
		    ev->folder != NULL ? xstrdup(ev->folder) : NULL;
		/* Retrying says no more: the last failure is still why. */
		if (ev->reason != NULL || ev->state != SYNC_STATE_RETRYING) {
			free(a->reason);
			a->reason =
			    ev->reason != NULL ? xstrdup(ev->reason) : NULL;
		}
		a->done = ev->done;
		a->total = ev->total;
		/* The open folder filling (a cold sync commits batch after
		 * batch): show what is there, once a second at most; in
		 * date order only, where a reload reads one screen (threads
		 * wait for the end of the sync). */
		if (ev->state == SYNC_STATE_SYNCING && ev->folder != NULL &&
		    ui->ix.open && ui->ix.acct == idx &&
		    ui->ix.sort != UI_SORT_THREADS &&
		    strcmp(ev->folder, ui->ix.folder.name) == 0 &&
		    ui_now_us() / 1000 - ui->ix.reloaded_ms >= 1000) {
			ui_index_reload(ui);
			ui->ix.reloaded_ms = ui_now_us() / 1000;
		}
		/* The folder list is refreshed after each login. */
		if (old != ev->state)
			folders_changed(ui, idx, "");
		break;
	case SYNC_EV_FOLDER_CHANGED:
		if (ev->counts && ev->folder != NULL)
			set_counts(a, ev->folder, ev->total, ev->unseen);
		folders_changed(ui, idx, ev->folder);
		break;
	case SYNC_EV_NEW_MAIL:
		folders_changed(ui, idx, ev->folder);
		ui_message(ui, false, "%u new message%s in %s", ev->count,
		    ev->count == 1 ? "" : "s",
		    ev->folder != NULL ? ev->folder : "?");
		break;
	case SYNC_EV_FOLDER_FAILED:
		ui_message(ui, true, "cannot sync '%s': %s",
		    ev->folder != NULL ? ev->folder : "?",
		    ev->reason != NULL ? ev->reason : "unknown reason");
		break;
	case SYNC_EV_JOB_DONE:
	case SYNC_EV_JOB_FAILED:
		if (ui_compose_event(ui, ev, type == SYNC_EV_JOB_DONE))
			break;
		ui_job_event(ui, ev, type == SYNC_EV_JOB_DONE);
		break;
	case SYNC_EV_BODY_FETCHED:
		ui_compose_body_event(ui, ev);
		if (ui->ix.open && ui->ix.acct == idx && ev->folder != NULL &&
		    strcmp(ev->folder, ui->ix.folder.name) == 0)
			ui_pager_body_event(ui, ev->uid, ev->reason);
		break;
	case SYNC_EV_RULES_APPLIED:
		folders_changed(ui, idx, ev->folder);
		ui_message(ui, false, "rules filed %u new message%s", ev->count,
		    ev->count == 1 ? "" : "s");
		break;
	case SYNC_EV_SEARCH_DONE:
		ui_index_server_event(ui, ev);
		break;
	case SYNC_EV_RULES_PROBLEM:
		ui_message(ui, true, "rules: %s",
		    ev->reason != NULL ? ev->reason : "a rule was skipped");
		break;
	}
}

static void
take_events(struct ui *ui)
{
	struct fct_msg *m;

	while ((m = fct_queue_pop(ui->events)) != NULL) {
		ui->nevents++;
		apply_event(ui, m->type, m->payload);
		fct_msg_free(&m);
	}
}

/* --- Keys ---------------------------------------------------------------- */

enum ui_view
ui_view_current(const struct ui *ui)
{
	if (ui->compose != NULL)
		return UI_VIEW_COMPOSE;
	if (ui->att.open && ui->pg.open)
		return UI_VIEW_ATTACH;
	return ui->pg.open ? UI_VIEW_PAGER : UI_VIEW_INDEX;
}

static void
open_message(struct ui *ui, size_t row)
{
	const struct store_msg *m = ui_index_msg(ui, row);

	if (m == NULL)
		return;
	ui_index_goto(ui, row, ui_main_height(ui));
	if (!(m->flags & FCT_FLAG_SEEN))
		ui_mark_seen(ui, m->uid);
	ui_pager_open(ui, m->uid);
}

static void run_action(struct ui *ui, enum ui_action a);
static bool may_file(struct ui *ui, enum ui_action a);
static void command_run(struct ui *ui, const char *line);

static void
prompt_answer(struct ui *ui, enum ui_action then, const char *answer)
{
	struct ui_account *a;
	size_t idx = 0, n;
	long row;
	char **m;

	switch (then) {
	case UI_A_SAVE_ATTACHMENT:
		ui_attach_answer(ui, then, answer);
		return;
	case UI_A_ATTACH_FILE:
	case UI_A_EDIT_TO:
	case UI_A_EDIT_CC:
	case UI_A_EDIT_BCC:
	case UI_A_QUIT: /* "Abort this message?" */
		ui_compose_answer(ui, then, answer);
		return;
	case UI_A_APPLY_RULES:
		ui_rules_answer(ui, answer);
		return;
	default:
		break;
	}
	if (answer == NULL)
		return;
	switch (then) {
	case UI_A_MOVE:
	case UI_A_COPY:
	case UI_A_CHANGE_FOLDER:
		/* Enter alone takes the suggestion. */
		if (answer[0] == '\0' && then != UI_A_CHANGE_FOLDER &&
		    ui->suggest != NULL)
			answer = ui->suggest;
		if (answer[0] == '\0')
			return;
		a = ui_current_account(ui);
		if (a == NULL)
			return;
		idx = (size_t)(a - ui->accts);
		/* A name that is no folder stands for its best completion
		 * (but a POP3 account's move creates it: local.c). */
		m = NULL;
		n = 0;
		if (!(a->local && then == UI_A_MOVE) &&
		    ui_sidebar_find(ui, idx, answer) < 0 &&
		    (m = ui_folder_complete(ui, answer, &n)) != NULL && n > 0)
			answer = m[0];
		if (then == UI_A_CHANGE_FOLDER) {
			ui_pager_close(&ui->pg);
			ui_index_open(ui, idx, answer);
			if ((row = ui_sidebar_find(ui, idx, answer)) >= 0)
				ui->side_cursor = (size_t)row;
		} else
			ui_file(ui, then, answer);
		while (n-- > 0)
			free(m[n]);
		free(m);
		return;
	case UI_A_LIMIT:
		(void)ui_index_limit(ui, answer);
		return;
	case UI_A_COMMAND:
		command_run(ui, answer);
		return;
	case UI_A_SEARCH:
	case UI_A_TAG_QUERY:
		if (answer[0] == '\0')
			return;
		if (then == UI_A_TAG_QUERY) {
			(void)ui_index_tag_query(ui, answer);
			return;
		}
		if (ui_index_search(ui, answer) != 0)
			return;
		free(ui->search_text);
		ui->search_text = xstrdup(answer);
		return;
	case UI_A_SORT:
		switch (answer[0]) {
		case 'd':
			ui->ix.sort = UI_SORT_DATE;
			break;
		case 'f':
			ui->ix.sort = UI_SORT_FROM;
			break;
		case 's':
			ui->ix.sort = UI_SORT_SUBJECT;
			break;
		case 'z':
			ui->ix.sort = UI_SORT_SIZE;
			break;
		case 't':
			ui->ix.sort = UI_SORT_THREADS;
			break;
		default:
			return;
		}
		ui->ix.sort_auto = false;
		ui_index_reload(ui);
		return;
	default:
		return;
	}
}

/* What moving, copying or filing needs of the open folder, checked
 * before the prompt so that a read-only folder says so at once. */
static bool
may_file(struct ui *ui, enum ui_action a)
{
	const char *rights = ui->ix.folder.rights;
	const char *need = a == UI_A_COPY ? "r"
	    : a == UI_A_FLAG              ? "w"
	    : a == UI_A_TOGGLE_READ       ? "s"
					  : "rte";

	if (!ui->ix.open) {
		ui_message(ui, true, "no folder is open");
		return false;
	}
	if (ui_local_refused(ui, ui->ix.acct, a))
		return false;
	if (ui_rights_allow(rights, need))
		return true;
	ui_message(ui, true,
	    "'%s' is %s: your rights there are '%s'; nothing was changed",
	    ui->ix.folder.name,
	    ui_rights_badge(rights) != NULL ? ui_rights_badge(rights)
					    : "restricted",
	    rights);
	return false;
}

/*
 * A command line (`:`): an action by its name, as its key would run it;
 * an argument answers the prompt the action would ask ("move Archive",
 * "limit from:bob", "sort size").
 */
static void
command_run(struct ui *ui, const char *line)
{
	static const char *const sorts[] = { "threads", "date", "from",
		"subject", "size" };
	static const char sort_keys[] = "tdfsz";
	unsigned view = ui->pg.open ? UI_IN_PAGER : UI_IN_INDEX;
	enum ui_action a;
	const char *arg;
	char *name, key[2] = { 0, 0 };
	size_t i;

	line += strspn(line, " ");
	if (*line == '\0')
		return;
	name = xstrndup(line, strcspn(line, " "));
	arg = line + strlen(name);
	arg += strspn(arg, " ");
	a = ui_action_find(name);
	if (a == UI_A_NONE || a == UI_A_COMMAND ||
	    (ui_action_info(a)->where & view) == 0) {
		ui_message(ui, true,
		    "no action '%s' here (: then Tab lists them)", name);
		free(name);
		return;
	}
	if (*arg == '\0') {
		free(name);
		run_action(ui, a);
		return;
	}
	switch (a) {
	case UI_A_MOVE:
	case UI_A_COPY:
		if (may_file(ui, a))
			prompt_answer(ui, a, arg);
		break;
	case UI_A_CHANGE_FOLDER:
	case UI_A_LIMIT:
	case UI_A_SEARCH:
	case UI_A_TAG_QUERY:
		prompt_answer(ui, a, arg);
		break;
	case UI_A_SORT:
		for (i = 0; i < FCT_ARRAY_LEN(sorts); i++)
			if (strcmp(arg, sorts[i]) == 0 ||
			    (strcmp(arg, "thread") == 0 && i == 0))
				key[0] = sort_keys[i];
		if (key[0] == '\0')
			ui_message(ui, true,
			    "sort by date, from, subject, size or threads, "
			    "not '%s'",
			    arg);
		else
			prompt_answer(ui, a, key);
		break;
	default:
		ui_message(ui, true, "'%s' takes no argument", name);
		break;
	}
	free(name);
}

static void
sidebar_key(struct ui *ui, enum ui_action a)
{
	const struct ui_side_row *r;
	int h = ui_main_height(ui);

	switch (a) {
	case UI_A_NEXT:
		if (ui->side_cursor + 1 < ui->nside)
			ui->side_cursor++;
		break;
	case UI_A_PREV:
		if (ui->side_cursor > 0)
			ui->side_cursor--;
		break;
	case UI_A_PAGE_DOWN:
		ui->side_cursor += (size_t)h;
		if (ui->side_cursor >= ui->nside)
			ui->side_cursor = ui->nside > 0 ? ui->nside - 1 : 0;
		break;
	case UI_A_PAGE_UP:
		ui->side_cursor = ui->side_cursor > (size_t)h
		    ? ui->side_cursor - (size_t)h
		    : 0;
		break;
	case UI_A_COLLAPSE:
		ui_sidebar_fold(ui);
		break;
	case UI_A_OPEN:
		if (ui->side_cursor >= ui->nside)
			break;
		r = &ui->side[ui->side_cursor];
		if (r->folder < 0) {
			ui_sidebar_fold(ui);
			break;
		}
		ui_index_open(ui, r->acct,
		    ui->accts[r->acct].folders.v[r->folder].name);
		if (ui->ix.open)
			ui->focus_sidebar = false;
		break;
	default:
		return;
	}
	ui->dirty = true;
}

static void
run_action(struct ui *ui, enum ui_action a)
{
	struct ui_index *ix = &ui->ix;
	const struct store_msg *m;
	int h = ui_main_height(ui);
	bool pager = ui->pg.open;
	long row;
	size_t i;

	ui->dirty = true;
	if (ui->focus_sidebar && !pager &&
	    (a == UI_A_NEXT || a == UI_A_PREV || a == UI_A_OPEN ||
		a == UI_A_COLLAPSE || a == UI_A_PAGE_DOWN ||
		a == UI_A_PAGE_UP)) {
		sidebar_key(ui, a);
		return;
	}
	switch (a) {
	case UI_A_NONE:
	case UI_A__COUNT:
		return;
	case UI_A_NEXT:
	case UI_A_PREV:
		if (!pager) {
			ui_index_move(ui, a == UI_A_NEXT ? 1 : -1, h);
			return;
		}
		row = ui_index_find(ui, ui->pg.uid);
		if (row < 0)
			row = (long)ix->cursor;
		if ((a == UI_A_NEXT && (size_t)row + 1 >= ix->count) ||
		    (a == UI_A_PREV && row == 0)) {
			ui_message(ui, false,
			    a == UI_A_NEXT ? "this is the last message"
					   : "this is the first message");
			return;
		}
		open_message(ui, (size_t)(row + (a == UI_A_NEXT ? 1 : -1)));
		return;
	case UI_A_PAGE_DOWN:
	case UI_A_PAGE_UP:
		if (pager)
			ui_pager_scroll(ui,
			    a == UI_A_PAGE_DOWN ? h - 1 : -(h - 1), h);
		else
			ui_index_move(ui, a == UI_A_PAGE_DOWN ? h : -h, h);
		return;
	case UI_A_LINE_DOWN:
	case UI_A_LINE_UP:
		ui_pager_scroll(ui, a == UI_A_LINE_DOWN ? 1 : -1, h);
		return;
	case UI_A_FIRST:
		ui_index_goto(ui, 0, h);
		return;
	case UI_A_LAST:
		if (ix->count > 0)
			ui_index_goto(ui, ix->count - 1, h);
		return;
	case UI_A_OPEN:
		if (!pager)
			open_message(ui, ix->cursor);
		return;
	case UI_A_QUIT:
		if (pager)
			ui_pager_close(&ui->pg);
		else
			ui->quit = true;
		return;
	case UI_A_FOCUS:
		ui->focus_sidebar = !ui->focus_sidebar;
		return;
	case UI_A_CHANGE_FOLDER:
		free(ui->suggest);
		ui->suggest = NULL;
		ui_prompt_start(ui, UI_PROMPT_FOLDER, a, "Open folder: ");
		return;
	case UI_A_COLLAPSE:
		ui_index_fold(ui);
		return;
	case UI_A_SORT:
		ui_prompt_start(ui, UI_PROMPT_CHAR, a,
		    "Sort by (d)ate, (f)rom, (s)ubject, si(z)e or (t)hreads? ");
		return;
	case UI_A_SORT_REVERSE:
		ix->reverse = !ix->reverse;
		ui_index_reload(ui);
		return;
	case UI_A_MOVE:
	case UI_A_COPY:
		if (!may_file(ui, a))
			return;
		free(ui->suggest);
		ui->suggest = ui_suggest_folder(ui);
		if (ui->suggest != NULL) {
			struct strbuf label = STRBUF_INIT;

			strbuf_addstr(&label,
			    a == UI_A_MOVE ? "Move to folder ["
					   : "Copy to folder [");
			ui_sanitize(&label, ui->suggest);
			strbuf_addstr(&label, "]: ");
			ui_prompt_start(ui, UI_PROMPT_FOLDER, a, label.buf);
			strbuf_release(&label);
		} else
			ui_prompt_start(ui, UI_PROMPT_FOLDER, a,
			    a == UI_A_MOVE ? "Move to folder: "
					   : "Copy to folder: ");
		return;
	case UI_A_DELETE:
	case UI_A_ARCHIVE:
	case UI_A_SPAM:
	case UI_A_FLAG:
	case UI_A_TOGGLE_READ:
		if (may_file(ui, a))
			ui_file(ui, a, NULL);
		return;
	case UI_A_TAG:
		if ((m = ui_index_msg(ui, ix->cursor)) == NULL)
			return;
		ui_index_tag(ix, m->uid, !ui_index_tagged(ix, m->uid));
		ui_index_move(ui, 1, h);
		return;
	case UI_A_TAG_QUERY:
		ui_prompt_start(ui, UI_PROMPT_QUERY, a,
		    "Tag messages matching: ");
		return;
	case UI_A_UNDO:
		ui_undo(ui);
		return;
	case UI_A_SEARCH:
		ui_prompt_start(ui, UI_PROMPT_QUERY, a, "Search: ");
		return;
	case UI_A_SEARCH_NEXT:
		if (ui->search_text == NULL) {
			ui_message(ui, true, "no search yet (/)");
			return;
		}
		(void)ui_index_search(ui, ui->search_text);
		return;
	case UI_A_SEARCH_SERVER:
		ui_index_search_server(ui);
		return;
	case UI_A_LIMIT:
		ui_prompt_start(ui, UI_PROMPT_QUERY, a,
		    "Limit to messages matching ('all' for every one): ");
		return;
	case UI_A_SYNC:
		for (i = 0; i < ui->naccts; i++)
			if (ui->accts[i].w != NULL)
				sync_worker_post(ui->accts[i].w,
				    SYNC_REQ_SYNC_ALL, NULL);
		ui_message(ui, false, "syncing every folder");
		return;
	case UI_A_HEADERS:
		ui->pg.full_headers = !ui->pg.full_headers;
		ui_pager_rerender(ui);
		return;
	case UI_A_HELP:
		ui->help = true;
		ui->help_top = 0;
		return;
	case UI_A_REDRAW:
		clearok(curscr, TRUE);
		return;
	case UI_A_COMPOSE:
	case UI_A_REPLY:
	case UI_A_GROUP_REPLY:
	case UI_A_FORWARD:
	case UI_A_FORWARD_ATTACH:
	case UI_A_RECALL:
		ui_compose_start(ui, a);
		return;
	case UI_A_ATTACHMENTS:
		ui_attach_open(ui);
		return;
	case UI_A_APPLY_RULES:
		ui_rules_preview(ui);
		return;
	case UI_A_MAKE_RULE:
		ui_rules_make(ui);
		return;
	case UI_A_COMMAND:
		ui_prompt_start(ui, UI_PROMPT_COMMAND, a, ":");
		return;
	case UI_A_SAVE_ATTACHMENT:
	case UI_A_VIEW_ATTACHMENT:
	case UI_A_SEND:
	case UI_A_POSTPONE:
	case UI_A_EDIT_MESSAGE:
	case UI_A_ATTACH_FILE:
	case UI_A_DETACH_FILE:
	case UI_A_IDENTITY:
	case UI_A_EDIT_TO:
	case UI_A_EDIT_CC:
	case UI_A_EDIT_BCC:
		/* Their views have handlers of their own (handle_key). */
		return;
	}
}

static void
handle_key(struct ui *ui, int key)
{
	enum ui_action a, then;
	char *answer, *name;

	if (key == UI_KEY_FN + KEY_RESIZE) {
		layout(ui);
		ui_pager_rerender(ui);
		return;
	}
	if (ui->pr.kind != UI_PROMPT_NONE) {
		then = ui->pr.then;
		if (ui_prompt_key(ui, key, &answer)) {
			ui_prompt_release(ui);
			free(ui->message);
			ui->message = NULL;
			prompt_answer(ui, then, answer);
			free(answer);
		}
		return;
	}
	free(ui->message);
	ui->message = NULL;
	a = ui_keymap_lookup(&ui->keys[ui_view_current(ui)], key);
	if (ui->help) {
		if (a == UI_A_NEXT || a == UI_A_LINE_DOWN)
			ui->help_top++;
		else if ((a == UI_A_PREV || a == UI_A_LINE_UP) &&
		    ui->help_top > 0)
			ui->help_top--;
		else if (a == UI_A_PAGE_DOWN)
			ui->help_top += (size_t)ui_main_height(ui) - 1;
		else if (a == UI_A_PAGE_UP)
			ui->help_top =
			    ui->help_top > (size_t)ui_main_height(ui) - 1
			    ? ui->help_top - (size_t)ui_main_height(ui) + 1
			    : 0;
		else
			ui->help = false;
		ui->dirty = true;
		return;
	}
	if (a == UI_A_NONE) {
		name = ui_key_name(key);
		ui_message(ui, true, "key %s is not bound (? for help)", name);
		free(name);
		return;
	}
	if (a == UI_A_HELP || a == UI_A_REDRAW) {
		run_action(ui, a);
		return;
	}
	switch (ui_view_current(ui)) {
	case UI_VIEW_COMPOSE:
		ui_compose_action(ui, a);
		return;
	case UI_VIEW_ATTACH:
		ui_attach_action(ui, a);
		return;
	default:
		run_action(ui, a);
	}
}

static void
take_keys(struct ui *ui)
{
	wint_t wc;
	int r;

	while ((r = get_wch(&wc)) != ERR) {
		ui->nkeys++;
		if (r == KEY_CODE_YES)
			handle_key(ui, UI_KEY_FN + (int)wc);
		else
			handle_key(ui, (int)wc);
		if (ui->quit)
			return;
	}
}

/* The terminal's size may have changed: lay the screen out again. */
static void
resized(struct ui *ui)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	layout(ui);
	ui_pager_rerender(ui);
}

/*
 * C-z, taken from the loop rather than in the signal handler: ncurses'
 * own SIGTSTP handler calls endwin() inside the handler, which is not
 * async-signal-safe (a stop landing while this thread holds the
 * allocator's lock can hang the process, as seen under ASan). The
 * terminal is given back, the process stops with the default action,
 * and once continued (fg) it takes the terminal again and redraws at
 * whatever size the terminal has now.
 */
static void
suspend(struct ui *ui)
{
	struct sigaction dfl, old;
	sigset_t set, oldset;

	endwin();
	fflush(stdout);
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &old);
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	pthread_sigmask(SIG_UNBLOCK, &set, &oldset);
	kill(getpid(), SIGTSTP); /* stopped here until SIGCONT */
	pthread_sigmask(SIG_SETMASK, &oldset, NULL);
	sigaction(SIGTSTP, &old, NULL);
	reset_prog_mode();
	clearok(curscr, TRUE);
	resized(ui);
	ui->dirty = true;
}

static void
take_signals(struct ui *ui)
{
	unsigned char c;

	while (read(ui->sigpipe[0], &c, 1) == 1) {
		if (c == SIGWINCH)
			resized(ui);
		else if (c == SIGTSTP)
			suspend(ui);
		else
			ui->quit = true;
	}
}

/* --- Start and stop -------------------------------------------------------- */

static int
accounts_start(struct ui *ui, struct fct_error *err)
{
	const struct config *cfg = ui->cfg;
	struct ui_account *a;
	size_t i, n;
	char *path;
	struct fct_error jerr = FCT_ERROR_INIT;

	ui->accts = xcalloc(cfg->naccounts + 1, sizeof *ui->accts);
	for (i = 0; i < cfg->naccounts; i++) {
		if (cfg->accounts[i].imap.proto != CONFIG_PROTO_IMAP &&
		    cfg->accounts[i].pop.proto != CONFIG_PROTO_POP)
			continue;
		a = &ui->accts[ui->naccts];
		a->acct = &cfg->accounts[i];
		/* As the worker decides (sync_worker_start). */
		a->local = a->acct->pop.proto == CONFIG_PROTO_POP;
		a->state = SYNC_STATE_CONNECTING;
		path = sync_store_path(cfg, a->acct);
		if (store_open(path, &a->st, err) != 0) {
			free(path);
			return -1;
		}
		free(path);
		ui->naccts++;
		/* A POP3 account's queue never runs (no IMAP server). */
		if (!a->local && store_job_count(a->st, &n, &jerr) == 0)
			a->pending = n;
		fct_error_release(&jerr);
		load_folders(ui, a);
	}
	if (ui->naccts == 0)
		return fct_error_set(err,
		    "no IMAP or POP3 account in the configuration (see "
		    "facteur(5))");
	return 0;
}

static int
workers_start(struct ui *ui, struct fct_error *err)
{
	size_t i;

	for (i = 0; i < ui->naccts; i++)
		if (sync_worker_start(ui->cfg, ui->accts[i].acct, NULL,
			ui->events, &ui->accts[i].w, err) != 0)
			return -1;
	return 0;
}

static void
ui_release(struct ui *ui)
{
	struct ui_account *a;
	size_t i;

	ui_lister_stop(&ui->lister);
	for (i = 0; i < ui->naccts; i++)
		if (ui->accts[i].w != NULL)
			sync_worker_stop(ui->accts[i].w);
	for (i = 0; i < ui->naccts; i++) {
		a = &ui->accts[i];
		sync_worker_free(&a->w);
		store_close(&a->st);
		store_folder_list_release(&a->folders);
		while (a->ncounts > 0)
			free(a->counts[--a->ncounts].name);
		free(a->counts);
		free(a->state_folder);
		free(a->reason);
	}
	free(ui->accts);
	fct_queue_free(&ui->events);
	ui_sidebar_release(ui);
	for (i = 0; i < ui->nfolded; i++)
		free(ui->folded[i]);
	free(ui->folded);
	ui_index_close(&ui->ix);
	ui_pager_close(&ui->pg);
	strbuf_release(&ui->pg.text);
	ui_prompt_release(ui);
	strbuf_release(&ui->pr.buf);
	for (i = 0; i < FCT_ARRAY_LEN(ui->hist); i++) {
		while (ui->hist[i].n > 0)
			free(ui->hist[i].v[--ui->hist[i].n]);
		free(ui->hist[i].v);
	}
	ui_filing_release(ui);
	ui_attach_release(ui);
	ui_compose_release(ui);
	ui_rules_release(ui);
	free(ui->search_text);
	free(ui->search_asked);
	free(ui->suggest);
	free(ui->message);
	if (ui->trace != NULL)
		fclose(ui->trace);
	if (ui->sigpipe[0] >= 0)
		close(ui->sigpipe[0]);
	if (ui->sigpipe[1] >= 0)
		close(ui->sigpipe[1]);
}

int
ui_check_config(const struct config *cfg, struct config_diags *diags)
{
	struct ui_keymap *maps = xcalloc(UI_VIEW__COUNT, sizeof *maps);
	struct ui_theme theme;
	int rc = 0;

	if (ui_keys_load(maps, cfg, diags) != 0)
		rc = -1;
	if (ui_theme_load(&theme, cfg->theme, diags) != 0)
		rc = -1;
	free(maps);
	return rc;
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTSTP, &sa, NULL); /* ncurses' is never installed */
}

int
ui_main(const struct config *cfg, FILE *errfp)
{
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct ui *ui = xcalloc(1, sizeof *ui);
	struct pollfd pfd[4];
	struct ui_list_res *res;
	const char *trace = getenv("FACTEUR_UI_TRACE");
	int64_t woke = 0, woke_cpu = 0, now;
	bool hold;
	int rc = 1, i;

	ui->cfg = cfg;
	ui->sigpipe[0] = ui->sigpipe[1] = -1;
	strbuf_init(&ui->pg.text, 0);
	strbuf_init(&ui->pr.buf, 0);
	/* Both, so that every problem shows at once. */
	i = ui_keys_load(ui->keys, cfg, &diags);
	if (ui_theme_load(&ui->theme, cfg->theme, &diags) != 0 || i != 0) {
		config_diags_print(&diags, errfp);
		goto out;
	}
	config_diags_print(&diags, errfp);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(errfp,
		    "facteur: the interface needs a terminal; "
		    "see facteur --help for the commands\n");
		goto out;
	}
	if (fct_queue_new(&ui->events, &err) != 0 ||
	    accounts_start(ui, &err) != 0 ||
	    ui_lister_start(&ui->lister, &err) != 0 || pipe(ui->sigpipe) != 0) {
		fprintf(errfp, "facteur: %s\n",
		    err.msg != NULL ? err.msg : strerror(errno));
		goto out;
	}
	for (i = 0; i < 2; i++) {
		fcntl(ui->sigpipe[i], F_SETFL,
		    fcntl(ui->sigpipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(ui->sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	signal_fd = ui->sigpipe[1];
	if (trace != NULL && trace[0] != '\0' &&
	    (ui->trace = fopen(trace, "w")) == NULL) {
		fprintf(errfp, "facteur: cannot write '%s': %s\n", trace,
		    strerror(errno));
		goto out;
	}

	/* Workers first: they start with every signal blocked, and the
	 * handlers below are the main thread's. */
	if (workers_start(ui, &err) != 0) {
		fprintf(errfp, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	/*
	 * The handlers before initscr: ncurses then leaves SIGTSTP alone.
	 * Installed after, ours was the one ncurses set aside during each
	 * doupdate, with SIGTSTP ignored meanwhile: a C-z typed during a
	 * redraw was lost (tests/tui/browse.sh, now and then, on a loaded
	 * machine where writing to the terminal takes tens of ms).
	 */
	install_signals();
	set_escdelay(25);
	if (initscr() == NULL) {
		fprintf(errfp, "facteur: cannot start the terminal\n");
		goto out;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	ui_theme_apply(&ui->theme);
	ui_index_columns(&ui->ix, cfg->index_columns);
	layout(ui);
	ui_sidebar_build(ui);
	open_default_folder(ui);

	while (!ui->quit) {
		if (ui->dirty) {
			int64_t t0 = ui->trace != NULL ? ui_now_us() : 0;

			draw(ui);
			if (ui->trace != NULL)
				ui->t_draw += ui_now_us() - t0;
		}
		/* How long the thread was busy since poll woke it: keys and
		 * events applied, screen drawn (bench/tui-latency.sh). */
		if (ui->trace != NULL && woke != 0)
			fprintf(ui->trace,
			    "%lld %lld keys=%u events=%u reload=%lld "
			    "folders=%lld draw=%lld out=%lld cpu=%lld\n",
			    (long long)woke, (long long)(ui_now_us() - woke),
			    ui->nkeys, ui->nevents, (long long)ui->t_reload,
			    (long long)ui->t_folders, (long long)ui->t_draw,
			    (long long)ui->t_out,
			    (long long)(thread_cpu_us() - woke_cpu));
		/* Keys typed after a question to the lister wait for its
		 * answer, a moment at most (HOLD_MS): left unread. */
		now = ui_now_us() / 1000;
		hold = ui_index_holds_keys(ui, now, HOLD_MS);
		pfd[0].fd = hold ? -1 : STDIN_FILENO;
		pfd[1].fd = ui->sigpipe[0];
		pfd[2].fd = fct_queue_fd(ui->events);
		pfd[3].fd = ui_lister_fd(ui->lister);
		for (i = 0; i < 4; i++) {
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, 4,
			hold ? (int)(ui->ix.asked_ms + HOLD_MS - now) : -1) <
			0 &&
		    errno != EINTR)
			break;
		woke = ui->trace != NULL ? ui_now_us() : 0;
		woke_cpu = ui->trace != NULL ? thread_cpu_us() : 0;
		ui->nkeys = ui->nevents = 0;
		ui->t_reload = ui->t_folders = ui->t_draw = ui->t_out = 0;
		take_signals(ui);
		if (pfd[2].revents & POLLIN)
			take_events(ui);
		while ((res = ui_lister_take(ui->lister)) != NULL)
			ui_index_listed(ui, res);
		/* Always try the keyboard: ncurses may hold keys read
		 * already (and a resize shows there as KEY_RESIZE). */
		if (!ui_index_holds_keys(ui, ui_now_us() / 1000, HOLD_MS))
			take_keys(ui);
		if (pfd[0].revents & (POLLHUP | POLLERR))
			ui->quit = true;
	}
	endwin();
	rc = 0;
out:
	signal_fd = -1;
	ui_release(ui);
	free(ui);
	fct_error_release(&err);
	config_diags_release(&diags);
	return rc;
}
