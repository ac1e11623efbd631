/*
 * mime: parsing, decoding and rendering of messages, and building outgoing
 * ones, on GMime 3 and libxml2. A pure library: no I/O of its own.
 *
 * Threads: call mime_init() once from the main thread before any worker
 * starts; after that every function may run on any thread.
 */
#ifndef FACTEUR_MIME_MIME_H
#define FACTEUR_MIME_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facteur/core.h"

/* Initialises GMime (charset fallbacks included). Main thread, once. */
void mime_init(void);

/*
 * The GMime and libxml2 versions in use, as "gmime X.Y.Z, libxml2 N" into
 * sb. Any thread.
 */
void mime_library_versions(struct strbuf *sb);

/*
 * What the index and the search need from a header block, decoded to
 * UTF-8 (RFC 2047 words, addresses shown as `Name <addr>`). Every string
 * is owned by the struct and may be NULL when the header is absent.
 */
struct mime_summary {
	char *subject;
	char *from_text; /* "Name <addr>, ..." */
	char *to_text;
	char *cc_text;
	char *message_id;  /* without angle brackets */
	char *in_reply_to; /* the first msg-id, without brackets */
	char *references;  /* msg-ids without brackets, space-separated */
	char *list_id;     /* decoded, unfolded */
	int64_t date;      /* unix seconds of Date:, 0 when absent or bad */
};

#define MIME_SUMMARY_INIT                                         \
	{                                                         \
		NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 \
	}

/*
 * Parses a raw header block (or a whole message: only the header is
 * read) of len bytes into *out (released first). Malformed headers are
 * decoded as far as they go; this fails only when nothing can be read.
 */
int mime_summary_parse(const char *raw, size_t len, struct mime_summary *out,
    struct fct_error *err) FCT_WUR;
void mime_summary_release(struct mime_summary *s);

/*
 * Appends the searchable text of a whole raw message to out: its
 * text/plain parts decoded to UTF-8, or the words of its HTML when it has
 * no plain text; attachments left out; at most 1 MiB. Fails only when the
 * message cannot be parsed at all.
 */
int mime_body_text(const char *raw, size_t len, struct strbuf *out,
    struct fct_error *err) FCT_WUR;

/*
 * Whether a whole raw message has attachments: a part with
 * Content-Disposition attachment, or a named part that is not inline text
 * (the rule src/imap applies to BODYSTRUCTURE). False when it cannot be
 * parsed.
 */
bool mime_has_attachment(const char *raw, size_t len);

#endif
