#!/bin/sh
# bench/tui-latency.sh [N]: how long the terminal interface keeps a key
# waiting while a cold sync of an N-message folder (default 100,000) runs
# in the account's worker. The claim to check: the UI thread never blocks
# on the network or on the sync, so a key is answered within a frame.
#
# Two measures, during the sync only:
#   - inside: facteur's own trace (FACTEUR_UI_TRACE), one line per wake-up
#     of the UI thread: how long it stayed busy (keys and worker events
#     applied, the screen drawn) before waiting again. Its maximum bounds
#     how long any key can wait for the thread. The trace also says how
#     much of it was writing to the terminal (tmux reading slowly) and
#     how much CPU the thread used: on a loaded machine the wall-clock
#     time includes waiting for a CPU, which the CPU time does not.
#   - outside: a key sent through tmux until its effect shows in
#     capture-pane (the help screen opening or closing), which adds tmux's
#     own round trips: an upper bound of what a user sees.
#
# Runs against a test bed already started (FCT_TB_DIR, as for the
# integration tests); seeds "Bench-tui" for carol, and deletes it at the
# end unless FCT_BENCH_KEEP=1 (tests that sync all of carol's folders,
# such as tests/integration/watch.sh, would otherwise sync it too).
# Environment: FACTEUR, FCT_SEED (default: next to FACTEUR), FCT_TB_DIR.
# Prints a table; with FCT_BENCH_DOC (e.g. doc/benchmarks.md) also writes
# it between the "tui-bench:begin" and "tui-bench:end" marks there.
# FCT_BENCH_TRACE=FILE keeps facteur's trace (where each wake-up's time
# went: index reloads, folder list, drawing).
set -eu

N=${1:-100000}
top=$(cd "$(dirname "$0")/.." && pwd)
: "${FACTEUR:?set FACTEUR to the facteur binary}"
: "${FCT_TB_DIR:?set FCT_TB_DIR to a running test bed}"
FCT_SEED=${FCT_SEED:-$(dirname "$FACTEUR")/facteur-seed}
export FCT_SEED
. "$FCT_TB_DIR/env.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fct-tuibench.XXXXXX")
sock=fct-tuibench-$$
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	[ -z "${FCT_BENCH_TRACE:-}" ] || cp "$tmp/trace" "$FCT_BENCH_TRACE" 2>/dev/null || true
	rm -rf "$tmp"
	[ "${FCT_BENCH_KEEP:-0}" = 1 ] ||
		doveadm -c "$FCT_TB_DOVECOT_CONF" mailbox delete -r \
		    -u carol@example.test Bench-tui 2>/dev/null || true
}
trap cleanup EXIT
ctl() { python3 "$top/tests/integration/imapctl.py" "$@"; }
now_ms() { date +%s%3N; }
# CLOCK_MONOTONIC in microseconds, the trace's clock.
mono_us() { python3 -c 'import time; print(int(time.monotonic() * 1e6))'; }

if [ "$(ctl carol dump Bench-tui 2>/dev/null | wc -l)" -ne "$N" ]; then
	doveadm -c "$FCT_TB_DOVECOT_CONF" mailbox delete -r -u carol@example.test \
	    Bench-tui 2>/dev/null || true
	echo "seeding $N messages for carol in Bench-tui..." >&2
	"$FCT_TB_SCRIPTS/seed" carol Bench-tui "$N" --seed 9 >/dev/null
fi
cat >"$tmp/carol.conf" <<EOC
[general]
cache_dir = $tmp/cache
[account t]
email = carol@example.test
imap = imaps://127.0.0.1:$FCT_TB_IMAPS_PORT
password_command = cat $FCT_TB_DIR/pw-carol
ca_file = $FCT_TB_CA
EOC

screen() { tmux -L "$sock" capture-pane -p -t b; }
tmux -L "$sock" new-session -d -s b -x 150 -y 50 \
    "FACTEUR_UI_TRACE='$tmp/trace' FACTEUR_THEMES='$top/themes' '$FACTEUR' -c '$tmp/carol.conf' 2>'$tmp/err'"
