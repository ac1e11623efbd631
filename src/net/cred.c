/*
 * Credentials. An account names one source of its secret; each source is an
 * entry of a small ops table, so that a keyring or an OAuth2 refresh flow is
 * one more entry and tests can add a fake. Secrets are wiped before they are
 * freed and never logged.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facteur/net.h"

struct cred_source {
	const char *name;
	enum net_cred_kind kind;
	/* The configured value for this source, or NULL when unused. */
	const char *(*configured)(const struct config_account *acct);
	int (*get)(const char *value, char **secret, struct fct_error *err);
};

static const char *
oauth2_configured(const struct config_account *acct)
{
	return acct->oauth2_token_command;
}

static const char *
command_configured(const struct config_account *acct)
{
	return acct->password_command;
}

static const char *
inline_configured(const struct config_account *acct)
{
	return acct->password;
}

static int
get_by_command(const char *value, char **secret, struct fct_error *err)
{
	return fct_run_line_command(value, secret, err);
}

static int
get_inline(const char *value, char **secret, struct fct_error *err)
{
	*secret = xstrdup(value);
	return 0;
}

static const struct cred_source cred_sources[] = {
	{ .name = "oauth2_token_command",
	    .kind = NET_CRED_OAUTH2,
	    .configured = oauth2_configured,
	    .get = get_by_command },
	{ .name = "password_command",
	    .kind = NET_CRED_PASSWORD,
	    .configured = command_configured,
	    .get = get_by_command },
	{ .name = "password",
	    .kind = NET_CRED_PASSWORD,
	    .configured = inline_configured,
	    .get = get_inline },
};

int
net_credential_get(const struct config_account *acct,
    struct net_credential *cred, struct fct_error *err)
{
	const struct cred_source *src;
	const char *value;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(cred_sources); i++) {
		src = &cred_sources[i];
		if ((value = src->configured(acct)) == NULL)
			continue;
		if (src->get(value, &cred->secret, err) != 0)
			return fct_error_prefix(err,
			    "cannot get the %s of account '%s'",
			    src->kind == NET_CRED_OAUTH2 ? "token" : "password",
			    acct->name);
		cred->kind = src->kind;
		cred->user =
		    xstrdup(acct->user != NULL ? acct->user : acct->email);
		return 0;
	}
	return fct_error_set(err,
	    "account '%s' has no password_command, password or "
	    "oauth2_token_command",
	    acct->name);
}

void
net_credential_release(struct net_credential *cred)
{
	if (cred->secret != NULL) {
		explicit_bzero(cred->secret, strlen(cred->secret));
		free(cred->secret);
	}
	free(cred->user);
	cred->user = cred->secret = NULL;
	cred->kind = NET_CRED_PASSWORD;
}
