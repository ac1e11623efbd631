# ui: ncurses (wide-char). Depends on sync, store, query, mime, core.
noinst_LIBRARIES += libui.a
libui_a_SOURCES = \
	src/ui/draw.h \
	src/ui/filing.c \
	src/ui/index.c \
	src/ui/lister.c \
	src/ui/keys.c \
	src/ui/pager.c \
	src/ui/private.h \
	src/ui/prompt.c \
	src/ui/sanitize.c \
	src/ui/sidebar.c \
	src/ui/theme.c \
	src/ui/ui.c \
	src/ui/version.c
# The attachment list, the compose screen, the rules from the index.
libui_a_SOURCES += src/ui/attach.c src/ui/compose.c src/ui/rules.c
# POP3 accounts' local folders.
libui_a_SOURCES += src/ui/local.c
libui_a_CPPFLAGS = $(AM_CPPFLAGS) $(NCURSES_CFLAGS) \
	-DFCT_THEMEDIR='"$(pkgdatadir)/themes"'

# The themes, installed with the program (theme = NAME in the config).
themesdir = $(pkgdatadir)/themes
dist_themes_DATA = themes/default.theme themes/light.theme \
	themes/monochrome.theme
