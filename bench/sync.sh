#!/bin/sh
# bench/sync.sh [N]: facteur's sync and cache against the real server of the
# test bed, and NeoMutt opening the same folder with its header cache, in
# the same run. Prints a table and the ratios, and writes them into
# doc/benchmarks.md (between its "bench:begin" and "bench:end" marks).
#
# What it measures, on one folder of N messages (default 100,000), seeded
# for carol as "Bench":
#   - cold full sync (`facteur sync t:Bench`, empty cache), 3 times from
#     scratch: wall time and peak RSS (/usr/bin/time -v);
#   - during each cold sync, the time until the newest 50 messages are
#     committed in the store, seen by an outside reader (bench/poll-newest,
#     or the sqlite3 command in a loop when that helper is not built);
#   - warm resync with no change, 20 times; the same with the IMAP trace
#     cut into phases (bench/imap-phases.py), 10 times;
#   - warm resync after another client flagged 1% of the messages, 3 times,
#     the cache checked against the server after each;
#   - offline searches, 10 times each, with and without --limit 50;
#   - NeoMutt (default settings, header cache on) opening the folder cold
#     (empty header cache) 3 times, warm (cache filled) 5 times, warm after
#     another client flagged 1% 3 times; and warm with `imap_qresync` on,
#     3 times, for reference. Then once more, to read "Msgs:N" off its
#     status line: it did load every message.
#
# It builds nothing. Environment:
#   FACTEUR         the facteur binary (default: build/plain/facteur, else
#                   ./facteur at the top of the tree)
#   FCT_SEED        facteur-seed (default: next to FACTEUR)
#   FCT_BENCH_POLL  poll-newest (default: bench/poll-newest next to
#                   FACTEUR; built when bench/local.mk is in the build)
#   FCT_BENCH_PORT_BASE  ports of the bench's own test bed (default 16300,
#                   base to base+15: clear of scripts/test's 14300, the
#                   demo's 14500 and the 15000-15999 of developers' beds)
#   FCT_BENCH_DOC   where to write the results (default doc/benchmarks.md;
#                   "-" for nowhere)
# Needs: the test bed's packages (tests/servers/README.md), python3,
# neomutt, tmux, time (/usr/bin/time), sqlite3.
#
# It starts its own test bed in a temporary directory and stops it at the
# end, whatever happens. About 4 minutes for 100,000 messages on a 2-vCPU
# machine; it uses one core most of the time (facteur or NeoMutt, and
# Dovecot answering them).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-100000}
case $N in
'' | *[!0-9]*) echo "usage: bench/sync.sh [N]" >&2; exit 2 ;;
esac
[ "$N" -ge 1000 ] || { echo "bench/sync.sh: N must be at least 1000" >&2; exit 2; }

if [ -z "${FACTEUR:-}" ]; then
	FACTEUR=$top/build/plain/facteur
	[ -x "$FACTEUR" ] || FACTEUR=$top/facteur
fi
bindir=$(cd "$(dirname "$FACTEUR")" 2>/dev/null && pwd) || bindir=.
FCT_SEED=${FCT_SEED:-$bindir/facteur-seed}
POLL=${FCT_BENCH_POLL:-$bindir/bench/poll-newest}
PORT_BASE=${FCT_BENCH_PORT_BASE:-16300}
DOC=${FCT_BENCH_DOC:-$top/doc/benchmarks.md}
FOLDER=Bench
WARM_RUNS=20
PHASE_RUNS=10
COLD_RUNS=3
FLAG_ROUNDS=3
SEARCH_RUNS=10
NM_COLD_RUNS=3
NM_WARM_RUNS=5

die() { echo "bench/sync.sh: $*" >&2; exit 1; }
log() { printf '== %s\n' "$*" >&2; }

