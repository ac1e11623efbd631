#!/bin/sh
# Filing from the keyboard, checked on the server: move with `s` and
# folder completion, undo (with the UIDs the server returned), copy,
# flag, read/unread, delete to Trash, tag by query and move the tagged
# messages; a read-only shared mailbox refuses before any job exists.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require
tb_lock_inboxes

# bob's account: the suite runs tests in parallel, and others count what
# is in alice's Trash.
tb_conf bob bob
src=Tui-filing dst='Tui-filed/Été 2026'
doveadm_ mailbox delete -r -u bob@example.test "$src" Tui-filed 2>/dev/null || true
doveadm_ mailbox create -u bob@example.test "$src" "$dst"
"$FCT_TB_SCRIPTS/seed" bob "$src" 6 --seed 21 >/dev/null
# A sender of our own: the suggestion must come from this test's folders.
KNOWN_FROM="filing.$$@example.test"
known_message "$tmp/k1.eml" "Tui filing: first" "Thu, 26 Nov 2026 12:00:00 +0000"
ctl bob append "$src" "$tmp/k1.eml"
known_message "$tmp/k2.eml" "Tui filing: second" "Thu, 26 Nov 2026 11:00:00 +0000"
ctl bob append "$src" "$tmp/k2.eml"
known_message "$tmp/k3.eml" "Tui filing: third" "Thu, 26 Nov 2026 10:00:00 +0000"
ctl bob append "$src" "$tmp/k3.eml"

tui_start ui bob
tui_wait ui "starts" 'Inbox +\[inbox\]'
tui_keys ui c
tui_type ui "$src"
tui_keys ui Enter
tui_wait ui "the folder opens" "\\| $src 9 msgs"
tui_keys ui o d Home
tui_wait ui "newest first" '^.{34} +1 .*Tui filing: first'

# --- move with completion, then undo ---
tui_keys ui s
tui_type ui "filed/été"
tui_keys ui Tab
# Neither a prefix of the name nor of its last component: a fuzzy match,
# with Unicode case folding.
tui_wait ui "move: completion finds the nested folder" 'Move to folder: Tui-filed/Été 2026'
tui_keys ui Enter
wait_for "move: the server has it in the destination" \
    server_has bob "$dst" 'Tui filing: first'
wait_for "move: and no more in the source" \
    server_lacks bob "$src" 'Tui filing: first'
tui_wait ui "move: the index follows the server" "\\| $src 8 msgs"
tui_keys ui u
wait_for "undo: back in the source" server_has bob "$src" 'Tui filing: first'
wait_for "undo: gone from the destination" \
    server_lacks bob "$dst" 'Tui filing: first'
tui_wait ui "undo: the index shows it again" "\\| $src 9 msgs"
tui_keys ui u
tui_wait ui "undo twice: nothing to undo" 'nothing to undo'

# --- copy keeps the original ---
tui_keys ui Home
tui_wait ui "the cursor on the first row" "^.{34} +1 .*Tui filing: first"
tui_keys ui C
tui_type ui "Tui-filed/"
tui_keys ui Tab Enter
wait_for "copy: in the destination" server_has bob "$dst" 'Tui filing: first'
expect_match "copy: still in the source" 'Tui filing: first' "$(ctl bob subjects "$src")"

# --- the suggestion: where mail from this sender went before ---
tui_wait ui "the copy is in the cache" "^ +Été 2026 +1/1│"
tui_keys ui Home j j
tui_wait ui "the cursor on the third" "^.{34} +3 .*Tui filing: third"
tui_keys ui s
tui_wait ui "move: the folder this sender's mail went to is offered" \
    'Move to folder \[Tui-filed/Été 2026\]: *$'
tui_keys ui Escape

# --- flag, unread, delete to Trash ---
tui_keys ui Home F
wait_for "flag: the server has \\Flagged" sh -c \
    "python3 '$top_srcdir/tests/integration/imapctl.py' bob dump '$src' | grep -q flagged"
tui_keys ui F
wait_for "flag again: cleared" sh -c \
    "! python3 '$top_srcdir/tests/integration/imapctl.py' bob dump '$src' | grep -q flagged"
tui_keys ui j d
wait_for "delete: in Trash" server_has bob Trash 'Tui filing: second'
wait_for "delete: gone from the folder" server_lacks bob "$src" 'Tui filing: second'

# --- tag by query, then move every tagged message ---
tui_keys ui T
tui_type ui "subject:\"tui filing\""
tui_keys ui Enter
tui_wait ui "tag by query: two tagged" 'tagged 2 messages'
tui_keys ui s
tui_type ui "Tui-filed/"
tui_keys ui Tab Enter
wait_for "tagged: both moved" sh -c \
    "python3 '$top_srcdir/tests/integration/imapctl.py' bob subjects '$dst' | grep -c 'Tui filing' | grep -qx 3"
wait_for "tagged: none left in the source" server_lacks bob "$src" 'Tui filing'
tui_quit ui

# --- bob reads support@ read-only: refused before any job ---
ctl support dump INBOX >"$tmp/support-before"
tb_conf bob2 bob
tui_start bob bob2
tui_wait bob "bob: starts" 'Inbox +\[inbox\]'
tui_wait bob "bob: the shared mailbox is read-only" 'support@.*\(read-only\)'
tui_keys bob c
tui_type bob "Shared/support"
tui_keys bob Tab Enter
tui_wait bob "bob: the shared folder opens" '\| Shared/support@example.test [0-9]+ msgs'
tui_keys bob s
tui_wait bob "bob: move refused at once" "is read-only: your rights there are 'lrs'; nothing was changed"
tui_keys bob d
tui_wait bob "bob: delete refused" "is read-only"
tui_keys bob F
tui_wait bob "bob: flag refused" "is read-only"
expect_eq "bob: no job was queued" 0 "$(python3 -c '
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM jobs").fetchone()[0])
' "$tmp/cache-bob2/t.sqlite")"
tui_wait bob "bob: the status line shows no pending job" '^ facteur \| t: [a-z]+ \| Shared/[^|]*\| \?:help'
ctl support dump INBOX >"$tmp/support-after"
expect_eq "bob: support's mailbox untouched" "$(cat "$tmp/support-before")" \
    "$(cat "$tmp/support-after")"
tui_quit bob
finish
