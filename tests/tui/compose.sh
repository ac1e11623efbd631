#!/bin/sh
# The pager on the real renderer and writing mail from the interface,
# checked on the servers:
#  - [general] alternative: the plain part by default, the HTML one
#    with alternative = html;
#  - a message whose body is HTML only, with an attachment: the pager
#    shows its text (no tags), the numbered link and the attachment list;
#  - the attachment list (v): saving into a folder typed with file
#    completion (a second save never replaces the first file), opening
#    with the mailcap viewer (curses suspended, then back);
#  - m with a scripted $EDITOR, the compose screen, y: bob receives it
#    over IMAP and alice's Sent has the copy;
#  - r on the HTML message: carol receives the reply, and the original is
#    marked answered on the server;
#  - m, then P: the draft is in Drafts (\Draft); R in Drafts takes it up
#    again, y sends it to bob and removes it from Drafts;
#  - q on the compose screen asks before dropping anything;
#  - a refused recipient is named on the status line, the others get it;
#  - with the submission server unreachable, the status line says why and
#    the message stays in the outbox.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require
tb_lock_inboxes
[ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ] || { echo "SKIP: no Postfix"; exit 77; }

tag=$$-$(date +%s)
folder=Tui-compose
smtp="smtp = smtp://127.0.0.1:$FCT_TB_SUBMISSION_PORT"
tb_conf alice alice "" "$smtp
name = Alice Martin"
doveadm_ mailbox delete -r -u alice@example.test "$folder" 2>/dev/null || true
doveadm_ mailbox create -u alice@example.test "$folder"

cat >"$tmp/html.eml" <<EOM
From: Carol <carol@example.test>
To: alice@example.test
Subject: Tui html $tag
Date: Thu, 26 Nov 2026 09:00:00 +0000
Message-ID: <tui-html-$tag@example.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/html; charset=utf-8

<html><body><p>Bonjour <b>Alice</b>, voir <a href="https://example.test/doc">le document</a>.</p><blockquote><p>un passage cité</p></blockquote></body></html>
--b1
Content-Type: application/pdf; name="rapport.pdf"
Content-Disposition: attachment; filename*=utf-8''rapport%20%C3%A9t%C3%A9.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCg==
--b1--
EOM
ctl alice append "$folder" "$tmp/html.eml"
# Both forms of one text, for [general] alternative.
doveadm_ mailbox delete -r -u alice@example.test Tui-alt 2>/dev/null || true
doveadm_ mailbox create -u alice@example.test Tui-alt
cat >"$tmp/alt.eml" <<EOM
From: Carol <carol@example.test>
To: alice@example.test
Subject: Tui alternative $tag
Date: Thu, 26 Nov 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text/plain; charset=utf-8

La version texte.
--b2
Content-Type: text/html; charset=utf-8

<p>La version <i>HTML</i>.</p>
--b2--
EOM
ctl alice append Tui-alt "$tmp/alt.eml"
printf '%%PDF-1.4\n%%\303\244\303\274\303\266\303\237\n' >"$tmp/want.pdf"

# The editor: runs the sed script of $tmp/ed.sed on the draft.
cat >"$tmp/ed.sh" <<EOS
#!/bin/sh
sed -i -f "$tmp/ed.sed" "\$1"
EOS
chmod +x "$tmp/ed.sh"
mkdir -p "$tmp/saved" "$tmp/xdg"
printf 'application/pdf; cp %%s %s/viewed.pdf\n' "$tmp" >"$tmp/mailcap"
TUI_ENV="TMPDIR='$tmp' XDG_CONFIG_HOME='$tmp/xdg' MAILCAPS='$tmp/mailcap' VISUAL= EDITOR='$tmp/ed.sh'"

tui_start ui alice
tui_wait ui "starts" 'Inbox +\[inbox\]'
tui_keys ui c
tui_type ui "$folder"
tui_keys ui Enter
tui_keys ui c
tui_type ui Tui-alt
tui_keys ui Enter
tui_wait ui "alternative: the folder opens" '\\| Tui-alt 1 msgs'
tui_keys ui Enter
tui_wait ui "alternative: the plain text by default" '^La version texte\.'
tui_keys ui q c
tui_type ui "$folder"
tui_keys ui Enter
tui_wait ui "the folder opens" "\\| $folder 1 msgs"
tui_keys ui Enter

