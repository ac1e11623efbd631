/*
 * Unit tests of src/sync/attach.c: saving a part never replaces a file
 * (name, name-1, name-2...), never leaves the folder a message names
 * (../ and a leading dot stripped by mime_safe_filename), never follows
 * a link planted under the name, and writes the decoded bytes; a mailcap
 * command line quotes the file name for sh.
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/mime.h"
#include "facteur/sync_attach.h"

static const char msg[] =
    "From: a@example.test\r\n"
    "Subject: parts\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n"
    "\r\n"
    "--b\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "body\r\n"
    "--b\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment; filename=\"../../evil.sh\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "aGVsbG8K\r\n"
    "--b--\r\n";

static char dir[] = "/tmp/facteur-test-attach.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	mime_init();
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static void
assert_file(const char *path, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(strbuf_read_file(&sb, path), 0);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void
test_save_never_replaces(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *p1 = NULL, *p2 = NULL, *want;

	(void)state;
	assert_int_equal(sync_attachment_save(msg, strlen(msg), 2, dir, &p1,
			     &err),
	    0);
	/* Only the last component, in the folder given. */
	want = xasprintf("%s/evil.sh", dir);
	assert_string_equal(p1, want);
	assert_file(p1, "hello\n");
	assert_int_equal(sync_attachment_save(msg, strlen(msg), 2, dir, &p2,
			     &err),
	    0);
	free(want);
	want = xasprintf("%s/evil-1.sh", dir);
	assert_string_equal(p2, want);
	assert_file(p1, "hello\n");
	free(want);
	free(p1);
	free(p2);
	fct_error_release(&err);
}

static void
test_save_no_link_followed(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *link = xasprintf("%s/a.txt", dir);
	char *target = xasprintf("%s/target", dir);
	char *made = NULL;
	int dfd;

	(void)state;
	assert_int_equal(symlink(target, link), 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(sync_save_unique(dfd, dir, "a.txt", "x", 1, &made,
			     &err),
	    0);
	assert_string_equal(made, "a-1.txt");
	assert_int_equal(access(target, F_OK), -1);
	close(dfd);
	free(made);
	free(link);
	free(target);
	fct_error_release(&err);
}

static void
test_save_errors(void **state)
{
	struct fct_error err = FCT_ERROR_INIT;
	char *p = NULL;

	(void)state;
	assert_int_equal(sync_attachment_save(msg, strlen(msg), 2,
			     "/nonexistent-facteur", &p, &err),
	    -1);
	assert_non_null(strstr(fct_error_msg(&err),
	    "cannot open folder '/nonexistent-facteur'"));
	assert_null(p);
	fct_error_release(&err);
	assert_int_equal(sync_attachment_save(msg, strlen(msg), 9, dir, &p,
			     &err),
	    -1);
	assert_null(p);
	fct_error_release(&err);
}

static void
test_mailcap_expand(void **state)
{
	char *s;

	(void)state;
	s = sync_mailcap_expand("view %s --type=%t", "image/png",
	    "/tmp/it's here.png");
	assert_string_equal(s,
	    "view '/tmp/it'\\''s here.png' --type='image/png'");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_never_replaces),
		cmocka_unit_test(test_save_no_link_followed),
		cmocka_unit_test(test_save_errors),
		cmocka_unit_test(test_mailcap_expand),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
