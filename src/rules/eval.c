/*
 * Rule evaluation: which rules apply to a message and what, together, they
 * do to it.
 *
 * Design. A plan is built by adding the rules that matched one at a time,
 * in the file's order, so the same function serves the in-memory path
 * (rules_eval, one message and query_match) and the bulk path of the sync
 * layer (one SQL query per rule over a whole folder, whose matches are
 * then replayed per message in rule order). Conflicts are settled as the
 * rules are added, so both paths resolve them the same way: the first
 * destination wins, the last flag change wins (see rules.h). The plan
 * only borrows from the rules: a folder of 100,000 messages costs a few
 * pointers per matched message.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facteur/rules.h"

void
rules_plan_release(struct rules_plan *p)
{
	free(p->rules);
	free(p->copies);
	free(p->keywords);
	free(p->ignored);
	memset(p, 0, sizeof *p);
}

static bool
same_folder(const char *a, const char *b)
{
	/* INBOX is case-insensitive (RFC 3501 5.1), every other name not. */
	if (strcasecmp(a, "INBOX") == 0)
		return strcasecmp(b, "INBOX") == 0;
	return strcmp(a, b) == 0;
}

bool
rules_in_scope(const struct rule *r, const char *account, const char *folder,
    bool inbox)
{
	if (r->account != NULL && strcmp(r->account, account) != 0)
		return false;
	if (r->folder == NULL)
		return inbox;
	return same_folder(r->folder, folder);
}

static void
set_flag(struct rules_plan *p, unsigned flag, bool on)
{
	if (on) {
		p->set |= flag;
		p->clear &= ~flag;
	} else {
		p->clear |= flag;
		p->set &= ~flag;
	}
}

/* Adds s to v unless it is there already (pointers borrowed). */
static void
add_once(const char ***v, size_t *n, size_t *alloc, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	FCT_ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = s;
}

void
rules_plan_add(struct rules_plan *p, const struct rule *r)
{
	const struct rule_action *a;
	size_t i;

	if (p->stopped)
		BUG("rule '%s' added to a stopped plan", r->name);
	FCT_ALLOC_GROW(p->rules, p->nrules + 1, p->rules_alloc);
	p->rules[p->nrules++] = r;
	for (i = 0; i < r->nactions; i++) {
		a = &r->actions[i];
		switch (a->kind) {
		case RULE_ACTION_MOVE:
		case RULE_ACTION_DELETE:
		case RULE_ACTION_SPAM:
			if (p->dest == NULL) {
				p->dest = a;
				p->dest_rule = r;
				break;
			}
			FCT_ALLOC_GROW(p->ignored, p->nignored + 1,
			    p->ignored_alloc);
			p->ignored[p->nignored].rule = r;
			p->ignored[p->nignored].action = a;
			p->ignored[p->nignored].winner = p->dest_rule;
			p->nignored++;
			break;
		case RULE_ACTION_COPY:
			add_once(&p->copies, &p->ncopies, &p->copies_alloc,
			    a->arg);
			break;
		case RULE_ACTION_FLAG:
			set_flag(p, FCT_FLAG_FLAGGED, true);
			break;
		case RULE_ACTION_UNFLAG:
			set_flag(p, FCT_FLAG_FLAGGED, false);
			break;
		case RULE_ACTION_READ:
			set_flag(p, FCT_FLAG_SEEN, true);
			break;
		case RULE_ACTION_UNREAD:
			set_flag(p, FCT_FLAG_SEEN, false);
			break;
		case RULE_ACTION_KEYWORD:
			add_once(&p->keywords, &p->nkeywords,
			    &p->keywords_alloc, a->arg);
			break;
		}
	}
	if (r->stop)
		p->stopped = true;
}

bool
rules_plan_empty(const struct rules_plan *p)
{
	return p->dest == NULL && p->ncopies == 0 && p->set == 0 &&
	    p->clear == 0 && p->nkeywords == 0;
}

static void
describe_action(struct strbuf *sb, const struct rule_action *a)
{
	strbuf_addstr(sb, rules_action_name(a->kind));
	if (a->arg == NULL)
		return;
	if (a->kind == RULE_ACTION_KEYWORD)
		strbuf_addf(sb, " %s", a->arg);
	else
		strbuf_addf(sb, " '%s'", a->arg);
}

static void
sep(struct strbuf *sb, size_t start)
{
	if (sb->len > start)
		strbuf_addstr(sb, ", ");
}

void
rules_plan_describe(const struct rules_plan *p, struct strbuf *sb)
{
	size_t start = sb->len, i;

	if (p->dest != NULL)
		describe_action(sb, p->dest);
	for (i = 0; i < p->ncopies; i++) {
		sep(sb, start);
		strbuf_addf(sb, "copy '%s'", p->copies[i]);
	}
	if (p->set & FCT_FLAG_FLAGGED) {
		sep(sb, start);
		strbuf_addstr(sb, "flag");
	}
	if (p->clear & FCT_FLAG_FLAGGED) {
		sep(sb, start);
		strbuf_addstr(sb, "unflag");
	}
	if (p->set & FCT_FLAG_SEEN) {
		sep(sb, start);
		strbuf_addstr(sb, "read");
	}
	if (p->clear & FCT_FLAG_SEEN) {
		sep(sb, start);
		strbuf_addstr(sb, "unread");
	}
	for (i = 0; i < p->nkeywords; i++) {
		sep(sb, start);
		strbuf_addf(sb, "keyword %s", p->keywords[i]);
	}
	if (sb->len == start)
		strbuf_addstr(sb, "nothing");
	for (i = 0; i < p->nignored; i++) {
		strbuf_addstr(sb, "; ignored: ");
		describe_action(sb, p->ignored[i].action);
		strbuf_addf(sb, " of rule '%s' (rule '%s' sends it first)",
		    p->ignored[i].rule->name, p->ignored[i].winner->name);
	}
}

void
rules_eval(const struct rules *rs, const char *account, const char *folder,
    bool inbox, const struct query_msg *m, time_t now, struct rules_plan *out)
{
	const struct rule *r;
	size_t i;

	rules_plan_release(out);
	for (i = 0; i < rs->n && !out->stopped; i++) {
		r = &rs->v[i];
		if (!rules_in_scope(r, account, folder, inbox) ||
		    !query_match(r->when, m, now))
			continue;
		rules_plan_add(out, r);
	}
}
