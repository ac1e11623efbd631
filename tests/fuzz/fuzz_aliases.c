/*
 * libFuzzer target for the aliases file (include/facteur/core_alias.h):
 * typed by hand, or carried over from mutt, and may hold anything.
 *
 * Besides crashes, leaks and undefined behaviour, it checks the parser's
 * contract: a set is always returned, -1 exactly when an error was
 * recorded, every diagnostic at a 1-based line and column of the file; and
 * that expanding any list (the input's own lines, every alias key) ends,
 * nested or not, since loops are refused. Links libcore.a only.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "facteur/core.h"
#include "facteur/core_alias.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_FILE "aliases"

#define CHECK(cond)                                                   \
	do {                                                          \
		if (!(cond))                                          \
			BUG("fuzz_aliases: check failed: %s", #cond); \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct fct_aliases *a = NULL;
	struct strbuf sb = STRBUF_INIT, line = STRBUF_INIT;
	size_t i, nerrors = 0, start = 0;
	int rc;

	rc = fct_aliases_parse(FUZZ_FILE, (const char *)data, size, &a, &diags);
	CHECK(a != NULL);
	CHECK((rc == -1) == (diags.nerrors > 0));
	for (i = 0; i < diags.n; i++) {
		CHECK(strcmp(diags.v[i].file, FUZZ_FILE) == 0);
		CHECK(diags.v[i].line >= 1 && diags.v[i].column >= 1);
		nerrors += diags.v[i].level == CONFIG_DIAG_ERROR;
	}
	CHECK(nerrors == diags.nerrors);
	/* Every line of the input as an address list. */
	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		strbuf_reset(&line);
		strbuf_add(&line, data + start, i - start);
		start = i + 1;
		if (memchr(line.buf, '\0', line.len) != NULL)
			continue;
		strbuf_reset(&sb);
		if (fct_aliases_expand(a, line.buf, &sb, NULL) == 0)
			strbuf_sanity(&sb);
	}
	strbuf_release(&sb);
	strbuf_release(&line);
	fct_aliases_free(&a);
	config_diags_release(&diags);
	return 0;
}
