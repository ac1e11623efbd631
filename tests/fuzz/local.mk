# libFuzzer targets, built with --enable-fuzzing (CC=clang). Like the unit
# tests, each target links its own layer's library and the layers below
# only. run-short.sh gives each a short session in make check; see it for
# longer runs.

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_mutf7 tests/fuzz/fuzz_config
TESTS += tests/fuzz/run-short.sh

tests_fuzz_fuzz_mutf7_SOURCES = tests/fuzz/fuzz_mutf7.c
tests_fuzz_fuzz_mutf7_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/imap
tests_fuzz_fuzz_mutf7_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_mutf7_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_mutf7_LDADD = libimap.a libcore.a

tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_config_LDADD = libcore.a
endif

EXTRA_DIST += tests/fuzz/run-short.sh tests/fuzz/mutf7.dict \
	tests/fuzz/config.dict tests/fuzz/corpus
