/*
 * Unit tests of src/sync/rules.c on a real cache (no server): the jobs a
 * run queues (grouped, flags before copies before moves), pending mail
 * hidden from listings and unmarked in the same transaction as its jobs,
 * a dry run that writes nothing, the whole-folder path and the list path
 * (each with its prefilters) agreeing with plain query_match of every rule
 * on every message, and rules that
 * cannot work (read-only or unknown destination, no Junk) left out with a
 * reason while the others run; rules on bodies reading the cached body on
 * every path; a local folder's plans carried out in the cache at once.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/store_pop.h"
#include "facteur/sync.h"

struct fixture {
	char dir[64];
	struct store *st;
	int64_t inbox;
	struct rules *rs;
};

static const char rules_text[] = "rule \"bills\"\n"
				 "  when from:@edf.fr or subject:facture\n"
				 "  then move Bills, flag\n"
				 "rule \"list\"\n"
				 "  when list:debian\n"
				 "  then read, keyword $List\n"
				 "  stop\n"
				 "rule \"after list\"\n"
				 "  when list:debian\n"
				 "  then move Never\n"
				 "rule \"copy big\"\n"
				 "  when size:>5000\n"
				 "  then copy Archive\n"
				 "rule \"to shared\"\n"
				 "  when subject:shared\n"
				 "  then move Shared/ro\n"
				 "rule \"typo\"\n"
				 "  when subject:typo\n"
				 "  then move Bils\n"
				 "rule \"spam\"\n"
				 "  when subject:viagra\n"
				 "  then spam\n"
				 "rule \"trash\"\n"
				 "  when subject:old\n"
				 "  then delete\n";

static void
folder(struct store *st, const char *name, const char *role, const char *rights,
    int64_t *id)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder f = STORE_FOLDER_INIT;

	f.name = xstrdup(name);
	f.raw_name = xstrdup(name);
	f.role = role != NULL ? xstrdup(role) : NULL;
	f.rights = rights != NULL ? xstrdup(rights) : NULL;
	f.delimiter = '/';
	if (store_folder_put(st, &f, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	if (id != NULL)
		*id = f.id;
	store_folder_release(&f);
}

static int64_t
msg(struct fixture *fx, uint32_t uid, const char *from, const char *subject,
    const char *list_id, uint64_t size, bool pending)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg m = STORE_MSG_INIT;

	m.folder_id = fx->inbox;
	m.uid = uid;
	m.from_text = (char *)from;
	m.subject = (char *)subject;
	m.list_id = (char *)list_id;
	m.size = size;
	if (store_msg_put(fx->st, &m, &err) != 0 ||
	    (pending && store_rules_pending_add(fx->st, m.id, &err) != 0))
		fail_msg("%s", fct_error_msg(&err));
	return m.id;
}

static int
setup(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct fixture *fx = xcalloc(1, sizeof *fx);
	char *path;

	strcpy(fx->dir, "/tmp/fct-rules-test.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	path = xasprintf("%s/c.sqlite", fx->dir);
	if (store_open(path, &fx->st, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	free(path);
	folder(fx->st, "INBOX", "inbox", NULL, &fx->inbox);
	folder(fx->st, "Bills", NULL, NULL, NULL);
	folder(fx->st, "Never", NULL, NULL, NULL);
	folder(fx->st, "Archive", "archive", NULL, NULL);
	folder(fx->st, "Trash", "trash", NULL, NULL);
	folder(fx->st, "Shared/ro", NULL, "lrs", NULL);
	assert_int_equal(rules_parse("r", rules_text, strlen(rules_text),
			     &fx->rs, &d),
	    0);
	config_diags_release(&d);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char *cmd = xasprintf("rm -rf '%s'", fx->dir);

	store_close(&fx->st);
	rules_free(&fx->rs);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(fx);
	return 0;
}

struct seen {
	struct strbuf lines;    /* "UID: plan" per message */
	struct strbuf problems; /* one a line */
};

static void
on_message(void *arg, const struct sync_rules_result *r)
{
	struct seen *s = arg;

	strbuf_addf(&s->lines, "%u: ", r->uid);
	rules_plan_describe(r->plan, &s->lines);
	strbuf_addf(&s->lines, " -> %s\n", r->dest != NULL ? r->dest : "-");
}