# --- the pager: HTML rendered, link numbered, attachments listed ---
tui_wait ui "pager: the HTML as text" 'Bonjour Alice, voir le document\[1\]\.'
tui_wait ui "pager: the quote" '^> un passage cité'
tui_wait ui "pager: the link, numbered" '^\[1\] https://example\.test/doc'
tui_wait ui "pager: the attachment list" '^\[2\] rapport été\.pdf \(application/pdf, 19 B\)'
expect_no_match "pager: no tags" '<b>|<p>' "$(tui_screen ui)"
# The quote has a colour of its own (quote1), the body text none.
expect_match "pager: quote coloured" '\[(36|38;5;[0-9]+)m> un passage' \
    "$(tui_screen_sgr ui)"

# --- the attachment list: save with completion, never replace, open ---
tui_keys ui v
tui_wait ui "parts: listed" '2  application/pdf .* attachment  rapport été\.pdf'
tui_keys ui s
tui_wait ui "save: asks for a folder" 'Save into folder: /'
tui_keys ui C-u
tui_type ui "$tmp/sav"
tui_keys ui Tab
tui_wait ui "save: Tab completes the folder" "Save into folder: $tmp/saved/\$"
tui_keys ui Enter
tui_wait ui "save: says where" "saved $tmp/saved/rapport été\\.pdf"
expect_eq "save: the decoded bytes" "$(od -c "$tmp/want.pdf")" \
    "$(od -c "$tmp/saved/rapport été.pdf" 2>&1)"
tui_keys ui s
tui_wait ui "save again: the last folder offered" "Save into folder: $tmp/saved/\$"
tui_keys ui Enter
tui_wait ui "save again: a new name" "saved $tmp/saved/rapport été-1\\.pdf"
expect_eq "save again: the first file untouched" "$(od -c "$tmp/want.pdf")" \
    "$(od -c "$tmp/saved/rapport été.pdf")"
tui_keys ui Enter
wait_for "view: the mailcap viewer ran on the part" \
    cmp -s "$tmp/want.pdf" "$tmp/viewed.pdf"
tui_wait ui "view: the list is back" 'Parts of the message'
tui_keys ui q
tui_wait ui "parts: q goes back to the pager" '^\[1\] https://example\.test/doc'
tui_keys ui q

# --- compose a new message, send it to bob ---
cat >"$tmp/ed.sed" <<EOS
s/^To:.*/To: bob@example.test/
s/^Subject:.*/Subject: Tui new $tag/
\$a Bonjour Bob, écrit depuis l'interface.
EOS
tui_keys ui m
tui_wait ui "compose: the screen after the editor" '^ +To: bob@example\.test'
tui_wait ui "compose: From is alice's identity" '^ +From: .*alice@example\.test'
tui_wait ui "compose: the subject" "^ +Subject: Tui new $tag"
# a attaches a file, with completion; D removes it again.
printf 'pièce\n' >"$tmp/joint.txt"
tui_keys ui a
tui_type ui "$tmp/joi"
tui_keys ui Tab
tui_wait ui "attach: Tab completes the file" "Attach file: $tmp/joint\\.txt"
tui_keys ui Enter
tui_wait ui "attach: listed" '^ +1  joint\.txt'
tui_keys ui D
tui_wait ui "detach: gone" 'Attachments \(0\)'
tui_keys ui q
tui_wait ui "abort: asks first" 'Abort this message\? \[y/N\]'
tui_keys ui n
tui_wait ui "abort: n keeps the message" "^ +Subject: Tui new $tag"
tui_keys ui y
tui_wait ui "send: reported by the worker" 'message sent'
wait_for "send: bob has it over IMAP" server_has bob INBOX "Tui new $tag"
wait_for "send: alice's Sent has the copy" server_has alice Sent "Tui new $tag"
uid=$(ctl bob search INBOX Subject "Tui new $tag" | tail -1)
expect_match "send: the body arrived" "écrit depuis l'interface" \
    "$(ctl bob cat INBOX "$uid" | python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
print(m.get_body().get_content())')"

