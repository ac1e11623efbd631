# rules: the filtering rules file: parsed, and evaluated into plans (carried
# out by sync).
# Depends on query and core only.
noinst_LIBRARIES += librules.a
librules_a_SOURCES = \
	src/rules/parse.c \
	src/rules/eval.c \
	src/rules/sieve.c \
	src/rules/draft.c
EXTRA_DIST += doc/rules.md
