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
# `facteur show ACCOUNT:FOLDER UID`: fetched on demand, then from the cache.
TESTS += tests/integration/show.sh
# OAuth2 (OAUTHBEARER, token refreshed once) against Dovecot's oauth2 passdb.
TESTS += tests/integration/oauth.sh
# Folder jobs: create, rename, delete, (un)subscribe, offline and refused.
TESTS += tests/integration/folderjobs.sh
# The rules engine: on arrival under watch, apply, dry run, rights, kill -9.
TESTS += tests/integration/rules.sh
# Sending: facteur send and outbox, through Postfix, checked over IMAP.
TESTS += tests/integration/send.sh
# POP3 accounts: download, leave-on-server or delete, local folders, crashes.
TESTS += tests/integration/pop.sh
# rules export-sieve --upload: ManageSieve, then Sieve filing at LMTP delivery.
TESTS += tests/integration/sieve.sh
# Composing: compose, reply, forward, drafts, with a scripted $EDITOR.
TESTS += tests/integration/compose.sh
# A COPY cut between the server's OK and the queue update runs once.
TESTS += tests/integration/copyonce.sh
# Reconnecting resumes the job a dropped connection interrupted.
TESTS += tests/integration/resume.sh
# Rules on POP3 arrival: filed in local folders by sync and worker, kill -9.
TESTS += tests/integration/poprules.sh
# scripts/demo (the README's first command) without its UI: seeded state, rerun.
TESTS += tests/integration/demo.sh
# No sync write transaction spans the network: another writer gets in mid-batch.
TESTS += tests/integration/storewait.sh
# A cold sync cut mid-batch (the pipeline): consistent cache, clean resume.
TESTS += tests/integration/cutsync.sh
