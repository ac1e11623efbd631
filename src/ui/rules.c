/*
 * The rules file from the index: run the rules on demand (`X`, on the
 * tagged messages or else the whole open folder), and "make a rule from
 * this message" (`M`).
 *
 * Running is two steps, both on the cache only (sync_rules_apply): a dry
 * run first, whose plan fills the screen (each message and what would be
 * done to it, and the rules left out and why), then a y/N question; yes
 * runs the same rules for real, which queues jobs in the store, and the
 * account's worker replays them (SYNC_REQ_RUN_JOBS). The rules read for
 * the preview are the ones applied, so what was shown is what happens.
 *
 * Making a rule appends sync_rules_draft's rule (from the List-Id or the
 * sender, filing into the folder such mail went to last) to the rules
 * file and opens $EDITOR on it, curses suspended; the file is checked
 * again after, and its first problem shown. The workers reload the file
 * when it changes.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "draw.h"
#include "facteur/rules.h"
#include "private.h"

/* A dry run shown, waiting for the answer. */
struct ui_rules_run {
	size_t acct;
	char *folder;   /* owned */
	uint32_t *uids; /* owned; NULL: the whole folder */
	size_t nuids;
	struct rules *rs;   /* owned; what the preview ran */
	struct strbuf text; /* the preview, one line per '\n' */
};

static void
run_free(struct ui_rules_run **rp)
{
	struct ui_rules_run *r = *rp;

	if (r == NULL)
		return;
	free(r->folder);
	free(r->uids);
	rules_free(&r->rs);
	strbuf_release(&r->text);
	free(r);
	*rp = NULL;
}

void
ui_rules_release(struct ui *ui)
{
	run_free(&ui->rules);
}

/* The first problem of diags as "FILE:LINE:COL: MSG (and N more)". Owned,
 * or NULL when there is none. */
static char *
first_problem(const struct config_diags *d)
{
	if (d->n == 0)
		return NULL;
	return xasprintf("%s:%u:%u: %s%s", d->v[0].file, d->v[0].line,
	    d->v[0].column, d->v[0].msg,
	    d->n > 1 ? " (facteur rules check lists them all)" : "");
}

/* The rules of path (NULL: the default file): the good ones in *rs, the
 * problems in diags. */
static void
load_rules(const char *path, struct rules **rs, struct config_diags *diags)
{
	/* -1 only says that diags holds errors: the rules that parsed are
	 * in *rs all the same, and a bad rule never disables the others. */
	if (rules_load(path, rs, diags) != 0)
		return;
}

static void
preview_line(void *arg, const struct sync_rules_result *r)
{
	struct strbuf *sb = arg;

	strbuf_addf(sb, "%6u  ", r->uid);
	ui_sanitize(sb, r->from != NULL ? r->from : "");
	strbuf_addstr(sb, "  ");
	ui_sanitize(sb, r->subject != NULL ? r->subject : "");
	strbuf_addstr(sb, "  -> ");
	rules_plan_describe(r->plan, sb);
	strbuf_addch(sb, '\n');
}

static void
preview_problem(void *arg, const struct rule *r, const struct rule_action *a,
    const char *msg)
{
	struct strbuf *sb = arg;

	strbuf_addstr(sb, "skipped: rule '");
	ui_sanitize(sb, r->name);
	strbuf_addf(sb, "' (line %u): ", a != NULL ? a->line : r->line);
	ui_sanitize(sb, msg);
	strbuf_addch(sb, '\n');
}

void
ui_rules_preview(struct ui *ui)
{
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_rules_stats stats;
	struct sync_rules_callbacks cb;
	struct ui_rules_run *r;
	struct ui_account *a;
	struct strbuf label = STRBUF_INIT, body = STRBUF_INIT;
	char *problem;

	if (!ui->ix.open) {
		ui_message(ui, true, "no folder is open");
		return;
	}
	run_free(&ui->rules);
	a = &ui->accts[ui->ix.acct];
	r = xcalloc(1, sizeof *r);
	r->acct = ui->ix.acct;
	r->folder = xstrdup(ui->ix.folder.name);
	strbuf_init(&r->text, 0);
	if (ui->ix.ntagged > 0) {
		r->nuids = ui->ix.ntagged;
		r->uids = xreallocarray(NULL, r->nuids, sizeof *r->uids);
		memcpy(r->uids, ui->ix.tagged, r->nuids * sizeof *r->uids);
	}
	load_rules(ui->cfg->rules_file, &r->rs, &diags);
	problem = first_problem(&diags);
	if (r->rs->n == 0) {
		ui_message(ui, true, "no rules to run%s%s",
		    problem != NULL ? ": " : " (see facteur(5), RULES)",
		    problem != NULL ? problem : "");
		goto fail;
	}
	memset(&cb, 0, sizeof cb);
	cb.message = preview_line;
	cb.problem = preview_problem;
	cb.arg = &body;
	memset(&stats, 0, sizeof stats);
	if (sync_rules_apply(a->st, a->acct->name, r->rs, r->folder, r->uids,
		r->nuids, SYNC_RULES_DRY_RUN, time(NULL), &cb, &stats,
		&err) != 0) {
		ui_message(ui, true, "rules: %s", fct_error_msg(&err));
		goto fail;
	}
	strbuf_addf(&r->text,
	    "Rules on %s of '%s' (dry run: nothing is changed yet)\n",
	    r->uids != NULL ? "the tagged messages" : "every message",
	    r->folder);
	if (problem != NULL) {
		strbuf_addstr(&r->text, "the rules file has problems: ");
		ui_sanitize(&r->text, problem);
		strbuf_addch(&r->text, '\n');
	}
	strbuf_addch(&r->text, '\n');
	strbuf_add(&r->text, body.buf, body.len);
	/* A dry run queues nothing, so it counts no jobs: matched it is. */
	if (stats.matched == 0) {
		ui_message(ui, false, "no rule applies to %s%s",
		    r->uids != NULL ? "the tagged messages" : "this folder",
		    stats.skipped_rules > 0 ? " (some rules were skipped)"
					    : "");
		goto fail;
	}
	strbuf_addf(&label, "Apply to %u message%s? [y/N] ", stats.matched,
	    stats.matched == 1 ? "" : "s");
	ui->rules = r;
	ui_prompt_start(ui, UI_PROMPT_CHAR, UI_A_APPLY_RULES, label.buf);
	goto out;
fail:
	run_free(&r);
out:
	free(problem);
	strbuf_release(&label);
	strbuf_release(&body);
	config_diags_release(&diags);
	fct_error_release(&err);
}

