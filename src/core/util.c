/*
 * Small helpers shared by every layer: home expansion, running the
 * password/token commands, and the edit distance behind "did you mean".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "facteur/core.h"

extern char **environ;

char *
fct_config_file(const char *name)
{
	const char *dir = getenv("XDG_CONFIG_HOME");
	char *home, *path;

	/* The XDG spec: a relative value is to be ignored. */
	if (dir != NULL && dir[0] == '/')
		return xasprintf("%s/facteur/%s", dir, name);
	home = fct_expand_home("~/.config/facteur");
	path = xasprintf("%s/%s", home, name);
	free(home);
	return path;
}

char *
fct_expand_home(const char *path)
{
	const char *home;
	size_t len;

	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0'))
		return xstrdup(path);
	home = getenv("HOME");
	if (home == NULL)
		home = "";
	/* HOME=/ or a trailing slash must not give "//mail". */
	len = strlen(home);
	while (len > 0 && home[len - 1] == '/')
		len--;
	if (len == 0 && path[1] == '\0')
		return xstrdup("/");
	return xasprintf("%.*s%s", (int)len, home, path + 1);
}

/*
 * Starts `sh -c command` with its standard output on fd. posix_spawn
 * rather than fork: it does not copy the page tables of a process that
 * maps some forty libraries (a millisecond or more on every connection),
 * and it is the safe way to start a program from a threaded one. The
 * command must not inherit facteur's signal set-up: a worker thread blocks
 * signals, and SIGPIPE is ignored.
 */
static int
spawn_shell(const char *command, int fd, pid_t *pid)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)command, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, def;
	int r;

	if ((r = posix_spawn_file_actions_init(&fa)) != 0)
		return r;
	if ((r = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return r;
	}
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	if ((r = posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO)) ==
		0 &&
	    (r = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
	    (r = posix_spawnattr_setsigdefault(&attr, &def)) == 0 &&
	    (r = posix_spawnattr_setflags(&attr,
		 POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0)
		r = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return r;
}

int
fct_run_line_command(const char *command, char **out, struct fct_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int fds[2], status, r;
	pid_t pid;
	char buf[4096];
	ssize_t n;
	char *nl;

	*out = NULL;
	if (pipe2(fds, O_CLOEXEC) != 0)
		return fct_error_set(err, "cannot run '%s': %s", command,
		    strerror(errno));
	if ((r = spawn_shell(command, fds[1], &pid)) != 0) {
		close(fds[0]);
		close(fds[1]);
		return fct_error_set(err, "cannot run '%s': %s", command,
		    strerror(r));
	}
	close(fds[1]);
	for (;;) {
		n = read(fds[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* A secret is one line; stop keeping bytes far beyond it. */
		if (sb.len < 65536)
			strbuf_add(&sb, buf, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			strbuf_release(&sb);
			return fct_error_set(err, "cannot wait for '%s': %s",
			    command, strerror(errno));
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		strbuf_release(&sb);
		if (WIFEXITED(status))
			return fct_error_set(err,
			    "command '%s' failed with exit status %d", command,
			    WEXITSTATUS(status));
		return fct_error_set(err, "command '%s' was killed", command);
	}
	if ((nl = memchr(sb.buf, '\n', sb.len)) != NULL)
		strbuf_setlen(&sb, (size_t)(nl - sb.buf));
	if (sb.len > 0 && sb.buf[sb.len - 1] == '\r')
		strbuf_setlen(&sb, sb.len - 1);
	if (sb.len == 0 || memchr(sb.buf, '\0', sb.len) != NULL) {
		strbuf_release(&sb);
		return fct_error_set(err, "command '%s' printed no usable line",
		    command);
	}
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

int
fct_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t
fct_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, tmp, best;

	row = xcalloc(lb + 1, sizeof *row);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

/* Length of the well-formed UTF-8 sequence at s, or 0. */
static size_t
utf8_seq_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (s[0] == 0xed && s[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xf0 && s[1] < 0x90)
			return 0; /* overlong */
		if (s[0] == 0xf4 && s[1] >= 0x90)
			return 0; /* above U+10FFFF */
		return 4;
	}
	return 0;
}

void
fct_utf8_sanitize(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if ((n = utf8_seq_len(p)) == 0) {
			strbuf_addstr(out, "\xef\xbf\xbd");
			p++;
			continue;
		}
		strbuf_add(out, p, n);
		p += n;
	}
}
