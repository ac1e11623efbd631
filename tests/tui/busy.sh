#!/bin/sh
# Never frozen: while a 20,000-message folder syncs from scratch, opening
# another folder, reading a message there (its body fetched) and moving
# it (a job) are served between the big folder's batches, before that
# sync ends. The order is read from the cache: a folder's sync state
# (uidnext) is written only once its sync is complete, so a big folder
# still at uidnext 0 when the body shows and when the server has the
# moved message means the requests did not wait for it. Then the big
# folder's sync resumes where it stopped and ends equal to the server.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require

# dave's account: no other TUI test uses it.
tb_conf dave dave
big=Tui-busy-big src=Tui-busy dst=Tui-busy-filed n=20000
doveadm_ mailbox delete -r -u dave@example.test "$big" "$src" "$dst" \
    2>/dev/null || true
doveadm_ mailbox create -u dave@example.test "$src" "$dst"
"$FCT_TB_SCRIPTS/seed" dave "$big" "$n" --seed 5 >/dev/null
known_message "$tmp/m.eml" "Tui busy: read me"
ctl dave append "$src" "$tmp/m.eml"

db="$tmp/cache-dave/t.sqlite"
# The big folder's sync state: 0 until its sync has ended.
big_uidnext() {
	sqlite3 -cmd '.timeout 10000' "$db" \
	    "SELECT uidnext FROM folders WHERE name = '$big'" 2>&1
}
big_unfinished() {
	expect_eq "$1: the big folder's sync has not ended" 0 "$(big_uidnext)"
}

tui_start ui dave
tui_wait ui "the big folder syncs" "t: syncing $big [0-9]+/[0-9]+"
big_unfinished "at the start"

# --- open another folder: served between two batches ---
tui_keys ui c
tui_type ui "$src"
tui_keys ui Enter
tui_wait ui "the other folder opens" "\\| $src 1 msgs"
tui_wait ui "its message is listed" 'Tui busy: read me'

# --- read it: its body is fetched ---
tui_keys ui Enter
tui_wait ui "the body shows" 'Le corps du message "Tui busy: read me"'
big_unfinished "when the body came"
tui_keys ui q

# --- move it: a job ---
tui_keys ui s
tui_type ui "$dst"
tui_keys ui Enter
wait_for "the server has the moved message" \
    server_has dave "$dst" 'Tui busy: read me'
big_unfinished "when the move was done"

# --- the big folder's sync resumes and ends, equal to the server ---
TUI_WAIT=3000 wait_for "the big folder's sync ends" \
    sh -c "[ \"\$(sqlite3 -cmd '.timeout 10000' '$db' \"SELECT uidnext FROM folders WHERE name = '$big'\")\" -gt 0 ]"
same_as_server dave dave "$big" "after being cut short"
tui_quit ui
doveadm_ mailbox delete -r -u dave@example.test "$big" "$src" "$dst" \
    2>/dev/null || true
finish
