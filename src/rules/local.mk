# rules: the filtering rules file (parsed here; run by sync later).
# Depends on query and core only.
noinst_LIBRARIES += librules.a
librules_a_SOURCES = \
	src/rules/parse.c
