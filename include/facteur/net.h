/*
 * net: the bottom of every protocol session. TCP connections with time
 * limits, TLS whose certificate is verified with OpenSSL before a single byte
 * of the protocol is trusted, and the credentials (password command, password,
 * OAuth2 token command) behind one small ops table.
 *
 * Everything here blocks: call it from an account worker or from the command
 * line layer, never from the UI thread.
 */
#ifndef FACTEUR_NET_NET_H
#define FACTEUR_NET_NET_H

#include <stdbool.h>
#include <stdio.h>

#include <libetpan/libetpan.h>

#include "facteur/core.h"
#include "facteur/core_config.h"

/* Seconds allowed for connecting and for any one read or write. */
#define NET_DEFAULT_TIMEOUT 30

/* Where to connect and whom to trust. Strings are borrowed. */
struct net_endpoint {
	const char *host; /* name or IP literal, as in the config */
	unsigned port;
	bool implicit_tls;   /* TLS from the first byte; else STARTTLS */
	const char *ca_file; /* extra trust anchor, may be NULL */
	int timeout;         /* seconds; 0 means NET_DEFAULT_TIMEOUT */
};

/* Process-wide set-up: ignore SIGPIPE (libetpan writes with send() without
 * MSG_NOSIGNAL). Call once from the main thread before any worker starts. */
void net_init(void);

/* The OpenSSL and libetpan versions, appended to sb. Any thread. */
void net_library_versions(struct strbuf *sb);

/*
 * Opens a TCP connection to ep->host:ep->port within ep->timeout, with
 * keep-alive and close-on-exec. *fdp is owned by the caller (close()).
 */
int net_tcp_connect(const struct net_endpoint *ep, int *fdp,
    struct fct_error *err) FCT_WUR;

/*
 * Connects and opens a stream: TLS (handshake, then net_tls_verify) when
 * ep->implicit_tls, plain otherwise. On success *out is owned by the caller
 * (mailstream_close, or hand it to mailimap_connect which takes it). On
 * failure nothing is left open.
 */
int net_stream_open(const struct net_endpoint *ep, mailstream **out,
    struct fct_error *err) FCT_WUR;

/*
 * Verifies the certificate chain the peer sent on an established TLS
 * stream: trusted by the system's CAs or ep->ca_file, valid now, for a TLS
 * server, and naming ep->host (DNS name or IP address). Must be called
 * before the greeting is parsed or any credential is sent.
 */
int net_tls_verify(mailstream *s, const struct net_endpoint *ep,
    struct fct_error *err) FCT_WUR;

/*
 * The callback to pass to libetpan's *_starttls_with_callback and
 * *_ssl_open_with_callback: sets SNI (never for IP literals) and, when
 * libetpan is built on OpenSSL, verification inside the handshake too.
 * data is the struct net_endpoint.
 */
void net_tls_setup_cb(struct mailstream_ssl_context *ctx, void *data);

/* Applies ep's timeout to every later read and write on s. */
void net_stream_set_timeout(mailstream *s, const struct net_endpoint *ep);

/*
 * Protocol traces (FACTEUR_IMAP_TRACE, FACTEUR_SMTP_TRACE, ...). net_trace_open
 * opens the file the environment variable `var` names for appending; NULL
 * when unset or unusable (a trace never makes a session fail). The FILE is
 * owned by the caller (fclose). net_trace_chunk writes one chunk from a
 * libetpan logger callback as "S: ..." or "C: ..." lines; chunks libetpan
 * marks private (credentials) become "C: <credentials hidden>". Call both
 * from the thread that owns the session.
 */
FILE *net_trace_open(const char *var);
void net_trace_chunk(FILE *fp, int log_type, const char *buf, size_t len);

enum net_cred_kind {
	NET_CRED_PASSWORD, /* a password or an app password */
	NET_CRED_OAUTH2,   /* an OAuth2 access token (XOAUTH2/OAUTHBEARER) */
};

struct net_credential {
	enum net_cred_kind kind;
	char *user;   /* owned */
	char *secret; /* owned; wiped by net_credential_release */
};

#define NET_CREDENTIAL_INIT                   \
	{                                     \
		NET_CRED_PASSWORD, NULL, NULL \
	}

/*
 * Obtains the account's secret from its source: oauth2_token_command,
 * password_command or password, in that order. Blocks while a command runs.
 */
int net_credential_get(const struct config_account *acct,
    struct net_credential *cred, struct fct_error *err) FCT_WUR;
/* Wipes and frees; cred is left initialised. */
void net_credential_release(struct net_credential *cred);

/*
 * SASL (src/net/sasl.c): what IMAP, SMTP, POP3 and ManageSieve share
 * when they authenticate. Any thread; no network here but in net_login's
 * callback.
 */
enum net_sasl_mech {
	NET_SASL_PLAIN,       /* RFC 4616 */
	NET_SASL_OAUTHBEARER, /* RFC 7628 */
	NET_SASL_XOAUTH2,     /* Google's and Microsoft's older form */
};

