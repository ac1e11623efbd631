/* Internals shared by the files of src/sync. */
#ifndef FACTEUR_SYNC_PRIVATE_H
#define FACTEUR_SYNC_PRIVATE_H

#include "facteur/sync.h"

/* The value of `key` in a job's payload (owned, free), or NULL. */
char *sync_job_payload_get(const char *payload, const char *key);

/* The UIDs of a job's "uids" value ("3,5:9") appended to out; -1 when
 * it is malformed or names too many messages. */
int sync_job_uids_parse(const char *set, struct imap_uid_list *out) FCT_WUR;

/* Whether kind names a folder job (folderjob.c). */
bool sync_job_is_folder(const char *kind);

/* Runs a folder job (folderjob.c), then refreshes the cached list. */
int sync_folder_job_run(struct imap_session *s, struct store *st,
    const struct store_job *job, struct fct_error *err) FCT_WUR;

/*
 * Before a copy or move job's command (copyguard.c): on the first attempt,
 * notes the destination's UIDVALIDITY and UIDNEXT in the job's payload
 * (durably); on a replay, moves from *uids to *done the messages already
 * copied. The source (src_raw) is selected on entry and on return.
 */
int sync_copy_guard(struct imap_session *s, struct store *st,
    const struct store_job *job, const char *src_raw, const char *dest_raw,
    struct imap_uid_list *uids, struct imap_uid_list *done,
    struct fct_error *err) FCT_WUR;

#endif
