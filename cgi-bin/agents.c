/* agents.c: /agents and /api/agents -- the agents and supervisors of the
 * caller's company (the super admin: of every company). The rules live in
 * lib/agent.c; these handlers turn requests into its calls and fill pages.
 *
 * Creating an agent without JavaScript takes two steps for the super
 * admin: GET /agents/new shows the admin picker, whose "Continue" submits
 * GET /agents/new?admin_id=X, which shows that admin's departments. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

#include "admin.h"
#include "agent.h"
#include "dept.h"

static pl_handler agents_list, agents_new, agents_create, agents_show,
    agents_edit, agents_update, agents_block, agents_unblock;

static const struct pl_route routes[] = {
	/* No .form: the form needs its pickers, which only the handler fills;
	 * a refusal before it (bad body, expired form) gets the error page. */
	{ "/agents", agents_list, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/agents", agents_create, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_POST },
	{ "/agents/new", agents_new, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/agents/:id", agents_show, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/agents/:id", agents_update, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_PUT },
	{ "/agents/:id/edit", agents_edit, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/agents/:id/block", agents_block, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_POST },
	{ "/agents/:id/unblock", agents_unblock, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_POST },
};

PL_NAV(40, "/agents", "Agents", PL_ROLE_ADMIN);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "agents",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_agent_sql, &pl_dept_sql },
		.threads = 4,
	};

	return pl_app_main(&app, argc, argv);
}

static bool
is_super(const struct pl_req *rq)
{
	return rq->sess->role == PL_ROLE_SUPER;
}

/* The super admin's admin picker, with the chosen one marked. */
static enum pl_err
admins_fill(struct pl_req *rq, struct json_object *o, int64_t chosen)
{
	struct json_object *admins, *me, *v;
	int64_t             tid;
	bool                found = false;
	enum pl_err         er;

	if ((er = pl_dept_admin_options(rq, &admins)) != PL_OK)
		return er;
	for (size_t i = 0; i < json_object_array_length(admins); i++) {
		struct json_object *a = json_object_array_get_idx(admins, i);
		bool sel = json_object_object_get_ex(a, "id", &v) &&
		           json_object_get_int64(v) == chosen;

		pl_json_set_bool(a, "selected", sel);
		found = found || sel;
	}
	/* The picker holds the first admins by company; the chosen one is
	 * shown even when it is further down. */
	if (chosen != 0 && !found &&
	    pl_admin_tenant(pl_req_db(rq), rq->arena, &rq->who, chosen, &tid) == PL_OK &&
	    pl_agent_admin_info(rq, tid, &me) == PL_OK) {
		pl_json_set_bool(me, "selected", 1);
		json_object_array_add(admins, me);
	}
	json_object_object_add(o, "admins", admins);
	return PL_OK;
}

/* Is id among the form's values of field (the boxes ticked)? */
static bool
form_ticked(const struct pl_req *rq, const char *field, int64_t id)
{
	long long v;

	for (size_t i = 0; i < rq->form.n; i++)
		if (strcmp(rq->form.v[i].key, field) == 0 &&
		    pl_parse_i64(rq->form.v[i].val, 1, INT64_MAX, &v) ==
		        PL_OK &&
		    v == id)
			return true;
	return false;
}

/* One department box of the form. */
static void
dept_option(struct pl_req *rq, struct json_object *arr, int64_t id,
    const char *name, bool active, const struct pl_agent *a)
{
	struct json_object *o = json_object_new_object();
	bool                member = false, sup = false;

	if (rq->method == PL_POST) {
		member = form_ticked(rq, "department_ids", id);
		sup = form_ticked(rq, "supervisor_of", id);
	} else if (a != NULL)
		for (size_t i = 0; i < a->ndept; i++)
			if (a->dept[i].id == id) {
				member = true;
				sup = a->dept[i].supervisor;
			}
	pl_json_set_i64(o, "id", id);
	pl_json_set_str(o, "name", name);
	pl_json_set_bool(o, "inactive", !active);
	pl_json_set_bool(o, "checked", member);
	pl_json_set_bool(o, "supervisor", sup);
	json_object_array_add(arr, o);
}

