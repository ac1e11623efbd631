/*
 * Composing, the part that the command line and the TUI share: the draft
 * to edit for a new message, a reply (to one or all), a forward (inline
 * or attached) or a resumed draft, From set to the right identity; and,
 * once edited, the sender From now names, the attachments read from
 * their files, the message built.
 *
 * What stays with the caller is the terminal: writing the editable text to
 * a file, running the editor (fct_edit_file, after the UI left curses
 * mode), asking send / postpone / abort. Sending then needs no network
 * call here either: sync_send_queue and sync_postpone only write the
 * store, and the account worker (SYNC_REQ_RUN_JOBS) or `facteur` itself
 * submits and files the copies.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facteur/core_alias.h"
#include "facteur/mime_compose.h"
#include "facteur/sync.h"

int
sync_compose_start(const struct config *cfg, const struct config_account *acct,
    enum sync_compose_kind kind, const char *raw, size_t len,
    struct mime_draft *d, struct sync_sender *who, struct fct_error *err)
{
	const char **own = NULL;
	size_t n = sync_own_addresses(cfg, acct, &own);
	int addressed = -1, rc = -1;

	who->acct = acct;
	who->identity = NULL;
	switch (kind) {
	case SYNC_COMPOSE_NEW:
		mime_draft_release(d);
		rc = 0;
		break;
	case SYNC_COMPOSE_REPLY:
	case SYNC_COMPOSE_REPLY_ALL:
		rc = mime_reply_draft(raw, len, kind == SYNC_COMPOSE_REPLY_ALL,
		    own, n, d, &addressed, err);
		break;
	case SYNC_COMPOSE_FORWARD:
	case SYNC_COMPOSE_FORWARD_ATTACH:
		rc = mime_forward_draft(raw, len,
		    kind == SYNC_COMPOSE_FORWARD_ATTACH, own, n, d, &addressed,
		    err);
		break;
	case SYNC_COMPOSE_RESUME:
		rc = mime_draft_from_message(raw, len, d, err);
		break;
	}
	free(own);
	if (rc != 0)
		return -1;
	/* A reply goes out as the address the original was sent to. */
	sync_sender_by_index(cfg, acct, addressed, who);
	if (kind == SYNC_COMPOSE_RESUME && d->from != NULL)
		return sync_compose_sender(cfg, acct, d->from, who, err);
	free(d->from);
	d->from = sync_sender_from(who);
	return 0;
}

int
sync_compose_sender(const struct config *cfg, const struct config_account *acct,
    const char *from, struct sync_sender *who, struct fct_error *err)
{
	const char **own = NULL;
	size_t n = sync_own_addresses(cfg, acct, &own), i;
	char *dom = NULL;
	int rc = 0;

	/* The address alone, whatever the display name. */
	for (i = 0; i < n; i++) {
		const char *hit = strcasestr(from, own[i]);
		size_t l = strlen(own[i]);

		if (hit != NULL &&
		    (hit == from || hit[-1] == '<' || hit[-1] == ' ') &&
		    (hit[l] == '\0' || hit[l] == '>' || hit[l] == ' '))
			break;
	}
	if (i < n)
		sync_sender_by_index(cfg, acct, (int)i, who);
	else if ((dom = mime_address_domain(from)) == NULL)
		rc = fct_error_set(err, "bad From address '%s'", from);
	/* Another address: the server decides whether it may be used;
	 * the envelope stays the account's (sync_send_queue). */
	free(dom);
	free(own);
	return rc;
}

int
sync_compose_load_attachments(struct mime_draft *d, struct fct_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < d->natt; i++) {
		struct mime_attachment *a = &d->att[i];

		if (a->data != NULL || a->path == NULL)
			continue;
		strbuf_reset(&sb);
		if (strbuf_read_file(&sb, a->path) != 0) {
			strbuf_release(&sb);
			return fct_error_set(err,
			    "cannot read attachment '%s': %s", a->path,
			    strerror(errno));
		}
		a->data = strbuf_detach(&sb, &a->len);
	}
	strbuf_release(&sb);
	return 0;
}

/* Replaces alias keys in one address field of the draft. */
static int
expand_field(const struct fct_aliases *aliases, char **field,
    struct fct_error *err)
{
	struct strbuf sb = STRBUF_INIT;

	if (*field == NULL || aliases == NULL)
		return 0;
	if (fct_aliases_expand(aliases, *field, &sb, err) != 0) {
		strbuf_release(&sb);
		return -1;
	}
	free(*field);
	*field = strbuf_detach(&sb, NULL);
	return 0;
}

int
sync_compose_finish(const struct config *cfg, const struct config_account *acct,
    const struct fct_aliases *aliases, struct mime_draft *d,
    struct sync_sender *who, struct strbuf *msg, struct fct_error *err)
{
	if (d->from == NULL) {
		d->from = sync_sender_from(who);
	} else if (sync_compose_sender(cfg, acct, d->from, who, err) != 0)
		return -1;
	if (expand_field(aliases, &d->to, err) != 0 ||
	    expand_field(aliases, &d->cc, err) != 0 ||
	    expand_field(aliases, &d->bcc, err) != 0 ||
	    sync_compose_load_attachments(d, err) != 0)
		return -1;
	return mime_build(d, msg, err);
}
