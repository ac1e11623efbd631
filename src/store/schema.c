/*
 * The cache schema and its history. PRAGMA user_version holds the number
 * of steps of store_schema_steps[] applied to the file; opening a cache
 * runs the missing ones in order, each in its own transaction together with
 * its version bump, so an upgrade interrupted at any point leaves the file
 * at a whole version. A file with a higher version than this build knows
 * was written by a newer facteur and is refused rather than guessed at.
 *
 * Rules for later steps: never edit a released step, append one. A step
 * may rebuild a table (CREATE new, INSERT SELECT, DROP, RENAME) but must
 * then recreate its triggers and indexes, and keep the full-text index in
 * step (INSERT INTO messages_fts(messages_fts) VALUES ('rebuild') does it
 * from the rows). doc/store.md describes the current schema.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "private.h"

/*
 * Version 1. The full-text index is external-content: its text lives in the
 * messages and bodies tables (the view messages_fts_source joins them).
 *
 * FTS5 writes its pending changes out at the end of every statement that
 * touched it, which costs about 50 us: indexing each message from its own
 * INSERT would cap a cold sync near 10,000 messages a second. So new or
 * changed messages are only queued in fts_pending, and store_fts_flush
 * indexes the whole queue with one statement just before every commit;
 * outside a transaction the queue is always empty. New messages are queued
 * by store_msg_put itself rather than by an INSERT trigger, because a
 * trigger makes SQLite keep a statement journal for every insert, which
 * halves the insert rate: any other code that inserts messages (a later
 * migration) must queue them too. Changes are queued by the triggers.
 * Removal cannot wait, since FTS5 needs the old values to remove an entry:
 * the triggers remove the entry of a message that is not queued at once
 * (a queued message has no entry yet), giving the old values. A message's
 * BEFORE DELETE trigger unindexes it while its body is still there; the
 * body deleted afterwards by the cascade finds no message and does nothing.
 *
 * Invariants: every id in fts_pending is a message; a queued message has no
 * index entry; every other message's entry holds its current subject,
 * from_text, to_text, cc_text and body text.
 */
