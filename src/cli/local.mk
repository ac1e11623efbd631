# cli: the non-interactive commands. Depends on everything but ui.
noinst_LIBRARIES += libcli.a
libcli_a_SOURCES = \
	src/cli/cli.c \
	src/cli/cmd_config.c \
	src/cli/cmd_folders.c
