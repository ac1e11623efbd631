/*
 * SASL, the part every protocol shares: which mechanism to use, the
 * client's first message for it, and logging in with one retry on a fresh
 * OAuth2 token, and the exchange itself (net_sasl_exchange_run): which
 * answer each server continuation gets. The protocol layers (src/imap,
 * src/smtp, src/pop, src/sieve) only frame these messages in their own
 * commands (AUTHENTICATE, AUTH) and read the answers.
 *
 * facteur writes its SASL exchanges itself rather than through libetpan's
 * Cyrus SASL glue: the Cyrus plugins may be missing at run time, the glue
 * never uses an initial response (SASL-IR, one round trip less), and it
 * knows nothing of OAUTHBEARER. The mechanisms used are all one-message
 * ones (PLAIN, RFC 4616; OAUTHBEARER, RFC 7628; Google's XOAUTH2): the
 * client speaks once, and a server challenge can only be an error report
 * (OAuth) that the client acknowledges before the final failure.
 *
 * Secrets: every buffer that held one is wiped before it is freed
 * (net_sasl_wipe), and protocol layers send these lines marked private so
 * that traces never show them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "facteur/net.h"

const char *
net_sasl_name(enum net_sasl_mech mech)
{
	switch (mech) {
	case NET_SASL_PLAIN:
		return "PLAIN";
	case NET_SASL_OAUTHBEARER:
		return "OAUTHBEARER";
	case NET_SASL_XOAUTH2:
		return "XOAUTH2";
	}
	BUG("bad SASL mechanism %d", (int)mech);
}

int
net_sasl_choose(const struct net_credential *cred,
    bool (*offers)(void *arg, const char *mech), void *arg,
    enum net_sasl_mech *mech)
{
	if (cred->kind == NET_CRED_OAUTH2) {
		/* The standard first; XOAUTH2 for servers that only know
		 * Google's older form (Outlook). */
		if (offers(arg, "OAUTHBEARER")) {
			*mech = NET_SASL_OAUTHBEARER;
			return 0;
		}
		if (offers(arg, "XOAUTH2")) {
			*mech = NET_SASL_XOAUTH2;
			return 0;
		}
		return -1;
	}
	if (offers(arg, "PLAIN")) {
		*mech = NET_SASL_PLAIN;
		return 0;
	}
	return -1;
}

void
net_base64_encode(struct strbuf *out, const void *data, size_t n)
{
	size_t need = 4 * ((n + 2) / 3);

	strbuf_grow(out, need + 1);
	EVP_EncodeBlock((unsigned char *)out->buf + out->len,
	    (const unsigned char *)data, (int)n);
	out->len += need;
	out->buf[out->len] = '\0';
}

int
net_base64_decode(struct strbuf *out, const char *b64, size_t n)
{
	size_t pad = 0, len;
	int got;

	if (n % 4 != 0)
		return -1;
	if (n == 0)
		return 0;
	if (b64[n - 1] == '=')
		pad++;
	if (n > 1 && b64[n - 2] == '=')
		pad++;
	strbuf_grow(out, n / 4 * 3 + 1);
	got = EVP_DecodeBlock((unsigned char *)out->buf + out->len,
	    (const unsigned char *)b64, (int)n);
	if (got < 0 || (size_t)got < pad)
		return -1;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	len = (size_t)got - pad;
	out->len += len;
	out->buf[out->len] = '\0';
	return 0;
}

/* RFC 5801 saslname: ',' and '=' are escaped in the GS2 header. */
static void
add_saslname(struct strbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == ',')
			strbuf_addstr(sb, "=2C");
		else if (*s == '=')
			strbuf_addstr(sb, "=3D");
		else
			strbuf_addch(sb, *s);
	}
}

int
net_sasl_initial(enum net_sasl_mech mech, const struct net_credential *cred,
    const char *host, unsigned port, struct strbuf *out, struct fct_error *err)
{
	struct strbuf raw = STRBUF_INIT;

	if (cred->user == NULL || *cred->user == '\0')
		return fct_error_set(err, "no user name to log in to '%s'",
		    host);
	/* Control characters would end a field early (XOAUTH2 and
	 * OAUTHBEARER use ^A) or a line (every protocol). */
	if (strpbrk(cred->user, "\r\n\001") != NULL ||
	    strpbrk(cred->secret, "\r\n\001") != NULL)
		return fct_error_set(err,
		    "user name or secret contains a line break or a "
		    "control character");
	switch (mech) {
	case NET_SASL_PLAIN:
		/* authzid empty: act as the user authenticated. */
		strbuf_addch(&raw, '\0');
		strbuf_addstr(&raw, cred->user);
		strbuf_addch(&raw, '\0');
		strbuf_addstr(&raw, cred->secret);
		break;
	case NET_SASL_OAUTHBEARER:
		strbuf_addstr(&raw, "n,a=");
		add_saslname(&raw, cred->user);
		strbuf_addf(&raw, ",\001host=%s\001port=%u\001auth=Bearer ",
		    host, port);
		strbuf_addstr(&raw, cred->secret);
		strbuf_addstr(&raw, "\001\001");
		break;
	case NET_SASL_XOAUTH2:
		strbuf_addf(&raw, "user=%s\001auth=Bearer ", cred->user);
		strbuf_addstr(&raw, cred->secret);
		strbuf_addstr(&raw, "\001\001");
		break;
	}
	net_base64_encode(out, raw.buf, raw.len);
	net_sasl_wipe(&raw);
	return 0;
}

const char *
net_sasl_error_reply(enum net_sasl_mech mech)
{
	/* RFC 7628 3.2.3: a single ^A. XOAUTH2: an empty response. */
	return mech == NET_SASL_OAUTHBEARER ? "AQ==" : "";
}