static const char schema_v1[] =
    "CREATE TABLE folders (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	name TEXT NOT NULL UNIQUE,\n"
    "	raw_name TEXT,\n"
    "	delimiter TEXT,\n"
    "	role TEXT,\n"
    "	ns INTEGER NOT NULL DEFAULT 0,\n"
    "	noselect INTEGER NOT NULL DEFAULT 0,\n"
    "	rights TEXT,\n"
    "	uidvalidity INTEGER NOT NULL DEFAULT 0,\n"
    "	uidnext INTEGER NOT NULL DEFAULT 0,\n"
    "	highestmodseq INTEGER NOT NULL DEFAULT 0,\n"
    "	total INTEGER NOT NULL DEFAULT 0,\n"
    "	unseen INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE messages (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	folder_id INTEGER NOT NULL\n"
    "	    REFERENCES folders (id) ON DELETE CASCADE,\n"
    "	uid INTEGER NOT NULL,\n"
    "	modseq INTEGER NOT NULL DEFAULT 0,\n"
    "	flags INTEGER NOT NULL DEFAULT 0,\n"
    "	keywords TEXT,\n"
    "	size INTEGER NOT NULL DEFAULT 0,\n"
    "	internaldate INTEGER NOT NULL DEFAULT 0,\n"
    "	date INTEGER NOT NULL DEFAULT 0,\n"
    "	has_attachment INTEGER NOT NULL DEFAULT 0,\n"
    "	subject TEXT,\n"
    "	from_text TEXT,\n"
    "	to_text TEXT,\n"
    "	cc_text TEXT,\n"
    "	message_id TEXT,\n"
    "	in_reply_to TEXT,\n"
    "	refs TEXT,\n"
    "	list_id TEXT,\n"
    "	parts TEXT,\n"
    "	headers TEXT,\n"
    "	UNIQUE (folder_id, uid)\n"
    ");\n"
    "CREATE INDEX messages_folder_date ON messages (folder_id, date);\n"
    "CREATE INDEX messages_message_id ON messages (message_id);\n"
    "CREATE TABLE bodies (\n"
    "	msg_id INTEGER PRIMARY KEY\n"
    "	    REFERENCES messages (id) ON DELETE CASCADE,\n"
    "	raw BLOB NOT NULL,\n"
    "	text TEXT,\n"
    "	size INTEGER NOT NULL,\n"
    "	last_used INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX bodies_last_used ON bodies (last_used);\n"
    "CREATE TABLE jobs (\n"
    "	id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "	kind TEXT NOT NULL,\n"
    "	payload TEXT,\n"
    "	attempts INTEGER NOT NULL DEFAULT 0,\n"
    "	last_error TEXT,\n"
    "	created INTEGER NOT NULL\n"
    ");\n"
    "CREATE VIEW messages_fts_source\n"
    "    (id, subject, from_text, to_text, cc_text, body) AS\n"
    "	SELECT m.id, m.subject, m.from_text, m.to_text, m.cc_text, b.text\n"
    "	FROM messages AS m LEFT JOIN bodies AS b ON b.msg_id = m.id;\n"
    "CREATE VIRTUAL TABLE messages_fts USING fts5 (\n"
    "	subject, from_text, to_text, cc_text, body,\n"
    "	content = 'messages_fts_source', content_rowid = 'id',\n"
    "	tokenize = 'unicode61 remove_diacritics 2'\n"
    ");\n"
    "CREATE TABLE fts_pending (id INTEGER PRIMARY KEY);\n"
    "CREATE TRIGGER messages_fts_update\n"
    "AFTER UPDATE OF subject, from_text, to_text, cc_text ON messages\n"
    "WHEN old.subject IS NOT new.subject\n"
    "    OR old.from_text IS NOT new.from_text\n"
    "    OR old.to_text IS NOT new.to_text\n"
    "    OR old.cc_text IS NOT new.cc_text\n"
    "BEGIN\n"
    "	INSERT INTO messages_fts\n"
    "	    (messages_fts, rowid, subject, from_text, to_text, cc_text, body)\n"
    "	SELECT 'delete', old.id, old.subject, old.from_text, old.to_text,\n"
    "	    old.cc_text, (SELECT text FROM bodies WHERE msg_id = old.id)\n"
    "	WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);\n"
    "	INSERT OR IGNORE INTO fts_pending (id) VALUES (new.id);\n"
    "END;\n"
    "CREATE TRIGGER messages_fts_delete BEFORE DELETE ON messages BEGIN\n"
    "	INSERT INTO messages_fts\n"
    "	    (messages_fts, rowid, subject, from_text, to_text, cc_text, body)\n"
    "	SELECT 'delete', old.id, old.subject, old.from_text, old.to_text,\n"
    "	    old.cc_text, (SELECT text FROM bodies WHERE msg_id = old.id)\n"
    "	WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);\n"
    "	DELETE FROM fts_pending WHERE id = old.id;\n"
    "END;\n"
    "CREATE TRIGGER bodies_fts_insert AFTER INSERT ON bodies BEGIN\n"
    "	INSERT INTO messages_fts\n"
    "	    (messages_fts, rowid, subject, from_text, to_text, cc_text, body)\n"
    "	SELECT 'delete', m.id, m.subject, m.from_text, m.to_text, m.cc_text,\n"
    "	    NULL\n"
    "	FROM messages AS m WHERE m.id = new.msg_id\n"
    "	    AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = m.id);\n"
    "	INSERT OR IGNORE INTO fts_pending (id)\n"
    "	SELECT id FROM messages WHERE id = new.msg_id;\n"
    "END;\n"
    "CREATE TRIGGER bodies_fts_update AFTER UPDATE OF text ON bodies\n"
    "WHEN old.text IS NOT new.text BEGIN\n"
    "	INSERT INTO messages_fts\n"
    "	    (messages_fts, rowid, subject, from_text, to_text, cc_text, body)\n"
    "	SELECT 'delete', m.id, m.subject, m.from_text, m.to_text, m.cc_text,\n"
    "	    old.text\n"
    "	FROM messages AS m WHERE m.id = old.msg_id\n"
    "	    AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = m.id);\n"
    "	INSERT OR IGNORE INTO fts_pending (id)\n"
    "	SELECT id FROM messages WHERE id = new.msg_id;\n"
    "END;\n"
    "CREATE TRIGGER bodies_fts_delete AFTER DELETE ON bodies BEGIN\n"
    "	INSERT INTO messages_fts\n"
    "	    (messages_fts, rowid, subject, from_text, to_text, cc_text, body)\n"
    "	SELECT 'delete', m.id, m.subject, m.from_text, m.to_text, m.cc_text,\n"
    "	    old.text\n"
    "	FROM messages AS m WHERE m.id = old.msg_id\n"
    "	    AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = m.id);\n"
    "	INSERT OR IGNORE INTO fts_pending (id)\n"
    "	SELECT id FROM messages WHERE id = old.msg_id;\n"
    "END;\n";