void
ui_rules_answer(struct ui *ui, const char *answer)
{
	struct ui_rules_run *r = ui->rules;
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_rules_stats stats;
	struct ui_account *a;

	ui->dirty = true;
	if (r == NULL)
		return;
	if (answer == NULL || (answer[0] != 'y' && answer[0] != 'Y')) {
		ui_message(ui, false, "rules not applied");
		goto out;
	}
	a = &ui->accts[r->acct];
	memset(&stats, 0, sizeof stats);
	if (sync_rules_apply(a->st, a->acct->name, r->rs, r->folder, r->uids,
		r->nuids, 0, time(NULL), NULL, &stats, &err) != 0) {
		ui_message(ui, true, "rules: %s", fct_error_msg(&err));
		goto out;
	}
	a->pending += stats.jobs;
	/* Like filing: the tags were for this action. */
	if (r->uids != NULL)
		ui->ix.ntagged = 0;
	if (a->w != NULL) {
		sync_worker_post(a->w, SYNC_REQ_RUN_JOBS, NULL);
		/* Then the folder as the server has it. */
		sync_worker_post(a->w, SYNC_REQ_SYNC_FOLDER, r->folder);
	}
	ui_message(ui, false, "rules applied to %u message%s: %u job%s queued",
	    stats.matched, stats.matched == 1 ? "" : "s", stats.jobs,
	    stats.jobs == 1 ? "" : "s");
out:
	run_free(&ui->rules);
	fct_error_release(&err);
}

bool
ui_rules_draw(struct ui *ui, int height)
{
	struct strbuf line = STRBUF_INIT;
	const char *p;
	int y = 0;

	if (ui->rules == NULL)
		return false;
	p = ui->rules->text.buf;
	while (*p != '\0' && y < height) {
		strbuf_reset(&line);
		strbuf_add(&line, p, strcspn(p, "\n"));
		attrset(ui_attr(y == 0 ? UI_C_HEADER : UI_C_NORMAL));
		/* Sanitised when the preview was made. */
		ui_put(y++, 0, line.buf, ui->cols, true);
		p += strcspn(p, "\n");
		if (*p == '\n')
			p++;
	}
	attrset(ui_attr(UI_C_NORMAL));
	while (y < height)
		ui_put(y++, 0, "", ui->cols, true);
	attrset(A_NORMAL);
	strbuf_release(&line);
	return true;
}

/* Appends text to the file at path, creating it (and its folder). */
static int
append_file(const char *path, const char *text, struct fct_error *err)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	size_t len = strlen(text), off;
	ssize_t w;
	int fd;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		(void)mkdir(dir, 0700);
	}
	free(dir);
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) <
	    0)
		return fct_error_set(err, "cannot open '%s': %s", path,
		    strerror(errno));
	for (off = 0; off < len; off += (size_t)w) {
		if ((w = write(fd, text + off, len - off)) < 0) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			close(fd);
			return fct_error_set(err, "cannot write '%s': %s", path,
			    strerror(errno));
		}
	}
	if (close(fd) != 0)
		return fct_error_set(err, "cannot write '%s': %s", path,
		    strerror(errno));
	return 0;
}

void
ui_rules_make(struct ui *ui)
{
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf rule = STRBUF_INIT;
	const struct store_msg *m;
	struct rules *rs = NULL;
	struct ui_account *a;
	char *path, *problem = NULL;
	uint32_t uid;

	if (!ui->ix.open) {
		ui_message(ui, true, "no folder is open");
		return;
	}
	if (ui->pg.open)
		uid = ui->pg.uid;
	else if ((m = ui_index_msg(ui, ui->ix.cursor)) != NULL)
		uid = m->uid;
	else {
		ui_message(ui, true, "no message is selected");
		return;
	}
	a = &ui->accts[ui->ix.acct];
	path = ui->cfg->rules_file != NULL ? xstrdup(ui->cfg->rules_file)
					   : rules_default_path();
	load_rules(path, &rs, &diags);
	config_diags_release(&diags);
	strbuf_addch(&rule, '\n');
	if (sync_rules_draft(a->st, rs, ui->ix.folder.name, uid, time(NULL),
		&rule, &err) != 0 ||
	    append_file(path, rule.buf, &err) != 0 ||
	    ui_run_on_terminal(ui, NULL, path, &err) != 0) {
		ui_message(ui, true, "%s", fct_error_msg(&err));
		goto out;
	}
	rules_free(&rs);
	load_rules(path, &rs, &diags);
	if ((problem = first_problem(&diags)) != NULL)
		ui_message(ui, true, "rules: %s", problem);
	else
		ui_message(ui, false,
		    "%zu rule%s in '%s': new mail follows them (X runs them "
		    "here)",
		    rs->n, rs->n == 1 ? "" : "s", path);
out:
	free(problem);
	free(path);
	rules_free(&rs);
	strbuf_release(&rule);
	config_diags_release(&diags);
	fct_error_release(&err);
}
