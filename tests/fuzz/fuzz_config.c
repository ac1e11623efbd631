/*
 * libFuzzer target for config_parse() (include/facteur/core_config.h): the
 * configuration file is typed by hand and may hold anything.
 *
 * Besides crashes, leaks and undefined behaviour, the target checks the
 * parser's documented contract and aborts when it is broken: a config is
 * always returned, -1 comes back exactly when an error was recorded,
 * nerrors counts the error diagnostics, and each diagnostic names the file
 * with a 1-based line and column. Links libcore.a only.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "facteur/core.h"
#include "facteur/core_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_FILE "fuzz.conf"

/* An oracle failed: abort, so that libFuzzer saves the input. */
#define CHECK(cond)                                                  \
	do {                                                         \
		if (!(cond))                                         \
			BUG("fuzz_config: check failed: %s", #cond); \
	} while (0)

static void
check_diags(const struct config_diags *diags)
{
	const struct config_diag *d;
	size_t i, nerrors = 0;

	CHECK(diags->n <= diags->alloc);
	for (i = 0; i < diags->n; i++) {
		d = &diags->v[i];
		CHECK(d->level == CONFIG_DIAG_ERROR ||
		    d->level == CONFIG_DIAG_WARNING);
		if (d->level == CONFIG_DIAG_ERROR)
			nerrors++;
		CHECK(d->file != NULL && strcmp(d->file, FUZZ_FILE) == 0);
		CHECK(d->line >= 1 && d->column >= 1);
		CHECK(d->msg != NULL && d->msg[0] != '\0');
	}
	CHECK(nerrors == diags->nerrors);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct config_diags diags = CONFIG_DIAGS_INIT;
	struct config *cfg = NULL;
	size_t i;
	int rc;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		BUG("fuzz_config: cannot open '/dev/null'");

	rc = config_parse(FUZZ_FILE, (const char *)data, size, &cfg, &diags);
	CHECK(cfg != NULL);
	CHECK(rc == 0 || rc == -1);
	CHECK((rc == -1) == (diags.nerrors > 0));
	check_diags(&diags);
	config_diags_print(&diags, devnull);

	/* Walk what was kept, so that sanitizers see every string. */
	for (i = 0; i < cfg->naccounts; i++) {
		CHECK(cfg->accounts[i].name != NULL);
		CHECK(config_find_account(cfg, cfg->accounts[i].name) != NULL);
	}
	for (i = 0; i < cfg->nidentities; i++)
		CHECK(cfg->identities[i].name != NULL);
	if (cfg->naccounts > 0)
		CHECK(config_find_account(cfg, NULL) == &cfg->accounts[0]);

	config_free(&cfg);
	CHECK(cfg == NULL);
	config_diags_release(&diags);
	return 0;
}
