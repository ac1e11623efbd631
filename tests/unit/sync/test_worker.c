/*
 * Unit tests of src/sync/worker.c that need no server: the back-off
 * schedule, and a worker whose server refuses every connection (offline
 * events with reasons, growing delays up to the cap, an immediate attempt
 * when a request arrives, a prompt stop with "stopped" last) or whose cache
 * cannot be opened; a POP3 account's jobs applied to its local folders at
 * once, with the events an IMAP job gets, and the copies of its sent mail
 * kept in a local Sent. The worker against a real
 * server is tested by tests/integration/watch.sh.
 */
#include "config.h"

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/core_config.h"
#include "facteur/core_queue.h"
#include "facteur/mime.h"
#include "facteur/store_pop.h"
#include "facteur/sync.h"

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_backoff(void **state)
{
	unsigned a, d, prev_cap = 0, cap;

	/* Equal jitter: between half the step and the step. */
	assert_int_equal(sync_backoff_ms(0, 1000, 300000, 0), 500);
	assert_int_equal(sync_backoff_ms(0, 1000, 300000, 500), 1000);
	assert_int_equal(sync_backoff_ms(1, 1000, 300000, 0), 1000);
	assert_int_equal(sync_backoff_ms(1, 1000, 300000, 1000), 2000);
	for (a = 0; a < 40; a++) {
		cap = a < 20 ? 1000u << (a < 9 ? a : 9) : 300000;
		if (cap > 300000)
			cap = 300000;
		d = sync_backoff_ms(a, 1000, 300000, 0xffffffffu);
		assert_true(d <= cap);
		assert_true(d >= cap / 2);
		d = sync_backoff_ms(a, 1000, 300000, 0);
		assert_true(d >= cap - cap / 2);
		assert_true(cap >= prev_cap);
		prev_cap = cap;
	}
	/* Past the cap, and far past it, it stays there. */
	assert_true(sync_backoff_ms(9, 1000, 300000, 7) <= 300000);
	assert_true(sync_backoff_ms(1000000, 1000, 300000, 7) >= 150000);
	assert_true(sync_backoff_ms(1000000, 1000, 300000, 7) <= 300000);
	/* A zero minimum still waits. */
	assert_true(sync_backoff_ms(0, 0, 10, 0) >= 1);
	assert_string_equal(sync_state_name(SYNC_STATE_RETRYING), "retrying");
	assert_string_equal(sync_state_name(SYNC_STATE_IDLE), "idle");
}

/* A local port that refuses connections (bound, then closed). */
static unsigned
closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

struct fixture {
	char dir[64];
	struct config *cfg;
	struct fct_queue *events;
	struct sync_worker *w;
};

static void
load(struct fixture *fx, const char *cache_dir, unsigned port)
{
	struct config_diags diags = CONFIG_DIAGS_INIT;
	char *text = xasprintf("[general]\ncache_dir = %s\n\n[account t]\n"
			       "email = t@example.test\n"
			       "imap = imaps://127.0.0.1:%u\n"
			       "password = not-used\n",
	    cache_dir, port);
	struct fct_error err = FCT_ERROR_INIT;

	if (config_parse("test", text, strlen(text), &fx->cfg, &diags) != 0) {
		config_diags_print(&diags, stderr);
		fail_msg("config");
	}
	config_diags_release(&diags);
	free(text);
	assert_int_equal(fct_queue_new(&fx->events, &err), 0);
}

static void
start(struct fixture *fx, unsigned min_ms, unsigned max_ms)
{
	struct sync_worker_options opt = SYNC_WORKER_OPTIONS_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	opt.backoff_min_ms = min_ms;
	opt.backoff_max_ms = max_ms;
	opt.stop_grace_ms = 200;
	if (sync_worker_start(fx->cfg, &fx->cfg->accounts[0], &opt, fx->events,
		&fx->w, &err) != 0)
		fail_msg("start: %s", fct_error_msg(&err));
	assert_string_equal(sync_worker_account(fx->w), "t");
}

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);

	strcpy(fx->dir, "/tmp/fct-worker.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char *cmd = xasprintf("rm -rf '%s'", fx->dir);

	sync_worker_free(&fx->w);
	fct_queue_free(&fx->events);
	config_free(&fx->cfg);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", fx->dir);
	free(cmd);
	free(fx);
	return 0;
}

