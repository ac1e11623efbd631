#!/bin/sh
# scripts/demo, the README's first command, without its terminal interface
# (FACTEUR_DEMO_NO_UI=1) and on the binary under test (FCT_DEMO_BUILDDIR):
# it starts a bed of its own (ports FCT_TB_PORT_BASE + 50, apart from the
# suite's bed), seeds it, and leaves the demo's state: the showcase mail on
# top of INBOX, the list mail filed by the demo's rules, the support@ mail
# flagged by a rule on the shared folder, the identity and the aliases
# (sending as support@ and to the group, when Postfix runs). A
# second run reuses the running demo instead of starting it again.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require

LC_ALL=C.UTF-8
export LC_ALL
base=$((FCT_TB_PORT_BASE + 50))
state=/tmp/fct-demotest-$base
trap 'FCT_TB_DIR=$state "$top_srcdir/tests/servers/stop" "$state" >/dev/null 2>&1 || true
rm -rf "$state" "$tmp"' EXIT

demo() {
	set +e
	FCT_TB_PORT_BASE=$base FCT_DEMO_DIR=$state FACTEUR_DEMO_NO_UI=1 \
		FCT_DEMO_BUILDDIR=$top_builddir FCT_DEMO_FRESH=${fresh:-0} \
		"$top_srcdir/scripts/demo" >"$tmp/demo.out" 2>&1 </dev/null
	rc=$?
	set -e
	out=$(cat "$tmp/demo.out")
}

fresh=1 demo
expect_eq "demo: status" 0 "$rc"
[ "$rc" -eq 0 ] || cat "$tmp/demo.out" >&2
expect_match "demo: 9 showcase messages" "demo-mail: 9 showcase messages delivered" "$out"
expect_match "demo: the configuration is valid" "demo.conf: 1 account\(s\), 1 identity, 0 warning" "$out"
expect_match "demo: the rules filed the list mail" "the rules changed 2 new message\(s\) in 'INBOX'" "$out"
expect_match "demo: folders, with the rules' folder" "^example	Listes/facteur	-	2	2	-" "$out"
expect_match "demo: the shared mailbox" "^example	Shared/support@example.test	-	201	" "$out"
pid=$(cat "$state/run/master.pid")

conf=$state/demo.conf
run -c "$conf" list INBOX --offline --limit 6
expect_match "INBOX: the thread on top" "Re: Pique-nique samedi au parc" "$out"
expect_match "INBOX: accents" "Bienvenue à l'équipe : déjeuner d'accueil" "$out"
expect_no_match "INBOX: no list mail left" "facteur-users" "$out"
run -c "$conf" search 'subject:pique-nique' --offline
expect_eq "INBOX: a thread of 3" 3 "$(printf '%s\n' "$out" | grep -c .)"
run -c "$conf" list INBOX --offline --query 'has:attachment and from:leboeuf' --json
expect_match "the devis has its PDF" '"has_attachment": true' "$out"

uid=$("$FACTEUR" -c "$conf" list INBOX --offline --query 'from:velo-club' |
	cut -f1)
run -c "$conf" show INBOX "$uid" --width 100
expect_match "newsletter: HTML rendered" "^\* Dimanche 13 décembre : sortie des lumières de Noël" "$out"
expect_match "newsletter: links listed" "^\[1\] https://velo-club.example/agenda" "$out"
expect_no_match "newsletter: no markup" "<(li|td|a )" "$out"

run -c "$conf" list Shared/support@example.test --offline --query 'subject:commande' --json
expect_match "support@: the rule flagged the order" '"flags": "flagged"' "$out"
run -c "$conf" rules check
expect_eq "rules check: status" 0 "$rc"
expect_match "rules check: both rules" "2 rule\(s\) ok, 0 skipped" "$out$err"
expect_match "aliases: a group" "^alias equipe bob, carol" "$(cat "$state/aliases")"
if grep -q 'FCT_TB_HAVE_POSTFIX=1' "$state/env.sh"; then
	printf 'To: equipe\nSubject: Groupe\n\nBonjour.\n' >"$tmp/m1"
	run -c "$conf" send <"$tmp/m1"
	expect_match "aliases: equipe is Bob and Carol" "to 2 of 2 recipients$" "$out"
	printf 'To: renee.fontaine@exemple.fr\nSubject: Re: Commande\n\nEnvoyée.\n' >"$tmp/m2"
	run -c "$conf" send --identity support <"$tmp/m2"
	expect_eq "identity support: sent" 0 "$rc"
	[ "$rc" -eq 0 ] || echo "$err" >&2
	run -c "$conf" list Shared/support@example.test/Sent --limit 1
	expect_match "identity support: its copy in support's Sent" \
		"	Support Facteur <support@example.test>	Re: Commande	" "$out"
fi

# A second run: the running demo as it was, no new start.
demo
expect_eq "second run: status" 0 "$rc"
expect_match "second run: reuses the demo" "is running; using it as it is" "$out"
expect_eq "second run: same Dovecot" "$pid" "$(cat "$state/run/master.pid")"
expect_match "second run: same folders" "^example	Listes/facteur	-	2	2	-" "$out"
finish
