# query: the search language (parse once; run as SQL, IMAP SEARCH or in
# memory). Depends on core only.
noinst_LIBRARIES += libquery.a
libquery_a_SOURCES = \
	src/query/imap.c \
	src/query/match.c \
	src/query/node.c \
	src/query/parse.c \
	src/query/print.c \
	src/query/private.h \
	src/query/sieve.c \
	src/query/sql.c \
	src/query/text.c
EXTRA_DIST += doc/query.md
