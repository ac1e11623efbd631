#!/bin/sh
# `facteur watch`: the account worker against the test bed, through a proxy
# of our own (tcpproxy.py) so that the network can fail without touching
# the servers other tests share.
#  - it syncs, then idles on INBOX;
#  - mail delivered to carol is reported (changed, new) within seconds and
#    is in the cache afterwards;
#  - when the proxy cuts every connection, the worker reports offline and
#    retrying, reconnects once the proxy is back, picks up the mail that
#    came meanwhile, and still sees new mail;
#  - with the network frozen mid-IDLE, SIGTERM still ends it within
#    seconds (the blocked read is cancelled), its last event "stopped".
# Every wait has a limit; facteur watch itself has --timeout as a net.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require
tb_lock_inboxes

proxy=
watcher=
cleanup() {
	[ -z "$watcher" ] || kill -9 "$watcher" 2>/dev/null || true
	[ -z "$proxy" ] || kill -9 "$proxy" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

ctl() { python3 "$top_srcdir/tests/integration/imapctl.py" "$@"; }

now_ms() { date +%s%3N; }

# wait_for WHAT REGEX SECONDS: waits for a line matching REGEX after line
# $mark of the events; sets $line. Fails (and returns 1) on time out.
wait_for() {
	deadline=$(($(now_ms) + $3 * 1000))
	while :; do
		line=$(tail -n +"$((mark + 1))" "$tmp/events" | grep -E -m1 -- "$2" || true)
		if [ -n "$line" ]; then
			ok "$1"
			return 0
		fi
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "$1: /$2/ not seen within $3 s; events since line $mark:
$(tail -n +"$((mark + 1))" "$tmp/events")
stderr: $(cat "$tmp/watch.err")"
			return 1
		fi
		sleep 0.1
	done
}

# set_mark: later waits look only at events from now on.
set_mark() { mark=$(wc -l <"$tmp/events"); }

# deliver SUBJECT: a message to carol through the MX port (Postfix, then
# LMTP into Dovecot), or appended over IMAP when the bed has no Postfix.
deliver() {
	if [ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ] && command -v swaks >/dev/null; then
		swaks --silent 2 --server 127.0.0.1 --port "$FCT_TB_MX_PORT" \
			--from watcher@example.test --to carol@example.test \
			--header "Subject: $1" --body "sent by watch.sh" ||
			fail "swaks could not deliver '$1'"
	else
		printf 'From: watcher@example.test\nTo: carol@example.test\nSubject: %s\n\nsent by watch.sh\n' \
			"$1" >"$tmp/msg.eml"
		ctl carol append INBOX "$tmp/msg.eml"
	fi
}

# in_cache SUBJECT: the message is in the cache (no network asked).
in_cache() {
	if "$FACTEUR" -c "$tmp/w.conf" list t:INBOX --offline >"$tmp/list" 2>&1 &&
		grep -Fq "	$1	" "$tmp/list"; then
		ok "'$1' is in the cache"
	else
		fail "'$1' is not in the cache:
$(cat "$tmp/list")"
	fi
}

tb_proxy "$FCT_TB_IMAPS_PORT"
port=$proxy_port

# The certificate names 127.0.0.1, so TLS through the proxy verifies.
cat >"$tmp/w.conf" <<EOC
[general]
cache_dir = $tmp/cache

[account t]
email = carol@example.test
imap = imaps://127.0.0.1:$port
password_command = cat $FCT_TB_DIR/pw-carol
ca_file = $FCT_TB_CA
EOC

: >"$tmp/events"
"$FACTEUR" -c "$tmp/w.conf" watch t --timeout 55 >"$tmp/events" 2>"$tmp/watch.err" &
watcher=$!
mark=0

# --- Up and idle ------------------------------------------------------------
wait_for "connects through the proxy" '^t	online$' 10 || finish
wait_for "idles on INBOX" '^t	idle	INBOX	idle$' 30 || finish

# --- New mail while idle ------------------------------------------------------
tag=$$-$(now_ms)
set_mark
deliver "watch one $tag"
wait_for "new mail reported" '^t	new	INBOX	[1-9][0-9]*$' 15
wait_for "INBOX reported changed" '^t	changed	INBOX$' 1
wait_for "idle again" '^t	idle	INBOX	idle$' 5
in_cache "watch one $tag"

# --- The network fails, then comes back -------------------------------------
set_mark
kill -USR1 "$proxy"
wait_for "offline when cut" '^t	offline	.+' 10
wait_for "retrying with a delay" '^t	retrying	[0-9]+\.[0-9]{3}$' 5
# Mail that arrives while the worker is away (straight to the server).
deliver "watch two $tag"
sleep 2
# The lost connection and at least one refused attempt, each reported.
n=$(tail -n +"$((mark + 1))" "$tmp/events" | grep -c '^t	offline	' || true)
if [ "$n" -ge 2 ]; then
	ok "failed attempts reported ($n offline events)"
else
	fail "only $n offline event(s) while cut:
$(tail -n +"$((mark + 1))" "$tmp/events")"
fi
kill -USR2 "$proxy"
wait_for "online again" '^t	online$' 20
wait_for "mail from the outage found" '^t	new	INBOX	[1-9][0-9]*$' 15
wait_for "idle again after reconnecting" '^t	idle	INBOX	idle$' 20
in_cache "watch two $tag"

set_mark
deliver "watch three $tag"
wait_for "new mail after reconnecting" '^t	new	INBOX	[1-9][0-9]*$' 15
in_cache "watch three $tag"

# --- Stop while the network is frozen ---------------------------------------
wait_for "idle before the freeze" '^t	idle	INBOX	idle$' 10
set_mark
kill -HUP "$proxy"
sleep 0.3
t0=$(now_ms)
kill -TERM "$watcher"
i=0
while kill -0 "$watcher" 2>/dev/null && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$watcher" 2>/dev/null; then
	fail "watch still runs 10 s after SIGTERM with the network frozen"
else
	set +e
	wait "$watcher"
	rc=$?
	set -e
	elapsed=$(($(now_ms) - t0))
	watcher=
	expect_eq "exit status after SIGTERM" 0 "$rc"
	if [ "$elapsed" -lt 5000 ]; then
		ok "stopped in ${elapsed} ms with the network frozen"
	else
		fail "stopping took ${elapsed} ms"
	fi
	expect_eq "last event" "t	stopped" "$(tail -n 1 "$tmp/events")"
fi
kill -TERM "$proxy" 2>/dev/null || true

finish
