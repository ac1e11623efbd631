/*
 * struct fct_queue: a thread-safe FIFO of typed messages with a wake-up file
 * descriptor, the one way threads talk in facteur (STYLE.md rules 20-22).
 * The UI and the command line post requests to an account worker's queue;
 * the workers post events to the UI's queue. No other state is shared.
 *
 * A message is a type, whose meaning belongs to the queue's users (each
 * user defines an enum of its own: enum sync_request, enum sync_event...),
 * and an optional payload owned by the message together with the function
 * that frees it. A message belongs to one thread at a time: whoever created
 * it until it is pushed, then the queue, then whoever popped it.
 *
 * The descriptor (an eventfd) is readable exactly while the queue holds at
 * least one message (level-triggered), so that a poll() loop may wait on it
 * next to a terminal or a socket and then pop until the queue is empty.
 * Popping never blocks; fct_queue_wait blocks with a time limit.
 *
 * Every function is safe to call from any thread, except fct_queue_free,
 * which the owner calls once every other thread is done with the queue.
 */
#ifndef FACTEUR_CORE_QUEUE_H
#define FACTEUR_CORE_QUEUE_H

#include <stddef.h>
#include <sys/queue.h>

#include "facteur/core.h"

typedef void (*fct_msg_free_fn)(void *payload);

/*
 * One message. type and payload are the users'; entry is the queue's.
 * Invariant: payload_free is NULL when payload is NULL.
 */
struct fct_msg {
	int type;
	void *payload;                /* owned by the message, may be NULL */
	fct_msg_free_fn payload_free; /* frees payload; NULL: free() */
	STAILQ_ENTRY(fct_msg) entry;
};

struct fct_queue;

/*
 * A new message of `type` holding `payload` (transfers: freed with
 * payload_free, or free() when that is NULL). Owned (fct_msg_free, or hand
 * it to fct_queue_push).
 */
struct fct_msg *fct_msg_new(int type, void *payload,
    fct_msg_free_fn payload_free);

/*
 * Hands the payload to the caller (owned, to be freed as the message would
 * have) and leaves the message without one.
 */
void *fct_msg_take(struct fct_msg *m);

/* Frees the message and its payload; accepts NULL; sets *mp to NULL. */
void fct_msg_free(struct fct_msg **mp);

/*
 * A new, empty queue. Fails only when the system refuses an eventfd (too
 * many open files). *out is owned (fct_queue_free).
 */
int fct_queue_new(struct fct_queue **out, struct fct_error *err) FCT_WUR;

/*
 * Frees the queue and every message still in it; accepts NULL; sets *qp to
 * NULL. No other thread may use the queue any more.
 */
void fct_queue_free(struct fct_queue **qp);

/* Appends m (transfers) and makes the descriptor readable. Any thread. */
void fct_queue_push(struct fct_queue *q, struct fct_msg *m);

/* fct_queue_push(q, fct_msg_new(type, payload, payload_free)). */
void fct_queue_post(struct fct_queue *q, int type, void *payload,
    fct_msg_free_fn payload_free);

/*
 * The oldest message (owned: fct_msg_free), or NULL when the queue is
 * empty. Never blocks. The descriptor stops being readable when this takes
 * the last message.
 */
struct fct_msg *fct_queue_pop(struct fct_queue *q);

/*
 * Like fct_queue_pop, but waits up to timeout_ms milliseconds (-1: for
 * ever) for a message to arrive; NULL when none came in time.
 */
struct fct_msg *fct_queue_wait(struct fct_queue *q, int timeout_ms);

/*
 * The wake-up descriptor: readable while the queue is not empty. Borrowed:
 * valid until fct_queue_free; only poll() or select() it, never read it.
 */
int fct_queue_fd(const struct fct_queue *q);

/* How many messages wait. A snapshot: others may push or pop meanwhile. */
size_t fct_queue_len(struct fct_queue *q);

/* Frees every waiting message; returns how many there were. */
size_t fct_queue_clear(struct fct_queue *q);

/*
 * Checks the invariants (the count matches the list, the descriptor is
 * readable exactly when the list is not empty); BUG() when one fails.
 */
void fct_queue_sanity(struct fct_queue *q);

#endif
