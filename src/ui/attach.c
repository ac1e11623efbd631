/*
 * The pager's attachment list: every leaf part of the message (as
 * mime_render numbered them), with its type, size and name; a part can be
 * saved into a folder or opened with the user's mailcap viewer.
 *
 * Saving goes through sync_attachment_save, the code `facteur show
 * --save-attachments` uses: the message names the file, so the name is
 * made safe (one component, no leading dot) and the file is created with
 * O_EXCL | O_NOFOLLOW in the folder the user chose, never replacing
 * anything. The folder prompt completes file names.
 *
 * Opening writes the part into a private temporary folder, runs the
 * mailcap command (~/.mailcap, /etc/mailcap, or $MAILCAPS) with curses
 * suspended, as the editor runs, then removes the copy. Both are local:
 * the UI thread waits only for the disk and for the viewer the user is
 * looking at.
 */
#include "config.h"

#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "draw.h"
#include "facteur/sync_attach.h"
#include "private.h"

int
ui_run_on_terminal(struct ui *ui, const char *command, const char *path,
    struct fct_error *err)
{
	struct sigaction ign, oint, oquit;
	int status, rc = 0;
	pid_t pid;

	def_prog_mode();
	endwin();
	if (command == NULL) {
		rc = fct_edit_file(path, err);
		goto out;
	}
	/* Like system(3): ^C belongs to the viewer while it runs. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	if ((pid = fork()) < 0)
		rc = fct_error_set(err, "cannot run '%s': %s", command,
		    strerror(errno));
	else if (pid == 0) {
		sigset_t mask;

		sigemptyset(&mask);
		sigprocmask(SIG_SETMASK, &mask, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGWINCH, SIG_DFL);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	} else {
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR) {
				status = -1;
				break;
			}
		if (status == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			rc = fct_error_set(err, "'%s' failed", command);
	}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
out:
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	ui->dirty = true;
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
ui_file_complete(const char *text, size_t *n)
{
	const char *slash = strrchr(text, '/');
	char *dir, *shown, *full, **v = NULL;
	const char *base = slash != NULL ? slash + 1 : text;
	size_t alloc = 0, blen = strlen(base);
	struct dirent *e;
	struct stat sb;
	DIR *d;

	*n = 0;
	shown = slash != NULL ? xstrndup(text, (size_t)(slash - text) + 1)
			      : xstrdup("");
	dir = fct_expand_home(shown[0] != '\0' ? shown : "./");
	if ((d = opendir(dir)) == NULL)
		goto out;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(e->d_name, base, blen) != 0)
			continue;
		full = xasprintf("%s%s%s", dir,
		    dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		FCT_ALLOC_GROW(v, *n + 1, alloc);
		v[(*n)++] = xasprintf("%s%s%s", shown, e->d_name,
		    stat(full, &sb) == 0 && S_ISDIR(sb.st_mode) ? "/" : "");
		free(full);
	}
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof *v, cmp_str);
out:
	free(dir);
	free(shown);
	return v;
}

void
ui_attach_open(struct ui *ui)
{
	if (!ui->pg.open || ui->pg.raw == NULL) {
		ui_message(ui, true, "the message is not in the cache yet");
		return;
	}
	if (ui->pg.r.nparts == 0) {
		ui_message(ui, true, "this message has no parts");
		return;
	}
	ui->att.open = true;
	ui->att.cursor = 0;
	/* Start on the first attachment rather than the body text. */
	while (ui->att.cursor + 1 < ui->pg.r.nparts &&
	    !(ui->pg.r.parts[ui->att.cursor].flags & MIME_PART_ATTACHMENT))
		ui->att.cursor++;
	if (!(ui->pg.r.parts[ui->att.cursor].flags & MIME_PART_ATTACHMENT))
		ui->att.cursor = 0;
	ui->dirty = true;
}

/* "12.3 KiB" */
static void
add_size(struct strbuf *sb, size_t n)
{
	if (n < 1024)
		strbuf_addf(sb, "%zu B", n);
	else if (n < 1024 * 1024)
		strbuf_addf(sb, "%.1f KiB", (double)n / 1024);
	else
		strbuf_addf(sb, "%.1f MiB", (double)n / (1024 * 1024));
}

