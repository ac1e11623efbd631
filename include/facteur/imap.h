/*
 * imap: one IMAP session on libetpan. Connects through src/net (verified TLS
 * or STARTTLS, required), logs in, and answers folder questions. It never
 * touches the store or the terminal: results go back to the caller.
 *
 * A session belongs to one thread at a time (libetpan sessions have no
 * locking); every call blocks on the network, so callers are account workers
 * or the command-line layer, never the UI thread.
 */
#ifndef FACTEUR_IMAP_IMAP_H
#define FACTEUR_IMAP_IMAP_H

#include <stdbool.h>

#include "facteur/core.h"
#include "facteur/core_config.h"
#include "facteur/net.h"

struct imap_session;

enum imap_role {
	IMAP_ROLE_NONE = 0,
	IMAP_ROLE_INBOX,
	IMAP_ROLE_DRAFTS,
	IMAP_ROLE_SENT,
	IMAP_ROLE_JUNK,
	IMAP_ROLE_TRASH,
	IMAP_ROLE_ARCHIVE,
};

/* "inbox", "drafts", ... or "-" for none; static. */
const char *imap_role_name(enum imap_role role);

/* Which NAMESPACE (RFC 2342) group a folder lives in. */
enum imap_ns {
	IMAP_NS_PERSONAL = 0,
	IMAP_NS_OTHER,  /* other users' mailboxes shared with us */
	IMAP_NS_SHARED, /* public shared mailboxes */
};

struct imap_folder {
	char *name;     /* owned; UTF-8 (modified UTF-7 decoded) */
	char *raw_name; /* owned; as on the wire, for commands */
	char delimiter; /* hierarchy separator, '\0' when flat */
	enum imap_role role;
	enum imap_ns ns;
	bool noselect;        /* \Noselect or \NonExistent: a container */
	bool has_status;      /* total and unseen were fetched */
	unsigned long total;  /* STATUS MESSAGES */
	unsigned long unseen; /* STATUS UNSEEN */
	char *rights;         /* owned; MYRIGHTS, NULL when not asked */
};

struct imap_folder_list {
	struct imap_folder *v;
	size_t n, alloc;
};

#define IMAP_FOLDER_LIST_INIT \
	{                     \
		NULL, 0, 0    \
	}

void imap_folder_list_release(struct imap_folder_list *list);

/*
 * Connects to the account's IMAP server and reads its capabilities: imaps://
 * is TLS from the first byte; imap:// must offer STARTTLS, which is then
 * required. The certificate is verified before the greeting is trusted.
 * *out is owned (imap_session_close). Not logged in yet.
 */
int imap_session_open(const struct config_account *acct,
    struct imap_session **out, struct fct_error *err) FCT_WUR;

/* Authenticates: LOGIN for passwords, XOAUTH2 for OAuth2 tokens. */
int imap_session_login(struct imap_session *s,
    const struct net_credential *cred, struct fct_error *err) FCT_WUR;

/* Sends LOGOUT when possible and frees; accepts NULL. */
void imap_session_close(struct imap_session **sp);

/*
 * Lists every folder of every namespace, with roles (SPECIAL-USE, else the
 * usual names) and namespaces filled in; entries are appended to list.
 */
int imap_list_folders(struct imap_session *s, struct imap_folder_list *list,
    struct fct_error *err) FCT_WUR;

/* Fills f->total and f->unseen with STATUS. */
int imap_folder_status(struct imap_session *s, struct imap_folder *f,
    struct fct_error *err) FCT_WUR;

/*
 * Fills f->rights with MYRIGHTS (RFC 4314); when the server has no ACL
 * extension, leaves it NULL and succeeds.
 */
int imap_folder_myrights(struct imap_session *s, struct imap_folder *f,
    struct fct_error *err) FCT_WUR;

#endif
