/*
 * Changing messages: flags and keywords, copy and move, and the server-side
 * search that the query language compiles to.
 *
 * Every string that reaches a command here is checked for CR and LF first:
 * libetpan writes quoted strings without escaping them, so a keyword, a
 * folder name or a search word holding a line break could smuggle a
 * command of its own.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/imap.h"
#include "facteur/query.h"
#include "private.h"

bool
imap_has_line_break(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

static struct mailimap_set *
uid_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i, j;

	if (set == NULL)
		fct_fatal("out of memory");
	for (i = 0; i < n; i = j + 1) {
		for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++)
			;
		if (mailimap_set_add_interval(set, uids[i], uids[j]) !=
		    MAILIMAP_NO_ERROR)
			fct_fatal("out of memory");
	}
	return set;
}

void
imap_flag_list_add(struct mailimap_flag_list *fl, struct mailimap_flag *f)
{
	if (f == NULL || mailimap_flag_list_add(fl, f) != MAILIMAP_NO_ERROR)
		fct_fatal("out of memory");
}

struct mailimap_flag_list *
imap_flag_list_new(unsigned flags)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();

	if (fl == NULL)
		fct_fatal("out of memory");
	if (flags & FCT_FLAG_SEEN)
		imap_flag_list_add(fl, mailimap_flag_new_seen());
	if (flags & FCT_FLAG_ANSWERED)
		imap_flag_list_add(fl, mailimap_flag_new_answered());
	if (flags & FCT_FLAG_FLAGGED)
		imap_flag_list_add(fl, mailimap_flag_new_flagged());
	if (flags & FCT_FLAG_DELETED)
		imap_flag_list_add(fl, mailimap_flag_new_deleted());
	if (flags & FCT_FLAG_DRAFT)
		imap_flag_list_add(fl, mailimap_flag_new_draft());
	return fl;
}

int
imap_store_flags(struct imap_session *s, const uint32_t *uids, size_t n,
    char op, unsigned flags, const char *keywords, struct imap_changes *ch,
    struct fct_error *err)
{
	struct mailimap_flag_list *fl;
	struct mailimap_store_att_flags *att;
	struct mailimap_set *set;
	const char *k, *end;
	int r;

	if (n == 0)
		return 0;
	if (imap_has_line_break(keywords))
		return fct_error_set(err, "bad keyword '%s'", keywords);
	fl = imap_flag_list_new(flags);
	for (k = keywords; k != NULL && *k != '\0'; k = end) {
		while (*k == ' ')
			k++;
		for (end = k; *end != '\0' && *end != ' '; end++)
			;
		if (end > k)
			imap_flag_list_add(fl,
			    mailimap_flag_new_flag_keyword(
				xstrndup(k, (size_t)(end - k))));
	}
	att = op == '+' ? mailimap_store_att_flags_new_add_flags_silent(fl)
			: mailimap_store_att_flags_new_remove_flags_silent(fl);
	if (att == NULL)
		fct_fatal("out of memory");
	set = uid_set(uids, n);
	r = mailimap_uid_store(s->imap, set, att);
	mailimap_set_free(set);
	mailimap_store_att_flags_free(att);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot change flags");
	imap_harvest(s, ch);
	return 0;
}

void
imap_copyuid_release(struct imap_copyuid *cu)
{
	imap_uid_list_release(&cu->src);
	imap_uid_list_release(&cu->dst);
	cu->uidvalidity = 0;
}

/* Expands a COPYUID set; bounded by what we asked to copy. */
static void
expand_set(const struct mailimap_set *set, struct imap_uid_list *out,
    size_t bound)
{
	struct mailimap_set_item *item;
	clistiter *it;
	uint32_t u;

	if (set == NULL)
		return;
	for (it = clist_begin(set->set_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		for (u = item->set_first; u <= item->set_last && out->n < bound;
		     u++) {
			imap_uid_list_add(out, u);
			if (u == UINT32_MAX)
				break;
		}
	}
}

int
imap_copy(struct imap_session *s, const uint32_t *uids, size_t n,
    const char *dest_raw, bool move, struct imap_copyuid *cu,
    struct imap_changes *ch, struct fct_error *err)
{
	struct mailimap_set *set, *src = NULL, *dst = NULL;
	bool uidplus = mailimap_has_extension(s->imap, "UIDPLUS");
	bool native_move = move && mailimap_has_extension(s->imap, "MOVE");
	uint32_t validity = 0;
	int r;

	if (n == 0)
		return 0;
	if (imap_has_line_break(dest_raw))
		return fct_error_set(err, "bad folder name '%s'", dest_raw);
	set = uid_set(uids, n);
	if (native_move)
		r = uidplus ? mailimap_uidplus_uid_move(s->imap, set, dest_raw,
				  &validity, &src, &dst)
			    : mailimap_uid_move(s->imap, set, dest_raw);
	else
		r = uidplus ? mailimap_uidplus_uid_copy(s->imap, set, dest_raw,
				  &validity, &src, &dst)
			    : mailimap_uid_copy(s->imap, set, dest_raw);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR) {
		if (src != NULL)
			mailimap_set_free(src);
		if (dst != NULL)
			mailimap_set_free(dst);
		return imap_error(s, r, err, "cannot %s messages to '%s'",
		    move ? "move" : "copy", dest_raw);
	}
	imap_harvest(s, ch);
	if (cu != NULL) {
		cu->uidvalidity = validity;
		expand_set(src, &cu->src, n);
		expand_set(dst, &cu->dst, n);
	}
	if (src != NULL)
		mailimap_set_free(src);
	if (dst != NULL)
		mailimap_set_free(dst);
	if (!move || native_move)
		return 0;
	/* The copy exists: now, and only now, remove the originals. */
	if (imap_store_flags(s, uids, n, '+', FCT_FLAG_DELETED, NULL, ch,
		err) != 0)
		return fct_error_prefix(err,
		    "copied, but cannot remove the "
		    "originals");
	if (!uidplus)
		return 0;
	if (imap_expunge(s, uids, n, ch, err) != 0)
		return fct_error_prefix(err,
		    "copied, but cannot remove the "
		    "originals");
	return 0;
}

