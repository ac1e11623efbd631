/*
 * Unit tests of src/sync/worker.c that need no server: the back-off
 * schedule, and a worker whose server refuses every connection (offline
 * events with reasons, growing delays up to the cap, an immediate attempt
 * when a request arrives, a prompt stop with "stopped" last) or whose cache
 * cannot be opened. The worker against a real server is tested by
 * tests/integration/watch.sh.
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
