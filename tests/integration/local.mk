# integration tests against the test bed
