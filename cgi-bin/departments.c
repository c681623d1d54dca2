/* departments.c: /departments and /api/departments -- the teams of a
 * tenant: list, create, show, edit, activate and deactivate. The super
 * admin picks the admin (so the tenant) first; an admin manages its own.
 * The rules and the SQL live in lib/domain/dept.c; this file reads the
 * input, calls it, and answers as pages or JSON. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

#include "dept.h"
#include "escape.h"
#include "pick.h"

static pl_handler dept_list, dept_new, dept_create, dept_show, dept_edit,
    dept_update, dept_activate, dept_deactivate;

/* clang-format off */
static const struct pl_route routes[] = {
	{ "/departments", dept_list, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/departments/new", dept_new, PL_ROLE_ADMIN, .html = PL_GET },
	{ "/departments", dept_create, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_POST },
	{ "/departments/:id", dept_show, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/departments/:id/edit", dept_edit, PL_ROLE_ADMIN, .html = PL_GET },
	{ "/departments/:id", dept_update, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_PUT },
	{ "/departments/:id/activate", dept_activate, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_POST },
	{ "/departments/:id/deactivate", dept_deactivate, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_POST },
};
/* clang-format on */

PL_NAV(30, "/departments", "Departments", PL_ROLE_ADMIN);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "departments",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_dept_sql },
		.threads = 4,
	};

	return pl_app_main(&app, argc, argv);
}

/* An admin id typed in a query or a form: 0 when absent or empty, -1 when
 * not a positive whole number. */
static int64_t
id_arg(const char *s)
{
	long long v;

	if (s == NULL || *s == '\0')
		return 0;
	if (pl_parse_i64(s, 1, INT64_MAX, &v) != PL_OK)
		return -1;
	return v;
}

static bool
is_super(const struct pl_req *rq)
{
	return rq->who.role == PL_ROLE_SUPER;
}

/*
 * A department as JSON: {id, admin_id, company, name, description, active,
 * agent_count, created_at, created_on}, created_on being the date pages
 * show ("2026-01-31"). Caller owns it.
 */
static struct json_object *
dept_json(struct pl_req *rq, const struct pl_dept *d)
{
	struct json_object *o = json_object_new_object();
	const char         *c = d->created_at ? d->created_at : "";

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
	pl_json_set_str(o, "created_on",
	    strlen(c) >= 10 ? pl_arena_strndup(rq->arena, c, 10) : "");
	return o;
}

/*
 * Who the page is for (is_super) and, when sel >= 0, the super admin's
 * admin picker (admins, each with "selected" when its id is sel): what only
 * the page shows.
 */
static enum pl_err
page_admins(struct pl_req *rq, struct pl_resp *rs, int64_t sel)
{
	struct json_object *o = pl_resp_view(rs);
	struct pl_option   *v;
	size_t              n;
	enum pl_err         er;

	pl_json_set_bool(o, "is_super", is_super(rq));
	if (!is_super(rq) || sel < 0)
		return PL_OK;
	if ((er = pl_dept_admin_options(
	         pl_req_db(rq), rq->arena, &rq->who, sel, &v, &n)) != PL_OK)
		return er;
	json_object_object_add(o, "admins", pl_pick_admins(v, n));
	return PL_OK;
}

/*
 * GET /departments, GET /api/departments ?q= ?sort=name|created|agents
 * ?dir= ?limit= ?next= ?admin_id=
 * 200 {items: [department...], next}; the super admin sees every tenant's
 * (or one admin's with ?admin_id=), an admin its own. 400 bad list
 * parameters; 404 an admin_id that is not an admin, or not the caller's.
 */
static enum pl_err
dept_list(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *items, *o;
	struct pl_dept     *v;
	struct pl_list      l;
	size_t              n;
	int64_t             aid = id_arg(pl_query(rq, "admin_id"));
	enum pl_err         er;

	pl_resp_page(rs, "departments_list", "Departments");
	if ((er = page_admins(rq, rs, aid > 0 ? aid : 0)) != PL_OK)
		return er;
	if ((er = pl_list_parse(rq, pl_dept_sorts, &l)) != PL_OK)
		return er;
	if (aid < 0)
		return pl_in_fail(rq, "admin_id", "admin_id is an admin's id.");
	if ((er = pl_dept_list(
	         pl_req_db(rq), rq->arena, &rq->who, aid, &l, &v, &n)) != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, dept_json(rq, &v[i]));
	pl_list_reply(rq, rs, &l, items);
	o = pl_resp_view(rs);
	pl_json_set_str(o, "back", pl_list_href(rq));
	if (aid > 0)
		pl_json_set_i64(o, "admin_id", aid);
	pl_json_set_str(o, "new_href",
	    aid > 0 ? pl_arena_printf(rq->arena,
	                  "/departments/new?admin_id=%lld", (long long)aid)
	            : "/departments/new");
	return PL_OK;
}

