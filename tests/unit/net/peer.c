/*
 * The scripted peer of peer.h. Shared by the unit tests of the protocol
 * layers above net; cmocka's fail_msg reports a broken script.
 */
#include "config.h"

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "peer.h"

static bool
peer_read_line(struct peer *p, char *line, size_t size)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	size_t n = 0;
	char c;

	for (;;) {
		if (poll(&pfd, 1, 5000) != 1 || read(p->fd, &c, 1) != 1)
			return false;
		if (c == '\n')
			break;
		if (c != '\r' && n + 1 < size)
			line[n++] = c;
	}
	line[n] = '\0';
	strbuf_addf(&p->seen, "%s\n", line);
	return true;
}

static void *
peer_main(void *arg)
{
	struct peer *p = arg;
	const struct step *st;
	char line[16384];

	for (st = p->script;
	     st->expect != NULL || st->send != NULL || st->hangup; st++) {
		if (st->expect != NULL) {
			if (!peer_read_line(p, line, sizeof line)) {
				snprintf(p->failure, sizeof p->failure,
				    "peer: no line while waiting for '%s'",
				    st->expect);
				break;
			}
			if (strncmp(line, st->expect, strlen(st->expect)) !=
			    0) {
				snprintf(p->failure, sizeof p->failure,
				    "peer: got '%.500s', wanted '%s'", line,
				    st->expect);
				break;
			}
		}
		if (st->send != NULL &&
		    write(p->fd, st->send, strlen(st->send)) !=
			(ssize_t)strlen(st->send)) {
			snprintf(p->failure, sizeof p->failure,
			    "peer: cannot send '%s'", st->send);
			break;
		}
		if (st->hangup) {
			close(p->fd);
			p->fd = -1;
			return NULL;
		}
	}
	/* Record whatever else comes until the client goes. */
	while (p->fd >= 0 && peer_read_line(p, line, sizeof line))
		;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	return NULL;
}

void
peer_start(struct peer *p, const struct step *script, mailstream **stream)
{
	int fds[2];

	memset(p, 0, sizeof *p);
	strbuf_init(&p->seen, 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	p->fd = fds[1];
	p->script = script;
	assert_int_equal(pthread_create(&p->thread, NULL, peer_main, p), 0);
	*stream = mailstream_socket_open_timeout(fds[0], PEER_STREAM_TIMEOUT);
	assert_non_null(*stream);
}

void
peer_finish(struct peer *p)
{
	assert_int_equal(pthread_join(p->thread, NULL), 0);
	if (p->failure[0] != '\0')
		fail_msg("%s", p->failure);
}

bool
peer_saw(const struct peer *p, const char *what)
{
	return strstr(p->seen.buf, what) != NULL;
}
