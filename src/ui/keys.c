/*
 * Key tables: which key runs which action, in the index and in the pager.
 *
 * The built-in bindings are text in the configuration language, parsed by
 * the same config_parse as the user's file and applied by the same
 * function, so the defaults can never drift from what a user may write
 * (STYLE.md rule 27). A [bind VIEW] line reads `ACTION = KEY...`: action
 * names come from the UI_ACTIONS list in private.h, which also generates
 * the help screen; `none = KEY...` unbinds.
 *
 * Key names: a character stands for itself ("s", "!", "/"); C-x is
 * Control-x; named keys are Enter, Tab, Esc, Space, Backspace, Delete,
 * Up, Down, Left, Right, PageUp, PageDown, Home, End and F1-F12.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "private.h"

static const struct ui_action_info actions[] = {
	[UI_A_NONE] = { "none", "unbind these keys", UI_IN_BOTH },
#define UI_ACTION_INFO(id, name, help, where) \
	[UI_A_##id] = { name, help, where },
	UI_ACTIONS(UI_ACTION_INFO)
#undef UI_ACTION_INFO
};

static const char defaults[] =
    "# facteur's built-in key bindings (the same syntax as [bind] in\n"
    "# the configuration file, which overrides them).\n"
    "[bind index]\n"
    "next = j Down\n"
    "previous = k Up\n"
    "page-down = PageDown Space\n"
    "page-up = PageUp -\n"
    "first = Home =\n"
    "last = End *\n"
    "open = Enter\n"
    "quit = q\n"
    "focus-sidebar = Tab\n"
    "change-folder = c\n"
    "collapse = z\n"
    "sort = o\n"
    "sort-reverse = O\n"
    "move = s\n"
    "copy = C\n"
    "delete = d\n"
    "archive = a\n"
    "spam = !\n"
    "flag = F\n"
    "toggle-read = N\n"
    "tag = t\n"
    "tag-query = T\n"
    "undo = u\n"
    "search = /\n"
    "search-next = n\n"
    "limit = l\n"
    "search-server = S\n"
    "sync = $\n"
    "help = ?\n"
    "redraw = C-l\n"
    "compose = m\n"
    "reply = r\n"
    "group-reply = g\n"
    "forward = f\n"
    "forward-attachment = A\n"
    "recall = R\n"
    "apply-rules = X\n"
    "make-rule = M\n"
    "command = :\n"
    "[bind pager]\n"
    "next = j\n"
    "previous = k\n"
    "line-down = Down Enter\n"
    "line-up = Up\n"
    "page-down = PageDown Space\n"
    "page-up = PageUp -\n"
    "quit = q i\n"
    "change-folder = c\n"
    "move = s\n"
    "copy = C\n"
    "delete = d\n"
    "archive = a\n"
    "spam = !\n"
    "flag = F\n"
    "toggle-read = N\n"
    "undo = u\n"
    "sync = $\n"
    "headers = h\n"
    "help = ?\n"
    "redraw = C-l\n"
    "compose = m\n"
    "reply = r\n"
    "group-reply = g\n"
    "forward = f\n"
    "forward-attachment = A\n"
    "recall = R\n"
    "make-rule = M\n"
    "command = :\n"
    "attachments = v\n"
    "[bind attach]\n"
    "next = j Down\n"
    "previous = k Up\n"
    "save-attachment = s\n"
    "view-attachment = Enter m\n"
    "quit = q\n"
    "help = ?\n"
    "redraw = C-l\n"
    "[bind compose]\n"
    "next = j Down\n"
    "previous = k Up\n"
    "send = y\n"
    "postpone = P\n"
    "edit-message = e\n"
    "attach-file = a\n"
    "detach-file = D\n"
    "change-identity = i\n"
    "edit-to = t\n"
    "edit-cc = c\n"
    "edit-bcc = b\n"
    "quit = q\n"
    "help = ?\n"
    "redraw = C-l\n";

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{ "Enter", '\n' },
	{ "Tab", '\t' },
	{ "Esc", 27 },
	{ "Space", ' ' },
	{ "Backspace", UI_KEY_FN + KEY_BACKSPACE },
	{ "Delete", UI_KEY_FN + KEY_DC },
	{ "Up", UI_KEY_FN + KEY_UP },
	{ "Down", UI_KEY_FN + KEY_DOWN },
	{ "Left", UI_KEY_FN + KEY_LEFT },
	{ "Right", UI_KEY_FN + KEY_RIGHT },
	{ "PageUp", UI_KEY_FN + KEY_PPAGE },
	{ "PageDown", UI_KEY_FN + KEY_NPAGE },
	{ "Home", UI_KEY_FN + KEY_HOME },
	{ "End", UI_KEY_FN + KEY_END },
};

const struct ui_action_info *
ui_action_info(enum ui_action a)
{
	if ((size_t)a >= FCT_ARRAY_LEN(actions))
		BUG("bad action %d", (int)a);
	return &actions[a];
}

enum ui_action
ui_action_find(const char *name)
{
	size_t i;

	for (i = 1; i < FCT_ARRAY_LEN(actions); i++)
		if (strcmp(actions[i].name, name) == 0)
			return (enum ui_action)i;
	return UI_A_NONE;
}

const char *
ui_keys_defaults(void)
{
	return defaults;
}

/* The key a name stands for, or -1. */
static int
key_parse(const char *s)
{
	wchar_t wc;
	mbstate_t mbs;
	size_t i, len = strlen(s);
	unsigned long f;
	char *end;

	for (i = 0; i < FCT_ARRAY_LEN(named_keys); i++)
		if (strcmp(named_keys[i].name, s) == 0)
			return named_keys[i].key;
	if (s[0] == 'F' && s[1] >= '1' && s[1] <= '9') {
		f = strtoul(s + 1, &end, 10);
		if (*end == '\0' && f >= 1 && f <= 12)
			return UI_KEY_FN + KEY_F((int)f);
	}
	if (s[0] == 'C' && s[1] == '-' && len == 3 &&
	    ((s[2] >= 'a' && s[2] <= 'z') || (s[2] >= '@' && s[2] <= '_')))
		return s[2] & 0x1f;
	memset(&mbs, 0, sizeof mbs);
	/* One printable character. */
	if (mbrtowc(&wc, s, len, &mbs) == len && wc > 0x20 && wc != 0x7f)
		return (int)wc;
	return -1;
}

