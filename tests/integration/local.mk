# integration tests against the test bed
TESTS += tests/integration/folders.sh tests/integration/sync.sh
# The test bed itself, checked from outside with curl, swaks and openssl.
TESTS += tests/integration/testbed.sh
