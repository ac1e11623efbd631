# cli: the non-interactive commands. Depends on everything but ui.
noinst_LIBRARIES += libcli.a
libcli_a_SOURCES = \
	src/cli/account.c \
	src/cli/cli.c \
	src/cli/cmd_config.c \
	src/cli/cmd_fetch.c \
	src/cli/cmd_folders.c \
	src/cli/cmd_job.c \
	src/cli/cmd_list.c \
	src/cli/cmd_search.c \
	src/cli/cmd_sync.c \
	src/cli/output.c
libcli_a_CPPFLAGS = $(AM_CPPFLAGS) $(JANSSON_CFLAGS)
# `facteur watch`: the account workers' events, one line each.
libcli_a_SOURCES += src/cli/cmd_watch.c
# `facteur check`: every server of each account, connected and logged in.
libcli_a_SOURCES += src/cli/cmd_check.c
# `facteur show`: one message rendered by src/mime; parts and attachments.
libcli_a_SOURCES += src/cli/cmd_show.c
# folder create|rename|delete|subscribe|unsubscribe (folder jobs).
libcli_a_SOURCES += src/cli/cmd_folder.c
# `facteur rules`: check, test and apply the rules file.
libcli_a_SOURCES += src/cli/cmd_rules.c
# `facteur send` and `facteur outbox`.
libcli_a_SOURCES += src/cli/cmd_send.c
# `facteur compose`, `reply` and `forward`: $EDITOR, then a prompt.
libcli_a_SOURCES += src/cli/cmd_compose.c
# POP3 accounts: downloading into the local INBOX.
libcli_a_SOURCES += src/cli/pop.c
# New mail through the rules in the commands that sync.
libcli_a_SOURCES += src/cli/rules_arrival.c
