/*
 * Carrying the rules out on a folder of the cache: the rules layer says
 * what each message's plan is; this file turns the plans into jobs in the
 * store's queue (the same jobs `facteur move` and `facteur flag` make,
 * run by sync_jobs_run), and records that the rules ran.
 *
 * Design.
 *  - Which messages: the folder's pending ones (new mail, SYNC_F_RULES),
 *    a list of UIDs (the index's tagged messages), or the whole folder.
 *    Every path tries each rule behind a cheap necessary condition of its
 *    query (walk_prepare, need_eval), then query_match on the cached row.
 *    Pending mail and lists go message by message, reading a body's text
 *    from the cache for the rules on bodies. A whole folder is read once
 *    (on_row), its rules on bodies run as SQL (store_rules_query), and the
 *    (message, rule) pairs found are replayed per message in the file's
 *    order, so `stop` and the conflict rules behave exactly as message by
 *    message (rules_plan_add does both).
 *  - Once: the evaluation, the jobs and the unmarking of the pending
 *    messages evaluated happen inside one write transaction. Nothing else
 *    can add a message between the read and the write, and a crash before
 *    the commit leaves the messages pending and no job: the next run does
 *    everything once. After the commit the jobs are the queue's, which
 *    replays each exactly once (src/sync/job.c).
 *  - Jobs are grouped: one flag job per (change, keywords), one copy or
 *    move job per destination, each naming every message concerned, and
 *    queued flags first, then copies, then moves, so flags set at the
 *    source travel with the moved message.
 *  - Local folders (a POP3 account's): no server holds the messages, so
 *    the groups are applied to the cache at once (sync_local_apply), in
 *    the same transaction, instead of being queued; copy is refused there
 *    (a local message has one row), a missing destination is created, and
 *    delete and spam move to the folder with the trash or junk role, else
 *    to a local "Trash" or "Junk" created with that role: a rule never
 *    destroys mail.
 *  - A rule that cannot work on this folder (its destination unknown or
 *    read-only, the folder itself read-only for what it does, no Trash or
 *    Junk for delete or spam) is left out with a reason, before anything
 *    is evaluated; the other rules run as if it were not there.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facteur/store_pop.h"
#include "facteur/sync.h"
#include "facteur/sync_pop.h"

/* One message evaluated. */
struct item {
	int64_t id;
	uint32_t uid;
	char *from, *subject; /* owned, may be NULL; for reports only */
	struct rules_plan plan;
	const char *dest; /* where it goes, Trash and Junk resolved; NULL:
			     stays (also when already there) */
};

/* A (message, rule) match of the bulk path. */
struct pair {
	int64_t id;
	uint32_t uid;
	size_t rule; /* index in rs->v */
};

/* One job to queue. */
struct group {
	const char *kind; /* "flag", "copy", "move" */
	const char *dest; /* borrowed */
	char op;
	unsigned flags;
	char *keywords; /* owned " a b " or NULL */
	uint32_t *uids;
	size_t n, alloc;
};

struct ctx {
	struct store *st;
	const char *account;
	const struct rules *rs;
	const struct sync_rules_callbacks *cb;
	struct sync_rules_stats *stats;
	time_t now;
	struct store_folder folder;
	bool inbox;
	bool local;         /* a local folder: plans applied at once */
	bool *folder_local; /* when local: per c->folders.v, is it local */
	char *trash, *junk; /* owned folder names, or NULL */
	struct store_folder_list folders;
	bool *usable; /* per rule: in scope and workable here */
	struct item *items;
	size_t nitems, items_alloc;
	struct pair *pairs;
	size_t npairs, pairs_alloc;
	size_t rule;      /* the rule whose query runs (bulk path) */
	int64_t *pending; /* pending ids of the folder (bulk path) */
	size_t npending, pending_alloc;
	struct group *groups;
	size_t ngroups, groups_alloc;
	struct walk *walk;     /* the rules' conditions (walk_prepare) */
	struct fct_error *err; /* for callbacks: where a failure goes */
	bool failed;           /* a callback failed (err says why) */
};

static void problem(struct ctx *c, const struct rule *r,
    const struct rule_action *a, const char *fmt, ...) FCT_PRINTF(4, 5);

static void
problem(struct ctx *c, const struct rule *r, const struct rule_action *a,
    const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	c->stats->skipped_rules++;
	if (c->cb != NULL && c->cb->problem != NULL)
		c->cb->problem(c->cb->arg, r, a, msg);
	free(msg);
}

static const struct store_folder *
find_folder(const struct ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->folders.n; i++)
		if (strcmp(c->folders.v[i].name, name) == 0)
			return &c->folders.v[i];
	return NULL;
}

/* The closest folder name within an edit distance of 3, or NULL. */
static const char *
closest_folder(const struct ctx *c, const char *name)
{
	const char *best = NULL;
	size_t i, d, bestd = 4;

	for (i = 0; i < c->folders.n; i++) {
		d = fct_edit_distance(name, c->folders.v[i].name);
		if (d < bestd) {
			bestd = d;
			best = c->folders.v[i].name;
		}
	}
	return best;
}

/* Whether rights (NULL: own folder, everything) hold every letter of need. */
static bool
allowed(const char *rights, const char *need)
{
	for (; rights != NULL && *need != '\0'; need++)
		if (strchr(rights, *need) == NULL)
			return false;
	return true;
}

