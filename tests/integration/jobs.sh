#!/bin/sh
# Changing mail from the command line: move, copy and flag run against the
# server and leave the cache equal to it; jobs made offline wait in the
# cache and run, in order, with the next command that goes online; a
# read-only shared mailbox refuses writes before any job exists; search
# agrees between the cache and the server.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require

tb_conf alice alice
src=Jobs-src dst='Jobs/Été 2026'
doveadm_ mailbox delete -r -u alice@example.test "$src" Jobs 2>/dev/null || true
doveadm_ mailbox create -u alice@example.test "$dst"
"$FCT_TB_SCRIPTS/seed" alice "$src" 20 --seed 3 >/dev/null
cat >"$tmp/known.eml" <<'EOM'
From: =?utf-8?q?L=C3=A9a_Roux?= <lea.roux@example.test>
To: alice@example.test
Subject: Facture =?utf-8?q?d=C3=A9cembre?= 2026
Date: Wed, 25 Nov 2026 09:00:00 +0100
Message-ID: <known-1@example.test>

Bonjour, voici la facture.
EOM
ctl alice append "$src" "$tmp/known.eml"
run -c "$tmp/alice.conf" sync "t:$src"
expect_eq "first sync" 0 "$rc"

# --- move: new UIDs reported, both folders equal to the server ---
run -c "$tmp/alice.conf" move "t:$src" 3 4 5 "$dst"
expect_eq "move: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_eq "move: three UID pairs" "3	1
4	2
5	3" "$out"
expect_eq "move: gone from the source" "" \
    "$(ctl alice dump "$src" | cut -f1 | grep -xE '3|4|5' || true)"
expect_eq "move: in the destination" 3 "$(ctl alice dump "$dst" | wc -l)"
same_as_server alice alice "$src" "move"
same_as_server alice alice "$dst" "move"

# --- copy keeps the original ---
run -c "$tmp/alice.conf" copy "t:$src" 6 "$dst"
expect_eq "copy: exit status" 0 "$rc"
expect_eq "copy: UID pair" "6	4" "$out"
expect_match "copy: original kept" '^6	' "$(ctl alice dump "$src")"
same_as_server alice alice "$dst" "copy"

