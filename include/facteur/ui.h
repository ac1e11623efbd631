/*
 * ui: the ncurses front end (`facteur` without a command). The only layer
 * that includes <curses.h>. It reads the accounts' caches and hands every
 * change to the account workers (sync); it never touches the network.
 */
#ifndef FACTEUR_UI_UI_H
#define FACTEUR_UI_UI_H

#include <stdio.h>

#include "facteur/core.h"
#include "facteur/core_config.h"

/* The ncurses version linked at run time; borrowed, static. Any thread. */
const char *ui_library_version(void);

/*
 * Checks what the configuration says to the interface: the [bind ...]
 * sections (action names, key names) and the theme (found, and valid).
 * Problems go to diags with file:line:column. Main thread.
 */
int ui_check_config(const struct config *cfg,
    struct config_diags *diags) FCT_WUR;

/*
 * Runs the interface on the terminal until the user quits: starts one
 * worker per IMAP account of cfg (borrowed; it must outlive the call),
 * then loops on keys, worker events and signals. Errors that prevent the
 * start (bindings, theme, no terminal, no account, a cache that cannot be
 * opened) are printed to errfp. Returns the exit status: 0, or 1. Main
 * thread, once.
 */
int ui_main(const struct config *cfg, FILE *errfp);

#endif