/* Checks a destination; its name in *out (borrowed) when usable. */
static bool
check_dest(struct ctx *c, const struct rule *r, const struct rule_action *a,
    const char *verb, const char *name)
{
	const struct store_folder *f = find_folder(c, name);
	const char *hint;

	if (f == NULL && c->local)
		return true; /* created at once, as `facteur move` does */
	if (f != NULL && c->local && !c->folder_local[f - c->folders.v]) {
		problem(c, r, a,
		    "rule '%s': cannot %s to '%s': it is a server's folder, "
		    "and '%s' is local",
		    r->name, verb, name, c->folder.name);
		return false;
	}
	if (f == NULL) {
		hint = closest_folder(c, name);
		if (hint != NULL)
			problem(c, r, a,
			    "rule '%s': cannot %s to '%s': no such folder "
			    "(did you mean '%s'?)",
			    r->name, verb, name, hint);
		else
			problem(c, r, a,
			    "rule '%s': cannot %s to '%s': no such folder",
			    r->name, verb, name);
		return false;
	}
	if (f->noselect) {
		problem(c, r, a,
		    "rule '%s': cannot %s to '%s': it holds no "
		    "messages",
		    r->name, verb, name);
		return false;
	}
	if (!allowed(f->rights, "i")) {
		problem(c, r, a,
		    "rule '%s': cannot %s to '%s': your rights there are "
		    "'%s' (read-only)",
		    r->name, verb, name, f->rights);
		return false;
	}
	return true;
}

/* Whether r can work on this folder; says why not. */
static bool
check_rule(struct ctx *c, const struct rule *r)
{
	const struct rule_action *a;
	const char *need, *verb, *dest;
	size_t i;

	for (i = 0; i < r->nactions; i++) {
		a = &r->actions[i];
		switch (a->kind) {
		case RULE_ACTION_MOVE:
		case RULE_ACTION_DELETE:
		case RULE_ACTION_SPAM:
			need = "te";
			break;
		case RULE_ACTION_READ:
		case RULE_ACTION_UNREAD:
			need = "s";
			break;
		case RULE_ACTION_COPY:
			need = "r";
			break;
		default:
			need = "w";
			break;
		}
		verb = rules_action_name(a->kind);
		if (c->local && a->kind == RULE_ACTION_COPY) {
			problem(c, r, a,
			    "rule '%s': cannot copy in local folder '%s': a "
			    "POP3 account's message has one copy (use move)",
			    r->name, c->folder.name);
			return false;
		}
		if (!allowed(c->folder.rights, need)) {
			problem(c, r, a,
			    "rule '%s': cannot %s in '%s': your rights there "
			    "are '%s' (read-only)",
			    r->name, verb, c->folder.name, c->folder.rights);
			return false;
		}
		dest = a->kind == RULE_ACTION_DELETE ? c->trash
		    : a->kind == RULE_ACTION_SPAM    ? c->junk
						     : a->arg;
		if ((a->kind == RULE_ACTION_DELETE ||
			a->kind == RULE_ACTION_SPAM) &&
		    dest == NULL) {
			problem(c, r, a,
			    "rule '%s': account '%s' has no %s folder", r->name,
			    c->account,
			    a->kind == RULE_ACTION_DELETE ? "Trash" : "Junk");
			return false;
		}
		if (a->kind != RULE_ACTION_MOVE &&
		    a->kind != RULE_ACTION_COPY &&
		    a->kind != RULE_ACTION_DELETE &&
		    a->kind != RULE_ACTION_SPAM)
			continue;
		if (!check_dest(c, r, a, verb, dest))
			return false;
	}
	return true;
}

static int
prepare(struct ctx *c, const char *folder, struct fct_error *err)
{
	const struct rule *r;
	size_t i;
	int found;

	if ((found = store_folder_get(c->st, folder, &c->folder, err)) < 0)
		return -1;
	if (found == 0)
		return fct_error_set(err,
		    "no folder '%s' in the cache of account '%s'", folder,
		    c->account);
	if (store_folder_list(c->st, &c->folders, err) != 0)
		return -1;
	if ((found = store_folder_is_local(c->st, c->folder.id, err)) < 0)
		return -1;
	c->local = found == 1;
	c->inbox =
	    (c->folder.role != NULL && strcmp(c->folder.role, "inbox") == 0) ||
	    strcasecmp(c->folder.name, "INBOX") == 0;
	if (c->local) {
		c->folder_local =
		    xcalloc(c->folders.n + 1, sizeof *c->folder_local);
		for (i = 0; i < c->folders.n; i++) {
			if ((found = store_folder_is_local(c->st,
				 c->folders.v[i].id, err)) < 0)
				return -1;
			c->folder_local[i] = found == 1;
		}
	}
	for (i = 0; i < c->folders.n; i++) {
		const char *role = c->folders.v[i].role;

		/* A local folder's Trash and Junk are local too. */
		if (c->local && !c->folder_local[i])
			continue;
		if (role != NULL && strcmp(role, "trash") == 0 &&
		    c->trash == NULL)
			c->trash = xstrdup(c->folders.v[i].name);
		if (role != NULL && strcmp(role, "junk") == 0 &&
		    c->junk == NULL)
			c->junk = xstrdup(c->folders.v[i].name);
	}
	/* Local folders get theirs when first used. */
	if (c->local && c->trash == NULL)
		c->trash = xstrdup("Trash");
	if (c->local && c->junk == NULL)
		c->junk = xstrdup("Junk");
	c->usable = xcalloc(c->rs->n + 1, sizeof *c->usable);
	for (i = 0; i < c->rs->n; i++) {
		r = &c->rs->v[i];
		c->usable[i] =
		    rules_in_scope(r, c->account, c->folder.name, c->inbox) &&
		    check_rule(c, r);
	}
	return 0;
}

