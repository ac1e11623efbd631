/*
 * `facteur search QUERY [ACCOUNT] [--folder F] [--server] [--offline]
 * [--limit N] [--json]`: messages matching the query language, from the
 * cache of every folder (or one), newest first: account, folder, uid, date,
 * from, subject. --server asks the server too (IMAP SEARCH of the
 * compiled query, in --folder or INBOX), for what the cache cannot know
 * (bodies not fetched); inexact server answers are narrowed with the
 * in-memory matcher.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "facteur/cli.h"
#include "facteur/query.h"
#include "facteur/sync.h"
#include "facteur/sync_pop.h"

struct search_state {
	struct cli_context *ctx;
	const struct config_account *acct;
	struct store_folder_list *folders;
	const struct imap_uid_list *server; /* NULL unless --server */
	const struct query *q;
	bool exact; /* the server's answer needs no narrowing */
	json_t *array;
};

static const char *
folder_name(const struct store_folder_list *l, int64_t id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].id == id)
			return l->v[i].name;
	return "?";
}

static int
print_hit(const struct store_msg *m, void *arg)
{
	struct search_state *ss = arg;
	const char *folder = folder_name(ss->folders, m->folder_id);
	char date[64];
	time_t t = (time_t)(m->date != 0 ? m->date : m->internaldate);
	struct tm tm;
	json_t *o;

	if (ss->server != NULL &&
	    (ss->server->n == 0 ||
		bsearch(&m->uid, ss->server->v, ss->server->n,
		    sizeof *ss->server->v, fct_u32_cmp) == NULL))
		return 0;
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		snprintf(date, sizeof date, "-");
	if (ss->array != NULL) {
		o = json_pack("{s:s, s:s, s:I, s:s, s:s?, s:s?}", "account",
		    ss->acct->name, "folder", folder, "uid", (json_int_t)m->uid,
		    "date", date, "from", m->from_text, "subject", m->subject);
		/* json_pack refuses invalid UTF-8: such a row is skipped
		 * rather than printed wrong. */
		if (o != NULL && json_array_append_new(ss->array, o) != 0)
			fct_fatal("out of memory");
		return 0;
	}
	cli_put_field(ss->ctx->out, ss->acct->name);
	fputc('\t', ss->ctx->out);
	cli_put_field(ss->ctx->out, folder);
	fprintf(ss->ctx->out, "\t%u\t%s\t", m->uid, date);
	cli_put_field(ss->ctx->out, m->from_text != NULL ? m->from_text : "");
	fputc('\t', ss->ctx->out);
	cli_put_field(ss->ctx->out, m->subject != NULL ? m->subject : "");
	fputc('\n', ss->ctx->out);
	return 0;
}

struct search_opts {
	const char *folder;
	size_t limit;
	bool server, offline, json;
};

static int
search_account(struct cli_context *ctx, const struct config_account *acct,
    const struct query *q, const struct search_opts *o, json_t *array)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct store_folder_list folders = { NULL, 0, 0 };
	struct store_folder f = { 0 };
	struct imap_uid_list hits = IMAP_UID_LIST_INIT;
	struct query_imap_key *key = NULL;
	struct store *st = NULL;
	struct imap_session *s = NULL;
	struct imap_mailbox_state ms;
	struct sync_stats stats;
	struct sync_pop_stats pop_stats;
	struct search_state ss = { ctx, acct, &folders, NULL, q, true, array };
	const char *folder = o->folder != NULL ? o->folder
	    : o->server                        ? "INBOX"
					       : NULL;
	int64_t folder_id = 0;
	int rc = -1, found;

	if (cli_open_store(ctx, acct, &st) != 0)
		goto out;
	if (cli_is_pop(acct) && o->server) {
		fprintf(ctx->err,
		    "facteur: account '%s' reads POP3 mail: there is no "
		    "server search, only the cache's\n",
		    acct->name);
		goto out;
	}
	if (!o->offline && cli_is_pop(acct)) {
		if (cli_pop_sync(ctx, acct, st, &pop_stats) != 0)
			goto out;
	} else if (!o->offline) {
		if (cli_connect(ctx, acct, st,
			folder != NULL ? (const char *const[]){ folder, NULL }
				       : NULL,
			&s) != 0)
			goto out;
		if (folder != NULL &&
		    cli_sync_folder(ctx, acct, s, st, folder, &stats) != 0)
			goto out;
	}
	if (store_folder_list(st, &folders, &err) != 0)
		goto fail;
	if (folder != NULL) {
		if ((found = store_folder_get(st, folder, &f, &err)) < 0)
			goto fail;
		if (found == 0) {
			fprintf(ctx->err,
			    "facteur: account '%s' has no folder "
			    "'%s'\n",
			    acct->name, folder);
			goto out;
		}
		folder_id = f.id;
	}
	if (o->server) {
		if (query_to_imap(q, time(NULL), &key, &ss.exact, &err) != 0 ||
		    imap_select(s, f.raw_name, IMAP_SYNC_CLASSIC, &ms, NULL,
			&err) != 0 ||
		    imap_search(s, key, &hits, NULL, &err) != 0)
			goto fail;
		ss.server = &hits;
	}
	/* With the server's answer, the cache only narrows an inexact one. */
	if (store_msg_query(st, folder_id, o->server && ss.exact ? NULL : q,
		time(NULL), NULL, o->server ? 0 : o->limit, print_hit, &ss,
		&err) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
	    fct_error_msg(&err));
