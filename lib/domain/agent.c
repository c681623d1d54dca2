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

#include "agent.h"
#include "arena.h"
#include "ident.h"
#include "admin.h"
#include "audit.h"
#include "buf.h"
#include "db.h"
#include "events.h"
#include "listing.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "parse.h"
#include "req.h"
#include "resp.h"
#include "route.h"
#include "session.h"
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

/* --- reading input ------------------------------------------------------ */

static bool
ids_has(const int64_t *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

/*
 * A list of ids: repeated form fields, or a JSON array of integers. *sent
 * says whether the field came at all. Repeats are dropped. Errors are
 * recorded for the field.
 */
static enum pl_err
ids_read(struct pl_req *rq, const char *name, const char *label, bool *sent,
    int64_t **out, size_t *n)
{
	struct json_object *v;
	size_t              raw = 0;
	int64_t            *ids;
	long long           id;
	const char         *bad, *many;

	bad = pl_arena_printf(
	    rq->arena, "%s must be a list of department ids.", label);
	many = pl_arena_printf(rq->arena, "%s: at most %d departments.", label,
	    PL_AGENT_DEPTS_MAX);
	*sent = false;
	*n = 0;
	*out = NULL;
	if (rq->json != NULL) {
		if (!json_object_object_get_ex(rq->json, name, &v))
			return PL_OK;
		*sent = true;
		if (v == NULL || !json_object_is_type(v, json_type_array))
			return pl_in_fail(rq, name, bad);
		raw = json_object_array_length(v);
	} else
		for (size_t i = 0; i < rq->form.n; i++)
			if (strcmp(rq->form.v[i].key, name) == 0)
				raw++;
	if (rq->json == NULL && raw > 0)
		*sent = true;
	if (raw > PL_AGENT_DEPTS_MAX)
		return pl_in_fail(rq, name, many);
	ids = pl_arena_array(rq->arena, raw ? raw : 1, sizeof(*ids));
	if (rq->json != NULL) {
		for (size_t i = 0; i < raw; i++) {
			struct json_object *e = json_object_array_get_idx(v, i);

			if (e == NULL ||
			    !json_object_is_type(e, json_type_int) ||
			    (id = json_object_get_int64(e)) < 1)
				return pl_in_fail(rq, name, bad);
			if (!ids_has(ids, *n, id))
				ids[(*n)++] = id;
		}
	} else {
		for (size_t i = 0; i < rq->form.n; i++) {
			if (strcmp(rq->form.v[i].key, name) != 0)
				continue;
			if (pl_parse_i64(
			        rq->form.v[i].val, 1, INT64_MAX, &id) != PL_OK)
				return pl_in_fail(rq, name, bad);
			if (!ids_has(ids, *n, id))
				ids[(*n)++] = id;
		}
	}
	*out = ids;
	return PL_OK;
}

/* A text field: required on forms and creates; a JSON update that does
 * not send it keeps cur. */
static void
text_read(struct pl_req *rq, const char *name, const char *label, size_t max,
    const char *cur, const char **out)
{
	if (cur != NULL && rq->json != NULL && !pl_in_has(rq, name)) {
		*out = cur;
		return;
	}
	pl_in_text(rq, name, label, PL_REQUIRED, max, out);
}

enum pl_err
pl_agent_input(
    struct pl_req *rq, const struct pl_agent *cur, struct pl_agent_in *in)
{
	static const char *const create[] = { "admin_id", "first_name",
		"last_name", "email", "phone", "department_ids",
		"supervisor_of", NULL };
	static const char *const update[] = { "first_name", "last_name",
		"phone", "department_ids", "supervisor_of", NULL };
	const char              *why;
	bool                     dsent, ssent;

	memset(in, 0, sizeof(*in));
	/* The e-mail is the sign-in name: it never changes. Said first, so
	 * the message is this one rather than "unknown field". */
	if (cur != NULL && pl_in_has(rq, "email"))
		pl_in_fail(
		    rq, "email", "The e-mail address cannot be changed.");
	pl_in_only(rq, cur != NULL ? update : create);

	text_read(rq, "first_name", "First name", PL_NAME_MAX,
	    cur ? cur->first_name : NULL, &in->first_name);
	text_read(rq, "last_name", "Last name", PL_NAME_MAX,
	    cur ? cur->last_name : NULL, &in->last_name);
	if (cur == NULL)
		pl_in_text(rq, "email", "E-mail address", PL_REQUIRED,
		    PL_EMAIL_MAX, &in->email);
	text_read(rq, "phone", "Phone", PL_PHONE_MAX, cur ? cur->phone : NULL,
	    &in->phone);
	if (*in->first_name && (why = pl_valid_name(in->first_name)) != NULL)
		pl_in_fail(rq, "first_name", why);
	if (*in->last_name && (why = pl_valid_name(in->last_name)) != NULL)
		pl_in_fail(rq, "last_name", why);
	if (in->email != NULL && *in->email) {
		if ((why = pl_valid_email(in->email)) != NULL)
			pl_in_fail(rq, "email", why);
		else
			in->email = pl_email_normalize(rq->arena, in->email);
	}
	if (*in->phone && (why = pl_valid_phone(in->phone)) != NULL)
		pl_in_fail(rq, "phone", why);

	if (ids_read(rq, "department_ids", "Departments", &dsent, &in->dept,
	        &in->ndept) != PL_OK ||
	    ids_read(rq, "supervisor_of", "Supervisor of", &ssent, &in->sup,
	        &in->nsup) != PL_OK)
		return pl_in_check(rq);
	if (cur != NULL && rq->json != NULL && !dsent) {
		in->dept = pl_arena_array(
		    rq->arena, cur->ndept ? cur->ndept : 1, sizeof(*in->dept));
		for (size_t i = 0; i < cur->ndept; i++)
			in->dept[in->ndept++] = cur->dept[i].id;
	}
	if (cur != NULL && rq->json != NULL && !ssent) {
		/* Kept where the agent stays a member. */
		in->sup = pl_arena_array(
		    rq->arena, cur->ndept ? cur->ndept : 1, sizeof(*in->sup));
		for (size_t i = 0; i < cur->ndept; i++)
			if (cur->dept[i].supervisor &&
			    ids_has(in->dept, in->ndept, cur->dept[i].id))
				in->sup[in->nsup++] = cur->dept[i].id;
	}
	if (in->ndept == 0)
		pl_in_fail(
		    rq, "department_ids", "Choose at least one department.");
	for (size_t i = 0; i < in->nsup; i++)
		if (!ids_has(in->dept, in->ndept, in->sup[i])) {
			pl_in_fail(rq, "supervisor_of",
			    "A supervisor must also belong to each department"
			    " it supervises.");
			break;
		}
	return pl_in_check(rq);
}

enum pl_err
pl_agent_admin_input(struct pl_req *rq, int64_t *admin_id, int64_t *tenant_id)
{
	enum pl_err er;

	*tenant_id = 0;
	if ((er = pl_in_id(rq, "admin_id", 0, "Choose an admin from the list.",
	         admin_id)) != PL_OK)
		return er;
	if (*admin_id == 0) {
		if (rq->sess->role == PL_ROLE_SUPER)
			return pl_in_fail(rq, "admin_id",
			    "Choose the admin this agent works for.");
		*admin_id = rq->sess->user_id;
	}
	er = pl_admin_tenant(pl_req_db(rq), rq->arena, &rq->who, *admin_id, tenant_id);
	if (er == PL_ENOTFOUND)
		pl_in_fail(rq, "admin_id", "Admin not found.");
	return er;
}

enum pl_err
pl_agent_admin_info(
    struct pl_req *rq, int64_t tenant_id, struct json_object **out)
{
	struct pl_row       row;
	struct json_object *o;
	enum pl_err         er;

	*out = NULL;
	er = pl_db_one(pl_req_db(rq), rq->arena, &pl_agent_sql, AG_ADMIN,
	    PL_ARGS(PL_I64(tenant_id)), &row);
	if (er != PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "id", pl_row_i64(&row, 0));
	pl_json_set_str(o, "name",
	    pl_arena_printf(
	        rq->arena, "%s %s", pl_row_str(&row, 1), pl_row_str(&row, 2)));
	pl_json_set_str(o, "company", pl_row_str(&row, 3));
	*out = o;
	return PL_OK;
}

/* --- reading agents ----------------------------------------------------- */

/* The departments column: a JSON array the database built (or NULL). */
static void
depts_parse(struct pl_req *rq, const char *text, struct pl_agent *a)
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
	a->dept = pl_arena_array(rq->arena, n ? n : 1, sizeof(*a->dept));
	for (size_t i = 0; i < n; i++) {
		struct json_object   *e = json_object_array_get_idx(arr, i);
		struct pl_agent_dept *d = &a->dept[a->ndept];

		if (!json_object_object_get_ex(e, "id", &v))
			continue;
		d->id = json_object_get_int64(v);
		d->name =
		    json_object_object_get_ex(e, "name", &v)
		        ? pl_arena_strdup(rq->arena, json_object_get_string(v))
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
agent_row(struct pl_req *rq, const struct pl_row *r, struct pl_agent *a)
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
	depts_parse(rq, pl_row_str(r, 11), a);
}

enum pl_err
pl_agent_get(struct pl_req *rq, int64_t id, struct pl_agent *a)
{
	struct pl_db *db = pl_req_db(rq);
	struct pl_row row;
	int64_t       tid = rq->sess->tenant_id;
	enum pl_err   er;

	if (rq->sess->role == PL_ROLE_SUPER) {
		er = pl_db_one(db, rq->arena, &pl_agent_sql, AG_TENANT_OF,
		    PL_ARGS(PL_I64(id)), &row);
		if (er != PL_OK)
			return er;
		tid = pl_row_i64(&row, 0);
	}
	if (tid == 0)
		return PL_ENOTFOUND;
	er = pl_db_one(db, rq->arena, &pl_agent_sql, AG_GET,
	    PL_ARGS(PL_I64(tid), PL_I64(id)), &row);
	if (er == PL_OK)
		agent_row(rq, &row, a);
	return er;
}

struct json_object *
pl_agent_json(const struct pl_agent *a)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ids = json_object_new_array();
	struct json_object *deps = json_object_new_array();
	struct json_object *sup = json_object_new_array();

	pl_json_set_i64(o, "id", a->id);
	if (a->admin_id != 0)
		pl_json_set_i64(o, "admin_id", a->admin_id);
	else
		json_object_object_add(o, "admin_id", NULL);
	pl_json_set_str(o, "company", a->company);
	pl_json_set_str(o, "first_name", a->first_name);
	pl_json_set_str(o, "last_name", a->last_name);
	pl_json_set_str(o, "email", a->email);
	pl_json_set_str(o, "phone", a->phone);
	pl_json_set_str(o, "role", a->role);
	for (size_t i = 0; i < a->ndept; i++) {
		struct json_object *d = json_object_new_object();

		json_object_array_add(
		    ids, json_object_new_int64(a->dept[i].id));
		pl_json_set_i64(d, "id", a->dept[i].id);
		pl_json_set_str(d, "name", a->dept[i].name);
		pl_json_set_bool(d, "active", a->dept[i].active);
		pl_json_set_bool(d, "supervisor", a->dept[i].supervisor);
		json_object_array_add(deps, d);
		if (a->dept[i].supervisor)
			json_object_array_add(
			    sup, json_object_new_int64(a->dept[i].id));
	}
	json_object_object_add(o, "department_ids", ids);
	json_object_object_add(o, "departments", deps);
	json_object_object_add(o, "supervisor_of", sup);
	pl_json_set_bool(o, "blocked", a->blocked);
	pl_json_set_time(o, "created_at", a->created_at);
	return o;
}