[ -x "$FACTEUR" ] || die "no facteur at '$FACTEUR' (build it, or set FACTEUR)"
[ -x "$FCT_SEED" ] || die "no facteur-seed at '$FCT_SEED' (make facteur-seed, or set FCT_SEED)"
missing=
command -v python3 >/dev/null || missing="$missing python3"
command -v neomutt >/dev/null || missing="$missing neomutt"
command -v tmux >/dev/null || missing="$missing tmux"
command -v sqlite3 >/dev/null || missing="$missing sqlite3"
[ -x /usr/bin/time ] || missing="$missing time"
[ -z "$missing" ] || die "missing packages; run: apt-get install$missing"

# --- Temporary directory, test bed, cleanup --------------------------------

# Short (the test bed wants at most 64 bytes), and traversable by the mail
# user, who must reach the bed's mail directory inside it.
tmp=$(mktemp -d /tmp/fct-bench.XXXXXX)
chmod 0755 "$tmp"
tb=$tmp/tb
sock=fct-bench-$$ # our own tmux server, for NeoMutt
cleanup() {
	tmux -L "$sock" kill-server >/dev/null 2>&1 || true
	"$top/tests/servers/stop" "$tb" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started_at=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "test bed in $tb (ports $PORT_BASE+)"
FCT_TB_PORT_BASE=$PORT_BASE "$top/tests/servers/start" "$tb" >"$tmp/start.log" 2>&1 ||
	{ cat "$tmp/start.log" >&2; die "the test bed did not start"; }
# shellcheck disable=SC1091 # FCT_TB_*, the bed's ports and passwords
. "$tb/env.sh"

ctl() { python3 "$top/tests/integration/imapctl.py" "$@"; }

# Nanoseconds since the epoch. Taken raw, so that no conversion runs
# between the clock reading and the command timed.
now_ns() { date +%s%N; }
# elapsed START: milliseconds since START (a now_ns value), to 0.1 ms.
elapsed() {
	_e=$(date +%s%N)
	_us=$(((_e - $1) / 1000))
	printf '%d.%d\n' $((_us / 1000)) $((_us % 1000 / 100))
}

# stats FILE: "median min max" of the numbers in FILE, one a line.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 }
	END {
		if (NR == 0) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f %.1f\n", m, v[1], v[NR]
	}'
}
median() { stats "$1" | cut -d' ' -f1; }

# --- Seeding -----------------------------------------------------------------

log "seeding $N messages into carol's $FOLDER"
t=$(now_ns)
FCT_SEED=$FCT_SEED "$FCT_TB_SCRIPTS/seed" carol "$FOLDER" "$N" >"$tmp/seed.log" 2>&1 ||
	{ cat "$tmp/seed.log" >&2; die "seeding failed"; }
seed_ms=$(elapsed "$t")
ctl carol dump "$FOLDER" >"$tmp/server"
[ "$(wc -l <"$tmp/server")" -eq "$N" ] || die "the server has $(wc -l <"$tmp/server") messages, not $N"
# The UID of the 50th newest message: the newest 50 are those at or above.
min50=$(tail -n 50 "$tmp/server" | head -n 1 | cut -f1)

cache=$tmp/cache
db=$cache/t.sqlite
conf=$tmp/facteur.conf
cat >"$conf" <<EOC
[general]
cache_dir = $cache

[account t]
email = carol@example.test
imap = imaps://127.0.0.1:$FCT_TB_IMAPS_PORT
password_command = cat $FCT_TB_DIR/pw-carol
ca_file = $FCT_TB_CA
EOC
fct() { "$FACTEUR" -c "$conf" "$@"; }

# same WHAT: the cache holds exactly the server's UIDs and flags.
same() {
	fct list "t:$FOLDER" --offline | cut -f1,5 | sort -n >"$tmp/cached"
	ctl carol dump "$FOLDER" >"$tmp/server"
	cmp -s "$tmp/cached" "$tmp/server" ||
		die "$1: the cache differs from the server: $(diff "$tmp/server" "$tmp/cached" | head -5)"
}

