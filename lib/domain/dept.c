/* dept.c: departments of a tenant: the statements, the rules, the pickers.
 *
 * Every statement on departments binds tenant_id from the session (an
 * admin) or from pl_admin_tenant() (the super admin naming an admin); the
 * super admin alone reads by id across tenants. The number of agents is
 * counted from department_agents when read, never stored, so it cannot
 * drift; sorting by it ranks a bounded set (PL_DEPT_AGENTS_SORT_MAX). */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "admin.h"
#include "audit.h"
#include "db.h"
#include "dept.h"
#include "listing.h"
#include "parse.h"
#include "pl_limits.h"
#include "req.h"
#include "resp.h"
#include "route.h"
#include "user.h"
#include "valid.h"

enum dept_stmt {
	D_OPTIONS,
	D_ADMIN_OPTIONS,
	D_ADMIN_ONE,
	D_GET,
	D_GET_ANY,
	D_INSERT,
	D_UPDATE,
	D_SET_ACTIVE,
	D_AGENTS,
	D_LIST_TENANT, /* 6 statements: name, created, agents; asc, desc */
	D_LIST_ALL = D_LIST_TENANT + 6,
	D_LIST_ALL_NEW = D_LIST_ALL + 6, /* created, no search: asc, desc */
	D__MAX = D_LIST_ALL_NEW + 2
};

/*
 * The list's columns, in struct pl_dept order (dept_row()): the tenant's
 * admin (its first), the company, and the number of agents counted from
 * department_agents (one index range per row, by department_agents_dept).
 */
#define D_COLS                                                                 \
	" d.id, d.tenant_id,"                                                  \
	" COALESCE((SELECT MIN(a.id) FROM users a"                             \
	" WHERE a.tenant_id = d.tenant_id AND a.role = 'admin'), 0),"          \
	" t.company, d.name, d.description, d.active,"                         \
	" (SELECT COUNT(*) FROM department_agents da"                          \
	" WHERE da.department_id = d.id), d.created_at"
/* One page's worth, for one department: the admin's name as well. */
#define D_ADMIN_NAME                                                           \
	", COALESCE((SELECT CONCAT(a.first_name, ' ', a.last_name)"            \
	" FROM users a WHERE a.tenant_id = d.tenant_id AND a.role = 'admin'"   \
	" ORDER BY a.id LIMIT 1), '')"
#define D_JOIN " JOIN tenants t ON t.id = d.tenant_id"
#define D_FROM " FROM departments d"
/* Name order reads its index even for a deep page (at a large OFFSET the
 * optimizer would rather sort the whole table): within a tenant
 * departments_name (names are unique there: no tie-break needed), across
 * tenants departments_all_name (0004). */
#define D_FROM_TEN_NAME " FROM departments d FORCE INDEX (departments_name)"
#define D_FROM_ALL_NAME " FROM departments d FORCE INDEX (departments_all_name)"
#define D_PAGE          " LIMIT ? OFFSET ?"
#define D_TEN           " WHERE d.tenant_id = ? AND d.name LIKE ?"
#define D_ALL           " WHERE d.name LIKE ?"
/*
 * Sorting by agents: a derived order, bounded. The inner query takes the
 * first PL_DEPT_AGENTS_SORT_MAX (10000) matches in name order from the
 * index and counts their agents; only those are ranked.
 */
#define D_BY_AGENTS(from, where, order, dir)                                   \
	"SELECT d.id, d.tenant_id,"                                            \
	" COALESCE((SELECT MIN(a.id) FROM users a"                             \
	" WHERE a.tenant_id = d.tenant_id AND a.role = 'admin'), 0),"          \
	" t.company, d.name, d.description, d.active, c.n, d.created_at"       \
	" FROM (SELECT d.id, (SELECT COUNT(*) FROM department_agents da"       \
	" WHERE da.department_id = d.id) AS n" from where order                \
	" LIMIT 10000) c"                                                      \
	" JOIN departments d ON d.id = c.id" D_JOIN " ORDER BY c.n " dir       \
	", d.name " dir ", d.id " dir D_PAGE

