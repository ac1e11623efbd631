# Rendering real-world mail: the corpus of tests/data/mime against its
# golden files, the show command's options, and the limits (deep nesting,
# enormous messages). No test bed needed.
TESTS += tests/mime/corpus.sh tests/mime/show.sh tests/mime/limits.sh
EXTRA_DIST += tests/mime/corpus.sh tests/mime/show.sh tests/mime/limits.sh \
	tests/data/mime
