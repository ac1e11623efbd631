/*
 * Unit tests of src/sync/compose.c and the store side of src/sync/send.c,
 * with no server: the identity a reply is sent as, reply-all without any
 * of the user's addresses, the sender a From line names, alias expansion
 * at build time, and a queued message in the outbox (envelope with the
 * Bcc recipient, message without it, durable) and a postponed draft with
 * its append job.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "facteur/core_alias.h"
#include "facteur/core_config.h"
#include "facteur/mime.h"
#include "facteur/mime_compose.h"
#include "facteur/smtp.h"
#include "facteur/sync.h"

static const char conf[] = "[account work]\n"
			   "email = alice@example.test\n"
			   "name = Alice Martin\n"
			   "imap = imaps://127.0.0.1:1\n"
			   "smtp = smtp://127.0.0.1:1\n"
			   "password = x\n"
			   "\n"
			   "[identity support]\n"
			   "account = work\n"
			   "email = support@example.test\n"
			   "name = Support\n"
			   "\n"
			   "[identity lists]\n"
			   "account = work\n"
			   "email = alice.lists@example.test\n"
			   "sent_folder = Listes/Envoyés\n";

static const char original[] =
    "From: Bob <bob@example.test>\r\n"
    "To: support@example.test, carol@example.test\r\n"
    "Cc: alice@example.test\r\n"
    "Subject: Aide\r\n"
    "Message-ID: <q1@example.test>\r\n"
    "\r\n"
    "Au secours\r\n";

static struct config *
load(void)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct config *cfg = NULL;

	if (config_parse("test", conf, strlen(conf), &cfg, &d) != 0)
		fail_msg("config");
	config_diags_release(&d);
	return cfg;
}

/* Removes the cache file path (and its log) and the folder dir. */
static void
test_cleanup_dir(const char *dir, char *path)
{
	char *p;

	unlink(path);
	p = xasprintf("%s-wal", path);
	unlink(p);
	free(p);
	p = xasprintf("%s-shm", path);
	unlink(p);
	free(p);
	free(path);
	rmdir(dir);
}

static int
setup(void **state)
{
	(void)state;
	mime_init();
	return 0;
}

static void
test_reply_identity(void **state)
{
	struct config *cfg = load();
	struct mime_draft d = MIME_DRAFT_INIT;
	struct sync_sender who;

	(void)state;
	assert_int_equal(sync_compose_start(cfg, &cfg->accounts[0],
			     SYNC_COMPOSE_REPLY_ALL, original, strlen(original),
			     &d, &who, NULL),
	    0);
	assert_non_null(who.identity);
	assert_string_equal(who.identity->name, "support");
	assert_string_equal(d.from, "\"Support\" <support@example.test>");
	assert_string_equal(d.to, "Bob <bob@example.test>");
	/* Neither support@ nor alice@: both are hers. */
	assert_string_equal(d.cc, "carol@example.test");
	assert_string_equal(d.in_reply_to, "q1@example.test");
	/* A new message is from the account. */
	assert_int_equal(sync_compose_start(cfg, &cfg->accounts[0],
			     SYNC_COMPOSE_NEW, NULL, 0, &d, &who, NULL),
	    0);
	assert_null(who.identity);
	assert_string_equal(d.from, "\"Alice Martin\" <alice@example.test>");
	mime_draft_release(&d);
	config_free(&cfg);
}

static void
test_sender_named(void **state)
{
	struct config *cfg = load();
	struct sync_sender who;
	struct fct_error err = FCT_ERROR_INIT;

	(void)state;
	assert_int_equal(sync_sender_find(cfg, NULL, &who, NULL), 0);
	assert_int_equal(sync_compose_sender(cfg, &cfg->accounts[0],
			     "Someone <ALICE.LISTS@example.test>", &who, NULL),
	    0);
	assert_string_equal(who.identity->name, "lists");
	assert_int_equal(sync_compose_sender(cfg, &cfg->accounts[0],
			     "alice@example.test", &who, NULL),
	    0);
	assert_null(who.identity);
	/* Not a substring match: xalice@ is someone else. */
	assert_int_equal(sync_compose_sender(cfg, &cfg->accounts[0],
			     "xsupport@example.test", &who, NULL),
	    0);
	assert_null(who.identity);
	assert_int_equal(sync_sender_find(cfg, "nosuch", &who, &err), -1);
	assert_string_equal(fct_error_msg(&err),
	    "no identity or account called 'nosuch'");
	fct_error_release(&err);
	config_free(&cfg);
}

