# Benchmark helpers (bench/sync.sh). poll-newest times, from outside, how
# soon a cold sync has the newest rows of a folder in the store; it links
# SQLite only, none of facteur's layers. Built by `make`, installed nowhere.
noinst_PROGRAMS += bench/poll-newest
bench_poll_newest_SOURCES = bench/poll-newest.c
bench_poll_newest_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
bench_poll_newest_LDADD = $(SQLITE_LIBS)
EXTRA_DIST += bench/sync.sh bench/imap-phases.py bench/local.mk \
	bench/tui-latency.sh
# render: messages rendered per second by src/mime over a mixed corpus
# (doc/benchmarks.md). Links libmime.a and libcore.a only.
noinst_PROGRAMS += bench/render
bench_render_SOURCES = bench/render.c
bench_render_LDADD = libmime.a libcore.a $(GMIME_LIBS) $(LIBXML_LIBS)
# bench/rules: 200 rules against 100,000 cached messages (doc/benchmarks.md).
noinst_PROGRAMS += bench/rules
bench_rules_SOURCES = bench/rules.c
bench_rules_LDADD = libsync.a librules.a libimap.a libstore.a libquery.a \
	libmime.a libnet.a libcore.a $(LIBETPAN_LIBS) $(OPENSSL_LIBS) \
	$(GMIME_LIBS) $(LIBXML_LIBS) $(SQLITE_LIBS) $(AX_PTHREAD_LIBS)
# bench/search: offline search (store_msg_query) on a synthetic cache at
# schema version 1, then after the upgrade to version 2 (doc/store.md).
# Reads the store's private.h, as the store's own tests do.
noinst_PROGRAMS += bench/search
bench_search_SOURCES = bench/search.c
bench_search_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) -I$(top_srcdir)/src/store
bench_search_LDADD = libstore.a libquery.a libcore.a $(SQLITE_LIBS)