static void
to_query_msg(const struct store_msg *m, struct query_msg *q)
{
	memset(q, 0, sizeof *q);
	q->from = m->from_text;
	q->to = m->to_text;
	q->cc = m->cc_text;
	q->subject = m->subject;
	q->list_id = m->list_id;
	q->headers = m->headers;
	q->body = NULL; /* NEEDSWORK: body: terms are false in memory */
	q->flags = m->flags;
	q->keywords = m->keywords;
	q->size = m->size;
	q->date = (time_t)m->date;
	q->has_attachment = m->has_attachment;
}

static struct item *
item_add(struct ctx *c, int64_t id, uint32_t uid)
{
	struct item *it;

	FCT_ALLOC_GROW(c->items, c->nitems + 1, c->items_alloc);
	it = &c->items[c->nitems++];
	memset(it, 0, sizeof *it);
	it->id = id;
	it->uid = uid;
	return it;
}

static int
on_match(const struct store_msg *m, void *arg)
{
	struct ctx *c = arg;

	FCT_ALLOC_GROW(c->pairs, c->npairs + 1, c->pairs_alloc);
	c->pairs[c->npairs].id = m->id;
	c->pairs[c->npairs].uid = m->uid;
	c->pairs[c->npairs].rule = c->rule;
	c->npairs++;
	return 0;
}

