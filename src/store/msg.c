/*
 * Messages: the cached header data of each (folder, UID), written by the
 * sync engine and read by the UI through store_msg_select.
 *
 * A message row keeps its id for its whole life in the cache: store_msg_put
 * updates a known (folder, UID) in place (never SQLite's REPLACE, which
 * would delete the row and with it the fetched body). The full-text index
 * follows the rows through the queue and triggers of schema.c.
 *
 * store_msg_select runs a condition written by facteur's query compiler.
 * That SQL is trusted, but the function still refuses anything that is not
 * a single read-only expression with exactly the parameters given, and it
 * takes the sort order from a fixed list rather than pasting it, so that a
 * bug upstream produces an error rather than a write.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "private.h"

/* Every message read returns these, in this order (msg_from_row). */
#define MSG_COLUMNS                                                         \
	"m.id, m.folder_id, m.uid, m.modseq, m.flags, m.keywords, m.size, " \
	"m.internaldate, m.date, m.subject, m.from_text, m.to_text, "       \
	"m.cc_text, m.message_id, m.in_reply_to, m.refs, m.list_id, "       \
	"m.headers, m.has_attachment, m.parts"

void
store_msg_release(struct store_msg *m)
{
	free(m->keywords);
	free(m->subject);
	free(m->from_text);
	free(m->to_text);
	free(m->cc_text);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->references);
	free(m->list_id);
	free(m->headers);
	free(m->parts);
	memset(m, 0, sizeof *m);
}

/*
 * A text column for a struct store_msg: an owned copy, or SQLite's own
 * buffer when the message is only lent to a callback (valid until the next
 * step; the const is dropped because the struct's fields are not const).
 */
static char *
msg_text(sqlite3_stmt *s, int i, bool copy)
{
	const char *v = (const char *)sqlite3_column_text(s, i);

	if (v == NULL || !copy)
		return (char *)v;
	return xstrdup(v);
}

static void
msg_from_row(sqlite3_stmt *s, struct store_msg *m, bool copy)
{
	m->id = sqlite3_column_int64(s, 0);
	m->folder_id = sqlite3_column_int64(s, 1);
	m->uid = (uint32_t)sqlite3_column_int64(s, 2);
	m->modseq = (uint64_t)sqlite3_column_int64(s, 3);
	m->flags = (unsigned)sqlite3_column_int64(s, 4);
	m->keywords = msg_text(s, 5, copy);
	m->size = (uint64_t)sqlite3_column_int64(s, 6);
	m->internaldate = sqlite3_column_int64(s, 7);
	m->date = sqlite3_column_int64(s, 8);
	m->subject = msg_text(s, 9, copy);
	m->from_text = msg_text(s, 10, copy);
	m->to_text = msg_text(s, 11, copy);
	m->cc_text = msg_text(s, 12, copy);
	m->message_id = msg_text(s, 13, copy);
	m->in_reply_to = msg_text(s, 14, copy);
	m->references = msg_text(s, 15, copy);
	m->list_id = msg_text(s, 16, copy);
	m->headers = msg_text(s, 17, copy);
	m->has_attachment = sqlite3_column_int(s, 18) != 0;
	m->parts = msg_text(s, 19, copy);
}

/* The message for a failed write: a missing folder says so. */
static int
msg_write_error(struct store *st, int64_t folder_id, struct fct_error *err)
{
	if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
		return fct_error_set(err,
		    "cannot write to cache '%s': no folder %lld", st->path,
		    (long long)folder_id);
	return store_error_write(st, err);
}

