/* change.c: begin, write, audit, commit or roll back, wake. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "arena.h"
#include "change.h"
#include "crypto.h"
#include "events.h"
#include "ident.h"
#include "notify.h"
#include "outbox.h"

/* A deadlock (or a lock wait timeout) retries the whole change, after a
 * short pause that grows and is jittered, so two changes that collided do
 * not collide again in step. */
#define RETRIES 5

/* A stream key's order, then the order the events were added in. */
static int
ev_cmp(const void *x, const void *y)
{
	const struct pl_change_ev *const *p = x, *const *q = y;
	int                               c = strcmp((*p)->skey, (*q)->skey);

	if (c != 0)
		return c;
	return *p < *q ? -1 : *p > *q;
}

/* Write ch's events, by stream key (change.h says why). */
static enum pl_err
events_write(struct pl_db *db, struct pl_arena *a, struct pl_change *ch)
{
	const struct pl_change_ev **v;
	enum pl_err                 er;

	if (ch->nev == 0)
		return PL_OK;
	v = pl_arena_array(a, ch->nev, sizeof(*v));
	for (size_t i = 0; i < ch->nev; i++)
		v[i] = &ch->evs[i];
	qsort(v, ch->nev, sizeof(*v), ev_cmp);
	for (size_t i = 0; i < ch->nev; i++)
		if ((er = pl_event_add(db, a, v[i]->skey, v[i]->name,
		         v[i]->data, v[i]->seq)) != PL_OK)
			return er;
	return PL_OK;
}

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
		if (er == PL_OK)
			er = events_write(db, a, &ch);
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
		if (i + 1 < RETRIES) {
			unsigned        r;
			struct timespec ts;

			pl_random(&r, sizeof(r));
			ts.tv_sec = 0;
			ts.tv_nsec =
			    (long)((1u << i) * 1000000u + r % 2000000u);
			nanosleep(&ts, NULL);
		}
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
	struct pl_change_ev *e;

	(void)db;
	if (skey == NULL || name == NULL || data == NULL)
		return PL_EINTERNAL;
	if (ch->nev == ch->capev) {
		size_t               cap = ch->capev ? 2 * ch->capev : 8;
		struct pl_change_ev *v = pl_arena_array(a, cap, sizeof(*v));

		if (ch->nev)
			memcpy(v, ch->evs, ch->nev * sizeof(*v));
		ch->evs = v;
		ch->capev = cap;
	}
	e = &ch->evs[ch->nev++];
	e->skey = skey;
	e->name = name;
	e->data = data;
	e->seq = seq;
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
