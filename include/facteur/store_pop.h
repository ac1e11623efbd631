/*
 * store, for mail that lives only in the cache: local folders (a POP3
 * account's INBOX and the folders its mail is filed into) and the map of
 * POP3 unique ids already downloaded (schema step "version 5",
 * src/store/schema.c; the argument is in doc/store.md, "Local folders and
 * POP3").
 *
 * A local folder's bodies are never evicted by the body budget: they are
 * the only copy. Its messages get UIDs from the folder's own uidnext, one
 * after the other, never reused.
 *
 * Threads and errors: as for the rest of the store (store.h).
 */
#ifndef FACTEUR_STORE_STORE_POP_H
#define FACTEUR_STORE_STORE_POP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facteur/store.h"

/*
 * The local folder called `name`, created when missing (role may be NULL)
 * and marked local, in *f (released first, so it must be initialised;
 * strings owned by *f). An existing folder that is not local is refused:
 * it belongs to a server.
 */
int store_local_folder(struct store *st, const char *name, const char *role,
    struct store_folder *f, struct fct_error *err) FCT_WUR;

/* Is the folder local? 1 yes, 0 no, -1 error. */
int store_folder_is_local(struct store *st, int64_t folder_id,
    struct fct_error *err) FCT_WUR;

/* One row of the POP3 map. */
struct store_pop_uidl {
	char *uidl;      /* owned */
	int64_t msg_id;  /* the local message, 0 once deleted locally */
	int64_t stored;  /* unix seconds of the commit that stored it */
	int64_t deleted; /* unix seconds of the last DELE sent, 0 never */
};

/*
 * Every row, sorted by uidl (strcmp order), in *v (owned,
 * store_pop_uidls_free; NULL when none) and *n.
 */
int store_pop_uidls(struct store *st, struct store_pop_uidl **v, size_t *n,
    struct fct_error *err) FCT_WUR;
/* Frees the n rows and the array; sets *v to NULL; accepts NULL. */
void store_pop_uidls_free(struct store_pop_uidl **v, size_t n);

/*
 * Stores one downloaded message in the local folder folder_id, in one
 * transaction (its own, or the caller's): the header row *m
 * (m->folder_id and m->uid are set here: the folder's next UID), the raw
 * message (data, borrowed) with its searchable text (may be NULL), and
 * the map row uidl -> message stamped `now`. Returns 0, or 1 when the
 * uidl is in the map already (another process stored it meanwhile:
 * nothing is written), or -1. The commit is not flushed to disk:
 * store_pop_mark_dele is, and it makes every earlier commit durable with
 * it.
 */
int store_pop_add(struct store *st, int64_t folder_id, struct store_msg *m,
    const char *data, size_t len, const char *text, const char *uidl,
    int64_t now, struct fct_error *err) FCT_WUR;

/*
 * Records that DELE is about to be sent for uidls[0..n) (borrowed), and
 * flushes the log to disk before returning (fsync): after it, the
 * messages are on disk, whatever happens to the machine, and only then
 * may the server delete its copy.
 */
int store_pop_mark_dele(struct store *st, const char *const *uidls, size_t n,
    int64_t now, struct fct_error *err) FCT_WUR;

/*
 * Forgets the map rows whose uidl is not in present[0..n) (borrowed, any
 * order) and that facteur either sent DELE for or no longer holds a
 * message of (deleted locally): the server no longer has them, so they
 * cannot come again. A row whose message is still cached and that facteur
 * never deleted stays, so that a listing that lacks mail for a while
 * never makes it download again. Call it only with a complete listing of
 * the maildrop. *pruned (may be NULL) counts them.
 */
int store_pop_prune(struct store *st, const char *const *present, size_t n,
    size_t *pruned, struct fct_error *err) FCT_WUR;

/*
 * Moves message uid of the local folder from_id to the local folder
 * to_id, where it takes the next UID (*new_uid; 0 when from_id has no
 * such message, which is no error). The row keeps its id: body, index
 * and POP3 map row follow it. Both folders must be local.
 */
int store_local_move(struct store *st, int64_t from_id, uint32_t uid,
    int64_t to_id, uint32_t *new_uid, struct fct_error *err) FCT_WUR;

/*
 * Sets the total and unseen counts of every local folder from its cached
 * messages (for a server's folder STATUS gives them; a local folder's are
 * the cache's own), so that folder lists read them as for any folder.
 */
int store_local_recount(struct store *st, struct fct_error *err) FCT_WUR;

#endif