static const char *const dept_stmts[D__MAX] = {
	[D_OPTIONS] =
	    "SELECT id, name FROM departments FORCE INDEX (departments_name)"
	    " WHERE tenant_id = ? AND active = 1"
	    " ORDER BY name LIMIT 500",
	/* The first 1000 tenants by company (tenants_company), their admins
	 * sorted by company and name: bounded however many admins exist. */
	[D_ADMIN_OPTIONS] =
	    "SELECT u.id, u.first_name, u.last_name, t.company"
	    " FROM (SELECT id, company FROM tenants"
	    " ORDER BY company, id LIMIT 1000) t"
	    " JOIN users u ON u.tenant_id = t.id AND u.role = 'admin'"
	    " ORDER BY t.company, u.first_name, u.last_name, u.id LIMIT 1000",
	[D_ADMIN_ONE] =
	    "SELECT u.id, u.first_name, u.last_name, t.company"
	    " FROM users u JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.id = ? AND u.role = 'admin'",
	[D_GET] = "SELECT" D_COLS D_ADMIN_NAME D_FROM D_JOIN
	          " WHERE d.tenant_id = ? AND d.id = ?",
	[D_GET_ANY] =
	    "SELECT" D_COLS D_ADMIN_NAME D_FROM D_JOIN " WHERE d.id = ?",
	[D_INSERT] =
	    "INSERT INTO departments (tenant_id, name, description)"
	    " VALUES (?, ?, ?)",
	[D_UPDATE] =
	    "UPDATE departments SET name = ?, description = ?"
	    " WHERE tenant_id = ? AND id = ?",
	[D_SET_ACTIVE] =
	    "UPDATE departments SET active = ?"
	    " WHERE tenant_id = ? AND id = ? AND active <> ?",
	[D_AGENTS] =
	    "SELECT u.id, u.first_name, u.last_name, u.email, da.supervisor"
	    " FROM department_agents da JOIN users u ON u.id = da.user_id"
	    " WHERE da.tenant_id = ? AND da.department_id = ?"
	    " ORDER BY u.last_name, u.first_name, u.id LIMIT 500",

	[D_LIST_TENANT + 0] = "SELECT" D_COLS D_FROM_TEN_NAME D_JOIN D_TEN
	                      " ORDER BY d.name" D_PAGE,
	[D_LIST_TENANT + 1] = "SELECT" D_COLS D_FROM_TEN_NAME D_JOIN D_TEN
	                      " ORDER BY d.name DESC" D_PAGE,
	[D_LIST_TENANT + 2] = "SELECT" D_COLS D_FROM D_JOIN D_TEN
	                      " ORDER BY d.created_at, d.id" D_PAGE,
	[D_LIST_TENANT + 3] = "SELECT" D_COLS D_FROM D_JOIN D_TEN
	                      " ORDER BY d.created_at DESC, d.id DESC" D_PAGE,
	[D_LIST_TENANT + 4] =
	    D_BY_AGENTS(D_FROM_TEN_NAME, D_TEN, " ORDER BY d.name", "ASC"),
	[D_LIST_TENANT + 5] =
	    D_BY_AGENTS(D_FROM_TEN_NAME, D_TEN, " ORDER BY d.name", "DESC"),

	[D_LIST_ALL + 0] = "SELECT" D_COLS D_FROM_ALL_NAME D_JOIN D_ALL
	                   " ORDER BY d.name, d.id" D_PAGE,
	[D_LIST_ALL + 1] = "SELECT" D_COLS D_FROM_ALL_NAME D_JOIN D_ALL
	                   " ORDER BY d.name DESC, d.id DESC" D_PAGE,
	[D_LIST_ALL + 2] = "SELECT" D_COLS D_FROM D_JOIN D_ALL
	                   " ORDER BY d.created_at, d.id" D_PAGE,
	[D_LIST_ALL + 3] = "SELECT" D_COLS D_FROM D_JOIN D_ALL
	                   " ORDER BY d.created_at DESC, d.id DESC" D_PAGE,
	/* Without a search, created order across tenants reads its index
	 * even for a deep page; with one, the name prefix range is better. */
	[D_LIST_ALL_NEW + 0] =
	    "SELECT" D_COLS
	    " FROM departments d FORCE INDEX (departments_all_created)" D_JOIN
	    " ORDER BY d.created_at, d.id" D_PAGE,
	[D_LIST_ALL_NEW + 1] =
	    "SELECT" D_COLS
	    " FROM departments d FORCE INDEX (departments_all_created)" D_JOIN
	    " ORDER BY d.created_at DESC, d.id DESC" D_PAGE,
	[D_LIST_ALL + 4] = D_BY_AGENTS(
	    D_FROM_ALL_NAME, D_ALL, " ORDER BY d.name, d.id", "ASC"),
	[D_LIST_ALL + 5] = D_BY_AGENTS(
	    D_FROM_ALL_NAME, D_ALL, " ORDER BY d.name, d.id", "DESC"),
};