/*
 * The form's data: for the super admin creating, the admin picker; once the
 * tenant is known (tenant_id != 0), its admin and its active departments
 * (plus those of a it has left deactivated) as boxes, ticked as typed or as
 * saved; the values typed, or a's.
 */
static enum pl_err
form_fill(struct pl_req *rq, struct pl_resp *rs, int64_t tenant_id,
    int64_t admin_id, const struct pl_agent *a)
{
	struct json_object *o = pl_resp_obj(rs), *opts, *deps, *admin, *v;
	enum pl_err         er;

	pl_json_set_bool(o, "super", is_super(rq));
	if (is_super(rq) && a == NULL &&
	    (er = admins_fill(rq, o, admin_id)) != PL_OK)
		return er;
	if (tenant_id != 0) {
		if ((er = pl_agent_admin_info(rq, tenant_id, &admin)) != PL_OK)
			return er;
		json_object_object_add(o, "admin", admin);
		pl_json_set_i64(o, "admin_id", admin_id);
		if ((er = pl_dept_options(rq, tenant_id, &opts)) != PL_OK)
			return er;
		deps = json_object_new_array();
		for (size_t i = 0; i < json_object_array_length(opts); i++) {
			struct json_object *d =
			    json_object_array_get_idx(opts, i);
			int64_t id = 0;

			if (json_object_object_get_ex(d, "id", &v))
				id = json_object_get_int64(v);
			dept_option(rq, deps, id,
			    json_object_object_get_ex(d, "name", &v)
			        ? json_object_get_string(v)
			        : "",
			    true, a);
		}
		for (size_t i = 0; a != NULL && i < a->ndept; i++)
			if (!a->dept[i].active)
				dept_option(rq, deps, a->dept[i].id,
				    a->dept[i].name, false, a);
		json_object_put(opts);
		pl_json_set_bool(
		    o, "no_departments", json_object_array_length(deps) == 0);
		json_object_object_add(o, "departments", deps);
	}
	if (rq->api)
		return PL_OK;
	/* The text fields: as typed after a failed post, else as saved. */
	v = json_object_new_object();
	if (rq->method == PL_POST) {
		static const char *const keys[] = { "first_name", "last_name",
			"email", "phone" };

		for (size_t i = 0; i < PL_NITEMS(keys); i++) {
			const char *s = pl_kv_get(&rq->form, keys[i]);

			pl_json_set_str(v, keys[i], s ? s : "");
		}
	} else if (a != NULL) {
		pl_json_set_str(v, "first_name", a->first_name);
		pl_json_set_str(v, "last_name", a->last_name);
		pl_json_set_str(v, "phone", a->phone);
	}
	json_object_object_add(o, "values", v);
	if (a != NULL) {
		json_object_object_add(o, "agent", pl_agent_json(a));
		pl_json_set_str(o, "action",
		    pl_arena_printf(
		        rq->arena, "/agents/%lld", (long long)a->id));
	} else
		pl_json_set_str(o, "action", "/agents");
	return PL_OK;
}

/* What pages show beside the JSON: the date, and the role in words. */
static void
html_extras(struct json_object *o)
{
	struct json_object *v;
	const char         *s;

	if (json_object_object_get_ex(o, "created_at", &v) &&
	    (s = json_object_get_string(v)) != NULL && strlen(s) >= 10)
		json_object_object_add(
		    o, "created_on", json_object_new_string_len(s, 10));
	pl_json_set_str(o, "role_label",
	    json_object_object_get_ex(o, "role", &v) &&
	            strcmp(json_object_get_string(v), "supervisor") == 0
	        ? "Supervisor"
	        : "Agent");
}

/* The list's filter: ?admin_id= (the super admin's; an admin may name
 * itself). 0 when not given. */
static enum pl_err
filter_tenant(struct pl_req *rq, int64_t *admin_id, int64_t *tenant_id)
{
	const char *s = pl_query(rq, "admin_id");
	long long   n;

	*admin_id = 0;
	*tenant_id = is_super(rq) ? 0 : rq->sess->tenant_id;
	if (s == NULL || *s == '\0')
		return PL_OK;
	if (pl_parse_i64(s, 1, INT64_MAX, &n) != PL_OK)
		return pl_in_fail(rq, "admin_id", "admin_id is an admin's id.");
	*admin_id = n;
	return pl_admin_tenant(pl_req_db(rq), rq->arena, &rq->who, n, tenant_id);
}

