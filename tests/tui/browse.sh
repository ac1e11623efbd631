#!/bin/sh
# The terminal interface, browsing: the folder tree with its roles and the
# Shared section, a folder and a message, threads, search and limit, the
# help screen, a resize, a key that is not bound, and bindings
# and themes checked before the terminal is touched.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require

tb_conf alice alice
folder=Tui-browse
doveadm_ mailbox delete -r -u alice@example.test "$folder" 2>/dev/null || true
doveadm_ mailbox create -u alice@example.test "$folder" "$folder/Sous-dossier"
"$FCT_TB_SCRIPTS/seed" alice "$folder" 12 --seed 11 >/dev/null
known_message "$tmp/k1.eml" "Tui browse: la réunion 🎉" \
    "Thu, 26 Nov 2026 09:00:00 +0000" tui-first@example.test
ctl alice append "$folder" "$tmp/k1.eml"
# A reply: threaded under the first.
sed -e 's/^Subject: .*/Subject: Re: Tui browse: la réunion/' \
    -e 's/^Message-ID: .*/Message-ID: <tui-reply@example.test>\
In-Reply-To: <tui-first@example.test>/' \
    -e 's/^Date: .*/Date: Thu, 26 Nov 2026 10:00:00 +0000/' \
    "$tmp/k1.eml" >"$tmp/k2.eml"
ctl alice append "$folder" "$tmp/k2.eml"
# A subject that tries to drive the terminal.
known_message "$tmp/k3.eml" "$(printf 'Tui evil \033]0;owned\007 title')" \
    "Wed, 25 Nov 2026 09:00:00 +0000"
ctl alice append "$folder" "$tmp/k3.eml"

# --- bindings and themes are checked before the terminal ---
cp "$tmp/alice.conf" "$tmp/bad.conf"
cat >>"$tmp/bad.conf" <<'EOC'
theme = nosuch
[bind index]
mvoe = s
move = C-% x
EOC
# theme belongs in [general]: put it there.
sed -i -e '/^theme = nosuch$/d' -e 's/^\[general\]$/[general]\ntheme = nosuch/' \
    "$tmp/bad.conf"
run -c "$tmp/bad.conf"
expect_eq "bad bindings: exit status" 1 "$rc"
expect_match "bad bindings: unknown action, with position and hint" \
    "bad.conf:[0-9]+:1: error: unknown action 'mvoe'; did you mean 'move'\\?" "$err"
expect_match "bad bindings: unknown key, at its column" \
    "bad.conf:[0-9]+:8: error: unknown key 'C-%'" "$err"
expect_match "bad theme: named" "no theme 'nosuch'" "$err"
run config check "$tmp/bad.conf"
expect_eq "config check: bindings and theme too" 1 "$rc"
expect_match "config check: unknown action" "unknown action 'mvoe'" "$err"
expect_match "config check: unknown theme" "no theme 'nosuch'" "$err"
run -c "$tmp/alice.conf" </dev/null
expect_eq "no terminal: exit status" 1 "$rc"
expect_match "no terminal: says so" "needs a terminal" "$err"

# --- the message list's columns, from the configuration ---
cp "$tmp/alice.conf" "$tmp/cols.conf"
sed -i 's/^\[general\]$/[general]\nindex_columns = subject to flags/' \
    "$tmp/cols.conf"
tui_start cols cols
tui_wait cols "columns: starts" '\| INBOX [0-9]+ msgs'
tui_keys cols c
tui_type cols "Tui-browse"
tui_keys cols Enter
tui_wait cols "columns: subject first, then To, then the flags" \
    '│(└>)?Re: Tui browse: la réunion +Alice .* N *$|│Tui browse: la réunion 🎉 +alice@example\.test +N *$'
tui_quit cols

# --- the tree ---
tui_start ui alice
tui_wait ui "sidebar: Inbox with its role" 'Inbox +\[inbox\]'
tui_wait ui "sidebar: Trash with its role" 'Trash +\[trash\]'
tui_wait ui "INBOX opens by itself" '\| INBOX [0-9]+ msgs'
# The sidebar scrolls to the open folder: the Shared section is last.
tui_keys ui c
tui_type ui "Shared/support@example.test"
tui_keys ui Enter
tui_wait ui "sidebar: the Shared section" '^ *[-+]Shared'
tui_wait ui "sidebar: support's shared mailbox, all rights: no badge" \
    '^ *[-+ ]support@example\.test +[0-9]+(/[0-9]+)?│'
