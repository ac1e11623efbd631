/*
 * The scripted peer of peer.h. Shared by the unit tests of the protocol
 * layers above net; cmocka's fail_msg reports a broken script.
 */
#include "config.h"

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "peer.h"

static bool
peer_read_line(struct peer *p, char *line, size_t size)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	size_t n = 0;
	char c;

	for (;;) {
		if (poll(&pfd, 1, 5000) != 1 || read(p->fd, &c, 1) != 1)
			return false;
		if (c == '\n')
			break;
		if (c != '\r' && n + 1 < size)
			line[n++] = c;
	}
	line[n] = '\0';
	strbuf_addf(&p->seen, "%s\n", line);
	return true;
}

static void *
peer_main(void *arg)
{
	struct peer *p = arg;
	const struct step *st;
	char line[16384];

	for (st = p->script;
	     st->expect != NULL || st->send != NULL || st->hangup; st++) {
		if (st->expect != NULL) {
			if (!peer_read_line(p, line, sizeof line)) {
				snprintf(p->failure, sizeof p->failure,
				    "peer: no line while waiting for '%s'",
				    st->expect);
				break;
			}
			if (strncmp(line, st->expect, strlen(st->expect)) !=
			    0) {
				snprintf(p->failure, sizeof p->failure,
				    "peer: got '%.500s', wanted '%s'", line,
				    st->expect);
				break;
			}
		}
		if (st->send != NULL &&
		    write(p->fd, st->send, strlen(st->send)) !=
			(ssize_t)strlen(st->send)) {
			snprintf(p->failure, sizeof p->failure,
			    "peer: cannot send '%s'", st->send);
			break;
		}
		if (st->hangup) {
			close(p->fd);
			p->fd = -1;
			return NULL;
		}
	}
	/* Record whatever else comes until the client goes. */
	while (p->fd >= 0 && peer_read_line(p, line, sizeof line))
		;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	return NULL;
}

void
peer_start(struct peer *p, const struct step *script, mailstream **stream)
{
	int fds[2];

	memset(p, 0, sizeof *p);
	strbuf_init(&p->seen, 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	p->fd = fds[1];
	p->script = script;
	assert_int_equal(pthread_create(&p->thread, NULL, peer_main, p), 0);
	*stream = mailstream_socket_open_timeout(fds[0], PEER_STREAM_TIMEOUT);
	assert_non_null(*stream);
}

void
peer_finish(struct peer *p)
{
	assert_int_equal(pthread_join(p->thread, NULL), 0);
	if (p->failure[0] != '\0')
		fail_msg("%s", p->failure);
}

bool
peer_saw(const struct peer *p, const char *what)
{
	return strstr(p->seen.buf, what) != NULL;
}

void
peer_tokens_init(struct peer_tokens *t, const char *user)
{
	int fd;

	memset(t, 0, sizeof *t);
	strcpy(t->counter, "/tmp/fct-peer-tokens.XXXXXX");
	assert_true((fd = mkstemp(t->counter)) >= 0);
	close(fd);
	t->acct.name = (char *)"t";
	t->acct.email = (char *)user;
	t->acct.oauth2_token_command =
	    xasprintf("n=$(cat %s); n=${n:-0}; echo $((n + 1)) >%s; echo tok$n",
		t->counter, t->counter);
}

void
peer_tokens_release(struct peer_tokens *t)
{
	unlink(t->counter);
	free(t->acct.oauth2_token_command);
	t->acct.oauth2_token_command = NULL;
}

char *
peer_slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *fp = fopen(path, "r");
	char buf[4096];
	size_t n;

	assert_non_null(fp);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	return strbuf_detach(&sb, NULL);
}

/* s, or n 'x' when n is not 0; owned. */
static char *
string_or_xs(const char *s, size_t n)
{
	char *r;

	if (n == 0)
		return xstrdup(s != NULL ? s : "");
	r = xmalloc(n + 1);
	memset(r, 'x', n);
	r[n] = '\0';
	return r;
}

static void
check_error(const struct peer_case *c, int rc, struct fct_error *err,
    const char *want, bool exact)
{
	if (want == NULL) {
		if (rc != 0)
			fail_msg("%s: %s", c->name, fct_error_msg(err));
		return;
	}
	if (rc != -1)
		fail_msg("%s: succeeded, wanted '%s'", c->name, want);
	if (exact ? strcmp(fct_error_msg(err), want) != 0
		  : strstr(fct_error_msg(err), want) == NULL)
		fail_msg("%s: error '%s' %s '%s'", c->name, fct_error_msg(err),
		    exact ? "is not" : "lacks", want);
	fct_error_release(err);
}

