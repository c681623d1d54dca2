/* ident.h: when who someone is changes. A password change, a block, a new
 * role: the change ends the user's sessions (all, or all but the one that
 * made it) and, after its commit, bumps the user's (or the tenant's)
 * revocation counter, so every process that caches identities (the
 * long-poll's bearer cache) looks again at its very next request. The
 * sessions themselves are the front line's (http/session.c); this is what
 * the domain may do to them. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_IDENT_H
#define PL_IDENT_H

#include <stdint.h>

#include "db.h"
#include "err.h"

extern const struct pl_sqlset pl_ident_sql;

/* End every session of user_id (as itself or emulated by it) but keep_id
 * (0: all), inside the caller's transaction. */
enum pl_err pl_ident_end_sessions(
    struct pl_db *db, int64_t user_id, int64_t keep_id);
/* After the commit: a user's ("user") or a tenant's ("tenant") identity
 * changed. */
void pl_ident_changed(const char *kind, int64_t id);
/* The revocation counter's value now, to validate a cached identity. */
uint32_t pl_ident_version(const char *kind, int64_t id);

#endif
