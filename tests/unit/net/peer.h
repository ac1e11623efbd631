/*
 * A scripted protocol peer for unit tests: a thread on the other end of a
 * socketpair that waits for the client's lines and answers from a script,
 * recording everything it receives. Lets the protocol layers (smtp, pop)
 * run whole sessions through libetpan with no network and no server.
 */
#ifndef FACTEUR_TESTS_UNIT_NET_PEER_H
#define FACTEUR_TESTS_UNIT_NET_PEER_H

#include <pthread.h>
#include <stdbool.h>

#include <libetpan/libetpan.h>

#include "facteur/core.h"

/* Seconds the client's stream waits for the peer. */
#define PEER_STREAM_TIMEOUT 5

/* Wait for a client line starting with `expect` (NULL: read nothing),
 * then send `send` (may be NULL); hang up when `hangup`. */
struct step {
	const char *expect;
	const char *send;
	bool hangup;
};

struct peer {
	int fd;
	const struct step *script;
	pthread_t thread;
	struct strbuf seen; /* every line received, each ending in '\n' */
	char failure[1200]; /* the first mismatch, "" when none */
};

/* Starts the peer; *stream is the client's end (owned by the caller). */
void peer_start(struct peer *p, const struct step *script, mailstream **stream);
/* Joins the peer (the client must have closed); fails the test when the
 * script did not run as written. */
void peer_finish(struct peer *p);
/* Did the peer receive `what` anywhere? */
bool peer_saw(const struct peer *p, const char *what);

#endif
