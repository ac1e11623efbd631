/*
 * SELECT, FETCH and SEARCH for the sync engine, and the harvest of what the
 * server says unasked.
 *
 * libetpan keeps untagged data (EXISTS, EXPUNGE, VANISHED, HIGHESTMODSEQ)
 * in the session only until the next command starts, and its QRESYNC
 * helpers return only the first VANISHED response. So every command here
 * passes NULL for libetpan's own VANISHED result and, right after the
 * command, imap_harvest() walks the whole response list itself.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facteur/imap.h"
#include "facteur/query.h"
#include "private.h"

/* Bounds on what a hostile BODYSTRUCTURE can make us build. */
#define PARTS_MAX_DEPTH 32
#define PARTS_MAX_LEN 1024

static const char *const sync_mode_names[] = {
	[IMAP_SYNC_CLASSIC] = "classic",
	[IMAP_SYNC_CONDSTORE] = "condstore",
	[IMAP_SYNC_QRESYNC] = "qresync",
};

const char *
imap_sync_mode_name(enum imap_sync_mode mode)
{
	if ((size_t)mode >= FCT_ARRAY_LEN(sync_mode_names))
		BUG("bad sync mode %d", (int)mode);
	return sync_mode_names[mode];
}

enum imap_sync_mode
imap_session_sync_mode(struct imap_session *s, enum imap_sync_mode want)
{
	if (want >= IMAP_SYNC_QRESYNC && s->qresync_enabled)
		return IMAP_SYNC_QRESYNC;
	if (want >= IMAP_SYNC_CONDSTORE && mailimap_has_condstore(s->imap))
		return IMAP_SYNC_CONDSTORE;
	return IMAP_SYNC_CLASSIC;
}

void
imap_uid_list_add(struct imap_uid_list *l, uint32_t uid)
{
	FCT_ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = uid;
}

void
imap_uid_list_release(struct imap_uid_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

void
imap_changes_release(struct imap_changes *ch)
{
	free(ch->vanished.v);
	memset(ch, 0, sizeof *ch);
}

static void
add_range(struct imap_range_list *l, uint32_t first, uint32_t last)
{
	FCT_ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n].first = first < last ? first : last;
	l->v[l->n].last = first < last ? last : first;
	l->n++;
}

static void
harvest_vanished(struct imap_changes *ch,
    const struct mailimap_qresync_vanished *v)
{
	struct mailimap_set_item *item;
	clistiter *it;

	if (v == NULL || v->qr_known_uids == NULL)
		return;
	for (it = clist_begin(v->qr_known_uids->set_list); it != NULL;
	     it = clist_next(it)) {
		item = clist_content(it);
		/* '*' (0) cannot appear in VANISHED; treat it as the top. */
		add_range(&ch->vanished, item->set_first,
		    item->set_last == 0 ? UINT32_MAX : item->set_last);
	}
}

void
imap_harvest(struct imap_session *s, struct imap_changes *ch)
{
	struct mailimap_response_info *ri = s->imap->imap_response_info;
	struct mailimap_selection_info *si = s->imap->imap_selection_info;
	struct mailimap_extension_data *ext;
	struct mailimap_condstore_resptextcode *code;
	clistiter *it;

	if (ch == NULL || ri == NULL)
		return;
	for (it = clist_begin(ri->rsp_extension_list); it != NULL;
	     it = clist_next(it)) {
		ext = clist_content(it);
		if (ext->ext_data == NULL)
			continue;
		if (ext->ext_extension->ext_id == MAILIMAP_EXTENSION_QRESYNC &&
		    ext->ext_type == MAILIMAP_QRESYNC_TYPE_VANISHED)
			harvest_vanished(ch, ext->ext_data);
		else if (ext->ext_extension->ext_id ==
			MAILIMAP_EXTENSION_CONDSTORE &&
		    ext->ext_type == MAILIMAP_CONDSTORE_TYPE_RESP_TEXT_CODE) {
			code = ext->ext_data;
			if (code->cs_type ==
			    MAILIMAP_CONDSTORE_RESPTEXTCODE_HIGHESTMODSEQ)
				ch->highestmodseq =
				    code->cs_data.cs_modseq_value;
		}
	}
	if (ri->rsp_expunged != NULL && clist_count(ri->rsp_expunged) > 0)
		ch->expunged = true;
	if (si != NULL && si->sel_has_exists) {
		ch->has_exists = true;
		ch->exists = si->sel_exists;
	}
}

