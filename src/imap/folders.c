/*
 * Folder discovery: LIST (with RETURN (SPECIAL-USE) where offered), the
 * namespaces of RFC 2342 to tell the user's own folders from the mailboxes
 * others share, STATUS for the counts and MYRIGHTS (RFC 4314) for what a
 * shared mailbox allows.
 *
 * Names cross this boundary twice: as raw modified UTF-7 bytes for commands
 * and as UTF-8 for people. A name from the server that holds CR or LF is
 * never sent back in a command: libetpan does not escape them in quoted
 * strings, so such a name could inject a command.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facteur/imap.h"
#include "mutf7.h"
#include "private.h"

static const char *const role_names[] = {
	[IMAP_ROLE_NONE] = "-",
	[IMAP_ROLE_INBOX] = "inbox",
	[IMAP_ROLE_DRAFTS] = "drafts",
	[IMAP_ROLE_SENT] = "sent",
	[IMAP_ROLE_JUNK] = "junk",
	[IMAP_ROLE_TRASH] = "trash",
	[IMAP_ROLE_ARCHIVE] = "archive",
};

const char *
imap_role_name(enum imap_role role)
{
	if ((size_t)role >= FCT_ARRAY_LEN(role_names))
		BUG("bad role %d", (int)role);
	return role_names[role];
}

/* SPECIAL-USE attributes (RFC 6154), as libetpan hands them: no backslash. */
static const struct {
	const char *attr;
	enum imap_role role;
} special_uses[] = {
	{ "Drafts", IMAP_ROLE_DRAFTS },
	{ "Sent", IMAP_ROLE_SENT },
	{ "Junk", IMAP_ROLE_JUNK },
	{ "Trash", IMAP_ROLE_TRASH },
	{ "Archive", IMAP_ROLE_ARCHIVE },
};

/* The usual names, for servers that announce no SPECIAL-USE. */
static const struct {
	const char *name;
	enum imap_role role;
} usual_names[] = {
	{ "Drafts", IMAP_ROLE_DRAFTS },
	{ "Sent", IMAP_ROLE_SENT },
	{ "Sent Messages", IMAP_ROLE_SENT },
	{ "Sent Items", IMAP_ROLE_SENT },
	{ "Junk", IMAP_ROLE_JUNK },
	{ "Spam", IMAP_ROLE_JUNK },
	{ "Junk E-mail", IMAP_ROLE_JUNK },
	{ "Trash", IMAP_ROLE_TRASH },
	{ "Deleted Messages", IMAP_ROLE_TRASH },
	{ "Deleted Items", IMAP_ROLE_TRASH },
	{ "Archive", IMAP_ROLE_ARCHIVE },
	{ "Archives", IMAP_ROLE_ARCHIVE },
};

void
imap_folder_list_release(struct imap_folder_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++) {
		free(list->v[i].name);
		free(list->v[i].raw_name);
		free(list->v[i].rights);
	}
	free(list->v);
	list->v = NULL;
	list->n = list->alloc = 0;
}

static bool
safe_name(const char *name)
{
	return strpbrk(name, "\r\n") == NULL;
}

static enum imap_role
role_from_flags(const struct mailimap_mbx_list_flags *fl, bool *noselect)
{
	struct mailimap_mbx_list_oflag *of;
	enum imap_role role = IMAP_ROLE_NONE;
	clistiter *it;
	size_t i;

	*noselect = false;
	if (fl == NULL)
		return role;
	if (fl->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    fl->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		*noselect = true;
	for (it = clist_begin(fl->mbf_oflags); it != NULL;
	     it = clist_next(it)) {
		of = clist_content(it);
		if (of->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT ||
		    of->of_flag_ext == NULL)
			continue;
		if (strcasecmp(of->of_flag_ext, "NonExistent") == 0 ||
		    strcasecmp(of->of_flag_ext, "Noselect") == 0)
			*noselect = true;
		for (i = 0; i < FCT_ARRAY_LEN(special_uses); i++)
			if (strcasecmp(of->of_flag_ext, special_uses[i].attr) ==
			    0)
				role = special_uses[i].role;
	}
	return role;
}

/* Does `name` lie in the namespace with this prefix (and delimiter)? */
static bool
in_prefix(const char *name, const struct mailimap_namespace_info *ni)
{
	size_t len = strlen(ni->ns_prefix);

	if (len == 0)
		return false;
	if (strncmp(name, ni->ns_prefix, len) == 0)
		return true;
	/* The prefix "Shared/" also names the container "Shared" itself. */
	return ni->ns_delimiter != '\0' &&
	    ni->ns_prefix[len - 1] == ni->ns_delimiter &&
	    strlen(name) == len - 1 &&
	    strncmp(name, ni->ns_prefix, len - 1) == 0;
}

static bool
in_item(const char *name, const struct mailimap_namespace_item *item)
{
	clistiter *it;

	if (item == NULL)
		return false;
	for (it = clist_begin(item->ns_data_list); it != NULL;
	     it = clist_next(it))
		if (in_prefix(name, clist_content(it)))
			return true;
	return false;
}

static enum imap_ns
namespace_of(struct imap_session *s, const char *raw)
{
	if (s->ns == NULL)
		return IMAP_NS_PERSONAL;
	if (in_item(raw, s->ns->ns_other))
		return IMAP_NS_OTHER;
	if (in_item(raw, s->ns->ns_shared))
		return IMAP_NS_SHARED;
	return IMAP_NS_PERSONAL;
}

static bool
listed(const struct imap_folder_list *list, const char *raw)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (strcmp(list->v[i].raw_name, raw) == 0)
			return true;
	return false;
}

