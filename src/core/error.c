/*
 * Error values returned up the stack. Lower layers never print: they record
 * one message here and the caller decides how to show it.
 */
#include "config.h"

#include <stdlib.h>

#include "facteur/core.h"

int
fct_error_set(struct fct_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	free(err->msg);
	va_start(ap, fmt);
	err->msg = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

int
fct_error_prefix(struct fct_error *err, const char *fmt, ...)
{
	va_list ap;
	char *prefix, *msg;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	prefix = xvasprintf(fmt, ap);
	va_end(ap);
	msg = xasprintf("%s: %s", prefix, fct_error_msg(err));
	free(prefix);
	free(err->msg);
	err->msg = msg;
	return -1;
}

void
fct_error_release(struct fct_error *err)
{
	if (err == NULL)
		return;
	free(err->msg);
	err->msg = NULL;
}

const char *
fct_error_msg(const struct fct_error *err)
{
	return err != NULL && err->msg != NULL ? err->msg : "unknown error";
}
