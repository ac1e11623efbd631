/*
 * Sending: who a message goes out as, the outbox, submission over SMTP,
 * and the copy in Sent (or Drafts) queued as an append job.
 *
 * The order is the "nothing lost" argument. A message is prepared
 * (mime_prepare: envelope, Bcc gone, 7-bit) and written to the outbox,
 * flushed to disk, before any connection is made. Submission then either
 * succeeds for at least one recipient, and in one transaction the message
 * becomes 'sent' and its append job is queued, or fails and the message
 * stays 'queued' with the reason, for `facteur outbox retry` or the
 * account worker's next connection. The message leaves the outbox only
 * when its copy is in the folder (sync/job.c), so a crash at any point
 * leaves it somewhere the user can see.
 *
 * A message is claimed (state 'sending' with the pid) before it is
 * submitted, so that two processes flushing the same outbox (a `facteur
 * send` beside a running worker) never send it both.
 *
 * NEEDSWORK: a crash (or a lost connection) after the server's 250 for
 * the data and before the outbox is updated sends the message again on
 * retry: SMTP has no way to ask whether a message was taken.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "facteur/mime.h"
#include "facteur/mime_compose.h"
#include "facteur/net.h"
#include "facteur/smtp.h"
#include "facteur/sync.h"

int
sync_sender_find(const struct config *cfg, const char *name,
    struct sync_sender *out, struct fct_error *err)
{
	const struct config_identity *id;

	memset(out, 0, sizeof *out);
	if (name != NULL && (id = config_find_identity(cfg, name)) != NULL) {
		out->identity = id;
		out->acct = config_find_account(cfg, id->account);
	} else
		out->acct = config_find_account(cfg, name);
	if (out->acct == NULL) {
		if (name != NULL)
			return fct_error_set(err,
			    "no identity or account called '%s'", name);
		return fct_error_set(err, "no account in the configuration");
	}
	return 0;
}

const char *
sync_sender_email(const struct sync_sender *who)
{
	return who->identity != NULL ? who->identity->email : who->acct->email;
}

char *
sync_sender_from(const struct sync_sender *who)
{
	const char *name = who->identity != NULL ? who->identity->realname
						 : who->acct->realname;
	const char *email = sync_sender_email(who);
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	if (name == NULL || *name == '\0')
		return xstrdup(email);
	/* A quoted display name: commas and dots in names stay names. */
	strbuf_addch(&sb, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addch(&sb, '\\');
		strbuf_addch(&sb, *p);
	}
	strbuf_addf(&sb, "\" <%s>", email);
	return strbuf_detach(&sb, NULL);
}

size_t
sync_own_addresses(const struct config *cfg, const struct config_account *acct,
    const char ***out)
{
	size_t i, n = 0;

	*out = xcalloc(cfg->nidentities + 1, sizeof **out);
	(*out)[n++] = acct->email;
	for (i = 0; i < cfg->nidentities; i++)
		if (strcmp(cfg->identities[i].account, acct->name) == 0)
			(*out)[n++] = cfg->identities[i].email;
	return n;
}

void
sync_sender_by_index(const struct config *cfg,
    const struct config_account *acct, int idx, struct sync_sender *out)
{
	size_t i;
	int k = 0;

	out->acct = acct;
	out->identity = NULL;
	for (i = 0; idx > 0 && i < cfg->nidentities; i++)
		if (strcmp(cfg->identities[i].account, acct->name) == 0 &&
		    ++k == idx) {
			out->identity = &cfg->identities[i];
			return;
		}
}

int
sync_send_queue(struct store *st, const struct sync_sender *who,
    const struct fct_aliases *aliases, const char *raw, size_t len, int64_t *id,
    struct mime_envelope *env, struct fct_error *err)
{
	struct mime_envelope e = MIME_ENVELOPE_INIT;
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct strbuf msg = STRBUF_INIT, rcpts = STRBUF_INIT;
	char *from = sync_sender_from(who);
	size_t i;
	int rc = -1;

