/* The SQLite library behind the store, for `facteur --version`. */
#include "config.h"

#include <sqlite3.h>

#include "facteur/store.h"

const char *
store_library_version(void)
{
	return sqlite3_libversion();
}