static int
on_pending_id(const struct store_msg *m, void *arg)
{
	struct ctx *c = arg;

	FCT_ALLOC_GROW(c->pending, c->npending + 1, c->pending_alloc);
	c->pending[c->npending++] = m->id;
	return 0;
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/*
 * The whole folder. One SQL query per rule reads the trigram index once
 * per rule, and for literals made of common trigrams that is most of the
 * index (doc/benchmarks.md). So the folder is read once instead, and each
 * rule is tried on each row in memory, behind a cheap necessary condition:
 * the literals its IMAP SEARCH form (query_to_imap, exact or a superset)
 * requires, looked for in the row's ASCII-lowercased fields.
 * Only rows that pass run query_match. A literal with non-ASCII bytes
 * proves nothing (our folding covers Latin-1 letters too) and counts as
 * true, as do negated terms, flags, sizes and headers other than List-Id.
 * A rule whose query looks at bodies runs as SQL, where bodies are joined,
 * so that the whole-folder path means the same as `facteur search`.
 */
enum need_type { NEED_TRUE, NEED_AND, NEED_OR, NEED_LIT };
enum need_field { NF_FROM, NF_TO, NF_CC, NF_SUBJECT, NF_LIST, NF__COUNT };

/*
 * Before the substring search, a literal is tried against a bitmap of the
 * field's byte pairs (hashed to BIGRAM_BITS bits, filled once per row):
 * a literal whose pairs are not all there cannot be in the field. Most
 * (row, rule) pairs end at that test, a few bit lookups.
 */
#define BIGRAM_BITS 4096
#define BIGRAM_PROBES 4

static unsigned
bigram(unsigned char a, unsigned char b)
{
	return (((unsigned)a << 8 | b) * 2654435761u) >> (32 - 12);
}

/* A necessary condition; invariant: AND and OR have two kids or more. */
struct need {
	enum need_type type;
	enum need_field field; /* LIT */
	char *lit;             /* LIT: owned, ASCII, lowercase */
	size_t len;
	unsigned probes[BIGRAM_PROBES]; /* LIT: bigrams of lit to test */
	unsigned nprobes;
	struct need **kids; /* owned */
	size_t n, alloc;
};

static struct need *
need_new(enum need_type type)
{
	struct need *n = xcalloc(1, sizeof *n);

	n->type = type;
	return n;
}

static void
need_free(struct need **np)
{
	struct need *n = *np;
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		need_free(&n->kids[i]);
	free(n->kids);
	free(n->lit);
	free(n);
	*np = NULL;
}

static struct need *
need_lit(enum need_field field, const char *v)
{
	struct need *n;
	const unsigned char *c;

	if (v == NULL || v[0] == '\0')
		return need_new(NEED_TRUE);
	for (c = (const unsigned char *)v; *c != '\0'; c++)
		if (*c >= 0x80)
			return need_new(NEED_TRUE);
	n = need_new(NEED_LIT);
	n->field = field;
	n->lit = xstrdup(v);
	n->len = strlen(v);
	for (c = (unsigned char *)n->lit; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			n->lit[c - (unsigned char *)n->lit] = (char)(*c + 32);
	/* Pairs spread over the literal: its start, end and middle. */
	if (n->len >= 2) {
		size_t i, at;

		for (i = 0; i < BIGRAM_PROBES; i++) {
			at = (n->len - 2) * i / (BIGRAM_PROBES - 1);
			n->probes[n->nprobes++] =
			    bigram((unsigned char)n->lit[at],
				(unsigned char)n->lit[at + 1]);
		}
	}
	return n;
}

/* Whether the key tree looks at bodies anywhere. */
static bool
key_uses_body(const struct query_imap_key *k)
{
	size_t i;

	if (k->type == QUERY_IMAP_BODY || k->type == QUERY_IMAP_TEXT)
		return true;
	for (i = 0; i < k->nkids; i++)
		if (key_uses_body(k->kids[i]))
			return true;
	return false;
}

static struct need *
need_of(const struct query_imap_key *k)
{
	struct need *n, *kid;
	size_t i;

	switch (k->type) {
	case QUERY_IMAP_FROM:
		return need_lit(NF_FROM, k->value);
	case QUERY_IMAP_TO:
		return need_lit(NF_TO, k->value);
	case QUERY_IMAP_CC:
		return need_lit(NF_CC, k->value);
	case QUERY_IMAP_SUBJECT:
		return need_lit(NF_SUBJECT, k->value);
	case QUERY_IMAP_HEADER:
		if (strcasecmp(k->field, "List-Id") == 0)
			return need_lit(NF_LIST, k->value);
		return need_new(NEED_TRUE);
	case QUERY_IMAP_AND:
	case QUERY_IMAP_OR:
		n = need_new(k->type == QUERY_IMAP_AND ? NEED_AND : NEED_OR);
		for (i = 0; i < k->nkids; i++) {
			kid = need_of(k->kids[i]);
			if (kid->type == NEED_TRUE) {
				need_free(&kid);
				if (n->type == NEED_OR) {
					/* One branch proves nothing: all do. */
					need_free(&n);
					return need_new(NEED_TRUE);
				}
				continue;
			}
			FCT_ALLOC_GROW(n->kids, n->n + 1, n->alloc);
			n->kids[n->n++] = kid;
		}
		if (n->n == 0) {
			need_free(&n);
			return need_new(NEED_TRUE);
		}
		if (n->n == 1) {
			kid = n->kids[0];
			n->n = 0;
			need_free(&n);
			return kid;
		}
		return n;
	default:
		return need_new(NEED_TRUE);
	}
}

/*
 * Whether h[0..hl) contains n[0..nl). glibc's memmem sets up a two-way
 * search on every call, which for needles and fields of a few dozen bytes
 * costs more than the search: memchr on the first byte and a memcmp is
 * several times faster here.
 */
static bool
contains(const char *h, size_t hl, const char *n, size_t nl)
{
	const char *p = h, *last;

	if (nl > hl)
		return false;
	last = h + (hl - nl);
	while (p <= last &&
	    (p = memchr(p, n[0], (size_t)(last - p) + 1)) != NULL) {
		if (memcmp(p + 1, n + 1, nl - 1) == 0)
			return true;
		p++;
	}
	return false;
}

/* A row's fields, lowercased, with their bigram bitmaps. */
struct row_fields {
	struct strbuf text[NF__COUNT];
	bool present[NF__COUNT];
	uint64_t bits[NF__COUNT][BIGRAM_BITS / 64];
};

static bool
need_eval(const struct need *n, const struct row_fields *f)
{
	const uint64_t *bits;
	unsigned b;
	size_t i;

	switch (n->type) {
	case NEED_TRUE:
		return true;
	case NEED_LIT:
		if (!f->present[n->field])
			return false;
		bits = f->bits[n->field];
		for (i = 0; i < n->nprobes; i++) {
			b = n->probes[i];
			if (!(bits[b / 64] & ((uint64_t)1 << (b % 64))))
				return false;
		}
		return contains(f->text[n->field].buf, f->text[n->field].len,
		    n->lit, n->len);
	case NEED_AND:
		for (i = 0; i < n->n; i++)
			if (!need_eval(n->kids[i], f))
				return false;
		return true;
	case NEED_OR:
		for (i = 0; i < n->n; i++)
			if (need_eval(n->kids[i], f))
				return true;
		return false;
	}
	return true;
}

/*
 * One rule's condition: the necessary condition on a row's fields, or,
 * for a rule that looks at bodies, none (the body is read for it; the
 * whole-folder path runs such rules as SQL instead).
 */
struct walk_rule {
	struct need *need; /* owned; NULL when body */
	bool body;
};

struct walk {
	struct ctx *c;
	struct walk_rule *rules; /* parallel to c->rs->v */
	size_t nrows;            /* usable rules that are not body rules */
	size_t nbody;            /* usable body rules */
	struct row_fields f;
};

static void
lower_field(struct walk *w, enum need_field f, const char *s)
{
	struct strbuf *sb = &w->f.text[f];
	uint64_t *bits = w->f.bits[f];
	unsigned b;
	size_t i;

	strbuf_reset(sb);
	memset(bits, 0, sizeof w->f.bits[f]);
	w->f.present[f] = s != NULL;
	if (s == NULL)
		return;
	strbuf_addstr(sb, s);
	for (i = 0; i < sb->len; i++)
		if (sb->buf[i] >= 'A' && sb->buf[i] <= 'Z')
			sb->buf[i] = (char)(sb->buf[i] + 32);
	for (i = 0; i + 1 < sb->len; i++) {
		b = bigram((unsigned char)sb->buf[i],
		    (unsigned char)sb->buf[i + 1]);
		bits[b / 64] |= (uint64_t)1 << (b % 64);
	}
}

static void
fill_fields(struct walk *w, const struct store_msg *m)
{
	lower_field(w, NF_FROM, m->from_text);
	lower_field(w, NF_TO, m->to_text);
	lower_field(w, NF_CC, m->cc_text);
	lower_field(w, NF_SUBJECT, m->subject);
	lower_field(w, NF_LIST, m->list_id);
}

/* The conditions of the usable rules, once per run; c->walk owned. */
static int
walk_prepare(struct ctx *c, struct fct_error *err)
{
	struct query_imap_key *k = NULL;
	struct walk *w = xcalloc(1, sizeof *w);
	bool exact;
	size_t i;

	c->walk = w;
	w->c = c;
	w->rules = xcalloc(c->rs->n + 1, sizeof *w->rules);
	for (i = 0; i < NF__COUNT; i++)
		strbuf_init(&w->f.text[i], 0);
	for (i = 0; i < c->rs->n; i++) {
		if (!c->usable[i])
			continue;
		if (query_to_imap(c->rs->v[i].when, c->now, &k, &exact, err) !=
		    0)
			return -1;
		w->rules[i].body = key_uses_body(k);
		if (w->rules[i].body)
			w->nbody++;
		else {
			w->rules[i].need = need_of(k);
			w->nrows++;
		}
		query_imap_key_free(&k);
	}
	return 0;
}

static void
walk_free(struct walk **wp, size_t nrules)
{
	struct walk *w = *wp;
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < nrules; i++)
		need_free(&w->rules[i].need);
	free(w->rules);
	for (i = 0; i < NF__COUNT; i++)
		strbuf_release(&w->f.text[i]);
	free(w);
	*wp = NULL;
}

/*
 * Pending mail and lists of UIDs: every usable rule, in order, on one
 * cached message, each behind its necessary condition as in the
 * whole-folder walk; a rule on bodies reads the message's body text from
 * the cache (once), so that `body:` means the same as in a search. Mail
 * whose body is not fetched has none: `body:` is false there.
 */
static int
eval_msg(struct ctx *c, const struct store_msg *m, struct fct_error *err)
{
	struct walk *w = c->walk;
	struct query_msg q;
	struct item *it = item_add(c, m->id, m->uid);
	char *body = NULL;
	bool body_read = false;
	size_t i;
	int rc = 0;

	it->from = m->from_text != NULL ? xstrdup(m->from_text) : NULL;
	it->subject = m->subject != NULL ? xstrdup(m->subject) : NULL;
	if (w->nrows > 0)
		fill_fields(w, m);
	to_query_msg(m, &q);
	for (i = 0; i < c->rs->n && !it->plan.stopped; i++) {
		if (!c->usable[i])
			continue;
		if (w->rules[i].body && !body_read) {
			body_read = true;
			if (store_rules_body_text(c->st, m->id, &body, err) <
			    0) {
				rc = -1;
				break;
			}
			q.body = body;
		} else if (!w->rules[i].body &&
		    !need_eval(w->rules[i].need, &w->f))
			continue;
		if (query_match(c->rs->v[i].when, &q, c->now))
			rules_plan_add(&it->plan, &c->rs->v[i]);
	}
	free(body);
	return rc;
}

static int
on_pending(const struct store_msg *m, void *arg)
{
	struct ctx *c = arg;

	if (eval_msg(c, m, c->err) != 0) {
		c->failed = true;
		return 1;
	}
	return 0;
}

static int
on_row(const struct store_msg *m, void *arg)
{
	struct walk *w = arg;
	struct ctx *c = w->c;
	struct query_msg q;
	size_t i;

	fill_fields(w, m);
	to_query_msg(m, &q);
	for (i = 0; i < c->rs->n; i++) {
		if (!c->usable[i] || w->rules[i].body ||
		    !need_eval(w->rules[i].need, &w->f) ||
		    !query_match(c->rs->v[i].when, &q, c->now))
			continue;
		c->rule = i;
		on_match(m, c);
	}
	return 0;
}

/* The whole folder: one pass for most rules, SQL for the rest. */
static int
eval_folder(struct ctx *c, struct fct_error *err)
{
	struct store_msg m = STORE_MSG_INIT;
	struct item *it = NULL;
	struct walk *w = c->walk;
	size_t i;
	bool old;
	int rc;

	rc = store_rules_pending_select(c->st, c->folder.id, on_pending_id, c,
	    err);
	if (rc == 0 && w->nrows > 0) {
		old = store_rules_show_pending(c->st, true);
		rc = store_msg_query(c->st, c->folder.id, NULL, c->now,
		    "uid ASC", 0, on_row, w, err);
		store_rules_show_pending(c->st, old);
	}
	for (i = 0; rc == 0 && i < c->rs->n; i++) {
		if (!c->usable[i] || !w->rules[i].body)
			continue;
		c->rule = i;
		rc = store_rules_query(c->st, c->folder.id, c->rs->v[i].when,
		    c->now, on_match, c, err);
	}
	if (rc != 0)
		return -1;
	if (c->npairs > 0)
		qsort(c->pairs, c->npairs, sizeof *c->pairs, pair_cmp);
	for (i = 0; i < c->npairs; i++) {
		if (it == NULL || it->uid != c->pairs[i].uid)
			it = item_add(c, c->pairs[i].id, c->pairs[i].uid);
		if (!it->plan.stopped)
			rules_plan_add(&it->plan, &c->rs->v[c->pairs[i].rule]);
	}
	/* Names for the report: only for the messages some rule matched. */
	for (i = 0; c->cb != NULL && c->cb->message != NULL && i < c->nitems;
	     i++) {
		it = &c->items[i];
		if (store_msg_get(c->st, c->folder.id, it->uid, &m, err) < 0) {
			store_msg_release(&m);
			return -1;
		}
		it->from = m.from_text;
		it->subject = m.subject;
		m.from_text = m.subject = NULL;
	}
	store_msg_release(&m);
	return 0;
}

static int
eval_uids(struct ctx *c, const uint32_t *uids, size_t n, struct fct_error *err)
{
	struct store_msg m = STORE_MSG_INIT;
	size_t i;
	int found;

	for (i = 0; i < n; i++) {
		if ((found = store_msg_get(c->st, c->folder.id, uids[i], &m,
			 err)) < 0)
			break;
		if (found == 0)
			continue; /* gone meanwhile: nothing to do */
		if (eval_msg(c, &m, err) != 0)
			break;
	}
	store_msg_release(&m);
	return i == n ? 0 : -1;
}

/* Where the plan sends the message, or NULL: stays. */
static const char *
resolve_dest(const struct ctx *c, const struct rules_plan *p)
{
	const char *d;

	if (p->dest == NULL)
		return NULL;
	d = p->dest->kind == RULE_ACTION_DELETE ? c->trash
	    : p->dest->kind == RULE_ACTION_SPAM ? c->junk
						: p->dest->arg;
	if (d == NULL || strcmp(d, c->folder.name) == 0)
		return NULL;
	return d;
}

static struct group *
group_of(struct ctx *c, const char *kind, const char *dest, char op,
    unsigned flags, const char *keywords)
{
	struct group *g;
	size_t i;

	for (i = 0; i < c->ngroups; i++) {
		g = &c->groups[i];
		if (strcmp(g->kind, kind) == 0 && g->op == op &&
		    g->flags == flags &&
		    (g->dest == NULL
			    ? dest == NULL
			    : dest != NULL && strcmp(g->dest, dest) == 0) &&
		    (g->keywords == NULL ? keywords == NULL
					 : keywords != NULL &&
				strcmp(g->keywords, keywords) == 0))
			return g;
	}
	FCT_ALLOC_GROW(c->groups, c->ngroups + 1, c->groups_alloc);
	g = &c->groups[c->ngroups++];
	memset(g, 0, sizeof *g);
	g->kind = kind;
	g->dest = dest;
	g->op = op;
	g->flags = flags;
	g->keywords = keywords != NULL ? xstrdup(keywords) : NULL;
	return g;
}

static void
group_add(struct group *g, uint32_t uid)
{
	FCT_ALLOC_GROW(g->uids, g->n + 1, g->alloc);
	g->uids[g->n++] = uid;
}

static void
make_groups(struct ctx *c)
{
	struct strbuf kw = STRBUF_INIT;
	struct item *it;
	size_t i, k;

	for (i = 0; i < c->nitems; i++) {
		it = &c->items[i];
		it->dest = resolve_dest(c, &it->plan);
		if (it->plan.set != 0 || it->plan.nkeywords > 0) {
			strbuf_reset(&kw);
			for (k = 0; k < it->plan.nkeywords; k++)
				strbuf_addf(&kw, "%s%s ", k == 0 ? " " : "",
				    it->plan.keywords[k]);
			group_add(group_of(c, "flag", NULL, '+', it->plan.set,
				      kw.len > 0 ? kw.buf : NULL),
			    it->uid);
		}
		if (it->plan.clear != 0)
			group_add(group_of(c, "flag", NULL, '-', it->plan.clear,
				      NULL),
			    it->uid);
		for (k = 0; k < it->plan.ncopies; k++)
			group_add(group_of(c, "copy", it->plan.copies[k], '\0',
				      0, NULL),
			    it->uid);
		if (it->dest != NULL)
			c->stats->moved++;
		if (it->dest != NULL)
			group_add(group_of(c, "move", it->dest, '\0', 0, NULL),
			    it->uid);
	}
	strbuf_release(&kw);
}

/* Queues the groups, flags first, then copies, then moves. */
static int
queue_jobs(struct ctx *c, struct fct_error *err)
{
	static const char *const order[] = { "flag", "copy", "move" };
	struct sync_job_spec spec;
	struct strbuf payload = STRBUF_INIT;
	struct group *g;
	size_t i, k;
	int rc = 0;

	for (k = 0; rc == 0 && k < FCT_ARRAY_LEN(order); k++) {
		for (i = 0; rc == 0 && i < c->ngroups; i++) {
			g = &c->groups[i];
			if (strcmp(g->kind, order[k]) != 0)
				continue;
			memset(&spec, 0, sizeof spec);
			spec.folder = c->folder.name;
			spec.uids = g->uids;
			spec.nuids = g->n;
			spec.dest = g->dest;
			spec.op = g->op;
			spec.flags = g->flags;
			spec.keywords = g->keywords;
			strbuf_reset(&payload);
			rc = sync_job_make(&payload, &spec, err);
			if (rc == 0)
				rc = store_job_add(c->st, g->kind, payload.buf,
				    NULL, err);
			if (rc == 0)
				c->stats->jobs++;
		}
	}
	strbuf_release(&payload);
	return rc;
}

/*
 * A local folder: the groups applied to the cache at once, in the
 * caller's transaction, in the same order as queue_jobs.
 */
static int
apply_local(struct ctx *c, struct fct_error *err)
{
	static const char *const order[] = { "flag", "move" };
	struct sync_job_spec spec;
	struct group *g;
	const char *role;
	unsigned done;
	size_t i, k;

	for (k = 0; k < FCT_ARRAY_LEN(order); k++) {
		for (i = 0; i < c->ngroups; i++) {
			g = &c->groups[i];
			if (strcmp(g->kind, order[k]) != 0)
				continue;
			memset(&spec, 0, sizeof spec);
			spec.folder = c->folder.name;
			spec.uids = g->uids;
			spec.nuids = g->n;
			spec.dest = g->dest;
			spec.op = g->op;
			spec.flags = g->flags;
			spec.keywords = g->keywords;
			role = g->dest == NULL               ? NULL
			    : strcmp(g->dest, c->trash) == 0 ? "trash"
			    : strcmp(g->dest, c->junk) == 0  ? "junk"
							     : NULL;
			if (sync_local_apply(c->st, g->kind, &spec, role, NULL,
				&done, err) != 0)
				return -1;
		}
	}
	return store_local_recount(c->st, err);
}

static int
unmark(struct ctx *c, bool bulk, struct fct_error *err)
{
	int64_t *ids;
	size_t i;
	int rc;

	/* The whole folder: every pending message was evaluated. */
	if (bulk)
		return store_rules_pending_done(c->st, c->pending, c->npending,
		    err);
	/* Pending or a list: every message evaluated. */
	if (c->nitems == 0)
		return 0;
	ids = xreallocarray(NULL, c->nitems, sizeof *ids);
	for (i = 0; i < c->nitems; i++)
		ids[i] = c->items[i].id;
	rc = store_rules_pending_done(c->st, ids, c->nitems, err);
	free(ids);
	return rc;
}

static void
report(struct ctx *c)
{
	struct sync_rules_result r;
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		if (c->items[i].plan.nrules == 0)
			continue;
		c->stats->matched++;
		if (c->cb == NULL || c->cb->message == NULL)
			continue;
		r.uid = c->items[i].uid;
		r.from = c->items[i].from;
		r.subject = c->items[i].subject;
		r.plan = &c->items[i].plan;
		r.dest = c->items[i].dest;
		c->cb->message(c->cb->arg, &r);
	}
}

