/*
 * Drawing helpers on stdscr, for the files of src/ui only. Strings given
 * to ui_put must already be sanitised (or be facteur's own text);
 * ui_put_sanitized sanitises first.
 */
#ifndef FACTEUR_UI_DRAW_H
#define FACTEUR_UI_DRAW_H

#include <stdbool.h>

/* Writes UTF-8 s at (y, x) within width columns (wide characters count
 * two); pads with spaces to width when pad. Returns the columns used. */
int ui_put(int y, int x, const char *s, int width, bool pad);
int ui_put_sanitized(int y, int x, const char *s, int width, bool pad);
/* The columns s takes. */
int ui_width(const char *s);

#endif
