/*
 * `facteur show FILE|-` and `facteur show [ACCOUNT:]FOLDER UID`: one
 * message rendered as the pager shows it (headers, body, attachment list),
 * by src/mime; or its raw bytes (--raw), one decoded part (--part N), or
 * its attachments saved into a folder (--save-attachments DIR).
 *
 * The mime library does no I/O, so what touches the system lives here:
 * reading the message (a file, standard input, or the cache, fetching the
 * body from the server when it is not cached yet), running a mailcap
 * `copiousoutput` command for HTML when the user has one, and writing the
 * attachments, each with O_EXCL under a sanitised name (mime_safe_
 * filename), so that a message can neither overwrite a file nor write
 * outside the chosen folder. Those two are shared with the pager
 * (src/sync/attach.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "facteur/cli.h"
#include "facteur/mime.h"
#include "facteur/sync.h"
#include "facteur/sync_attach.h"

struct show_opts {
	unsigned render_flags;
	unsigned width;
	unsigned part; /* 0: none */
	const char *save_dir;
	bool raw;
	bool offline;
};

/* Reads all of fp into sb; -1 with errno on a read error. */
static int
read_stream(FILE *fp, struct strbuf *sb)
{
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_add(sb, buf, n);
	return ferror(fp) ? -1 : 0;
}

static int
read_file_arg(struct cli_context *ctx, const char *path, struct strbuf *sb)
{
	if (strcmp(path, "-") == 0) {
		if (read_stream(stdin, sb) == 0)
			return 0;
		fprintf(ctx->err, "facteur: cannot read standard input: %s\n",
		    strerror(errno));
		return -1;
	}
	if (strbuf_read_file(sb, path) == 0)
		return 0;
	fprintf(ctx->err, "facteur: cannot read '%s': %s\n", path,
	    strerror(errno));
	return -1;
}

/*
 * The raw message UID of the folder from the cache, fetched first when
 * it is not there (unless offline). *raw owned by the caller.
 */
static int
read_stored(struct cli_context *ctx, const char *target, const char *uidarg,
    bool offline, struct strbuf *raw)
{
	struct fct_error err = FCT_ERROR_INIT;
	const struct config_account *acct;
	struct store_folder f = STORE_FOLDER_INIT;
	struct store_msg m = STORE_MSG_INIT;
	struct store *st = NULL;
	struct imap_session *s = NULL;
	struct sync_stats stats;
	const char *folder;
	unsigned long v;
	unsigned fetched = 0;
	char *end, *data = NULL;
	size_t len = 0;
	uint32_t uid;
	int rc = -1, got = 0, attempt;

	errno = 0;
	v = strtoul(uidarg, &end, 10);
	if (*uidarg == '\0' || *end != '\0' || errno != 0 || v == 0 ||
	    v > UINT32_MAX) {
		fprintf(ctx->err, "facteur: bad UID '%s'\n", uidarg);
		return -1;
	}
	uid = (uint32_t)v;
	if (cli_load_config(ctx) != 0 ||
	    cli_parse_target(ctx, target, &acct, &folder) != 0 ||
	    cli_open_store(ctx, acct, &st) != 0)
		return -1;
	/* First the cache; then, once, the server. */
	for (attempt = 0; attempt < 2 && got != 1; attempt++) {
		if (attempt == 1) {
			if (offline)
				break;
			if (cli_connect(ctx, acct, st,
				(const char *const[]){ folder, NULL },
				&s) != 0 ||
			    cli_sync_folder(ctx, acct, s, st, folder, &stats) !=
				0)
				goto out;
			if (sync_fetch_bodies(s, st, folder, &uid, 1,
				SYNC_BODY_BUDGET, &fetched, &err) != 0)
				goto fail;
		}
		if ((got = store_folder_get(st, folder, &f, &err)) < 0)
			goto fail;
		if (got == 0)
			continue;
		if ((got = store_msg_get(st, f.id, uid, &m, &err)) < 0)
			goto fail;
		if (got == 0)
			continue;
		if ((got = store_body_get(st, m.id, &data, &len, &err)) < 0)
			goto fail;
	}
	if (got != 1) {
		fprintf(ctx->err, "facteur: no message %u in '%s'%s\n", uid,
		    folder, offline ? " in the cache (--offline)" : "");
		goto out;
	}
	strbuf_add(raw, data, len);
	rc = 0;
	goto out;
fail:
	fprintf(ctx->err, "facteur: account '%s': %s\n", acct->name,
	    fct_error_msg(&err));
out:
	free(data);
	fct_error_release(&err);
	store_msg_release(&m);
	store_folder_release(&f);
	imap_session_close(&s);
	store_close(&st);
	return rc;
}

static void
print_rendering(struct cli_context *ctx, const struct mime_rendering *r)
{
	size_t i;

	for (i = 0; i < r->nlines; i++) {
		fputs(r->lines[i].text, ctx->out);
		fputc('\n', ctx->out);
	}
}

/*
 * Message bytes for the output: as they are into a file or a pipe, made
 * safe (mime_term_sanitize, newlines kept) on a terminal.
 */
static void
write_safely(struct cli_context *ctx, const char *data, size_t len)
{
	struct strbuf clean = STRBUF_INIT;

	if (!isatty(fileno(ctx->out))) {
		fwrite(data, 1, len, ctx->out);
		return;
	}
	mime_term_sanitize(&clean, data, len, MIME_TERM_KEEP_NEWLINES, NULL);
	fwrite(clean.buf, 1, clean.len, ctx->out);
	strbuf_release(&clean);
}