until screen | grep -q 'Inbox'; do sleep 0.1; done
tmux -L "$sock" send-keys -t b c Bench-tui Enter
until screen | grep -q 'syncing Bench-tui'; do sleep 0.05; done
start=$(now_ms)
mstart=$(mono_us)

# Alternate ? (help opens) and q (help closes), timing each from outside.
: >"$tmp/outside"
open=0
while screen | grep -q 'syncing Bench-tui'; do
	t0=$(now_ms)
	if [ "$open" -eq 0 ]; then
		tmux -L "$sock" send-keys -t b '?'
		until screen | grep -q 'Index keys'; do :; done
		open=1
	else
		tmux -L "$sock" send-keys -t b q
		while screen | grep -q 'Index keys'; do :; done
		open=0
	fi
	echo $(($(now_ms) - t0)) >>"$tmp/outside"
	sleep 0.05
done
end=$(now_ms)
mend=$(mono_us)
[ "$open" -eq 1 ] && tmux -L "$sock" send-keys -t b q
until screen | grep -q "Bench-tui $N msgs"; do sleep 0.1; done
tmux -L "$sock" send-keys -t b q
sleep 1

python3 - "$tmp/trace" "$tmp/outside" "$N" "$((end - start))" "$mstart" "$mend" >"$tmp/table" <<'PY'
import sys
trace, outside, n, ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t0, t1 = int(sys.argv[5]), int(sys.argv[6])
busy_keys, busy_all, cpu_all, out_all = [], [], [], []
for line in open(trace):
    f = line.split()
    if not f or not f[0].isdigit() or not t0 <= int(f[0]) <= t1:
        continue
    us = int(f[1])
    kv = dict(x.split("=", 1) for x in f[2:] if "=" in x)
    busy_all.append(us)
    if kv.get("keys") != "0":
        busy_keys.append(us)
    if "cpu" in kv:
        cpu_all.append(int(kv["cpu"]))
    if "out" in kv:
        out_all.append(int(kv["out"]))
out = [int(x) for x in open(outside) if x.strip()]
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))] if v else 0
print("| measure (during a cold sync of %d messages, %.1f s) | samples | median | p99 | max |" % (n, ms / 1000))
print("| --- | ---: | ---: | ---: | ---: |")
print("| UI thread busy per wake-up with a key (ms) | %d | %.2f | %.2f | %.2f |" % (
    len(busy_keys), pct(busy_keys, .5) / 1000, pct(busy_keys, .99) / 1000, max(busy_keys or [0]) / 1000))
print("| UI thread busy per wake-up, any cause (ms) | %d | %.2f | %.2f | %.2f |" % (
    len(busy_all), pct(busy_all, .5) / 1000, pct(busy_all, .99) / 1000, max(busy_all or [0]) / 1000))
print("| of which writing to the terminal (ms) | %d | %.2f | %.2f | %.2f |" % (
    len(out_all), pct(out_all, .5) / 1000, pct(out_all, .99) / 1000, max(out_all or [0]) / 1000))
print("| UI thread CPU time per wake-up (ms) | %d | %.2f | %.2f | %.2f |" % (
    len(cpu_all), pct(cpu_all, .5) / 1000, pct(cpu_all, .99) / 1000, max(cpu_all or [0]) / 1000))
print("| key to screen through tmux (ms) | %d | %d | %d | %d |" % (
    len(out), pct(out, .5), pct(out, .99), max(out or [0])))
PY
cat "$tmp/table"
if [ -n "${FCT_BENCH_DOC:-}" ] && [ "$FCT_BENCH_DOC" != - ]; then
	python3 - "$FCT_BENCH_DOC" "$tmp/table" <<'PY'
import sys
doc, table = sys.argv[1], open(sys.argv[2]).read()
s = open(doc).read()
b, e = "<!-- tui-bench:begin", "<!-- tui-bench:end -->"
start = s.index("-->", s.index(b)) + len("-->")
s = s[:start] + "\n" + table + s[s.index(e):]
open(doc, "w").write(s)
PY
fi
