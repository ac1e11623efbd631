# The test bed's programs. facteur-seed writes test messages straight into
# a Maildir (tests/servers/seed runs it for a Dovecot user); it uses only
# core's allocation and strbuf.
noinst_PROGRAMS += facteur-seed
facteur_seed_SOURCES = tests/servers/seed.c
facteur_seed_CPPFLAGS = $(AM_CPPFLAGS)
facteur_seed_LDADD = libcore.a
# seed is a script that sits beside seed.c: make's built-in rule (%: %.c)
# must not try to compile it when the tarball is made.
tests/servers/seed: ;