# --- reply to the HTML message ---
# After the first empty line (the end of the headers): the body.
cat >"$tmp/ed.sed" <<EOS
/^\$/{
a\\
Merci Carol, réponse $tag.
:done
n
b done
}
EOS
tui_keys ui Enter
tui_wait ui "reply: the pager" 'Bonjour Alice'
tui_keys ui r
tui_wait ui "reply: To is the sender" '^ +To: .*carol@example\.test'
tui_wait ui "reply: Re: subject" "^ +Subject: Re: Tui html $tag"
tui_keys ui y
tui_wait ui "reply: sent" 'message sent'
wait_for "reply: carol has it" server_has carol INBOX "Re: Tui html $tag"
wait_for "reply: the original is answered on the server" \
    sh -c "python3 '$top_srcdir/tests/integration/imapctl.py' alice dump '$folder' | grep -q answered"
tui_keys ui q

# --- postpone, then take the draft up again and send it ---
cat >"$tmp/ed.sed" <<EOS
s/^Subject:.*/Subject: Tui-draft-$tag/
\$a Brouillon.
EOS
tui_keys ui m
tui_wait ui "postpone: the compose screen" "^ +Subject: Tui-draft-$tag"
tui_keys ui P
tui_wait ui "postpone: said" 'postponed to Drafts'
wait_for "postpone: in Drafts on the server" server_has alice Drafts "Tui-draft-$tag"
expect_match "postpone: flagged as a draft" 'draft' "$(ctl alice dump Drafts)"
tui_keys ui R
tui_wait ui "recall: Drafts opens" '\| Drafts [0-9]+ msgs'
tui_keys ui /
tui_type ui "subject:Tui-draft-$tag"
tui_keys ui Enter
cat >"$tmp/ed.sed" <<EOS
s/^To:.*/To: bob@example.test/
EOS
tui_wait ui "recall: the draft is listed" "Tui-draft-$tag"
# From the pager, where the draft's body is fetched if needed.
tui_keys ui Enter
tui_wait ui "recall: the draft opens" '^Brouillon\.'
tui_keys ui R
tui_wait ui "recall: the draft in the compose screen" '^ +To: bob@example\.test'
tui_wait ui "recall: its subject" "^ +Subject: Tui-draft-$tag"
tui_keys ui y
tui_wait ui "recall: sent" 'message sent'
wait_for "recall: bob has it" server_has bob INBOX "Tui-draft-$tag"
wait_for "recall: no longer in Drafts" server_lacks alice Drafts "Tui-draft-$tag"

# --- a recipient refused: said, and the others get it ---
cat >"$tmp/ed.sed" <<EOS
s/^To:.*/To: bob@example.test, nobody@example.test/
s/^Subject:.*/Subject: Tui refused $tag/
EOS
tui_keys ui m
tui_wait ui "refused: the compose screen" "^ +Subject: Tui refused $tag"
tui_keys ui y
tui_wait ui "refused: the status line names the address" \
    'sent, but refused: nobody@example\.test \(550'
wait_for "refused: bob has it all the same" server_has bob INBOX "Tui refused $tag"

tui_quit ui

# --- the submission server down: the message stays in the outbox ---
down_port=$((FCT_TB_PORT_BASE + 97))
tb_conf down alice "" "smtp = smtp://127.0.0.1:$down_port"
sed -i 's/^\[general\]$/[general]\nalternative = html/' "$tmp/down.conf"
cat >"$tmp/ed.sed" <<EOS
s/^To:.*/To: bob@example.test/
s/^Subject:.*/Subject: Tui down $tag/
EOS
tui_start down down
tui_wait down "down: starts" '\| INBOX [0-9]+ msgs'
tui_keys down c
tui_type down Tui-alt
tui_keys down Enter
tui_wait down "alternative = html: the folder opens" '\| Tui-alt 1 msgs'
tui_keys down Enter
tui_wait down "alternative = html: the HTML part" '^La version HTML\.'
tui_keys down q
tui_keys down m
tui_wait down "down: the compose screen" "^ +Subject: Tui down $tag"
tui_keys down y
tui_wait down "down: the reason on the status line" \
    'cannot send: .*stays in the outbox'
run -c "$tmp/down.conf" outbox list
expect_match "down: queued in the outbox" "queued.*Tui down $tag" "$out"
tui_quit down
expect_eq "no draft file left behind" "" \
    "$(ls "$tmp" | grep facteur-draft || true)"
finish
