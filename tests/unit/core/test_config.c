/*
 * Unit tests of src/core/config.c: the configuration file parser.
 *
 * Most tests parse a small text as the file "cfg" and compare the printed
 * diagnostics, position and wording included, with what a user should
 * see. Every config that comes back goes through config_sanity(), whatever
 * the errors, since the caller may use what parsed.
 */
#include "config.h"

#include <errno.h>
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

#include "facteur/core_config.h"

/* The minimum a valid account needs, to keep test texts short. */
#define ACCOUNT_A "[account a]\nemail = a@example.test\nimap = imaps://h\n"

static char *
diags_text(const struct config_diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	config_diags_print(d, fp);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/*
 * Parses text as "cfg" and returns the printed diagnostics (owned). The
 * config goes to *cfgp, or is freed when cfgp is NULL.
 */
static char *
parse_n(const char *text, size_t len, struct config **cfgp)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct config *cfg = NULL;
	char *out;
	int rc;

	rc = config_parse("cfg", text, len, &cfg, &d);
	assert_non_null(cfg);
	assert_int_equal(rc, d.nerrors > 0 ? -1 : 0);
	config_sanity(cfg);
	out = diags_text(&d);
	config_diags_release(&d);
	if (cfgp != NULL)
		*cfgp = cfg;
	else
		config_free(&cfg);
	return out;
}

static char *
parse(const char *text, struct config **cfgp)
{
	return parse_n(text, strlen(text), cfgp);
}

static void
check_diags(const char *text, const char *expected)
{
	char *got = parse(text, NULL);

	if (strcmp(got, expected) != 0) {
		print_error("input:\n%s\nexpected:\n%sgot:\n%s", text, expected,
		    got);
		free(got);
		fail();
	}
	free(got);
}

/* Parses a text that must have no diagnostic at all. */
static struct config *
parse_ok(const char *text)
{
	struct config *cfg;
	char *got = parse(text, &cfg);

	if (got[0] != '\0') {
		print_error("input:\n%s\nunexpected diagnostics:\n%s", text,
		    got);
		free(got);
		fail();
	}
	free(got);
	return cfg;
}

static int
setup_env(void **state)
{
	setenv("HOME", "/home/alice", 1);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("XDG_CONFIG_HOME");
	return 0;
}

/* The example of the manual page, whole. */
static void
test_parse_full_example(void **state)
{
	static const char text[] =
	    "# facteur configuration\n"
	    "[general]\n"
	    "cache_dir = ~/.cache/facteur-mail\n"
	    "\n"
	    "[account work]\n"
	    "email    = alice@example.test\n"
	    "name     = Alice Martin\n"
	    "imap     = imaps://mail.example.test:993\n"
	    "smtp     = smtp://mail.example.test:587\n"
	    "user     = alice\n"
	    "password_command = pass show mail/work   # first line\n"
	    "ca_file  = ~/certs/ca.pem\n"
	    "\n"
	    "[account home]\n"
	    "email = alice@home.test\n"
	    "pop   = pops://pop.home.test\n"
	    "smtp  = smtps://smtp.home.test\n"
	    "oauth2_token_command = oauth2 token home\n"
	    "\n"
	    "[identity support]\n"
	    "account = work\n"
	    "email   = support@example.test\n"
	    "name    = Support\n"
	    "sent_folder = Sent/Support\n";
	struct config *cfg = parse_ok(text);
	const struct config_account *a;
	const struct config_identity *id;

	assert_string_equal(cfg->path, "cfg");
	assert_string_equal(cfg->cache_dir, "/home/alice/.cache/facteur-mail");
	assert_int_equal(cfg->naccounts, 2);
	assert_int_equal(cfg->nidentities, 1);

	a = config_find_account(cfg, "work");
	assert_ptr_equal(a, &cfg->accounts[0]);
	assert_string_equal(a->name, "work");
	assert_string_equal(a->email, "alice@example.test");
	assert_string_equal(a->realname, "Alice Martin");
	assert_int_equal(a->imap.proto, CONFIG_PROTO_IMAP);
	assert_true(a->imap.implicit_tls);
	assert_string_equal(a->imap.host, "mail.example.test");
	assert_int_equal(a->imap.port, 993);
	assert_int_equal(a->smtp.proto, CONFIG_PROTO_SMTP);
	assert_false(a->smtp.implicit_tls);
	assert_int_equal(a->smtp.port, 587);
	assert_int_equal(a->pop.proto, CONFIG_PROTO_NONE);
	assert_null(a->pop.host);
	assert_string_equal(a->user, "alice");
	assert_string_equal(a->password_command, "pass show mail/work");
	assert_null(a->password);
	assert_null(a->oauth2_token_command);
	assert_string_equal(a->ca_file, "/home/alice/certs/ca.pem");
	assert_int_equal(a->file_line, 5);

	a = config_find_account(cfg, "home");
	assert_non_null(a);
	assert_int_equal(a->imap.proto, CONFIG_PROTO_NONE);
	assert_int_equal(a->pop.proto, CONFIG_PROTO_POP);
	assert_true(a->pop.implicit_tls);
	assert_int_equal(a->pop.port, 995);
	assert_true(a->smtp.implicit_tls);
	assert_int_equal(a->smtp.port, 465);
	assert_string_equal(a->user, "alice@home.test");
	assert_null(a->realname);
	assert_null(a->ca_file);
	assert_string_equal(a->oauth2_token_command, "oauth2 token home");

	id = config_find_identity(cfg, "support");
	assert_non_null(id);
	assert_string_equal(id->account, "work");
	assert_string_equal(id->email, "support@example.test");
	assert_string_equal(id->realname, "Support");
	assert_string_equal(id->sent_folder, "Sent/Support");
	assert_int_equal(id->file_line, 20);
	assert_null(config_find_identity(cfg, "nobody"));

	config_free(&cfg);
	assert_null(cfg);
	config_free(&cfg);
}

static void
test_parse_empty(void **state)
{
	struct config *cfg = parse_ok("");

	assert_int_equal(cfg->naccounts, 0);
	assert_int_equal(cfg->nidentities, 0);
	assert_null(config_find_account(cfg, NULL));
	assert_null(config_find_account(cfg, "a"));
	assert_string_equal(cfg->cache_dir, "/home/alice/.cache/facteur");
	config_free(&cfg);

	cfg = parse_ok("\n   \n\t\n# only a comment\n   # indented\n");
	assert_int_equal(cfg->naccounts, 0);
	config_free(&cfg);
}

