/*
 * The pager: one message, read from the store.
 *
 * The message is turned into display lines once, when it opens (and again
 * when the terminal is resized or the headers are toggled): mime_render
 * gives the header lines, the body (HTML converted, [general] alternative
 * honoured), the attachment list and the numbered links, already made
 * safe for the terminal (so they are not sanitised a second time; the
 * UI's own strings still go through ui_sanitize), and each line is
 * wrapped to the screen width with the colour of its kind: a header, a
 * quote of some depth, a label or attachment, a link. Drawing is then
 * only copying lines to the screen. The raw message and the rendering's
 * parts stay with the pager for the attachment list (attach.c).
 *
 * A body that is not in the cache yet is asked of the account's worker
 * (sync_worker_fetch); the pager shows the headers meanwhile and renders
 * the body when the worker says it is there.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "facteur/mime.h"
#include "facteur/sync_attach.h"
#include "private.h"

void
ui_pager_close(struct ui_pager *pg)
{
	strbuf_release(&pg->text);
	free(pg->lines);
	free(pg->colors);
	free(pg->raw);
	mime_rendering_release(&pg->r);
	memset(pg, 0, sizeof *pg);
	strbuf_init(&pg->text, 0);
}

/* Appends one display line (already sanitised) drawn in colour c. */
static void
add_line(struct ui_pager *pg, const char *s, size_t len, enum ui_color c)
{
	size_t alloc = pg->lines_alloc;

	FCT_ALLOC_GROW(pg->lines, pg->nlines + 1, pg->lines_alloc);
	if (alloc != pg->lines_alloc || pg->colors == NULL)
		pg->colors = xreallocarray(pg->colors, pg->lines_alloc,
		    sizeof *pg->colors);
	pg->colors[pg->nlines] = c;
	pg->lines[pg->nlines++] = pg->text.len;
	strbuf_add(&pg->text, s, len);
	strbuf_addch(&pg->text, '\0');
}

/* Wraps one logical line, already safe for the terminal, to width
 * columns. */
static void
add_clean(struct ui_pager *pg, const char *line, int width, enum ui_color c)
{
	const char *s = line, *brk;
	mbstate_t mbs;
	wchar_t wc;
	size_t n, left = strlen(line);
	int used, w;

	if (left == 0)
		add_line(pg, "", 0, c);
	while (left > 0) {
		used = 0;
		brk = NULL;
		memset(&mbs, 0, sizeof mbs);
		n = 0;
		while (n < left) {
			size_t k = mbrtowc(&wc, s + n, left - n, &mbs);

			if (k == 0 || k == (size_t)-1 || k == (size_t)-2)
				k = 1, wc = L'?';
			w = wcwidth(wc);
			if (w < 0)
				w = 1;
			if (used + w > width)
				break;
			if (wc == L' ')
				brk = s + n;
			used += w;
			n += k;
		}
		if (n < left && brk != NULL && brk > s) {
			add_line(pg, s, (size_t)(brk - s), c);
			left -= (size_t)(brk + 1 - s);
			s = brk + 1;
		} else {
			if (n == 0)
				n = 1;
			add_line(pg, s, n, c);
			left -= n;
			s += n;
		}
	}
}

/* Sanitises one logical line (not from the renderer) and wraps it. */
static void
add_wrapped(struct ui_pager *pg, const char *line, int width, enum ui_color c)
{
	struct strbuf sb = STRBUF_INIT;

	ui_sanitize(&sb, line);
	add_clean(pg, sb.buf, width, c);
	strbuf_release(&sb);
}

