/*
 * The pager: one message, read from the store.
 *
 * The message is turned into display lines once, when it opens (and again
 * when the terminal is resized or the headers are toggled): the header
 * lines, then the body as the mime layer renders it, each line sanitised
 * (ui_sanitize) and wrapped to the screen width. Drawing is then only
 * copying lines to the screen, coloured by what they are: a header, a
 * quote of some depth, a URL.
 *
 * A body that is not in the cache yet is asked of the account's worker
 * (sync_worker_fetch); the pager shows the headers meanwhile and renders
 * the body when the worker says it is there.
 *
 * NEEDSWORK: the mime branch brings a full renderer (structure, HTML,
 * attachments) in include/facteur/mime.h; render_body() is the one
 * function to point at it then.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "facteur/mime.h"
#include "private.h"

/* The body as text lines (UTF-8, '\n' between lines) into out. */
static int
render_body(const char *raw, size_t len, struct strbuf *out,
    struct fct_error *err)
{
	return mime_body_text(raw, len, out, err);
}

void
ui_pager_close(struct ui_pager *pg)
{
	strbuf_release(&pg->text);
	free(pg->lines);
	memset(pg, 0, sizeof *pg);
	strbuf_init(&pg->text, 0);
}

/* Appends one display line (already sanitised). */
static void
add_line(struct ui_pager *pg, const char *s, size_t len)
{
	FCT_ALLOC_GROW(pg->lines, pg->nlines + 1, pg->lines_alloc);
	pg->lines[pg->nlines++] = pg->text.len;
	strbuf_add(&pg->text, s, len);
	strbuf_addch(&pg->text, '\0');
}

/* Sanitises one logical line and wraps it to width columns. */
static void
add_wrapped(struct ui_pager *pg, const char *line, int width)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s, *brk;
	mbstate_t mbs;
	wchar_t wc;
	size_t n, left;
	int used, w;

	ui_sanitize(&sb, line);
	s = sb.buf;
	left = sb.len;
	if (left == 0)
		add_line(pg, "", 0);
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
			add_line(pg, s, (size_t)(brk - s));
			left -= (size_t)(brk + 1 - s);
			s = brk + 1;
		} else {
			if (n == 0)
				n = 1;
			add_line(pg, s, n);
			left -= n;
			s += n;
		}
	}
	strbuf_release(&sb);
}

static void
add_text(struct ui_pager *pg, const char *text, int width)
{
	const char *p = text, *nl;
	char *line;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		line = nl != NULL ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		add_wrapped(pg, line, width);
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
	add_wrapped(pg, line, width);
	free(line);
}

/* The URLs of the text, numbered, after the body. */
static void
add_urls(struct ui_pager *pg, const char *text, int width)
{
	const char *p = text, *e;
	unsigned n = 0;
	char *line;

	while ((p = strstr(p, "http")) != NULL) {
		if (strncmp(p, "http://", 7) != 0 &&
		    strncmp(p, "https://", 8) != 0) {
			p += 4;
			continue;
		}
		e = p + strcspn(p, " \t\r\n<>\"'()[]");
		if (n == 0) {
			add_line(pg, "", 0);
			add_line(pg, "URLs:", 5);
		}
		line = xasprintf("[%u] %.*s", ++n, (int)(e - p), p);
		add_wrapped(pg, line, width);
		free(line);
		p = e;
		if (n == 99)
			break;
	}
}

/* Renders the message into display lines for the current width. */
static void
render(struct ui *ui)
{
	struct ui_pager *pg = &ui->pg;
	struct ui_account *a = &ui->accts[ui->ix.acct];
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct strbuf body = STRBUF_INIT;
	char *raw = NULL, date[64];
	size_t len = 0;
	time_t t;
	int width = ui->cols > 2 ? ui->cols - 1 : 1, found;

	strbuf_reset(&pg->text);
	pg->nlines = 0;
	found = store_msg_get(a->st, ui->ix.folder.id, pg->uid, &m, &err);
	if (found <= 0) {
		add_text(pg,
		    found < 0 ? fct_error_msg(&err) : "(the message is gone)",
		    width);
		goto out;
	}
	if (pg->full_headers && m.headers != NULL) {
		add_text(pg, m.headers, width);
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
	add_line(pg, "", 0);
	found = store_body_get(a->st, m.id, &raw, &len, &err);
	if (found < 0)
		add_text(pg, fct_error_msg(&err), width);
	else if (found == 0) {
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
		    width);
	} else if (render_body(raw, len, &body, &err) != 0)
		add_text(pg, fct_error_msg(&err), width);
	else {
		add_text(pg, body.buf, width);
		if (m.has_attachment && m.parts != NULL) {
			struct strbuf parts = STRBUF_INIT;

			strbuf_addf(&parts, "\n[parts: %s]", m.parts);
			add_text(pg, parts.buf, width);
			strbuf_release(&parts);
		}
		add_urls(pg, body.buf, width);
	}
out:
	free(raw);
	strbuf_release(&body);
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

static int
line_attr(const char *l, bool in_header)
{
	size_t depth = 0;

	if (in_header)
		return ui_attr(UI_C_HEADER);
	while (*l == '>' || *l == ' ') {
		if (*l == '>')
			depth++;
		l++;
	}
	if (depth == 0)
		return strncmp(l, "[", 1) == 0 && strstr(l, "] http") != NULL
		    ? ui_attr(UI_C_URL)
		    : ui_attr(UI_C_NORMAL);
	return ui_attr(depth == 1 ? UI_C_QUOTE1
		: depth == 2      ? UI_C_QUOTE2
				  : UI_C_QUOTE3);
}

void
ui_pager_draw(struct ui *ui, int height, int width)
{
	struct ui_pager *pg = &ui->pg;
	bool in_header = true;
	const char *l;
	size_t i;
	int y;

	/* The header lines are those before the first empty line. */
	for (i = 0; i < pg->top && i < pg->nlines; i++)
		if (pg->text.buf[pg->lines[i]] == '\0')
			in_header = false;
	for (y = 0; y < height; y++) {
		i = pg->top + (size_t)y;
		if (i >= pg->nlines) {
			attrset(ui_attr(UI_C_NORMAL));
			ui_put(y, 0, i == pg->nlines ? "~" : "", width, true);
			continue;
		}
		l = pg->text.buf + pg->lines[i];
		if (*l == '\0')
			in_header = false;
		attrset(line_attr(l, in_header));
		ui_put(y, 0, l, width, true);
	}
	attrset(A_NORMAL);
}