/* Binds m as ?1 to ?19 (the order of msg_put's statements). */
static void
msg_bind(sqlite3_stmt *s, const struct store_msg *m)
{
	sqlite3_bind_int64(s, 1, m->folder_id);
	sqlite3_bind_int64(s, 2, m->uid);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)m->modseq);
	sqlite3_bind_int64(s, 4, m->flags);
	store_bind_text(s, 5, m->keywords);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)m->size);
	sqlite3_bind_int64(s, 7, m->internaldate);
	sqlite3_bind_int64(s, 8, m->date);
	store_bind_text(s, 9, m->subject);
	store_bind_text(s, 10, m->from_text);
	store_bind_text(s, 11, m->to_text);
	store_bind_text(s, 12, m->cc_text);
	store_bind_text(s, 13, m->message_id);
	store_bind_text(s, 14, m->in_reply_to);
	store_bind_text(s, 15, m->references);
	store_bind_text(s, 16, m->list_id);
	store_bind_text(s, 17, m->headers);
	sqlite3_bind_int(s, 18, m->has_attachment);
	store_bind_text(s, 19, m->parts);
}

/* Replaces the fields of a known (folder_id, uid); sets m->id. */
static int
msg_update(struct store *st, struct store_msg *m, struct fct_error *err)
{
	static const char sql[] =
	    "UPDATE messages SET modseq = ?3, flags = ?4, keywords = ?5, "
	    "size = ?6, internaldate = ?7, date = ?8, subject = ?9, "
	    "from_text = ?10, to_text = ?11, cc_text = ?12, "
	    "message_id = ?13, in_reply_to = ?14, refs = ?15, list_id = ?16, "
	    "headers = ?17, has_attachment = ?18, parts = ?19 "
	    "WHERE folder_id = ?1 AND uid = ?2 RETURNING id";
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, STORE_STMT_MSG_UPDATE, sql, err)) == NULL)
		return -1;
	msg_bind(s, m);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		m->id = sqlite3_column_int64(s, 0);
		rc = sqlite3_step(s);
	}
	if (rc != SQLITE_DONE)
		store_error_write(st, err);
	store_stmt_done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The hot path of a cold sync, so it avoids what would make SQLite keep a
 * statement journal (copying every page it touches): no UPSERT, no
 * trigger. A plain INSERT, which a UNIQUE conflict stops before it writes
 * anything; then the new message joins the full-text queue (schema.c).
 * A known message is updated in place instead, keeping its id.
 */
