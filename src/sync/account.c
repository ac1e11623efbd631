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
	struct net_credential cred = NET_CREDENTIAL_INIT;
	int rc;

	/* The secret is fetched only once the server proved who it is. */
	if (imap_session_open(acct, out, err) != 0)
		return -1;
	rc = net_credential_get(acct, &cred, err);
	if (rc == 0)
		rc = imap_session_login(*out, &cred, err);
	net_credential_release(&cred);
	if (rc != 0)
		imap_session_close(out);
	return rc;
}

int
sync_folder_list(struct imap_session *s, struct store *st,
    struct fct_error *err)
{
	struct imap_folder_list list = IMAP_FOLDER_LIST_INIT;
	struct store_folder sf;
	const char **keep = NULL;
	size_t i;
	int rc = -1;

	if (imap_list_folders(s, &list, err) != 0)
		goto out;
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
	imap_folder_list_release(&list);
	return rc;
}
