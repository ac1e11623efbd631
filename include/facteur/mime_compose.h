/*
 * mime_compose: outgoing messages. What the user wrote (a struct
 * mime_draft: UTF-8 text, LF line ends) becomes an RFC 5322 message that
 * any relay can carry: headers RFC 2047-encoded, attachment names RFC
 * 2231-encoded, every body part 7-bit (quoted-printable or base64), since
 * libetpan never announces 8BITMIME. mime_prepare then turns any message
 * (built here, or read on stdin by `facteur send`) into what is submitted:
 * the envelope from its headers, Bcc removed, Message-ID and Date added
 * when missing.
 *
 * The editable text form (mime_draft_format / mime_draft_parse) is what
 * $EDITOR shows: header lines (From, To, Cc, Bcc, Subject, Reply-To, and
 * one Attach: line per file), an empty line, the body, all plain UTF-8.
 *
 * Pure functions on GMime (after mime_init), any thread; no I/O: the
 * caller reads attachment files.
 */
#ifndef FACTEUR_MIME_COMPOSE_H
#define FACTEUR_MIME_COMPOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "facteur/core.h"

/* One attachment. Every field owned by the struct (mime_draft_release). */
struct mime_attachment {
	char *name;         /* the file name shown, UTF-8; may be NULL */
	char *content_type; /* "type/subtype"; NULL: guessed from the name */
	char *path;         /* where the caller reads it from, may be NULL */
	char *data;         /* the bytes, NULL until the caller loaded them */
	size_t len;
};

/*
 * A message as the user writes it. Every string is owned (xstrdup'd,
 * freed by mime_draft_release) and may be NULL when absent. Address lists
 * are RFC 5322 text in UTF-8 ("Bob <bob@x>, carol@x"), alias names
 * included until the caller expands them.
 */
struct mime_draft {
	char *from;
	char *to, *cc, *bcc, *reply_to;
	char *subject;
	char *body;        /* UTF-8, LF line ends */
	char *in_reply_to; /* msg-id without angle brackets */
	char *references;  /* msg-ids without brackets, space-separated */
	char *message_id;  /* NULL: mime_build makes one */
	int64_t date;      /* unix seconds; 0: now */
	struct mime_attachment *att;
	size_t natt, att_alloc;
};

#define MIME_DRAFT_INIT \
	{               \
		0       \
	}
/* Frees every string and attachment; *d is left empty, reusable. */
void mime_draft_release(struct mime_draft *d);
/* Adds an attachment with name, type and path copied (each may be NULL);
 * returns it (borrowed, valid until the next add or the release). */
struct mime_attachment *mime_draft_add_attachment(struct mime_draft *d,
    const char *name, const char *content_type, const char *path);

/*
 * Writes the editable form of d to out (appended): the six header lines,
 * every one even when empty, an Attach: line per attachment with a path,
 * an empty line, the body.
 */
void mime_draft_format(const struct mime_draft *d, struct strbuf *out);

/*
 * Parses the editable form (text of len bytes, UTF-8) into *d, replacing
 * it; In-Reply-To, References and Message-ID lines are kept too, so a
 * resumed draft keeps its thread. Attachments of *d that have no path (a
 * forwarded message, those of a resumed draft) are kept: the text cannot
 * name them. An unknown header line is an error naming it, as is a file
 * without the empty line after the headers; *d is then left as it was.
 */
int mime_draft_parse(const char *text, size_t len, struct mime_draft *d,
    struct fct_error *err) FCT_WUR;

/*
 * A new Message-ID, without brackets: 128 random bits (getrandom) in hex,
 * '@', domain (the sender's, never the local host name). Owned. Fails
 * only when the system has no random source.
 */
int mime_message_id_new(const char *domain, char **out,
    struct fct_error *err) FCT_WUR;

/*
 * Calls fn for every mailbox of an address list (RFC 5322 text, decoded
 * or not; groups flattened) with its display name ("" when none) and
 * addr-spec, both borrowed for the call; fn returning non-zero stops.
 */
void mime_address_list_each(const char *list,
    int (*fn)(const char *name, const char *addr, void *arg), void *arg);

/* The domain of the first address in an address list, or NULL. Owned. */
char *mime_address_domain(const char *list);

/*
 * Builds the message: text/plain (UTF-8) alone, or multipart/mixed with
 * the attachments (each must be loaded: data set), bodies 7-bit, CRLF line
 * ends, Bcc kept (drafts keep it; mime_prepare drops it). A missing
 * Message-ID is made at the domain of From. Appends to out. Errors: no
 * From, an unreadable address list, an attachment without data.
 */
int mime_build(const struct mime_draft *d, struct strbuf *out,
    struct fct_error *err) FCT_WUR;

/*
 * The envelope of a message to submit. Strings owned; rcpt holds each
 * addr-spec once, in header order (To, Cc, Bcc).
 */
struct mime_envelope {
	char *from;       /* addr-spec of From */
	char *message_id; /* without brackets */
	char *subject;    /* decoded, may be NULL */
	char **rcpt;
	size_t nrcpt, rcpt_alloc;
};
#define MIME_ENVELOPE_INIT \
	{                  \
		0          \
	}
void mime_envelope_release(struct mime_envelope *e);

/*
 * Prepares a whole message (raw, len bytes; LF or CRLF) for submission,
 * as sendmail -t would: alias keys in To, Cc and Bcc expanded (aliases
 * may be NULL); recipients from To, Cc and Bcc; Bcc removed; From
 * set to default_from (may be NULL) when missing; Message-ID (at From's
 * domain) and Date added when missing; 8-bit headers RFC 2047-encoded and
 * 8-bit bodies re-encoded to 7-bit. The result (CRLF) is appended to out.
 * Errors: unparsable input, no From, no recipient, an address without a
 * domain.
 */
struct fct_aliases;
int mime_prepare(const char *raw, size_t len, const char *default_from,
    const struct fct_aliases *aliases, struct strbuf *out,
    struct mime_envelope *env, struct fct_error *err) FCT_WUR;

/*
 * Reply and forward templates from the raw original (len bytes). own[]
 * (n addr-specs, borrowed) are the user's addresses: a reply-all drops
 * them. *d is released first and filled: To (Reply-To, else From), Cc
 * (reply-all: the original To and Cc, without own addresses and without
 * duplicates), Subject with one "Re: ", In-Reply-To and References, the
 * quoted text. *addressed (may be NULL) receives the index in own[] of the
 * first own address the original was sent to (To, then Cc, then
 * Delivered-To), or -1.
 */
int mime_reply_draft(const char *raw, size_t len, bool all,
    const char *const *own, size_t n, struct mime_draft *d, int *addressed,
    struct fct_error *err) FCT_WUR;

/*
 * Forward: Subject "Fwd: ..."; inline (attach false) the original's
 * headers and text in the body; otherwise the whole original as a
 * message/rfc822 attachment (data loaded). *addressed as above.
 */
int mime_forward_draft(const char *raw, size_t len, bool attach,
    const char *const *own, size_t n, struct mime_draft *d, int *addressed,
    struct fct_error *err) FCT_WUR;

/*
 * A postponed draft (raw, len bytes) back into a draft to edit: headers
 * decoded (Bcc and the thread's ids included), the first text/plain part
 * as the body, every other part as an attachment with its decoded bytes.
 * *d is released first.
 */
int mime_draft_from_message(const char *raw, size_t len, struct mime_draft *d,
    struct fct_error *err) FCT_WUR;

#endif
