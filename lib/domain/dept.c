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

#include "admin.h"
#include "arena.h"
#include "audit.h"
#include "change.h"
#include "db.h"
#include "dept.h"
#include "list.h"
#include "pl_limits.h"
#include "rule.h"
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

/* Another tenant's departments are none of who's business (but the
 * super admin's). */
static bool
tenant_reach(const struct pl_actor *who, int64_t tenant_id)
{
	return who->role == PL_ROLE_SUPER ||
	       (who->tenant_id != 0 && who->tenant_id == tenant_id);
}

enum pl_err
pl_dept_options(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t tenant_id, struct pl_option **v,
    size_t *n)
{
	struct pl_rows rows;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if (!tenant_reach(who, tenant_id))
		return PL_ENOTFOUND;
	er = pl_db_all(
	    db, a, &pl_dept_sql, D_OPTIONS, PL_ARGS(PL_I64(tenant_id)), &rows);
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

/* An admin as a choice: (id, first, last, company). */
static void
admin_option(struct pl_arena *a, const struct pl_row *r, struct pl_option *o)
{
	o->id = pl_row_i64(r, 0);
	o->name =
	    pl_arena_printf(a, "%s %s", pl_row_str(r, 1), pl_row_str(r, 2));
	o->detail = pl_row_str(r, 3);
	o->selected = false;
}

enum pl_err
pl_dept_admin_options(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t sel, struct pl_option **v, size_t *n)
{
	struct pl_rows rows;
	struct pl_row  row;
	size_t         k = 0;
	bool           found = false;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if (who->role != PL_ROLE_SUPER)
		return PL_EPERM;
	er = pl_db_all(db, a, &pl_dept_sql, D_ADMIN_OPTIONS, PL_NOARGS, &rows);
	if (er != PL_OK)
		return er;
	for (size_t i = 0; sel > 0 && i < rows.n; i++)
		found = found || pl_row_i64(&rows.v[i], 0) == sel;
	/* The chosen admin is always offered, first, even past the bound. */
	*v = pl_arena_array(a, rows.n + 1, sizeof(**v));
	if (sel > 0 && !found) {
		er = pl_db_one(db, a, &pl_dept_sql, D_ADMIN_ONE,
		    PL_ARGS(PL_I64(sel)), &row);
		if (er == PL_OK) {
			admin_option(a, &row, &(*v)[k]);
			(*v)[k++].selected = true;
		} else if (er != PL_ENOTFOUND)
			return er;
	}
	for (size_t i = 0; i < rows.n; i++, k++) {
		admin_option(a, &rows.v[i], &(*v)[k]);
		(*v)[k].selected = sel > 0 && (*v)[k].id == sel;
	}
	*n = k;
	return PL_OK;
}

/* The tenant a create goes to (see pl_dept_create). */
static enum pl_err
create_tenant(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t admin_id, struct pl_errs *fe, int64_t *tenant_id)
{
	if (admin_id == 0) {
		if (who->role == PL_ROLE_SUPER)
			return pl_errs_add(fe, "admin_id",
			    "Choose the admin this department belongs to.");
		if (who->role != PL_ROLE_ADMIN || who->tenant_id == 0)
			return PL_EPERM;
		*tenant_id = who->tenant_id;
		return PL_OK;
	}
	return pl_admin_tenant(db, a, who, admin_id, tenant_id);
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
pl_dept_get(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_dept *d)
{
	struct pl_row row;
	enum pl_err   er;

	/* Only the super admin reads across tenants; everyone else is held
	 * to its own tenant, so another tenant's id is simply absent. */
	if (who->role == PL_ROLE_SUPER)
		er = pl_db_one(
		    db, a, &pl_dept_sql, D_GET_ANY, PL_ARGS(PL_I64(id)), &row);
	else if (who->role >= PL_ROLE_ADMIN && who->tenant_id != 0)
		er = pl_db_one(db, a, &pl_dept_sql, D_GET,
		    PL_ARGS(PL_I64(who->tenant_id), PL_I64(id)), &row);
	else
		er = PL_ENOTFOUND;
	if (er == PL_OK)
		dept_row(&row, d);
	return er;
}

/* The rules of the name (required unless an update leaves it) and the
 * description. */
static enum pl_err
dept_check(struct pl_arena *a, const struct pl_dept_in *in, bool create,
    struct pl_errs *fe)
{
	const char *label = "Department name";

	if (create || in->name != NULL) {
		if (pl_rule_text(a, fe, "name", label, PL_RULE_REQUIRED,
		        PL_MAX_FIELD, in->name) == PL_OK &&
		    pl_utf8_len(in->name) > PL_DEPT_NAME_MAX)
			pl_errs_add(fe, "name",
			    pl_arena_printf(a, "%s: at most %d characters.",
			        label, PL_DEPT_NAME_MAX));
	}
	if (in->description != NULL &&
	    pl_rule_text(a, fe, "description", "Description", PL_RULE_MULTILINE,
	        PL_MAX_FIELD, in->description) == PL_OK &&
	    pl_utf8_len(in->description) > PL_DEPT_DESC_MAX)
		pl_errs_add(fe, "description",
		    pl_arena_printf(a, "Description: at most %d characters.",
		        PL_DEPT_DESC_MAX));
	return pl_errs_check(fe);
}

/* A duplicate name is the field's error, said the same way everywhere. */
static enum pl_err
name_taken(struct pl_errs *fe)
{
	pl_errs_add(fe, "name",
	    "A department with this name already exists for this admin.");
	return PL_ECONFLICT;
}

/* A write of one department: which, and how. */
struct dept_arg {
	const struct pl_dept_in *in;
	const struct pl_dept    *d; /* update, activation */
	int64_t                  tenant_id;
	bool                     active;
	int64_t                  id; /* create: the new one */
};

static enum pl_err
create_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct dept_arg *g = p;
	uint64_t         nid = 0;
	enum pl_err      er;

	(void)who;
	er = pl_db_exec(db, &pl_dept_sql, D_INSERT,
	    PL_ARGS(PL_I64(g->tenant_id), PL_STR(g->in->name),
	        PL_STR(g->in->description ? g->in->description : "")),
	    NULL, &nid);
	if (er != PL_OK)
		return er;
	g->id = (int64_t)nid;
	ch->tenant_id = g->tenant_id;
	ch->action = "create";
	ch->target_type = "department";
	ch->target_id = g->id;
	ch->summary =
	    pl_arena_printf(a, "created department \"%s\"", g->in->name);
	return PL_OK;
}

enum pl_err
pl_dept_create(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    const struct pl_dept_in *in, struct pl_errs *fe, int64_t *id)
{
	struct dept_arg g = { in, NULL, 0, true, 0 };
	enum pl_err     er, ev;

	/* Every field error at once; a wrong admin only once the fields are
	 * right (a 404 says nothing about them). */
	ev = dept_check(a, in, true, fe);
	er = create_tenant(db, a, who, in->admin_id, fe, &g.tenant_id);
	if (ev != PL_OK || er == PL_EINVAL)
		return PL_EINVAL;
	if (er != PL_OK)
		return er;
	er = pl_change_run(db, a, who, create_write, &g);
	if (er == PL_ECONFLICT)
		return name_taken(fe);
	if (er == PL_OK)
		*id = g.id;
	return er;
}

static enum pl_err
update_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct dept_arg      *g = p;
	const struct pl_dept *d = g->d;
	const char           *name = g->in->name ? g->in->name : d->name;
	const char           *desc =
            g->in->description ? g->in->description : d->description;
	enum pl_err er;

	(void)who;
	er = pl_db_exec(db, &pl_dept_sql, D_UPDATE,
	    PL_ARGS(PL_STR(name), PL_STR(desc), PL_I64(d->tenant_id),
	        PL_I64(d->id)),
	    NULL, NULL);
	if (er != PL_OK)
		return er;
	ch->tenant_id = d->tenant_id;
	ch->action = "update";
	ch->target_type = "department";
	ch->target_id = d->id;
	ch->summary =
	    strcmp(name, d->name) == 0
	        ? pl_arena_printf(a, "updated department \"%s\"", name)
	        : pl_arena_printf(
	              a, "renamed department \"%s\" to \"%s\"", d->name, name);
	return PL_OK;
}