void
net_sasl_describe_challenge(struct strbuf *sb, const char *b64)
{
	struct strbuf raw = STRBUF_INIT;
	size_t i;

	if (net_base64_decode(&raw, b64, strlen(b64)) != 0 || raw.len == 0) {
		strbuf_release(&raw);
		return;
	}
	/* The server's JSON, quoted as it is: printable ASCII only, cut. */
	strbuf_addstr(sb, " (");
	for (i = 0; i < raw.len && i < 200; i++)
		strbuf_addch(sb,
		    (unsigned char)raw.buf[i] < 0x20 ||
			    (unsigned char)raw.buf[i] >= 0x7f
			? '?'
			: raw.buf[i]);
	strbuf_addch(sb, ')');
	strbuf_release(&raw);
}

int
net_sasl_exchange_init(struct net_sasl_exchange *x, enum net_sasl_mech mech,
    const struct net_credential *cred, const char *host, unsigned port,
    struct fct_error *err)
{
	x->mech = mech;
	strbuf_init(&x->ir, 0);
	strbuf_init(&x->why, 0);
	x->ir_sent = false;
	x->cancelled = false;
	x->challenges = 0;
	return net_sasl_initial(mech, cred, host, port, &x->ir, err);
}

/* The answer to one continuation whose text is challenge (base64). */
static void
answer(struct net_sasl_exchange *x, const char *challenge, bool quoted,
    struct strbuf *out)
{
	if (quoted)
		strbuf_addch(out, '"');
	if (!x->ir_sent) {
		/* The server's go-ahead: the message now. */
		strbuf_add(out, x->ir.buf, x->ir.len);
		x->ir_sent = true;
	} else if (x->challenges++ == 0 && x->mech != NET_SASL_PLAIN) {
		/* An OAuth error report: keep it, acknowledge it. */
		net_sasl_describe_challenge(&x->why, challenge);
		strbuf_addstr(out, net_sasl_error_reply(x->mech));
	} else {
		/* More than these mechanisms ever ask: cancel. */
		strbuf_addch(out, '*');
		x->cancelled = true;
	}
	strbuf_addstr(out, quoted ? "\"\r\n" : "\r\n");
}

int
net_sasl_exchange_run(struct net_sasl_exchange *x, const struct net_sasl_io *io,
    void *session, struct fct_error *err)
{
	struct strbuf challenge = STRBUF_INIT, line = STRBUF_INIT;
	int r;

	while ((r = io->read(session, &challenge, err)) == 1) {
		/* A server asking again after the cancel would keep the
		 * login going for ever. */
		if (x->cancelled) {
			fct_error_set(err,
			    "the server went on with the login after it "
			    "was cancelled");
			r = -1;
			break;
		}
		answer(x, challenge.buf, io->quoted, &line);
		r = io->send(session, line.buf, err);
		net_sasl_wipe(&line);
		strbuf_setlen(&challenge, 0);
		if (r != 0) {
			r = -1;
			break;
		}
	}
	strbuf_release(&challenge);
	return r == 0 ? 0 : -1;
}

void
net_sasl_exchange_explain(const struct net_sasl_exchange *x,
    struct fct_error *err)
{
	struct strbuf sb = STRBUF_INIT;

	if (x->why.len == 0)
		return;
	/* Through a copy: the message is replaced by itself plus more. */
	strbuf_addf(&sb, "%s%s", fct_error_msg(err), x->why.buf);
	fct_error_set(err, "%s", sb.buf);
	strbuf_release(&sb);
}

void
net_sasl_exchange_release(struct net_sasl_exchange *x)
{
	net_sasl_wipe(&x->ir);
	strbuf_release(&x->why);
}

void
net_sasl_wipe(struct strbuf *sb)
{
	if (sb->alloc > 0)
		OPENSSL_cleanse(sb->buf, sb->alloc);
	strbuf_release(sb);
}

int
net_login(const struct config_account *acct, net_login_fn login, void *session,
    struct fct_error *err)
{
	struct net_credential cred = NET_CREDENTIAL_INIT;
	struct fct_error first = FCT_ERROR_INIT;
	char *second = NULL;
	bool rejected = false;
	int rc;

	if (net_credential_get(acct, &cred, err) != 0)
		return -1;
	rc = login(session, &cred, &rejected, err);
	if (rc != 0 && rejected && cred.kind == NET_CRED_OAUTH2) {
		/*
		 * Tokens expire (an hour, for most providers) and the server
		 * may be the first to know: ask the token command once more,
		 * which is expected to refresh, and try again with that.
		 */
		first.msg = xstrdup(fct_error_msg(err));
		fct_error_release(err);
		net_credential_release(&cred);
		rejected = false;
		if (net_credential_get(acct, &cred, err) != 0) {
			rc = -1;
			second = xstrdup(fct_error_msg(err));
			fct_error_set(err,
			    "%s; asking for a fresh token failed: %s",
			    fct_error_msg(&first), second);
		} else if ((rc = login(session, &cred, &rejected, err)) != 0 &&
		    rejected) {
			second = xstrdup(fct_error_msg(err));
			fct_error_set(err,
			    "%s (a fresh token from oauth2_token_command "
			    "was refused too)",
			    second);
		}
	}
	free(second);
	fct_error_release(&first);
	net_credential_release(&cred);
	return rc;
}

int
net_login_with(const struct net_credential *cred, net_login_fn login,
    void *session, struct fct_error *err)
{
	bool rejected = false;

	return login(session, cred, &rejected, err);
}
