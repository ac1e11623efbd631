#!/bin/sh
# The rules engine against the test bed (user bob, folders of this run's
# own, messages tagged with this run's number):
#  - `rules check` and `rules test` on a file with a bad rule;
#  - mail submitted through Postfix (submission, STARTTLS, AUTH) while
#    `facteur watch` runs is moved and flagged, or marked read with a
#    keyword, on the server; `stop` keeps a later rule from running;
#  - `facteur sync` runs the rules on the new mail it fetches, a rule on
#    bodies too (the bodies it needs are fetched first), and so does the
#    watcher;
#  - `rules apply --dry-run` prints what would happen and changes nothing,
#    on the server or in the cache; `rules apply` then does it;
#  - rules on bob's read-only shared folder, as scope or destination, are
#    refused with the rights, and the good rules still run;
#  - kill -9 of the watcher while mail is being filed: after a restart
#    every message was copied exactly once (a copy is the one action that
#    shows being run twice).
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

now_ms() { date +%s%3N; }
tag=$$-$(now_ms)
top="Rules-$tag"
doveadm_ mailbox create -u bob@example.test "$top/Factures" "$top/Copies" \
	"$top/Corps"

tb_conf bob bob "imaps://127.0.0.1:$FCT_TB_IMAPS_PORT" "rules = $tmp/rules"
# tb_conf puts the extra line in the account section: move it up.
sed -i "/^rules = /d; s|^\[general\]|[general]\nrules = $tmp/rules|" "$tmp/bob.conf"

cat >"$tmp/rules" <<EOR
# rules of rules.sh, run $tag
rule "Factures"
  when subject:"facture $tag"
  then move "$top/Factures", flag

rule "Liste"
  when list:liste-$tag.example.test
  then read, keyword \$Liste
  stop

rule "Jamais"
  when list:liste-$tag.example.test
  then move "$top/Factures"

rule "Copie"
  when subject:"copie $tag"
  then copy "$top/Copies"

rule "Faute"
  when subjet:x
  then mvoe Nowhere
EOR

# --- check and test -----------------------------------------------------------
run -c "$tmp/bob.conf" sync t:INBOX
expect_eq "first sync" 0 "$rc"
run -c "$tmp/bob.conf" rules check
expect_eq "check: bad rule makes it fail" 1 "$rc"
expect_match "check: query error at its column" \
    "rules:20:8: error: unknown field 'subjet' \(did you mean 'subject'\?\)" "$err"
expect_match "check: action error with a hint" \
    "rules:21:8: error: unknown action 'mvoe' \(did you mean 'move'\?\)" "$err"
expect_match "check: the good rules counted" "4 rule\(s\) ok, 1 skipped" "$out"

cat >"$tmp/list.eml" <<EOM
From: Liste <liste@example.test>
To: bob@example.test
List-Id: Liste de test <liste-$tag.example.test>
Subject: bonjour
Date: Wed, 25 Nov 2026 09:00:00 +0100

Hello
EOM
run -c "$tmp/bob.conf" rules test "$tmp/list.eml"
expect_eq "test: the matching rule, then the plan" "Liste	6
=>	read, keyword \$Liste" "$out"

# --- on arrival, while facteur watch runs ------------------------------------
submit() { # SUBJECT [LIST-ID]
	subject=$1
	if [ -n "${2:-}" ]; then
		set -- --add-header "List-Id: <$2>"
	else
		set --
	fi
	swaks --silent 2 --server 127.0.0.1 --port "$FCT_TB_SUBMISSION_PORT" \
		--tls --auth PLAIN --auth-user bob@example.test \
		--auth-password "$(cat "$FCT_TB_DIR/pw-bob")" \
		--from bob@example.test --to bob@example.test \
		--header "Subject: $subject" "$@" --body "sent by rules.sh" ||
		fail "swaks could not submit '$subject'"
}

# wait_server WHAT USER FOLDER COUNT SECONDS: until FOLDER holds COUNT
# messages matching the extended regex $want (UID TAB FLAGS lines).
wait_server() {
	deadline=$(($(now_ms) + $5 * 1000))
	while :; do
		n=$(ctl "$2" dump "$3" | grep -Ec -- "$want" || true)
		if [ "$n" -eq "$4" ]; then
			ok "$1"
			return 0
		fi
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "$1: $n of $4 in '$3' match /$want/ after $5 s:
$(ctl "$2" dump "$3")
events: $(cat "$tmp/events")
stderr: $(cat "$tmp/watch.err")"
			return 1
		fi
		sleep 0.2
	done
}