/*
 * Version 2: offline search (doc/store.md, "Search").
 *
 * messages_date lets `ORDER BY m.date DESC LIMIT n` across folders walk
 * the newest rows first and stop, instead of sorting every row.
 *
 * messages_tri is a second external-content FTS5 index, with the trigram
 * tokenizer, over every text field the query language's text terms read
 * (subject, from_text, to_text, cc_text, list_id and the body text):
 * query_to_sql() uses it as a prefilter, a necessary condition checked
 * before fct_match (doc/query.md). It shares messages_fts's queue and
 * rules: a queued message has an entry in neither index, the triggers
 * below (which replace version 1's) remove the entries of a message that
 * is not queued from both, and store_fts_flush indexes the queue in both.
 * list_id is now watched too, for messages_tri.
 */
static const char schema_v2[] =
    "CREATE INDEX messages_date ON messages (date);\n"
    "CREATE VIEW messages_tri_source\n"
    "    (id, subject, from_text, to_text, cc_text, list_id, body) AS\n"
    "	SELECT m.id, m.subject, m.from_text, m.to_text, m.cc_text,\n"
    "	    m.list_id, b.text\n"
    "	FROM messages AS m LEFT JOIN bodies AS b ON b.msg_id = m.id;\n"
    "CREATE VIRTUAL TABLE messages_tri USING fts5 (\n"
    "	subject, from_text, to_text, cc_text, list_id, body,\n"
    "	content = 'messages_tri_source', content_rowid = 'id',\n"
    "	tokenize = 'trigram'\n"
    ");\n"
    "INSERT INTO messages_tri (messages_tri) VALUES ('rebuild');\n"
    "DROP TRIGGER messages_fts_update;\n"
    "DROP TRIGGER messages_fts_delete;\n"
    "DROP TRIGGER bodies_fts_insert;\n"
    "DROP TRIGGER bodies_fts_update;\n"
    "DROP TRIGGER bodies_fts_delete;\n"
    "CREATE TRIGGER messages_fts_update\n"
    "AFTER UPDATE OF subject, from_text, to_text, cc_text, list_id\n"
    "ON messages\n"
    "WHEN old.subject IS NOT new.subject\n"
    "    OR old.from_text IS NOT new.from_text\n"
    "    OR old.to_text IS NOT new.to_text\n"
    "    OR old.cc_text IS NOT new.cc_text\n"
    "    OR old.list_id IS NOT new.list_id\n"
    "BEGIN\n"
    "	INSERT INTO messages_fts\n"
    "	    (messages_fts, rowid, subject, from_text, to_text, cc_text, body)\n"
    "	SELECT 'delete', old.id, old.subject, old.from_text, old.to_text,\n"
    "	    old.cc_text, (SELECT text FROM bodies WHERE msg_id = old.id)\n"
    "	WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);\n"
    "	INSERT INTO messages_tri\n"
    "	    (messages_tri, rowid, subject, from_text, to_text, cc_text,\n"
    "	    list_id, body)\n"
    "	SELECT 'delete', old.id, old.subject, old.from_text, old.to_text,\n"
    "	    old.cc_text, old.list_id,\n"
    "	    (SELECT text FROM bodies WHERE msg_id = old.id)\n"
    "	WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);\n"
    "	INSERT OR IGNORE INTO fts_pending (id) VALUES (new.id);\n"
    "END;\n"
    "CREATE TRIGGER messages_fts_delete BEFORE DELETE ON messages BEGIN\n"
    "	INSERT INTO messages_fts\n"
    "	    (messages_fts, rowid, subject, from_text, to_text, cc_text, body)\n"
    "	SELECT 'delete', old.id, old.subject, old.from_text, old.to_text,\n"
    "	    old.cc_text, (SELECT text FROM bodies WHERE msg_id = old.id)\n"
    "	WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);\n"
    "	INSERT INTO messages_tri\n"
    "	    (messages_tri, rowid, subject, from_text, to_text, cc_text,\n"
    "	    list_id, body)\n"
    "	SELECT 'delete', old.id, old.subject, old.from_text, old.to_text,\n"
    "	    old.cc_text, old.list_id,\n"
    "	    (SELECT text FROM bodies WHERE msg_id = old.id)\n"
    "	WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);\n"
    "	DELETE FROM fts_pending WHERE id = old.id;\n"
    "END;\n"
    "CREATE TRIGGER bodies_fts_insert AFTER INSERT ON bodies BEGIN\n"
    "	INSERT INTO messages_fts\n"
    "	    (messages_fts, rowid, subject, from_text, to_text, cc_text, body)\n"
    "	SELECT 'delete', m.id, m.subject, m.from_text, m.to_text, m.cc_text,\n"
    "	    NULL\n"
    "	FROM messages AS m WHERE m.id = new.msg_id\n"
    "	    AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = m.id);\n"
    "	INSERT INTO messages_tri\n"
    "	    (messages_tri, rowid, subject, from_text, to_text, cc_text,\n"
    "	    list_id, body)\n"
    "	SELECT 'delete', m.id, m.subject, m.from_text, m.to_text, m.cc_text,\n"
    "	    m.list_id, NULL\n"
    "	FROM messages AS m WHERE m.id = new.msg_id\n"
    "	    AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = m.id);\n"
    "	INSERT OR IGNORE INTO fts_pending (id)\n"
    "	SELECT id FROM messages WHERE id = new.msg_id;\n"
    "END;\n"
    "CREATE TRIGGER bodies_fts_update AFTER UPDATE OF text ON bodies\n"
    "WHEN old.text IS NOT new.text BEGIN\n"
    "	INSERT INTO messages_fts\n"
    "	    (messages_fts, rowid, subject, from_text, to_text, cc_text, body)\n"
    "	SELECT 'delete', m.id, m.subject, m.from_text, m.to_text, m.cc_text,\n"
    "	    old.text\n"
    "	FROM messages AS m WHERE m.id = old.msg_id\n"
    "	    AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = m.id);\n"
    "	INSERT INTO messages_tri\n"
    "	    (messages_tri, rowid, subject, from_text, to_text, cc_text,\n"
    "	    list_id, body)\n"
    "	SELECT 'delete', m.id, m.subject, m.from_text, m.to_text, m.cc_text,\n"
    "	    m.list_id, old.text\n"
    "	FROM messages AS m WHERE m.id = old.msg_id\n"
    "	    AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = m.id);\n"
    "	INSERT OR IGNORE INTO fts_pending (id)\n"
    "	SELECT id FROM messages WHERE id = new.msg_id;\n"
    "END;\n"
    "CREATE TRIGGER bodies_fts_delete AFTER DELETE ON bodies BEGIN\n"
    "	INSERT INTO messages_fts\n"
    "	    (messages_fts, rowid, subject, from_text, to_text, cc_text, body)\n"
    "	SELECT 'delete', m.id, m.subject, m.from_text, m.to_text, m.cc_text,\n"
    "	    old.text\n"
    "	FROM messages AS m WHERE m.id = old.msg_id\n"
    "	    AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = m.id);\n"
    "	INSERT INTO messages_tri\n"
    "	    (messages_tri, rowid, subject, from_text, to_text, cc_text,\n"
    "	    list_id, body)\n"
    "	SELECT 'delete', m.id, m.subject, m.from_text, m.to_text, m.cc_text,\n"
    "	    m.list_id, old.text\n"
    "	FROM messages AS m WHERE m.id = old.msg_id\n"
    "	    AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = m.id);\n"
    "	INSERT OR IGNORE INTO fts_pending (id)\n"
    "	SELECT id FROM messages WHERE id = old.msg_id;\n"
    "END;\n";

