/*
 * Unit tests of the interface's parts that need no terminal: the key
 * tables (built-in bindings through the config parser, the user's
 * overrides, errors with positions, the manual listing every action), the
 * one sanitiser every message string goes through, and the rights badges.
 */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "private.h"

static struct config *
parse_ok(const char *text)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct config *cfg = NULL;

	assert_int_equal(config_parse("cfg", text, strlen(text), &cfg, &d), 0);
	config_diags_release(&d);
	return cfg;
}

static void
test_defaults(void **state)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct ui_keymap maps[UI_VIEW__COUNT];

	assert_int_equal(ui_keys_load(maps, NULL, &d), 0);
	assert_int_equal(d.n, 0);
	/* mutt's habits. */
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], 's'),
	    UI_A_MOVE);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], 'C'),
	    UI_A_COPY);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], '!'),
	    UI_A_SPAM);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], 'j'),
	    UI_A_NEXT);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX],
			     UI_KEY_FN + KEY_DOWN),
	    UI_A_NEXT);
	/* Enter arrives as CR or LF. */
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], '\r'),
	    UI_A_OPEN);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_PAGER], '\n'),
	    UI_A_LINE_DOWN);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_PAGER], 'q'),
	    UI_A_QUIT);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], 'm'),
	    UI_A_COMPOSE);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], 12),
	    UI_A_REDRAW);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], 'Z'),
	    UI_A_NONE);
	config_diags_release(&d);
}

static void
test_user_bindings(void **state)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct ui_keymap maps[UI_VIEW__COUNT];
	struct config *cfg;

	cfg = parse_ok("[bind index]\nmove = x F5\nnone = s\n"
		       "[bind pager]\nquit = \"# Esc\"\n");
	assert_int_equal(ui_keys_load(maps, cfg, &d), 0);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], 'x'),
	    UI_A_MOVE);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX],
			     UI_KEY_FN + KEY_F(5)),
	    UI_A_MOVE);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], 's'),
	    UI_A_NONE);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_PAGER], '#'),
	    UI_A_QUIT);
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_PAGER], 27), UI_A_QUIT);
	/* The other view keeps its own. */
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_PAGER], 's'),
	    UI_A_MOVE);
	config_free(&cfg);
	config_diags_release(&d);
}

static void
test_binding_errors(void **state)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct ui_keymap maps[UI_VIEW__COUNT];
	struct config *cfg;

	cfg = parse_ok("[bind index]\nmvoe = s\nmove = j C-% Down\n"
		       "[bind pager]\ntag = t\n");
	assert_int_equal(ui_keys_load(maps, cfg, &d), -1);
	assert_int_equal(d.nerrors, 3);
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[0].column, 1);
	assert_string_equal(d.v[0].msg,
	    "unknown action 'mvoe'; did you mean 'move'?");
	assert_int_equal(d.v[1].line, 3);
	assert_int_equal(d.v[1].column, 10);
	assert_true(strncmp(d.v[1].msg, "unknown key 'C-%'", 17) == 0);
	assert_string_equal(d.v[2].msg,
	    "action 'tag' does not work in [bind pager]");
	/* The good keys of a line with a bad one still count. */
	assert_int_equal(ui_keymap_lookup(&maps[UI_VIEW_INDEX], 'j'),
	    UI_A_MOVE);
	config_free(&cfg);
	config_diags_release(&d);
}

static void
test_key_names(void **state)
{
	char *n;

	n = ui_key_name('s');
	assert_string_equal(n, "s");
	free(n);
	n = ui_key_name(21);
	assert_string_equal(n, "C-u");
	free(n);
	n = ui_key_name('\n');
	assert_string_equal(n, "Enter");
	free(n);
	n = ui_key_name(UI_KEY_FN + KEY_NPAGE);
	assert_string_equal(n, "PageDown");
	free(n);
	n = ui_key_name(UI_KEY_FN + KEY_F(12));
	assert_string_equal(n, "F12");
	free(n);
	n = ui_key_name(0xe9);
	assert_string_equal(n, "\xc3\xa9");
	free(n);
}

/* doc/facteur.5 lists every action between `.\" actions` and
 * `.\" end actions`, each as `.B NAME` (with \- for -). */