start_watch() {
	"$FACTEUR" -c "$tmp/bob.conf" watch t --timeout 90 >"$tmp/events" \
		2>"$tmp/watch.err" &
	watcher=$!
	i=0
	until grep -q '^t	idle	INBOX	' "$tmp/events" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 300 ]; then
			fail "watch never idled: $(cat "$tmp/events" "$tmp/watch.err")"
			finish
		fi
		sleep 0.1
	done
}

start_watch
expect_match "watch reports the bad rule" \
    "^t	rules-problem	.*rules:20:8: unknown field 'subjet'" "$(cat "$tmp/events")"
inbox_before=$(ctl bob dump INBOX | wc -l)
# Earlier runs left their own mail in bob's INBOX: count from here.
liste_before=$(ctl bob dump INBOX | grep -Ec '	seen \$Liste$' || true)
bonne_before=$(ctl bob dump INBOX | grep -Ec '\$Bonne' || true)
submit "facture $tag"
submit "bonjour $tag" "liste-$tag.example.test"
want='^[0-9]+	flagged$'
wait_server "arrival: moved to Factures and flagged" bob "$top/Factures" 1 20
want='^[0-9]+	seen \$Liste$'
wait_server "arrival: list mail marked read with its keyword" bob INBOX \
    $((liste_before + 1)) 20
expect_eq "arrival: only the list mail stayed in INBOX" \
    "$((inbox_before + 1))" "$(ctl bob dump INBOX | wc -l)"
want='.'
wait_server "arrival: stop kept 'Jamais' from moving the list mail" \
    bob "$top/Factures" 1 1