static void
test_finish_expands(void **state)
{
	static const char al[] =
	    "alias equipe bob@example.test, carol@x.test\n";
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct config *cfg = load();
	struct fct_aliases *a = NULL;
	struct mime_draft d = MIME_DRAFT_INIT;
	struct mime_summary s = MIME_SUMMARY_INIT;
	struct strbuf msg = STRBUF_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_sender who;

	(void)state;
	assert_int_equal(fct_aliases_parse("al", al, strlen(al), &a, &diags),
	    0);
	assert_int_equal(sync_sender_find(cfg, NULL, &who, NULL), 0);
	d.to = strdup("equipe");
	d.from = strdup("Support <support@example.test>");
	d.body = strdup("x\n");
	mime_draft_add_attachment(&d, "none", NULL, "/nonexistent/file");
	assert_int_equal(sync_compose_finish(cfg, &cfg->accounts[0], a, &d,
			     &who, &msg, &err),
	    -1);
	assert_non_null(strstr(fct_error_msg(&err),
	    "cannot read attachment '/nonexistent/file'"));
	/* The From line picked the identity. */
	assert_string_equal(who.identity->name, "support");
	d.natt = 0;
	free(d.att[0].name);
	free(d.att[0].path);
	assert_int_equal(sync_compose_finish(cfg, &cfg->accounts[0], a, &d,
			     &who, &msg, &err),
	    0);
	assert_int_equal(mime_summary_parse(msg.buf, msg.len, &s, NULL), 0);
	assert_string_equal(s.to_text, "bob@example.test, carol@x.test");
	mime_summary_release(&s);
	strbuf_release(&msg);
	mime_draft_release(&d);
	fct_aliases_free(&a);
	config_diags_release(&diags);
	fct_error_release(&err);
	config_free(&cfg);
}

