/* Internals shared by the files of src/pop, and by its unit tests. */
#ifndef FACTEUR_POP_PRIVATE_H
#define FACTEUR_POP_PRIVATE_H

#include <stdio.h>

#include "facteur/pop.h"

/* RFC 1939 7: a unique id is 1 to 70 characters from 0x21 to 0x7E. */
#define POP_UIDL_MAX 70

/*
 * The parsers of the server's lines (CRLF already removed). They accept
 * exactly what RFC 1939 allows, plus trailing text where the RFC leaves
 * room for it, and never trust a number that does not fit.
 */

/* "+OK ..." → 1, "-ERR ..." → 0, anything else → -1. *text is set to
 * what follows the status and its space (may be ""). */
int pop_parse_status(const char *line, const char **text);

/* STAT's "+OK" text: "COUNT SIZE[ ...]". Returns -1 when malformed. */
int pop_parse_stat(const char *text, uint32_t *count, uint64_t *size);

/* One scan listing of LIST: "INDEX SIZE[ ...]", INDEX >= 1. */
int pop_parse_list_line(const char *line, uint32_t *index, uint64_t *size);

/* One line of UIDL: "INDEX UID", INDEX >= 1, UID valid; *uid points into
 * line, *len bytes long (trailing blanks are not part of it). */
int pop_parse_uidl_line(const char *line, uint32_t *index, const char **uid,
    size_t *len);

/* The POP_CAP_* flag a CAPA line announces, 0 for one facteur ignores. */
unsigned pop_parse_capa_line(const char *line);

/*
 * Session state. Invariants: pop is never NULL; ep's strings point at host
 * and ca_file, which the session owns; line is facteur's own line buffer;
 * trusted is true only once TLS is up and verified, and until then nothing
 * is sent but CAPA and STLS; logged_in only after PASS was accepted.
 */
struct pop_session {
	mailpop3 *pop;
	struct net_endpoint ep;
	char *host;    /* owned */
	char *ca_file; /* owned, may be NULL */
	MMAPString *line;
	unsigned caps;      /* enum pop_caps_flags */
	char *sasl;         /* owned; CAPA's SASL mechanisms, may be NULL */
	bool auth_rejected; /* the last AUTH's credential was refused */
	bool offered_stls;  /* the plaintext CAPA announced STLS */
	bool trusted;
	bool logged_in;
	bool dele_marked; /* a DELE was sent: QUIT would commit it */
	bool broken;      /* a stream error or garbage: only closing is left */
	FILE *trace;      /* FACTEUR_POP_TRACE, or NULL */
};

/*
 * For unit tests: a session on an open stream to a scripted peer. When
 * tls is true the stream counts as verified TLS (as after pops://);
 * otherwise STLS is required exactly as for pop://. Reads the greeting and
 * CAPA. The stream transfers; *out is owned (pop_session_close).
 */
int pop_session_attach(mailstream *stream, const char *host, bool tls,
    struct pop_session **out, struct fct_error *err) FCT_WUR;

/*
 * AUTH with an OAuth2 token (auth.c): OAUTHBEARER, else XOAUTH2, as the
 * SASL capability offers. *rejected tells a refused token from other
 * failures. Does not read CAPA again (the caller does).
 */
int pop_auth_oauth(struct pop_session *s, const struct net_credential *cred,
    bool *rejected, struct fct_error *err) FCT_WUR;

/*
 * The line-level helpers of session.c, shared with maildrop.c.
 *
 * pop_refused: "WHAT: TEXT" with the server's words (control characters
 * replaced, cut) into err. Returns -1.
 * pop_lost: the connection is gone or out of step: marks the session
 * broken and says so. Returns -1.
 * pop_read_line: one line without its CRLF, borrowed from s->line until
 * the next read, or NULL when the connection failed or closed (a line
 * that does not end with LF is how the end of the stream shows, since
 * libetpan returns "" for ever after a hang-up). Its length is
 * s->line->len: a line may hold NUL bytes.
 * pop_send: writes `cmd` and CRLF, public in the trace; flushes when
 * asked (a pipelined batch flushes once, at its end).
 * pop_read_status: reads a status line: 1 for +OK, 0 for -ERR (the
 * server's words in *text, valid until the next read), -1 with err set
 * when the connection failed or the answer is not POP3 (broken then).
 * pop_command: pop_send, flushed, then pop_read_status.
 */
int pop_refused(struct fct_error *err, const char *text, const char *fmt, ...)
    FCT_PRINTF(3, 4);
int pop_lost(struct pop_session *s, struct fct_error *err, const char *what);
const char *pop_read_line(struct pop_session *s);
int pop_send(struct pop_session *s, const char *cmd, bool flush,
    struct fct_error *err) FCT_WUR;
int pop_read_status(struct pop_session *s, const char *cmd, const char **text,
    struct fct_error *err);
int pop_command(struct pop_session *s, const char *cmd, const char **text,
    struct fct_error *err);

#endif
