/* The MIME libraries behind src/mime, for `facteur --version`. */
#include "config.h"

#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "facteur/mime.h"

void
mime_library_versions(struct strbuf *sb)
{
	/* gmime_*_version are the run-time library's own numbers. */
	strbuf_addf(sb, "gmime %u.%u.%u, libxml2 %s", gmime_major_version,
	    gmime_minor_version, gmime_micro_version, xmlParserVersion);
}
