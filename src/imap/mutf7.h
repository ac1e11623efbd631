/*
 * Modified UTF-7 (RFC 3501 section 5.1.3): how IMAP spells mailbox names.
 * Private to src/imap: the rest of facteur sees folder names in UTF-8 only,
 * and the imap layer converts at the protocol boundary.
 *
 * The strict pair is exact inverses. imap_mutf7_decode() accepts only the
 * one canonical spelling of each name, so for every name it accepts,
 * imap_mutf7_encode() of the result gives back the same bytes. That lets the
 * decoded name serve as the folder's key in the store and be re-encoded for
 * SELECT without asking the server which spelling it meant.
 *
 * Servers that break the RFC exist, and a folder must still be shown. The
 * fallback for a name that imap_mutf7_decode() rejects is
 * imap_mutf7_decode_lenient(), which never fails and always returns valid
 * UTF-8. Its result is for display only: it may not round-trip, so a caller
 * that falls back keeps the raw name for commands.
 *
 * Pure functions with no shared state: any thread may call them.
 */
#ifndef FACTEUR_IMAP_MUTF7_H
#define FACTEUR_IMAP_MUTF7_H

#include "facteur/core.h"

/*
 * Decodes the modified UTF-7 mailbox name `in` (as the server sent it) into
 * UTF-8. On success *out is owned by the caller (free()) and 0 is returned.
 * On failure *out is set to NULL, err gets a message naming the problem and
 * its byte offset, and -1 is returned. Rejected:
 *  - bytes outside printable US-ASCII (0x20-0x7e);
 *  - a '&' with no closing '-';
 *  - characters outside the modified base64 alphabet (A-Z a-z 0-9 + ,);
 *  - base64 that spells a printable ASCII character, or U+0000;
 *  - a superfluous base64 character, or padding bits that are not zero;
 *  - a surrogate that is not part of a high-low pair within one run;
 *  - two base64 runs back to back ("&AOk-&AOk-" for "&AOkA6Q-").
 */
int imap_mutf7_decode(const char *in, char **out,
    struct fct_error *err) FCT_WUR;

/*
 * Best-effort decoding for display, when imap_mutf7_decode() fails. Never
 * fails; the result is owned (free()) and is always valid UTF-8 with no
 * U+0000. Non-canonical base64 is decoded anyway; unpaired surrogates and
 * undecodable bytes become U+FFFD, except that raw UTF-8 (sent by servers
 * that ignore the RFC) is kept; a '&' that does not start a well-formed run
 * is shown as itself, followed by the text after it.
 */
char *imap_mutf7_decode_lenient(const char *in);

/*
 * Encodes the UTF-8 string `utf8` as a modified UTF-7 mailbox name. On
 * success *out is owned by the caller (free()) and 0 is returned. Invalid
 * UTF-8 (stray or missing continuation bytes, overlong forms, surrogates,
 * code points above U+10FFFF) is rejected with a message naming the byte
 * offset, *out set to NULL and -1 returned.
 */
int imap_mutf7_encode(const char *utf8, char **out,
    struct fct_error *err) FCT_WUR;

#endif