/* The next event within timeout_ms, else a failure. Owned. */
static struct fct_msg *
next_event(struct fixture *fx, int timeout_ms)
{
	struct fct_msg *m = fct_queue_wait(fx->events, timeout_ms);

	if (m == NULL)
		fail_msg("no event within %d ms", timeout_ms);
	assert_non_null(m->payload);
	assert_string_equal(((struct sync_event *)m->payload)->account, "t");
	return m;
}

/* The next state event, which must be `want`. Owned. */
static struct fct_msg *
expect_state(struct fixture *fx, enum sync_state want, int timeout_ms)
{
	struct fct_msg *m = next_event(fx, timeout_ms);
	struct sync_event *ev = m->payload;

	assert_int_equal(m->type, SYNC_EV_STATE);
	if (ev->state != want)
		fail_msg("state '%s', wanted '%s'", sync_state_name(ev->state),
		    sync_state_name(want));
	return m;
}

static void
test_unreachable(void **state)
{
	struct fixture *fx = *state;
	struct fct_msg *m;
	struct sync_event *ev;
	char *cache = xasprintf("%s/cache", fx->dir);
	unsigned i, step = 40;
	int64_t t0;

	load(fx, cache, closed_port());
	start(fx, 40, 160);
	for (i = 0; i < 5; i++) {
		m = expect_state(fx, SYNC_STATE_CONNECTING, 3000);
		fct_msg_free(&m);
		m = expect_state(fx, SYNC_STATE_OFFLINE, 3000);
		ev = m->payload;
		assert_non_null(ev->reason);
		if (strstr(ev->reason, "127.0.0.1") == NULL)
			fail_msg("reason without the host: %s", ev->reason);
		fct_msg_free(&m);
		m = expect_state(fx, SYNC_STATE_RETRYING, 3000);
		ev = m->payload;
		/* 40, 80, 160, 160...: each within [step/2, step]. */
		assert_in_range(ev->retry_ms, step / 2, step);
		fct_msg_free(&m);
		if (step < 160)
			step *= 2;
	}
	/* Nothing to wait for: the cache was made anyway. */
	assert_int_equal(access(cache, F_OK), 0);
	t0 = now_ms();
	sync_worker_stop(fx->w);
	for (;;) {
		m = next_event(fx, 2000);
		ev = m->payload;
		if (m->type == SYNC_EV_STATE &&
		    ev->state == SYNC_STATE_STOPPED) {
			fct_msg_free(&m);
			break;
		}
		fct_msg_free(&m);
	}
	assert_true(now_ms() - t0 < 1000);
	sync_worker_free(&fx->w);
	assert_null(fx->w);
	/* Nothing after "stopped". */
	assert_null(fct_queue_pop(fx->events));
	free(cache);
}

/* A request cuts a long back-off short: someone is waiting. */
static void
test_request_retries_at_once(void **state)
{
	struct fixture *fx = *state;
	struct fct_msg *m;
	char *cache = xasprintf("%s/cache", fx->dir);
	int64_t t0;

	load(fx, cache, closed_port());
	start(fx, 60000, 60000);
	m = expect_state(fx, SYNC_STATE_CONNECTING, 3000);
	fct_msg_free(&m);
	m = expect_state(fx, SYNC_STATE_OFFLINE, 3000);
	fct_msg_free(&m);
	m = expect_state(fx, SYNC_STATE_RETRYING, 3000);
	assert_true(((struct sync_event *)m->payload)->retry_ms >= 30000);
	fct_msg_free(&m);
	t0 = now_ms();
	sync_worker_post(fx->w, SYNC_REQ_OPEN_FOLDER, "Archive");
	m = expect_state(fx, SYNC_STATE_CONNECTING, 3000);
	assert_true(now_ms() - t0 < 2000);
	fct_msg_free(&m);
	/* And a stop during the next back-off ends it at once too. */
	m = expect_state(fx, SYNC_STATE_OFFLINE, 3000);
	fct_msg_free(&m);
	m = expect_state(fx, SYNC_STATE_RETRYING, 3000);
	fct_msg_free(&m);
	t0 = now_ms();
	sync_worker_free(&fx->w);
	assert_true(now_ms() - t0 < 1000);
	m = expect_state(fx, SYNC_STATE_STOPPED, 0);
	fct_msg_free(&m);
	free(cache);
}

