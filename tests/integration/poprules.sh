#!/bin/sh
# The rules on a POP3 account (user carol, mail left on the server, every
# message tagged with this run's number), whose folders are local:
#  - `facteur sync` downloads new mail and the rules file it at once in the
#    cache: moved to a local folder (created) and flagged, marked read with
#    a keyword, `stop` honoured, `spam` into a local Junk; a copy rule is
#    refused clearly and the others still run;
#  - the account worker (`facteur watch`) does the same on its own round,
#    and reports it (`rules INBOX N`);
#  - `rules apply --dry-run` on the local INBOX prints what it would do and
#    changes nothing in the cache; `rules apply` then does it;
#  - `facteur sync` killed with SIGKILL at random instants while it
#    downloads and files 8 x 30 messages: in the end every message was
#    downloaded once and filed once, none left in INBOX or pending.
# Mail reaches the maildrop through Dovecot's LMTP, as Postfix delivers it.
# Every wait has a limit.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require
tb_lock_inboxes

watcher=
cleanup() {
	[ -z "$watcher" ] || kill -9 "$watcher" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

tag=$$-$(date +%s%3N)
tb_pop_conf p carol
sed -i "s|^\[general\]|[general]\nrules = $tmp/rules|" "$tmp/p.conf"

# deliver FIRST COUNT KIND: LMTP-delivers messages FIRST..FIRST+COUNT-1
# to carol, in one connection. KIND: facture, liste, spam, lot, plain.
deliver() {
	python3 - "$1" "$2" "$3" "$tag" <<'EOP'
import os, smtplib, sys
first, count, kind, tag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
with smtplib.LMTP("127.0.0.1", int(os.environ["FCT_TB_LMTP_PORT"])) as l:
    for i in range(first, first + count):
        extra = ""
        if kind == "liste":
            extra = "List-Id: Liste <liste-%s.example.test>\r\n" % tag
        subject = "%s %s numero %d" % (kind, tag, i)
        msg = ("From: Expediteur <exp@example.test>\r\n"
               "To: carol@example.test\r\n"
               "Subject: %s\r\n%s"
               "Message-ID: <%s-%s-%d@poprules.example.test>\r\n"
               "Date: Wed, 25 Nov 2026 09:00:00 +0100\r\n\r\n"
               "Bonjour %d\r\n" % (subject, extra, kind, tag, i, i))
        l.sendmail("exp@example.test", ["carol@example.test"], msg.encode())
EOP
}

# cache_sql SQL: runs SQL on the cache (read-only), one row a line.
cache_sql() {
	python3 - "$tmp/cache-p/t.sqlite" "$1" <<'EOP'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for row in db.execute(sys.argv[2]):
    print("\t".join(str(c) for c in row))
EOP
}

# in_folder FOLDER KIND: "count flags keywords" of this run's KIND messages
# in the cache's FOLDER (pending ones included).
in_folder() {
	cache_sql "SELECT count(*), coalesce(group_concat(DISTINCT m.flags), ''),
	    coalesce(group_concat(DISTINCT coalesce(trim(m.keywords), '-')), '')
	    FROM messages AS m JOIN folders AS f ON f.id = m.folder_id
	    WHERE f.name = '$1' AND m.subject LIKE '$2 $tag %'"
}

cat >"$tmp/rules" <<EOR
# rules of poprules.sh, run $tag
rule "Factures"
  when subject:"facture $tag"
  then move "Factures-$tag", flag

rule "Liste"
  when list:liste-$tag.example.test
  then read, keyword \$Liste
  stop

rule "Jamais"
  when list:liste-$tag.example.test
  then move "Factures-$tag"

rule "Pourriel"
  when subject:"spam $tag"
  then spam

rule "Copie"
  when subject:"facture $tag"
  then copy "Copies-$tag"
EOR

# --- facteur sync ---------------------------------------------------------
# The maildrop may hold other tests' mail: the first run downloads it all.
run -c "$tmp/p.conf" sync
expect_eq "first sync" 0 "$rc"
deliver 1 2 facture
deliver 1 2 liste
deliver 1 1 spam
deliver 1 1 plain
run -c "$tmp/p.conf" sync
expect_eq "sync with rules" 0 "$rc"
expect_match "sync: downloads the six" "^t	INBOX	pop3	6	0	0	[0-9]+	0\$" "$out"
expect_match "sync: the copy rule is refused, with the reason" \
	"rule 'Copie': cannot copy in local folder 'INBOX'" "$err"
expect_match "sync: says what the rules changed" "the rules changed 5 new" "$err"
# flags: 4 is \Flagged, 1 \Seen (store.h FCT_FLAG_*)
expect_eq "sync: invoices moved and flagged" "2	4	-" "$(in_folder "Factures-$tag" facture)"
expect_eq "sync: none left in INBOX" "0		" "$(in_folder INBOX facture)"
expect_eq "sync: list mail read, keyword, stop kept it" "2	1	\$Liste" "$(in_folder INBOX liste)"
expect_eq "sync: spam in the local Junk" "1	0	-" "$(in_folder Junk spam)"
expect_eq "sync: Junk created with its role" "junk	1" \
	"$(cache_sql "SELECT f.role, l.folder_id IS NOT NULL FROM folders AS f LEFT JOIN local_folders AS l ON l.folder_id = f.id WHERE f.name = 'Junk'")"
expect_eq "sync: other mail untouched" "1	0	-" "$(in_folder INBOX plain)"
expect_eq "sync: nothing pending" 0 "$(cache_sql "SELECT count(*) FROM rules_pending")"
run -c "$tmp/p.conf" list t:INBOX --offline --query "subject:$tag"
expect_eq "list: INBOX shows what stayed" 3 "$(printf '%s\n' "$out" | grep -c .)"
run -c "$tmp/p.conf" list "t:Factures-$tag" --offline
expect_eq "list: the local folder shows the invoices" 2 "$(printf '%s\n' "$out" | grep -c .)"
run -c "$tmp/p.conf" sync
expect_match "sync again: nothing new, nothing twice" "^t	INBOX	pop3	0	0	0	" "$out"
expect_eq "sync again: still two invoices" "2	4	-" "$(in_folder "Factures-$tag" facture)"

# --- the worker -----------------------------------------------------------
deliver 3 2 facture
"$FACTEUR" -c "$tmp/p.conf" watch t --timeout 60 >"$tmp/events" 2>"$tmp/watch.err" &
watcher=$!
i=0
until grep -q '^t	rules	INBOX	' "$tmp/events" 2>/dev/null; do
	i=$((i + 1))
	if [ "$i" -gt 300 ]; then
		fail "watch: no rules event: $(cat "$tmp/events" "$tmp/watch.err")"
		break
	fi
	sleep 0.1
done
kill -TERM "$watcher"
wait "$watcher" 2>/dev/null || true
watcher=
expect_match "watch: reports the rules it ran" '^t	rules	INBOX	2$' "$(cat "$tmp/events")"
expect_match "watch: the destination changed" "^t	changed	Factures-$tag" "$(cat "$tmp/events")"
expect_no_match "watch: filed mail is not news in INBOX" '^t	new	INBOX	' "$(cat "$tmp/events")"
expect_match "watch: the copy rule reported" "rules-problem	rule 'Copie'" "$(cat "$tmp/events")"
expect_eq "watch: four invoices filed" "4	4	-" "$(in_folder "Factures-$tag" facture)"
expect_eq "watch: nothing pending" 0 "$(cache_sql "SELECT count(*) FROM rules_pending")"
# Under ASan/UBSan a report would land here.
expect_eq "watch: nothing on standard error" "" "$(cat "$tmp/watch.err")"

# --- rules apply on the local INBOX ---------------------------------------
# Mail that was there before a rule: dry run first, then for real.
sed -i '/^rule "Copie"/,$d' "$tmp/rules"
deliver 1 2 ancien
run -c "$tmp/p.conf" sync
expect_eq "apply: the old mail stays in INBOX" "2	0	-" "$(in_folder INBOX ancien)"
cat >>"$tmp/rules" <<EOR
rule "Anciens"
  when subject:"ancien $tag"
  then move "Anciens-$tag", read
EOR
snapshot() {
	cache_sql "SELECT m.id, m.folder_id, m.uid, m.flags, coalesce(m.keywords, '')
	    FROM messages AS m ORDER BY m.id"
	cache_sql "SELECT name FROM folders ORDER BY name"
}
snapshot >"$tmp/before"
run -c "$tmp/p.conf" rules apply t:INBOX --dry-run
expect_eq "dry run: succeeds" 0 "$rc"
expect_match "dry run: prints the move" "ancien $tag numero 1.*move" "$out"
expect_match "dry run: says nothing was done" "nothing was done" "$err"
snapshot >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
	ok "dry run: the cache is unchanged"
else
	fail "dry run changed the cache: $(diff "$tmp/before" "$tmp/after" | head)"
fi
run -c "$tmp/p.conf" rules apply t:INBOX
expect_eq "apply: succeeds" 0 "$rc"
expect_eq "apply: moved and read" "2	1	-" "$(in_folder "Anciens-$tag" ancien)"
expect_eq "apply: gone from INBOX" "0		" "$(in_folder INBOX ancien)"

# --- killed at random instants --------------------------------------------
cat >>"$tmp/rules" <<EOR
rule "Lot"
  when subject:"lot $tag"
  then move "Lot-$tag", flag
EOR
# New mail between the rounds, so that kills land in the downloads, in
# the commits and in the rules alike.
i=0
while [ "$i" -lt 8 ]; do
	deliver $((i * 30 + 1)) 30 lot
	"$FACTEUR" -c "$tmp/p.conf" sync >/dev/null 2>&1 &
	pid=$!
	# 60..460 ms, from the shell's own counter: no external randomness.
	sleep "0.$(printf '%03d' $(((i * 173 + 60) % 400 + 60)))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# Pending mail is never shown: INBOX lists none of the lot.
	n=$("$FACTEUR" -c "$tmp/p.conf" list t:INBOX --offline --query "subject:\"lot $tag\"" | grep -c . || true)
	expect_eq "kill: round $i: no lot message listed in INBOX" 0 "$n"
	echo "# kill: round $i: $(in_folder "Lot-$tag" lot | cut -f1) filed, $(cache_sql "SELECT count(*) FROM rules_pending") pending"
	i=$((i + 1))
done
run -c "$tmp/p.conf" sync
expect_eq "kill: the last sync completes" 0 "$rc"
expect_eq "kill: every message filed and flagged" "240	4	-" "$(in_folder "Lot-$tag" lot)"
expect_eq "kill: none left in INBOX" "0		" "$(in_folder INBOX lot)"
expect_eq "kill: each downloaded once" "240	240" \
	"$(cache_sql "SELECT count(*), count(DISTINCT message_id) FROM messages WHERE subject LIKE 'lot $tag %'")"
expect_eq "kill: nothing pending" 0 "$(cache_sql "SELECT count(*) FROM rules_pending")"

finish
