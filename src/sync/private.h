/* Internals shared by the files of src/sync. */
#ifndef FACTEUR_SYNC_PRIVATE_H
#define FACTEUR_SYNC_PRIVATE_H

#include "facteur/sync.h"

/* The value of `key` in a job's payload (owned, free), or NULL. */
char *sync_job_payload_get(const char *payload, const char *key);

/* The UIDs of a job's "uids" value ("3,5:9") appended to out; -1 when
 * it is malformed or names too many messages. */
int sync_job_uids_parse(const char *set, struct imap_uid_list *out) FCT_WUR;

/*
 * A whole message (data, borrowed) about to be stored in a local folder,
 * as *m (zeroed first): size, internal date `now`, the raw header block
 * (owned: free m->headers) and the fields of *sum (parsed here; borrowed
 * by m, released by the caller); its searchable text in *text (empty when
 * it has none). Mail GMime cannot read keeps its raw header (pop.c).
 */
struct mime_summary;
void sync_local_msg_fill(struct store_msg *m, struct mime_summary *sum,
    struct strbuf *text, const char *data, size_t len, int64_t now);

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
