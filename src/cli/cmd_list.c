/*
 * `facteur list [ACCOUNT:]FOLDER [--query Q] [--limit N] [--json]
 * [--offline]`: the folder's messages from the cache, newest first, after
 * bringing the folder up to date (unless --offline). Tab-separated: uid,
 * ISO 8601 date, from, subject, flags; or one JSON array.
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

struct list_opts {
	const char *query;
	size_t limit;
	bool json;
	bool offline;
};

struct list_state {
	struct cli_context *ctx;
	json_t *array; /* NULL unless --json */
};

static const struct {
	unsigned flag;
	const char *word;
} flag_words[] = {
	{ FCT_FLAG_SEEN, "seen" },
	{ FCT_FLAG_ANSWERED, "answered" },
	{ FCT_FLAG_FLAGGED, "flagged" },
	{ FCT_FLAG_DELETED, "deleted" },
	{ FCT_FLAG_DRAFT, "draft" },
};

/* The flags as words, then the keywords: "seen flagged $Work". */
static void
flags_text(const struct store_msg *m, struct strbuf *sb)
{
	const char *k;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(flag_words); i++) {
		if (!(m->flags & flag_words[i].flag))
			continue;
		if (sb->len > 0)
			strbuf_addch(sb, ' ');
		strbuf_addstr(sb, flag_words[i].word);
	}
	for (k = m->keywords; k != NULL && *k != '\0'; k++) {
		if (*k == ' ')
			continue;
		if (sb->len > 0)
			strbuf_addch(sb, ' ');
		while (*k != '\0' && *k != ' ')
			strbuf_addch(sb, *k++);
		if (*k == '\0')
			break;
	}
}

static void
iso_date(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		snprintf(buf, len, "-");
}

static json_t *
json_text(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *j;

	if (s == NULL)
		return json_null();
	fct_utf8_sanitize(&sb, s);
	j = json_stringn(sb.buf, sb.len);
	strbuf_release(&sb);
	if (j == NULL)
		fct_fatal("out of memory");
	return j;
}

static int
print_row(const struct store_msg *m, void *arg)
{
	struct list_state *ls = arg;
	struct strbuf flags = STRBUF_INIT;
	char date[64];
	json_t *o;

	flags_text(m, &flags);
	iso_date(m->date != 0 ? m->date : m->internaldate, date, sizeof date);
	if (ls->array != NULL) {
		o = json_object();
		if (o == NULL ||
		    json_object_set_new(o, "uid", json_integer(m->uid)) != 0 ||
		    json_object_set_new(o, "date", json_text(date)) != 0 ||
		    json_object_set_new(o, "from", json_text(m->from_text)) ||
		    json_object_set_new(o, "to", json_text(m->to_text)) ||
		    json_object_set_new(o, "subject", json_text(m->subject)) ||
		    json_object_set_new(o, "flags", json_text(flags.buf)) ||
		    json_object_set_new(o, "size",
			json_integer((json_int_t)m->size)) ||
		    json_object_set_new(o, "message_id",
			json_text(m->message_id)) ||
		    json_object_set_new(o, "has_attachment",
			json_boolean(m->has_attachment)) ||
		    json_array_append_new(ls->array, o) != 0)
			fct_fatal("out of memory");
	} else {
		fprintf(ls->ctx->out, "%u\t%s\t", m->uid, date);
		cli_put_field(ls->ctx->out,
		    m->from_text != NULL ? m->from_text : "");
		fputc('\t', ls->ctx->out);
		cli_put_field(ls->ctx->out,
		    m->subject != NULL ? m->subject : "");
		fputc('\t', ls->ctx->out);
		cli_put_field(ls->ctx->out, flags.buf);
		fputc('\n', ls->ctx->out);
	}
	strbuf_release(&flags);
	return 0;
}

static int
parse_opts(struct cli_context *ctx, int argc, char **argv, struct list_opts *o)
{
	static const struct option longopts[] = {
		{ "query", required_argument, NULL, 'q' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "offline", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long n;
	int ch;

	/* 0, not 1: glibc then resets its scanning state too. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "q:n:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			o->query = optarg;
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n <= 0) {
				fprintf(ctx->err, "facteur: bad --limit '%s'\n",
				    optarg);
				return -1;
			}
			o->limit = (size_t)n;
			break;
		case 'j':
			o->json = true;
			break;
		case 'o':
			o->offline = true;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

static int
cmd_list(struct cli_context *ctx, int argc, char **argv)
{
	struct list_opts o = { NULL, 0, false, false };
	struct list_state ls = { ctx, NULL };
	struct fct_error err = FCT_ERROR_INIT;
	const struct config_account *acct;
	struct store *st = NULL;
	struct imap_session *s = NULL;
	struct store_folder f = { 0 };
	struct query *q = NULL;
	struct sync_stats stats;
	struct sync_pop_stats pop_stats;
	const char *folder;
	int status = CLI_FAILED, found;

	if (parse_opts(ctx, argc, argv, &o) != 0 || optind != argc - 1) {
		fprintf(ctx->err,
		    "usage: facteur list [ACCOUNT:]FOLDER "
		    "[--query Q] [--limit N] [--json] [--offline]\n");
		return CLI_USAGE;
	}
	if (cli_load_config(ctx) != 0 ||
	    cli_parse_target(ctx, argv[optind], &acct, &folder) != 0)
		return CLI_FAILED;
	if (query_parse(o.query != NULL ? o.query : "", &q, &err) != 0) {
		fprintf(ctx->err, "facteur: bad query: %s\n",
		    fct_error_msg(&err));
		goto out;
	}
	if (cli_open_store(ctx, acct, &st) != 0)
		goto out;
	if (!o.offline && cli_is_pop(acct)) {
		if (cli_pop_sync(ctx, acct, st, &pop_stats) != 0)
			goto out;
	} else if (!o.offline &&
	    (cli_connect(ctx, acct, st, (const char *const[]){ folder, NULL },
		 &s) != 0 ||
		cli_sync_folder(ctx, acct, s, st, folder, &stats) != 0))
		goto out;
	if ((found = store_folder_get(st, folder, &f, &err)) <= 0) {
		if (found == 0)
			fprintf(ctx->err,
			    "facteur: account '%s' has no "
			    "folder '%s'%s\n",
			    acct->name, folder,
			    o.offline ? " in the cache" : "");
		else
			fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	if (o.json && (ls.array = json_array()) == NULL)
		fct_fatal("out of memory");
	if (store_msg_query(st, f.id, q, time(NULL), NULL, o.limit, print_row,
		&ls, &err) != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	if (ls.array != NULL) {
		if (json_dumpf(ls.array, ctx->out, JSON_INDENT(1)) != 0)
			goto out;
		fputc('\n', ctx->out);
	}
	status = CLI_OK;
out:
	json_decref(ls.array);
	fct_error_release(&err);
	store_folder_release(&f);
	query_free(&q);
	imap_session_close(&s);
	store_close(&st);
	return status;
}

const struct cli_command cli_cmd_list = {
	.name = "list",
	.args = "[ACCOUNT:]FOLDER [--query Q] [--limit N] [--json] [--offline]",
	.help = "list a folder's messages from the cache, synced first",
	.exec = cmd_list,
};
