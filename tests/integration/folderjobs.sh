#!/bin/sh
# Folder jobs: `facteur folder create|rename|delete|subscribe|unsubscribe`
# against the test bed, checked with another client (imapctl.py list and
# lsub): names in modified UTF-7 on the wire, the cache following (a
# renamed folder keeps its cached messages), jobs made offline replayed on
# the next connection, and refusals before any job exists: special
# folders, existing or missing names, a shared folder without the right.
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
top='R&D folders'
doveadm_ mailbox delete -r -u alice@example.test "$top" 2>/dev/null || true
run -c "$tmp/alice.conf" sync t:INBOX
expect_eq "first sync" 0 "$rc"

# --- create: mUTF-7 on the wire, in the cache at once ---
run -c "$tmp/alice.conf" folder create "t:$top"
expect_eq "create: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
export FACTEUR_IMAP_TRACE="$tmp/create.trace"
run -c "$tmp/alice.conf" folder create "t:$top/Été 2026"
unset FACTEUR_IMAP_TRACE
expect_eq "create child: exit status" 0 "$rc"
expect_eq "create: the server has both" "$top
$top/Été 2026" "$(ctl alice list "$top*")"
expect_match "create: sent in modified UTF-7" '^C: [0-9]+ CREATE "R&-D folders/&AMk-t&AOk- 2026"' \
    "$(cat "$tmp/create.trace")"
run -c "$tmp/alice.conf" list "t:$top/Été 2026" --offline
expect_eq "create: in the cache" 0 "$rc"
run -c "$tmp/alice.conf" folder create "t:$top/Été 2026"
expect_eq "create again: refused" 1 "$rc"
expect_match "create again: says why" "folder '$top/Été 2026' exists already" "$err"

# --- subscribe and unsubscribe ---
run -c "$tmp/alice.conf" folder subscribe "t:$top/Été 2026"
expect_eq "subscribe: exit status" 0 "$rc"
expect_eq "subscribe: LSUB has it" "$top/Été 2026" "$(ctl alice lsub "$top*")"
run -c "$tmp/alice.conf" folder unsubscribe "t:$top/Été 2026"
expect_eq "unsubscribe: exit status" 0 "$rc"
expect_eq "unsubscribe: LSUB lost it" "" "$(ctl alice lsub "$top*")"

# --- rename keeps the cached messages, children follow ---
"$FCT_TB_SCRIPTS/seed" alice "$top/Été 2026" 5 --seed 4 >/dev/null
run -c "$tmp/alice.conf" sync "t:$top/Été 2026"
expect_eq "seeded folder synced" 0 "$rc"
run -c "$tmp/alice.conf" list "t:$top/Été 2026" --offline
before=$out
run -c "$tmp/alice.conf" folder rename "t:$top" "Archives R&D"
expect_eq "rename: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_eq "rename: the server has the new names" "Archives R&D
Archives R&D/Été 2026" "$(ctl alice list "Archives R&D*")"
expect_eq "rename: the old ones are gone" "" "$(ctl alice list "$top*")"
run -c "$tmp/alice.conf" list "t:Archives R&D/Été 2026" --offline
expect_eq "rename: the cache kept the messages (no resync)" "$before" "$out"
run -c "$tmp/alice.conf" list "t:$top/Été 2026" --offline
expect_eq "rename: the old name left the cache" 1 "$rc"
run -c "$tmp/alice.conf" sync "t:Archives R&D/Été 2026"
same_as_server alice alice "Archives R&D/Été 2026" "rename"

# --- delete: gone from the server and the cache ---
run -c "$tmp/alice.conf" folder delete "t:Archives R&D/Été 2026"
expect_eq "delete: exit status" 0 "$rc"
expect_eq "delete: the server lost it" "Archives R&D" "$(ctl alice list "Archives R&D*")"
run -c "$tmp/alice.conf" list "t:Archives R&D/Été 2026" --offline
expect_eq "delete: the cache lost it" 1 "$rc"

# --- offline: queued, replayed in order with the next connection ---
run -c "$tmp/alice.conf" folder create "t:Archives R&D/Offline" --offline
expect_eq "offline create: exit status" 0 "$rc"
expect_match "offline create: says queued" "folder-create queued" "$err"
run -c "$tmp/alice.conf" folder rename "t:Archives R&D/Offline" "Archives R&D/Online" --offline
expect_eq "offline rename of a folder not created yet: refused" 1 "$rc"
expect_eq "offline: server untouched" "Archives R&D" "$(ctl alice list "Archives R&D*")"
run -c "$tmp/alice.conf" sync t:INBOX
expect_eq "back online: exit status" 0 "$rc"
expect_eq "replayed: created" "Archives R&D
Archives R&D/Offline" "$(ctl alice list "Archives R&D*")"
run -c "$tmp/alice.conf" list "t:Archives R&D/Offline" --offline
expect_eq "replayed: in the cache" 0 "$rc"

# --- refusals, before any job exists ---
run -c "$tmp/alice.conf" folder delete t:Trash
expect_eq "delete Trash: refused" 1 "$rc"
expect_match "delete Trash: says why" "cannot delete 'Trash': it is the account's trash folder" "$err"
run -c "$tmp/alice.conf" folder rename t:INBOX Boite
expect_eq "rename INBOX: refused" 1 "$rc"
run -c "$tmp/alice.conf" folder delete "t:Nowhere"
expect_eq "delete missing: refused" 1 "$rc"
expect_match "delete missing: says why" "no folder 'Nowhere'" "$err"
run -c "$tmp/alice.conf" folder create "t:Bad
Name"
expect_eq "line break: refused" 1 "$rc"
run -c "$tmp/alice.conf" folder frobnicate t:X
expect_eq "unknown verb: usage" 2 "$rc"
tb_conf bob bob
run -c "$tmp/bob.conf" folder create "t:Shared/support@example.test/Mine"
expect_eq "read-only shared: create refused" 1 "$rc"
expect_match "read-only shared: says why" \
    "cannot create a folder in 'Shared/support@example\.test': your rights there are 'lrs'" "$err"
run -c "$tmp/bob.conf" folder delete "t:Shared/support@example.test"
expect_eq "read-only shared: delete refused" 1 "$rc"
expect_eq "refusals queued nothing" "" \
    "$(queued "$tmp/cache-bob/t.sqlite")$(queued "$tmp/cache-alice/t.sqlite")"

doveadm_ mailbox delete -r -u alice@example.test "Archives R&D" 2>/dev/null || true
finish
