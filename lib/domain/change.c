/* change.c: begin, write, audit, commit or roll back, wake. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "audit.h"
#include "change.h"
#include "ident.h"
#include "notify.h"
#include "outbox.h"

#define RETRIES 3 /* a deadlock retries the whole change */

enum pl_err
pl_change_run(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    pl_change_fn *fn, void *arg)
{
	struct pl_change ch;
	enum pl_err      er = PL_OK;

	for (int i = 0; i < RETRIES; i++) {
		memset(&ch, 0, sizeof(ch));
		if ((er = pl_db_begin(db)) != PL_OK)
			return er;
		er = fn(db, a, who, arg, &ch);
		if (er == PL_OK && ch.action != NULL) {
			struct pl_actor by = { .user_id = ch.by_user };

			er = pl_audit(db, ch.by_user ? &by : who, ch.tenant_id,
			    ch.action, ch.target_type, ch.target_id,
			    ch.summary);
		}
		if (er == PL_OK)
			er = pl_db_commit(db);
		if (er == PL_OK)
			break;
		pl_db_rollback(db);
		if (!pl_db_retryable(db))
			return er;
	}
	if (er != PL_OK)
		return er;
	if (ch.queued)
		pl_notify_wake(PL_OUTBOX_KEY);
	if (ch.changed_user)
		pl_ident_changed("user", ch.changed_user);
	if (ch.changed_tenant)
		pl_ident_changed("tenant", ch.changed_tenant);
	return PL_OK;
}
