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

/*
 * Authenticates with cred: AUTHENTICATE PLAIN for a password where offered
 * (with SASL-IR when offered too), else LOGIN; OAUTHBEARER, else XOAUTH2,
 * for an OAuth2 token (src/imap/auth.c).
 */
int imap_session_login(struct imap_session *s,
    const struct net_credential *cred, struct fct_error *err) FCT_WUR;

/*
 * Gets the account's secret and logs in with it (net_login): a refused
 * OAuth2 token is replaced by a fresh one from oauth2_token_command, once.
 * The secret is fetched only now, once the server proved who it is.
 */
int imap_session_authenticate(struct imap_session *s,
    const struct config_account *acct, struct fct_error *err) FCT_WUR;

/*
 * True once a stream or parse error left the session unusable: the caller
 * reconnects (and resumes what it was doing).
 */
bool imap_session_broken(const struct imap_session *s);

/*
 * Whether the server announced capability `name` (case-insensitive, e.g.
 * "IDLE", "QRESYNC"), as of its last CAPABILITY: after login once logged
 * in. For `facteur check` and the like; the protocol code asks itself.
 */
bool imap_session_has_capability(struct imap_session *s, const char *name);

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

/* What imap_folder_manage does. */
enum imap_folder_op {
	IMAP_FOLDER_CREATE,
	IMAP_FOLDER_RENAME,
	IMAP_FOLDER_DELETE,
	IMAP_FOLDER_SUBSCRIBE,
	IMAP_FOLDER_UNSUBSCRIBE,
};

/*
 * CREATE, RENAME (to new_name), DELETE, SUBSCRIBE or UNSUBSCRIBE the folder
 * `name` (UTF-8; sent in modified UTF-7). Idempotent, for job replays: a
 * create of an existing folder, a delete of a missing one, and a rename
 * already done succeed (src/imap/manage.c).
 */
int imap_folder_manage(struct imap_session *s, enum imap_folder_op op,
    const char *name, const char *new_name, struct fct_error *err) FCT_WUR;

/*
 * Synchronisation primitives. The sync layer decides what to ask; these
 * calls ask it and hand back what the server said, including what it said
 * unasked (EXISTS, EXPUNGE, VANISHED, FETCH of flags changed elsewhere),
 * which libetpan keeps only until the next command.
 */
enum imap_sync_mode {
	IMAP_SYNC_CLASSIC = 0, /* UIDNEXT, flags in batches, UID SEARCH */
	IMAP_SYNC_CONDSTORE,   /* RFC 7162 CHANGEDSINCE */
	IMAP_SYNC_QRESYNC,     /* RFC 7162 SELECT (QRESYNC ...), VANISHED */
};

/* "classic", "condstore", "qresync"; static. */
const char *imap_sync_mode_name(enum imap_sync_mode mode);

/*
 * Sends ENABLE QRESYNC (RFC 5161: only before a folder is selected) when
 * the server offers QRESYNC and CONDSTORE; a no-op otherwise. From then
 * on the server reports expunges as VANISHED, which every command here
 * harvests.
 */
int imap_session_enable_qresync(struct imap_session *s,
    struct fct_error *err) FCT_WUR;

/* The best mode the session can use, capped at `want` (QRESYNC only once
 * enabled). */
enum imap_sync_mode imap_session_sync_mode(struct imap_session *s,
    enum imap_sync_mode want);

struct imap_mailbox_state {
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint32_t exists;
	uint64_t highestmodseq; /* 0: NOMODSEQ or no CONDSTORE */
	bool readonly;
};

/* One message of a FETCH answer; borrowed for the callback only. */
struct imap_msg {
	uint32_t uid;
	bool has_flags;
	unsigned flags;       /* enum fct_flags */
	const char *keywords; /* " kw1 kw2 " or NULL */
	uint64_t modseq;      /* 0 when not sent */
	bool has_headers;     /* the fields below were asked and sent */
	uint64_t size;
	int64_t internaldate; /* unix seconds */
	const char *header;   /* raw header block, not NUL-terminated */
	size_t header_len;
	bool has_attachment; /* from BODYSTRUCTURE */
	const char *body;    /* IMAP_FETCH_BODY: the raw message, not
				NUL-terminated; NULL when not sent */
	size_t body_len;
	const char *parts; /* BODYSTRUCTURE summary, e.g.
			      "multipart/mixed(text/plain,application/pdf)" */
};