/*
 * Version 3: the rules engine's record of new mail that the rules have not
 * run on yet (src/store/rules.c). A row is added in the same transaction
 * as the message it names, when the sync that fetched it was asked to
 * (new INBOX mail with rules configured), and removed in the same
 * transaction as the jobs the rules queued for it, so a crash at any
 * point neither runs the rules twice on a message nor skips it. Listings
 * (store_msg_select, store_msg_query) leave pending messages out, so the
 * user never sees mail that is about to be filed elsewhere. The cascade
 * drops the row with its message (expunged, folder reset).
 */
static const char schema_v3[] =
    "CREATE TABLE rules_pending (\n"
    "	msg_id INTEGER PRIMARY KEY\n"
    "	    REFERENCES messages (id) ON DELETE CASCADE\n"
    ");\n";

/*
 * Version 4: the outbox (src/store/outbox.c). A message
 * the user sent is written here, flushed to disk, before the first byte
 * goes to the server, and stays until its Sent copy is appended: state
 * 'queued' (to submit; last_error says why the last try failed),
 * 'sending' (claimed by the process whose pid is in claim, so that two
 * processes never submit it at once), 'sent'
 * (submitted; waiting for its copy), or 'draft' (postponed, waiting for its
 * append to Drafts). rcpts holds the envelope, one addr-spec a line (Bcc
 * recipients are there, never in message).
 */
