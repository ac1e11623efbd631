/*
 * Running the user's editor on a file: $VISUAL, else $EDITOR, else vi,
 * through `sh -c 'EDITOR "$1"'` so that an editor given with arguments
 * ("emacs -nw") works and the file name is never parsed by the shell.
 *
 * The editor owns the terminal while it runs: the caller (the command
 * line, or the UI once it has left curses mode) waits for it. The child
 * gets a clean signal set-up, as for fct_run_line_command.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "facteur/core.h"

const char *
fct_editor(void)
{
	const char *e = getenv("VISUAL");

	if (e == NULL || *e == '\0')
		e = getenv("EDITOR");
	return e != NULL && *e != '\0' ? e : "vi";
}

int
fct_edit_file(const char *path, struct fct_error *err)
{
	const char *editor = fct_editor();
	char *script = xasprintf("%s \"$1\"", editor);
	struct sigaction ign, oint, oquit;
	sigset_t mask;
	int status;
	pid_t pid;

	/* Like system(3): ^C belongs to the editor while it runs. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	switch (pid = fork()) {
	case -1:
		free(script);
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		return fct_error_set(err, "cannot run the editor '%s': %s",
		    editor, strerror(errno));
	case 0:
		sigemptyset(&mask);
		sigprocmask(SIG_SETMASK, &mask, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execl("/bin/sh", "sh", "-c", script, "sh", path, (char *)NULL);
		_exit(127);
	}
	free(script);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	if (status == -1)
		return fct_error_set(err, "cannot wait for the editor: %s",
		    strerror(errno));
	if (!WIFEXITED(status))
		return fct_error_set(err, "the editor '%s' was killed", editor);
	if (WEXITSTATUS(status) != 0)
		return fct_error_set(err,
		    "the editor '%s' failed with exit status %d", editor,
		    WEXITSTATUS(status));
	return 0;
}
