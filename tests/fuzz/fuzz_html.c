/*
 * libFuzzer target for src/mime's HTML to text converter (libxml2's
 * tolerant parser and the walk over its tree) and, on the same input, the
 * mailcap lookup: both read text that comes from outside.
 *
 * Oracles: the text is empty or ends with a newline; the links returned
 * are as many as said, none NULL, numbered from the first number given
 * (each "[n]" reference appears in the text); with a width, a line longer
 * than the width has no space in it after its prefix, i.e. it is a single
 * word that could not be broken. A mailcap match gives a non-empty command.
 * Links libmime.a and libcore.a only.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facteur/core.h"
#include "facteur/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                \
	do {                                                       \
		if (!(cond))                                       \
			BUG("fuzz_html: check failed: %s", #cond); \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct strbuf out = STRBUF_INIT;
	char **links = NULL, *command = NULL, mark[32];
	size_t nlinks = 0, i;
	unsigned width;

	if (!ready) {
		mime_init();
		ready = true;
	}
	if (size == 0)
		return 0;
	/* The first byte picks the width: 0 (no wrapping) or 10..137. */
	width = data[0] < 128 ? 0 : 10u + (data[0] - 128u);
	mime_html_to_text((const char *)data + 1, size - 1, width, 7, &out,
	    &links, &nlinks);
	CHECK(out.len == 0 || out.buf[out.len - 1] == '\n');
	for (i = 0; i < nlinks; i++) {
		CHECK(links[i] != NULL);
		snprintf(mark, sizeof mark, "[%zu]", i + 7);
		CHECK(strstr(out.buf, mark) != NULL);
		free(links[i]);
	}
	free(links);
	strbuf_release(&out);

	if (mime_mailcap_find((const char *)data, size, "text/html",
		MIME_MAILCAP_COPIOUSOUTPUT, &command) == 1)
		CHECK(command != NULL && command[0] != '\0');
	else
		CHECK(command == NULL);
	free(command);
	return 0;
}
