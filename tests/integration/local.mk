# integration tests against the test bed
TESTS += tests/integration/folders.sh
