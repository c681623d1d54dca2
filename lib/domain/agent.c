/* agent.c: the agents and supervisors of a tenant: the statements, the
 * rules, the list.
 *
 * Every statement on agents binds tenant_id from the session (an admin) or
 * from pl_admin_tenant() (the super admin naming an admin); the super admin
 * alone finds an agent's tenant from the agent's id. An agent's departments
 * come with it as one JSON aggregate per row (bounded), so a page of agents
 * is one statement. Writes check every department id against the tenant,
 * under a shared lock, before the first change, inside the transaction
 * that also writes the audit entry. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "admin.h"
#include "agent.h"
#include "arena.h"
#include "audit.h"
#include "buf.h"
#include "change.h"
#include "db.h"
#include "events.h"
#include "ident.h"
#include "list.h"
#include "log.h"
#include "rule.h"
#include "user.h"
#include "valid.h"

#define XSTR(x) #x
#define STR(x)  XSTR(x)

enum agent_stmt {
	AG_TENANT_OF,
	AG_GET,
	AG_LOCK,
	AG_MEMBERS,
	AG_DEPT,
	AG_INSERT,
	AG_UPDATE,
	AG_MEMBER_PUT,
	AG_MEMBER_DEL,
	AG_BLOCK,
	AG_ADMIN,
	AG_LIST_T, /* 6 each: name, email, created; asc, desc */
	AG_LIST_ALL = AG_LIST_T + 6,
	AG_FIND_T = AG_LIST_ALL + 6,
	AG_FIND_ALL = AG_FIND_T + 6,
	AG__MAX = AG_FIND_ALL + 6
};

/* Columns in agent_row() order. The admin is the tenant's first admin;
 * the departments are a JSON array, by name, bounded. */
#define AG_COLS                                                                \
	"SELECT u.id, u.tenant_id, COALESCE((SELECT MIN(a.id) FROM users a"   \
	" WHERE a.tenant_id = u.tenant_id AND a.role = 'admin'), 0),"         \
	" t.company, u.first_name, u.last_name, u.email, u.phone, u.role,"    \
	" u.blocked, u.created_at,"                                           \
	" (SELECT JSON_ARRAYAGG(JSON_OBJECT('id', d.id, 'name', d.name,"      \
	" 'supervisor', da.supervisor, 'active', d.active)"                   \
	" ORDER BY d.name, d.id LIMIT " STR(PL_AGENT_DEPTS_MAX) ")"           \
	" FROM department_agents da"                                          \
	" JOIN departments d ON d.id = da.department_id"                      \
	" WHERE da.user_id = u.id AND da.tenant_id = u.tenant_id)"
#define AG_FROM " FROM users u JOIN tenants t ON t.id = u.tenant_id"
#define AG_FROM_ALL(key)                                                       \
	" FROM users u FORCE INDEX (" key                                      \
	")"                                                                    \
	" JOIN tenants t ON t.id = u.tenant_id WHERE u.is_agent = 1"
/* A search: the ids matching any of the three prefixes, each an index
 * range (users_tenant_last/first/email, or users_agent_last, users_first,
 * users_agent_email), then sorted; at most the matches are sorted. */
#define AG_MATCH_T                                                             \
	" FROM (SELECT id FROM users WHERE tenant_id = ? AND last_name LIKE ?" \
	" UNION SELECT id FROM users WHERE tenant_id = ?"                      \
	" AND first_name LIKE ?"                                               \
	" UNION SELECT id FROM users WHERE tenant_id = ? AND email LIKE ?) m"  \
	" JOIN users u ON u.id = m.id JOIN tenants t ON t.id = u.tenant_id"
#define AG_MATCH_ALL                                                           \
	" FROM (SELECT id FROM users WHERE is_agent = 1 AND last_name LIKE ?"  \
	" UNION SELECT id FROM users WHERE first_name LIKE ?"                  \
	" UNION SELECT id FROM users WHERE is_agent = 1 AND email LIKE ?) m"   \
	" JOIN users u ON u.id = m.id JOIN tenants t ON t.id = u.tenant_id"
