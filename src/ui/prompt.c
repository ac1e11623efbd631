/*
 * The prompt line: a small line editor at the bottom of the screen, for
 * folder names (with completion) and queries.
 *
 * Keys: characters insert; Left/Right (C-b/C-f) move; Home/End (C-a/C-e);
 * Backspace and Delete; C-u clears; C-w deletes the word before the
 * cursor; Up/Down walk the history of this kind of prompt; Tab completes
 * a folder name and cycles through the candidates; Enter answers; Esc or
 * C-g gives up.
 *
 * Completion offers, in order: folders used before (the history, most
 * recent first) that match, then folders whose name or last component
 * starts with the text (case-insensitive), then folders that contain the
 * text's characters in order (a fuzzy match: "prj26" finds
 * "Projets/2026").
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "draw.h"
#include "private.h"

#define HISTORY_MAX 100

static struct ui_history *
history_of(struct ui *ui)
{
	return &ui->hist[ui->pr.kind == UI_PROMPT_FOLDER ? 0
		: ui->pr.kind == UI_PROMPT_COMMAND       ? 2
							 : 1];
}

static void
history_add(struct ui_history *h, const char *s)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		if (strcmp(h->v[i], s) == 0) {
			free(h->v[i]);
			memmove(h->v + i, h->v + i + 1,
			    (h->n - i - 1) * sizeof *h->v);
			h->n--;
			break;
		}
	}
	if (h->n == HISTORY_MAX)
		free(h->v[--h->n]);
	FCT_ALLOC_GROW(h->v, h->n + 1, h->alloc);
	memmove(h->v + 1, h->v, h->n * sizeof *h->v);
	h->v[0] = xstrdup(s);
	h->n++;
}

static void
matches_release(struct ui_prompt *pr)
{
	size_t i;

	for (i = 0; i < pr->nmatches; i++)
		free(pr->matches[i]);
	free(pr->matches);
	pr->matches = NULL;
	pr->nmatches = pr->imatch = 0;
	free(pr->stem);
	pr->stem = NULL;
}

void
ui_prompt_release(struct ui *ui)
{
	struct ui_prompt *pr = &ui->pr;

	matches_release(pr);
	free(pr->label);
	strbuf_release(&pr->buf);
	memset(pr, 0, sizeof *pr);
	strbuf_init(&pr->buf, 0);
}

void
ui_prompt_start(struct ui *ui, enum ui_prompt_kind kind, enum ui_action then,
    const char *label)
{
	ui_prompt_release(ui);
	ui->pr.kind = kind;
	ui->pr.then = then;
	ui->pr.label = xstrdup(label);
	ui->pr.hist = -1;
	ui->dirty = true;
	curs_set(1);
}

/* s in lower case, Unicode-aware ("Été" -> "été"). Owned. */
static char *
fold(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	char mb[MB_LEN_MAX];
	mbstate_t in, out;
	size_t n, left = strlen(s), k;
	wchar_t wc;

	memset(&in, 0, sizeof in);
	memset(&out, 0, sizeof out);
	while (left > 0) {
		n = mbrtowc(&wc, s, left, &in);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
			strbuf_add(&sb, s, left);
			break;
		}
		if ((k = wcrtomb(mb, (wchar_t)towlower((wint_t)wc), &out)) ==
		    (size_t)-1)
			strbuf_add(&sb, s, n);
		else
			strbuf_add(&sb, mb, k);
		s += n;
		left -= n;
	}
	return strbuf_detach(&sb, NULL);
}

/* Whether text's characters appear in name in order ("prj26" finds
 * "Projets/2026"); both folded. */
static bool
fuzzy(const char *name, const char *text)
{
	for (; *name != '\0' && *text != '\0'; name++)
		if (*name == *text)
			text++;
	return *text == '\0';
}