static void
test_defaults(void **state)
{
	struct config *cfg;

	setenv("XDG_CACHE_HOME", "/var/cache/alice", 1);
	cfg = parse_ok(ACCOUNT_A);
	assert_string_equal(cfg->cache_dir, "/var/cache/alice/facteur");
	config_free(&cfg);

	/* The XDG spec says to ignore a relative path. */
	setenv("XDG_CACHE_HOME", "relative", 1);
	cfg = parse_ok("");
	assert_string_equal(cfg->cache_dir, "/home/alice/.cache/facteur");
	config_free(&cfg);

	setenv("XDG_CACHE_HOME", "", 1);
	cfg = parse_ok("[general]\ncache_dir = /srv/mail\n");
	assert_string_equal(cfg->cache_dir, "/srv/mail");
	config_free(&cfg);
	unsetenv("XDG_CACHE_HOME");

	cfg = parse_ok(ACCOUNT_A);
	assert_string_equal(cfg->accounts[0].user, "a@example.test");
	assert_null(cfg->accounts[0].realname);
	assert_null(cfg->accounts[0].password_command);
	assert_int_equal(cfg->accounts[0].smtp.proto, CONFIG_PROTO_NONE);
	assert_ptr_equal(config_find_account(cfg, NULL), &cfg->accounts[0]);
	config_free(&cfg);
}

static void
test_default_path(void **state)
{
	char *path;

	path = config_default_path();
	assert_string_equal(path, "/home/alice/.config/facteur/config");
	free(path);
	setenv("XDG_CONFIG_HOME", "/etc/alice", 1);
	path = config_default_path();
	assert_string_equal(path, "/etc/alice/facteur/config");
	free(path);
	setenv("XDG_CONFIG_HOME", "not/absolute", 1);
	path = config_default_path();
	assert_string_equal(path, "/home/alice/.config/facteur/config");
	free(path);
	unsetenv("XDG_CONFIG_HOME");
}

static void
test_line_endings(void **state)
{
	struct config *cfg;

	cfg = parse_ok("[account a]\r\nemail = a@example.test\r\n"
		       "imap = imaps://h # c\r\nname = \"A\"\r\n");
	assert_string_equal(cfg->accounts[0].email, "a@example.test");
	assert_string_equal(cfg->accounts[0].imap.host, "h");
	assert_string_equal(cfg->accounts[0].realname, "A");
	config_free(&cfg);

	/* No newline at the end of the file. */
	cfg = parse_ok("[account a]\nimap = imaps://h\nemail = a@example.test");
	assert_string_equal(cfg->accounts[0].email, "a@example.test");
	config_free(&cfg);

	/* A byte order mark is skipped and does not count as columns. */
	cfg = parse_ok("\xef\xbb\xbf" ACCOUNT_A);
	assert_int_equal(cfg->naccounts, 1);
	config_free(&cfg);
	check_diags("\xef\xbb\xbf[acount a]\n",
	    "cfg:1:2: error: unknown section type 'acount'; "
	    "did you mean 'account'?\n");

	/* A CR elsewhere than before the LF is a control character. */
	check_diags(ACCOUNT_A "name = A\rB\n",
	    "cfg:4:9: error: unexpected control character 0x0d\n");
}

static void
test_values_bare(void **state)
{
	struct config *cfg;

	cfg = parse_ok(
	    ACCOUNT_A "name =    Alice   Martin   \t# the display name\n"
		      "password_command = pass show a#b  #and a comment\n"
		      "user=\talice\t\n");
	assert_string_equal(cfg->accounts[0].realname, "Alice   Martin");
	assert_string_equal(cfg->accounts[0].password_command, "pass show a#b");
	assert_string_equal(cfg->accounts[0].user, "alice");
	config_free(&cfg);

	/* A bare value keeps its quotes when it does not start with one. */
	cfg = parse_ok(ACCOUNT_A "name = Alice \"Al\" Martin\n");
	assert_string_equal(cfg->accounts[0].realname, "Alice \"Al\" Martin");
	config_free(&cfg);

	check_diags(ACCOUNT_A "name =\n",
	    "cfg:4:7: error: missing value for 'name'\n");
	check_diags(ACCOUNT_A "name =   \n",
	    "cfg:4:10: error: missing value for 'name'\n");
	check_diags(ACCOUNT_A "name = # nothing\n",
	    "cfg:4:8: error: missing value for 'name'\n");
	check_diags(ACCOUNT_A "name =#x\n",
	    "cfg:4:7: error: missing value for 'name'\n");
}

static void
test_values_quoted(void **state)
{
	struct config *cfg;

	cfg = parse_ok(
	    ACCOUNT_A "name = \"  Alice # not a comment  \"  # a comment\n"
		      "password_command = \"a\\\"b\\\\c\"\n");
	assert_string_equal(cfg->accounts[0].realname,
	    "  Alice # not a comment  ");
	assert_string_equal(cfg->accounts[0].password_command, "a\"b\\c");
	config_free(&cfg);

	check_diags(ACCOUNT_A "name = \"Alice\n",
	    "cfg:4:8: error: unterminated quoted string\n");
	check_diags(ACCOUNT_A "name = \"Alice\\\"\n",
	    "cfg:4:8: error: unterminated quoted string\n");
	check_diags(ACCOUNT_A "name = \"Alice\\\n",
	    "cfg:4:8: error: unterminated quoted string\n");
	check_diags(ACCOUNT_A "name = \"A\\nB\"\n",
	    "cfg:4:10: error: unknown escape '\\n' in quoted string; "
	    "only \\\" and \\\\ are allowed\n");
	check_diags(ACCOUNT_A "name = \"A\\\xc3\xa9\"\n",
	    "cfg:4:10: error: unknown escape '\\\xc3\xa9' in quoted string; "
	    "only \\\" and \\\\ are allowed\n");
	check_diags(ACCOUNT_A "name = \"Alice\" Martin\n",
	    "cfg:4:16: error: unexpected 'M' after the closing quote\n");
	check_diags(ACCOUNT_A "name = \"\"\n",
	    "cfg:4:8: error: empty value for 'name'\n");
	check_diags(ACCOUNT_A "name = \"\"  # empty\n",
	    "cfg:4:8: error: empty value for 'name'\n");
}

/* Columns inside a quoted value follow the escapes. */
static void
test_values_quoted_columns(void **state)
{
	check_diags("[account a]\nemail = a@example.test\n"
		    "imap = \"imaps://h\\\\x\"\n",
	    "cfg:3:18: error: unexpected '\\' in host name\n");
	check_diags("[account a]\nemail = a@example.test\n"
		    "imap = \"imaps://\\\"h\"\n",
	    "cfg:3:17: error: unexpected '\"' in host name\n");
	check_diags("[account a]\nemail = \"alice\"\nimap = imaps://h\n",
	    "cfg:2:10: error: invalid email address 'alice': "
	    "expected an '@'\n");
}

