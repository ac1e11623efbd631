/*
 * The rules file as an RFC 5228 Sieve script, so that the server files
 * mail at delivery the way facteur would (`facteur rules export-sieve`).
 *
 * Design. Each rule that Sieve can say with the same meaning becomes one
 * `if` block, in the file's order; the others are listed with the reason
 * and left out (never approximated). Conditions come from the query
 * layer's Sieve backend (query_to_sieve). Actions: flag, read, keyword and
 * their opposites are imap4flags' addflag/removeflag (RFC 5232), written
 * before the block's fileinto so the filed message carries them; copy is
 * `fileinto :copy` (RFC 3894); move, delete and spam are `fileinto` to the
 * folder, Trash or Junk; `stop` is `stop`.
 *
 * Conflicts follow facteur's rules (rules.h): flag changes apply in order,
 * so the last one wins in Sieve too; for where the message goes, Sieve
 * would file a copy into every folder named, so when two exported rules
 * send mail somewhere the script keeps facteur's "first destination wins"
 * with a variable (RFC 5229) that the first fileinto sets.
 *
 * Scope: Sieve runs when mail is delivered into INBOX, so a rule with a
 * `folder` is not exported, nor one for another account.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/rules.h"

enum needs {
	NEED_FILEINTO = 1 << 0,
	NEED_FLAGS = 1 << 1,
	NEED_COPY = 1 << 2,
	NEED_BODY = 1 << 3,
	NEED_VARIABLES = 1 << 4,
};

void
rules_sieve_skipped_release(struct rules_sieve_skipped *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].why);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static void
skip(struct rules_sieve_skipped *s, const struct rule *r, const char *why)
{
	FCT_ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n].rule = r;
	s->v[s->n].why = xstrdup(why);
	s->n++;
}

static void
add_string(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static bool
has_dest(const struct rule *r)
{
	size_t i;

	for (i = 0; i < r->nactions; i++)
		if (r->actions[i].kind == RULE_ACTION_MOVE ||
		    r->actions[i].kind == RULE_ACTION_DELETE ||
		    r->actions[i].kind == RULE_ACTION_SPAM)
			return true;
	return false;
}

static bool
uses_dollar_brace(const struct rule *r, const char *test)
{
	size_t i;

	if (strstr(test, "${") != NULL)
		return true;
	for (i = 0; i < r->nactions; i++)
		if (r->actions[i].arg != NULL &&
		    strstr(r->actions[i].arg, "${") != NULL)
			return true;
	return false;
}

static void
flag_cmd(struct strbuf *sb, const char *cmd, const char *flag)
{
	strbuf_addf(sb, "\t%s ", cmd);
	add_string(sb, flag);
	strbuf_addstr(sb, ";\n");
}

/* The block's body: flags first, then copies, then the destination. */
static void
actions(struct strbuf *sb, const struct rule *r, const char *trash,
    const char *junk, bool guard, unsigned *needs)
{
	const struct rule_action *a;
	const char *dest = NULL;
	size_t i;

	for (i = 0; i < r->nactions; i++) {
		a = &r->actions[i];
		switch (a->kind) {
		case RULE_ACTION_FLAG:
			flag_cmd(sb, "addflag", "\\Flagged");
			break;
		case RULE_ACTION_UNFLAG:
			flag_cmd(sb, "removeflag", "\\Flagged");
			break;
		case RULE_ACTION_READ:
			flag_cmd(sb, "addflag", "\\Seen");
			break;
		case RULE_ACTION_UNREAD:
			flag_cmd(sb, "removeflag", "\\Seen");
			break;
		case RULE_ACTION_KEYWORD:
			flag_cmd(sb, "addflag", a->arg);
			break;
		default:
			continue;
		}
		*needs |= NEED_FLAGS;
	}
	for (i = 0; i < r->nactions; i++) {
		a = &r->actions[i];
		if (a->kind == RULE_ACTION_COPY) {
			strbuf_addstr(sb, "\tfileinto :copy ");
			add_string(sb, a->arg);
			strbuf_addstr(sb, ";\n");
			*needs |= NEED_FILEINTO | NEED_COPY;
		} else if (a->kind == RULE_ACTION_MOVE)
			dest = a->arg;
		else if (a->kind == RULE_ACTION_DELETE)
			dest = trash;
		else if (a->kind == RULE_ACTION_SPAM)
			dest = junk;
	}
	if (dest != NULL) {
		*needs |= NEED_FILEINTO;
		if (guard) {
			strbuf_addstr(sb,
			    "\tif string :is \"${facteur_filed}\" \"\" {\n"
			    "\t\tfileinto ");
			add_string(sb, dest);
			strbuf_addstr(sb,
			    ";\n\t\tset \"facteur_filed\" \"1\";\n"
			    "\t}\n");
		} else {
			strbuf_addstr(sb, "\tfileinto ");
			add_string(sb, dest);
			strbuf_addstr(sb, ";\n");
		}
	}
	if (r->stop)
		strbuf_addstr(sb, "\tstop;\n");
}