/* A cache that cannot be opened is an error, retried like the rest. */
static void
test_cache_error(void **state)
{
	struct fixture *fx = *state;
	struct fct_msg *m;
	struct sync_event *ev;
	char *file = xasprintf("%s/file", fx->dir);
	FILE *fp = fopen(file, "w");

	assert_non_null(fp);
	fclose(fp);
	/* The cache directory is a regular file. */
	load(fx, file, closed_port());
	start(fx, 40, 40);
	m = expect_state(fx, SYNC_STATE_ERROR, 3000);
	ev = m->payload;
	assert_non_null(ev->reason);
	fct_msg_free(&m);
	m = expect_state(fx, SYNC_STATE_RETRYING, 3000);
	fct_msg_free(&m);
	m = expect_state(fx, SYNC_STATE_ERROR, 3000);
	fct_msg_free(&m);
	sync_worker_free(&fx->w);
	free(file);
}

/* A POP3 account has a worker too: unreachable, it backs off as IMAP
 * does, and stops cleanly. */
static void
test_pop_unreachable(void **state)
{
	struct fixture *fx = *state;
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_worker_options opt = SYNC_WORKER_OPTIONS_INIT;
	struct fct_msg *m;
	struct sync_event *ev;
	char *text = xasprintf("[general]\ncache_dir = %s/cache\n\n"
			       "[account t]\nemail = t@example.test\n"
			       "pop = pops://127.0.0.1:%u\n"
			       "password = not-used\n",
	    fx->dir, closed_port());
	int i;

	if (config_parse("test", text, strlen(text), &fx->cfg, &diags) != 0) {
		config_diags_print(&diags, stderr);
		fail_msg("config");
	}
	config_diags_release(&diags);
	free(text);
	assert_int_equal(fct_queue_new(&fx->events, &err), 0);
	opt.backoff_min_ms = 40;
	opt.backoff_max_ms = 80;
	opt.stop_grace_ms = 200;
	if (sync_worker_start(fx->cfg, &fx->cfg->accounts[0], &opt, fx->events,
		&fx->w, &err) != 0)
		fail_msg("start: %s", fct_error_msg(&err));
	for (i = 0; i < 2; i++) {
		m = expect_state(fx, SYNC_STATE_CONNECTING, 3000);
		fct_msg_free(&m);
		m = expect_state(fx, SYNC_STATE_OFFLINE, 3000);
		ev = m->payload;
		if (ev->reason == NULL ||
		    strstr(ev->reason, "127.0.0.1") == NULL)
			fail_msg("reason without the host: %s",
			    ev->reason != NULL ? ev->reason : "(none)");
		fct_msg_free(&m);
		m = expect_state(fx, SYNC_STATE_RETRYING, 3000);
		fct_msg_free(&m);
	}
	sync_worker_free(&fx->w);
	for (;;) {
		m = next_event(fx, 3000);
		ev = m->payload;
		if (m->type == SYNC_EV_STATE &&
		    ev->state == SYNC_STATE_STOPPED) {
			fct_msg_free(&m);
			break;
		}
		fct_msg_free(&m);
	}
}

/* The next event that is not a state change, within 3 s. Owned. */
static struct fct_msg *
next_news(struct fixture *fx)
{
	struct fct_msg *m;

	for (;;) {
		m = next_event(fx, 3000);
		if (m->type != SYNC_EV_STATE)
			return m;
		fct_msg_free(&m);
	}
}

/* Hands a job over (sync_job_make's payload) with ticket. */
static void
add_job(struct fixture *fx, const char *kind, const char *folder, uint32_t uid,
    const char *dest, char op, unsigned flags, uint64_t ticket)
{
	struct sync_job_spec spec = { 0 };
	struct strbuf payload = STRBUF_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	spec.folder = folder;
	spec.uids = &uid;
	spec.nuids = 1;
	spec.dest = dest;
	spec.op = op;
	spec.flags = flags;
	assert_int_equal(sync_job_make(&payload, &spec, &err), 0);
	sync_worker_add_job(fx->w, kind, payload.buf, ticket);
	strbuf_release(&payload);
}

/* The next news is a job's answer with ticket; owned. */
static struct fct_msg *
expect_job(struct fixture *fx, int type, uint64_t ticket)
{
	struct fct_msg *m = next_news(fx);
	struct sync_event *ev = m->payload;

	if (m->type != type)
		fail_msg("event %d, wanted %d (%s)", m->type, type,
		    ev->reason != NULL ? ev->reason : "no reason");
	assert_int_equal(ev->ticket, ticket);
	return m;
}