static void
ctx_release(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		free(c->items[i].from);
		free(c->items[i].subject);
		rules_plan_release(&c->items[i].plan);
	}
	free(c->items);
	for (i = 0; i < c->ngroups; i++) {
		free(c->groups[i].keywords);
		free(c->groups[i].uids);
	}
	free(c->groups);
	free(c->pairs);
	free(c->pending);
	walk_free(&c->walk, c->rs->n);
	free(c->usable);
	free(c->folder_local);
	free(c->trash);
	free(c->junk);
	store_folder_list_release(&c->folders);
	store_folder_release(&c->folder);
}

int
sync_rules_apply(struct store *st, const char *account, const struct rules *rs,
    const char *folder, const uint32_t *uids, size_t nuids, unsigned flags,
    time_t now, const struct sync_rules_callbacks *cb,
    struct sync_rules_stats *stats, struct fct_error *err)
{
	struct ctx c;
	bool dry = (flags & SYNC_RULES_DRY_RUN) != 0;
	int rc = -1;

	memset(&c, 0, sizeof c);
	memset(stats, 0, sizeof *stats);
	c.st = st;
	c.account = account;
	c.rs = rs;
	c.cb = cb;
	c.stats = stats;
	c.now = now;
	if (prepare(&c, folder, err) != 0)
		goto out;
	/* The evaluation inside the write transaction: see the top. */
	if (!dry && store_begin(st, err) != 0)
		goto out;
	c.err = err;
	if (walk_prepare(&c, err) != 0)
		rc = -1;
	else if (flags & SYNC_RULES_PENDING) {
		rc = store_rules_pending_select(st, c.folder.id, on_pending, &c,
		    err);
		if (rc == 0 && c.failed)
			rc = -1;
	} else if (uids != NULL)
		rc = eval_uids(&c, uids, nuids, err);
	else
		rc = eval_folder(&c, err);
	if (rc == 0) {
		make_groups(&c);
		stats->examined = (unsigned)c.nitems;
	}
	if (!dry) {
		if (rc == 0)
			rc = c.local ? apply_local(&c, err)
				     : queue_jobs(&c, err);
		if (rc == 0)
			rc = unmark(&c,
			    !(flags & SYNC_RULES_PENDING) && uids == NULL, err);
		if (rc == 0)
			rc = store_commit(st, err);
		if (rc != 0) {
			store_rollback(st);
			stats->jobs = 0;
		}
	}
	if (rc == 0)
		report(&c);
out:
	ctx_release(&c);
	return rc;
}

