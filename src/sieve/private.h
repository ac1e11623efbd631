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
 * acct's credential. ep is copied; its strings must outlive the session.
 */
int sieve_session_attach(mailstream *stream, const struct net_endpoint *ep,
    const struct config_account *acct, struct sieve_session **out,
    struct fct_error *err) FCT_WUR;

#endif
