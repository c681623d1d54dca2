/* ident.c: ending sessions and revocation counters. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "ident.h"
#include "notify.h"

enum {
	I_END_SESSIONS,
	I__MAX
};

static const char *const stmts[I__MAX] = {
	[I_END_SESSIONS] =
	    "DELETE FROM sessions WHERE (user_id = ? OR real_user_id = ?)"
	    " AND id <> ?",
};

const struct pl_sqlset pl_ident_sql = { "ident", stmts, I__MAX };

enum pl_err
pl_ident_end_sessions(struct pl_db *db, int64_t user_id, int64_t keep_id)
{
	return pl_db_exec(db, &pl_ident_sql, I_END_SESSIONS,
	    PL_ARGS(PL_I64(user_id), PL_I64(user_id), PL_I64(keep_id)), NULL,
	    NULL);
}

static void
key(char *buf, size_t n, const char *kind, int64_t id)
{
	snprintf(buf, n, "auth-%s-%lld", kind, (long long)id);
}

void
pl_ident_changed(const char *kind, int64_t id)
{
	char k[48];

	key(k, sizeof(k), kind, id);
	pl_notify_wake(k);
}

uint32_t
pl_ident_version(const char *kind, int64_t id)
{
	char     k[48];
	uint32_t slot, v;

	key(k, sizeof(k), kind, id);
	slot = pl_notify_slot(k);
	pl_notify_snapshot(&slot, 1, &v);
	return v;
}