char *
ui_key_name(int key)
{
	char buf[MB_LEN_MAX + 1];
	mbstate_t mbs;
	size_t i, n;

	for (i = 0; i < FCT_ARRAY_LEN(named_keys); i++)
		if (named_keys[i].key == key)
			return xstrdup(named_keys[i].name);
	if (key >= UI_KEY_FN + KEY_F(1) && key <= UI_KEY_FN + KEY_F(12))
		return xasprintf("F%d", key - UI_KEY_FN - KEY_F(0));
	if (key >= 0 && key < 0x20)
		return xasprintf("C-%c", key | 0x60);
	memset(&mbs, 0, sizeof mbs);
	if (key > 0 && key < UI_KEY_FN &&
	    (n = wcrtomb(buf, (wchar_t)key, &mbs)) != (size_t)-1) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	return xasprintf("<%d>", key);
}

static void
keymap_set(struct ui_keymap *m, int key, enum ui_action a)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->v[i].key != key)
			continue;
		if (a == UI_A_NONE) {
			m->v[i] = m->v[--m->n];
			return;
		}
		m->v[i].action = a;
		return;
	}
	if (a == UI_A_NONE)
		return;
	if (m->n == UI_KEYMAP_MAX)
		return;
	m->v[m->n].key = key;
	m->v[m->n].action = a;
	m->n++;
}

