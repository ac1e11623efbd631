/*
 * A folder renamed on the server keeps its cached messages: the folder and
 * every folder below it ("Old/x" for a delimiter '/') change name in one
 * statement, so a folder job's rename costs no resync. The raw (wire)
 * names are refreshed by the next folder list (sync_folder_list), which
 * matches rows by name.
 */
#include "config.h"

#include <string.h>

#include "private.h"

static int
folder_rename(struct store *st, const char *old, const char *new_name,
    char delimiter, struct fct_error *err)
{
	/* substr() rather than LIKE: names may hold '%' and '_'. */
	static const char sql[] = "UPDATE OR REPLACE folders SET name = ?2 || "
				  "substr(name, length(?1) + 1) "
				  "WHERE name = ?1 OR (?3 IS NOT NULL AND "
				  "substr(name, 1, length(?1) + 1) = ?1 || ?3)";
	char delim[2] = { delimiter, '\0' };
	sqlite3_stmt *s = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_error_write(st, err);
	store_bind_text(s, 1, old);
	store_bind_text(s, 2, new_name);
	store_bind_text(s, 3, delimiter != '\0' ? delim : NULL);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_error_write(st, err);
	sqlite3_finalize(s);
	return rc;
}

int
store_folder_rename(struct store *st, const char *old, const char *new_name,
    char delimiter, struct fct_error *err)
{
	bool own;
	int rc;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	rc = folder_rename(st, old, new_name, delimiter, err);
	return store_write_end(st, own, rc, err);
}
