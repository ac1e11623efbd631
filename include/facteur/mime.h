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
 * Rendering (src/mime/render.c): a whole raw RFC 5322 message turned into
 * the lines the pager and `facteur show` display, the same for both.
 *
 * Every line's text is valid UTF-8 that is safe to write to a terminal as
 * it is: it has been through mime_term_sanitize() (no control characters,
 * no escape sequences, no bidi overrides, tabs expanded), so a consumer
 * never sanitises rendered lines again, and never prints message data
 * that did not come through here or through mime_term_sanitize().
 *
 * The rendering is a flat list of logical lines. Body paragraphs are
 * wrapped at opts->width when they were reflowable (format=flowed, HTML);
 * other lines are as long as the sender made them, and a pager wraps or
 * scrolls them at its own width. Re-render on resize when width matters.
 *
 * Parts are numbered 1, 2, ... in depth-first order over the leaf parts
 * (multiparts are not numbered; a message/rfc822 part is a leaf for its
 * number and its contents are numbered after it). That number is the one
 * shown in the attachment list, taken by mime_part_content() and by
 * `facteur show --part N`.
 *
 * Threads: any thread (after mime_init()); no shared state, no I/O.
 */

enum mime_line_kind {
	MIME_LINE_HEADER,     /* "Name: value"; name_len gives the "Name" */
	MIME_LINE_BODY,       /* text; quote > 0 when quoted ("> " kept) */
	MIME_LINE_BLANK,      /* an empty line between blocks (text "") */
	MIME_LINE_LABEL,      /* "[-- ... --]": part boundary, signed... */
	MIME_LINE_ATTACHMENT, /* one attachment; part gives its number */
	MIME_LINE_LINK,       /* "[n] url" under a part; link gives n */
};

/*
 * One rendered line. Invariant: text is never NULL, holds no '\n', and
 * width == mime_term_width(text).
 */
struct mime_line {
	enum mime_line_kind kind;
	char *text;      /* owned by the rendering; sanitised UTF-8 */
	size_t width;    /* display columns (wcwidth) */
	size_t name_len; /* HEADER: bytes of the header name, else 0 */
	unsigned quote;  /* BODY: quote depth (">" levels), else 0 */
	unsigned level;  /* message/rfc822 nesting: 0 = the message */
	unsigned part;   /* leaf part the line comes from; 0 = headers */
	unsigned link;   /* LINK: its number (1-based), else 0 */
};

enum mime_part_flags {
	MIME_PART_SHOWN = 1 << 0,      /* rendered inline as text */
	MIME_PART_ATTACHMENT = 1 << 1, /* in the attachment list */
	MIME_PART_SIGNATURE = 1 << 2,  /* the signature of a signed part */
	MIME_PART_ENCRYPTED = 1 << 3,  /* inside multipart/encrypted */
	MIME_PART_MESSAGE = 1 << 4,    /* message/rfc822 */
};

/* A leaf part, for the attachment list, --part and saving. */
struct mime_part {
	unsigned number; /* 1-based, see above */
	unsigned flags;  /* enum mime_part_flags */
	char *type;      /* owned; "type/subtype", lower case */
	char *filename;  /* owned or NULL; decoded (RFC 2231/2047), raw
			  * UTF-8: sanitise to show, mime_safe_filename()
			  * to save */
	char *charset;   /* owned or NULL; the declared one */
	size_t size;     /* decoded size in bytes */
};

/* A link found in the message: numbered references of HTML, URLs of text. */
struct mime_link {
	unsigned number; /* 1-based; "[n]" in the text for HTML */
	unsigned part;   /* the part it was found in */
	char *url;       /* owned; sanitised UTF-8 */
};

struct mime_rendering {
	struct mime_line *lines;
	size_t nlines, alloc_lines;
	struct mime_part *parts; /* parts[i].number == i + 1 */
	size_t nparts, alloc_parts;
	struct mime_link *links; /* links[i].number == i + 1 */
	size_t nlinks, alloc_links;
};

#define MIME_RENDERING_INIT                        \
	{                                          \
		NULL, 0, 0, NULL, 0, 0, NULL, 0, 0 \
	}

/*
 * Optional hook that converts an HTML part to text instead of the
 * built-in converter (e.g. a mailcap `copiousoutput` entry run by the
 * caller: the mime library itself never runs anything). html is the part
 * decoded to UTF-8 (len bytes, NUL-terminated). Append plain UTF-8 text
 * to out and return 0; return -1 to fall back to the built-in converter
 * (the reason is not shown). Called on the rendering thread.
 */
typedef int (*mime_html_hook)(void *arg, const char *html, size_t len,
    struct strbuf *out);

enum mime_render_flags {
	MIME_RENDER_PREFER_HTML = 1 << 0, /* multipart/alternative: HTML */
	MIME_RENDER_ALL_HEADERS = 1 << 1, /* every header, in order */
	MIME_RENDER_NO_HEADERS = 1 << 2,  /* body and attachments only */
};

struct mime_render_opts {
	unsigned flags;           /* enum mime_render_flags */
	unsigned width;           /* wrap reflowable text; 0 = 78 */
	mime_html_hook html_hook; /* NULL: built-in HTML to text */
	void *html_hook_arg;
};

