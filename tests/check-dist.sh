#!/bin/sh
# What `make dist` packs (the Makefile's DISTFILES, read without making
# the tarball): every header, test script, test helper, script and page
# of the source tree is listed, and nothing is listed as a directory,
# which distdir would copy from the build tree too (objects, test logs).
# Data directories of a single kind (tests/data/mime, tests/fuzz/corpus)
# are the exception: a build never writes there.
set -eu
. "$(dirname "$0")/lib.sh"

# MAKEFLAGS emptied: a `make check TESTS=...` must not shrink TESTS here.
printf 'fct-print-distfiles:\n\t@for f in $(DISTFILES); do echo "$$f"; done\n' |
	MAKEFLAGS= ${MAKE:-make} -s -C "$top_builddir" -f Makefile -f - fct-print-distfiles \
	>"$tmp/raw" 2>"$tmp/err" || {
	fail "cannot read DISTFILES: $(cat "$tmp/err")"
	finish
}
# Relative to the source tree, as distdir strips it.
src=$(cd "$top_srcdir" && pwd)
sed -e "s|^$src/||" -e 's|^\./||' "$tmp/raw" | sort -u >"$tmp/listed"

missing=
cd "$top_srcdir"
for f in include/facteur/*.h tests/*.sh tests/*/*.sh tests/*/*.py \
	tests/servers/* scripts/* .ci/* doc/*.md doc/*.[15] themes/*; do
	[ -f "$f" ] || continue
	case $f in
	*.o | *.log | *.trs | */__pycache__*) continue ;;
	esac
	grep -qxF "$f" "$tmp/listed" || missing="$missing $f"
done
expect_eq "every source file is in the tarball" "" "$missing"

dirs=
while read -r f; do
	case $f in
	tests/data/mime | tests/fuzz/corpus) continue ;;
	esac
	[ ! -d "$f" ] || dirs="$dirs $f"
done <"$tmp/listed"
expect_eq "no directory is listed" "" "$dirs"
expect_match "the public headers are listed" "^include/facteur/core\.h$" "$(cat "$tmp/listed")"
finish