tui_wait ui "sidebar: support's Sent, nested" '^ {5,}Sent +[0-9]'
tui_keys ui c
tui_type ui "Tui-browse/Sous-dossier"
tui_keys ui Enter
tui_wait ui "sidebar: a nested user folder" '^ {5,}Sous-dossier +0'
tui_wait ui "sidebar: under its parent" '^ *-Tui-browse '
# Roles come in the fixed order: Inbox, Drafts, Sent, Junk, Trash, Archive.
order=$(tui_screen ui | grep -oE '\[(inbox|drafts|sent|junk|trash|archive)\]' | tr -d '[]' | tr '\n' ' ')
expect_eq "sidebar: roles in order" "inbox drafts sent junk trash archive " "$order"

# --- a folder and a message ---
tui_keys ui c
tui_type ui "Tui-br"
tui_keys ui Tab
tui_wait ui "completion: the folder used last comes first" \
    'Open folder: Tui-browse/Sous-dossier +\[1/2\]'
tui_keys ui Tab
tui_wait ui "completion: Tab again, the next one" 'Open folder: Tui-browse +\[2/2\]'
tui_keys ui Enter
tui_wait ui "the folder opens: 15 messages" '\| Tui-browse 15 msgs, threads'
tui_wait ui "threads: the reply sits under its parent" \
    '└>Re: Tui browse: la réunion'
tui_wait ui "a control sequence in a subject is shown, not run" 'Tui evil \^\[\]0;owned\^G title'
tui_keys ui Home Enter
tui_wait ui "pager: the subject" '^Subject: Tui browse: la réunion 🎉'
tui_wait ui "pager: the body, fetched from the server" 'Le corps du message'
tui_keys ui j
tui_wait ui "pager: next message (the reply)" '^Subject: Re: Tui browse'
tui_keys ui h
tui_wait ui "pager: every header" '^In-Reply-To: <tui-first@example.test>'
tui_keys ui q
tui_wait ui "back to the index" '\| Tui-browse 15 msgs'

# --- threads fold ---
tui_keys ui Home z
tui_wait ui "collapse: the thread folds, counting its reply" '\(\+1\) Tui browse: la réunion'
tui_keys ui z
tui_wait ui "collapse: and unfolds" '└>Re: Tui browse: la réunion'

# --- sort, search, limit, help ---
tui_keys ui o d
tui_wait ui "sort by date" 'Tui-browse 15 msgs, date'
tui_keys ui /
tui_type ui "subject:evil"
tui_keys ui Enter
tui_wait ui "search: the cursor finds it" 'Tui evil'
tui_keys ui l
tui_type ui "from:lea.roux"
tui_keys ui Enter
tui_wait ui "limit: three messages" 'Tui-browse 3 msgs, date, limit: from:lea.roux'
tui_keys ui l
tui_type ui "subject:("
tui_keys ui Enter
tui_wait ui "limit: a bad query is refused with a reason" 'bad query: '
tui_keys ui l
tui_type ui "all"
tui_keys ui Enter
tui_wait ui "limit: all again" 'Tui-browse 15 msgs, date \|'
# --- line editing in the prompt ---
tui_keys ui /
tui_type ui "from:lea subject:tui"
tui_keys ui C-w
tui_wait ui "prompt: C-w deletes a word" 'Search: from:lea *$'
tui_keys ui C-u
tui_wait ui "prompt: C-u clears" 'Search: *$'
tui_type ui "xy"
tui_keys ui Left
tui_type ui "é"
tui_wait ui "prompt: Left, then insert" 'Search: xéy *$'
tui_keys ui Up
tui_wait ui "prompt: Up recalls the history" 'Search: all *$'
tui_keys ui Escape
tui_wait_gone ui "prompt: Esc gives up" 'Search:'

tui_keys ui '?'
tui_wait ui "help: generated from the key table" 's +move +move to a folder'
tui_keys ui Space
tui_wait ui "help: pager keys too, a page down" 'h +headers'
tui_keys ui q
tui_wait_gone ui "help closes" 'Index keys'
tui_keys ui Z
tui_wait ui "an unbound key says so" 'key Z is not bound'

