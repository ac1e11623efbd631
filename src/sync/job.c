/*
 * Jobs: what the user asks of the server (flag, move, copy, delete, and
 * the append of a sent message or a draft, see run_append). A job
 * is first written to the store's queue, then run; it leaves the queue only
 * once the server said yes, so a job made offline, or interrupted by a
 * crash or a dropped connection, runs on the next connection, in order.
 *
 * Replaying is safe because every job is idempotent on the server: flags
 * set twice are the same flags, and a UID MOVE of UIDs already gone moves
 * nothing. A COPY is not, so a copy or move notes its intent first and a
 * replay copies only what the destination lacks (copyguard.c).
 *
 * The payload is one "key=value" per line: folder, uids (IMAP set
 * syntax), and per kind op/flags/keywords or dest. Folder names are UTF-8
 * as in the store; a line break in any value is refused when the job is
 * made.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/query.h"
#include "facteur/sync.h"
#include "private.h"

static const struct {
	const char *word;
	unsigned flag;
} flag_words[] = {
	{ "seen", FCT_FLAG_SEEN },
	{ "answered", FCT_FLAG_ANSWERED },
	{ "flagged", FCT_FLAG_FLAGGED },
	{ "deleted", FCT_FLAG_DELETED },
	{ "draft", FCT_FLAG_DRAFT },
};

unsigned
sync_flag_from_word(const char *word)
{
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(flag_words); i++)
		if (strcmp(word, flag_words[i].word) == 0)
			return flag_words[i].flag;
	return 0;
}

static void
add_uid_set(struct strbuf *sb, const uint32_t *uids, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i = j + 1) {
		for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++)
			;
		if (i > 0)
			strbuf_addch(sb, ',');
		if (j > i)
			strbuf_addf(sb, "%u:%u", uids[i], uids[j]);
		else
			strbuf_addf(sb, "%u", uids[i]);
	}
}

int
sync_job_make(struct strbuf *payload, const struct sync_job_spec *j,
    struct fct_error *err)
{
	uint32_t *uids;

	if (j->nuids == 0)
		return fct_error_set(err, "no message given");
	if (strpbrk(j->folder, "\r\n") != NULL ||
	    (j->dest != NULL && strpbrk(j->dest, "\r\n") != NULL) ||
	    (j->keywords != NULL && strpbrk(j->keywords, "\r\n") != NULL))
		return fct_error_set(err,
		    "line break in a folder name or "
		    "keyword");
	uids = xreallocarray(NULL, j->nuids, sizeof *uids);
	memcpy(uids, j->uids, j->nuids * sizeof *uids);
	qsort(uids, j->nuids, sizeof *uids, fct_u32_cmp);
	strbuf_addf(payload, "folder=%s\nuids=", j->folder);
	add_uid_set(payload, uids, j->nuids);
	strbuf_addch(payload, '\n');
	free(uids);
	if (j->dest != NULL)
		strbuf_addf(payload, "dest=%s\n", j->dest);
	if (j->op != '\0')
		strbuf_addf(payload, "op=%c\nflags=%u\n", j->op, j->flags);
	if (j->keywords != NULL)
		strbuf_addf(payload, "keywords=%s\n", j->keywords);
	return 0;
}

/* The value of `key` in the payload, in *out (owned), or NULL. */
static char *
payload_get(const char *payload, const char *key)
{
	size_t klen = strlen(key);
	const char *p = payload, *end;

	while (*p != '\0') {
		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=')
			return xstrndup(p + klen + 1,
			    (size_t)(end - p) - klen - 1);
		p = *end == '\n' ? end + 1 : end;
	}
	return NULL;
}

char *
sync_job_payload_get(const char *payload, const char *key)
{
	return payload_get(payload, key);
}

