/*
 * `facteur folders [ACCOUNT]`: connect, log in, and print one line per
 * folder: account, path, role, total, unseen, rights. The first thin slice
 * through every layer below the store: config, credentials, verified TLS,
 * IMAP LIST/NAMESPACE/STATUS/MYRIGHTS.
 *
 * Folders come out in the order a person scans them: the role folders in
 * a fixed order, then the user's own by name, then the shared mailboxes.
 * A POP3 account has just its INBOX, with the count STAT reports, and
 * then the local folders its mail was filed into, with the cache's counts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facteur/cli.h"
#include "facteur/imap.h"
#include "facteur/net.h"
#include "facteur/pop.h"
#include "facteur/store_pop.h"
#include "facteur/sync.h"

static int
folder_rank(const struct imap_folder *f)
{
	if (f->ns != IMAP_NS_PERSONAL)
		return 100;
	return f->role != IMAP_ROLE_NONE ? (int)f->role : 50;
}

static int
folder_cmp(const void *a, const void *b)
{
	const struct imap_folder *fa = a, *fb = b;
	int ra = folder_rank(fa), rb = folder_rank(fb);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(fa->name, fb->name);
}

static void
print_folder(struct cli_context *ctx, const struct config_account *acct,
    const struct imap_folder *f)
{
	cli_put_field(ctx->out, acct->name);
	fputc('\t', ctx->out);
	cli_put_field(ctx->out, f->name);
	fprintf(ctx->out, "\t%s\t", imap_role_name(f->role));
	if (f->has_status)
		fprintf(ctx->out, "%lu\t%lu\t", f->total, f->unseen);
	else
		fputs("-\t-\t", ctx->out);
	if (f->rights != NULL)
		cli_put_field(ctx->out, f->rights);
	else
		fputc('-', ctx->out);
	fputc('\n', ctx->out);
}

/*
 * The local folders of a POP3 account's cache other than INBOX (which the
 * server's line shows), when the cache exists: name, "-" for the role,
 * total and unseen as the cache counts them, no rights.
 */
static int
local_folders_of(struct cli_context *ctx, const struct config_account *acct,
    struct fct_error *err)
{
	struct store_folder_list l = STORE_FOLDER_LIST_INIT;
	struct store *st = NULL;
	char *path = sync_store_path(ctx->cfg, acct);
	size_t i;
	int local, rc = -1;

	if (access(path, F_OK) != 0) {
		rc = 0; /* never synced: no local folder yet */
		goto out;
	}
	if (store_open(path, &st, err) != 0 ||
	    store_folder_list(st, &l, err) != 0)
		goto out;
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].name, "INBOX") == 0)
			continue;
		if ((local = store_folder_is_local(st, l.v[i].id, err)) < 0)
			goto out;
		if (local == 0)
			continue;
		cli_put_field(ctx->out, acct->name);
		fputc('\t', ctx->out);
		cli_put_field(ctx->out, l.v[i].name);
		fprintf(ctx->out, "\t-\t%u\t%u\t-\n", l.v[i].total,
		    l.v[i].unseen);
	}
	rc = 0;
out:
	store_folder_list_release(&l);
	store_close(&st);
	free(path);
	return rc;
}

/*
 * A POP3 server has one mailbox, shown as INBOX: its message count from
 * STAT; no unseen count (POP3 has no flags) and no rights.
 */
static int
pop_folders_of(struct cli_context *ctx, const struct config_account *acct,
    struct fct_error *err)
{
	struct pop_session *s = NULL;
	uint64_t size;
	uint32_t count;
	int rc = -1;

	if (pop_session_open(acct, &s, err) != 0 ||
	    pop_session_authenticate(s, acct, err) != 0 ||
	    pop_stat(s, &count, &size, err) != 0)
		goto out;
	cli_put_field(ctx->out, acct->name);
	fprintf(ctx->out, "\tINBOX\t%s\t%u\t-\t-\n",
	    imap_role_name(IMAP_ROLE_INBOX), count);
	rc = local_folders_of(ctx, acct, err);
out:
	pop_session_close(&s);
	return rc;
}

static int
folders_of(struct cli_context *ctx, const struct config_account *acct,
    struct fct_error *err)
{
	struct imap_folder_list list = IMAP_FOLDER_LIST_INIT;
	struct imap_session *s = NULL;
	struct imap_folder *f;
	size_t i;
	int rc = -1;

	if (acct->imap.proto != CONFIG_PROTO_IMAP)
		return pop_folders_of(ctx, acct, err);
	/* Connect and verify first: a secret is fetched only for a peer
	 * that proved who it is. */
	if (imap_session_open(acct, &s, err) != 0 ||
	    imap_session_authenticate(s, acct, err) != 0 ||
	    imap_list_folders(s, &list, err) != 0)
		goto out;
	for (i = 0; i < list.n; i++) {
		f = &list.v[i];
		if (f->noselect)
			continue;
		if (imap_folder_status(s, f, err) != 0)
			goto out;
		if (f->ns != IMAP_NS_PERSONAL &&
		    imap_folder_myrights(s, f, err) != 0)
			goto out;
	}
	if (list.n > 0)
		qsort(list.v, list.n, sizeof *list.v, folder_cmp);
	for (i = 0; i < list.n; i++)
		if (!list.v[i].noselect)
			print_folder(ctx, acct, &list.v[i]);
	rc = 0;
out:
	imap_folder_list_release(&list);
	imap_session_close(&s);
	return rc;
}

static int
cmd_folders(struct cli_context *ctx, int argc, char **argv)
{
	struct fct_error err = FCT_ERROR_INIT;
	const struct config_account *acct;
	size_t i;
	int status = CLI_OK;

	if (argc > 2) {
		fprintf(ctx->err, "usage: facteur folders [ACCOUNT]\n");
		return CLI_USAGE;
	}
	if (cli_load_config(ctx) != 0)
		return CLI_FAILED;
	if (ctx->cfg->naccounts == 0) {
		fprintf(ctx->err,
		    "facteur: no account in the configuration "
		    "(see facteur(5))\n");
		return CLI_FAILED;
	}
	if (argc == 2 && config_find_account(ctx->cfg, argv[1]) == NULL) {
		fprintf(ctx->err, "facteur: no account '%s'\n", argv[1]);
		return CLI_FAILED;
	}
	for (i = 0; i < ctx->cfg->naccounts; i++) {
		acct = &ctx->cfg->accounts[i];
		if (argc == 2 && strcmp(acct->name, argv[1]) != 0)
			continue;
		if (folders_of(ctx, acct, &err) != 0) {
			fprintf(ctx->err, "facteur: account '%s': %s\n",
			    acct->name, fct_error_msg(&err));
			fct_error_release(&err);
			status = CLI_FAILED;
		}
	}
	return status;
}

const struct cli_command cli_cmd_folders = {
	.name = "folders",
	.args = "[ACCOUNT]",
	.help = "list the folders of each account, with role, counts and "
		"rights",
	.exec = cmd_folders,
};