#define AG_PAGE " LIMIT ? OFFSET ?"
/* The six orders of a list, in pl_agent_sorts order, ascending first. */
#define AG_SORTED(head)                                                        \
	head " ORDER BY u.last_name, u.first_name, u.id" AG_PAGE,              \
	    head                                                               \
	    " ORDER BY u.last_name DESC, u.first_name DESC,"                   \
	    " u.id DESC" AG_PAGE,                                              \
	    head " ORDER BY u.email" AG_PAGE,                                  \
	    head " ORDER BY u.email DESC" AG_PAGE,                             \
	    head " ORDER BY u.created_at, u.id" AG_PAGE,                       \
	    head " ORDER BY u.created_at DESC, u.id DESC" AG_PAGE

static const char *const stmts[AG__MAX] = {
	[AG_TENANT_OF] = "SELECT tenant_id FROM users"
			 " WHERE id = ? AND is_agent = 1",
	[AG_GET] = AG_COLS AG_FROM
	    " WHERE u.tenant_id = ? AND u.id = ? AND u.is_agent = 1",
	[AG_LOCK] = "SELECT id FROM users"
		    " WHERE tenant_id = ? AND id = ? AND is_agent = 1"
		    " FOR UPDATE",
	[AG_MEMBERS] =
	    "SELECT department_id FROM department_agents"
	    " WHERE tenant_id = ? AND user_id = ?"
	    " LIMIT " STR(PL_AGENT_DEPTS_MAX),
	[AG_DEPT] =
	    "SELECT id, active, name FROM departments"
	    " WHERE tenant_id = ? AND id = ? LOCK IN SHARE MODE",
	[AG_INSERT] =
	    "INSERT INTO users (tenant_id, role, email, first_name, last_name,"
	    " phone, phone_e164) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[AG_UPDATE] =
	    "UPDATE users SET first_name = ?, last_name = ?, phone = ?,"
	    " phone_e164 = ?, role = ?"
	    " WHERE tenant_id = ? AND id = ? AND is_agent = 1",
	[AG_MEMBER_PUT] =
	    "INSERT INTO department_agents (tenant_id, department_id, user_id,"
	    " supervisor) VALUES (?, ?, ?, ?)"
	    " ON DUPLICATE KEY UPDATE supervisor = VALUES(supervisor)",
	[AG_MEMBER_DEL] =
	    "DELETE FROM department_agents"
	    " WHERE tenant_id = ? AND user_id = ? AND department_id = ?",
	[AG_BLOCK] = "UPDATE users SET blocked = ?"
		     " WHERE tenant_id = ? AND id = ? AND is_agent = 1",
	[AG_ADMIN] =
	    "SELECT COALESCE(a.id, 0), COALESCE(a.first_name, ''),"
	    " COALESCE(a.last_name, ''), t.company FROM tenants t"
	    " LEFT JOIN users a ON a.tenant_id = t.id AND a.role = 'admin'"
	    " WHERE t.id = ? ORDER BY a.id LIMIT 1",

	[AG_LIST_T] = AG_SORTED(AG_COLS AG_FROM
	    " WHERE u.tenant_id = ? AND u.is_agent = 1"),
	/* Every tenant: the optimizer, assuming agents are spread evenly
	 * among users, may walk users_email and filter out thousands of
	 * admins; each order names its index so the page is one range. */
	[AG_LIST_ALL + 0] = AG_COLS AG_FROM_ALL("users_agent_last")
	    " ORDER BY u.last_name, u.first_name, u.id" AG_PAGE,
	[AG_LIST_ALL + 1] = AG_COLS AG_FROM_ALL("users_agent_last")
	    " ORDER BY u.last_name DESC, u.first_name DESC, u.id DESC" AG_PAGE,
	[AG_LIST_ALL + 2] = AG_COLS AG_FROM_ALL("users_agent_email")
	    " ORDER BY u.email" AG_PAGE,
	[AG_LIST_ALL + 3] = AG_COLS AG_FROM_ALL("users_agent_email")
	    " ORDER BY u.email DESC" AG_PAGE,
	[AG_LIST_ALL + 4] = AG_COLS AG_FROM_ALL("users_created")
	    " ORDER BY u.created_at, u.id" AG_PAGE,
	[AG_LIST_ALL + 5] = AG_COLS AG_FROM_ALL("users_created")
	    " ORDER BY u.created_at DESC, u.id DESC" AG_PAGE,
	[AG_FIND_T] = AG_SORTED(AG_COLS AG_MATCH_T " WHERE u.is_agent = 1"),
	[AG_FIND_ALL] = AG_SORTED(AG_COLS AG_MATCH_ALL " WHERE u.is_agent = 1"),
};

