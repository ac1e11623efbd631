# libFuzzer target for src/query (parse, print, reparse, compile to every
# backend), built with --enable-fuzzing like the targets of local.mk. It
# links libquery.a and libcore.a only. Its seeds are in
# tests/fuzz/corpus/fuzz_query/, which local.mk already distributes.

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_query

tests_fuzz_fuzz_query_SOURCES = tests/fuzz/fuzz_query.c
tests_fuzz_fuzz_query_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_query_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_query_LDADD = libquery.a libcore.a
endif

EXTRA_DIST += tests/fuzz/query.dict
