#!/bin/sh
# `facteur show ACCOUNT:FOLDER UID` against the test bed: a message not in
# the cache is synced and fetched (without marking it seen), renders as the
# same file does with `facteur show FILE`, and is read from the cache
# afterwards, --offline included; --part and --save-attachments work on
# stored messages too.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require

TZ=Europe/Paris LC_ALL=C.UTF-8 MAILCAPS=/dev/null
export TZ LC_ALL MAILCAPS
data=$top_srcdir/tests/data/mime

tb_conf alice alice
folder=Show-test
doveadm_ mailbox delete -u alice@example.test "$folder" 2>/dev/null || true
doveadm_ mailbox create -u alice@example.test "$folder"
ctl alice append "$folder" "$data/rfc2231-continuations.eml"
ctl alice append "$folder" "$data/charset-latin1-is-cp1252.eml"

# Offline with an empty cache: a clear error, no network.
run -c "$tmp/alice.conf" show --offline "t:$folder" 1
expect_eq "offline, not cached: fails" 1 "$rc"
expect_match "offline, not cached: says why" "no message 1 in 'Show-test' in the cache" "$err"

# Online: synced, fetched, rendered like the file.
run -c "$tmp/alice.conf" show "t:$folder" 1
expect_eq "show: status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
cp "$tmp/out" "$tmp/stored.out"
# The server keeps CRLF line endings: compare with its own bytes rendered
# from a file, and with the corpus file's golden rendering but for sizes.
"$FACTEUR" -c "$tmp/alice.conf" show --raw --offline "t:$folder" 1 >"$tmp/raw.eml"
"$FACTEUR" show "$tmp/raw.eml" >"$tmp/file.out"
if cmp -s "$tmp/stored.out" "$tmp/file.out"; then
	ok "show: same rendering as the file"
else
	fail "show: rendering differs: $(diff "$tmp/file.out" "$tmp/stored.out")"
fi
expect_eq "show: as the golden file but for CRLF sizes" \
    "$(sed 's/text.csv, 7 B/text\/csv, 8 B/' "$data/rfc2231-continuations.out")" \
    "$(cat "$tmp/stored.out")"
expect_eq "show: message still unseen" "1	
2	" "$(ctl alice dump "$folder")"

# Now cached: --offline reads it.
run -c "$tmp/alice.conf" show --offline "t:$folder" 1
expect_eq "offline, cached: status" 0 "$rc"
expect_match "offline, cached: rendered" "^\[2\] Résumé de la réunion.pdf \(application/pdf, 9 B\)$" "$out"

# The second message: fetched on demand; its part and raw bytes.
run -c "$tmp/alice.conf" show --part 1 "t:$folder" 2
expect_eq "part: status" 0 "$rc"
expect_eq "part: bytes" "4c92e974e920" "$(head -c 6 "$tmp/out" | od -An -tx1 | tr -d ' \n')"
run -c "$tmp/alice.conf" show --raw --offline "t:$folder" 2
expect_match "raw: the stored message" "^Subject: Latin-1 label on Windows bytes" "$out"

mkdir "$tmp/save"
run -c "$tmp/alice.conf" show --offline --save-attachments "$tmp/save" "t:$folder" 1
expect_eq "save: status" 0 "$rc"
expect_eq "save: files" "Résumé de la réunion.pdf données.csv" "$(cd "$tmp/save" && ls | tr '\n' ' ' | sed 's/ $//')"

run -c "$tmp/alice.conf" show "t:$folder" 99
expect_eq "unknown UID: fails" 1 "$rc"
expect_match "unknown UID: says why" "no message 99 in 'Show-test'" "$err"
run -c "$tmp/alice.conf" show "t:$folder" abc
expect_eq "bad UID: fails" 1 "$rc"
expect_match "bad UID: says why" "bad UID 'abc'" "$err"

finish
