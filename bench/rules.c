/*
 * bench/rules: 200 rules against a folder of 100,000 cached messages, not
 * a test. Builds a synthetic cache (once per run, in a temporary
 * directory), then times sync_rules_apply on the whole folder: the dry run
 * (evaluation only: one pass over the rows with each rule's literal
 * prefilter, SQL for rules on bodies, then the plans per message), the real
 * run (the same plus the jobs and the commit), every UID as a list, and a
 * list of tagged messages (every 100th UID) as the index's tagged-message
 * key passes it, against the list path of before (store_msg_get and
 * query_match of every rule, no prefilter), in the same run.
 * doc/benchmarks.md has the figures.
 *
 *	bench/rules [messages] [rules]
 *
 * FCT_BENCH_NO_LIST=1 skips the list path of every UID,
 * FCT_BENCH_DRY_ONLY=1 times the dry run alone, FCT_BENCH_PER_KIND=1 times
 * one SQL query per rule by kind (CPU time), FCT_BENCH_WALK=1 times
 * query_match alone on every row, FCT_BENCH_KEEP=1 keeps the cache.
 *
 * The rules are what a heavy user writes: a sender's domain, a list, a
 * subject word, a header, a few `stop`s and negations; each matches a
 * fraction of a percent of the messages, as real rules do.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facteur/sync.h"

#define RUNS 3

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process: less at the mercy of a loaded machine. */
static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
check(int rc, const struct fct_error *err)
{
	if (rc != 0) {
		fprintf(stderr, "bench/rules: %s\n", fct_error_msg(err));
		exit(1);
	}
}

static void
add_folder(struct store *st, const char *name, const char *role, int64_t *id)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder f = STORE_FOLDER_INIT;

	f.name = xstrdup(name);
	f.raw_name = xstrdup(name);
	f.role = role != NULL ? xstrdup(role) : NULL;
	f.delimiter = '/';
	check(store_folder_put(st, &f, &err), &err);
	if (id != NULL)
		*id = f.id;
	store_folder_release(&f);
}

static void
seed(struct store *st, int64_t inbox, size_t n)
{
	static const char *const words[] = { "meeting", "invoice", "report",
		"hello", "update", "question", "order", "news", "ticket",
		"photos" };
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg m = STORE_MSG_INIT;
	char from[96], subject[96], list[64], headers[256];
	char to[] = "me@example.test";
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 10000 == 0)
			check(store_begin(st, &err), &err);
		snprintf(from, sizeof from,
		    "Person %zu <p%zu@sender%zu.example>", i % 5000, i % 5000,
		    (i * 7) % 1000);
		snprintf(subject, sizeof subject, "%s %s topic%zu #%zu",
		    words[i % 10], words[(i / 10) % 10], (i * 13) % 400, i);
		snprintf(list, sizeof list, "list%zu.lists.example", i % 300);
		snprintf(headers, sizeof headers,
		    "From: %s\r\nSubject: %s\r\nX-Priority: %zu\r\n\r\n", from,
		    subject, i % 5);
		memset(&m, 0, sizeof m);
		m.folder_id = inbox;
		m.uid = (uint32_t)i + 1;
		m.from_text = from;
		m.to_text = to;
		m.subject = subject;
		m.list_id = i % 5 == 0 ? list : NULL;
		m.headers = headers;
		m.size = 2000 + (i * 37) % 100000;
		m.date = 1700000000 + (int64_t)i * 60;
		m.internaldate = m.date;
		m.flags = i % 3 == 0 ? FCT_FLAG_SEEN : 0;
		check(store_msg_put(st, &m, &err), &err);
		if (i % 10000 == 9999 || i + 1 == n)
			check(store_commit(st, &err), &err);
	}
}

