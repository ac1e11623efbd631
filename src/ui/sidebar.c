/*
 * The sidebar: one tree per account, built from the store's folder list.
 *
 * Order: the account's heading; its role folders in a fixed order with the
 * role shown (Inbox, Drafts, Sent, Junk, Trash, Archive), so that they sit
 * where the fingers expect them whatever the server calls them; then the
 * user's folders nested by the server's delimiter; then a Shared heading
 * with the other users' and shared mailboxes, each with a badge for what
 * MYRIGHTS lets us do there. Any node with children folds.
 *
 * The rows are rebuilt from the folder lists whenever they change (a
 * worker event); the counts are read from the folder structs at draw time.
 * Folding is remembered by path, so it survives a rebuild.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "private.h"

static const char *const role_order[] = { "inbox", "drafts", "sent", "junk",
	"trash", "archive" };
static const char *const role_labels[] = { "Inbox", "Drafts", "Sent", "Junk",
	"Trash", "Archive" };

const char *
ui_rights_badge(const char *rights)
{
	bool insert, del;

	if (rights == NULL)
		return NULL;
	insert = strchr(rights, 'i') != NULL;
	del = strchr(rights, 't') != NULL && strchr(rights, 'e') != NULL;
	if (!insert && strchr(rights, 'w') == NULL && !del)
		return "read-only";
	if (!del)
		return "no-delete";
	return NULL;
}

bool
ui_rights_allow(const char *rights, const char *need)
{
	const char *c;

	if (rights == NULL)
		return true;
	for (c = need; *c != '\0'; c++)
		if (strchr(rights, *c) == NULL)
			return false;
	return true;
}

static bool
is_folded(struct ui *ui, size_t acct, const char *path)
{
	char *key = xasprintf("%s\x1f%s", ui->accts[acct].acct->name, path);
	bool found = false;
	size_t i;

	for (i = 0; i < ui->nfolded && !found; i++)
		found = strcmp(ui->folded[i], key) == 0;
	free(key);
	return found;
}

static struct ui_side_row *
add_row(struct ui *ui, size_t *alloc, size_t acct, long folder, int depth,
    const char *label, const char *path)
{
	struct ui_side_row *r;

	FCT_ALLOC_GROW(ui->side, ui->nside + 1, *alloc);
	r = &ui->side[ui->nside++];
	memset(r, 0, sizeof *r);
	r->acct = acct;
	r->folder = folder;
	r->depth = depth;
	r->label = xstrdup(label);
	r->path = xstrdup(path);
	r->collapsed = is_folded(ui, acct, path);
	if (folder >= 0)
		r->role = ui->accts[acct].folders.v[folder].role;
	return r;
}

/* A folder's path, cut at its delimiter. */
struct path {
	long folder;
	char **parts;
	size_t n;
};

static void
path_split(struct path *p, const struct store_folder *f, long idx)
{
	char delim = f->delimiter;
	const char *s = f->name, *e;

	p->folder = idx;
	p->parts = NULL;
	p->n = 0;
	for (;;) {
		e = delim != '\0' ? strchr(s, delim) : NULL;
		p->parts = xreallocarray(p->parts, p->n + 1, sizeof *p->parts);
		p->parts[p->n++] =
		    e != NULL ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
		if (e == NULL)
			break;
		s = e + 1;
	}
}

static int
path_cmp(const void *a, const void *b)
{
	const struct path *x = a, *y = b;
	size_t i;
	int c;

	for (i = 0; i < x->n && i < y->n; i++)
		if ((c = strcmp(x->parts[i], y->parts[i])) != 0)
			return c;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* The folder whose name is the first n parts of p, or -1. */
static long
folder_at(const struct store_folder_list *l, const struct path *p, size_t n,
    char delim)
{
	struct strbuf sb = STRBUF_INIT;
	long found = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addch(&sb, delim);
		strbuf_addstr(&sb, p->parts[i]);
	}
	for (i = 0; i < l->n && found < 0; i++)
		if (strcmp(l->v[i].name, sb.buf) == 0)
			found = (long)i;
	strbuf_release(&sb);
	return found;
}

/*
 * Emits the folders of l picked by want(), nested: parents that are not
 * folders themselves become plain nodes. skip drops leading parts common
 * to all (the "Shared" prefix under the Shared heading).
 */
