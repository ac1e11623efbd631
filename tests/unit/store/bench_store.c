/*
 * A small benchmark of the store's hot paths, not a test: a cold sync's
 * message inserts in one transaction, then the reads the UI does on a big
 * folder. Built by `make check`, run by hand:
 *
 *	tests/unit/store/bench_store [messages] [batch]
 *
 * (default 100000 messages, all in one transaction; batch N commits every
 * N messages with the folder state, as the sync engine does).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
check(int rc, const struct fct_error *err)
{
	if (rc != 0) {
		fprintf(stderr, "bench_store: %s\n", fct_error_msg(err));
		exit(1);
	}
}

static int
count_row(const struct store_msg *m, void *arg)
{
	(void)m;
	(*(size_t *)arg)++;
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const words[] = { "invoice", "meeting", "lunch",
		"report", "urgent", "holiday", "release", "review", "budget",
		"café", "réunion", "planning" };
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder f = STORE_FOLDER_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct store_param p = { .type = STORE_PARAM_TEXT, .text = "budget" };
	char dir[] = "/tmp/facteur-bench-XXXXXX", *path, *cmd;
	uint32_t n = 100000, batch = 0, uid, *uids;
	struct store *st;
	size_t rows = 0, nuids;
	double t0, t1, t, in_put = 0, in_commit = 0;

	if (argc > 1)
		n = (uint32_t)strtoul(argv[1], NULL, 10);
	if (argc > 2)
		batch = (uint32_t)strtoul(argv[2], NULL, 10);
	if (n == 0 || mkdtemp(dir) == NULL)
		return 2;
	path = xasprintf("%s/bench.db", dir);
	check(store_open(path, &st, &err), &err);
	f.name = xstrdup("INBOX");
	check(store_folder_put(st, &f, &err), &err);

	t0 = now();
	check(store_begin(st, &err), &err);
	for (uid = 1; uid <= n; uid++) {
		store_msg_release(&m);
		m.folder_id = f.id;
		m.uid = uid;
		m.modseq = uid;
		m.flags = uid % 3 == 0 ? FCT_FLAG_SEEN : 0;
		m.size = 2000 + uid % 50000;
		m.internaldate = 1600000000 + (int64_t)uid * 37;
		m.date = m.internaldate - 5;
		m.subject = xasprintf("Re: %s %s about the %s, part %u",
		    words[uid % 12], words[(uid / 12) % 12],
		    words[(uid / 144) % 12], uid);
		m.from_text = xasprintf("Person %u <person%u@example.test>",
		    uid % 500, uid % 500);
		m.to_text = xstrdup("Me <me@example.test>");
		m.message_id = xasprintf("%u.%u@example.test", uid, uid * 7);
		m.in_reply_to =
		    xasprintf("%u.%u@example.test", uid - 1, (uid - 1) * 7);
		m.headers =
		    xasprintf("Received: from mx.example.test by "
			      "imap.example.test\r\n"
			      "Subject: %s\r\nFrom: %s\r\n"
			      "To: %s\r\nMessage-ID: <%s>\r\n"
			      "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
			      "Content-Type: text/plain; charset=utf-8\r\n"
			      "\r\n",
			m.subject, m.from_text, m.to_text, m.message_id);
		m.parts = xstrdup("{\"type\":\"text/plain\",\"size\":2000}");
		t = now();
		check(store_msg_put(st, &m, &err), &err);
		in_put += now() - t;
		if (batch > 0 && uid % batch == 0) {
			t = now();
			check(store_folder_set_state(st, f.id, uid + 1, uid,
				  &err),
			    &err);
			check(store_commit(st, &err), &err);
			check(store_begin(st, &err), &err);
			in_commit += now() - t;
		}
	}
	t = now();
	check(store_folder_set_state(st, f.id, n + 1, n, &err), &err);
	check(store_commit(st, &err), &err);
	t1 = now();
	in_commit += t1 - t;
	/* The store's share leaves out building the messages above. */
	printf("insert: %u messages, %.2f s in store_msg_put, %.2f s in "
	       "commits (full-text index, log, checkpoint): %.0f messages/s "
	       "(%.0f/s with the building)\n",
	    n, in_put, in_commit, n / (in_put + in_commit), n / (t1 - t0));

	t0 = now();
	check(store_msg_select(st, f.id, NULL, NULL, 0, "date DESC", 0,
		  count_row, &rows, &err),
	    &err);
	t1 = now();
	printf("select all by date: %zu rows in %.3f s\n", rows, t1 - t0);

	rows = 0;
	t0 = now();
	check(store_msg_select(st, f.id, NULL, NULL, 0, "date DESC", 50,
		  count_row, &rows, &err),
	    &err);
	t1 = now();
	printf("select first screen: %zu rows in %.6f s\n", rows, t1 - t0);

	rows = 0;
	t0 = now();
	check(store_msg_select(st, f.id,
		  "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts "
		  "MATCH ?)",
		  &p, 1, "date DESC", 0, count_row, &rows, &err),
	    &err);
	t1 = now();
	printf("full-text search: %zu rows in %.3f s\n", rows, t1 - t0);

	t0 = now();
	check(store_msg_uids(st, f.id, &uids, &nuids, &err), &err);
	t1 = now();
	printf("uids: %zu in %.3f s\n", nuids, t1 - t0);
	free(uids);

	t0 = now();
	check(store_folder_reset(st, f.id, 2, &err), &err);
	t1 = now();
	printf("reset (delete all): %.2f s\n", t1 - t0);

	store_msg_release(&m);
	store_folder_release(&f);
	store_close(&st);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_store: cannot remove '%s'\n", dir);
	free(cmd);
	free(path);
	return 0;
}
