/*
 * The terminal interface's internals, shared by the files of src/ui only.
 *
 * The model: one struct ui per run, owned by the UI thread (main). It holds
 * one struct ui_account per IMAP or POP3 account (a read handle on its
 * cache, its worker, what the worker last said), the sidebar's rows, the
 * index of the open folder, the pager, the prompt and the key tables.
 * Workers never touch any of it: their events arrive on ui->events and are
 * applied by ui_apply_event, which only sets dirty flags; the loop redraws
 * once per iteration (STYLE.md rules 20-22, 30).
 */
#ifndef FACTEUR_UI_PRIVATE_H
#define FACTEUR_UI_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "facteur/core.h"
#include "facteur/core_config.h"
#include "facteur/mime.h"
#include "facteur/query.h"
#include "facteur/store.h"
#include "facteur/sync.h"

/*
 * Every action a key may be bound to: (id, name, help, where). `where` says
 * which views the action makes sense in (UI_IN_INDEX, UI_IN_PAGER). This one
 * list generates the enum, the names used in [bind ...] sections and the
 * help screen (STYLE.md rule 26).
 */
#define UI_IN_INDEX (1 << 0)
#define UI_IN_PAGER (1 << 1)
#define UI_IN_BOTH (UI_IN_INDEX | UI_IN_PAGER)
#define UI_IN_ATTACH (1 << 2)  /* the pager's attachment list */
#define UI_IN_COMPOSE (1 << 3) /* the compose screen */
#define UI_IN_ALL (UI_IN_BOTH | UI_IN_ATTACH | UI_IN_COMPOSE)

