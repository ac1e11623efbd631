#!/bin/sh
# The manual pages format without a single groff warning (-ww: all of
# them), as man(1) would format them but without preconv, so that a
# character groff cannot take as it is (write \('e for é) is caught too.
# A page with a planted fault must fail, or the check proves nothing.
set -eu
. "$(dirname "$0")/lib.sh"

command -v groff >/dev/null || {
	fail "groff not found (scripts/deps installs groff-base)"
	finish
}
# check NAME PAGE: ok when groff says nothing about PAGE.
check() {
	w=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww "$2" 2>&1 >/dev/null) ||
		w="groff failed: $w"
	if [ -z "$w" ]; then
		ok "$1: no groff warning"
	else
		fail "$1: groff warns:
$w"
	fi
}
check facteur.1 "$top_srcdir/doc/facteur.1"
check facteur.5 "$top_srcdir/doc/facteur.5"

# The check itself: a raw é and an unknown request are reported.
{
	cat "$top_srcdir/doc/facteur.5"
	printf '.BR "Projets/\303\211t\303\251 2026" ).\n.XY unknown\n'
} >"$tmp/bad.5"
w=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww "$tmp/bad.5" 2>&1 >/dev/null || true)
expect_match "planted fault: raw UTF-8 reported" "invalid input character code" "$w"
expect_match "planted fault: unknown macro reported" "macro 'XY' not defined|XY" "$w"
finish
