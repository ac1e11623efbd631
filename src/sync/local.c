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

#include "facteur/mime.h"
#include "facteur/store_pop.h"
#include "facteur/sync_pop.h"
#include "private.h"

/* The raw header block: up to and including the first empty line. */
static size_t
header_len(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (data[i] != '\n')
			continue;
		if (data[i + 1] == '\n')
			return i + 2;
		if (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n')
			return i + 3;
	}
	return len;
}

void
sync_local_msg_fill(struct store_msg *m, struct strbuf *text, const char *data,
    size_t len, int64_t now)
{
	memset(m, 0, sizeof *m);
	m->size = len;
	m->internaldate = now;
	/* Mail GMime cannot read is kept all the same: its raw header and
	 * body stay, only the decoded fields are missing. */
	sync_msg_from_raw(m, data, len, header_len(data, len));
	m->has_attachment = mime_has_attachment(data, len);
	if (mime_body_text(data, len, text, NULL) != 0)
		strbuf_reset(text);
}

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

/*
 * An "append" job (the copy of a message sent or postponed: send.c) on a
 * POP3 account: the outbox's message goes into the local folder the job
 * names, else "Sent" or "Drafts" (created with the role), read, and leaves
 * the outbox, in one transaction; a draft's older version (replace) goes.
 * A message gone from the outbox was copied by an earlier run.
 */
static int
local_append(struct store *st, const char *payload, char **folder,
    struct fct_error *err)
{
	struct store_outbox ob = STORE_OUTBOX_INIT;
	struct store_folder f = STORE_FOLDER_INIT;
	struct strbuf text = STRBUF_INIT;
	struct store_msg m;
	char *oid = sync_job_payload_get(payload, "outbox");
	char *role = sync_job_payload_get(payload, "role");
	char *rep = sync_job_payload_get(payload, "replace");
	uint32_t replace = rep != NULL ? (uint32_t)strtoul(rep, NULL, 10) : 0;
	bool draft;
	int got, rc = -1;

	memset(&m, 0, sizeof m);
	if (oid == NULL || role == NULL) {
		fct_error_set(err, "malformed append job");
		goto out;
	}
	draft = strcmp(role, "drafts") == 0;
	if (*folder == NULL)
		*folder = xstrdup(draft ? "Drafts" : "Sent");
	if (store_begin(st, err) != 0)
		goto out;
	if ((got = store_outbox_get(st, strtoll(oid, NULL, 10), &ob, err)) <=
	    0) {
		rc = got;
		goto end;
	}
	if (store_local_folder(st, *folder, draft ? "drafts" : "sent", &f,
		err) != 0)
		goto end;
	sync_local_msg_fill(&m, &text, ob.message, ob.len, ob.created);
	m.folder_id = f.id;
	m.uid = f.uidnext > 0 ? f.uidnext : 1;
	m.flags = draft ? FCT_FLAG_DRAFT | FCT_FLAG_SEEN : FCT_FLAG_SEEN;
	if (store_msg_put(st, &m, err) != 0 ||
	    store_body_put(st, m.id, ob.message, ob.len,
		text.len > 0 ? text.buf : NULL, 0, err) != 0 ||
	    store_folder_set_state(st, f.id, m.uid + 1, f.highestmodseq, err) !=
		0 ||
	    store_outbox_delete(st, ob.id, err) != 0 ||
	    (replace != 0 && replace != m.uid &&
		store_msg_expunge_range(st, f.id, replace, replace, err) !=
		    0) ||
	    store_local_recount(st, err) != 0)
		goto end;
	rc = 0;
end:
	if (rc == 0 && store_commit(st, err) != 0)
		rc = -1;
	if (rc != 0)
		store_rollback(st);
	rc = rc < 0 ? -1 : 0;
out:
	store_msg_release(&m);
	strbuf_release(&text);
	store_folder_release(&f);
	store_outbox_release(&ob);
	free(oid);
	free(role);
	free(rep);
	return rc;
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
	if (strcmp(kind, "append") == 0) {
		rc = local_append(st, payload, folder, err);
		*done = rc == 0;
		goto out;
	}
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

int
sync_local_jobs_run(struct store *st, sync_job_fn fn,
    void (*touched)(void *arg, const char *folder), void *arg,
    struct fct_error *err)
{
	struct store_job job = { 0 };
	struct imap_copyuid cu = IMAP_COPYUID_INIT;
	struct fct_error jerr = FCT_ERROR_INIT;
	char *folder, *dest;
	unsigned done;
	int found, rc = 0;

	while ((found = store_job_next(st, &job, err)) > 0) {
		/* Applied or refused, it leaves the queue either way: a
		 * local job has no server to wait for. */
		if (sync_local_run(st, job.kind, job.payload, &cu, &done,
			&folder, &dest, &jerr) != 0 &&
		    jerr.msg == NULL)
			fct_error_set(&jerr, "%s job failed", job.kind);
		if (fn != NULL)
			fn(arg, &job, jerr.msg, &cu);
		if (touched != NULL && jerr.msg == NULL && folder != NULL)
			touched(arg, folder);
		if (touched != NULL && jerr.msg == NULL && dest != NULL)
			touched(arg, dest);
		free(folder);
		free(dest);
		fct_error_release(&jerr);
		imap_copyuid_release(&cu);
		if (store_job_done(st, job.id, err) != 0) {
			rc = -1;
			break;
		}
	}
	if (found < 0)
		rc = -1;
	store_job_release(&job);
	return rc;
}
