/*
 * `facteur check [ACCOUNT]`: for every server of every account (IMAP or
 * POP3 for reading, SMTP for sending), connect, verify the certificate,
 * log in, and print one tab-separated line: account, protocol, URL, then
 * `ok` and what the server offers that matters to facteur, or `failed`
 * and why. The command to run after writing a configuration: it proves
 * the account can read and send, without reading or sending anything.
 *
 * Servers are checked one after the other, each on its own connection, so
 * that one failure never hides the others. The secret is fetched once per
 * account, and only after the first server proved who it is, as everywhere
 * else.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/cli.h"
#include "facteur/imap.h"
#include "facteur/net.h"
#include "facteur/pop.h"
#include "facteur/smtp.h"

/* The account's secret, fetched at most once (a password; see
 * token_account for OAuth2). */
struct check_cred {
	struct net_credential cred;
	bool tried;
	bool ok;
	struct fct_error err; /* why it could not be had, when !ok */
};

static int
get_cred(const struct config_account *acct, struct check_cred *cc,
    struct fct_error *err)
{
	if (!cc->tried) {
		cc->tried = true;
		cc->ok = net_credential_get(acct, &cc->cred, &cc->err) == 0;
	}
	if (!cc->ok)
		return fct_error_set(err, "%s", fct_error_msg(&cc->err));
	return 0;
}

/*
 * An OAuth2 account runs its token command for each server instead: the
 * sessions' authenticate calls ask it again when a token is refused as
 * expired (net_login), which one cached token could not do.
 */
static bool
token_account(const struct config_account *acct)
{
	return acct->oauth2_token_command != NULL;
}

/* The IMAP capabilities that change how facteur works with a server. */
static const char *const imap_caps[] = {
	"IDLE",
	"CONDSTORE",
	"QRESYNC",
	"MOVE",
	"UIDPLUS",
	"NAMESPACE",
	"ACL",
	"SPECIAL-USE",
};

static int
check_imap(const struct config_account *acct, struct check_cred *cc,
    struct strbuf *details, struct fct_error *err)
{
	struct imap_session *s = NULL;
	size_t i;
	int rc = -1;

	if (imap_session_open(acct, &s, err) != 0)
		goto out;
	if (token_account(acct)
		? imap_session_authenticate(s, acct, err) != 0
		: (get_cred(acct, cc, err) != 0 ||
		      imap_session_login(s, &cc->cred, err) != 0))
		goto out;
	for (i = 0; i < FCT_ARRAY_LEN(imap_caps); i++) {
		if (!imap_session_has_capability(s, imap_caps[i]))
			continue;
		if (details->len > 0)
			strbuf_addch(details, ' ');
		strbuf_addstr(details, imap_caps[i]);
	}
	rc = 0;
out:
	imap_session_close(&s);
	return rc;
}

static void
add_item(struct strbuf *sb, const char *item)
{
	if (sb->len > 0)
		strbuf_addstr(sb, "; ");
	strbuf_addstr(sb, item);
}

static int
check_smtp(const struct config_account *acct, struct check_cred *cc,
    struct strbuf *details, struct fct_error *err)
{
	static const struct {
		unsigned flag;
		const char *name;
	} exts[] = {
		{ SMTP_EXT_8BITMIME, "8BITMIME" },
		{ SMTP_EXT_SMTPUTF8, "SMTPUTF8" },
		{ SMTP_EXT_PIPELINING, "PIPELINING" },
		{ SMTP_EXT_DSN, "DSN" },
		{ SMTP_EXT_CHUNKING, "CHUNKING" },
	};
	struct smtp_session *s = NULL;
	unsigned ext;
	size_t i;
	int rc = -1;

	if (smtp_session_open(acct, &s, err) != 0)
		goto out;
	if (token_account(acct)
		? smtp_session_authenticate(s, acct, err) != 0
		: (get_cred(acct, cc, err) != 0 ||
		      smtp_session_login(s, &cc->cred, err) != 0))
		goto out;
	ext = smtp_session_extensions(s);
	add_item(details, "AUTH");
	strbuf_addf(details, " %s", smtp_session_auth_mechanisms(s));
	if (ext & SMTP_EXT_SIZE) {
		add_item(details, "SIZE");
		if (smtp_session_size_limit(s) > 0)
			strbuf_addf(details, " %llu",
			    (unsigned long long)smtp_session_size_limit(s));
	}
	for (i = 0; i < FCT_ARRAY_LEN(exts); i++)
		if (ext & exts[i].flag)
			add_item(details, exts[i].name);
	rc = 0;
out:
	smtp_session_close(&s);
	return rc;
}

static int
check_pop(const struct config_account *acct, struct check_cred *cc,
    struct strbuf *details, struct fct_error *err)
{
	struct pop_msg_list list = POP_MSG_LIST_INIT;
	struct pop_session *s = NULL;
	uint64_t size;
	uint32_t count;
	bool uidl;
	size_t i;
	int rc = -1;

