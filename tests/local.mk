# Tests. Unit tests (cmocka) link one layer and the layers below it only:
# a test that needs more shows a broken boundary. Integration tests are shell
# scripts that drive the real binary against the test bed (tests/servers/),
# which scripts/test starts; without it they are skipped (exit 77).

AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	FACTEUR='$(abs_top_builddir)/facteur'; \
	export top_srcdir top_builddir FACTEUR;
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)

UNIT_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)

include tests/unit/core/local.mk
include tests/unit/net/local.mk
include tests/unit/imap/local.mk
include tests/unit/pop/local.mk
include tests/unit/smtp/local.mk
include tests/unit/sieve/local.mk
include tests/unit/store/local.mk
include tests/unit/query/local.mk
include tests/unit/rules/local.mk
include tests/unit/mime/local.mk
include tests/unit/sync/local.mk
include tests/unit/cli/local.mk
include tests/unit/ui/local.mk
include tests/servers/local.mk
include tests/integration/local.mk
include tests/tui/local.mk
include tests/fuzz/local.mk
include tests/layers.mk
include tests/fuzz/query.mk
include tests/fuzz/mime.mk
include tests/mime/local.mk

TESTS += tests/check-layers.sh
EXTRA_DIST += tests/check-layers.sh tests/lib.sh \
	tests/integration/imapctl.py tests/integration/popctl.py \
	tests/integration/tcpproxy.py
include tests/fuzz/rules.mk
include tests/fuzz/compose.mk
# scripts/deps, not as root: the exact lines to run.
TESTS += tests/deps.sh
# The manual pages: groff -ww says nothing.
TESTS += tests/check-man.sh
# make dist's list: every source file, no directory.
TESTS += tests/check-dist.sh