/* Rule i of n, in the file's syntax. */
static void
add_rule(struct strbuf *sb, size_t i)
{
	strbuf_addf(sb, "rule \"r%zu\"\n", i);
	switch (i % 8) {
	case 0:
		strbuf_addf(sb, "  when from:@sender%zu.example\n",
		    i * 3 % 1000);
		strbuf_addf(sb, "  then move Folder%zu, flag\n", i % 50);
		break;
	case 1:
		strbuf_addf(sb, "  when list:list%zu.lists.example\n", i % 300);
		strbuf_addf(sb, "  then move Lists/L%zu, read\n  stop\n",
		    i % 50);
		break;
	case 2:
		strbuf_addf(sb, "  when subject:\"topic%zu \"\n", i % 400);
		strbuf_addstr(sb, "  then keyword $Topic\n");
		break;
	case 3:
		strbuf_addf(sb, "  when from:p%zu@ and not subject:hello\n",
		    i * 11 % 5000);
		strbuf_addstr(sb, "  then flag\n");
		break;
	case 4:
		strbuf_addf(sb,
		    "  when (from:sender%zu.example or "
		    "subject:\"invoice topic%zu \") and is:unread\n",
		    i % 1000, i % 400);
		strbuf_addf(sb, "  then copy Archive%zu\n", i % 10);
		break;
	case 5:
		strbuf_addf(sb,
		    "  when header:X-Priority:%zu subject:ticket "
		    "from:@sender%zu.example\n",
		    i % 5, i % 1000);
		strbuf_addstr(sb, "  then read\n");
		break;
	case 6:
		strbuf_addf(sb, "  when subject:\"#%zu\"\n", i * 499);
		strbuf_addstr(sb, "  then delete\n");
		break;
	default:
		strbuf_addf(sb, "  when size:>%zuk from:sender%zu\n",
		    90 + i % 9, i % 1000);
		strbuf_addstr(sb, "  then spam\n");
		break;
	}
	strbuf_addch(sb, '\n');
}

struct walk {
	const struct rules *rs;
	size_t pairs;
};

/* One pass: every rule on each row, in memory. */
static int
walk_row(const struct store_msg *m, void *arg)
{
	struct walk *w = arg;
	struct query_msg q;
	size_t i;

	memset(&q, 0, sizeof q);
	q.from = m->from_text;
	q.to = m->to_text;
	q.subject = m->subject;
	q.list_id = m->list_id;
	q.headers = m->headers;
	q.flags = m->flags;
	q.size = m->size;
	q.date = (time_t)m->date;
	for (i = 0; i < w->rs->n; i++)
		if (query_match(w->rs->v[i].when, &q, 1800000000))
			w->pairs++;
	return 0;
}

/*
 * The list path as it was before the prefilters (for the ratio, in the
 * same run): each UID read with store_msg_get, every rule's query_match.
 */
static size_t
old_list(struct store *st, int64_t inbox, const struct rules *rs,
    const uint32_t *uids, size_t n)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct walk w = { rs, 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		check(store_msg_get(st, inbox, uids[i], &m, &err) < 0 ? -1 : 0,
		    &err);
		walk_row(&m, &w);
	}
	store_msg_release(&m);
	return w.pairs;
}

static int
count(const struct store_msg *m, void *arg)
{
	(void)m;
	(*(size_t *)arg)++;
	return 0;
}