static void
test_syntax_errors(void **state)
{
	check_diags(ACCOUNT_A "name Alice\n",
	    "cfg:4:6: error: expected '=' after key 'name'\n");
	check_diags(ACCOUNT_A "name\n",
	    "cfg:4:5: error: expected '=' after key 'name'\n");
	check_diags(ACCOUNT_A "  na-me: x\n",
	    "cfg:4:8: error: expected '=' after key 'na-me'\n");
	check_diags(ACCOUNT_A "= Alice\n",
	    "cfg:4:1: error: empty key before '='\n");
	check_diags(ACCOUNT_A "  = Alice\n",
	    "cfg:4:3: error: empty key before '='\n");
	check_diags(ACCOUNT_A "@name = Alice\n",
	    "cfg:4:1: error: unexpected '@'; expected a key or a [section] "
	    "header\n");
	check_diags(ACCOUNT_A "\xc3\xa9t\xc3\xa9 = 1\n",
	    "cfg:4:1: error: unexpected '\xc3\xa9'; expected a key or a "
	    "[section] header\n");
	check_diags("email = a@example.test\n" ACCOUNT_A,
	    "cfg:1:1: error: key 'email' outside of any section; start one "
	    "with [general], [account NAME] or [identity NAME]\n");
}

static void
test_section_headers(void **state)
{
	struct config *cfg;
	char *got;

	check_diags("[account work\n",
	    "cfg:1:14: error: expected ']' to close the section header\n");
	check_diags("[\n",
	    "cfg:1:2: error: expected a section type, as in [account NAME]\n");
	check_diags("[ ]\n",
	    "cfg:1:3: error: expected a section type, as in [account NAME]\n");
	check_diags("[acount work]\n",
	    "cfg:1:2: error: unknown section type 'acount'; "
	    "did you mean 'account'?\n");
	check_diags("[ indentity x ]\n",
	    "cfg:1:3: error: unknown section type 'indentity'; "
	    "did you mean 'identity'?\n");
	check_diags("[mailbox x]\n",
	    "cfg:1:2: error: unknown section type 'mailbox'; "
	    "expected 'general', 'account' or 'identity'\n");
	check_diags("[general x]\n",
	    "cfg:1:10: error: section [general] takes no name\n");
	check_diags("[account]\n",
	    "cfg:1:9: error: section [account] needs a name, as in "
	    "[account NAME]\n");
	check_diags("[identity ]\n",
	    "cfg:1:11: error: section [identity] needs a name, as in "
	    "[identity NAME]\n");
	check_diags("[account my work]\n",
	    "cfg:1:13: error: unexpected 'w' after the section name; quote "
	    "a name with spaces, as in [account \"my mail\"]\n");
	check_diags("[account.work]\n",
	    "cfg:1:9: error: unexpected '.' in section header\n");
	check_diags("[account wo\"rk]\n",
	    "cfg:1:12: error: unexpected '\"' in section name\n");
	check_diags("[account \"\"]\n",
	    "cfg:1:10: error: empty section name\n");
	check_diags("[account \"work]\n",
	    "cfg:1:10: error: unterminated quoted string\n");
	check_diags("[account \"work\" x]\n",
	    "cfg:1:17: error: unexpected 'x' after the section name; quote "
	    "a name with spaces, as in [account \"my mail\"]\n");

	/* Junk after a good header is an error, but the section opens. */
	got = parse("[account a] x\nemail = a@example.test\n"
		    "imap = imaps://h\n",
	    &cfg);
	assert_string_equal(got, "cfg:1:13: error: unexpected 'x' after ']'\n");
	assert_int_equal(cfg->naccounts, 1);
	free(got);
	config_free(&cfg);

	/* Quoted names may hold spaces; comments may follow a header. */
	cfg = parse_ok("  [ account   \"my \\\"mail\\\"\" ]   # comment\n"
		       "email = a@example.test\nimap = imaps://h\n"
		       "[identity\tsupport]\naccount = \"my \\\"mail\\\"\"\n"
		       "email = s@example.test\n");
	assert_string_equal(cfg->accounts[0].name, "my \"mail\"");
	assert_string_equal(cfg->identities[0].account, "my \"mail\"");
	config_free(&cfg);

	/* Non-ASCII names are fine. */
	cfg = parse_ok("[account \xc3\xa9t\xc3\xa9]\nemail = a@example.test\n"
		       "imap = imaps://h\n");
	assert_non_null(config_find_account(cfg, "\xc3\xa9t\xc3\xa9"));
	config_free(&cfg);
}

/* Under a wrong header, lines are checked for syntax only. */
static void
test_bad_section_body(void **state)
{
	check_diags("[acount w]\n"
		    "bogus = 1\n"
		    "x = \"unterminated\n"
		    "no equals\n" ACCOUNT_A,
	    "cfg:1:2: error: unknown section type 'acount'; "
	    "did you mean 'account'?\n"
	    "cfg:3:5: error: unterminated quoted string\n"
	    "cfg:4:4: error: expected '=' after key 'no'\n");
}

static void
test_keys(void **state)
{
	struct config *cfg;
	char *got;

	check_diags("[general]\ncachedir = /x\n",
	    "cfg:2:1: error: unknown key 'cachedir' in [general]; "
	    "did you mean 'cache_dir'?\n");
	check_diags(ACCOUNT_A "emial = b@example.test\n",
	    "cfg:4:1: error: unknown key 'emial' in [account]; "
	    "did you mean 'email'?\n");
	check_diags(ACCOUNT_A "  pasword_command = pass x\n",
	    "cfg:4:3: error: unknown key 'pasword_command' in [account]; "
	    "did you mean 'password_command'?\n");
	check_diags(ACCOUNT_A "Name = Alice\n",
	    "cfg:4:1: error: unknown key 'Name' in [account]; "
	    "did you mean 'name'?\n");
	check_diags(ACCOUNT_A "colour = red\n",
	    "cfg:4:1: error: unknown key 'colour' in [account]\n");
	check_diags(ACCOUNT_A "cache_dir = /x\n",
	    "cfg:4:1: error: key 'cache_dir' belongs in [general], "
	    "not [account]\n");
	check_diags(ACCOUNT_A "account = a\n",
	    "cfg:4:1: error: key 'account' belongs in [identity], "
	    "not [account]\n");
	check_diags(ACCOUNT_A "[identity i]\naccount = a\nemail = i@x.test\n"
			      "imap = imaps://h\n",
	    "cfg:7:1: error: key 'imap' belongs in [account], "
	    "not [identity]\n");

	/* alternative: plain (the default) or html, nothing else. */
	cfg = parse_ok(ACCOUNT_A);
	assert_int_equal(cfg->alternative, CONFIG_ALT_PLAIN);
	config_free(&cfg);
	cfg = parse_ok("[general]\nalternative = html\n" ACCOUNT_A);
	assert_int_equal(cfg->alternative, CONFIG_ALT_HTML);
	config_free(&cfg);
	check_diags("[general]\nalternative = rich\n",
	    "cfg:2:15: error: unknown alternative 'rich': expected plain or "
	    "html\n");

	/* A duplicate key is an error, and the first value stays. */
	got = parse(ACCOUNT_A "name = One\nname = Two\n", &cfg);
	assert_string_equal(got,
	    "cfg:5:1: error: duplicate key 'name' (first set at line 4)\n");
	assert_string_equal(cfg->accounts[0].realname, "One");
	free(got);
	config_free(&cfg);

	/* [general] may be repeated; its keys may not. */
	cfg = parse_ok("[general]\n" ACCOUNT_A "[general]\ncache_dir = /b\n");
	assert_string_equal(cfg->cache_dir, "/b");
	config_free(&cfg);
	got = parse("[general]\ncache_dir = /a\n" ACCOUNT_A
		    "[general]\ncache_dir = /b\n",
	    &cfg);
	assert_string_equal(got,
	    "cfg:7:1: error: duplicate key 'cache_dir' "
	    "(first set at line 2)\n");
	assert_string_equal(cfg->cache_dir, "/a");
	free(got);
	config_free(&cfg);

	/* The same key in two sections is no duplicate. */
	cfg = parse_ok(ACCOUNT_A "[account b]\nemail = b@example.test\n"
				 "imap = imap://h2\n");
	assert_int_equal(cfg->naccounts, 2);
	assert_false(cfg->accounts[1].imap.implicit_tls);
	assert_int_equal(cfg->accounts[1].imap.port, 143);
	config_free(&cfg);
}

