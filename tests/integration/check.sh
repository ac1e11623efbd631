#!/bin/sh
# `facteur check` against the test bed: every server of an account is
# connected, verified and logged in, one line each. SMTP submission with
# STARTTLS and with implicit TLS, POP3 with STLS and with implicit TLS,
# IMAPS; and the refusals: a wrong password (the server's reason shown), an
# SMTP server without STARTTLS and a self-signed one (neither ever sees a
# credential). The EHLO name is the connection's address, never the host
# name, and no trace shows a secret. Also `facteur folders` on POP3.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require
tb_lock_inboxes

TAB=$(printf '\t')

# pop_conf NAME USER POP-URL [EXTRA-LINE]: a POP3 account "t" for USER.
pop_conf() {
	cat >"$tmp/$1.conf" <<EOC
[general]
cache_dir = $tmp/cache-$1

[account t]
email = $2@example.test
pop = $3
password_command = cat $FCT_TB_DIR/pw-$2
ca_file = $FCT_TB_CA
${4:-}
EOC
}

# traced VAR FILE ARGS...: run ARGS with the trace variable VAR set to FILE.
traced() {
	_var=$1 _file=$2
	shift 2
	export "$_var=$_file"
	run "$@"
	unset "$_var"
}

# line PROTO: the output line of the last run for protocol PROTO.
line() {
	printf '%s\n' "$out" | grep "^t$TAB$1$TAB" || true
}

# no_credentials LOG WHAT: the fake server behind LOG got no credential.
no_credentials() {
	if grep -q CREDENTIALS "$1"; then
		fail "$2: credentials were sent to an untrusted server"
	else
		ok "$2: no credentials sent"
	fi
}

if [ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ]; then
	# --- alice as the bed configures her: IMAPS and submission ---
	run -c "$FCT_TB_DIR/alice.conf" check
	expect_eq "alice: exit status" 0 "$rc"
	expect_eq "alice: one line per server" 2 "$(printf '%s\n' "$out" | wc -l)"
	expect_match "alice: IMAP ok, with its capabilities" \
	    "^example	imap	imaps://127\.0\.0\.1:$FCT_TB_IMAPS_PORT	ok	IDLE CONDSTORE QRESYNC MOVE UIDPLUS NAMESPACE ACL SPECIAL-USE\$" \
	    "$out"
	expect_match "alice: SMTP with STARTTLS ok, AUTH PLAIN offered" \
	    "^example	smtp	smtp://127\.0\.0\.1:$FCT_TB_SUBMISSION_PORT	ok	AUTH PLAIN LOGIN; SIZE [0-9]+; 8BITMIME" \
	    "$out"
	expect_eq "alice: nothing on stderr" "" "$err"

	# --- one account only, and an unknown one ---
	run -c "$FCT_TB_DIR/alice.conf" check example
	expect_eq "check ACCOUNT: exit status" 0 "$rc"
	run -c "$FCT_TB_DIR/alice.conf" check nosuch
	expect_eq "unknown account: exit status" 1 "$rc"
	expect_match "unknown account: says so" "no account 'nosuch'" "$err"

	# --- SMTPS, with the protocol trace ---
	tb_conf smtps alice "" "smtp = smtps://127.0.0.1:$FCT_TB_SMTPS_PORT"
	traced FACTEUR_SMTP_TRACE "$tmp/smtps.trace" -c "$tmp/smtps.conf" check
	expect_eq "smtps: exit status" 0 "$rc"
	expect_match "smtps: ok" \
	    "^t	smtp	smtps://127\.0\.0\.1:$FCT_TB_SMTPS_PORT	ok	AUTH PLAIN" "$out"

	# --- the trace of STARTTLS: EHLO twice, by address, no secret ---
	traced FACTEUR_SMTP_TRACE "$tmp/submission.trace" \
	    -c "$FCT_TB_DIR/alice.conf" check
	trace=$(tr -d '\r' <"$tmp/submission.trace")
	expect_eq "trace: EHLO before and after STARTTLS, as [127.0.0.1]" \
	    "C: EHLO [127.0.0.1]