/* Whether name, or its last component, starts with text; both folded. */
static bool
prefix(const char *name, const char *text)
{
	const char *last;
	size_t n = strlen(text);

	if (strncmp(name, text, n) == 0)
		return true;
	last = strrchr(name, '/');
	return last != NULL && strncmp(last + 1, text, n) == 0;
}

static void
add_match(char ***v, size_t *n, size_t *alloc, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	FCT_ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = xstrdup(s);
}

char **
ui_folder_complete(struct ui *ui, const char *text, size_t *n)
{
	struct ui_account *a = ui_current_account(ui);
	const struct store_folder_list *l;
	char **v = NULL, **names, *t;
	size_t alloc = 0, i, j;
	int pass;

	*n = 0;
	if (a == NULL)
		return NULL;
	l = &a->folders;
	t = fold(text);
	if (ui->suggest != NULL) {
		char *fs = fold(ui->suggest);

		if (prefix(fs, t) || fuzzy(fs, t))
			add_match(&v, n, &alloc, ui->suggest);
		free(fs);
	}
	names = xcalloc(l->n + 1, sizeof *names);
	for (j = 0; j < l->n; j++)
		names[j] = fold(l->v[j].name);
	for (i = 0; i < ui->hist[0].n; i++)
		for (j = 0; j < l->n; j++)
			if (strcmp(l->v[j].name, ui->hist[0].v[i]) == 0 &&
			    prefix(names[j], t))
				add_match(&v, n, &alloc, l->v[j].name);
	for (pass = 0; pass < 2; pass++)
		for (j = 0; j < l->n; j++) {
			if (l->v[j].noselect)
				continue;
			if (pass == 0 ? prefix(names[j], t)
				      : fuzzy(names[j], t))
				add_match(&v, n, &alloc, l->v[j].name);
		}
	for (j = 0; j < l->n; j++)
		free(names[j]);
	free(names);
	free(t);
	return v;
}

bool
ui_action_takes_folder(enum ui_action a)
{
	return a == UI_A_MOVE || a == UI_A_COPY || a == UI_A_CHANGE_FOLDER;
}

char **
ui_command_complete(struct ui *ui, const char *text, size_t *n)
{
	unsigned view = ui->pg.open ? UI_IN_PAGER : UI_IN_INDEX;
	const struct ui_action_info *info;
	const char *sp = strchr(text, ' ');
	char **v = NULL, **folders, *name, *t;
	size_t alloc = 0, i, nf;
	int a, pass;

	*n = 0;
	if (sp != NULL) {
		/* The argument: a folder, for the actions that take one. */
		name = xstrndup(text, (size_t)(sp - text));
		a = (int)ui_action_find(name);
		free(name);
		if (!ui_action_takes_folder((enum ui_action)a))
			return NULL;
		while (*sp == ' ')
			sp++;
		folders = ui_folder_complete(ui, sp, &nf);
		for (i = 0; i < nf; i++) {
			name = xasprintf("%.*s %s", (int)strcspn(text, " "),
			    text, folders[i]);
			add_match(&v, n, &alloc, name);
			free(name);
			free(folders[i]);
		}
		free(folders);
		return v;
	}
	t = fold(text);
	for (pass = 0; pass < 2; pass++)
		for (a = UI_A_NONE + 1; a < UI_A__COUNT; a++) {
			info = ui_action_info((enum ui_action)a);
			if (a == UI_A_COMMAND || (info->where & view) == 0)
				continue;
			if (pass == 0 ? strncmp(info->name, t, strlen(t)) == 0
				      : fuzzy(info->name, t))
				add_match(&v, n, &alloc, info->name);
		}
	free(t);
	return v;
}

static void
set_text(struct ui_prompt *pr, const char *s)
{
	strbuf_reset(&pr->buf);
	strbuf_addstr(&pr->buf, s);
	pr->pos = pr->buf.len;
}

