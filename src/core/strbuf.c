/*
 * The growable string. See the invariants in include/facteur/core.h. An empty
 * strbuf points at a shared static byte so that a fresh STRBUF_INIT needs no
 * allocation and sb->buf can always be read as a C string.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/core.h"

char strbuf_slopbuf[1];

void
strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint > 0)
		strbuf_grow(sb, hint);
}

void
strbuf_release(struct strbuf *sb)
{
	if (sb->alloc > 0)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *
strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *s;

	if (sb->alloc == 0)
		strbuf_grow(sb, 1);
	s = sb->buf;
	if (len != NULL)
		*len = sb->len;
	strbuf_init(sb, 0);
	return s;
}

void
strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want, n;

	if (extra > (size_t)-1 / 2 - sb->len)
		fct_fatal("string too long (%zu + %zu bytes)", sb->len, extra);
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return;
	n = sb->alloc < 64 ? 64 : sb->alloc;
	while (n < want)
		n = n / 2 * 3;
	if (sb->alloc == 0) {
		sb->buf = xmalloc(n);
		sb->buf[0] = '\0';
	} else
		sb->buf = xreallocarray(sb->buf, n, 1);
	sb->alloc = n;
}

void
strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > sb->len)
		BUG("strbuf_setlen(%zu) beyond length %zu", len, sb->len);
	if (sb->alloc == 0)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (len == 0)
		return;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	strbuf_add(sb, &ch, 1);
}

void
strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("bad format string '%s'", fmt);
	if (n == 0)
		return;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

int
strbuf_read_file(struct strbuf *sb, const char *path)
{
	char buf[8192];
	struct stat st;
	ssize_t r;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	for (;;) {
		r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (r == 0)
			break;
		strbuf_add(sb, buf, (size_t)r);
	}
	close(fd);
	return 0;
}

void
strbuf_rtrim(struct strbuf *sb)
{
	size_t n = sb->len;

	while (n > 0 && isspace((unsigned char)sb->buf[n - 1]))
		n--;
	strbuf_setlen(sb, n);
}

void
strbuf_sanity(const struct strbuf *sb)
{
	if (sb->buf == NULL)
		BUG("strbuf with NULL buffer");
	if (sb->alloc == 0 && (sb->buf != strbuf_slopbuf || sb->len != 0))
		BUG("unallocated strbuf is not empty");
	if (sb->alloc != 0 && sb->len >= sb->alloc)
		BUG("strbuf length %zu not below allocation %zu", sb->len,
		    sb->alloc);
	if (sb->buf[sb->len] != '\0')
		BUG("strbuf not NUL-terminated");
}