static int
show_part(struct cli_context *ctx, const struct strbuf *raw, unsigned n)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf content = STRBUF_INIT;
	struct mime_part info = { 0 };
	int rc = -1;

	if (mime_part_content(raw->buf, raw->len, n, &content, &info, &err) !=
	    0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	/* Bytes for a file or a pipe; on a terminal, only safe text. */
	if (isatty(fileno(ctx->out))) {
		if (strncmp(info.type, "text/", 5) != 0 &&
		    strcmp(info.type, "message/rfc822") != 0) {
			fprintf(ctx->err,
			    "facteur: part %u is %s: redirect the output or "
			    "use --save-attachments\n",
			    n, info.type);
			goto out;
		}
	}
	write_safely(ctx, content.buf, content.len);
	rc = 0;
out:
	mime_part_release(&info);
	strbuf_release(&content);
	fct_error_release(&err);
	return rc;
}

static int
save_attachments(struct cli_context *ctx, const struct strbuf *raw,
    const struct mime_rendering *r, const char *dir)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *path;
	size_t i;
	int dirfd, rc = 0, saved = 0;

	/* The folder is checked even when there is nothing to save. */
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fprintf(ctx->err, "facteur: cannot open folder '%s': %s\n", dir,
		    strerror(errno));
		return -1;
	}
	close(dirfd);
	for (i = 0; i < r->nparts && rc == 0; i++) {
		if (!(r->parts[i].flags & MIME_PART_ATTACHMENT))
			continue;
		if (sync_attachment_save(raw->buf, raw->len, r->parts[i].number,
			dir, &path, &err) != 0) {
			fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
			rc = -1;
			break;
		}
		fputs(path, ctx->out);
		fputc('\n', ctx->out);
		free(path);
		saved++;
	}
	if (rc == 0 && saved == 0)
		fprintf(ctx->err, "facteur: no attachments to save\n");
	fct_error_release(&err);
	return rc;
}

static int
parse_uint(const char *s, unsigned *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v == 0 || v > 100000)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
cmd_show(struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "headers", required_argument, NULL, 'H' },
		{ "raw", no_argument, NULL, 'r' },
		{ "part", required_argument, NULL, 'p' },
		{ "save-attachments", required_argument, NULL, 's' },
		{ "html", no_argument, NULL, 'h' },
		{ "width", required_argument, NULL, 'w' },
		{ "offline", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct show_opts so = { 0 };
	struct mime_render_opts ro = MIME_RENDER_OPTS_INIT;
	struct mime_rendering r = MIME_RENDERING_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf raw = STRBUF_INIT;
	char *command = NULL;
	int ch, status = CLI_FAILED;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H':
			if (strcmp(optarg, "all") == 0)
				so.render_flags |= MIME_RENDER_ALL_HEADERS;
			else if (strcmp(optarg, "none") == 0)
				so.render_flags |= MIME_RENDER_NO_HEADERS;
			else if (strcmp(optarg, "default") != 0)
				goto usage;
			break;
		case 'r':
			so.raw = true;
			break;
		case 'p':
			if (parse_uint(optarg, &so.part) != 0)
				goto usage;
			break;
		case 's':
			so.save_dir = optarg;
			break;
		case 'h':
			so.render_flags |= MIME_RENDER_PREFER_HTML;
			break;
		case 'w':
			if (parse_uint(optarg, &so.width) != 0)
				goto usage;
			break;
		case 'o':
			so.offline = true;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind == 1) {
		/* (The store needs the file; a file needs only the
		 * [general] choices.) */
		if (cli_load_config(ctx) != 0 ||
		    read_file_arg(ctx, argv[optind], &raw) != 0)
			goto out;
	} else if (argc - optind == 2) {
		if (read_stored(ctx, argv[optind], argv[optind + 1], so.offline,
			&raw) != 0)
			goto out;
	} else {
		goto usage;
	}
	if (so.raw) {
		write_safely(ctx, raw.buf, raw.len);
		status = CLI_OK;
		goto out;
	}
	if (so.part > 0) {
		status =
		    show_part(ctx, &raw, so.part) == 0 ? CLI_OK : CLI_FAILED;
		goto out;
	}
	ro.flags = so.render_flags;
	if (ctx->cfg->alternative == CONFIG_ALT_HTML)
		ro.flags |= MIME_RENDER_PREFER_HTML;
	ro.width = so.width;
	if ((command = sync_mailcap_command("text/html",
		 MIME_MAILCAP_COPIOUSOUTPUT, false)) != NULL) {
		ro.html_hook = sync_mailcap_html_hook;
		ro.html_hook_arg = command;
	}
	if (mime_render(raw.buf, raw.len, &ro, &r, &err) != 0) {
		fprintf(ctx->err, "facteur: %s\n", fct_error_msg(&err));
		goto out;
	}
	if (so.save_dir != NULL)
		status = save_attachments(ctx, &raw, &r, so.save_dir) == 0
		    ? CLI_OK
		    : CLI_FAILED;
	else {
		print_rendering(ctx, &r);
		status = CLI_OK;
	}
out:
	free(command);
	mime_rendering_release(&r);
	strbuf_release(&raw);
	fct_error_release(&err);
	return status;
usage:
	fprintf(ctx->err,
	    "usage: facteur show FILE|-|[ACCOUNT:]FOLDER UID "
	    "[--headers all] [--raw] [--part N]\n"
	    "       [--save-attachments DIR] [--html] [--width N] "
	    "[--offline]\n");
	status = CLI_USAGE;
	goto out;
}

const struct cli_command cli_cmd_show = {
	.name = "show",
	.args = "FILE|-|[ACCOUNT:]FOLDER UID [--headers all] [--raw] "
		"[--part N] [--save-attachments DIR] [--html] [--width N] "
		"[--offline]",
	.help = "render one message as the pager shows it, or save its "
		"attachments",
	.exec = cmd_show,
};
