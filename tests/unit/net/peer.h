/*
 * A scripted protocol peer for unit tests: a thread on the other end of a
 * socketpair that waits for the client's lines and answers from a script,
 * recording everything it receives. Lets the protocol layers (imap, smtp,
 * pop, sieve) run whole sessions through libetpan with no network and no
 * server, and their greeting, STARTTLS and login cases be tables.
 */
#ifndef FACTEUR_TESTS_UNIT_NET_PEER_H
#define FACTEUR_TESTS_UNIT_NET_PEER_H

#include <pthread.h>
#include <stdbool.h>

#include <libetpan/libetpan.h>

#include "facteur/core.h"
#include "facteur/net.h"

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

/* The end of a script. */
#define PEER_END                  \
	{                         \
		NULL, NULL, false \
	}

/*
 * Table-driven session cases. Each case is the table of exchanges the
 * peer plays (greeting, STARTTLS, AUTH ...) and what the client must make
 * of them; a protocol's test file supplies how to attach and log in
 * (struct peer_proto) and runs its table with peer_run_cases, one cmocka
 * test per case.
 */
enum peer_how {
	PEER_NO_LOGIN = 0, /* ends the list of attempts */
	PEER_PASSWORD,     /* the protocol's login with a password */
	PEER_OAUTH2,       /* the protocol's login with a token */
	PEER_ACCOUNT,      /* authenticate: an account with a password */
	PEER_TOKENS,       /* authenticate: an account whose token command
			      hands out tok0, tok1, ... one a run */
};

/* One login attempt; user and secret are those strings, or that many 'x'
 * when user_x or secret_x is not 0. */
struct peer_login {
	enum peer_how how;
	const char *user;
	const char *secret;
	size_t user_x, secret_x;
	const char *error; /* NULL: must succeed; else the error holds it */
	bool exact;        /* ... or is exactly it */
};

#define PEER_MAX 8

struct peer_case {
	const char *name;
	const struct step *script;
	bool tls;                 /* the stream counts as TLS already */
	const char *attach_error; /* attaching must fail, saying this */
	struct peer_login login[PEER_MAX];
	const char *saw[PEER_MAX];    /* the peer received each of these */
	const char *unseen[PEER_MAX]; /* and none of these */
	const char *seen;             /* all it received, when not NULL */
	const char *trace_env; /* trace the session to a file (NULL: none) */
	const char *trace_has[PEER_MAX];
	const char *trace_lacks[PEER_MAX];
	/* More checks on the live session: once attached, after the logins. */
	void (*attached)(void *session);
	void (*logged_in)(void *session);
};

struct peer_proto {
	/* A session on stream (transfers), or NULL with err filled. */
	void *(*attach)(mailstream *stream, bool tls, struct fct_error *err);
	int (*login)(void *session, const struct net_credential *cred,
	    struct fct_error *err);
	int (*authenticate)(void *session, const struct config_account *acct,
	    struct fct_error *err);
	void (*close)(void *session);
};

/* Runs one case against proto: the peer, the attempts, every check. */
void peer_run(const struct peer_proto *proto, const struct peer_case *c);
/* Runs cases[0..n) as a cmocka group named group; returns its failures. */
int peer_run_cases(const char *group, const struct peer_proto *proto,
    const struct peer_case *cases, size_t n);

/* An account whose token command hands out tok0, tok1, ... (a counter in
 * a temporary file), as a refreshing helper would. */
struct peer_tokens {
	struct config_account acct;
	char counter[64];
};
void peer_tokens_init(struct peer_tokens *t, const char *user);
void peer_tokens_release(struct peer_tokens *t);

/* The whole file at path; owned (free). */
char *peer_slurp(const char *path);

#endif
