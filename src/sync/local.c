/*
 * Jobs on local folders (a POP3 account's): applied to the cache at once,
 * in one transaction, since no server holds these messages. flag sets or
 * clears flags and keywords; delete removes messages for good (body
 * included; a POP3 message left on the server is not downloaded again,
 * its unique id stays known); move files messages into another local
 * folder, created when missing. copy is refused: a local message has one
 * row, and a second copy would have to duplicate the only body.
 *
 * The terminal interface files POP3 mail through the account's worker like
 * IMAP mail (sync_worker_add_job), so that the UI thread never writes the
 * cache; the worker applies the job here (sync_local_run) instead of
 * queuing it for a server, and answers with the same events.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/store_pop.h"
#include "facteur/sync_pop.h"
#include "private.h"

/* Adds (op '+') or removes (op '-') the words of change in *kw, a
 * " kw1 kw2 " list or NULL; the result is owned (NULL when empty). */
static char *
merge_keywords(const char *kw, char op, const char *change)
{
	struct strbuf out = STRBUF_INIT, word = STRBUF_INIT, drop = STRBUF_INIT;
	const char *p, *list[2] = { kw, op == '+' ? change : NULL };
	size_t i;

	/* change is a plain "kw1 kw2" list: padded, " kw " finds each. */
	if (op == '-' && change != NULL)
		strbuf_addf(&drop, " %s ", change);

	for (i = 0; i < 2; i++) {
		for (p = list[i]; p != NULL && *p != '\0';) {
			while (*p == ' ')
				p++;
			strbuf_setlen(&word, 0);
			strbuf_addch(&word, ' ');
			while (*p != '\0' && *p != ' ')
				strbuf_addch(&word, *p++);
			strbuf_addch(&word, ' ');
			if (word.len == 2)
				continue;
			/* Already there, or removed by this change. */
			if ((out.len > 0 &&
				strstr(out.buf, word.buf) != NULL) ||
			    (drop.len > 0 &&
				strstr(drop.buf, word.buf) != NULL))
				continue;
			strbuf_add(&out, word.buf + (out.len > 0),
			    word.len - (out.len > 0));
		}
	}
	strbuf_release(&word);
	strbuf_release(&drop);
	if (out.len == 0) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out, NULL);
}

static int
local_flag(struct store *st, int64_t folder_id, const struct sync_job_spec *j,
    unsigned *done, struct fct_error *err)
{
	struct store_msg m = STORE_MSG_INIT;
	unsigned flags;
	char *kw;
	size_t i;
	int found, rc = 0;

	for (i = 0; i < j->nuids && rc == 0; i++) {
		if ((found = store_msg_get(st, folder_id, j->uids[i], &m,
			 err)) < 0) {
			rc = -1;
			break;
		}
		if (found == 0)
			continue;
		flags = j->op == '+' ? m.flags | j->flags : m.flags & ~j->flags;
		kw = j->keywords != NULL
		    ? merge_keywords(m.keywords, j->op, j->keywords)
		    : (m.keywords != NULL ? xstrdup(m.keywords) : NULL);
		rc = store_msg_set_flags(st, folder_id, m.uid, flags, kw,
		    m.modseq, err);
		free(kw);
		if (rc == 0)
			(*done)++;
	}
	store_msg_release(&m);
	return rc;
}

int
sync_local_apply(struct store *st, const char *kind,
    const struct sync_job_spec *j, const char *dest_role,
    struct imap_copyuid *cu, unsigned *done, struct fct_error *err)
{
	struct store_folder f = STORE_FOLDER_INIT, dest = STORE_FOLDER_INIT;
	struct store_msg m = STORE_MSG_INIT;
	uint32_t new_uid;
	size_t i;
	int found, rc = -1;

