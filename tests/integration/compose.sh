#!/bin/sh
# Composing from the shell with a scripted $EDITOR (sed on the draft file)
# and the answers to the prompt on standard input:
#  - compose to a group alias with an accented subject and an attachment
#    with an accented name: bob and carol get both intact (Python's email
#    parser decodes them), alice's Sent has the copy;
#  - postpone, then resume and postpone again: Drafts holds only the new
#    version (\Draft); resume and send: Drafts is empty, bob has it;
#  - reply --all drops alice's own address and threads (In-Reply-To), and
#    the original is marked answered; a reply to mail addressed to the
#    shared mailbox support@ goes out as support;
#  - forward --attach carries the original as message/rfc822;
#  - abort (confirmed) sends nothing and leaves no file behind.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require
tb_lock_inboxes
[ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ] || { echo "SKIP: no Postfix"; exit 77; }

export XDG_CONFIG_HOME="$tmp/xdg" TMPDIR="$tmp"
mkdir -p "$XDG_CONFIG_HOME/facteur"
cat >"$XDG_CONFIG_HOME/facteur/aliases" <<'EOA'
alias bob Bob Martin <bob@example.test>
alias equipe bob, carol@example.test
EOA
smtp="smtp = smtp://127.0.0.1:$FCT_TB_SUBMISSION_PORT"
tb_conf alice alice "" "$smtp
name = Alice Martin"
cat >>"$tmp/alice.conf" <<'EOC'

[identity support]
account = t
email = support@example.test
name = Support
EOC
tb_conf bob bob "" "$smtp"
tag=$$-$(date +%s)

wait_msg() {
	i=0
	while [ "$i" -lt 100 ]; do
		uids=$(ctl "$1" search "$2" "$3" "$4")
		if [ -n "$uids" ]; then
			printf '%s\n' "$uids"
			return 0
		fi
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}

# py USER FOLDER UID CODE: runs CODE with `m`, the parsed message.
py() {
	ctl "$1" cat "$2" "$3" | python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
'"$4"
}

