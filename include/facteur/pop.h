/*
 * pop: one POP3 session (RFC 1939) on libetpan. Connects through src/net
 * (implicit TLS, or STLS, which is then required), verifies the
 * certificate before anything the server says is believed, logs in with
 * USER/PASS, and reads the maildrop's listing. A POP3 server has one
 * mailbox, shown by facteur as the account's INBOX.
 *
 * Deletion and QUIT. RFC 1939 deletes the messages marked with DELE only
 * when the session ends with QUIT (the UPDATE state); a connection that is
 * simply dropped leaves the maildrop as it was. So QUIT is the commit, and
 * pop_session_close sends it only when no DELE was issued in the session:
 * deleting, when it comes, will take an explicit commit call made after
 * the messages are safe in the local store, so that an error on the way
 * can never lose mail.
 *
 * A session belongs to one thread at a time (libetpan sessions have no
 * locking); every call blocks on the network, so callers are account
 * workers or the command-line layer, never the UI thread.
 */
#ifndef FACTEUR_POP_POP_H
#define FACTEUR_POP_POP_H

#include <stdbool.h>
#include <stdint.h>

#include "facteur/core.h"
#include "facteur/core_config.h"
#include "facteur/net.h"

struct pop_session;

/* What the server announced in CAPA (RFC 2449), after TLS. */
enum pop_caps_flags {
	POP_CAP_STLS = 1 << 0, /* RFC 2595; kept once seen before TLS */
	POP_CAP_USER = 1 << 1,
	POP_CAP_UIDL = 1 << 2,
	POP_CAP_TOP = 1 << 3,
	POP_CAP_PIPELINING = 1 << 4,
	POP_CAP_SASL = 1 << 5,
	POP_CAP_RESP_CODES = 1 << 6,
	POP_CAP_CAPA = 1 << 7, /* the server answered CAPA at all */
};

/* RFC 2449 4: a command line, CRLF included, is at most 255 octets; this
 * is the longest user name or password that fits after "USER "/"PASS ". */
#define POP_MAX_ARG 248

/* One message of the maildrop. */
struct pop_msg {
	uint32_t index; /* 1-based message number, valid for this session */
	uint64_t size;  /* octets, as LIST reports it */
	char *uidl;     /* owned; the unique id, NULL without UIDL */
};

/* Invariant: v[0..n) are in increasing index order, no index twice. */
struct pop_msg_list {
	struct pop_msg *v;
	size_t n, alloc;
};

#define POP_MSG_LIST_INIT  \
	{                  \
		NULL, 0, 0 \
	}

void pop_msg_list_release(struct pop_msg_list *list);

/*
 * Connects to the account's POP3 server: pops:// is TLS from the first
 * byte; pop:// must offer STLS, which is then used. The certificate is
 * verified before the greeting is trusted; CAPA is read (again, after
 * STLS). *out is owned (pop_session_close). Not logged in yet.
 */
int pop_session_open(const struct config_account *acct,
    struct pop_session **out, struct fct_error *err) FCT_WUR;

/*
 * Logs in with USER and PASS (never APOP, whose MD5 challenge is no
 * protection worth having over verified TLS). OAuth2 tokens go by AUTH
 * OAUTHBEARER, else XOAUTH2 (RFC 5034, src/pop/auth.c). A user
 * or password with a line break or longer than POP_MAX_ARG is refused
 * before anything is sent. On failure the message quotes the server.
 */
int pop_session_login(struct pop_session *s, const struct net_credential *cred,
    struct fct_error *err) FCT_WUR;

/*
 * Gets the account's secret and logs in with it (net_login): a refused
 * OAuth2 token is replaced by a fresh one from oauth2_token_command, once.
 */
int pop_session_authenticate(struct pop_session *s,
    const struct config_account *acct, struct fct_error *err) FCT_WUR;

/* STAT: how many messages, and their total size in octets. */
int pop_stat(struct pop_session *s, uint32_t *count, uint64_t *size,
    struct fct_error *err) FCT_WUR;

/*
 * LIST and UIDL, parsed by facteur (libetpan 1.9.4's LIST writes out of
 * bounds on a message number 0): every number is checked against STAT's
 * count, and every unique id against RFC 1939's syntax (1 to 70 printable
 * characters). Entries are appended to list, which is left unchanged on
 * failure. A server without UIDL gives entries whose uidl is NULL.
 */
int pop_list(struct pop_session *s, struct pop_msg_list *list,
    struct fct_error *err) FCT_WUR;

/* How many commands a pipelined RETR or DELE run sends ahead of the
 * answers it has read (RFC 2449 6.6), when the server has PIPELINING. */
#define POP_PIPELINE_WINDOW 16

/*
 * Called with each message of pop_retr, whole and dot-unstuffed, every
 * line ending in CRLF; data is borrowed for the call (NUL-terminated
 * after len bytes, but it may hold NUL bytes of its own). Returns 0, or
 * -1 with its err filled to stop the run.
 */
typedef int (*pop_retr_fn)(void *arg, const struct pop_msg *m, const char *data,
    size_t len, struct fct_error *err);

/*
 * RETR of msgs[0..n), in that order: pipelined, POP_PIPELINE_WINDOW
 * commands ahead, when the server announced PIPELINING; one at a time
 * otherwise. A message longer than max_size octets (0: no limit) stops
 * the run with an error rather than filling memory. Fails (-1, err set)
 * when the server refuses a RETR, the connection breaks, or fn fails; the
 * session is then broken (only pop_session_close is left), since answers
 * to commands already sent may still be on the way. Messages given to fn
 * before the failure stay given.
 */
int pop_retr(struct pop_session *s, const struct pop_msg *msgs, size_t n,
    uint64_t max_size, pop_retr_fn fn, void *arg,
    struct fct_error *err) FCT_WUR;

/*
 * DELE of the messages numbered idx[0..n), pipelined like pop_retr. The
 * server only marks them: nothing is deleted until pop_session_quit
 * succeeds, and pop_session_close (without quit) drops the connection so
 * that the server forgets the marks. Call it only once the messages are
 * safe elsewhere. A -ERR for any message fails the whole call.
 */
int pop_dele(struct pop_session *s, const uint32_t *idx, size_t n,
    struct fct_error *err) FCT_WUR;

/*
 * QUIT: the commit of the DELE marks (RFC 1939 6, the UPDATE state). 0
 * when the server answered +OK: the marked messages are gone. -1 when it
 * refused or the connection broke: then the caller cannot know (the next
 * listing tells). Either way the session is over: nothing more can be
 * sent, and pop_session_close closes the connection.
 */
int pop_session_quit(struct pop_session *s, struct fct_error *err) FCT_WUR;

/* True once the connection failed or went out of step. */
bool pop_session_broken(const struct pop_session *s);

/*
 * Makes a read or write blocked in another thread fail at once; the
 * session is unusable afterwards. The only call another thread may make.
 */
void pop_session_cancel(struct pop_session *s);

/* enum pop_caps_flags, from the last CAPA. */
unsigned pop_session_caps(const struct pop_session *s);

/*
 * Ends the session and frees it; accepts NULL. QUIT is sent only when the
 * connection is trusted and sound and no message was marked for deletion,
 * so that closing never deletes anything (see above); otherwise the
 * connection is just dropped and the server forgets the marks.
 */
void pop_session_close(struct pop_session **sp);

#endif