static void
add_folder(struct imap_session *s, struct imap_folder_list *list,
    const struct mailimap_mailbox_list *mb)
{
	struct imap_folder *f;
	struct fct_error err = FCT_ERROR_INIT;
	bool noselect;
	enum imap_role role;

	if (!safe_name(mb->mb_name) || listed(list, mb->mb_name))
		return;
	role = role_from_flags(mb->mb_flag, &noselect);
	FCT_ALLOC_GROW(list->v, list->n + 1, list->alloc);
	f = &list->v[list->n++];
	memset(f, 0, sizeof *f);
	f->raw_name = xstrdup(mb->mb_name);
	if (imap_mutf7_decode(mb->mb_name, &f->name, &err) != 0) {
		/* Not canonical modified UTF-7: a best-effort name for
		 * display; commands keep using raw_name. */
		f->name = imap_mutf7_decode_lenient(mb->mb_name);
		fct_error_release(&err);
	}
	f->delimiter = mb->mb_delimiter;
	f->noselect = noselect;
	f->ns = namespace_of(s, mb->mb_name);
	if (strcasecmp(mb->mb_name, "INBOX") == 0)
		f->role = IMAP_ROLE_INBOX;
	else if (f->ns == IMAP_NS_PERSONAL)
		f->role = role;
}

/* Takes the LIST answers libetpan collected for the last command. */
static void
harvest_list(struct imap_session *s, clist *mbs, struct imap_folder_list *list)
{
	clistiter *it;

	for (it = clist_begin(mbs); it != NULL; it = clist_next(it))
		add_folder(s, list, clist_content(it));
}

static int
list_pattern(struct imap_session *s, const char *ref, const char *pattern,
    struct imap_folder_list *list, struct fct_error *err)
{
	clist *mbs = NULL;
	char *cmd;
	int r;

	if (mailimap_has_extension(s->imap, "SPECIAL-USE")) {
		/* libetpan has no LIST-EXTENDED: send it raw and take the
		 * parsed LIST responses from the session. */
		cmd = xasprintf("LIST \"%s\" \"%s\" RETURN (SPECIAL-USE)", ref,
		    pattern);
		r = mailimap_custom_command(s->imap, cmd);
		free(cmd);
		if (r == MAILIMAP_NO_ERROR) {
			mbs = s->imap->imap_response_info->rsp_mailbox_list;
			s->imap->imap_response_info->rsp_mailbox_list = NULL;
		} else if (r != MAILIMAP_ERROR_CUSTOM_COMMAND)
			return imap_error(s, r, err, "cannot list folders");
	}
	if (mbs == NULL) {
		r = mailimap_list(s->imap, ref, pattern, &mbs);
		if (r != MAILIMAP_NO_ERROR)
			return imap_error(s, r, err, "cannot list folders");
	}
	if (mbs != NULL) {
		harvest_list(s, mbs, list);
		mailimap_list_result_free(mbs);
	}
	return 0;
}

static int
ask_namespace(struct imap_session *s, struct fct_error *err)
{
	int r;

	if (s->ns_asked)
		return 0;
	s->ns_asked = true;
	if (!mailimap_has_namespace(s->imap))
		return 0;
	r = mailimap_namespace(s->imap, &s->ns);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot read namespaces");
	return 0;
}

/* Lists under each non-personal namespace prefix: some servers leave
 * them out of LIST "" "*". */
