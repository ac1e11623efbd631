#!/bin/sh
# check-layers.sh: rejects #include lines that cross facteur's layer
# boundaries (doc/ARCHITECTURE.md, "Layer dependencies").
#
# Every C file and header under src/, include/facteur/ and tests/unit/ is
# given a layer: src/<layer>/... and tests/unit/<layer>/... by folder,
# include/facteur/<layer>.h and <layer>_*.h by name, src/facteur.c is "main".
# Each #include is then resolved to a layer's public header, a layer's
# private header (a header under src/<layer>/), an external library's
# header, or something else (libc, config.h), and checked against the two
# tables below. Violations are listed as file:line: what is wrong; the exit
# status is 1 when there is any, 0 otherwise.
#
# Usage: tests/check-layers.sh   (run from make check, which sets top_srcdir;
# otherwise the tree is the script's parent folder)

set -eu

# ---------------------------------------------------------------------------
# The rules. Edit these tables, not the code below, and keep the copy in
# doc/ARCHITECTURE.md in step.
#
# Layer dependencies: "layer: the layers it may include", besides itself.
# The graph must stay acyclic; the script checks that too.
LAYER_DEPS='
core:
net:    core
imap:   query net core
pop:    net core
smtp:   net core
sieve:  net core
store:  query core
mime:   core
query:  core
crypto: core
rules:  query core
sync:   imap pop smtp store rules query mime net core
ui:     sync rules query mime store core
cli:    sync rules crypto query mime store smtp pop imap sieve net core
main:   ui cli sync rules crypto query mime store smtp pop imap sieve net core
'

# External libraries: "header pattern: where it may be included". The
# pattern is a shell glob on the name between <>. A plain layer name allows
# src/<layer>/ and tests/unit/<layer>/; "pub:<layer>" also allows that
# layer's public headers; "test:<layer>" allows tests/unit/<layer>/ only
# (a test may check a layer against the library it serves, as the query
# tests run their SQL in SQLite). Headers that match no pattern are the
# system's.
EXTERNAL_RULES='
curses.h:    ui
ncurses*:    ui
term.h:      ui
libetpan/*:  net imap pop smtp sieve pub:net pub:imap pub:pop pub:smtp
sqlite3.h:   store test:query
gmime/*:     mime crypto
libxml/*:    mime
gpgme.h:     crypto
openssl/*:   net smtp
'
# Private headers (src/<layer>/*.h) may be included from src/<layer>/ and
# tests/unit/<layer>/ only, never from a public header.
# ---------------------------------------------------------------------------

top=${top_srcdir:-$(dirname "$0")/..}
top=$(cd "$top" && pwd -P)

# Load LAYER_DEPS into deps_<layer> variables; `layers` lists them in order.
# Layer names are plain words, so eval is safe here.
layers=
# shellcheck disable=SC2034 # deps is read through eval
while IFS=: read -r name deps; do
	[ -n "$name" ] || continue
	layers="$layers $name"
	eval "deps_$name=\$deps"
done <<EOF
$LAYER_DEPS
EOF

# Sets _deps to the dependencies of layer $1.
_deps=
load_deps() {
	eval "_deps=\$deps_$1"
}

# Succeeds when $1 is a layer of the table.
is_layer() {
	case " $layers " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# Succeeds when layer $1 may include the public headers of layer $2.
may_use() {
	[ "$1" = "$2" ] && return 0
	load_deps "$1"
	case " $_deps " in
	*" $2 "*) return 0 ;;
	esac
	return 1
}

# The table must be a DAG naming only known layers: peel off the layers
# whose dependencies are all peeled already; whatever is left is a cycle.
check_table() {
	left=$layers
	while [ -n "$left" ]; do
		next=
		progress=no
		for l in $left; do
			load_deps "$l"
			ready=yes
			for d in $_deps; do
				if ! is_layer "$d"; then
					echo "check-layers.sh: layer '$l' depends" \
					    "on unknown layer '$d'" >&2
					exit 2
				fi
				case " $left " in
				*" $d "*) ready=no ;;
				esac
			done
			if [ "$ready" = yes ]; then
				progress=yes
			else
				next="$next $l"
			fi
		done
		if [ "$progress" = no ]; then
			echo "check-layers.sh: the layer table has a cycle" \
			    "among:$left" >&2
			exit 2
		fi
		left=$next
	done
}

# The helpers below return results in variables rather than on standard
# output: a command substitution forks, and they run for every #include.

# Sets _kind and _layer for a path relative to $top: _kind is src, test or
# pub, or empty for other files. A folder that is no layer gives its name
# as _layer; the caller reports it.
classify() {
	_kind='' _layer=''
	case $1 in
	src/*/*)
		_kind=src _layer=${1#src/}
		_layer=${_layer%%/*}
		;;
	src/*) _kind=src _layer=main ;;
	tests/unit/*/*)
		_kind=test _layer=${1#tests/unit/}
		_layer=${_layer%%/*}
		;;
	include/facteur/*)
		_kind=pub _layer=${1##*/}
		_layer=${_layer%.h}
		_layer=${_layer%%_*}
		;;
	esac
}

# Sets _norm to the absolute path $1 with "." and ".." folded, textually.
normalize() {
	_norm=
	_saved_ifs=$IFS
	IFS=/
	set -f
	for _seg in $1; do
		case $_seg in
		'' | .) ;;
		..) _norm=${_norm%/*} ;;
		*) _norm="$_norm/$_seg" ;;
		esac
	done
	set +f
	IFS=$_saved_ifs
}

# Sets _target to where the quoted include "$2", written in file $1 (of
# layer $3), is found, relative to $top. The search follows the build: next
# to the file, then the -I paths (include/, src/, the top), then, for unit
# tests built with -I src/<layer>, that folder and then the one src/ folder
# that has such a header ("ambiguous" when several do). _target is empty
# when nothing matches (a generated header such as config.h).
resolve_quoted() {
	_target=
	for _c in "$top/${1%/*}/$2" "$top/include/$2" "$top/src/$2" \
	    "$top/$2" "$top/src/$3/$2"; do
		if [ -f "$_c" ]; then
			normalize "$_c"
			_target=${_norm#"$top"/}
			return 0
		fi
	done
	case $2 in
	*/*) return 0 ;;
	esac
	set -- "$top"/src/*/"$2"
	if [ $# -gt 1 ]; then
		_target=ambiguous
	elif [ -f "$1" ]; then
		_target=${1#"$top"/}
	fi
	return 0
}

# Checks one #include: file $1, line $2, layer $3, kind $4 (src, test,
# pub), delimiter $5 (< or "), header name $6. Prints a violation, if any.
check_include() {
	file=$1 line=$2 layer=$3 kind=$4 delim=$5 hdr=$6
	where="$file:$line"
	if [ "$delim" = '<' ]; then
		shown="<$hdr>"
	else
		shown="\"$hdr\""
	fi

	case $hdr in
	*.c)
		echo "$where: includes the source file $shown; pick variants" \
		    "with automake conditionals instead"
		return 0
		;;
	esac

	# Public headers are known by name, whether or not they exist yet.
	_target=
	case $hdr in
	facteur/*) _target=include/$hdr ;;
	*) [ "$delim" = '"' ] && resolve_quoted "$file" "$hdr" "$layer" ;;
	esac

	case $_target in
	ambiguous)
		echo "$where: $shown names a private header in several" \
		    "layers; include it with its folder"
		;;
	include/facteur/*)
		classify "$_target"
		if ! is_layer "$_layer"; then
			echo "$where: $shown belongs to no layer; add" \
			    "'$_layer' to tests/check-layers.sh"
		elif ! may_use "$layer" "$_layer"; then
			load_deps "$layer"
			echo "$where: $layer may not include $shown" \
			    "(layer $_layer; $layer may use:${_deps:- libc only})"
		fi
		;;
	src/*/*)
		classify "$_target"
		if [ "$kind" = pub ]; then
			echo "$where: public header includes $shown, private" \
			    "to $_layer"
		elif [ "$_layer" != "$layer" ]; then
			echo "$where: $layer may not include $shown, private" \
			    "to $_layer"
		fi
		;;
	'')
		[ "$delim" = '<' ] && check_external "$where" "$layer" \
		    "$kind" "$hdr" "$shown"
		;;
	esac
	return 0
}

