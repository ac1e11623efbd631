#!/bin/sh
# OAuth2 against the test bed's Dovecot (oauth2 passdb, tokens checked by
# tests/servers/tokens.py, which accepts only unexpired tokens): IMAP and
# POP3 (folders, sync and the account worker) log in with OAUTHBEARER; a
# token command that first hands out an expired token is run once more and
# the fresh token is used; a command that only has expired tokens gives
# one clear error after two attempts; SMTP (Postfix over Dovecot's SASL)
# takes OAUTHBEARER too, for facteur check (which retries per server) and
# for sending, with the same retry. No trace shows a token.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require
tb_lock_inboxes

now=$(date +%s)
expired="expired-$$-$now"
fresh="fresh-$$-$now"
echo "$expired alice@example.test $((now - 60))" >>"$FCT_TB_OAUTH_TOKENS"
echo "$fresh alice@example.test $((now + 3600))" >>"$FCT_TB_OAUTH_TOKENS"

# The token command: the expired token on its first run, then fresh ones,
# as a helper would whose cached token the server was first to see expire.
cat >"$tmp/token.sh" <<EOS
#!/bin/sh
if [ -e "$tmp/issued" ]; then echo "$fresh"; else : >"$tmp/issued"; echo "$expired"; fi
EOS
echo "#!/bin/sh
echo $expired" >"$tmp/expired.sh"

# oauth_conf NAME SERVER-LINE TOKEN-SCRIPT
oauth_conf() {
	cat >"$tmp/$1.conf" <<EOC
[general]
cache_dir = $tmp/cache-$1

[account t]
email = alice@example.test
$2
oauth2_token_command = sh $tmp/$3
ca_file = $FCT_TB_CA
EOC
}

# expect_verdicts WHAT EXPECTED: the issuer's verdicts since the last call.
mark=$(wc -l <"$FCT_TB_TOKENS_LOG")
expect_verdicts() {
	expect_eq "$1" "$2" "$(tail -n +$((mark + 1)) "$FCT_TB_TOKENS_LOG" |
		cut -d' ' -f1 | tr '\n' ' ')"
	mark=$(wc -l <"$FCT_TB_TOKENS_LOG")
}

# --- IMAP: expired first, then a fresh token on the same connection ---
oauth_conf imap "imap = imaps://127.0.0.1:$FCT_TB_IMAPS_PORT" token.sh
export FACTEUR_IMAP_TRACE="$tmp/imap.trace"
run -c "$tmp/imap.conf" folders
unset FACTEUR_IMAP_TRACE
expect_eq "imap: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_match "imap: folders listed" "^t	INBOX	inbox	" "$out"
expect_verdicts "imap: the expired token refused, the fresh one taken" \
    "INVALID VALID "
expect_match "imap: by OAUTHBEARER" \
    "Login: user=<alice@example.test>, method=OAUTHBEARER" \
    "$(tail -n 20 "$FCT_TB_DOVECOT_LOG")"
expect_match "imap trace: credentials hidden" "C: <credentials hidden>" \
    "$(cat "$tmp/imap.trace")"
expect_no_match "imap trace: no token" "$expired|$fresh" "$(cat "$tmp/imap.trace")"

# --- the sync engine's connection takes the same path ---
rm -f "$tmp/issued"
run -c "$tmp/imap.conf" sync t:INBOX
expect_eq "sync: exit status" 0 "$rc"
expect_verdicts "sync: expired, then fresh" "INVALID VALID "

# --- only expired tokens: two attempts, then a clear error ---
oauth_conf stale "imap = imaps://127.0.0.1:$FCT_TB_IMAPS_PORT" expired.sh
run -c "$tmp/stale.conf" folders
expect_eq "stale: exit status" 1 "$rc"
expect_match "stale: says both were refused" \
    "login as 'alice@example\.test' failed: .*\(a fresh token from oauth2_token_command was refused too\)" \
    "$err"
expect_verdicts "stale: asked twice, no more" "INVALID INVALID "

# --- POP3 (AUTH, RFC 5034) ---
rm -f "$tmp/issued"
oauth_conf pop "pop = pops://127.0.0.1:$FCT_TB_POP3S_PORT" token.sh
export FACTEUR_POP_TRACE="$tmp/pop.trace"
run -c "$tmp/pop.conf" folders
unset FACTEUR_POP_TRACE
expect_eq "pop: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_match "pop: INBOX counted" "^t	INBOX	inbox	[0-9]+	" "$out"
expect_verdicts "pop: expired, then fresh" "INVALID VALID "
expect_match "pop: by OAUTHBEARER" "pop3-login: Info: Login: user=<alice@example.test>, method=OAUTHBEARER" \
    "$(tail -n 20 "$FCT_TB_DOVECOT_LOG")"
expect_no_match "pop trace: no token" "$expired|$fresh" "$(cat "$tmp/pop.trace" 2>/dev/null)"

# --- POP3 download (facteur sync) takes the same path ---
rm -f "$tmp/issued"
run -c "$tmp/pop.conf" sync
expect_eq "pop sync: exit status" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$err" >&2
expect_verdicts "pop sync: expired, then fresh" "INVALID VALID "

# --- and so does the account worker's (facteur watch, the UI) ---
rm -f "$tmp/issued"
run -c "$tmp/pop.conf" watch --count 2 --timeout 30
expect_eq "pop worker: exit status" 0 "$rc"
expect_match "pop worker: online" "^t	online\$" "$out"
expect_verdicts "pop worker: expired, then fresh" "INVALID VALID "

# --- SMTP: Postfix relays OAUTHBEARER to Dovecot (implicit TLS port) ---
if [ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ]; then
	oauth_conf smtp "imap = imaps://127.0.0.1:$FCT_TB_IMAPS_PORT
smtp = smtps://127.0.0.1:$FCT_TB_SMTPS_PORT" token.sh
	# check: IMAP gets the expired token and a fresh one, SMTP the
	# fresh one (the command runs for each server of a token account).
	rm -f "$tmp/issued"
	run -c "$tmp/smtp.conf" check
	expect_eq "smtp: exit status" 0 "$rc"
	[ "$rc" -eq 0 ] || echo "$out $err" >&2
	expect_match "smtp: logged in" "^t	smtp	smtps://127\.0\.0\.1:$FCT_TB_SMTPS_PORT	ok	AUTH .*OAUTHBEARER" "$out"
	expect_match "check: IMAP logged in after a retry" "^t	imap	imaps://.*	ok	" "$out"
	expect_verdicts "check: expired then fresh for IMAP, fresh for SMTP" "INVALID VALID VALID "
	# Sending (the outbox's connection): expired, then fresh; the copy
	# to Sent then logs in to IMAP with the fresh token.
	rm -f "$tmp/issued"
	printf 'To: bob@example.test\nSubject: OAuth2 send %s\n\nHello\n' "$$" \
		>"$tmp/msg"
	run -c "$tmp/smtp.conf" send <"$tmp/msg"
	expect_eq "smtp send: exit status" 0 "$rc"
	[ "$rc" -eq 0 ] || echo "$out $err" >&2
	expect_verdicts "smtp send: expired, then fresh" "INVALID VALID VALID "
fi

finish
