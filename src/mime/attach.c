/*
 * Whether a whole message carries attachments, for the cache's
 * has_attachment column when no IMAP BODYSTRUCTURE says it (POP3 mail,
 * which arrives whole). The rule is the one src/imap applies to
 * BODYSTRUCTURE, so that `has:attachment` means the same for both: a part
 * with Content-Disposition attachment, or a named part (name or filename
 * parameter) that is not inline text.
 */
#include "config.h"

#include <stdbool.h>

#include <gmime/gmime.h>

#include "facteur/mime.h"

static void
check_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	bool *found = data;
	GMimeContentDisposition *cd;
	const char *disp;
	bool named;

	(void)parent;
	if (*found || GMIME_IS_MULTIPART(part))
		return;
	cd = g_mime_object_get_content_disposition(part);
	disp =
	    cd != NULL ? g_mime_content_disposition_get_disposition(cd) : NULL;
	if (cd != NULL && g_mime_content_disposition_is_attachment(cd)) {
		*found = true;
		return;
	}
	named =
	    g_mime_object_get_content_type_parameter(part, "name") != NULL ||
	    (cd != NULL &&
		g_mime_content_disposition_get_parameter(cd, "filename") !=
		    NULL);
	if (named && !GMIME_IS_TEXT_PART(part) &&
	    (disp == NULL || g_ascii_strcasecmp(disp, "inline") != 0))
		*found = true;
}

bool
mime_has_attachment(const char *raw, size_t len)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	bool found = false;

	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (msg == NULL)
		return false;
	g_mime_message_foreach(msg, check_part, &found);
	g_object_unref(msg);
	return found;
}
