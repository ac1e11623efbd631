#!/bin/sh
# The cache against the server, for each of the three resync paths: after
# a cold sync, after another client changed flags and keywords, expunged
# and appended, after nothing changed, and after the folder was recreated
# (UIDVALIDITY changed), facteur's cache holds exactly the server's UIDs and
# flags, compared with the server's own answer. Then a sync killed at
# random instants, many times, still converges.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require

# sync_line MODE FOLDER: runs a sync of one folder, sets $line.
sync_line() {
	run -c "$tmp/$1.conf" sync "t:$2"
	[ "$rc" -eq 0 ] || fail "$1: sync failed: $err"
	line=$out
}

cat >"$tmp/new.eml" <<'EOM'
From: =?utf-8?q?Z=C3=A9lie?= <zelie@example.test>
To: carol@example.test
Subject: =?iso-8859-1?q?Re=E7u_apr=E8s?= coup
Date: Tue, 24 Nov 2026 10:00:00 +0100
Message-ID: <appended@example.test>

appended by another client
EOM

for mode in qresync condstore classic; do
	f="Sync-$mode"
	tb_conf "$mode" carol "" "sync = $mode"
	doveadm_ mailbox delete -r -u carol@example.test "$f" 2>/dev/null || true
	"$FCT_TB_SCRIPTS/seed" carol "$f" 300 --seed 7 >/dev/null

	sync_line "$mode" "$f"
	expect_eq "$mode: cold sync" "t	$f	$mode	300	0	0	300" "$line"
	same_as_server "$mode" carol "$f" "$mode: cold"

	ctl carol store "$f" 1:50 '+(\Seen)'
	ctl carol store "$f" 100:120 '-(\Seen)'
	ctl carol store "$f" 5,7,9 '+(\Flagged $Work)'
	ctl carol expunge "$f" 10:20,250
	for i in 1 2 3; do ctl carol append "$f" "$tmp/new.eml" '(\Seen)'; done

	sync_line "$mode" "$f"
	expect_match "$mode: resync counts" "^t	$f	$mode	3	[0-9]+	12	291\$" "$line"
	same_as_server "$mode" carol "$f" "$mode: after changes"

	sync_line "$mode" "$f"
	case $mode in
	classic) expect_match "$mode: no change" "^t	$f	$mode	0	[0-9]+	0	291\$" "$line" ;;
	*) expect_eq "$mode: no change" "t	$f	$mode	0	0	0	291" "$line" ;;
	esac

	# The appended message was decoded on the way in.
	run -c "$tmp/$mode.conf" list "t:$f" --offline --query from:zelie --limit 1
	expect_match "$mode: decoded header" "	Zélie <zelie@example.test>	Reçu après coup	seen\$" "$out"

	# Recreated under the same name: a new UIDVALIDITY, a fresh cache.
	doveadm_ mailbox delete -r -u carol@example.test "$f"
	"$FCT_TB_SCRIPTS/seed" carol "$f" 5 --seed 8 >/dev/null
	sync_line "$mode" "$f"
	expect_eq "$mode: after UIDVALIDITY change" "t	$f	$mode	5	0	0	5" "$line"
	same_as_server "$mode" carol "$f" "$mode: after UIDVALIDITY change"
done

# Kill a cold sync of a bigger folder at random instants; whatever is
# left, the next sync converges on the server.
f=Sync-killed
tb_conf qresync carol "" "sync = qresync"
rm -rf "$tmp/cache-qresync"
doveadm_ mailbox delete -r -u carol@example.test "$f" 2>/dev/null || true
"$FCT_TB_SCRIPTS/seed" carol "$f" 3000 --seed 9 >/dev/null
i=0
while [ "$i" -lt 12 ]; do
	"$FACTEUR" -c "$tmp/qresync.conf" sync "t:$f" >/dev/null 2>&1 &
	pid=$!
	# 20..620 ms, from the shell's own counter: no external randomness.
	sleep "0.$(printf '%03d' $(( (i * 397 + 20) % 600 + 20 )))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if [ $((i % 3)) -eq 2 ]; then
		ctl carol store "$f" "$((i * 100 + 1)):$((i * 100 + 40))" '+(\Seen)'
		ctl carol expunge "$f" "$((i * 100 + 50))"
	fi
	i=$((i + 1))
done
sync_line qresync "$f"
same_as_server qresync carol "$f" "killed 12 times"
count=$("$FACTEUR" -c "$tmp/qresync.conf" list "t:$f" --offline | wc -l)
expect_eq "killed: every message once" "$(ctl carol dump "$f" | wc -l)" "$count"

finish