out:
	query_imap_key_free(&key);
	imap_uid_list_release(&hits);
	fct_error_release(&err);
	store_folder_release(&f);
	store_folder_list_release(&folders);
	imap_session_close(&s);
	store_close(&st);
	return rc;
}

static int
cmd_search(struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "folder", required_argument, NULL, 'f' },
		{ "limit", required_argument, NULL, 'n' },
		{ "server", no_argument, NULL, 's' },
		{ "offline", no_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct search_opts o = { NULL, 0, false, false, false };
	struct fct_error err = FCT_ERROR_INIT;
	struct query *q = NULL;
	const struct config_account *acct;
	json_t *array = NULL;
	const char *only = NULL;
	size_t i;
	int ch, status = CLI_OK;
	long n;

	/* 0, not 1: glibc then resets its scanning state too. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "f:n:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			o.folder = optarg;
			break;
		case 'n':
			if ((n = strtol(optarg, NULL, 10)) <= 0)
				goto usage;
			o.limit = (size_t)n;
			break;
		case 's':
			o.server = true;
			break;
		case 'o':
			o.offline = true;
			break;
		case 'j':
			o.json = true;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 && optind != argc - 2)
		goto usage;
	if (o.server && o.offline) {
		fprintf(ctx->err,
		    "facteur: --server and --offline exclude each "
		    "other\n");
		return CLI_USAGE;
	}
	if (optind == argc - 2)
		only = argv[argc - 1];
	if (query_parse(argv[optind], &q, &err) != 0) {
		fprintf(ctx->err, "facteur: bad query: %s\n",
		    fct_error_msg(&err));
		fct_error_release(&err);
		return CLI_FAILED;
	}
	if (cli_load_config(ctx) != 0) {
		query_free(&q);
		return CLI_FAILED;
	}
	if (only != NULL && config_find_account(ctx->cfg, only) == NULL) {
		fprintf(ctx->err, "facteur: no account '%s'\n", only);
		query_free(&q);
		return CLI_FAILED;
	}
	if (o.json && (array = json_array()) == NULL)
		fct_fatal("out of memory");
	for (i = 0; i < ctx->cfg->naccounts; i++) {
		acct = &ctx->cfg->accounts[i];
		if (only != NULL && strcmp(acct->name, only) != 0)
			continue;
		if (search_account(ctx, acct, q, &o, array) != 0)
			status = CLI_FAILED;
	}
	if (array != NULL) {
		if (json_dumpf(array, ctx->out, JSON_INDENT(1)) == 0)
			fputc('\n', ctx->out);
		json_decref(array);
	}
	query_free(&q);
	return status;
usage:
	fprintf(ctx->err,
	    "usage: facteur search QUERY [ACCOUNT] [--folder F] "
	    "[--server] [--offline] [--limit N] [--json]\n");
	return CLI_USAGE;
}

const struct cli_command cli_cmd_search = {
	.name = "search",
	.args = "QUERY [ACCOUNT] [--folder F] [--server] [--offline] "
		"[--limit N] [--json]",
	.help = "search the cache (and with --server the server) with the "
		"query language",
	.exec = cmd_search,
};
