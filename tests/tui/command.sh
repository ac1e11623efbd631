#!/bin/sh
# The command line (`:`, action "command"): an action typed by name with
# Tab completion of the name and of a folder argument; an argument answers
# the action's own question (limit, sort, move); unknown actions and bad
# arguments are said, and nothing happens.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require

tb_conf carol carol
src=Tui-command dst=Tui-command-dest
doveadm_ mailbox delete -r -u carol@example.test "$src" "$dst" 2>/dev/null || true
doveadm_ mailbox create -u carol@example.test "$src" "$dst"
KNOWN_FROM="command.$$@example.test"
known_message "$tmp/a.eml" "Tui command: alpha" "Thu, 26 Nov 2026 09:00:00 +0000"
ctl carol append "$src" "$tmp/a.eml"
known_message "$tmp/b.eml" "Tui command: beta" "Thu, 26 Nov 2026 10:00:00 +0000"
ctl carol append "$src" "$tmp/b.eml"
known_message "$tmp/c.eml" "Tui command: gamma" "Thu, 26 Nov 2026 11:00:00 +0000"
ctl carol append "$src" "$tmp/c.eml"

tui_start ui carol
tui_wait ui "starts" 'Inbox +\[inbox\]'
tui_keys ui :
tui_type ui "change-folder $src"
tui_keys ui Enter
tui_wait ui "change-folder with its argument opens the folder" "\\| $src 3 msgs"

# Tab completes the action's name.
tui_keys ui :
tui_type ui "lim"
tui_keys ui Tab
tui_wait ui "the name completes" '^:limit *$'
tui_type ui " subject:beta"
tui_keys ui Enter
tui_wait ui "limit with its argument" "\\| $src 1 msgs, .*limit: subject:beta"
tui_wait_gone ui "the others are hidden" 'Tui command: gamma'
tui_keys ui :
tui_type ui "limit all"
tui_keys ui Enter
tui_wait ui "limit all shows every one again" "\\| $src 3 msgs, [a-z]+ \\|"

tui_keys ui :
tui_type ui "sort subject"
tui_keys ui Enter
tui_wait ui "sort by name" "\\| $src 3 msgs, subject \\|"
tui_keys ui :
tui_type ui "sort colour"
tui_keys ui Enter
tui_wait ui "a bad sort is said" "sort by date, from, subject, size or threads, not 'colour'"
tui_keys ui :
tui_type ui "frobnicate"
tui_keys ui Enter
tui_wait ui "an unknown action is said" "no action 'frobnicate' here"
tui_keys ui :
tui_type ui "flag now"
tui_keys ui Enter
tui_wait ui "an argument where none goes is said" "'flag' takes no argument"

# move: the folder completes after the name; the server has it there.
tui_keys ui Home
tui_wait ui "the cursor on alpha" '^.{34} +1 .*Tui command: alpha'
tui_keys ui :
tui_type ui "move Tui-command-d"
tui_keys ui Tab
tui_wait ui "the folder completes" "^:move $dst *\$"
tui_keys ui Enter
wait_for "move: the server has it in the destination" \
    server_has carol "$dst" 'Tui command: alpha'
wait_for "move: and no more in the source" \
    server_lacks carol "$src" 'Tui command: alpha'
# A name alone runs the action as its key does.
tui_keys ui :
tui_type ui "undo"
tui_keys ui Enter
wait_for "undo by name: back in the source" \
    server_has carol "$src" 'Tui command: alpha'
tui_quit ui
doveadm_ mailbox delete -r -u carol@example.test "$src" "$dst" 2>/dev/null || true
finish
