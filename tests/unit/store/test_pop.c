/*
 * Unit tests of src/store/pop.c: local folders (created, refused when they
 * belong to a server), their bodies out of the budget's reach, POP3
 * messages stored whole with their unique id in one transaction (a
 * duplicate id writes nothing), the durable mark before DELE, pruning of
 * ids the server dropped, local moves.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/store_pop.h"
#include "store_test.h"

struct fixture {
	char *dir;
	struct store *st;
	struct fct_error err;
	struct store_folder inbox;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);

	fx->dir = test_tmpdir();
	fx->st = test_open(fx->dir, "pop.db");
	if (store_local_folder(fx->st, "INBOX", "inbox", &fx->inbox,
		&fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
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
	store_folder_release(&fx->inbox);
	test_rmtree(fx->dir);
	free(fx->dir);
	fct_error_release(&fx->err);
	free(fx);
	return 0;
}

/* Stores a message with that id and subject; returns its UID. */
static uint32_t
add(struct fixture *fx, int64_t folder_id, const char *uidl,
    const char *subject)
{
	struct store_msg m = STORE_MSG_INIT;
	char *raw =
	    xasprintf("Subject: %s\r\n\r\nbody of %s\r\n", subject, uidl);

	m.subject = (char *)subject;
	if (store_pop_add(fx->st, folder_id, &m, raw, strlen(raw), subject,
		uidl, 1000, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	free(raw);
	return m.uid;
}

static void
test_local_folder(void **state)
{
	struct fixture *fx = *state;
	struct store_folder f = STORE_FOLDER_INIT;
	int64_t imap;

	assert_true(fx->inbox.id > 0);
	assert_string_equal(fx->inbox.role, "inbox");
	assert_int_equal(fx->inbox.uidnext, 1);
	assert_int_equal(store_folder_is_local(fx->st, fx->inbox.id, &fx->err),
	    1);
	/* Asking again finds the same folder. */
	if (store_local_folder(fx->st, "INBOX", NULL, &f, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(f.id, fx->inbox.id);
	/* A server's folder is not taken over. */
	imap = test_folder(fx->st, "Server");
	assert_int_equal(store_folder_is_local(fx->st, imap, &fx->err), 0);
	assert_int_equal(store_local_folder(fx->st, "Server", NULL, &f,
			     &fx->err),
	    -1);
	assert_non_null(strstr(fct_error_msg(&fx->err), "belongs to a server"));
	fct_error_release(&fx->err);
	store_folder_release(&f);
}

static void
test_add_and_map(void **state)
{
	struct fixture *fx = *state;
	struct store_pop_uidl *v = NULL;
	struct store_msg m = STORE_MSG_INIT;
	size_t n;
	char *data;
	size_t len;

	assert_int_equal(add(fx, fx->inbox.id, "b-2", "two"), 1);
	assert_int_equal(add(fx, fx->inbox.id, "a-1", "one"), 2);
	assert_int_equal(test_int(fx->st,
			     "SELECT uidnext FROM folders "
			     "WHERE name = 'INBOX'"),
	    3);
	if (store_pop_uidls(fx->st, &v, &n, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(n, 2);
	assert_string_equal(v[0].uidl, "a-1"); /* sorted */
	assert_string_equal(v[1].uidl, "b-2");
	assert_int_equal(v[0].stored, 1000);
	assert_int_equal(v[0].deleted, 0);
	assert_int_equal(store_msg_get(fx->st, fx->inbox.id, 2, &m, &fx->err),
	    1);
	assert_int_equal(v[0].msg_id, m.id);
	assert_int_equal(store_body_get(fx->st, m.id, &data, &len, &fx->err),
	    1);
	assert_string_equal(data, "Subject: one\r\n\r\nbody of a-1\r\n");
	free(data);
	assert_int_equal(test_fts(fx->st, "one"), 1);
	store_pop_uidls_free(&v, n);
	assert_null(v);
	store_msg_release(&m);
}

/* The same id twice: said, and nothing of the second is written. */
static void
test_duplicate_refused(void **state)
{
	struct fixture *fx = *state;
	struct store_msg m = STORE_MSG_INIT;

	add(fx, fx->inbox.id, "same", "first");
	m.subject = (char *)"second";
	assert_int_equal(store_pop_add(fx->st, fx->inbox.id, &m, "x", 1, NULL,
			     "same", 1, &fx->err),
	    1);
	/* Inside the caller's transaction too, which goes on. */
	if (store_begin(fx->st, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(store_pop_add(fx->st, fx->inbox.id, &m, "x", 1, NULL,
			     "same", 1, &fx->err),
	    1);
	if (store_commit(fx->st, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 1);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM bodies"), 1);
	assert_int_equal(test_int(fx->st,
			     "SELECT uidnext FROM folders "
			     "WHERE name = 'INBOX'"),
	    2);
	/* Not into a server's folder either. */
	assert_int_equal(store_pop_add(fx->st, test_folder(fx->st, "Server"),
			     &m, "x", 1, NULL, "other", 1, &fx->err),
	    -1);
	assert_non_null(strstr(fct_error_msg(&fx->err), "no local folder"));
	fct_error_release(&fx->err);
}

/* The budget evicts a server folder's bodies, never a local one's; a
 * local body goes only with its message. */
static void
test_local_bodies_kept(void **state)
{
	struct fixture *fx = *state;
	int64_t imap = test_folder(fx->st, "Server");
	int64_t id = test_put(fx->st, imap, 1, "server copy");
	int64_t id2 = test_put(fx->st, imap, 2, "another");

	add(fx, fx->inbox.id, "u1", "local one");
	add(fx, fx->inbox.id, "u2", "local two");
	if (store_body_put(fx->st, id, "aaaa", 4, NULL, 0, &fx->err) != 0 ||
	    store_body_put(fx->st, id2, "bbbb", 4, NULL, 1, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	/* A budget of one byte: everything else is over it. */
	assert_int_equal(test_int(fx->st,
			     "SELECT count(*) FROM bodies b "
			     "JOIN messages m ON m.id = b.msg_id "
			     "WHERE m.folder_id = 1"),
	    2);
	assert_int_equal(test_int(fx->st,
			     "SELECT count(*) FROM bodies "
			     "WHERE msg_id = (SELECT id FROM "
			     "messages WHERE subject = "
			     "'server copy')"),
	    0);
	/* The two local ones and the body just stored. */
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM bodies"), 3);
	/* Deleting the message takes its body along. */
	if (store_msg_expunge_range(fx->st, fx->inbox.id, 1, 1, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM bodies"), 2);
	/* Its id stays known: it must not be downloaded again. */
	assert_int_equal(test_int(fx->st,
			     "SELECT count(*) FROM pop_uidls "
			     "WHERE uidl = 'u1' AND msg_id IS "
			     "NULL"),
	    1);
}

static void
test_mark_dele_is_durable(void **state)
{
	struct fixture *fx = *state;
	const char *ids[] = { "u2" };
	unsigned before = fx->st->wal_flushes;

	add(fx, fx->inbox.id, "u1", "one");
	add(fx, fx->inbox.id, "u2", "two");
	assert_int_equal(fx->st->wal_flushes, before); /* adds are not */
	if (store_pop_mark_dele(fx->st, ids, 1, 2000, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(fx->st->wal_flushes, before + 1);
	assert_int_equal(test_int(fx->st,
			     "SELECT dele_sent FROM pop_uidls "
			     "WHERE uidl = 'u2'"),
	    2000);
	assert_int_equal(test_int(fx->st,
			     "SELECT dele_sent FROM pop_uidls "
			     "WHERE uidl = 'u1'"),
	    0);
}

static void
test_prune(void **state)
{
	struct fixture *fx = *state;
	const char *present[] = { "u3", "u1" };
	size_t pruned;

	const char *dele[] = { "u2" };

	add(fx, fx->inbox.id, "u1", "one");
	add(fx, fx->inbox.id, "u2", "two");
	add(fx, fx->inbox.id, "u3", "three");
	add(fx, fx->inbox.id, "u4", "four");
	/* u2 was deleted by us on the server, u4 here. */
	if (store_pop_mark_dele(fx->st, dele, 1, 5, &fx->err) != 0 ||
	    store_msg_expunge_range(fx->st, fx->inbox.id, 4, 4, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	if (store_pop_prune(fx->st, present, 2, &pruned, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(pruned, 2);
	assert_int_equal(test_int(fx->st,
			     "SELECT count(*) FROM pop_uidls "
			     "WHERE uidl IN ('u2', 'u4')"),
	    0);
	/* The message itself stays: only the server forgot it. */
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM messages"), 3);
	/* An empty listing forgets nothing still cached and not deleted. */
	if (store_pop_prune(fx->st, NULL, 0, &pruned, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(pruned, 0);
	assert_int_equal(test_int(fx->st, "SELECT count(*) FROM pop_uidls"), 2);
}

static void
test_local_move(void **state)
{
	struct fixture *fx = *state;
	struct store_folder arch = STORE_FOLDER_INIT;
	uint32_t uid;
	int64_t id;

	add(fx, fx->inbox.id, "u1", "one");
	add(fx, fx->inbox.id, "u2", "two");
	if (store_local_folder(fx->st, "Archive", NULL, &arch, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	id = test_int(fx->st, "SELECT id FROM messages WHERE uid = 2");
	if (store_local_move(fx->st, fx->inbox.id, 2, arch.id, &uid,
		&fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(uid, 1);
	/* The same row: body, index and id map follow it. */
	assert_int_equal(test_int(fx->st,
			     "SELECT id FROM messages "
			     "WHERE folder_id = 2"),
	    id);
	assert_int_equal(test_int(fx->st,
			     "SELECT count(*) FROM bodies "
			     "WHERE msg_id = (SELECT id FROM "
			     "messages WHERE folder_id = 2)"),
	    1);
	assert_int_equal(test_fts(fx->st, "two"), 1);
	/* The counts of local folders come from the cache. */
	test_exec(fx->st, "UPDATE messages SET flags = 1 WHERE folder_id = 1");
	if (store_local_recount(fx->st, &fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(test_int(fx->st,
			     "SELECT total * 10 + unseen FROM "
			     "folders WHERE name = 'INBOX'"),
	    10);
	assert_int_equal(test_int(fx->st,
			     "SELECT total * 10 + unseen FROM "
			     "folders WHERE name = 'Archive'"),
	    11);
	/* A UID that is not there moves nothing. */
	if (store_local_move(fx->st, fx->inbox.id, 2, arch.id, &uid,
		&fx->err) != 0)
		fail_msg("%s", fct_error_msg(&fx->err));
	assert_int_equal(uid, 0);
	/* Not into a server's folder. */
	assert_int_equal(store_local_move(fx->st, fx->inbox.id, 1,
			     test_folder(fx->st, "Server"), &uid, &fx->err),
	    -1);
	fct_error_release(&fx->err);
	assert_int_equal(test_int(fx->st,
			     "SELECT count(*) FROM messages "
			     "WHERE folder_id = 1"),
	    1);
	store_folder_release(&arch);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_local_folder, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_and_map, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_local_bodies_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mark_dele_is_durable,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_move, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
