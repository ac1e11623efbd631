/*
 * mime: parsing, decoding and rendering of messages, and building outgoing
 * ones, on GMime 3 and libxml2. A pure library: no I/O of its own. Grows with
 * the MIME issue.
 */
#ifndef FACTEUR_MIME_MIME_H
#define FACTEUR_MIME_MIME_H

#include "facteur/core.h"

/*
 * The GMime and libxml2 versions in use, as "gmime X.Y.Z, libxml2 N" into
 * sb. Any thread.
 */
void mime_library_versions(struct strbuf *sb);

#endif