static void
test_account_checks(void **state)
{
	struct config *cfg;
	char *got;

	check_diags("[account a]\nemail = a@example.test\n"
		    "smtp = smtps://h\n",
	    "cfg:1:1: error: account 'a' has neither 'imap' nor 'pop'\n");
	check_diags(ACCOUNT_A "pop = pops://h\n",
	    "cfg:4:1: error: account 'a' has both 'imap' and 'pop'; it reads "
	    "mail through one of them\n");
	check_diags("  [account a]\nimap = imaps://h\n",
	    "cfg:1:3: error: account 'a' has no 'email'\n");
	check_diags("[account a]\n",
	    "cfg:1:1: error: account 'a' has no 'email'\n"
	    "cfg:1:1: error: account 'a' has neither 'imap' nor 'pop'\n");

	/* A rejected value reports once, not again as a missing key. */
	check_diags("[account a]\nemail = alice\nimap = imaps://h\n",
	    "cfg:2:9: error: invalid email address 'alice': expected an '@'\n");
	check_diags("[account a]\nemail = a@example.test\nimap = http://h\n",
	    "cfg:3:8: error: unknown URL scheme 'http'; expected 'imap' or "
	    "'imaps'\n");
	check_diags("[account a]\nemail = a@example.test\nimap = \"\n",
	    "cfg:3:8: error: unterminated quoted string\n");

	/* An account with a problem is left out; the others stay. */
	got = parse("[account bad]\nemail = b@example.test\n"
		    "imap = imaps://h:0\n" ACCOUNT_A,
	    &cfg);
	assert_string_equal(got,
	    "cfg:3:18: error: port 0 out of range 1-65535\n");
	assert_int_equal(cfg->naccounts, 1);
	assert_string_equal(cfg->accounts[0].name, "a");
	free(got);
	config_free(&cfg);

	/* A bad optional key loses that key only. */
	got = parse(ACCOUNT_A "smtp = smtps://h:x\nname = A\n", &cfg);
	assert_string_equal(got, "cfg:4:18: error: invalid port 'x'\n");
	assert_int_equal(cfg->naccounts, 1);
	assert_int_equal(cfg->accounts[0].smtp.proto, CONFIG_PROTO_NONE);
	assert_string_equal(cfg->accounts[0].realname, "A");
	free(got);
	config_free(&cfg);

	/* Duplicate account: the second is checked, then dropped. */
	got = parse(ACCOUNT_A "[account a]\nemail = other@example.test\n"
			      "imap = imaps://other\nnmae = x\n",
	    &cfg);
	assert_string_equal(got,
	    "cfg:4:10: error: duplicate account 'a' (first defined at line 1)\n"
	    "cfg:7:1: error: unknown key 'nmae' in [account]; did you mean "
	    "'name'?\n");
	assert_int_equal(cfg->naccounts, 1);
	assert_string_equal(cfg->accounts[0].email, "a@example.test");
	free(got);
	config_free(&cfg);
}

static void
test_password(void **state)
{
	struct config *cfg;
	char *got;

	got = parse(ACCOUNT_A "password = hunter2\n", &cfg);
	assert_string_equal(got,
	    "cfg:4:1: warning: 'password' keeps the password in this file; "
	    "consider 'password_command' instead\n");
	assert_string_equal(cfg->accounts[0].password, "hunter2");
	free(got);
	config_free(&cfg);

	{
		struct config_diags d = CONFIG_DIAGS_INIT;

		/* A warning alone does not fail the parse. */
		assert_int_equal(config_parse("cfg", ACCOUNT_A "password = x\n",
				     strlen(ACCOUNT_A "password = x\n"), &cfg,
				     &d),
		    0);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.nerrors, 0);
		assert_int_equal(d.v[0].level, CONFIG_DIAG_WARNING);
		assert_int_equal(d.v[0].line, 4);
		assert_int_equal(d.v[0].column, 1);
		config_diags_release(&d);
		assert_int_equal(d.n, 0);
		assert_null(d.v);
		config_free(&cfg);
	}

	got = parse(ACCOUNT_A "password_command = pass a\n  password = x\n",
	    &cfg);
	assert_string_equal(got,
	    "cfg:5:3: warning: 'password' keeps the password in this file; "
	    "consider 'password_command' instead\n"
	    "cfg:5:3: error: 'password' and 'password_command' are both set; "
	    "keep only one\n");
	assert_int_equal(cfg->naccounts, 1);
	assert_null(cfg->accounts[0].password);
	assert_string_equal(cfg->accounts[0].password_command, "pass a");
	free(got);
	config_free(&cfg);

	check_diags(ACCOUNT_A "password = x\npassword_command = pass a\n",
	    "cfg:4:1: warning: 'password' keeps the password in this file; "
	    "consider 'password_command' instead\n"
	    "cfg:5:1: error: 'password' and 'password_command' are both set; "
	    "keep only one\n");
}

static void
test_email(void **state)
{
	check_diags("[account a]\nimap = imaps://h\nemail = alice\n",
	    "cfg:3:9: error: invalid email address 'alice': expected an '@'\n");
	check_diags("[account a]\nimap = imaps://h\nemail = @example.test\n",
	    "cfg:3:9: error: invalid email address '@example.test': "
	    "nothing before the '@'\n");
	check_diags("[account a]\nimap = imaps://h\nemail = alice@\n",
	    "cfg:3:9: error: invalid email address 'alice@': "
	    "nothing after the '@'\n");
	check_diags("[account a]\nimap = imaps://h\n"
		    "email = Alice <a@example.test>\n",
	    "cfg:3:9: error: invalid email address 'Alice <a@example.test>': "
	    "give the bare address here and the display name in 'name'\n");
	check_diags(ACCOUNT_A "[identity i]\naccount = a\nemail = x.test\n",
	    "cfg:6:9: error: invalid email address 'x.test': "
	    "expected an '@'\n");
}

