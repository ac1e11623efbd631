/*
 * Unit tests of src/mime's terminal safety (mime_term_sanitize, widths),
 * safe file names for saved attachments, the mailcap lookup and the HTML
 * converter's building blocks. Run in a UTF-8 locale for wcwidth.
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

static int
setup(void **state)
{
	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		return -1;
	mime_init();
	return 0;
}

/* Sanitises s (len bytes) and checks the result and the width. */
static void
check(const char *s, size_t len, unsigned flags, const char *want,
    size_t want_col)
{
	struct strbuf sb = STRBUF_INIT;
	size_t col = 0;

	mime_term_sanitize(&sb, s, len, flags, &col);
	assert_string_equal(sb.buf, want);
	assert_int_equal(col, want_col);
	strbuf_release(&sb);
}

#define CHECK(s, flags, want, col) check(s, sizeof(s) - 1, flags, want, col)

static void
test_sanitize_controls(void **state)
{
	(void)state;
	CHECK("plain", 0, "plain", 5);
	/* ESC, BEL, BS, DEL: caret notation, so sequences are inert. */
	CHECK("\x1b[2J\x07\x08\x7f", 0, "^[[2J^G^H^?", 11);
	CHECK("a\0b", 0, "a^@b", 4);
	/* Newlines only when asked; CR before LF or at the end dropped. */
	CHECK("a\nb", 0, "a^Jb", 4);
	CHECK("a\r\nb\r", MIME_TERM_KEEP_NEWLINES, "a\nb", 1);
	CHECK("a\rb", 0, "a^Mb", 4);
	/* C1 controls (UTF-8 encoded) and raw C1 bytes (invalid UTF-8). */
	CHECK("\xc2\x9b"
	      "31m",
	    0, "<U+009B>31m", 11);
	CHECK("\x9b"
	      "31m",
	    0,
	    "\xef\xbf\xbd"
	    "31m",
	    4);
}

static void
test_sanitize_bidi(void **state)
{
	(void)state;
	CHECK("a\xe2\x80\xae"
	      "b",
	    0, "a<U+202E>b", 10);
	CHECK("\xe2\x81\xa7x\xe2\x81\xa9", 0, "<U+2067>x<U+2069>", 17);
	CHECK("\xe2\x80\xa8", 0, "<U+2028>", 8);
	/* A byte order mark disappears. */
	CHECK("\xef\xbb\xbfok", 0, "ok", 2);
	/* Marks that are not overrides stay (RTL text needs them). */
	CHECK("\xe2\x80\x8f", 0, "\xe2\x80\x8f", 0);
}

static void
test_sanitize_utf8(void **state)
{
	(void)state;
	/* Overlong, surrogate, truncated: one U+FFFD per bad byte. */
	CHECK("\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd", 2);
	CHECK("\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3);
	CHECK("ok\xe2\x82", 0, "ok\xef\xbf\xbd\xef\xbf\xbd", 4);
	/* Wide and combining characters measured with wcwidth. */
	CHECK("\xe4\xb8\xad\xe6\x96\x87", 0, "\xe4\xb8\xad\xe6\x96\x87", 4);
	CHECK("e\xcc\x81", 0, "e\xcc\x81", 1);
}

static void
test_sanitize_tabs(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t col = 3;

	(void)state;
	CHECK("\tx", 0, "        x", 9);
	CHECK("abc\tx", 0, "abc     x", 9);
	CHECK("12345678\tx", 0, "12345678        x", 17);
	/* The column carries over between calls. */
	mime_term_sanitize(&sb, "\t", 1, 0, &col);
	assert_string_equal(sb.buf, "     ");
	assert_int_equal(col, 8);
	strbuf_release(&sb);
	/* Tabs count from the line start after a kept newline. */
	CHECK("ab\n\tx", MIME_TERM_KEEP_NEWLINES, "ab\n        x", 9);
}

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(mime_term_width(""), 0);
	assert_int_equal(mime_term_width("abc"), 3);
	assert_int_equal(mime_term_width("\xe4\xb8\xad!"), 3);
	assert_int_equal(mime_term_width("\xf0\x9f\x8e\x89"), 2);
	assert_int_equal(mime_term_width("\xc3\xa9t\xc3\xa9"), 3);
}

static void
check_name(const char *name, unsigned n, const char *type, const char *want)
{
	char *s = mime_safe_filename(name, n, type);

	assert_string_equal(s, want);
	free(s);
}

