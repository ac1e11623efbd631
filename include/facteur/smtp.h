/*
 * smtp: one SMTP submission session on libetpan. Connects through src/net
 * (implicit TLS, or STARTTLS, which is then required), verifies the
 * certificate before anything the server says is believed, says EHLO with a
 * name that does not identify the machine, logs in, and submits messages
 * (smtp_send). `facteur check` uses the first part: whether the server can
 * be reached safely, accepts the account's credentials, and what it offers.
 *
 * A session belongs to one thread at a time (libetpan sessions have no
 * locking); every call blocks on the network, so callers are account
 * workers or the command-line layer, never the UI thread.
 */
#ifndef FACTEUR_SMTP_SMTP_H
#define FACTEUR_SMTP_SMTP_H

#include <stdbool.h>
#include <stdint.h>

#include "facteur/core.h"
#include "facteur/core_config.h"
#include "facteur/net.h"

struct smtp_session;

/* The ESMTP extensions (RFC 5321 and friends) facteur looks at. */
enum smtp_ext_flags {
	SMTP_EXT_STARTTLS = 1 << 0,            /* RFC 3207 */
	SMTP_EXT_AUTH = 1 << 1,                /* RFC 4954 */
	SMTP_EXT_SIZE = 1 << 2,                /* RFC 1870 */
	SMTP_EXT_8BITMIME = 1 << 3,            /* RFC 6152 */
	SMTP_EXT_PIPELINING = 1 << 4,          /* RFC 2920 */
	SMTP_EXT_DSN = 1 << 5,                 /* RFC 3461 */
	SMTP_EXT_SMTPUTF8 = 1 << 6,            /* RFC 6531 */
	SMTP_EXT_ENHANCEDSTATUSCODES = 1 << 7, /* RFC 2034 */
	SMTP_EXT_CHUNKING = 1 << 8,            /* RFC 3030 */
};

/* Longest user name and secret sent in AUTH (RFC 4954 caps the line at
 * 12288 octets; these keep every AUTH line below it). */
#define SMTP_MAX_USER 512
#define SMTP_MAX_SECRET 8192

/*
 * Connects to the account's submission server and reads what it offers:
 * smtps:// is TLS from the first byte; smtp:// must offer STARTTLS, which
 * is then used and the EHLO repeated. The certificate is verified before
 * the greeting is trusted. *out is owned (smtp_session_close). Not logged
 * in yet.
 */
int smtp_session_open(const struct config_account *acct,
    struct smtp_session **out, struct fct_error *err) FCT_WUR;

/*
 * Authenticates: AUTH PLAIN (or LOGIN when the server has no PLAIN) for
 * passwords, OAUTHBEARER (else XOAUTH2) for OAuth2 tokens; never a mechanism
 * libetpan would pick by itself. A user or secret with a line break, or longer
 * than SMTP_MAX_USER/SMTP_MAX_SECRET, is refused before anything is sent. On
 * failure the message quotes the server's reply.
 */
int smtp_session_login(struct smtp_session *s,
    const struct net_credential *cred, struct fct_error *err) FCT_WUR;

/*
 * Gets the account's secret and logs in with it (net_login): a refused
 * OAuth2 token is replaced by a fresh one from oauth2_token_command, once.
 */
int smtp_session_authenticate(struct smtp_session *s,
    const struct config_account *acct, struct fct_error *err) FCT_WUR;

/* Sends QUIT when the connection is trusted and sound, then frees; accepts
 * NULL. A server that failed verification is told nothing more. */
void smtp_session_close(struct smtp_session **sp);

/*
 * What the server said in its last EHLO (the one after TLS). Valid until
 * the session is closed. SMTP_EXT_STARTTLS is the exception: it stays set
 * once the plaintext EHLO offered it (servers stop announcing it once TLS
 * is up).
 */
unsigned smtp_session_extensions(const struct smtp_session *s);
/* The AUTH mechanisms offered, upper case, space-separated, in the
 * server's order ("PLAIN LOGIN"); "" when none. Borrowed. */
const char *smtp_session_auth_mechanisms(const struct smtp_session *s);
/* Whether mech (case-insensitive) is among them. */
bool smtp_session_offers_auth(const struct smtp_session *s, const char *mech);
/* The SIZE limit in bytes; 0 when none was announced (or "SIZE 0"). */
uint64_t smtp_session_size_limit(const struct smtp_session *s);
/* The name facteur gave in EHLO; borrowed. */
const char *smtp_session_ehlo_name(const struct smtp_session *s);

/*
 * What happened to each recipient of a send, in the order given: reason
 * is NULL when the server took it, else why not (the server's reply, or
 * facteur's own "not a usable address"). Strings owned.
 */
struct smtp_rcpt_result {
	char *addr;
	char *reason;
};
struct smtp_send_result {
	struct smtp_rcpt_result *v;
	size_t n, alloc;
	size_t refused; /* how many of v have a reason */
};
#define SMTP_SEND_RESULT_INIT \
	{                     \
		0             \
	}
void smtp_send_result_release(struct smtp_send_result *r);

/*
 * Submits data (len bytes, 7-bit, CRLF line ends as mime_prepare writes
 * them) from the envelope sender `from` to rcpt[0..n) on a logged-in
 * session: MAIL FROM (with SIZE= when offered), RCPT TO for each, DATA.
 * Returns 0 once the server accepted the message for at least one
 * recipient; *res (released first) then says which were refused and why.
 * Returns -1 when nothing was sent: the sender or every recipient refused
 * (the transaction is then reset), DATA or the message refused, the
 * connection lost (smtp_session_broken), an 8-bit byte in data; err says
 * why, quoting the server.
 */
int smtp_send(struct smtp_session *s, const char *from, const char *const *rcpt,
    size_t n, const char *data, size_t len, struct smtp_send_result *res,
    struct fct_error *err) FCT_WUR;

/* Whether the connection failed (only closing is left). */
bool smtp_session_broken(const struct smtp_session *s);

#endif