const struct pl_sqlset pl_dept_sql = { "dept", dept_stmts, D__MAX,
	{ &pl_admin_sql, &pl_audit_sql, &pl_user_sql } };

/* In the order of the list statements above ("created" is index 1). */
const char *const pl_dept_sorts[] = { "name", "created", "agents", NULL };

enum pl_err
pl_dept_options(struct pl_req *rq, int64_t tenant_id, struct json_object **out)
{
	struct pl_rows      rows;
	struct json_object *a;
	enum pl_err         er;

	*out = NULL;
	er = pl_db_all(pl_req_db(rq), rq->arena, &pl_dept_sql, D_OPTIONS,
	    PL_ARGS(PL_I64(tenant_id)), &rows);
	if (er != PL_OK)
		return er;
	a = json_object_new_array();
	for (size_t i = 0; i < rows.n; i++) {
		struct json_object *o = json_object_new_object();

		pl_json_set_i64(o, "id", pl_row_i64(&rows.v[i], 0));
		pl_json_set_str(o, "name", pl_row_str(&rows.v[i], 1));
		json_object_array_add(a, o);
	}
	*out = a;
	return PL_OK;
}

static struct json_object *
admin_option(struct pl_req *rq, const struct pl_row *r)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", pl_row_i64(r, 0));
	pl_json_set_str(o, "name",
	    pl_arena_printf(
	        rq->arena, "%s %s", pl_row_str(r, 1), pl_row_str(r, 2)));
	pl_json_set_str(o, "company", pl_row_str(r, 3));
	return o;
}

enum pl_err
pl_dept_admin_options(struct pl_req *rq, struct json_object **out)
{
	struct pl_rows      rows;
	struct json_object *a;
	enum pl_err         er;

	*out = NULL;
	if (rq->sess == NULL || rq->sess->role != PL_ROLE_SUPER)
		return PL_EPERM;
	er = pl_db_all(pl_req_db(rq), rq->arena, &pl_dept_sql, D_ADMIN_OPTIONS,
	    PL_NOARGS, &rows);
	if (er != PL_OK)
		return er;
	a = json_object_new_array();
	for (size_t i = 0; i < rows.n; i++)
		json_object_array_add(a, admin_option(rq, &rows.v[i]));
	*out = a;
	return PL_OK;
}

enum pl_err
pl_dept_admin_pick(struct pl_req *rq, int64_t sel, struct json_object **out)
{
	struct json_object *a, *b, *o, *v;
	struct pl_row       row;
	size_t              n;
	enum pl_err         er;

	if ((er = pl_dept_admin_options(rq, &a)) != PL_OK)
		return er;
	n = json_object_array_length(a);
	for (size_t i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		json_object_object_get_ex(o, "id", &v);
		if (sel > 0 && json_object_get_int64(v) == sel) {
			pl_json_set_bool(o, "selected", 1);
			sel = 0;
		}
	}
	if (sel <= 0) {
		*out = a;
		return PL_OK;
	}
	/* The chosen admin is always offered, first, even past the bound. */
	er = pl_db_one(pl_req_db(rq), rq->arena, &pl_dept_sql, D_ADMIN_ONE,
	    PL_ARGS(PL_I64(sel)), &row);
	if (er == PL_ENOTFOUND) {
		*out = a;
		return PL_OK;
	}
	if (er != PL_OK) {
		json_object_put(a);
		return er;
	}
	b = json_object_new_array();
	o = admin_option(rq, &row);
	pl_json_set_bool(o, "selected", 1);
	json_object_array_add(b, o);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(
		    b, json_object_get(json_object_array_get_idx(a, i)));
	json_object_put(a);
	*out = b;
	return PL_OK;
}

