/*
 * One folder brought in step with the server.
 *
 * The store's folder row carries the sync state: UIDVALIDITY, UIDNEXT
 * (every UID below it is cached) and HIGHESTMODSEQ (every change up to it
 * is applied). That state is written last, in its own transaction, after
 * every row it vouches for; everything before it is idempotent (a message
 * put twice is the same row, a flag set twice is the same flag). So a sync
 * killed at any instant resumes from the old state and converges.
 *
 * No write transaction spans network I/O: each FETCH's answers are
 * gathered in memory (on_msg: rows made, headers decoded), then written
 * with the expunges it reported in one store-only transaction
 * (write_batch), so another writer of the cache waits for a few rows at
 * most, never for the server. A long run of new headers (fetch_new: a
 * cold folder) is a pipeline: a thread of its own (pipe.c) writes one
 * batch while the next is fetched (headers decoded on either side), in
 * order, one batch in flight.
 *
 * Memory stays bounded: batches are bounded in count, and an answer that
 * grows past PEND_MAX rows or PEND_BYTES bytes is written in parts as it
 * comes, between two reads, which the idempotence above allows.
 *
 * The three paths differ only in how they learn what changed:
 *  - QRESYNC: UID FETCH 1:* (FLAGS) (CHANGEDSINCE modseq VANISHED) hands
 *    back changed flags and expunged UIDs in one round trip (not SELECT
 *    (QRESYNC ...): see imap_select);
 *  - CONDSTORE: UID FETCH 1:* (FLAGS) (CHANGEDSINCE modseq) for flags,
 *    expunges by comparing UID lists;
 *  - classic: every flag fetched in batches, expunges by comparing UID
 *    lists.
 * New messages are the same everywhere: UIDs from UIDNEXT on. Expunges are
 * looked for (UID SEARCH ALL) only when the cached count and the server's
 * EXISTS disagree once everything else is applied.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/mime.h"
#include "facteur/sync.h"
#include "private.h"

/* The first batch of a cold folder is small, so that the newest screen
 * lands at once; later batches amortise round trips. */
#define FIRST_BATCH 100
#define BATCH 1000
#define FLAG_BATCH 5000
/* FETCH answers gathered in memory before they are written: a batch of
 * headers fits, a long answer (CHANGEDSINCE) is written in parts. */
#define PEND_MAX 5000
#define PEND_BYTES (16u << 20)

/* A FETCH answer gathered: a whole new message, or a flag change. */
struct pend {
	bool row;       /* m is a whole row; else uid, flags, keywords
			   and modseq of a flag change */
	bool undecoded; /* raw left for write_batch to decode */
	char *raw;      /* then the header block, raw_len bytes */
	size_t raw_len;
	struct store_msg m; /* owned strings */
};

/*
 * What one FETCH brought (or a part of it: on_msg), written in one
 * transaction by write_batch: the answers gathered, and the expunges the
 * command reported.
 */
struct batch {
	struct sync_ctx *c;
	struct pend *v;
	size_t n, alloc, bytes;
	struct imap_changes ch; /* owned */
};

struct sync_ctx {
	struct imap_session *imap;
	struct store *st;
	struct store_folder folder;
	struct sync_stats *stats;
	sync_progress_fn progress;
	sync_yield_fn yield; /* may be NULL */
	void *progress_arg;
	uint32_t done, goal;  /* for progress */
	bool yielded;         /* yield asked to stop at a batch's end */
	uint32_t first_new;   /* headers below it are of cached messages */
	bool mark_pending;    /* SYNC_F_RULES on a folder synced before */
	bool completing;      /* full headers of rows made from a summary */
	struct fct_error err; /* what a callback hit */
	bool failed;
	/* FETCH answers not written yet: the batch on_msg fills, and with
	 * a pipe the other one, which its thread may be writing. */
	struct batch bat[2];
	struct batch *fill;
	struct sync_pipe *pipe; /* fetch_new's writer; NULL: write in line */
};

static void batch_drop(struct batch *b);

static void
ctx_init(struct sync_ctx *c)
{
	memset(c, 0, sizeof *c);
	c->bat[0].c = c->bat[1].c = c;
	c->fill = &c->bat[0];
}

static void
ctx_release(struct sync_ctx *c)
{
	int i;

	for (i = 0; i < 2; i++) {
		batch_drop(&c->bat[i]);
		free(c->bat[i].v);
	}
	fct_error_release(&c->err);
}

