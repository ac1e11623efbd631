/*
 * Unit tests of src/store/msg.c: storing, replacing and expunging
 * messages, their flags, the UID and flag lists the sync compares against,
 * store_msg_select with conditions, parameters, orders and limits, and the
 * full-text index following every change.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store_test.h"

struct fixture {
	char *dir;
	struct store *st;
	struct fct_error err;
	int64_t inbox, sent;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);

	fx->dir = test_tmpdir();
	fx->st = test_open(fx->dir, "msg.db");
	fx->inbox = test_folder(fx->st, "INBOX");
	fx->sent = test_folder(fx->st, "Sent");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	if (store_check(fx->st, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	store_sanity(fx->st);
	store_close(&fx->st);
	test_rmtree(fx->dir);
	free(fx->dir);
	fct_error_release(&fx->err);
	free(fx);
	return 0;
}

static void
assert_str_or_null(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void
assert_msg_equal(const struct store_msg *a, const struct store_msg *b)
{
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->folder_id, b->folder_id);
	assert_int_equal(a->uid, b->uid);
	assert_true(a->modseq == b->modseq);
	assert_int_equal(a->flags, b->flags);
	assert_str_or_null(a->keywords, b->keywords);
	assert_true(a->size == b->size);
	assert_int_equal(a->internaldate, b->internaldate);
	assert_int_equal(a->date, b->date);
	assert_str_or_null(a->subject, b->subject);
	assert_str_or_null(a->from_text, b->from_text);
	assert_str_or_null(a->to_text, b->to_text);
	assert_str_or_null(a->cc_text, b->cc_text);
	assert_str_or_null(a->message_id, b->message_id);
	assert_str_or_null(a->in_reply_to, b->in_reply_to);
	assert_str_or_null(a->references, b->references);
	assert_str_or_null(a->list_id, b->list_id);
	assert_str_or_null(a->headers, b->headers);
	assert_int_equal(a->has_attachment, b->has_attachment);
	assert_str_or_null(a->parts, b->parts);
}

static void
full_msg(struct store_msg *m, int64_t folder, uint32_t uid)
{
	test_msg(m, folder, uid, "Re: the quarterly invoice");
	m->modseq = UINT64_C(9223372036854775807);
	m->flags = FCT_FLAG_SEEN | FCT_FLAG_FLAGGED;
	m->keywords = xstrdup(" $Label1 urgent ");
	m->size = UINT64_C(5000000000);
	m->internaldate = -5; /* before 1970: odd, but representable */
	m->date = 1700000000;
	m->cc_text = xstrdup("Copy <cc@example.test>");
	m->in_reply_to = xstrdup("parent@example.test");
	m->references = xstrdup("root@example.test parent@example.test");
	m->list_id = xstrdup("Dev list <dev.example.test>");
	m->has_attachment = true;
	m->parts = xstrdup("{\"type\":\"multipart/mixed\"}");
}

static void
test_put_get(void **state)
{
	struct fixture *fx = *state;
	struct store_msg m = STORE_MSG_INIT, g = STORE_MSG_INIT;

	full_msg(&m, fx->inbox, 4000000000u);
	assert_int_equal(store_msg_put(fx->st, &m, &fx->err), 0);
	assert_true(m.id > 0);
	assert_int_equal(store_msg_get(fx->st, fx->inbox, 4000000000u, &g,
			     &fx->err),
	    1);
	assert_msg_equal(&g, &m);

	/* Absent: 0 and zeroed; the same UID elsewhere is another message. */
	assert_int_equal(store_msg_get(fx->st, fx->sent, 4000000000u, &g,
			     &fx->err),
	    0);
	assert_null(g.subject);
	assert_int_equal(g.id, 0);

	/* Every string may be NULL. */
	store_msg_release(&m);
	m.folder_id = fx->sent;
	m.uid = 1;
	assert_int_equal(store_msg_put(fx->st, &m, &fx->err), 0);
	assert_int_equal(store_msg_get(fx->st, fx->sent, 1, &g, &fx->err), 1);
	assert_msg_equal(&g, &m);

	store_msg_release(&m);
	store_msg_release(&g);
}

