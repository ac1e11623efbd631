/*
 * Themes: the colours and attributes of each element of the screen.
 *
 * A theme file is a [color] section in the configuration language, read
 * by config_parse (so its errors carry file:line:column like the
 * configuration's), one `ELEMENT = FOREGROUND BACKGROUND [ATTRIBUTE...]`
 * a line. Colours are names (default, black, red, green, yellow, blue,
 * magenta, cyan, white, and bright-NAME for 8-15) or colorN (0-255);
 * attributes are bold, dim, underline, reverse, standout and italic.
 *
 * The theme says what it wants once; ui_theme_apply fits it to the
 * terminal: a colour above what the terminal has is brought down to the
 * nearest of its 16 or 8 (bright ones as bold), and without colours, or
 * with NO_COLOR set (https://no-color.org), only the attributes remain.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

#ifndef FCT_THEMEDIR
#define FCT_THEMEDIR "/usr/local/share/facteur/themes"
#endif

static const struct {
	const char *name;
	const char *deflt;
} elements[] = {
#define UI_COLOR_INFO(id, name, def) [UI_C_##id] = { name, def },
	UI_COLORS(UI_COLOR_INFO)
#undef UI_COLOR_INFO
};

static const char *const color_names[] = { "black", "red", "green", "yellow",
	"blue", "magenta", "cyan", "white" };

static const struct {
	const char *name;
	unsigned attr;
} attr_names[] = {
	{ "bold", A_BOLD },
	{ "dim", A_DIM },
	{ "underline", A_UNDERLINE },
	{ "reverse", A_REVERSE },
	{ "standout", A_STANDOUT },
	{ "italic", A_ITALIC },
};

/* What ui_theme_apply settled on, for ui_attr. */
static int applied[UI_C__COUNT];

/* -2 when s is not a colour. */
static short
color_parse(const char *s)
{
	unsigned long n;
	char *end;
	size_t i;

	if (strcmp(s, "default") == 0)
		return -1;
	for (i = 0; i < FCT_ARRAY_LEN(color_names); i++) {
		if (strcmp(s, color_names[i]) == 0)
			return (short)i;
		if (strncmp(s, "bright-", 7) == 0 &&
		    strcmp(s + 7, color_names[i]) == 0)
			return (short)(i + 8);
	}
	if (strncmp(s, "color", 5) == 0 && s[5] >= '0' && s[5] <= '9') {
		errno = 0;
		n = strtoul(s + 5, &end, 10);
		if (*end == '\0' && errno == 0 && n <= 255)
			return (short)n;
	}
	return -2;
}

