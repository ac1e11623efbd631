# The layer boundary check (tests/check-layers.sh, in tests/local.mk) and
# its self-test, which proves that the check can fail. The rules it checks
# are written out in doc/ARCHITECTURE.md.
TESTS += tests/check-layers-selftest.sh
EXTRA_DIST += tests/check-layers-selftest.sh doc/ARCHITECTURE.md