const struct pl_sqlset pl_agent_sql = { "agent", stmts, AG__MAX,
	{ &pl_admin_sql, &pl_audit_sql, &pl_user_sql } };

/* In the order of AG_SORTED. */
const char *const pl_agent_sorts[] = { "name", "email", "created", NULL };

static const char dept_missing[] = "Department not found.";

static bool
ids_has(const int64_t *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

/* The tenant whose agents who manages: its own for an admin, that of
 * admin_id when named (pl_admin_tenant), 0 (every tenant) for the super
 * admin naming none. */
static enum pl_err
reach(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t admin_id, int64_t *tid)
{
	*tid = 0;
	if (who->role == PL_ROLE_ADMIN && who->tenant_id == 0)
		return PL_EPERM;
	if (who->role != PL_ROLE_ADMIN && who->role != PL_ROLE_SUPER)
		return PL_EPERM;
	if (admin_id != 0)
		return pl_admin_tenant(db, a, who, admin_id, tid);
	if (who->role == PL_ROLE_ADMIN)
		*tid = who->tenant_id;
	return PL_OK;
}

/* --- the rules of the input --------------------------------------------- */

/* A list of ids without repeats, in the arena. */
static const int64_t *
ids_unique(struct pl_arena *a, const int64_t *v, size_t n, size_t *out)
{
	int64_t *u = pl_arena_array(a, n ? n : 1, sizeof(*u));

	*out = 0;
	for (size_t i = 0; i < n; i++)
		if (!ids_has(u, *out, v[i]))
			u[(*out)++] = v[i];
	return u;
}

/* Check in (create: with the e-mail) into *ok: normalized e-mail, ids
 * without repeats. Every fault is recorded on fe. */
static enum pl_err
agent_check(struct pl_arena *a, const struct pl_agent_in *in, bool create,
    struct pl_errs *fe, struct pl_agent_in *ok)
{
	*ok = *in;
	pl_rule_name(a, fe, "first_name", "First name", in->first_name);
	pl_rule_name(a, fe, "last_name", "Last name", in->last_name);
	if (create)
		pl_rule_email(
		    a, fe, "email", "E-mail address", in->email, &ok->email);
	pl_rule_phone(a, fe, "phone", "Phone", true, in->phone);
	ok->dept = ids_unique(a, in->dept, in->ndept, &ok->ndept);
	ok->sup = ids_unique(a, in->sup, in->nsup, &ok->nsup);
	if (ok->ndept == 0)
		pl_errs_add(
		    fe, "department_ids", "Choose at least one department.");
	else if (ok->ndept > PL_AGENT_DEPTS_MAX)
		pl_errs_add(fe, "department_ids",
		    pl_arena_printf(a, "Departments: at most %d departments.",
		        PL_AGENT_DEPTS_MAX));
	for (size_t i = 0; i < ok->nsup; i++)
		if (!ids_has(ok->dept, ok->ndept, ok->sup[i])) {
			pl_errs_add(fe, "supervisor_of",
			    "A supervisor must also belong to each department"
			    " it supervises.");
			break;
		}
	return pl_errs_check(fe);
}

enum pl_err
pl_agent_admin_info(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t tenant_id, struct pl_option *out)
{
	struct pl_row row;
	int64_t       own;
	enum pl_err   er;

	if ((er = reach(db, a, who, 0, &own)) != PL_OK)
		return er;
	if (own != 0 && own != tenant_id)
		return PL_ENOTFOUND;
	er = pl_db_one(
	    db, a, &pl_agent_sql, AG_ADMIN, PL_ARGS(PL_I64(tenant_id)), &row);
	if (er != PL_OK)
		return er;
	out->id = pl_row_i64(&row, 0);
	out->name = pl_arena_printf(
	    a, "%s %s", pl_row_str(&row, 1), pl_row_str(&row, 2));
	out->detail = pl_row_str(&row, 3);
	out->selected = false;
	return PL_OK;
}

/* --- reading agents ----------------------------------------------------- */

/* The departments column: a JSON array the database built (or NULL). */
static void
depts_parse(struct pl_arena *ar, const char *text, struct pl_agent *a)
{
	struct json_object *arr, *v;
	size_t              n;

	a->dept = NULL;
	a->ndept = 0;
	if (text == NULL || (arr = json_tokener_parse(text)) == NULL)
		return;
	if (!json_object_is_type(arr, json_type_array)) {
		json_object_put(arr);
		return;
	}
	n = json_object_array_length(arr);
	a->dept = pl_arena_array(ar, n ? n : 1, sizeof(*a->dept));
	for (size_t i = 0; i < n; i++) {
		struct json_object   *e = json_object_array_get_idx(arr, i);
		struct pl_agent_dept *d = &a->dept[a->ndept];

		if (!json_object_object_get_ex(e, "id", &v))
			continue;
		d->id = json_object_get_int64(v);
		d->name = json_object_object_get_ex(e, "name", &v)
		              ? pl_arena_strdup(ar, json_object_get_string(v))
		              : "";
		d->supervisor =
		    json_object_object_get_ex(e, "supervisor", &v) &&
		    json_object_get_int64(v) != 0;
		d->active = json_object_object_get_ex(e, "active", &v) &&
		            json_object_get_int64(v) != 0;
		a->ndept++;
	}
	json_object_put(arr);
}

static void
agent_row(struct pl_arena *ar, const struct pl_row *r, struct pl_agent *a)
{
	a->id = pl_row_i64(r, 0);
	a->tenant_id = pl_row_i64(r, 1);
	a->admin_id = pl_row_i64(r, 2);
	a->company = pl_row_str(r, 3);
	a->first_name = pl_row_str(r, 4);
	a->last_name = pl_row_str(r, 5);
	a->email = pl_row_str(r, 6);
	a->phone = pl_row_str(r, 7);
	a->role = pl_row_str(r, 8);
	a->blocked = pl_row_i64(r, 9) != 0;
	a->created_at = pl_row_str(r, 10);
	depts_parse(ar, pl_row_str(r, 11), a);
}

enum pl_err
pl_agent_get(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_agent *out)
{
	struct pl_row row;
	int64_t       tid;
	enum pl_err   er;

	if ((er = reach(db, a, who, 0, &tid)) != PL_OK)
		return er;
	/* Only the super admin finds the tenant from the agent. */
	if (tid == 0) {
		er = pl_db_one(db, a, &pl_agent_sql, AG_TENANT_OF,
		    PL_ARGS(PL_I64(id)), &row);
		if (er != PL_OK)
			return er;
		tid = pl_row_i64(&row, 0);
	}
	er = pl_db_one(db, a, &pl_agent_sql, AG_GET,
	    PL_ARGS(PL_I64(tid), PL_I64(id)), &row);
	if (er == PL_OK)
		agent_row(a, &row, out);
	return er;
}

enum pl_err
pl_agent_list(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t admin_id, const struct pl_list *l, struct pl_agent **v, size_t *n)
{
	struct pl_rows rows;
	const char    *p = l->like;
	int64_t        tid;
	size_t         base;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if ((er = reach(db, a, who, admin_id, &tid)) != PL_OK)
		return er;
	if (tid != 0)
		base = *l->q != '\0' ? AG_FIND_T : AG_LIST_T;
	else
		base = *l->q != '\0' ? AG_FIND_ALL : AG_LIST_ALL;
	if (tid != 0 && *l->q != '\0')
		er = pl_db_all(db, a, &pl_agent_sql, pl_list_stmt(l, base),
		    PL_ARGS(PL_I64(tid), PL_STR(p), PL_I64(tid), PL_STR(p),
		        PL_I64(tid), PL_STR(p), PL_I64(l->limit + 1),
		        PL_I64(l->offset)),
		    &rows);
	else if (tid != 0)
		er = pl_db_all(db, a, &pl_agent_sql, pl_list_stmt(l, base),
		    PL_ARGS(
		        PL_I64(tid), PL_I64(l->limit + 1), PL_I64(l->offset)),
		    &rows);
	else if (*l->q != '\0')
		er = pl_db_all(db, a, &pl_agent_sql, pl_list_stmt(l, base),
		    PL_ARGS(PL_STR(p), PL_STR(p), PL_STR(p),
		        PL_I64(l->limit + 1), PL_I64(l->offset)),
		    &rows);
	else
		er = pl_db_all(db, a, &pl_agent_sql, pl_list_stmt(l, base),
		    PL_ARGS(PL_I64(l->limit + 1), PL_I64(l->offset)), &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++)
		agent_row(a, &rows.v[i], &(*v)[i]);
	*n = rows.n;
	return PL_OK;
}

/* --- writing ------------------------------------------------------------ */

/*
 * Inside the change: every department id must be an active department of
 * the tenant, or one the agent already belongs to (keep, may be NULL).
 * Locks them against a concurrent deactivation. *names gets their names
 * for the audit summary. PL_ENOTFOUND naming department_ids otherwise.
 */
static enum pl_err
depts_check(struct pl_db *db, struct pl_arena *a, int64_t tenant_id,
    const struct pl_agent_in *in, const int64_t *keep, size_t nkeep,
    struct pl_errs *fe, const char **names)
{
	struct pl_buf b;
	struct pl_row row;
	enum pl_err   er;

	pl_buf_init(&b, a);
	for (size_t i = 0; i < in->ndept; i++) {
		er = pl_db_one(db, a, &pl_agent_sql, AG_DEPT,
		    PL_ARGS(PL_I64(tenant_id), PL_I64(in->dept[i])), &row);
		if (er == PL_OK && pl_row_i64(&row, 1) == 0 &&
		    !ids_has(keep, nkeep, in->dept[i]))
			er = PL_ENOTFOUND;
		if (er == PL_ENOTFOUND)
			pl_errs_add(fe, "department_ids", dept_missing);
		if (er != PL_OK)
			return er;
		pl_buf_printf(&b, "%s\"%s\"%s", i ? ", " : "",
		    pl_row_str(&row, 2),
		    ids_has(in->sup, in->nsup, in->dept[i]) ? " (supervisor)"
		                                            : "");
	}
	*names = pl_buf_cstr(&b);
	return PL_OK;
}

/* Write the memberships in (the agent already has those in keep). */
static enum pl_err
members_write(struct pl_db *db, int64_t tenant_id, int64_t uid,
    const struct pl_agent_in *in, const int64_t *keep, size_t nkeep)
{
	enum pl_err er;

	for (size_t i = 0; i < nkeep; i++)
		if (!ids_has(in->dept, in->ndept, keep[i]) &&
		    (er = pl_db_exec(db, &pl_agent_sql, AG_MEMBER_DEL,
		         PL_ARGS(
		             PL_I64(tenant_id), PL_I64(uid), PL_I64(keep[i])),
		         NULL, NULL)) != PL_OK)
			return er;
	for (size_t i = 0; i < in->ndept; i++)
		if ((er = pl_db_exec(db, &pl_agent_sql, AG_MEMBER_PUT,
		         PL_ARGS(PL_I64(tenant_id), PL_I64(in->dept[i]),
		             PL_I64(uid),
		             PL_I64(ids_has(in->sup, in->nsup, in->dept[i]))),
		         NULL, NULL)) != PL_OK)
			return er;
	return PL_OK;
}

/* The role follows what the agent supervises. */
static const char *
role_of(const struct pl_agent_in *in)
{
	return in->nsup > 0 ? "supervisor" : "agent";
}

/* A write of one agent: its tenant, the input checked, and which. */
struct agent_arg {
	int64_t                   tenant_id;
	const struct pl_agent_in *in;
	const struct pl_agent    *cur; /* update, block */
	bool                      blocked;
	struct pl_errs           *fe;
	int64_t                   id; /* create: the new one */
};

static enum pl_err
create_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct agent_arg         *g = p;
	const struct pl_agent_in *in = g->in;
	const char               *names = "", *name;
	uint64_t                  uid = 0;
	enum pl_err               er;

	name = pl_arena_printf(a, "%s %s", in->first_name, in->last_name);
	if ((er = depts_check(
	         db, a, g->tenant_id, in, NULL, 0, g->fe, &names)) != PL_OK ||
	    (er = pl_user_email_free(db, a, in->email, g->fe)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_agent_sql, AG_INSERT,
	         PL_ARGS(PL_I64(g->tenant_id), PL_STR(role_of(in)),
	             PL_STR(in->email), PL_STR(in->first_name),
	             PL_STR(in->last_name), PL_STR(in->phone),
	             PL_STR(pl_phone_e164(a, in->phone))),
	         NULL, &uid)) != PL_OK)
		return er;
	if ((er = members_write(db, g->tenant_id, (int64_t)uid, in, NULL, 0)) !=
	        PL_OK ||
	    (er = pl_user_invite(db, a, (int64_t)uid, in->email, name,
	         pl_actor_real_name(who))) != PL_OK)
		return er;
	g->id = (int64_t)uid;
	ch->tenant_id = g->tenant_id;
	ch->action = "create";
	ch->target_type = "agent";
	ch->target_id = g->id;
	ch->summary = pl_arena_printf(a, "created %s \"%s\" <%s> in %s",
	    role_of(in), name, in->email, names);
	ch->queued = true;
	return PL_OK;
}

