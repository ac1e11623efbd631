/*
 * poll-newest: how long a cold sync takes to put the newest messages of a
 * folder in the store, seen from outside as a reader would see them.
 *
 * Usage: poll-newest DB FOLDER MIN_UID COUNT -- COMMAND [ARGS...]
 *
 * Starts COMMAND (a `facteur sync`), then reads DB, facteur's cache, in a
 * tight loop (one query every POLL_US microseconds) until the folder FOLDER
 * holds COUNT committed rows with a UID >= MIN_UID: the caller passes the
 * COUNT-th highest UID the server has, so that this is exactly "the newest
 * COUNT rows are in". It then stops polling, so as not to slow the rest of
 * the sync down, and waits for COMMAND. One line on stdout:
 *
 *   newest_ms=312.4 total_ms=29870.1 status=0 polls=153
 *
 * newest_ms is from just before fork() to the first poll that saw the rows
 * (-1 if COMMAND ended first); total_ms from the same instant to COMMAND's
 * end; status its exit status (128 + signal if killed).
 *
 * The reader opens the file read-only and sees only committed transactions
 * (WAL), as facteur's own UI would. The file, its schema or its folder row
 * may not exist yet in the first milliseconds: every such error just means
 * "not yet", and the next poll tries again.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define POLL_US 1000

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The number of rows of FOLDER with uid >= min_uid, or -1 for "cannot
 * tell yet" (no file, no schema, a lock held through a checkpoint). */
static long
count_newest(const char *db, const char *folder, long long min_uid)
{
	static const char sql[] =
	    "SELECT count(*) FROM messages WHERE uid >= ?2 AND folder_id = "
	    "(SELECT id FROM folders WHERE name = ?1)";
	sqlite3 *h = NULL;
	sqlite3_stmt *s = NULL;
	long n = -1;

	/* A fresh handle each time: facteur may create, then fill, the file
	 * under us; a handle opened before the schema existed would keep a
	 * stale view of it. Opening costs tens of microseconds. */
	if (access(db, F_OK) != 0 ||
	    sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(h, 0);
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(s, 1, folder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, min_uid);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(s, 0);
out:
	sqlite3_finalize(s);
	sqlite3_close(h);
	return n;
}

int
main(int argc, char **argv)
{
	const char *db, *folder;
	long long min_uid;
	long count, n, polls = 0;
	double t0, newest = -1, total;
	pid_t pid, w;
	int st, status;
	char *end;

	if (argc < 7 || strcmp(argv[5], "--") != 0) {
		fprintf(stderr,
		    "usage: poll-newest DB FOLDER MIN_UID COUNT -- "
		    "COMMAND [ARGS...]\n");
		return 2;
	}
	db = argv[1];
	folder = argv[2];
	min_uid = strtoll(argv[3], &end, 10);
	if (*argv[3] == '\0' || *end != '\0' || min_uid < 1) {
		fprintf(stderr, "poll-newest: bad MIN_UID '%s'\n", argv[3]);
		return 2;
	}
	count = strtol(argv[4], &end, 10);
	if (*argv[4] == '\0' || *end != '\0' || count < 1) {
		fprintf(stderr, "poll-newest: bad COUNT '%s'\n", argv[4]);
		return 2;
	}

	t0 = now_ms();
	if ((pid = fork()) < 0) {
		perror("poll-newest: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[6], argv + 6);
		fprintf(stderr, "poll-newest: cannot run %s: %s\n", argv[6],
		    strerror(errno));
		_exit(127);
	}
	for (;;) {
		/* The child may be done (a failed sync) before any row lands. */
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		n = count_newest(db, folder, min_uid);
		polls++;
		if (n >= count) {
			newest = now_ms() - t0;
			w = waitpid(pid, &st, 0);
			break;
		}
		usleep(POLL_US);
	}
	total = now_ms() - t0;
	if (w != pid) {
		perror("poll-newest: waitpid");
		return 2;
	}
	status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	printf("newest_ms=%.1f total_ms=%.1f status=%d polls=%ld\n", newest,
	    total, status, polls);
	return 0;
}