	*done = 0;
	if ((found = store_folder_get(st, j->folder, &f, err)) <= 0) {
		if (found == 0)
			fct_error_set(err, "no folder '%s'", j->folder);
		goto out;
	}
	if ((found = store_folder_is_local(st, f.id, err)) <= 0) {
		if (found == 0)
			fct_error_set(err, "folder '%s' is not a local folder",
			    j->folder);
		goto out;
	}
	if (strcmp(kind, "flag") == 0) {
		if (local_flag(st, f.id, j, done, err) != 0)
			goto out;
	} else if (strcmp(kind, "delete") == 0) {
		for (i = 0; i < j->nuids; i++) {
			if ((found = store_msg_get(st, f.id, j->uids[i], &m,
				 err)) < 0 ||
			    store_msg_expunge_range(st, f.id, j->uids[i],
				j->uids[i], err) != 0)
				goto out;
			*done += found > 0;
		}
	} else if (strcmp(kind, "move") == 0 && j->dest != NULL) {
		if (store_local_folder(st, j->dest, dest_role, &dest, err) != 0)
			goto out;
		if (dest.id == f.id) {
			fct_error_set(err, "cannot move from '%s' to itself",
			    j->folder);
			goto out;
		}
		for (i = 0; i < j->nuids; i++) {
			if (store_local_move(st, f.id, j->uids[i], dest.id,
				&new_uid, err) != 0)
				goto out;
			if (new_uid == 0)
				continue;
			(*done)++;
			if (cu != NULL) {
				imap_uid_list_add(&cu->src, j->uids[i]);
				imap_uid_list_add(&cu->dst, new_uid);
			}
		}
	} else {
		fct_error_set(err,
		    "cannot %s in local folder '%s': local folders support "
		    "flag, move and delete",
		    kind, j->folder);
		goto out;
	}
	rc = 0;
out:
	store_msg_release(&m);
	store_folder_release(&f);
	store_folder_release(&dest);
	return rc;
}

/* sync_local_apply in a transaction of its own, with the counts. */
static int
apply_in_tx(struct store *st, const char *kind, const struct sync_job_spec *j,
    const char *dest_role, struct imap_copyuid *cu, unsigned *done,
    struct fct_error *err)
{
	*done = 0;
	if (store_begin(st, err) != 0)
		return -1;
	if (sync_local_apply(st, kind, j, dest_role, cu, done, err) != 0 ||
	    store_local_recount(st, err) != 0 || store_commit(st, err) != 0) {
		store_rollback(st);
		*done = 0;
		if (cu != NULL)
			cu->src.n = cu->dst.n = 0;
		return -1;
	}
	return 0;
}

int
sync_local_job(struct store *st, const char *kind,
    const struct sync_job_spec *j, struct imap_copyuid *cu, unsigned *done,
    struct fct_error *err)
{
	return apply_in_tx(st, kind, j, NULL, cu, done, err);
}

const char *
sync_local_role(const char *name)
{
	static const char *const roles[][2] = {
		{ "Trash", "trash" },
		{ "Junk", "junk" },
		{ "Archive", "archive" },
		{ "Sent", "sent" },
		{ "Drafts", "drafts" },
	};
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(roles); i++)
		if (strcmp(name, roles[i][0]) == 0)
			return roles[i][1];
	return NULL;
}

int
sync_local_run(struct store *st, const char *kind, const char *payload,
    struct imap_copyuid *cu, unsigned *done, char **folder, char **dest,
    struct fct_error *err)
{
	struct imap_uid_list uids = IMAP_UID_LIST_INIT;
	struct sync_job_spec spec = { 0 };
	char *set = sync_job_payload_get(payload, "uids");
	char *op = sync_job_payload_get(payload, "op");
	char *flags = sync_job_payload_get(payload, "flags");
	char *keywords = sync_job_payload_get(payload, "keywords");
	int rc = -1;

	*done = 0;
	*folder = sync_job_payload_get(payload, "folder");
	*dest = sync_job_payload_get(payload, "dest");
	if (*folder == NULL || set == NULL ||
	    sync_job_uids_parse(set, &uids) != 0 ||
	    (strcmp(kind, "flag") == 0 &&
		(op == NULL || flags == NULL || (*op != '+' && *op != '-')))) {
		fct_error_set(err, "malformed %s job", kind);
		goto out;
	}
	spec.folder = *folder;
	spec.uids = uids.v;
	spec.nuids = uids.n;
	spec.dest = *dest;
	if (op != NULL && flags != NULL) {
		spec.op = *op;
		spec.flags = (unsigned)strtoul(flags, NULL, 10);
	}
	spec.keywords = keywords;
	if (strcmp(kind, "expunge") == 0)
		kind = "delete";
	rc = apply_in_tx(st, kind, &spec,
	    *dest != NULL ? sync_local_role(*dest) : NULL, cu, done, err);
out:
	imap_uid_list_release(&uids);
	free(set);
	free(op);
	free(flags);
	free(keywords);
	return rc;
}