#define UI_ACTIONS(X)                                                          \
	X(NEXT, "next", "next message (or folder in the sidebar)", UI_IN_ALL)  \
	X(PREV, "previous", "previous message (or folder)", UI_IN_ALL)         \
	X(PAGE_DOWN, "page-down", "one screen down", UI_IN_BOTH)               \
	X(PAGE_UP, "page-up", "one screen up", UI_IN_BOTH)                     \
	X(LINE_DOWN, "line-down", "one line down", UI_IN_PAGER)                \
	X(LINE_UP, "line-up", "one line up", UI_IN_PAGER)                      \
	X(FIRST, "first", "first message", UI_IN_INDEX)                        \
	X(LAST, "last", "last message", UI_IN_INDEX)                           \
	X(OPEN, "open", "open the message or folder", UI_IN_INDEX)             \
	X(QUIT, "quit", "go back; quit from the index", UI_IN_ALL)             \
	X(FOCUS, "focus-sidebar", "move between sidebar and index",            \
	    UI_IN_INDEX)                                                       \
	X(CHANGE_FOLDER, "change-folder", "open a folder by name", UI_IN_BOTH) \
	X(COLLAPSE, "collapse", "fold or unfold a thread or folder",           \
	    UI_IN_INDEX)                                                       \
	X(SORT, "sort", "sort by date, sender, subject, size or thread",       \
	    UI_IN_INDEX)                                                       \
	X(SORT_REVERSE, "sort-reverse", "reverse the order", UI_IN_INDEX)      \
	X(MOVE, "move", "move to a folder", UI_IN_BOTH)                        \
	X(COPY, "copy", "copy to a folder", UI_IN_BOTH)                        \
	X(DELETE, "delete", "move to Trash (in Trash: delete for good)",       \
	    UI_IN_BOTH)                                                        \
	X(ARCHIVE, "archive", "move to Archive", UI_IN_BOTH)                   \
	X(SPAM, "spam", "move to Junk", UI_IN_BOTH)                            \
	X(FLAG, "flag", "flag or unflag", UI_IN_BOTH)                          \
	X(TOGGLE_READ, "toggle-read", "mark read or unread", UI_IN_BOTH)       \
	X(TAG, "tag", "tag or untag the message", UI_IN_INDEX)                 \
	X(TAG_QUERY, "tag-query", "tag the messages a query matches",          \
	    UI_IN_INDEX)                                                       \
	X(UNDO, "undo", "undo the last filing", UI_IN_BOTH)                    \
	X(SEARCH, "search", "find the next message a query matches",           \
	    UI_IN_INDEX)                                                       \
	X(SEARCH_NEXT, "search-next", "find the next match again",             \
	    UI_IN_INDEX)                                                       \
	X(LIMIT, "limit", "show only the messages a query matches",            \
	    UI_IN_INDEX)                                                       \
	X(SEARCH_SERVER, "search-server",                                      \
	    "ask the server for the last limit or search", UI_IN_INDEX)        \
	X(SYNC, "sync", "sync every folder now", UI_IN_BOTH)                   \
	X(HEADERS, "headers", "show every header line", UI_IN_PAGER)           \
	X(HELP, "help", "this screen", UI_IN_ALL)                              \
	X(REDRAW, "redraw", "redraw the screen", UI_IN_ALL)                    \
	X(COMPOSE, "compose", "write a new message", UI_IN_BOTH)               \
	X(REPLY, "reply", "reply to the sender", UI_IN_BOTH)                   \
	X(GROUP_REPLY, "group-reply", "reply to everyone", UI_IN_BOTH)         \
	X(FORWARD, "forward", "forward the message", UI_IN_BOTH)               \
	X(FORWARD_ATTACH, "forward-attachment",                                \
	    "forward the message as an attachment", UI_IN_BOTH)                \
	X(RECALL, "recall", "edit a draft (the current one in Drafts)",        \
	    UI_IN_BOTH)                                                        \
	X(ATTACHMENTS, "attachments", "list the message's parts", UI_IN_PAGER) \
	X(SAVE_ATTACHMENT, "save-attachment", "save the part to a folder",     \
	    UI_IN_ATTACH)                                                      \
	X(VIEW_ATTACHMENT, "view-attachment",                                  \
	    "open the part with its mailcap viewer", UI_IN_ATTACH)             \
	X(SEND, "send", "send the message", UI_IN_COMPOSE)                     \
	X(POSTPONE, "postpone", "save the message to Drafts", UI_IN_COMPOSE)   \
	X(EDIT_MESSAGE, "edit-message", "edit the message again",              \
	    UI_IN_COMPOSE)                                                     \
	X(ATTACH_FILE, "attach-file", "attach a file", UI_IN_COMPOSE)          \
	X(DETACH_FILE, "detach-file", "remove the attachment", UI_IN_COMPOSE)  \
	X(IDENTITY, "change-identity", "send as the next identity",            \
	    UI_IN_COMPOSE)                                                     \
	X(EDIT_TO, "edit-to", "change the To addresses", UI_IN_COMPOSE)        \
	X(EDIT_CC, "edit-cc", "change the Cc addresses", UI_IN_COMPOSE)        \
	X(EDIT_BCC, "edit-bcc", "change the Bcc addresses", UI_IN_COMPOSE)     \
	X(APPLY_RULES, "apply-rules",                                          \
	    "run the rules on the folder or the tagged messages", UI_IN_INDEX) \
	X(MAKE_RULE, "make-rule", "write a rule from this message",            \
	    UI_IN_BOTH)                                                        \
	X(COMMAND, "command",                                                  \
	    "type an action by name, with its argument (Tab completes)",       \
	    UI_IN_BOTH)