static void
add_text(struct ui_pager *pg, const char *text, int width, enum ui_color c)
{
	const char *p = text, *nl;
	char *line;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		line = nl != NULL ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		add_wrapped(pg, line, width, c);
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void
add_header(struct ui_pager *pg, const char *name, const char *value, int width)
{
	char *line;

	if (value == NULL || value[0] == '\0')
		return;
	line = xasprintf("%s: %s", name, value);
	add_wrapped(pg, line, width, UI_C_HEADER);
	free(line);
}

/* The colour of a rendered line. */
static enum ui_color
line_color(const struct mime_line *l)
{
	switch (l->kind) {
	case MIME_LINE_HEADER:
	case MIME_LINE_LABEL:
	case MIME_LINE_ATTACHMENT:
		return UI_C_HEADER;
	case MIME_LINE_LINK:
		return UI_C_URL;
	case MIME_LINE_BODY:
		return l->quote == 0 ? UI_C_NORMAL
		    : l->quote == 1  ? UI_C_QUOTE1
		    : l->quote == 2  ? UI_C_QUOTE2
				     : UI_C_QUOTE3;
	case MIME_LINE_BLANK:
		break;
	}
	return UI_C_NORMAL;
}

/* The rendered message, as display lines. */
static int
add_rendering(struct ui *ui, int width, struct fct_error *err)
{
	struct ui_pager *pg = &ui->pg;
	struct mime_render_opts ro = MIME_RENDER_OPTS_INIT;
	char *command;
	size_t i;
	int rc;

	if (pg->full_headers)
		ro.flags |= MIME_RENDER_ALL_HEADERS;
	if (ui->cfg->alternative == CONFIG_ALT_HTML)
		ro.flags |= MIME_RENDER_PREFER_HTML;
	ro.width = (unsigned)width;
	/* The user's HTML converter, as `facteur show` runs it. */
	if ((command = sync_mailcap_command("text/html",
		 MIME_MAILCAP_COPIOUSOUTPUT, false)) != NULL) {
		ro.html_hook = sync_mailcap_html_hook;
		ro.html_hook_arg = command;
	}
	rc = mime_render(pg->raw, pg->raw_len, &ro, &pg->r, err);
	free(command);
	if (rc != 0)
		return -1;
	for (i = 0; i < pg->r.nlines; i++)
		add_clean(pg, pg->r.lines[i].text, width,
		    line_color(&pg->r.lines[i]));
	return 0;
}

/* Renders the message into display lines for the current width. */
static void
render(struct ui *ui)
{
	struct ui_pager *pg = &ui->pg;
	struct ui_account *a = &ui->accts[ui->ix.acct];
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg m = STORE_MSG_INIT;
	char date[64];
	time_t t;
	int width = ui->cols > 2 ? ui->cols - 1 : 1, found;

	strbuf_reset(&pg->text);
	pg->nlines = 0;
	mime_rendering_release(&pg->r);
	found = store_msg_get(a->st, ui->ix.folder.id, pg->uid, &m, &err);
	if (found <= 0) {
		add_text(pg,
		    found < 0 ? fct_error_msg(&err) : "(the message is gone)",
		    width, UI_C_ERROR);
		goto out;
	}
	if (pg->raw == NULL) {
		found =
		    store_body_get(a->st, m.id, &pg->raw, &pg->raw_len, &err);
		if (found < 0) {
			add_text(pg, fct_error_msg(&err), width, UI_C_ERROR);
			goto out;
		}
	}
	if (pg->raw != NULL) {
		if (add_rendering(ui, width, &err) != 0)
			add_text(pg, fct_error_msg(&err), width, UI_C_ERROR);
		goto out;
	}
	/* Not cached yet: the headers the index knows, while it comes. */
	if (pg->full_headers && m.headers != NULL) {
		add_text(pg, m.headers, width, UI_C_HEADER);
	} else {
		t = (time_t)m.date;
		date[0] = '\0';
		if (m.date != 0)
			strftime(date, sizeof date, "%a, %d %b %Y %H:%M %z",
			    localtime(&t));
		add_header(pg, "Date", date, width);
		add_header(pg, "From", m.from_text, width);
		add_header(pg, "To", m.to_text, width);
		add_header(pg, "Cc", m.cc_text, width);
		add_header(pg, "Subject", m.subject, width);
	}
	add_line(pg, "", 0, UI_C_NORMAL);
	if (a->w != NULL && !pg->waiting) {
		sync_worker_fetch(a->w, ui->ix.folder.name, pg->uid);
		pg->waiting = true;
	}
	add_text(pg,
	    a->w == NULL ? "(the message is not in the cache)"
		: a->state == SYNC_STATE_OFFLINE ||
		    a->state == SYNC_STATE_ERROR ||
		    a->state == SYNC_STATE_RETRYING
		? "(the message is not in the cache; it is fetched "
		  "as soon as the account is back online)"
		: "(fetching the message from the server...)",
	    width, UI_C_NORMAL);
out:
	store_msg_release(&m);
	fct_error_release(&err);
	if (pg->top >= pg->nlines)
		pg->top = pg->nlines > 0 ? pg->nlines - 1 : 0;
	ui->dirty = true;
}

void
ui_pager_open(struct ui *ui, uint32_t uid)
{
	ui_pager_close(&ui->pg);
	ui->att.open = false;
	ui->pg.open = true;
	ui->pg.uid = uid;
	render(ui);
}

void
ui_pager_body_event(struct ui *ui, uint32_t uid, const char *reason)
{
	struct ui_pager *pg = &ui->pg;

	if (!pg->open || pg->uid != uid || !pg->waiting)
		return;
	pg->waiting = false;
	if (reason != NULL) {
		ui_message(ui, true, "cannot fetch the message: %s", reason);
		/* Keep waiting false: no second request for this one. */
		pg->waiting = true;
		return;
	}
	render(ui);
}

void
ui_pager_rerender(struct ui *ui)
{
	if (ui->pg.open)
		render(ui);
}

void
ui_pager_scroll(struct ui *ui, long delta, int height)
{
	struct ui_pager *pg = &ui->pg;
	size_t max =
	    pg->nlines > (size_t)height ? pg->nlines - (size_t)height : 0;

	if (delta < 0)
		pg->top =
		    (size_t)-delta > pg->top ? 0 : pg->top - (size_t)-delta;
	else
		pg->top = pg->top + (size_t)delta > max
		    ? max
		    : pg->top + (size_t)delta;
	ui->dirty = true;
}

void
ui_pager_draw(struct ui *ui, int height, int width)
{
	struct ui_pager *pg = &ui->pg;
	const char *l;
	size_t i;
	int y;

	for (y = 0; y < height; y++) {
		i = pg->top + (size_t)y;
		if (i >= pg->nlines) {
			attrset(ui_attr(UI_C_NORMAL));
			ui_put(y, 0, i == pg->nlines ? "~" : "", width, true);
			continue;
		}
		l = pg->text.buf + pg->lines[i];
		attrset(ui_attr(pg->colors[i]));
		ui_put(y, 0, l, width, true);
	}
	attrset(A_NORMAL);
}
