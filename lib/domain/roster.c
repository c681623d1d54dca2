/* roster.c: the console's pickers (roster.h). */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arena.h"
#include "roster.h"

enum {
	R_AGENTS,
	R_WIDGETS_SERVED,
	R_WIDGETS_ALL,
	R__MAX
};

static const char *const stmts[R__MAX] = {
	/* users_tenant_role, then a sort of at most a tenant's staff. */
	[R_AGENTS] =
	    "SELECT u.id, u.first_name, u.last_name, u.role"
	    " FROM users u"
	    " WHERE u.tenant_id = ? AND u.role IN ('agent', 'supervisor')"
	    " AND u.blocked = 0 AND u.id <> ?"
	    " ORDER BY u.first_name, u.last_name, u.id LIMIT ?",
	[R_WIDGETS_SERVED] =
	    "SELECT w.id, w.website_url FROM widgets w"
	    " WHERE w.tenant_id = ? AND w.active = 1 AND EXISTS ("
	    " SELECT 1 FROM widget_departments wd"
	    " JOIN departments d ON d.id = wd.department_id AND d.active = 1"
	    " JOIN department_agents da"
	    " ON da.department_id = wd.department_id AND da.user_id = ?"
	    " WHERE wd.widget_id = w.id)"
	    " ORDER BY w.website_host, w.id LIMIT ?",
	[R_WIDGETS_ALL] =
	    "SELECT w.id, w.website_url FROM widgets w"
	    " WHERE w.tenant_id = ? AND w.active = 1"
	    " ORDER BY w.website_host, w.id LIMIT ?",
};

const struct pl_sqlset pl_roster_sql = { "roster", stmts, R__MAX };

enum pl_err
pl_roster_agents(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, struct pl_option **v, size_t *n)
{
	struct pl_rows rows;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if (who->tenant_id == 0)
		return PL_ENOTFOUND;
	if ((er = pl_db_all(db, a, &pl_roster_sql, R_AGENTS,
	         PL_ARGS(PL_I64(who->tenant_id), PL_I64(who->user_id),
	             PL_I64(PL_ROSTER_MAX)),
	         &rows)) != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++) {
		const struct pl_row *r = &rows.v[i];
		const char          *role = pl_row_str(r, 3);

		(*v)[i].id = pl_row_i64(r, 0);
		(*v)[i].name = pl_arena_printf(
		    a, "%s %s", pl_row_str(r, 1), pl_row_str(r, 2));
		(*v)[i].detail = role != NULL && strcmp(role, "supervisor") == 0
		                     ? "supervisor"
		                     : "";
		(*v)[i].selected = false;
	}
	*n = rows.n;
	return PL_OK;
}

enum pl_err
pl_roster_widgets(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, struct pl_option **v, size_t *n)
{
	struct pl_rows rows;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if (who->tenant_id == 0)
		return PL_ENOTFOUND;
	if (who->role >= PL_ROLE_ADMIN)
		er = pl_db_all(db, a, &pl_roster_sql, R_WIDGETS_ALL,
		    PL_ARGS(PL_I64(who->tenant_id), PL_I64(PL_ROSTER_MAX)),
		    &rows);
	else
		er = pl_db_all(db, a, &pl_roster_sql, R_WIDGETS_SERVED,
		    PL_ARGS(PL_I64(who->tenant_id), PL_I64(who->user_id),
		        PL_I64(PL_ROSTER_MAX)),
		    &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++) {
		(*v)[i].id = pl_row_i64(&rows.v[i], 0);
		(*v)[i].name = pl_row_str(&rows.v[i], 1);
		(*v)[i].detail = "";
		(*v)[i].selected = false;
	}
	*n = rows.n;
	return PL_OK;
}
