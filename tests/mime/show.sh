#!/bin/sh
# show.sh: `facteur show FILE|-` options on messages of tests/data/mime:
# --raw, --part, --save-attachments (never overwriting, never leaving the
# folder), --html, --headers, standard input, a mailcap HTML converter,
# and the errors for bad arguments.

set -eu
. "${top_srcdir:-.}/tests/lib.sh"

data=$top_srcdir/tests/data/mime
TZ=Europe/Paris LC_ALL=C.UTF-8 MAILCAPS=/dev/null XDG_CONFIG_HOME=$tmp/xdg
export TZ LC_ALL MAILCAPS XDG_CONFIG_HOME

# --raw gives the bytes back untouched.
run show --raw "$data/charset-koi8r.eml"
expect_eq "raw: status" 0 "$rc"
if cmp -s "$tmp/out" "$data/charset-koi8r.eml"; then ok "raw: same bytes"
else fail "raw: bytes differ"; fi

# Standard input.
set +e
"$FACTEUR" show - <"$data/charset-ascii.eml" >"$tmp/stdin.out" 2>&1
rc=$?
set -e
expect_eq "stdin: status" 0 "$rc"
if cmp -s "$tmp/stdin.out" "$data/charset-ascii.out"; then ok "stdin: same rendering"
else fail "stdin: rendering differs"; fi

# --part N: the decoded bytes (base64 undone, no charset conversion).
run show --part 2 "$data/attach-2047-name.eml"
expect_eq "part: status" 0 "$rc"
expect_eq "part: decoded bytes" "000102030405" \
    "$(od -An -tx1 "$tmp/out" | tr -d ' \n')"
run show --part 1 "$data/charset-latin1-is-cp1252.eml"
expect_eq "part: text part keeps its charset" "4c92e974e920" \
    "$(head -c 6 "$tmp/out" | od -An -tx1 | tr -d ' \n')"
run show --part 2 "$data/rfc822-forward.eml"
expect_match "part: message/rfc822 gives the message" "^Subject: Inner message" "$out"
run show --part 9 "$data/attach-2047-name.eml"
expect_eq "part: out of range fails" 1 "$rc"
expect_match "part: out of range says why" "no part 9 in the message \(it has 2\)" "$err"
run show --part 0 "$data/attach-2047-name.eml"
expect_eq "part: 0 is a usage error" 2 "$rc"

# --html prefers the HTML alternative; --headers all shows every header.
run show --html "$data/alt-plain-preferred.eml"
expect_match "html: HTML alternative" "The HTML version" "$out"
printf '[general]\nalternative = html\n' >"$tmp/alt.conf"
run -c "$tmp/alt.conf" show "$data/alt-plain-preferred.eml"
expect_match "config alternative = html: HTML alternative" "The HTML version" "$out"
printf '[general]\nalternative = rtf\n' >"$tmp/bad.conf"
run -c "$tmp/bad.conf" show "$data/alt-plain-preferred.eml"
expect_eq "bad config: show fails" 1 "$rc"
expect_match "bad config: says where" "bad.conf:2:15: error: unknown alternative 'rtf'" "$err"
run show --headers all "$data/alt-plain-preferred.eml"
expect_match "headers all: Message-ID" "^Message-ID: " "$out"
run show --headers some "$data/alt-plain-preferred.eml"
expect_eq "headers: bad value is a usage error" 2 "$rc"

# --save-attachments: sanitised names inside the folder, never replacing.
dir=$tmp/save
mkdir "$dir"
echo "mine" >"$dir/notes.txt"
run show --save-attachments "$dir" "$data/attach-traversal.eml"
expect_eq "save: status" 0 "$rc"
expect_eq "save: files written" \
    "evil.sh invoice<U+202E>fdp.exe notes-1.txt notes-2.txt notes.txt part-4.bin passwd" \
    "$(cd "$dir" && ls | tr '\n' ' ' | sed 's/ $//')"
expect_eq "save: existing file untouched" "mine" "$(cat "$dir/notes.txt")"
expect_eq "save: first notes.txt" "first" "$(cat "$dir/notes-1.txt")"
expect_eq "save: second notes.txt" "second" "$(cat "$dir/notes-2.txt")"
expect_eq "save: contents" "rm -rf" "$(cat "$dir/evil.sh")"
if [ -e "$tmp/evil.sh" ] || [ -e "$top_srcdir/evil.sh" ]; then
	fail "save: a file escaped the folder"
else
	ok "save: nothing outside the folder"
fi
expect_match "save: prints what it wrote" "/save/passwd$" "$out"
# Again: nothing is replaced, new names are found.
run show --save-attachments "$dir" "$data/attach-traversal.eml"
expect_eq "save again: status" 0 "$rc"
expect_eq "save again: untouched" "rm -rf" "$(cat "$dir/evil.sh")"
expect_eq "save again: a new name" "rm -rf" "$(cat "$dir/evil-1.sh")"
# A symbolic link planted in the folder is not followed.
dir2=$tmp/save2
mkdir "$dir2"
ln -s "$tmp/target" "$dir2/a.png"
run show --save-attachments "$dir2" "$data/attach-several.eml"
expect_eq "save: symlink status" 0 "$rc"
if [ -e "$tmp/target" ]; then fail "save: followed a symlink"
else ok "save: symlink not followed"; fi
run show --save-attachments "$tmp/nonexistent" "$data/attach-several.eml"
expect_eq "save: missing folder fails" 1 "$rc"
expect_match "save: missing folder says why" "cannot open folder" "$err"
run show --save-attachments "$dir" "$data/charset-ascii.eml"
expect_match "save: nothing to save says so" "no attachments to save" "$err"

# A mailcap copiousoutput entry replaces the built-in HTML converter.
printf 'text/html; tr a-z A-Z < %%s; copiousoutput\n' >"$tmp/mailcap"
MAILCAPS=$tmp/mailcap run show "$data/html-only.eml"
expect_match "mailcap: converter used" "<P>FIRST PARAGRAPH" "$out"
printf 'text/html; false; copiousoutput\n' >"$tmp/mailcap"
MAILCAPS=$tmp/mailcap run show "$data/html-only.eml"
expect_match "mailcap: failing converter falls back" "^First paragraph with bold" "$out"

# On a terminal, --raw and --part never let the message's bytes through.
if command -v script >/dev/null 2>&1; then
	script -qec "$FACTEUR show --raw $data/hostile-esc-body.eml" /dev/null \
	    >"$tmp/tty.out" 2>&1 || true
	expect_match "tty raw: escapes made visible" "Colour: \\^\\[\\[31mred" "$(cat "$tmp/tty.out")"
	if grep -q "$(printf '\033')" "$tmp/tty.out"; then
		fail "tty raw: an ESC reached the terminal"
	else
		ok "tty raw: no ESC reached the terminal"
	fi
	script -qec "$FACTEUR show --part 2 $data/attach-2047-name.eml" /dev/null \
	    >"$tmp/tty.out" 2>&1 || true
	expect_match "tty part: binary refused" "part 2 is application/octet-stream: redirect" "$(cat "$tmp/tty.out")"
else
	echo "SKIP: no script(1): terminal output not tested"
fi

# Errors.
run show "$tmp/none.eml"
expect_eq "missing file fails" 1 "$rc"
expect_match "missing file says why" "cannot read '.*none.eml': No such file" "$err"
run show
expect_eq "no argument is a usage error" 2 "$rc"

finish
