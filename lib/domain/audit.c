/* audit.c: the audit log. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "list.h"
#include "parse.h"

enum {
	A_INSERT,
	A_ALL,    /* super admin, newest first */
	A_TENANT, /* one tenant's */
	A_ADMIN,  /* an admin's tenant */
	A__MAX
};

#define A_COLS                                                                 \
	"SELECT a.id, COALESCE(a.tenant_id, 0), COALESCE(a.actor_id, 0),"      \
	" COALESCE(a.acting_as_id, 0), a.action, a.target_type,"               \
	" COALESCE(a.target_id, 0), a.summary, a.created_at,"                  \
	" COALESCE(CONCAT(u.first_name, ' ', u.last_name), 'Parley'),"         \
	" COALESCE(u.email, ''),"                                              \
	" CONCAT(e.first_name, ' ', e.last_name), COALESCE(t.company, '')"     \
	" FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"             \
	" LEFT JOIN users e ON e.id = a.acting_as_id"                          \
	" LEFT JOIN tenants t ON t.id = a.tenant_id"

static const char *const stmts[A__MAX] = {
	[A_INSERT] =
	    "INSERT INTO audit_log (tenant_id, actor_id, acting_as_id, action,"
	    " target_type, target_id, summary) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[A_ALL] = A_COLS " ORDER BY a.id DESC LIMIT ? OFFSET ?",
	[A_TENANT] = A_COLS
	" WHERE a.tenant_id = ? ORDER BY a.id DESC"
	" LIMIT ? OFFSET ?",
	[A_ADMIN] =
	    "SELECT tenant_id FROM users WHERE id = ? AND role = 'admin'",
};

const struct pl_sqlset pl_audit_sql = { "audit", stmts, A__MAX };

const char *const pl_audit_sorts[] = { "newest", NULL };

enum pl_err
pl_audit(struct pl_db *db, const struct pl_actor *who, int64_t tenant_id,
    const char *action, const char *target_type, int64_t target_id,
    const char *summary)
{
	const char *sum = summary ? summary : "";

	return pl_db_exec(db, &pl_audit_sql, A_INSERT,
	    PL_ARGS(tenant_id ? PL_I64(tenant_id) : PL_NULLV,
	        pl_actor_real(who) ? PL_I64(pl_actor_real(who)) : PL_NULLV,
	        who->real_user_id ? PL_I64(who->user_id) : PL_NULLV,
	        PL_STR(action), PL_STR(target_type),
	        target_id ? PL_I64(target_id) : PL_NULLV,
	        /* bounded to the column, on a character boundary */
	        PL_STRN(sum, pl_utf8_prefix(sum, 500))),
	    NULL, NULL);
}

/* The tenant whose entries who asks for with admin_id (0: every tenant,
 * for the super admin only). */
static enum pl_err
scope(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t admin_id, int64_t *tid)
{
	struct pl_row row;
	enum pl_err   er;

	*tid = 0;
	if (who->role == PL_ROLE_ADMIN) {
		/* An admin may name only itself: any other id is none. */
		if (admin_id != 0 && admin_id != who->user_id)
			return PL_ENOTFOUND;
		*tid = who->tenant_id;
		return *tid != 0 ? PL_OK : PL_ENOTFOUND;
	}
	if (who->role != PL_ROLE_SUPER)
		return PL_EPERM;
	if (admin_id == 0)
		return PL_OK;
	er = pl_db_one(
	    db, a, &pl_audit_sql, A_ADMIN, PL_ARGS(PL_I64(admin_id)), &row);
	if (er == PL_OK)
		*tid = pl_row_i64(&row, 0);
	return er;
}

enum pl_err
pl_audit_page(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t admin_id, const struct pl_list *l, struct pl_audit_entry **v,
    size_t *n)
{
	struct pl_rows rows;
	int64_t        tid;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if ((er = scope(db, a, who, admin_id, &tid)) != PL_OK)
		return er;
	er = tid != 0
	         ? pl_db_all(db, a, &pl_audit_sql, A_TENANT,
	               PL_ARGS(PL_I64(tid), PL_I64(l->limit + 1),
	                   PL_I64(l->offset)),
	               &rows)
	         : pl_db_all(db, a, &pl_audit_sql, A_ALL,
	               PL_ARGS(PL_I64(l->limit + 1), PL_I64(l->offset)), &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++) {
		const struct pl_row   *r = &rows.v[i];
		struct pl_audit_entry *e = &(*v)[i];

		e->id = pl_row_i64(r, 0);
		e->tenant_id = pl_row_i64(r, 1);
		e->actor_id = pl_row_i64(r, 2);
		e->acting_as_id = pl_row_i64(r, 3);
		e->action = pl_row_str(r, 4);
		e->target_type = pl_row_str(r, 5);
		e->target_id = pl_row_i64(r, 6);
		e->summary = pl_row_str(r, 7);
		e->created_at = pl_row_str(r, 8);
		e->actor_name = pl_row_str(r, 9);
		e->actor_email = pl_row_str(r, 10);
		e->acting_as_name = pl_row_str(r, 11);
		e->company = pl_row_str(r, 12);
	}
	*n = rows.n;
	return PL_OK;
}
