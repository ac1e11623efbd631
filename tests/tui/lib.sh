# Helpers for the terminal interface's tests (sourced after tests/lib.sh):
# the real binary runs in a detached tmux session on a private server
# socket; keys go in with send-keys and the screen comes back with
# capture-pane. Expectations poll the screen until the text shows up or a
# time limit passes: the limit only bounds a failing test, it is never
# what is asserted.

command -v tmux >/dev/null 2>&1 || {
	echo "SKIP: tmux is not installed"
	exit 77
}

tui_socket="fct-tui-$$"
trap 'tmux -L "$tui_socket" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
# How long an expectation may wait for the screen, in tenths of a second.
: "${TUI_WAIT:=300}"

# tui_start NAME CONF [COLUMNS ROWS]: runs facteur -c $tmp/CONF.conf in a
# new session NAME (with the assignments in $TUI_ENV, if any); its stderr
# goes to $tmp/NAME.err and its exit status to $tmp/NAME.status when it
# ends.
tui_start() {
	tmux -L "$tui_socket" new-session -d -s "$1" -x "${3:-120}" \
	    -y "${4:-40}" \
	    "${TUI_ENV:-} FACTEUR_THEMES='$top_srcdir/themes' '$FACTEUR' -c '$tmp/$2.conf' \
	    2>'$tmp/$1.err'; echo \$? >'$tmp/$1.status'; sleep 600"
}

tui_screen() { tmux -L "$tui_socket" capture-pane -p -t "$1"; }
# The screen with its colours and attributes, as escape sequences.
tui_screen_sgr() { tmux -L "$tui_socket" capture-pane -p -e -t "$1"; }
tui_keys() {
	s=$1
	shift
	tmux -L "$tui_socket" send-keys -t "$s" "$@"
}
# Literal text, not key names.
tui_type() { tmux -L "$tui_socket" send-keys -t "$1" -l "$2"; }

# tui_wait NAME WHAT REGEX: the screen of NAME shows REGEX (extended).
tui_wait() {
	i=0
	while [ "$i" -lt "$TUI_WAIT" ]; do
		if tui_screen "$1" | grep -Eq -- "$3"; then
			ok "$2"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	fail "$2: /$3/ never showed on the screen:
$(tui_screen "$1")
$(cat "$tmp/$1.err" 2>/dev/null)"
	return 1
}

# tui_wait_gone NAME WHAT REGEX: the screen stops showing REGEX.
tui_wait_gone() {
	i=0
	while [ "$i" -lt "$TUI_WAIT" ]; do
		if ! tui_screen "$1" | grep -Eq -- "$3"; then
			ok "$2"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	fail "$2: /$3/ stayed on the screen:
$(tui_screen "$1")"
	return 1
}

# wait_for WHAT COMMAND...: polls until COMMAND succeeds (server checks).
wait_for() {
	what=$1
	shift
	i=0
	while [ "$i" -lt "$TUI_WAIT" ]; do
		if "$@" >/dev/null 2>&1; then
			ok "$what"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	fail "$what: never became true: $*"
	return 1
}

# server_has USER FOLDER REGEX: a subject in FOLDER matches REGEX.
server_has() { ctl "$1" subjects "$2" | grep -Eq -- "$3"; }
server_lacks() { ! ctl "$1" subjects "$2" | grep -Eq -- "$3"; }

# tui_quit NAME: q until the program ends, then its exit status is 0.
tui_quit() {
	tui_keys "$1" q
	i=0
	while [ ! -f "$tmp/$1.status" ] && [ "$i" -lt "$TUI_WAIT" ]; do
		tui_keys "$1" q
		sleep 0.2
		i=$((i + 2))
	done
	expect_eq "$1: quits with status 0" 0 "$(cat "$tmp/$1.status" 2>/dev/null)"
}

# known_message FILE SUBJECT [DATE [MESSAGE-ID]]: a plain message, from
# $KNOWN_FROM (default lea.roux@example.test).
known_message() {
	cat >"$1" <<EOM
From: =?utf-8?q?L=C3=A9a_Roux?= <${KNOWN_FROM:-lea.roux@example.test}>
To: alice@example.test
Subject: $2
Date: ${3:-Thu, 26 Nov 2026 09:00:00 +0000}
Message-ID: <${4:-$$.$(date +%s%N)@example.test}>

Bonjour Alice,

Le corps du message "$2".
-- 
Léa
EOM
}
