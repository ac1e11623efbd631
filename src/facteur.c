/*
 * facteur's entry point: global options, then one command from the cli
 * registry. Process-wide set-up (locale, SIGPIPE, library initialisation)
 * happens here once, on the main thread, before anything else runs.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/cli.h"
#include "facteur/crypto.h"
#include "facteur/mime.h"
#include "facteur/net.h"
#include "facteur/store.h"
#include "facteur/ui.h"

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp,
	    "usage: facteur [-c FILE] [COMMAND [ARGS]]\n"
	    "       facteur --help | --version\n\n"
	    "options:\n"
	    "  -c, --config FILE  read FILE instead of "
	    "$XDG_CONFIG_HOME/facteur/config\n"
	    "  -h, --help         show this help\n"
	    "  -V, --version      show the versions of facteur and its "
	    "libraries\n\n"
	    "Without a command, facteur opens its terminal interface.\n\n"
	    "commands:\n");
	for (i = 0; cli_commands[i] != NULL; i++)
		fprintf(fp, "  %s %s\n      %s\n", cli_commands[i]->name,
		    cli_commands[i]->args, cli_commands[i]->help);
	fprintf(fp, "\nSee facteur(1) and facteur(5).\n");
}

static void
version(void)
{
	struct strbuf sb = STRBUF_INIT;

	printf("facteur %s\n", PACKAGE_VERSION);
	net_library_versions(&sb);
	printf("  %s\n", sb.buf);
	strbuf_reset(&sb);
	mime_library_versions(&sb);
	printf("  %s\n", sb.buf);
	strbuf_release(&sb);
	printf("  sqlite %s\n", store_library_version());
	printf("  gpgme %s\n", crypto_library_version());
	printf("  %s\n", ui_library_version());
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_context ctx = { .out = stdout,
		.err = stderr,
		.check_more = ui_check_config };
	const struct cli_command *cmd;
	int ch, status;

	setlocale(LC_ALL, "");
	net_init();
	mime_init();
	/* '+': options after the command belong to the command. */
	while ((ch = getopt_long(argc, argv, "+c:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			ctx.config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		case 'V':
			version();
			return CLI_OK;
		default:
			usage(stderr);
			return CLI_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		/* No command: the terminal interface. */
		if (cli_load_config(&ctx) != 0) {
			cli_context_release(&ctx);
			return CLI_FAILED;
		}
		status = ui_main(ctx.cfg, stderr);
		cli_context_release(&ctx);
		return status;
	}
	if ((cmd = cli_find(argv[0])) == NULL) {
		fprintf(stderr,
		    "facteur: unknown command '%s' (see facteur "
		    "--help)\n",
		    argv[0]);
		return CLI_USAGE;
	}
	status = cmd->exec(&ctx, argc, argv);
	cli_context_release(&ctx);
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* A reader that stopped early (`| head`) is not an error to
		 * report; a full disk is. SIGPIPE is ignored for libetpan's
		 * sake, so it shows as EPIPE here. */
		if (errno != EPIPE)
			fprintf(stderr,
			    "facteur: cannot write the output: %s\n",
			    strerror(errno != 0 ? errno : EIO));
		return CLI_FAILED;
	}
	return status;
}