/* The next news is FOLDER_CHANGED of folder with the cache's counts. */
static void
expect_changed(struct fixture *fx, const char *folder, uint32_t total)
{
	struct fct_msg *m = next_news(fx);
	struct sync_event *ev = m->payload;

	assert_int_equal(m->type, SYNC_EV_FOLDER_CHANGED);
	assert_string_equal(ev->folder, folder);
	assert_true(ev->counts);
	assert_int_equal(ev->total, total);
	fct_msg_free(&m);
}

/*
 * A POP3 account's jobs (the UI's filing) are applied to the local folders
 * at once, even with the server out of reach: a move answers with the old
 * and new UIDs (for undo) and creates Trash with its role, a copy is
 * refused, a flag and a delete for good ("expunge") are applied, each
 * followed by the counts of the folders touched; a body asked for is not
 * on any server.
 */
static void
test_pop_local_jobs(void **state)
{
	static const char raw[] = "From: a@example.test\r\n"
				  "Subject: local\r\n\r\nbody\r\n";
	struct fixture *fx = *state;
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder f = STORE_FOLDER_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct store *st = NULL;
	struct fct_msg *msg;
	struct sync_event *ev;
	char uidl[16], *path;
	char *text = xasprintf("[general]\ncache_dir = %s/cache\n\n"
			       "[account t]\nemail = t@example.test\n"
			       "pop = pops://127.0.0.1:%u\n"
			       "password = not-used\n",
	    fx->dir, closed_port());
	int i;

	if (config_parse("test", text, strlen(text), &fx->cfg, &diags) != 0) {
		config_diags_print(&diags, stderr);
		fail_msg("config");
	}
	config_diags_release(&diags);
	free(text);
	assert_int_equal(fct_queue_new(&fx->events, &err), 0);
	/* Two downloaded messages, UIDs 1 and 2 of the local INBOX. */
	path = sync_store_path(fx->cfg, &fx->cfg->accounts[0]);
	if (store_open(path, &st, &err) != 0 ||
	    store_local_folder(st, "INBOX", "inbox", &f, &err) != 0)
		fail_msg("cache: %s", fct_error_msg(&err));
	for (i = 1; i <= 2; i++) {
		struct store_msg add;

		memset(&add, 0, sizeof add);
		add.subject = (char *)"local";
		add.size = sizeof raw - 1;
		snprintf(uidl, sizeof uidl, "u%d", i);
		if (store_pop_add(st, f.id, &add, raw, sizeof raw - 1, NULL,
			uidl, 0, &err) != 0)
			fail_msg("add: %s", fct_error_msg(&err));
	}
	assert_int_equal(store_local_recount(st, &err), 0);
	store_folder_release(&f);
	store_close(&st);

	start(fx, 60000, 60000);
	add_job(fx, "move", "INBOX", 1, "Trash", '\0', 0, 7);
	msg = expect_job(fx, SYNC_EV_JOB_DONE, 7);
	ev = msg->payload;
	assert_string_equal(ev->job_kind, "move");
	assert_int_equal(ev->nuids, 1);
	assert_int_equal(ev->src[0], 1);
	assert_int_equal(ev->dst[0], 1);
	fct_msg_free(&msg);
	expect_changed(fx, "INBOX", 1);
	expect_changed(fx, "Trash", 1);

	add_job(fx, "copy", "INBOX", 2, "Trash", '\0', 0, 8);
	msg = expect_job(fx, SYNC_EV_JOB_FAILED, 8);
	ev = msg->payload;
	if (ev->reason == NULL || strstr(ev->reason, "cannot copy") == NULL)
		fail_msg("copy refused without a reason: %s",
		    ev->reason != NULL ? ev->reason : "(none)");
	fct_msg_free(&msg);

	add_job(fx, "flag", "INBOX", 2, NULL, '+', FCT_FLAG_FLAGGED, 9);
	msg = expect_job(fx, SYNC_EV_JOB_DONE, 9);
	fct_msg_free(&msg);
	expect_changed(fx, "INBOX", 1);

	add_job(fx, "expunge", "Trash", 1, NULL, '\0', 0, 10);
	msg = expect_job(fx, SYNC_EV_JOB_DONE, 10);
	fct_msg_free(&msg);
	expect_changed(fx, "Trash", 0);

	sync_worker_fetch(fx->w, "INBOX", 5);
	msg = next_news(fx);
	ev = msg->payload;
	assert_int_equal(msg->type, SYNC_EV_BODY_FETCHED);
	assert_int_equal(ev->uid, 5);
	assert_non_null(ev->reason);
	fct_msg_free(&msg);
	sync_worker_free(&fx->w);

	/* What the cache says afterwards. */
	if (store_open(path, &st, &err) != 0)
		fail_msg("cache: %s", fct_error_msg(&err));
	assert_int_equal(store_folder_get(st, "Trash", &f, &err), 1);
	assert_string_equal(f.role, "trash");
	assert_int_equal(store_msg_get(st, f.id, 1, &m, &err), 0);
	store_folder_release(&f);
	assert_int_equal(store_folder_get(st, "INBOX", &f, &err), 1);
	assert_int_equal(store_msg_get(st, f.id, 2, &m, &err), 1);
	assert_true(m.flags & FCT_FLAG_FLAGGED);
	store_msg_release(&m);
	store_folder_release(&f);
	store_close(&st);
	free(path);
}