#define MIME_RENDER_OPTS_INIT    \
	{                        \
		0, 0, NULL, NULL \
	}

/*
 * Renders the raw message (len bytes, need not be NUL-terminated) into
 * *out, which is cleared first. The default header set is From, To, Cc,
 * Date (in the local time zone: TZ), Subject; then a blank line, the body
 * parts, and the attachment list. opts may be NULL for the defaults.
 *
 * Anything GMime can read renders: truncated messages, missing
 * boundaries, lying or unknown charsets (invalid bytes become U+FFFD;
 * ISO-8859-1 is read as windows-1252) and absurd nesting (beyond 32
 * levels a label replaces the content). Fails only when GMime cannot
 * parse a message at all; *out is then empty. Owned: release *out with
 * mime_rendering_release().
 */
int mime_render(const char *raw, size_t len,
    const struct mime_render_opts *opts, struct mime_rendering *out,
    struct fct_error *err) FCT_WUR;

void mime_rendering_release(struct mime_rendering *r);

/*
 * Appends part `number` of the raw message to out, with its transfer
 * encoding (base64, quoted-printable...) undone and its bytes otherwise
 * untouched (no charset conversion: that is what a saved file holds).
 * A message/rfc822 part gives the embedded message. *info, when not NULL,
 * receives a copy of the part's description (release with
 * mime_part_release()). Fails when the message cannot be parsed or has
 * no such part.
 */
int mime_part_content(const char *raw, size_t len, unsigned number,
    struct strbuf *out, struct mime_part *info, struct fct_error *err) FCT_WUR;

void mime_part_release(struct mime_part *p);

/*
 * A file name safe to create inside a chosen folder, from an attachment's
 * name (may be NULL): only its last path component, without control
 * characters, bidi overrides, '/', '\\' or a leading '.', and not empty
 * (falls back to "part-N" plus an extension guessed from type when known).
 * Never "." or "..". Owned (free()).
 */
char *mime_safe_filename(const char *name, unsigned number, const char *type);

/*
 * Converts HTML (len bytes, UTF-8 or declaring its charset in a meta tag)
 * to plain text with libxml2's tolerant parser: paragraphs and headings
 * as blocks, <br>, lists with bullets or numbers, block quotes as "> ",
 * simple tables one row a line, <pre> kept; scripts, styles and comments
 * dropped; text wrapped at width columns (0 = no wrapping). Links become
 * "[n]" after their text, n counted from first_link; their targets are
 * appended to links[] (owned strings, the caller frees each and the
 * array; *nlinks counts them). The text is not terminal-safe yet.
 */
void mime_html_to_text(const char *html, size_t len, unsigned width,
    unsigned first_link, struct strbuf *out, char ***links, size_t *nlinks);

/*
 * Terminal safety (src/mime/term.c): the one function through which every
 * string from a message passes before it reaches a terminal.
 *
 * Appends s (len bytes, any bytes at all) to out as printable UTF-8:
 * invalid UTF-8 becomes U+FFFD; C0 controls and DEL are shown in caret
 * notation (ESC as "^[", so escape sequences are inert text); C1 controls,
 * bidi embeddings/overrides/isolates (U+202A..E, U+2066..9), line and
 * paragraph separators and other unprintable characters are shown as
 * "<U+XXXX>"; tabs are expanded to the next multiple of 8 columns counted
 * from *col; newlines are kept only with MIME_TERM_KEEP_NEWLINES (and
 * reset the column), otherwise shown as "^J". A CR right before a newline
 * or at the end is dropped. *col (may be NULL) is advanced by the display
 * width of what was appended. Widths come from wcwidth(3), so the caller
 * must have set LC_CTYPE to a UTF-8 locale (facteur does); a character
 * wcwidth does not know counts 1.
 */
enum mime_term_flags {
	MIME_TERM_KEEP_NEWLINES = 1 << 0,
};

void mime_term_sanitize(struct strbuf *out, const char *s, size_t len,
    unsigned flags, size_t *col);

/* Display columns of UTF-8 text s (as sanitised: no controls). */
size_t mime_term_width(const char *s);

/*
 * mailcap (RFC 1524; src/mime/mailcap.c). Parses the text of a mailcap
 * file (len bytes; the caller reads ~/.mailcap, /etc/mailcap...) and
 * finds the first entry for type ("text/html"; entries for the whole
 * "text" major type match too) that has every flag in want; entries with
 * a test= field are skipped, since running the test is the caller's
 * business and a wrong guess would run the wrong viewer. Returns 1 with
 * *command (owned) set to the view command (with %s, %t unexpanded), 0
 * when none matches.
 */
enum mime_mailcap_flags {
	MIME_MAILCAP_COPIOUSOUTPUT = 1 << 0,
	MIME_MAILCAP_NEEDSTERMINAL = 1 << 1,
};

int mime_mailcap_find(const char *text, size_t len, const char *type,
    unsigned want, char **command);

/*
 * Whether a whole raw message has attachments: a part with
 * Content-Disposition attachment, or a named part that is not inline text
 * (the rule src/imap applies to BODYSTRUCTURE). False when it cannot be
 * parsed.
 */
bool mime_has_attachment(const char *raw, size_t len);

#endif
