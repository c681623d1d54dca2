/* agents.c: /agents and /api/agents -- the agents and supervisors of the
 * caller's company (the super admin: of every company). The rules live in
 * lib/domain/agent.c; these handlers read the input, call it, and answer
 * as pages or JSON.
 *
 * Creating an agent without JavaScript takes two steps for the super
 * admin: GET /agents/new shows the admin picker, whose "Continue" submits
 * GET /agents/new?admin_id=X, which shows that admin's departments. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

#include "admin.h"
#include "agent.h"
#include "dept.h"
#include "pick.h"

static pl_handler agents_list, agents_new, agents_create, agents_show,
    agents_edit, agents_update, agents_block, agents_unblock;

/* clang-format off */
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
/* clang-format on */

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
	return rq->who.role == PL_ROLE_SUPER;
}

/*
 * An agent as JSON: {id, admin_id, company, first_name, last_name, email,
 * phone, role, role_label, department_ids, departments, supervisor_of,
 * blocked, created_at, created_on}; role_label ("Agent", "Supervisor") and
 * created_on ("2026-01-31") are what pages show. Caller owns it.
 */
static struct json_object *
agent_json(struct pl_req *rq, const struct pl_agent *a)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ids = json_object_new_array();
	struct json_object *deps = json_object_new_array();
	struct json_object *sup = json_object_new_array();
	const char         *c = a->created_at ? a->created_at : "";

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
	pl_json_set_str(o, "role_label",
	    strcmp(a->role, "supervisor") == 0 ? "Supervisor" : "Agent");
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
	pl_json_set_str(o, "created_on",
	    strlen(c) >= 10 ? pl_arena_strndup(rq->arena, c, 10) : "");
	return o;
}

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
    const int64_t **out, size_t *n)
{
	struct json_object *v = NULL;
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

/* A text field; a JSON update that does not send it keeps cur. */
static void
text_read(struct pl_req *rq, const char *name, const char *label,
    const char *cur, const char **out)
{
	if (cur != NULL && rq->json != NULL && !pl_in_has(rq, name)) {
		*out = cur;
		return;
	}
	pl_in_text(rq, name, label, 0, PL_MAX_FIELD, out);
}

/*
 * Read a create (cur NULL: admin_id allowed) or an update of cur, as
 * typed; the rules are the domain's. Forms replace every field (an
 * unticked box sends nothing, so a missing list is empty); a JSON update
 * keeps what it does not send. Only known fields are accepted; an e-mail
 * in an update is refused. Errors are recorded on rq->errs.
 */
static void
agent_read(
    struct pl_req *rq, const struct pl_agent *cur, struct pl_agent_in *in)
{
	static const char *const create[] = { "admin_id", "first_name",
		"last_name", "email", "phone", "department_ids",
		"supervisor_of", NULL };
	static const char *const update[] = { "first_name", "last_name",
		"phone", "department_ids", "supervisor_of", NULL };
	bool                     dsent, ssent;
	int64_t                 *v;

	memset(in, 0, sizeof(*in));
	/* The e-mail is the sign-in name: it never changes. Said first, so
	 * the message is this one rather than "unknown field". */
	if (cur != NULL && pl_in_has(rq, "email"))
		pl_in_fail(
		    rq, "email", "The e-mail address cannot be changed.");
	pl_in_only(rq, cur != NULL ? update : create);
	if (cur == NULL)
		pl_in_id(rq, "admin_id", 0, "Choose an admin from the list.",
		    &in->admin_id);
	text_read(rq, "first_name", "First name", cur ? cur->first_name : NULL,
	    &in->first_name);
	text_read(rq, "last_name", "Last name", cur ? cur->last_name : NULL,
	    &in->last_name);
	if (cur == NULL)
		pl_in_text(
		    rq, "email", "E-mail address", 0, PL_MAX_FIELD, &in->email);
	text_read(rq, "phone", "Phone", cur ? cur->phone : NULL, &in->phone);
	if (ids_read(rq, "department_ids", "Departments", &dsent, &in->dept,
	        &in->ndept) != PL_OK ||
	    ids_read(rq, "supervisor_of", "Supervisor of", &ssent, &in->sup,
	        &in->nsup) != PL_OK)
		return;
	if (cur != NULL && rq->json != NULL && !dsent) {
		v = pl_arena_array(
		    rq->arena, cur->ndept ? cur->ndept : 1, sizeof(*v));
		for (size_t i = 0; i < cur->ndept; i++)
			v[i] = cur->dept[i].id;
		in->dept = v;
		in->ndept = cur->ndept;
	}
	if (cur != NULL && rq->json != NULL && !ssent) {
		/* Kept where the agent stays a member. */
		v = pl_arena_array(
		    rq->arena, cur->ndept ? cur->ndept : 1, sizeof(*v));
		in->nsup = 0;
		for (size_t i = 0; i < cur->ndept; i++)
			if (cur->dept[i].supervisor &&
			    ids_has(in->dept, in->ndept, cur->dept[i].id))
				v[in->nsup++] = cur->dept[i].id;
		in->sup = v;
	}
}

/* --- the form ----------------------------------------------------------- */

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
 * The form's data (its JSON twin's too): for the super admin creating, the
 * admin picker (admins); once the tenant is known (tenant_id != 0), its
 * admin and its active departments (plus those of a it has left
 * deactivated) as boxes, ticked as typed or as saved; the agent edited.
 * The fields start from a's.
 */