/* Parses "FG BG [ATTR...]"; false with *why set on an error. */
static bool
style_parse(const char *value, struct ui_style *st, const char **bad,
    size_t *badoff)
{
	char *copy = xstrdup(value), *tok, *save;
	int n = 0;
	size_t i;
	short c;

	st->fg = st->bg = -1;
	st->attrs = 0;
	*bad = NULL;
	for (tok = strtok_r(copy, " \t", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t", &save), n++) {
		if (n < 2) {
			if ((c = color_parse(tok)) == -2)
				goto bad;
			if (n == 0)
				st->fg = c;
			else
				st->bg = c;
			continue;
		}
		for (i = 0; i < FCT_ARRAY_LEN(attr_names); i++)
			if (strcmp(tok, attr_names[i].name) == 0)
				break;
		if (i == FCT_ARRAY_LEN(attr_names))
			goto bad;
		st->attrs |= attr_names[i].attr;
	}
	free(copy);
	if (n < 2) {
		*bad = "";
		*badoff = strlen(value);
		return false;
	}
	return true;
bad:
	*bad = value + (tok - copy);
	*badoff = (size_t)(tok - copy);
	free(copy);
	return false;
}

static void
theme_defaults(struct ui_theme *t)
{
	const char *bad;
	size_t i, off;

	for (i = 0; i < UI_C__COUNT; i++)
		if (!style_parse(elements[i].deflt, &t->v[i], &bad, &off))
			BUG("bad built-in style for '%s'", elements[i].name);
}

/* The theme file called name: owned path of the first that exists. */
static char *
theme_find(const char *name)
{
	const char *env = getenv("FACTEUR_THEMES");
	char *rel = xasprintf("themes/%s.theme", name);
	char *p = fct_config_file(rel);

	free(rel);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	if (env != NULL && env[0] != '\0') {
		p = xasprintf("%s/%s.theme", env, name);
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	p = xasprintf("%s/%s.theme", FCT_THEMEDIR, name);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

int
ui_theme_load(struct ui_theme *t, const char *name, struct config_diags *diags)
{
	const struct config_entry *e;
	struct config *cfg = NULL;
	size_t nerrors = diags->nerrors, i, j, off;
	const char *bad;
	char *path;

	theme_defaults(t);
	if (name == NULL)
		name = "default";
	if (strchr(name, '/') != NULL || name[0] == '.' || name[0] == '\0') {
		config_diags_add(diags, CONFIG_DIAG_ERROR, "theme", 0, 0,
		    "invalid theme name '%s'", name);
		return -1;
	}
	if ((path = theme_find(name)) == NULL) {
		if (strcmp(name, "default") == 0)
			return 0;
		config_diags_add(diags, CONFIG_DIAG_ERROR, name, 0, 0,
		    "no theme '%s' (looked for %s.theme in the themes "
		    "directories; see facteur(5))",
		    name, name);
		return -1;
	}
	if (config_load(path, &cfg, diags) == 0) {
		for (i = 0; i < cfg->nentries; i++) {
			e = &cfg->entries[i];
			if (strcmp(e->section, "color") != 0)
				continue;
			for (j = 0; j < UI_C__COUNT; j++)
				if (strcmp(elements[j].name, e->key) == 0)
					break;
			if (j == UI_C__COUNT) {
				config_diags_add(diags, CONFIG_DIAG_ERROR, path,
				    e->line, e->col,
				    "unknown theme element '%s'", e->key);
				continue;
			}
			if (!style_parse(e->value, &t->v[j], &bad, &off))
				config_diags_add(diags, CONFIG_DIAG_ERROR, path,
				    e->line, e->vcol + (unsigned)off, "%s%s%s",
				    *bad ? "unknown colour or "
					   "attribute '"
					 : "expected FOREGROUND "
					   "BACKGROUND [ATTRIBUTE...]",
				    bad, *bad ? "'" : "");
		}
	}
	config_free(&cfg);
	free(path);
	return diags->nerrors > nerrors ? -1 : 0;
}

/* The nearest of the 16 basic colours to an xterm-256 colour. */
static short
down_to_16(short c)
{
	int r, g, b, v, hi;

	if (c < 16)
		return c;
	if (c >= 232) {
		v = c - 232;
		return v < 8 ? 0 : v < 16 ? 8 : v < 21 ? 7 : 15;
	}
	c -= 16;
	r = c / 36;
	g = (c / 6) % 6;
	b = c % 6;
	hi = (r > 3 || g > 3 || b > 3) ? 8 : 0;
	return (short)(((r >= 2) ? 1 : 0) | ((g >= 2) ? 2 : 0) |
	    ((b >= 2) ? 4 : 0) | hi);
}

void
ui_theme_apply(const struct ui_theme *t)
{
	const char *nc = getenv("NO_COLOR");
	bool color = has_colors() && (nc == NULL || nc[0] == '\0');
	struct ui_style st;
	size_t i;

	if (color) {
		start_color();
		use_default_colors();
	}
	for (i = 0; i < UI_C__COUNT; i++) {
		st = t->v[i];
		applied[i] = (int)st.attrs;
		/* Without colours, the bars a theme paints must still show. */
		if (!color && (st.bg >= 0 || st.fg >= 0) &&
		    (i == UI_C_STATUS || i == UI_C_CURSOR))
			applied[i] |= A_REVERSE;
		if (!color || (size_t)COLOR_PAIRS <= i + 1)
			continue;
		if (COLORS < 256) {
			if (st.fg >= 0)
				st.fg = down_to_16(st.fg);
			if (st.bg >= 0)
				st.bg = down_to_16(st.bg);
		}
		if (COLORS < 16) {
			if (st.fg >= 8) {
				st.fg -= 8;
				applied[i] |= A_BOLD;
			}
			if (st.bg >= 8)
				st.bg -= 8;
		}
		init_pair((short)(i + 1), st.fg, st.bg);
		applied[i] |= (int)COLOR_PAIR(i + 1);
	}
}

int
ui_attr(enum ui_color c)
{
	return applied[c];
}