# --- flags and keywords, added and removed in one command ---
ctl alice store "$src" 7,8 '+(\Seen)'
run -c "$tmp/alice.conf" flag "t:$src" 7 8 +flagged '+$Work' -seen
expect_eq "flag: exit status" 0 "$rc"
expect_match "flag: server has them" '^7	flagged \$Work$' "$(ctl alice dump "$src")"
same_as_server alice alice "$src" "flag"
run -c "$tmp/alice.conf" flag "t:$src" 7 +nonsense\(
expect_eq "flag: bad keyword refused" 2 "$rc"

# --- offline: queued, untouched on the server, replayed in order ---
run -c "$tmp/alice.conf" flag "t:$src" 9 +flagged --offline
expect_eq "offline flag: exit status" 0 "$rc"
expect_match "offline flag: says queued" "flag queued" "$err"
run -c "$tmp/alice.conf" move "t:$src" 9 "$dst" --offline
expect_eq "offline move: exit status" 0 "$rc"
expect_match "offline: server untouched" '^9	[a-z ]*$' "$(ctl alice dump "$src" | grep '^9	')"
run -c "$tmp/alice.conf" sync "t:$dst"
expect_eq "back online: exit status" 0 "$rc"
expect_eq "replayed: moved away" "" "$(ctl alice dump "$src" | grep '^9	' || true)"
# Flagged first, then moved: the copy in the destination is flagged.
expect_match "replayed in order" ' flagged$' "$(ctl alice dump "$dst" | tail -n 1)"
run -c "$tmp/alice.conf" sync "t:$src"
same_as_server alice alice "$src" "replayed"
same_as_server alice alice "$dst" "replayed"
run -c "$tmp/alice.conf" sync "t:$src"
expect_eq "replayed once: nothing left" "" "$err"

# --- delete: to Trash; in Trash, gone for good ---
ctl alice dump Trash >"$tmp/trash-before"
run -c "$tmp/alice.conf" delete "t:$src" 11
expect_eq "delete: exit status" 0 "$rc"
expect_eq "delete: gone from the source" "" "$(ctl alice dump "$src" | grep '^11	' || true)"
expect_eq "delete: one more in Trash" $(($(wc -l <"$tmp/trash-before") + 1)) \
    "$(ctl alice dump Trash | wc -l)"
tuid=$(printf '%s\n' "$out" | cut -f2)
run -c "$tmp/alice.conf" delete "t:Trash" "$tuid"
expect_eq "delete in Trash: exit status" 0 "$rc"
expect_eq "delete in Trash: gone" "" "$(ctl alice dump Trash | grep "^$tuid	" || true)"
same_as_server alice alice Trash "delete"

# --- a read-only shared mailbox refuses before any job exists ---
tb_conf bob bob
run -c "$tmp/bob.conf" flag "t:Shared/support@example.test" 1 +flagged
expect_eq "read-only: exit status" 1 "$rc"
expect_match "read-only: says why" "rights there are 'lrs' \(read-only\)" "$err"
run -c "$tmp/bob.conf" move "t:Shared/support@example.test" 1 INBOX
expect_eq "read-only move: exit status" 1 "$rc"
run -c "$tmp/bob.conf" list "t:Shared/support@example.test" --offline --query is:flagged
expect_eq "read-only: nothing flagged" "" "$out"

# --- search: the cache and the server agree on an exact query ---
run -c "$tmp/alice.conf" search 'from:léa and subject:"facture déc"' --offline
expect_match "search offline: finds it" "^t	$src	[0-9]+	2026-11-25T" "$out"
offline=$(printf '%s\n' "$out" | cut -f3)
run -c "$tmp/alice.conf" search 'from:léa and subject:"facture déc"' --folder "$src" --server
expect_eq "search --server: exit status" 0 "$rc"
expect_eq "search --server: same UID" "$offline" "$(printf '%s\n' "$out" | cut -f3)"
run -c "$tmp/alice.conf" search 'subject:(unclosed' --offline
expect_eq "bad query: exit status" 1 "$rc"
expect_match "bad query: says where" "bad query: 1:[0-9]+: " "$err"

# --- bodies on demand: fetched once, unseen stays unseen, text searchable ---
ctl alice dump "$src" >"$tmp/flags-before"
run -c "$tmp/alice.conf" search 'body:"voici la facture"' --offline
expect_eq "body search before fetch: nothing" "" "$out"
run -c "$tmp/alice.conf" fetch "t:$src"
expect_eq "fetch: exit status" 0 "$rc"
expect_eq "fetch: every message" "$(wc -l <"$tmp/flags-before")" "$out"
run -c "$tmp/alice.conf" fetch "t:$src"
expect_eq "fetch again: nothing left to fetch" 0 "$out"
ctl alice dump "$src" >"$tmp/flags-after"
if cmp -s "$tmp/flags-before" "$tmp/flags-after"; then
	ok "fetch: flags unchanged (BODY.PEEK)"
else
	fail "fetch changed flags: $(diff "$tmp/flags-before" "$tmp/flags-after")"
fi
run -c "$tmp/alice.conf" search 'body:"voici la facture"' --offline
expect_match "body search after fetch: finds it" "^t	$src	[0-9]+	2026-11-25T" "$out"

# --- output that cannot be written is an error, said once ---
set +e
"$FACTEUR" -c "$tmp/alice.conf" list "t:$src" --offline >/dev/full 2>"$tmp/err"
rc=$?
set -e
expect_eq "full disk: exit status" 1 "$rc"
expect_eq "full disk: says why" "facteur: cannot write the output: No space left on device" \
    "$(cat "$tmp/err")"

# --- JSON output is JSON ---
run -c "$tmp/alice.conf" list "t:$src" --offline --json --query from:léa
expect_eq "json: exit status" 0 "$rc"
printf '%s' "$out" >"$tmp/out.json"
expect_eq "json: parses, one message, decoded" "Léa Roux <lea.roux@example.test>|Facture décembre 2026" \
    "$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print(len(a)==1 and a[0]["from"]+"|"+a[0]["subject"])' "$tmp/out.json")"

finish