static const char schema_outbox[] =
    "CREATE TABLE outbox (\n"
    "	id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "	state TEXT NOT NULL\n"
    "	    CHECK (state IN ('queued', 'sending', 'sent', 'draft')),\n"
    "	claim INTEGER NOT NULL DEFAULT 0,\n"
    "	identity TEXT,\n"
    "	mail_from TEXT NOT NULL,\n"
    "	rcpts TEXT NOT NULL,\n"
    "	message_id TEXT,\n"
    "	subject TEXT,\n"
    "	message BLOB NOT NULL,\n"
    "	copy_folder TEXT,\n"
    "	created INTEGER NOT NULL,\n"
    "	attempts INTEGER NOT NULL DEFAULT 0,\n"
    "	last_error TEXT,\n"
    "	sent INTEGER NOT NULL DEFAULT 0\n"
    ");\n";

/*
 * Version 5 (POP3, src/store/pop.c): mail that lives only here.
 *
 * local_folders lists the folders whose messages have no server copy (a
 * POP3 account's INBOX, once downloaded and perhaps deleted from the
 * server): the trigger keeps their bodies out of any eviction, so that
 * the body budget can never throw away the only copy of a message. It
 * lets a body go only with its message (the cascade runs once the message
 * row is gone, and the trigger then finds nothing to protect).
 *
 * pop_uidls is the map of the POP3 unique ids downloaded: a message is
 * stored, body and map row, in one transaction, so that a crash can never
 * store it without its row (downloaded twice) nor the row without it
 * (lost). msg_id goes NULL when the user deletes the local copy: the row
 * stays, so the message left on the server is not downloaded again. Rows
 * are removed only once the server's listing no longer has the id.
 */