	if (mime_prepare(raw, len, from, aliases, &msg, &e, err) != 0)
		goto out;
	for (i = 0; i < e.nrcpt; i++)
		strbuf_addf(&rcpts, "%s%s", i > 0 ? "\n" : "", e.rcpt[i]);
	m.state = xstrdup("queued");
	m.identity =
	    who->identity != NULL ? xstrdup(who->identity->name) : NULL;
	/* The envelope sender is the address the account may send as: the
	 * one in From when it is the sender's, else the sender's own. */
	m.mail_from = xstrdup(strcasecmp(e.from, sync_sender_email(who)) == 0
		? e.from
		: sync_sender_email(who));
	m.rcpts = strbuf_detach(&rcpts, NULL);
	m.message_id = xstrdup(e.message_id);
	m.subject = e.subject != NULL ? xstrdup(e.subject) : NULL;
	m.message = strbuf_detach(&msg, &m.len);
	if (who->identity != NULL && who->identity->sent_folder != NULL)
		m.copy_folder = xstrdup(who->identity->sent_folder);
	if (store_outbox_add(st, &m, err) != 0)
		goto out;
	if (id != NULL)
		*id = m.id;
	if (env != NULL) {
		mime_envelope_release(env);
		*env = e;
		memset(&e, 0, sizeof e);
	}
	rc = 0;
out:
	free(from);
	strbuf_release(&msg);
	strbuf_release(&rcpts);
	store_outbox_release(&m);
	mime_envelope_release(&e);
	return rc;
}

/* The append job that puts the copy of outbox message m where it goes. */
static void
copy_job(const struct config *cfg, const struct config_account *acct,
    const struct store_outbox *m, const char *role, uint32_t replace,
    struct strbuf *payload)
{
	const struct config_identity *id =
	    m->identity != NULL ? config_find_identity(cfg, m->identity) : NULL;

	strbuf_addf(payload, "outbox=%lld\nrole=%s\n", (long long)m->id, role);
	if (m->copy_folder != NULL)
		strbuf_addf(payload, "folder=%s\n", m->copy_folder);
	else if (id != NULL && strcasecmp(id->email, acct->email) != 0)
		/* A shared mailbox's address: its own Sent, found when the
		 * job runs (the folder list may not be known yet). */
		strbuf_addf(payload, "shared=%s\n", id->email);
	if (replace != 0)
		strbuf_addf(payload, "replace=%u\n", replace);
}

/*
 * Keeps the reason of a failed submission with the message. When the
 * store cannot take even that, the message is still queued with its
 * earlier reason: the failure the caller reports is the one that matters.
 */
static void
note_failure(struct store *st, int64_t id, const char *reason,
    struct fct_error *err)
{
	if (store_outbox_failed(st, id, reason, err) != 0)
		return;
}

/* Splits the outbox's recipient lines; the array borrows from text. */
static size_t
split_rcpts(char *text, const char ***out)
{
	size_t n = 0, alloc = 0;
	char *p = text, *nl;

	*out = NULL;
	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl = '\0';
		FCT_ALLOC_GROW(*out, n + 1, alloc);
		(*out)[n++] = p;
		p = nl != NULL ? nl + 1 : NULL;
	}
	return n;
}

/* "refused: a (550 ...); b (...)" from a partial success; owned, NULL
 * when every recipient took it. */
char *
sync_refused_note(const struct smtp_send_result *res)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (res->refused == 0)
		return NULL;
	strbuf_addstr(&sb, "refused: ");
	for (i = 0; i < res->n; i++)
		if (res->v[i].reason != NULL)
			strbuf_addf(&sb, "%s%s (%s)", sb.len > 9 ? "; " : "",
			    res->v[i].addr, res->v[i].reason);
	return strbuf_detach(&sb, NULL);
}

/* Submits m on an open session; records the outcome in the store. */
static int
submit_on(const struct config *cfg, const struct config_account *acct,
    struct smtp_session *s, struct store *st, struct store_outbox *m,
    struct smtp_send_result *res, struct fct_error *err)
{
	struct strbuf payload = STRBUF_INIT;
	struct fct_error serr = FCT_ERROR_INIT;
	const char **rcpt;
	char *copy = xstrdup(m->rcpts), *note;
	size_t n = split_rcpts(copy, &rcpt);
	int rc;

