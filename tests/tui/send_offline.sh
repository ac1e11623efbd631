#!/bin/sh
# Sending does not wait for IMAP: with the IMAP server out of reach (the
# account points at a closed port) and the submission server up, a
# message written in the interface goes out at once; its copy for Sent
# waits in the job queue, and is appended once IMAP is back.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require
tb_lock_inboxes
[ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ] || { echo "SKIP: no Postfix"; exit 77; }

tag=$$-$(date +%s)
# A port nothing listens on: bound, then closed.
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
smtp="smtp = smtp://127.0.0.1:$FCT_TB_SUBMISSION_PORT"
tb_conf dave dave "imaps://127.0.0.1:$closed" "$smtp"

cat >"$tmp/ed.sh" <<EOS
#!/bin/sh
sed -i -e 's/^To:.*/To: bob@example.test/' \
    -e 's/^Subject:.*/Subject: Tui offline $tag/' -e '\$a Parti sans IMAP.' "\$1"
EOS
chmod +x "$tmp/ed.sh"
TUI_ENV="TMPDIR='$tmp' XDG_CONFIG_HOME='$tmp/xdg' VISUAL= EDITOR='$tmp/ed.sh'"

tui_start ui dave
tui_wait ui "IMAP is out of reach" 't: (offline|retrying)'
tui_keys ui m
tui_wait ui "compose: the screen" "^ +Subject: Tui offline $tag"
tui_keys ui y
wait_for "bob has it, with dave's IMAP still down" \
    server_has bob INBOX "Tui offline $tag"
tui_wait ui "the account is still offline" 't: (offline|retrying|connecting)'
db="$tmp/cache-dave/t.sqlite"
expect_eq "the copy for Sent waits as a job" append \
    "$(sqlite3 -cmd '.timeout 10000' "$db" 'SELECT kind FROM jobs')"
expect_eq "the outbox says sent" sent \
    "$(sqlite3 -cmd '.timeout 10000' "$db" 'SELECT state FROM outbox')"
server_lacks dave Sent "Tui offline $tag" ||
	fail "Sent has the copy already"
tui_quit ui

# --- IMAP back: the copy lands in Sent ---
tb_conf dave dave "" "$smtp"
tui_start back dave
wait_for "IMAP back: the copy is in Sent" \
    server_has dave Sent "Tui offline $tag"
expect_eq "sent once only" 1 \
    "$(ctl bob subjects INBOX | grep -c "Tui offline $tag")"
tui_quit back
finish