void
ui_attach_draw(struct ui *ui, int height)
{
	const struct mime_rendering *r = &ui->pg.r;
	struct strbuf sb = STRBUF_INIT;
	const struct mime_part *p;
	size_t i, top = 0;
	int y = 0;

	if (ui->att.cursor >= (size_t)height - 1 && height > 1)
		top = ui->att.cursor - (size_t)height + 2;
	attrset(ui_attr(UI_C_HEADER));
	ui_put(y++, 0,
	    "Parts of the message (s saves, Enter opens, q goes back):",
	    ui->cols, true);
	for (i = top; i < r->nparts && y < height; i++, y++) {
		p = &r->parts[i];
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%3u  %-28s ", p->number, p->type);
		add_size(&sb, p->size);
		strbuf_addstr(&sb,
		    p->flags & MIME_PART_ATTACHMENT  ? "  attachment"
			: p->flags & MIME_PART_SHOWN ? "  shown"
						     : "  ");
		if (p->filename != NULL) {
			strbuf_addstr(&sb, "  ");
			/* The name comes from the message. */
			ui_sanitize(&sb, p->filename);
		}
		attrset(i == ui->att.cursor ? ui_attr(UI_C_CURSOR)
					    : ui_attr(UI_C_NORMAL));
		ui_put(y, 0, sb.buf, ui->cols, true);
	}
	attrset(ui_attr(UI_C_NORMAL));
	while (y < height)
		ui_put(y++, 0, "", ui->cols, true);
	attrset(A_NORMAL);
	strbuf_release(&sb);
}

/* Opens the part under the cursor with its mailcap viewer. */
static void
view_part(struct ui *ui)
{
	const struct mime_part *p = &ui->pg.r.parts[ui->att.cursor];
	struct fct_error err = FCT_ERROR_INIT;
	const char *tmpdir = getenv("TMPDIR");
	char *command, *dir, *path = NULL, *line;

	command = sync_mailcap_command(p->type, 0, true);
	if (command == NULL) {
		ui_message(ui, true,
		    "no mailcap entry for %s (~/.mailcap, /etc/mailcap); "
		    "save it instead (s)",
		    p->type);
		return;
	}
	dir = xasprintf("%s/facteur-view.XXXXXX",
	    tmpdir != NULL && *tmpdir == '/' ? tmpdir : "/tmp");
	if (mkdtemp(dir) == NULL) {
		ui_message(ui, true, "cannot create '%s': %s", dir,
		    strerror(errno));
		goto out;
	}
	if (sync_attachment_save(ui->pg.raw, ui->pg.raw_len, p->number, dir,
		&path, &err) != 0) {
		ui_message(ui, true, "%s", fct_error_msg(&err));
		rmdir(dir);
		goto out;
	}
	line = sync_mailcap_expand(command, p->type, path);
	if (ui_run_on_terminal(ui, line, NULL, &err) != 0)
		ui_message(ui, true, "%s", fct_error_msg(&err));
	free(line);
	unlink(path);
	rmdir(dir);
out:
	free(path);
	free(dir);
	free(command);
	fct_error_release(&err);
}

void
ui_attach_action(struct ui *ui, enum ui_action a)
{
	struct ui_attach *at = &ui->att;
	char *cwd;

	ui->dirty = true;
	switch (a) {
	case UI_A_NEXT:
		if (at->cursor + 1 < ui->pg.r.nparts)
			at->cursor++;
		return;
	case UI_A_PREV:
		if (at->cursor > 0)
			at->cursor--;
		return;
	case UI_A_QUIT:
		at->open = false;
		return;
	case UI_A_SAVE_ATTACHMENT:
		ui_prompt_start(ui, UI_PROMPT_FILE, a, "Save into folder: ");
		/* The last folder used, else the current one. */
		if (at->dir != NULL)
			strbuf_addstr(&ui->pr.buf, at->dir);
		else if ((cwd = getcwd(NULL, 0)) != NULL) {
			strbuf_addf(&ui->pr.buf, "%s/",
			    strcmp(cwd, "/") == 0 ? "" : cwd);
			free(cwd);
		}
		ui->pr.pos = ui->pr.buf.len;
		return;
	case UI_A_VIEW_ATTACHMENT:
		view_part(ui);
		return;
	default:
		return;
	}
}

void
ui_attach_answer(struct ui *ui, enum ui_action then, const char *answer)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *dir, *path;

	(void)then;
	if (answer == NULL || answer[0] == '\0' || !ui->att.open ||
	    ui->pg.raw == NULL)
		return;
	dir = fct_expand_home(answer);
	if (sync_attachment_save(ui->pg.raw, ui->pg.raw_len,
		ui->pg.r.parts[ui->att.cursor].number, dir, &path, &err) != 0) {
		ui_message(ui, true, "%s", fct_error_msg(&err));
		fct_error_release(&err);
		free(dir);
		return;
	}
	ui_message(ui, false, "saved %s", path);
	free(ui->att.dir);
	ui->att.dir = xasprintf("%s%s", answer,
	    answer[strlen(answer) - 1] == '/' ? "" : "/");
	free(path);
	free(dir);
}

void
ui_attach_release(struct ui *ui)
{
	free(ui->att.dir);
	memset(&ui->att, 0, sizeof ui->att);
}