/* The form page: create (d NULL) or edit d; sel is the admin to show
 * selected in the super admin's picker. The fields start from d's. */
static enum pl_err
form_page(
    struct pl_req *rq, struct pl_resp *rs, const struct pl_dept *d, int64_t sel)
{
	struct json_object *o, *v;
	enum pl_err         er;

	pl_resp_page(
	    rs, "departments_form", d ? "Edit department" : "New department");
	/* An edit shows the admin; only a create picks one. */
	if ((er = page_admins(rq, rs, d ? -1 : sel > 0 ? sel : 0)) != PL_OK)
		return er;
	o = pl_resp_view(rs);
	if (d != NULL) {
		pl_json_set_bool(o, "edit", 1);
		pl_json_set_i64(o, "id", d->id);
		pl_json_set_str(o, "action",
		    pl_arena_printf(
		        rq->arena, "/departments/%lld", (long long)d->id));
		pl_json_set_str(o, "cancel_href",
		    pl_arena_printf(
		        rq->arena, "/departments/%lld", (long long)d->id));
		pl_json_set_str(o, "admin_label",
		    *d->company ? pl_arena_printf(rq->arena, "%s (%s)",
		                      d->admin_name, d->company)
		                : d->admin_name);
		v = json_object_new_object();
		pl_json_set_str(v, "name", d->name);
		pl_json_set_str(v, "description", d->description);
		pl_resp_form(rs, v);
	} else {
		pl_json_set_str(o, "action", "/departments");
		pl_json_set_str(o, "cancel_href", "/departments");
		pl_json_set_str(o, "admin_label", rq->who.name);
	}
	return PL_OK;
}

/*
 * GET /departments/new ?admin_id=
 * 200 the form (the super admin's picker preselects admin_id).
 */
static enum pl_err
dept_new(struct pl_req *rq, struct pl_resp *rs)
{
	return form_page(rq, rs, NULL, id_arg(pl_query(rq, "admin_id")));
}

/* Read a create's or an update's fields as typed (the rules are the
 * domain's): admin_id, name and description only. On update, a field not
 * sent keeps its value. Errors are recorded on rq->errs. */
static void
dept_read(struct pl_req *rq, bool create, struct pl_dept_in *in)
{
	static const char *const fields[] = { "admin_id", "name", "description",
		NULL };

	memset(in, 0, sizeof(*in));
	/* An unknown field has no place beside the form's fields: its
	 * message also goes to the top of the form. */
	if (pl_in_only(rq, fields) != PL_OK && rq->errs.n > 0)
		pl_in_fail(rq, NULL, rq->errs.v[0].msg);
	pl_in_id(
	    rq, "admin_id", 0, "Choose an admin from the list.", &in->admin_id);
	if (create || pl_in_has(rq, "name"))
		pl_in_text(
		    rq, "name", "Department name", 0, PL_MAX_FIELD, &in->name);
	if (create || pl_in_has(rq, "description"))
		pl_in_text(rq, "description", "Description", PL_MULTILINE,
		    PL_MAX_FIELD, &in->description);
}

/* After a write: the JSON twin gets the department as it now is; a form
 * goes to href (the department, or the list it came from). */
static enum pl_err
dept_saved(struct pl_req *rq, struct pl_resp *rs, int64_t id, const char *href,
    bool created)
{
	struct pl_dept d;
	enum pl_err    er;

	if ((er = pl_dept_get(pl_req_db(rq), rq->arena, &rq->who, id, &d)) !=
	    PL_OK)
		return er;
	if (href == NULL)
		href = pl_arena_printf(
		    rq->arena, "/departments/%lld", (long long)id);
	if (created)
		pl_resp_created(rs, dept_json(rq, &d), href, NULL);
	else
		pl_resp_saved(rs, dept_json(rq, &d), href, NULL);
	return PL_OK;
}

/*
 * POST /departments, POST /api/departments {admin_id, name, description}
 * HTML: 303 to the new department; JSON: 201 the department. 400 a bad or
 * unknown field (named; admin_id is required of the super admin); 404 an
 * admin_id that is not an admin, or not the caller's; 409 the name is taken
 * in that tenant.
 */
static enum pl_err
dept_create(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_dept_in in;
	int64_t           id;
	enum pl_err       er, ef;

	pl_resp_page(rs, "departments_form", "New department");
	dept_read(rq, true, &in);
	er = pl_dept_create(
	    pl_req_db(rq), rq->arena, &rq->who, &in, &rq->errs, &id);
	if (er == PL_OK)
		return dept_saved(rq, rs, id, NULL, true);
	/* The form again, its picker on the admin chosen. */
	if ((ef = form_page(rq, rs, NULL, in.admin_id)) != PL_OK)
		return ef;
	return er;
}

