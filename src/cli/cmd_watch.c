/*
 * `facteur watch [ACCOUNT] [--count N] [--timeout SECONDS]`: starts the
 * account workers (every IMAP account, or the one named) and prints each
 * event they report as one tab-separated line, flushed at once, until
 * SIGINT or SIGTERM, N events, or SECONDS seconds. Then the workers are
 * stopped and joined; without --count, the events of the shutdown (down to
 * each account's "stopped") are printed too.
 *
 * Lines, the account first (fields escaped by cli_put_field):
 *   ACCOUNT connecting | online | stopped
 *   ACCOUNT syncing FOLDER DONE TOTAL
 *   ACCOUNT idle FOLDER idle|poll
 *   ACCOUNT offline|error REASON
 *   ACCOUNT retrying SECONDS
 *   ACCOUNT changed FOLDER
 *   ACCOUNT new FOLDER COUNT
 *   ACCOUNT failed FOLDER REASON
 *   ACCOUNT job-done ID KIND
 *   ACCOUNT job-failed ID KIND REASON
 *   ACCOUNT rules FOLDER COUNT        (new mail the rules changed)
 *   ACCOUNT rules-problem REASON      (a rule skipped, and why)
 *
 * The main thread only waits: on the event queue's descriptor and on a
 * self-pipe that the signal handler writes to. Everything that blocks on
 * the network runs in the workers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facteur/cli.h"
#include "facteur/core_queue.h"
#include "facteur/sync.h"

struct watch_opts {
	long count;   /* 0: no limit */
	long timeout; /* seconds; 0: none */
};

/* The write end of the self-pipe, for the handler; -1 when none. */
static volatile int signal_fd = -1;

static void
on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (signal_fd >= 0)
		(void)write(signal_fd, &c, 1);
	errno = saved;
}

static int
parse_opts(struct cli_context *ctx, int argc, char **argv, struct watch_opts *o)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long n;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "n:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
		case 't':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n <= 0 ||
			    errno != 0 || n > 100000000) {
				fprintf(ctx->err, "facteur: bad --%s '%s'\n",
				    ch == 'n' ? "count" : "timeout", optarg);
				return -1;
			}
			if (ch == 'n')
				o->count = n;
			else
				o->timeout = n;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

static void
put_tab_field(FILE *fp, const char *s)
{
	fputc('\t', fp);
	cli_put_field(fp, s != NULL ? s : "");
}

static void
print_event(FILE *fp, int type, const struct sync_event *ev)
{
	cli_put_field(fp, ev->account);
	switch ((enum sync_event_type)type) {
	case SYNC_EV_STATE:
		fprintf(fp, "\t%s", sync_state_name(ev->state));
		switch (ev->state) {
		case SYNC_STATE_SYNCING:
			put_tab_field(fp, ev->folder);
			fprintf(fp, "\t%" PRIu32 "\t%" PRIu32, ev->done,
			    ev->total);
			break;
		case SYNC_STATE_IDLE:
			put_tab_field(fp, ev->folder);
			fprintf(fp, "\t%s", ev->push ? "idle" : "poll");
			break;
		case SYNC_STATE_OFFLINE:
		case SYNC_STATE_ERROR:
			put_tab_field(fp, ev->reason);
			break;
		case SYNC_STATE_RETRYING:
			fprintf(fp, "\t%u.%03u", ev->retry_ms / 1000,
			    ev->retry_ms % 1000);
			break;
		default:
			break;
		}
		break;
	case SYNC_EV_FOLDER_CHANGED:
		fputs("\tchanged", fp);
		put_tab_field(fp, ev->folder);
		break;
	case SYNC_EV_NEW_MAIL:
		fputs("\tnew", fp);
		put_tab_field(fp, ev->folder);
		fprintf(fp, "\t%u", ev->count);
		break;
	case SYNC_EV_FOLDER_FAILED:
		fputs("\tfailed", fp);
		put_tab_field(fp, ev->folder);
		put_tab_field(fp, ev->reason);
		break;
	case SYNC_EV_JOB_DONE:
	case SYNC_EV_JOB_FAILED:
		fprintf(fp, "\t%s\t%" PRId64,
		    type == SYNC_EV_JOB_DONE ? "job-done" : "job-failed",
		    ev->job_id);
		put_tab_field(fp, ev->job_kind);
		if (type == SYNC_EV_JOB_FAILED)
			put_tab_field(fp, ev->reason);
		break;
	case SYNC_EV_RULES_APPLIED:
		fputs("\trules", fp);
		put_tab_field(fp, ev->folder);
		fprintf(fp, "\t%u", ev->count);
		break;
	case SYNC_EV_RULES_PROBLEM:
		fputs("\trules-problem", fp);
		put_tab_field(fp, ev->reason);
		break;
	default:
		fprintf(fp, "\tevent-%d", type);
		break;
	}
	fputc('\n', fp);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Handlers that write to the pipe; the old ones are kept in old[]. */
static int
catch_signals(int pipefd[2], struct sigaction old[2])
{
	struct sigaction sa;
	int i;

	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	signal_fd = pipefd[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < 2; i++)
		sigaction(i == 0 ? SIGINT : SIGTERM, &sa, &old[i]);
	return 0;
}

static void
release_signals(int pipefd[2], struct sigaction old[2])
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	signal_fd = -1;
	close(pipefd[0]);
	close(pipefd[1]);
}