static void
test_put_replaces(void **state)
{
	struct fixture *fx = *state;
	struct store_msg m = STORE_MSG_INIT, g = STORE_MSG_INIT;
	int64_t id;
	char *data;
	size_t len;

	full_msg(&m, fx->inbox, 7);
	assert_int_equal(store_msg_put(fx->st, &m, &fx->err), 0);
	id = m.id;
	assert_int_equal(store_body_put(fx->st, id, "raw body", 8, "papaya", 0,
			     &fx->err),
	    0);

	/* Every field replaced, strings cleared too; the id stays. */
	test_msg(&m, fx->inbox, 7, "a new subject");
	m.id = 0;
	assert_int_equal(store_msg_put(fx->st, &m, &fx->err), 0);
	assert_int_equal(m.id, id);
	assert_int_equal(store_msg_get(fx->st, fx->inbox, 7, &g, &fx->err), 1);
	assert_msg_equal(&g, &m);
	assert_null(g.keywords);
	assert_null(g.parts);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 1);

	/* The body is the same message's: it stays, and stays indexed. */
	assert_int_equal(store_body_get(fx->st, id, &data, &len, &fx->err), 1);
	assert_int_equal(len, 8);
	free(data);
	assert_int_equal(test_fts(fx->st, "papaya"), 1);
	assert_int_equal(test_fts(fx->st, "quarterly"), 0);
	assert_int_equal(test_fts(fx->st, "new"), 1);

	store_msg_release(&m);
	store_msg_release(&g);
}

static void
test_put_unknown_folder(void **state)
{
	struct fixture *fx = *state;
	struct store_msg m = STORE_MSG_INIT;
	char *want;

	test_msg(&m, 4242, 1, "nowhere");
	assert_int_equal(store_msg_put(fx->st, &m, &fx->err), -1);
	want = xasprintf("cannot write to cache '%s/msg.db': no folder 4242",
	    fx->dir);
	assert_string_equal(fct_error_msg(&fx->err), want);
	free(want);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 0);
	assert_int_equal(test_fts(fx->st, "nowhere"), 0);
	store_msg_release(&m);
}

static void
test_set_flags(void **state)
{
	struct fixture *fx = *state;
	struct store_msg g = STORE_MSG_INIT;

	test_put(fx->st, fx->inbox, 1, "flag me");
	test_put(fx->st, fx->inbox, 2, "leave me");
	assert_int_equal(store_msg_set_flags(fx->st, fx->inbox, 1,
			     FCT_FLAG_SEEN | FCT_FLAG_ANSWERED, " $Junk ", 88,
			     &fx->err),
	    0);
	assert_int_equal(store_msg_get(fx->st, fx->inbox, 1, &g, &fx->err), 1);
	assert_int_equal(g.flags, FCT_FLAG_SEEN | FCT_FLAG_ANSWERED);
	assert_string_equal(g.keywords, " $Junk ");
	assert_int_equal(g.modseq, 88);
	assert_string_equal(g.subject, "flag me");

	assert_int_equal(store_msg_set_flags(fx->st, fx->inbox, 1, 0, NULL, 89,
			     &fx->err),
	    0);
	assert_int_equal(store_msg_get(fx->st, fx->inbox, 1, &g, &fx->err), 1);
	assert_int_equal(g.flags, 0);
	assert_null(g.keywords);

	assert_int_equal(store_msg_get(fx->st, fx->inbox, 2, &g, &fx->err), 1);
	assert_int_equal(g.flags, 0);
	assert_int_equal(g.modseq, 2);

	/* An unknown message (expunged meanwhile) is fine. */
	assert_int_equal(store_msg_set_flags(fx->st, fx->inbox, 99,
			     FCT_FLAG_SEEN, NULL, 1, &fx->err),
	    0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 2);
	store_msg_release(&g);
}

