/*
 * Unit tests of src/net/cred.c: which source an account's secret comes
 * from, and that failures name the account.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "facteur/net.h"

static struct config_account
account(void)
{
	struct config_account a;

	memset(&a, 0, sizeof a);
	a.name = (char *)"work";
	a.email = (char *)"alice@example.test";
	return a;
}

static void
test_password_command(void **state)
{
	struct config_account a = account();
	struct net_credential c = NET_CREDENTIAL_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	a.password_command = (char *)"printf 's3cret\\nsecond line\\n'";
	assert_int_equal(net_credential_get(&a, &c, &err), 0);
	assert_int_equal(c.kind, NET_CRED_PASSWORD);
	assert_string_equal(c.secret, "s3cret");
	/* user defaults to the address */
	assert_string_equal(c.user, "alice@example.test");
	net_credential_release(&c);
	assert_null(c.secret);
	assert_null(c.user);
}

static void
test_user_overrides_email(void **state)
{
	struct config_account a = account();
	struct net_credential c = NET_CREDENTIAL_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	a.user = (char *)"alice";
	a.password = (char *)"inline";
	assert_int_equal(net_credential_get(&a, &c, &err), 0);
	assert_string_equal(c.user, "alice");
	assert_string_equal(c.secret, "inline");
	net_credential_release(&c);
}

static void
test_oauth2_first(void **state)
{
	struct config_account a = account();
	struct net_credential c = NET_CREDENTIAL_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	a.oauth2_token_command = (char *)"echo ya29.token";
	a.password = (char *)"ignored";
	assert_int_equal(net_credential_get(&a, &c, &err), 0);
	assert_int_equal(c.kind, NET_CRED_OAUTH2);
	assert_string_equal(c.secret, "ya29.token");
	net_credential_release(&c);
}

static void
test_failing_command(void **state)
{
	struct config_account a = account();
	struct net_credential c = NET_CREDENTIAL_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	a.password_command = (char *)"exit 4";
	assert_int_equal(net_credential_get(&a, &c, &err), -1);
	assert_null(c.secret);
	assert_string_equal(fct_error_msg(&err),
	    "cannot get the password of account 'work': command 'exit 4' "
	    "failed with exit status 4");
	fct_error_release(&err);

	a.password_command = (char *)"true";
	assert_int_equal(net_credential_get(&a, &c, &err), -1);
	assert_string_equal(fct_error_msg(&err),
	    "cannot get the password of account 'work': command 'true' "
	    "printed no usable line");
	fct_error_release(&err);
}

static void
test_no_source(void **state)
{
	struct config_account a = account();
	struct net_credential c = NET_CREDENTIAL_INIT;
	struct fct_error err = FCT_ERROR_INIT;

	assert_int_equal(net_credential_get(&a, &c, &err), -1);
	assert_string_equal(fct_error_msg(&err),
	    "account 'work' has no password_command, password or "
	    "oauth2_token_command");
	fct_error_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_command),
		cmocka_unit_test(test_user_overrides_email),
		cmocka_unit_test(test_oauth2_first),
		cmocka_unit_test(test_failing_command),
		cmocka_unit_test(test_no_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
