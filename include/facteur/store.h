/*
 * store: the local cache of every account, in SQLite (WAL). The sync
 * workers write it; the UI and the command line read it. Grows with the sync
 * issue; today it only reports the SQLite it runs with.
 */
#ifndef FACTEUR_STORE_STORE_H
#define FACTEUR_STORE_STORE_H

/* The SQLite version linked at run time; borrowed, static. Any thread. */
const char *store_library_version(void);

#endif
