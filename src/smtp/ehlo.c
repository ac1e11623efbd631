/*
 * EHLO: the name facteur gives, and what the server's reply announces.
 *
 * The name. libetpan's mailesmtp_ehlo sends gethostname(), which tells
 * every submission server (and, through its Received: header, every
 * recipient) what the user called their machine. RFC 5321 4.1.4 lets a
 * client without a meaningful domain name give an address literal instead;
 * facteur gives the local address of the connection, which the server sees
 * anyway (behind NAT it is the private address, still nothing that follows
 * the machine from network to network). libetpan's own address-literal
 * variant is broken for IPv6 in 1.9.4 and writes no "IPv6:" tag.
 *
 * The reply. libetpan's parser (mailesmtp_parse_ehlo) knows a fixed list
 * of AUTH mechanisms (not XOAUTH2) and, in 1.9.4, loops for ever on an
 * AUTH line with a tab between two mechanisms: a hostile server could hang
 * the client before TLS is even up. So facteur parses the reply itself and
 * tells libetpan the result.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "private.h"

static const struct {
	const char *name;
	unsigned flag;
} ehlo_keywords[] = {
	{ "STARTTLS", SMTP_EXT_STARTTLS },
	{ "AUTH", SMTP_EXT_AUTH },
	{ "SIZE", SMTP_EXT_SIZE },
	{ "8BITMIME", SMTP_EXT_8BITMIME },
	{ "PIPELINING", SMTP_EXT_PIPELINING },
	{ "DSN", SMTP_EXT_DSN },
	{ "SMTPUTF8", SMTP_EXT_SMTPUTF8 },
	{ "ENHANCEDSTATUSCODES", SMTP_EXT_ENHANCEDSTATUSCODES },
	{ "CHUNKING", SMTP_EXT_CHUNKING },
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* RFC 4422 3.1: a mechanism name is 1 to 20 of A-Z, 0-9, '-' and '_'. */
static bool
valid_mechanism(const char *p, size_t n)
{
	size_t i;
	char c;

	if (n == 0 || n > 20)
		return false;
	for (i = 0; i < n; i++) {
		c = p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

bool
smtp_mechanism_listed(const char *list, const char *mech, size_t n)
{
	const char *p = list;

	while (*p != '\0') {
		if (strncasecmp(p, mech, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		p++;
	}
	return false;
}

static void
add_mechanism(struct strbuf *auth, const char *p, size_t n)
{
	size_t i;

	if (!valid_mechanism(p, n) || smtp_mechanism_listed(auth->buf, p, n))
		return;
	if (auth->len > 0)
		strbuf_addch(auth, ' ');
	for (i = 0; i < n; i++)
		strbuf_addch(auth,
		    (p[i] >= 'a' && p[i] <= 'z') ? p[i] - 'a' + 'A' : p[i]);
}

/* SIZE's argument: digits only, and no more than fit. */
static uint64_t
parse_size(const char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 19)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	return v;
}

/* One keyword line, [line, end). */
static void
parse_line(struct smtp_ehlo *e, struct strbuf *auth, const char *line,
    const char *end)
{
	const char *p = line, *kw, *w;
	size_t kwlen, i, nparam = 0;
	unsigned flag = 0;

	while (p < end && is_blank(*p))
		p++;
	kw = p;
	while (p < end && !is_blank(*p) && *p != '=')
		p++;
	kwlen = (size_t)(p - kw);
	for (i = 0; i < FCT_ARRAY_LEN(ehlo_keywords); i++)
		if (strlen(ehlo_keywords[i].name) == kwlen &&
		    strncasecmp(kw, ehlo_keywords[i].name, kwlen) == 0)
			flag = ehlo_keywords[i].flag;
	if (flag == 0)
		return;
	/* "AUTH=LOGIN PLAIN" from servers older than RFC 2554. */
	if (p < end && *p == '=') {
		if (flag != SMTP_EXT_AUTH)
			return;
		p++;
	}
	e->ext |= flag;
	for (;;) {
		while (p < end && is_blank(*p))
			p++;
		if (p == end)
			break;
		w = p;
		while (p < end && !is_blank(*p))
			p++;
		if (flag == SMTP_EXT_AUTH)
			add_mechanism(auth, w, (size_t)(p - w));
		else if (flag == SMTP_EXT_SIZE && nparam == 0)
			e->size = parse_size(w, (size_t)(p - w));
		nparam++;
	}
}

void
smtp_ehlo_parse(struct smtp_ehlo *e, const char *text)
{
	struct strbuf auth = STRBUF_INIT;
	const char *line = text, *eol;
	bool first = true;

	smtp_ehlo_release(e);
	while (*line != '\0') {
		eol = strchr(line, '\n');
		if (eol == NULL)
			eol = line + strlen(line);
		/* The first line is the server's name and greeting. */
		if (!first)
			parse_line(e, &auth, line, eol);
		first = false;
		line = *eol == '\n' ? eol + 1 : eol;
	}
	e->auth = strbuf_detach(&auth, NULL);
}

void
smtp_ehlo_release(struct smtp_ehlo *e)
{
	free(e->auth);
	e->auth = NULL;
	e->ext = 0;
	e->size = 0;
}

char *
smtp_ehlo_name_for_fd(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char addr[INET6_ADDRSTRLEN];
	const struct sockaddr_in6 *sin6;
	struct in_addr v4;

	memset(&ss, 0, sizeof ss);
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return xstrdup("[127.0.0.1]");
	if (ss.ss_family == AF_INET &&
	    inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr,
		sizeof addr) != NULL)
		return xasprintf("[%s]", addr);
	if (ss.ss_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)&ss;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			memcpy(&v4, &sin6->sin6_addr.s6_addr[12], sizeof v4);
			if (inet_ntop(AF_INET, &v4, addr, sizeof addr) != NULL)
				return xasprintf("[%s]", addr);
		} else if (inet_ntop(AF_INET6, &sin6->sin6_addr, addr,
			       sizeof addr) != NULL)
			return xasprintf("[IPv6:%s]", addr);
	}
	return xstrdup("[127.0.0.1]");
}
