#!/bin/sh
# The interface stays live: mail delivered while a folder is open shows
# up without a key being pressed (the worker's IDLE, then its event), and
# with the server out of reach the cached folders still open, the status
# line says the account is offline and why, and a move waits as a job.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require
tb_lock_inboxes

tb_conf alice alice
folder=Tui-live
doveadm_ mailbox delete -r -u alice@example.test "$folder" 2>/dev/null || true
doveadm_ mailbox create -u alice@example.test "$folder" "$folder/Done"
"$FCT_TB_SCRIPTS/seed" alice "$folder" 5 --seed 31 >/dev/null

tui_start ui alice
tui_wait ui "starts" 'Inbox +\[inbox\]'
tui_keys ui c
tui_type ui "$folder"
tui_keys ui Enter
tui_wait ui "the folder opens" "\\| $folder 5 msgs"
tui_wait ui "the worker watches it" "\\| t: idle \\| $folder"

# --- new mail, no key pressed ---
known_message "$tmp/new.eml" "Tui live: just arrived" "$(date -R)"
ctl alice append "$folder" "$tmp/new.eml"
tui_wait ui "new mail appears by itself" 'Tui live: just arrived'
tui_wait ui "the index counts it" "\\| $folder 6 msgs"
tui_wait ui "the sidebar counts it" "$folder +1/6"
tui_wait ui "and says so" "1 new message in $folder"
tui_quit ui

# --- offline: the same cache, a server that does not answer ---
sed "s|^imap = .*|imap = imaps://127.0.0.1:1|" "$tmp/alice.conf" >"$tmp/off.conf"
tui_start off off
tui_wait off "offline: says so, with the reason" '\| t: (offline|retrying) \([^)]*(refused|connect)'
tui_wait off "offline: the cached INBOX opens" '\| INBOX [0-9]+ msgs'
tui_keys off c
tui_type off "$folder"
tui_keys off Enter
tui_wait off "offline: the cached folder opens" "\\| $folder 6 msgs"
tui_wait off "offline: with the mail that came last" 'Tui live: just arrived'
tui_keys off /
tui_type off "subject:arrived"
tui_keys off Enter Enter
tui_wait off "offline: the headers from the cache" '^Subject: Tui live: just arrived'
tui_wait off "offline: the body is promised for later" 'fetched as soon as the account is back online'
tui_keys off q s
tui_type off "$folder/Done"
tui_keys off Enter
tui_wait off "offline: the move waits as a job (after marking it read)" '\| 2 jobs pending'
tui_wait off "offline: still saying why, retrying or not" '\| t: (offline|retrying) \([^)]*(refused|connect)[^|]*\|.*\| 2 jobs pending'
expect_match "offline: the server is untouched" 'Tui live: just arrived' \
    "$(ctl alice subjects "$folder")"
tui_quit off

# --- back online: the job runs ---
tui_start ui2 alice
wait_for "online again: the queued move ran" \
    server_lacks alice "$folder" 'Tui live: just arrived'
wait_for "online again: in the folder it was moved to" \
    server_has alice "$folder/Done" 'Tui live: just arrived'
tui_wait_gone ui2 "online again: no job pending" 'job pending'
tui_quit ui2
finish
