#!/bin/sh
# Checks the real-server test bed (tests/servers/) from the outside, with
# curl, swaks and openssl only, so that a failure of facteur's integration
# tests can be told apart from a broken bed. Needs a running bed: the
# harness sources $FCT_TB_DIR/env.sh; without FCT_TB_DIR the test is
# skipped (77). Exit 0 when every check passes, 1 otherwise.

if [ -z "${FCT_TB_DIR:-}" ]; then
	echo "SKIP: no test bed (start one with tests/servers/start, then . \$FCT_TB_DIR/env.sh)"
	exit 77
fi
if [ -z "${FCT_TB_IMAPS_PORT:-}" ]; then
	. "$FCT_TB_DIR/env.sh" || exit 1
fi

failures=0
checks=0
ok() {
	checks=$((checks + 1))
	echo "ok $checks - $1"
}
not_ok() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	echo "not ok $checks - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	desc=$1
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi
}

H=$FCT_TB_HOST
D=$FCT_TB_DOMAIN
CA=$FCT_TB_CA
# The shared INBOX's name depends on mail_shared_explicit_inbox.
SHARED="Shared/support@$D"
[ "${FCT_TB_EXPLICIT_INBOX:-no}" = yes ] && SHARED="$SHARED/INBOX"

# imaps USER COMMAND [MAILBOX]: runs one IMAP command over IMAPS as USER,
# verifying the certificate against the test CA; prints the untagged replies.
# IMAP lines end in CRLF: the CRs are dropped for grep's sake.
imaps() {
	eval "pw=\$FCT_TB_PASS_$1"
	reply=$(curl -sS --max-time 20 --cacert "$CA" -u "$1@$D:$pw" -X "$2" \
		"imaps://$H:$FCT_TB_IMAPS_PORT/${3:-}" 2>&1)
	rc=$?
	printf '%s\n' "$reply" | tr -d '\r'
	return $rc
}

# How many messages a search for subject $3 finds in $2's INBOX ($1: a user).
count_subject() {
	imaps "$1" "UID SEARCH SUBJECT \"$2\"" INBOX 2>/dev/null |
		sed -n 's/^\* SEARCH//p' | wc -w
}

# wait_subject USER TOKEN: polls USER's INBOX for TOKEN, up to ten seconds
# (Postfix's queue and LMTP delivery are asynchronous).
wait_subject() {
	tries=50
	while [ "$tries" -gt 0 ]; do
		[ "$(count_subject "$1" "$2")" -ge 1 ] && return 0
		sleep 0.2
		tries=$((tries - 1))
	done
	return 1
}

# ---- IMAP logins --------------------------------------------------------------

check "alice logs in over IMAPS, the certificate verified by the test CA" \
	imaps alice "CAPABILITY"
check "alice logs in over IMAP with STARTTLS, verified" \
	curl -sS --max-time 20 --ssl-reqd --cacert "$CA" -u "alice@$D:$FCT_TB_PASS_alice" \
	-X CAPABILITY "imap://$H:$FCT_TB_IMAP_PORT/"
if out=$(curl -sS --max-time 20 --cacert "$CA" -u "alice@$D:wrong" -X NOOP \
	"imaps://$H:$FCT_TB_IMAPS_PORT/" 2>&1); then
	not_ok "a wrong password is refused" "$out"
else
	ok "a wrong password is refused"
fi
caps=$(imaps alice CAPABILITY 2>&1)
missing=
for cap in IDLE CONDSTORE QRESYNC MOVE UIDPLUS NAMESPACE ACL SPECIAL-USE; do
	case " $caps " in
	*" $cap "* | *" $cap"*) ;;
	*) missing="$missing $cap" ;;
	esac
done
if [ -z "$missing" ]; then
	ok "IMAP capabilities present"
else
	not_ok "capabilities missing:$missing" "$caps"
fi
case $caps in
*COMPRESS*) not_ok "COMPRESS must not be offered" "$caps" ;;
*) ok "COMPRESS is not offered" ;;
esac

# ---- special-use folders and the shared mailbox ------------------------------

