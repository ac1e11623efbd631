# libFuzzer target for the aliases file (src/core/alias.c), built with
# --enable-fuzzing like the targets of local.mk; links libcore.a only.
# run-short.sh runs it with the others.

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_aliases

tests_fuzz_fuzz_aliases_SOURCES = tests/fuzz/fuzz_aliases.c
tests_fuzz_fuzz_aliases_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_aliases_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_aliases_LDADD = libcore.a
endif

EXTRA_DIST += tests/fuzz/aliases.dict
