/* Internals shared by the files of src/imap. */
#ifndef FACTEUR_IMAP_PRIVATE_H
#define FACTEUR_IMAP_PRIVATE_H

#include <stdio.h>

#include "facteur/imap.h"

/*
 * Invariants: imap is never NULL; ep's strings point at host and ca_file,
 * which the session owns; ns is NULL until NAMESPACE was asked.
 */
struct imap_session {
	mailimap *imap;
	struct net_endpoint ep;
	char *host;                         /* owned */
	char *ca_file;                      /* owned, may be NULL */
	struct mailimap_namespace_data *ns; /* owned, may be NULL */
	bool ns_asked;
	bool trusted;         /* TLS is up and its certificate verified */
	bool qresync_enabled; /* ENABLE QRESYNC accepted */
	bool broken; /* a stream or parse error: only closing is left */
	bool idling; /* IDLE continuation seen, DONE not sent (idle.c) */
	FILE *trace; /* FACTEUR_IMAP_TRACE, or NULL */
};

/*
 * Records "WHAT: REASON" for libetpan status r, with the server's own words
 * when it gave some. Returns -1.
 */
int imap_error(struct imap_session *s, int r, struct fct_error *err,
    const char *fmt, ...) FCT_PRINTF(4, 5);

/* CAPABILITY, kept by libetpan for mailimap_has_extension. */
int imap_read_capabilities(struct imap_session *s,
    struct fct_error *err) FCT_WUR;

/*
 * Collects into ch (may be NULL) the untagged news of the command that
 * just ended: VANISHED ranges, EXPUNGE, EXISTS, HIGHESTMODSEQ. libetpan
 * forgets them when the next command starts, so call it after every one.
 */
void imap_harvest(struct imap_session *s, struct imap_changes *ch);

/*
 * For unit tests: a session on an open stream (plain, to a scripted peer),
 * its greeting read, as if logged in. The stream transfers; *out is owned
 * (imap_session_close).
 */
int imap_session_attach(mailstream *stream, const char *host,
    struct imap_session **out, struct fct_error *err) FCT_WUR;

/*
 * True when s (may be NULL) holds a CR or LF: libetpan writes quoted
 * strings without escaping them, so such a string could smuggle a command.
 */
bool imap_has_line_break(const char *s);

/*
 * The flag list for the FCT_FLAG_* system flags in flags (ops.c), aborting
 * on allocation failure. Owned: mailimap_flag_list_free, or transferred to
 * the libetpan structure it is given to.
 */
struct mailimap_flag_list *imap_flag_list_new(unsigned flags);

/* Appends f (transfers) to fl, aborting on allocation failure. */
void imap_flag_list_add(struct mailimap_flag_list *fl, struct mailimap_flag *f);

#endif
