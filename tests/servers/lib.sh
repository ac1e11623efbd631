# Shared helpers of the test bed scripts (start, stop, seed, populate-demo).
# Sourced, never run. Bash: the port probes use bash's /dev/tcp.
#
# The test bed lives entirely in one state directory (default /tmp/fct-tb):
# configuration, certificates, sockets, queues, logs and mail. Nothing under
# /etc is read for our settings or written. Every daemon listens on
# 127.0.0.1 only, on ports FCT_TB_PORT_BASE + a fixed offset (below).

# Offsets from FCT_TB_PORT_BASE. Fixed so that a port tells what it is.
# (Read through eval in tb_ports, which shellcheck cannot see.)
# shellcheck disable=SC2034
TB_OFF_IMAP=0        # IMAP, STARTTLS offered (Dovecot)
TB_OFF_IMAPS=1       # IMAP over implicit TLS (Dovecot)
TB_OFF_POP3=2        # POP3, STLS offered (Dovecot)
TB_OFF_POP3S=3       # POP3 over implicit TLS (Dovecot)
TB_OFF_LMTP=4        # LMTP, Postfix delivers through it (Dovecot)
TB_OFF_SUBMISSION=5  # submission: STARTTLS required, then AUTH (Postfix)
TB_OFF_SMTPS=6       # submission over implicit TLS (Postfix)
TB_OFF_MX=7          # inbound SMTP without AUTH, to inject mail (Postfix)
TB_OFF_MANAGESIEVE=8 # ManageSieve, STARTTLS offered (Pigeonhole), when installed
TB_OFF_SELFSIGNED=10 # fake IMAPS, self-signed certificate
TB_OFF_WRONGHOST=11  # fake IMAPS, CA-signed for other.example.test only
TB_OFF_EXPIRED=12    # fake IMAPS, CA-signed but expired
TB_OFF_NOSTARTTLS=13 # fake plaintext IMAP that never offers STARTTLS
TB_OFF_SMTP_NOSTARTTLS=14 # fake plaintext SMTP that never offers STARTTLS
TB_OFF_TOKENS=15     # OAuth2 tokeninfo endpoint (HTTP) for Dovecot's oauth2 passdb

TB_USERS="alice bob carol support catchall dave"
TB_DOMAIN=example.test
# The users' display names (carol's is not ASCII, on purpose).
tb_display_name() {
	case $1 in
	alice) echo "Alice Martin" ;;
	bob) echo "Bob Durand" ;;
	carol) echo "Carol Lefèvre" ;;
	support) echo "Support Facteur" ;;
	dave) echo "Dave Petit" ;;
	*) echo "Catch All" ;;
	esac
}

# The marker that proves a directory is a test bed's, so that start may wipe it.
TB_MARKER=.fct-testbed

tb_die() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

tb_say() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# Sets TB_STATE to the absolute state directory from $1 or the default.
# Unix socket paths are limited to 107 bytes and Dovecot's deepest socket is
# about 40 bytes below base_dir, so a long directory would fail late and
# obscurely: refuse it here.
tb_state_dir() {
	TB_STATE=${1:-${FCT_TB_DIR:-/tmp/fct-tb}}
	case $TB_STATE in
	/*) ;;
	*) TB_STATE=$PWD/$TB_STATE ;;
	esac
	TB_STATE=${TB_STATE%/}
	if [ "${#TB_STATE}" -gt 64 ]; then
		tb_die "state directory '$TB_STATE' is too long (more than 64 bytes)"
	fi
}

# The directory of these scripts, for fakeimap.py and the seeder.
tb_script_dir() {
	TB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
}

# True when something accepts TCP connections on 127.0.0.1:$1.
tb_port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Waits up to $2 tenths of a second for port $1 to accept connections.
tb_wait_port_open() {
	local port=$1 tries=${2:-100}
	while [ "$tries" -gt 0 ]; do
		tb_port_open "$port" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

tb_wait_port_closed() {
	local port=$1 tries=${2:-100}
	while [ "$tries" -gt 0 ]; do
		tb_port_open "$port" || return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# True when process $1 exists and is not a zombie. The container's init may
# reap exited daemons late, so a zombie counts as stopped.
tb_pid_alive() {
	local state
	[ -r "/proc/$1/stat" ] || return 1
	# The state is the field after the parenthesised command name.
	state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Sends TERM to the process whose pid is in file $1, if it is alive and is
# ours: its command line contains $2, or (when $3 is given) its working
# directory is $3. A recycled pid, or another bed's daemon, is never hit.
# Adds the pid to TB_STOPPING for tb_wait_stopped; removes the pid file.
TB_STOPPING=
tb_signal_pidfile() {
	local file=$1 want=$2 cwd=${3:-} pid ours=0
	[ -f "$file" ] || return 0
	pid=$(head -n 1 "$file" | tr -dc 0-9)
	if [ -n "$pid" ] && tb_pid_alive "$pid"; then
		if [ -n "$cwd" ]; then
			[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$cwd" ] && ours=1
		elif tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$want"; then
			ours=1
		fi
	fi
	if [ "$ours" = 1 ]; then
		kill -TERM "$pid" 2>/dev/null || true
		TB_STOPPING="$TB_STOPPING $pid"
	fi
	rm -f "$file"
}

# Waits for the processes in TB_STOPPING to exit; KILLs those still alive
# after five seconds. Signalling all before waiting lets them stop in
# parallel (Dovecot alone takes a second).
tb_wait_stopped() {
	local pid tries=50 alive
	while [ "$tries" -gt 0 ]; do
		alive=
		for pid in $TB_STOPPING; do
			tb_pid_alive "$pid" && alive="$alive $pid"
		done
		[ -z "$alive" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	for pid in $alive; do
		tb_say "pid $pid ignored TERM: killing it"
		kill -KILL "$pid" 2>/dev/null || true
	done
}

# Sets TB_PORT_<NAME> for every offset above from base $1.
tb_ports() {
	local base=$1 name off
	for name in IMAP IMAPS POP3 POP3S LMTP SUBMISSION SMTPS MX \
		SELFSIGNED WRONGHOST EXPIRED NOSTARTTLS SMTP_NOSTARTTLS TOKENS \
		MANAGESIEVE; do
		off=TB_OFF_$name
		eval "TB_PORT_$name=\$((base + $off))"
	done
}

# The unprivileged user who owns the mail files: Dovecot refuses to access
# mail as root. When not root, that is simply the current user.
tb_mail_user() {
	if [ "$(id -u)" -eq 0 ]; then
		TB_VMAIL=vmail
	else
		TB_VMAIL=$(id -un)
	fi
}

# Runs "$@" as the mail user (directly when that is already us).
tb_as_vmail() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid="$(id -u "$TB_VMAIL")" --regid="$(id -g "$TB_VMAIL")" \
			--clear-groups -- "$@"
	else
		"$@"
	fi
}

# doveadm against the test bed's Dovecot, never the system's.
tb_doveadm() {
	doveadm -c "$TB_STATE/dovecot.conf" "$@"
}