enum ui_action {
	UI_A_NONE = 0,
#define UI_ACTION_ENUM(id, name, help, where) UI_A_##id,
	UI_ACTIONS(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
	    UI_A__COUNT
};

struct ui_action_info {
	const char *name;
	const char *help;
	unsigned where;
};

/* The i-th action's name and help; static. */
const struct ui_action_info *ui_action_info(enum ui_action a);
/* The action called name, or UI_A_NONE. */
enum ui_action ui_action_find(const char *name);

/* Key codes as wgetch/get_wch give them (KEY_* above 0x10ffff). */
#define UI_KEYMAP_MAX 512
struct ui_keymap {
	struct {
		int key; /* a character, or KEY_... + UI_KEY_FN */
		enum ui_action action;
	} v[UI_KEYMAP_MAX];
	size_t n;
};

/* Function keys are offset so that they never collide with characters. */
#define UI_KEY_FN 0x200000

enum ui_view {
	UI_VIEW_INDEX = 0,
	UI_VIEW_PAGER,
	UI_VIEW_ATTACH,  /* [bind attach] */
	UI_VIEW_COMPOSE, /* [bind compose] */
	UI_VIEW__COUNT
};

/*
 * Loads the built-in bindings (written in the config language, parsed by
 * config_parse) and then the user's [bind ...] entries of cfg into
 * maps[UI_VIEW_INDEX] ... maps[UI_VIEW_COMPOSE]. Problems go to diags with
 * the file:line:column of the entry. -1 when there was an error.
 */
int ui_keys_load(struct ui_keymap maps[UI_VIEW__COUNT],
    const struct config *cfg, struct config_diags *diags) FCT_WUR;
enum ui_action ui_keymap_lookup(const struct ui_keymap *m, int key);
/* The key's name as written in a binding ("j", "C-u", "Enter"). Owned. */
char *ui_key_name(int key);
/* The built-in bindings, in the config language; static. */
const char *ui_keys_defaults(void);

/*
 * Every string that comes from a message or a server goes through this
 * one function before the terminal: control characters (C0, DEL, C1),
 * bidirectional overrides and isolates, and invalid UTF-8 become visible
 * replacements; tabs become a space. Appends to out. (The mime layer's
 * mime_term_sanitize, once merged, can take its place here.)
 */
void ui_sanitize(struct strbuf *out, const char *s);

/* --- Themes ---------------------------------------------------------- */

#define UI_COLORS(X)                                                  \
	X(NORMAL, "normal", "default default")                        \
	X(STATUS, "status", "black cyan")                             \
	X(SIDEBAR, "sidebar", "default default")                      \
	X(SIDEBAR_ROLE, "sidebar-role", "cyan default")               \
	X(SIDEBAR_ACCOUNT, "sidebar-account", "default default bold") \
	X(SIDEBAR_BADGE, "sidebar-badge", "yellow default")           \
	X(SIDEBAR_UNREAD, "sidebar-unread", "default default bold")   \
	X(CURSOR, "cursor", "default default reverse")                \
	X(INDEX_NEW, "index-new", "default default bold")             \
	X(INDEX_FLAGGED, "index-flagged", "red default")              \
	X(INDEX_TAGGED, "index-tagged", "magenta default")            \
	X(INDEX_PENDING, "index-pending", "default default dim")      \
	X(HEADER, "header", "green default")                          \
	X(QUOTE1, "quote1", "cyan default")                           \
	X(QUOTE2, "quote2", "yellow default")                         \
	X(QUOTE3, "quote3", "magenta default")                        \
	X(URL, "url", "blue default underline")                       \
	X(ERROR, "error", "red default bold")                         \
	X(PROMPT, "prompt", "default default")

enum ui_color {
#define UI_COLOR_ENUM(id, name, def) UI_C_##id,
	UI_COLORS(UI_COLOR_ENUM)
#undef UI_COLOR_ENUM
	    UI_C__COUNT
};

/* What the theme asks for one element, before the terminal is known. */
struct ui_style {
	short fg, bg;   /* -1 default, 0-255 */
	unsigned attrs; /* A_BOLD | ... as ncurses attr_t bits */
};

struct ui_theme {
	struct ui_style v[UI_C__COUNT];
};

/*
 * Loads theme `name` (NULL: "default") from the themes directories
 * (doc/facteur.5), through config_parse's [color] section; problems go to
 * diags. A missing "default" theme falls back to the built-in one
 * silently; any other missing theme is an error.
 */
int ui_theme_load(struct ui_theme *t, const char *name,
    struct config_diags *diags) FCT_WUR;
/* Initialises colour pairs for the terminal (256, 16, 8 or none). */
void ui_theme_apply(const struct ui_theme *t);
/* The attributes (pair included) of an element. */
int ui_attr(enum ui_color c);

/* --- The model ----------------------------------------------------------- */

struct ui_account {
	const struct config_account *acct; /* borrowed from ui->cfg */
	struct store *st;                  /* the UI thread's own handle */
	struct sync_worker *w;
	enum sync_state state;
	char *state_folder; /* owned; SYNCING/IDLE */
	char *reason;       /* owned; OFFLINE/ERROR */
	uint32_t done, total;
	size_t pending; /* jobs queued and not yet answered */
	bool local; /* POP3: local folders, jobs applied at once (local.c) */
	struct store_folder_list folders;
	/* The cache's counts of each synced folder, recounted only when a
	 * worker says that folder changed (counting a large folder takes
	 * a while). */
	struct ui_count {
		char *name; /* owned */
		uint32_t total, unseen;
	} * counts;
	size_t ncounts, counts_alloc;
};

/* One line of the sidebar. */
struct ui_side_row {
	size_t acct;
	long folder; /* index into the account's folders, -1 if none */
	int depth;
	char *label;      /* owned; the last component, or a heading */
	char *path;       /* owned; the folder path this row stands for */
	const char *role; /* borrowed; role of the folder, or NULL */
	bool heading;     /* account or "Shared" heading */
	bool children;    /* has rows below it */
	bool collapsed;
};

/* One line of a threaded index. */
struct ui_thread_row {
	uint32_t uid;
	int depth;
	unsigned hidden; /* collapsed: how many replies it hides */
	bool last;       /* the last child of its parent */
};

enum ui_sort {
	UI_SORT_THREADS = 0,
	UI_SORT_DATE,
	UI_SORT_FROM,
	UI_SORT_SUBJECT,
	UI_SORT_SIZE,
};

/*
 * The lister (lister.c): the index's row lists built on a thread of their
 * own. A request describes the list (every field owned by it); the answer
 * holds its rows (owned), or the error that stopped it.
 */
enum ui_list_kind {
	UI_LIST_ROWS,  /* the list to show */
	UI_LIST_FIND,  /* the next row of that list that `match` matches */
	UI_LIST_MATCH, /* every UID of the folder `match` matches */
};

struct ui_list_req {
	enum ui_list_kind kind;
	uint64_t gen; /* the index's request number, echoed */
	char *path;   /* the account's cache */
	int64_t folder_id;
	enum ui_sort sort;
	bool reverse;
	char *query;     /* a limit or the server's inexact answer, or NULL */
	bool has_server; /* keep only server[0..nserver) (sorted UIDs) */
	uint32_t *server;
	size_t nserver;
	uint32_t *collapsed; /* roots folded, sorted */
	size_t ncollapsed;
	time_t now;
	char *match;       /* FIND, MATCH: the query */
	size_t from_row;   /* FIND: after this row... */
	uint32_t from_uid; /* ...or after this message, when still listed */
};

struct ui_list_res {
	enum ui_list_kind kind;
	uint64_t gen;
	struct ui_thread_row *rows; /* ROWS: owned, count of them */
	size_t count;
	long found_row;     /* FIND: the row, or -1 */
	uint32_t found_uid; /* FIND: its message */
	uint32_t *uids;     /* MATCH: owned, sorted, nuids of them */
	size_t nuids;
	char *error; /* owned, or NULL */
};

struct ui_lister;

/* Starts the lister thread; *out owned (ui_lister_stop). */
int ui_lister_start(struct ui_lister **out, struct fct_error *err) FCT_WUR;
/* Stops and frees it; accepts NULL; sets *lp to NULL. */
void ui_lister_stop(struct ui_lister **lp);
/* Asks for a list (req transfers). */
void ui_lister_ask(struct ui_lister *ls, struct ui_list_req *req);
/* Readable while answers wait (borrowed). */
int ui_lister_fd(const struct ui_lister *ls);
/* The next answer (owned: ui_list_res_free), or NULL. */
struct ui_list_res *ui_lister_take(struct ui_lister *ls);
void ui_list_req_free(struct ui_list_req *r);
void ui_list_res_free(struct ui_list_res *r);
/*
 * Builds the list req describes from st into res (res->rows owned by
 * res); what the lister thread runs, callable on its own (tests).
 */
int ui_list_compute(struct store *st, const struct ui_list_req *req,
    struct ui_list_res *res, struct fct_error *err) FCT_WUR;
/* The store order of a sort ("date DESC"...). */
const char *ui_sort_order(enum ui_sort sort, bool reverse);
/* A growing list of UIDs; ui_collect_uid, a store_msg_query callback,
 * appends each message's. */
struct ui_uid_list {
	uint32_t *v; /* owned */
	size_t n, alloc;
};
int ui_collect_uid(const struct store_msg *m, void *arg);
/* Whether the sorted set v[0..n) has uid. */
bool ui_uidset_has(const uint32_t *v, size_t n, uint32_t uid);

enum ui_column {
	UI_COL_NUMBER,
	UI_COL_FLAGS,
	UI_COL_DATE,
	UI_COL_FROM,
	UI_COL_TO,
	UI_COL_SUBJECT,
	UI_COL_SIZE,
};

/*
 * The message list of the open folder. Only what is on screen is read
 * from the store: in date order, a window of rows (win_start ..
 * win_start + win_n of the whole ordered result), read again when the
 * screen moves past it; any other list keeps only the UIDs in display
 * order (rows, built by the lister thread) and fetches the visible
 * messages. Invariant: cursor < count unless count == 0; top <= cursor.
 */
struct ui_index {
	bool open;
	size_t acct;
	struct store_folder folder; /* a copy */
	enum ui_sort sort;
	bool sort_auto; /* sort picked by size, not by the user */
	bool reverse;
	struct query *limit; /* owned, or NULL */
	char *limit_text;    /* owned */
	/* The server's answer to search-server, shown instead of the limit:
	 * the UIDs (ascending, owned), the query (owned), and when the
	 * answer is inexact the query to narrow it with (owned, or NULL). */
	uint32_t *server;
	size_t nserver;
	char *server_text;
	struct query *server_q;
	size_t count, cursor, top;
	struct store_msg *win; /* owned rows, win_n of them */
	size_t win_start, win_n;
	struct ui_thread_row *rows; /* listed: owned, count of them */
	uint64_t list_gen;          /* the last list asked of the lister */
	uint64_t find_gen;          /* the last search or tagging asked */
	bool finding;               /* its answer is awaited */
	int64_t asked_ms;           /* when the lister was last asked */
	bool listing;               /* its answer is awaited */
	uint32_t *collapsed;        /* roots folded, owned */
	size_t ncollapsed, collapsed_alloc;
	uint32_t *tagged; /* owned, sorted */
	size_t ntagged, tagged_alloc;
	uint32_t *pending; /* moved away, awaiting the server; sorted */
	size_t npending, pending_alloc;
	uint32_t cursor_uid; /* to keep the cursor on a message on reload */
	int64_t reloaded_ms; /* when the last reload ran (monotonic) */
	enum ui_column columns[8]; /* index_columns, in order */
	size_t ncolumns;
};

/* The message being read. */
struct ui_pager {
	bool open;
	bool full_headers;
	uint32_t uid;
	bool waiting;       /* the body is being fetched */
	struct strbuf text; /* the rendered, sanitised lines */
	size_t *lines;      /* offsets of line starts in text */
	size_t nlines, lines_alloc;
	size_t top;
	enum ui_color *colors; /* of each line; lines_alloc of them */
	char *raw;             /* owned; the message, NULL until cached */
	size_t raw_len;
	struct mime_rendering r; /* the last rendering: parts, links */
};

/* What `u` can take back: the last filing, and the UIDs it produced. */
struct ui_undo {
	bool valid;
	size_t acct;
	char *kind;   /* "move" or "flag" */
	char *folder; /* where the messages were */
	char *dest;   /* where they went (move) */
	char op;      /* flag: '+' or '-' applied */
	unsigned flags;
	uint32_t *uids; /* in folder; owned */
	size_t nuids;
	int64_t job_id;     /* the move job's ticket: its COPYUID fills
			       dst_uids */
	uint32_t *dst_uids; /* in dest, from COPYUID; owned */
	size_t ndst;
	bool done; /* the job came back */
};

/* A job queued from the UI and not yet answered. */
struct ui_job {
	size_t acct;
	int64_t id;          /* its ticket (sync_worker_add_job) */
	char *folder, *dest; /* owned; dest may be NULL */
};

enum ui_prompt_kind {
	UI_PROMPT_NONE = 0,
	UI_PROMPT_FOLDER,  /* completes folder names */
	UI_PROMPT_QUERY,   /* query language */
	UI_PROMPT_CHAR,    /* one key answers */
	UI_PROMPT_FILE,    /* completes file names */
	UI_PROMPT_ADDRESS, /* completes the last address of a list */
	UI_PROMPT_COMMAND, /* an action's name, then its argument */
};

/* The line editor at the bottom. buf holds UTF-8; pos is a byte offset at
 * a character boundary. */
struct ui_prompt {
	enum ui_prompt_kind kind;
	char *label; /* owned */
	struct strbuf buf;
	size_t pos;
	enum ui_action then; /* what the answer is for */
	char **matches;      /* completion candidates; owned */
	size_t nmatches, imatch;
	char *stem; /* owned; the text completion started from */
	long hist;  /* position in history, -1 editing */
};

/* The pager's list of parts (attach.c). Invariant: open only with the
 * pager open on a cached message; cursor < the rendering's nparts. */
struct ui_attach {
	bool open;
	size_t cursor;
	char *dir; /* owned; the folder last saved into, or NULL */
};

struct ui_compose;
struct ui_rules_run;

struct ui_history {
	char **v;
	size_t n, alloc;
};

struct ui {
	const struct config *cfg; /* borrowed */
	struct ui_account *accts;
	size_t naccts;
	struct fct_queue *events;
	struct ui_lister *lister; /* builds the index's lists */
	int sigpipe[2]; /* self-pipe: the signal handler writes the number */
	struct ui_keymap keys[UI_VIEW__COUNT];
	struct ui_theme theme;

