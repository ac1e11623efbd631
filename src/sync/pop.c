/*
 * A POP3 maildrop downloaded into the account's local INBOX.
 *
 * Design. POP3 gives a list of messages with unique ids (UIDL) and
 * nothing else: no flags, no folders, no notifications. facteur keeps the
 * map of the ids it has downloaded (store_pop.h) and, on each session:
 *   1. lists the maildrop (STAT, LIST, UIDL, all validated by src/pop);
 *   2. forgets the ids the server no longer has, once they cannot come
 *      back (facteur deleted them there, or the local copy is gone);
 *   3. downloads every message whose id is not in the map, oldest first,
 *      each stored in one transaction with its id (a crash between two
 *      messages leaves whole messages; one in flight is simply fetched
 *      again next time, since its id was never recorded);
 *   4. when the account's pop_delete policy says some downloaded messages
 *      are due (all of them, or those stored DAYS ago), flushes the cache
 *      to disk (store_pop_mark_dele), sends DELE for them, then QUIT.
 * Why this never loses nor duplicates a message: a message is deleted on
 * the server only by a QUIT that follows the fsync of the commit that
 * stored it; a session that dies before QUIT deletes nothing (RFC 1939
 * 6: the server forgets the marks), and the map, written with each
 * message, keeps the next session from downloading it again. Killing the
 * process at any instant leaves one of these states.
 *
 * New messages are flagged nothing (unread) and get the next local UID.
 * Their internal date is the download time: POP3 has no arrival date.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/mime.h"
#include "facteur/net.h"
#include "facteur/store_pop.h"
#include "facteur/sync_pop.h"
#include "private.h"

/* Progress is reported every this many messages (and at the end). */
#define PROGRESS_EVERY 20

int
sync_pop_connect(const struct config_account *acct, struct pop_session **out,
    struct fct_error *err)
{
	/* The secret is fetched only once the server proved who it is;
	 * net_login retries once with a fresh OAuth2 token. */
	if (pop_session_open(acct, out, err) != 0)
		return -1;
	if (pop_session_authenticate(*out, acct, err) != 0) {
		pop_session_close(out);
		return -1;
	}
	return 0;
}

struct pop_ctx {
	struct store *st;
	struct store_folder *folder;
	const struct sync_pop_opts *opts;
	struct sync_pop_stats *stats;
	uint32_t goal; /* messages to download, for progress */
};

static void
report(struct pop_ctx *c)
{
	if (c->opts->progress != NULL)
		c->opts->progress(c->opts->progress_arg, c->folder->name,
		    c->stats->added, c->goal);
}

/* One downloaded message: summary, body, unique id, hook, one commit. */
static int
on_message(void *arg, const struct pop_msg *pm, const char *data, size_t len,
    struct fct_error *err)
{
	struct pop_ctx *c = arg;
	struct strbuf text = STRBUF_INIT;
	struct store_msg m = STORE_MSG_INIT;
	int added, rc = -1;

	sync_local_msg_fill(&m, &text, data, len, (int64_t)c->opts->now);
	if (store_begin(c->st, err) != 0)
		goto out;
	added = store_pop_add(c->st, c->folder->id, &m, data, len,
	    text.len > 0 ? text.buf : NULL, pm->uidl, (int64_t)c->opts->now,
	    err);
	if (added == 1) {
		/* Stored meanwhile by another facteur: not news here. */
		store_rollback(c->st);
		rc = 0;
		goto out;
	}
	if (added != 0 ||
	    (c->opts->on_new != NULL &&
		c->opts->on_new(c->opts->on_new_arg, c->st, c->folder, &m, data,
		    len, err) != 0) ||
	    store_commit(c->st, err) != 0) {
		store_rollback(c->st);
		goto out;
	}
	c->stats->added++;
	if (c->stats->added % PROGRESS_EVERY == 0 || c->stats->added == c->goal)
		report(c);
	rc = 0;
out:
	store_msg_release(&m);
	strbuf_release(&text);
	return rc;
}

static int
uidl_key_cmp(const void *key, const void *elt)
{
	return strcmp(key, ((const struct store_pop_uidl *)elt)->uidl);
}

static const struct store_pop_uidl *
known(const struct store_pop_uidl *v, size_t n, const char *uidl)
{
	if (n == 0)
		return NULL;
	return bsearch(uidl, v, n, sizeof *v, uidl_key_cmp);
}

/* Is a downloaded message due for deletion on the server? */
static bool
due(const struct config_account *acct, const struct store_pop_uidl *k,
    time_t now)
{
	switch (acct->pop_delete.when) {
	case CONFIG_POP_DELETE_NEVER:
		return false;
	case CONFIG_POP_DELETE_AFTER_DOWNLOAD:
		return true;
	case CONFIG_POP_DELETE_AFTER_DAYS:
		return k->stored <=
		    (int64_t)now - (int64_t)acct->pop_delete.days * 24 * 3600;
	}
	BUG("bad pop_delete policy %d", (int)acct->pop_delete.when);
}

/* Forgets the ids of the listed messages numbered idx[0..n) (sorted). */
static int
forget_deleted(struct store *st, const struct pop_msg_list *list,
    const uint32_t *idx, size_t n, struct fct_error *err)
{
	const char **keep = NULL;
	size_t i, j = 0, nkeep = 0;
	int rc;

	if (list->n > 0)
		keep = xreallocarray(NULL, list->n, sizeof *keep);
	for (i = 0; i < list->n; i++) {
		if (j < n && idx[j] == list->v[i].index) {
			j++;
			continue;
		}
		keep[nkeep++] = list->v[i].uidl;
	}
	rc = store_pop_prune(st, keep, nkeep, NULL, err);
	free(keep);
	return rc;
}

