/*
 * The aliases file, in mutt's syntax so that existing files work:
 *
 *	alias bob Bob Martin <bob@example.test>
 *	alias equipe bob, carol@example.test     # a group
 *	alias tous equipe, dave@example.test     # groups nest
 *
 * `alias [-group NAME]... KEY ADDRESS[, ADDRESS]...`, one a line (a
 * trailing backslash continues it), '#' starts a comment outside quotes.
 * An ADDRESS is an RFC 5322 address or the key of another alias; keys
 * match without regard to case. Parsing collects every problem as
 * file:line:column (an unknown key, a loop, an empty alias), like the
 * configuration; a bad line never hides the others, and the aliases that
 * parsed stay usable.
 *
 * Text parsing only (libc): the address text itself is left to the mime
 * layer. A parsed struct fct_aliases is read-only and may be shared by
 * threads.
 */
#ifndef FACTEUR_CORE_ALIAS_H
#define FACTEUR_CORE_ALIAS_H

#include "facteur/core.h"
#include "facteur/core_config.h"

struct fct_aliases;

/*
 * Parses len bytes of text as if read from `file`. Always returns a set
 * (owned, fct_aliases_free) of what parsed; problems go to diags. Returns
 * -1 when diags received an error, else 0.
 */
int fct_aliases_parse(const char *file, const char *text, size_t len,
    struct fct_aliases **out, struct config_diags *diags) FCT_WUR;

/*
 * Reads and parses path; when path is NULL, the default file
 * (fct_config_file("aliases")), and a missing default file is an empty
 * set without error. Same contract as fct_aliases_parse otherwise.
 */
int fct_aliases_load(const char *path, struct fct_aliases **out,
    struct config_diags *diags) FCT_WUR;

/* Frees *ap and sets it to NULL; accepts NULL. */
void fct_aliases_free(struct fct_aliases **ap);

/* How many aliases the set holds. */
size_t fct_aliases_count(const struct fct_aliases *a);

/*
 * Appends to out the address list `list` (RFC 5322 text, comma-separated)
 * with every item that is an alias key replaced by its addresses, groups
 * expanded recursively, items joined by ", ". Anything else is copied as
 * written. a may be NULL (nothing to expand). Fails only on a list nested
 * too deep, which parsing already refuses.
 */
int fct_aliases_expand(const struct fct_aliases *a, const char *list,
    struct strbuf *out, struct fct_error *err) FCT_WUR;

/*
 * Completion: calls fn for every alias whose key starts with prefix
 * (case-insensitively; "" matches all), in the file's order, with its key
 * and its members as written ("bob, carol@example.test"), both borrowed
 * for the call. fn returning non-zero stops the walk. a may be NULL.
 */
void fct_aliases_complete(const struct fct_aliases *a, const char *prefix,
    int (*fn)(const char *key, const char *members, void *arg), void *arg);

#endif