i=0
until grep -q '^t	rules	INBOX	' "$tmp/events" || [ "$i" -gt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_match "watch reports the rules it ran" '^t	rules	INBOX	[12]$' \
    "$(cat "$tmp/events")"
expect_no_match "no job failed" 'job-failed' "$(cat "$tmp/events")"

# --- kill -9 while filing, then restart: each copy made exactly once --------
n=6
for i in $(seq 1 $n); do
	submit "copie $tag $i"
done
sleep 0.4
kill -9 "$watcher"
wait "$watcher" 2>/dev/null || true
watcher=
start_watch
want='.'
wait_server "after kill -9: every message copied once" bob "$top/Copies" $n 30
sleep 1
wait_server "after kill -9: still once, nothing replayed twice" \
    bob "$top/Copies" $n 1
kill -TERM "$watcher"
wait "$watcher" 2>/dev/null || true
watcher=
# Under ASan/UBSan a report would land here.
expect_eq "watch: nothing on standard error" "" "$(cat "$tmp/watch.err")"

# --- facteur sync applies the rules to new mail too ---------------------------
submit "facture $tag (sync)"
want='.'
i=0
until [ "$(ctl bob dump INBOX | wc -l)" -gt "$((inbox_before + n + 1))" ] ||
	[ "$i" -gt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
run -c "$tmp/bob.conf" sync t:INBOX
expect_eq "sync: exit status" 0 "$rc"
expect_match "sync: says the rules ran" \
    "the rules changed 1 new message\(s\) in 'INBOX'" "$err"
want='^[0-9]+	flagged$'
wait_server "sync: the new mail was moved and flagged" bob "$top/Factures" 2 5
same_as_server bob bob INBOX "sync with rules"

# --- a rule on bodies: the new mail's body is fetched for it -----------------
# The word is in the body only; a message without it stays in INBOX.
cat >>"$tmp/rules" <<EOR

rule "Corps"
  when body:"corps-$tag"
  then move "$top/Corps", keyword \$Corps
EOR
inbox_now=$(ctl bob dump INBOX | wc -l)
for b in "il y a corps-$tag dedans" "rien ici"; do
	swaks --silent 2 --server 127.0.0.1 --port "$FCT_TB_SUBMISSION_PORT" \
		--tls --auth PLAIN --auth-user bob@example.test \
		--auth-password "$(cat "$FCT_TB_DIR/pw-bob")" \
		--from bob@example.test --to bob@example.test \
		--header "Subject: corps $tag" --body "$b" ||
		fail "swaks could not submit the body test"
done
i=0
until [ "$(ctl bob dump INBOX | wc -l)" -ge "$((inbox_now + 2))" ] ||
	[ "$i" -gt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
run -c "$tmp/bob.conf" sync t:INBOX
expect_eq "body: sync exit status" 0 "$rc"
want='^[0-9]+	\$Corps$'
wait_server "body: the message with the word in its body was filed" \
    bob "$top/Corps" 1 5
want='.'
wait_server "body: only that one" bob "$top/Corps" 1 1
expect_eq "body: the other one stayed in INBOX" 1 \
    "$("$FACTEUR" -c "$tmp/bob.conf" list t:INBOX --offline | grep -c "	corps $tag	" || true)"
same_as_server bob bob INBOX "sync with a rule on bodies"
# The same through the worker (facteur watch).
start_watch
swaks --silent 2 --server 127.0.0.1 --port "$FCT_TB_SUBMISSION_PORT" \
	--tls --auth PLAIN --auth-user bob@example.test \
	--auth-password "$(cat "$FCT_TB_DIR/pw-bob")" \
	--from bob@example.test --to bob@example.test \
	--header "Subject: corps $tag (watch)" \
	--body "encore corps-$tag ici" ||
	fail "swaks could not submit the body test"
want='^[0-9]+	\$Corps$'
wait_server "body: the worker filed it too" bob "$top/Corps" 2 20
kill -TERM "$watcher"
wait "$watcher" 2>/dev/null || true
watcher=
expect_eq "body: the worker wrote nothing on standard error" "" \
    "$(cat "$tmp/watch.err")"

# --- dry run, then apply --------------------------------------------------------
# Mail that came before its rule: synced with no rules, then the rule is
# written and applied on demand.
cp "$tmp/rules" "$tmp/rules.saved"
: >"$tmp/rules"
cat >"$tmp/f.eml" <<EOM
From: EDF <factures@edf.example>
To: bob@example.test
Subject: facture $tag (bis)
Date: Wed, 25 Nov 2026 10:00:00 +0100

Bonjour
EOM
ctl bob append INBOX "$tmp/f.eml"
ctl bob dump INBOX >"$tmp/inbox-before"
run -c "$tmp/bob.conf" list t:INBOX >/dev/null
mv "$tmp/rules.saved" "$tmp/rules"
"$FACTEUR" -c "$tmp/bob.conf" list t:INBOX --offline >"$tmp/cache-before"
run -c "$tmp/bob.conf" rules apply t:INBOX --dry-run
expect_match "dry run: prints the message and what would be done" \
    "	facture $tag \(bis\)	move '$top/Factures', flag$" "$out"
expect_match "dry run: says nothing was done" "nothing was done" "$err"
ctl bob dump INBOX >"$tmp/inbox-after"
expect_eq "dry run: server INBOX unchanged" "" \
    "$(diff "$tmp/inbox-before" "$tmp/inbox-after")"
want='.'
wait_server "dry run: nothing filed" bob "$top/Factures" 2 1
"$FACTEUR" -c "$tmp/bob.conf" list t:INBOX --offline >"$tmp/cache-after"
expect_eq "dry run: cache unchanged" "" \
    "$(diff "$tmp/cache-before" "$tmp/cache-after")"
run -c "$tmp/bob.conf" rules apply t:INBOX
expect_match "apply: prints what it did" \
    "	facture $tag \(bis\)	move '$top/Factures', flag$" "$out"
want='^[0-9]+	flagged$'
wait_server "apply: moved and flagged" bob "$top/Factures" 3 5
same_as_server bob bob INBOX "apply"

# --- a read-only shared folder, as scope and as destination ------------------
shared=Shared/support@example.test
cat >"$tmp/rules" <<EOR
rule "Partage"
  folder "$shared"
  when subject:x
  then flag

rule "Vers partage"
  when subject:"facture $tag"
  then move "$shared"

rule "Bonne"
  when subject:"copie $tag 1"
  then keyword \$Bonne
EOR
run -c "$tmp/bob.conf" rules apply "t:$shared"
expect_eq "read-only scope: fails" 1 "$rc"
expect_match "read-only scope: says why" \
    "rule 'Partage': cannot flag in '$shared': your rights there are 'lrs' \(read-only\)" "$err"
run -c "$tmp/bob.conf" rules check
expect_eq "read-only destination: check fails" 1 "$rc"
expect_match "read-only destination: check says why at the action's line and column" \
    "rules:8:8: error: account 't': rule 'Vers partage': cannot move to '$shared': your rights there are 'lrs' \(read-only\)" "$err"
run -c "$tmp/bob.conf" rules apply t:INBOX
expect_eq "read-only destination: apply fails" 1 "$rc"
expect_match "read-only destination: refused" \
    "cannot move to '$shared': your rights there are 'lrs'" "$err"
want='\$Bonne'
wait_server "the good rule still ran" bob INBOX $((bonne_before + 1)) 5

doveadm_ mailbox delete -r -u bob@example.test "$top" 2>/dev/null || true
finish