static void
test_identity(void **state)
{
	struct config *cfg;
	char *got;

	/* The account may come after the identity. */
	cfg = parse_ok(
	    "[identity i]\naccount = a\nemail = i@example.test\n" ACCOUNT_A);
	assert_int_equal(cfg->nidentities, 1);
	assert_null(cfg->identities[0].realname);
	assert_null(cfg->identities[0].sent_folder);
	config_free(&cfg);

	check_diags(ACCOUNT_A "[identity i]\nemail = i@example.test\n",
	    "cfg:4:1: error: identity 'i' has no 'account'\n");
	check_diags(ACCOUNT_A "[identity i]\naccount = a\n",
	    "cfg:4:1: error: identity 'i' has no 'email'\n");

	got =
	    parse("[identity i]\naccount =   wrok\nemail = i@example.test\n"
		  "[account work]\nemail = a@example.test\nimap = imaps://h\n",
		&cfg);
	assert_string_equal(got,
	    "cfg:2:13: error: identity 'i' names unknown account 'wrok'; "
	    "did you mean 'work'?\n");
	assert_int_equal(cfg->nidentities, 0);
	assert_int_equal(cfg->naccounts, 1);
	free(got);
	config_free(&cfg);

	/* The hint may name an account that was left out. */
	check_diags("[account work]\nimap = imaps://h\n"
		    "[identity i]\naccount = wrk\nemail = i@example.test\n",
	    "cfg:1:1: error: account 'work' has no 'email'\n"
	    "cfg:4:11: error: identity 'i' names unknown account 'wrk'; "
	    "did you mean 'work'?\n");

	check_diags(ACCOUNT_A "[identity i]\naccount = \"zz\"\n"
			      "email = i@example.test\n",
	    "cfg:5:12: error: identity 'i' names unknown account 'zz'\n");

	/* An identity of an account left out needs no second error. */
	got = parse("[account a]\nemail = a@example.test\n"
		    "[identity i]\naccount = a\nemail = i@example.test\n",
	    &cfg);
	assert_string_equal(got,
	    "cfg:1:1: error: account 'a' has neither 'imap' nor 'pop'\n");
	assert_int_equal(cfg->nidentities, 0);
	free(got);
	config_free(&cfg);

	/* Of two identities, the bad one goes and the good one stays. */
	got = parse(ACCOUNT_A "[identity x]\naccount = b\nemail = x@e.test\n"
			      "[identity y]\naccount = a\nemail = y@e.test\n"
			      "[identity z]\naccount = c\nemail = z@e.test\n",
	    &cfg);
	assert_string_equal(got,
	    "cfg:5:11: error: identity 'x' names unknown account 'b'\n"
	    "cfg:11:11: error: identity 'z' names unknown account 'c'\n");
	assert_int_equal(cfg->nidentities, 1);
	assert_string_equal(cfg->identities[0].name, "y");
	free(got);
	config_free(&cfg);

	check_diags(ACCOUNT_A "[identity i]\naccount = a\nemail = i@e.test\n"
			      "[identity i]\naccount = a\nemail = j@e.test\n",
	    "cfg:7:11: error: duplicate identity 'i' (first defined at "
	    "line 4)\n");
}

struct url_case {
	const char *key, *url;
	enum config_proto proto;
	bool implicit_tls;
	const char *host;
	unsigned port;
};

static void
test_urls_valid(void **state)
{
	static const struct url_case cases[] = {
		{ "imap", "imaps://h.test", CONFIG_PROTO_IMAP, true, "h.test",
		    993 },
		{ "imap", "imap://h.test", CONFIG_PROTO_IMAP, false, "h.test",
		    143 },
		{ "imap", "IMAPS://H.test:1993/", CONFIG_PROTO_IMAP, true,
		    "H.test", 1993 },
		{ "imap", "imaps://[::1]:10993", CONFIG_PROTO_IMAP, true, "::1",
		    10993 },
		{ "imap", "imap://[2001:db8::2]", CONFIG_PROTO_IMAP, false,
		    "2001:db8::2", 143 },
		{ "imap", "imaps://192.0.2.7:1", CONFIG_PROTO_IMAP, true,
		    "192.0.2.7", 1 },
		{ "imap", "imaps://mail_1.ex-ample.test:65535",
		    CONFIG_PROTO_IMAP, true, "mail_1.ex-ample.test", 65535 },
		{ "imap", "imaps://xn--bcher-kva.test", CONFIG_PROTO_IMAP, true,
		    "xn--bcher-kva.test", 993 },
		{ "imap", "imaps://b\303\274cher.test", CONFIG_PROTO_IMAP, true,
		    "b\303\274cher.test", 993 },
		{ "smtp", "smtp://h", CONFIG_PROTO_SMTP, false, "h", 587 },
		{ "smtp", "smtps://h", CONFIG_PROTO_SMTP, true, "h", 465 },
		{ "smtp", "smtp://h:25", CONFIG_PROTO_SMTP, false, "h", 25 },
		{ "pop", "pop://h", CONFIG_PROTO_POP, false, "h", 110 },
		{ "pop", "pops://h", CONFIG_PROTO_POP, true, "h", 995 },
		{ "pop", "pops://[::ffff:192.0.2.1]:2995/", CONFIG_PROTO_POP,
		    true, "::ffff:192.0.2.1", 2995 },
	};
	const struct config_server *srv;
	struct config *cfg;
	char *text;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cases); i++) {
		text = xasprintf("[account a]\nemail = a@example.test\n%s\n"
				 "%s = %s\n",
		    strcmp(cases[i].key, "smtp") == 0 ? "imap = imaps://i" : "",
		    cases[i].key, cases[i].url);
		cfg = parse_ok(text);
		if (strcmp(cases[i].key, "imap") == 0)
			srv = &cfg->accounts[0].imap;
		else if (strcmp(cases[i].key, "smtp") == 0)
			srv = &cfg->accounts[0].smtp;
		else
			srv = &cfg->accounts[0].pop;
		assert_int_equal(srv->proto, cases[i].proto);
		assert_int_equal(srv->implicit_tls, cases[i].implicit_tls);
		assert_string_equal(srv->host, cases[i].host);
		assert_int_equal(srv->port, cases[i].port);
		config_free(&cfg);
		free(text);
	}
}