int
imap_session_enable_qresync(struct imap_session *s, struct fct_error *err)
{
	struct mailimap_capability_data *want, *got = NULL;
	struct mailimap_capability *cap;
	clist *caps;
	char *name;
	int r;

	if (s->qresync_enabled || !mailimap_has_qresync(s->imap) ||
	    !mailimap_has_condstore(s->imap))
		return 0;
	if ((caps = clist_new()) == NULL)
		fct_fatal("out of memory");
	name = xstrdup("QRESYNC");
	cap = mailimap_capability_new(MAILIMAP_CAPABILITY_NAME, NULL, name);
	if (cap == NULL || clist_append(caps, cap) < 0 ||
	    (want = mailimap_capability_data_new(caps)) == NULL)
		fct_fatal("out of memory");
	/* mailimap_capability_data_free frees caps, cap and name. */
	r = mailimap_enable(s->imap, want, &got);
	mailimap_capability_data_free(want);
	if (got != NULL)
		mailimap_capability_data_free(got);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot enable QRESYNC");
	s->qresync_enabled = true;
	return 0;
}

static void
add_keyword(struct strbuf *kw, const char *word)
{
	if (word == NULL || *word == '\0' || strpbrk(word, " \t\r\n") != NULL)
		return;
	if (kw->len == 0)
		strbuf_addch(kw, ' ');
	strbuf_addstr(kw, word);
	strbuf_addch(kw, ' ');
}

static void
read_flags(const struct mailimap_msg_att_dynamic *dyn, struct imap_msg *m,
    struct strbuf *kw)
{
	struct mailimap_flag_fetch *ff;
	clistiter *it;

	m->has_flags = true;
	m->flags = 0;
	if (dyn == NULL || dyn->att_list == NULL)
		return;
	for (it = clist_begin(dyn->att_list); it != NULL; it = clist_next(it)) {
		ff = clist_content(it);
		if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER ||
		    ff->fl_flag == NULL)
			continue;
		switch (ff->fl_flag->fl_type) {
		case MAILIMAP_FLAG_SEEN:
			m->flags |= FCT_FLAG_SEEN;
			break;
		case MAILIMAP_FLAG_ANSWERED:
			m->flags |= FCT_FLAG_ANSWERED;
			break;
		case MAILIMAP_FLAG_FLAGGED:
			m->flags |= FCT_FLAG_FLAGGED;
			break;
		case MAILIMAP_FLAG_DELETED:
			m->flags |= FCT_FLAG_DELETED;
			break;
		case MAILIMAP_FLAG_DRAFT:
			m->flags |= FCT_FLAG_DRAFT;
			break;
		case MAILIMAP_FLAG_KEYWORD:
			add_keyword(kw, ff->fl_flag->fl_data.fl_keyword);
			break;
		default:
			break;
		}
	}
}

static int64_t
date_time_to_unix(const struct mailimap_date_time *dt)
{
	struct tm tm;
	int zone, offset;
	time_t t;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return 0;
	/* dt_zone is +hhmm as a number: -0130 is -130. */
	zone = dt->dt_zone < 0 ? -dt->dt_zone : dt->dt_zone;
	offset = (zone / 100) * 3600 + (zone % 100) * 60;
	return (int64_t)t - (dt->dt_zone < 0 ? -offset : offset);
}

static const char *
param_value(const struct mailimap_body_fld_param *p, const char *name)
{
	struct mailimap_single_body_fld_param *sp;
	clistiter *it;

	if (p == NULL)
		return NULL;
	for (it = clist_begin(p->pa_list); it != NULL; it = clist_next(it)) {
		sp = clist_content(it);
		if (strcasecmp(sp->pa_name, name) == 0 ||
		    (strncasecmp(sp->pa_name, name, strlen(name)) == 0 &&
			sp->pa_name[strlen(name)] == '*'))
			return sp->pa_value;
	}
	return NULL;
}

