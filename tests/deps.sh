#!/bin/sh
# scripts/deps, as a user who is not root, on a machine that lacks every
# package (a dpkg-query that knows none): it installs nothing, fails, and
# prints the exact lines to run as root, Postfix's preseed first, with the
# packages the test bed, the UI tests and the manual pages' check need.
set -eu
. "$(dirname "$0")/lib.sh"

mkdir -p "$tmp/bin"
printf '#!/bin/sh\nexit 1\n' >"$tmp/bin/dpkg-query"
chmod 0755 "$tmp" "$tmp/bin" "$tmp/bin/dpkg-query"
deps() {
	set +e
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
			env PATH="$tmp/bin:$PATH" sh "$top_srcdir/scripts/deps" "$@" \
			>"$tmp/out" 2>&1
	else
		PATH="$tmp/bin:$PATH" sh "$top_srcdir/scripts/deps" "$@" \
			>"$tmp/out" 2>&1
	fi
	rc=$?
	set -e
	out=$(cat "$tmp/out")
}

deps test
expect_eq "not root: fails" 1 "$rc"
expect_match "not root: says so" "^facteur needs these Debian packages; run as root:" "$out"
expect_match "not root: Postfix's preseed" \
	"^  echo 'postfix postfix/main_mailer_type select No configuration' \| debconf-set-selections$" "$out"
line=$(printf '%s\n' "$out" | grep '^  apt-get' || true)
expect_match "not root: the apt-get line" \
	"^  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends build-essential " "$line"
for p in libetpan-dev libgmime-3.0-dev libcmocka-dev dovecot-imapd dovecot-pop3d \
	dovecot-lmtpd dovecot-sieve dovecot-managesieved postfix openssl swaks curl \
	tmux python3 groff-base clang; do
	expect_match "not root: installs $p" " $p( |$)" "$line"
done

deps build
expect_eq "build only: fails" 1 "$rc"
expect_no_match "build only: no test bed" "dovecot|postfix" "$out"
finish