static void
on_problem(void *arg, const struct rule *r, const struct rule_action *a,
    const char *msg)
{
	struct seen *s = arg;

	(void)r;
	assert_non_null(a);
	assert_true(a >= r->actions && a < r->actions + r->nactions);
	strbuf_addf(&s->problems, "%s\n", msg);
}

static int
count_listed(const struct store_msg *m, void *arg)
{
	(void)m;
	(*(size_t *)arg)++;
	return 0;
}

/* Every queued job as "kind: payload" lines, removing them. */
static char *
take_jobs(struct store *st)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_job j = STORE_JOB_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *p;

	while (store_job_next(st, &j, &err) == 1) {
		for (p = j.payload; *p != '\0'; p++)
			if (*p == '\n')
				*p = ' ';
		strbuf_addf(&sb, "%s: %s\n", j.kind, j.payload);
		if (store_job_done(st, j.id, &err) != 0)
			fail_msg("%s", fct_error_msg(&err));
	}
	store_job_release(&j);
	return strbuf_detach(&sb, NULL);
}

static const char problems_want[] =
    "rule 'to shared': cannot move to 'Shared/ro': your rights there are "
    "'lrs' (read-only)\n"
    "rule 'typo': cannot move to 'Bils': no such folder (did you mean "
    "'Bills'?)\n"
    "rule 'spam': account 'a' has no Junk folder\n";

/* 3 stops at "list": neither "after list" nor "copy big" runs. */
static const char pending_want[] = "2: move 'Bills', flag -> Bills\n"
				   "3: read, keyword $List -> -\n"
				   "5: delete -> Trash\n";
/* Flags first, so that they travel with the message when it moves. */
static const char jobs_want[] =
    "flag: folder=INBOX uids=2 op=+ flags=4 \n"
    "flag: folder=INBOX uids=3 op=+ flags=1 keywords= $List  \n"
    "move: folder=INBOX uids=2 dest=Bills \n"
    "move: folder=INBOX uids=5 dest=Trash \n";