/*
 * GET /departments/:id, GET /api/departments/:id
 * 200 the department, with admin_name and its agents [{id, first_name,
 * last_name, name, email, supervisor}]; 404 no such department in reach.
 */
static enum pl_err
dept_show(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object   *o, *agents;
	struct pl_dept_agent *v;
	struct pl_dept        d;
	size_t                n;
	int64_t               id;
	enum pl_err           er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_dept_get(pl_req_db(rq), rq->arena, &rq->who, id, &d)) !=
	        PL_OK ||
	    (er = pl_dept_agents(pl_req_db(rq), rq->arena, &d, &v, &n)) !=
	        PL_OK)
		return er;
	pl_resp_page(rs, "departments_show", "Department");
	agents = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *g = json_object_new_object();

		pl_json_set_i64(g, "id", v[i].id);
		pl_json_set_str(g, "first_name", v[i].first_name);
		pl_json_set_str(g, "last_name", v[i].last_name);
		pl_json_set_str(g, "name",
		    pl_arena_printf(
		        rq->arena, "%s %s", v[i].first_name, v[i].last_name));
		pl_json_set_str(g, "email", v[i].email);
		pl_json_set_bool(g, "supervisor", v[i].supervisor);
		json_object_array_add(agents, g);
	}
	o = dept_json(rq, &d);
	pl_json_set_str(o, "admin_name", d.admin_name);
	pl_json_set_bool(o, "agents_more", d.agent_count > (int64_t)n);
	json_object_object_add(o, "agents", agents);
	pl_resp_set(rs, o);
	pl_json_set_bool(pl_resp_view(rs), "is_super", is_super(rq));
	return PL_OK;
}

/*
 * GET /departments/:id/edit
 * 200 the form filled with the department; 404 no such department in reach.
 */
static enum pl_err
dept_edit(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_dept d;
	int64_t        id;
	enum pl_err    er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_dept_get(pl_req_db(rq), rq->arena, &rq->who, id, &d)) !=
	        PL_OK)
		return er;
	return form_page(rq, rs, &d, 0);
}

/*
 * POST /departments/:id, PUT /api/departments/:id {name, description,
 * admin_id}: the fields sent change (the form sends both). HTML: 303 to the
 * department; JSON: 200 the department. 400 a bad or unknown field (named),
 * or another admin's id from the super admin (a department never moves);
 * 404 no such department in reach, or an admin_id not the caller's; 409 the
 * name is taken in the tenant.
 */
static enum pl_err
dept_update(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_dept_in in;
	struct pl_dept    d;
	int64_t           id;
	enum pl_err       er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_dept_get(pl_req_db(rq), rq->arena, &rq->who, id, &d)) !=
	        PL_OK ||
	    (er = form_page(rq, rs, &d, 0)) != PL_OK)
		return er;
	dept_read(rq, false, &in);
	if ((er = pl_dept_update(pl_req_db(rq), rq->arena, &rq->who, id, &in,
	         &rq->errs)) != PL_OK)
		return er;
	return dept_saved(rq, rs, id, NULL, false);
}

static enum pl_err
set_active(struct pl_req *rq, struct pl_resp *rs, bool active)
{
	static const char *const fields[] = { "back", NULL };
	struct pl_dept           d;
	int64_t                  id;
	enum pl_err              er;

	/* Out of reach is a 404 whatever the body says. */
	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_dept_get(pl_req_db(rq), rq->arena, &rq->who, id, &d)) !=
	        PL_OK ||
	    (er = pl_in_only(rq, fields)) != PL_OK ||
	    (er = pl_dept_set_active(
	         pl_req_db(rq), rq->arena, &rq->who, id, active)) != PL_OK)
		return er;
	return dept_saved(rq, rs, id,
	    pl_in_back(pl_kv_get(&rq->form, "back"), "/departments",
	        pl_arena_printf(rq->arena, "/departments/%lld", (long long)id)),
	    false);
}

/*
 * POST /departments/:id/activate {back}, POST /api/departments/:id/activate
 * HTML: 303 back; JSON: 200 the department (active). 404 no such
 * department in reach. Already active: nothing changes, nothing is audited.
 */
static enum pl_err
dept_activate(struct pl_req *rq, struct pl_resp *rs)
{
	return set_active(rq, rs, true);
}

/*
 * POST /departments/:id/deactivate {back},
 * POST /api/departments/:id/deactivate
 * As activate; an inactive department leaves the agents' pickers.
 */
static enum pl_err
dept_deactivate(struct pl_req *rq, struct pl_resp *rs)
{
	return set_active(rq, rs, false);
}