static const char schema_v5[] =
    "CREATE TABLE local_folders (\n"
    "	folder_id INTEGER PRIMARY KEY\n"
    "	    REFERENCES folders (id) ON DELETE CASCADE\n"
    ");\n"
    "CREATE TRIGGER bodies_keep_local BEFORE DELETE ON bodies\n"
    "WHEN EXISTS (SELECT 1 FROM messages AS m\n"
    "    JOIN local_folders AS l ON l.folder_id = m.folder_id\n"
    "    WHERE m.id = old.msg_id)\n"
    "BEGIN\n"
    "	SELECT RAISE(IGNORE);\n"
    "END;\n"
    "CREATE TABLE pop_uidls (\n"
    "	uidl TEXT PRIMARY KEY,\n"
    "	msg_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,\n"
    "	stored INTEGER NOT NULL,\n"
    "	dele_sent INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE INDEX pop_uidls_msg ON pop_uidls (msg_id);\n";

/*
 * Version 6: each folder's message counts, kept by triggers, so that
 * "how many messages, how many unseen" costs one row read however large
 * the folder (counting 100,000 rows took 40 ms, more than a frame, and
 * the interface asks on every change). A folder without messages may have
 * no row (read as zero). The counts cover every row, pending rules or
 * not (store_msg_count_visible takes the pending ones off).
 */
static const char schema_v6[] =
    "CREATE TABLE folder_stats (\n"
    "	folder_id INTEGER PRIMARY KEY\n"
    "	    REFERENCES folders (id) ON DELETE CASCADE,\n"
    "	total INTEGER NOT NULL DEFAULT 0,\n"
    "	unseen INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "INSERT INTO folder_stats (folder_id, total, unseen)\n"
    "    SELECT folder_id, count(*), sum((flags & 1) = 0)\n"
    "    FROM messages GROUP BY folder_id;\n"
    "CREATE TRIGGER folder_stats_insert AFTER INSERT ON messages BEGIN\n"
    "	INSERT INTO folder_stats (folder_id, total, unseen)\n"
    "	    VALUES (new.folder_id, 1, (new.flags & 1) = 0)\n"
    "	    ON CONFLICT (folder_id) DO UPDATE SET\n"
    "	    total = total + 1, unseen = unseen + excluded.unseen;\n"
    "END;\n"
    "CREATE TRIGGER folder_stats_delete AFTER DELETE ON messages BEGIN\n"
    "	UPDATE folder_stats SET total = total - 1,\n"
    "	    unseen = unseen - ((old.flags & 1) = 0)\n"
    "	    WHERE folder_id = old.folder_id;\n"
    "END;\n"
    "CREATE TRIGGER folder_stats_update AFTER UPDATE OF flags, folder_id\n"
    "ON messages\n"
    "WHEN old.folder_id IS NOT new.folder_id\n"
    "    OR (old.flags & 1) IS NOT (new.flags & 1)\n"
    "BEGIN\n"
    "	UPDATE folder_stats SET total = total - 1,\n"
    "	    unseen = unseen - ((old.flags & 1) = 0)\n"
    "	    WHERE folder_id = old.folder_id;\n"
    "	INSERT INTO folder_stats (folder_id, total, unseen)\n"
    "	    VALUES (new.folder_id, 1, (new.flags & 1) = 0)\n"
    "	    ON CONFLICT (folder_id) DO UPDATE SET\n"
    "	    total = total + 1, unseen = unseen + excluded.unseen;\n"
    "END;\n";

const struct store_migration store_schema_steps[] = {
	{ schema_v1, NULL },
	{ schema_v2, NULL },
	{ schema_v3, NULL },
	{ schema_outbox, NULL },
	{ schema_v5, NULL },
	{ schema_v6, NULL },
};
const size_t store_schema_nsteps = FCT_ARRAY_LEN(store_schema_steps);