static void
attempt(const struct peer_proto *proto, const struct peer_case *c,
    const struct peer_login *l, void *session)
{
	struct fct_error err = FCT_ERROR_INIT;
	struct net_credential cred = NET_CREDENTIAL_INIT;
	struct config_account acct;
	struct peer_tokens tokens;
	char *user = string_or_xs(l->user, l->user_x);
	char *secret = string_or_xs(l->secret, l->secret_x);
	int rc = -1;

	switch (l->how) {
	case PEER_PASSWORD:
	case PEER_OAUTH2:
		cred.kind =
		    l->how == PEER_OAUTH2 ? NET_CRED_OAUTH2 : NET_CRED_PASSWORD;
		cred.user = user;
		cred.secret = secret;
		rc = proto->login(session, &cred, &err);
		break;
	case PEER_ACCOUNT:
		memset(&acct, 0, sizeof acct);
		acct.name = (char *)"t";
		acct.user = user;
		acct.email = user;
		acct.password = secret;
		rc = proto->authenticate(session, &acct, &err);
		break;
	case PEER_TOKENS:
		peer_tokens_init(&tokens, user);
		rc = proto->authenticate(session, &tokens.acct, &err);
		peer_tokens_release(&tokens);
		break;
	default:
		fail_msg("%s: bad login kind %d", c->name, (int)l->how);
	}
	check_error(c, rc, &err, l->error, l->exact);
	free(user);
	free(secret);
}

void
peer_run(const struct peer_proto *proto, const struct peer_case *c)
{
	struct fct_error err = FCT_ERROR_INIT;
	char path[] = "/tmp/fct-peer-trace.XXXXXX", *text;
	const struct peer_login *l;
	struct peer p;
	mailstream *stream;
	void *session;
	size_t i;
	int fd = -1;

	if (c->trace_env != NULL) {
		assert_true((fd = mkstemp(path)) >= 0);
		close(fd);
		setenv(c->trace_env, path, 1);
	}
	peer_start(&p, c->script, &stream);
	session = proto->attach(stream, c->tls, &err);
	if (c->trace_env != NULL)
		unsetenv(c->trace_env);
	check_error(c, session != NULL ? 0 : -1, &err, c->attach_error, false);
	if (session != NULL) {
		if (c->attached != NULL)
			c->attached(session);
		for (l = c->login; l < c->login + PEER_MAX && l->how != 0; l++)
			attempt(proto, c, l, session);
		if (c->logged_in != NULL)
			c->logged_in(session);
		proto->close(session);
	}
	peer_finish(&p);
	for (i = 0; i < PEER_MAX && c->saw[i] != NULL; i++)
		if (!peer_saw(&p, c->saw[i]))
			fail_msg("%s: the peer never got '%s'", c->name,
			    c->saw[i]);
	for (i = 0; i < PEER_MAX && c->unseen[i] != NULL; i++)
		if (peer_saw(&p, c->unseen[i]))
			fail_msg("%s: the peer got '%s'", c->name,
			    c->unseen[i]);
	if (c->seen != NULL)
		assert_string_equal(p.seen.buf, c->seen);
	strbuf_release(&p.seen);
	if (c->trace_env == NULL)
		return;
	text = peer_slurp(path);
	unlink(path);
	for (i = 0; i < PEER_MAX && c->trace_has[i] != NULL; i++)
		if (strstr(text, c->trace_has[i]) == NULL)
			fail_msg("%s: the trace lacks '%s'", c->name,
			    c->trace_has[i]);
	for (i = 0; i < PEER_MAX && c->trace_lacks[i] != NULL; i++)
		if (strstr(text, c->trace_lacks[i]) != NULL)
			fail_msg("%s: the trace shows '%s'", c->name,
			    c->trace_lacks[i]);
	free(text);
}

static const struct peer_proto *run_proto;

static void
run_one(void **state)
{
	peer_run(run_proto, *state);
}

int
peer_run_cases(const char *group, const struct peer_proto *proto,
    const struct peer_case *cases, size_t n)
{
	struct CMUnitTest *tests = xcalloc(n, sizeof *tests);
	size_t i;
	int failed;

	run_proto = proto;
	for (i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_one;
		tests[i].initial_state = (void *)&cases[i];
	}
	failed = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	free(tests);
	return failed;
}
