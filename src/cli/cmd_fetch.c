/*
 * `facteur fetch [ACCOUNT:]FOLDER [UID...] [--query Q] [--all]`: downloads
 * whole messages into the cache ahead of need, for reading and searching
 * their text offline (`search 'body:...' --offline`). Without UIDs, the
 * messages matching the query (all by default) whose body is not cached
 * yet; --all fetches again those already there.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facteur/cli.h"
#include "facteur/query.h"
#include "facteur/sync.h"

static int
collect_uid(const struct store_msg *m, void *arg)
{
	imap_uid_list_add(arg, m->uid);
	return 0;
}

/* Keeps the UIDs of want that are also in have (both sorted here). */
static void
intersect(struct imap_uid_list *want, struct imap_uid_list *have)
{
	size_t i, j = 0, k = 0;

	if (want->n == 0 || have->n == 0) {
		want->n = 0; /* (and qsort may not be given NULL) */
		return;
	}
	qsort(want->v, want->n, sizeof *want->v, fct_u32_cmp);
	qsort(have->v, have->n, sizeof *have->v, fct_u32_cmp);
	for (i = 0; i < want->n; i++) {
		while (j < have->n && have->v[j] < want->v[i])
			j++;
		if (j < have->n && have->v[j] == want->v[i])
			want->v[k++] = want->v[i];
	}
	want->n = k;
}

static int
cmd_fetch(struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "query", required_argument, NULL, 'q' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct fct_error err = FCT_ERROR_INIT;
	struct imap_uid_list want = IMAP_UID_LIST_INIT;
	struct imap_uid_list missing = IMAP_UID_LIST_INIT;
	const struct config_account *acct;
	struct store_folder f = STORE_FOLDER_INIT;
	struct store *st = NULL;
	struct imap_session *s = NULL;
	struct query *q = NULL;
	struct sync_stats stats;
	const char *folder, *query = "";
	unsigned long v;
	unsigned fetched = 0;
	bool all = false;
	char *end;
	int ch, i, status = CLI_FAILED;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "q:", longopts, NULL)) != -1) {
		if (ch == 'q')
			query = optarg;
		else if (ch == 'a')
			all = true;
		else
			goto usage;
	}
	if (optind >= argc)
		goto usage;
	if (cli_load_config(ctx) != 0 ||
	    cli_parse_target(ctx, argv[optind], &acct, &folder) != 0)
		return CLI_FAILED;
	for (i = optind + 1; i < argc; i++) {
		errno = 0;
		v = strtoul(argv[i], &end, 10);
		if (*end != '\0' || errno != 0 || v == 0 || v > UINT32_MAX)
			goto usage;
		imap_uid_list_add(&want, (uint32_t)v);
	}
	if (cli_is_pop(acct)) {
		/* Nothing is ever missing: sync stores POP3 mail whole. */
		fprintf(ctx->err,
		    "facteur: account '%s' reads POP3 mail, which sync "
		    "downloads whole: nothing to fetch\n",
		    acct->name);
		fprintf(ctx->out, "0\n");
		status = CLI_OK;
		goto out;
	}
	if (query_parse(query, &q, &err) != 0) {
		fprintf(ctx->err, "facteur: bad query: %s\n",
		    fct_error_msg(&err));
		goto out;
	}
	if (cli_open_store(ctx, acct, &st) != 0 ||
	    cli_connect(ctx, acct, st, (const char *const[]){ folder, NULL },
		&s) != 0 ||
	    cli_sync_folder(ctx, acct, s, st, folder, &stats) != 0)
		goto out;
	if (store_folder_get(st, folder, &f, &err) <= 0)
		goto fail;
	if (want.n == 0 &&
	    store_msg_query(st, f.id, q, time(NULL), "uid ASC", 0, collect_uid,
		&want, &err) != 0)
		goto fail;
	if (!all) {
		if (store_msg_select(st, f.id, "b.msg_id IS NULL", NULL, 0,
			"uid ASC", 0, collect_uid, &missing, &err) != 0)
			goto fail;
		intersect(&want, &missing);
	}
	if (sync_fetch_bodies(s, st, folder, want.v, want.n, SYNC_BODY_BUDGET,
		&fetched, &err) != 0)
		goto fail;
	fprintf(ctx->out, "%u\n", fetched);
	status = CLI_OK;
	goto out;
fail:
	fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
	    fct_error_msg(&err));
out:
	fct_error_release(&err);
	imap_uid_list_release(&want);
	imap_uid_list_release(&missing);
	store_folder_release(&f);
	query_free(&q);
	imap_session_close(&s);
	store_close(&st);
	return status;
usage:
	fprintf(ctx->err,
	    "usage: facteur fetch [ACCOUNT:]FOLDER [UID...] "
	    "[--query Q] [--all]\n");
	return CLI_USAGE;
}

const struct cli_command cli_cmd_fetch = {
	.name = "fetch",
	.args = "[ACCOUNT:]FOLDER [UID...] [--query Q] [--all]",
	.help = "download whole messages into the cache, for offline reading "
		"and body search",
	.exec = cmd_fetch,
};