static void
add_type(struct strbuf *sb, const char *type, const char *subtype)
{
	if (sb->len >= PARTS_MAX_LEN)
		return;
	strbuf_addf(sb, "%s/%s", type, subtype != NULL ? subtype : "?");
}

/* Appends the part's MIME types to sb; tells whether it attaches a file. */
static bool
summarise_body(const struct mailimap_body *b, struct strbuf *sb, int depth)
{
	const struct mailimap_body_type_1part *one;
	const struct mailimap_body_type_mpart *multi;
	const struct mailimap_body_fld_dsp *dsp = NULL;
	const struct mailimap_body_fields *fields = NULL;
	const struct mailimap_media_basic *media;
	bool attach = false, named;
	clistiter *it;

	if (b == NULL || depth > PARTS_MAX_DEPTH)
		return false;
	if (b->bd_type == MAILIMAP_BODY_MPART) {
		multi = b->bd_data.bd_body_mpart;
		add_type(sb, "multipart", multi->bd_media_subtype);
		if (sb->len < PARTS_MAX_LEN)
			strbuf_addch(sb, '(');
		for (it = clist_begin(multi->bd_list); it != NULL;
		     it = clist_next(it)) {
			if (it != clist_begin(multi->bd_list) &&
			    sb->len < PARTS_MAX_LEN)
				strbuf_addch(sb, ',');
			if (summarise_body(clist_content(it), sb, depth + 1))
				attach = true;
		}
		if (sb->len < PARTS_MAX_LEN)
			strbuf_addch(sb, ')');
		return attach;
	}
	one = b->bd_data.bd_body_1part;
	if (one->bd_ext_1part != NULL)
		dsp = one->bd_ext_1part->bd_disposition;
	switch (one->bd_type) {
	case MAILIMAP_BODY_TYPE_1PART_TEXT:
		add_type(sb, "text", one->bd_data.bd_type_text->bd_media_text);
		fields = one->bd_data.bd_type_text->bd_fields;
		break;
	case MAILIMAP_BODY_TYPE_1PART_MSG:
		add_type(sb, "message", "rfc822");
		fields = one->bd_data.bd_type_msg->bd_fields;
		break;
	default:
		media = one->bd_data.bd_type_basic->bd_media_basic;
		add_type(sb,
		    media->med_basic_type != NULL ? media->med_basic_type
						  : "application",
		    media->med_subtype);
		fields = one->bd_data.bd_type_basic->bd_fields;
		break;
	}
	named = (fields != NULL && param_value(fields->bd_parameter, "name")) ||
	    (dsp != NULL && param_value(dsp->dsp_attributes, "filename"));
	if (dsp != NULL && strcasecmp(dsp->dsp_type, "attachment") == 0)
		return true;
	/* A named part that is not inline text is a file too. */
	return named && one->bd_type != MAILIMAP_BODY_TYPE_1PART_TEXT &&
	    (dsp == NULL || strcasecmp(dsp->dsp_type, "inline") != 0);
}

static bool
is_header_section(const struct mailimap_msg_att_body_section *bs)
{
	const struct mailimap_section_spec *spec;

	if (bs->sec_section == NULL ||
	    (spec = bs->sec_section->sec_spec) == NULL)
		return false;
	return spec->sec_type == MAILIMAP_SECTION_SPEC_SECTION_MSGTEXT &&
	    spec->sec_data.sec_msgtext != NULL &&
	    (spec->sec_data.sec_msgtext->sec_type ==
		    MAILIMAP_SECTION_MSGTEXT_HEADER ||
		spec->sec_data.sec_msgtext->sec_type ==
		    MAILIMAP_SECTION_MSGTEXT_HEADER_FIELDS);
}

