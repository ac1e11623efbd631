/*
 * Managing folders: CREATE, RENAME, DELETE, SUBSCRIBE and UNSUBSCRIBE
 * (RFC 3501 6.3.3-6.3.7), for the sync layer's folder jobs.
 *
 * Names come in UTF-8, as the store keeps them, and go out in modified
 * UTF-7 (mutf7.c); a name with a line break is refused before anything is
 * sent, since libetpan does not escape CR and LF in quoted strings.
 *
 * Replays. A job cut between the server's OK and the queue update runs
 * again on the next connection, so each operation here is idempotent: a
 * CREATE of a folder that exists ([ALREADYEXISTS], RFC 5530), a DELETE or
 * RENAME of one that is gone ([NONEXISTENT]) count as done. A RENAME whose
 * source is gone is only done when its destination exists, which LIST
 * tells.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facteur/imap.h"
#include "mutf7.h"
#include "private.h"

static const char *
op_name(enum imap_folder_op op)
{
	switch (op) {
	case IMAP_FOLDER_CREATE:
		return "create";
	case IMAP_FOLDER_RENAME:
		return "rename";
	case IMAP_FOLDER_DELETE:
		return "delete";
	case IMAP_FOLDER_SUBSCRIBE:
		return "subscribe to";
	case IMAP_FOLDER_UNSUBSCRIBE:
		return "unsubscribe from";
	}
	BUG("bad folder operation %d", (int)op);
}

/* The response code atom of the last tagged answer ("ALREADYEXISTS"). */
static bool
last_code_is(struct imap_session *s, const char *atom)
{
	const struct mailimap_response_info *ri = s->imap->imap_response_info;

	return ri != NULL && ri->rsp_atom != NULL &&
	    strcasecmp(ri->rsp_atom, atom) == 0;
}

/* Whether the folder raw (on the wire) exists, by LIST. */
static int
exists(struct imap_session *s, const char *raw, bool *found,
    struct fct_error *err)
{
	clist *l = NULL;
	int r;

	r = mailimap_list(s->imap, "", raw, &l);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot list '%s'", raw);
	*found = l != NULL && clist_count(l) > 0;
	if (l != NULL)
		mailimap_list_result_free(l);
	return 0;
}

/* The name for the wire, or -1 with err set. *raw is owned (free). */
static int
encode(const char *name, char **raw, struct fct_error *err)
{
	if (*name == '\0')
		return fct_error_set(err, "empty folder name");
	if (strpbrk(name, "\r\n") != NULL)
		return fct_error_set(err, "line break in folder name '%s'",
		    name);
	if (strpbrk(name, "*%") != NULL)
		return fct_error_set(err,
		    "folder name '%s' has a wildcard ('*' or '%%')", name);
	return imap_mutf7_encode(name, raw, err);
}

int
imap_folder_manage(struct imap_session *s, enum imap_folder_op op,
    const char *name, const char *new_name, struct fct_error *err)
{
	char *raw = NULL, *raw_new = NULL;
	bool found = false;
	int r, rc = -1;

	if (encode(name, &raw, err) != 0)
		goto out;
	if (op == IMAP_FOLDER_RENAME &&
	    (new_name == NULL || encode(new_name, &raw_new, err) != 0)) {
		if (new_name == NULL)
			BUG("rename without a new name");
		goto out;
	}
	switch (op) {
	case IMAP_FOLDER_CREATE:
		r = mailimap_create(s->imap, raw);
		break;
	case IMAP_FOLDER_RENAME:
		r = mailimap_rename(s->imap, raw, raw_new);
		break;
	case IMAP_FOLDER_DELETE:
		r = mailimap_delete(s->imap, raw);
		break;
	case IMAP_FOLDER_SUBSCRIBE:
		r = mailimap_subscribe(s->imap, raw);
		break;
	case IMAP_FOLDER_UNSUBSCRIBE:
		r = mailimap_unsubscribe(s->imap, raw);
		break;
	default:
		BUG("bad folder operation %d", (int)op);
	}
	imap_harvest(s, NULL);
	if (r == MAILIMAP_NO_ERROR) {
		rc = 0;
		goto out;
	}
	if (imap_session_broken(s) || r == MAILIMAP_ERROR_STREAM ||
	    r == MAILIMAP_ERROR_PARSE) {
		imap_error(s, r, err, "cannot %s folder '%s'", op_name(op),
		    name);
		goto out;
	}
	/* Done already (a replay)? */
	if ((op == IMAP_FOLDER_CREATE && last_code_is(s, "ALREADYEXISTS")) ||
	    (op == IMAP_FOLDER_DELETE && last_code_is(s, "NONEXISTENT"))) {
		rc = 0;
		goto out;
	}
	imap_error(s, r, err, "cannot %s folder '%s'", op_name(op), name);
	if (op == IMAP_FOLDER_RENAME && last_code_is(s, "NONEXISTENT")) {
		if (exists(s, raw_new, &found, err) != 0)
			goto out;
		if (found) {
			fct_error_release(err);
			rc = 0;
		}
	}
out:
	free(raw);
	free(raw_new);
	return rc;
}
