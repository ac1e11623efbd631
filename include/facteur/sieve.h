/*
 * sieve: a ManageSieve client (RFC 5804), to install a Sieve script on the
 * account's server (`facteur rules export-sieve --upload`).
 *
 * A session connects to the account's `sieve` server in plaintext, reads
 * the capabilities, and requires STARTTLS: a server that does not offer it
 * is refused, as is a certificate that does not verify (net layer); the
 * capabilities are read again over TLS, and only then is the account's
 * credential sent: SASL PLAIN for a password, OAUTHBEARER or XOAUTH2 for
 * an OAuth2 token (src/net/sasl.c, the code IMAP, SMTP and POP3 use). There
 * is no plaintext fallback.
 *
 * Errors name the server and quote its own words, e.g. "ManageSieve
 * server '127.0.0.1' refused the script: line 3: unknown command 'fileint'".
 * Everything blocks on the network: command line and workers only. A
 * session belongs to one thread.
 */
#ifndef FACTEUR_SIEVE_SIEVE_H
#define FACTEUR_SIEVE_SIEVE_H

#include <stdbool.h>
#include <stddef.h>

#include "facteur/core.h"
#include "facteur/core_config.h"

struct sieve_session;

/*
 * Connects, secures and logs in to acct->sieve (which must be set). *out
 * is owned (sieve_session_close); NULL on failure, with nothing left open.
 */
int sieve_session_open(const struct config_account *acct,
    struct sieve_session **out, struct fct_error *err) FCT_WUR;

/* Whether the server's SIEVE capability lists the extension (after TLS). */
bool sieve_session_has_extension(const struct sieve_session *s,
    const char *ext);

/*
 * Checks script (len bytes) with CHECKSCRIPT, then stores it as `name`
 * (PUTSCRIPT) and makes it the active script (SETACTIVE). The server's
 * reason is in err when it refuses; nothing is stored then.
 */
int sieve_session_install(struct sieve_session *s, const char *name,
    const char *script, size_t len, struct fct_error *err) FCT_WUR;

/* Says LOGOUT (best effort) and frees; accepts NULL; sets *sp to NULL. */
void sieve_session_close(struct sieve_session **sp);

#endif