static void
test_queue_and_postpone(void **state)
{
	static const char raw[] = "To: bob@example.test\n"
				  "Bcc: boss@example.test\n"
				  "Subject: s\n\nx\n";
	char dir[] = "/tmp/facteur-sync-XXXXXX", *path;
	struct config *cfg = load();
	struct store *st = NULL;
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct store_job j = STORE_JOB_INIT;
	struct sync_sender who;
	int64_t id, did;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/c.sqlite", dir);
	assert_int_equal(store_open(path, &st, NULL), 0);
	assert_int_equal(sync_sender_find(cfg, "lists", &who, NULL), 0);
	assert_int_equal(sync_send_queue(st, &who, NULL, raw, strlen(raw), &id,
			     NULL, NULL),
	    0);
	assert_int_equal(store_outbox_get(st, id, &m, NULL), 1);
	assert_string_equal(m.state, "queued");
	assert_string_equal(m.identity, "lists");
	assert_string_equal(m.mail_from, "alice.lists@example.test");
	assert_string_equal(m.rcpts, "bob@example.test\nboss@example.test");
	assert_null(strstr(m.message, "boss"));
	assert_non_null(strstr(m.message, "From: alice.lists@example.test"));
	assert_string_equal(m.copy_folder, "Listes/Envoyés");
	/* Nothing queued for the server before it is sent. */
	assert_int_equal(store_job_next(st, &j, NULL), 0);

	assert_int_equal(sync_postpone(cfg, &cfg->accounts[0], st, &who,
			     "From: a@example.test\r\nMessage-ID: <d@x>\r\n"
			     "\r\nx\r\n",
			     strlen("From: a@example.test\r\nMessage-ID: "
				    "<d@x>\r\n\r\nx\r\n"),
			     7, &did, NULL),
	    0);
	assert_int_equal(store_outbox_get(st, did, &m, NULL), 1);
	assert_string_equal(m.state, "draft");
	assert_string_equal(m.message_id, "d@x");
	assert_int_equal(store_job_next(st, &j, NULL), 1);
	assert_string_equal(j.kind, "append");
	assert_non_null(strstr(j.payload, "role=drafts\n"));
	assert_non_null(strstr(j.payload, "replace=7\n"));
	store_job_release(&j);
	store_outbox_release(&m);
	store_close(&st);
	unlink(path);
	free(path);
	path = xasprintf("%s/c.sqlite-wal", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/c.sqlite-shm", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	config_free(&cfg);
}

/* A message another live process is sending is left alone; one left by
 * a dead process is taken (here the server is out of reach: queued). */
static void
test_claimed(void **state)
{
	static const char raw[] = "To: bob@example.test\nSubject: s\n\nx\n";
	char dir[] = "/tmp/facteur-sync-XXXXXX", *path;
	struct config *cfg = load();
	struct store *st = NULL;
	struct store_outbox m = STORE_OUTBOX_INIT;
	struct smtp_send_result res = SMTP_SEND_RESULT_INIT;
	struct fct_error err = FCT_ERROR_INIT;
	struct sync_sender who;
	int64_t id;
	pid_t dead;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/c.sqlite", dir);
	assert_int_equal(store_open(path, &st, NULL), 0);
	assert_int_equal(sync_sender_find(cfg, NULL, &who, NULL), 0);
	assert_int_equal(sync_send_queue(st, &who, NULL, raw, strlen(raw), &id,
			     NULL, NULL),
	    0);
	/* pid 1 is alive. */
	assert_int_equal(store_outbox_claim(st, id, "queued", 0, 1, NULL), 1);
	assert_int_equal(sync_send_submit(cfg, &cfg->accounts[0], st, id, &res,
			     &err),
	    -1);
	assert_string_equal(fct_error_msg(&err),
	    "message 1 is being sent by another facteur (process 1)");
	/* A child that has exited and been reaped is dead. */
	if ((dead = fork()) == 0)
		_exit(0);
	assert_true(dead > 0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	assert_int_equal(store_outbox_claim(st, id, "sending", 1, (int)dead,
			     NULL),
	    1);
	assert_int_equal(sync_send_submit(cfg, &cfg->accounts[0], st, id, &res,
			     &err),
	    -1);
	assert_int_equal(store_outbox_get(st, id, &m, NULL), 1);
	assert_string_equal(m.state, "queued");
	assert_int_equal(m.attempts, 1);
	assert_non_null(m.last_error);
	store_outbox_release(&m);
	smtp_send_result_release(&res);
	fct_error_release(&err);
	store_close(&st);
	test_cleanup_dir(dir, path);
	config_free(&cfg);
}

static int
collect(const char *text, const char *detail, void *arg)
{
	strbuf_addf(arg, "%s|%s;", text, detail);
	return 0;
}

static void
put_msg(struct store *st, int64_t folder, uint32_t uid, const char *from,
    const char *to, int64_t date)
{
	struct store_msg m = STORE_MSG_INIT;

	m.folder_id = folder;
	m.uid = uid;
	m.date = date;
	m.from_text = (char *)from;
	m.to_text = (char *)to;
	assert_int_equal(store_msg_put(st, &m, NULL), 0);
}

static void
test_complete(void **state)
{
	static const char al[] = "alias bea Béatrice <bea@example.test>\n";
	char dir[] = "/tmp/facteur-sync-XXXXXX", *path;
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct fct_aliases *a = NULL;
	struct store_folder f = STORE_FOLDER_INIT;
	struct store *st = NULL;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/c.sqlite", dir);
	assert_int_equal(store_open(path, &st, NULL), 0);
	f.name = xstrdup("INBOX");
	f.raw_name = xstrdup("INBOX");
	assert_int_equal(store_folder_put(st, &f, NULL), 0);
	put_msg(st, f.id, 1, "Bob Martin <bob@example.test>",
	    "alice@example.test, Carol Dupont <carol@example.test>", 100);
	put_msg(st, f.id, 2, "carol@example.test", "BOB@example.test", 200);
	assert_int_equal(fct_aliases_parse("al", al, strlen(al), &a, &d), 0);

	assert_int_equal(sync_address_complete(st, a, "b", 10, collect, &sb,
			     NULL),
	    0);
	assert_string_equal(sb.buf,
	    "bea|Béatrice "
	    "<bea@example.test>;BOB@example.test|BOB@example.test;");
	strbuf_reset(&sb);
	/* A word of the name; each address once. */
	assert_int_equal(sync_address_complete(st, a, "dup", 10, collect, &sb,
			     NULL),
	    0);
	assert_string_equal(sb.buf,
	    "Carol Dupont <carol@example.test>|carol@example.test;");
	strbuf_reset(&sb);
	assert_int_equal(sync_address_complete(st, NULL, "car", 1, collect, &sb,
			     NULL),
	    0);
	assert_string_equal(sb.buf, "carol@example.test|carol@example.test;");
	strbuf_release(&sb);
	store_folder_release(&f);
	fct_aliases_free(&a);
	config_diags_release(&d);
	store_close(&st);
	test_cleanup_dir(dir, path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_identity),
		cmocka_unit_test(test_sender_named),
		cmocka_unit_test(test_finish_expands),
		cmocka_unit_test(test_queue_and_postpone),
		cmocka_unit_test(test_claimed),
		cmocka_unit_test(test_complete),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