typedef int (*imap_msg_fn)(const struct imap_msg *m, void *arg);

/* A growable list of UIDs. */
struct imap_uid_list {
	uint32_t *v;
	size_t n, alloc;
};
#define IMAP_UID_LIST_INIT \
	{                  \
		NULL, 0, 0 \
	}
void imap_uid_list_add(struct imap_uid_list *l, uint32_t uid);
void imap_uid_list_release(struct imap_uid_list *l);

/* Inclusive UID ranges, as VANISHED reports them (never expanded: a
 * server may name vast ranges of UIDs the client never had). */
struct imap_uid_range {
	uint32_t first, last;
};
struct imap_range_list {
	struct imap_uid_range *v;
	size_t n, alloc;
};

/* What the server reported during a command besides its answer. */
struct imap_changes {
	struct imap_range_list vanished; /* VANISHED (QRESYNC) */
	bool expunged; /* an EXPUNGE by sequence number came */
	bool has_exists;
	uint32_t exists;
	uint64_t highestmodseq; /* from a HIGHESTMODSEQ response code, or 0 */
	unsigned fetched;       /* unsolicited FETCH responses (flags changed
				   elsewhere); counted by imap_idle_done,
				   imap_noop and imap_status */
};
#define IMAP_CHANGES_INIT                             \
	{                                             \
		{ NULL, 0, 0 }, false, false, 0, 0, 0 \
	}
void imap_changes_release(struct imap_changes *ch);

/*
 * STATUS (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ) of a folder, without
 * selecting it: when nothing moved since the last sync, this one round
 * trip is all a resync needs. readonly is not known this way (false).
 */
int imap_mailbox_status(struct imap_session *s, const char *raw_name,
    struct imap_mailbox_state *st, struct fct_error *err) FCT_WUR;

/* Selects the folder (raw name), with CONDSTORE unless mode is
 * classic. */
int imap_select(struct imap_session *s, const char *raw_name,
    enum imap_sync_mode mode, struct imap_mailbox_state *st,
    struct imap_changes *ch, struct fct_error *err) FCT_WUR;

enum imap_fetch_what {
	IMAP_FETCH_FLAGS = 1 << 0,
	IMAP_FETCH_HEADERS = 1 << 1, /* size, dates, structure, header */
	IMAP_FETCH_MODSEQ = 1 << 2,
	IMAP_FETCH_BODY = 1 << 3, /* BODY.PEEK[]: the whole message */
	/* As IMAP_FETCH_HEADERS, but only the header fields a message's row
	 * is made of (From, To, Cc, Subject, Date, Message-ID, In-Reply-To,
	 * References, List-Id): servers keep those in their own cache and
	 * answer without opening the message files. The header in imap_msg
	 * then holds only these fields. */
	IMAP_FETCH_SUMMARY = 1 << 4,
};

/*
 * UID FETCH of uids[0..n) (sent as compact ranges), or when uids is NULL of
 * first:last (last 0 meaning *). With changedsince > 0, only messages whose
 * mod-sequence is higher (CHANGEDSINCE), and with `vanished` also the UIDs
 * expunged since (QRESYNC). Every FETCH answer, asked for or not, goes to
 * fn, which must cope with UIDs it did not ask for.
 */
int imap_fetch(struct imap_session *s, const uint32_t *uids, size_t n,
    uint32_t first, uint32_t last, unsigned what, uint64_t changedsince,
    bool vanished, imap_msg_fn fn, void *arg, struct imap_changes *ch,
    struct fct_error *err) FCT_WUR;

/*
 * Changes to messages of the selected folder. Flags and keywords are
 * added (op '+') or removed (op '-'); keywords is " kw1 kw2 " or NULL.
 */
int imap_store_flags(struct imap_session *s, const uint32_t *uids, size_t n,
    char op, unsigned flags, const char *keywords, struct imap_changes *ch,
    struct fct_error *err) FCT_WUR;

/* What UIDPLUS (RFC 4315) said a copy or move made: src[i] became dst[i]
 * in the destination, whose UIDVALIDITY is uidvalidity (0: unknown). */
struct imap_copyuid {
	uint32_t uidvalidity;
	struct imap_uid_list src, dst;
};
#define IMAP_COPYUID_INIT                                 \
	{                                                 \
		0, IMAP_UID_LIST_INIT, IMAP_UID_LIST_INIT \
	}
void imap_copyuid_release(struct imap_copyuid *cu);

