/*
 * `facteur config check`: read the configuration and report every problem
 * as file:line:column, without connecting anywhere.
 */
#include "config.h"

#include <string.h>

#include "facteur/cli.h"

static int
cmd_config(struct cli_context *ctx, int argc, char **argv)
{
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct config *cfg = NULL;
	int rc;

	if (argc < 2 || strcmp(argv[1], "check") != 0 || argc > 3) {
		fprintf(ctx->err, "usage: facteur config check [FILE]\n");
		return CLI_USAGE;
	}
	rc = config_load(argc == 3 ? argv[2] : ctx->config_path, &cfg, &diags);
	if (ctx->check_more != NULL && ctx->check_more(cfg, &diags) != 0)
		rc = -1;
	config_diags_print(&diags, ctx->err);
	if (rc == 0)
		fprintf(ctx->out,
		    "%s: %zu account(s), %zu identit%s, %zu "
		    "warning(s)\n",
		    cfg->path != NULL ? cfg->path : "(no file)", cfg->naccounts,
		    cfg->nidentities, cfg->nidentities == 1 ? "y" : "ies",
		    diags.n);
	config_diags_release(&diags);
	config_free(&cfg);
	return rc == 0 ? CLI_OK : CLI_FAILED;
}

const struct cli_command cli_cmd_config = {
	.name = "config",
	.args = "check [FILE]",
	.help = "check the configuration file and report every problem",
	.exec = cmd_config,
};
