/*
 * Helpers shared by the store's unit tests: scratch folders, opening a
 * fresh cache, filling messages, and raw SQL on the handle's connection.
 */
#ifndef FACTEUR_TESTS_STORE_TEST_H
#define FACTEUR_TESTS_STORE_TEST_H

#include <stdint.h>

#include "private.h"

/* A new empty folder under $TMPDIR (or /tmp); owned, free(). */
char *test_tmpdir(void);
/* rm -rf path. */
void test_rmtree(const char *path);
/* "dir/name", owned. */
char *test_path(const char *dir, const char *name);

/* Opens dir/name, failing the test on error. Owned (store_close). */
struct store *test_open(const char *dir, const char *name);
/* Stores a folder called name and returns its id. */
int64_t test_folder(struct store *st, const char *name);
/*
 * Fills *m (released first) with an owned message of folder_id and uid:
 * subject as given, from "Sender <sender@example.test>", date uid * 60.
 */
void test_msg(struct store_msg *m, int64_t folder_id, uint32_t uid,
    const char *subject);
/* Stores message uid of the folder with that subject; returns its id. */
int64_t test_put(struct store *st, int64_t folder_id, uint32_t uid,
    const char *subject);

/* The one integer `sql` returns on the handle's connection. */
int64_t test_int(struct store *st, const char *sql);
/* Runs `sql` on the handle's connection, failing the test on error. */
void test_exec(struct store *st, const char *sql);
/* How many messages the full-text index finds for an FTS5 query. */
int64_t test_fts(struct store *st, const char *match);
/* The same on the trigram index (messages_tri, schema version 2). */
int64_t test_tri(struct store *st, const char *match);

#endif