/* Decodes one FETCH answer and hands it to fn. */
static int
deliver(const struct mailimap_msg_att *att, imap_msg_fn fn, void *arg)
{
	struct mailimap_msg_att_item *item;
	struct mailimap_msg_att_static *st;
	struct mailimap_extension_data *ext;
	struct strbuf kw = STRBUF_INIT, parts = STRBUF_INIT;
	struct imap_msg m;
	clistiter *it;
	int rc;

	memset(&m, 0, sizeof m);
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		switch (item->att_type) {
		case MAILIMAP_MSG_ATT_ITEM_DYNAMIC:
			read_flags(item->att_data.att_dyn, &m, &kw);
			break;
		case MAILIMAP_MSG_ATT_ITEM_STATIC:
			st = item->att_data.att_static;
			if (st == NULL)
				break;
			switch (st->att_type) {
			case MAILIMAP_MSG_ATT_UID:
				m.uid = st->att_data.att_uid;
				break;
			case MAILIMAP_MSG_ATT_RFC822_SIZE:
				m.size = st->att_data.att_rfc822_size;
				break;
			case MAILIMAP_MSG_ATT_INTERNALDATE:
				if (st->att_data.att_internal_date != NULL)
					m.internaldate = date_time_to_unix(
					    st->att_data.att_internal_date);
				break;
			case MAILIMAP_MSG_ATT_BODYSTRUCTURE:
				m.has_attachment =
				    summarise_body(st->att_data
						       .att_bodystructure,
					&parts, 0);
				break;
			case MAILIMAP_MSG_ATT_BODY_SECTION:
				if (st->att_data.att_body_section == NULL)
					break;
				/* BODY[HEADER] is the header; any other
				 * section we ask for is BODY[], the whole
				 * message. */
				if (!is_header_section(
					st->att_data.att_body_section)) {
					m.body = st->att_data.att_body_section
						     ->sec_body_part;
					m.body_len = m.body != NULL
					    ? st->att_data.att_body_section
						  ->sec_length
					    : 0;
					break;
				}
				m.has_headers = true;
				m.header =
				    st->att_data.att_body_section->sec_body_part;
				m.header_len =
				    st->att_data.att_body_section->sec_length;
				if (m.header == NULL)
					m.header_len = 0;
				break;
			default:
				break;
			}
			break;
		case MAILIMAP_MSG_ATT_ITEM_EXTENSION:
			ext = item->att_data.att_extension_data;
			if (ext != NULL && ext->ext_data != NULL &&
			    ext->ext_extension->ext_id ==
				MAILIMAP_EXTENSION_CONDSTORE &&
			    ext->ext_type == MAILIMAP_CONDSTORE_TYPE_FETCH_DATA)
				m.modseq =
				    ((struct mailimap_condstore_fetch_mod_resp *)
					    ext->ext_data)
					->cs_modseq_value;
			break;
		default:
			break;
		}
	}
	m.keywords = kw.len > 0 ? kw.buf : NULL;
	m.parts = parts.len > 0 ? parts.buf : NULL;
	/* An unsolicited FETCH without UID cannot be placed; the next
	 * resync sees the change through its mod-sequence or flag pass. */
	rc = m.uid != 0 ? fn(&m, arg) : 0;
	strbuf_release(&kw);
	strbuf_release(&parts);
	return rc;
}

static int
deliver_all(clist *list, imap_msg_fn fn, void *arg)
{
	clistiter *it;

	if (list == NULL || fn == NULL)
		return 0;
	for (it = clist_begin(list); it != NULL; it = clist_next(it))
		if (deliver(clist_content(it), fn, arg) != 0)
			return -1;
	return 0;
}

int
imap_select(struct imap_session *s, const char *raw_name,
    enum imap_sync_mode mode, struct imap_mailbox_state *st,
    struct imap_changes *ch, struct fct_error *err)
{
	struct mailimap_selection_info *si;
	uint64_t modseq = 0;
	int r;