enum pl_err
pl_agent_list(struct pl_req *rq, int64_t tenant_id, const struct pl_list *l,
    struct json_object **items)
{
	struct pl_db  *db = pl_req_db(rq);
	struct pl_rows rows;
	const char    *p = l->like;
	size_t         base;
	enum pl_err    er;

	*items = NULL;
	/* Every tenant at once is the super admin's view only. */
	if (tenant_id == 0 && rq->sess->role != PL_ROLE_SUPER)
		return PL_EPERM;
	if (tenant_id != 0)
		base = *l->q != '\0' ? AG_FIND_T : AG_LIST_T;
	else
		base = *l->q != '\0' ? AG_FIND_ALL : AG_LIST_ALL;
	if (tenant_id != 0 && *l->q != '\0')
		er = pl_db_all(db, rq->arena, &pl_agent_sql,
		    pl_list_stmt(l, base),
		    PL_ARGS(PL_I64(tenant_id), PL_STR(p), PL_I64(tenant_id),
		        PL_STR(p), PL_I64(tenant_id), PL_STR(p),
		        PL_I64(l->limit + 1), PL_I64(l->offset)),
		    &rows);
	else if (tenant_id != 0)
		er = pl_db_all(db, rq->arena, &pl_agent_sql,
		    pl_list_stmt(l, base),
		    PL_ARGS(PL_I64(tenant_id), PL_I64(l->limit + 1),
		        PL_I64(l->offset)),
		    &rows);
	else if (*l->q != '\0')
		er = pl_db_all(db, rq->arena, &pl_agent_sql,
		    pl_list_stmt(l, base),
		    PL_ARGS(PL_STR(p), PL_STR(p), PL_STR(p),
		        PL_I64(l->limit + 1), PL_I64(l->offset)),
		    &rows);
	else
		er = pl_db_all(db, rq->arena, &pl_agent_sql,
		    pl_list_stmt(l, base),
		    PL_ARGS(PL_I64(l->limit + 1), PL_I64(l->offset)), &rows);
	if (er != PL_OK)
		return er;
	*items = json_object_new_array();
	for (size_t i = 0; i < rows.n; i++) {
		struct pl_agent a;

		agent_row(rq, &rows.v[i], &a);
		json_object_array_add(*items, pl_agent_json(&a));
	}
	return PL_OK;
}

