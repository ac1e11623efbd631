#!/bin/sh
# POP3 accounts in the terminal interface: a configuration with only a
# POP3 account opens; the worker downloads dave's maildrop into the local
# INBOX, shown in the sidebar and the index; a message opens in the pager
# (its body is local); `s` moves one into a new local folder (checked
# with `facteur list --offline`), `u` moves it back, `F` flags and `u`
# unflags, `C` is refused before anything happens, `d` moves to a local
# Trash created with its role, and `d` in Trash deletes for good; `r`
# replies through the account's SMTP settings (carol gets it, the original
# is answered in the cache, the copy goes to a local Sent); `P` postpones
# to a local Drafts, and `R` takes the draft up again; with the server out of reach the cache opens
# and the status line says so. A configuration with an IMAP and a POP3
# account shows both trees.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require
# Empties dave's maildrop, as tests/integration/pop.sh does.
tb_lock_inboxes

# in_cache FOLDER REGEX: `facteur list --offline` of FOLDER has REGEX.
in_cache() {
	"$FACTEUR" -c "$tmp/pop.conf" list "t:$1" --offline | grep -Eq -- "$2"
}
not_in_cache() { ! in_cache "$@"; }

doveadm_ expunge -u dave@example.test mailbox INBOX all
KNOWN_FROM="pop.$$@example.test"
known_message "$tmp/m1.eml" "Tui pop: first" "Thu, 26 Nov 2026 12:00:00 +0000"
known_message "$tmp/m2.eml" "Tui pop: second" "Thu, 26 Nov 2026 11:00:00 +0000"
known_message "$tmp/m3.eml" "Tui pop: third" "Thu, 26 Nov 2026 10:00:00 +0000"
for i in 1 2 3; do
	popctl deliver dave "$tmp/m$i.eml"
done

# --- a POP3 account alone -------------------------------------------------
tb_pop_conf pop dave
tui_start ui pop
tui_wait ui "a POP3-only configuration opens on the local Inbox" \
    'Inbox +\[inbox\]'
tui_wait ui "the downloaded messages are listed" '\| INBOX 3 msgs'
tui_wait ui "the status line says the account's state" \
    '\| t: (idle|online|syncing)'
tui_keys ui o d Home
tui_wait ui "newest first" '^.{34} +1 .*Tui pop: first'
tui_keys ui Enter
tui_wait ui "the pager shows the local body" \
    'Le corps du message "Tui pop: first"'
tui_keys ui q
tui_wait_gone ui "back to the index" 'Le corps du message'
wait_for "opening marked it read in the cache" in_cache INBOX \
    '	seen	.*Tui pop: first|Tui pop: first.*	seen'

# --- move to a new local folder, undo -------------------------------------
tui_keys ui Home s
tui_wait ui "move: the prompt" 'Move to folder'
tui_type ui "Projets/2026"
tui_keys ui Enter
wait_for "move: the message is in the new local folder" \
    in_cache Projets/2026 'Tui pop: first'
wait_for "move: and no more in INBOX" not_in_cache INBOX 'Tui pop: first'
tui_wait ui "move: the index follows" '\| INBOX 2 msgs'
tui_wait ui "move: the sidebar shows the new folder" '^ +2026 +1│'
tui_keys ui u
wait_for "undo: back in INBOX" in_cache INBOX 'Tui pop: first'
wait_for "undo: gone from the new folder" \
    not_in_cache Projets/2026 'Tui pop: first'
tui_wait ui "undo: the index shows it again" '\| INBOX 3 msgs'

# --- flag, undo ------------------------------------------------------------
tui_keys ui Home
tui_wait ui "the cursor on the first row" '^.{34} +1 .*Tui pop: (first|second)'
subject=$(tui_screen ui | sed -n 's/^.\{34\} *1 .*\(Tui pop: [a-z]*\).*/\1/p' | head -1)
[ -n "$subject" ] || fail "flag: no subject on the first row"
tui_keys ui F
wait_for "flag: flagged in the cache" in_cache INBOX "flagged.*$subject|$subject.*flagged"
tui_keys ui u
wait_for "undo: unflagged in the cache" not_in_cache INBOX \
    "flagged.*$subject|$subject.*flagged"

# --- copy is refused before anything -----------------------------------
tui_keys ui C
tui_wait ui "copy: refused with a reason" 'cannot copy in account .t.: its folders are local'
tui_wait_gone ui "copy: no prompt" 'Copy to folder'

# --- delete: to a local Trash, then for good ------------------------------
tui_keys ui Home
tui_keys ui d
wait_for "delete: in the local Trash" in_cache Trash "$subject"
wait_for "delete: out of INBOX" not_in_cache INBOX "$subject"
tui_wait ui "delete: Trash is shown with its role" 'Trash +\[trash\]'
tui_keys ui c
tui_type ui Trash
tui_keys ui Enter
tui_wait ui "Trash opens" '\| Trash 1 msgs'
tui_keys ui d
wait_for "delete in Trash: gone for good" not_in_cache Trash "$subject"
tui_wait ui "delete in Trash: the index is empty" '\| Trash 0 msgs'
tui_quit ui
expect_eq "the cache still has the two others" 2 \
    "$("$FACTEUR" -c "$tmp/pop.conf" list t:INBOX --offline | wc -l | tr -d ' ')"