int
imap_expunge(struct imap_session *s, const uint32_t *uids, size_t n,
    struct imap_changes *ch, struct fct_error *err)
{
	struct mailimap_set *set;
	int r;

	if (n == 0)
		return 0;
	/* A plain EXPUNGE would also remove whatever else is marked
	 * \Deleted: without UIDPLUS, do nothing rather than that. */
	if (!mailimap_has_extension(s->imap, "UIDPLUS"))
		return fct_error_set(err,
		    "the server cannot expunge single "
		    "messages (no UIDPLUS)");
	set = uid_set(uids, n);
	r = mailimap_uid_expunge(s->imap, set);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot expunge messages");
	imap_harvest(s, ch);
	return 0;
}

static struct mailimap_date *
imap_date(const struct query_imap_date *d)
{
	struct mailimap_date *md = mailimap_date_new(d->day, d->month, d->year);

	if (md == NULL)
		fct_fatal("out of memory");
	return md;
}

static struct mailimap_search_key *
flag_key(int type)
{
	return mailimap_search_key_new(type, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL,
	    NULL, NULL, NULL, 0, NULL, NULL, NULL);
}

/* Builds libetpan's key; NULL when a string cannot be sent safely. */
static struct mailimap_search_key *
convert(const struct query_imap_key *k, int depth)
{
	struct mailimap_search_key *r = NULL, *a, *b;
	size_t i;

	if (depth > 200 || imap_has_line_break(k->value) ||
	    imap_has_line_break(k->field))
		return NULL;
	switch (k->type) {
	case QUERY_IMAP_ALL:
		return mailimap_search_key_new_all();
	case QUERY_IMAP_AND:
		if ((r = mailimap_search_key_new_multiple_empty()) == NULL)
			fct_fatal("out of memory");
		for (i = 0; i < k->nkids; i++) {
			if ((a = convert(k->kids[i], depth + 1)) == NULL) {
				mailimap_search_key_free(r);
				return NULL;
			}
			if (mailimap_search_key_multiple_add(r, a) !=
			    MAILIMAP_NO_ERROR)
				fct_fatal("out of memory");
		}
		return r;
	case QUERY_IMAP_OR:
		if (k->nkids != 2)
			return NULL;
		if ((a = convert(k->kids[0], depth + 1)) == NULL)
			return NULL;
		if ((b = convert(k->kids[1], depth + 1)) == NULL) {
			mailimap_search_key_free(a);
			return NULL;
		}
		return mailimap_search_key_new_or(a, b);
	case QUERY_IMAP_NOT:
		if (k->nkids != 1 ||
		    (a = convert(k->kids[0], depth + 1)) == NULL)
			return NULL;
		return mailimap_search_key_new_not(a);
	case QUERY_IMAP_FROM:
		return mailimap_search_key_new_from(xstrdup(k->value));
	case QUERY_IMAP_TO:
		return mailimap_search_key_new_to(xstrdup(k->value));
	case QUERY_IMAP_CC:
		return mailimap_search_key_new_cc(xstrdup(k->value));
	case QUERY_IMAP_SUBJECT:
		return mailimap_search_key_new_subject(xstrdup(k->value));
	case QUERY_IMAP_BODY:
		return mailimap_search_key_new_body(xstrdup(k->value));
	case QUERY_IMAP_TEXT:
		return mailimap_search_key_new_text(xstrdup(k->value));
	case QUERY_IMAP_HEADER:
		return mailimap_search_key_new_header(xstrdup(k->field),
		    xstrdup(k->value));
	case QUERY_IMAP_KEYWORD:
		return mailimap_search_key_new_keyword(xstrdup(k->value));
	case QUERY_IMAP_UNKEYWORD:
		return mailimap_search_key_new_unkeyword(xstrdup(k->value));
	case QUERY_IMAP_SEEN:
		return flag_key(MAILIMAP_SEARCH_KEY_SEEN);
	case QUERY_IMAP_UNSEEN:
		return flag_key(MAILIMAP_SEARCH_KEY_UNSEEN);
	case QUERY_IMAP_FLAGGED:
		return flag_key(MAILIMAP_SEARCH_KEY_FLAGGED);
	case QUERY_IMAP_UNFLAGGED:
		return flag_key(MAILIMAP_SEARCH_KEY_UNFLAGGED);
	case QUERY_IMAP_ANSWERED:
		return flag_key(MAILIMAP_SEARCH_KEY_ANSWERED);
	case QUERY_IMAP_UNANSWERED:
		return flag_key(MAILIMAP_SEARCH_KEY_UNANSWERED);
	case QUERY_IMAP_DRAFT:
		return flag_key(MAILIMAP_SEARCH_KEY_DRAFT);
	case QUERY_IMAP_UNDRAFT:
		return flag_key(MAILIMAP_SEARCH_KEY_UNDRAFT);
	case QUERY_IMAP_DELETED:
		return flag_key(MAILIMAP_SEARCH_KEY_DELETED);
	case QUERY_IMAP_UNDELETED:
		return flag_key(MAILIMAP_SEARCH_KEY_UNDELETED);
	case QUERY_IMAP_LARGER:
		return mailimap_search_key_new_larger(k->number);
	case QUERY_IMAP_SMALLER:
		return mailimap_search_key_new_smaller(k->number);
	case QUERY_IMAP_SENTSINCE:
		return mailimap_search_key_new_sentsince(imap_date(&k->date));
	case QUERY_IMAP_SENTBEFORE:
		return mailimap_search_key_new_sentbefore(imap_date(&k->date));
	case QUERY_IMAP_SENTON:
		return mailimap_search_key_new_senton(imap_date(&k->date));
	}
	return NULL;
}