static void
test_pending(void **state)
{
	struct fixture *fx = *state;
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_rules_callbacks cb;
	struct sync_rules_stats stats;
	struct seen s = { STRBUF_INIT, STRBUF_INIT };
	size_t n = 0;
	char *jobs;

	cb.message = on_message;
	cb.problem = on_problem;
	cb.arg = &s;
	msg(fx, 1, "EDF <f@edf.fr>", "old bill", NULL, 100, false);
	msg(fx, 2, "EDF <f@edf.fr>", "votre facture", NULL, 100, true);
	msg(fx, 3, "d@lists", "hello", "debian-user", 9000, true);
	msg(fx, 4, "x@y", "nothing", NULL, 100, true);
	msg(fx, 5, "x@y", "old news", NULL, 100, true);

	/* Pending mail is hidden from listings, still counted. */
	assert_int_equal(store_msg_query(fx->st, fx->inbox, NULL, 0, NULL, 0,
			     count_listed, &n, &err),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(store_rules_pending_count(fx->st, fx->inbox, &n, &err),
	    0);
	assert_int_equal(n, 4);

	/* Dry run: told, nothing written. */
	assert_int_equal(sync_rules_apply(fx->st, "a", fx->rs, "INBOX", NULL, 0,
			     SYNC_RULES_PENDING | SYNC_RULES_DRY_RUN, 0, &cb,
			     &stats, &err),
	    0);
	assert_string_equal(s.lines.buf, pending_want);
	assert_string_equal(s.problems.buf, problems_want);
	assert_int_equal(stats.jobs, 0);
	assert_int_equal(stats.matched, 3);
	assert_int_equal(stats.skipped_rules, 3);
	assert_int_equal(store_job_count(fx->st, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_rules_pending_count(fx->st, fx->inbox, &n, &err),
	    0);
	assert_int_equal(n, 4);

	/* For real: the jobs, grouped and in order, and nothing pending. */
	strbuf_reset(&s.lines);
	strbuf_reset(&s.problems);
	assert_int_equal(sync_rules_apply(fx->st, "a", fx->rs, "INBOX", NULL, 0,
			     SYNC_RULES_PENDING, 0, &cb, &stats, &err),
	    0);
	assert_string_equal(s.lines.buf, pending_want);
	assert_int_equal(stats.jobs, 4);
	assert_int_equal(stats.moved, 2);
	jobs = take_jobs(fx->st);
	assert_string_equal(jobs, jobs_want);
	free(jobs);
	assert_int_equal(store_rules_pending_count(fx->st, fx->inbox, &n, &err),
	    0);
	assert_int_equal(n, 0);
	n = 0;
	assert_int_equal(store_msg_query(fx->st, fx->inbox, NULL, 0, NULL, 0,
			     count_listed, &n, &err),
	    0);
	assert_int_equal(n, 5);

	/* Once: a second run finds nothing pending and queues nothing. */
	strbuf_reset(&s.lines);
	assert_int_equal(sync_rules_apply(fx->st, "a", fx->rs, "INBOX", NULL, 0,
			     SYNC_RULES_PENDING, 0, &cb, &stats, &err),
	    0);
	assert_int_equal(stats.jobs, 0);
	assert_string_equal(s.lines.buf, "");
	strbuf_release(&s.lines);
	strbuf_release(&s.problems);
}

/*
 * The reference: plain query_match of every rule that can work here, in
 * order, on each cached message, as on_message prints it. No prefilter,
 * no walk: what the paths of sync_rules_apply must agree with.
 */
static void
reference(struct fixture *fx, const uint32_t *uids, size_t n,
    struct strbuf *out)
{
	static const char *const unusable[] = { "to shared", "typo", "spam" };
	struct fct_error err = FCT_ERROR_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct rules_plan plan = RULES_PLAN_INIT;
	struct query_msg q;
	const struct rule *r;
	const char *dest;
	size_t i, k, u;
	bool skip;

	for (u = 0; u < n; u++) {
		assert_int_equal(store_msg_get(fx->st, fx->inbox, uids[u], &m,
				     &err),
		    1);
		memset(&q, 0, sizeof q);
		q.from = m.from_text;
		q.subject = m.subject;
		q.list_id = m.list_id;
		q.size = m.size;
		for (i = 0; i < fx->rs->n && !plan.stopped; i++) {
			r = &fx->rs->v[i];
			for (skip = false, k = 0; k < FCT_ARRAY_LEN(unusable);
			     k++)
				skip |= strcmp(r->name, unusable[k]) == 0;
			if (!skip && query_match(r->when, &q, 0))
				rules_plan_add(&plan, r);
		}
		if (plan.nrules > 0) {
			strbuf_addf(out, "%u: ", uids[u]);
			rules_plan_describe(&plan, out);
			dest = plan.dest == NULL ? NULL
			    : plan.dest->kind == RULE_ACTION_DELETE
			    ? "Trash"
			    : plan.dest->arg;
			strbuf_addf(out, " -> %s\n", dest != NULL ? dest : "-");
		}
		rules_plan_release(&plan);
	}
	store_msg_release(&m);
}

/*
 * The whole folder (one pass with the literal prefilter, SQL for body
 * rules) and a list (message by message, with the same prefilters) give
 * the same plans, and those of plain query_match.
 */
static void
test_bulk_agrees(void **state)
{
	struct fixture *fx = *state;
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_rules_callbacks cb;
	struct sync_rules_stats stats;
	struct seen bulk = { STRBUF_INIT, STRBUF_INIT },
		    list = { STRBUF_INIT, STRBUF_INIT };
	struct strbuf ref = STRBUF_INIT;
	uint32_t uids[204];
	char subject[64], from[64];
	size_t i;

	for (i = 0; i < 200; i++) {
		snprintf(from, sizeof from, "%s%zu@%s", i % 3 ? "a" : "b", i,
		    i % 7 ? "example.org" : "edf.fr");
		snprintf(subject, sizeof subject, "%s %zu",
		    i % 5 == 0        ? "Facture"
			: i % 11 == 0 ? "old"
				      : "hi",
		    i);
		msg(fx, (uint32_t)i + 1, from, subject,
		    i % 4 == 0 ? "debian-user.lists" : NULL, 1000 + 50 * i,
		    i % 9 == 0);
		uids[i] = (uint32_t)i + 1;
	}
	/* Case, accents and 8-bit bytes, where a prefilter could go wrong. */
	msg(fx, 201, "ÉDF <X@EDF.FR>", "FACTURE", NULL, 10, false);
	msg(fx, 202, "\xff\xfe <a@b>", "Facturé \xc3", "DEBIAN-USER", 10,
	    false);
	msg(fx, 203, NULL, NULL, NULL, 10, false);
	msg(fx, 204, "x@edf.frx", "old facture", "debian", 6000, false);
	for (i = 200; i < 204; i++)
		uids[i] = (uint32_t)i + 1;
	cb.message = on_message;
	cb.problem = NULL;
	cb.arg = &bulk;
	assert_int_equal(sync_rules_apply(fx->st, "a", fx->rs, "INBOX", NULL, 0,
			     SYNC_RULES_DRY_RUN, 0, &cb, &stats, &err),
	    0);
	cb.arg = &list;
	assert_int_equal(sync_rules_apply(fx->st, "a", fx->rs, "INBOX", uids,
			     204, SYNC_RULES_DRY_RUN, 0, &cb, &stats, &err),
	    0);
	assert_true(bulk.lines.len > 1000);
	assert_string_equal(bulk.lines.buf, list.lines.buf);
	reference(fx, uids, 204, &ref);
	assert_string_equal(ref.buf, list.lines.buf);
	strbuf_release(&ref);

	/* Applied to the whole folder, the pending mail is done too. */
	assert_int_equal(sync_rules_apply(fx->st, "a", fx->rs, "INBOX", NULL, 0,
			     0, 0, NULL, &stats, &err),
	    0);
	assert_true(stats.jobs > 0);
	assert_int_equal(store_rules_pending_count(fx->st, 0, &i, &err), 0);
	assert_int_equal(i, 0);
	strbuf_release(&bulk.lines);
	strbuf_release(&list.lines);
}

/* A message with a body in the cache (text: its searchable text). */
static void
with_body(struct fixture *fx, int64_t id, const char *text)
{
	struct fct_error err = FCT_ERROR_INIT;

	if (store_body_put(fx->st, id, text, strlen(text), text, 0, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
}

/*
 * Rules on bodies see the cached body's text on every path: pending mail,
 * a list of UIDs, the whole folder (SQL); mail without a body has none.
 */
static void
test_bodies(void **state)
{
	static const char text[] = "rule \"zebra\"\n"
				   "  when body:zebra\n"
				   "  then flag\n"
				   "rule \"free word\"\n"
				   "  when girafe\n"
				   "  then read\n";
	struct fixture *fx = *state;
	struct fct_error err = FCT_ERROR_INIT;
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct sync_rules_callbacks cb = { on_message, NULL, NULL };
	struct sync_rules_stats stats;
	struct seen pending = { STRBUF_INIT, STRBUF_INIT },
		    list = { STRBUF_INIT, STRBUF_INIT },
		    bulk = { STRBUF_INIT, STRBUF_INIT };
	struct rules *rs = NULL;
	static const uint32_t uids[] = { 1, 2, 3, 4 };

	assert_int_equal(rules_parse("b", text, strlen(text), &rs, &d), 0);
	config_diags_release(&d);
	with_body(fx, msg(fx, 1, "a@b", "one", NULL, 10, true), "a ZEBRA here");
	msg(fx, 2, "a@b", "two zebra", NULL, 10, true); /* no body */
	with_body(fx, msg(fx, 3, "a@b", "three", NULL, 10, true), "girafe");
	with_body(fx, msg(fx, 4, "a@b", "four", NULL, 10, false), "zebra");
	cb.arg = &pending;
	assert_int_equal(sync_rules_apply(fx->st, "a", rs, "INBOX", NULL, 0,
			     SYNC_RULES_PENDING | SYNC_RULES_DRY_RUN, 0, &cb,
			     &stats, &err),
	    0);
	assert_string_equal(pending.lines.buf,
	    "1: flag -> -\n"
	    "3: read -> -\n");
	cb.arg = &list;
	assert_int_equal(sync_rules_apply(fx->st, "a", rs, "INBOX", uids, 4,
			     SYNC_RULES_DRY_RUN, 0, &cb, &stats, &err),
	    0);
	assert_string_equal(list.lines.buf,
	    "1: flag -> -\n"
	    "3: read -> -\n"
	    "4: flag -> -\n");
	cb.arg = &bulk;
	assert_int_equal(sync_rules_apply(fx->st, "a", rs, "INBOX", NULL, 0,
			     SYNC_RULES_DRY_RUN, 0, &cb, &stats, &err),
	    0);
	assert_string_equal(bulk.lines.buf, list.lines.buf);
	rules_free(&rs);
	strbuf_release(&pending.lines);
	strbuf_release(&list.lines);
	strbuf_release(&bulk.lines);
}

/* The folder's message uid: "flags keywords" (or "gone"). */
static char *
state_of(struct store *st, const char *folder, uint32_t uid)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder f = STORE_FOLDER_INIT;
	struct store_msg m = STORE_MSG_INIT;
	char *s;

	if (store_folder_get(st, folder, &f, &err) != 1 ||
	    store_msg_get(st, f.id, uid, &m, &err) != 1)
		s = xstrdup("gone");
	else {
		/* Keywords trimmed: local flag jobs keep " kw " padding. */
		const char *k = m.keywords != NULL ? m.keywords : "-";
		size_t len;

		k += strspn(k, " ");
		len = strlen(k);
		while (len > 0 && k[len - 1] == ' ')
			len--;
		s = xasprintf("%u %.*s", m.flags, (int)len, k);
	}
	store_msg_release(&m);
	store_folder_release(&f);
	fct_error_release(&err);
	return s;
}

/*
 * A local folder (a POP3 account's): the plans are carried out in the
 * cache at once, with no job; destinations are created, spam goes to a
 * local Junk created with its role (not the server's Trash-like folders
 * of the fixture), copy and a server's folder as destination are refused
 * with the reason, and the other rules still run.
 */
static void
test_local(void **state)
{
	static const char text[] =
	    "rule \"bills\"\n"
	    "  folder Local\n"
	    "  when subject:facture\n"
	    "  then move Local/Bills, flag, keyword $Bill\n"
	    "rule \"spam\"\n"
	    "  folder Local\n"
	    "  when subject:viagra\n"
	    "  then spam\n"
	    "rule \"copy\"\n"
	    "  folder Local\n"
	    "  when subject:facture\n"
	    "  then copy Local/Copies\n"
	    "rule \"to server\"\n"
	    "  folder Local\n"
	    "  when subject:facture\n"
	    "  then move Bills\n";
	struct fixture *fx = *state;
	struct fct_error err = FCT_ERROR_INIT;
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct store_folder local = STORE_FOLDER_INIT, junk = STORE_FOLDER_INIT;
	struct seen s = { STRBUF_INIT, STRBUF_INIT };
	struct sync_rules_callbacks cb = { on_message, on_problem, &s };
	struct sync_rules_stats stats;
	struct rules *rs = NULL;
	size_t n;
	char *st;

	assert_int_equal(rules_parse("l", text, strlen(text), &rs, &d), 0);
	config_diags_release(&d);
	if (store_local_folder(fx->st, "Local", NULL, &local, &err) != 0)
		fail_msg("%s", fct_error_msg(&err));
	fx->inbox = local.id; /* msg() fills this folder now */
	msg(fx, 1, "a@b", "votre facture", NULL, 10, true);
	msg(fx, 2, "a@b", "viagra", NULL, 10, true);
	msg(fx, 3, "a@b", "bonjour", NULL, 10, true);
	assert_int_equal(sync_rules_apply(fx->st, "a", rs, "Local", NULL, 0,
			     SYNC_RULES_PENDING, 0, &cb, &stats, &err),
	    0);
	assert_string_equal(s.problems.buf,
	    "rule 'copy': cannot copy in local folder 'Local': a POP3 "
	    "account's message has one copy (use move)\n"
	    "rule 'to server': cannot move to 'Bills': it is a server's "
	    "folder, and 'Local' is local\n");
	assert_string_equal(s.lines.buf,
	    "1: move 'Local/Bills', flag, keyword $Bill -> Local/Bills\n"
	    "2: spam -> Junk\n");
	assert_int_equal(stats.jobs, 0);
	assert_int_equal(stats.moved, 2);
	assert_int_equal(store_job_count(fx->st, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_rules_pending_count(fx->st, 0, &n, &err), 0);
	assert_int_equal(n, 0);
	/* Moved with its flags (4: flagged) and keyword; a new local UID. */
	st = state_of(fx->st, "Local/Bills", 1);
	assert_string_equal(st, "4 $Bill");
	free(st);
	st = state_of(fx->st, "Local", 1);
	assert_string_equal(st, "gone");
	free(st);
	st = state_of(fx->st, "Junk", 1);
	assert_string_equal(st, "0 -");
	free(st);
	st = state_of(fx->st, "Local", 3);
	assert_string_equal(st, "0 -");
	free(st);
	assert_int_equal(store_folder_get(fx->st, "Junk", &junk, &err), 1);
	assert_non_null(junk.role);
	assert_string_equal(junk.role, "junk");
	assert_int_equal(store_folder_is_local(fx->st, junk.id, &err), 1);
	store_folder_release(&junk);
	store_folder_release(&local);
	rules_free(&rs);
	strbuf_release(&s.lines);
	strbuf_release(&s.problems);
}

/* Rules on a read-only folder, and an unknown folder. */
static void
test_refusals(void **state)
{
	struct fixture *fx = *state;
	struct fct_error err = FCT_ERROR_INIT;
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct sync_rules_callbacks cb;
	struct sync_rules_stats stats;
	struct seen s = { STRBUF_INIT, STRBUF_INIT };
	struct rules *rs = NULL;
	static const char text[] = "rule \"ro\"\n"
				   "  folder Shared/ro\n"
				   "  when subject:x\n"
				   "  then flag\n"
				   "rule \"ok\"\n"
				   "  folder Shared/ro\n"
				   "  when subject:x\n"
				   "  then copy Bills\n";

	assert_int_equal(rules_parse("r", text, strlen(text), &rs, &d), 0);
	cb.message = on_message;
	cb.problem = on_problem;
	cb.arg = &s;
	assert_int_equal(sync_rules_apply(fx->st, "a", rs, "Shared/ro", NULL, 0,
			     0, 0, &cb, &stats, &err),
	    0);
	assert_string_equal(s.problems.buf,
	    "rule 'ro': cannot flag in 'Shared/ro': your rights there are "
	    "'lrs' (read-only)\n");
	assert_int_equal(stats.skipped_rules, 1);
	assert_int_equal(sync_rules_apply(fx->st, "a", rs, "Nope", NULL, 0, 0,
			     0, &cb, &stats, &err),
	    -1);
	assert_string_equal(fct_error_msg(&err),
	    "no folder 'Nope' in the cache of account 'a'");
	fct_error_release(&err);
	rules_free(&rs);
	config_diags_release(&d);
	strbuf_release(&s.lines);
	strbuf_release(&s.problems);
}

/* A rule drafted from a message files it where the last such one went. */
static void
test_draft(void **state)
{
	struct fixture *fx = *state;
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder bills = STORE_FOLDER_INIT,
			    trash = STORE_FOLDER_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(store_folder_get(fx->st, "Bills", &bills, &err), 1);
	assert_int_equal(store_folder_get(fx->st, "Trash", &trash, &err), 1);
	/* Older in Bills, newer in Trash (which does not count). */
	m.folder_id = bills.id;
	m.uid = 7;
	m.from_text = (char *)"EDF <f@edf.fr>";
	m.date = 1000;
	assert_int_equal(store_msg_put(fx->st, &m, &err), 0);
	m.folder_id = trash.id;
	m.date = 2000;
	assert_int_equal(store_msg_put(fx->st, &m, &err), 0);
	msg(fx, 1, "EDF Clients <F@EDF.FR>", "facture", NULL, 10, false);
	msg(fx, 2, "nobody@x", "hello", NULL, 10, false);

	assert_int_equal(sync_rules_draft(fx->st, fx->rs, "INBOX", 1, 0, &sb,
			     &err),
	    0);
	assert_string_equal(sb.buf,
	    "\nrule \"from F@EDF.FR\"\n  when from:\"F@EDF.FR\"\n"
	    "  then move \"Bills\"\n");
	strbuf_reset(&sb);
	assert_int_equal(sync_rules_draft(fx->st, fx->rs, "INBOX", 2, 0, &sb,
			     &err),
	    0);
	assert_string_equal(sb.buf,
	    "\nrule \"from nobody@x\"\n  when from:\"nobody@x\"\n"
	    "  then move \"CHOOSE A FOLDER\"\n");
	assert_int_equal(sync_rules_draft(fx->st, fx->rs, "INBOX", 99, 0, &sb,
			     &err),
	    -1);
	assert_string_equal(fct_error_msg(&err), "no message 99 in 'INBOX'");
	fct_error_release(&err);
	strbuf_release(&sb);
	store_folder_release(&bills);
	store_folder_release(&trash);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_agrees, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draft, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
