/*
 * The ManageSieve session's internals, for src/sieve and its unit tests.
 */
#ifndef FACTEUR_SIEVE_PRIVATE_H
#define FACTEUR_SIEVE_PRIVATE_H

#include <libetpan/libetpan.h>

#include "facteur/net.h"
#include "facteur/sieve.h"

/*
 * For unit tests and sieve_session_open: a session on an open plaintext
 * stream (transferred, closed on failure): reads the greeting, requires
 * and performs STARTTLS (TLS against ep, verified), then logs in with
 * acct's credential (sieve_session_login). ep is copied; its strings must
 * outlive the session.
 */
int sieve_session_attach(mailstream *stream, const struct net_endpoint *ep,
    const struct config_account *acct, struct sieve_session **out,
    struct fct_error *err) FCT_WUR;

/*
 * For unit tests and sieve_session_attach: a session on an open stream
 * (transferred, closed on failure) once the greeting is read; nothing
 * else is sent. *out is owned (sieve_session_close).
 */
int sieve_session_greet(mailstream *stream, const struct net_endpoint *ep,
    struct sieve_session **out, struct fct_error *err) FCT_WUR;

/*
 * AUTHENTICATE with acct's credential through net_login: SASL PLAIN for a
 * password, OAUTHBEARER (else XOAUTH2) for an OAuth2 token, which is asked
 * for once more when the server refuses it. sieve_session_attach calls it
 * only after STARTTLS.
 */
int sieve_session_login(struct sieve_session *s,
    const struct config_account *acct, struct fct_error *err) FCT_WUR;

#endif