static void
complete(struct ui *ui)
{
	struct ui_prompt *pr = &ui->pr;

	if (pr->kind != UI_PROMPT_FOLDER && pr->kind != UI_PROMPT_FILE &&
	    pr->kind != UI_PROMPT_ADDRESS && pr->kind != UI_PROMPT_COMMAND)
		return;
	if (pr->matches == NULL) {
		pr->stem = xstrdup(pr->buf.buf);
		pr->matches = pr->kind == UI_PROMPT_FILE
		    ? ui_file_complete(pr->stem, &pr->nmatches)
		    : pr->kind == UI_PROMPT_ADDRESS
		    ? ui_address_complete(ui, pr->stem, &pr->nmatches)
		    : pr->kind == UI_PROMPT_COMMAND
		    ? ui_command_complete(ui, pr->stem, &pr->nmatches)
		    : ui_folder_complete(ui, pr->stem, &pr->nmatches);
		pr->imatch = 0;
		if (pr->nmatches == 0) {
			ui_message(ui, true, "no %s matches '%s'",
			    pr->kind == UI_PROMPT_FILE ? "file"
				: pr->kind == UI_PROMPT_ADDRESS
				? "alias or address"
				: pr->kind == UI_PROMPT_COMMAND
				? "action or folder"
				: "folder",
			    pr->stem);
			matches_release(pr);
			return;
		}
	} else
		pr->imatch = (pr->imatch + 1) % pr->nmatches;
	set_text(pr, pr->matches[pr->imatch]);
}

/* The byte offset of the character before pos. */
static size_t
char_before(const struct strbuf *b, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)b->buf[pos] & 0xc0) == 0x80)
		pos--;
	return pos;
}

static size_t
char_after(const struct strbuf *b, size_t pos)
{
	if (pos >= b->len)
		return b->len;
	pos++;
	while (pos < b->len && ((unsigned char)b->buf[pos] & 0xc0) == 0x80)
		pos++;
	return pos;
}

static void
cut(struct strbuf *b, size_t from, size_t to)
{
	memmove(b->buf + from, b->buf + to, b->len - to);
	strbuf_setlen(b, b->len - (to - from));
}

static void
history_step(struct ui *ui, int dir)
{
	struct ui_prompt *pr = &ui->pr;
	struct ui_history *h = history_of(ui);
	long next = pr->hist + dir;

	if (next < -1 || next >= (long)h->n)
		return;
	pr->hist = next;
	set_text(pr, next < 0 ? "" : h->v[next]);
}