static int
parse_uids(const char *set, struct imap_uid_list *out)
{
	unsigned long a, b;
	char *end;

	while (*set != '\0') {
		errno = 0;
		a = strtoul(set, &end, 10);
		if (end == set || errno != 0 || a == 0 || a > UINT32_MAX)
			return -1;
		b = a;
		if (*end == ':') {
			set = end + 1;
			b = strtoul(set, &end, 10);
			if (end == set || errno != 0 || b < a || b > UINT32_MAX)
				return -1;
		}
		/* A job names the user's selection: keep it sane. */
		if (b - a > 1000000 || out->n > 1000000)
			return -1;
		for (; a <= b; a++)
			imap_uid_list_add(out, (uint32_t)a);
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -1;
		set = end;
	}
	return out->n > 0 ? 0 : -1;
}

int
sync_job_uids_parse(const char *set, struct imap_uid_list *out)
{
	return parse_uids(set, out);
}

static int
raw_name(struct store *st, const char *name, char **raw, struct fct_error *err)
{
	struct store_folder f = { 0 };
	int found = store_folder_get(st, name, &f, err);

	if (found < 0)
		return -1;
	if (found == 0)
		return fct_error_set(err, "no folder '%s'", name);
	*raw = xstrdup(f.raw_name);
	store_folder_release(&f);
	return 0;
}

/* Is `email` one component of the folder name (Shared/EMAIL/Sent)? */
static bool
names_mailbox(const struct store_folder *f, const char *email)
{
	size_t n = strlen(email);
	const char *p;

	for (p = f->name; (p = strstr(p, email)) != NULL; p++)
		if ((p == f->name || p[-1] == f->delimiter) &&
		    (p[n] == '\0' || p[n] == f->delimiter))
			return true;
	return false;
}

static const char *
last_component(const struct store_folder *f)
{
	const char *p =
	    f->delimiter != '\0' ? strrchr(f->name, f->delimiter) : NULL;

	return p != NULL ? p + 1 : f->name;
}

/*
 * Where an append job puts its message, as a raw (wire) name in *raw
 * (owned): the folder named; else, for a shared mailbox's address, that
 * mailbox's Sent; else the account's own folder of that role (special
 * use, then the usual name).
 */
static int
append_target(struct store *st, const char *role, const char *folder,
    const char *shared, char **raw, struct fct_error *err)
{
	struct store_folder_list l = STORE_FOLDER_LIST_INIT;
	const struct store_folder *hit = NULL, *f;
	const char *name = strcmp(role, "drafts") == 0 ? "Drafts" : "Sent";
	size_t i;
	int pass;

	if (folder != NULL)
		return raw_name(st, folder, raw, err);
	if (store_folder_list(st, &l, err) != 0)
		return -1;
	for (i = 0; shared != NULL && hit == NULL && i < l.n; i++) {
		f = &l.v[i];
		if (f->ns != 0 && !f->noselect && names_mailbox(f, shared) &&
		    ((f->role != NULL && strcmp(f->role, role) == 0) ||
			strcasecmp(last_component(f), name) == 0))
			hit = f;
	}
	for (pass = 0; pass < 2 && hit == NULL; pass++)
		for (i = 0; hit == NULL && i < l.n; i++) {
			f = &l.v[i];
			if (f->ns != 0 || f->noselect)
				continue;
			if (pass == 0
				? f->role != NULL && strcmp(f->role, role) == 0
				: strcasecmp(f->name, name) == 0)
				hit = f;
		}
	if (hit != NULL)
		*raw = xstrdup(hit->raw_name);
	else
		fct_error_set(err, "no %s folder on the server", name);
	store_folder_list_release(&l);
	return hit != NULL ? 0 : -1;
}

/*
 * The copy of an outbox message (sync/send.c) into Sent or Drafts. Skipped
 * when the folder holds the Message-ID already (the server filed it
 * itself, or an earlier run appended it and was cut off before the queue
 * knew), except the draft it replaces. The outbox row goes once the copy
 * is there; a replaced draft is removed only after that.
 */