	/* LIST as well as STAT: "UIDL" below is proven, not announced. */
	if (pop_session_open(acct, &s, err) != 0)
		goto out;
	if (token_account(acct)
		? pop_session_authenticate(s, acct, err) != 0
		: (get_cred(acct, cc, err) != 0 ||
		      pop_session_login(s, &cc->cred, err) != 0))
		goto out;
	if (pop_stat(s, &count, &size, err) != 0 ||
	    pop_list(s, &list, err) != 0)
		goto out;
	uidl = (pop_session_caps(s) & POP_CAP_UIDL) != 0 || list.n > 0;
	for (i = 0; i < list.n; i++)
		if (list.v[i].uidl == NULL)
			uidl = false;
	strbuf_addf(details, "%u message%s, %s", count, count == 1 ? "" : "s",
	    uidl ? "UIDL" : "no UIDL");
	rc = 0;
out:
	pop_msg_list_release(&list);
	pop_session_close(&s);
	return rc;
}

static const struct check_proto {
	const char *name; /* the configuration key, and the output's */
	const char *scheme, *tls_scheme;
	size_t offset; /* of the struct config_server in the account */
	int (*run)(const struct config_account *acct, struct check_cred *cc,
	    struct strbuf *details, struct fct_error *err);
} check_protos[] = {
	{ "imap", "imap", "imaps", offsetof(struct config_account, imap),
	    check_imap },
	{ "pop", "pop", "pops", offsetof(struct config_account, pop),
	    check_pop },
	{ "smtp", "smtp", "smtps", offsetof(struct config_account, smtp),
	    check_smtp },
};

static void
put_url(FILE *fp, const struct check_proto *p, const struct config_server *srv)
{
	bool v6 = strchr(srv->host, ':') != NULL;
	char *url;

	url = xasprintf("%s://%s%s%s:%u",
	    srv->implicit_tls ? p->tls_scheme : p->scheme, v6 ? "[" : "",
	    srv->host, v6 ? "]" : "", srv->port);
	cli_put_field(fp, url);
	free(url);
}

/* Checks every server of acct; returns -1 when any failed. */
static int
check_account(struct cli_context *ctx, const struct config_account *acct)
{
	struct check_cred cc = { NET_CREDENTIAL_INIT, false, false,
		FCT_ERROR_INIT };
	struct fct_error err = FCT_ERROR_INIT;
	struct strbuf details = STRBUF_INIT;
	const struct check_proto *p;
	const struct config_server *srv;
	size_t i;
	int rc = 0;

	for (i = 0; i < FCT_ARRAY_LEN(check_protos); i++) {
		p = &check_protos[i];
		srv = (const struct config_server *)((const char *)acct +
		    p->offset);
		if (srv->proto == CONFIG_PROTO_NONE)
			continue;
		strbuf_reset(&details);
		cli_put_field(ctx->out, acct->name);
		fprintf(ctx->out, "\t%s\t", p->name);
		put_url(ctx->out, p, srv);
		if (p->run(acct, &cc, &details, &err) == 0) {
			fputs("\tok\t", ctx->out);
			cli_put_field(ctx->out,
			    details.len > 0 ? details.buf : "-");
		} else {
			fputs("\tfailed\t", ctx->out);
			cli_put_field(ctx->out, fct_error_msg(&err));
			fct_error_release(&err);
			rc = -1;
		}
		fputc('\n', ctx->out);
		fflush(ctx->out);
	}
	strbuf_release(&details);
	net_credential_release(&cc.cred);
	fct_error_release(&cc.err);
	return rc;
}

static int
cmd_check(struct cli_context *ctx, int argc, char **argv)
{
	const struct config_account *acct;
	size_t i;
	int status = CLI_OK;

	if (argc > 2) {
		fprintf(ctx->err, "usage: facteur check [ACCOUNT]\n");
		return CLI_USAGE;
	}
	if (cli_load_config(ctx) != 0)
		return CLI_FAILED;
	if (ctx->cfg->naccounts == 0) {
		fprintf(ctx->err,
		    "facteur: no account in the configuration "
		    "(see facteur(5))\n");
		return CLI_FAILED;
	}
	if (argc == 2 && config_find_account(ctx->cfg, argv[1]) == NULL) {
		fprintf(ctx->err, "facteur: no account '%s'\n", argv[1]);
		return CLI_FAILED;
	}
	for (i = 0; i < ctx->cfg->naccounts; i++) {
		acct = &ctx->cfg->accounts[i];
		if (argc == 2 && strcmp(acct->name, argv[1]) != 0)
			continue;
		if (check_account(ctx, acct) != 0)
			status = CLI_FAILED;
	}
	return status;
}

const struct cli_command cli_cmd_check = {
	.name = "check",
	.args = "[ACCOUNT]",
	.help = "connect to every server of each account, log in, and "
		"report what works",
	.exec = cmd_check,
};
