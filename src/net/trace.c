/*
 * Protocol traces for debugging: what a session sent and received, written
 * to a file the user names in an environment variable. libetpan's logger
 * hands over raw chunks, not lines, and marks the chunks that carry
 * credentials (LOGIN, AUTHENTICATE, SMTP AUTH, POP3 USER/PASS) as private:
 * those are replaced by a placeholder here, in the one place every protocol
 * layer writes its trace through, so that no layer can forget to redact.
 */
#include "config.h"

#include <stdlib.h>

#include "facteur/net.h"

FILE *
net_trace_open(const char *var)
{
	const char *path = getenv(var);

	if (path == NULL || *path == '\0')
		return NULL;
	/* A trace is a debugging aid, never a reason to fail: NULL is fine. */
	return fopen(path, "ae");
}

void
net_trace_chunk(FILE *fp, int log_type, const char *buf, size_t len)
{
	switch (log_type) {
	case MAILSTREAM_LOG_TYPE_DATA_RECEIVED:
		fputs("S: ", fp);
		fwrite(buf, 1, len, fp);
		break;
	case MAILSTREAM_LOG_TYPE_DATA_SENT:
		fputs("C: ", fp);
		fwrite(buf, 1, len, fp);
		break;
	case MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE:
		fputs("C: <credentials hidden>\n", fp);
		return;
	default:
		return; /* libetpan's own markers: nothing on the wire */
	}
	if (len == 0 || buf[len - 1] != '\n')
		fputc('\n', fp);
	fflush(fp);
}
