/* dept.c: departments of a tenant: the statements, the rules, the pickers. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>

#include <json-c/json.h>

#include "arena.h"
#include "db.h"
#include "dept.h"
#include "req.h"
#include "resp.h"
#include "route.h"

enum dept_stmt {
	D_OPTIONS,
	D_ADMIN_OPTIONS,
	D__MAX
};

static const char *const dept_stmts[D__MAX] = {
	[D_OPTIONS] =
	    "SELECT id, name FROM departments"
	    " WHERE tenant_id = ? AND active = 1"
	    " ORDER BY name, id LIMIT 500",
	[D_ADMIN_OPTIONS] =
	    "SELECT u.id, u.first_name, u.last_name, t.company"
	    " FROM users u JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.role = 'admin'"
	    " ORDER BY t.company, u.first_name, u.last_name, u.id LIMIT 1000",
};

const struct pl_sqlset pl_dept_sql = { "dept", dept_stmts, D__MAX };

enum pl_err
pl_dept_options(struct pl_req *rq, int64_t tenant_id, struct json_object **out)
{
	struct pl_rows      rows;
	struct json_object *a, *o;
	enum pl_err         er;

	*out = NULL;
	er = pl_db_all(pl_req_db(rq), rq->arena, &pl_dept_sql, D_OPTIONS,
	    PL_ARGS(PL_I64(tenant_id)), &rows);
	if (er != PL_OK)
		return er;
	a = json_object_new_array();
	for (size_t i = 0; i < rows.n; i++) {
		o = json_object_new_object();
		pl_json_set_i64(o, "id", pl_row_i64(&rows.v[i], 0));
		pl_json_set_str(o, "name", pl_row_str(&rows.v[i], 1));
		json_object_array_add(a, o);
	}
	*out = a;
	return PL_OK;
}

enum pl_err
pl_dept_admin_options(struct pl_req *rq, struct json_object **out)
{
	struct pl_rows      rows;
	struct json_object *a, *o;
	enum pl_err         er;

	*out = NULL;
	if (rq->sess == NULL || rq->sess->role != PL_ROLE_SUPER)
		return PL_EPERM;
	er = pl_db_all(pl_req_db(rq), rq->arena, &pl_dept_sql, D_ADMIN_OPTIONS,
	    PL_NOARGS, &rows);
	if (er != PL_OK)
		return er;
	a = json_object_new_array();
	for (size_t i = 0; i < rows.n; i++) {
		const struct pl_row *r = &rows.v[i];

		o = json_object_new_object();
		pl_json_set_i64(o, "id", pl_row_i64(r, 0));
		pl_json_set_str(o, "name",
		    pl_arena_printf(rq->arena, "%s %s", pl_row_str(r, 1),
			pl_row_str(r, 2)));
		pl_json_set_str(o, "company", pl_row_str(r, 3));
		json_object_array_add(a, o);
	}
	*out = a;
	return PL_OK;
}
