#!/bin/sh
# The rules file from the index, checked on the server:
#  - X shows a dry run (each message and what would be done, the rules
#    left out and why) and asks; n changes nothing on the server;
#  - X then y moves and flags the matching message on the server;
#  - with messages tagged, X runs on those only;
#  - M appends a rule made from the message to the rules file and opens
#    it in $EDITOR; the interface says how many rules the file has.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
tb_require

tag=$$-$(date +%s)
src=Tui-rules dst=Tui-ruled
tb_conf alice alice
doveadm_ mailbox delete -r -u alice@example.test "$src" "$dst" 2>/dev/null || true
doveadm_ mailbox create -u alice@example.test "$src" "$dst"
KNOWN_FROM="rules.$$@example.test"
known_message "$tmp/k1.eml" "Tui-rule-$tag un" "Thu, 26 Nov 2026 12:00:00 +0000"
known_message "$tmp/k2.eml" "Tui other $tag" "Thu, 26 Nov 2026 11:00:00 +0000"
known_message "$tmp/k3.eml" "Tui-rule-$tag deux" "Thu, 26 Nov 2026 10:00:00 +0000"
known_message "$tmp/k4.eml" "Tui-rule-$tag trois" "Thu, 26 Nov 2026 09:00:00 +0000"
# All there before facteur starts: new mail would meet the rules on
# arrival (the worker runs them), which is not what is tested here.
for k in 1 2 3 4; do ctl alice append "$src" "$tmp/k$k.eml"; done

mkdir -p "$tmp/xdg/facteur"
rules=$tmp/xdg/facteur/rules
cat >"$rules" <<EOR
rule "Tui rules"
  folder "$src"
  when subject:"Tui-rule-$tag"
  then move "$dst", flag

rule "Nowhere"
  folder "$src"
  when subject:"Tui other $tag"
  then move "No-such-folder-$tag"
EOR
cat >"$tmp/ed.sh" <<EOS
#!/bin/sh
echo "# edited" >>"\$1"
EOS
chmod +x "$tmp/ed.sh"
TUI_ENV="TMPDIR='$tmp' XDG_CONFIG_HOME='$tmp/xdg' VISUAL= EDITOR='$tmp/ed.sh'"

tui_start ui alice
tui_wait ui "starts" 'Inbox +\[inbox\]'
tui_keys ui c
tui_type ui "$src"
tui_keys ui Enter
# --- on the tagged message: dry run, then no ---
tui_wait ui "the folder opens" "\\| $src 4 msgs"
tui_keys ui /
tui_type ui "subject:trois"
tui_keys ui Enter
tui_keys ui t
tui_wait ui "tagged: one tagged" '1 tagged'
tui_keys ui X
tui_wait ui "dry run: said" \
    'Rules on the tagged messages .*\(dry run: nothing is changed yet\)'
tui_wait ui "dry run: the message and its actions" \
    "Tui-rule-$tag trois +-> move '$dst', flag"
tui_wait ui "dry run: the rule left out, and why" \
    "skipped: rule 'Nowhere' \\(line [0-9]+\\): .*No-such-folder-$tag"
tui_wait ui "dry run: asks" 'Apply to 1 message\? \[y/N\]'
expect_no_match "dry run: the untagged ones are not in it" \
    "Tui-rule-$tag (un|deux)" "$(tui_screen ui)"
tui_keys ui n
tui_wait ui "no: said" 'rules not applied'
sleep 1
expect_match "no: the server still has it in the folder" "Tui-rule-$tag trois" \
    "$(ctl alice subjects "$src")"
expect_eq "no: nothing in the destination" "" "$(ctl alice subjects "$dst")"

# --- yes ---
tui_keys ui X
tui_wait ui "apply: asks again" 'Apply to 1 message'
tui_keys ui y
tui_wait ui "apply: said" 'rules applied to 1 message'
wait_for "apply: moved on the server" server_has alice "$dst" "Tui-rule-$tag trois"
wait_for "apply: gone from the folder" server_lacks alice "$src" "Tui-rule-$tag trois"
expect_match "apply: flagged" '^[0-9]+	flagged$' "$(ctl alice dump "$dst")"
expect_match "apply: the untagged ones stayed" "Tui-rule-$tag un" \
    "$(ctl alice subjects "$src")"
tui_wait ui "apply: the index follows" "\\| $src 3 msgs"

# --- the whole folder ---
tui_keys ui X
tui_wait ui "folder: every message" 'Rules on every message'
tui_wait ui "folder: the two others" 'Apply to 2 messages\?'
tui_keys ui y
wait_for "folder: both moved" sh -c \
    "test \$(python3 '$top_srcdir/tests/integration/imapctl.py' alice subjects '$dst' | wc -l) = 3"
tui_wait ui "folder: one left in the index" "\\| $src 1 msgs"

# --- make a rule from a message ---
before=$(grep -c '^rule ' "$rules")
tui_keys ui /
tui_type ui "subject:other"
tui_keys ui Enter
tui_keys ui M
tui_wait ui "make-rule: the file is checked after the editor" \
    "$((before + 1)) rules in '$rules'"
expect_eq "make-rule: one rule more" "$((before + 1))" \
    "$(grep -c '^rule ' "$rules")"
expect_match "make-rule: from the sender" "from:.*rules\\.$$@example\\.test" \
    "$(cat "$rules")"
expect_match "make-rule: the editor ran on it" '# edited' "$(tail -1 "$rules")"

tui_quit ui
finish
