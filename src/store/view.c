/*
 * What the terminal interface reads beyond store_msg_select: the links
 * between messages, for threading a whole folder. Only the columns that
 * threading needs are read, so that a large folder threads without
 * loading its header blocks.
 */
#include "config.h"

#include <stdlib.h>

#include "facteur/store.h"
#include "private.h"

void
store_msg_links_free(struct store_msg_link **v, size_t n)
{
	size_t i;

	if (*v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*v)[i].message_id);
		free((*v)[i].in_reply_to);
		free((*v)[i].references);
	}
	free(*v);
	*v = NULL;
}

int
store_msg_links(struct store *st, int64_t folder_id,
    struct store_msg_link **out, size_t *n, struct fct_error *err)
{
	static const char sql[] =
	    "SELECT uid, date, message_id, in_reply_to, refs "
	    "FROM messages WHERE folder_id = ?1 ORDER BY date ASC, id ASC";
	struct store_msg_link *e;
	sqlite3_stmt *s = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_error_read(st, err);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_bind_int64(s, 1, folder_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		FCT_ALLOC_GROW(*out, *n + 1, alloc);
		e = &(*out)[(*n)++];
		e->uid = (uint32_t)sqlite3_column_int64(s, 0);
		e->date = sqlite3_column_int64(s, 1);
		e->message_id = store_column_strdup(s, 2);
		e->in_reply_to = store_column_strdup(s, 3);
		e->references = store_column_strdup(s, 4);
	}
	if (rc != SQLITE_DONE) {
		store_error_read(st, err);
		store_msg_links_free(out, *n);
		*n = 0;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_folder_counts(struct store *st, int64_t folder_id, uint32_t *total,
    uint32_t *unseen, struct fct_error *err)
{
	/* From version 6 the triggers keep the counts (schema.c). */
	static const char sql_stats[] =
	    "SELECT coalesce(sum(total), 0), coalesce(sum(unseen), 0) "
	    "FROM folder_stats WHERE folder_id = ?1";
	static const char sql_rows[] =
	    "SELECT count(*), coalesce(sum((flags & 1) = 0), 0) "
	    "FROM messages WHERE folder_id = ?1";
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, st->schema >= 6 ? sql_stats : sql_rows,
		-1, &s, NULL) != SQLITE_OK) {
		store_error_read(st, err);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_bind_int64(s, 1, folder_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*total = (uint32_t)sqlite3_column_int64(s, 0);
		*unseen = (uint32_t)sqlite3_column_int64(s, 1);
	} else
		store_error_read(st, err);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}