static void
add_tree(struct ui *ui, size_t *alloc, size_t acct, int depth0,
    bool (*want)(const struct store_folder *), size_t skip)
{
	const struct store_folder_list *l = &ui->accts[acct].folders;
	struct path *paths = NULL, *prev = NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0, i, j, k, common;
	long hide_below = -1; /* depth under a folded node, -1 none */
	struct ui_side_row *r;
	char delim;

	for (i = 0; i < l->n; i++) {
		if (!want(&l->v[i]))
			continue;
		paths = xreallocarray(paths, n + 1, sizeof *paths);
		path_split(&paths[n++], &l->v[i], (long)i);
	}
	if (n > 0)
		qsort(paths, n, sizeof *paths, path_cmp);
	for (i = 0; i < n; i++) {
		delim = l->v[paths[i].folder].delimiter;
		common = 0;
		while (prev != NULL && common < prev->n &&
		    common < paths[i].n &&
		    strcmp(prev->parts[common], paths[i].parts[common]) == 0)
			common++;
		if (prev != NULL && common == prev->n && common == paths[i].n)
			common--; /* the same path twice: never */
		for (j = common < skip ? skip : common; j < paths[i].n; j++) {
			strbuf_reset(&sb);
			for (k = 0; k <= j; k++) {
				if (k > 0)
					strbuf_addch(&sb, delim);
				strbuf_addstr(&sb, paths[i].parts[k]);
			}
			if (hide_below >= 0 && (long)j > hide_below)
				continue;
			hide_below = -1;
			if (ui->nside > 0 && j > skip &&
			    ui->side[ui->nside - 1].depth ==
				depth0 + (int)(j - skip) - 1)
				ui->side[ui->nside - 1].children = true;
			r = add_row(ui, alloc, acct,
			    j + 1 == paths[i].n
				? paths[i].folder
				: folder_at(l, &paths[i], j + 1, delim),
			    depth0 + (int)(j - skip), paths[i].parts[j],
			    sb.buf);
			if (r->collapsed)
				hide_below = (long)j;
		}
		prev = &paths[i];
	}
	/* Children of a folded node were not emitted: mark it anyway. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < paths[i].n; j++)
			free(paths[i].parts[j]);
		free(paths[i].parts);
	}
	free(paths);
	strbuf_release(&sb);
}

static bool
want_user(const struct store_folder *f)
{
	return f->ns == 0 && f->role == NULL;
}

static bool
want_shared(const struct store_folder *f)
{
	return f->ns != 0;
}

/* The number of leading parts every shared folder has in common. */
static size_t
shared_skip(const struct store_folder_list *l)
{
	const char *first = NULL;
	size_t i, len = 0;
	char delim = '\0';

	for (i = 0; i < l->n; i++) {
		if (l->v[i].ns == 0 || l->v[i].delimiter == '\0')
			continue;
		if (first == NULL) {
			first = l->v[i].name;
			delim = l->v[i].delimiter;
			len = strcspn(first, (char[]){ delim, '\0' });
		}
		if (strncmp(l->v[i].name, first, len) != 0 ||
		    (l->v[i].name[len] != delim && l->v[i].name[len] != '\0'))
			return 0;
	}
	return first != NULL ? 1 : 0;
}

/* Whether a folded node hides children (so that it shows a marker). */
static void
mark_children(struct ui *ui)
{
	const struct store_folder_list *l;
	struct ui_side_row *r;
	size_t i, j, len;

	for (i = 0; i < ui->nside; i++) {
		r = &ui->side[i];
		if (!r->collapsed || r->heading)
			continue;
		l = &ui->accts[r->acct].folders;
		len = strlen(r->path);
		for (j = 0; j < l->n; j++)
			if (strncmp(l->v[j].name, r->path, len) == 0 &&
			    l->v[j].name[len] != '\0' &&
			    l->v[j].name[len] == l->v[j].delimiter)
				r->children = true;
	}
}

void
ui_sidebar_release(struct ui *ui)
{
	size_t i;

	for (i = 0; i < ui->nside; i++) {
		free(ui->side[i].label);
		free(ui->side[i].path);
	}
	free(ui->side);
	ui->side = NULL;
	ui->nside = 0;
}

void
ui_sidebar_build(struct ui *ui)
{
	const struct store_folder_list *l;
	struct ui_side_row *h;
	char *keep = NULL;
	size_t keep_acct = 0, alloc = 0, a, r, i;
	bool any_shared;
	long found;

	if (ui->side_cursor < ui->nside) {
		keep = xstrdup(ui->side[ui->side_cursor].path);
		keep_acct = ui->side[ui->side_cursor].acct;
	}
	ui_sidebar_release(ui);
	for (a = 0; a < ui->naccts; a++) {
		l = &ui->accts[a].folders;
		h = add_row(ui, &alloc, a, -1, 0, ui->accts[a].acct->name, "");
		h->heading = true;
		h->children = l->n > 0;
		if (h->collapsed)
			continue;
		for (r = 0; r < FCT_ARRAY_LEN(role_order); r++)
			for (i = 0; i < l->n; i++)
				if (l->v[i].ns == 0 && l->v[i].role != NULL &&
				    strcmp(l->v[i].role, role_order[r]) == 0)
					add_row(ui, &alloc, a, (long)i, 1,
					    role_labels[r], l->v[i].name);
		add_tree(ui, &alloc, a, 1, want_user, 0);
		any_shared = false;
		for (i = 0; i < l->n; i++)
			any_shared = any_shared || l->v[i].ns != 0;
		if (!any_shared)
			continue;
		h = add_row(ui, &alloc, a, -1, 1, "Shared", "\x1fshared");
		h->heading = true;
		h->children = true;
		if (!h->collapsed)
			add_tree(ui, &alloc, a, 2, want_shared, shared_skip(l));
	}
	mark_children(ui);
	ui->side_cursor = 0;
	if (keep != NULL) {
		for (i = 0; i < ui->nside; i++)
			if (ui->side[i].acct == keep_acct &&
			    strcmp(ui->side[i].path, keep) == 0)
				ui->side_cursor = i;
		free(keep);
	} else if (ui->ix.open &&
	    (found = ui_sidebar_find(ui, ui->ix.acct, ui->ix.folder.name)) >= 0)
		ui->side_cursor = (size_t)found;
	ui->dirty = true;
}

long
ui_sidebar_find(struct ui *ui, size_t acct, const char *name)
{
	size_t i;

	for (i = 0; i < ui->nside; i++)
		if (ui->side[i].acct == acct && ui->side[i].folder >= 0 &&
		    strcmp(ui->accts[acct].folders.v[ui->side[i].folder].name,
			name) == 0)
			return (long)i;
	return -1;
}

void
ui_sidebar_fold(struct ui *ui)
{
	struct ui_side_row *r;
	char *key;
	size_t i;

	if (ui->side_cursor >= ui->nside)
		return;
	r = &ui->side[ui->side_cursor];
	if (!r->children && !r->collapsed)
		return;
	key = xasprintf("%s\x1f%s", ui->accts[r->acct].acct->name, r->path);
	for (i = 0; i < ui->nfolded; i++) {
		if (strcmp(ui->folded[i], key) == 0) {
			free(ui->folded[i]);
			ui->folded[i] = ui->folded[--ui->nfolded];
			free(key);
			ui_sidebar_build(ui);
			return;
		}
	}
	FCT_ALLOC_GROW(ui->folded, ui->nfolded + 1, ui->folded_alloc);
	ui->folded[ui->nfolded++] = key;
	ui_sidebar_build(ui);
}

void
ui_sidebar_draw(struct ui *ui, int height)
{
	const struct store_folder *f;
	const struct ui_side_row *r;
	struct strbuf sb = STRBUF_INIT;
	const char *badge;
	char *label;
	int w = ui->side_width - 1, y, x, attr;
	size_t i;

	if (ui->side_cursor < ui->side_top)
		ui->side_top = ui->side_cursor;
	if (height > 0 && ui->side_cursor >= ui->side_top + (size_t)height)
		ui->side_top = ui->side_cursor - (size_t)height + 1;
	for (y = 0; y < height; y++) {
		i = ui->side_top + (size_t)y;
		attr = ui_attr(UI_C_SIDEBAR);
		strbuf_reset(&sb);
		if (i < ui->nside) {
			r = &ui->side[i];
			f = r->folder >= 0
			    ? &ui->accts[r->acct].folders.v[r->folder]
			    : NULL;
			strbuf_addf(&sb, "%*s%s", r->depth * 2, "",
			    r->children ? (r->collapsed ? "+" : "-") : " ");
			ui_sanitize(&sb, r->label);
			if (r->heading)
				attr = ui_attr(UI_C_SIDEBAR_ACCOUNT);
			else if (r->role != NULL)
				attr = ui_attr(UI_C_SIDEBAR_ROLE);
			else if (f != NULL && f->unseen > 0)
				attr = ui_attr(UI_C_SIDEBAR_UNREAD);
			if (i == ui->side_cursor)
				attr |= ui->focus_sidebar ? ui_attr(UI_C_CURSOR)
							  : (int)A_UNDERLINE;
			label = strbuf_detach(&sb, NULL);
			if (f != NULL) {
				badge = ui_rights_badge(f->rights);
				if (r->role != NULL)
					strbuf_addf(&sb, " [%s]", r->role);
				if (badge != NULL)
					strbuf_addf(&sb, " (%s)", badge);
				if (f->noselect)
					;
				else if (f->unseen > 0)
					strbuf_addf(&sb, " %u/%u", f->unseen,
					    f->total);
				else
					strbuf_addf(&sb, " %u", f->total);
			}
			x = ui_width(sb.buf);
			if (x >= w)
				x = 0;
			attrset(attr);
			ui_put(y, 0, label, w - x, true);
			free(label);
			if (x > 0) {
				attrset(
				    i == ui->side_cursor && ui->focus_sidebar
					? attr
					: ui_attr(UI_C_SIDEBAR_BADGE));
				ui_put(y, w - x, sb.buf, x, false);
			}
		} else {
			attrset(attr);
			ui_put(y, 0, "", w, true);
		}
		attrset(ui_attr(UI_C_SIDEBAR));
		mvaddch(y, w, ACS_VLINE);
	}
	attrset(A_NORMAL);
	strbuf_release(&sb);
}
