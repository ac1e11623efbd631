#!/bin/sh
# check-layers-selftest.sh: proves that tests/check-layers.sh can fail.
#
# Builds a small fake source tree in a temporary folder that uses every
# allowance of the layer tables (so a checker that is too strict fails
# here), checks that it is accepted, then adds one forbidden #include at a
# time to a fresh copy and checks that the checker rejects it, naming the
# right file:line and nothing else. A checker that accepts everything, or
# that stops looking at some kind of file, fails this test.

set -eu

top_srcdir=${top_srcdir:-$(dirname "$0")/..}
checker=$(cd "$top_srcdir" && pwd -P)/tests/check-layers.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

failures=0

# put FILE LINE...: writes the lines to FILE under the clean tree.
put() {
	_f=$tmp/clean/$1
	shift
	mkdir -p "$(dirname "$_f")"
	printf '%s\n' "$@" >"$_f"
}

# The clean tree: one or more files per layer, each including what its
# layer may include. Line numbers matter only in the broken copies.
put include/facteur/core.h '#include <stdio.h>'
put include/facteur/core_config.h '#include "facteur/core.h"'
put include/facteur/net.h '#include <libetpan/libetpan.h>' \
    '#include "facteur/core.h"'
put include/facteur/imap.h '#include "facteur/net.h"' \
    '#include <libetpan/mailimap.h>'
put include/facteur/smtp.h '#include "facteur/net.h"'
put include/facteur/pop.h '#include "facteur/net.h"'
put include/facteur/store.h '#include "facteur/core.h"'
put include/facteur/query.h '#include "facteur/core.h"'
put include/facteur/rules.h '#include "facteur/query.h"'
put include/facteur/mime.h '#include "facteur/core.h"'
put include/facteur/crypto.h '#include "facteur/core.h"'
put include/facteur/sync.h '#include "facteur/imap.h"' \
    '#include "facteur/smtp.h"' '#include "facteur/pop.h"' \
    '#include "facteur/store.h"' '#include "facteur/rules.h"' \
    '#include "facteur/mime.h"'
put include/facteur/ui.h '#include "facteur/sync.h"'
put include/facteur/cli.h '#include "facteur/sync.h"' \
    '#include "facteur/crypto.h"'
put src/core/util.c '#include "config.h"' '#include <stdlib.h>' \
    '#include "facteur/core_config.h"'
put src/net/tls.c '#include <openssl/ssl.h>' '#include "facteur/net.h"'
put src/imap/private.h '#include "facteur/imap.h"'
put src/imap/mutf7.h '#include "facteur/core.h"'
put src/imap/session.c '#include "private.h"' '#include "mutf7.h"' \
    '#include <libetpan/libetpan.h>'
put src/smtp/send.c '#include <openssl/ssl.h>' '#include "facteur/smtp.h"'
put src/pop/session.c '#include "facteur/pop.h"'
put src/store/db.c '/*' ' * #include <curses.h> in a comment is ignored' \
    ' */' '#include <sqlite3.h>' '#include "facteur/store.h"'
put src/query/parse.c '#include "facteur/query.h"'
put src/rules/eval.c '#include "facteur/rules.h"' '#include "facteur/query.h"'
put src/mime/parse.c '#include <gmime/gmime.h>' '#include <libxml/parser.h>' \
    '#include "facteur/mime.h"'
put src/crypto/gpg.c '#include <gpgme.h>' '#include <gmime/gmime.h>' \
    '#include "facteur/crypto.h"'
put src/sync/worker.c '#include "facteur/sync.h"' '#include "facteur/net.h"'
put src/ui/index.c '#include <curses.h>' '#include <ncursesw/term.h>' \
    '#include <term.h>' '#include "facteur/ui.h"' '#include "private.h"'
put src/ui/private.h '#include "facteur/ui.h"'
put src/cli/main.c '#include "facteur/cli.h"' '#include "facteur/net.h"'
put src/facteur.c '#include "facteur/ui.h"' '#include "facteur/cli.h"'
put tests/unit/imap/test_mutf7.c '#include <cmocka.h>' '#include "mutf7.h"' \
    '#include "facteur/net.h"'
put tests/unit/store/test_db.c '#include <sqlite3.h>' \
    '#include "facteur/store.h"'
put tests/unit/query/sqlite_fns.h '#include <sqlite3.h>' \
    '#include "facteur/query.h"'

# run DIR: runs the checker on DIR; sets rc and out.
run() {
	rc=0
	out=$(top_srcdir=$1 sh "$checker" 2>"$tmp/stderr") || rc=$?
}

run "$tmp/clean"
if [ "$rc" -ne 0 ]; then
	echo "FAIL: the clean tree was rejected (exit $rc):"
	printf '%s\n' "$out"
	cat "$tmp/stderr"
	exit 1
fi
echo "ok: clean tree accepted"

# reject NAME FILE EXPECTED LINE...: in a fresh copy of the clean tree,
# appends the lines to FILE (creating it), and expects the checker to exit 1
# with exactly one violation, which contains EXPECTED.
reject() {
	_name=$1 _file=$2 _expected=$3
	shift 3
	_dir=$tmp/case
	rm -rf "$_dir"
	cp -R "$tmp/clean" "$_dir"
	mkdir -p "$(dirname "$_dir/$_file")"
	printf '%s\n' "$@" >>"$_dir/$_file"
	run "$_dir"
	if [ "$rc" -ne 1 ]; then
		echo "FAIL: $_name: exit $rc, expected 1"
	elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
		echo "FAIL: $_name: expected one violation, got:"
	else
		case $out in
		*"$_expected"*)
			echo "ok: $_name"
			return 0
			;;
		esac
		echo "FAIL: $_name: no '$_expected' in the output:"
	fi
	printf '%s\n' "$out"
	cat "$tmp/stderr"
	failures=$((failures + 1))
}

