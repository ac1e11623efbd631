/*
 * sync_attach: what the pager and `facteur show` do with a message's
 * parts on the local system (src/sync/attach.c): save one into a folder
 * the user chose, and find the user's mailcap viewer for a type. Shared by
 * the cli and ui layers, so that both save and open the same way.
 *
 * Threads: any; these only touch the local disk (and the HTML hook runs
 * a local command), never the network.
 */
#ifndef FACTEUR_SYNC_ATTACH_H
#define FACTEUR_SYNC_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "facteur/core.h"

/*
 * Writes data (len bytes) into the open folder dirfd (shown as dir in
 * errors) as name, or name-1, name-2... before its extension: created
 * with O_EXCL and O_NOFOLLOW, so that an existing file or link is never
 * replaced nor followed. name must be a single component (use
 * mime_safe_filename). *created (may be NULL) receives the name used,
 * owned. A half-written file is removed.
 */
int sync_save_unique(int dirfd, const char *dir, const char *name,
    const char *data, size_t len, char **created,
    struct fct_error *err) FCT_WUR;

/*
 * Saves part `number` of the raw message (len bytes) into folder dir
 * under the safe version of its name (mime_safe_filename), decoded, as
 * sync_save_unique does. *path (may be NULL) receives "DIR/NAME", owned.
 */
int sync_attachment_save(const char *raw, size_t len, unsigned number,
    const char *dir, char **path, struct fct_error *err) FCT_WUR;

/*
 * The user's mailcap command for type with every flag of want
 * (enum mime_mailcap_flags): the files of $MAILCAPS (colon-separated,
 * RFC 1524), else ~/.mailcap, plus /etc/mailcap when system is true.
 * Owned, or NULL when no entry matches.
 */
char *sync_mailcap_command(const char *type, unsigned want, bool system);

/*
 * The shell command line for a mailcap command run on file path of
 * type: %s is the file (quoted), %t the type, %{charset} utf-8. Owned.
 */
char *sync_mailcap_expand(const char *command, const char *type,
    const char *path);

/*
 * A mime_html_hook (include/facteur/mime.h) that runs the mailcap
 * `copiousoutput` command arg (a char *, borrowed) on the HTML, given as
 * a temporary file and on standard input, and takes its output. Blocks
 * while the command runs.
 */
int sync_mailcap_html_hook(void *arg, const char *html, size_t len,
    struct strbuf *out);

#endif
