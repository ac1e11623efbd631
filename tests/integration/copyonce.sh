#!/bin/sh
# A copy runs once. The process is killed (FACTEUR_TEST_DIE_AFTER_COPY)
# right after the server's OK for a COPY, before the job leaves the queue;
# the replay on the next connection must find the copy in the destination
# and not copy again. Also for a move, and for a message the destination
# already held a copy of before (only copies made since the job's own
# note count).
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require

# queued CACHE: the kinds of the jobs waiting in a cache, one a line.
queued() {
	python3 -c 'import sqlite3, sys
for (k,) in sqlite3.connect(sys.argv[1]).execute("SELECT kind FROM jobs ORDER BY id"):
    print(k)' "$1"
}

tb_conf alice alice
src=Once-src dst=Once-dst
doveadm_ mailbox delete -r -u alice@example.test "$src" "$dst" 2>/dev/null || true
doveadm_ mailbox create -u alice@example.test "$dst"
"$FCT_TB_SCRIPTS/seed" alice "$src" 4 --seed 5 >/dev/null
run -c "$tmp/alice.conf" sync "t:$src"
expect_eq "first sync" 0 "$rc"
cache=$tmp/cache-alice/t.sqlite

# die_after_copy ARGS...: facteur ARGS, killed right after the COPY's OK.
die_after_copy() {
	FACTEUR_TEST_DIE_AFTER_COPY=1
	export FACTEUR_TEST_DIE_AFTER_COPY
	run "$@"
	unset FACTEUR_TEST_DIE_AFTER_COPY
}

# --- copy: killed after the OK, replayed once ---
die_after_copy -c "$tmp/alice.conf" copy "t:$src" 2 "$dst"
expect_eq "copy: killed after the server's OK" 137 "$rc"
expect_eq "copy: the server has the copy" 1 "$(ctl alice dump "$dst" | wc -l)"
expect_eq "copy: the job is still queued" "copy" "$(queued "$cache")"
run -c "$tmp/alice.conf" sync "t:$dst"
expect_eq "replay: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_eq "replay: still one copy" 1 "$(ctl alice dump "$dst" | wc -l)"
expect_eq "replay: the queue is empty" "" "$(queued "$cache")"
same_as_server alice alice "$dst" "copy replayed"

# --- a second copy of the same message is a new copy, replayed once too ---
die_after_copy -c "$tmp/alice.conf" copy "t:$src" 2 3 "$dst"
expect_eq "second copy: killed after the OK" 137 "$rc"
expect_eq "second copy: three in the destination" 3 "$(ctl alice dump "$dst" | wc -l)"
run -c "$tmp/alice.conf" sync "t:$dst"
expect_eq "second replay: exit status" 0 "$rc"
expect_eq "second replay: still three (the older copy is not ours)" 3 \
    "$(ctl alice dump "$dst" | wc -l)"
expect_eq "second replay: the queue is empty" "" "$(queued "$cache")"

# --- move: killed after the OK, nothing copied again, source emptied ---
die_after_copy -c "$tmp/alice.conf" move "t:$src" 4 "$dst"
expect_eq "move: killed after the OK" 137 "$rc"
run -c "$tmp/alice.conf" sync "t:$src"
expect_eq "move replay: exit status" 0 "$rc"
expect_eq "move replay: four in the destination" 4 "$(ctl alice dump "$dst" | wc -l)"
expect_eq "move replay: gone from the source" "" "$(ctl alice dump "$src" | grep '^4	' || true)"
expect_eq "move replay: the queue is empty" "" "$(queued "$cache")"
same_as_server alice alice "$src" "move replayed"

# --- a copy cut before the command (job noted, nothing sent) still runs ---
run -c "$tmp/alice.conf" copy "t:$src" 1 "$dst" --offline
run -c "$tmp/alice.conf" sync "t:$dst"
expect_eq "plain replay: copied" 5 "$(ctl alice dump "$dst" | wc -l)"

doveadm_ mailbox delete -r -u alice@example.test "$src" "$dst" 2>/dev/null || true
finish