static void
test_safe_filename(void **state)
{
	(void)state;
	check_name("report.pdf", 2, "application/pdf", "report.pdf");
	check_name("../../etc/passwd", 2, NULL, "passwd");
	check_name("/etc/shadow", 2, NULL, "shadow");
	check_name("..\\..\\win.ini", 2, NULL, "win.ini");
	check_name("..", 3, "application/pdf", "part-3.pdf");
	check_name(".hidden", 3, NULL, "hidden");
	check_name("", 4, "image/png", "part-4.png");
	check_name(NULL, 5, "application/x-unknown", "part-5.bin");
	check_name("a/", 6, "text/plain", "part-6.txt");
	check_name("inv\xe2\x80\xae"
		   "fdp.exe",
	    2, NULL, "inv<U+202E>fdp.exe");
	check_name("bell\x07.txt", 2, NULL, "bell^G.txt");
	check_name("\xc3\xa9t\xc3\xa9.txt", 2, NULL, "\xc3\xa9t\xc3\xa9.txt");
}

static void
test_safe_filename_long(void **state)
{
	char name[1000];
	char *s;
	size_t i;

	(void)state;
	/* 2-byte characters: the cut never splits one. */
	for (i = 0; i + 2 < sizeof name; i += 2)
		memcpy(name + i, "\xc3\xa9", 2);
	name[i] = '\0';
	s = mime_safe_filename(name, 1, NULL);
	assert_true(strlen(s) <= 200);
	assert_int_equal(strlen(s) % 2, 0);
	assert_int_equal(mime_term_width(s), strlen(s) / 2);
	free(s);
}

static void
find(const char *text, const char *type, unsigned want, const char *expect)
{
	char *cmd = NULL;
	int rc = mime_mailcap_find(text, strlen(text), type, want, &cmd);

	if (expect == NULL) {
		assert_int_equal(rc, 0);
		assert_null(cmd);
	} else {
		assert_int_equal(rc, 1);
		assert_string_equal(cmd, expect);
	}
	free(cmd);
}

static void
test_mailcap(void **state)
{
	static const char cap[] =
	    "# comment\n"
	    "text/html; firefox %s\n"
	    "text/html; lynx -dump %s; copiousoutput\n"
	    "image/*; feh %s\n"
	    "text/plain; cat \\; echo; \\\n"
	    "  copiousoutput; needsterminal\n"
	    "application/pdf; evince %s; test=test -n \"$DISPLAY\"\n";

	(void)state;
	find(cap, "text/html", 0, "firefox %s");
	find(cap, "text/html", MIME_MAILCAP_COPIOUSOUTPUT, "lynx -dump %s");
	find(cap, "TEXT/HTML", MIME_MAILCAP_COPIOUSOUTPUT, "lynx -dump %s");
	find(cap, "image/png", 0, "feh %s");
	/* "\;" is a literal semicolon; continuation lines join. */
	find(cap, "text/plain",
	    MIME_MAILCAP_COPIOUSOUTPUT | MIME_MAILCAP_NEEDSTERMINAL,
	    "cat ; echo");
	/* test= entries are never guessed at. */
	find(cap, "application/pdf", 0, NULL);
	find(cap, "video/mp4", 0, NULL);
	find("", "text/html", 0, NULL);
	find("text/html\n", "text/html", 0, NULL);
	find("text; less %s; copiousoutput", "text/html",
	    MIME_MAILCAP_COPIOUSOUTPUT, "less %s");
}

static void
html(const char *in, unsigned width, const char *want, size_t want_links)
{
	struct strbuf out = STRBUF_INIT;
	char **links = NULL;
	size_t n = 0, i;

	mime_html_to_text(in, strlen(in), width, 1, &out, &links, &n);
	assert_string_equal(out.buf, want);
	assert_int_equal(n, want_links);
	for (i = 0; i < n; i++)
		free(links[i]);
	free(links);
	strbuf_release(&out);
}

static void
test_html(void **state)
{
	(void)state;
	html("<p>a</p><p>b</p>", 0, "a\n\nb\n", 0);
	html("a<br>b<br><br>c", 0, "a\nb\n\nc\n", 0);
	html("<ul><li>x</li><li>y</li></ul>", 0, "* x\n* y\n", 0);
	html("<ol><li>x</li><li>y</li></ol>", 0, " 1. x\n 2. y\n", 0);
	html("<blockquote>q</blockquote>t", 0, "> q\n\nt\n", 0);
	html("<a href='http://e.test/'>e</a>", 0, "e[1]\n", 1);
	html("<a href='http://e.test/'>http://e.test/</a>", 0,
	    "http://e.test/\n", 0);
	html("<script>x</script><style>y</style>z", 0, "z\n", 0);
	html("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
	    0, "a | b\nc\n", 0);
	html("<pre>a\n  b</pre>", 0, "a\n  b\n", 0);
	html("one two three four", 9, "one two\nthree\nfour\n", 0);
	html("", 0, "", 0);
	html("a < b && c > d", 0, "a < b && c > d\n", 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_sanitize_bidi),
		cmocka_unit_test(test_sanitize_utf8),
		cmocka_unit_test(test_sanitize_tabs),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_safe_filename),
		cmocka_unit_test(test_safe_filename_long),
		cmocka_unit_test(test_mailcap),
		cmocka_unit_test(test_html),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
