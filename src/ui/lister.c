/*
 * The lister: builds the index's row lists off the UI thread.
 *
 * Most orders need the whole folder: threads read every message's links
 * and build the trees, a limit walks every matching row, sorting by
 * sender, subject or size sorts every row. On a folder of 20,000
 * messages that is tens of milliseconds, more than a frame, and it is
 * asked again whenever new mail arrives in the open folder. So the UI
 * thread only describes the list it wants (struct ui_list_req) and goes
 * on drawing what it has; this thread, with its own store handle per
 * cache, builds the list (ui_list_compute) and posts it back (struct
 * ui_list_res). Answers carry the request's generation: the index takes
 * the answer to its latest request only.
 *
 * Date order without a limit needs none of this: the index counts
 * (folder_stats, one row) and reads one window of the (folder_id, date)
 * index at a time, on its own thread (index.c).
 *
 * Requests waiting when the thread gets to them are all answered but the
 * last one skipped: an older request's list would be dropped anyway.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facteur/core_queue.h"
#include "private.h"

enum { LIST_REQ = 1, LIST_STOP, LIST_RES };

struct ui_lister {
	pthread_t thread;
	bool started;
	struct fct_queue *requests; /* struct ui_list_req */
	struct fct_queue *answers;  /* struct ui_list_res */
	/* The thread's own handles, by cache path. */
	struct lister_store {
		char *path;
		struct store *st;
	} * stores;
	size_t nstores, stores_alloc;
};

void
ui_list_req_free(struct ui_list_req *r)
{
	if (r == NULL)
		return;
	free(r->path);
	free(r->query);
	free(r->match);
	free(r->server);
	free(r->collapsed);
	free(r);
}

void
ui_list_res_free(struct ui_list_res *r)
{
	if (r == NULL)
		return;
	free(r->rows);
	free(r->uids);
	free(r->error);
	free(r);
}

static void
req_free(void *p)
{
	ui_list_req_free(p);
}

static void
res_free(void *p)
{
	ui_list_res_free(p);
}

bool
ui_uidset_has(const uint32_t *v, size_t n, uint32_t uid)
{
	return n > 0 && bsearch(&uid, v, n, sizeof *v, fct_u32_cmp) != NULL;
}

const char *
ui_sort_order(enum ui_sort sort, bool reverse)
{
	switch (sort) {
	case UI_SORT_FROM:
		return reverse ? "from_text DESC" : "from_text ASC";
	case UI_SORT_SUBJECT:
		return reverse ? "subject DESC" : "subject ASC";
	case UI_SORT_SIZE:
		return reverse ? "size ASC" : "size DESC";
	case UI_SORT_THREADS:
	case UI_SORT_DATE:
		break;
	}
	return reverse ? "date ASC" : "date DESC";
}

/* --- Threads ------------------------------------------------------------ */

struct id_entry {
	const char *id;
	size_t idx;
};

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(((const struct id_entry *)a)->id,
	    ((const struct id_entry *)b)->id);
}

static long
id_find(const struct id_entry *ids, size_t n, const char *id)
{
	struct id_entry key = { id, 0 };
	const struct id_entry *e;

	if (id == NULL || n == 0)
		return -1;
	e = bsearch(&key, ids, n, sizeof *ids, id_cmp);
	return e != NULL ? (long)e->idx : -1;
}

