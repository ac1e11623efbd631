# imap: IMAP sessions on libetpan. Depends on net and core.
noinst_LIBRARIES += libimap.a
libimap_a_SOURCES = \
	src/imap/auth.c \
	src/imap/folders.c \
	src/imap/mailbox.c \
	src/imap/mutf7.c \
	src/imap/mutf7.h \
	src/imap/ops.c \
	src/imap/private.h \
	src/imap/session.c
libimap_a_CPPFLAGS = $(AM_CPPFLAGS)
# IDLE, NOOP and STATUS for the account workers.
libimap_a_SOURCES += src/imap/idle.c
# CREATE, RENAME, DELETE, (UN)SUBSCRIBE for folder jobs.
libimap_a_SOURCES += src/imap/manage.c
# APPEND (the Sent copy, drafts).
libimap_a_SOURCES += src/imap/append.c