# --- Cold full sync, and the newest 50 rows -----------------------------------

# cold_poll_cli MIN COUNT -- CMD...: poll-newest's output, done with the
# sqlite3 command in a loop (a few milliseconds a query, process start
# included: the figure is coarser).
cold_poll_cli() {
	min=$1 count=$2
	shift 3
	t=$(now_ns)
	"$@" &
	pid=$!
	newest=-1
	while :; do
		state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null || echo Z)
		[ "$state" != Z ] || break
		n=$(sqlite3 -readonly "$db" "SELECT count(*) FROM messages WHERE uid >= $min AND folder_id = (SELECT id FROM folders WHERE name = '$FOLDER')" 2>/dev/null) || n=-1
		if [ "${n:--1}" -ge "$count" ]; then
			newest=$(elapsed "$t")
			break
		fi
	done
	rc=0
	wait "$pid" || rc=$?
	echo "newest_ms=$newest total_ms=$(elapsed "$t") status=$rc polls=-"
}

if [ -x "$POLL" ]; then
	poller="bench/poll-newest (a query every millisecond)"
else
	poller="the sqlite3 command in a loop (bench/poll-newest not built)"
fi
log "cold sync x$COLD_RUNS, newest 50 polled by $poller"
: >"$tmp/cold_ms"
: >"$tmp/newest_ms"
: >"$tmp/cold_rss"
i=1
while [ "$i" -le "$COLD_RUNS" ]; do
	rm -rf "$cache"
	set -- "$db" "$FOLDER" "$min50" 50 -- \
		/usr/bin/time -v -o "$tmp/time.cold" "$FACTEUR" -c "$conf" sync "t:$FOLDER"
	if [ -x "$POLL" ]; then
		"$POLL" "$@" >"$tmp/cold.out"
	else
		shift 2
		cold_poll_cli "$@" >"$tmp/cold.out"
	fi
	grep -q "^newest_ms=.* status=0 " "$tmp/cold.out" || die "cold sync $i failed: $(cat "$tmp/cold.out")"
	line=$(grep "^t	" "$tmp/cold.out")
	[ "$line" = "t	$FOLDER	qresync	$N	0	0	$N" ] || die "cold sync $i: unexpected '$line'"
	r=$(sed -n 's/^newest_ms=\([-0-9.]*\) total_ms=\([0-9.]*\) .*/\1 \2/p' "$tmp/cold.out")
	[ "${r%% *}" != -1 ] || die "cold sync $i: the newest 50 were never seen"
	echo "${r%% *}" >>"$tmp/newest_ms"
	echo "${r#* }" >>"$tmp/cold_ms"
	sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tmp/time.cold" >>"$tmp/cold_rss"
	log "  run $i: newest 50 at ${r%% *} ms, done at ${r#* } ms, $(tail -n 1 "$tmp/cold_rss") kB"
	i=$((i + 1))
done
same "after the cold sync"
cache_kb=$(du -sk "$cache" | cut -f1)

# --- Warm resync, no change ------------------------------------------------------

log "warm resync, no change, x$WARM_RUNS"
: >"$tmp/warm_ms"
i=1
while [ "$i" -le "$WARM_RUNS" ]; do
	t=$(now_ns)
	line=$(fct sync "t:$FOLDER")
	elapsed "$t" >>"$tmp/warm_ms"
	[ "$line" = "t	$FOLDER	qresync	0	0	0	$N" ] || die "warm sync $i: unexpected '$line'"
	i=$((i + 1))
done
/usr/bin/time -v -o "$tmp/time.warm" "$FACTEUR" -c "$conf" sync "t:$FOLDER" >/dev/null
warm_rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tmp/time.warm")

