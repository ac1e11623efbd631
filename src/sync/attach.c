/*
 * Saving and opening parts of a message on the local system: the code
 * behind `facteur show --save-attachments` and the pager's attachment
 * list (include/facteur/sync_attach.h).
 *
 * A message decides the names of the files it brings, so nothing here
 * trusts them: the name goes through mime_safe_filename (one component,
 * no leading dot, no control characters), the file is created relative
 * to the folder's descriptor with O_EXCL | O_NOFOLLOW, and an existing
 * name gets a -N suffix instead of being replaced. The mime library does
 * no I/O, which is why this lives here and not there.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "facteur/mime.h"
#include "facteur/sync_attach.h"

int
sync_save_unique(int dirfd, const char *dir, const char *name, const char *data,
    size_t len, char **created, struct fct_error *err)
{
	char *try = xstrdup(name);
	const char *dot = strrchr(name, '.');
	const char *ext = dot != NULL && dot != name ? dot : "";
	size_t off;
	ssize_t w;
	int fd, k;

	for (k = 1; (fd = openat(dirfd, try,
			 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			 0644)) < 0;
	     k++) {
		if (errno != EEXIST || k > 999) {
			fct_error_set(err, "cannot create '%s/%s': %s", dir,
			    try, strerror(errno));
			free(try);
			return -1;
		}
		free(try);
		try = xasprintf("%.*s-%d%s", (int)(strlen(name) - strlen(ext)),
		    name, k, ext);
	}
	for (off = 0; off < len; off += (size_t)w) {
		w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w < 0)
			goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	if (created != NULL)
		*created = try;
	else
		free(try);
	return 0;
fail:
	fct_error_set(err, "cannot write '%s/%s': %s", dir, try,
	    strerror(errno));
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, try, 0);
	free(try);
	return -1;
}

int
sync_attachment_save(const char *raw, size_t len, unsigned number,
    const char *dir, char **path, struct fct_error *err)
{
	struct strbuf data = STRBUF_INIT;
	struct mime_part info = { 0 };
	char *name = NULL, *created = NULL;
	int dirfd, rc = -1;

	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fct_error_set(err, "cannot open folder '%s': %s", dir,
		    strerror(errno));
	if (mime_part_content(raw, len, number, &data, &info, err) != 0)
		goto out;
	name = mime_safe_filename(info.filename, number, info.type);
	if (sync_save_unique(dirfd, dir, name, data.buf, data.len, &created,
		err) != 0)
		goto out;
	if (path != NULL)
		*path = xasprintf("%s%s%s", dir,
		    dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/",
		    created);
	rc = 0;
out:
	close(dirfd);
	free(name);
	free(created);
	mime_part_release(&info);
	strbuf_release(&data);
	return rc;
}

char *
sync_mailcap_command(const char *type, unsigned want, bool system)
{
	struct strbuf text = STRBUF_INIT;
	const char *env = getenv("MAILCAPS");
	char *paths, *p, *next, *path, *command = NULL;

	paths = env != NULL
	    ? xstrdup(env)
	    : xstrdup(system ? "~/.mailcap:/etc/mailcap" : "~/.mailcap");
	for (p = paths; p != NULL && command == NULL; p = next) {
		if ((next = strchr(p, ':')) != NULL)
			*next++ = '\0';
		if (*p == '\0')
			continue;
		path = fct_expand_home(p);
		strbuf_reset(&text);
		if (strbuf_read_file(&text, path) == 0 &&
		    mime_mailcap_find(text.buf, text.len, type, want,
			&command) != 1)
			command = NULL;
		free(path);
	}
	free(paths);
	strbuf_release(&text);
	return command;
}

/* Single-quotes s for sh. */
static void
shell_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

char *
sync_mailcap_expand(const char *command, const char *type, const char *path)
{
	struct strbuf sh = STRBUF_INIT;
	const char *p;

	for (p = command; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 's') {
			shell_quote(&sh, path);
			p++;
		} else if (p[0] == '%' && p[1] == 't') {
			shell_quote(&sh, type);
			p++;
		} else if (strncmp(p, "%{charset}", 10) == 0) {
			strbuf_addstr(&sh, "utf-8");
			p += 9;
		} else
			strbuf_addch(&sh, *p);
	}
	return strbuf_detach(&sh, NULL);
}

int
sync_mailcap_html_hook(void *arg, const char *html, size_t len,
    struct strbuf *out)
{
	const char *command = arg, *tmpdir = getenv("TMPDIR");
	struct strbuf sh = STRBUF_INIT;
	char *path, *line = NULL, buf[65536];
	FILE *fp;
	size_t n;
	int fd, status, rc = -1;

	path = xasprintf("%s/facteur-html.XXXXXX",
	    tmpdir != NULL && *tmpdir == '/' ? tmpdir : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		free(path);
		return -1;
	}
	if (write(fd, html, len) != (ssize_t)len) {
		close(fd);
		goto out;
	}
	close(fd);
	strbuf_addstr(&sh, "exec <");
	shell_quote(&sh, path);
	strbuf_addstr(&sh, "; ");
	line = sync_mailcap_expand(command, "text/html", path);
	strbuf_addstr(&sh, line);
	if ((fp = popen(sh.buf, "r")) == NULL)
		goto out;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_add(out, buf, n);
	rc = ferror(fp) ? -1 : 0;
	status = pclose(fp);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = -1;
out:
	unlink(path);
	free(path);
	free(line);
	strbuf_release(&sh);
	return rc;
}