static enum pl_err
form_fill(struct pl_req *rq, struct pl_resp *rs, int64_t tenant_id,
    int64_t admin_id, const struct pl_agent *a)
{
	struct json_object *o = pl_resp_obj(rs), *deps, *v;
	struct pl_db       *db = pl_req_db(rq);
	struct pl_option   *opts, admin;
	size_t              n;
	enum pl_err         er;

	pl_json_set_bool(o, "super", is_super(rq));
	if (is_super(rq) && a == NULL) {
		if ((er = pl_dept_admin_options(db, rq->arena, &rq->who,
		         admin_id, &opts, &n)) != PL_OK)
			return er;
		json_object_object_add(o, "admins", pl_pick_admins(opts, n));
	}
	if (tenant_id != 0) {
		if ((er = pl_agent_admin_info(
		         db, rq->arena, &rq->who, tenant_id, &admin)) != PL_OK)
			return er;
		json_object_object_add(o, "admin", pl_pick_admin(&admin));
		pl_json_set_i64(o, "admin_id", admin_id);
		if ((er = pl_dept_options(db, rq->arena, &rq->who, tenant_id,
		         &opts, &n)) != PL_OK)
			return er;
		deps = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			dept_option(
			    rq, deps, opts[i].id, opts[i].name, true, a);
		for (size_t i = 0; a != NULL && i < a->ndept; i++)
			if (!a->dept[i].active)
				dept_option(rq, deps, a->dept[i].id,
				    a->dept[i].name, false, a);
		pl_json_set_bool(
		    o, "no_departments", json_object_array_length(deps) == 0);
		json_object_object_add(o, "departments", deps);
	}
	if (a != NULL) {
		json_object_object_add(o, "agent", agent_json(rq, a));
		pl_json_set_str(pl_resp_view(rs), "action",
		    pl_arena_printf(
		        rq->arena, "/agents/%lld", (long long)a->id));
		v = json_object_new_object();
		pl_json_set_str(v, "first_name", a->first_name);
		pl_json_set_str(v, "last_name", a->last_name);
		pl_json_set_str(v, "phone", a->phone);
		pl_resp_form(rs, v);
	} else
		pl_json_set_str(pl_resp_view(rs), "action", "/agents");
	return PL_OK;
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
	struct pl_option   *opts;
	struct pl_agent    *v;
	struct pl_list      l;
	size_t              n;
	int64_t             aid;
	enum pl_err         er;

	pl_resp_page(rs, "agents_list", "Agents");
	o = pl_resp_view(rs);
	pl_json_set_bool(o, "super", is_super(rq));
	if ((er = pl_list_parse(rq, pl_agent_sorts, &l)) != PL_OK ||
	    (er = pl_in_query_id(
	         rq, "admin_id", "admin_id is an admin's id.", &aid)) != PL_OK)
		return er;
	if (is_super(rq)) {
		if ((er = pl_dept_admin_options(pl_req_db(rq), rq->arena,
		         &rq->who, aid, &opts, &n)) != PL_OK)
			return er;
		json_object_object_add(o, "admins", pl_pick_admins(opts, n));
	}
	if ((er = pl_agent_list(
	         pl_req_db(rq), rq->arena, &rq->who, aid, &l, &v, &n)) != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, agent_json(rq, &v[i]));
	pl_list_reply(rq, rs, &l, items);
	return PL_OK;
}

/* The admin a form is for: admin_id as given, or the caller's own (an
 * admin); *tenant_id its tenant, 0 when none is chosen yet. */