	rc =
	    smtp_send(s, m->mail_from, rcpt, n, m->message, m->len, res, &serr);
	free(rcpt);
	free(copy);
	if (rc != 0) {
		fct_error_set(err, "%s", fct_error_msg(&serr));
		fct_error_release(&serr);
		/* The reason stays with the message; a store failure here
		 * leaves the previous one, the message still queued. */
		note_failure(st, m->id, fct_error_msg(err), NULL);
		return -1;
	}
	note = sync_refused_note(res);
	copy_job(cfg, acct, m, "sent", 0, &payload);
	if (store_begin(st, err) != 0 ||
	    store_outbox_sent(st, m->id, note, err) != 0 ||
	    store_job_add(st, "append", payload.buf, NULL, err) != 0 ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		fct_error_prefix(err, "sent, but not recorded");
		rc = -1;
	}
	free(note);
	strbuf_release(&payload);
	return rc;
}

/* Connects to the account's submission server and logs in. */
static int
smtp_connect(const struct config_account *acct, struct smtp_session **s,
    struct fct_error *err)
{
	if (acct->smtp.proto != CONFIG_PROTO_SMTP)
		return fct_error_set(err,
		    "account '%s' has no SMTP server (smtp = URL)", acct->name);
	if (smtp_session_open(acct, s, err) != 0)
		return -1;
	/* net_login: a refused OAuth2 token is asked for once more. */
	if (smtp_session_authenticate(*s, acct, err) != 0) {
		smtp_session_close(s);
		return -1;
	}
	return 0;
}

/*
 * Takes m for this process (state 'sending', claim = our pid), so that a
 * worker and a command never submit it at once. A message left 'sending'
 * by a process that died (or by an earlier process with our pid) may be
 * taken: whether it went out before the crash, SMTP cannot tell. Returns
 * 1 taken, 0 not ours to send (being sent elsewhere, or not queued), -1.
 */
static int
claim(struct store *st, struct store_outbox *m, struct fct_error *err)
{
	int pid = (int)getpid(), r;

	if (strcmp(m->state, "queued") == 0 ||
	    (strcmp(m->state, "sending") == 0 &&
		(m->claim <= 0 || m->claim == pid ||
		    (kill(m->claim, 0) != 0 && errno == ESRCH)))) {
		r = store_outbox_claim(st, m->id, m->state, m->claim, pid, err);
		if (r == 1) {
			free(m->state);
			m->state = xstrdup("sending");
			m->claim = pid;
		}
		return r;
	}
	return 0;
}

int
sync_send_submit(const struct config *cfg, const struct config_account *acct,
    struct store *st, int64_t id, struct smtp_send_result *res,
    struct fct_error *err)
{
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct smtp_session *s = NULL;
	int found, rc = -1;

	smtp_send_result_release(res);
	if ((found = store_outbox_get(st, id, &m, err)) <= 0) {
		if (found == 0)
			fct_error_set(err, "no message %lld in the outbox",
			    (long long)id);
		return -1;
	}
	if (strcmp(m.state, "queued") != 0 && strcmp(m.state, "sending") != 0) {
		fct_error_set(err, "message %lld was sent already",
		    (long long)id);
		goto out;
	}
	if ((found = claim(st, &m, err)) <= 0) {
		if (found == 0)
			fct_error_set(err,
			    "message %lld is being sent by another facteur "
			    "(process %d)",
			    (long long)id, m.claim);
		goto out;
	}
	if (smtp_connect(acct, &s, err) != 0) {
		note_failure(st, id, fct_error_msg(err), NULL);
		goto out;
	}
	rc = submit_on(cfg, acct, s, st, &m, res, err);
out:
	smtp_session_close(&s);
	store_outbox_release(&m);
	return rc;
}

int
sync_outbox_flush(const struct config *cfg, const struct config_account *acct,
    struct store *st, sync_sent_fn fn, void *arg, struct fct_error *err)
{
	struct smtp_send_result res = SMTP_SEND_RESULT_INIT;
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct fct_error merr = FCT_ERROR_INIT, cerr = FCT_ERROR_INIT;
	struct smtp_session *s = NULL;
	int64_t *ids = NULL;
	size_t n = 0, i;
	bool down = false;
	int rc = 0, got;