/* The error of a failed step: the callback's when it was the cause. */
static int
step_failed(struct sync_ctx *c, struct fct_error *err)
{
	if (c->failed && c->err.msg != NULL) {
		fct_error_set(err, "%s", c->err.msg);
		fct_error_release(&c->err);
	}
	return -1;
}

static void
report(struct sync_ctx *c)
{
	if (c->progress != NULL)
		c->progress(c->progress_arg, c->folder.name, c->done, c->goal);
}

/*
 * At a batch's end, with everything fetched so far committed: whether the
 * caller wants the session back now. The folder's state is not written,
 * so the next sync resumes where this one stopped (see the top).
 */
static bool
yield_now(struct sync_ctx *c)
{
	if (c->yield == NULL || !c->yield(c->progress_arg))
		return false;
	c->yielded = true;
	return true;
}

/* Applies the VANISHED ranges the server reported. */
static int
apply_vanished(struct sync_ctx *c, const struct imap_changes *ch,
    struct fct_error *err)
{
	size_t i;

	for (i = 0; i < ch->vanished.n; i++)
		if (store_msg_expunge_range(c->st, c->folder.id,
			ch->vanished.v[i].first, ch->vanished.v[i].last,
			err) != 0)
			return -1;
	/* Counted when the comparison below finds the store smaller. */
	return 0;
}

/* Writes answer i of batch arg, or at i == n the expunges it carries. */
static int
apply_one(void *arg, size_t i, struct fct_error *err)
{
	struct batch *b = arg;
	struct sync_ctx *c = b->c;
	struct pend *p;
	bool known = false;

	if (i == b->n)
		return apply_vanished(c, &b->ch, err);
	p = &b->v[i];
	if (!p->row) {
		if (store_msg_set_flags(c->st, c->folder.id, p->m.uid,
			p->m.flags, p->m.keywords, p->m.modseq, err) != 0)
			return -1;
		c->stats->changed++;
		return 0;
	}
	/* Only a message the cache did not have is new to the rules: a
	 * batch fetched again after a crash has been seen by them. */
	if (c->mark_pending &&
	    store_msg_known(c->st, p->m.folder_id, p->m.uid, &known, err) != 0)
		return -1;
	if (store_msg_put(c->st, &p->m, err) != 0)
		return -1;
	if (c->mark_pending && !known &&
	    store_rules_pending_add(c->st, p->m.id, err) != 0)
		return -1;
	if (!c->completing)
		c->stats->added++;
	return 0;
}

static void
batch_drop(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		store_msg_release(&b->v[i].m);
		free(b->v[i].raw);
	}
	b->n = 0;
	b->bytes = 0;
	imap_changes_release(&b->ch);
}

/*
 * Decodes the headers on_msg left undecoded (GMime), then writes batch
 * arg and the expunges it carries in one transaction that does no network
 * I/O: another writer of the cache (the command line, the job writer)
 * waits at most for these rows, never for the server. On failure nothing
 * of it is written. The batch is emptied either way. Runs on the pipe's
 * thread in fetch_new, else in line.
 */
static int
write_batch(void *arg, struct fct_error *err)
{
	struct batch *b = arg;
	size_t i;
	int rc;

	for (i = 0; i < b->n; i++)
		if (b->v[i].undecoded) {
			sync_msg_from_raw(&b->v[i].m, b->v[i].raw,
			    b->v[i].raw_len, b->v[i].raw_len);
			free(b->v[i].raw);
			b->v[i].raw = NULL;
		}
	rc = sync_store_apply(b->c->st, b->n + (b->ch.vanished.n > 0 ? 1 : 0),
	    apply_one, b, err);
	batch_drop(b);
	return rc;
}

/*
 * Hands the batch gathered over to be written: in line without a pipe;
 * with one, to its thread once the batch before is written (its failure
 * returned then), the other batch becoming the one to fill.
 */
static int
hand_over(struct sync_ctx *c, struct fct_error *err)
{
	struct batch *b = c->fill;

	if (c->pipe == NULL)
		return write_batch(b, err);
	if (sync_pipe_wait(c->pipe, err) != 0) {
		batch_drop(b);
		return -1;
	}
	sync_pipe_run(c->pipe, write_batch, b);
	c->fill = b == &c->bat[0] ? &c->bat[1] : &c->bat[0];
	return 0;
}