# --- the sidebar from the keyboard: move, fold, open ---
tui_keys ui Tab j Enter
tui_wait ui "sidebar: Enter opens the folder below" '\| Tui-browse/Sous-dossier 0 msgs'
tui_keys ui Tab k z
tui_wait ui "sidebar: z folds a folder with children" '^ *\+Tui-browse '
tui_wait_gone ui "sidebar: its children are hidden" 'Sous-dossier +0│'
tui_keys ui z
tui_wait ui "sidebar: z unfolds it" '^ {5,}Sous-dossier +0│'
tui_keys ui Enter
tui_wait ui "sidebar: Enter opens it, focus back on the index" '\| Tui-browse 15 msgs'

# --- resize ---
tmux -L "$tui_socket" resize-window -t ui -x 70 -y 20
tui_wait ui "resize: the status line moves to the new bottom" \
    "$(printf '^ facteur \\| t: [a-z]+ \\| Tui-browse')"
lines=$(tui_screen ui | wc -l)
expect_eq "resize: 20 lines" 20 "$lines"
expect_match "resize: the status line is second to last" '^ facteur' \
    "$(tui_screen ui | sed -n 19p)"
tmux -L "$tui_socket" resize-window -t ui -x 120 -y 40
tui_wait ui "resize back" 'Inbox +\[inbox\]'

# --- colours: the theme's, and none with NO_COLOR ---
expect_match "colours: the default theme colours the status line" \
    "$(printf '\033')\\[[0-9;]*(3|4)8;5;" "$(tui_screen_sgr ui)"
tui_quit ui
TUI_ENV="NO_COLOR=1" tui_start nc alice
tui_wait nc "NO_COLOR: starts" 'Inbox +\[inbox\]'
expect_no_match "NO_COLOR: no colour at all" \
    "$(printf '\033')\\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;5|48;5)[;m]" \
    "$(tui_screen_sgr nc)"
expect_match "NO_COLOR: attributes remain (reverse status line)" \
    "$(printf '\033')\\[[0-9;]*7m" "$(tui_screen_sgr nc)"
tui_quit nc

# --- suspend (C-z) and resume (fg) under a shell with job control:
# ncurses gives the terminal back, then takes it again ---
tmux -L "$tui_socket" new-session -d -s js -x 100 -y 30 \
    "env PS1='js\$ ' sh -i"
tui_wait js "job control: the shell is ready" '^js\$ *$'
tui_type js "FACTEUR_THEMES='$top_srcdir/themes' '$FACTEUR' -c '$tmp/alice.conf' 2>'$tmp/js.err'"
tui_keys js Enter
tui_wait js "job control: the interface starts" 'Inbox +\[inbox\]'
tui_keys js C-z
if ! tui_wait js "suspend: the shell is back" '^js\$ *$'; then
	# Why not: the process's state, process group against the
	# terminal's foreground group, and its signal masks.
	for p in $(pgrep -f -- "-c $tmp/alice.conf"); do
		echo "pid $p: $(ps -o stat=,pgid=,tpgid= -p "$p")" >&2
		grep -E '^(State|SigBlk|SigIgn|SigCgt|ShdPnd|SigPnd)' \
		    "/proc/$p/status" >&2 || true
		# Each thread: where it sleeps, what it blocks.
		for t in /proc/"$p"/task/*; do
			echo "  task ${t##*/} $(cat "$t/comm" 2>/dev/null)" \
			    "wchan=$(cat "$t/wchan" 2>/dev/null)" \
			    "$(grep -E '^SigBlk' "$t/status" 2>/dev/null)" >&2
			sed 's/^/    /' "$t/stack" >&2 2>/dev/null || true
		done
	done
	tail -5 "$tmp/js.err" >&2 2>/dev/null || true
fi
tui_type js "fg"
tui_keys js Enter
tui_wait js "resume: the interface is back" 'Inbox +\[inbox\]'
tui_keys js '?'
tui_wait js "resume: it answers keys" 'Index keys'
tui_keys js q q
tui_wait js "resume: it quits" '^js\$ *$'
tui_type js 'echo status=$?'
tui_keys js Enter
tui_wait js "resume: it quits cleanly" '^status=0'
finish
