/* change.c: begin, write, audit, commit or roll back, wake. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "audit.h"
#include "arena.h"
#include "change.h"
#include "events.h"
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
	for (size_t i = 0; i < ch.nwake; i++)
		pl_notify_wake(ch.wake[i]);
	if (ch.queued)
		pl_notify_wake(PL_OUTBOX_KEY);
	if (ch.changed_user)
		pl_ident_changed("user", ch.changed_user);
	if (ch.changed_tenant)
		pl_ident_changed("tenant", ch.changed_tenant);
	return PL_OK;
}

enum pl_err
pl_change_event(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    const char *skey, const char *name, const char *data, uint64_t *seq)
{
	enum pl_err er = pl_event_add(db, a, skey, name, data, seq);

	if (er != PL_OK)
		return er;
	for (size_t i = 0; i < ch->nwake; i++)
		if (strcmp(ch->wake[i], skey) == 0)
			return PL_OK;
	if (ch->nwake == ch->capwake) {
		size_t       cap = ch->capwake ? 2 * ch->capwake : 8;
		const char **v = pl_arena_alloc(a, cap * sizeof(*v));

		if (ch->nwake)
			memcpy(v, ch->wake, ch->nwake * sizeof(*v));
		ch->wake = v;
		ch->capwake = cap;
	}
	ch->wake[ch->nwake++] = pl_arena_strdup(a, skey);
	return PL_OK;
}
