/*
 * render: how many messages per second src/mime renders, over a mixed
 * corpus: every message of a folder (tests/data/mime by default: small
 * messages of every kind, plain, HTML, multipart, broken) plus three
 * built here for weight, a 200 KB HTML newsletter, a 1 MB PDF-like base64
 * attachment and a 300 KB format=flowed text. Rendering is what the pager
 * does when a message is opened, so it runs as the pager would: whole
 * message in memory, default options, width 78.
 *
 * Usage: render [DIR] [SECONDS]   (defaults: tests/data/mime, 5)
 *
 * Renders the corpus in order, again and again until SECONDS have gone,
 * then prints the totals:
 *
 *   messages=12345 seconds=5.00 msgs_per_s=2469.0 mb_per_s=41.2
 *   mix: 89 messages, 1.62 MB; slowest: big-html 8.1 ms
 *
 * Links libmime.a and libcore.a only; reads files with stdio (the library
 * itself does no I/O).
 */
#include "config.h"

#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facteur/core.h"
#include "facteur/mime.h"

struct msg {
	char *name;
	struct strbuf raw;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
add(struct msg **v, size_t *n, size_t *alloc, const char *name,
    struct strbuf *raw)
{
	FCT_ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[*n].name = xstrdup(name);
	(*v)[*n].raw = *raw;
	strbuf_init(raw, 0);
	(*n)++;
}

static void
synthetic(struct msg **v, size_t *n, size_t *alloc)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_addstr(&sb,
	    "From: News <news@example.test>\nTo: a@example.test\n"
	    "Subject: Newsletter\nMIME-Version: 1.0\n"
	    "Content-Type: text/html; charset=utf-8\n\n<html><body>");
	for (i = 0; sb.len < 200 * 1024; i++)
		strbuf_addf(&sb,
		    "<table><tr><td><h2>Article %zu</h2><p>Lorem ipsum "
		    "<a href=\"https://example.test/a/%zu\">dolor</a> sit "
		    "amet, <b>consectetur</b> adipiscing elit.</p><ul><li>"
		    "one</li><li>two</li></ul></td></tr></table>\n",
		    i, i);
	strbuf_addstr(&sb, "</body></html>\n");
	add(v, n, alloc, "synthetic-newsletter", &sb);

	strbuf_addstr(&sb,
	    "From: a@example.test\nTo: b@example.test\n"
	    "Subject: Report\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: text/plain\n\nThe report.\n--b\n"
	    "Content-Type: application/pdf; name=r.pdf\n"
	    "Content-Transfer-Encoding: base64\n\n");
	for (i = 0; sb.len < 1024 * 1024; i++)
		strbuf_addstr(&sb,
		    "JVBERi0xLjQKJeLjz9MKMSAwIG9iago8PC9UeXBlIC9DYXR"
		    "hbG9nIC9QYWdlcyAyIDAgUj4+CmVuZG9iagoy\n");
	strbuf_addstr(&sb, "--b--\n");
	add(v, n, alloc, "synthetic-attachment", &sb);

	strbuf_addstr(&sb,
	    "From: a@example.test\nTo: b@example.test\n"
	    "Subject: Long\nMIME-Version: 1.0\nContent-Type: "
	    "text/plain; charset=utf-8; format=flowed\n\n");
	for (i = 0; sb.len < 300 * 1024; i++)
		strbuf_addstr(&sb,
		    i % 7 == 6 ? "> quoted line \n"
			       : "Une ligne de texte qui coule et "
				 "continue plus loin, \n");
	add(v, n, alloc, "synthetic-flowed", &sb);
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/data/mime";
	double secs = argc > 2 ? atof(argv[2]) : 5.0;
	struct mime_rendering r = MIME_RENDERING_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf raw = STRBUF_INIT;
	struct msg *v = NULL;
	size_t n = 0, alloc = 0, i, total = 0, bytes = 0, mix_bytes = 0;
	double start, t0, t, slowest = 0;
	const char *slow_name = "";
	struct dirent *de;
	char *path;
	DIR *d;

	setlocale(LC_ALL, "C.UTF-8");
	mime_init();
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "render: cannot open '%s'\n", dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".eml") != 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (strbuf_read_file(&raw, path) != 0) {
			fprintf(stderr, "render: cannot read '%s'\n", path);
			return 1;
		}
		free(path);
		add(&v, &n, &alloc, de->d_name, &raw);
	}
	closedir(d);
	synthetic(&v, &n, &alloc);
	for (i = 0; i < n; i++)
		mix_bytes += v[i].raw.len;

	start = now();
	do {
		for (i = 0; i < n; i++) {
			t0 = now();
			if (mime_render(v[i].raw.buf, v[i].raw.len, NULL, &r,
				&err) != 0) {
				fprintf(stderr, "render: '%s': %s\n", v[i].name,
				    fct_error_msg(&err));
				return 1;
			}
			t = now() - t0;
			if (t > slowest) {
				slowest = t;
				slow_name = v[i].name;
			}
			total++;
			bytes += v[i].raw.len;
		}
	} while (now() - start < secs);
	t = now() - start;
	printf("messages=%zu seconds=%.2f msgs_per_s=%.1f mb_per_s=%.1f\n",
	    total, t, (double)total / t, (double)bytes / t / 1e6);
	printf("mix: %zu messages, %.2f MB; slowest: %s %.1f ms\n", n,
	    (double)mix_bytes / 1e6, slow_name, slowest * 1e3);
	mime_rendering_release(&r);
	for (i = 0; i < n; i++) {
		free(v[i].name);
		strbuf_release(&v[i].raw);
	}
	free(v);
	return 0;
}