static int
run_append(struct imap_session *s, struct store *st,
    const struct store_job *job, struct fct_error *err)
{
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct imap_uid_list found = IMAP_UID_LIST_INIT;
	struct imap_mailbox_state ms;
	struct query_imap_key key;
	char *oid = payload_get(job->payload, "outbox");
	char *role = payload_get(job->payload, "role");
	char *folder = payload_get(job->payload, "folder");
	char *shared = payload_get(job->payload, "shared");
	char *rep = payload_get(job->payload, "replace");
	char *raw = NULL;
	uint32_t replace = rep != NULL ? (uint32_t)strtoul(rep, NULL, 10) : 0;
	bool draft;
	size_t i, others = 0;
	int got, rc = -1;

	if (oid == NULL || role == NULL) {
		fct_error_set(err, "job %lld is malformed", (long long)job->id);
		goto out;
	}
	draft = strcmp(role, "drafts") == 0;
	if ((got = store_outbox_get(st, strtoll(oid, NULL, 10), &m, err)) <=
	    0) {
		rc = got == 0 ? 0 : -1; /* gone: done by an earlier run */
		goto out;
	}
	if (append_target(st, role, folder, shared, &raw, err) != 0 ||
	    imap_select(s, raw, IMAP_SYNC_CLASSIC, &ms, NULL, err) != 0)
		goto out;
	if (m.message_id != NULL && strpbrk(m.message_id, "\r\n") == NULL) {
		memset(&key, 0, sizeof key);
		key.type = QUERY_IMAP_HEADER;
		key.field = (char *)"Message-ID";
		key.value = m.message_id;
		if (imap_search(s, &key, &found, NULL, err) != 0)
			goto out;
		for (i = 0; i < found.n; i++)
			others += found.v[i] != replace;
	}
	if (others == 0 &&
	    imap_append(s, raw,
		draft ? FCT_FLAG_DRAFT | FCT_FLAG_SEEN : FCT_FLAG_SEEN,
		m.message, m.len, NULL, NULL, err) != 0)
		goto out;
	if (store_outbox_delete(st, m.id, err) != 0)
		goto out;
	rc = 0;
	if (replace != 0 &&
	    (imap_store_flags(s, &replace, 1, '+', FCT_FLAG_DELETED, NULL, NULL,
		 err) != 0 ||
		imap_expunge(s, &replace, 1, NULL, err) != 0)) {
		fct_error_prefix(err, "draft saved, but the old version stays");
		rc = -1;
	}
out:
	imap_uid_list_release(&found);
	store_outbox_release(&m);
	free(oid);
	free(role);
	free(folder);
	free(shared);
	free(rep);
	free(raw);
	return rc;
}

/*
 * A copy or a move, never twice: sync_copy_guard notes the intent before
 * the first attempt and, on a replay, leaves in *uids only what is not in
 * the destination yet. What a move had copied already is only removed
 * from the source.
 */
static int
copy_once(struct imap_session *s, struct store *st, const struct store_job *job,
    const char *raw, const char *draw, struct imap_uid_list *uids,
    struct imap_copyuid *cu, struct fct_error *err)
{
	struct imap_uid_list done = IMAP_UID_LIST_INIT;
	bool move = strcmp(job->kind, "move") == 0;
	int rc = -1;

	if (sync_copy_guard(s, st, job, raw, draw, uids, &done, err) != 0)
		goto out;
	/* For tests: the connection drops between the note and the command,
	 * on the first attempt only (a replay finds the note). */
	if (getenv("FACTEUR_TEST_CUT_AFTER_NOTE") != NULL &&
	    strstr(job->payload, "dest_uidnext=") == NULL)
		imap_session_cancel(s);
	if (move && done.n > 0 &&
	    (imap_store_flags(s, done.v, done.n, '+', FCT_FLAG_DELETED, NULL,
		 NULL, err) != 0 ||
		imap_expunge(s, done.v, done.n, NULL, err) != 0))
		goto out;
	rc = uids->n == 0
	    ? 0
	    : imap_copy(s, uids->v, uids->n, draw, move, cu, NULL, err);
	/* For tests: die where a crash would hurt most (see copyguard.c). */
	if (rc == 0 && getenv("FACTEUR_TEST_DIE_AFTER_COPY") != NULL)
		raise(SIGKILL);
out:
	imap_uid_list_release(&done);
	return rc;
}