	struct ui_side_row *side;
	size_t nside, side_cursor, side_top;
	char **folded; /* "ACCOUNT\x1fPATH" of folded sidebar nodes; owned */
	size_t nfolded, folded_alloc;
	bool focus_sidebar;

	struct ui_index ix;
	struct ui_pager pg;
	struct ui_prompt pr;
	struct ui_history hist[3]; /* folders, queries, commands */
	struct ui_undo undo;
	struct ui_job *jobs;
	uint64_t last_ticket; /* the last job ticket handed out */
	size_t njobs, jobs_alloc;
	char *search_text;      /* its text; owned */
	uint64_t search_ticket; /* the search-server asked, or 0 */
	/* A reply or forward waiting for its original's body: it starts
	 * when the body is fetched (SYNC_EV_BODY_FETCHED). */
	struct {
		enum ui_action action; /* UI_A_NONE: nothing waits */
		size_t acct;
		char *folder; /* owned */
		uint32_t uid;
	} compose_wait;
	uint32_t compose_uid; /* the original to use instead of the cursor */
	char *search_asked;   /* its query text; owned */
	char *suggest; /* the folder suggested for the message filed; owned */
	bool help;
	size_t help_top;

	FILE *trace;             /* FACTEUR_UI_TRACE: one line per wake-up */
	unsigned nkeys, nevents; /* handled since the last wake-up */
	/* Time spent in each since the last wake-up (µs), for the trace:
	 * index reloads, folder lists, drawing, and of the drawing the
	 * output to the terminal. */
	int64_t t_reload, t_folders, t_draw, t_out;
	char *message; /* owned; the status message, or NULL */
	bool message_error;
	bool dirty, quit;
	int rows, cols, side_width;

