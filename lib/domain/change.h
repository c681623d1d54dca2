/* change.h: one change to the data, the way every domain write is made:
 * begin, the writes, the audit entry, commit (or roll back, and nothing
 * happened), then what follows a commit: wake the outbox for the mail the
 * change queued, and bump the revocation counters of the identities it
 * changed. A deadlock retries the whole change, a few times. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_CHANGE_H
#define PL_CHANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct pl_arena;

/* What the writes say about themselves, for what follows them. */
struct pl_change {
	/* The audit entry; action NULL: none (nothing changed). */
	int64_t     tenant_id; /* 0: the platform */
	const char *action;    /* "create", "update", "block"... */
	const char *target_type;
	int64_t     target_id;
	const char *summary; /* names, never secrets */
	int64_t     by_user; /* audit as this user instead of the actor's (a
	                      * sign-up: the new user registers itself) */
	/* After the commit: */
	bool    queued;         /* it queued outbox items: wake the worker */
	int64_t changed_user;   /* this user's identity changed */
	int64_t changed_tenant; /* this tenant's (blocked) */
	/* The streams whose pollers wake (pl_change_event adds them). */
	const char **wake;
	size_t       nwake, capwake;
	/* The events, written just before the commit (pl_change_event). */
	struct pl_change_ev *evs;
	size_t               nev, capev;
};

struct pl_change_ev {
	const char *skey, *name, *data;
	uint64_t   *seq; /* where its sequence goes, or NULL */
};

/* The writes: inside the transaction; fill ch; return PL_OK to commit. */
typedef enum pl_err pl_change_fn(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, void *arg, struct pl_change *ch);

/*
 * Run fn as one change by who. PL_OK when committed (and audited when
 * fn named an action), else fn's error, or the database's, with nothing
 * written.
 */
enum pl_err pl_change_run(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, pl_change_fn *fn, void *arg);

/*
 * Inside fn: add an event to stream skey (events.h's pl_event_add; data
 * JSON text) and wake its pollers after the commit (once per stream).
 * The events are written when fn has returned, just before the commit, in
 * the order of their stream keys (a stream's own events in the order they
 * were added): every change then takes the streams' row locks in one
 * global order, so two changes that tell the same people never deadlock
 * on them. *seq (if seq is not NULL) is set then, before the commit. The
 * strings are kept, not copied: the arena's or static, as every caller's.
 */
enum pl_err pl_change_event(struct pl_db *db, struct pl_arena *a,
    struct pl_change *ch, const char *skey, const char *name, const char *data,
    uint64_t *seq);

#endif