# phases OUT RUNS: the phases of RUNS warm resyncs, one file per phase.
phase_names="total connect login prelude select sync logout"
phases() {
	for p in $phase_names; do : >"$tmp/$1.$p"; done
	j=1
	while [ "$j" -le "$2" ]; do
		timeout 60 python3 "$top/bench/imap-phases.py" "$FACTEUR" -c "$conf" \
			sync "t:$FOLDER" >"$tmp/phases.out" || die "imap-phases failed"
		for p in $phase_names; do
			tr ' ' '\n' <"$tmp/phases.out" | sed -n "s/^$p=//p" >>"$tmp/$1.$p"
		done
		j=$((j + 1))
	done
}
log "warm resync, no change, phases from the IMAP trace, x$PHASE_RUNS"
phases ph0 "$PHASE_RUNS"
same "after the warm resyncs"

# --- Warm resync after 1% flag changes ---------------------------------------------

k=$((N / 100))
# flag_some SEED: another client flags k messages that were not flagged,
# drawn at random (seeded) from the server's list in $tmp/server, so that
# every one of them really changes.
flag_some() {
	uids=$(awk -F'\t' -v k="$k" -v seed="$1" '
		$2 !~ /flagged/ { u[n++] = $1 }
		END {
			srand(seed)
			for (i = 0; i < k && i < n; i++) {
				j = i + int(rand() * (n - i))
				t = u[i]; u[i] = u[j]; u[j] = t
				printf "%s%s", (i ? "," : ""), u[i]
			}
		}' "$tmp/server")
	ctl carol store "$FOLDER" "$uids" '+(\Flagged)'
}
log "warm resync after $k messages flagged by another client, x$FLAG_ROUNDS (+1 traced)"
: >"$tmp/flag_ms"
round=1
while [ "$round" -le $((FLAG_ROUNDS + 1)) ]; do
	flag_some "$round"
	if [ "$round" -le "$FLAG_ROUNDS" ]; then
		t=$(now_ns)
		line=$(fct sync "t:$FOLDER")
		elapsed "$t" >>"$tmp/flag_ms"
		[ "$line" = "t	$FOLDER	qresync	0	$k	0	$N" ] || die "1% resync $round: unexpected '$line'"
	else
		# The same once more, cut into phases (not in the timings above).
		phases ph1 1
	fi
	same "after $k flag changes (round $round)"
	round=$((round + 1))
done

# --- Offline search -----------------------------------------------------------------

# The seeded folder is deterministic (seed 1): these exist in it. A date
# range a quarter long, in the seeded period (which ends 2026-06-01).
q_from='from:jane'
q_word='facture'
q_date='date:2025-01..2025-03'
log "offline search x$SEARCH_RUNS"
for q in from word date; do
	case $q in
	from) query=$q_from ;;
	word) query=$q_word ;;
	*) query=$q_date ;;
	esac
	for lim in all 50; do
		set -- search "$query" --offline
		[ "$lim" = all ] || set -- "$@" --limit 50
		fct "$@" | wc -l | tr -d ' ' >"$tmp/hits_${q}_$lim"
		[ "$(cat "$tmp/hits_${q}_$lim")" -gt 0 ] || die "search '$query' finds nothing"
		: >"$tmp/search_${q}_$lim"
		i=1
		while [ "$i" -le "$SEARCH_RUNS" ]; do
			t=$(now_ns)
			fct "$@" >/dev/null
			elapsed "$t" >>"$tmp/search_${q}_$lim"
			i=$((i + 1))
		done
	done
done
# The first screen of the folder from the cache, and a bare process start,
# for scale.
: >"$tmp/screen_ms"
: >"$tmp/version_ms"
i=1
while [ "$i" -le "$SEARCH_RUNS" ]; do
	t=$(now_ns)
	fct list "t:$FOLDER" --offline --limit 50 >/dev/null
	elapsed "$t" >>"$tmp/screen_ms"
	t=$(now_ns)
	"$FACTEUR" --version >/dev/null
	elapsed "$t" >>"$tmp/version_ms"
	i=$((i + 1))
done