enum pl_err
pl_dept_update(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, const struct pl_dept_in *in, struct pl_errs *fe)
{
	struct dept_arg g = { in, NULL, 0, true, 0 };
	struct pl_dept  d;
	int64_t         tid;
	enum pl_err     er;

	if ((er = pl_dept_get(db, a, who, id, &d)) != PL_OK)
		return er;
	g.d = &d;
	if ((er = dept_check(a, in, false, fe)) != PL_OK)
		return er;
	if (in->admin_id != 0) {
		if ((er = pl_admin_tenant(db, a, who, in->admin_id, &tid)) !=
		    PL_OK)
			return er;
		if (tid != d.tenant_id)
			return pl_errs_add(fe, "admin_id",
			    "A department stays with its admin; create it"
			    " again under the other admin.");
	}
	er = pl_change_run(db, a, who, update_write, &g);
	if (er == PL_ECONFLICT)
		return name_taken(fe);
	return er;
}

static enum pl_err
active_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct dept_arg      *g = p;
	const struct pl_dept *d = g->d;
	uint64_t              changed = 0;
	enum pl_err           er;

	(void)who;
	er = pl_db_exec(db, &pl_dept_sql, D_SET_ACTIVE,
	    PL_ARGS(PL_I64(g->active), PL_I64(d->tenant_id), PL_I64(d->id),
	        PL_I64(g->active)),
	    &changed, NULL);
	/* Nothing changed (already so): nothing to record either. */
	if (er != PL_OK || changed == 0)
		return er;
	ch->tenant_id = d->tenant_id;
	ch->action = g->active ? "activate" : "deactivate";
	ch->target_type = "department";
	ch->target_id = d->id;
	ch->summary = pl_arena_printf(a, "%s department \"%s\"",
	    g->active ? "activated" : "deactivated", d->name);
	return PL_OK;
}