	memset(st, 0, sizeof *st);
	if (strpbrk(raw_name, "\r\n") != NULL)
		return fct_error_set(err, "bad folder name '%s'", raw_name);
	/*
	 * Not mailimap_select_qresync: libetpan 1.9.4 sends its parameters
	 * without the parentheses RFC 7162 requires ("SELECT box QRESYNC
	 * (...)"), and Dovecot then silently reports no changes. The caller
	 * asks instead with UID FETCH (CHANGEDSINCE m VANISHED), one round
	 * trip more, same answer.
	 */
	if (mode != IMAP_SYNC_CLASSIC)
		r = mailimap_select_condstore(s->imap, raw_name, &modseq);
	else
		r = mailimap_select(s->imap, raw_name);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot select '%s'", raw_name);
	si = s->imap->imap_selection_info;
	st->uidvalidity = si->sel_uidvalidity;
	st->uidnext = si->sel_uidnext;
	st->exists = si->sel_exists;
	st->readonly = si->sel_perm == MAILIMAP_MAILBOX_READONLY;
	st->highestmodseq = modseq;
	imap_harvest(s, ch);
	return 0;
}

int
imap_mailbox_status(struct imap_session *s, const char *raw_name,
    struct imap_mailbox_state *st, struct fct_error *err)
{
	static const int wanted[] = { MAILIMAP_STATUS_ATT_MESSAGES,
		MAILIMAP_STATUS_ATT_UIDNEXT, MAILIMAP_STATUS_ATT_UIDVALIDITY,
		MAILIMAP_STATUS_ATT_HIGHESTMODSEQ };
	struct mailimap_status_att_list *atts;
	struct mailimap_mailbox_data_status *data = NULL;
	struct mailimap_status_info *si;
	struct mailimap_extension_data *ext;
	clistiter *it;
	size_t i;
	int r;

	memset(st, 0, sizeof *st);
	if (strpbrk(raw_name, "\r\n") != NULL)
		return fct_error_set(err, "bad folder name '%s'", raw_name);
	if ((atts = mailimap_status_att_list_new_empty()) == NULL)
		fct_fatal("out of memory");
	for (i = 0; i < FCT_ARRAY_LEN(wanted); i++) {
		if (wanted[i] == MAILIMAP_STATUS_ATT_HIGHESTMODSEQ &&
		    !mailimap_has_condstore(s->imap))
			continue;
		if (mailimap_status_att_list_add(atts, wanted[i]) !=
		    MAILIMAP_NO_ERROR)
			fct_fatal("out of memory");
	}
	r = mailimap_status(s->imap, raw_name, atts, &data);
	mailimap_status_att_list_free(atts);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot get the status of '%s'",
		    raw_name);
	for (it = clist_begin(data->st_info_list); it != NULL;
	     it = clist_next(it)) {
		si = clist_content(it);
		switch (si->st_att) {
		case MAILIMAP_STATUS_ATT_MESSAGES:
			st->exists = si->st_value;
			break;
		case MAILIMAP_STATUS_ATT_UIDNEXT:
			st->uidnext = si->st_value;
			break;
		case MAILIMAP_STATUS_ATT_UIDVALIDITY:
			st->uidvalidity = si->st_value;
			break;
		case MAILIMAP_STATUS_ATT_EXTENSION:
			/* HIGHESTMODSEQ is 64 bits: libetpan keeps it as
			 * CONDSTORE extension data. */
			ext = si->st_ext_data;
			if (ext != NULL && ext->ext_data != NULL &&
			    ext->ext_extension->ext_id ==
				MAILIMAP_EXTENSION_CONDSTORE &&
			    ext->ext_type ==
				MAILIMAP_CONDSTORE_TYPE_STATUS_INFO)
				st->highestmodseq =
				    ((struct mailimap_condstore_status_info *)
					    ext->ext_data)
					->cs_highestmodseq_value;
			break;
		default:
			break;
		}
	}
	mailimap_mailbox_data_status_free(data);
	return 0;
}