/* Refuse unknown fields; a form has no place beside such a field, so the
 * message also goes to the top of the form. */
static void
only_fields(struct pl_req *rq, const char *const *names)
{
	if (pl_in_only(rq, names) == PL_OK)
		return;
	if (rq->errs.n > 0)
		pl_in_fail(rq, NULL, rq->errs.v[0].msg);
}

/* A text field, with a message that says the limit when it is over. */
static void
text_read(struct pl_req *rq, const char *name, const char *label,
    unsigned flags, size_t max, const char **out)
{
	if (pl_in_text(rq, name, label, flags, PL_MAX_FIELD, out) != PL_OK)
		return;
	if (pl_utf8_len(*out) > max)
		pl_in_fail(rq, name,
		    pl_arena_printf(
		        rq->arena, "%s: at most %zu characters.", label, max));
}

enum pl_err
pl_dept_input(struct pl_req *rq, int create, const char *const *extra,
    struct pl_dept_in *in)
{
	static const char *const fields[] = { "admin_id", "name",
		"description" };
	const char             **names;
	size_t                   nx = 0, n = 0;

	memset(in, 0, sizeof(*in));
	while (extra != NULL && extra[nx] != NULL)
		nx++;
	names = pl_arena_array(rq->arena,
	    (sizeof(fields) / sizeof(fields[0])) + nx + 1, sizeof(*names));
	for (size_t i = 0; i < (sizeof(fields) / sizeof(fields[0])); i++)
		names[n++] = fields[i];
	for (size_t i = 0; i < nx; i++)
		names[n++] = extra[i];
	names[n] = NULL;
	only_fields(rq, names);

	pl_in_id(
	    rq, "admin_id", 0, "Choose an admin from the list.", &in->admin_id);
	if (create || pl_in_has(rq, "name"))
		text_read(rq, "name", "Department name", PL_REQUIRED,
		    PL_DEPT_NAME_MAX, &in->name);
	if (create || pl_in_has(rq, "description"))
		text_read(rq, "description", "Description", PL_MULTILINE,
		    PL_DEPT_DESC_MAX, &in->description);
	return pl_in_check(rq);
}

enum pl_err
pl_dept_tenant(struct pl_req *rq, int64_t admin_id, int64_t *tenant_id)
{
	if (admin_id == 0) {
		if (rq->sess->role == PL_ROLE_SUPER)
			return pl_in_fail(rq, "admin_id",
			    "Choose the admin this department belongs to.");
		*tenant_id = rq->sess->tenant_id;
		return PL_OK;
	}
	return pl_admin_tenant(pl_req_db(rq), rq->arena, &rq->who, admin_id, tenant_id);
}

static void
dept_row(const struct pl_row *r, struct pl_dept *d)
{
	d->id = pl_row_i64(r, 0);
	d->tenant_id = pl_row_i64(r, 1);
	d->admin_id = pl_row_i64(r, 2);
	d->company = pl_row_str(r, 3);
	d->name = pl_row_str(r, 4);
	d->description = pl_row_str(r, 5);
	d->active = pl_row_i64(r, 6) != 0;
	d->agent_count = pl_row_i64(r, 7);
	d->created_at = pl_row_str(r, 8);
	d->admin_name = r->n > 9 && pl_row_str(r, 9) ? pl_row_str(r, 9) : "";
}