C: STARTTLS
C: EHLO [127.0.0.1]" "$(printf '%s\n' "$trace" | grep -E '^C: (EHLO|STARTTLS)')"
	expect_match "trace: AUTH hidden" '^C: <credentials hidden>$' "$trace"
	expect_match "trace: AUTH accepted" '^S: 235 ' "$trace"
	secret=$(cat "$FCT_TB_DIR/pw-alice")
	plain=$(printf '\000%s\000%s' alice@example.test "$secret" | base64 -w0)
	for f in "$tmp/submission.trace" "$tmp/smtps.trace"; do
		if grep -qF -e "$secret" -e "$plain" "$f"; then
			fail "trace $f shows the password"
		else
			ok "trace $(basename "$f") shows no password"
		fi
	done
	expect_match "smtps trace: EHLO by address" '^C: EHLO \[127\.0\.0\.1\]' \
	    "$(tr -d '\r' <"$tmp/smtps.trace")"
	host=$(hostname)
	if grep -qiF "EHLO $host" "$tmp/submission.trace"; then
		fail "trace: EHLO gave the host name '$host'"
	else
		ok "trace: EHLO did not give the host name '$host'"
	fi

	# --- a wrong password: the server's reason, per server ---
	tb_conf wrongpw alice "" "smtp = smtp://127.0.0.1:$FCT_TB_SUBMISSION_PORT"
	sed -i "s|^password_command = .*|password_command = echo not-the-password|" \
	    "$tmp/wrongpw.conf"
	run -c "$tmp/wrongpw.conf" check
	expect_eq "wrong password: exit status" 1 "$rc"
	expect_match "wrong password: SMTP fails with Postfix's reason" \
	    "^t	smtp	smtp://127\.0\.0\.1:$FCT_TB_SUBMISSION_PORT	failed	login as 'alice@example\.test' failed: 535 5\.7\.8 Error: authentication failed" \
	    "$out"
	expect_match "wrong password: IMAP fails too" \
	    "^t	imap	imaps://.*	failed	login as 'alice@example\.test' failed: " "$out"
else
	echo "SKIP: no Postfix in the test bed: SMTP against a real server not checked"
fi

# --- an SMTP server without STARTTLS: refused before any credential ---
log=$FCT_TB_FAKE_LOG_smtp_nostarttls
connects=$(grep -c CONNECT "$log" || true)
tb_conf nostarttls alice "" "smtp = smtp://127.0.0.1:$FCT_TB_SMTP_NOSTARTTLS_PORT"
run -c "$tmp/nostarttls.conf" check
expect_eq "no STARTTLS: exit status" 1 "$rc"
expect_match "no STARTTLS: refused" \
    "^t	smtp	smtp://127\.0\.0\.1:$FCT_TB_SMTP_NOSTARTTLS_PORT	failed	'127\.0\.0\.1' port $FCT_TB_SMTP_NOSTARTTLS_PORT offers no STARTTLS: refusing to continue without TLS\$" \
    "$out"
expect_match "no STARTTLS: the IMAP server still checked" "^t	imap	.*	ok	" "$out"
expect_eq "no STARTTLS: the fake saw one more connection" \
    $((connects + 1)) "$(grep -c CONNECT "$log")"
no_credentials "$log" "no STARTTLS"
# The fake logs the EHLO argument: the connection's address, not a name.
helo=$(sed -n 's/^[0-9]* HELO //p' "$log" | tail -n 1)
expect_eq "EHLO name is the address literal" "[127.0.0.1]" "$helo"
if [ "$helo" != "$(hostname)" ]; then
	ok "EHLO name is not the host name"
else
	fail "EHLO name is the host name"
fi