enum pl_err
pl_agent_create(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_agent_in *in,
    struct pl_errs *fe, int64_t *id)
{
	struct agent_arg   g = { 0, NULL, NULL, false, fe, 0 };
	struct pl_agent_in ok;
	enum pl_err        ev, er;

	/* Every field error at once; an admin not who's to name only once
	 * the fields are right. */
	ev = agent_check(a, in, true, fe, &ok);
	if (in->admin_id == 0 && who->role == PL_ROLE_SUPER)
		er = pl_errs_add(
		    fe, "admin_id", "Choose the admin this agent works for.");
	else if ((er = reach(db, a, who, in->admin_id, &g.tenant_id)) ==
	         PL_ENOTFOUND)
		pl_errs_add(fe, "admin_id", "Admin not found.");
	if (ev != PL_OK || er == PL_EINVAL)
		return PL_EINVAL;
	if (er != PL_OK)
		return er;
	g.in = &ok;
	er = pl_change_run(db, a, who, create_write, &g);
	/* Also when the unique key refused the insert. */
	if (er == PL_ECONFLICT)
		return pl_user_email_taken(fe);
	if (er == PL_OK)
		*id = g.id;
	return er;
}

static enum pl_err
update_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct agent_arg         *g = p;
	const struct pl_agent_in *in = g->in;
	const struct pl_agent    *cur = g->cur;
	const char               *names = "";
	struct pl_row             row;
	struct pl_rows            mem;
	int64_t                  *keep;
	enum pl_err               er;

	(void)who;
	/* The agent's row first: concurrent updates of it take turns. */
	if ((er = pl_db_one(db, a, &pl_agent_sql, AG_LOCK,
	         PL_ARGS(PL_I64(cur->tenant_id), PL_I64(cur->id)), &row)) !=
	        PL_OK ||
	    (er = pl_db_all(db, a, &pl_agent_sql, AG_MEMBERS,
	         PL_ARGS(PL_I64(cur->tenant_id), PL_I64(cur->id)), &mem)) !=
	        PL_OK)
		return er;
	keep = pl_arena_array(a, mem.n ? mem.n : 1, sizeof(*keep));
	for (size_t i = 0; i < mem.n; i++)
		keep[i] = pl_row_i64(&mem.v[i], 0);
	if ((er = depts_check(db, a, cur->tenant_id, in, keep, mem.n, g->fe,
	         &names)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_agent_sql, AG_UPDATE,
	         PL_ARGS(PL_STR(in->first_name), PL_STR(in->last_name),
	             PL_STR(in->phone), PL_STR(pl_phone_e164(a, in->phone)),
	             PL_STR(role_of(in)), PL_I64(cur->tenant_id),
	             PL_I64(cur->id)),
	         NULL, NULL)) != PL_OK ||
	    (er = members_write(
	         db, cur->tenant_id, cur->id, in, keep, mem.n)) != PL_OK)
		return er;
	ch->tenant_id = cur->tenant_id;
	ch->action = "update";
	ch->target_type = "agent";
	ch->target_id = cur->id;
	ch->summary = pl_arena_printf(a, "updated %s \"%s %s\" <%s>: %s",
	    role_of(in), in->first_name, in->last_name, cur->email, names);
	ch->changed_user = cur->id; /* the role may have changed */
	return PL_OK;
}