int
imap_search(struct imap_session *s, const struct query_imap_key *key,
    struct imap_uid_list *out, struct imap_changes *ch, struct fct_error *err)
{
	struct mailimap_search_key *k;
	clist *result = NULL;
	clistiter *it;
	bool utf8 = query_imap_key_needs_utf8(key);
	size_t from = out->n;
	int r;

	if ((k = convert(key, 0)) == NULL)
		return fct_error_set(err,
		    "search cannot be sent to the server "
		    "(line break in a search word)");
	/* 8-bit words go as literals where LITERAL+ allows it; otherwise
	 * libetpan sends them quoted, which tolerant servers accept. */
	if (utf8 && mailimap_has_extension(s->imap, "LITERAL+"))
		r = mailimap_uid_search_literalplus(s->imap, "UTF-8", k,
		    &result);
	else
		r = mailimap_uid_search(s->imap, utf8 ? "UTF-8" : NULL, k,
		    &result);
	mailimap_search_key_free(k);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "server search failed");
	imap_harvest(s, ch);
	for (it = clist_begin(result); it != NULL; it = clist_next(it))
		imap_uid_list_add(out, *(uint32_t *)clist_content(it));
	mailimap_search_result_free(result);
	if (out->n > from)
		qsort(out->v + from, out->n - from, sizeof *out->v,
		    fct_u32_cmp);
	return 0;
}
