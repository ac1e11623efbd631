# ui: ncurses (wide-char). Depends on core, store, query, mime, rules.
noinst_LIBRARIES += libui.a
libui_a_SOURCES = src/ui/version.c
libui_a_CPPFLAGS = $(AM_CPPFLAGS) $(NCURSES_CFLAGS)