# --- a self-signed certificate on smtps://: refused before the greeting ---
tb_conf selfsigned alice "" "smtp = smtps://127.0.0.1:$FCT_TB_SELFSIGNED_PORT"
run -c "$tmp/selfsigned.conf" check
expect_eq "self-signed: exit status" 1 "$rc"
expect_match "self-signed: refused" \
    "^t	smtp	smtps://127\.0\.0\.1:$FCT_TB_SELFSIGNED_PORT	failed	certificate of '127\.0\.0\.1' rejected: self.signed certificate\$" \
    "$out"
no_credentials "$FCT_TB_FAKE_LOG_selfsigned" "self-signed"

# --- POP3: pops:// and pop:// with STLS, counting Dovecot's INBOX ---
# catchall's INBOX gets mail only from the bed's own check; seed some so
# that the count means something. The count is read before and after,
# in case a delivery lands in between.
"$FCT_TB_SCRIPTS/seed" catchall INBOX 7 --seed 11 >/dev/null
inbox_count() {
	doveadm_ mailbox status -u catchall@example.test messages INBOX |
	    sed -n 's/.*messages=\([0-9]*\).*/\1/p'
}
for url in "pops://127.0.0.1:$FCT_TB_POP3S_PORT" "pop://127.0.0.1:$FCT_TB_POP3_PORT"; do
	scheme=${url%%:*}
	pop_conf "$scheme" catchall "$url"
	before=$(inbox_count)
	traced FACTEUR_POP_TRACE "$tmp/$scheme.trace" -c "$tmp/$scheme.conf" check
	after=$(inbox_count)
	expect_eq "$scheme: exit status" 0 "$rc"
	count=$(line pop | cut -f5 | sed -n 's/^\([0-9]*\) messages*, UIDL$/\1/p')
	expect_match "$scheme: ok, with UIDL" \
	    "^t	pop	$(printf '%s' "$url" | sed 's/\./\\./g')	ok	[0-9]+ messages?, UIDL\$" "$out"
	if [ -n "$count" ] && [ "$count" -ge "$before" ] && [ "$count" -le "$after" ] &&
	    [ "$count" -ge 7 ]; then
		ok "$scheme: $count messages, as Dovecot counts INBOX"
	else
		fail "$scheme: count '$count', Dovecot says $before..$after"
	fi
	if grep -qF "$(cat "$FCT_TB_DIR/pw-catchall")" "$tmp/$scheme.trace"; then
		fail "$scheme: the trace shows the password"
	else
		ok "$scheme: the trace hides the password"
	fi
done
expect_match "pop: STLS was used" '^C: STLS' "$(cat "$tmp/pop.trace")"

# --- `facteur folders` on a POP3 account: its INBOX ---
before=$(inbox_count)
run -c "$tmp/pops.conf" folders
after=$(inbox_count)
expect_eq "folders on POP3: exit status" 0 "$rc"
expect_match "folders on POP3: the INBOX line" '^t	INBOX	inbox	[0-9]+	-	-$' "$out"
count=$(printf '%s\n' "$out" | cut -f4)
if [ "$count" -ge "$before" ] && [ "$count" -le "$after" ]; then
	ok "folders on POP3: $count messages, as Dovecot counts INBOX"
else
	fail "folders on POP3: count '$count', Dovecot says $before..$after"
fi

# --- POP3 with a wrong password: Dovecot's reason ---
pop_conf popwrong catchall "pops://127.0.0.1:$FCT_TB_POP3S_PORT"
sed -i "s|^password_command = .*|password_command = echo not-the-password|" \
    "$tmp/popwrong.conf"
run -c "$tmp/popwrong.conf" check
expect_eq "POP3 wrong password: exit status" 1 "$rc"
expect_match "POP3 wrong password: the server's reason" \
    "^t	pop	pops://.*	failed	login as 'catchall@example\.test' failed: \[AUTH\] Authentication failed\.\$" \
    "$out"

finish
