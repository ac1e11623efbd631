/*
 * ui: the ncurses front end. The only layer that includes <curses.h>. Grows
 * with the UI issue; today it only reports the ncurses it runs with.
 */
#ifndef FACTEUR_UI_UI_H
#define FACTEUR_UI_UI_H

/* The ncurses version linked at run time; borrowed, static. Any thread. */
const char *ui_library_version(void);

#endif
