/* outbox.h: side effects (e-mail, Twilio REST calls; SMS and webhooks
 * later) written in the same transaction as the change that causes them,
 * and carried out by the worker with retries. Each has an idempotency key
 * naming its intent, so it is queued once; a row is claimed before it is
 * sent, so two workers never send it twice, and a worker killed mid-send
 * leaves it claimed by a process that is gone, which the next worker takes
 * back at once (pl_outbox_reclaim). */
/* SPDX-License-Identifier: MIT */
#ifndef PL_OUTBOX_H
#define PL_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "err.h"

struct pl_arena;
struct pl_config;

extern const struct pl_sqlset pl_outbox_sql;

#define PL_OUTBOX_KEY          "outbox" /* notify key the worker sleeps on */
#define PL_OUTBOX_MAX_ATTEMPTS 10       /* then the item is dead */
#define PL_OUTBOX_MAX_DELAY    3600     /* seconds between attempts, at most */

/*
 * Queue an item of kind ("email", "twilio") inside the caller's
 * transaction (then pl_notify_wake PL_OUTBOX_KEY after the commit, which
 * pl_change_run does when told). payload is the sender's JSON text;
 * recipient a short label for the operator (an address, a tenant). A
 * second queue with the same idem key is PL_ECONFLICT.
 */
enum pl_err pl_outbox_put(struct pl_db *db, const char *kind, const char *idem,
    const char *recipient, const char *payload);
/* Queue an e-mail: pl_outbox_put of kind "email". */
enum pl_err pl_outbox_mail(struct pl_db *db, struct pl_arena *a,
    const char *idem, const char *to_addr, const char *to_name,
    const char *subject, const char *text);

/* One claimed item, as a sender sees it (strings arena-owned). */
struct pl_outbox_item {
	int64_t     id;
	const char *kind;
	const char *idem;
	const char *recipient;
	const char *payload;
	int         attempt; /* 1 for the first */
};

/* What a sender says of an item. */
enum pl_outbox_verdict {
	PL_OUTBOX_DONE,  /* carried out */
	PL_OUTBOX_RETRY, /* not now: again after a backoff (or delay) */
	PL_OUTBOX_WAIT,  /* not yet possible (a prerequisite is missing):
	                  * again after delay, not counted as an attempt */
	PL_OUTBOX_DEAD   /* never: an operator may retry it */
};

struct pl_outbox_outcome {
	enum pl_outbox_verdict verdict;
	int64_t delay;   /* RETRY: at least this many seconds, 0: backoff;
	                  * WAIT: this many (0: PL_OUTBOX_MAX_DELAY) */
	const char *why; /* for the operator: "Twilio answered 503" */
};

typedef void pl_outbox_sender(struct pl_db *db, struct pl_arena *a,
    const struct pl_outbox_item *it, const void *arg,
    struct pl_outbox_outcome *out);

/*
 * The worker's step for one kind: claim up to max due items (as owner, a
 * name of this process: pl_outbox_owner()), hand each to send, and record
 * its verdict: done; retry after max(delay, backoff) where backoff is 30 s
 * doubling per attempt up to PL_OUTBOX_MAX_DELAY; dead after
 * PL_OUTBOX_MAX_ATTEMPTS or when the sender says so. The sender runs with no
 * transaction open and may use db. *ndone counts the items done. PL_OK
 * unless the database failed.
 */
enum pl_err pl_outbox_run(struct pl_db *db, struct pl_arena *a,
    const char *kind, size_t max, pl_outbox_sender *send, const void *arg,
    size_t *ndone);
/* The mail sender, for pl_outbox_run(..., "email", ..., pl_outbox_mailer,
 * cfg, ...). */
pl_outbox_sender pl_outbox_mailer;

/* This process's owner name ("host:pid"), as claims record it. */
const char *pl_outbox_owner(void);
/*
 * Take back the items claimed by processes of this host that are gone (a
 * worker killed mid-send), so they are tried again now instead of when
 * their claim expires. *n counts them. Call at the worker's start.
 */
enum pl_err pl_outbox_reclaim(struct pl_db *db, struct pl_arena *a, size_t *n);
/* An operator's retry of a dead item: pending again, attempts from 0.
 * PL_ENOTFOUND when id is no dead item. */
enum pl_err pl_outbox_retry(struct pl_db *db, int64_t id);

#endif