static void
assert_uids(struct fixture *fx, int64_t folder, const uint32_t *want,
    size_t nwant)
{
	uint32_t *uids;
	size_t n, i;

	assert_int_equal(store_msg_uids(fx->st, folder, &uids, &n, &fx->err),
	    0);
	assert_int_equal(n, nwant);
	/* store_msg_count agrees with the list it counts. */
	n = 12345;
	assert_int_equal(store_msg_count(fx->st, folder, &n, &fx->err), 0);
	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++)
		assert_int_equal(uids[i], want[i]);
	if (n == 0)
		assert_null(uids);
	free(uids);
}

static void
test_expunge_range_and_uids(void **state)
{
	struct fixture *fx = *state;
	static const uint32_t all[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const uint32_t left[] = { 1, 2, 6, 7, 8, 9, 10 };
	static const uint32_t ends[] = { 2, 6, 7, 8, 9 };
	uint32_t uid;

	assert_uids(fx, fx->inbox, NULL, 0);
	/* Stored out of order, listed ascending. */
	for (uid = 10; uid >= 1; uid--)
		test_put(fx->st, fx->inbox, uid, "expunge target");
	test_put(fx->st, fx->sent, 4, "other folder");
	assert_uids(fx, fx->inbox, all, 10);

	assert_int_equal(store_msg_expunge_range(fx->st, fx->inbox, 3, 5,
			     &fx->err),
	    0);
	assert_uids(fx, fx->inbox, left, 7);
	/* first > last: nothing. */
	assert_int_equal(store_msg_expunge_range(fx->st, fx->inbox, 9, 8,
			     &fx->err),
	    0);
	assert_uids(fx, fx->inbox, left, 7);
	/* Single UIDs, and ranges reaching past what is cached. */
	assert_int_equal(store_msg_expunge_range(fx->st, fx->inbox, 1, 1,
			     &fx->err),
	    0);
	assert_int_equal(store_msg_expunge_range(fx->st, fx->inbox, 10,
			     4294967295u, &fx->err),
	    0);
	assert_uids(fx, fx->inbox, ends, 5);
	/* The other folder's UID 4 is untouched, and only it is indexed. */
	assert_int_equal(test_int(fx->st,
			     "SELECT count(*) FROM messages "
			     "WHERE uid = 4"),
	    1);
	assert_int_equal(test_fts(fx->st, "folder"), 1);
	assert_int_equal(test_fts(fx->st, "expunge"), 5);

	assert_int_equal(store_msg_expunge_range(fx->st, fx->inbox, 0,
			     4294967295u, &fx->err),
	    0);
	assert_uids(fx, fx->inbox, NULL, 0);
	assert_int_equal(test_fts(fx->st, "expunge"), 0);
}

static void
test_flags_all(void **state)
{
	struct fixture *fx = *state;
	struct store_uid_flags *v;
	size_t n;

	assert_int_equal(store_msg_flags_all(fx->st, fx->inbox, &v, &n,
			     &fx->err),
	    0);
	assert_int_equal(n, 0);
	assert_null(v);
	store_uid_flags_free(&v, n);

	test_put(fx->st, fx->inbox, 30, "c");
	test_put(fx->st, fx->inbox, 10, "a");
	test_put(fx->st, fx->inbox, 20, "b");
	test_put(fx->st, fx->sent, 5, "elsewhere");
	assert_int_equal(store_msg_set_flags(fx->st, fx->inbox, 20,
			     FCT_FLAG_DELETED, " todo ", 500, &fx->err),
	    0);
	assert_int_equal(store_msg_flags_all(fx->st, fx->inbox, &v, &n,
			     &fx->err),
	    0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].uid, 10);
	assert_int_equal(v[0].flags, 0);
	assert_null(v[0].keywords);
	assert_int_equal(v[0].modseq, 10);
	assert_int_equal(v[1].uid, 20);
	assert_int_equal(v[1].flags, FCT_FLAG_DELETED);
	assert_string_equal(v[1].keywords, " todo ");
	assert_int_equal(v[1].modseq, 500);
	assert_int_equal(v[2].uid, 30);
	store_uid_flags_free(&v, n);
	assert_null(v);
}