static void
test_manual_lists_actions(void **state)
{
	const char *srcdir = getenv("top_srcdir");
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	const char *start, *end, *c;
	char *path;
	size_t i;

	path = xasprintf("%s/doc/facteur.5", srcdir != NULL ? srcdir : ".");
	assert_int_equal(strbuf_read_file(&sb, path), 0);
	start = strstr(sb.buf, ".\\\" actions\n");
	end = strstr(sb.buf, ".\\\" end actions\n");
	assert_non_null(start);
	assert_non_null(end);
	for (i = 1; i < UI_A__COUNT; i++) {
		strbuf_reset(&want);
		strbuf_addstr(&want, "\n.B ");
		for (c = ui_action_info((enum ui_action)i)->name; *c; c++) {
			if (*c == '-')
				strbuf_addch(&want, '\\');
			strbuf_addch(&want, *c);
		}
		strbuf_addch(&want, '\n');
		c = strstr(start, want.buf);
		if (c == NULL || c > end)
			fail_msg("action '%s' is not in doc/facteur.5",
			    ui_action_info((enum ui_action)i)->name);
	}
	free(path);
	strbuf_release(&sb);
	strbuf_release(&want);
}

static void
check_sanitize(const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	ui_sanitize(&sb, in);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void
test_sanitize(void **state)
{
	check_sanitize("plain été 山田", "plain été 山田");
	/* A title-setting sequence cannot reach the terminal. */
	check_sanitize("a\033]0;owned\007b", "a^[]0;owned^Gb");
	check_sanitize("tab\there\r\nx", "tab here  x");
	check_sanitize("del\x7f", "del^?");
	/* C1 controls (CSI) and bidi overrides, and bad bytes. */
	check_sanitize("c1\xc2\x9b"
		       "2J",
	    "c1\xef\xbf\xbd"
	    "2J");
	check_sanitize("\xe2\x80\xae"
		       "evil",
	    "\xef\xbf\xbd"
	    "evil");
	check_sanitize("\xe2\x81\xa6"
		       "x",
	    "\xef\xbf\xbd"
	    "x");
	check_sanitize("bad\xff", "bad\xef\xbf\xbd");
	check_sanitize(NULL, "");
}

/* The shipped themes load cleanly; a bad one says where it is wrong. */
static void
test_themes(void **state)
{
	static const char *const names[] = { "default", "light", "monochrome" };
	const char *srcdir = getenv("top_srcdir");
	struct config_diags d = CONFIG_DIAGS_INIT;
	char dir[] = "/tmp/fct-theme-XXXXXX", *themes, *path;
	struct ui_theme t;
	FILE *fp;
	size_t i;

	themes = xasprintf("%s/themes", srcdir != NULL ? srcdir : ".");
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	setenv("FACTEUR_THEMES", themes, 1);
	for (i = 0; i < FCT_ARRAY_LEN(names); i++) {
		assert_int_equal(ui_theme_load(&t, names[i], &d), 0);
		assert_int_equal(d.n, 0);
	}
	assert_int_equal(ui_theme_load(&t, "monochrome", &d), 0);
	assert_int_equal(t.v[UI_C_CURSOR].fg, -1);
	assert_true(t.v[UI_C_CURSOR].attrs & A_REVERSE);

	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/bad.theme", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("[color]\nstatus = red nocolour\nbogus = red blue\n"
	      "url = color256 default\nerror = red\n",
	    fp);
	assert_int_equal(fclose(fp), 0);
	setenv("FACTEUR_THEMES", dir, 1);
	assert_int_equal(ui_theme_load(&t, "bad", &d), -1);
	assert_int_equal(d.nerrors, 4);
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[0].column, 14);
	assert_string_equal(d.v[0].msg,
	    "unknown colour or attribute 'nocolour'");
	assert_string_equal(d.v[1].msg, "unknown theme element 'bogus'");
	assert_int_equal(d.v[2].column, 7);
	assert_string_equal(d.v[3].msg,
	    "expected FOREGROUND BACKGROUND [ATTRIBUTE...]");
	config_diags_release(&d);
	assert_int_equal(ui_theme_load(&t, "nosuch", &d), -1);
	assert_int_equal(ui_theme_load(&t, "../etc/x", &d), -1);
	/* "default" may be missing: the built-in one stands in. */
	config_diags_release(&d);
	assert_int_equal(ui_theme_load(&t, "default", &d), 0);
	unlink(path);
	rmdir(dir);
	free(path);
	free(themes);
	config_diags_release(&d);
}

static void
test_rights(void **state)
{
	assert_null(ui_rights_badge(NULL));
	assert_string_equal(ui_rights_badge("lrs"), "read-only");
	assert_string_equal(ui_rights_badge("lrswi"), "no-delete");
	assert_null(ui_rights_badge("lrswipkxtecda"));
	assert_true(ui_rights_allow(NULL, "rte"));
	assert_true(ui_rights_allow("lrswipkxtecda", "rte"));
	assert_false(ui_rights_allow("lrs", "rte"));
	assert_true(ui_rights_allow("lrs", "s"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_user_bindings),
		cmocka_unit_test(test_binding_errors),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_manual_lists_actions),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_rights),
		cmocka_unit_test(test_themes),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
