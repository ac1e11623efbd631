#!/bin/sh
# POP3 accounts against the test bed's Dovecot: `facteur sync` downloads
# dave's maildrop into the cache's local INBOX; every message once (a
# second sync downloads nothing), left on the server or deleted by
# pop_delete (checked with a second POP3 client, popctl.py); a malformed
# message kept byte for byte; flag, move and delete on local folders; a
# 1,000-message maildrop in one run of the worker, with progress; syncs
# killed at random instants, several rounds, never losing nor duplicating
# a message; a wrong password said clearly; sent mail copied to a local
# Sent.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require
# dave's maildrop is emptied here and by tests/tui/pop.sh: one at a time.
tb_lock_inboxes

# sync_line CONF: runs `facteur sync` on $tmp/CONF.conf, sets $line.
sync_line() {
	run -c "$tmp/$1.conf" sync
	[ "$rc" -eq 0 ] || fail "$1: sync failed: $err"
	line=$out
}

# cache_count CONF FOLDER: messages of FOLDER in the cache.
cache_count() {
	"$FACTEUR" -c "$tmp/$1.conf" list "t:$2" --offline | wc -l | tr -d ' '
}

# cache_sql CONF SQL: runs SQL on the cache (read-only), one row a line.
cache_sql() {
	python3 - "$tmp/cache-$1/t.sqlite" "$2" <<'EOP'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for row in db.execute(sys.argv[2]):
    print("\t".join(str(c) for c in row))
EOP
}

empty_maildrop() {
	doveadm_ expunge -u dave@example.test mailbox INBOX all
}

# --- Leave on server (the default) --------------------------------------

empty_maildrop
"$FCT_TB_SCRIPTS/seed" dave INBOX 20 --seed 11 >/dev/null
tb_pop_conf keep dave
sync_line keep
expect_eq "keep: first sync downloads all" "t	INBOX	pop3	20	0	0	20	0" "$line"
expect_eq "keep: in the cache" 20 "$(cache_count keep INBOX)"
expect_eq "keep: left on the server" 20 "$(popctl count dave)"
popctl msgids dave | sort >"$tmp/server-ids"
cache_sql keep "SELECT message_id FROM messages" | sort >"$tmp/cache-ids"
if cmp -s "$tmp/server-ids" "$tmp/cache-ids"; then
	ok "keep: the cache holds the server's messages"
else
	fail "keep: messages differ: $(diff "$tmp/server-ids" "$tmp/cache-ids" | head)"
fi
sync_line keep
expect_eq "keep: second sync downloads nothing" "t	INBOX	pop3	0	0	0	20	0" "$line"
expect_eq "keep: whole bodies cached" 20 \
	"$(cache_sql keep "SELECT count(*) FROM bodies")"

# A first fill through the folders command's view too.
run -c "$tmp/keep.conf" list t:INBOX --query 'is:unread'
expect_eq "keep: list syncs first, all unread" 20 "$(printf '%s\n' "$out" | wc -l | tr -d ' ')"

# --- A malformed message, kept whole ------------------------------------

# Broken addresses, an unterminated encoded word, the boundary that
# crashes libetpan's MIME parser, raw 8-bit bytes, and lines that POP3
# must byte-stuff: a lone dot and lines starting with dots.
printf '%s\r\n' \
	'From: broken <<<@@' \
	'Subject: =?bogus?Q?unterminated' \
	'Message-ID: <malformed@example.test>' \
	'Content-Type: multipart/mixed; boundary="\""' \
	"X-Bytes: $(printf 'caf\351 \377')" \
	'' \
	'.hidden line with a leading dot' \
	'..two dots' \
	'.' \
	'after a lone dot' >"$tmp/malformed.eml"
popctl deliver dave "$tmp/malformed.eml"
sync_line keep
expect_eq "malformed: downloaded" "t	INBOX	pop3	1	0	0	21	0" "$line"
run -c "$tmp/keep.conf" list t:INBOX --offline --query 'header:message-id:malformed'
expect_match "malformed: listed" "^21	" "$out"
cache_sql keep "SELECT hex(raw) FROM bodies JOIN messages ON messages.id = msg_id WHERE message_id = 'malformed@example.test'" |
	python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))' >"$tmp/malformed.got"