# --- NeoMutt ---------------------------------------------------------------------------

nmhome=$tmp/nm
mkdir -p "$nmhome/hcache" "$nmhome/hcache-q"
# nm_rc FILE HCACHE [EXTRA]: a muttrc with the account, the test CA and a
# header cache; nothing else but what keeps it from changing anything on
# the server (mark_old), asking anything (folder: else it offers to create
# ~/Mail) or idling: sleep_time=0, else it pauses a second on its way out,
# which would count against it.
nm_rc() {
	(
		umask 077
		cat >"$1" <<EOR
set folder = "imaps://127.0.0.1:$FCT_TB_IMAPS_PORT/"
set imap_user = "carol@example.test"
set imap_pass = "$(cat "$FCT_TB_DIR/pw-carol")"
set ssl_ca_certificates_file = "$FCT_TB_CA"
set certificate_file = "$nmhome/certificates"
set header_cache = "$2/"
set imap_check_subscribed = no
set mark_old = no
set sleep_time = 0
$3
EOR
	)
}
nm_rc "$nmhome/muttrc" "$nmhome/hcache" ""
nm_rc "$nmhome/muttrc-q" "$nmhome/hcache-q" "set imap_qresync = yes"
url="imaps://127.0.0.1:$FCT_TB_IMAPS_PORT/$FOLDER"

# nm_open MUTTRC: NeoMutt in a terminal (tmux) opens the folder, reads
# every header (from the server, or its header cache and the flags from the
# server), sorts and draws the index, then reads the pushed "q" and quits.
# Appends its wall time (ms) to $tmp/nm_ms and its peak RSS to $tmp/nm_rss.
nm_open() {
	rm -f "$tmp/nm.done"
	cat >"$tmp/nm.sh" <<EOS
#!/bin/sh
s=\$(date +%s%N)
HOME=$nmhome /usr/bin/time -f %M -o $tmp/nm.rss neomutt -n -F $1 -f $url -e 'push q' 2>$tmp/nm.err
rc=\$?
e=\$(date +%s%N)
echo "\$rc \$(( (e - s) / 1000 ))" >$tmp/nm.done
EOS
	tmux -L "$sock" new-session -d -x 200 -y 50 "sh $tmp/nm.sh"
	j=0
	while [ ! -s "$tmp/nm.done" ]; do
		j=$((j + 1))
		if [ "$j" -ge 1200 ]; then
			tmux -L "$sock" capture-pane -p >&2 || true
			tmux -L "$sock" kill-server 2>/dev/null || true
			die "NeoMutt did not finish in 120 s (its screen is above)"
		fi
		sleep 0.1
	done
	read -r rc us <"$tmp/nm.done"
	[ "$rc" -eq 0 ] || die "NeoMutt failed ($rc): $(cat "$tmp/nm.err")"
	awk -v us="$us" 'BEGIN { printf "%.1f\n", us / 1000 }' >>"$tmp/nm_ms"
	tail -n 1 "$tmp/nm.rss" >>"$tmp/nm_rss"
}

log "NeoMutt cold (empty header cache) x$NM_COLD_RUNS"
: >"$tmp/nm_ms"
: >"$tmp/nm_rss"
i=1
while [ "$i" -le "$NM_COLD_RUNS" ]; do
	rm -rf "$nmhome/hcache" && mkdir "$nmhome/hcache"
	nm_open "$nmhome/muttrc"
	log "  run $i: $(tail -n 1 "$tmp/nm_ms") ms"
	i=$((i + 1))
done
mv "$tmp/nm_ms" "$tmp/nm_cold_ms"
mv "$tmp/nm_rss" "$tmp/nm_cold_rss"
hcache_kb=$(du -sk "$nmhome/hcache" | cut -f1)

log "NeoMutt warm (header cache filled) x$NM_WARM_RUNS"
: >"$tmp/nm_ms"
: >"$tmp/nm_rss"
i=1
while [ "$i" -le "$NM_WARM_RUNS" ]; do
	nm_open "$nmhome/muttrc"
	i=$((i + 1))
