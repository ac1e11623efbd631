/*
 * Bodies on demand: the whole message fetched once (BODY.PEEK[], so that
 * reading ahead never marks mail as seen), kept in the cache with its
 * searchable text, within a size budget the store enforces by evicting the
 * least recently used. The pager and `facteur fetch` ask for them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/mime.h"
#include "facteur/sync.h"

/* Whole messages per round trip: a few, since each may be large. */
#define BODY_BATCH 20

struct body_ctx {
	struct store *st;
	int64_t folder_id;
	uint64_t budget;
	unsigned fetched;
	struct fct_error err;
	bool failed;
};

static int
on_body(const struct imap_msg *im, void *arg)
{
	struct body_ctx *c = arg;
	struct store_msg m = STORE_MSG_INIT;
	struct strbuf text = STRBUF_INIT;
	int found, rc = -1;

	if (im->body == NULL)
		return 0; /* an unsolicited flag change; the next sync has it */
	if ((found = store_msg_get(c->st, c->folder_id, im->uid, &m, &c->err)) <
	    0)
		goto out;
	if (found == 0) {
		rc = 0; /* not cached (yet): nothing to attach it to */
		goto out;
	}
	/* Unparsable mail is kept all the same, only not indexed. */
	if (mime_body_text(im->body, im->body_len, &text, NULL) != 0)
		strbuf_reset(&text);
	if (store_body_put(c->st, m.id, im->body, im->body_len,
		text.len > 0 ? text.buf : NULL, c->budget, &c->err) != 0)
		goto out;
	c->fetched++;
	rc = 0;
out:
	if (rc != 0)
		c->failed = true;
	strbuf_release(&text);
	store_msg_release(&m);
	return rc;
}

int
sync_fetch_bodies(struct imap_session *s, struct store *st, const char *name,
    const uint32_t *uids, size_t n, uint64_t budget, unsigned *fetched,
    struct fct_error *err)
{
	struct body_ctx c;
	struct store_folder f = STORE_FOLDER_INIT;
	struct imap_mailbox_state ms;
	size_t i, k;
	int found, rc = -1;

	memset(&c, 0, sizeof c);
	c.st = st;
	c.budget = budget;
	*fetched = 0;
	if ((found = store_folder_get(st, name, &f, err)) <= 0) {
		if (found == 0)
			fct_error_set(err, "no folder '%s'", name);
		goto out;
	}
	c.folder_id = f.id;
	if (imap_select(s, f.raw_name, IMAP_SYNC_CLASSIC, &ms, NULL, err) != 0)
		goto out;
	for (i = 0; i < n; i += k) {
		k = n - i < BODY_BATCH ? n - i : BODY_BATCH;
		if (store_begin(st, err) != 0)
			goto out;
		if (imap_fetch(s, uids + i, k, 0, 0, IMAP_FETCH_BODY, 0, false,
			on_body, &c, NULL, err) != 0 ||
		    store_commit(st, err) != 0) {
			store_rollback(st);
			if (c.failed && c.err.msg != NULL)
				fct_error_set(err, "%s", c.err.msg);
			goto out;
		}
	}
	rc = 0;
out:
	*fetched = c.fetched;
	fct_error_release(&c.err);
	store_folder_release(&f);
	return rc;
}