/* Waits until every batch handed over is written: 0, or the first
 * failure. The store is the caller's again afterwards. */
static int
settle(struct sync_ctx *c, struct fct_error *err)
{
	return c->pipe != NULL ? sync_pipe_wait(c->pipe, err) : 0;
}

/*
 * A FETCH answer: copied into memory, the row made at once (GMime's work
 * done outside any transaction, here or by write_batch: see fetch_new);
 * handed over here when the answers gathered grow past PEND_MAX or
 * PEND_BYTES (an answer of unbounded size, such as CHANGEDSINCE after a
 * mass flag change), else by the caller once the command is over.
 */
static int
on_msg(const struct imap_msg *im, void *arg)
{
	struct sync_ctx *c = arg;
	struct batch *b = c->fill;
	struct pend *p;

	/* UID FETCH n:* answers with the last message even when its UID is
	 * below n: that one is cached already. */
	if ((!im->has_headers || im->uid < c->first_new) && !im->has_flags)
		return 0;
	FCT_ALLOC_GROW(b->v, b->n + 1, b->alloc);
	p = &b->v[b->n++];
	memset(p, 0, sizeof *p);
	p->m.folder_id = c->folder.id;
	p->m.uid = im->uid;
	p->m.modseq = im->modseq;
	p->m.flags = im->flags;
	p->m.keywords = im->keywords != NULL ? xstrdup(im->keywords) : NULL;
	b->bytes += sizeof *p;
	if (im->has_headers && im->uid >= c->first_new) {
		p->row = true;
		p->m.size = im->size;
		p->m.internaldate = im->internaldate;
		p->m.has_attachment = im->has_attachment;
		p->m.parts = im->parts != NULL ? xstrdup(im->parts) : NULL;
		/* Decoded here, unless the pipe's thread has nothing to do:
		 * then it does, before it writes the batch (fetch_new). */
		if (c->pipe != NULL && !sync_pipe_busy(c->pipe)) {
			/* Every byte, as sync_msg_from_raw reads them. */
			p->raw = xmalloc(im->header_len + 1);
			if (im->header_len > 0)
				memcpy(p->raw, im->header, im->header_len);
			p->raw[im->header_len] = '\0';
			p->raw_len = im->header_len;
			p->undecoded = true;
		} else {
			sync_msg_from_raw(&p->m, im->header, im->header_len,
			    im->header_len);
		}
		b->bytes += 2 * im->header_len;
	}
	if ((b->n >= PEND_MAX || b->bytes >= PEND_BYTES) &&
	    hand_over(c, &c->err) != 0) {
		c->failed = true;
		return -1;
	}
	return 0;
}

/*
 * One FETCH command, its answers gathered in c->fill with the expunges it
 * reported; nothing is handed over (but the parts on_msg hands over).
 * Nothing gathered is kept when the command fails.
 */
static int
fetch_batch(struct sync_ctx *c, const uint32_t *uids, size_t n, uint32_t first,
    uint32_t last, unsigned what, uint64_t changedsince, bool vanished,
    struct fct_error *err)
{
	struct imap_changes ch = IMAP_CHANGES_INIT;

	if (imap_fetch(c->imap, uids, n, first, last, what, changedsince,
		vanished, on_msg, c, &ch, err) != 0) {
		imap_changes_release(&ch);
		batch_drop(c->fill);
		return step_failed(c, err);
	}
	/* Moved: on_msg may have switched batches during the command. */
	c->fill->ch = ch;
	return 0;
}

/*
 * One FETCH command, then what it brought (and the expunges it reported)
 * written in a transaction of its own: see write_batch. Nothing is written
 * when the command fails.
 */
static int
fetch_step(struct sync_ctx *c, const uint32_t *uids, size_t n, uint32_t first,
    uint32_t last, unsigned what, uint64_t changedsince, bool vanished,
    struct fct_error *err)
{
	if (fetch_batch(c, uids, n, first, last, what, changedsince, vanished,
		err) != 0)
		return -1;
	return hand_over(c, err);
}

