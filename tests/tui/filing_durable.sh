#!/bin/sh
# A filing action is in the store at once, whatever the worker is doing.
# The account's server is behind a proxy frozen before the UI starts, so
# the worker hangs in its connection attempt (as on a dead link) for as
# long as the test wants. Moving a message from the cache (`s`) must
# still put the job in the store's queue (read with sqlite3) while the
# worker is stuck: before, the job waited in the worker's memory until
# the attempt ended, and a crash meanwhile lost it. Once the link is
# back, the job runs and the server has the move.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require

proxy=
trap 'tmux -L "$tui_socket" kill-server 2>/dev/null;
	[ -z "$proxy" ] || kill -9 "$proxy" 2>/dev/null; rm -rf "$tmp"' EXIT

src=Tui-durable dst=Tui-durable-filed
doveadm_ mailbox delete -r -u alice@example.test "$src" "$dst" \
    2>/dev/null || true
doveadm_ mailbox create -u alice@example.test "$src" "$dst"
known_message "$tmp/m.eml" "Tui durable: file me"
ctl alice append "$src" "$tmp/m.eml"

# The cache first, straight to the server.
tb_conf alice alice
run -c "$tmp/alice.conf" sync "t:$src"
expect_eq "the folder is cached" 0 "$rc"
db=$tmp/cache-alice/t.sqlite

tb_proxy "$FCT_TB_IMAPS_PORT"
kill -HUP "$proxy"
tb_conf alice alice "imaps://127.0.0.1:$proxy_port"

tui_start ui alice
tui_wait ui "the worker hangs in its connection" '\| t: connecting'
tui_keys ui c
tui_type ui "$src"
tui_keys ui Enter
tui_wait ui "the folder opens from the cache" 'Tui durable: file me'
tui_keys ui s
tui_type ui "$dst"
tui_keys ui Enter
wait_for "the move job is in the store" sh -c "[ \"\$(sqlite3 -cmd '.timeout 10000' '$db' 'SELECT kind FROM jobs')\" = move ]"
tui_wait ui "while the worker still hangs" '\| t: connecting'

# The link is back: the job runs.
kill -USR2 "$proxy"
wait_for "the server has the moved message" \
    server_has alice "$dst" 'Tui durable: file me'
wait_for "the queue is empty" sh -c "[ -z \"\$(sqlite3 -cmd '.timeout 10000' '$db' 'SELECT kind FROM jobs')\" ]"
tui_quit ui
doveadm_ mailbox delete -r -u alice@example.test "$src" "$dst" \
    2>/dev/null || true
finish
