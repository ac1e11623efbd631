#!/bin/sh
# No write transaction of a sync spans network I/O. A cold sync goes
# through a slow proxy, which is frozen while the sync waits for the
# answer to a FETCH of 1,000 headers (the two batches before it are in
# the cache, the third never comes). Meanwhile another writer of the same
# cache, `facteur flag --offline`, must succeed at once (before, it
# waited for the batch's transaction and failed with "database is locked"
# after the busy timeout), and its job must be in the store while the
# sync is still held in the middle of its batch.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require

proxy= syncer=
cleanup() {
	[ -z "$syncer" ] || kill -9 "$syncer" 2>/dev/null || true
	[ -z "$proxy" ] || kill -9 "$proxy" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# sq CACHE SQL: the answer of a query on a cache, one row a line.
sq() {
	python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("\t".join(str(x) for x in r))' "$1" "$2"
}

src=Storewait
doveadm_ mailbox delete -r -u alice@example.test "$src" 2>/dev/null || true
"$FCT_TB_SCRIPTS/seed" alice "$src" 3000 --seed 31 >/dev/null

# A slow link: about 150 kB/s.
TCPPROXY_RATE=150000
export TCPPROXY_RATE
tb_proxy "$FCT_TB_IMAPS_PORT"
unset TCPPROXY_RATE
tb_conf alice alice "imaps://127.0.0.1:$proxy_port"
cache=$tmp/cache-alice/t.sqlite
run -c "$tmp/alice.conf" folders
expect_eq "folder list through the proxy" 0 "$rc"

rows() { sq "$cache" "SELECT count(*) FROM messages" 2>/dev/null || echo 0; }

"$FACTEUR" -c "$tmp/alice.conf" sync "t:$src" >"$tmp/sync.out" \
	2>"$tmp/sync.err" &
syncer=$!
# The newest screen (100), then the first batch (100): the next batch is
# 1,000 headers, which the slow link takes seconds to bring.
i=0
while [ "$(rows)" -lt 200 ] && [ "$i" -lt 1200 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -HUP "$proxy"
before=$(rows)
expect_eq "the sync is held after its second batch" 200 "$before"

run -c "$tmp/alice.conf" flag "t:$src" 3000 +flagged --offline
expect_eq "another writer succeeds during the batch" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_eq "its job is in the store" "flag" \
    "$(sq "$cache" "SELECT kind FROM jobs ORDER BY id")"
if kill -0 "$syncer" 2>/dev/null; then
	ok "the sync is still in the middle of its batch"
else
	fail "the sync ended: $(cat "$tmp/sync.err")"
fi
expect_eq "nothing of the held batch is written" 200 "$(rows)"

# Let the link go: the sync completes, the flag job still queued.
kill -USR2 "$proxy"
kill -9 "$syncer" 2>/dev/null || true
wait "$syncer" 2>/dev/null || true
syncer=
kill -TERM "$proxy"
wait "$proxy" 2>/dev/null || true
proxy=
tb_conf alice alice
run -c "$tmp/alice.conf" sync "t:$src"
expect_eq "the sync resumes and completes" 0 "$rc"
expect_eq "every message cached" 3000 "$(rows)"
expect_eq "the flag job ran" "" "$(sq "$cache" "SELECT kind FROM jobs")"
expect_match "the server has the flag" 'flagged' \
    "$(ctl alice dump "$src" | grep '^3000	')"

doveadm_ mailbox delete -r -u alice@example.test "$src" 2>/dev/null || true
finish