done
mv "$tmp/nm_ms" "$tmp/nm_warm_ms"
mv "$tmp/nm_rss" "$tmp/nm_warm_rss"

# The same after another client flagged 1%: on Maildir the server's side
# of it (renamed files, a rescan) is not free, so compare like with like.
log "NeoMutt warm after $k messages flagged by another client x$FLAG_ROUNDS"
: >"$tmp/nm_ms"
round=1
while [ "$round" -le "$FLAG_ROUNDS" ]; do
	ctl carol dump "$FOLDER" >"$tmp/server"
	flag_some $((round + 100))
	nm_open "$nmhome/muttrc"
	round=$((round + 1))
done
mv "$tmp/nm_ms" "$tmp/nm_flag_ms"

# Its best setting, for reference: QRESYNC spares it the flags of every
# message. The first open fills that header cache (not timed).
log "NeoMutt warm with imap_qresync x$NM_COLD_RUNS (after one untimed open)"
cp -r "$nmhome/hcache/." "$nmhome/hcache-q/"
: >"$tmp/nm_ms"
: >"$tmp/nm_rss"
nm_open "$nmhome/muttrc-q"
: >"$tmp/nm_ms"
i=1
while [ "$i" -le "$NM_COLD_RUNS" ]; do
	nm_open "$nmhome/muttrc-q"
	i=$((i + 1))
done
mv "$tmp/nm_ms" "$tmp/nm_q_ms"

# Did it really load every message? Open once more without quitting, and
# read its status line ("Msgs:N") off the terminal.
log "NeoMutt: checking that it loads all $N messages"
tmux -L "$sock" new-session -d -x 200 -y 50 \
	"HOME=$nmhome neomutt -n -F $nmhome/muttrc -f $url"
nm_status=
j=0
while [ "$j" -lt 600 ]; do
	nm_status=$(tmux -L "$sock" capture-pane -p 2>/dev/null | grep -o '\[Msgs:[0-9]*' || true)
	[ -z "$nm_status" ] || break
	j=$((j + 1))
	sleep 0.1
done
tmux -L "$sock" send-keys q 2>/dev/null || true
sleep 1
tmux -L "$sock" kill-server >/dev/null 2>&1 || true
[ "$nm_status" = "[Msgs:$N" ] || die "NeoMutt's status line says '$nm_status', not $N messages"

# --- Results -------------------------------------------------------------------------------

finished_at=$(date +%s)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# row LABEL FILE UNIT: a table row, median and spread (min–max) of FILE.
row() {
	set -- "$1" "$(stats "$2")" "$3"
	# shellcheck disable=SC2086
	set -- "$1" $2 "$3"
	if [ "$5" = s ]; then
		awk -v l="$1" -v m="$2" -v a="$3" -v b="$4" 'BEGIN {
			printf "| %s | %.2f s | %.2f–%.2f s |\n", l, m / 1000, a / 1000, b / 1000 }'
	else
		printf '| %s | %s ms | %s–%s ms |\n' "$1" "$2" "$3" "$4"
	fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
met() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {
	ok = op == "<" ? v < t : v >= t
	print ok ? "**met**" : "**missed**" }'; }

cold=$(median "$tmp/cold_ms")
newest=$(median "$tmp/newest_ms")
warm=$(median "$tmp/warm_ms")
flag=$(median "$tmp/flag_ms")
nm_cold=$(median "$tmp/nm_cold_ms")
nm_warm=$(median "$tmp/nm_warm_ms")
nm_q=$(median "$tmp/nm_q_ms")
search_worst=$(cat "$tmp"/search_*_all | sort -n | tail -n 1)
search_med_worst=$(for f in "$tmp"/search_*; do median "$f"; done | sort -n | tail -n 1)
warm_ratio=$(ratio "$nm_warm" "$warm")
cflags=$(sed -n 's/^CFLAGS = //p' "$bindir/Makefile" 2>/dev/null || true)
fct_cflags=$(sed -n 's/^FCT_CFLAGS = //p' "$bindir/Makefile" 2>/dev/null || true)
ph() { median "$tmp/$1.$2"; }