bool
ui_prompt_key(struct ui *ui, int key, char **answer)
{
	struct ui_prompt *pr = &ui->pr;
	char mb[MB_LEN_MAX + 1];
	mbstate_t mbs;
	size_t n, p;

	*answer = NULL;
	ui->dirty = true;
	if (pr->kind == UI_PROMPT_CHAR) {
		if (key == 27 || key == 7)
			return true;
		memset(&mbs, 0, sizeof mbs);
		if (key > 0 && key < UI_KEY_FN &&
		    (n = wcrtomb(mb, (wchar_t)key, &mbs)) != (size_t)-1) {
			mb[n] = '\0';
			*answer = xstrdup(mb);
		}
		return true;
	}
	if (key != '\t')
		matches_release(pr);
	switch (key) {
	case '\n':
	case '\r':
	case UI_KEY_FN + KEY_ENTER:
		if (pr->buf.len > 0)
			history_add(history_of(ui), pr->buf.buf);
		*answer = xstrdup(pr->buf.buf);
		return true;
	case 27:
	case 7: /* C-g */
		return true;
	case '\t':
		complete(ui);
		return false;
	case 21: /* C-u */
		set_text(pr, "");
		return false;
	case 23: /* C-w */
		p = pr->pos;
		while (p > 0 && pr->buf.buf[p - 1] == ' ')
			p--;
		while (p > 0 && pr->buf.buf[p - 1] != ' ' &&
		    pr->buf.buf[p - 1] != '/')
			p--;
		if (p == pr->pos && p > 0)
			p--; /* a lone separator */
		cut(&pr->buf, p, pr->pos);
		pr->pos = p;
		return false;
	case 1: /* C-a */
	case UI_KEY_FN + KEY_HOME:
		pr->pos = 0;
		return false;
	case 5: /* C-e */
	case UI_KEY_FN + KEY_END:
		pr->pos = pr->buf.len;
		return false;
	case 2: /* C-b */
	case UI_KEY_FN + KEY_LEFT:
		pr->pos = char_before(&pr->buf, pr->pos);
		return false;
	case 6: /* C-f */
	case UI_KEY_FN + KEY_RIGHT:
		pr->pos = char_after(&pr->buf, pr->pos);
		return false;
	case UI_KEY_FN + KEY_UP:
		history_step(ui, 1);
		return false;
	case UI_KEY_FN + KEY_DOWN:
		history_step(ui, -1);
		return false;
	case 127:
	case 8:
	case UI_KEY_FN + KEY_BACKSPACE:
		p = char_before(&pr->buf, pr->pos);
		cut(&pr->buf, p, pr->pos);
		pr->pos = p;
		return false;
	case 4: /* C-d */
	case UI_KEY_FN + KEY_DC:
		cut(&pr->buf, pr->pos, char_after(&pr->buf, pr->pos));
		return false;
	}
	if (key < 0x20 || key >= UI_KEY_FN || key == 0x7f)
		return false;
	memset(&mbs, 0, sizeof mbs);
	if ((n = wcrtomb(mb, (wchar_t)key, &mbs)) == (size_t)-1)
		return false;
	strbuf_grow(&pr->buf, n);
	memmove(pr->buf.buf + pr->pos + n, pr->buf.buf + pr->pos,
	    pr->buf.len - pr->pos + 1);
	memcpy(pr->buf.buf + pr->pos, mb, n);
	pr->buf.len += n;
	pr->pos += n;
	return false;
}

/* The text s after its first `cols` columns. */
static const char *
skip_columns(const char *s, int cols)
{
	mbstate_t mbs;
	wchar_t wc;
	size_t n;
	int skipped = 0, w;

	memset(&mbs, 0, sizeof mbs);
	while (skipped < cols && *s != '\0') {
		n = mbrtowc(&wc, s, strlen(s), &mbs);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
			break;
		w = wcwidth(wc);
		skipped += w > 0 ? w : 1;
		s += n;
	}
	return s;
}

void
ui_prompt_draw(struct ui *ui, int y, int width)
{
	struct ui_prompt *pr = &ui->pr;
	struct strbuf hint = STRBUF_INIT, text = STRBUF_INIT,
		      before = STRBUF_INIT;
	char *head;
	int lw, cw, start = 0, hw = 0;

	attrset(ui_attr(UI_C_PROMPT));
	lw = ui_put(y, 0, pr->label, width, false);
	if (pr->nmatches > 1) {
		strbuf_addf(&hint, " [%zu/%zu]", pr->imatch + 1, pr->nmatches);
		hw = ui_width(hint.buf);
	}
	/* Completions bring folder names from the server: sanitised, like
	 * every other outside string, and the cursor placed on that. */
	ui_sanitize(&text, pr->buf.buf);
	head = xstrndup(pr->buf.buf, pr->pos);
	ui_sanitize(&before, head);
	free(head);
	cw = ui_width(before.buf);
	/* Keep the cursor on screen: scroll the text left when needed. */
	if (lw + cw >= width - hw - 1)
		start = lw + cw - (width - hw - 2);
	ui_put(y, lw, skip_columns(text.buf, start), width - lw - hw, true);
	if (hw > 0)
		ui_put(y, width - hw, hint.buf, hw, false);
	move(y, lw + cw - start);
	attrset(A_NORMAL);
	strbuf_release(&hint);
	strbuf_release(&text);
	strbuf_release(&before);
}