/*
 * Fetches the headers of uids[0..n) newest first, in batches that each
 * commit on their own, with whatever the server says meanwhile.
 *
 * A pipeline of two stages: while batch k is written by the pipe's thread
 * (write_batch: SQLite, its full-text indexes), this thread fetches batch
 * k+1 (the server's time, libetpan's parsing). Decoding the headers
 * (GMime, as much CPU time as the writes) goes to whichever side is free:
 * on_msg decodes a header while the pipe's thread is busy, and leaves it
 * to write_batch when that thread is idle. Measured on 100,000 headers:
 * decoding on the writer's side only left it with 85% of the process's
 * CPU time, the bottleneck, while this thread mostly waited; decoding on
 * this side only made this one the bottleneck (the server's time is on
 * it too), the writer idle half of the time. At most two batches
 * are in memory, one gathered and one written, and they are written in
 * order, each in its own transaction, exactly as in line: only the
 * commits come earlier. Between two batches, with the store idle (the
 * writes waited for), the progress of what is committed is reported and
 * the caller asked whether to yield; the batch just fetched is written
 * either way before returning. Whatever happens, every batch handed over
 * is waited for before returning, so the caller finds the store its own
 * and every row committed before it writes the folder's state (UIDNEXT,
 * HIGHESTMODSEQ: sync_folder_yielding); a batch that fails to be written
 * stops the sync with its error (the ones after it are not written), and
 * a FETCH that fails leaves the batches before it committed.
 */
static int
fetch_new(struct sync_ctx *c, const uint32_t *uids, size_t n,
    enum imap_sync_mode mode, struct fct_error *err)
{
	struct fct_error ignored = FCT_ERROR_INIT;
	unsigned what = IMAP_FETCH_HEADERS | IMAP_FETCH_FLAGS;
	size_t end = n, batch = FIRST_BATCH, start, writing = 0;
	bool stop = false;
	int rc = -1;

	if (mode != IMAP_SYNC_CLASSIC)
		what |= IMAP_FETCH_MODSEQ;
	/* One batch has nothing to overlap; without a thread, in line. */
	if (n > FIRST_BATCH)
		(void)sync_pipe_start(&c->pipe);
	while (end > 0 && !stop) {
		start = end > batch ? end - batch : 0;
		if (fetch_batch(c, uids + start, end - start, 0, 0, what, 0,
			false, err) != 0)
			goto out;
		/* The batch before was written meanwhile. */
		if (settle(c, err) != 0) {
			batch_drop(c->fill);
			goto out;
		}
		if (writing > 0) {
			c->done += (uint32_t)writing;
			report(c);
		}
		writing = end - start;
		end = start;
		batch = BATCH;
		stop = end > 0 && yield_now(c);
		if (hand_over(c, err) != 0)
			goto out;
	}
	if (settle(c, err) != 0)
		goto out;
	c->done += (uint32_t)writing;
	report(c);
	rc = 0;
out:
	if (rc != 0 && settle(c, &ignored) != 0)
		fct_error_release(&ignored);
	sync_pipe_stop(&c->pipe);
	return rc;
}

/*
 * UID FETCH of the UIDs just below UIDNEXT: the newest screen, at once.
 * With `summary`, only the header fields the rows are made of, which a
 * server like Dovecot answers from its own cache, without the first look
 * at the message files that costs it hundreds of milliseconds on a large
 * Maildir; fetch_tail completes these rows with their whole header once
 * the rest is in.
 */
static int
fetch_top(struct sync_ctx *c, const struct imap_mailbox_state *ms,
    enum imap_sync_mode mode, bool summary, struct fct_error *err)
{
	uint32_t first =
	    ms->uidnext > FIRST_BATCH ? ms->uidnext - FIRST_BATCH : 1;

	if (fetch_step(c, NULL, 0, first, ms->uidnext - 1,
		(summary ? IMAP_FETCH_SUMMARY : IMAP_FETCH_HEADERS) |
		    IMAP_FETCH_FLAGS |
		    (mode != IMAP_SYNC_CLASSIC ? IMAP_FETCH_MODSEQ : 0),
		0, false, err) != 0)
		return -1;
	report(c);
	return 0;
}

/* Keeps the UIDs of `all` (ascending) that are >= from and not cached. */
static void
unknown_uids(const struct imap_uid_list *all, uint32_t from,
    const uint32_t *known, size_t nknown, struct imap_uid_list *out)
{
	size_t i, k = 0;

	for (i = 0; i < all->n; i++) {
		if (all->v[i] < from)
			continue;
		while (k < nknown && known[k] < all->v[i])
			k++;
		if (k < nknown && known[k] == all->v[i])
			continue;
		imap_uid_list_add(out, all->v[i]);
	}
}