/*
 * Deletes from the server the listed messages that the map knows and the
 * policy makes due: durable mark, DELE, QUIT.
 */
static int
delete_due(struct pop_session *s, const struct config_account *acct,
    struct store *st, const struct pop_msg_list *list, time_t now,
    struct sync_pop_stats *stats, struct fct_error *err)
{
	struct store_pop_uidl *map = NULL;
	const struct store_pop_uidl *k;
	const char **uidls = NULL;
	uint32_t *idx = NULL;
	size_t i, nmap = 0, n = 0;
	int rc = -1;

	if (acct->pop_delete.when == CONFIG_POP_DELETE_NEVER)
		return 0;
	/* Read again: it now holds what this session downloaded. */
	if (store_pop_uidls(st, &map, &nmap, err) != 0)
		return -1;
	if (list->n > 0) {
		uidls = xreallocarray(NULL, list->n, sizeof *uidls);
		idx = xreallocarray(NULL, list->n, sizeof *idx);
	}
	for (i = 0; i < list->n; i++) {
		k = known(map, nmap, list->v[i].uidl);
		if (k == NULL || !due(acct, k, now))
			continue;
		uidls[n] = list->v[i].uidl;
		idx[n++] = list->v[i].index;
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	/* On disk first; only then may the server let go of its copy. */
	if (store_pop_mark_dele(st, uidls, n, (int64_t)now, err) != 0 ||
	    pop_dele(s, idx, n, err) != 0)
		goto out;
	if (pop_session_quit(s, err) != 0) {
		fct_error_prefix(err,
		    "deleting %zu downloaded message%s from the server was not "
		    "confirmed (they are safe in the cache; the next sync "
		    "looks again)",
		    n, n == 1 ? "" : "s");
		goto out;
	}
	stats->deleted = (unsigned)n;
	/* The server confirmed: those ids are gone for good. */
	rc = forget_deleted(st, list, idx, n, err);
out:
	free(uidls);
	free(idx);
	store_pop_uidls_free(&map, nmap);
	return rc;
}

int
sync_pop(struct pop_session *s, const struct config_account *acct,
    struct store *st, const struct sync_pop_opts *opts,
    struct sync_pop_stats *stats, struct fct_error *err)
{
	struct pop_msg_list list = POP_MSG_LIST_INIT;
	struct store_folder folder = STORE_FOLDER_INIT;
	struct store_pop_uidl *map = NULL;
	struct pop_msg *todo = NULL;
	const char **present = NULL;
	struct pop_ctx c;
	size_t i, nmap = 0, ntodo = 0, npruned = 0, total;
	int rc = -1;

	memset(stats, 0, sizeof *stats);
	if (store_local_folder(st, SYNC_POP_FOLDER, "inbox", &folder, err) != 0)
		goto out;
	stats->cold = folder.uidnext <= 1;
	if (pop_list(s, &list, err) != 0)
		goto out;
	stats->listed = (unsigned)list.n;
	if (list.n > 0) {
		present = xreallocarray(NULL, list.n, sizeof *present);
		todo = xreallocarray(NULL, list.n, sizeof *todo);
	}
	for (i = 0; i < list.n; i++) {
		if (list.v[i].uidl == NULL) {
			fct_error_set(err,
			    "the POP3 server of account '%s' gives no unique "
			    "ids (UIDL): facteur cannot tell new mail from "
			    "mail "
			    "it downloaded before",
			    acct->name);
			goto out;
		}
		present[i] = list.v[i].uidl;
	}
	/* Ids gone from the server for good (store_pop_prune says when). */
	if (store_pop_prune(st, present, list.n, &npruned, err) != 0 ||
	    store_pop_uidls(st, &map, &nmap, err) != 0)
		goto out;
	stats->pruned = (unsigned)npruned;
	for (i = 0; i < list.n; i++) {
		if (known(map, nmap, list.v[i].uidl) != NULL)
			continue;
		if (list.v[i].size > SYNC_POP_MAX_MESSAGE) {
			stats->skipped++;
			continue;
		}
		todo[ntodo++] = list.v[i];
	}
	memset(&c, 0, sizeof c);
	c.st = st;
	c.folder = &folder;
	c.opts = opts;
	c.stats = stats;
	c.goal = (uint32_t)ntodo;
	if (ntodo > 0) {
		report(&c);
		if (pop_retr(s, todo, ntodo, SYNC_POP_MAX_MESSAGE, on_message,
			&c, err) != 0)
			goto out;
	}
	if (delete_due(s, acct, st, &list, opts->now, stats, err) != 0 ||
	    store_local_recount(st, err) != 0)
		goto out;
	if (store_msg_count(st, folder.id, &total, err) != 0)
		goto out;
	stats->total = (uint32_t)total;
	rc = 0;
out:
	free(todo);
	free(present);
	store_pop_uidls_free(&map, nmap);
	store_folder_release(&folder);
	pop_msg_list_release(&list);
	return rc;
}

int
sync_pop_rules_mark(void *arg, struct store *st,
    const struct store_folder *folder, const struct store_msg *m,
    const char *raw, size_t len, struct fct_error *err)
{
	(void)arg;
	(void)folder;
	(void)raw;
	(void)len;
	return store_rules_pending_add(st, m->id, err);
}
