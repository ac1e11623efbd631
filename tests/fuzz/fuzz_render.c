/*
 * libFuzzer target for src/mime's renderer: whole messages from anyone,
 * parsed by GMime and rendered (headers, charsets, flowed text, HTML,
 * nesting, attachments), and the terminal sanitiser on raw bytes.
 *
 * Beyond crashes, leaks and undefined behaviour, the target checks the
 * promises the pager and `facteur show` rely on, and aborts when one is
 * broken:
 *  - every rendered line is valid UTF-8 with no C0/C1 control, DEL or
 *    bidi override in it, and its width is mime_term_width() of its text;
 *  - parts are numbered 1..n in order, and each of the first few can be
 *    extracted by mime_part_content() under the same number;
 *  - the file name for saving any part has no '/', does not start with
 *    '.', and is not empty;
 *  - mime_term_sanitize() of the raw input obeys the same line rules.
 * Links libmime.a and libcore.a only.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "facteur/core.h"
#include "facteur/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                  \
	do {                                                         \
		if (!(cond))                                         \
			BUG("fuzz_render: check failed: %s", #cond); \
	} while (0)

/* Terminal-safe: valid UTF-8, no controls, no bidi embeddings. */
static void
check_safe(const char *s, size_t len, bool newlines)
{
	const char *p = s, *end = s + len;
	gunichar u;

	CHECK(g_utf8_validate(s, (gssize)len, NULL));
	while (p < end) {
		u = g_utf8_get_char(p);
		CHECK(u >= 0x20 || (newlines && u == '\n'));
		CHECK(u != 0x7f && !(u >= 0x80 && u <= 0x9f));
		CHECK(!(u >= 0x202a && u <= 0x202e));
		CHECK(!(u >= 0x2066 && u <= 0x2069));
		p = g_utf8_next_char(p);
	}
}

static void
render(const char *raw, size_t len, unsigned flags, unsigned width)
{
	struct mime_render_opts opts = MIME_RENDER_OPTS_INIT;
	struct mime_rendering r = MIME_RENDERING_INIT;
	struct strbuf part = STRBUF_INIT;
	struct mime_part info = { 0 };
	char *name;
	size_t i;

	opts.flags = flags;
	opts.width = width;
	if (mime_render(raw, len, &opts, &r, NULL) != 0) {
		CHECK(r.nlines == 0 && r.nparts == 0);
		return;
	}
	for (i = 0; i < r.nlines; i++) {
		CHECK(r.lines[i].text != NULL);
		check_safe(r.lines[i].text, strlen(r.lines[i].text), false);
		CHECK(r.lines[i].width == mime_term_width(r.lines[i].text));
		CHECK(r.lines[i].name_len <= strlen(r.lines[i].text));
	}
	for (i = 0; i < r.nlinks; i++)
		CHECK(r.links[i].number == i + 1 && r.links[i].url != NULL);
	for (i = 0; i < r.nparts; i++) {
		CHECK(r.parts[i].number == i + 1 && r.parts[i].type != NULL);
		name = mime_safe_filename(r.parts[i].filename,
		    r.parts[i].number, r.parts[i].type);
		CHECK(name[0] != '\0' && name[0] != '.' &&
		    strchr(name, '/') == NULL);
		free(name);
		if (i >= 4)
			continue;
		strbuf_reset(&part);
		CHECK(mime_part_content(raw, len, r.parts[i].number, &part,
			  &info, NULL) == 0);
		CHECK(info.number == r.parts[i].number);
		CHECK(strcmp(info.type, r.parts[i].type) == 0);
		mime_part_release(&info);
	}
	strbuf_release(&part);
	mime_rendering_release(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct strbuf sb = STRBUF_INIT;
	size_t col = 0;

	if (!ready) {
		mime_init();
		ready = true;
	}
	render((const char *)data, size, 0, 0);
	render((const char *)data, size,
	    MIME_RENDER_PREFER_HTML | MIME_RENDER_ALL_HEADERS, 20);
	mime_term_sanitize(&sb, (const char *)data, size,
	    MIME_TERM_KEEP_NEWLINES, &col);
	check_safe(sb.buf, sb.len, true);
	strbuf_release(&sb);
	return 0;
}