/*
 * GET /agents, GET /api/agents ?q= ?sort=name|email|created ?dir= ?limit=
 * ?next= ?admin_id=
 * 200 {items: [agent...], next}; 400 a bad parameter (named); 404 an
 * admin_id that is not an admin (or not the caller).
 */
static enum pl_err
agents_list(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *o, *items;
	struct pl_list      l;
	int64_t             aid, tid;
	enum pl_err         er;

	pl_resp_page(rs, "agents_list", "Agents");
	o = pl_resp_obj(rs);
	pl_json_set_bool(o, "super", is_super(rq));
	if ((er = pl_list_parse(rq, pl_agent_sorts, &l)) != PL_OK)
		return er;
	if ((er = filter_tenant(rq, &aid, &tid)) != PL_OK)
		return er;
	if (!rq->api && is_super(rq) && (er = admins_fill(rq, o, aid)) != PL_OK)
		return er;
	if ((er = pl_agent_list(rq, tid, &l, &items)) != PL_OK)
		return er;
	for (size_t i = 0; !rq->api && i < json_object_array_length(items); i++)
		html_extras(json_object_array_get_idx(items, i));
	pl_list_reply(rq, rs, &l, items);
	return PL_OK;
}

/*
 * GET /agents/new, GET /api/agents/new ?admin_id=
 * 200 the form: for the super admin, {admins} and, once an admin is
 * chosen, {admin, departments}; for an admin, its own. 404 an admin_id
 * that is not an admin (or not the caller).
 */
static enum pl_err
agents_new(struct pl_req *rq, struct pl_resp *rs)
{
	const char *s = pl_query(rq, "admin_id");
	int64_t     aid = 0, tid = 0;
	long long   n;
	enum pl_err er;

	pl_resp_page(rs, "agents_form", "New agent");
	if (s != NULL && *s != '\0') {
		if (pl_parse_i64(s, 1, INT64_MAX, &n) != PL_OK)
			return PL_ENOTFOUND;
		aid = n;
	} else if (!is_super(rq))
		aid = rq->sess->user_id;
	if (aid != 0 && (er = pl_admin_tenant(pl_req_db(rq), rq->arena, &rq->who, aid, &tid)) != PL_OK)
		return er;
	return form_fill(rq, rs, tid, aid, NULL);
}

/* Reply with the agent id as saved: the JSON object, or a 303 to its page. */
static enum pl_err
agent_reply(struct pl_req *rq, struct pl_resp *rs, int64_t id, const char *to)
{
	struct pl_agent a;
	enum pl_err     er;

	if (!rq->api) {
		pl_resp_redirect(rs,
		    to ? to
		       : pl_arena_printf(
		             rq->arena, "/agents/%lld", (long long)id),
		    "Saved.");
		return PL_OK;
	}
	if ((er = pl_agent_get(rq, id, &a)) != PL_OK)
		return er;
	pl_resp_set(rs, pl_agent_json(&a));
	return PL_OK;
}

/*
 * POST /agents, POST /api/agents {admin_id, first_name, last_name, email,
 * phone, department_ids: [id...], supervisor_of: [id...]}
 * 201 the agent (HTML: 303 to its page), invited by e-mail; 400 bad input
 * (named; admin_id required from the super admin); 404 an admin_id or a
 * department id that is not the caller's (named); 409 the e-mail is taken.
 */
static enum pl_err
agents_create(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_agent_in in;
	int64_t            aid = 0, tid = 0, id;
	enum pl_err        er, ea;

	pl_resp_page(rs, "agents_form", "New agent");
	er = pl_agent_input(rq, NULL, &in);
	ea = pl_agent_admin_input(rq, &aid, &tid);
	if (ea != PL_OK && ea != PL_EINVAL && ea != PL_ENOTFOUND)
		return ea;
	/* The form again shows what was chosen: the admin's departments. */
	if (!rq->api) {
		enum pl_err ef = form_fill(
		    rq, rs, ea == PL_OK ? tid : 0, ea == PL_OK ? aid : 0, NULL);

		if (ef != PL_OK)
			return ef;
	}
	if (er != PL_OK || ea == PL_EINVAL)
		return PL_EINVAL;
	if (ea != PL_OK)
		return ea;
	if ((er = pl_agent_create(rq, tid, &in, &id)) != PL_OK)
		return er;
	pl_resp_status(rs, 201);
	return agent_reply(rq, rs, id, NULL);
}

