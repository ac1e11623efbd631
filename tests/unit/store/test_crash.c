/*
 * Crash consistency of the store: a child process writes batches as the
 * sync engine does (in one transaction: expunge an old batch, store 200
 * messages, keep a body under a budget, record the folder state), with a
 * checkpoint every third batch, and is killed with SIGKILL at a random
 * moment, many times over the same file.
 * After every kill the cache must open, pass SQLite's integrity check, the
 * foreign keys and the full-text check (store_check), hold whole batches
 * only, and have its folder state exactly match its rows: never ahead of
 * them, never behind. Every batch the child reported committed must still
 * be there (process death loses nothing that was committed).
 *
 * FCT_CRASH_SEED and FCT_CRASH_ROUNDS make a run repeatable and longer.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_test.h"

#define BATCH 200
#define KEEP_BATCHES 5 /* the child expunges older batches */

/* Writes batches until killed; reports each committed uidnext on fd. */
static void
child_write(const char *path, int fd)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder f = STORE_FOLDER_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct store *st;
	uint32_t next, i;
	char text[64];

	if (store_open(path, &st, &err) != 0)
		goto fail;
	/*
	 * A tiny page cache makes each transaction spill pages to the file
	 * all along, not only at commit: a kill then lands on uncommitted
	 * writes most of the time.
	 */
	if (sqlite3_exec(st->db, "PRAGMA cache_size = 8", NULL, NULL, NULL) !=
	    SQLITE_OK)
		_exit(5);
	f.name = xstrdup("INBOX");
	if (store_folder_put(st, &f, &err) != 0)
		goto fail;
	next = f.uidnext > 0 ? f.uidnext : 1;
	for (;;) {
		if (store_begin(st, &err) != 0)
			goto fail;
		if (next > KEEP_BATCHES * BATCH &&
		    store_msg_expunge_range(st, f.id,
			next - KEEP_BATCHES * BATCH,
			next - (KEEP_BATCHES - 1) * BATCH - 1, &err) != 0)
			goto fail;
		for (i = 0; i < BATCH; i++) {
			test_msg(&m, f.id, next + i, "crash test message");
			if (store_msg_put(st, &m, &err) != 0)
				goto fail;
		}
		snprintf(text, sizeof text, "body of message %u", next);
		if (store_body_put(st, m.id, "raw", 3, text, 400, &err) != 0)
			goto fail;
		if (store_folder_set_state(st, f.id, next + BATCH, next,
			&err) != 0 ||
		    store_commit(st, &err) != 0)
			goto fail;
		next += BATCH;
		if (write(fd, &next, sizeof next) != sizeof next)
			_exit(4);
		/* Die inside checkpoints too, not only inside commits. */
		if (next % (3 * BATCH) == 1 && store_checkpoint(st, &err) != 0)
			goto fail;
	}
fail:
	fprintf(stderr, "child: %s\n", fct_error_msg(&err));
	_exit(3);
}

/* The last uidnext the child reported, or keep `last`. */
static uint32_t
drain(int fd, uint32_t last)
{
	uint32_t v;

	while (read(fd, &v, sizeof v) == sizeof v)
		last = v;
	return last;
}

static void
check_after_kill(const char *dir, uint32_t committed, unsigned round)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store *st = test_open(dir, "crash.db");
	int64_t n, uidnext, maxuid;

	if (store_check(st, &err) != 0)
		fail_msg("round %u: %s", round, fct_error_msg(&err));
	n = test_int(st, "SELECT count(*) FROM messages");
	uidnext = test_int(st, "SELECT coalesce(max(uidnext), 0) FROM folders");
	maxuid = test_int(st, "SELECT coalesce(max(uid), 0) FROM messages");
	if (n % BATCH != 0)
		fail_msg("round %u: %lld messages, not whole batches", round,
		    (long long)n);
	if (n == 0) {
		assert_true(uidnext <= 1);
	} else {
		if (uidnext != maxuid + 1)
			fail_msg("round %u: uidnext %lld, highest uid %lld",
			    round, (long long)uidnext, (long long)maxuid);
		/* Exactly the last KEEP_BATCHES batches. */
		n /= BATCH;
		if (n !=
		    ((uidnext - 1) / BATCH < KEEP_BATCHES
			    ? (uidnext - 1) / BATCH
			    : KEEP_BATCHES))
			fail_msg("round %u: %lld batches below uidnext %lld",
			    round, (long long)n, (long long)uidnext);
	}
	if (uidnext < committed)
		fail_msg("round %u: committed up to %u, found %lld", round,
		    committed, (long long)uidnext);
	/* The bodies stay within the child's budget. */
	assert_true(
	    test_int(st, "SELECT coalesce(sum(size), 0) FROM bodies") <= 400);
	store_close(&st);
}

static void
test_kill_anywhere(void **state)
{
	char *dir = test_tmpdir(), *path = test_path(dir, "crash.db");
	const char *env;
	unsigned seed = 20240101, rounds = 50, r, busy_rounds = 0;
	unsigned max_ms = 80, delay_ms;
	uint32_t committed = 0, before;
	int fds[2], status;
	struct timespec ts;
	pid_t pid;

	(void)state;
	if ((env = getenv("FCT_CRASH_SEED")) != NULL)
		seed = (unsigned)strtoul(env, NULL, 10);
	if ((env = getenv("FCT_CRASH_ROUNDS")) != NULL)
		rounds = (unsigned)strtoul(env, NULL, 10);
	srand(seed);
	for (r = 0; r < rounds; r++) {
		assert_int_equal(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			child_write(path, fds[1]);
		}
		close(fds[1]);
		/*
		 * Early rounds die young (inside open, schema creation or the
		 * first transaction); later ones anywhere in 0-max_ms ms,
		 * where max_ms grows while the writer is too slow to commit
		 * before it dies (a loaded machine), so that the kills keep
		 * landing in the middle of its work whatever the load.
		 */
		delay_ms = (unsigned)rand() % (r < 5 ? 3 : max_ms) + 1;
		ts.tv_sec = delay_ms / 1000;
		ts.tv_nsec = (long)(delay_ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			fail_msg("round %u: the writer stopped by itself "
				 "(status %d)",
			    r, status);
		before = committed;
		committed = drain(fds[0], committed);
		close(fds[0]);
		if (committed != before)
			busy_rounds++;
		else if (r >= 5 && busy_rounds < (r + 1) / 3 && max_ms < 1000)
			max_ms *= 2;
		check_after_kill(dir, committed, r);
	}
	/*
	 * The kills must have caught the writer at work, not still opening
	 * the file: most rounds see it commit before it dies.
	 */
	print_message("%u rounds (seed %u), %u committed something, %u "
		      "batches in all, kills within %u ms\n",
	    rounds, seed, busy_rounds, committed / BATCH, max_ms);
	assert_true(busy_rounds >= rounds / 4);
	test_rmtree(dir);
	free(path);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_anywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
