# Shared by the integration tests (sourced, POSIX sh). The harness exports
# FACTEUR (the binary under test) and, when the test bed runs, FCT_TB_DIR.

: "${FACTEUR:?FACTEUR must name the facteur binary}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fct-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Skips (exit 77) when no test bed is running, else loads its ports.
tb_require() {
	if [ -z "${FCT_TB_DIR:-}" ] || [ ! -f "$FCT_TB_DIR/env.sh" ]; then
		echo "SKIP: no test bed (run tests/servers/start, export FCT_TB_DIR)"
		exit 77
	fi
	. "$FCT_TB_DIR/env.sh"
}

# tb_lock_inboxes: for a test that delivers mail to the users' INBOXes and
# counts what arrives there, or that changes what arrives (rules, Sieve,
# POP3 deletion): waits until no other such test runs on this bed (make
# check runs tests in parallel), then holds the lock until the test exits.
# Tests that work in folders of their own need no lock.
tb_lock_inboxes() {
	exec 9>"$FCT_TB_DIR/inboxes.lock"
	flock 9
}

failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
ok() { echo "ok: $*"; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1: expected '$2', got '$3'"
	fi
}

# expect_match WHAT EXTENDED-REGEX TEXT
expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		ok "$1"
	else
		fail "$1: /$2/ not found in:
$3"
	fi
}

# expect_no_match WHAT EXTENDED-REGEX TEXT
expect_no_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		fail "$1: /$2/ unexpectedly found in:
$3"
	else
		ok "$1"
	fi
}

# run ARGS...: runs facteur, leaving stdout in $out, stderr in $err and the
# exit status in $rc.
run() {
	set +e
	"$FACTEUR" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	set -e
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# Ends the test: status 1 when any expectation failed.
finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures expectation(s) failed" >&2
		exit 1
	fi
	exit 0
}

# --- helpers for tests against the test bed (after tb_require) ---

# Another IMAP client, and Dovecot's admin tool on the bed's config.
ctl() { python3 "$top_srcdir/tests/integration/imapctl.py" "$@"; }
doveadm_() { doveadm -c "$FCT_TB_DOVECOT_CONF" "$@"; }

# tb_conf NAME USER [URL [EXTRA-LINE]]: writes $tmp/NAME.conf, USER's
# account "t" (IMAPS by default) with a cache of its own in $tmp.
tb_conf() {
	cat >"$tmp/$1.conf" <<EOC
[general]
cache_dir = $tmp/cache-$1

[account t]
email = $2@example.test
imap = ${3:-imaps://127.0.0.1:$FCT_TB_IMAPS_PORT}
password_command = cat $FCT_TB_DIR/pw-$2
ca_file = $FCT_TB_CA
${4:-}
EOC
}

# same_as_server CONF USER FOLDER WHAT: the cache of $tmp/CONF.conf holds
# exactly the server's UIDs and flags for FOLDER, by the server's own word.
same_as_server() {
	"$FACTEUR" -c "$tmp/$1.conf" list "t:$3" --offline >"$tmp/list" ||
		fail "$4: list failed"
	cut -f1,5 "$tmp/list" | sort -n >"$tmp/cache"
	ctl "$2" dump "$3" >"$tmp/server"
	if cmp -s "$tmp/cache" "$tmp/server"; then
		ok "$4: cache equals server in '$3' ($(wc -l <"$tmp/server") messages)"
	else
		fail "$4: cache differs from server in '$3':
$(diff "$tmp/server" "$tmp/cache" | head -20)"
	fi
}

# tb_pop_conf NAME USER [EXTRA-LINE]: writes $tmp/NAME.conf, USER's POP3
# account "t" (POP3S) with a cache of its own in $tmp (kept when the file
# is written again with another EXTRA-LINE).
tb_pop_conf() {
	cat >"$tmp/$1.conf" <<EOC
[general]
cache_dir = $tmp/cache-$1

[account t]
email = $2@example.test
pop = pops://127.0.0.1:$FCT_TB_POP3S_PORT
password_command = cat $FCT_TB_DIR/pw-$2
ca_file = $FCT_TB_CA
${3:-}
EOC
}

# The test bed's POP3 and LMTP side (tests/integration/popctl.py).
popctl() { python3 "$top_srcdir/tests/integration/popctl.py" "$@"; }

# tb_proxy PORT: tests/integration/tcpproxy.py in front of 127.0.0.1:PORT
# (TCPPROXY_RATE from the environment), its pid in $proxy, the port it
# listens on in $proxy_port, its log in $tmp/proxy.log.
tb_proxy() {
	python3 "$top_srcdir/tests/integration/tcpproxy.py" "$tmp/proxy.port" \
	    127.0.0.1 "$1" 2>"$tmp/proxy.log" &
	proxy=$!
	i=0
	while [ ! -s "$tmp/proxy.port" ]; do
		i=$((i + 1))
		[ "$i" -lt 50 ] || {
			fail "the proxy did not start: $(cat "$tmp/proxy.log")"
			finish
		}
		sleep 0.1
	done
	proxy_port=$(cat "$tmp/proxy.port")
}