# compose ANSWERS EDIT-SED ARGS...: runs facteur with EDITOR a sed script.
compose() {
	answers=$1 script=$2
	shift 2
	printf "$answers" >"$tmp/answers"
	set +e
	EDITOR="sed -i -e '$script'" "$FACTEUR" -c "$tmp/alice.conf" "$@" \
		<"$tmp/answers" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	set -e
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# --- a group, accents, an attachment ---------------------------------------
printf 'contenu du fichier\n' >"$tmp/résumé été.txt"
compose 's\n' '$a Bonjour à l’équipe' compose --to equipe \
	--subject "Pièce jointe été $tag" --attach "$tmp/résumé été.txt"
expect_eq "compose: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
for u in bob carol; do
	uid=$(wait_msg "$u" INBOX Subject "$tag") || {
		fail "$u did not get it"
		continue
	}
	expect_eq "$u: subject" "Pièce jointe été $tag" \
		"$(py "$u" INBOX "$uid" 'print(m["subject"])')"
	expect_eq "$u: body" "Bonjour à l’équipe" \
		"$(py "$u" INBOX "$uid" 'print(m.get_body(("plain",)).get_content().strip())')"
	expect_eq "$u: attachment name and content" \
		"résumé été.txt|contenu du fichier" \
		"$(py "$u" INBOX "$uid" '
for a in m.iter_attachments():
    print("%s|%s" % (a.get_filename(), a.get_content().strip()))')"
done
expect_eq "compose: copy in Sent" 1 \
	"$(ctl alice search Sent Subject "Pièce jointe été $tag" | wc -l)"
expect_eq "compose: no file left" "" "$(ls "$tmp" | grep facteur-draft || true)"

# --- postpone, resume, postpone again, send ----------------------------------
compose 'p\n' '$a première version' compose --to bob@example.test \
	--subject "Brouillon $tag"
expect_eq "postpone: exit status" 0 "$rc"
expect_eq "postpone: said so" "postponed" "$out"
d1=$(ctl alice search Drafts Subject "Brouillon $tag")
expect_match "postpone: in Drafts" '^[0-9]+$' "$d1"
expect_eq "postpone: flagged draft" "seen draft" \
	"$(ctl alice dump Drafts | sed -n "s/^$d1	//p")"
compose 'p\n' 's/première version/seconde version/' compose --resume \
	t:Drafts "$d1"
expect_eq "re-postpone: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
d2=$(ctl alice search Drafts Subject "Brouillon $tag")
expect_match "re-postpone: one new version" '^[0-9]+$' "$d2"
[ "$d2" != "$d1" ] || fail "re-postpone: the old version stayed"
expect_eq "re-postpone: new text" "seconde version" \
	"$(py alice Drafts "$d2" 'print(m.get_content().strip())')"
compose 's\n' 's/seconde/dernière/' compose --resume t:Drafts "$d2"
expect_eq "send draft: exit status" 0 "$rc"
expect_eq "send draft: gone from Drafts" "" \
	"$(ctl alice search Drafts Subject "Brouillon $tag")"
uid=$(wait_msg bob INBOX Subject "Brouillon $tag") ||
	fail "send draft: bob did not get it"
expect_eq "send draft: last text" "dernière version" \
	"$(py bob INBOX "$uid" 'print(m.get_content().strip())')"

# --- replies ----------------------------------------------------------------
printf 'To: alice@example.test, carol@example.test\nSubject: Question %s\n\nUne question.\n' \
	"$tag" | "$FACTEUR" -c "$tmp/bob.conf" send >/dev/null
orig=$(wait_msg alice INBOX Subject "Question $tag") ||
	fail "reply: alice did not get the question"
origid=$(py alice INBOX "$orig" 'print(m["message-id"].strip("<>"))')
# An unknown header is refused, and the text kept.
compose 's\n' '1i X-Nothing: x' reply --all "t:INBOX" "$orig"
expect_eq "reply: unknown header: exit status" 1 "$rc"
expect_match "reply: unknown header refused" \
	"line 1: unknown header 'X-Nothing'" "$err"
expect_match "reply: the text kept" "the message is kept in '$tmp/facteur-draft-" \
	"$err"
rm -f "$tmp"/facteur-draft-*
compose 's\n' '/^> Une question/a Ma réponse.' reply --all "t:INBOX" "$orig"
expect_eq "reply: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
uid=$(wait_msg carol INBOX Subject "Re: Question $tag") ||
	fail "reply: carol did not get it"
expect_eq "reply: To and Cc without alice" \
	"bob@example.test|carol@example.test" \
	"$(py carol INBOX "$uid" 'print("%s|%s" % (m["to"], m["cc"]))')"
expect_eq "reply: threaded" "<$origid>" \
	"$(py carol INBOX "$uid" 'print(m["in-reply-to"])')"
expect_match "reply: quoted and answered" "^> Une question\.
Ma réponse\." \
	"$(py carol INBOX "$uid" 'print(m.get_content())')"
expect_eq "reply: original answered" "answered" \
	"$(ctl alice dump INBOX | sed -n "s/^$orig	//p")"

printf 'To: support@example.test\nSubject: Aide %s\n\nAu secours.\n' "$tag" |
	"$FACTEUR" -c "$tmp/bob.conf" send >/dev/null
s=$(wait_msg support INBOX Subject "Aide $tag") ||
	fail "identity: support did not get it"
compose 's\n' '$a Voici.' reply "t:Shared/support@example.test" "$s"
expect_eq "identity: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
uid=$(wait_msg bob INBOX Subject "Re: Aide $tag") ||
	fail "identity: bob did not get the answer"
expect_eq "identity: from support" "Support <support@example.test>" \
	"$(py bob INBOX "$uid" 'print(m["from"])')"
expect_eq "identity: copy in support's Sent" 1 \
	"$(ctl support search Sent Subject "Re: Aide $tag" | wc -l)"

# Resuming a message that is not a draft writes a new one: the original
# stays where it is.
compose 'p\n' '$a copie' compose --resume "t:INBOX" "$orig"
expect_eq "resume non-draft: exit status" 0 "$rc"
expect_eq "resume non-draft: original kept" "$orig" \
	"$(ctl alice search INBOX Subject "Question $tag")"
expect_eq "resume non-draft: a draft made" 1 \
	"$(ctl alice search Drafts Subject "Question $tag" | wc -l)"
expect_eq "resume non-draft: a Message-ID of its own" 0 \
	"$(ctl alice search Drafts Message-ID "$origid" | wc -l)"

# --- forward as attachment ----------------------------------------------------
compose 's\n' 's/^To: $/To: carol@example.test/' forward --attach \
	"t:INBOX" "$orig"
expect_eq "forward: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
uid=$(wait_msg carol INBOX Subject "Fwd: Question $tag") ||
	fail "forward: carol did not get it"
expect_eq "forward: the original attached" "message/rfc822|Question $tag" \
	"$(py carol INBOX "$uid" '
for a in m.iter_attachments():
    print("%s|%s" % (a.get_content_type(), a.get_content()["subject"]))')"

# --- abort --------------------------------------------------------------------
compose 'a\ny\n' '$a rien' compose --to bob@example.test --subject "Abandon $tag"
expect_eq "abort: exit status" 0 "$rc"
expect_eq "abort: no file left" "" "$(ls "$tmp" | grep facteur-draft || true)"
sleep 0.5
expect_eq "abort: nothing sent" "" "$(ctl bob search INBOX Subject "Abandon $tag")"
run -c "$tmp/alice.conf" outbox list
expect_eq "abort: nothing queued" "" "$out"

finish