{
	echo "<!-- bench:begin: written by bench/sync.sh; edits here are lost -->"
	echo
	echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), $N messages, $((finished_at - started_at)) s in all."
	echo
	echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
	echo "$(free -h | awk '/^Mem:/ { print $2 }') of memory, Linux $(uname -r); load average $load_before"
	echo "before the run, $load_after after (other work shares the machine)."
	echo
	echo "Versions: $("$FACTEUR" --version | head -n 1) (CFLAGS \`${cflags:-?}\`,"
	echo "\`${fct_cflags:-?}\`; $("$FACTEUR" --version | sed -n 's/^ *//; /sqlite/p; /OpenSSL/p' | tr '\n' ';' | sed 's/;$//; s/;/; /g')),"
	echo "Dovecot $(dovecot --version | cut -d' ' -f1) (Maildir), $(neomutt -v | head -n 1) ($(neomutt -v | sed -n 's/^storage: //p') header cache),"
	echo "SQLite $(sqlite3 --version | cut -d' ' -f1)."
	echo
	echo "Seeding took $(awk -v m="$seed_ms" 'BEGIN { printf "%.1f", m / 1000 }') s; the cache holds $((cache_kb / 1024)) MB,"
	echo "NeoMutt's header cache $((hcache_kb / 1024)) MB. The newest 50 were polled by $poller."
	echo
	echo "| measure | median | spread (min–max) |"
	echo "| --- | --- | --- |"
	row "facteur cold full sync ($COLD_RUNS runs)" "$tmp/cold_ms" s
	row "facteur newest 50 rows in the store, during the cold sync" "$tmp/newest_ms" ms
	row "facteur warm resync, no change ($WARM_RUNS runs)" "$tmp/warm_ms" ms
	row "facteur warm resync, $k flags changed ($FLAG_ROUNDS runs)" "$tmp/flag_ms" ms
	row "facteur search \`$q_from\` --offline ($(cat "$tmp/hits_from_all") hits)" "$tmp/search_from_all" ms
	row "facteur search \`$q_from\` --offline --limit 50" "$tmp/search_from_50" ms
	row "facteur search \`$q_word\` --offline ($(cat "$tmp/hits_word_all") hits)" "$tmp/search_word_all" ms
	row "facteur search \`$q_word\` --offline --limit 50" "$tmp/search_word_50" ms
	row "facteur search \`$q_date\` --offline ($(cat "$tmp/hits_date_all") hits)" "$tmp/search_date_all" ms
	row "facteur search \`$q_date\` --offline --limit 50" "$tmp/search_date_50" ms
	row "facteur list --offline --limit 50 (first screen, for scale)" "$tmp/screen_ms" ms
	row "facteur --version (process start, for scale)" "$tmp/version_ms" ms
	row "NeoMutt open, empty header cache ($NM_COLD_RUNS runs)" "$tmp/nm_cold_ms" s
	row "NeoMutt reopen, header cache filled ($NM_WARM_RUNS runs)" "$tmp/nm_warm_ms" s
	row "NeoMutt reopen, header cache filled, after $k flags changed ($FLAG_ROUNDS runs)" "$tmp/nm_flag_ms" s
	row "NeoMutt reopen, header cache filled, imap_qresync=yes ($NM_COLD_RUNS runs)" "$tmp/nm_q_ms" s
	echo
	echo "Peak RSS: facteur cold sync $(stats "$tmp/cold_rss" | awk '{ printf "%.0f MB (%.0f–%.0f)", $1 / 1024, $2 / 1024, $3 / 1024 }'),"
	echo "warm resync $((warm_rss / 1024)) MB; NeoMutt cold open $(stats "$tmp/nm_cold_rss" | awk '{ printf "%.0f MB", $1 / 1024 }'),"
	echo "warm reopen $(stats "$tmp/nm_warm_rss" | awk '{ printf "%.0f MB", $1 / 1024 }')."
	echo
	echo "Where a warm resync's time goes (medians of $PHASE_RUNS runs with the IMAP trace on, see"
	echo "bench/imap-phases.py; the last column is one run after $k flag changes):"
	echo
	echo "| phase | no change | $k flags changed |"
	echo "| --- | --- | --- |"
	echo "| start, cache open, TCP, TLS, certificate check, greeting | $(ph ph0 connect) ms | $(ph ph1 connect) ms |"
	echo "| password command, LOGIN | $(ph ph0 login) ms | $(ph ph1 login) ms |"
	echo "| CAPABILITY, NAMESPACE, LIST, folder list to the cache, ENABLE | $(ph ph0 prelude) ms | $(ph ph1 prelude) ms |"
	echo "| SELECT, or STATUS when unchanged (the server) | $(ph ph0 select) ms | $(ph ph1 select) ms |"
	echo "| rest of the folder sync (changes, state commit) | $(ph ph0 sync) ms | $(ph ph1 sync) ms |"
	echo "| LOGOUT, cache close, exit | $(ph ph0 logout) ms | $(ph ph1 logout) ms |"
	echo "| total | $(ph ph0 total) ms | $(ph ph1 total) ms |"
	echo
	echo "Ratios (medians):"
	echo
	echo "- NeoMutt warm reopen / facteur warm resync: **${warm_ratio}×**"
	echo "- NeoMutt warm reopen with QRESYNC / facteur warm resync: $(ratio "$nm_q" "$warm")×"
	echo "- both after $k flag changes, NeoMutt reopen / facteur resync: $(ratio "$(median "$tmp/nm_flag_ms")" "$flag")×"
	echo "- NeoMutt cold open / facteur cold full sync: $(ratio "$nm_cold" "$cold")×"
	echo "- NeoMutt cold open / facteur newest 50 rows: $(ratio "$nm_cold" "$newest")×"
	echo
	echo "Targets:"
	echo
	echo "| target | measured | |"
	echo "| --- | --- | --- |"
	echo "| warm resync, no change, under 100 ms | $warm ms | $(met "$warm" 100 "<") |"
	echo "| warm resync at least 20× faster than NeoMutt's reopen | ${warm_ratio}× | $(met "$warm_ratio" 20 ">=") |"
	echo "| newest 50 rows in under 0.5 s | $newest ms | $(met "$newest" 500 "<") |"
	echo "| offline search under 100 ms (slowest median of the six) | $search_med_worst ms | $(met "$search_med_worst" 100 "<") |"
	echo
	echo "<!-- bench:end -->"
} >"$tmp/results.md"

echo
cat "$tmp/results.md"

if [ "$DOC" != - ]; then
	if [ -f "$DOC" ] && grep -q '^<!-- bench:begin' "$DOC" && grep -q '^<!-- bench:end' "$DOC"; then
		awk -v res="$tmp/results.md" '
			/^<!-- bench:begin/ { while ((getline l < res) > 0) print l; skip = 1; next }
			/^<!-- bench:end/ { skip = 0; next }
			!skip' "$DOC" >"$tmp/doc.new"
	else
		{
			echo "# Benchmarks"
			echo
			cat "$tmp/results.md"
		} >"$tmp/doc.new"
		[ ! -f "$DOC" ] || { echo; cat "$DOC"; } >>"$tmp/doc.new"
	fi
	cat "$tmp/doc.new" >"$DOC"
	log "results written into $DOC"
fi
log "done in $(( $(date +%s) - started_at )) s; slowest single search was $search_worst ms"