enum pl_err
pl_dept_get(struct pl_req *rq, int64_t id, struct pl_dept *d)
{
	struct pl_row row;
	enum pl_err   er;

	/* Only the super admin reads across tenants; everyone else is held
	 * to the session's tenant, so another tenant's id is simply absent. */
	if (rq->sess->role == PL_ROLE_SUPER)
		er = pl_db_one(pl_req_db(rq), rq->arena, &pl_dept_sql,
		    D_GET_ANY, PL_ARGS(PL_I64(id)), &row);
	else if (rq->sess->tenant_id != 0)
		er = pl_db_one(pl_req_db(rq), rq->arena, &pl_dept_sql, D_GET,
		    PL_ARGS(PL_I64(rq->sess->tenant_id), PL_I64(id)), &row);
	else
		er = PL_ENOTFOUND;
	if (er == PL_OK)
		dept_row(&row, d);
	return er;
}

/* A duplicate name is the field's error, said the same way everywhere. */
static enum pl_err
name_taken(struct pl_req *rq)
{
	pl_in_fail(rq, "name",
	    "A department with this name already exists for this admin.");
	return PL_ECONFLICT;
}

enum pl_err
pl_dept_create(struct pl_req *rq, int64_t tenant_id,
    const struct pl_dept_in *in, int64_t *id)
{
	struct pl_db *db = pl_req_db(rq);
	uint64_t      nid = 0;
	enum pl_err   er;

	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	er = pl_db_exec(db, &pl_dept_sql, D_INSERT,
	    PL_ARGS(PL_I64(tenant_id), PL_STR(in->name),
	        PL_STR(in->description ? in->description : "")),
	    NULL, &nid);
	if (er != PL_OK)
		goto out;
	er = pl_audit(db, &rq->who, tenant_id, "create", "department", (int64_t)nid,
	    pl_arena_printf(rq->arena, "created department \"%s\"", in->name));
	if (er != PL_OK)
		goto out;
	er = pl_db_commit(db);
out:
	if (er != PL_OK)
		pl_db_rollback(db);
	if (er == PL_ECONFLICT)
		return name_taken(rq);
	if (er == PL_OK)
		*id = (int64_t)nid;
	return er;
}

enum pl_err
pl_dept_update(
    struct pl_req *rq, const struct pl_dept *d, const struct pl_dept_in *in)
{
	struct pl_db *db;
	const char   *name = in->name ? in->name : d->name;
	const char   *desc = in->description ? in->description : d->description;
	int64_t       tid;
	enum pl_err   er;

	if (in->admin_id != 0) {
		if ((er = pl_admin_tenant(pl_req_db(rq), rq->arena, &rq->who, in->admin_id, &tid)) != PL_OK)
			return er;
		if (tid != d->tenant_id)
			return pl_in_fail(rq, "admin_id",
			    "A department stays with its admin; create it"
			    " again under the other admin.");
	}
	db = pl_req_db(rq);
	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	er = pl_db_exec(db, &pl_dept_sql, D_UPDATE,
	    PL_ARGS(PL_STR(name), PL_STR(desc), PL_I64(d->tenant_id),
	        PL_I64(d->id)),
	    NULL, NULL);
	if (er != PL_OK)
		goto out;
	er = pl_audit(db, &rq->who, d->tenant_id, "update", "department", d->id,
	    strcmp(name, d->name) == 0
	        ? pl_arena_printf(rq->arena, "updated department \"%s\"", name)
	        : pl_arena_printf(rq->arena,
	              "renamed department \"%s\" to \"%s\"", d->name, name));
	if (er != PL_OK)
		goto out;
	er = pl_db_commit(db);
out:
	if (er != PL_OK)
		pl_db_rollback(db);
	if (er == PL_ECONFLICT)
		return name_taken(rq);
	return er;
}

enum pl_err
pl_dept_set_active(struct pl_req *rq, const struct pl_dept *d, int active)
{
	struct pl_db *db = pl_req_db(rq);
	uint64_t      changed = 0;
	enum pl_err   er;

	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	er = pl_db_exec(db, &pl_dept_sql, D_SET_ACTIVE,
	    PL_ARGS(PL_I64(active != 0), PL_I64(d->tenant_id), PL_I64(d->id),
	        PL_I64(active != 0)),
	    &changed, NULL);
	if (er != PL_OK || changed == 0)
		goto out;
	er = pl_audit(db, &rq->who, d->tenant_id, active ? "activate" : "deactivate",
	    "department", d->id,
	    pl_arena_printf(rq->arena, "%s department \"%s\"",
	        active ? "activated" : "deactivated", d->name));
	if (er != PL_OK)
		goto out;
	er = pl_db_commit(db);
out:
	/* Nothing changed (already so): nothing to record either. */
	if (er != PL_OK || changed == 0)
		pl_db_rollback(db);
	return er;
}