/* "PLAIN", "OAUTHBEARER", "XOAUTH2"; static. */
const char *net_sasl_name(enum net_sasl_mech mech);

/*
 * The mechanism for cred among those offers() says the server offers:
 * OAUTHBEARER, else XOAUTH2 for a token; PLAIN for a password. -1 when
 * none fits (a password may still go by the protocol's own LOGIN/USER).
 */
int net_sasl_choose(const struct net_credential *cred,
    bool (*offers)(void *arg, const char *mech), void *arg,
    enum net_sasl_mech *mech) FCT_WUR;

/*
 * The client's first message for mech, base64-encoded, appended to out.
 * It holds the secret: release out with net_sasl_wipe. host and port go
 * into OAUTHBEARER's message (RFC 7628 3.1).
 */
int net_sasl_initial(enum net_sasl_mech mech, const struct net_credential *cred,
    const char *host, unsigned port, struct strbuf *out,
    struct fct_error *err) FCT_WUR;

/* What to answer a challenge that reports an error (OAuth mechanisms):
 * "AQ==" for OAUTHBEARER, "" for XOAUTH2; static. */
const char *net_sasl_error_reply(enum net_sasl_mech mech);

/* Appends " (decoded challenge)" for an error message, printable ASCII
 * only and cut short; nothing when b64 is empty or not base64. */
void net_sasl_describe_challenge(struct strbuf *sb, const char *b64);

/* Wipes the whole buffer, then releases it. */
void net_sasl_wipe(struct strbuf *sb);

/*
 * One SASL exchange, the loop every protocol runs the same way once its
 * command (AUTHENTICATE, AUTH) is out: each server continuation is
 * answered with the initial response when it did not go with the command,
 * then (OAuth) with the acknowledgement of the server's error report,
 * which is kept in why, and then with "*", which cancels. The protocol
 * only frames the lines, through net_sasl_io.
 *
 * Invariants: ir holds the secret (wiped on release); why is "" or
 * " (the server's report)" for the error message.
 */
struct net_sasl_exchange {
	enum net_sasl_mech mech;
	struct strbuf ir;    /* the initial response, base64 */
	struct strbuf why;   /* the server's error report, described */
	bool ir_sent;        /* the caller sent ir with its command */
	bool cancelled;      /* "*" was sent: the server must end it */
	unsigned challenges; /* continuations answered after ir */
};

/*
 * How a protocol sends and reads inside an exchange (session is its own).
 * send: one client response line (base64, "" or "*", then CRLF; inside
 * double quotes when quoted, as ManageSieve strings go), to be sent marked
 * private. read: the server's next answer: 1 with the continuation's text
 * (base64) appended to challenge, 0 for the final answer (which the
 * protocol keeps and judges), -1 with err filled when the connection or
 * the answer failed.
 */
struct net_sasl_io {
	int (*send)(void *session, const char *response, struct fct_error *err);
	int (*read)(void *session, struct strbuf *challenge,
	    struct fct_error *err);
	bool quoted; /* responses as quoted strings (ManageSieve) */
};

/*
 * Starts x for mech with cred's initial response (net_sasl_initial). x is
 * initialised even on failure; release it with net_sasl_exchange_release.
 */
int net_sasl_exchange_init(struct net_sasl_exchange *x, enum net_sasl_mech mech,
    const struct net_credential *cred, const char *host, unsigned port,
    struct fct_error *err) FCT_WUR;
/* Answers continuations until the final answer (0) or a failure (-1). */
int net_sasl_exchange_run(struct net_sasl_exchange *x,
    const struct net_sasl_io *io, void *session, struct fct_error *err) FCT_WUR;
/* Appends x's description of the server's error report to err's message. */
void net_sasl_exchange_explain(const struct net_sasl_exchange *x,
    struct fct_error *err);
/* Wipes ir, frees both buffers. */
void net_sasl_exchange_release(struct net_sasl_exchange *x);

/* Base64 (RFC 4648) of n bytes appended to out; decoding fails (-1) on
 * anything that is not padded base64. */
void net_base64_encode(struct strbuf *out, const void *data, size_t n);
int net_base64_decode(struct strbuf *out, const char *b64, size_t n) FCT_WUR;

/*
 * One login attempt with cred on session; sets *rejected when the server
 * refused the credential itself (as opposed to a lost connection or a
 * missing mechanism), leaving the session usable for another attempt.
 */
typedef int (*net_login_fn)(void *session, const struct net_credential *cred,
    bool *rejected, struct fct_error *err);

/*
 * Gets the account's secret (net_credential_get) and logs in with it.
 * When an OAuth2 token is refused, the token command runs once more (it
 * is expected to hand out a fresh token) and login is tried again; a
 * second refusal says so. The secret is wiped before returning. Blocks.
 */
int net_login(const struct config_account *acct, net_login_fn login,
    void *session, struct fct_error *err) FCT_WUR;

/* One attempt with cred, no retry (for a credential the caller has). */
int net_login_with(const struct net_credential *cred, net_login_fn login,
    void *session, struct fct_error *err) FCT_WUR;

#endif
