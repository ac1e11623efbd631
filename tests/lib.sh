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
