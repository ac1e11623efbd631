/*
 * Folder jobs: create, rename, delete, subscribe and unsubscribe. They go
 * through the store's job queue like the message jobs (job.c), so that a
 * folder made offline is created on the next connection, in order with the
 * moves into it.
 *
 * The payload is "folder=NAME\n" and, for a rename, "new=NAME\n", in
 * UTF-8 as the store names folders. The server side is idempotent
 * (imap_folder_manage), so a replay after a cut is harmless. Once the
 * server said yes, the cache follows: a rename keeps the folder's messages
 * (store_folder_rename), then the folder list is read again, which adds
 * created folders and drops deleted ones with their messages.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "private.h"

static const struct {
	const char *kind;
	enum imap_folder_op op;
} folder_kinds[] = {
	{ "folder-create", IMAP_FOLDER_CREATE },
	{ "folder-rename", IMAP_FOLDER_RENAME },
	{ "folder-delete", IMAP_FOLDER_DELETE },
	{ "folder-subscribe", IMAP_FOLDER_SUBSCRIBE },
	{ "folder-unsubscribe", IMAP_FOLDER_UNSUBSCRIBE },
};

bool
sync_job_is_folder(const char *kind)
{
	return strncmp(kind, "folder-", 7) == 0;
}

const char *
sync_folder_job_kind(const char *verb)
{
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(folder_kinds); i++)
		if (strcmp(folder_kinds[i].kind + 7, verb) == 0)
			return folder_kinds[i].kind;
	return NULL;
}

int
sync_folder_job_make(struct strbuf *payload, const char *name,
    const char *new_name, struct fct_error *err)
{
	if (*name == '\0' || (new_name != NULL && *new_name == '\0'))
		return fct_error_set(err, "empty folder name");
	if (strpbrk(name, "\r\n") != NULL ||
	    (new_name != NULL && strpbrk(new_name, "\r\n") != NULL))
		return fct_error_set(err, "line break in a folder name");
	strbuf_addf(payload, "folder=%s\n", name);
	if (new_name != NULL)
		strbuf_addf(payload, "new=%s\n", new_name);
	return 0;
}

/* The delimiter of the cached folder `name`, '\0' when unknown or flat. */
static char
delimiter_of(struct store *st, const char *name)
{
	struct store_folder f = STORE_FOLDER_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	char d = '\0';

	if (store_folder_get(st, name, &f, &err) > 0)
		d = f.delimiter;
	store_folder_release(&f);
	fct_error_release(&err);
	return d;
}

int
sync_folder_job_run(struct imap_session *s, struct store *st,
    const struct store_job *job, struct fct_error *err)
{
	char *name = sync_job_payload_get(job->payload, "folder");
	char *new_name = sync_job_payload_get(job->payload, "new");
	enum imap_folder_op op = IMAP_FOLDER_CREATE;
	struct fct_error lerr = FCT_ERROR_INIT;
	size_t i;
	int rc = -1;

	for (i = 0; i < FCT_ARRAY_LEN(folder_kinds); i++)
		if (strcmp(folder_kinds[i].kind, job->kind) == 0)
			break;
	if (i == FCT_ARRAY_LEN(folder_kinds)) {
		fct_error_set(err, "unknown job kind '%s'", job->kind);
		goto out;
	}
	op = folder_kinds[i].op;
	if (name == NULL || (op == IMAP_FOLDER_RENAME && new_name == NULL)) {
		fct_error_set(err, "job %lld is malformed", (long long)job->id);
		goto out;
	}
	if (imap_folder_manage(s, op, name, new_name, err) != 0)
		goto out;
	rc = 0;
	if (op == IMAP_FOLDER_RENAME &&
	    store_folder_rename(st, name, new_name, delimiter_of(st, name),
		&lerr) != 0)
		goto list_failed;
	if (op == IMAP_FOLDER_SUBSCRIBE || op == IMAP_FOLDER_UNSUBSCRIBE)
		goto out;
	if (sync_folder_list(s, st, &lerr) == 0)
		goto out;
list_failed:
	/* The server did it; the cache catches up with the next folder
	 * list. A broken connection is still the caller's to hear of. */
	if (imap_session_broken(s)) {
		fct_error_set(err, "%s", fct_error_msg(&lerr));
		rc = -1;
	}
out:
	fct_error_release(&lerr);
	free(name);
	free(new_name);
	return rc;
}