/*
 * The copy of a message a POP3 account sent (the outbox's "append" job)
 * goes to a local Sent, created with its role, read, when the worker
 * runs its queue (at start, or asked); the outbox forgets the message.
 */
static void
test_pop_local_append(void **state)
{
	static const char raw[] = "From: t@example.test\r\n"
				  "Subject: sent here\r\n\r\nbody\r\n";
	struct fixture *fx = *state;
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct store_outbox ob = STORE_OUTBOX_INIT;
	struct store_folder f = STORE_FOLDER_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct store *st = NULL;
	struct fct_msg *msg;
	struct sync_event *ev;
	char *path, *payload;
	char *text = xasprintf("[general]\ncache_dir = %s/cache\n\n"
			       "[account t]\nemail = t@example.test\n"
			       "pop = pops://127.0.0.1:%u\n"
			       "password = not-used\n",
	    fx->dir, closed_port());
	int64_t job;

	mime_init(); /* the copy is parsed for its summary */
	if (config_parse("test", text, strlen(text), &fx->cfg, &diags) != 0) {
		config_diags_print(&diags, stderr);
		fail_msg("config");
	}
	config_diags_release(&diags);
	free(text);
	assert_int_equal(fct_queue_new(&fx->events, &err), 0);
	path = sync_store_path(fx->cfg, &fx->cfg->accounts[0]);
	if (store_open(path, &st, &err) != 0)
		fail_msg("cache: %s", fct_error_msg(&err));
	ob.state = xstrdup("sent");
	ob.mail_from = xstrdup("t@example.test");
	ob.rcpts = xstrdup("u@example.test");
	ob.message = xstrdup(raw);
	ob.len = sizeof raw - 1;
	if (store_outbox_add(st, &ob, &err) != 0)
		fail_msg("outbox: %s", fct_error_msg(&err));
	payload = xasprintf("outbox=%lld\nrole=sent\n", (long long)ob.id);
	if (store_job_add(st, "append", payload, &job, &err) != 0)
		fail_msg("job: %s", fct_error_msg(&err));
	free(payload);
	store_close(&st);

	start(fx, 60000, 60000);
	msg = next_news(fx);
	ev = msg->payload;
	if (msg->type != SYNC_EV_JOB_DONE)
		fail_msg("event %d: %s", msg->type,
		    ev->reason != NULL ? ev->reason : "no reason");
	assert_int_equal(ev->job_id, job);
	assert_string_equal(ev->job_kind, "append");
	fct_msg_free(&msg);
	expect_changed(fx, "Sent", 1);
	sync_worker_free(&fx->w);

	if (store_open(path, &st, &err) != 0)
		fail_msg("cache: %s", fct_error_msg(&err));
	assert_int_equal(store_folder_get(st, "Sent", &f, &err), 1);
	assert_string_equal(f.role, "sent");
	assert_int_equal(store_msg_get(st, f.id, 1, &m, &err), 1);
	assert_string_equal(m.subject, "sent here");
	assert_true(m.flags & FCT_FLAG_SEEN);
	assert_int_equal(store_outbox_get(st, ob.id, &ob, &err), 0);
	store_msg_release(&m);
	store_folder_release(&f);
	store_outbox_release(&ob);
	store_close(&st);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test_setup_teardown(test_unreachable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_request_retries_at_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pop_unreachable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pop_local_jobs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pop_local_append, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