/* Prints what waits in the queue; returns how many, at most `limit`
 * (0: all). */
static long
print_events(struct cli_context *ctx, struct fct_queue *q, long limit)
{
	struct fct_msg *m;
	long n = 0;

	while ((limit == 0 || n < limit) && (m = fct_queue_pop(q)) != NULL) {
		print_event(ctx->out, m->type, m->payload);
		fflush(ctx->out);
		fct_msg_free(&m);
		n++;
	}
	return n;
}

static int
cmd_watch(struct cli_context *ctx, int argc, char **argv)
{
	struct watch_opts o = { 0, 0 };
	struct fct_error err = FCT_ERROR_INIT;
	struct fct_queue *events = NULL;
	struct sync_worker **workers = NULL;
	struct sigaction old[2];
	struct pollfd pfd[2];
	const char *name = NULL;
	int64_t deadline = -1, left;
	long printed = 0;
	size_t i, n = 0;
	int pipefd[2], status = CLI_FAILED;
	bool timed_out = false;
	char c;

	if (parse_opts(ctx, argc, argv, &o) != 0 || argc - optind > 1) {
		fprintf(ctx->err,
		    "usage: facteur watch [ACCOUNT] [--count N] "
		    "[--timeout SECONDS]\n");
		return CLI_USAGE;
	}
	if (optind < argc)
		name = argv[optind];
	if (cli_load_config(ctx) != 0)
		return CLI_FAILED;
	if (name != NULL && config_find_account(ctx->cfg, name) == NULL) {
		fprintf(ctx->err, "facteur: no account '%s'\n", name);
		return CLI_FAILED;
	}
	if (fct_queue_new(&events, &err) != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		fct_error_release(&err);
		return CLI_FAILED;
	}
	if (catch_signals(pipefd, old) != 0) {
		fprintf(ctx->err, "facteur: cannot create a pipe: %s\n",
		    strerror(errno));
		fct_queue_free(&events);
		return CLI_FAILED;
	}
	workers = xcalloc(ctx->cfg->naccounts + 1, sizeof *workers);
	for (i = 0; i < ctx->cfg->naccounts; i++) {
		const struct config_account *a = &ctx->cfg->accounts[i];

		if (name != NULL && strcmp(a->name, name) != 0)
			continue;
		if (sync_worker_start(ctx->cfg, a, NULL, events, &workers[n],
			&err) != 0) {
			fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
			fct_error_release(&err);
			goto stop;
		}
		n++;
	}
	if (n == 0) {
		fprintf(ctx->err, "facteur: no account to watch\n");
		goto stop;
	}
	if (o.timeout > 0)
		deadline = now_ms() + o.timeout * 1000;
	for (;;) {
		printed += print_events(ctx, events,
		    o.count > 0 ? o.count - printed : 0);
		if (ferror(ctx->out)) {
			fprintf(ctx->err, "facteur: cannot write the events\n");
			goto stop;
		}
		if (o.count > 0 && printed >= o.count)
			break;
		left = -1;
		if (deadline >= 0 && (left = deadline - now_ms()) <= 0) {
			timed_out = true;
			break;
		}
		pfd[0].fd = fct_queue_fd(events);
		pfd[0].events = POLLIN;
		pfd[1].fd = pipefd[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, left > INT32_MAX ? INT32_MAX : (int)left) <
			0 &&
		    errno != EINTR) {
			fprintf(ctx->err, "facteur: poll failed: %s\n",
			    strerror(errno));
			goto stop;
		}
		if (read(pipefd[0], &c, 1) == 1)
			break; /* SIGINT or SIGTERM: a clean stop */
	}
	/* --count N is a promise of N lines; a timeout before them fails. */
	status = timed_out && o.count > 0 ? CLI_FAILED : CLI_OK;
stop:
	for (i = 0; i < n; i++)
		sync_worker_stop(workers[i]);
	for (i = 0; i < n; i++)
		sync_worker_free(&workers[i]);
	if (o.count == 0 || printed < o.count)
		printed += print_events(ctx, events,
		    o.count > 0 ? o.count - printed : 0);
	free(workers);
	release_signals(pipefd, old);
	fct_queue_free(&events);
	return status;
}

const struct cli_command cli_cmd_watch = {
	.name = "watch",
	.args = "[ACCOUNT] [--count N] [--timeout SECONDS]",
	.help = "keep the cache in step and print events until interrupted",
	.exec = cmd_watch,
};