/* Collects what store_msg_select hands out (copies: they are borrowed). */
struct seen {
	size_t n, stop_after;
	uint32_t uid[32];
	int64_t folder[32];
	char *subject[32];
};

static int
collect(const struct store_msg *m, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 32);
	s->uid[s->n] = m->uid;
	s->folder[s->n] = m->folder_id;
	s->subject[s->n] = m->subject != NULL ? xstrdup(m->subject) : NULL;
	s->n++;
	return s->stop_after != 0 && s->n >= s->stop_after;
}

static void
seen_release(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->subject[i]);
	memset(s, 0, sizeof *s);
}

/* Runs a select and compares the UIDs it returned, in order. */
static void
select_uids(struct fixture *fx, int64_t folder, const char *where,
    const struct store_param *p, size_t np, const char *order, size_t limit,
    const char *want)
{
	struct seen s = { 0 };
	struct strbuf got = STRBUF_INIT;
	size_t i;

	if (store_msg_select(fx->st, folder, where, p, np, order, limit,
		collect, &s, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	for (i = 0; i < s.n; i++)
		strbuf_addf(&got, "%s%u", i > 0 ? " " : "", s.uid[i]);
	assert_string_equal(got.buf, want);
	strbuf_release(&got);
	seen_release(&s);
}

/*
 * The select fixture: INBOX holds UIDs 1-5 with dates, sizes, subjects and
 * senders in different orders; Sent holds UID 1.
 */
static void
fill_for_select(struct fixture *fx)
{
	static const struct {
		uint32_t uid;
		int64_t date;
		uint64_t size;
		const char *subject, *from;
		unsigned flags;
	} rows[] = {
		{ 1, 300, 50, "banana split", "carol@example.test",
		    FCT_FLAG_SEEN },
		{ 2, 100, 10, "Apple pie", "alice@example.test", 0 },
		{ 3, 500, 40, "cherry tart", "bob@example.test",
		    FCT_FLAG_SEEN | FCT_FLAG_FLAGGED },
		{ 4, 200, 30, "date loaf", "Dave@example.test", 0 },
		{ 5, 400, 20, "Éclair", "erin@example.test", FCT_FLAG_SEEN },
	};
	struct store_msg m = STORE_MSG_INIT;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(rows); i++) {
		test_msg(&m, fx->inbox, rows[i].uid, rows[i].subject);
		m.date = rows[i].date;
		m.internaldate = 1000 - rows[i].date;
		m.size = rows[i].size;
		m.flags = rows[i].flags;
		free(m.from_text);
		m.from_text = xstrdup(rows[i].from);
		free(m.headers);
		m.headers = xasprintf("From: %s\r\nX-Mailer: tester\r\n"
				      " version %u\r\nSubject: %s\r\n\r\n",
		    rows[i].from, rows[i].uid, rows[i].subject);
		if (rows[i].uid == 3)
			m.list_id = xstrdup("bakers.example.test");
		assert_int_equal(store_msg_put(fx->st, &m, &fx->err), 0);
	}
	test_msg(&m, fx->sent, 1, "sent banana");
	m.date = 250;
	assert_int_equal(store_msg_put(fx->st, &m, &fx->err), 0);
	store_msg_release(&m);
}

static void
test_select_orders(void **state)
{
	struct fixture *fx = *state;

	fill_for_select(fx);
	select_uids(fx, fx->inbox, NULL, NULL, 0, NULL, 0, "3 5 1 4 2");
	select_uids(fx, fx->inbox, "", NULL, 0, "date DESC", 0, "3 5 1 4 2");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "date ASC", 0, "2 4 1 5 3");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "internaldate DESC", 0,
	    "2 4 1 5 3");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "internaldate ASC", 0,
	    "3 5 1 4 2");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "uid ASC", 0, "1 2 3 4 5");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "uid DESC", 0, "5 4 3 2 1");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "size DESC", 0, "1 3 4 5 2");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "size ASC", 0, "2 5 4 3 1");
	/* Case-insensitive for ASCII; "É" sorts after ASCII letters. */
	select_uids(fx, fx->inbox, NULL, NULL, 0, "subject ASC", 0,
	    "2 1 3 4 5");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "subject DESC", 0,
	    "5 4 3 1 2");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "from_text ASC", 0,
	    "2 3 1 4 5");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "FROM_TEXT desc", 0,
	    "5 4 1 3 2");
	/* Limits. */
	select_uids(fx, fx->inbox, NULL, NULL, 0, "uid ASC", 2, "1 2");
	select_uids(fx, fx->inbox, NULL, NULL, 0, "date DESC", 1, "3");
	select_uids(fx, fx->inbox, NULL, NULL, 0, NULL, 100, "3 5 1 4 2");
	/* Every folder. */
	select_uids(fx, 0, NULL, NULL, 0, "date DESC", 0, "3 5 1 1 4 2");
	select_uids(fx, 12345, NULL, NULL, 0, NULL, 0, "");
}

