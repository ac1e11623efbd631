# pop: POP3 sessions on libetpan. Depends on net and core.
noinst_LIBRARIES += libpop.a
libpop_a_SOURCES = \
	src/pop/maildrop.c \
	src/pop/parse.c \
	src/pop/private.h \
	src/pop/session.c
libpop_a_CPPFLAGS = $(AM_CPPFLAGS)
# AUTH OAUTHBEARER/XOAUTH2 (RFC 5034) for OAuth2 tokens.
libpop_a_SOURCES += src/pop/auth.c