static enum pl_err
form_admin(struct pl_req *rq, int64_t *admin_id, int64_t *tenant_id)
{
	*tenant_id = 0;
	if (*admin_id == 0 && !is_super(rq))
		*admin_id = rq->who.user_id;
	if (*admin_id == 0)
		return PL_OK;
	return pl_admin_tenant(
	    pl_req_db(rq), rq->arena, &rq->who, *admin_id, tenant_id);
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
	int64_t     aid = 0, tid;
	long long   n;
	enum pl_err er;

	pl_resp_page(rs, "agents_form", "New agent");
	if (s != NULL && *s != '\0') {
		if (pl_parse_i64(s, 1, INT64_MAX, &n) != PL_OK)
			return PL_ENOTFOUND;
		aid = n;
	}
	if ((er = form_admin(rq, &aid, &tid)) != PL_OK)
		return er;
	return form_fill(rq, rs, tid, aid, NULL);
}

/* Reply with agent id as saved: JSON the agent, a form a 303 to href (its
 * page when NULL). */
static enum pl_err
agent_saved(struct pl_req *rq, struct pl_resp *rs, int64_t id, const char *href,
    bool created)
{
	struct pl_agent a;
	enum pl_err     er;

	if ((er = pl_agent_get(pl_req_db(rq), rq->arena, &rq->who, id, &a)) !=
	    PL_OK)
		return er;
	if (href == NULL)
		href =
		    pl_arena_printf(rq->arena, "/agents/%lld", (long long)id);
	if (created)
		pl_resp_created(rs, agent_json(rq, &a), href, NULL);
	else
		pl_resp_saved(rs, agent_json(rq, &a), href, NULL);
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
	int64_t            aid, tid, id;
	enum pl_err        er, ef;

	pl_resp_page(rs, "agents_form", "New agent");
	agent_read(rq, NULL, &in);
	er = pl_agent_create(
	    pl_req_db(rq), rq->arena, &rq->who, &in, &rq->errs, &id);
	if (er == PL_OK)
		return agent_saved(rq, rs, id, NULL, true);
	/* The form again shows what was chosen: the admin's departments. */
	aid = in.admin_id;
	if (form_admin(rq, &aid, &tid) != PL_OK)
		aid = tid = 0;
	if ((ef = form_fill(rq, rs, tid, aid, NULL)) != PL_OK)
		return ef;
	return er;
}

/*
 * GET /agents/:id, GET /api/agents/:id
 * 200 the agent; 404 no such agent in the caller's reach.
 */
static enum pl_err
agents_show(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_agent a;
	int64_t         id;
	enum pl_err     er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_agent_get(pl_req_db(rq), rq->arena, &rq->who, id, &a)) !=
	        PL_OK)
		return er;
	pl_resp_page(rs, "agents_show",
	    pl_arena_printf(rq->arena, "%s %s", a.first_name, a.last_name));
	pl_resp_set(rs, agent_json(rq, &a));
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
	    (er = pl_agent_get(pl_req_db(rq), rq->arena, &rq->who, id, &a)) !=
	        PL_OK)
		return er;
	pl_resp_page(rs, "agents_form", "Edit agent");
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
	    (er = pl_agent_get(pl_req_db(rq), rq->arena, &rq->who, id, &a)) !=
	        PL_OK)
		return er;
	pl_resp_page(rs, "agents_form", "Edit agent");
	agent_read(rq, &a, &in);
	er = pl_agent_update(
	    pl_req_db(rq), rq->arena, &rq->who, id, &in, &rq->errs);
	if (er == PL_OK)
		return agent_saved(rq, rs, id, NULL, false);
	if ((ef = form_fill(rq, rs, a.tenant_id, a.admin_id, &a)) != PL_OK)
		return ef;
	return er;
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

	/* Out of reach is a 404 whatever the body says. */
	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_agent_get(pl_req_db(rq), rq->arena, &rq->who, id, &a)) !=
	        PL_OK ||
	    (er = pl_in_only(rq, fields)) != PL_OK)
		return er;
	from = pl_kv_get(&rq->form, "from");
	if ((er = pl_agent_set_blocked(
	         pl_req_db(rq), rq->arena, &rq->who, id, blocked)) != PL_OK)
		return er;
	return agent_saved(rq, rs, id,
	    from != NULL && strcmp(from, "list") == 0 ? "/agents" : NULL,
	    false);
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