static int
msg_put(struct store *st, struct store_msg *m, struct fct_error *err)
{
	static const char insert[] =
	    "INSERT INTO messages (folder_id, uid, modseq, flags, keywords, "
	    "size, internaldate, date, subject, from_text, to_text, cc_text, "
	    "message_id, in_reply_to, refs, list_id, headers, has_attachment, "
	    "parts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";
	static const char queue[] = "INSERT INTO fts_pending (id) VALUES (?1)";
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, STORE_STMT_MSG_PUT, insert, err)) == NULL)
		return -1;
	msg_bind(s, m);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		rc = sqlite3_extended_errcode(st->db);
	if (rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT_UNIQUE)
		msg_write_error(st, m->folder_id, err);
	store_stmt_done(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return msg_update(st, m, err);
	if (rc != SQLITE_DONE)
		return -1;
	m->id = sqlite3_last_insert_rowid(st->db);

	if ((s = store_stmt(st, STORE_STMT_FTS_QUEUE, queue, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, m->id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		store_error_write(st, err);
	store_stmt_done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_msg_put(struct store *st, struct store_msg *m, struct fct_error *err)
{
	bool own;
	int rc;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	st->fts_dirty = true;
	rc = msg_put(st, m, err);
	return store_write_end(st, own, rc, err);
}

/* Steps a bound write statement that returns no rows, then resets it. */
static int
msg_write(struct store *st, sqlite3_stmt *s, struct fct_error *err)
{
	int rc = 0;

	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_error_write(st, err);
	store_stmt_done(s);
	return rc;
}

int
store_msg_set_flags(struct store *st, int64_t folder_id, uint32_t uid,
    unsigned flags, const char *keywords, uint64_t modseq,
    struct fct_error *err)
{
	static const char sql[] =
	    "UPDATE messages SET flags = ?3, keywords = ?4, modseq = ?5 "
	    "WHERE folder_id = ?1 AND uid = ?2";
	sqlite3_stmt *s;
	bool own;
	int rc = -1;

	if (store_write_begin(st, &own, err) != 0)
		return -1;
	if ((s = store_stmt(st, STORE_STMT_MSG_SET_FLAGS, sql, err)) != NULL) {
		sqlite3_bind_int64(s, 1, folder_id);
		sqlite3_bind_int64(s, 2, uid);
		sqlite3_bind_int64(s, 3, flags);
		store_bind_text(s, 4, keywords);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)modseq);
		rc = msg_write(st, s, err);
	}
	return store_write_end(st, own, rc, err);
}

int
store_msg_expunge_range(struct store *st, int64_t folder_id, uint32_t first,
    uint32_t last, struct fct_error *err)
{
	static const char sql[] =
	    "DELETE FROM messages "
	    "WHERE folder_id = ?1 AND uid BETWEEN ?2 AND ?3";
	sqlite3_stmt *s;
	bool own;
	int rc = -1;

	if (first > last)
		return 0;
	if (store_write_begin(st, &own, err) != 0)
		return -1;
	if ((s = store_stmt(st, STORE_STMT_MSG_EXPUNGE, sql, err)) != NULL) {
		sqlite3_bind_int64(s, 1, folder_id);
		sqlite3_bind_int64(s, 2, first);
		sqlite3_bind_int64(s, 3, last);
		rc = msg_write(st, s, err);
	}
	return store_write_end(st, own, rc, err);
}

int
store_msg_uids(struct store *st, int64_t folder_id, uint32_t **uids, size_t *n,
    struct fct_error *err)
{
	static const char sql[] =
	    "SELECT uid FROM messages WHERE folder_id = ?1 ORDER BY uid";
	sqlite3_stmt *s;
	size_t alloc = 0;
	int rc;

	*uids = NULL;
	*n = 0;
	if ((s = store_stmt(st, STORE_STMT_MSG_UIDS, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		FCT_ALLOC_GROW(*uids, *n + 1, alloc);
		(*uids)[(*n)++] = (uint32_t)sqlite3_column_int64(s, 0);
	}
	store_stmt_done(s);
	if (rc == SQLITE_DONE)
		return 0;
	store_error_read(st, err);
	free(*uids);
	*uids = NULL;
	*n = 0;
	return -1;
}

int
store_msg_count(struct store *st, int64_t folder_id, size_t *n,
    struct fct_error *err)
{
	/* From version 6 the triggers keep the count (schema.c). */
	static const char sql_stats[] =
	    "SELECT coalesce((SELECT total FROM folder_stats"
	    " WHERE folder_id = ?1), 0)";
	static const char sql_rows[] =
	    "SELECT count(*) FROM messages WHERE folder_id = ?1";
	sqlite3_stmt *s;
	int rc;

	*n = 0;
	if ((s = store_stmt(st, STORE_STMT_MSG_COUNT,
		 st->schema >= 6 ? sql_stats : sql_rows, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(s, 0);
	store_stmt_done(s);
	if (rc == SQLITE_ROW)
		return 0;
	return store_error_read(st, err);
}

int
store_msg_count_visible(struct store *st, int64_t folder_id, size_t *n,
    struct fct_error *err)
{
	size_t pending = 0;

	if (store_msg_count(st, folder_id, n, err) != 0)
		return -1;
	if (st->show_pending)
		return 0;
	if (store_rules_pending_count(st, folder_id, &pending, err) != 0)
		return -1;
	*n = *n > pending ? *n - pending : 0;
	return 0;
}

void
store_uid_flags_free(struct store_uid_flags **v, size_t n)
{
	size_t i;

	if (*v == NULL)
		return;
	for (i = 0; i < n; i++)
		free((*v)[i].keywords);
	free(*v);
	*v = NULL;
}

int
store_msg_flags_all(struct store *st, int64_t folder_id,
    struct store_uid_flags **out, size_t *n, struct fct_error *err)
{
	static const char sql[] =
	    "SELECT uid, flags, keywords, modseq FROM messages "
	    "WHERE folder_id = ?1 ORDER BY uid";
	struct store_uid_flags *e;
	sqlite3_stmt *s;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, STORE_STMT_MSG_FLAGS_ALL, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		FCT_ALLOC_GROW(*out, *n + 1, alloc);
		e = &(*out)[(*n)++];
		e->uid = (uint32_t)sqlite3_column_int64(s, 0);
		e->flags = (unsigned)sqlite3_column_int64(s, 1);
		e->keywords = store_column_strdup(s, 2);
		e->modseq = (uint64_t)sqlite3_column_int64(s, 3);
	}
	store_stmt_done(s);
	if (rc == SQLITE_DONE)
		return 0;
	store_error_read(st, err);
	store_uid_flags_free(out, *n);
	*n = 0;
	return -1;
}

int
store_msg_get(struct store *st, int64_t folder_id, uint32_t uid,
    struct store_msg *m, struct fct_error *err)
{
	static const char sql[] = "SELECT " MSG_COLUMNS " FROM messages AS m "
				  "WHERE m.folder_id = ?1 AND m.uid = ?2";
	sqlite3_stmt *s;
	int rc;

	store_msg_release(m);
	if ((s = store_stmt(st, STORE_STMT_MSG_GET, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	sqlite3_bind_int64(s, 2, uid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		msg_from_row(s, m, true);
	else if (rc != SQLITE_DONE)
		store_error_read(st, err);
	store_stmt_done(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The sort orders a caller may ask for, and what they mean. Ties are
 * broken by rowid so that pages of a long list never swap rows; with the
 * (folder_id, date) index, whose entries end in the rowid, "date DESC"
 * needs no sort at all.
 */
static const struct {
	const char *name;
	const char *sql;
} msg_orders[] = {
	{ "date DESC", "m.date DESC, m.id DESC" },
	{ "date ASC", "m.date ASC, m.id ASC" },
	{ "internaldate DESC", "m.internaldate DESC, m.id DESC" },
	{ "internaldate ASC", "m.internaldate ASC, m.id ASC" },
	{ "uid ASC", "m.uid ASC, m.id ASC" },
	{ "uid DESC", "m.uid DESC, m.id DESC" },
	{ "size DESC", "m.size DESC, m.id DESC" },
	{ "size ASC", "m.size ASC, m.id ASC" },
	{ "subject ASC", "m.subject COLLATE NOCASE ASC, m.id ASC" },
	{ "subject DESC", "m.subject COLLATE NOCASE DESC, m.id DESC" },
	{ "from_text ASC", "m.from_text COLLATE NOCASE ASC, m.id ASC" },
	{ "from_text DESC", "m.from_text COLLATE NOCASE DESC, m.id DESC" },
};

static const char *
msg_order_sql(const char *order)
{
	size_t i;

	if (order == NULL)
		return msg_orders[0].sql;
	for (i = 0; i < FCT_ARRAY_LEN(msg_orders); i++) {
		if (strcasecmp(order, msg_orders[i].name) == 0)
			return msg_orders[i].sql;
	}
	return NULL;
}

static bool
msg_is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/*
 * Whether the condition names a column of `b`: only then is the body table
 * joined. A false positive (inside a string) only costs the join.
 */
static bool
msg_uses_bodies(const char *where)
{
	const char *p;

	for (p = where; (p = strstr(p, "b.")) != NULL; p++) {
		if (p == where || !msg_is_ident(p[-1]))
			return true;
	}
	return false;
}

/* Prepares the SELECT; NULL with err filled when it cannot. */
static sqlite3_stmt *
msg_select_prepare(struct store *st, int64_t folder_id, const char *where,
    size_t nparams, const char *order, size_t offset, size_t limit,
    struct fct_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	const char *order_sql, *tail;
	sqlite3_stmt *s = NULL;
	bool has_where = where != NULL && where[0] != '\0';

	if ((order_sql = msg_order_sql(order)) == NULL) {
		fct_error_set(err,
		    "cannot search cache '%s': unknown order '%s'", st->path,
		    order);
		return NULL;
	}
	strbuf_addstr(&sql, "SELECT " MSG_COLUMNS " FROM messages AS m");
	if (has_where && msg_uses_bodies(where))
		strbuf_addstr(&sql,
		    " LEFT JOIN bodies AS b ON b.msg_id = m.id");
	if (folder_id != 0)
		strbuf_addf(&sql, " WHERE %sm.folder_id = %lld",
		    st->folder_unindexed ? "+" : "", (long long)folder_id);
	else
		strbuf_addstr(&sql, " WHERE 1");
	/* Mail the rules have yet to file is not shown (schema.c, v3). */
	if (st->schema >= 3 && !st->show_pending)
		strbuf_addstr(&sql,
		    " AND NOT EXISTS (SELECT 1 FROM rules_pending AS rp"
		    " WHERE rp.msg_id = m.id)");
	/* The newline ends a trailing "--" comment in the condition. */
	if (has_where)
		strbuf_addf(&sql, " AND (%s\n)", where);
	strbuf_addf(&sql, " ORDER BY %s", order_sql);
	if (limit > 0)
		strbuf_addf(&sql, " LIMIT %zu", limit);
	else if (offset > 0)
		strbuf_addstr(&sql, " LIMIT -1");
	if (offset > 0)
		strbuf_addf(&sql, " OFFSET %zu", offset);

	if (sqlite3_prepare_v2(st->db, sql.buf, (int)sql.len, &s, &tail) !=
	    SQLITE_OK)
		fct_error_set(err, "cannot search cache '%s': %s", st->path,
		    sqlite3_errmsg(st->db));
	else if (tail[strspn(tail, " \t\r\n")] != '\0')
		fct_error_set(err,
		    "cannot search cache '%s': the condition is not one "
		    "expression",
		    st->path);
	else if (!sqlite3_stmt_readonly(s))
		fct_error_set(err,
		    "cannot search cache '%s': the condition would write",
		    st->path);
	else if ((size_t)sqlite3_bind_parameter_count(s) != nparams)
		fct_error_set(err,
		    "cannot search cache '%s': the condition has %d "
		    "placeholders for %zu parameters",
		    st->path, sqlite3_bind_parameter_count(s), nparams);
	else {
		strbuf_release(&sql);
		return s;
	}
	sqlite3_finalize(s);
	strbuf_release(&sql);
	return NULL;
}

int
store_msg_select(struct store *st, int64_t folder_id, const char *where,
    const struct store_param *params, size_t nparams, const char *order,
    size_t limit, int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err)
{
	return store_msg_select_at(st, folder_id, where, params, nparams, order,
	    0, limit, fn, arg, err);
}

int
store_msg_select_at(struct store *st, int64_t folder_id, const char *where,
    const struct store_param *params, size_t nparams, const char *order,
    size_t offset, size_t limit,
    int (*fn)(const struct store_msg *m, void *arg), void *arg,
    struct fct_error *err)
{
	struct store_msg m;
	sqlite3_stmt *s;
	size_t i;
	int rc;

	/* Inside the writer's transaction, search what it wrote so far. */
	if (st->fts_dirty && store_fts_flush(st, err) != 0)
		return store_write_end(st, false, -1, err);
	s = msg_select_prepare(st, folder_id, where, nparams, order, offset,
	    limit, err);
	if (s == NULL)
		return -1;
	for (i = 0; i < nparams; i++) {
		if (params[i].type == STORE_PARAM_INT)
			sqlite3_bind_int64(s, (int)i + 1, params[i].i);
		else
			store_bind_text(s, (int)i + 1, params[i].text);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		msg_from_row(s, &m, false);
		if (fn(&m, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		fct_error_set(err, "cannot search cache '%s': %s", st->path,
		    sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}
