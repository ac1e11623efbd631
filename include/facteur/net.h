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
 * Base64 (RFC 4648, padded) of n bytes appended to out. NEEDSWORK: main's
 * src/net/sasl.c has the same function with this signature; when merging,
 * keep that one and drop src/net/base64.c.
 */
void net_base64_encode(struct strbuf *out, const void *data, size_t n);

#endif
