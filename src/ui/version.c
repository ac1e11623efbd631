/* The ncurses library behind src/ui, for `facteur --version`. */
#include "config.h"

#include <curses.h>

#include "facteur/ui.h"

const char *
ui_library_version(void)
{
	return curses_version();
}
