# unit tests of src/store: linked with libstore.a, libcore.a and SQLite
# only. They may include src/store/private.h (and so <sqlite3.h>) to look at
# the file behind a handle.

STORE_TEST_CPPFLAGS = $(UNIT_CPPFLAGS) $(SQLITE_CFLAGS) -I$(top_srcdir)/src/store
STORE_TEST_LDADD = libstore.a libquery.a libcore.a $(SQLITE_LIBS) \
	$(CMOCKA_LIBS)
STORE_TEST_HELPERS = tests/unit/store/store_test.c tests/unit/store/store_test.h

check_PROGRAMS += tests/unit/store/test_db
tests_unit_store_test_db_SOURCES = tests/unit/store/test_db.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_db_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_db_LDADD = $(STORE_TEST_LDADD)
TESTS += tests/unit/store/test_db

check_PROGRAMS += tests/unit/store/test_folder
tests_unit_store_test_folder_SOURCES = tests/unit/store/test_folder.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_folder_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_folder_LDADD = $(STORE_TEST_LDADD)
TESTS += tests/unit/store/test_folder

check_PROGRAMS += tests/unit/store/test_msg
tests_unit_store_test_msg_SOURCES = tests/unit/store/test_msg.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_msg_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_msg_LDADD = $(STORE_TEST_LDADD)
TESTS += tests/unit/store/test_msg

check_PROGRAMS += tests/unit/store/test_body
tests_unit_store_test_body_SOURCES = tests/unit/store/test_body.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_body_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_body_LDADD = $(STORE_TEST_LDADD)
TESTS += tests/unit/store/test_body

check_PROGRAMS += tests/unit/store/test_job
tests_unit_store_test_job_SOURCES = tests/unit/store/test_job.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_job_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_job_LDADD = $(STORE_TEST_LDADD)
TESTS += tests/unit/store/test_job

check_PROGRAMS += tests/unit/store/test_func
tests_unit_store_test_func_SOURCES = tests/unit/store/test_func.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_func_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_func_LDADD = $(STORE_TEST_LDADD)
TESTS += tests/unit/store/test_func

# Kills a writing child 50 times; a few seconds.
check_PROGRAMS += tests/unit/store/test_crash
tests_unit_store_test_crash_SOURCES = tests/unit/store/test_crash.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_crash_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_crash_LDADD = $(STORE_TEST_LDADD)
TESTS += tests/unit/store/test_crash

# Not a test: `tests/unit/store/bench_store [messages] [batch]` measures the
# insert rate of a cold sync and the UI's reads (doc/store.md has figures).
check_PROGRAMS += tests/unit/store/bench_store
tests_unit_store_bench_store_SOURCES = tests/unit/store/bench_store.c
tests_unit_store_bench_store_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_bench_store_LDADD = libstore.a libquery.a libcore.a $(SQLITE_LIBS)

# The paged query and the thread links, for the terminal interface.
check_PROGRAMS += tests/unit/store/test_view
tests_unit_store_test_view_SOURCES = tests/unit/store/test_view.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_view_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_view_LDADD = libstore.a libquery.a libcore.a \
	$(SQLITE_LIBS) $(CMOCKA_LIBS)
TESTS += tests/unit/store/test_view
check_PROGRAMS += tests/unit/store/test_outbox
tests_unit_store_test_outbox_SOURCES = tests/unit/store/test_outbox.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_outbox_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_outbox_LDADD = $(STORE_TEST_LDADD)
TESTS += tests/unit/store/test_outbox
# Local folders and the POP3 map (src/store/pop.c).
check_PROGRAMS += tests/unit/store/test_pop
tests_unit_store_test_pop_SOURCES = tests/unit/store/test_pop.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_pop_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_pop_LDADD = $(STORE_TEST_LDADD)
TESTS += tests/unit/store/test_pop
# Folder renames with their messages; a job's payload replaced.
check_PROGRAMS += tests/unit/store/test_rename
tests_unit_store_test_rename_SOURCES = tests/unit/store/test_rename.c \
	$(STORE_TEST_HELPERS)
tests_unit_store_test_rename_CPPFLAGS = $(STORE_TEST_CPPFLAGS)
tests_unit_store_test_rename_LDADD = $(STORE_TEST_LDADD)
TESTS += tests/unit/store/test_rename