/* Each case is an smtp value on line 4, column 8 onwards. */
static void
test_urls_invalid(void **state)
{
	static const char *const cases[][2] = {
		{ "mail.example.test",
		    "4:8: error: invalid URL "
		    "'mail.example.test': expected smtp://HOST[:PORT] or "
		    "smtps://HOST[:PORT]" },
		{ "http://h",
		    "4:8: error: unknown URL scheme 'http'; expected "
		    "'smtp' or 'smtps'" },
		{ "://h",
		    "4:8: error: missing URL scheme; expected 'smtp' or "
		    "'smtps'" },
		{ "imaps://h",
		    "4:8: error: URL scheme 'imaps' does not belong "
		    "in 'smtp'; expected 'smtp' or 'smtps'" },
		{ "pop://h",
		    "4:8: error: URL scheme 'pop' does not belong in "
		    "'smtp'; expected 'smtp' or 'smtps'" },
		{ "smtps://", "4:16: error: missing host in URL" },
		{ "smtps://:465", "4:16: error: missing host in URL" },
		{ "smtps:///", "4:16: error: missing host in URL" },
		{ "smtps://alice@h",
		    "4:16: error: a user name does not go in "
		    "the URL; use the 'user' key" },
		{ "smtps://h:", "4:18: error: missing port number after ':'" },
		{ "smtps://h:/", "4:18: error: missing port number after ':'" },
		{ "smtps://h:abc", "4:18: error: invalid port 'abc'" },
		{ "smtps://h:12ab", "4:18: error: invalid port '12ab'" },
		{ "smtps://h:-1", "4:18: error: invalid port '-1'" },
		{ "smtps://h:0", "4:18: error: port 0 out of range 1-65535" },
		{ "smtps://h:65536",
		    "4:18: error: port 65536 out of range 1-65535" },
		{ "smtps://h:99999999999999999999",
		    "4:18: error: port "
		    "99999999999999999999 out of range 1-65535" },
		{ "smtps://h/submit",
		    "4:17: error: unexpected '/submit' after "
		    "the host; the URL must be SCHEME://HOST[:PORT]" },
		{ "smtps://h:465//",
		    "4:21: error: unexpected '//' after the "
		    "host; the URL must be SCHEME://HOST[:PORT]" },
		{ "smtps://h?x=1",
		    "4:17: error: unexpected '?x=1' after the "
		    "host; the URL must be SCHEME://HOST[:PORT]" },
		{ "smtps://h#frag",
		    "4:17: error: unexpected '#frag' after the "
		    "host; the URL must be SCHEME://HOST[:PORT]" },
		{ "smtps://h h", "4:17: error: unexpected ' ' in host name" },
		{ "smtps://h!", "4:17: error: unexpected '!' in host name" },
		{ "smtps://[::1",
		    "4:16: error: expected ']' after the IPv6 address" },
		{ "smtps://[::g]", "4:17: error: invalid IPv6 address '::g'" },
		{ "smtps://[]", "4:17: error: invalid IPv6 address ''" },
		{ "smtps://[192.0.2.1]",
		    "4:17: error: invalid IPv6 address '192.0.2.1'" },
		{ "smtps://[::1]x",
		    "4:21: error: unexpected 'x' after the "
		    "host; the URL must be SCHEME://HOST[:PORT]" },
	};
	char *text, *want;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cases); i++) {
		text = xasprintf(ACCOUNT_A "smtp = %s\n", cases[i][0]);
		want = xasprintf("cfg:%s\n", cases[i][1]);
		check_diags(text, want);
		free(text);
		free(want);
	}
}

static void
test_paths(void **state)
{
	struct config *cfg;

	cfg = parse_ok("[general]\ncache_dir = ~/mail cache\n" ACCOUNT_A
		       "ca_file = /etc/ssl/test-ca.pem\n");
	assert_string_equal(cfg->cache_dir, "/home/alice/mail cache");
	assert_string_equal(cfg->accounts[0].ca_file, "/etc/ssl/test-ca.pem");
	config_free(&cfg);

	check_diags("[general]\ncache_dir = cache\n",
	    "cfg:2:13: error: 'cache_dir' must be an absolute path or start "
	    "with '~/'\n");
	check_diags(ACCOUNT_A "ca_file = ~bob/ca.pem\n",
	    "cfg:4:11: error: 'ca_file' must be an absolute path or start "
	    "with '~/'\n");
}

static void
test_encoding(void **state)
{
	static const char nul[] = ACCOUNT_A "name = A\0B\nuser = u\n";
	struct config *cfg;
	char *got;

	got = parse(ACCOUNT_A "name = Al\377ce\nuser = u\n", &cfg);
	assert_string_equal(got, "cfg:4:10: error: invalid UTF-8 byte 0xff\n");
	assert_null(cfg->accounts[0].realname);
	assert_string_equal(cfg->accounts[0].user, "u");
	free(got);
	config_free(&cfg);

	got = parse_n(nul, sizeof nul - 1, &cfg);
	assert_string_equal(got, "cfg:4:9: error: unexpected NUL byte\n");
	assert_string_equal(cfg->accounts[0].user, "u");
	free(got);
	config_free(&cfg);

	/* Overlong forms, surrogates, truncated sequences, in comments too. */
	check_diags(ACCOUNT_A "name = \xc0\xaf\n",
	    "cfg:4:8: error: invalid UTF-8 byte 0xc0\n");
	check_diags(ACCOUNT_A "name = \xed\xa0\x80\n",
	    "cfg:4:8: error: invalid UTF-8 byte 0xed\n");
	check_diags(ACCOUNT_A "name = \xf4\x90\x80\x80\n",
	    "cfg:4:8: error: invalid UTF-8 byte 0xf4\n");
	check_diags(ACCOUNT_A "name = A\xc3\n",
	    "cfg:4:9: error: invalid UTF-8 byte 0xc3\n");
	check_diags(ACCOUNT_A "# \xe2\x82\n",
	    "cfg:4:3: error: invalid UTF-8 byte 0xe2\n");
	check_diags(ACCOUNT_A "name = A\x1b[31m\n",
	    "cfg:4:9: error: unexpected control character 0x1b\n");
	check_diags(ACCOUNT_A "name = A\x7f\n",
	    "cfg:4:9: error: unexpected control character 0x7f\n");

	cfg = parse_ok(ACCOUNT_A "name = \xc3\x89lodie \xe2\x82\xac "
				 "\xf0\x9f\x93\xab\tM\n");
	assert_string_equal(cfg->accounts[0].realname,
	    "\xc3\x89lodie \xe2\x82\xac \xf0\x9f\x93\xab\tM");
	config_free(&cfg);
}