list=$(imaps alice 'LIST "" "*"' 2>&1)
missing=
for f in '\Drafts) "/" Drafts' '\Sent) "/" Sent' '\Junk) "/" Junk' '\Trash) "/" Trash' \
	'\Archive) "/" Archive'; do
	printf '%s\n' "$list" | grep -qF "$f" || missing="$missing [$f]"
done
if [ -z "$missing" ]; then
	ok "special-use folders exist"
else
	not_ok "special-use folders missing:$missing" "$list"
fi
for u in alice bob; do
	if imaps "$u" 'LIST "" "*"' 2>&1 | grep -q "\"/\" $SHARED\$"; then
		ok "$u sees $SHARED"
	else
		not_ok "$u sees $SHARED" "$(imaps "$u" 'LIST "" "*"' 2>&1)"
	fi
done
if imaps carol 'LIST "" "*"' 2>&1 | grep -q Shared; then
	not_ok "carol sees no Shared/" "$(imaps carol 'LIST "" "*"' 2>&1)"
else
	ok "carol sees no Shared/"
fi
rights=$(imaps bob "MYRIGHTS \"$SHARED\"" 2>&1)
case $rights in
*"MYRIGHTS $SHARED lrs"* | *"MYRIGHTS \"$SHARED\" lrs"*) ok "bob's rights on $SHARED are lrs" ;;
*) not_ok "bob's rights on $SHARED are lrs" "$rights" ;;
esac
rights=$(imaps alice "MYRIGHTS \"$SHARED\"" 2>&1)
case $rights in
*lrwstipekxacd* | *lrswipkxtecda*) ok "alice has every right on $SHARED" ;;
*) not_ok "alice has every right on $SHARED" "$rights" ;;
esac
if imaps alice 'LIST "" "*"' 2>&1 | grep -q "\"/\" Shared/support@$D/Sent\$"; then
	ok "alice sees support's Sent"
else
	not_ok "alice sees support's Sent" "$(imaps alice 'LIST "" "*"' 2>&1)"
fi

# ---- POP3 ---------------------------------------------------------------------

check "alice logs in over POP3 with STLS, verified" \
	curl -sS --max-time 20 --ssl-reqd --cacert "$CA" -u "alice@$D:$FCT_TB_PASS_alice" \
	"pop3://$H:$FCT_TB_POP3_PORT/"
check "alice logs in over POP3S, verified" \
	curl -sS --max-time 20 --cacert "$CA" -u "alice@$D:$FCT_TB_PASS_alice" \
	"pop3s://$H:$FCT_TB_POP3S_PORT/"

# ---- SMTP (Postfix) -------------------------------------------------------------

if [ "${FCT_TB_HAVE_POSTFIX:-0}" = 1 ]; then
	token="testbed-$$-$(date +%s)"
	check "submission: STARTTLS and AUTH as alice, to bob and to another domain" \
		swaks --silent 1 -tls --tls-verify --tls-ca-path "$CA" -s "$H" \
		-p "$FCT_TB_SUBMISSION_PORT" -au "alice@$D" -ap "$FCT_TB_PASS_alice" \
		-f "alice@$D" -t "bob@$D,someone@elsewhere.example" \
		--header "Subject: $token submission"
	if wait_subject bob "$token submission"; then
		ok "the message reached bob's INBOX"
	else
		not_ok "the message reached bob's INBOX" "$(tail -n 5 "$FCT_TB_DIR/postfix/maillog")"
	fi
	if wait_subject catchall "$token submission"; then
		ok "mail for another domain reached catchall's INBOX"
	else
		not_ok "mail for another domain reached catchall's INBOX" \
			"$(tail -n 5 "$FCT_TB_DIR/postfix/maillog")"
	fi
	check "SMTPS (implicit TLS) and AUTH as bob, to alice" \
		swaks --silent 1 --tls-on-connect --tls-verify --tls-ca-path "$CA" -s "$H" \
		-p "$FCT_TB_SMTPS_PORT" -au "bob@$D" -ap "$FCT_TB_PASS_bob" \
		-f "bob@$D" -t "alice@$D" --header "Subject: $token smtps"
	if wait_subject alice "$token smtps"; then ok "the SMTPS message reached alice"; else
		not_ok "the SMTPS message reached alice" "$(tail -n 5 "$FCT_TB_DIR/postfix/maillog")"
	fi
	check "the MX port takes mail without AUTH" \
		swaks --silent 1 -s "$H" -p "$FCT_TB_MX_PORT" -f "someone@elsewhere.example" \
		-t "carol@$D" --header "Subject: $token mx"
	if wait_subject carol "$token mx"; then ok "the MX message reached carol"; else
		not_ok "the MX message reached carol" "$(tail -n 5 "$FCT_TB_DIR/postfix/maillog")"
	fi
	if out=$(swaks --silent 1 -s "$H" -p "$FCT_TB_SUBMISSION_PORT" -f "alice@$D" \
		-t "bob@$D" 2>&1); then
		not_ok "submission refuses mail without STARTTLS" "$out"
	else
		ok "submission refuses mail without STARTTLS"
	fi
	if out=$(swaks --silent 1 -tls --tls-ca-path "$CA" -s "$H" -p "$FCT_TB_SUBMISSION_PORT" \
		-f "alice@$D" -t "bob@$D" 2>&1); then
		not_ok "submission refuses mail without AUTH" "$out"
	else
		ok "submission refuses mail without AUTH"
	fi