struct json_object *
pl_dept_json(const struct pl_dept *d)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", d->id);
	if (d->admin_id != 0)
		pl_json_set_i64(o, "admin_id", d->admin_id);
	else
		json_object_object_add(o, "admin_id", NULL);
	pl_json_set_str(o, "company", d->company ? d->company : "");
	pl_json_set_str(o, "name", d->name);
	pl_json_set_str(o, "description", d->description);
	pl_json_set_bool(o, "active", d->active);
	pl_json_set_i64(o, "agent_count", d->agent_count);
	pl_json_set_time(o, "created_at", d->created_at);
	return o;
}

enum pl_err
pl_dept_list(struct pl_req *rq, int64_t tenant_id, const struct pl_list *l,
    struct json_object **items)
{
	struct pl_db  *db = pl_req_db(rq);
	struct pl_rows rows;
	struct pl_dept d;
	enum pl_err    er;

	*items = NULL;
	if (tenant_id != 0)
		er = pl_db_all(db, rq->arena, &pl_dept_sql,
		    pl_list_stmt(l, D_LIST_TENANT),
		    PL_ARGS(PL_I64(tenant_id), PL_STR(l->like),
		        PL_I64(l->limit + 1), PL_I64(l->offset)),
		    &rows);
	else if (rq->sess->role == PL_ROLE_SUPER && l->sort == 1 &&
	         *l->q == '\0')
		er = pl_db_all(db, rq->arena, &pl_dept_sql,
		    D_LIST_ALL_NEW + (l->desc ? 1 : 0),
		    PL_ARGS(PL_I64(l->limit + 1), PL_I64(l->offset)), &rows);
	else if (rq->sess->role == PL_ROLE_SUPER)
		er = pl_db_all(db, rq->arena, &pl_dept_sql,
		    pl_list_stmt(l, D_LIST_ALL),
		    PL_ARGS(PL_STR(l->like), PL_I64(l->limit + 1),
		        PL_I64(l->offset)),
		    &rows);
	else
		er = PL_ENOTFOUND;
	if (er != PL_OK)
		return er;
	*items = json_object_new_array();
	for (size_t i = 0; i < rows.n; i++) {
		dept_row(&rows.v[i], &d);
		json_object_array_add(*items, pl_dept_json(&d));
	}
	return PL_OK;
}

enum pl_err
pl_dept_agents(
    struct pl_req *rq, const struct pl_dept *d, struct json_object **out)
{
	struct pl_rows rows;
	enum pl_err    er;

	*out = NULL;
	er = pl_db_all(pl_req_db(rq), rq->arena, &pl_dept_sql, D_AGENTS,
	    PL_ARGS(PL_I64(d->tenant_id), PL_I64(d->id)), &rows);
	if (er != PL_OK)
		return er;
	*out = json_object_new_array();
	for (size_t i = 0; i < rows.n; i++) {
		const struct pl_row *r = &rows.v[i];
		struct json_object  *o = json_object_new_object();

		pl_json_set_i64(o, "id", pl_row_i64(r, 0));
		pl_json_set_str(o, "first_name", pl_row_str(r, 1));
		pl_json_set_str(o, "last_name", pl_row_str(r, 2));
		pl_json_set_str(o, "name",
		    pl_arena_printf(rq->arena, "%s %s", pl_row_str(r, 1),
		        pl_row_str(r, 2)));
		pl_json_set_str(o, "email", pl_row_str(r, 3));
		pl_json_set_bool(o, "supervisor", pl_row_i64(r, 4) != 0);
		json_object_array_add(*out, o);
	}
	return PL_OK;
}
