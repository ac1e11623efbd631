#!/bin/sh
# Sending mail through the test bed's Postfix, checked from the receiving
# end over IMAP (imapctl.py) with Python's own email parser:
#  - alice writes to a group alias (bob and carol) with a Bcc and an
#    accented subject: both get it intact, the Bcc recipient too, and the
#    Bcc appears in no header anywhere; alice's Sent has one copy, \Seen;
#  - a recipient the server refuses is reported while the others get it;
#  - sending as the shared mailbox support@ files the copy in support's
#    own Sent (alice's shared view of it), not in alice's;
#  - with the submission server out of reach (a proxy that refuses every
#    connection) the send fails clearly, the message stays in the outbox
#    with the reason, and `outbox retry` sends it exactly once;
#  - the account worker (facteur watch) sends what waits in the outbox
#    when it connects, and files its copy;
#  - the server stopping mid-way (the proxy takes the connection, then
#    drops it) leaves the message queued with the reason; a retry sends it
#    once;
#  - a copy the server already has in Sent (same Message-ID) is not added
#    a second time;
#  - a copy the server refuses (its folder does not exist yet) stays
#    listed, and a retry once the folder exists files it;
#  - --dry-run prints the envelope and message and sends nothing.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require
tb_lock_inboxes
[ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ] || { echo "SKIP: no Postfix"; exit 77; }

