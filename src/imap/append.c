/*
 * APPEND: a message into a folder (the Sent copy, a postponed draft), with
 * its flags, and the UID the server gave it when it says (UIDPLUS
 * APPENDUID, RFC 4315).
 *
 * libetpan sends the message as a synchronising literal and turns bare LF
 * into CRLF itself; facteur's messages are CRLF already. Like IDLE, an
 * untagged response sent before the "+" would make libetpan wait out the
 * stream time-out (LIBETPAN-NOTES.md): rare, and the worker then reconnects
 * and the job runs again.
 */
#include "config.h"

#include <string.h>

#include "facteur/imap.h"
#include "private.h"

int
imap_append(struct imap_session *s, const char *raw_name, unsigned flags,
    const char *data, size_t len, uint32_t *uidvalidity, uint32_t *uid,
    struct fct_error *err)
{
	struct mailimap_flag_list *fl;
	uint32_t v = 0, u = 0;
	int r;

	if (uidvalidity != NULL)
		*uidvalidity = 0;
	if (uid != NULL)
		*uid = 0;
	if (imap_has_line_break(raw_name))
		return fct_error_set(err, "bad folder name '%s'", raw_name);
	if (len == 0)
		return fct_error_set(err, "cannot append an empty message");
	/* APPEND has never carried \Deleted. */
	fl = imap_flag_list_new(flags & ~(unsigned)FCT_FLAG_DELETED);
	if (mailimap_has_extension(s->imap, "UIDPLUS"))
		r = mailimap_uidplus_append(s->imap, raw_name, fl, NULL, data,
		    len, &v, &u);
	else
		r = mailimap_append(s->imap, raw_name, fl, NULL, data, len);
	mailimap_flag_list_free(fl);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot append to '%s'", raw_name);
	imap_harvest(s, NULL);
	if (uidvalidity != NULL)
		*uidvalidity = v;
	if (uid != NULL)
		*uid = u;
	return 0;
}