int
store_schema_version(void)
{
	return (int)store_schema_nsteps;
}

/* A pragma or query that answers one integer. */
static int
schema_int(struct store *st, const char *sql, int64_t *v)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_schema_check(struct store *st, size_t n, struct fct_error *err)
{
	int64_t app, version, objects;

	if (schema_int(st, "PRAGMA application_id", &app) != 0 ||
	    schema_int(st, "PRAGMA user_version", &version) != 0 ||
	    schema_int(st, "SELECT count(*) FROM sqlite_master", &objects) != 0)
		return fct_error_set(err, "cannot open cache '%s': %s",
		    st->path, sqlite3_errmsg(st->db));
	if (app == 0 && version == 0 && objects == 0)
		return 0; /* a new file */
	if (app != STORE_APPLICATION_ID)
		return fct_error_set(err,
		    "cannot open cache '%s': not a facteur cache", st->path);
	if (version < 0 || (uint64_t)version > n)
		return fct_error_set(err,
		    "cache '%s' was written by a newer facteur (schema %lld, "
		    "this one knows %zu)",
		    st->path, (long long)version, n);
	return 0;
}

/* Applies step v (taking the file from v to v + 1); in a transaction. */
static int
schema_step(struct store *st, const struct store_migration *step, size_t v,
    struct fct_error *err)
{
	char *sql;
	int rc;

	if (step->sql != NULL && store_exec(st, step->sql) != SQLITE_OK)
		return fct_error_set(err, "%s", sqlite3_errmsg(st->db));
	if (step->fn != NULL && step->fn(st, err) != 0)
		return -1;
	if (v == 0) {
		sql = xasprintf("PRAGMA application_id = %d",
		    STORE_APPLICATION_ID);
		rc = store_exec(st, sql);
		free(sql);
		if (rc != SQLITE_OK)
			return fct_error_set(err, "%s", sqlite3_errmsg(st->db));
	}
	sql = xasprintf("PRAGMA user_version = %zu", v + 1);
	rc = store_exec(st, sql);
	free(sql);
	if (rc != SQLITE_OK)
		return fct_error_set(err, "%s", sqlite3_errmsg(st->db));
	return 0;
}

int
store_schema_migrate(struct store *st, const struct store_migration *steps,
    size_t n, struct fct_error *err)
{
	int64_t version;

	if (schema_int(st, "PRAGMA user_version", &version) != 0)
		return store_error_read(st, err);
	while ((uint64_t)version < n) {
		/*
		 * Another handle may be upgrading the same file: read the
		 * version again under the write lock and skip what it did.
		 */
		if (store_exec(st, "BEGIN IMMEDIATE") != SQLITE_OK ||
		    schema_int(st, "PRAGMA user_version", &version) != 0) {
			fct_error_set(err,
			    "cannot upgrade cache '%s' to schema %lld: %s",
			    st->path, (long long)version + 1,
			    sqlite3_errmsg(st->db));
			goto fail;
		}
		if (version < 0 || (uint64_t)version >= n) {
			if (store_exec(st, "COMMIT") != SQLITE_OK)
				goto fail_write;
			break;
		}
		if (schema_step(st, &steps[version], (size_t)version, err) !=
		    0) {
			fct_error_prefix(err,
			    "cannot upgrade cache '%s' to schema %lld",
			    st->path, (long long)version + 1);
			goto fail;
		}
		if (store_exec(st, "COMMIT") != SQLITE_OK)
			goto fail_write;
		version++;
	}
	return store_schema_check(st, n, err);
fail_write:
	fct_error_set(err, "cannot upgrade cache '%s' to schema %lld: %s",
	    st->path, (long long)version + 1, sqlite3_errmsg(st->db));
fail:
	if (!sqlite3_get_autocommit(st->db))
		(void)store_exec(st, "ROLLBACK");
	return -1;
}
