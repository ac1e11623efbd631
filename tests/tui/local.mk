# The terminal interface, driven in tmux against the test bed (tests/tui/).
TESTS += tests/tui/browse.sh
EXTRA_DIST += tests/tui/lib.sh
TESTS += tests/tui/filing.sh
TESTS += tests/tui/live.sh
TESTS += tests/tui/compose.sh
TESTS += tests/tui/rules.sh
TESTS += tests/tui/busy.sh
TESTS += tests/tui/search.sh
TESTS += tests/tui/compose_wait.sh
TESTS += tests/tui/send_offline.sh
TESTS += tests/tui/pop.sh
TESTS += tests/tui/command.sh
TESTS += tests/tui/filing_durable.sh
