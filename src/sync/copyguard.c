/*
 * Copies run once. A COPY is not idempotent: replayed after a crash that
 * came between the server's OK and the queue update, it would copy the
 * messages a second time. So a copy or move job first writes down its
 * intent, durably, in its own payload: the destination's UIDVALIDITY and
 * UIDNEXT just before the command. A job that finds such a note is a
 * replay: whatever it copied can only be in the destination at or above
 * that UIDNEXT, so those messages are fetched and matched against the ones
 * to copy, and only the unmatched ones are copied again.
 *
 * A copy keeps a message byte for byte, with its size and INTERNALDATE
 * (RFC 3501 6.4.7), so a message is recognised by size, internal date and
 * its whole header block, which holds its Message-ID when it has one and
 * its Received lines otherwise; identical twins of a message are counted,
 * not just seen. Messages gone from the source (a move that went through)
 * are not copied again either. When the destination's UIDVALIDITY changed
 * since the note, it was recreated and nothing of ours is in it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "private.h"

/* One message's identity: "size date " and the header block. */
struct copy_keys {
	struct imap_uid_list uids;
	char **key; /* owned, parallel to uids.v; NULL once matched */
	size_t alloc;
	uint32_t min_uid; /* keys below this UID are not collected */
};

static void
copy_keys_release(struct copy_keys *k)
{
	size_t i;

	for (i = 0; i < k->uids.n; i++)
		free(k->key[i]);
	free(k->key);
	imap_uid_list_release(&k->uids);
}

static int
collect(const struct imap_msg *m, void *arg)
{
	struct copy_keys *k = arg;
	struct strbuf sb = STRBUF_INIT;

	/* UID N:* names the highest UID even below N (RFC 3501 6.4.8). */
	if (!m->has_headers || m->uid < k->min_uid)
		return 0;
	strbuf_addf(&sb, "%llu %lld ", (unsigned long long)m->size,
	    (long long)m->internaldate);
	strbuf_add(&sb, m->header, m->header_len);
	if (k->uids.n == k->alloc) {
		k->alloc = k->alloc == 0 ? 16 : k->alloc * 2;
		k->key = xreallocarray(k->key, k->alloc, sizeof *k->key);
	}
	k->key[k->uids.n] = strbuf_detach(&sb, NULL);
	imap_uid_list_add(&k->uids, m->uid);
	return 0;
}

/* Appends "key=value\n" lines for the note to the job's payload. */
static int
write_note(struct store *st, const struct store_job *job, uint32_t validity,
    uint32_t uidnext, struct fct_error *err)
{
	struct strbuf p = STRBUF_INIT;
	int rc;

	strbuf_addstr(&p, job->payload);
	strbuf_addf(&p, "dest_uidvalidity=%u\ndest_uidnext=%u\n", validity,
	    uidnext);
	rc = store_job_set_payload(st, job->id, p.buf, err);
	strbuf_release(&p);
	return rc;
}

static uint32_t
note_value(const char *payload, const char *key)
{
	char *v = sync_job_payload_get(payload, key);
	unsigned long n = v != NULL ? strtoul(v, NULL, 10) : 0;

	free(v);
	return n > UINT32_MAX ? 0 : (uint32_t)n;
}

/*
 * The replay: matches the source messages against the destination's
 * since the note; *uids keeps those to copy, *done gets those copied
 * already. The source is selected again on return.
 */
static int
sort_out(struct imap_session *s, const char *src_raw, const char *dest_raw,
    uint32_t validity, uint32_t uidnext, struct imap_uid_list *uids,
    struct imap_uid_list *done, struct fct_error *err)
{
	struct copy_keys src = { IMAP_UID_LIST_INIT, NULL, 0, 0 };
	struct copy_keys dst = { IMAP_UID_LIST_INIT, NULL, 0, 0 };
	struct imap_mailbox_state ms;
	size_t i, j;
	int rc = -1;

	if (imap_fetch(s, uids->v, uids->n, 0, 0, IMAP_FETCH_HEADERS, 0, false,
		collect, &src, NULL, err) != 0)
		goto out;
	if (imap_select(s, dest_raw, IMAP_SYNC_CLASSIC, &ms, NULL, err) != 0)
		goto out;
	dst.min_uid = uidnext;
	if (ms.uidvalidity == validity && ms.uidnext > uidnext &&
	    imap_fetch(s, NULL, 0, uidnext, 0, IMAP_FETCH_HEADERS, 0, false,
		collect, &dst, NULL, err) != 0)
		goto out;
	if (imap_select(s, src_raw, IMAP_SYNC_CLASSIC, &ms, NULL, err) != 0)
		goto out;
	uids->n = 0;
	for (i = 0; i < src.uids.n; i++) {
		for (j = 0; j < dst.uids.n; j++)
			if (dst.key[j] != NULL &&
			    strcmp(dst.key[j], src.key[i]) == 0)
				break;
		if (j < dst.uids.n) {
			free(dst.key[j]);
			dst.key[j] = NULL;
			imap_uid_list_add(done, src.uids.v[i]);
		} else
			imap_uid_list_add(uids, src.uids.v[i]);
	}
	rc = 0;
out:
	copy_keys_release(&src);
	copy_keys_release(&dst);
	return rc;
}

int
sync_copy_guard(struct imap_session *s, struct store *st,
    const struct store_job *job, const char *src_raw, const char *dest_raw,
    struct imap_uid_list *uids, struct imap_uid_list *done,
    struct fct_error *err)
{
	struct imap_mailbox_state ms;
	uint32_t uidnext = note_value(job->payload, "dest_uidnext");

	if (uidnext != 0)
		return sort_out(s, src_raw, dest_raw,
		    note_value(job->payload, "dest_uidvalidity"), uidnext, uids,
		    done, err);
	if (imap_mailbox_status(s, dest_raw, &ms, err) != 0)
		return -1;
	return write_note(st, job, ms.uidvalidity, ms.uidnext, err);
}
