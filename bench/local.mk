# Benchmark helpers (bench/sync.sh). poll-newest times, from outside, how
# soon a cold sync has the newest rows of a folder in the store; it links
# SQLite only, none of facteur's layers. Built by `make`, installed nowhere.
noinst_PROGRAMS += bench/poll-newest
bench_poll_newest_SOURCES = bench/poll-newest.c
bench_poll_newest_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
bench_poll_newest_LDADD = $(SQLITE_LIBS)
EXTRA_DIST += bench/sync.sh bench/imap-phases.py bench/local.mk \
	bench/tui-latency.sh