/* A job on messages: flag, move, copy, expunge. */
static int
message_job_run(struct imap_session *s, struct store *st,
    const struct store_job *job, struct imap_copyuid *cu, struct fct_error *err)
{
	struct imap_uid_list uids = IMAP_UID_LIST_INIT;
	struct imap_mailbox_state ms;
	char *folder = payload_get(job->payload, "folder");
	char *set = payload_get(job->payload, "uids");
	char *dest = payload_get(job->payload, "dest");
	char *op = payload_get(job->payload, "op");
	char *flags = payload_get(job->payload, "flags");
	char *keywords = payload_get(job->payload, "keywords");
	char *raw = NULL, *draw = NULL;
	int rc = -1;

	if (folder == NULL || set == NULL || parse_uids(set, &uids) != 0) {
		fct_error_set(err, "job %lld is malformed", (long long)job->id);
		goto out;
	}
	if (raw_name(st, folder, &raw, err) != 0)
		goto out;
	if (imap_select(s, raw, IMAP_SYNC_CLASSIC, &ms, NULL, err) != 0)
		goto out;
	if (strcmp(job->kind, "flag") == 0) {
		if (op == NULL || flags == NULL || (*op != '+' && *op != '-')) {
			fct_error_set(err, "job %lld is malformed",
			    (long long)job->id);
			goto out;
		}
		rc = imap_store_flags(s, uids.v, uids.n, *op,
		    (unsigned)strtoul(flags, NULL, 10), keywords, NULL, err);
	} else if (strcmp(job->kind, "move") == 0 ||
	    strcmp(job->kind, "copy") == 0) {
		if (dest == NULL || raw_name(st, dest, &draw, err) != 0) {
			if (dest == NULL)
				fct_error_set(err, "job %lld is malformed",
				    (long long)job->id);
			goto out;
		}
		rc = copy_once(s, st, job, raw, draw, &uids, cu, err);
	} else if (strcmp(job->kind, "expunge") == 0) {
		/* Deleting in Trash: gone for good, and only these. */
		rc = imap_store_flags(s, uids.v, uids.n, '+', FCT_FLAG_DELETED,
		    NULL, NULL, err);
		if (rc == 0)
			rc = imap_expunge(s, uids.v, uids.n, NULL, err);
	} else
		fct_error_set(err, "unknown job kind '%s'", job->kind);
out:
	imap_uid_list_release(&uids);
	free(folder);
	free(set);
	free(dest);
	free(op);
	free(flags);
	free(keywords);
	free(raw);
	free(draw);
	return rc;
}

int
sync_job_run(struct imap_session *s, struct store *st,
    const struct store_job *job, struct imap_copyuid *cu, struct fct_error *err)
{
	if (strcmp(job->kind, "append") == 0)
		return run_append(s, st, job, err);
	if (sync_job_is_folder(job->kind))
		return sync_folder_job_run(s, st, job, err);
	return message_job_run(s, st, job, cu, err);
}

int
sync_jobs_run(struct imap_session *s, struct store *st, sync_job_fn fn,
    void *arg, struct fct_error *err)
{
	struct store_job job = { 0 };
	struct imap_copyuid cu = IMAP_COPYUID_INIT;
	struct fct_error jerr = FCT_ERROR_INIT;
	int found, rc = 0;

	for (;;) {
		if ((found = store_job_next(st, &job, err)) < 0) {
			rc = -1;
			break;
		}
		if (found == 0)
			break;
		if (sync_job_run(s, st, &job, &cu, &jerr) != 0 &&
		    imap_session_broken(s)) {
			/* The connection failed, not the job: it stays first
			 * in line for the next connection. */
			if (store_job_failed(st, job.id, fct_error_msg(&jerr),
				err) == 0)
				fct_error_set(err, "%s", fct_error_msg(&jerr));
			rc = -1;
			break;
		}
		/* Done, or refused by the server for good (a read-only
		 * folder, a vanished destination): either way it leaves the
		 * queue, and the caller hears why. */
		if (fn != NULL)
			fn(arg, &job, jerr.msg, &cu);
		if (store_job_done(st, job.id, err) != 0) {
			rc = -1;
			break;
		}
		fct_error_release(&jerr);
		imap_copyuid_release(&cu);
	}
	fct_error_release(&jerr);
	imap_copyuid_release(&cu);
	store_job_release(&job);
	return rc;
}