static void
test_select_where(void **state)
{
	struct fixture *fx = *state;
	struct store_param p[3];
	struct seen s = { 0 };

	fill_for_select(fx);
	p[0] = (struct store_param){ .type = STORE_PARAM_INT, .i = 25 };
	select_uids(fx, fx->inbox, "m.size > ?", p, 1, "uid ASC", 0, "1 3 4");

	p[0] = (struct store_param){ .type = STORE_PARAM_TEXT, .text = "%an%" };
	select_uids(fx, fx->inbox, "m.subject LIKE ?", p, 1, "uid ASC", 0, "1");
	select_uids(fx, 0, "m.subject LIKE ?", p, 1, "uid ASC", 0, "1 1");

	/* Several parameters, in order, mixed types. */
	p[0] =
	    (struct store_param){ .type = STORE_PARAM_INT, .i = FCT_FLAG_SEEN };
	p[1] = (struct store_param){ .type = STORE_PARAM_INT, .i = 300 };
	p[2] = (struct store_param){ .type = STORE_PARAM_TEXT,
		.text = "bob@example.test" };
	select_uids(fx, fx->inbox,
	    "(m.flags & ?) != 0 AND (m.date >= ? OR m.from_text = ?)", p, 3,
	    "date ASC", 0, "1 5 3");
	select_uids(fx, fx->inbox, "(m.flags & 4) != 0", NULL, 0, NULL, 0, "3");
	select_uids(fx, fx->inbox, "m.list_id IS NOT NULL", NULL, 0, NULL, 0,
	    "3");
	/* A trailing comment cannot swallow what follows. */
	select_uids(fx, fx->inbox, "m.size < 25 -- small ones", NULL, 0,
	    "uid ASC", 1, "2");

	/* The header function, case-insensitive and unfolded. */
	p[0] = (struct store_param){ .type = STORE_PARAM_TEXT,
		.text = "tester version 4" };
	select_uids(fx, fx->inbox, "fct_header(m.headers, 'x-mailer') = ?", p,
	    1, NULL, 0, "4");

	/* Full-text search, diacritics folded. */
	p[0] = (struct store_param){ .type = STORE_PARAM_TEXT,
		.text = "eclair OR cherry" };
	select_uids(fx, fx->inbox,
	    "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts "
	    "MATCH ?)",
	    p, 1, "uid ASC", 0, "3 5");

	/* The callback stops the walk: still a success. */
	s.stop_after = 2;
	assert_int_equal(store_msg_select(fx->st, fx->inbox, NULL, NULL, 0,
			     "uid ASC", 0, collect, &s, &fx->err),
	    0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.subject[1], "Apple pie");
	assert_int_equal(s.folder[0], fx->inbox);
	seen_release(&s);
}

