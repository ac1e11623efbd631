#!/bin/sh
# Reconnecting resumes the interrupted job. `facteur watch` replays a copy
# queued offline; its connection drops in the middle of that job (after
# the job noted its intent, before the COPY: FACTEUR_TEST_CUT_AFTER_NOTE).
# The worker must report the loss, back off, reconnect, run the same job
# again first thing, and the server must end up with exactly one copy and
# the queue empty.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require

watcher=
cleanup() {
	[ -z "$watcher" ] || kill -9 "$watcher" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

queued() {
	python3 -c 'import sqlite3, sys
for (k,) in sqlite3.connect(sys.argv[1]).execute("SELECT kind FROM jobs ORDER BY id"):
    print(k)' "$1"
}

tb_conf alice alice
src=Resume-src dst=Resume-dst
doveadm_ mailbox delete -r -u alice@example.test "$src" "$dst" 2>/dev/null || true
doveadm_ mailbox create -u alice@example.test "$dst"
"$FCT_TB_SCRIPTS/seed" alice "$src" 2 --seed 6 >/dev/null
run -c "$tmp/alice.conf" sync "t:$src"
expect_eq "first sync" 0 "$rc"
run -c "$tmp/alice.conf" copy "t:$src" 2 "$dst" --offline
expect_eq "copy queued offline" 0 "$rc"

FACTEUR_TEST_CUT_AFTER_NOTE=1 "$FACTEUR" -c "$tmp/alice.conf" watch t \
	--timeout 40 >"$tmp/events" 2>"$tmp/watch.err" &
watcher=$!
i=0
while ! grep -q '	job-done	' "$tmp/events" && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM "$watcher" 2>/dev/null || true
[ -z "${FCT_DEBUG:-}" ] || cat "$tmp/events" >&2
wait "$watcher" 2>/dev/null || true
watcher=

# The story the worker told, in order: up, the job cut, down, back up, done.
story=$(cut -f2,3 "$tmp/events" | grep -E '^(online|offline|retrying|job-done|job-failed)' |
	sed 's/	[0-9.]*$//; s/	.*//' | uniq | tr '\n' ' ')
expect_eq "online, cut in the job, retried, online again, job done" \
    "online offline retrying online job-done " "$story"
expect_eq "exactly one copy on the server" 1 "$(ctl alice dump "$dst" | wc -l)"
expect_eq "the queue is empty" "" "$(queued "$tmp/cache-alice/t.sqlite")"

doveadm_ mailbox delete -r -u alice@example.test "$src" "$dst" 2>/dev/null || true
finish