static struct mailimap_set *
make_set(const uint32_t *uids, size_t n, uint32_t first, uint32_t last)
{
	struct mailimap_set *set;
	size_t i, j;

	if (uids == NULL)
		set = mailimap_set_new_interval(first, last);
	else {
		set = mailimap_set_new_empty();
		for (i = 0; set != NULL && i < n; i = j + 1) {
			for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1;
			     j++)
				;
			if (mailimap_set_add_interval(set, uids[i], uids[j]) !=
			    MAILIMAP_NO_ERROR)
				fct_fatal("out of memory");
		}
	}
	if (set == NULL)
		fct_fatal("out of memory");
	return set;
}

/* BODY.PEEK[HEADER.FIELDS (...)] of the fields a row is made of; owned. */
static struct mailimap_section *
summary_section(void)
{
	static const char *const fields[] = { "FROM", "TO", "CC", "SUBJECT",
		"DATE", "MESSAGE-ID", "IN-REPLY-TO", "REFERENCES", "LIST-ID" };
	clist *names;
	char *name;
	size_t i;

	if ((names = clist_new()) == NULL)
		fct_fatal("out of memory");
	for (i = 0; i < FCT_ARRAY_LEN(fields); i++) {
		/* libetpan frees the names with the section. */
		if ((name = strdup(fields[i])) == NULL ||
		    clist_append(names, name) != 0)
			fct_fatal("out of memory");
	}
	return mailimap_section_new_header_fields(
	    mailimap_header_list_new(names));
}

static struct mailimap_fetch_type *
make_fetch_type(unsigned what)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_section *section;
	int r = MAILIMAP_NO_ERROR;

	if ((ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL)
		fct_fatal("out of memory");
	r |= mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	if (what & IMAP_FETCH_FLAGS)
		r |= mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_flags());
	if (what & IMAP_FETCH_MODSEQ)
		r |= mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_modseq());
	if (what & IMAP_FETCH_BODY) {
		if ((section = mailimap_section_new(NULL)) == NULL)
			fct_fatal("out of memory");
		r |= mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_body_peek_section(section));
	}
	if (what & (IMAP_FETCH_HEADERS | IMAP_FETCH_SUMMARY)) {
		r |= mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_rfc822_size());
		r |= mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_internaldate());
		r |= mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_bodystructure());
		section = (what & IMAP_FETCH_HEADERS)
		    ? mailimap_section_new_header()
		    : summary_section();
		if (section == NULL)
			fct_fatal("out of memory");
		r |= mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_body_peek_section(section));
	}
	if (r != MAILIMAP_NO_ERROR)
		fct_fatal("out of memory");
	return ft;
}

int
imap_fetch(struct imap_session *s, const uint32_t *uids, size_t n,
    uint32_t first, uint32_t last, unsigned what, uint64_t changedsince,
    bool vanished, imap_msg_fn fn, void *arg, struct imap_changes *ch,
    struct fct_error *err)
{
	struct mailimap_set *set;
	struct mailimap_fetch_type *ft;
	clist *fetched = NULL;
	int r, rc = 0;

	if (uids != NULL && n == 0)
		return 0;
	set = make_set(uids, n, first, last);
	ft = make_fetch_type(what);
	if (changedsince > 0 && vanished && s->qresync_enabled)
		r = mailimap_uid_fetch_qresync(s->imap, set, ft, changedsince,
		    &fetched, NULL);
	else if (changedsince > 0)
		r = mailimap_uid_fetch_changedsince(s->imap, set, ft,
		    changedsince, &fetched);
	else
		r = mailimap_uid_fetch(s->imap, set, ft, &fetched);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, err, "cannot fetch messages");
	imap_harvest(s, ch);
	if (deliver_all(fetched, fn, arg) != 0)
		rc = fct_error_set(err, "cannot store fetched messages");
	if (fetched != NULL)
		mailimap_fetch_list_free(fetched);
	return rc;
}

int
imap_search_all(struct imap_session *s, struct imap_uid_list *out,
    struct imap_changes *ch, struct fct_error *err)
{
	const struct query_imap_key all = { .type = QUERY_IMAP_ALL };

	return imap_search(s, &all, out, ch, err);
}
