#!/bin/sh
# A cold sync of a large folder cut in the middle (the connection dropped
# while a batch of headers comes, the batch before it being written
# meanwhile: src/sync/folder.c's fetch_new pipeline) leaves a consistent
# cache: the sync fails with an error, the folder's state records no
# UIDNEXT, and the rows cached are whole batches, the newest messages
# first with no gap. The next sync, after the server changed flags and
# expunged messages on both sides of the cut, completes: every message
# exactly once with the server's flags, and the server's UIDNEXT and
# HIGHESTMODSEQ recorded.
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

src=Cutsync
n=3000
doveadm_ mailbox delete -r -u alice@example.test "$src" 2>/dev/null || true
"$FCT_TB_SCRIPTS/seed" alice "$src" "$n" --seed 47 >/dev/null

# A slow link, so that the cut lands in the middle of a batch.
TCPPROXY_RATE=300000
export TCPPROXY_RATE
tb_proxy "$FCT_TB_IMAPS_PORT"
unset TCPPROXY_RATE
tb_conf alice alice "imaps://127.0.0.1:$proxy_port"
cache=$tmp/cache-alice/t.sqlite
run -c "$tmp/alice.conf" folders
expect_eq "folder list through the proxy" 0 "$rc"

rows() { sq "$cache" "SELECT count(*) FROM messages" 2>/dev/null || echo 0; }
state() {
	sq "$cache" "SELECT uidnext FROM folders WHERE name = '$src'"
}

"$FACTEUR" -c "$tmp/alice.conf" sync "t:$src" >"$tmp/sync.out" \
	2>"$tmp/sync.err" &
syncer=$!
# The newest screen (100), the first batch (100), then batches of 1,000:
# cut once the first of those is in, while later ones come.
i=0
while [ "$(rows)" -lt 1200 ] && [ "$i" -lt 1200 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -USR1 "$proxy"
src_rc=0
wait "$syncer" || src_rc=$?
syncer=
if [ "$src_rc" -ne 0 ] && [ -s "$tmp/sync.err" ]; then
	ok "the cut sync fails with an error"
else
	fail "the cut sync: exit $src_rc, '$(cat "$tmp/sync.err")'"
fi
kill -TERM "$proxy"
wait "$proxy" 2>/dev/null || true
proxy=

cut=$(rows)
case $cut in
1200 | 2200) ok "whole batches cached at the cut ($cut rows)" ;;
*) fail "rows at the cut: $cut, not whole batches (1200 or 2200)" ;;
esac
expect_eq "no UIDNEXT recorded: the folder is still cold" 0 "$(state)"
expect_eq "the newest messages, no gap" \
    "$cut $((n - cut + 1)) $n" \
    "$(sq "$cache" "SELECT count(DISTINCT uid), min(uid), max(uid)
	FROM messages" | tr '\t' ' ')"

# Meanwhile: a cached message flagged and one expunged, and one of those
# not yet fetched expunged.
ctl alice store "$src" "$n" '+\Flagged'
ctl alice expunge "$src" "$((n - 1))"
ctl alice expunge "$src" 5

tb_conf alice alice
run -c "$tmp/alice.conf" sync "t:$src"
expect_eq "the next sync completes" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_eq "every message exactly once" "$((n - 2)) $((n - 2))" \
    "$(sq "$cache" "SELECT count(*), count(DISTINCT uid) FROM messages" |
	tr '\t' ' ')"
same_as_server alice alice "$src" "after the resumed sync"
server=$(doveadm_ mailbox status -u alice@example.test \
	"uidnext highestmodseq" "$src" | sed 's/^.*uidnext=//;
	s/ highestmodseq=/ /')
expect_eq "the server's UIDNEXT and HIGHESTMODSEQ recorded" "$server" \
    "$(sq "$cache" "SELECT uidnext, highestmodseq FROM folders
	WHERE name = '$src'" | tr '\t' ' ')"

doveadm_ mailbox delete -r -u alice@example.test "$src" 2>/dev/null || true
finish
