# libFuzzer target for the rules file (parse, evaluate, export to Sieve),
# built with --enable-fuzzing like the targets of local.mk. It links
# librules.a, libquery.a and libcore.a only. Its seeds are in
# tests/fuzz/corpus/fuzz_rules/, which local.mk already distributes.

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_rules

tests_fuzz_fuzz_rules_SOURCES = tests/fuzz/fuzz_rules.c
tests_fuzz_fuzz_rules_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_rules_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_rules_LDADD = librules.a libquery.a libcore.a
endif

EXTRA_DIST += tests/fuzz/rules.dict
