/*
 * A benchmark of offline search, not a test: store_msg_query() across
 * folders on a synthetic cache, first at schema version 1 (no date index,
 * every text term tested by fct_match on every row), then after the
 * upgrade to version 2 (date index, trigram prefilter). doc/store.md has
 * the figures. Built by `make` (bench/local.mk), installed nowhere; it
 * needs libquery.a, which the store's tests do not link. From a build
 * directory:
 *
 *	bench/search [messages]
 *
 * (default 100000 messages in 4 folders; a body for one in five).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facteur/query.h"
#include "private.h"

#define RUNS 7

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
		fprintf(stderr, "search: %s\n", fct_error_msg(err));
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

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
fill(struct store *st, uint32_t n)
{
	static const char *const words[] = { "invoice", "meeting", "lunch",
		"report", "urgent", "holiday", "release", "review", "budget",
		"café", "réunion", "planning" };
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg m = STORE_MSG_INIT;
	int64_t folders[4];
	char *text;
	uint32_t uid;
	size_t i;

	for (i = 0; i < 4; i++) {
		struct store_folder f = STORE_FOLDER_INIT;

		f.name = xasprintf("Folder%zu", i);
		check(store_folder_put(st, &f, &err), &err);
		folders[i] = f.id;
		store_folder_release(&f);
	}
	check(store_begin(st, &err), &err);
	for (uid = 1; uid <= n; uid++) {
		store_msg_release(&m);
		m.folder_id = folders[uid % 4];
		m.uid = uid;
		m.size = 2000 + uid % 50000;
		m.date = 1600000000 + (int64_t)uid * 600;
		m.internaldate = m.date + 5;
		m.subject = xasprintf("Re: %s %s about the %s, part %u",
		    words[uid % 12], words[(uid / 12) % 12],
		    words[(uid / 144) % 12], uid);
		m.from_text = xasprintf("Person %u <person%u@example%u.test>",
		    uid % 500, uid % 500, uid % 10);
		m.to_text = xstrdup("Me <me@example.test>");
		m.message_id = xasprintf("%u.%u@example.test", uid, uid * 7);
		m.headers = xasprintf("Subject: %s\r\nFrom: %s\r\nTo: %s\r\n"
				      "Message-ID: <%s>\r\n\r\n",
		    m.subject, m.from_text, m.to_text, m.message_id);
		check(store_msg_put(st, &m, &err), &err);
		if (uid % 5 == 0) {
			text = xasprintf(
			    "Hello,\n\nplease find the %s for the %s "
			    "attached. The %s is on the agenda of the next "
			    "%s; tell me if the %s needs another look.\n\n"
			    "Regards,\nPerson %u\n",
			    words[(uid / 5) % 12], words[(uid / 7) % 12],
			    words[(uid / 11) % 12], words[(uid / 13) % 12],
			    words[(uid / 17) % 12], uid % 500);
			check(store_body_put(st, m.id, text, strlen(text), text,
				  0, &err),
			    &err);
			free(text);
		}
	}
	check(store_commit(st, &err), &err);
	store_msg_release(&m);
}

static void
run(struct store *st, const char *label)
{
	static const char *const queries[] = {
		"from:@example3.test",
		"budget",
		"date:2021-03",
		"from:person42@ budget",
	};
	static const size_t limits[] = { 0, 50 };
	struct fct_error err = FCT_ERROR_INIT;
	struct query *q;
	double t[RUNS], t0;
	size_t i, j, k, rows = 0;

	for (i = 0; i < FCT_ARRAY_LEN(queries); i++) {
		check(query_parse(queries[i], &q, &err), &err);
		for (j = 0; j < FCT_ARRAY_LEN(limits); j++) {
			for (k = 0; k < RUNS; k++) {
				rows = 0;
				t0 = now();
				check(store_msg_query(st, 0, q, 1700000000,
					  "date DESC", limits[j], count_row,
					  &rows, &err),
				    &err);
				t[k] = now() - t0;
			}
			qsort(t, RUNS, sizeof *t, cmp_double);
			printf("%s: %-24s limit %-2zu %6zu rows  median %7.1f "
			       "ms  (min %.1f, max %.1f)\n",
			    label, queries[i], limits[j], rows,
			    t[RUNS / 2] * 1e3, t[0] * 1e3, t[RUNS - 1] * 1e3);
		}
		query_free(&q);
	}
}

int
main(int argc, char **argv)
{
	struct fct_error err = FCT_ERROR_INIT;
	char dir[] = "/tmp/facteur-bench-XXXXXX", *path, *cmd;
	uint32_t n = 100000;
	struct store *st;
	double t0;

	if (argc > 1)
		n = (uint32_t)strtoul(argv[1], NULL, 10);
	if (n == 0 || mkdtemp(dir) == NULL)
		return 2;
	path = xasprintf("%s/bench.db", dir);

	/* Version 1: what the search did before. */
	check(store_open_with(path, store_schema_steps, 1, &st, &err), &err);
	t0 = now();
	fill(st, n);
	printf("filled %u messages at schema 1 in %.1f s\n", n, now() - t0);
	run(st, "v1");
	store_close(&st);

	t0 = now();
	check(store_open(path, &st, &err), &err);
	printf("upgrade to schema 2 (date index, trigram index of every "
	       "row): %.1f s\n",
	    now() - t0);
	run(st, "v2");
	store_close(&st);

	if (getenv("BENCH_KEEP") != NULL) { /* for EXPLAIN in sqlite3 */
		printf("kept %s\n", path);
		free(path);
		return 0;
	}
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "search: cannot remove '%s'\n", dir);
	free(cmd);
	free(path);
	return 0;
}
