/*
 * Unit tests of src/mime's renderer API as the pager consumes it: line
 * kinds and their fields (header name length, quote depth, part and link
 * numbers), the part list and its flags, extraction by number, render
 * options and the HTML hook. The full renderings are checked against
 * golden files by tests/mime/corpus.sh.
 */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/mime.h"

static const char message[] =
    "From: =?utf-8?q?Ren=C3=A9e?= <r@example.test>\n"
    "To: b@example.test\n"
    "Subject: Test\n"
    "Date: Tue, 24 Nov 2026 10:00:00 +0000\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=m\n"
    "\n"
    "--m\n"
    "Content-Type: multipart/alternative; boundary=a\n"
    "\n"
    "--a\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Hello https://example.test/p\n"
    "> quoted\n"
    ">> deeper\n"
    "--a\n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<p>Hello <a href=\"https://example.test/h\">there</a></p>\n"
    "--a--\n"
    "--m\n"
    "Content-Type: application/pdf; name=\"r\xc3\xa9sum\xc3\xa9.pdf\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "JVBERi0xLjQK\n"
    "--m--\n";

static int
setup(void **state)
{
	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		return -1;
	setenv("TZ", "UTC", 1);
	mime_init();
	return 0;
}

static void
render(const char *raw, const struct mime_render_opts *opts,
    struct mime_rendering *r)
{
	assert_int_equal(mime_render(raw, strlen(raw), opts, r, NULL), 0);
}

/* The first line of kind k at or after *i, advancing *i past it. */
static const struct mime_line *
next_of(const struct mime_rendering *r, size_t *i, enum mime_line_kind k)
{
	for (; *i < r->nlines; (*i)++)
		if (r->lines[*i].kind == k)
			return &r->lines[(*i)++];
	fail_msg("no more lines of kind %d", (int)k);
	return NULL;
}

static void
test_lines(void **state)
{
	struct mime_rendering r = MIME_RENDERING_INIT;
	const struct mime_line *l;
	size_t i = 0;

	(void)state;
	render(message, NULL, &r);
	l = next_of(&r, &i, MIME_LINE_HEADER);
	assert_string_equal(l->text,
	    "From: Ren\xc3\xa9"
	    "e <r@example.test>");
	assert_int_equal(l->name_len, 4);
	assert_int_equal(l->width, 28);
	assert_int_equal(l->part, 0);
	l = next_of(&r, &i, MIME_LINE_HEADER);
	assert_string_equal(l->text, "To: b@example.test");
	l = next_of(&r, &i, MIME_LINE_HEADER);
	assert_string_equal(l->text, "Date: Tue, 24 Nov 2026 10:00:00 +0000");
	l = next_of(&r, &i, MIME_LINE_HEADER);
	assert_string_equal(l->text, "Subject: Test");
	assert_int_equal(l->name_len, 7);
	assert_int_equal(r.lines[i].kind, MIME_LINE_BLANK);
	l = next_of(&r, &i, MIME_LINE_BODY);
	assert_string_equal(l->text, "Hello https://example.test/p");
	assert_int_equal(l->quote, 0);
	assert_int_equal(l->part, 1);
	l = next_of(&r, &i, MIME_LINE_BODY);
	assert_int_equal(l->quote, 1);
	l = next_of(&r, &i, MIME_LINE_BODY);
	assert_string_equal(l->text, ">> deeper");
	assert_int_equal(l->quote, 2);
	l = next_of(&r, &i, MIME_LINE_LABEL);
	assert_string_equal(l->text, "[-- attachments --]");
	l = next_of(&r, &i, MIME_LINE_ATTACHMENT);
	assert_string_equal(l->text,
	    "[3] r\xc3\xa9sum\xc3\xa9.pdf (application/pdf, 9 B)");
	assert_int_equal(l->part, 3);
	assert_int_equal(i, r.nlines);

	/* Parts: plain shown, HTML the unchosen alternative, the PDF. */
	assert_int_equal(r.nparts, 3);
	assert_int_equal(r.parts[0].flags, MIME_PART_SHOWN);
	assert_string_equal(r.parts[0].type, "text/plain");
	assert_string_equal(r.parts[0].charset, "utf-8");
	assert_int_equal(r.parts[1].flags, 0);
	assert_string_equal(r.parts[1].type, "text/html");
	assert_int_equal(r.parts[2].flags, MIME_PART_ATTACHMENT);
	assert_string_equal(r.parts[2].filename, "r\xc3\xa9sum\xc3\xa9.pdf");
	assert_int_equal(r.parts[2].size, 9);
	/* The URL of the plain text is a link, the text unchanged. */
	assert_int_equal(r.nlinks, 1);
	assert_string_equal(r.links[0].url, "https://example.test/p");
	assert_int_equal(r.links[0].part, 1);
	mime_rendering_release(&r);
	assert_null(r.lines);
	assert_int_equal(r.nlines, 0);
}