/*
 * GET /agents/:id, GET /api/agents/:id
 * 200 the agent; 404 no such agent in the caller's reach.
 */
static enum pl_err
agents_show(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *o;
	struct pl_agent     a;
	int64_t             id;
	enum pl_err         er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_agent_get(rq, id, &a)) != PL_OK)
		return er;
	pl_resp_page(rs, "agents_show",
	    pl_arena_printf(rq->arena, "%s %s", a.first_name, a.last_name));
	o = pl_agent_json(&a);
	if (!rq->api)
		html_extras(o);
	pl_resp_set(rs, o);
	return PL_OK;
}

/*
 * GET /agents/:id/edit, GET /api/agents/:id/edit
 * 200 the form: {agent, admin, departments (ticked as saved)}; 404 as for
 * GET /agents/:id.
 */
static enum pl_err
agents_edit(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_agent a;
	int64_t         id;
	enum pl_err     er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_agent_get(rq, id, &a)) != PL_OK)
		return er;
	pl_resp_page(rs, "agents_form", "Edit agent");
	if (rq->api)
		json_object_object_add(
		    pl_resp_obj(rs), "agent", pl_agent_json(&a));
	return form_fill(rq, rs, a.tenant_id, a.admin_id, &a);
}

/*
 * POST /agents/:id, PUT /api/agents/:id {first_name, last_name, phone,
 * department_ids, supervisor_of}
 * 200 the agent (HTML: 303 to its page); 400 bad input (named; an "email"
 * is refused: it never changes); 404 the agent, or a department id, not
 * the caller's. The form replaces every field; JSON keeps what it omits.
 */
static enum pl_err
agents_update(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_agent_in in;
	struct pl_agent    a;
	int64_t            id;
	enum pl_err        er, ef;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_agent_get(rq, id, &a)) != PL_OK)
		return er;
	pl_resp_page(rs, "agents_form", "Edit agent");
	er = pl_agent_input(rq, &a, &in);
	if (!rq->api &&
	    (ef = form_fill(rq, rs, a.tenant_id, a.admin_id, &a)) != PL_OK)
		return ef;
	if (er != PL_OK)
		return er;
	if ((er = pl_agent_update(rq, &a, &in)) != PL_OK)
		return er;
	return agent_reply(rq, rs, id, NULL);
}

/* Block or unblock: the form may say to come back to the list. */
static enum pl_err
block_set(struct pl_req *rq, struct pl_resp *rs, bool blocked)
{
	static const char *const fields[] = { "from", NULL };
	const char              *from;
	struct pl_agent          a;
	int64_t                  id;
	enum pl_err              er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_agent_get(rq, id, &a)) != PL_OK)
		return er;
	if ((er = pl_in_only(rq, fields)) != PL_OK)
		return er;
	from = pl_kv_get(&rq->form, "from");
	if ((er = pl_agent_set_blocked(rq, &a, blocked)) != PL_OK)
		return er;
	return agent_reply(rq, rs, id,
	    from != NULL && strcmp(from, "list") == 0 ? "/agents" : NULL);
}

/*
 * POST /agents/:id/block, POST /api/agents/:id/block
 * 200 the agent, blocked: its sessions end and it cannot sign in (HTML:
 * 303 to its page, or the list with from=list); 404 as for GET.
 */
static enum pl_err
agents_block(struct pl_req *rq, struct pl_resp *rs)
{
	return block_set(rq, rs, true);
}

/*
 * POST /agents/:id/unblock, POST /api/agents/:id/unblock
 * 200 the agent, unblocked; otherwise as block.
 */
static enum pl_err
agents_unblock(struct pl_req *rq, struct pl_resp *rs)
{
	return block_set(rq, rs, false);
}