	struct ui_attach att;       /* attach.c */
	struct ui_compose *compose; /* compose.c; NULL: no message open */
	struct ui_rules_run *rules; /* rules.c; NULL: no preview shown */
};

/* ui.c */
void ui_message(struct ui *ui, bool error, const char *fmt, ...)
    FCT_PRINTF(3, 4);
struct ui_account *ui_current_account(struct ui *ui);

/* sidebar.c */
void ui_sidebar_build(struct ui *ui);
void ui_sidebar_draw(struct ui *ui, int height);
void ui_sidebar_release(struct ui *ui);
/* Toggles folding of the node under the cursor. */
void ui_sidebar_fold(struct ui *ui);
/* The sidebar row of folder `name` of account acct, or -1. */
long ui_sidebar_find(struct ui *ui, size_t acct, const char *name);
/* "read-only", "no-delete" or NULL from MYRIGHTS. */
const char *ui_rights_badge(const char *rights);
/* Whether rights allow every right in need (NULL rights: own folder). */
bool ui_rights_allow(const char *rights, const char *need);

/* index.c */
void ui_index_open(struct ui *ui, size_t acct, const char *folder);
void ui_index_reload(struct ui *ui);
/* The lister's answer (res transfers): the list shown from now on, when
 * it answers the index's last request. */
void ui_index_listed(struct ui *ui, struct ui_list_res *res);
int64_t ui_now_us(void);
void ui_index_close(struct ui_index *ix);
/* Sets the columns from index_columns (checked by the config parser;
 * NULL: the default). */
void ui_index_columns(struct ui_index *ix, const char *spec);
void ui_index_draw(struct ui *ui, int y, int x, int height, int width);
/* The message at row i (fetched when needed), or NULL. Borrowed until the
 * next index call. */
const struct store_msg *ui_index_msg(struct ui *ui, size_t i);
void ui_index_move(struct ui *ui, long delta, int height);
void ui_index_goto(struct ui *ui, size_t i, int height);
void ui_index_fold(struct ui *ui);
bool ui_index_tagged(const struct ui_index *ix, uint32_t uid);
void ui_index_tag(struct ui_index *ix, uint32_t uid, bool on);
void ui_index_pending_add(struct ui_index *ix, uint32_t uid);
bool ui_index_pending(const struct ui_index *ix, uint32_t uid);
/* The row of uid, or -1 (threaded, or within the window). */
long ui_index_find(struct ui *ui, uint32_t uid);
/* Sets or clears the limit (NULL text); 0, or -1 with a message shown. */
int ui_index_limit(struct ui *ui, const char *text);
/* search-server: asks the worker of the open folder's account. */
void ui_index_search_server(struct ui *ui);
/* The worker's answer (SYNC_EV_SEARCH_DONE). */
void ui_index_server_event(struct ui *ui, const struct sync_event *ev);

/*
 * Asks the lister for the next message text (a query) matches after the
 * cursor, or for every one to tag; its answer moves the cursor or tags
 * (ui_index_listed). -1 when text is not a query (said on screen).
 */
int ui_index_search(struct ui *ui, const char *text);
int ui_index_tag_query(struct ui *ui, const char *text);
/* Rows the index shows on screen. */
int ui_main_height(const struct ui *ui);
/*
 * Whether keys wait (ui.c leaves them unread): the index awaits the
 * lister's answer to a question asked less than `hold_ms` ago, and keys
 * typed after it must apply to its answer ("/word Enter t" tags the
 * message found, not the one the cursor was on).
 */
bool ui_index_holds_keys(const struct ui *ui, int64_t now_ms, int64_t hold_ms);

/* pager.c */
void ui_pager_open(struct ui *ui, uint32_t uid);
void ui_pager_close(struct ui_pager *pg);
void ui_pager_draw(struct ui *ui, int height, int width);
/* A body arrived (or failed: reason) for uid of the open folder. */
void ui_pager_body_event(struct ui *ui, uint32_t uid, const char *reason);
void ui_pager_scroll(struct ui *ui, long delta, int height);
/* Renders again (resize, header toggle). */
void ui_pager_rerender(struct ui *ui);

/* prompt.c */
void ui_prompt_start(struct ui *ui, enum ui_prompt_kind kind,
    enum ui_action then, const char *label);
/* Feeds one key; returns true when the prompt ended (answered or not). On
 * an answer, *answer is owned (free()), else NULL. */
bool ui_prompt_key(struct ui *ui, int key, char **answer);
void ui_prompt_draw(struct ui *ui, int y, int width);
void ui_prompt_release(struct ui *ui);
/* Folder names of the current account matching text, best first: prefix
 * matches, then fuzzy (subsequence) ones. Owned array of owned strings. */
char **ui_folder_complete(struct ui *ui, const char *text, size_t *n);

/* filing.c */
/* The answer to a prompt or a key: files current or tagged messages. */
void ui_file(struct ui *ui, enum ui_action a, const char *dest);
void ui_undo(struct ui *ui);
/* A worker answered a job. */
void ui_job_event(struct ui *ui, const struct sync_event *ev, bool ok);
/*
 * The folder where mail from the current message's list (List-Id), else
 * its sender, was filed most recently, other than the open folder and
 * the Inbox, Trash and Junk: the first answer offered by `s` and `C`.
 * Owned, or NULL.
 */
char *ui_suggest_folder(struct ui *ui);
/* Marks uid of the open folder read (opening it), without undo. */
void ui_mark_seen(struct ui *ui, uint32_t uid);
void ui_filing_release(struct ui *ui);
/* The folder of account acct with role, or NULL; borrowed. */
const char *ui_role_folder(struct ui *ui, size_t acct, const char *role);

/* local.c: POP3 accounts' local folders */
/* Whether action a is refused on account acct (copy on a POP3 account),
 * with a message saying why. */
bool ui_local_refused(struct ui *ui, size_t acct, enum ui_action a);
/* Where delete, archive or spam files a POP3 account's mail: the folder
 * with the role, else the local folder the move creates. Borrowed or
 * static; NULL for other actions. */
const char *ui_local_role_dest(struct ui *ui, size_t acct, enum ui_action a);

/* The view whose key table applies now. */
enum ui_view ui_view_current(const struct ui *ui);

/* attach.c: the attachment list, saving and opening parts */
void ui_attach_open(struct ui *ui);
void ui_attach_action(struct ui *ui, enum ui_action a);
void ui_attach_draw(struct ui *ui, int height);
/* The answer to the save prompt. */
void ui_attach_answer(struct ui *ui, enum ui_action then, const char *answer);
void ui_attach_release(struct ui *ui);
/* File names completing text ("~/" expanded; directories end in '/'),
 * sorted. Owned array of owned strings. */
char **ui_file_complete(const char *text, size_t *n);
/*
 * Completions of the address list being typed in the compose screen: the
 * text with its last address (after the last comma) replaced by each
 * alias key, then each address of the cache, that starts like it
 * (sync_address_complete). Owned array of owned strings, *n of them.
 */
char **ui_address_complete(struct ui *ui, const char *text, size_t *n);
/*
 * Completions of a command line (owned, *n of them): the names of the
 * actions of the current view text starts, then, after an action that
 * takes a folder, its folder completed.
 */
char **ui_command_complete(struct ui *ui, const char *text, size_t *n);
/* Whether action a takes a folder as its argument (a command line's). */
bool ui_action_takes_folder(enum ui_action a);
/*
 * Runs `sh -c command` (or the editor on path, when command is NULL) on
 * the terminal: curses is suspended (endwin) and resumed after, like a
 * stop. Blocks the UI thread while the program runs, which is the
 * point: the user is in it. -1 with err when it cannot run or fails.
 */
int ui_run_on_terminal(struct ui *ui, const char *command, const char *path,
    struct fct_error *err) FCT_WUR;

/* compose.c: writing, replying, forwarding, drafts, sending */
/* a: COMPOSE, REPLY, GROUP_REPLY, FORWARD or RECALL. */
void ui_compose_start(struct ui *ui, enum ui_action a);
void ui_compose_action(struct ui *ui, enum ui_action a);
void ui_compose_draw(struct ui *ui, int height);
void ui_compose_answer(struct ui *ui, enum ui_action then, const char *answer);
/* A worker's event about a message sent (job kind "send"): true when it
 * was one. */
bool ui_compose_event(struct ui *ui, const struct sync_event *ev, bool ok);
/* A body arrived: a reply or forward waiting for it starts. */
void ui_compose_body_event(struct ui *ui, const struct sync_event *ev);
void ui_compose_release(struct ui *ui);

/* rules.c: the rules from the index */
/* Dry run on the tagged messages or the folder, shown, then asks. */
void ui_rules_preview(struct ui *ui);
void ui_rules_answer(struct ui *ui, const char *answer);
/* Draws the preview when one is shown; false otherwise. */
bool ui_rules_draw(struct ui *ui, int height);
/* Opens $EDITOR on the rules file with a rule for this message. */
void ui_rules_make(struct ui *ui);
void ui_rules_release(struct ui *ui);

#endif