/* --- Bodies for the rules on new mail --------------------------------- */

struct body_want {
	struct store *st;
	uint32_t *uids;
	size_t n, alloc;
	struct fct_error *err;
	bool failed;
};

static int
on_pending_body(const struct store_msg *m, void *arg)
{
	struct body_want *b = arg;
	char *text = NULL;
	int found;

	if (m->size > SYNC_RULES_BODY_MAX)
		return 0;
	if ((found = store_rules_body_text(b->st, m->id, &text, b->err)) < 0) {
		b->failed = true;
		return 1;
	}
	free(text);
	if (found == 0) {
		FCT_ALLOC_GROW(b->uids, b->n + 1, b->alloc);
		b->uids[b->n++] = m->uid;
	}
	return 0;
}

/* Whether some rule in scope for (account, folder) looks at bodies. */
static int
rules_want_bodies(const struct rules *rs, const char *account,
    const struct store_folder *f, bool *want, struct fct_error *err)
{
	struct query_imap_key *k = NULL;
	bool inbox, exact;
	size_t i;

	*want = false;
	inbox = (f->role != NULL && strcmp(f->role, "inbox") == 0) ||
	    strcasecmp(f->name, "INBOX") == 0;
	for (i = 0; i < rs->n && !*want; i++) {
		if (!rules_in_scope(&rs->v[i], account, f->name, inbox))
			continue;
		if (query_to_imap(rs->v[i].when, time(NULL), &k, &exact, err) !=
		    0)
			return -1;
		*want = key_uses_body(k);
		query_imap_key_free(&k);
	}
	return 0;
}

