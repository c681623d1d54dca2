/* outbox.h: side effects (e-mail now; SMS and webhooks later) written in
 * the same transaction as the change that causes them, sent by the worker
 * with retries. Each has an idempotency key, so it is queued once. */
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

#define PL_OUTBOX_KEY "outbox" /* notify key the worker sleeps on */

/*
 * Queue an e-mail (inside the caller's transaction; then pl_notify_wake
 * PL_OUTBOX_KEY after commit). idem names the intent ("reset:42:abcd");
 * a second queue with the same key is PL_ECONFLICT.
 */
enum pl_err pl_outbox_mail(struct pl_db *db, struct pl_arena *a,
    const char *idem, const char *to_addr, const char *to_name,
    const char *subject, const char *text);
/*
 * The worker's step: claim up to max due e-mails, send each, record the
 * result (sent, or retry with backoff: 1 min doubling to 1 h, failed after
 * 10 attempts or a permanent refusal). *nsent counts the sent ones. PL_OK
 * unless the database failed.
 */
enum pl_err pl_outbox_run(struct pl_db *db, struct pl_arena *a,
    const struct pl_config *cfg, size_t max, size_t *nsent);

#endif