# The cache has the delivered message, after the headers Dovecot added.
if tail -c "$(wc -c <"$tmp/malformed.eml")" "$tmp/malformed.got" | cmp -s - "$tmp/malformed.eml"; then
	ok "malformed: kept byte for byte, dots unstuffed"
else
	fail "malformed: body differs: $(od -c "$tmp/malformed.got" | tail -8)"
fi

# An attachment is known from the whole message, as IMAP's BODYSTRUCTURE
# tells it.
printf '%s\r\n' \
	'From: Zoé <zoe@example.test>' \
	'Subject: =?utf-8?q?Facture_=C3=A9t=C3=A9?=' \
	'Message-ID: <attached@example.test>' \
	'MIME-Version: 1.0' \
	'Content-Type: multipart/mixed; boundary="b1"' \
	'' \
	'--b1' \
	'Content-Type: text/plain; charset=utf-8' \
	'' \
	'Montant dû : 42 euros' \
	'--b1' \
	'Content-Type: application/pdf; name="facture.pdf"' \
	'Content-Disposition: attachment; filename="facture.pdf"' \
	'Content-Transfer-Encoding: base64' \
	'' \
	'JVBERi0xLjQK' \
	'--b1--' >"$tmp/attached.eml"
popctl deliver dave "$tmp/attached.eml"
sync_line keep
expect_eq "attachment: downloaded" "t	INBOX	pop3	1	0	0	22	0" "$line"
run -c "$tmp/keep.conf" list t:INBOX --offline --query 'has:attachment and body:montant'
expect_match "attachment: decoded, flagged, body searchable" "^22	.*	Zoé <zoe@example.test>	Facture été	\$" "$out"

# --- Local folders: flag, move, delete, offline ----------------------------

run -c "$tmp/keep.conf" flag t:INBOX 1 2 +seen +flagged +Later
expect_eq "local: flag" 0 "$rc"
run -c "$tmp/keep.conf" list t:INBOX --offline --query 'is:flagged'
expect_eq "local: two flagged" 2 "$(printf '%s\n' "$out" | grep -c 'seen flagged Later$')"
run -c "$tmp/keep.conf" flag t:INBOX 2 -flagged -Later
run -c "$tmp/keep.conf" list t:INBOX --offline --query 'is:flagged'
expect_match "local: unflagged" "^1	" "$out"
run -c "$tmp/keep.conf" list t:INBOX --offline --query 'keyword:Later'
expect_eq "local: keyword removed from 2 only" 1 "$(printf '%s\n' "$out" | grep -c .)"
expect_match "local: keyword kept on 1" "^1	" "$out"
run -c "$tmp/keep.conf" move t:INBOX 3 4 Archives/2026
expect_eq "local: move prints old and new UIDs" "3	1
4	2" "$out"
expect_eq "local: moved out" 20 "$(cache_count keep INBOX)"
expect_eq "local: moved in" 2 "$(cache_count keep Archives/2026)"
run -c "$tmp/keep.conf" folders
expect_match "local: folders shows the server's INBOX" "^t	INBOX	inbox	22	-	-\$" "$out"
expect_match "local: and the local folder, counted" "^t	Archives/2026	-	2	2	-\$" "$out"
run -c "$tmp/keep.conf" delete t:INBOX 5 6
expect_eq "local: delete" 0 "$rc"
expect_eq "local: deleted for good" 18 "$(cache_count keep INBOX)"
run -c "$tmp/keep.conf" copy t:INBOX 7 Archives/2026
expect_eq "local: copy refused" 1 "$rc"
expect_match "local: copy refused clearly" "local folders support flag, move and delete" "$err"
run -c "$tmp/keep.conf" search 'not is:draft' --offline
expect_eq "local: search across local folders" 20 "$(printf '%s\n' "$out" | wc -l | tr -d ' ')"
# Deleted and moved messages are not downloaded again.
sync_line keep
expect_eq "local: nothing comes back" "t	INBOX	pop3	0	0	0	18	0" "$line"
expect_eq "local: server untouched" 22 "$(popctl count dave)"

# --- pop_delete = after DAYS ----------------------------------------------

