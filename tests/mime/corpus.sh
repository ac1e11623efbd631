#!/bin/sh
# corpus.sh: renders every message of tests/data/mime/ with `facteur show`
# and compares the output with its golden file (NAME.out, reviewed by hand
# when written). NAME.args, when present, holds extra options.
#
# The environment is pinned so that the renderings do not depend on the
# machine: time zone Europe/Paris, a UTF-8 C locale (for wcwidth), and no
# mailcap (the built-in HTML converter).
#
# FCT_UPDATE_GOLDEN=1 rewrites the golden files instead (then review the
# diff before committing it).

set -u
. "${top_srcdir:-.}/tests/lib.sh"

data=$top_srcdir/tests/data/mime
TZ=Europe/Paris LC_ALL=C.UTF-8 MAILCAPS=/dev/null XDG_CONFIG_HOME=$tmp/xdg
export TZ LC_ALL MAILCAPS XDG_CONFIG_HOME
work=$tmp

n=0
for eml in "$data"/*.eml; do
	name=${eml##*/}
	name=${name%.eml}
	args=
	[ -f "$data/$name.args" ] && args=$(cat "$data/$name.args")
	n=$((n + 1))
	# shellcheck disable=SC2086 # args is a list of options
	if ! "$FACTEUR" show $args "$eml" >"$work/$name.out" 2>"$work/$name.err"; then
		fail "$name: facteur show failed: $(cat "$work/$name.err")"
		continue
	fi
	if [ "${FCT_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$work/$name.out" "$data/$name.out"
		continue
	fi
	if [ ! -f "$data/$name.out" ]; then
		fail "$name: no golden file $name.out"
	elif diff -u "$data/$name.out" "$work/$name.out" >"$work/$name.diff"; then
		ok "$name"
	else
		fail "$name: rendering differs from the golden file"
		cat "$work/$name.diff"
	fi
done
[ "$n" -ge 60 ] || fail "only $n messages in the corpus"
finish