int
rules_to_sieve(const struct rules *rs, const char *account, const char *trash,
    const char *junk, struct strbuf *script,
    struct rules_sieve_skipped *skipped)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf body = STRBUF_INIT, test = STRBUF_INIT;
	unsigned needs = 0, qneeds, ndest = 0, nout = 0;
	bool *ok = xcalloc(rs->n + 1, sizeof *ok);
	const struct rule *r;
	size_t i;
	bool first;

	/* Which rules go: their conditions and scope. */
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		if (r->account != NULL && account != NULL &&
		    strcmp(r->account, account) != 0)
			continue;
		if (r->folder != NULL &&
		    !rules_in_scope(r, "", "INBOX", true)) {
			skip(skipped, r,
			    "it applies to another folder than INBOX, and "
			    "Sieve filters mail as it is delivered to INBOX");
			continue;
		}
		strbuf_reset(&test);
		qneeds = 0;
		if (query_to_sieve(r->when, &test, &qneeds, &err) != 0) {
			skip(skipped, r, fct_error_msg(&err));
			fct_error_release(&err);
			continue;
		}
		ok[i] = true;
		if (has_dest(r))
			ndest++;
	}
	for (i = 0; i < rs->n; i++) {
		if (!ok[i])
			continue;
		r = &rs->v[i];
		strbuf_reset(&test);
		qneeds = 0;
		if (query_to_sieve(r->when, &test, &qneeds, &err) != 0)
			BUG("rule '%s' exported once, not twice", r->name);
		/* With "variables" required, Sieve expands ${...} in every
		 * string: such a rule would not mean what it says. */
		if (ndest > 1 && uses_dollar_brace(r, test.buf)) {
			skip(skipped, r,
			    "it contains '${', which Sieve's variables "
			    "extension (needed here) would expand");
			continue;
		}
		if (qneeds & QUERY_SIEVE_BODY)
			needs |= NEED_BODY;
		strbuf_addstr(&body, "\n# rule ");
		add_string(&body, r->name);
		strbuf_addf(&body, " (%s:%u)\nif %s {\n",
		    rs->file != NULL ? rs->file : "rules", r->line, test.buf);
		actions(&body, r, trash, junk, ndest > 1, &needs);
		strbuf_addstr(&body, "}\n");
		nout++;
	}
	if (ndest > 1)
		needs |= NEED_VARIABLES;

	strbuf_addf(script,
	    "# Generated by facteur from %s%s%s%s: %u of %zu rules.\n"
	    "# Edit the rules file and export again rather than this "
	    "script.\n",
	    rs->file != NULL ? rs->file : "the rules file",
	    account != NULL ? " for account '" : "",
	    account != NULL ? account : "", account != NULL ? "'" : "", nout,
	    rs->n);
	for (i = 0; i < skipped->n; i++)
		strbuf_addf(script, "# Not exported: rule '%s': %s\n",
		    skipped->v[i].rule->name, skipped->v[i].why);
	if (needs != 0) {
		static const struct {
			unsigned need;
			const char *name;
		} names[] = {
			{ NEED_FILEINTO, "fileinto" },
			{ NEED_FLAGS, "imap4flags" },
			{ NEED_COPY, "copy" },
			{ NEED_BODY, "body" },
			{ NEED_VARIABLES, "variables" },
		};

		strbuf_addstr(script, "require [");
		first = true;
		for (i = 0; i < FCT_ARRAY_LEN(names); i++) {
			if (!(needs & names[i].need))
				continue;
			strbuf_addf(script, "%s\"%s\"", first ? "" : ", ",
			    names[i].name);
			first = false;
		}
		strbuf_addstr(script, "];\n");
	}
	if (needs & NEED_VARIABLES)
		strbuf_addstr(script, "set \"facteur_filed\" \"\";\n");
	strbuf_add(script, body.buf, body.len);
	strbuf_release(&body);
	strbuf_release(&test);
	free(ok);
	return (int)nout;
}
