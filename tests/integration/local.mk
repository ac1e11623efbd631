# integration tests against the test bed
TESTS += tests/integration/folders.sh tests/integration/sync.sh
# The test bed itself, checked from outside with curl, swaks and openssl.
TESTS += tests/integration/testbed.sh
# Changing mail: move, copy, flag, offline jobs, rights, search.
TESTS += tests/integration/jobs.sh
# The account worker through `facteur watch`, with a proxy it can break.
TESTS += tests/integration/watch.sh
# `facteur check`: IMAP, SMTP and POP3 servers, and POP3 folders.
TESTS += tests/integration/check.sh
# Sending: facteur send and outbox, through Postfix, checked over IMAP.
TESTS += tests/integration/send.sh
# Composing: compose, reply, forward, drafts, with a scripted $EDITOR.
TESTS += tests/integration/compose.sh
