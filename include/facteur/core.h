/*
 * core: the bottom layer of facteur. Allocation that aborts on exhaustion,
 * the one growable string type, error values, and small helpers. Nothing in
 * this header does I/O beyond what its comment says, and every function is
 * safe to call from any thread unless stated otherwise.
 */
#ifndef FACTEUR_CORE_CORE_H
#define FACTEUR_CORE_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define FCT_WUR __attribute__((warn_unused_result))
#define FCT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define FCT_NORETURN __attribute__((noreturn))

#define FCT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Allocation. These never return NULL: on exhaustion they print a message
 * and abort, since "never lose a message" is handled by saving early, not by
 * out-of-memory branches. A zero size is a programming error (BUG).
 * Every pointer returned is owned by the caller, freed with free().
 */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) FCT_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) FCT_PRINTF(1, 0);

/* Print "facteur: fatal: ..." and exit(1). For the app layer and allocation. */
FCT_NORETURN void fct_fatal(const char *fmt, ...) FCT_PRINTF(1, 2);

/* A programming error: fires in release builds too. */
FCT_NORETURN void fct_bug(const char *file, int line, const char *fmt, ...)
    FCT_PRINTF(3, 4);
#define BUG(...) fct_bug(__FILE__, __LINE__, __VA_ARGS__)

/*
 * struct strbuf: the growable string.
 * Invariants: buf is never NULL; buf[len] == '\0'; len < alloc, or alloc == 0
 * and buf points at a static empty string (nothing allocated yet).
 * The buffer may hold NUL bytes before len (binary data).
 */
struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT                  \
	{                            \
		0, 0, strbuf_slopbuf \
	}

void strbuf_init(struct strbuf *sb, size_t hint);
/* Frees the storage; sb is left initialised and empty. */
void strbuf_release(struct strbuf *sb);
/* Hands the string to the caller (owned, free()); sb is left empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) FCT_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
    FCT_PRINTF(2, 0);
/*
 * Appends the whole file at path to sb. Returns -1 with errno set (EISDIR
 * for a directory) when it cannot be read.
 */
int strbuf_read_file(struct strbuf *sb, const char *path) FCT_WUR;
/* Removes trailing white space (and CR/LF). */
void strbuf_rtrim(struct strbuf *sb);
void strbuf_sanity(const struct strbuf *sb);

/*
 * struct fct_error: what went wrong, for the caller to show. msg is NULL
 * when no error is recorded. Messages follow git's wording: lowercase, no
 * full stop, what failed first, the subject in quotes.
 */
struct fct_error {
	char *msg; /* owned */
};

#define FCT_ERROR_INIT \
	{              \
		NULL   \
	}

/* Records the message (replacing an earlier one) and returns -1, so that
 * callers can write `return fct_error_set(err, ...)`. err may be NULL. */
int fct_error_set(struct fct_error *err, const char *fmt, ...) FCT_PRINTF(2, 3);
/* Prefixes the recorded message with "prefix: ". Returns -1. */
int fct_error_prefix(struct fct_error *err, const char *fmt, ...)
    FCT_PRINTF(2, 3);
/* Frees the message; err may be NULL. */
void fct_error_release(struct fct_error *err);
/* The message, or "unknown error" when none was recorded; borrowed. */
const char *fct_error_msg(const struct fct_error *err);

/*
 * The one dynamic-array helper: grows x (of *nr used, *alloc allocated
 * elements) so that at least n elements fit.
 */
#define FCT_ALLOC_GROW(x, n, alloc)                                      \
	do {                                                             \
		if ((n) > (alloc)) {                                     \
			(alloc) = (alloc) < 8 ? 8 : (alloc);             \
			while ((alloc) < (n))                            \
				(alloc) *= 2;                            \
			(x) = xreallocarray((x), (alloc), sizeof(*(x))); \
		}                                                        \
	} while (0)

/*
 * The IMAP system flags (RFC 3501 2.3.2) as one bitmask, shared by the
 * store, the query language and the protocol layers. Keywords are kept as
 * strings beside it.
 */
enum fct_flags {
	FCT_FLAG_SEEN = 1 << 0,
	FCT_FLAG_ANSWERED = 1 << 1,
	FCT_FLAG_FLAGGED = 1 << 2,
	FCT_FLAG_DELETED = 1 << 3,
	FCT_FLAG_DRAFT = 1 << 4,
};

/*
 * Appends s to out with every byte that is not part of a well-formed UTF-8
 * sequence (RFC 3629: no overlongs, surrogates or code points above
 * U+10FFFF) replaced by U+FFFD.
 */
void fct_utf8_sanitize(struct strbuf *out, const char *s);

/*
 * facteur's configuration file called name: $XDG_CONFIG_HOME/facteur/NAME
 * when XDG_CONFIG_HOME is an absolute path, else ~/.config/facteur/NAME.
 * Owned.
 */
char *fct_config_file(const char *name);

/* Expands a leading "~/" with $HOME. Owned result. */
char *fct_expand_home(const char *path);

/*
 * Runs `sh -c command` and returns the first line of its standard output,
 * without the line ending, in *out (owned). Fails with a message when the
 * command cannot start, exits non-zero or prints nothing. Blocks: call it
 * only from a worker or the command-line layer, never from the UI thread.
 */
int fct_run_line_command(const char *command, char **out,
    struct fct_error *err) FCT_WUR;

/* qsort/bsearch comparison of two uint32_t (UIDs). */
int fct_u32_cmp(const void *a, const void *b);

/* Levenshtein distance, for "did you mean" hints. */
size_t fct_edit_distance(const char *a, const char *b);

/*
 * The user's editor: $VISUAL, else $EDITOR, else "vi"; borrowed from the
 * environment (or static).
 */
const char *fct_editor(void);

/*
 * Runs the editor on path and waits for it (the editor has the terminal:
 * the UI leaves curses mode first). SIGINT and SIGQUIT are ignored by
 * facteur meanwhile. Fails when it cannot start, is killed or exits
 * non-zero (the file may then be half-written: the caller keeps the draft
 * and asks).
 */
int fct_edit_file(const char *path, struct fct_error *err) FCT_WUR;

#endif