enum pl_err
pl_dept_set_active(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, bool active)
{
	struct dept_arg g = { NULL, NULL, 0, active, 0 };
	struct pl_dept  d;
	enum pl_err     er;

	if ((er = pl_dept_get(db, a, who, id, &d)) != PL_OK)
		return er;
	g.d = &d;
	return pl_change_run(db, a, who, active_write, &g);
}

enum pl_err
pl_dept_list(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t admin_id, const struct pl_list *l, struct pl_dept **v, size_t *n)
{
	struct pl_rows rows;
	int64_t        tid = 0;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if (admin_id != 0) {
		if ((er = pl_admin_tenant(db, a, who, admin_id, &tid)) != PL_OK)
			return er;
	} else if (who->role != PL_ROLE_SUPER) {
		if (who->role != PL_ROLE_ADMIN || who->tenant_id == 0)
			return PL_ENOTFOUND;
		tid = who->tenant_id;
	}
	if (tid != 0)
		er = pl_db_all(db, a, &pl_dept_sql,
		    pl_list_stmt(l, D_LIST_TENANT),
		    PL_ARGS(PL_I64(tid), PL_STR(l->like), PL_I64(l->limit + 1),
		        PL_I64(l->offset)),
		    &rows);
	else if (l->sort == 1 && *l->q == '\0')
		er = pl_db_all(db, a, &pl_dept_sql,
		    D_LIST_ALL_NEW + (l->desc ? 1 : 0),
		    PL_ARGS(PL_I64(l->limit + 1), PL_I64(l->offset)), &rows);
	else
		er = pl_db_all(db, a, &pl_dept_sql, pl_list_stmt(l, D_LIST_ALL),
		    PL_ARGS(PL_STR(l->like), PL_I64(l->limit + 1),
		        PL_I64(l->offset)),
		    &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++)
		dept_row(&rows.v[i], &(*v)[i]);
	*n = rows.n;
	return PL_OK;
}

enum pl_err
pl_dept_agents(struct pl_db *db, struct pl_arena *a, const struct pl_dept *d,
    struct pl_dept_agent **v, size_t *n)
{
	struct pl_rows rows;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	er = pl_db_all(db, a, &pl_dept_sql, D_AGENTS,
	    PL_ARGS(PL_I64(d->tenant_id), PL_I64(d->id)), &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++) {
		const struct pl_row  *r = &rows.v[i];
		struct pl_dept_agent *g = &(*v)[i];

		g->id = pl_row_i64(r, 0);
		g->first_name = pl_row_str(r, 1);
		g->last_name = pl_row_str(r, 2);
		g->email = pl_row_str(r, 3);
		g->supervisor = pl_row_i64(r, 4) != 0;
	}
	*n = rows.n;
	return PL_OK;
}