/* Removes cached messages the server no longer has (both ascending). */
static int
expunge_missing(struct sync_ctx *c, const struct imap_uid_list *server,
    struct fct_error *err)
{
	uint32_t *known = NULL;
	size_t nknown = 0, i, s = 0;
	int rc = -1;

	if (store_msg_uids(c->st, c->folder.id, &known, &nknown, err) != 0)
		return -1;
	if (store_begin(c->st, err) != 0)
		goto out;
	for (i = 0; i < nknown; i++) {
		while (s < server->n && server->v[s] < known[i])
			s++;
		if (s < server->n && server->v[s] == known[i])
			continue;
		if (store_msg_expunge_range(c->st, c->folder.id, known[i],
			known[i], err) != 0) {
			store_rollback(c->st);
			goto out;
		}
	}
	if (store_commit(c->st, err) != 0) {
		store_rollback(c->st);
		goto out;
	}
	rc = 0;
out:
	free(known);
	return rc;
}

/* Refreshes the flags of every cached message, in UID batches. */
static int
refresh_all_flags(struct sync_ctx *c, struct fct_error *err)
{
	uint32_t *known = NULL;
	size_t nknown = 0, i, n;
	int rc = -1;

	if (store_msg_uids(c->st, c->folder.id, &known, &nknown, err) != 0)
		return -1;
	for (i = 0; i < nknown; i += n) {
		n = nknown - i < FLAG_BATCH ? nknown - i : FLAG_BATCH;
		if (fetch_step(c, known + i, n, 0, 0, IMAP_FETCH_FLAGS, 0,
			false, err) != 0)
			goto out;
	}
	rc = 0;
out:
	free(known);
	return rc;
}

/*
 * The flags of the rows a cold sync cut short left behind (a crash, a
 * lost connection, or a yield to a request). Each was fetched after the
 * folder's mod-sequence that the cold sync recorded when it began (its
 * uidnext stays 0: still cold), so the changes since that mod-sequence
 * are all there is to catch up: one CHANGEDSINCE round trip, however
 * many rows are cached, which keeps resuming a large cold folder cheap.
 * Without mod-sequences, or without one recorded, every cached flag is
 * fetched again.
 */
static int
cold_flags(struct sync_ctx *c, const struct imap_mailbox_state *ms,
    enum imap_sync_mode mode, struct fct_error *err)
{
	if (mode == IMAP_SYNC_CLASSIC || ms->highestmodseq == 0)
		return refresh_all_flags(c, err);
	if (c->folder.highestmodseq == 0) {
		if (refresh_all_flags(c, err) != 0 ||
		    store_folder_set_state(c->st, c->folder.id, 0,
			ms->highestmodseq, err) != 0)
			return -1;
		c->folder.highestmodseq = ms->highestmodseq;
		return 0;
	}
	if (ms->highestmodseq == c->folder.highestmodseq)
		return 0;
	return fetch_step(c, NULL, 0, 1, 0,
	    IMAP_FETCH_FLAGS | IMAP_FETCH_MODSEQ, c->folder.highestmodseq,
	    false, err);
}

static int
count_cached(struct sync_ctx *c, size_t *n, struct fct_error *err)
{
	return store_msg_count(c->st, c->folder.id, n, err);
}

/*
 * New mail, and expunges the other paths could not see: everything from
 * UIDNEXT on, then a UID comparison when the counts disagree.
 */
static int
fetch_tail(struct sync_ctx *c, const struct imap_mailbox_state *ms,
    enum imap_sync_mode mode, struct fct_error *err)
{
	struct imap_uid_list all = IMAP_UID_LIST_INIT,
			     fresh = IMAP_UID_LIST_INIT;
	struct imap_changes ch = IMAP_CHANGES_INIT;
	uint32_t *known = NULL;
	size_t nknown = 0, cached;
	int rc = -1;