/* Everything is reported, in file order, and the good parts survive. */
static void
test_many_errors(void **state)
{
	static const char text[] =
	    "[general]\n"                          /* 1 */
	    "cache_dir = cache\n"                  /* 2 */
	    "[identity support]\n"                 /* 3 */
	    "account = wrok\n"                     /* 4 */
	    "email = support@example.test\n"       /* 5 */
	    "[account work]\n"                     /* 6 */
	    "email = alice@example.test\n"         /* 7 */
	    "imap = imaps://mail.example.test\n"   /* 8 */
	    "smtp = smtps://mail.example.test:0\n" /* 9 */
	    "emial = x\n"                          /* 10 */
	    "password = secret\n"                  /* 11 */
	    "[account broken]\n"                   /* 12 */
	    "name = \"Bob\n"                       /* 13 */
	    "[acount typo]\n"                      /* 14 */
	    "[account ok]\n"                       /* 15 */
	    "email = ok@example.test\n"            /* 16 */
	    "pop = pop://pop.example.test\n";      /* 17 */
	static const char expected[] =
	    "cfg:2:13: error: 'cache_dir' must be an absolute path or start "
	    "with '~/'\n"
	    "cfg:4:11: error: identity 'support' names unknown account "
	    "'wrok'; did you mean 'work'?\n"
	    "cfg:9:34: error: port 0 out of range 1-65535\n"
	    "cfg:10:1: error: unknown key 'emial' in [account]; did you mean "
	    "'email'?\n"
	    "cfg:11:1: warning: 'password' keeps the password in this file; "
	    "consider 'password_command' instead\n"
	    "cfg:12:1: error: account 'broken' has no 'email'\n"
	    "cfg:12:1: error: account 'broken' has neither 'imap' nor 'pop'\n"
	    "cfg:13:8: error: unterminated quoted string\n"
	    "cfg:14:2: error: unknown section type 'acount'; did you mean "
	    "'account'?\n";
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct config *cfg;
	char *got;

	got = parse(text, &cfg);
	if (strcmp(got, expected) != 0) {
		print_error("expected:\n%sgot:\n%s", expected, got);
		fail();
	}
	free(got);
	assert_int_equal(cfg->naccounts, 2);
	assert_string_equal(cfg->accounts[0].name, "work");
	assert_string_equal(cfg->accounts[0].password, "secret");
	assert_int_equal(cfg->accounts[0].smtp.proto, CONFIG_PROTO_NONE);
	assert_string_equal(cfg->accounts[1].name, "ok");
	assert_int_equal(cfg->nidentities, 0);
	assert_string_equal(cfg->cache_dir, "/home/alice/.cache/facteur");
	config_free(&cfg);

	/* Counts, and diagnostics of an earlier parse left alone. */
	config_diags_add(&d, CONFIG_DIAG_WARNING, "other", 9, 9, "kept %d", 1);
	assert_int_equal(config_parse("cfg", text, sizeof text - 1, &cfg, &d),
	    -1);
	assert_int_equal(d.n, 10);
	assert_int_equal(d.nerrors, 8);
	assert_string_equal(d.v[0].file, "other");
	assert_string_equal(d.v[0].msg, "kept 1");
	assert_string_equal(d.v[1].file, "cfg");
	assert_int_equal(d.v[1].line, 2);
	assert_int_equal(d.v[1].column, 13);
	config_free(&cfg);
	/* A later clean parse does not fail for the earlier errors. */
	assert_int_equal(config_parse("cfg2", ACCOUNT_A, strlen(ACCOUNT_A),
			     &cfg, &d),
	    0);
	config_free(&cfg);
	config_diags_release(&d);
}

static void
test_diags_print(void **state)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	char *got;

	config_diags_add(&d, CONFIG_DIAG_ERROR, "a/b", 3, 7, "bad %s", "x");
	config_diags_add(&d, CONFIG_DIAG_WARNING, "c", 1, 1, "careful");
	config_diags_add(&d, CONFIG_DIAG_ERROR, "d", 0, 0,
	    "cannot read 'd': No such file or directory");
	assert_int_equal(d.nerrors, 2);
	got = diags_text(&d);
	assert_string_equal(got,
	    "a/b:3:7: error: bad x\n"
	    "c:1:1: warning: careful\n"
	    "error: cannot read 'd': No such file or directory\n");
	free(got);
	config_diags_release(&d);
	got = diags_text(&d);
	assert_string_equal(got, "");
	free(got);
}

