#!/bin/sh
# `facteur folders` against the test bed: roles, shared mailboxes and their
# rights per user, STARTTLS and IMAPS, and every refusal the foundation
# promises: an untrusted, expired or misnamed certificate, a server without
# STARTTLS, a wrong password. The fake servers log any LOGIN they receive,
# which proves no credential left before verification.
set -eu
. "$(dirname "$0")/../lib.sh"
tb_require

# --- alice, IMAPS: role folders, and the shared support mailbox ---
run -c "$FCT_TB_DIR/alice.conf" folders
expect_eq "alice: exit status" 0 "$rc"
for r in "INBOX	inbox" "Drafts	drafts" "Sent	sent" "Junk	junk" \
    "Trash	trash" "Archive	archive"; do
	expect_match "alice: role line '$r'" "^example	$r	[0-9]+	[0-9]+	-\$" "$out"
done
line=$(printf '%s\n' "$out" | grep '	Shared/support@example.test	' || true)
expect_match "alice: sees support's mailbox" \
    '^example	Shared/support@example\.test	-	[0-9]+	[0-9]+	' "$line"
rights=$(printf '%s' "$line" | cut -f6)
for c in l r s w i p k x t e c d a; do
	case $rights in
	*$c*) ;;
	*) fail "alice: right '$c' missing from '$rights'" ;;
	esac
done
# Role folders come first, in the fixed order.
expect_eq "alice: INBOX first" INBOX "$(printf '%s\n' "$out" | head -n1 | cut -f2)"

# --- bob: read-only on support ---
run -c "$FCT_TB_DIR/bob.conf" folders
expect_eq "bob: exit status" 0 "$rc"
line=$(printf '%s\n' "$out" | grep '	Shared/support@example.test	' || true)
rights=$(printf '%s' "$line" | cut -f6 | fold -w1 | sort | tr -d '\n')
expect_eq "bob: rights on support are exactly lrs" lrs "$rights"

# --- carol: no shared mailbox at all ---
run -c "$FCT_TB_DIR/carol.conf" folders
expect_eq "carol: exit status" 0 "$rc"
expect_no_match "carol: no Shared folder" '	Shared' "$out"
expect_match "carol: has her INBOX" '^example	INBOX	inbox	' "$out"

# --- counts, nested folders, and names beyond ASCII (modified UTF-7) ---
# The bed outlives one run (the sanitizer build runs this again): start clean.
doveadm -c "$FCT_TB_DOVECOT_CONF" mailbox delete -r -u carol@example.test \
    Envoyés Projets 2>/dev/null || true
doveadm -c "$FCT_TB_DOVECOT_CONF" mailbox create -u carol@example.test \
    'Envoyés/Été 2026' 'Projets/台北'
"$FCT_TB_SCRIPTS/seed" carol 'Projets/台北' 42 >/dev/null
run -c "$FCT_TB_DIR/carol.conf" folders
expect_match "carol: accented nested folder" '^example	Envoyés/Été 2026	-	0	0	-$' "$out"
expect_match "carol: seeded folder counts" '^example	Projets/台北	-	42	[0-9]+	-$' "$out"
unseen=$(printf '%s\n' "$out" | grep 'Projets/台北' | cut -f5)
[ "$unseen" -lt 42 ] && ok "carol: some seeded mail is seen" ||
    fail "carol: unseen $unseen of 42"

# --- STARTTLS on imap:// against Dovecot, and the account argument ---
tb_conf starttls alice "imap://127.0.0.1:$FCT_TB_IMAP_PORT"
run -c "$tmp/starttls.conf" folders t
expect_eq "STARTTLS: exit status" 0 "$rc"
expect_match "STARTTLS: lists INBOX" '^t	INBOX	inbox	' "$out"
run -c "$tmp/starttls.conf" folders nosuch
expect_eq "unknown account: exit status" 1 "$rc"
expect_match "unknown account: says so" "no account 'nosuch'" "$err"

# --- a host name the certificate does carry: localhost ---
tb_conf byname alice "imaps://localhost:$FCT_TB_IMAPS_PORT"
run -c "$tmp/byname.conf" folders
expect_eq "localhost: exit status" 0 "$rc"

# --- failures: non-zero exit, one line naming the reason ---
# refused NAME PATTERN: the last run failed with one line matching PATTERN.
refused() {
	expect_eq "$1: exit status" 1 "$rc"
	expect_eq "$1: one line on stderr" 1 "$(printf '%s\n' "$err" | wc -l)"
	expect_match "$1: reason" "$2" "$err"
	expect_eq "$1: nothing on stdout" "" "$out"
}

# no_login_seen NAME: the fake server behind test NAME got no credential.
no_login_seen() {
	if [ -s "$FCT_TB_DIR/fake-$1.log" ] &&
	    grep -Eqi 'LOGIN|AUTHENTICATE' "$FCT_TB_DIR/fake-$1.log"; then
		fail "$1: credentials were sent to an untrusted server"
	else
		ok "$1: no credentials sent"
	fi
}

tb_conf selfsigned alice "imaps://127.0.0.1:$FCT_TB_SELFSIGNED_PORT"
run -c "$tmp/selfsigned.conf" folders
refused "self-signed" "certificate of '127.0.0.1' rejected: self.signed certificate"
no_login_seen selfsigned

tb_conf wronghost alice "imaps://localhost:$FCT_TB_WRONGHOST_PORT"
run -c "$tmp/wronghost.conf" folders
refused "wrong host" "certificate of 'localhost' rejected: hostname mismatch"
no_login_seen wronghost

tb_conf expired alice "imaps://127.0.0.1:$FCT_TB_EXPIRED_PORT"
run -c "$tmp/expired.conf" folders
refused "expired" "rejected: certificate has expired"
no_login_seen expired

tb_conf nostarttls alice "imap://127.0.0.1:$FCT_TB_NOSTARTTLS_PORT"
run -c "$tmp/nostarttls.conf" folders
refused "no STARTTLS" "offers no STARTTLS"
no_login_seen nostarttls

# The real server, but without the test CA: the system's CAs don't know it.
cat >"$tmp/noca.conf" <<EOC
[account t]
email = alice@example.test
imap = imaps://127.0.0.1:$FCT_TB_IMAPS_PORT
password_command = cat $FCT_TB_DIR/pw-alice
EOC
run -c "$tmp/noca.conf" folders
refused "unknown CA" "rejected: unable to get local issuer certificate"

tb_conf wrongpw alice "imaps://127.0.0.1:$FCT_TB_IMAPS_PORT"
sed -i "s|^password_command = .*|password_command = echo not-the-password|" \
    "$tmp/wrongpw.conf"
run -c "$tmp/wrongpw.conf" folders
refused "wrong password" "login as 'alice@example.test' failed: Authentication failed"

sed -i "s|^password_command = .*|password_command = exit 3|" "$tmp/wrongpw.conf"
run -c "$tmp/wrongpw.conf" folders
refused "failing password command" "cannot get the password of account 't': .*exit status 3"

tb_conf closed alice "imaps://127.0.0.1:1"
run -c "$tmp/closed.conf" folders
refused "closed port" "cannot connect to '127.0.0.1' port 1: Connection refused"

finish