enum pl_err
pl_agent_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, const struct pl_agent_in *in,
    struct pl_errs *fe)
{
	struct agent_arg   g = { 0, NULL, NULL, false, fe, 0 };
	struct pl_agent    cur;
	struct pl_agent_in ok;
	enum pl_err        er;

	if ((er = pl_agent_get(db, a, who, id, &cur)) != PL_OK ||
	    (er = agent_check(a, in, false, fe, &ok)) != PL_OK)
		return er;
	g.tenant_id = cur.tenant_id;
	g.in = &ok;
	g.cur = &cur;
	return pl_change_run(db, a, who, update_write, &g);
}

static enum pl_err
block_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct agent_arg      *g = p;
	const struct pl_agent *cur = g->cur;
	enum pl_err            er;

	(void)who;
	if ((er = pl_db_exec(db, &pl_agent_sql, AG_BLOCK,
	         PL_ARGS(PL_I64(g->blocked), PL_I64(cur->tenant_id),
	             PL_I64(cur->id)),
	         NULL, NULL)) != PL_OK)
		return er;
	if (g->blocked && (er = pl_ident_end_sessions(db, cur->id, 0)) != PL_OK)
		return er;
	ch->tenant_id = cur->tenant_id;
	ch->action = g->blocked ? "block" : "unblock";
	ch->target_type = "agent";
	ch->target_id = cur->id;
	ch->summary = pl_arena_printf(a, "%s %s \"%s %s\" <%s>",
	    g->blocked ? "blocked" : "unblocked", cur->role, cur->first_name,
	    cur->last_name, cur->email);
	ch->changed_user = cur->id;
	return PL_OK;
}

enum pl_err
pl_agent_set_blocked(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, bool blocked)
{
	struct agent_arg    g = { 0, NULL, NULL, blocked, NULL, 0 };
	struct pl_agent     cur;
	struct json_object *d;
	enum pl_err         er;

	if ((er = pl_agent_get(db, a, who, id, &cur)) != PL_OK)
		return er;
	/* Already so: nothing changes, nothing to record. */
	if (cur.blocked == blocked)
		return PL_OK;
	g.cur = &cur;
	if ((er = pl_change_run(db, a, who, block_write, &g)) != PL_OK)
		return er;
	if (blocked) {
		/* Wake the agent's open pages: the next request fails. */
		d = json_object_new_object();
		json_object_object_add(
		    d, "user_id", json_object_new_int64(cur.id));
		if (pl_event_publish(db, a,
		        pl_stream(a, PL_STREAM_USER, cur.id), "ACCOUNT_BLOCKED",
		        d) != PL_OK)
			pl_warn("agent %lld: blocked event not published",
			    (long long)cur.id);
		json_object_put(d);
	}
	return PL_OK;
}