proxy=
watcher=
cleanup() {
	[ -z "$watcher" ] || kill -9 "$watcher" 2>/dev/null || true
	[ -z "$proxy" ] || kill -9 "$proxy" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# Aliases come from the default file under XDG_CONFIG_HOME.
export XDG_CONFIG_HOME="$tmp/xdg"
mkdir -p "$XDG_CONFIG_HOME/facteur"
cat >"$XDG_CONFIG_HOME/facteur/aliases" <<'EOA'
# the team
alias bob Bob Martin <bob@example.test>
alias equipe bob, Carol <carol@example.test>
alias tous equipe
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

tag=$$-$(date +%s)

# wait_msg USER FOLDER MSGID: waits (delivery is asynchronous) until the
# folder holds the Message-ID, then prints its UIDs.
wait_msg() {
	i=0
	while [ "$i" -lt 100 ]; do
		uids=$(ctl "$1" search "$2" Message-ID "$3")
		if [ -n "$uids" ]; then
			printf '%s\n' "$uids"
			return 0
		fi
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}

# header USER FOLDER UID NAME: the decoded header, "" when absent.
header() {
	ctl "$1" cat "$2" "$3" | python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
v = m.get(sys.argv[1])
print("" if v is None else str(v))' "$4"
}

sent_id() { printf '%s\n' "$out" | sed -n 's/^sent \([^ ]*\) to .*/\1/p'; }

# --- a group, a Bcc, accents ---------------------------------------------
printf 'To: tous\nBcc: support@example.test\nSubject: Réunion d’été %s\n\nÀ demain, ça marche.\n' \
	"$tag" >"$tmp/m1"
run -c "$tmp/alice.conf" send <"$tmp/m1"
expect_eq "group send: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_match "group send: three recipients" 'to 3 of 3 recipients$' "$out"
id1=$(sent_id)
for u in bob carol support; do
	uid=$(wait_msg "$u" INBOX "$id1") || { fail "$u did not get it"; continue; }
	expect_eq "$u: subject intact" "Réunion d’été $tag" \
		"$(header "$u" INBOX "$uid" Subject)"
	expect_eq "$u: body intact" "À demain, ça marche." \
		"$(ctl "$u" cat INBOX "$uid" | python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
print(m.get_content().strip())')"
	expect_eq "$u: To expanded" \
		"Bob Martin <bob@example.test>, Carol <carol@example.test>" \
		"$(header "$u" INBOX "$uid" To)"
	expect_eq "$u: From" "Alice Martin <alice@example.test>" \
		"$(header "$u" INBOX "$uid" From)"
	hdrs=$(ctl "$u" cat INBOX "$uid" | sed '/^\r*$/q')
	expect_no_match "$u: no Bcc in the headers" '^Bcc:|support@' "$hdrs"
	expect_no_match "$u: 7-bit" "$(printf '[\200-\377]')" \
		"$(ctl "$u" cat INBOX "$uid")"
done
expect_eq "Sent: one copy" 1 "$(ctl alice search Sent Message-ID "$id1" | wc -l)"
uid=$(ctl alice search Sent Message-ID "$id1")
expect_eq "Sent: seen" "seen" "$(ctl alice dump Sent | sed -n "s/^$uid	//p")"
run -c "$tmp/alice.conf" outbox list
expect_eq "outbox empty after the copy" "" "$out"

# --- a refused recipient ---------------------------------------------------
before=$failures
printf 'To: bob@example.test, nobody@example.test\nSubject: partial %s\n\nx\n' \
	"$tag" | {
	run -c "$tmp/alice.conf" send
	expect_eq "partial: exit status" 1 "$rc"
	expect_match "partial: refused one reported" \
		"^facteur: 'nobody@example.test' refused: 550 " "$err"
	expect_match "partial: sent to the other" 'to 1 of 2 recipients$' "$out"
	id2=$(sent_id)
	wait_msg bob INBOX "$id2" >/dev/null || fail "partial: bob did not get it"
	[ "$failures" -eq "$before" ] || exit 1
} || failures=$((failures + 1))

# --- as the shared mailbox support@ ------------------------------------------
printf 'To: carol@example.test\nSubject: from support %s\n\nx\n' "$tag" \
	>"$tmp/m3"
run -c "$tmp/alice.conf" send --identity support <"$tmp/m3"
expect_eq "support: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
id3=$(sent_id)
uid=$(wait_msg carol INBOX "$id3") || fail "support: carol did not get it"
expect_eq "support: From" "Support <support@example.test>" \
	"$(header carol INBOX "$uid" From)"
expect_eq "support: copy in support's Sent" 1 \
	"$(ctl support search Sent Message-ID "$id3" | wc -l)"
expect_eq "support: none in alice's Sent" 0 \
	"$(ctl alice search Sent Message-ID "$id3" | wc -l)"

# --- the submission server out of reach --------------------------------------
tb_proxy "$FCT_TB_SUBMISSION_PORT"
pport=$proxy_port
tb_conf down alice "" "smtp = smtp://127.0.0.1:$pport"
kill -USR1 "$proxy"
sleep 0.3
printf 'To: bob@example.test\nSubject: later %s\n\nx\n' "$tag" >"$tmp/m4"
run -c "$tmp/down.conf" send <"$tmp/m4"
expect_eq "down: exit status" 1 "$rc"
expect_match "down: says why" "^facteur: cannot send: .*127\.0\.0\.1" "$err"
expect_match "down: says where it is" "stays in the outbox as 1 " "$err"
run -c "$tmp/down.conf" outbox list
expect_match "down: queued with the reason" \
	"^1	t	queued	1	later $tag	bob@example.test	.+" "$out"
run -c "$tmp/down.conf" outbox retry
expect_eq "down: retry fails while down" 1 "$rc"
run -c "$tmp/down.conf" outbox list
expect_match "down: two attempts counted" "^1	t	queued	2	" "$out"
kill -USR2 "$proxy"
sleep 0.3
run -c "$tmp/down.conf" outbox retry
expect_eq "back: retry succeeds" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_eq "back: reported" "sent 1" "$out"
run -c "$tmp/down.conf" outbox list
expect_eq "back: outbox empty" "" "$out"
mid=$(ctl alice search Sent Subject "later $tag")
mid=$(header alice Sent "$mid" Message-ID | tr -d '<>')
wait_msg bob INBOX "$mid" >/dev/null || fail "back: bob did not get it"
run -c "$tmp/down.conf" outbox retry
expect_eq "back: exactly once" 1 "$(ctl bob search INBOX Message-ID "$mid" | wc -l)"

# --- the account worker sends what waits when it connects --------------------
kill -USR1 "$proxy"
sleep 0.3
printf 'To: bob@example.test\nSubject: worker %s\n\nx\n' "$tag" >"$tmp/m7"
run -c "$tmp/down.conf" send <"$tmp/m7"
expect_eq "worker: queued while down" 1 "$rc"
n=$(printf '%s\n' "$err" | sed -n 's/.*stays in the outbox as \([0-9]*\) .*/\1/p')
kill -USR2 "$proxy"
sleep 0.3
"$FACTEUR" -c "$tmp/down.conf" watch t --timeout 60 >"$tmp/events" 2>&1 &
watcher=$!
i=0
until grep -q "^t	job-done	[0-9]*	append$" "$tmp/events"; do
	i=$((i + 1))
	[ "$i" -lt 300 ] || break
	sleep 0.1
done
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
expect_match "worker: sent on connecting" "^t	job-done	$n	send$" \
	"$(cat "$tmp/events")"
expect_match "worker: copy appended" "^t	job-done	[0-9]+	append$" \
	"$(cat "$tmp/events")"
run -c "$tmp/down.conf" outbox list
expect_eq "worker: outbox empty" "" "$out"
wid=$(ctl alice search Sent Subject "worker $tag")
wid=$(header alice Sent "$wid" Message-ID | tr -d '<>')
wait_msg bob INBOX "$wid" >/dev/null || fail "worker: bob did not get it"
expect_eq "worker: sent once" 1 "$(ctl bob search INBOX Message-ID "$wid" | wc -l)"

# --- the server stops answering mid-way ---------------------------------------
# Frozen: the connection is taken but nothing flows; once facteur is
# connected and waiting, the proxy drops it.
kill -HUP "$proxy"
sleep 0.3
before_c=$(grep -c "connection" "$tmp/proxy.log" || true)
printf 'To: bob@example.test\nSubject: midway %s\n\nx\n' "$tag" >"$tmp/m10"
"$FACTEUR" -c "$tmp/down.conf" send <"$tmp/m10" >"$tmp/mid.out" 2>"$tmp/mid.err" &
sender=$!
i=0
while [ "$(grep -c "connection" "$tmp/proxy.log" || true)" -le "$before_c" ]; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || break
	sleep 0.1
done
kill -USR1 "$proxy"
set +e
wait "$sender"
rc=$?
set -e
expect_eq "midway: exit status" 1 "$rc"
expect_match "midway: says why" "^facteur: cannot send: .*(lost|greeting)" \
	"$(cat "$tmp/mid.err")"
run -c "$tmp/down.conf" outbox list
expect_match "midway: queued with the reason" \
	"^[0-9]+	t	queued	1	midway $tag	bob@example.test	.+" "$out"
kill -USR2 "$proxy"
sleep 0.3
run -c "$tmp/down.conf" outbox retry
expect_eq "midway: retry succeeds" 0 "$rc"
mid=$(ctl alice search Sent Subject "midway $tag")
mid=$(header alice Sent "$mid" Message-ID | tr -d '<>')
wait_msg bob INBOX "$mid" >/dev/null || fail "midway: bob did not get it"
expect_eq "midway: sent once" 1 "$(ctl bob search INBOX Message-ID "$mid" | wc -l)"

# --- a message dropped from the outbox is never sent ---------------------------
kill -USR1 "$proxy"
sleep 0.3
printf 'To: bob@example.test\nSubject: dropped %s\n\nx\n' "$tag" >"$tmp/m8"
run -c "$tmp/down.conf" send <"$tmp/m8"
n=$(printf '%s\n' "$err" | sed -n 's/.*stays in the outbox as \([0-9]*\) .*/\1/p')
run -c "$tmp/down.conf" outbox drop "$n"
expect_eq "drop: said so" "dropped $n" "$out"
kill -USR2 "$proxy"
sleep 0.3
run -c "$tmp/down.conf" outbox retry
expect_eq "drop: nothing left to send" "" "$out"
sleep 0.5
expect_eq "drop: never sent" "" "$(ctl bob search INBOX Subject "dropped $tag")"

# --- a copy the server has already --------------------------------------------
# IMAP out of reach at send time: the copy waits in the job queue.
tb_conf noimap alice "imaps://127.0.0.1:1" "$smtp"
printf 'To: bob@example.test\nSubject: filed %s\n\nx\n' "$tag" >"$tmp/m5"
run -c "$tmp/noimap.conf" send <"$tmp/m5"
expect_eq "filed: sent" 0 "$rc"
expect_match "filed: the copy waits" "copy waits in the queue" "$err"
id5=$(sent_id)
run -c "$tmp/noimap.conf" outbox list
expect_match "filed: sent, copy pending" "^1	t	sent	0	filed $tag" "$out"
# The server files it itself meanwhile.
uid=$(wait_msg bob INBOX "$id5") || fail "filed: bob did not get it"
ctl bob cat INBOX "$uid" >"$tmp/filed.eml"
ctl alice append Sent "$tmp/filed.eml"
sed -i "s|^imap = .*|imap = imaps://127.0.0.1:$FCT_TB_IMAPS_PORT|" "$tmp/noimap.conf"
run -c "$tmp/noimap.conf" outbox retry
expect_eq "filed: retry" 0 "$rc"
expect_eq "filed: still one copy in Sent" 1 \
	"$(ctl alice search Sent Message-ID "$id5" | wc -l)"
run -c "$tmp/noimap.conf" outbox list
expect_eq "filed: outbox empty" "" "$out"

# --- dry run -----------------------------------------------------------------
printf 'To: equipe\nBcc: x@example.test\nSubject: dry\n\nx\n' >"$tmp/m6"
run -c "$tmp/alice.conf" send --dry-run <"$tmp/m6"
expect_eq "dry run: exit status" 0 "$rc"
expect_match "dry run: envelope" '^# to: x@example.test$' "$out"
expect_no_match "dry run: no Bcc header" '^Bcc:' "$out"
run -c "$tmp/alice.conf" outbox list
expect_eq "dry run: nothing queued" "" "$out"

# --- a copy refused (no such folder yet), queued again by a retry -------------
cp "$tmp/alice.conf" "$tmp/lists.conf"
cat >>"$tmp/lists.conf" <<EOC

[identity lists]
account = t
email = alice@example.test
sent_folder = Listes-$tag
EOC
printf 'To: bob@example.test\nSubject: lists %s\n\nx\n' "$tag" >"$tmp/m9"
run -c "$tmp/lists.conf" send --identity lists <"$tmp/m9"
expect_eq "requeue: sent" 0 "$rc"
expect_match "requeue: the copy refused" "queued append refused: .*Listes-$tag" "$err"
id9=$(sent_id)
run -c "$tmp/lists.conf" outbox list
expect_match "requeue: still listed" "^[0-9]+	t	sent	0	lists $tag" "$out"
doveadm_ mailbox create -u alice@example.test "Listes-$tag"
run -c "$tmp/lists.conf" outbox retry
expect_eq "requeue: retry" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_eq "requeue: copy filed" 1 \
	"$(ctl alice search "Listes-$tag" Message-ID "$id9" | wc -l)"
run -c "$tmp/lists.conf" outbox list
expect_eq "requeue: outbox empty" "" "$out"
doveadm_ mailbox delete -u alice@example.test "Listes-$tag" || true

# --- bad input ---------------------------------------------------------------
run -c "$tmp/alice.conf" outbox drop 999
expect_eq "drop: unknown id" "facteur: no message 999 in the outbox" "$err"
before=$failures
printf 'Subject: nobody\n\nx\n' | { run -c "$tmp/alice.conf" send
	expect_eq "no recipient: exit status" 1 "$rc"
	expect_eq "no recipient: says so" \
		"facteur: cannot send: no recipient (To, Cc or Bcc)" "$err"
	[ "$failures" -eq "$before" ] || exit 1
} || failures=$((failures + 1))
run -c "$tmp/alice.conf" send --identity nosuch </dev/null
expect_eq "unknown identity" \
	"facteur: no identity or account called 'nosuch'" "$err"

finish