else
	echo "# Postfix not running (FCT_TB_HAVE_POSTFIX=0): SMTP checks skipped"
fi

# ---- the seeder -----------------------------------------------------------------

folder="Seeded-$$"
if out=$("$FCT_TB_SCRIPTS/seed" carol "$folder" 300 --seed 3 2>&1); then
	status=$(imaps carol "STATUS \"$folder\" (MESSAGES)" 2>&1)
	case $status in
	*"(MESSAGES 300)"*) ok "the seeder put 300 messages in $folder" ;;
	*) not_ok "the seeder put 300 messages in $folder" "$out
$status" ;;
	esac
else
	not_ok "the seeder ran" "$out"
fi

# ---- the negative peers ------------------------------------------------------------
# curl stands in for a careful client: it must refuse each fake, and the
# fakes must then have logged no credentials (which proves their logging
# is what the client tests can trust: a CONNECT but no CREDENTIALS).

for name in selfsigned wronghost expired; do
	eval "port=\$FCT_TB_$(echo "$name" | tr a-z A-Z)_PORT"
	eval "log=\$FCT_TB_FAKE_LOG_$name"
	if out=$(curl -sS --max-time 10 --cacert "$CA" -u "alice@$D:secret" -X NOOP \
		"imaps://$H:$port/" 2>&1); then
		not_ok "a verifying client refuses the $name peer" "$out"
	else
		ok "a verifying client refuses the $name peer"
	fi
	if grep -q CREDENTIALS "$log" || ! grep -q CONNECT "$log"; then
		not_ok "the $name peer saw a connection and no credentials" "$(cat "$log")"
	else
		ok "the $name peer saw a connection and no credentials"
	fi
done
caps=$(printf 'a CAPABILITY\r\nb LOGOUT\r\n' |
	curl -sS --max-time 10 "telnet://$H:$FCT_TB_NOSTARTTLS_PORT" 2>&1)
case $caps in
*"* OK fake IMAP"*"* CAPABILITY"*STARTTLS*) not_ok "nostarttls offers no STARTTLS" "$caps" ;;
*"* OK fake IMAP"*"* CAPABILITY"*) ok "nostarttls offers no STARTTLS" ;;
*) not_ok "nostarttls answers CAPABILITY" "$caps" ;;
esac
log=$FCT_TB_FAKE_LOG_nostarttls
if curl -sS --max-time 10 --ssl-reqd -u "alice@$D:secret" -X NOOP \
	"imap://$H:$FCT_TB_NOSTARTTLS_PORT/" >/dev/null 2>&1; then
	not_ok "a client requiring TLS gives up on nostarttls"
elif grep -q CREDENTIALS "$log"; then
	not_ok "nostarttls saw no credentials" "$(cat "$log")"
else
	ok "a client requiring TLS gives up on nostarttls before sending credentials"
fi

echo "# $checks checks, $failures failed"
[ "$failures" -eq 0 ] || exit 1
exit 0
