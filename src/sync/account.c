/*
 * An account as the sync engine sees it: where its cache lives, how to
 * reach its server, and its folder list.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/net.h"
#include "facteur/sync.h"

char *
sync_store_path(const struct config *cfg, const struct config_account *acct)
{
	char *name = xstrdup(acct->name), *p, *path;

	/* An account name is one path component, whatever it contains. */
	for (p = name; *p != '\0'; p++)
		if (*p == '/' || (p == name && *p == '.'))
			*p = '_';
	path = xasprintf("%s/%s.sqlite", cfg->cache_dir, name);
	free(name);
	return path;
}

enum imap_sync_mode
sync_mode_from_config(enum config_sync_mode m)
{
	switch (m) {
	case CONFIG_SYNC_CLASSIC:
		return IMAP_SYNC_CLASSIC;
	case CONFIG_SYNC_CONDSTORE:
		return IMAP_SYNC_CONDSTORE;
	case CONFIG_SYNC_QRESYNC:
		return IMAP_SYNC_QRESYNC;
	}
	BUG("bad sync mode %d", (int)m);
}

int
sync_connect(const struct config_account *acct, struct imap_session **out,
    struct fct_error *err)
{
	int rc;

	/* The secret is fetched only once the server proved who it is. */
	if (imap_session_open(acct, out, err) != 0)
		return -1;
	rc = imap_session_authenticate(*out, acct, err);
	/* Before any SELECT, or the server refuses it. */
	if (rc == 0 && acct->sync_mode == CONFIG_SYNC_QRESYNC)
		rc = imap_session_enable_qresync(*out, err);
	if (rc != 0)
		imap_session_close(out);
	return rc;
}

int
sync_folder_list(struct imap_session *s, struct store *st,
    struct fct_error *err)
{
	struct imap_folder_list list = IMAP_FOLDER_LIST_INIT;
	struct store_folder sf, old = STORE_FOLDER_INIT;
	const char **keep = NULL;
	size_t i;
	int rc = -1, found;

	if (imap_list_folders(s, &list, err) != 0)
		goto out;
	/* What a shared mailbox allows decides what the UI and the commands
	 * offer, before any job is made. */
	for (i = 0; i < list.n; i++) {
		if (list.v[i].ns == IMAP_NS_PERSONAL || list.v[i].noselect ||
		    imap_folder_myrights(s, &list.v[i], err) == 0)
			continue;
		if (imap_session_broken(s))
			goto out;
		/* Refused: assume nothing is allowed rather than everything. */
		free(list.v[i].rights);
		list.v[i].rights = xstrdup("");
		fct_error_release(err);
	}
	if (list.n > 0)
		keep = xcalloc(list.n, sizeof *keep);
	if (store_begin(st, err) != 0)
		goto out;
	for (i = 0; i < list.n; i++) {
		memset(&sf, 0, sizeof sf);
		sf.name = list.v[i].name;
		sf.raw_name = list.v[i].raw_name;
		sf.delimiter = list.v[i].delimiter;
		sf.role = list.v[i].role != IMAP_ROLE_NONE
		    ? (char *)imap_role_name(list.v[i].role)
		    : NULL;
		sf.ns = (int)list.v[i].ns;
		sf.noselect = list.v[i].noselect;
		sf.rights = list.v[i].rights;
		keep[i] = list.v[i].name;
		/* LIST says nothing of the counts: keep the last STATUS's
		 * rather than showing zeros until the next one. */
		if ((found = store_folder_get(st, sf.name, &old, err)) < 0) {
			store_rollback(st);
			goto out;
		}
		if (found > 0) {
			sf.total = old.total;
			sf.unseen = old.unseen;
		}
		if (store_folder_put(st, &sf, err) != 0) {
			store_rollback(st);
			goto out;
		}
	}
	if (store_folder_prune(st, keep, list.n, err) != 0 ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		goto out;
	}
	rc = 0;
out:
	free(keep);
	store_folder_release(&old);
	imap_folder_list_release(&list);
	return rc;
}
