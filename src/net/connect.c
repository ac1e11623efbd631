/*
 * TCP connections with a time limit. libetpan's own connect has no timeout
 * on connect() and no keep-alive, so facteur opens the socket itself and
 * hands the descriptor to libetpan's stream layer.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "facteur/net.h"

static int
endpoint_timeout(const struct net_endpoint *ep)
{
	return ep->timeout > 0 ? ep->timeout : NET_DEFAULT_TIMEOUT;
}

void
net_init(void)
{
	signal(SIGPIPE, SIG_IGN);
}

/* Connects one address, or returns -1 with errno set. */
static int
connect_one(const struct addrinfo *ai, int timeout)
{
	struct pollfd pfd;
	socklen_t len;
	int fd, flags, soerr, n, one = 1;

	fd = socket(ai->ai_family,
	    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do
			n = poll(&pfd, 1, timeout * 1000);
		while (n < 0 && errno == EINTR);
		if (n == 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (n < 0)
			goto fail;
		len = sizeof soerr;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
			goto fail;
		if (soerr != 0) {
			errno = soerr;
			goto fail;
		}
	}
	/* libetpan's stream layer expects a blocking descriptor. */
	if ((flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	return fd;
fail:
	n = errno;
	close(fd);
	errno = n;
	return -1;
}

int
net_tcp_connect(const struct net_endpoint *ep, int *fdp, struct fct_error *err)
{
	struct addrinfo hints, *res, *ai;
	char port[16];
	int rc, fd = -1, saved = 0;

	*fdp = -1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof port, "%u", ep->port);
	/* NEEDSWORK: getaddrinfo has no time limit; a resolver thread would. */
	rc = getaddrinfo(ep->host, port, &hints, &res);
	if (rc != 0)
		return fct_error_set(err, "cannot resolve '%s': %s", ep->host,
		    gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = connect_one(ai, endpoint_timeout(ep))) >= 0)
			break;
		saved = errno;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return fct_error_set(err, "cannot connect to '%s' port %u: %s",
		    ep->host, ep->port, strerror(saved));
	*fdp = fd;
	return 0;
}

void
net_stream_set_timeout(mailstream *s, const struct net_endpoint *ep)
{
	mailstream_low_set_timeout(mailstream_get_low(s),
	    (time_t)endpoint_timeout(ep));
}

int
net_stream_open(const struct net_endpoint *ep, mailstream **out,
    struct fct_error *err)
{
	mailstream *s;
	int fd;

	*out = NULL;
	if (net_tcp_connect(ep, &fd, err) != 0)
		return -1;
	if (ep->implicit_tls) {
		s = mailstream_ssl_open_with_callback_timeout(fd,
		    (time_t)endpoint_timeout(ep), net_tls_setup_cb, (void *)ep);
		if (s == NULL) {
			close(fd);
			return fct_error_set(err,
			    "TLS handshake with '%s' port %u failed", ep->host,
			    ep->port);
		}
		if (net_tls_verify(s, ep, err) != 0) {
			mailstream_close(s);
			return -1;
		}
	} else {
		s = mailstream_socket_open_timeout(fd,
		    (time_t)endpoint_timeout(ep));
		if (s == NULL) {
			close(fd);
			return fct_error_set(err,
			    "cannot open a stream to '%s'", ep->host);
		}
	}
	*out = s;
	return 0;
}