int
sync_rules_fetch_bodies(struct imap_session *s, struct store *st,
    const char *account, const struct rules *rs, const char *folder,
    uint64_t budget, unsigned *fetched, struct fct_error *err)
{
	struct store_folder f = STORE_FOLDER_INIT;
	struct body_want b;
	bool want;
	int found, rc = -1;

	*fetched = 0;
	memset(&b, 0, sizeof b);
	b.st = st;
	b.err = err;
	if ((found = store_folder_get(st, folder, &f, err)) <= 0) {
		if (found == 0)
			fct_error_set(err, "no folder '%s' in the cache",
			    folder);
		goto out;
	}
	if (rules_want_bodies(rs, account, &f, &want, err) != 0)
		goto out;
	if (want &&
	    (store_rules_pending_select(st, f.id, on_pending_body, &b, err) !=
		    0 ||
		b.failed))
		goto out;
	if (b.n > 0 &&
	    sync_fetch_bodies(s, st, folder, b.uids, b.n, budget, fetched,
		err) != 0)
		goto out;
	rc = 0;
out:
	free(b.uids);
	store_folder_release(&f);
	return rc;
}

/* --- A rule drafted from a message ----------------------------------- */

struct draft {
	const struct store_folder_list *folders;
	int64_t source;
	const char *found; /* borrowed from folders */
};