static void
test_prefer_html(void **state)
{
	struct mime_render_opts opts = MIME_RENDER_OPTS_INIT;
	struct mime_rendering r = MIME_RENDERING_INIT;
	const struct mime_line *l;
	size_t i = 0;

	(void)state;
	opts.flags = MIME_RENDER_PREFER_HTML | MIME_RENDER_NO_HEADERS;
	render(message, &opts, &r);
	assert_int_equal(r.lines[0].kind, MIME_LINE_BODY);
	l = next_of(&r, &i, MIME_LINE_BODY);
	assert_string_equal(l->text, "Hello there[1]");
	assert_int_equal(l->part, 2);
	l = next_of(&r, &i, MIME_LINE_LINK);
	assert_string_equal(l->text, "[1] https://example.test/h");
	assert_int_equal(l->link, 1);
	assert_int_equal(r.nlinks, 1);
	assert_string_equal(r.links[0].url, "https://example.test/h");
	assert_int_equal(r.parts[0].flags, 0);
	assert_int_equal(r.parts[1].flags, MIME_PART_SHOWN);
	mime_rendering_release(&r);
}

static int hook_calls;

static int
hook(void *arg, const char *html, size_t len, struct strbuf *out)
{
	hook_calls++;
	assert_non_null(strstr(html, "<a href"));
	assert_int_equal(strlen(html), len);
	if (arg == NULL)
		return -1;
	strbuf_addstr(out, "FROM THE HOOK\n");
	return 0;
}

static void
test_html_hook(void **state)
{
	struct mime_render_opts opts = MIME_RENDER_OPTS_INIT;
	struct mime_rendering r = MIME_RENDERING_INIT;
	size_t i = 0;

	(void)state;
	opts.flags = MIME_RENDER_PREFER_HTML | MIME_RENDER_NO_HEADERS;
	opts.html_hook = hook;
	opts.html_hook_arg = &opts;
	render(message, &opts, &r);
	assert_string_equal(next_of(&r, &i, MIME_LINE_BODY)->text,
	    "FROM THE HOOK");
	assert_int_equal(hook_calls, 1);
	/* A hook that fails: the built-in converter. */
	opts.html_hook_arg = NULL;
	render(message, &opts, &r);
	i = 0;
	assert_string_equal(next_of(&r, &i, MIME_LINE_BODY)->text,
	    "Hello there[1]");
	assert_int_equal(hook_calls, 2);
	mime_rendering_release(&r);
}

static void
test_part_content(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct mime_part info = { 0 };
	struct fct_error err = FCT_ERROR_INIT;

	(void)state;
	assert_int_equal(mime_part_content(message, strlen(message), 3, &sb,
			     &info, NULL),
	    0);
	assert_string_equal(sb.buf, "%PDF-1.4\n");
	assert_int_equal(info.number, 3);
	assert_int_equal(info.size, 9);
	assert_string_equal(info.type, "application/pdf");
	mime_part_release(&info);
	strbuf_reset(&sb);
	assert_int_equal(mime_part_content(message, strlen(message), 2, &sb,
			     NULL, NULL),
	    0);
	assert_non_null(strstr(sb.buf, "<a href"));
	assert_int_equal(mime_part_content(message, strlen(message), 4, &sb,
			     NULL, &err),
	    -1);
	assert_string_equal(fct_error_msg(&err),
	    "no part 4 in the message (it has 3)");
	fct_error_release(&err);
	strbuf_release(&sb);
}

static void
test_width_option(void **state)
{
	static const char flowed[] =
	    "Content-Type: text/plain; format=flowed\n\n"
	    "aaaa bbbb cccc \ndddd eeee\n";
	struct mime_render_opts opts = MIME_RENDER_OPTS_INIT;
	struct mime_rendering r = MIME_RENDERING_INIT;
	size_t i = 0;

	(void)state;
	opts.flags = MIME_RENDER_NO_HEADERS;
	opts.width = 10;
	render(flowed, &opts, &r);
	assert_string_equal(next_of(&r, &i, MIME_LINE_BODY)->text, "aaaa bbbb");
	assert_string_equal(next_of(&r, &i, MIME_LINE_BODY)->text, "cccc dddd");
	assert_string_equal(next_of(&r, &i, MIME_LINE_BODY)->text, "eeee");
	assert_int_equal(i, r.nlines);
	mime_rendering_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_prefer_html),
		cmocka_unit_test(test_html_hook),
		cmocka_unit_test(test_part_content),
		cmocka_unit_test(test_width_option),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