# Checks the angle-bracket include <$4> at $1 (file:line), written in a
# file of layer $2 and kind $3, against EXTERNAL_RULES; $5 is it as shown.
check_external() {
	while IFS=: read -r pat allowed; do
		[ -n "$pat" ] || continue
		# shellcheck disable=SC2254 # pat is a glob on purpose
		case $4 in
		$pat) ;;
		*) continue ;;
		esac
		if [ "$3" = pub ]; then
			want="pub:$2"
			who="public header of $2"
		else
			want=$2
			who=$2
		fi
		case " $allowed " in
		*" $want "*) return 0 ;;
		esac
		if [ "$3" = test ]; then
			case " $allowed " in
			*" test:$2 "*) return 0 ;;
			esac
		fi
		# Word splitting squeezes the table's alignment spaces.
		# shellcheck disable=SC2086,SC2116
		allowed=$(echo $allowed)
		echo "$1: $who may not include $5 (allowed in: $allowed)"
		return 0
	done <<EOF
$EXTERNAL_RULES
EOF
	return 0
}

# Prints "line delimiter name" for each #include "x" or <x> in file $1.
list_includes() {
	awk '/^[ \t]*#[ \t]*include[ \t]*[<"]/ {
		s = $0
		sub(/^[ \t]*#[ \t]*include[ \t]*/, "", s)
		d = substr(s, 1, 1)
		s = substr(s, 2)
		n = index(s, d == "<" ? ">" : "\"")
		if (n > 1)
			print FNR, d, substr(s, 1, n - 1)
	}' "$1"
}

# Checks every file; prints the violations.
scan() {
	cd "$top"
	for dir in src include/facteur tests/unit; do
		[ -d "$dir" ] || continue
		find "$dir" -type f \( -name '*.c' -o -name '*.h' \) -print
	done | LC_ALL=C sort | while IFS= read -r file; do
		classify "$file"
		kind=$_kind layer=$_layer
		if ! is_layer "$layer"; then
			echo "$file:1: '$layer' is not a known layer; add it" \
			    "to tests/check-layers.sh and doc/ARCHITECTURE.md"
			continue
		fi
		list_includes "$file" | while read -r line delim hdr; do
			check_include "$file" "$line" "$layer" "$kind" \
			    "$delim" "$hdr"
		done
	done
}

check_table
violations=$(scan)
if [ -n "$violations" ]; then
	printf '%s\n' "$violations"
	count=$(printf '%s\n' "$violations" | wc -l)
	echo "check-layers.sh: $count forbidden include(s);" \
	    "see doc/ARCHITECTURE.md, \"Layer dependencies\"" >&2
	exit 1
fi
exit 0