static int
by_time(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct strbuf text = STRBUF_INIT;
	struct sync_rules_stats stats;
	struct rules *rs = NULL;
	struct store *st = NULL;
	size_t nmsg = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t nrules = argc > 2 ? strtoul(argv[2], NULL, 10) : 200;
	char dir[] = "/tmp/fct-bench-rules.XXXXXX", *path, *cmd, name[32];
	double t0, c0, dry[RUNS], real[RUNS], mem[RUNS], dry_cpu[RUNS],
	    tag_new[RUNS], tag_old[RUNS];
	uint32_t *uids, *tagged;
	size_t ntagged = 0;
	int64_t inbox;
	size_t i, r;

	if (mkdtemp(dir) == NULL) {
		perror("bench/rules: mkdtemp");
		return 1;
	}
	path = xasprintf("%s/cache.sqlite", dir);
	check(store_open(path, &st, &err), &err);
	add_folder(st, "INBOX", "inbox", &inbox);
	add_folder(st, "Trash", "trash", NULL);
	add_folder(st, "Junk", "junk", NULL);
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof name, "Folder%zu", i);
		add_folder(st, name, NULL, NULL);
		snprintf(name, sizeof name, "Lists/L%zu", i);
		add_folder(st, name, NULL, NULL);
		snprintf(name, sizeof name, "Archive%zu", i % 10);
		if (i < 10)
			add_folder(st, name, NULL, NULL);
	}
	t0 = now();
	seed(st, inbox, nmsg);
	fprintf(stderr, "seeded %zu messages in %.1f s\n", nmsg, now() - t0);
	for (i = 0; i < nrules; i++)
		add_rule(&text, i);
	if (rules_parse("bench", text.buf, text.len, &rs, &d) != 0) {
		config_diags_print(&d, stderr);
		return 1;
	}
	uids = xreallocarray(NULL, nmsg, sizeof *uids);
	for (i = 0; i < nmsg; i++)
		uids[i] = (uint32_t)i + 1;
	tagged = xreallocarray(NULL, nmsg / 100 + 1, sizeof *tagged);
	for (i = 0; i < nmsg; i += 100)
		tagged[ntagged++] = (uint32_t)i + 1;

	if (getenv("FCT_BENCH_WALK") != NULL) {
		struct walk w = { rs, 0 };

		t0 = now();
		check(store_msg_query(st, inbox, NULL, 0, "uid ASC", 0,
			  walk_row, &w, &err),
		    &err);
		printf("one pass in memory: %.3f s, %zu pairs\n", now() - t0,
		    w.pairs);
	}
	if (getenv("FCT_BENCH_PER_KIND") != NULL) {
		double kind[8] = { 0 };
		size_t hits[8] = { 0 };

		/* CPU time: the machine is shared. */
		for (i = 0; i < rs->n; i++) {
			t0 = cpu();
			check(store_rules_query(st, inbox, rs->v[i].when,
				  1800000000, count, &hits[i % 8], &err),
			    &err);
			kind[i % 8] += cpu() - t0;
		}
		for (i = 0; i < 8; i++)
			printf("kind %zu: %.3f s CPU, %zu rows\n", i, kind[i],
			    hits[i]);
	}
	for (r = 0; r < RUNS; r++) {
		t0 = now();
		c0 = cpu();
		check(sync_rules_apply(st, "a", rs, "INBOX", NULL, 0,
			  SYNC_RULES_DRY_RUN, 1800000000, NULL, &stats, &err),
		    &err);
		dry[r] = now() - t0;
		dry_cpu[r] = cpu() - c0;
		/* Tagged messages: the new list path, then the old one. */
		c0 = cpu();
		check(sync_rules_apply(st, "a", rs, "INBOX", tagged, ntagged,
			  SYNC_RULES_DRY_RUN, 1800000000, NULL, &stats, &err),
		    &err);
		tag_new[r] = cpu() - c0;
		c0 = cpu();
		(void)old_list(st, inbox, rs, tagged, ntagged);
		tag_old[r] = cpu() - c0;
		if (getenv("FCT_BENCH_DRY_ONLY") != NULL) {
			mem[r] = real[r] = 0;
			continue;
		}
		t0 = now();
		if (getenv("FCT_BENCH_NO_LIST") == NULL)
			check(sync_rules_apply(st, "a", rs, "INBOX", uids, nmsg,
				  SYNC_RULES_DRY_RUN, 1800000000, NULL, &stats,
				  &err),
			    &err);
		mem[r] = now() - t0;
		t0 = now();
		check(sync_rules_apply(st, "a", rs, "INBOX", NULL, 0, 0,
			  1800000000, NULL, &stats, &err),
		    &err);
		real[r] = now() - t0;
	}
	qsort(dry, RUNS, sizeof *dry, by_time);
	qsort(dry_cpu, RUNS, sizeof *dry_cpu, by_time);
	qsort(mem, RUNS, sizeof *mem, by_time);
	qsort(real, RUNS, sizeof *real, by_time);
	qsort(tag_new, RUNS, sizeof *tag_new, by_time);
	qsort(tag_old, RUNS, sizeof *tag_old, by_time);
	printf("%zu rules, %zu messages: %u matched, %u jobs\n", rs->n, nmsg,
	    stats.matched, stats.jobs);
	printf("whole folder, dry run: median %.3f s (CPU %.3f s)\n",
	    dry[RUNS / 2], dry_cpu[RUNS / 2]);
	printf("whole folder, jobs queued and committed: median %.3f s\n",
	    real[RUNS / 2]);
	printf("every UID as a list, dry run: median %.3f s\n", mem[RUNS / 2]);
	printf("%zu tagged UIDs, dry run: CPU median %.4f s, %.0f ns per "
	       "(message, rule)\n",
	    ntagged, tag_new[RUNS / 2],
	    tag_new[RUNS / 2] * 1e9 / ((double)ntagged * (double)rs->n));
	printf("%zu tagged UIDs, the list path before (store_msg_get, "
	       "query_match): CPU median %.4f s, %.0f ns per (message, rule); "
	       "ratio %.1fx\n",
	    ntagged, tag_old[RUNS / 2],
	    tag_old[RUNS / 2] * 1e9 / ((double)ntagged * (double)rs->n),
	    tag_new[RUNS / 2] > 0 ? tag_old[RUNS / 2] / tag_new[RUNS / 2] : 0);

	free(uids);
	free(tagged);
	rules_free(&rs);
	config_diags_release(&d);
	strbuf_release(&text);
	store_close(&st);
	if (getenv("FCT_BENCH_KEEP") != NULL) {
		fprintf(stderr, "kept %s\n", path);
		free(path);
		return 0;
	}
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench/rules: cannot remove '%s'\n", dir);
	free(cmd);
	free(path);
	return 0;
}
