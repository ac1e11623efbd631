#!/bin/sh
# Search extended to the server (`S`, search-server): a limit on a word of
# a body the cache does not hold finds nothing locally; `S` asks the
# server (IMAP SEARCH through the worker) and the index shows its answer.
# A message the cache lacks (its row removed, as after a sync cut short)
# is fetched by the worker and shown too.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require

tb_conf carol carol
f=Tui-server-search
doveadm_ mailbox delete -r -u carol@example.test "$f" 2>/dev/null || true
doveadm_ mailbox create -u carol@example.test "$f"
known_message "$tmp/a.eml" "Tui search: zebra one" "Thu, 26 Nov 2026 09:00:00 +0000"
sed -i 's/^Bonjour Alice,$/Un zèbre: quaggaword./' "$tmp/a.eml"
ctl carol append "$f" "$tmp/a.eml"
known_message "$tmp/b.eml" "Tui search: plain" "Thu, 26 Nov 2026 10:00:00 +0000"
ctl carol append "$f" "$tmp/b.eml"
known_message "$tmp/c.eml" "Tui search: zebra two" "Thu, 26 Nov 2026 11:00:00 +0000"
sed -i 's/^Bonjour Alice,$/Encore quaggaword ici./' "$tmp/c.eml"
ctl carol append "$f" "$tmp/c.eml"

# The cache has the folder, less the newest message's row.
"$FACTEUR" -c "$tmp/carol.conf" sync "t:$f" >/dev/null ||
	fail "the first sync failed"
db="$tmp/cache-carol/t.sqlite"
sqlite3 -cmd '.timeout 10000' "$db" "DELETE FROM messages WHERE subject = 'Tui search: zebra two'" ||
	fail "cannot remove the row"
expect_eq "the cache lacks one message" 2 \
    "$("$FACTEUR" -c "$tmp/carol.conf" list "t:$f" --offline | wc -l)"

tui_start ui carol
tui_wait ui "starts" 'Inbox +\[inbox\]'
tui_keys ui c
tui_type ui "$f"
tui_keys ui Enter
tui_wait ui "the folder opens" "\\| $f 2 msgs"

# No body is cached: the limit finds nothing here.
tui_keys ui l
tui_type ui "body:quaggaword"
tui_keys ui Enter
tui_wait ui "the local limit finds nothing" "\\| $f 0 msgs, .*limit: body:quaggaword"

tui_keys ui S
tui_wait ui "the server's answer is shown" "\\| $f 2 msgs, .*server: body:quaggaword"
tui_wait ui "with the message the cache had" 'Tui search: zebra one'
tui_wait ui "and the one it lacked, fetched" 'Tui search: zebra two'
tui_wait_gone ui "not the one without the word" 'Tui search: plain'
expect_eq "the fetched row is in the cache" 3 \
    "$("$FACTEUR" -c "$tmp/carol.conf" list "t:$f" --offline | wc -l)"

# A new limit replaces the server's answer.
tui_keys ui l
tui_type ui "all"
tui_keys ui Enter
tui_wait ui "all again" "\\| $f 3 msgs, [a-z]+ \\|"

# A search (/) can be extended too; a bad one is refused clearly.
tui_keys ui /
tui_type ui "subject:plain"
tui_keys ui Enter
tui_keys ui S
tui_wait ui "search then S: the server's answer" "\\| $f 1 msgs, .*server: subject:plain"
tui_quit ui
doveadm_ mailbox delete -r -u carol@example.test "$f" 2>/dev/null || true
finish
