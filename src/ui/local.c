/*
 * POP3 accounts in the terminal interface: their folders are local (the
 * worker downloads the maildrop into the cache's INBOX, and moves create
 * folders beside it; include/facteur/sync_pop.h), so filing follows the
 * local folders' rules rather than a server's.
 *
 * Design. Filing keys go through the same path as for IMAP (filing.c):
 * the job is handed to the account's worker, which applies it to the cache
 * at once (sync_local_run) instead of queuing it for a server, and answers
 * with the same events, a move's old and new UIDs included, so pending
 * rows and undo work unchanged; the UI thread still writes nothing. What
 * differs is decided here, before any job exists:
 *  - copy is refused: a local message has one row and one body;
 *  - a destination that does not exist yet is created by the move (as
 *    `facteur move` does), so `s` takes the name typed as it is;
 *  - delete, archive and spam go to the folder with that role, else to a
 *    local "Trash", "Archive" or "Junk", created with its role by the
 *    first move there (a mature client's habit: delete is undoable); `d`
 *    in Trash deletes for good, as for IMAP. (`facteur delete` on a POP3
 *    account deletes for good at once: a script asks for exactly that.)
 */
#include "config.h"

#include <string.h>

#include "private.h"

bool
ui_local_refused(struct ui *ui, size_t acct, enum ui_action a)
{
	if (!ui->accts[acct].local || a != UI_A_COPY)
		return false;
	ui_message(ui, true,
	    "cannot copy in account '%s': its folders are local (POP3) and a "
	    "message is kept once; move it instead (s)",
	    ui->accts[acct].acct->name);
	return true;
}

const char *
ui_local_role_dest(struct ui *ui, size_t acct, enum ui_action a)
{
	static const struct {
		enum ui_action a;
		const char *role, *name;
	} dests[] = {
		{ UI_A_DELETE, "trash", "Trash" },
		{ UI_A_ARCHIVE, "archive", "Archive" },
		{ UI_A_SPAM, "junk", "Junk" },
	};
	const char *f;
	size_t i;

	for (i = 0; i < FCT_ARRAY_LEN(dests); i++) {
		if (dests[i].a != a)
			continue;
		if ((f = ui_role_folder(ui, acct, dests[i].role)) != NULL)
			return f;
		/* The worker gives the folder its role on creation
		 * (sync_local_role); one made earlier without it is used
		 * as it is. */
		return dests[i].name;
	}
	return NULL;
}