static int
list_namespace_item(struct imap_session *s,
    const struct mailimap_namespace_item *item, struct imap_folder_list *list,
    struct fct_error *err)
{
	const struct mailimap_namespace_info *ni;
	clistiter *it;
	char *pattern;
	int rc;

	if (item == NULL)
		return 0;
	for (it = clist_begin(item->ns_data_list); it != NULL;
	     it = clist_next(it)) {
		ni = clist_content(it);
		if (*ni->ns_prefix == '\0' || !safe_name(ni->ns_prefix) ||
		    strchr(ni->ns_prefix, '"') != NULL ||
		    strchr(ni->ns_prefix, '\\') != NULL)
			continue;
		pattern = xasprintf("%s*", ni->ns_prefix);
		rc = list_pattern(s, "", pattern, list, err);
		free(pattern);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static void
guess_roles(struct imap_folder_list *list, size_t from)
{
	struct imap_folder *f;
	bool seen[IMAP_ROLE_ARCHIVE + 1] = { false };
	const char *leaf;
	size_t i, j;

	for (i = from; i < list->n; i++)
		seen[list->v[i].role] = true;
	for (i = from; i < list->n; i++) {
		f = &list->v[i];
		if (f->role != IMAP_ROLE_NONE || f->ns != IMAP_NS_PERSONAL)
			continue;
		/* Top level, or directly under INBOX (Courier, Cyrus). */
		leaf = f->raw_name;
		if (f->delimiter != '\0' &&
		    strncasecmp(leaf, "INBOX", 5) == 0 &&
		    leaf[5] == f->delimiter)
			leaf += 6;
		if (f->delimiter != '\0' && strchr(leaf, f->delimiter) != NULL)
			continue;
		for (j = 0; j < FCT_ARRAY_LEN(usual_names); j++) {
			if (strcasecmp(leaf, usual_names[j].name) != 0 ||
			    seen[usual_names[j].role])
				continue;
			f->role = usual_names[j].role;
			seen[f->role] = true;
			break;
		}
	}
}

int
imap_list_folders(struct imap_session *s, struct imap_folder_list *list,
    struct fct_error *err)
{
	size_t from = list->n;

	if (ask_namespace(s, err) != 0)
		return -1;
	if (list_pattern(s, "", "*", list, err) != 0)
		return -1;
	if (s->ns != NULL &&
	    (list_namespace_item(s, s->ns->ns_other, list, err) != 0 ||
		list_namespace_item(s, s->ns->ns_shared, list, err) != 0))
		return -1;
	guess_roles(list, from);
	return 0;
}

int
imap_folder_status(struct imap_session *s, struct imap_folder *f,
    struct fct_error *err)
{
	struct mailimap_status_att_list *atts;
	struct mailimap_mailbox_data_status *st = NULL;
	struct mailimap_status_info *si;
	clistiter *it;
	int r;

	if (!safe_name(f->raw_name))
		return fct_error_set(err, "bad folder name '%s'", f->name);
	atts = mailimap_status_att_list_new_empty();
	if (atts == NULL ||
	    mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES) !=
		MAILIMAP_NO_ERROR ||
	    mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UNSEEN) !=
		MAILIMAP_NO_ERROR)
		fct_fatal("out of memory");
	r = mailimap_status(s->imap, f->raw_name, atts, &st);
	mailimap_status_att_list_free(atts);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot get the status of '%s'",
		    f->name);
	f->total = f->unseen = 0;
	if (st->st_info_list != NULL) {
		for (it = clist_begin(st->st_info_list); it != NULL;
		     it = clist_next(it)) {
			si = clist_content(it);
			if (si->st_att == MAILIMAP_STATUS_ATT_MESSAGES)
				f->total = si->st_value;
			else if (si->st_att == MAILIMAP_STATUS_ATT_UNSEEN)
				f->unseen = si->st_value;
		}
	}
	f->has_status = true;
	mailimap_mailbox_data_status_free(st);
	return 0;
}

int
imap_folder_myrights(struct imap_session *s, struct imap_folder *f,
    struct fct_error *err)
{
	struct mailimap_acl_myrights_data *mr = NULL;
	int r;

	if (!mailimap_has_acl(s->imap))
		return 0;
	if (!safe_name(f->raw_name))
		return fct_error_set(err, "bad folder name '%s'", f->name);
	r = mailimap_acl_myrights(s->imap, f->raw_name, &mr);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot get my rights on '%s'",
		    f->name);
	free(f->rights);
	f->rights = xstrdup(mr->rights != NULL ? mr->rights : "");
	mailimap_acl_myrights_data_free(mr);
	return 0;
}