static bool
draft_folder_ok(const struct store_folder *f, int64_t source)
{
	static const char *const skip[] = { "inbox", "trash", "junk", "sent",
		"drafts" };
	size_t i;

	if (f->id == source || f->noselect)
		return false;
	for (i = 0; f->role != NULL && i < FCT_ARRAY_LEN(skip); i++)
		if (strcmp(f->role, skip[i]) == 0)
			return false;
	return strcasecmp(f->name, "INBOX") != 0;
}

static int
on_draft(const struct store_msg *m, void *arg)
{
	struct draft *d = arg;
	size_t i;

	for (i = 0; i < d->folders->n; i++) {
		const struct store_folder *f = &d->folders->v[i];

		if (f->id == m->folder_id && draft_folder_ok(f, d->source)) {
			d->found = f->name;
			return 1;
		}
	}
	return 0;
}

int
sync_rules_draft(struct store *st, const struct rules *rs, const char *folder,
    uint32_t uid, time_t now, struct strbuf *out, struct fct_error *err)
{
	struct store_folder src = STORE_FOLDER_INIT;
	struct store_folder_list l = STORE_FOLDER_LIST_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct strbuf text = STRBUF_INIT;
	struct draft d = { &l, 0, NULL };
	struct query *q = NULL;
	int found, rc = -1;

	if ((found = store_folder_get(st, folder, &src, err)) <= 0) {
		if (found == 0)
			fct_error_set(err, "no folder '%s' in the cache",
			    folder);
		goto out;
	}
	if ((found = store_msg_get(st, src.id, uid, &m, err)) <= 0) {
		if (found == 0)
			fct_error_set(err, "no message %u in '%s'", uid,
			    folder);
		goto out;
	}
	if (rules_draft_query(m.from_text, m.list_id, &text) != 0) {
		fct_error_set(err,
		    "message %u of '%s' has neither a list nor "
		    "a sender",
		    uid, folder);
		goto out;
	}
	d.source = src.id;
	if (query_parse(text.buf, &q, err) != 0 ||
	    store_folder_list(st, &l, err) != 0 ||
	    store_msg_query(st, 0, q, now, "date DESC", 500, on_draft, &d,
		err) != 0)
		goto out;
	if (rules_draft(rs, m.from_text, m.list_id, d.found, out) != 0)
		BUG("a draft query, then no draft");
	rc = 0;
out:
	query_free(&q);
	strbuf_release(&text);
	store_msg_release(&m);
	store_folder_list_release(&l);
	store_folder_release(&src);
	return rc;
}