/* A private directory for the files config_load() reads. */
static char *
make_tmpdir(void)
{
	char *dir = xstrdup("/tmp/facteur-test-config.XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void
test_load(void **state)
{
	struct config_diags d = CONFIG_DIAGS_INIT;
	struct config *cfg;
	char *dir, *sub, *path, *got, *want;

	dir = make_tmpdir();
	setenv("XDG_CONFIG_HOME", dir, 1);

	/* No default file: an empty config, not an error. */
	assert_int_equal(config_load(NULL, &cfg, &d), 0);
	assert_int_equal(d.n, 0);
	assert_null(cfg->path);
	assert_int_equal(cfg->naccounts, 0);
	assert_string_equal(cfg->cache_dir, "/home/alice/.cache/facteur");
	config_sanity(cfg);
	config_free(&cfg);

	/* The default file, when there is one. */
	sub = xasprintf("%s/facteur", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	path = xasprintf("%s/config", sub);
	write_file(path, ACCOUNT_A "emial = x\n");
	assert_int_equal(config_load(NULL, &cfg, &d), -1);
	assert_string_equal(cfg->path, path);
	assert_int_equal(cfg->naccounts, 1);
	got = diags_text(&d);
	want = xasprintf("%s:4:1: error: unknown key 'emial' in [account]; "
			 "did you mean 'email'?\n",
	    path);
	assert_string_equal(got, want);
	free(got);
	free(want);
	config_diags_release(&d);
	config_free(&cfg);

	/* A file named explicitly. */
	assert_int_equal(config_load(path, &cfg, &d), -1);
	assert_string_equal(cfg->path, path);
	config_diags_release(&d);
	config_free(&cfg);
	assert_int_equal(unlink(path), 0);

	/* A missing file named explicitly is an error at line 0. */
	assert_int_equal(config_load(path, &cfg, &d), -1);
	assert_non_null(cfg);
	assert_null(cfg->path);
	assert_int_equal(cfg->naccounts, 0);
	assert_non_null(cfg->cache_dir);
	config_free(&cfg);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.v[0].line, 0);
	assert_int_equal(d.v[0].column, 0);
	assert_string_equal(d.v[0].file, path);
	got = diags_text(&d);
	want = xasprintf("error: cannot read '%s': No such file or directory\n",
	    path);
	assert_string_equal(got, want);
	free(got);
	free(want);
	config_diags_release(&d);

	/* A directory cannot be read, even as the default file. */
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(config_load(NULL, &cfg, &d), -1);
	config_free(&cfg);
	got = diags_text(&d);
	want = xasprintf("error: cannot read '%s': Is a directory\n", path);
	assert_string_equal(got, want);
	free(got);
	free(want);
	config_diags_release(&d);

	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(rmdir(dir), 0);
	unsetenv("XDG_CONFIG_HOME");
	free(path);
	free(sub);
	free(dir);
}

/* [bind NAME] and [color]: kept as entries, with positions, for the UI. */
static void
test_free_sections(void **state)
{
	struct config *cfg = NULL;
	char *out;

	out = parse("[general]\ntheme = light\n[bind index]\n"
		    "move = s  # mutt's save\nsearch = \"/\"\n"
		    "[bind pager]\nquit = q\n[color]\nindex-new = red default "
		    "bold\n",
	    &cfg);
	assert_string_equal(out, "");
	free(out);
	assert_string_equal(cfg->theme, "light");
	assert_int_equal(cfg->nentries, 4);
	assert_string_equal(cfg->entries[0].section, "bind index");
	assert_string_equal(cfg->entries[0].key, "move");
	assert_string_equal(cfg->entries[0].value, "s");
	assert_int_equal(cfg->entries[0].line, 4);
	assert_int_equal(cfg->entries[0].col, 1);
	assert_int_equal(cfg->entries[0].vcol, 8);
	assert_string_equal(cfg->entries[1].value, "/");
	assert_int_equal(cfg->entries[1].vcol, 11);
	assert_string_equal(cfg->entries[2].section, "bind pager");
	assert_string_equal(cfg->entries[3].section, "color");
	assert_string_equal(cfg->entries[3].value, "red default bold");
	config_free(&cfg);
	assert_null(config_free_section_name(2));

	out = parse("[general]\nindex_columns = date  subject from\n", &cfg);
	assert_string_equal(out, "");
	free(out);
	assert_string_equal(cfg->index_columns, "date  subject from");
	config_free(&cfg);
	out = parse("[general]\nindex_columns = date subjet\n"
		    "[general]\n",
	    &cfg);
	assert_string_equal(out,
	    "cfg:2:22: error: unknown column 'subjet'; did you mean "
	    "'subject'?\n");
	free(out);
	assert_null(cfg->index_columns);
	config_free(&cfg);
	out = parse("[general]\nindex_columns = date size date\n", &cfg);
	assert_string_equal(out,
	    "cfg:2:27: error: column 'date' given twice\n");
	free(out);
	config_free(&cfg);

	out = parse("[bind indx]\nmove = s\n[bind]\n[color x]\nk = v\n"
		    "[bind pager]\nquit =\n",
	    &cfg);
	assert_string_equal(out,
	    "cfg:1:7: error: unknown section [bind indx]; did you mean "
	    "'index'?\n"
	    "cfg:3:6: error: section [bind] needs a name, as in [bind "
	    "index]\n"
	    "cfg:4:8: error: section [color] takes no name\n"
	    "cfg:7:7: error: missing value for 'quit'\n");
	free(out);
	assert_int_equal(cfg->nentries, 0);
	config_free(&cfg);
}

static void
test_key_table(void **state)
{
	const struct config_key_info *k;
	const char *sec;
	size_t i, j, n;

	assert_string_equal(config_section_name(0), "general");
	assert_string_equal(config_section_name(1), "account");
	assert_string_equal(config_section_name(2), "identity");
	assert_null(config_section_name(3));
	assert_null(config_key_info("nonsense", 0));
	for (i = 0; (sec = config_section_name(i)) != NULL; i++) {
		for (n = 0; (k = config_key_info(sec, n)) != NULL; n++) {
			assert_non_null(k->name);
			assert_non_null(k->arg);
			assert_non_null(k->help);
			for (j = 0; j < n; j++)
				assert_string_not_equal(config_key_info(sec, j)
							    ->name,
				    k->name);
		}
		assert_true(n > 0);
	}
	k = config_key_info("account", 0);
	assert_string_equal(k->name, "email");
}

/*
 * doc/facteur.5 lists the keys of each section between the roff comments
 * `.\" keys: SECTION` and `.\" end keys`, one `.BI "KEY = " ARG` each. It
 * must list exactly the keys of the table.
 */
static void
test_manual_matches_table(void **state)
{
	const char *srcdir = getenv("top_srcdir");
	const struct config_key_info *k;
	char *path, *text, *start, *end, *marker, *entry, *p;
	const char *sec;
	size_t i, n, documented;
	FILE *fp;
	long len;

	if (srcdir == NULL) {
		print_message("top_srcdir not set: run through make check\n");
		skip();
	}
	path = xasprintf("%s/doc/facteur.5", srcdir);
	fp = fopen(path, "r");
	if (fp == NULL)
		print_error("cannot open '%s': %s\n", path, strerror(errno));
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	assert_true(len > 0);
	rewind(fp);
	text = xmalloc((size_t)len + 1);
	assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
	text[len] = '\0';
	fclose(fp);

	for (i = 0; (sec = config_section_name(i)) != NULL; i++) {
		marker = xasprintf(".\\\" keys: %s\n", sec);
		start = strstr(text, marker);
		if (start == NULL)
			print_error("%s: no '%s' marker\n", path, marker);
		assert_non_null(start);
		end = strstr(start, ".\\\" end keys\n");
		assert_non_null(end);
		*end = '\0';
		for (n = 0; (k = config_key_info(sec, n)) != NULL; n++) {
			entry =
			    xasprintf("\n.BI \"%s = \" %s\n", k->name, k->arg);
			if (strstr(start, entry) == NULL)
				print_error("%s: [%s] does not document '%s'\n",
				    path, sec, entry + 1);
			assert_non_null(strstr(start, entry));
			free(entry);
		}
		documented = 0;
		for (p = start; (p = strstr(p, "\n.BI \"")) != NULL; p++)
			documented++;
		if (documented != n)
			print_error("%s: [%s] documents %zu keys, the table "
				    "has %zu\n",
			    path, sec, documented, n);
		assert_int_equal(documented, n);
		*end = '.';
		free(marker);
	}
	free(text);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_full_example, setup_env),
		cmocka_unit_test_setup(test_parse_empty, setup_env),
		cmocka_unit_test_setup(test_defaults, setup_env),
		cmocka_unit_test_setup(test_default_path, setup_env),
		cmocka_unit_test_setup(test_line_endings, setup_env),
		cmocka_unit_test_setup(test_values_bare, setup_env),
		cmocka_unit_test_setup(test_values_quoted, setup_env),
		cmocka_unit_test_setup(test_values_quoted_columns, setup_env),
		cmocka_unit_test_setup(test_syntax_errors, setup_env),
		cmocka_unit_test_setup(test_section_headers, setup_env),
		cmocka_unit_test_setup(test_bad_section_body, setup_env),
		cmocka_unit_test_setup(test_keys, setup_env),
		cmocka_unit_test_setup(test_account_checks, setup_env),
		cmocka_unit_test_setup(test_password, setup_env),
		cmocka_unit_test_setup(test_email, setup_env),
		cmocka_unit_test_setup(test_identity, setup_env),
		cmocka_unit_test_setup(test_urls_valid, setup_env),
		cmocka_unit_test_setup(test_urls_invalid, setup_env),
		cmocka_unit_test_setup(test_paths, setup_env),
		cmocka_unit_test_setup(test_encoding, setup_env),
		cmocka_unit_test_setup(test_many_errors, setup_env),
		cmocka_unit_test_setup(test_diags_print, setup_env),
		cmocka_unit_test_setup(test_load, setup_env),
		cmocka_unit_test_setup(test_free_sections, setup_env),
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_manual_matches_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