# --- a reply from the POP3 account, through its SMTP settings ----------------
if [ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ]; then
	tb_pop_conf pop dave "smtp = smtp://127.0.0.1:$FCT_TB_SUBMISSION_PORT"
	KNOWN_FROM=carol@example.test known_message "$tmp/r.eml" \
	    "Tui pop reply $$" "Thu, 26 Nov 2026 13:00:00 +0000"
	popctl deliver dave "$tmp/r.eml"
	# The editor: runs the sed script of $tmp/ed.sed on the draft.
	cat >"$tmp/ed.sh" <<EOS
#!/bin/sh
sed -i -f "$tmp/ed.sed" "\$1"
EOS
	chmod +x "$tmp/ed.sh"
	printf '$a Merci Carol.\n' >"$tmp/ed.sed"
	TUI_ENV="TMPDIR='$tmp' VISUAL= EDITOR='$tmp/ed.sh'" tui_start rep pop
	tui_wait rep "reply: the new mail is downloaded" '\| INBOX 3 msgs'
	tui_keys rep l
	tui_type rep "from:carol"
	tui_keys rep Enter
	tui_wait rep "reply: the limit finds it" '\| INBOX 1 msgs'
	tui_keys rep Enter
	tui_wait rep "reply: the pager" "Le corps du message \"Tui pop reply $$\""
	tui_keys rep r
	tui_wait rep "reply: To is the sender" '^ +To: .*carol@example\.test'
	tui_keys rep y
	tui_wait rep "reply: sent" 'message sent'
	wait_for "reply: carol has it" server_has carol INBOX "Re: Tui pop reply $$"
	wait_for "reply: the original is answered in the cache" in_cache INBOX \
	    "answered.*Tui pop reply|Tui pop reply.*answered"
	wait_for "reply: the copy is in the local Sent" in_cache Sent \
	    "Re: Tui pop reply $$"
	tui_keys rep q
	tui_wait rep "reply: Sent is shown with its role" 'Sent +\[sent\]'
	tui_wait_gone rep "reply: no job left pending" 'jobs? pending'

	# Postponed: a local Drafts; taken up and postponed again, the
	# older version goes.
	printf 's/^Subject:.*/Subject: Tui-pop-draft-%s/\n$a Brouillon.\n' \
	    "$$" >"$tmp/ed.sed"
	tui_keys rep m
	tui_wait rep "postpone: the compose screen" "^ +Subject: Tui-pop-draft-$$"
	tui_keys rep P
	tui_wait rep "postpone: said" 'postponed to Drafts'
	wait_for "postpone: in the local Drafts" in_cache Drafts \
	    "^1	.*draft.*Tui-pop-draft-$$|^1	.*Tui-pop-draft-$$.*draft"
	tui_keys rep R
	tui_wait rep "recall: Drafts opens" '\| Drafts 1 msgs'
	tui_keys rep Enter
	tui_wait rep "recall: the draft opens" '^Brouillon\.'
	printf 's/^To:.*/To: carol@example.test/\n' >"$tmp/ed.sed"
	tui_keys rep R
	tui_wait rep "recall: the draft in the compose screen" \
	    '^ +To: carol@example\.test'
	tui_keys rep P
	wait_for "postpone again: the new version" in_cache Drafts \
	    "^2	.*Tui-pop-draft-$$"
	expect_eq "postpone again: the older version is gone" 1 \
	    "$("$FACTEUR" -c "$tmp/pop.conf" list t:Drafts --offline | wc -l | tr -d ' ')"
	tui_quit rep
else
	echo "skip: no Postfix, no reply from the POP3 account"
fi

# --- the server out of reach: the cached folders, and the state said -----
sed "s|^pop = .*|pop = pops://127.0.0.1:1|" "$tmp/pop.conf" >"$tmp/down.conf"
tui_start down down
tui_wait down "offline: the cached INBOX opens" '\| INBOX [23] msgs'
tui_wait down "offline: the status line says so" '\| t: (offline|retrying)'
tui_quit down

# --- an IMAP and a POP3 account together -------------------------------
cat >"$tmp/mixed.conf" <<EOC
[general]
cache_dir = $tmp/cache-mixed

[account mail]
email = carol@example.test
imap = imaps://127.0.0.1:$FCT_TB_IMAPS_PORT
password_command = cat $FCT_TB_DIR/pw-carol
ca_file = $FCT_TB_CA

[account pop]
email = dave@example.test
pop = pops://127.0.0.1:$FCT_TB_POP3S_PORT
password_command = cat $FCT_TB_DIR/pw-dave
ca_file = $FCT_TB_CA
EOC
tui_start mixed mixed
tui_wait mixed "mixed: the IMAP account's tree" '^[-+]mail +│'
tui_wait mixed "mixed: the POP3 account's tree" '^[-+]pop +│'
n=0
i=0
while [ "$i" -lt "$TUI_WAIT" ]; do
	n=$(tui_screen mixed | grep -Ec 'Inbox +\[inbox\]' || true)
	[ "$n" -ge 2 ] && break
	sleep 0.1
	i=$((i + 1))
done
expect_eq "mixed: two Inboxes in the sidebar" 2 "$n"
tui_quit mixed

finish