static void
test_select_bodies(void **state)
{
	struct fixture *fx = *state;
	struct store_param p = { .type = STORE_PARAM_TEXT, .text = "%kiwi%" };
	int64_t id;

	id = test_put(fx->st, fx->inbox, 1, "with a body");
	test_put(fx->st, fx->inbox, 2, "without one");
	assert_int_equal(store_body_put(fx->st, id, "raw", 3,
			     "the kiwi is ripe", 0, &fx->err),
	    0);
	select_uids(fx, fx->inbox, "b.text LIKE ?", &p, 1, NULL, 0, "1");
	select_uids(fx, fx->inbox, "b.text IS NULL", NULL, 0, NULL, 0, "2");
	select_uids(fx, fx->inbox, "m.subject LIKE '%with%' OR b.text IS NULL",
	    NULL, 0, "uid ASC", 0, "1 2");
}

static void
select_fails(struct fixture *fx, const char *where, size_t np,
    const char *order, const char *want_tail)
{
	struct store_param p[2] = { { .type = STORE_PARAM_INT, .i = 1 },
		{ .type = STORE_PARAM_INT, .i = 2 } };
	struct seen s = { 0 };
	char *want = xasprintf("cannot search cache '%s/msg.db': %s", fx->dir,
	    want_tail);

	assert_int_equal(store_msg_select(fx->st, fx->inbox, where, p, np,
			     order, 0, collect, &s, &fx->err),
	    -1);
	assert_string_equal(fct_error_msg(&fx->err), want);
	assert_int_equal(s.n, 0);
	store_sanity(fx->st);
	free(want);
}

static void
test_select_refuses(void **state)
{
	struct fixture *fx = *state;

	fill_for_select(fx);
	select_fails(fx, NULL, 0, "date; DROP TABLE messages",
	    "unknown order 'date; DROP TABLE messages'");
	select_fails(fx, NULL, 0, "m.date DESC", "unknown order 'm.date DESC'");
	select_fails(fx, "m.uid = ?", 2, NULL,
	    "the condition has 1 placeholders for 2 parameters");
	select_fails(fx, "m.uid = ? OR m.uid = ?", 1, NULL,
	    "the condition has 2 placeholders for 1 parameters");
	select_fails(fx, "m.nosuch = 1", 0, NULL, "no such column: m.nosuch");
	select_fails(fx, "1); DELETE FROM messages WHERE (1", 0, NULL,
	    "the condition is not one expression");
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 6);
}

static void
test_fts_in_step(void **state)
{
	struct fixture *fx = *state;
	struct store_msg m = STORE_MSG_INIT;

	test_msg(&m, fx->inbox, 1, "Facture de l'été");
	free(m.cc_text);
	m.cc_text = xstrdup("Comptable <compta@example.test>");
	assert_int_equal(store_msg_put(fx->st, &m, &fx->err), 0);
	assert_int_equal(test_fts(fx->st, "facture"), 1);
	assert_int_equal(test_fts(fx->st, "ete"), 1);
	assert_int_equal(test_fts(fx->st, "subject: facture"), 1);
	assert_int_equal(test_fts(fx->st, "from_text: sender"), 1);
	assert_int_equal(test_fts(fx->st, "to_text: reader"), 1);
	assert_int_equal(test_fts(fx->st, "cc_text: comptable"), 1);
	assert_int_equal(test_fts(fx->st, "from_text: facture"), 0);

	/* Flags do not touch the index; a new subject does. */
	assert_int_equal(store_msg_set_flags(fx->st, fx->inbox, 1,
			     FCT_FLAG_SEEN, NULL, 2, &fx->err),
	    0);
	assert_int_equal(test_fts(fx->st, "facture"), 1);
	free(m.subject);
	m.subject = xstrdup("Relance");
	assert_int_equal(store_msg_put(fx->st, &m, &fx->err), 0);
	assert_int_equal(test_fts(fx->st, "facture"), 0);
	assert_int_equal(test_fts(fx->st, "relance"), 1);
	if (store_check(fx->st, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));

	assert_int_equal(store_msg_expunge_range(fx->st, fx->inbox, 1, 1,
			     &fx->err),
	    0);
	assert_int_equal(test_fts(fx->st, "relance"), 0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages_fts"),
	    0);
	store_msg_release(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_replaces, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_put_unknown_folder, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_set_flags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expunge_range_and_uids,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags_all, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_select_orders, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_select_where, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_select_bodies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_select_refuses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fts_in_step, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
