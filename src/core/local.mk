# core: allocation, strings, errors, configuration. Depends on libc only.
noinst_LIBRARIES += libcore.a
libcore_a_SOURCES = \
	src/core/config.c \
	src/core/error.c \
	src/core/strbuf.c \
	src/core/util.c \
	src/core/xmalloc.c
# The message queue between threads (worker requests and events).
libcore_a_SOURCES += src/core/queue.c
# The aliases file (mutt syntax) and its expansion at send time.
libcore_a_SOURCES += src/core/alias.c
# Running $VISUAL or $EDITOR on a file (composing).
libcore_a_SOURCES += src/core/editor.c