	if (count_cached(c, &cached, err) != 0)
		goto out;
	if (c->folder.uidnext != 0 && ms->uidnext > c->folder.uidnext &&
	    ms->exists >= cached && ms->exists - cached <= BATCH) {
		/* A little new mail: one round trip, no UID list. */
		c->first_new = c->folder.uidnext;
		if (fetch_step(c, NULL, 0, c->folder.uidnext, 0,
			IMAP_FETCH_HEADERS | IMAP_FETCH_FLAGS |
			    (mode != IMAP_SYNC_CLASSIC ? IMAP_FETCH_MODSEQ : 0),
			0, false, err) != 0)
			goto out;
		c->first_new = 0;
	} else if (ms->uidnext == 0 || ms->uidnext > c->folder.uidnext ||
	    c->folder.uidnext == 0) {
		/*
		 * A cold folder: the newest screen first, straight from the
		 * top of the UID range, before even asking for the list of
		 * UIDs (on a large folder that list alone takes a while).
		 */
		if (c->folder.uidnext == 0 && ms->uidnext > 1 &&
		    fetch_top(c, ms, mode, true, err) != 0)
			goto out;
		if (imap_search_all(c->imap, &all, &ch, err) != 0 ||
		    store_msg_uids(c->st, c->folder.id, &known, &nknown, err) !=
			0)
			goto out;
		unknown_uids(&all, c->folder.uidnext, known, nknown, &fresh);
		c->goal = (uint32_t)fresh.n;
		if (fetch_new(c, fresh.v, fresh.n, mode, err) != 0)
			goto out;
		if (c->yielded) {
			rc = 0;
			goto out;
		}
		/* The newest screen's rows get their whole header now. */
		if (c->folder.uidnext == 0 && ms->uidnext > 1) {
			c->completing = true;
			rc = fetch_top(c, ms, mode, false, err);
			c->completing = false;
			if (rc != 0) {
				rc = -1;
				goto out;
			}
			rc = -1;
		}
		if (store_begin(c->st, err) != 0)
			goto out;
		if (apply_vanished(c, &ch, err) != 0 ||
		    store_commit(c->st, err) != 0) {
			store_rollback(c->st);
			goto out;
		}
	}
	if (count_cached(c, &cached, err) != 0)
		goto out;
	if (cached != ms->exists) {
		if (all.n == 0 &&
		    imap_search_all(c->imap, &all, NULL, err) != 0)
			goto out;
		if (expunge_missing(c, &all, err) != 0)
			goto out;
	}
	rc = 0;
out:
	imap_uid_list_release(&all);
	imap_uid_list_release(&fresh);
	imap_changes_release(&ch);
	free(known);
	return rc;
}

int
sync_folder(struct imap_session *s, struct store *st, const char *name,
    enum imap_sync_mode want, unsigned flags, sync_progress_fn progress,
    void *arg, struct sync_stats *stats, struct fct_error *err)
{
	return sync_folder_yielding(s, st, name, want, flags, progress, NULL,
	    arg, stats, err);
}

int
sync_folder_yielding(struct imap_session *s, struct store *st, const char *name,
    enum imap_sync_mode want, unsigned flags, sync_progress_fn progress,
    sync_yield_fn yield, void *arg, struct sync_stats *stats,
    struct fct_error *err)
{
	struct sync_ctx c;
	struct imap_mailbox_state ms;
	struct imap_changes ch = IMAP_CHANGES_INIT;
	enum imap_sync_mode mode;
	uint64_t modseq;
	size_t before, cached;
	int found, rc = -1;

