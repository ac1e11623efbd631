/*
 * Internals of src/mime shared between its files (not part of the API).
 */
#ifndef FACTEUR_MIME_PRIVATE_H
#define FACTEUR_MIME_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <gmime/gmime.h>

#include "facteur/mime.h"

/*
 * Appends bytes (len, any content) labelled with charset (may be NULL) to
 * out as valid UTF-8 (src/mime/charset.c). ISO-8859-1 and its aliases are
 * read as windows-1252; an unknown, absent or ASCII label means UTF-8
 * when the bytes are valid UTF-8, else windows-1252; a UTF-8 label on
 * bytes with no valid multibyte sequence at all (a Latin-1 body lying
 * about itself) means windows-1252 too. Anything else that does not
 * convert becomes U+FFFD, byte by byte: nothing is ever cut.
 */
void mime_charset_to_utf8(struct strbuf *out, const char *bytes, size_t len,
    const char *charset);

/*
 * The charset GMime should try for raw 8-bit header text after UTF-8:
 * the alias-free iconv name, "windows-1252" for ISO-8859-1. Borrowed
 * (a literal or charset itself).
 */
const char *mime_charset_fix(const char *charset);

/*
 * Greedy word wrap of one sanitised paragraph (no newlines) at width
 * columns, each output line prefixed by prefix (first line) or cont
 * (the others). Calls emit for each line (borrowed for the call).
 * width 0 means no wrapping.
 */
void mime_wrap(const char *text, unsigned width, const char *prefix,
    const char *cont, void (*emit)(void *arg, const char *line), void *arg);

/*
 * Header decoding shared by the renderer and the index's summaries
 * (src/mime/render.c), so that both show a header the same way.
 *
 * mime_header_options: GMime parser options for the headers of msg: raw
 * 8-bit text tried as UTF-8, then the body's charset, then windows-1252;
 * loose RFC 2047. Owned (g_mime_parser_options_free).
 *
 * mime_header_raw: the raw value of the first header called name, or
 * NULL. Borrowed from obj.
 *
 * mime_header_decode: appends the decoded, unfolded value of a header to
 * out as UTF-8 (not terminal-safe yet): addresses as "Name <addr>, ...",
 * other headers as text; encoded words as described at
 * fix_encoded_words().
 */
GMimeParserOptions *mime_header_options(GMimeMessage *msg);
const char *mime_header_raw(GMimeObject *obj, const char *name);
void mime_header_decode(GMimeParserOptions *opts, const char *name,
    const char *raw, struct strbuf *out);

#endif
