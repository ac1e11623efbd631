#!/bin/sh
# limits.sh: messages built at test time, too big to keep in the tree:
# 100 levels of nested multiparts and of forwarded messages, and 50 MB
# messages (a base64 attachment, a text body, an HTML body, one endless
# line). Each must render completely (exit 0, the expected text or label)
# within a memory bound; `timeout` only turns a hang into a failure.

set -eu
. "${top_srcdir:-.}/tests/lib.sh"

TZ=UTC LC_ALL=C.UTF-8 MAILCAPS=/dev/null XDG_CONFIG_HOME=$tmp/xdg
export TZ LC_ALL MAILCAPS XDG_CONFIG_HOME

python3 - "$tmp" <<'PY'
import base64, os, sys
d = sys.argv[1]
H = b"From: a@example.test\nTo: b@example.test\nSubject: %s\nMIME-Version: 1.0\n"
def w(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
m = b"Content-Type: text/plain\n\nDeepest.\n"
for i in range(100):
    m = b"Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n" % (i, i) + m + b"\n--b%d--\n" % i
w("nested-multipart.eml", H % b"nested" + m)
m = b"Subject: level 100\n\nDeepest.\n"
for i in range(99, 0, -1):
    m = b"Subject: level %d\nContent-Type: message/rfc822\n\n" % i + m
w("nested-rfc822.eml", H % b"forwarded" + b"Content-Type: message/rfc822\n\n" + m)
size = 50 * 1024 * 1024
raw = os.urandom(size * 3 // 4)
b = base64.encodebytes(raw)
w("big-attachment.eml", H % b"big attachment" + b"Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nSee the attachment.\n--x\nContent-Type: application/octet-stream; name=big.bin\nContent-Transfer-Encoding: base64\n\n" + b + b"--x--\n")
line = b"All work and no play makes Jack a dull boy. " * 2 + b"\n"
w("big-text.eml", H % b"big text" + b"Content-Type: text/plain; charset=utf-8\n\n" + line * (size // len(line)))
w("big-line.eml", H % b"big line" + b"Content-Type: text/plain; charset=utf-8\n\n" + b"x" * size + b"\n")
para = b"<p>Paragraph <b>bold</b> <a href='http://e.test/'>link</a></p>\n"
w("big-html.eml", H % b"big html" + b"Content-Type: text/html; charset=utf-8\n\n" + para * (size // len(para)))
PY

# Runs facteur show on a file; leaves the output in $tmp/out, the exit
# status in $rc and the peak resident memory (KiB) in $rss.
measure() {
	set +e
	rss=$(timeout 300 python3 -c '
import resource, subprocess, sys
with open(sys.argv[2], "wb") as out:
    rc = subprocess.call(sys.argv[3:], stdout=out)
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' show "$tmp/out" "$FACTEUR" show "$@")
	rc=$?
	set -e
	if [ "$rc" -eq 0 ]; then
		rc=${rss% *}
		rss=${rss#* }
	fi
}

# The bound: a few times the message itself (it is read, then copied into
# GMime's stream), never the message times its depth. Sanitizer builds
# keep shadow memory and freed blocks in quarantine: their bound is wider.
limit=$((400 * 1024))
if grep -q __asan_init "$FACTEUR"; then
	limit=$((1500 * 1024))
fi

for f in nested-multipart nested-rfc822 big-attachment big-text big-line big-html; do
	measure "$tmp/$f.eml"
	expect_eq "$f: status" 0 "$rc"
	if [ "$rss" -lt "$limit" ]; then
		ok "$f: peak memory ${rss} KiB"
	else
		fail "$f: peak memory ${rss} KiB over ${limit} KiB"
	fi
	case $f in
	nested-multipart)
		expect_match "$f: deep levels labelled" "nested deeper than 32 levels: not shown" "$(cat "$tmp/out")" ;;
	nested-rfc822)
		expect_match "$f: first levels shown" "^Subject: level 2$" "$(cat "$tmp/out")"
		expect_match "$f: deep levels labelled" "nested deeper than 32 levels" "$(cat "$tmp/out")" ;;
	big-attachment)
		expect_match "$f: listed with its size" "^\[2\] big.bin \(application/octet-stream, 37.5 MiB\)$" "$(cat "$tmp/out")" ;;
	big-text|big-line|big-html)
		expect_match "$f: the rest is announced" "more bytes of part 1 not shown: facteur show --part 1" "$(tail -n 1 "$tmp/out")" ;;
	esac
done

finish
