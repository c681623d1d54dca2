/* audit.h: the audit log: every create, update, block, unblock and
 * emulation start/stop, with the real actor and the emulated identity. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_AUDIT_H
#define PL_AUDIT_H

#include <stdint.h>

#include "db.h"
#include "err.h"

struct pl_req;
struct pl_resp;

extern const struct pl_sqlset pl_audit_sql;

/*
 * Record an action by the request's user (inside the caller's transaction
 * when there is one). tenant_id 0 means the platform. The actor is whoever
 * really acts (the emulator while emulating); acting_as the emulated user.
 * summary is a short human text (names, not secrets).
 */
enum pl_err pl_audit(struct pl_req *rq, struct pl_db *db, int64_t tenant_id,
    const char *action, const char *target_type, int64_t target_id,
    const char *summary);

/*
 * GET /audit, GET /api/audit: the entries the caller may read (the super
 * admin: all, filterable by ?admin_id=; an admin: its own tenant's), newest
 * first, paginated like every list (list.h). A handler for a route table.
 */
enum pl_err pl_audit_list(struct pl_req *rq, struct pl_resp *rs);

#endif