tb_pop_conf keep dave "pop_delete = after 2"
sync_line keep
expect_eq "after 2: nothing due yet" "t	INBOX	pop3	0	0	0	18	0" "$line"
python3 - "$tmp/cache-keep/t.sqlite" <<'EOP'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE pop_uidls SET stored = stored - 3 * 86400 "
           "WHERE rowid IN (SELECT rowid FROM pop_uidls ORDER BY uidl LIMIT 5)")
db.commit()
EOP
sync_line keep
expect_eq "after 2: the 5 old ones deleted" "t	INBOX	pop3	0	0	0	18	5" "$line"
expect_eq "after 2: 17 left on the server" 17 "$(popctl count dave)"
expect_eq "after 2: the cache keeps them" 18 "$(cache_count keep INBOX)"

# --- pop_delete = after-download --------------------------------------------

tb_pop_conf keep dave "pop_delete = after-download"
sync_line keep
expect_eq "after-download: the rest deleted" "t	INBOX	pop3	0	0	0	18	17" "$line"
expect_eq "after-download: server empty" 0 "$(popctl count dave)"
for i in 1 2 3; do
	printf 'From: x@example.test\r\nSubject: new %s\r\nMessage-ID: <new%s@example.test>\r\n\r\nbody %s\r\n' \
		"$i" "$i" "$i" >"$tmp/new.eml"
	popctl deliver dave "$tmp/new.eml"
done
sync_line keep
expect_eq "after-download: new mail in and off" "t	INBOX	pop3	3	0	0	21	3" "$line"
expect_eq "after-download: server empty again" 0 "$(popctl count dave)"
expect_eq "after-download: forgotten ids pruned" 0 \
	"$(cache_sql keep "SELECT count(*) FROM pop_uidls")"
run -c "$tmp/keep.conf" list t:INBOX --offline --query 'subject:"new 2"'
expect_match "after-download: stored" "	x@example.test	new 2	\$" "$out"

# --- Wrong password -----------------------------------------------------

tb_pop_conf wrong dave
sed -i "s|^password_command = .*|password = not-the-password|" "$tmp/wrong.conf"
run -c "$tmp/wrong.conf" sync
expect_eq "wrong password: fails" 1 "$rc"
expect_match "wrong password: says so" "account 't': login as 'dave@example.test' failed: " "$err"

# --- 1,000 messages in one run of the worker, with progress -----------------

empty_maildrop
"$FCT_TB_SCRIPTS/seed" dave INBOX 1000 --seed 12 >/dev/null
popctl msgids dave | sort >"$tmp/big-ids"
tb_pop_conf big dave
run -c "$tmp/big.conf" watch --count 60 --timeout 120
expect_eq "big: watch ends well" 0 "$rc"
expect_match "big: progress events" "^t	syncing	INBOX	500	1000\$" "$out"
expect_match "big: all in one run" "^t	syncing	INBOX	1000	1000\$" "$out"
expect_match "big: then polls" "^t	idle	INBOX	poll\$" "$out"
expect_eq "big: every message cached" 1000 "$(cache_count big INBOX)"

# --- Two syncs of one account at once --------------------------------------

# They share the cache: each message is stored by one of them, once.
tb_pop_conf twin dave
"$FACTEUR" -c "$tmp/twin.conf" sync >"$tmp/twin1" 2>&1 &
pid=$!
"$FACTEUR" -c "$tmp/twin.conf" sync >"$tmp/twin2" 2>&1 || fail "twin: second sync: $(cat "$tmp/twin2")"
wait "$pid" || fail "twin: first sync: $(cat "$tmp/twin1")"
cache_sql twin "SELECT message_id FROM messages" | sort >"$tmp/twin-ids"
if cmp -s "$tmp/big-ids" "$tmp/twin-ids"; then
	ok "twin: every message once"
else
	fail "twin: messages differ: $(diff "$tmp/big-ids" "$tmp/twin-ids" | head)"
fi

# --- Killed at random instants, several rounds ---------------------------

