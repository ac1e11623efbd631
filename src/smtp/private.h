/* Internals shared by the files of src/smtp, and by its unit tests. */
#ifndef FACTEUR_SMTP_PRIVATE_H
#define FACTEUR_SMTP_PRIVATE_H

#include <stdio.h>

#include "facteur/smtp.h"

/*
 * libetpan 1.9.4 exports these but declares them only in a header it does
 * not install (mailsmtp_private.h). They are how facteur sends its own EHLO
 * and AUTH lines: send_command writes the line as given (no fixed-size
 * buffer), send_command_private does the same but marks it private for the
 * trace, and read_response reads a whole (multi-line) reply, returning its
 * code (0 when the stream failed) and leaving the text of every line in
 * session->response, each line ending with '\n'. Return -1 on write errors.
 */
int mailsmtp_send_command(mailsmtp *session, char *command);
int mailsmtp_send_command_private(mailsmtp *session, char *command);
int mailsmtp_read_response(mailsmtp *session);

/*
 * What one EHLO reply announced. Invariant once parsed: auth is not NULL;
 * it holds the mechanisms as "PLAIN LOGIN" (upper case, single spaces, no
 * duplicates, each a valid RFC 4422 name), or "" when none.
 */
struct smtp_ehlo {
	unsigned ext;  /* enum smtp_ext_flags */
	uint64_t size; /* SIZE's argument, 0 when absent or unreadable */
	char *auth;    /* owned */
};

#define SMTP_EHLO_INIT     \
	{                  \
		0, 0, NULL \
	}

/*
 * Parses the text of an EHLO reply as libetpan keeps it: one line per
 * reply line, code stripped, each ending with '\n'; the first line is the
 * server's name and greeting, the others are keywords and their
 * parameters. Keywords are matched case-insensitively and unknown ones
 * ignored; "AUTH=..." (pre-standard servers) counts as AUTH. Never fails:
 * anything unreadable is simply not offered. Releases what e held.
 */
void smtp_ehlo_parse(struct smtp_ehlo *e, const char *text);
void smtp_ehlo_release(struct smtp_ehlo *e);

/* Whether the n bytes at mech name one of list's space-separated words,
 * case-insensitively. */
bool smtp_mechanism_listed(const char *list, const char *mech, size_t n);

/*
 * The name to give in EHLO for the connection on fd: the address literal
 * of its local end (RFC 5321 4.1.3: "[192.0.2.1]", "[IPv6:2001:db8::1]"),
 * which tells the server nothing it does not see already, unlike the host
 * name; "[127.0.0.1]" when the socket has no IP address. Owned.
 */
char *smtp_ehlo_name_for_fd(int fd);

/*
 * Session state. Invariants: smtp is never NULL; ep's strings point at
 * host and ca_file, which the session owns; ehlo_name is set once the
 * greeting was read; trusted is true only once TLS is up and its
 * certificate verified, and nothing is sent (no EHLO after TLS, no AUTH,
 * no QUIT) to an untrusted peer beyond the first EHLO of STARTTLS.
 */
struct smtp_session {
	mailsmtp *smtp;
	struct net_endpoint ep;
	char *host;      /* owned */
	char *ca_file;   /* owned, may be NULL */
	char *ehlo_name; /* owned */
	struct smtp_ehlo ehlo;
	bool offered_starttls; /* the plaintext EHLO announced STARTTLS */
	bool trusted;          /* TLS is up and its certificate verified */
	bool authenticated;
	bool broken; /* a stream error: only closing is left */
	FILE *trace; /* FACTEUR_SMTP_TRACE, or NULL */
};

/*
 * Records "WHAT: REASON" for the command that just failed with libetpan
 * status r (MAILSMTP_ERROR_*, or a reply code from read_response), with
 * the server's own reply when there is one; a lost stream marks the
 * session broken. Returns -1.
 */
int smtp_error(struct smtp_session *s, int r, struct fct_error *err,
    const char *fmt, ...) FCT_PRINTF(4, 5);

/*
 * Appends the last reply, code first, its lines joined by spaces, control
 * characters replaced, cut short: the server's words end up in a message
 * for the terminal.
 */
void smtp_add_reply(struct strbuf *sb, const struct smtp_session *s);

/*
 * For unit tests: a session on an open stream to a scripted peer. When
 * tls is true the stream counts as verified TLS (as after smtps://);
 * otherwise STARTTLS is required exactly as for smtp://. Reads the
 * greeting and says EHLO. The stream transfers; *out is owned
 * (smtp_session_close).
 */
int smtp_session_attach(mailstream *stream, const char *host, bool tls,
    struct smtp_session **out, struct fct_error *err) FCT_WUR;

#endif