enum ui_action
ui_keymap_lookup(const struct ui_keymap *m, int key)
{
	size_t i;

	/* Terminals send Enter as CR or LF, depending on their mode. */
	if (key == '\r' || key == UI_KEY_FN + KEY_ENTER)
		key = '\n';
	if (key == 127 || key == 8)
		key = UI_KEY_FN + KEY_BACKSPACE;
	for (i = 0; i < m->n; i++)
		if (m->v[i].key == key)
			return m->v[i].action;
	return UI_A_NONE;
}

/* Applies the [bind ...] entries of cfg; errors go to diags. */
static void
apply_entries(struct ui_keymap maps[UI_VIEW__COUNT], const struct config *cfg,
    const char *file, struct config_diags *diags)
{
	const struct config_entry *e;
	enum ui_action a;
	size_t i, j, best, d, bestd;
	char *copy, *tok, *save;
	unsigned view, where;
	int key;

	for (i = 0; i < cfg->nentries; i++) {
		e = &cfg->entries[i];
		if (strcmp(e->section, "bind index") == 0)
			view = UI_VIEW_INDEX;
		else if (strcmp(e->section, "bind pager") == 0)
			view = UI_VIEW_PAGER;
		else if (strcmp(e->section, "bind attach") == 0)
			view = UI_VIEW_ATTACH;
		else if (strcmp(e->section, "bind compose") == 0)
			view = UI_VIEW_COMPOSE;
		else
			continue;
		/* UI_IN_INDEX ... UI_IN_COMPOSE are 1 << view. */
		where = 1u << view;
		a = ui_action_find(e->key);
		if (a == UI_A_NONE && strcmp(e->key, "none") != 0) {
			bestd = (size_t)-1;
			best = 0;
			for (j = 1; j < FCT_ARRAY_LEN(actions); j++) {
				d = fct_edit_distance(e->key, actions[j].name);
				if (d < bestd) {
					bestd = d;
					best = j;
				}
			}
			config_diags_add(diags, CONFIG_DIAG_ERROR, file,
			    e->line, e->col, "unknown action '%s'%s%s%s",
			    e->key,
			    bestd * 2 <= strlen(actions[best].name)
				? "; did you mean '"
				: "",
			    bestd * 2 <= strlen(actions[best].name)
				? actions[best].name
				: "",
			    bestd * 2 <= strlen(actions[best].name) ? "'?"
								    : "");
			continue;
		}
		if (a != UI_A_NONE && (actions[a].where & where) == 0) {
			config_diags_add(diags, CONFIG_DIAG_ERROR, file,
			    e->line, e->col,
			    "action '%s' does not work in [%s]", e->key,
			    e->section);
			continue;
		}
		copy = xstrdup(e->value);
		for (tok = strtok_r(copy, " \t", &save); tok != NULL;
		     tok = strtok_r(NULL, " \t", &save)) {
			if ((key = key_parse(tok)) < 0) {
				config_diags_add(diags, CONFIG_DIAG_ERROR, file,
				    e->line, e->vcol + (unsigned)(tok - copy),
				    "unknown key '%s' (a character, C-x, "
				    "Enter, Tab, Esc, Space, Up, PageDown, "
				    "F1...)",
				    tok);
				continue;
			}
			keymap_set(&maps[view], key, a);
		}
		free(copy);
	}
}

int
ui_keys_load(struct ui_keymap maps[UI_VIEW__COUNT], const struct config *cfg,
    struct config_diags *diags)
{
	struct config *def = NULL;
	size_t nerrors = diags->nerrors;
	int v;

	for (v = 0; v < UI_VIEW__COUNT; v++)
		maps[v].n = 0;
	if (config_parse("(built-in bindings)", defaults, strlen(defaults),
		&def, diags) != 0)
		BUG("the built-in bindings do not parse");
	apply_entries(maps, def, "(built-in bindings)", diags);
	config_free(&def);
	if (diags->nerrors > nerrors)
		BUG("the built-in bindings name unknown actions or keys");
	if (cfg != NULL)
		apply_entries(maps, cfg,
		    cfg->path != NULL ? cfg->path : "(config)", diags);
	return diags->nerrors > nerrors ? -1 : 0;
}