/* The parent of message i among the older ones, or -1. */
static long
find_parent(const struct store_msg_link *l, size_t i,
    const struct id_entry *ids, size_t nids)
{
	char *refs, *tok, *save;
	long p = id_find(ids, nids, l[i].in_reply_to), best = -1;

	if (p >= 0 && (size_t)p < i)
		return p;
	if (l[i].references == NULL)
		return -1;
	refs = xstrdup(l[i].references);
	for (tok = strtok_r(refs, " \t", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t", &save))
		if ((p = id_find(ids, nids, tok)) >= 0 && (size_t)p < i)
			best = p;
	free(refs);
	return best;
}

struct root {
	size_t idx;
	int64_t latest;
};

static int
root_cmp_desc(const void *a, const void *b)
{
	const struct root *x = a, *y = b;

	if (x->latest != y->latest)
		return x->latest < y->latest ? 1 : -1;
	return x->idx < y->idx ? 1 : -1;
}

static int
root_cmp_asc(const void *a, const void *b)
{
	return root_cmp_desc(b, a);
}

/*
 * The rows, in thread order, of the n messages whose links are l (date
 * order, oldest first); res->rows owned by res.
 */
static void
threads_build(const struct ui_list_req *req, const struct store_msg_link *l,
    size_t n, struct ui_list_res *res)
{
	struct id_entry *ids = xcalloc(n + 1, sizeof *ids);
	long *parent = xcalloc(n + 1, sizeof *parent);
	long *first = xcalloc(n + 1, sizeof *first);
	long *last = xcalloc(n + 1, sizeof *last);
	long *next = xcalloc(n + 1, sizeof *next);
	int64_t *latest = xcalloc(n + 1, sizeof *latest);
	struct root *roots = xcalloc(n + 1, sizeof *roots);
	size_t *stack = xcalloc(n + 1, sizeof *stack);
	int *depth = xcalloc(n + 1, sizeof *depth);
	size_t nids = 0, nroots = 0, i, r, sp, out = 0, base, lo, hi, t;
	long c, p;
	bool folded;
	struct ui_thread_row *row;

	for (i = 0; i < n; i++) {
		if (l[i].message_id != NULL) {
			ids[nids].id = l[i].message_id;
			ids[nids++].idx = i;
		}
		first[i] = last[i] = next[i] = -1;
		latest[i] = l[i].date;
	}
	if (nids > 0)
		qsort(ids, nids, sizeof *ids, id_cmp);
	for (i = 0; i < n; i++) {
		parent[i] = p = find_parent(l, i, ids, nids);
		if (p < 0) {
			roots[nroots].idx = i;
			nroots++;
			continue;
		}
		if (last[p] < 0)
			first[p] = (long)i;
		else
			next[last[p]] = (long)i;
		last[p] = (long)i;
	}
	for (i = n; i-- > 0;)
		if (parent[i] >= 0 && latest[i] > latest[parent[i]])
			latest[parent[i]] = latest[i];
	for (r = 0; r < nroots; r++)
		roots[r].latest = latest[roots[r].idx];
	if (nroots > 0)
		qsort(roots, nroots, sizeof *roots,
		    req->reverse ? root_cmp_asc : root_cmp_desc);

	res->rows = xcalloc(n + 1, sizeof *res->rows);
	for (r = 0; r < nroots; r++) {
		sp = 0;
		stack[sp++] = roots[r].idx;
		depth[roots[r].idx] = 0;
		folded = ui_uidset_has(req->collapsed, req->ncollapsed,
		    l[roots[r].idx].uid);
		while (sp > 0) {
			i = stack[--sp];
			if (folded && i != roots[r].idx) {
				res->rows[out - 1].hidden++;
			} else {
				row = &res->rows[out++];
				row->uid = l[i].uid;
				row->depth = depth[i];
				row->last = parent[i] >= 0 && next[i] < 0;
			}
			/* Children pushed in reverse, so the oldest pops
			 * first. */
			base = sp;
			for (c = first[i]; c >= 0; c = next[c]) {
				depth[c] = depth[i] + 1;
				stack[sp++] = (size_t)c;
			}
			for (lo = base, hi = sp; lo + 1 < hi; lo++, hi--) {
				t = stack[lo];
				stack[lo] = stack[hi - 1];
				stack[hi - 1] = t;
			}
		}
	}
	res->count = out;
	free(ids);
	free(parent);
	free(first);
	free(last);
	free(next);
	free(latest);
	free(roots);
	free(stack);
	free(depth);
}

/* --- Building a list ---------------------------------------------------- */

int
ui_collect_uid(const struct store_msg *m, void *arg)
{
	struct ui_uid_list *c = arg;

	FCT_ALLOC_GROW(c->v, c->n + 1, c->alloc);
	c->v[c->n++] = m->uid;
	return 0;
}

static int list_rows(struct store *st, const struct ui_list_req *req,
    struct ui_list_res *res, struct fct_error *err);

/* The UIDs text matches in the folder, ascending, in *out (owned). */
static int
list_match(struct store *st, const struct ui_list_req *req, const char *text,
    struct ui_uid_list *out, struct fct_error *err)
{
	struct query *q = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (query_parse(text, &q, err) != 0)
		return -1;
	rc = store_msg_query(st, req->folder_id, q, req->now, "uid ASC", 0,
	    ui_collect_uid, out, err);
	query_free(&q);
	if (rc != 0) {
		free(out->v);
		memset(out, 0, sizeof *out);
	}
	return rc;
}

/* FIND: the list as shown, walked from the row after the asker's. */
static int
list_find(struct store *st, const struct ui_list_req *req,
    struct ui_list_res *res, struct fct_error *err)
{
	struct ui_uid_list hits;
	size_t start = req->from_row, i, k;

	res->found_row = -1;
	if (list_match(st, req, req->match, &hits, err) != 0)
		return -1;
	if (hits.n > 0 && list_rows(st, req, res, err) != 0) {
		free(hits.v);
		return -1;
	}
	/* The list may have moved since it was drawn: the message the
	 * cursor was on says where "after" is. */
	for (i = 0; req->from_uid != 0 && i < res->count; i++)
		if (res->rows[i].uid == req->from_uid) {
			start = i;
			break;
		}
	for (k = 1; k <= res->count && hits.n > 0; k++) {
		i = (start + k) % res->count;
		if (ui_uidset_has(hits.v, hits.n, res->rows[i].uid)) {
			res->found_row = (long)i;
			res->found_uid = res->rows[i].uid;
			break;
		}
	}
	free(hits.v);
	free(res->rows);
	res->rows = NULL;
	res->count = 0;
	return 0;
}

int
ui_list_compute(struct store *st, const struct ui_list_req *req,
    struct ui_list_res *res, struct fct_error *err)
{
	struct ui_uid_list hits;

	memset(res, 0, sizeof *res);
	res->kind = req->kind;
	res->gen = req->gen;
	res->found_row = -1;
	switch (req->kind) {
	case UI_LIST_ROWS:
		break;
	case UI_LIST_FIND:
		return list_find(st, req, res, err);
	case UI_LIST_MATCH:
		if (list_match(st, req, req->match, &hits, err) != 0)
			return -1;
		res->uids = hits.v;
		res->nuids = hits.n;
		return 0;
	}
	return list_rows(st, req, res, err);
}

/* ROWS: the list to show, in display order. */
static int
list_rows(struct store *st, const struct ui_list_req *req,
    struct ui_list_res *res, struct fct_error *err)
{
	struct store_msg_link *l = NULL;
	struct ui_uid_list keep = { NULL, 0, 0 };
	struct query *q = NULL;
	size_t n = 0, i, j;
	int rc = -1;

	res->rows = NULL;
	res->count = 0;
	if (req->query != NULL && query_parse(req->query, &q, err) != 0)
		return -1;
	/* The server's answer is a list of messages: shown as threads. */
	if (req->sort != UI_SORT_THREADS && !req->has_server) {
		if (store_msg_query(st, req->folder_id, q, req->now,
			ui_sort_order(req->sort, req->reverse), 0,
			ui_collect_uid, &keep, err) != 0)
			goto out;
		res->rows = xcalloc(keep.n + 1, sizeof *res->rows);
		for (i = 0; i < keep.n; i++)
			res->rows[i].uid = keep.v[i];
		res->count = keep.n;
		rc = 0;
		goto out;
	}
	if (store_msg_links(st, req->folder_id, &l, &n, err) != 0)
		goto out;
	if (req->has_server || q != NULL) {
		if (q != NULL &&
		    store_msg_query(st, req->folder_id, q, req->now, "uid ASC",
			0, ui_collect_uid, &keep, err) != 0)
			goto out;
		for (i = j = 0; i < n; i++) {
			if ((!req->has_server ||
				ui_uidset_has(req->server, req->nserver,
				    l[i].uid)) &&
			    (q == NULL ||
				ui_uidset_has(keep.v, keep.n, l[i].uid))) {
				l[j++] = l[i];
				continue;
			}
			free(l[i].message_id);
			free(l[i].in_reply_to);
			free(l[i].references);
		}
		n = j;
	}
	threads_build(req, l, n, res);
	rc = 0;
out:
	store_msg_links_free(&l, n);
	free(keep.v);
	query_free(&q);
	return rc;
}

/* --- The thread --------------------------------------------------------- */

static struct store *
lister_store(struct ui_lister *ls, const char *path, struct fct_error *err)
{
	struct lister_store *s;
	size_t i;

	for (i = 0; i < ls->nstores; i++)
		if (strcmp(ls->stores[i].path, path) == 0)
			return ls->stores[i].st;
	FCT_ALLOC_GROW(ls->stores, ls->nstores + 1, ls->stores_alloc);
	s = &ls->stores[ls->nstores];
	if (store_open(path, &s->st, err) != 0)
		return NULL;
	s->path = xstrdup(path);
	ls->nstores++;
	return s->st;
}

static void
answer(struct ui_lister *ls, const struct ui_list_req *req)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct ui_list_res *res = xcalloc(1, sizeof *res);
	struct store *st;

	res->kind = req->kind;
	res->gen = req->gen;
	res->found_row = -1;
	if ((st = lister_store(ls, req->path, &err)) == NULL ||
	    ui_list_compute(st, req, res, &err) != 0) {
		free(res->rows);
		free(res->uids);
		res->rows = NULL;
		res->uids = NULL;
		res->count = res->nuids = 0;
		res->found_row = -1;
		res->error = xstrdup(fct_error_msg(&err));
	}
	fct_error_release(&err);
	fct_queue_post(ls->answers, LIST_RES, res, res_free);
}

static void *
lister_main(void *arg)
{
	struct ui_lister *ls = arg;
	struct fct_msg *m, *last, *find, **slot;
	const struct ui_list_req *req;
	bool stop = false;

	while (!stop) {
		if ((m = fct_queue_wait(ls->requests, -1)) == NULL)
			continue;
		/* Only the newest list counts, and the newest search. */
		last = find = NULL;
		for (; m != NULL; m = fct_queue_pop(ls->requests)) {
			if (m->type == LIST_STOP)
				stop = true;
			if (m->type != LIST_REQ) {
				fct_msg_free(&m);
				continue;
			}
			req = m->payload;
			slot = req->kind == UI_LIST_ROWS ? &last : &find;
			fct_msg_free(slot);
			*slot = m;
		}
		if (last != NULL && !stop)
			answer(ls, last->payload);
		if (find != NULL && !stop)
			answer(ls, find->payload);
		fct_msg_free(&last);
		fct_msg_free(&find);
	}
	return NULL;
}

int
ui_lister_start(struct ui_lister **out, struct fct_error *err)
{
	struct ui_lister *ls = xcalloc(1, sizeof *ls);
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (fct_queue_new(&ls->requests, err) != 0 ||
	    fct_queue_new(&ls->answers, err) != 0) {
		ui_lister_stop(&ls);
		return -1;
	}
	/* Signals are the UI thread's (its self-pipe). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ls->thread, NULL, lister_main, ls);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		ui_lister_stop(&ls);
		return fct_error_set(err, "cannot start the index's lister: %s",
		    strerror(rc));
	}
	ls->started = true;
	*out = ls;
	return 0;
}

void
ui_lister_stop(struct ui_lister **lp)
{
	struct ui_lister *ls = *lp;
	size_t i;

	if (ls == NULL)
		return;
	if (ls->started) {
		fct_queue_post(ls->requests, LIST_STOP, NULL, NULL);
		pthread_join(ls->thread, NULL);
	}
	for (i = 0; i < ls->nstores; i++) {
		store_close(&ls->stores[i].st);
		free(ls->stores[i].path);
	}
	free(ls->stores);
	fct_queue_free(&ls->requests);
	fct_queue_free(&ls->answers);
	free(ls);
	*lp = NULL;
}

void
ui_lister_ask(struct ui_lister *ls, struct ui_list_req *req)
{
	fct_queue_post(ls->requests, LIST_REQ, req, req_free);
}

int
ui_lister_fd(const struct ui_lister *ls)
{
	return fct_queue_fd(ls->answers);
}

struct ui_list_res *
ui_lister_take(struct ui_lister *ls)
{
	struct fct_msg *m = fct_queue_pop(ls->answers);
	struct ui_list_res *res;

	if (m == NULL)
		return NULL;
	res = fct_msg_take(m);
	fct_msg_free(&m);
	return res;
}
