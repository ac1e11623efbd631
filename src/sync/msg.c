/*
 * A message's row made from its raw text: the one step that the IMAP
 * sync (folder.c: a FETCHed header block) and the POP3 download (pop.c: a
 * whole RETRieved message) share. GMime decodes the header
 * (mime_summary_parse); the row takes its strings over. And the
 * transaction that writes what was fetched (folder.c, body.c).
 */
#include "config.h"

#include <string.h>

#include "facteur/mime.h"
#include "private.h"

void
sync_msg_from_raw(struct store_msg *m, const char *raw, size_t len,
    size_t hdr_len)
{
	struct mime_summary sum = MIME_SUMMARY_INIT;

	if (raw == NULL)
		raw = "";
	m->headers = xstrndup(raw, hdr_len);
	if (mime_summary_parse(raw, len, &sum, NULL) != 0)
		return;
	/* The strings move to the row. */
	m->subject = sum.subject;
	m->from_text = sum.from_text;
	m->to_text = sum.to_text;
	m->cc_text = sum.cc_text;
	m->message_id = sum.message_id;
	m->in_reply_to = sum.in_reply_to;
	m->references = sum.references;
	m->list_id = sum.list_id;
	m->date = sum.date;
}

int
sync_store_apply(struct store *st, size_t n,
    int (*fn)(void *arg, size_t i, struct fct_error *err), void *arg,
    struct fct_error *err)
{
	size_t i;

	if (n == 0)
		return 0;
	if (store_begin(st, err) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (fn(arg, i, err) != 0) {
			store_rollback(st);
			return -1;
		}
	if (store_commit(st, err) != 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}
