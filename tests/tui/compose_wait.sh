#!/bin/sh
# Replying to or forwarding a message whose body is not cached yet: the
# UI asks the worker for it and opens the editor by itself once it is
# there (no second key press), with the original quoted; `A` forwards a
# message as an attachment: bob receives it with the original attached
# whole (message/rfc822); the compose screen's address prompts (t, c, b)
# complete from the aliases file and from the cache's addresses.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require
tb_lock_inboxes
[ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ] || { echo "SKIP: no Postfix"; exit 77; }

tag=$$-$(date +%s)
f=Tui-compose-wait
tb_conf carol carol "" "smtp = smtp://127.0.0.1:$FCT_TB_SUBMISSION_PORT"
doveadm_ mailbox delete -r -u carol@example.test "$f" 2>/dev/null || true
doveadm_ mailbox create -u carol@example.test "$f"
known_message "$tmp/m.eml" "Tui wait $tag"
ctl carol append "$f" "$tmp/m.eml"

# The editor keeps what it was given, then applies $tmp/ed.sed.
cat >"$tmp/ed.sh" <<EOS
#!/bin/sh
cp "\$1" "$tmp/given"
sed -i -f "$tmp/ed.sed" "\$1"
EOS
chmod +x "$tmp/ed.sh"
: >"$tmp/ed.sed"
mkdir -p "$tmp/xdg/facteur"
echo 'alias bobby Bob Martin <bob@example.test>' >"$tmp/xdg/facteur/aliases"
TUI_ENV="TMPDIR='$tmp' XDG_CONFIG_HOME='$tmp/xdg' VISUAL= EDITOR='$tmp/ed.sh'"

tui_start ui carol
tui_wait ui "starts" 'Inbox +\[inbox\]'
tui_keys ui c
tui_type ui "$f"
tui_keys ui Enter
tui_wait ui "the folder opens" "\\| $f 1 msgs"
tui_wait ui "the message is listed" "Tui wait $tag"
expect_eq "its body is not cached" "" \
    "$(sqlite3 -cmd '.timeout 10000' "$tmp/cache-carol/t.sqlite" 'SELECT count(*) FROM bodies WHERE 1' | grep -v '^0$' || true)"

# --- r from the index: one key, the editor opens once the body is in ---
tui_keys ui r
tui_wait ui "reply: the compose screen comes by itself" "^ +Subject: Re: Tui wait $tag"
expect_match "reply: the editor had the original quoted" \
    "^> Le corps du message \"Tui wait $tag\"" "$(cat "$tmp/given" 2>/dev/null)"

# --- address prompts: completion from the aliases, then the cache ---
tui_keys ui c
tui_wait ui "cc: the prompt" 'Cc: *$'
tui_type ui "lea.r"
tui_keys ui Tab
tui_wait ui "cc: completes from the cache's addresses" \
    'Cc: Léa Roux <lea\.roux@example\.test>'
tui_type ui ", bobb"
tui_keys ui Tab
tui_wait ui "cc: the last address completes from the aliases" \
    'Cc: Léa Roux <lea\.roux@example\.test>, bobby'
tui_keys ui Enter
tui_wait ui "cc: on the compose screen" \
    '^ +Cc: Léa Roux <lea\.roux@example\.test>, bobby'
expect_match "cc: kept in the draft file too" '^Cc: .*bobby' \
    "$(cat "$tmp"/facteur-draft-* 2>/dev/null)"
tui_keys ui t
tui_wait ui "to: the prompt holds the current list" 'To: Léa Roux <lea\.roux@example\.test> *$'
tui_keys ui C-u
tui_type ui "zzz"
tui_keys ui Tab
tui_wait ui "to: nothing to complete leaves the text" 'To: zzz *$'
tui_keys ui Escape
tui_wait ui "to: Escape keeps the list" '^ +To: Léa Roux <lea\.roux@example\.test>'

tui_keys ui q
tui_wait ui "reply: asks before dropping" 'Abort this message\? \[y/N\]'
tui_keys ui y
tui_wait_gone ui "reply: dropped" "^ +Subject: Re: Tui wait $tag"

# --- A: forward as an attachment, to bob ---
cat >"$tmp/ed.sed" <<EOS
s/^To:.*/To: bob@example.test/
s/^Subject:.*/Subject: Tui fwd-attach $tag/
EOS
tui_keys ui A
tui_wait ui "forward-attachment: the compose screen" "^ +Subject: Tui fwd-attach $tag"
tui_wait ui "forward-attachment: the original attached" 'message/rfc822'
tui_keys ui y
wait_for "forward-attachment: bob has it" \
    server_has bob INBOX "Tui fwd-attach $tag"
uid=$(ctl bob subjects INBOX | grep "Tui fwd-attach $tag" | cut -f1 | head -1)
ctl bob cat INBOX "$uid" >"$tmp/fwd.eml"
expect_match "forward-attachment: a message/rfc822 part" \
    '^Content-Type: message/rfc822' "$(cat "$tmp/fwd.eml")"
expect_match "forward-attachment: the original inside, whole" \
    "^Subject: Tui wait $tag" "$(cat "$tmp/fwd.eml")"
tui_quit ui
doveadm_ mailbox delete -r -u carol@example.test "$f" 2>/dev/null || true
finish
