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

/* --- completion --- */

struct complete_ctx {
	const char *prefix;
	size_t plen, max, n;
	char **seen; /* addr-specs offered, for duplicates */
	size_t alloc;
	int (*fn)(const char *text, const char *detail, void *arg);
	void *arg;
	bool stop;
};

/* Does a word of s start with the prefix (case-insensitively)? */
static bool
word_starts(const char *s, const char *prefix, size_t n)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		if ((p == s || p[-1] == ' ' || p[-1] == '.' || p[-1] == '-' ||
			p[-1] == '"') &&
		    strncasecmp(p, prefix, n) == 0)
			return true;
	return false;
}

static int
complete_alias(const char *key, const char *members, void *arg)
{
	struct complete_ctx *c = arg;

	if (c->n >= c->max)
		return 1;
	c->n++;
	c->stop = c->fn(key, members, c->arg) != 0;
	return c->stop;
}

static int
complete_mailbox(const char *name, const char *addr, void *arg)
{
	struct complete_ctx *c = arg;
	char *text;
	size_t i;

	if (!word_starts(addr, c->prefix, c->plen) &&
	    !word_starts(name, c->prefix, c->plen))
		return 0;
	for (i = 0; i < c->n && c->seen != NULL && i < c->alloc; i++)
		if (c->seen[i] != NULL && strcasecmp(c->seen[i], addr) == 0)
			return 0;
	FCT_ALLOC_GROW(c->seen, c->n + 1, c->alloc);
	c->seen[c->n++] = xstrdup(addr);
	text = *name != '\0' ? xasprintf("%s <%s>", name, addr) : xstrdup(addr);
	c->stop = c->fn(text, addr, c->arg) != 0 || c->n >= c->max;
	free(text);
	return c->stop;
}

static int
complete_text(const char *text, void *arg)
{
	struct complete_ctx *c = arg;

	mime_address_list_each(text, complete_mailbox, c);
	return c->stop;
}

int
sync_address_complete(struct store *st, const struct fct_aliases *aliases,
    const char *prefix, size_t max,
    int (*fn)(const char *text, const char *detail, void *arg), void *arg,
    struct fct_error *err)
{
	struct complete_ctx c = { prefix, strlen(prefix), max, 0, NULL, 0, fn,
		arg, false };
	size_t i, aliased;
	int rc = 0;

	fct_aliases_complete(aliases, prefix, complete_alias, &c);
	aliased = c.n;
	/* Addresses: the seen list only holds those, after the aliases. */
	if (!c.stop && c.n < max && *prefix != '\0' && st != NULL) {
		c.seen = xcalloc(c.n + 1, sizeof *c.seen);
		c.alloc = c.n + 1;
		rc = store_address_texts(st, prefix, 500, complete_text, &c,
		    err);
	}
	for (i = aliased; i < c.n && c.seen != NULL; i++)
		free(c.seen[i]);
	free(c.seen);
	return rc;
}
