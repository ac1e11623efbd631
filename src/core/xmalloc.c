/*
 * Allocation helpers that abort on exhaustion, and the fatal/BUG exits.
 * A zero-size request is a bug in the caller: malloc(0) may return NULL or a
 * unique pointer, and code that relies on either is wrong somewhere else.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/core.h"

void
fct_fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("facteur: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void
fct_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "facteur: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		BUG("zero size allocation");
	if ((p = malloc(size)) == NULL)
		fct_fatal("out of memory allocating %zu bytes", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		BUG("zero size allocation");
	if ((p = calloc(nmemb, size)) == NULL)
		fct_fatal("out of memory allocating %zu * %zu bytes", nmemb,
		    size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		BUG("zero size allocation");
	if (nmemb > SIZE_MAX / size)
		fct_fatal("allocation overflow: %zu * %zu bytes", nmemb, size);
	if ((p = realloc(ptr, nmemb * size)) == NULL)
		fct_fatal("out of memory allocating %zu * %zu bytes", nmemb,
		    size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		fct_fatal("out of memory formatting a string");
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}
