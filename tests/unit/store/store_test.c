/* Helpers shared by the store's unit tests (see store_test.h). */
#include "config.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_test.h"

char *
test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	dir = xasprintf("%s/facteur-store-XXXXXX", base);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static int
test_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void
test_rmtree(const char *path)
{
	(void)nftw(path, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
test_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

struct store *
test_open(const char *dir, const char *name)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = NULL;
	char *path = test_path(dir, name);

	if (store_open(path, &st, &err) != 0)
		fail_msg("store_open: %s", fct_error_msg(&err));
	assert_non_null(st);
	store_sanity(st);
	free(path);
	return st;
}

int64_t
test_folder(struct store *st, const char *name)
{
	struct store_folder f = STORE_FOLDER_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	int64_t id;

	f.name = xstrdup(name);
	f.raw_name = xstrdup(name);
	f.delimiter = '/';
	if (store_folder_put(st, &f, &err) != 0)
		fail_msg("store_folder_put: %s", fct_error_msg(&err));
	id = f.id;
	assert_true(id > 0);
	store_folder_release(&f);
	return id;
}

void
test_msg(struct store_msg *m, int64_t folder_id, uint32_t uid,
    const char *subject)
{
	store_msg_release(m);
	m->folder_id = folder_id;
	m->uid = uid;
	m->modseq = uid;
	m->size = 1000 + uid;
	m->internaldate = (int64_t)uid * 60 + 5;
	m->date = (int64_t)uid * 60;
	m->subject = subject != NULL ? xstrdup(subject) : NULL;
	m->from_text = xstrdup("Sender <sender@example.test>");
	m->to_text = xstrdup("Reader <reader@example.test>");
	m->message_id = xasprintf("%u@example.test", uid);
	m->headers = xasprintf("Subject: %s\r\nX-Uid: %u\r\n\r\n",
	    subject != NULL ? subject : "", uid);
}

int64_t
test_put(struct store *st, int64_t folder_id, uint32_t uid, const char *subject)
{
	struct store_msg m = STORE_MSG_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	int64_t id;

	test_msg(&m, folder_id, uid, subject);
	if (store_msg_put(st, &m, &err) != 0)
		fail_msg("store_msg_put: %s", fct_error_msg(&err));
	id = m.id;
	assert_true(id > 0);
	store_msg_release(&m);
	return id;
}

int64_t
test_int(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(st->db));
	if (sqlite3_step(s) != SQLITE_ROW)
		fail_msg("%s: %s", sql, sqlite3_errmsg(st->db));
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

void
test_exec(struct store *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(st->db));
}

static int64_t
fts_count(struct store *st, const char *sql, const char *match)
{
	sqlite3_stmt *s;
	int64_t n;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("fts: %s", sqlite3_errmsg(st->db));
	sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW)
		fail_msg("fts '%s': %s", match, sqlite3_errmsg(st->db));
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

int64_t
test_fts(struct store *st, const char *match)
{
	return fts_count(st,
	    "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?1",
	    match);
}

int64_t
test_tri(struct store *st, const char *match)
{
	return fts_count(st,
	    "SELECT count(*) FROM messages_tri WHERE messages_tri MATCH ?1",
	    match);
}