	if (store_outbox_ids(st, NULL, &ids, &n, err) != 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if ((got = store_outbox_get(st, ids[i], &m, err)) == 0)
			continue; /* dropped meanwhile */
		if (got < 0 || (got = claim(st, &m, err)) < 0) {
			rc = -1;
			break;
		}
		if (got == 0)
			continue;
		/* Connect only once there is something to send. */
		if (s == NULL && !down && smtp_connect(acct, &s, &cerr) != 0)
			down = true;
		if (down) {
			/* Nothing can go out now: each keeps the reason. */
			note_failure(st, m.id, fct_error_msg(&cerr), NULL);
			continue;
		}
		if (submit_on(cfg, acct, s, st, &m, &res, &merr) != 0 &&
		    smtp_session_broken(s))
			smtp_session_close(&s);
		if (fn != NULL)
			fn(arg, &m, merr.msg, &res);
		fct_error_release(&merr);
	}
	if (down && rc == 0) {
		fct_error_set(err, "%s", fct_error_msg(&cerr));
		rc = -1;
	}
	fct_error_release(&cerr);
	smtp_session_close(&s);
	smtp_send_result_release(&res);
	store_outbox_release(&m);
	free(ids);
	return rc;
}

int
sync_postpone(const struct config *cfg, const struct config_account *acct,
    struct store *st, const struct sync_sender *who, const char *raw,
    size_t len, uint32_t replace, int64_t *id, struct fct_error *err)
{
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct mime_summary sum = MIME_SUMMARY_INIT;
	struct strbuf payload = STRBUF_INIT;
	int rc = -1;

	/* The Message-ID tells the new version from the one it replaces. */
	if (mime_summary_parse(raw, len, &sum, err) != 0)
		return -1;
	m.message_id = sum.message_id;
	m.subject = sum.subject;
	sum.message_id = sum.subject = NULL;
	mime_summary_release(&sum);
	m.state = xstrdup("draft");
	m.identity =
	    who->identity != NULL ? xstrdup(who->identity->name) : NULL;
	m.mail_from = xstrdup(sync_sender_email(who));
	m.rcpts = xstrdup("");
	m.message = xmalloc(len + 1);
	memcpy(m.message, raw, len);
	m.len = len;
	if (store_begin(st, err) != 0)
		goto out;
	if (store_outbox_add(st, &m, err) != 0) {
		store_rollback(st);
		goto out;
	}
	/* Drafts go to the account's own Drafts, whoever they are from. */
	free(m.identity);
	m.identity = NULL;
	copy_job(cfg, acct, &m, "drafts", replace, &payload);
	if (store_job_add(st, "append", payload.buf, NULL, err) != 0 ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		goto out;
	}
	if (id != NULL)
		*id = m.id;
	rc = 0;
out:
	strbuf_release(&payload);
	store_outbox_release(&m);
	return rc;
}

int
sync_outbox_requeue(const struct config *cfg, const struct config_account *acct,
    struct store *st, size_t *queued, struct fct_error *err)
{
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct strbuf payload = STRBUF_INIT;
	int64_t *ids = NULL;
	size_t n = 0, i;
	int rc = 0;

	*queued = 0;
	if (store_outbox_orphans(st, &ids, &n, err) != 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if (store_outbox_get(st, ids[i], &m, err) != 1) {
			rc = -1;
			break;
		}
		strbuf_reset(&payload);
		/* A draft's old version is not replaced on a second try:
		 * its UID was in the dropped job only. */
		if (strcmp(m.state, "draft") == 0) {
			free(m.identity);
			m.identity = NULL;
		}
		copy_job(cfg, acct, &m,
		    strcmp(m.state, "draft") == 0 ? "drafts" : "sent", 0,
		    &payload);
		if (store_job_add(st, "append", payload.buf, NULL, err) != 0)
			rc = -1;
		else
			(*queued)++;
	}
	strbuf_release(&payload);
	store_outbox_release(&m);
	free(ids);
	return rc;
}
