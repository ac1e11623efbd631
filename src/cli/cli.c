/*
 * The command registry and what every command shares: loading the
 * configuration and writing tab-separated fields safely.
 */
#include "config.h"

#include <string.h>

#include "facteur/cli.h"
#include "facteur/rules.h"

extern const struct cli_command cli_cmd_check;
extern const struct cli_command cli_cmd_config;
extern const struct cli_command cli_cmd_copy;
extern const struct cli_command cli_cmd_delete;
extern const struct cli_command cli_cmd_fetch;
extern const struct cli_command cli_cmd_flag;
extern const struct cli_command cli_cmd_folders;
extern const struct cli_command cli_cmd_move;
extern const struct cli_command cli_cmd_search;
extern const struct cli_command cli_cmd_list;
extern const struct cli_command cli_cmd_sync;
extern const struct cli_command cli_cmd_watch;
extern const struct cli_command cli_cmd_show;
extern const struct cli_command cli_cmd_folder;
extern const struct cli_command cli_cmd_rules;
extern const struct cli_command cli_cmd_send;
extern const struct cli_command cli_cmd_outbox;
extern const struct cli_command cli_cmd_compose;
extern const struct cli_command cli_cmd_reply;
extern const struct cli_command cli_cmd_forward;

const struct cli_command *const cli_commands[] = {
	&cli_cmd_folders,
	&cli_cmd_check,
	&cli_cmd_sync,
	&cli_cmd_watch,
	&cli_cmd_list,
	&cli_cmd_search,
	&cli_cmd_fetch,
	&cli_cmd_move,
	&cli_cmd_copy,
	&cli_cmd_delete,
	&cli_cmd_flag,
	&cli_cmd_config,
	&cli_cmd_show,
	&cli_cmd_folder,
	&cli_cmd_rules,
	&cli_cmd_send,
	&cli_cmd_outbox,
	&cli_cmd_compose,
	&cli_cmd_reply,
	&cli_cmd_forward,
	NULL,
};

const struct cli_command *
cli_find(const char *name)
{
	size_t i;

	for (i = 0; cli_commands[i] != NULL; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

int
cli_load_config(struct cli_context *ctx)
{
	struct config_diags diags = CONFIG_DIAGS_INIT;
	int rc;

	if (ctx->cfg != NULL)
		return 0;
	rc = config_load(ctx->config_path, &ctx->cfg, &diags);
	config_diags_print(&diags, ctx->err);
	config_diags_release(&diags);
	return rc;
}

void
cli_context_release(struct cli_context *ctx)
{
	config_free(&ctx->cfg);
	rules_free(&ctx->rules);
}
