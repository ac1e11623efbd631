/*
 * Bodies on demand: the whole message fetched once (BODY.PEEK[], so that
 * reading ahead never marks mail as seen), kept in the cache with its
 * searchable text, within a size budget the store enforces by evicting the
 * least recently used. The pager and `facteur fetch` ask for them.
 * Bodies are gathered in memory and written after their FETCH, in a
 * transaction without network I/O (flush).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/mime.h"
#include "facteur/sync.h"
#include "private.h"

/* Whole messages per round trip: a few, since each may be large. */
#define BODY_BATCH 20

/* Bytes of bodies gathered before they are written (at least one body). */
#define BODY_PEND_BYTES (16u << 20)

/* A body fetched, not written yet. */
struct body_pend {
	uint32_t uid;
	char *raw; /* owned, body_len bytes */
	size_t len;
	char *text; /* owned searchable text, or NULL */
};

struct body_ctx {
	struct store *st;
	int64_t folder_id;
	uint64_t budget;
	unsigned fetched;
	struct body_pend *pend;
	size_t npend, pend_alloc, pend_bytes;
	struct fct_error err;
	bool failed;
};

static void
pend_drop(struct body_ctx *c)
{
	size_t i;

	for (i = 0; i < c->npend; i++) {
		free(c->pend[i].raw);
		free(c->pend[i].text);
	}
	c->npend = 0;
	c->pend_bytes = 0;
}

/* Writes gathered body i, inside flush's transaction. */
static int
put_one(void *arg, size_t i, struct fct_error *err)
{
	struct body_ctx *c = arg;
	const struct body_pend *p = &c->pend[i];
	struct store_msg m = STORE_MSG_INIT;
	int found, rc = -1;

	if ((found = store_msg_get(c->st, c->folder_id, p->uid, &m, err)) < 0)
		goto out;
	if (found == 0) {
		rc = 0; /* not cached (yet): nothing to attach it to */
		goto out;
	}
	if (store_body_put(c->st, m.id, p->raw, p->len, p->text, c->budget,
		err) != 0)
		goto out;
	c->fetched++;
	rc = 0;
out:
	store_msg_release(&m);
	return rc;
}

/*
 * Writes the bodies gathered in one transaction that does no network I/O
 * (another writer of the cache waits for these rows at most, never for
 * the server); on failure none of them.
 */
static int
flush(struct body_ctx *c, struct fct_error *err)
{
	int rc = sync_store_apply(c->st, c->npend, put_one, c, err);

	pend_drop(c);
	return rc;
}

/* A body: copied, its text extracted, written once BODY_PEND_BYTES are
 * gathered or the batch is over. */
static int
on_body(const struct imap_msg *im, void *arg)
{
	struct body_ctx *c = arg;
	struct strbuf text = STRBUF_INIT;
	struct body_pend *p;

	if (im->body == NULL)
		return 0; /* an unsolicited flag change; the next sync has it */
	/* Unparsable mail is kept all the same, only not indexed. */
	if (mime_body_text(im->body, im->body_len, &text, NULL) != 0)
		strbuf_reset(&text);
	FCT_ALLOC_GROW(c->pend, c->npend + 1, c->pend_alloc);
	p = &c->pend[c->npend++];
	p->uid = im->uid;
	p->raw = xmalloc(im->body_len + 1);
	memcpy(p->raw, im->body, im->body_len);
	p->raw[im->body_len] = '\0';
	p->len = im->body_len;
	p->text = text.len > 0 ? strbuf_detach(&text, NULL) : NULL;
	strbuf_release(&text);
	c->pend_bytes += im->body_len;
	if (c->pend_bytes >= BODY_PEND_BYTES && flush(c, &c->err) != 0) {
		c->failed = true;
		return -1;
	}
	return 0;
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
		if (imap_fetch(s, uids + i, k, 0, 0, IMAP_FETCH_BODY, 0, false,
			on_body, &c, NULL, err) != 0) {
			if (c.failed && c.err.msg != NULL)
				fct_error_set(err, "%s", c.err.msg);
			goto out;
		}
		if (flush(&c, err) != 0)
			goto out;
	}
	rc = 0;
out:
	*fetched = c.fetched;
	pend_drop(&c);
	free(c.pend);
	fct_error_release(&c.err);
	store_folder_release(&f);
	return rc;
}