# The four cases of the brief, then the rest of the rules.
reject "curses in store" src/store/db.c \
    "src/store/db.c:6: store may not include <curses.h> (allowed in: ui)" \
    '#include <curses.h>'
reject "imap header from store" src/store/db.c \
    'src/store/db.c:6: store may not include "facteur/imap.h" (layer imap;' \
    '#include "facteur/imap.h"'
reject "sqlite in ui" src/ui/index.c \
    "src/ui/index.c:6: ui may not include <sqlite3.h> (allowed in: store" \
    '#include <sqlite3.h>'
reject "sqlite in query, whose tests may have it" src/query/parse.c \
    "src/query/parse.c:2: query may not include <sqlite3.h> (allowed in: store test:query)" \
    '#include <sqlite3.h>'
reject "sqlite in a public header of query" include/facteur/query.h \
    "include/facteur/query.h:2: public header of query may not include <sqlite3.h>" \
    '#include <sqlite3.h>'
reject "sqlite in the unit tests of rules" tests/unit/rules/test_eval.c \
    "tests/unit/rules/test_eval.c:1: rules may not include <sqlite3.h>" \
    '#include <sqlite3.h>'
reject "private header across layers" src/store/db.c \
    'src/store/db.c:6: store may not include "../imap/private.h", private' \
    '#include "../imap/private.h"'
reject "private header through -I src" src/sync/worker.c \
    'src/sync/worker.c:3: sync may not include "imap/mutf7.h", private' \
    '#include "imap/mutf7.h"'
reject "private header found by name" src/sync/worker.c \
    'src/sync/worker.c:3: sync may not include "mutf7.h", private to imap' \
    '#include "mutf7.h"'
reject "ambiguous private header" tests/unit/store/test_db.c \
    'tests/unit/store/test_db.c:3: "private.h" names a private header in' \
    '#include "private.h"'
reject "private header in a public one" include/facteur/imap.h \
    'include/facteur/imap.h:3: public header includes "../../src/imap/' \
    '#include "../../src/imap/private.h"'
reject "unit test of a lower layer" tests/unit/net/test_tls.c \
    'tests/unit/net/test_tls.c:1: net may not include "facteur/imap.h"' \
    '#include "facteur/imap.h"'
reject "unit test of another layer's private header" \
    tests/unit/net/test_tls.c \
    'tests/unit/net/test_tls.c:1: net may not include "mutf7.h", private' \
    '#include "mutf7.h"'
reject "upward include in a public header" include/facteur/core.h \
    'include/facteur/core.h:2: core may not include "facteur/net.h"' \
    '#include "facteur/net.h"'
reject "sqlite in a public header" include/facteur/store.h \
    "include/facteur/store.h:2: public header of store may not include" \
    '#include <sqlite3.h>'
reject "ui from sync" src/sync/worker.c \
    'src/sync/worker.c:3: sync may not include "facteur/ui.h"' \
    '#include "facteur/ui.h"'
reject "ui from cli" src/cli/main.c \
    'src/cli/main.c:3: cli may not include "facteur/ui.h"' \
    '#include "facteur/ui.h"'
reject "query from mime" src/mime/parse.c \
    'src/mime/parse.c:4: mime may not include "facteur/query.h"' \
    '#include "facteur/query.h"'
reject "ncursesw outside ui" src/cli/main.c \
    "src/cli/main.c:3: cli may not include <ncursesw/curses.h>" \
    '#include <ncursesw/curses.h>'
reject "curses in main" src/facteur.c \
    "src/facteur.c:3: main may not include <curses.h>" \
    '#include <curses.h>'
reject "libetpan in store" src/store/db.c \
    "src/store/db.c:6: store may not include <libetpan/libetpan.h>" \
    '#include <libetpan/libetpan.h>'
reject "openssl in imap" src/imap/session.c \
    "src/imap/session.c:4: imap may not include <openssl/ssl.h>" \
    '#include <openssl/ssl.h>'
reject "gpgme in mime" src/mime/parse.c \
    "src/mime/parse.c:4: mime may not include <gpgme.h>" \
    '#include <gpgme.h>'
reject "libxml in crypto" src/crypto/gpg.c \
    "src/crypto/gpg.c:4: crypto may not include <libxml/parser.h>" \
    '#include <libxml/parser.h>'
reject "gmime in a unit test of core" tests/unit/core/test_util.c \
    "tests/unit/core/test_util.c:1: core may not include <gmime/gmime.h>" \
    '#  include <gmime/gmime.h>'
reject "unknown layer" src/cmd/cmd-list.c \
    "src/cmd/cmd-list.c:1: 'cmd' is not a known layer" \
    '#include "facteur/core.h"'
reject "public header of no layer" src/core/util.c \
    'src/core/util.c:4: "facteur/compat.h" belongs to no layer' \
    '#include "facteur/compat.h"'
reject "included source file" src/ui/index.c \
    'src/ui/index.c:6: includes the source file "index-curses.c"' \
    '#include "index-curses.c"'

# A table with a cycle must be refused before any file is looked at.
sed 's/^core:$/core: ui/' "$checker" >"$tmp/cyclic.sh"
rc=0
top_srcdir=$tmp/clean sh "$tmp/cyclic.sh" >/dev/null 2>"$tmp/stderr" || rc=$?
if [ "$rc" -eq 2 ] && grep -q 'has a cycle' "$tmp/stderr"; then
	echo "ok: cyclic table refused"
else
	echo "FAIL: cyclic table: exit $rc"
	cat "$tmp/stderr"
	failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
	echo "$failures case(s) failed"
	exit 1
fi
exit 0