/*
 * Copies (move false) or moves the messages of the selected folder to the
 * folder dest_raw. A move is UID MOVE (RFC 6851) where offered; otherwise
 * COPY, then \Deleted and UID EXPUNGE of exactly those UIDs, deleting
 * nothing unless the copy succeeded. Without UIDPLUS the originals are left
 * marked \Deleted rather than expunging other deleted mail with them.
 */
int imap_copy(struct imap_session *s, const uint32_t *uids, size_t n,
    const char *dest_raw, bool move, struct imap_copyuid *cu,
    struct imap_changes *ch, struct fct_error *err) FCT_WUR;

/*
 * Removes exactly these messages of the selected folder, which must be
 * marked \Deleted already (UID EXPUNGE, RFC 4315). Refused without
 * UIDPLUS rather than expunging other deleted mail too.
 */
int imap_expunge(struct imap_session *s, const uint32_t *uids, size_t n,
    struct imap_changes *ch, struct fct_error *err) FCT_WUR;

struct query_imap_key;

/* UID SEARCH with a key tree from the query layer, ascending. */
int imap_search(struct imap_session *s, const struct query_imap_key *key,
    struct imap_uid_list *out, struct imap_changes *ch,
    struct fct_error *err) FCT_WUR;

/* UID SEARCH ALL, ascending, appended to out. */
int imap_search_all(struct imap_session *s, struct imap_uid_list *out,
    struct imap_changes *ch, struct fct_error *err) FCT_WUR;

/*
 * Waiting for news (src/imap/idle.c), for the account worker. The worker
 * that owns the session makes every call but imap_session_cancel.
 *
 * IDLE: imap_idle_start (the folder to watch is selected) returns once the
 * server's "+" came, keeping any untagged data that came first (libetpan
 * #393 does not). Then poll() imap_idle_fd() for reading, but only when
 * imap_idle_pending() is false: bytes already buffered wake no poll(). When
 * the descriptor is readable, or to send another command, imap_idle_done
 * ends the IDLE and reports what came (EXISTS, EXPUNGE, VANISHED and FETCH
 * counts) in ch. RFC 2177 asks for a new IDLE at least every 29 minutes.
 * Between start and done no other command may be sent (BUG).
 */
bool imap_has_idle(struct imap_session *s);
int imap_idle_start(struct imap_session *s, struct fct_error *err) FCT_WUR;
/* The socket under the session (also under TLS), or -1 when closed. */
int imap_idle_fd(struct imap_session *s);
/* True when news is already buffered: skip poll() and end the IDLE. */
bool imap_idle_pending(struct imap_session *s);
int imap_idle_done(struct imap_session *s, struct imap_changes *ch,
    struct fct_error *err) FCT_WUR;

/* NOOP, to poll servers without IDLE; the news goes to ch (may be NULL). */
int imap_noop(struct imap_session *s, struct imap_changes *ch,
    struct fct_error *err) FCT_WUR;

/*
 * STATUS (MESSAGES UNSEEN) of the folder `raw_name` (`name` is its UTF-8
 * form, for messages). News of the selected folder that came with the
 * answer goes to ch (may be NULL).
 */
int imap_status(struct imap_session *s, const char *name, const char *raw_name,
    uint32_t *total, uint32_t *unseen, struct imap_changes *ch,
    struct fct_error *err) FCT_WUR;

/*
 * The message count of the selected folder as the server last reported it
 * (EXISTS, less the EXPUNGEs since); false when no folder is selected.
 */
bool imap_selected_exists(struct imap_session *s, uint32_t *exists);

/*
 * Makes the read or write the owner is blocked in fail at once, and every
 * later one too: the session is then broken and can only be closed. The
 * one call that another thread may make, as long as the owner does not
 * close the session meanwhile (the caller arranges that, e.g. with a
 * mutex held while the owner detaches the session before closing it).
 */
void imap_session_cancel(struct imap_session *s);

/*
 * APPEND of data (len bytes, CRLF line ends) to the folder raw_name with
 * the system flags `flags` (enum fct_flags; \Deleted ignored). With
 * UIDPLUS, *uidvalidity and *uid (each may be NULL) receive what APPENDUID
 * said; otherwise 0. Does not change the selected folder.
 */
int imap_append(struct imap_session *s, const char *raw_name, unsigned flags,
    const char *data, size_t len, uint32_t *uidvalidity, uint32_t *uid,
    struct fct_error *err) FCT_WUR;

#endif
