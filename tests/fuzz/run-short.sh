#!/bin/sh
# run-short.sh: a short libFuzzer session per target, as part of
# `make check` in a build configured with --enable-fuzzing.
#
# Each target starts from a copy of its seed corpus (tests/fuzz/corpus/
# <target>/, so the source tree is never written to), uses its dictionary,
# and runs for FUZZ_TIME seconds (default 20). Any crash, leak, sanitizer
# report, timeout or failed oracle fails the test; the input that caused it
# is kept under tests/fuzz/crashes/ in the build tree, with the command that
# replays it. This is a smoke test: long runs are done by hand, e.g.
#   tests/fuzz/fuzz_mutf7 -dict=$srcdir/tests/fuzz/mutf7.dict corpus-dir
#
# Environment: top_srcdir, top_builddir (set by make check; default to this
# script's tree and the current folder), FUZZ_TIME, FUZZ_TARGETS (a
# space-separated subset of the targets below).

set -eu

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-.}
fuzz_time=${FUZZ_TIME:-20}
targets=${FUZZ_TARGETS:-fuzz_mutf7 fuzz_config fuzz_query fuzz_render fuzz_html fuzz_rules fuzz_aliases}

# Sanitizer reports must stop the run: UBSan only warns unless told so.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

work=$(mktemp -d "${TMPDIR:-/tmp}/fct-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
crashes=$top_builddir/tests/fuzz/crashes

failures=0
for target in $targets; do
	bin=$top_builddir/tests/fuzz/$target
	name=${target#fuzz_}
	dict=$top_srcdir/tests/fuzz/$name.dict
	seeds=$top_srcdir/tests/fuzz/corpus/$target
	if [ ! -x "$bin" ]; then
		echo "FAIL: $target: $bin is not built"
		failures=$((failures + 1))
		continue
	fi

	mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
	cp "$seeds"/* "$work/$target/corpus/"
	echo "== $target: ${fuzz_time}s"
	# libFuzzer's default exit code for a crash is 77, which make check
	# would count as a skip: ask for 1.
	rc=0
	"$bin" -max_total_time="$fuzz_time" -rss_limit_mb=2048 -timeout=10 \
	    -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
	    -dict="$dict" -artifact_prefix="$work/$target/artifacts/" \
	    "$work/$target/corpus" || rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "ok: $target"
		continue
	fi

	echo "FAIL: $target exited with status $rc"
	failures=$((failures + 1))
	mkdir -p "$crashes"
	for a in "$work/$target/artifacts"/*; do
		[ -f "$a" ] || continue
		cp "$a" "$crashes/$target-${a##*/}"
		echo "  kept $crashes/$target-${a##*/}; replay with:"
		echo "  $bin $crashes/$target-${a##*/}"
	done
done

if [ "$failures" -ne 0 ]; then
	echo "$failures fuzz target(s) failed"
	exit 1
fi
exit 0