	ctx_init(&c);
	memset(stats, 0, sizeof *stats);
	c.imap = s;
	c.st = st;
	c.stats = stats;
	c.progress = progress;
	c.yield = yield;
	c.progress_arg = arg;
	if ((found = store_folder_get(st, name, &c.folder, err)) < 0)
		return -1;
	if (found == 0)
		return fct_error_set(err,
		    "no folder '%s' (sync the folder list "
		    "first)",
		    name);
	if (c.folder.noselect) {
		store_folder_release(&c.folder);
		return fct_error_set(err, "folder '%s' holds no messages",
		    name);
	}
	mode = imap_session_sync_mode(s, want);
	stats->mode = mode;
	if (count_cached(&c, &before, err) != 0)
		goto out;
	/*
	 * Nothing moved? STATUS tells without a SELECT, which on a large
	 * folder is most of the server's work: same UIDVALIDITY, UIDNEXT and
	 * HIGHESTMODSEQ, and as many messages as cached. (Not in the classic
	 * way: without mod-sequences, flag changes leave no trace there.)
	 */
	if (!(flags & SYNC_F_SELECT) && mode != IMAP_SYNC_CLASSIC &&
	    c.folder.uidnext != 0 && c.folder.highestmodseq != 0) {
		if (imap_mailbox_status(s, c.folder.raw_name, &ms, err) != 0)
			goto out;
		if (ms.uidvalidity == c.folder.uidvalidity &&
		    ms.uidnext == c.folder.uidnext &&
		    ms.highestmodseq == c.folder.highestmodseq &&
		    ms.exists == before) {
			stats->total = (uint32_t)before;
			rc = 0;
			goto out;
		}
	}
	/* SELECT writes nothing: no transaction needed around it. */
	if (imap_select(s, c.folder.raw_name, mode, &ms, &ch, err) != 0 ||
	    store_begin(st, err) != 0)
		goto out;
	if (ms.uidvalidity != c.folder.uidvalidity) {
		/* New folder, or UIDs renumbered: what we have means nothing. */
		stats->reset = c.folder.uidvalidity != 0;
		stats->cold = true;
		if (store_folder_reset(st, c.folder.id, ms.uidvalidity, err) !=
		    0) {
			store_rollback(st);
			goto out;
		}
		c.folder.uidvalidity = ms.uidvalidity;
		c.folder.uidnext = 0;
		c.folder.highestmodseq = 0;
		imap_changes_release(&ch);
	} else if (apply_vanished(&c, &ch, err) != 0) {
		store_rollback(st);
		goto out;
	}
	if (store_commit(st, err) != 0) {
		store_rollback(st);
		goto out;
	}
	if (c.folder.uidnext == 0) {
		stats->cold = true;
		if (cold_flags(&c, &ms, mode, err) != 0)
			goto out;
	} else if (mode != IMAP_SYNC_CLASSIC) {
		/* CHANGEDSINCE, and with QRESYNC VANISHED too: only when the
		 * folder's mod-sequence moved at all. */
		if (c.folder.highestmodseq == 0 ||
		    ms.highestmodseq != c.folder.highestmodseq) {
			if (fetch_step(&c, NULL, 0, 1, c.folder.uidnext - 1,
				IMAP_FETCH_FLAGS | IMAP_FETCH_MODSEQ,
				c.folder.highestmodseq,
				mode == IMAP_SYNC_QRESYNC &&
				    c.folder.highestmodseq != 0,
				err) != 0)
				goto out;
		}
	} else if (mode == IMAP_SYNC_CLASSIC) {
		if (refresh_all_flags(&c, err) != 0)
			goto out;
	}
	c.mark_pending = (flags & SYNC_F_RULES) && c.folder.uidnext != 0;
	if (fetch_tail(&c, &ms, mode, err) != 0)
		goto out;
	if (c.yielded)
		goto yielded;
	/* Everything the state vouches for is in: commit the state. */
	modseq = mode == IMAP_SYNC_CLASSIC ? 0 : ms.highestmodseq;
	if (store_begin(st, err) != 0)
		goto out;
	if (store_folder_set_state(st, c.folder.id,
		ms.uidnext != 0 ? ms.uidnext : c.folder.uidnext, modseq,
		err) != 0 ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		goto out;
	}
	if (count_cached(&c, &cached, err) != 0)
		goto out;
	stats->total = (uint32_t)cached;
	if (!stats->reset && before + stats->added > cached)
		stats->expunged = (unsigned)(before + stats->added - cached);
	rc = 0;
	goto out;
yielded:
	/* The state stays as it was: the next sync picks up from here. */
	if (count_cached(&c, &cached, err) != 0)
		goto out;
	stats->total = (uint32_t)cached;
	rc = 1;
out:
	imap_changes_release(&ch);
	ctx_release(&c);
	store_folder_release(&c.folder);
	return rc;
}

int
sync_fetch_headers(struct imap_session *s, struct store *st, const char *name,
    const uint32_t *uids, size_t n, unsigned *fetched, struct fct_error *err)
{
	struct sync_ctx c;
	struct sync_stats stats;
	enum imap_sync_mode mode;
	int found, rc = -1;

	*fetched = 0;
	ctx_init(&c);
	memset(&stats, 0, sizeof stats);
	c.imap = s;
	c.st = st;
	c.stats = &stats;
	if ((found = store_folder_get(st, name, &c.folder, err)) < 0)
		return -1;
	if (found == 0)
		return fct_error_set(err, "no folder '%s'", name);
	mode = imap_session_sync_mode(s, IMAP_SYNC_QRESYNC);
	c.goal = (uint32_t)n;
	if (n > 0 && fetch_new(&c, uids, n, mode, err) != 0)
		goto out;
	*fetched = stats.added;
	rc = 0;
out:
	ctx_release(&c);
	store_folder_release(&c.folder);
	return rc;
}