/* --- writing ------------------------------------------------------------ */

/*
 * Inside the transaction: every department id must be an active department
 * of the tenant, or one the agent already belongs to (keep, may be NULL).
 * Locks them against a concurrent deactivation. *names gets their names
 * for the audit summary. PL_ENOTFOUND naming department_ids otherwise.
 */
static enum pl_err
depts_check(struct pl_req *rq, struct pl_db *db, int64_t tenant_id,
    const struct pl_agent_in *in, const int64_t *keep, size_t nkeep,
    const char **names)
{
	struct pl_buf b;
	struct pl_row row;
	enum pl_err   er;

	pl_buf_init(&b, rq->arena);
	for (size_t i = 0; i < in->ndept; i++) {
		er = pl_db_one(db, rq->arena, &pl_agent_sql, AG_DEPT,
		    PL_ARGS(PL_I64(tenant_id), PL_I64(in->dept[i])), &row);
		if (er == PL_OK && pl_row_i64(&row, 1) == 0 &&
		    !ids_has(keep, nkeep, in->dept[i]))
			er = PL_ENOTFOUND;
		if (er == PL_ENOTFOUND)
			pl_in_fail(rq, "department_ids", dept_missing);
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

static const char *
role_of(const struct pl_agent_in *in)
{
	return in->nsup > 0 ? "supervisor" : "agent";
}

enum pl_err
pl_agent_create(struct pl_req *rq, int64_t tenant_id,
    const struct pl_agent_in *in, int64_t *id)
{
	struct pl_db *db = pl_req_db(rq);
	const char   *names = "", *name;
	uint64_t      uid = 0;
	enum pl_err   er;

	name =
	    pl_arena_printf(rq->arena, "%s %s", in->first_name, in->last_name);
	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	if ((er = depts_check(rq, db, tenant_id, in, NULL, 0, &names)) != PL_OK)
		goto out;
	er = pl_user_email_free(db, rq->arena, in->email, &rq->errs);
	if (er == PL_OK)
		er = pl_db_exec(db, &pl_agent_sql, AG_INSERT,
		    PL_ARGS(PL_I64(tenant_id), PL_STR(role_of(in)),
		        PL_STR(in->email), PL_STR(in->first_name),
		        PL_STR(in->last_name), PL_STR(in->phone),
		        PL_STR(pl_phone_e164(rq->arena, in->phone))),
		    NULL, &uid);
	if (er == PL_ECONFLICT)
		pl_user_email_taken(&rq->errs); /* also when the key refused */
	if (er != PL_OK)
		goto out;
	if ((er = members_write(db, tenant_id, (int64_t)uid, in, NULL, 0)) !=
	    PL_OK)
		goto out;
	if ((er = pl_user_invite(db, rq->arena, (int64_t)uid, in->email, name,
	         pl_arena_printf(rq->arena, "%s %s", rq->sess->first_name,
	             rq->sess->last_name))) != PL_OK)
		goto out;
	if ((er = pl_audit(db, &rq->who, tenant_id, "create", "agent", (int64_t)uid,
	         pl_arena_printf(rq->arena, "created %s \"%s\" <%s> in %s",
	             role_of(in), name, in->email, names))) != PL_OK)
		goto out;
	er = pl_db_commit(db);
out:
	if (er != PL_OK) {
		pl_db_rollback(db);
		return er;
	}
	pl_notify_wake(PL_OUTBOX_KEY);
	*id = (int64_t)uid;
	return PL_OK;
}

enum pl_err
pl_agent_update(
    struct pl_req *rq, const struct pl_agent *a, const struct pl_agent_in *in)
{
	struct pl_db  *db = pl_req_db(rq);
	const char    *names = "";
	struct pl_row  row;
	struct pl_rows cur;
	int64_t       *keep;
	enum pl_err    er;

	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	/* The agent's row first: concurrent updates of it take turns. */
	er = pl_db_one(db, rq->arena, &pl_agent_sql, AG_LOCK,
	    PL_ARGS(PL_I64(a->tenant_id), PL_I64(a->id)), &row);
	if (er != PL_OK)
		goto out;
	er = pl_db_all(db, rq->arena, &pl_agent_sql, AG_MEMBERS,
	    PL_ARGS(PL_I64(a->tenant_id), PL_I64(a->id)), &cur);
	if (er != PL_OK)
		goto out;
	keep = pl_arena_array(rq->arena, cur.n ? cur.n : 1, sizeof(*keep));
	for (size_t i = 0; i < cur.n; i++)
		keep[i] = pl_row_i64(&cur.v[i], 0);
	if ((er = depts_check(rq, db, a->tenant_id, in, keep, cur.n, &names)) !=
	    PL_OK)
		goto out;
	if ((er = pl_db_exec(db, &pl_agent_sql, AG_UPDATE,
	         PL_ARGS(PL_STR(in->first_name), PL_STR(in->last_name),
	             PL_STR(in->phone),
	             PL_STR(pl_phone_e164(rq->arena, in->phone)),
	             PL_STR(role_of(in)), PL_I64(a->tenant_id), PL_I64(a->id)),
	         NULL, NULL)) != PL_OK)
		goto out;
	if ((er = members_write(db, a->tenant_id, a->id, in, keep, cur.n)) !=
	    PL_OK)
		goto out;
	if ((er = pl_audit(db, &rq->who, a->tenant_id, "update", "agent", a->id,
	         pl_arena_printf(rq->arena, "updated %s \"%s %s\" <%s>: %s",
	             role_of(in), in->first_name, in->last_name, a->email,
	             names))) != PL_OK)
		goto out;
	er = pl_db_commit(db);
out:
	if (er != PL_OK)
		pl_db_rollback(db);
	else
		pl_ident_changed("user", a->id); /* the role may have changed */
	return er;
}

enum pl_err
pl_agent_set_blocked(struct pl_req *rq, const struct pl_agent *a, bool blocked)
{
	struct pl_db       *db = pl_req_db(rq);
	struct json_object *d;
	enum pl_err         er;

	if (a->blocked == blocked)
		return PL_OK;
	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_agent_sql, AG_BLOCK,
	         PL_ARGS(PL_I64(blocked), PL_I64(a->tenant_id), PL_I64(a->id)),
	         NULL, NULL)) != PL_OK)
		goto out;
	if (blocked && (er = pl_ident_end_sessions(db, a->id, 0)) != PL_OK)
		goto out;
	if ((er = pl_audit(db, &rq->who, a->tenant_id, blocked ? "block" : "unblock",
	         "agent", a->id,
	         pl_arena_printf(rq->arena, "%s %s \"%s %s\" <%s>",
	             blocked ? "blocked" : "unblocked", a->role, a->first_name,
	             a->last_name, a->email))) != PL_OK)
		goto out;
	er = pl_db_commit(db);
out:
	if (er != PL_OK) {
		pl_db_rollback(db);
		return er;
	}
	pl_ident_changed("user", a->id);
	if (blocked) {
		/* Wake the agent's open pages: the next request fails. */
		d = json_object_new_object();
		json_object_object_add(
		    d, "user_id", json_object_new_int64(a->id));
		if (pl_event_publish(db, rq->arena,
		        pl_stream(rq->arena, PL_STREAM_USER, a->id), "ACCOUNT_BLOCKED",
		        d) != PL_OK)
			pl_warn("agent %lld: blocked event not published",
			    (long long)a->id);
		json_object_put(d);
	}
	return PL_OK;
}