# Deleting after download, so that kills land in RETR, in the commits, in
# DELE and in QUIT alike. Whatever was killed, the next run must neither
# download twice nor lose anything.
tb_pop_conf crash dave "pop_delete = after-download"
i=0
while [ "$i" -lt 10 ]; do
	"$FACTEUR" -c "$tmp/crash.conf" sync >/dev/null 2>&1 &
	pid=$!
	# 30..630 ms, from the shell's own counter: no external randomness.
	sleep "0.$(printf '%03d' $(((i * 379 + 30) % 600 + 30)))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# Whatever the instant: every stored message once, and no unique id
	# mapped to two messages. (An id is forgotten once the server
	# confirmed its deletion, so a run that got that far leaves messages
	# without one: the final checks below prove none came back twice.
	# A cache killed while being created has no tables yet.)
	if [ -n "$(cache_sql crash "SELECT name FROM sqlite_master WHERE name = 'pop_uidls'" 2>/dev/null)" ]; then
		state=$(cache_sql crash "SELECT (SELECT count(*) FROM messages), (SELECT count(DISTINCT message_id) FROM messages), (SELECT count(msg_id) - count(DISTINCT msg_id) FROM pop_uidls)")
		n=${state%%	*}
		expect_eq "crash: round $i: messages $n, each once, ids unshared" "$n	$n	0" "$state"
	fi
	i=$((i + 1))
done
sync_line crash
expect_match "crash: the last run completes" "^t	INBOX	pop3	[0-9]+	0	0	1000	[0-9]+\$" "$line"
expect_eq "crash: server emptied" 0 "$(popctl count dave)"
cache_sql crash "SELECT message_id FROM messages" | sort >"$tmp/crash-ids"
expect_eq "crash: no duplicate" 1000 "$(sort -u "$tmp/crash-ids" | wc -l | tr -d ' ')"
if cmp -s "$tmp/big-ids" "$tmp/crash-ids"; then
	ok "crash: every message once, none lost"
else
	fail "crash: messages differ: $(diff "$tmp/big-ids" "$tmp/crash-ids" | head)"
fi
expect_eq "crash: every body kept" 1000 "$(cache_sql crash "SELECT count(*) FROM bodies")"
run -c "$tmp/crash.conf" sync
expect_eq "crash: nothing more" "t	INBOX	pop3	0	0	0	1000	0" "$out"

# Small maildrops, so that kills land in DELE and QUIT too, with new mail
# arriving between the rounds.
tb_pop_conf small dave "pop_delete = after-download"
: >"$tmp/small-ids"
i=0
while [ "$i" -lt 8 ]; do
	"$FCT_TB_SCRIPTS/seed" dave INBOX 25 --seed $((40 + i)) >/dev/null
	popctl msgids dave >>"$tmp/small-ids"
	"$FACTEUR" -c "$tmp/small.conf" sync >/dev/null 2>&1 &
	pid=$!
	sleep "0.$(printf '%03d' $(((i * 211 + 150) % 500 + 150)))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	i=$((i + 1))
done
sync_line small
expect_eq "small: server emptied" 0 "$(popctl count dave)"
sort -u "$tmp/small-ids" >"$tmp/small-want"
cache_sql small "SELECT message_id FROM messages" | sort >"$tmp/small-got"
if cmp -s "$tmp/small-want" "$tmp/small-got"; then
	ok "small: $(wc -l <"$tmp/small-got") messages, every one once, none lost"
else
	fail "small: messages differ: $(diff "$tmp/small-want" "$tmp/small-got" | head)"
fi

# --- Sending from a POP3 account: the copy in a local Sent ----------------

if [ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ]; then
	tb_pop_conf small dave "smtp = smtp://127.0.0.1:$FCT_TB_SUBMISSION_PORT"
	printf 'To: carol@example.test\nSubject: Pop sent %s\n\nDepuis POP3.\n' \
	    "$$" >"$tmp/send.eml"
	run -c "$tmp/small.conf" send <"$tmp/send.eml"
	expect_eq "send: exit status" 0 "$rc"
	run -c "$tmp/small.conf" list t:Sent --offline
	expect_match "send: the copy is in the local Sent, read" \
	    "seen.*Pop sent $$|Pop sent $$.*seen" "$out"
	run -c "$tmp/small.conf" outbox
	expect_eq "send: the outbox is empty" "" "$out"
	expect_eq "send: no job left" 0 \
	    "$(cache_sql small "SELECT count(*) FROM jobs")"
fi

finish
