#!/bin/sh
# `facteur rules export-sieve` against the test bed's Pigeonhole (user bob,
# a folder of this run's own):
#  - the script holds the rules Sieve can express; the others are listed
#    with the reason;
#  - --upload installs it over ManageSieve (STARTTLS, verified, SASL PLAIN)
#    as the active script, and a message then delivered by LMTP is filed
#    and flagged by the server itself;
#  - a wrong password is refused with the server's words, nothing installed;
#  - with an OAuth2 token command (OAUTHBEARER, src/net/sasl.c): an expired
#    token refused, the fresh one asked for and taken, the script installed.
# Skipped when the bed has no Pigeonhole.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require
tb_lock_inboxes
if [ "${FCT_TB_HAVE_SIEVE:-0}" != 1 ]; then
	echo "SKIP: the test bed has no Pigeonhole (dovecot-sieve, dovecot-managesieved)"
	exit 77
fi

home=$FCT_TB_DIR/mail/bob@example.test
cleanup() {
	# Leave bob without a script, as the other tests expect.
	rm -rf "$home/.dovecot.sieve" "$home/sieve"
	rm -rf "$tmp"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
tag=$$-$(now_ms)
top="Sieve-$tag"
doveadm_ mailbox create -u bob@example.test "$top/In"

tb_conf bob bob
cat >>"$tmp/bob.conf" <<EOC
sieve = sieve://127.0.0.1:$FCT_TB_MANAGESIEVE_PORT
EOC
sed -i "s|^\[general\]|[general]\nrules = $tmp/rules|" "$tmp/bob.conf"
cat >"$tmp/rules" <<EOR
rule "Filed"
  when subject:"sieve $tag" and not from:nobody
  then move "$top/In", flag, keyword \$Sieve

rule "Unread"
  when is:unread
  then flag

rule "Elsewhere"
  folder Archive
  when subject:x
  then read
EOR

run -c "$tmp/bob.conf" rules export-sieve
expect_eq "export: exit status" 0 "$rc"
expect_match "export: the condition" \
    "^if allof \(header :contains \"subject\" \"sieve $tag\", not header :contains \"from\" \"nobody\"\) \{$" "$out"
expect_match "export: flags before filing" 'addflag "\\\\Flagged";' "$out"
expect_match "export: the folder" "^	fileinto \"$top/In\";$" "$out"
expect_match "export: the requirements" '^require \["fileinto", "imap4flags"\];$' "$out"
expect_match "export: is: is not exported, and why" \
    "not exported: rule 'Unread' .*: is: and keyword: test IMAP flags" "$err"
expect_match "export: another folder is not exported, and why" \
    "not exported: rule 'Elsewhere' .*: it applies to another folder than INBOX" "$err"

# --- a wrong password: refused, nothing installed -------------------------
sed "s|^password_command = .*|password_command = echo wrong|" "$tmp/bob.conf" >"$tmp/bad.conf"
run -c "$tmp/bad.conf" rules export-sieve --upload
expect_eq "wrong password: exit status" 1 "$rc"
expect_match "wrong password: the server's refusal" \
    "ManageSieve server '127.0.0.1' refused the login" "$err"
expect_eq "wrong password: nothing installed" no \
    "$([ -e "$home/.dovecot.sieve" ] && echo yes || echo no)"

# --- upload, then delivery through LMTP is filed by the server ------------
run -c "$tmp/bob.conf" rules export-sieve --upload
expect_eq "upload: exit status" 0 "$rc"
expect_match "upload: says so" "1 rule\(s\) installed as the active Sieve script 'facteur'" "$err"

swaks --silent 2 --protocol LMTP --server 127.0.0.1 --port "$FCT_TB_LMTP_PORT" \
	--from someone@example.test --to bob@example.test \
	--header "Subject: sieve $tag" --body "filed by the server" ||
	fail "swaks could not deliver by LMTP"
swaks --silent 2 --protocol LMTP --server 127.0.0.1 --port "$FCT_TB_LMTP_PORT" \
	--from someone@example.test --to bob@example.test \
	--header "Subject: unrelated $tag" --body "stays" ||
	fail "swaks could not deliver by LMTP"
i=0
while [ "$(ctl bob dump "$top/In" | wc -l)" -lt 1 ] && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_match "delivered: filed and flagged with its keyword by Sieve" \
    '^1	flagged \$Sieve$' "$(ctl bob dump "$top/In")"
expect_eq "delivered: only the matching message" 1 "$(ctl bob dump "$top/In" | wc -l)"

# --- OAuth2: OAUTHBEARER through the shared SASL code, token refreshed ----
# The token command first hands out an expired token, then a fresh one:
# ManageSieve refuses the first, and net_login asks once more.
now=$(date +%s)
echo "sieve-expired-$tag bob@example.test $((now - 60))" >>"$FCT_TB_OAUTH_TOKENS"
echo "sieve-fresh-$tag bob@example.test $((now + 3600))" >>"$FCT_TB_OAUTH_TOKENS"
cat >"$tmp/token.sh" <<EOS
#!/bin/sh
if [ -e "$tmp/issued" ]; then echo "sieve-fresh-$tag"; else : >"$tmp/issued"; echo "sieve-expired-$tag"; fi
EOS
sed "s|^password_command = .*|oauth2_token_command = sh $tmp/token.sh|" "$tmp/bob.conf" >"$tmp/oauth.conf"
rm -rf "$home/.dovecot.sieve" "$home/sieve"
mark=$(wc -l <"$FCT_TB_TOKENS_LOG")
run -c "$tmp/oauth.conf" rules export-sieve --upload
expect_eq "oauth2: upload exit status" 0 "$rc"
expect_eq "oauth2: the expired token refused, the fresh one taken" \
    "INVALID sieve-expired-$tag
VALID sieve-fresh-$tag" \
    "$(tail -n +$((mark + 1)) "$FCT_TB_TOKENS_LOG" | grep -- "-$tag\$")"
expect_eq "oauth2: the script is installed" yes \
    "$([ -e "$home/.dovecot.sieve" ] && echo yes || echo no)"

doveadm_ mailbox delete -r -u bob@example.test "$top" 2>/dev/null || true
finish
