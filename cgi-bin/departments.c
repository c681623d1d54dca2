/* departments.c: /departments and /api/departments -- the teams of a
 * tenant: list, create, show, edit, activate and deactivate. The super
 * admin picks the admin (so the tenant) first; an admin manages its own.
 * The rules and the SQL live in lib/dept.c; this file turns requests into
 * those calls and fills the pages. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

#include "admin.h"
#include "dept.h"
#include "escape.h"

static pl_handler dept_list, dept_new, dept_create, dept_show, dept_edit,
    dept_update, dept_activate, dept_deactivate;

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

/*
 * Who the page is for (data.is_super) and, when sel >= 0, the super admin's
 * admin picker (data.admins, each with "selected" when its id is sel).
 * HTML only: JSON replies carry just the department.
 */
static enum pl_err
page_admins(struct pl_req *rq, struct pl_resp *rs, int64_t sel)
{
	struct json_object *o = pl_resp_obj(rs), *admins;
	enum pl_err         er;

	if (rq->api)
		return PL_OK;
	pl_json_set_bool(o, "is_super", rq->sess->role == PL_ROLE_SUPER);
	if (rq->sess->role != PL_ROLE_SUPER || sel < 0)
		return PL_OK;
	if ((er = pl_dept_admin_pick(rq, sel, &admins)) != PL_OK)
		return er;
	json_object_object_add(o, "admins", admins);
	return PL_OK;
}

/* For pages: the date part of created_at ("2026-01-31"). */
static void
created_on(struct json_object *o)
{
	struct json_object *v;
	const char         *s;

	if (json_object_object_get_ex(o, "created_at", &v) &&
	    (s = json_object_get_string(v)) != NULL && strlen(s) >= 10) {
		char day[11];

		memcpy(day, s, 10);
		day[10] = '\0';
		pl_json_set_str(o, "created_on", day);
	}
}

/* This page's path and query, for action forms to come back to. */
static const char *
here(struct pl_req *rq)
{
	struct pl_buf b;

	pl_buf_init(&b, rq->arena);
	pl_buf_puts(&b, rq->path);
	for (size_t i = 0; i < rq->query.n; i++) {
		pl_buf_putc(&b, i == 0 ? '?' : '&');
		pl_url_arg(&b, rq->query.v[i].key, strlen(rq->query.v[i].key));
		pl_buf_putc(&b, '=');
		pl_url_arg(&b, rq->query.v[i].val, rq->query.v[i].vlen);
	}
	return pl_buf_cstr(&b);
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
	struct json_object *items;
	struct pl_list      l;
	int64_t             aid = id_arg(pl_query(rq, "admin_id")), tid = 0;
	enum pl_err         er;

	pl_resp_page(rs, "departments_list", "Departments");
	if ((er = page_admins(rq, rs, aid > 0 ? aid : 0)) != PL_OK)
		return er;
	if ((er = pl_list_parse(rq, pl_dept_sorts, &l)) != PL_OK)
		return er;
	if (aid < 0)
		return pl_in_fail(rq, "admin_id", "admin_id is an admin's id.");
	if (aid > 0) {
		if ((er = pl_admin_tenant(pl_req_db(rq), rq->arena, &rq->who, aid, &tid)) != PL_OK)
			return er;
	} else if (rq->sess->role != PL_ROLE_SUPER)
		tid = rq->sess->tenant_id;
	if ((er = pl_dept_list(rq, tid, &l, &items)) != PL_OK)
		return er;
	if (!rq->api)
		for (size_t i = 0; i < json_object_array_length(items); i++)
			created_on(json_object_array_get_idx(items, i));
	pl_list_reply(rq, rs, &l, items);
	if (!rq->api) {
		struct json_object *o = pl_resp_obj(rs);

		pl_json_set_str(o, "back", here(rq));
		if (aid > 0)
			pl_json_set_i64(o, "admin_id", aid);
		pl_json_set_str(o, "new_href",
		    aid > 0
		        ? pl_arena_printf(rq->arena,
		              "/departments/new?admin_id=%lld", (long long)aid)
		        : "/departments/new");
	}
	return PL_OK;
}

/* The form page: create (d NULL) or edit d; sel is the admin to show
 * selected in the super admin's picker. */
static enum pl_err
form_page(
    struct pl_req *rq, struct pl_resp *rs, const struct pl_dept *d, int64_t sel)
{
	struct json_object *o;
	enum pl_err         er;

	pl_resp_page(
	    rs, "departments_form", d ? "Edit department" : "New department");
	if (rq->api)
		return PL_OK;
	/* An edit shows the admin; only a create picks one. */
	if ((er = page_admins(rq, rs, d ? -1 : sel > 0 ? sel : 0)) != PL_OK)
		return er;
	o = pl_resp_obj(rs);
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
	} else {
		pl_json_set_str(o, "action", "/departments");
		pl_json_set_str(o, "cancel_href", "/departments");
		pl_json_set_str(o, "admin_label",
		    pl_arena_printf(rq->arena, "%s %s", rq->sess->first_name,
		        rq->sess->last_name));
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

/* The department as the reply's data (JSON), with extra fields for pages. */
static void
dept_put(struct pl_resp *rs, const struct pl_dept *d)
{
	pl_resp_set(rs, pl_dept_json(d));
}

/* After a write: a form goes back (303 to back, or the department, with
 * "Saved."); a program gets the department as it now is, with status. */
static enum pl_err
dept_saved(struct pl_req *rq, struct pl_resp *rs, int64_t id, const char *back,
    int status)
{
	struct pl_dept d;
	enum pl_err    er;

	if (!rq->api) {
		pl_resp_redirect(rs,
		    back ? back
		         : pl_arena_printf(
		               rq->arena, "/departments/%lld", (long long)id),
		    "Saved.");
		return PL_OK;
	}
	if ((er = pl_dept_get(rq, id, &d)) != PL_OK)
		return er;
	dept_put(rs, &d);
	pl_resp_status(rs, status);
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
	int64_t           tid, id;
	enum pl_err       er;

	if ((er = form_page(rq, rs, NULL,
	         id_arg(pl_kv_get(&rq->form, "admin_id")))) != PL_OK)
		return er;
	if ((er = pl_dept_input(rq, 1, NULL, &in)) != PL_OK)
		return er;
	if ((er = pl_dept_tenant(rq, in.admin_id, &tid)) != PL_OK)
		return er;
	if ((er = pl_dept_create(rq, tid, &in, &id)) != PL_OK)
		return er;
	return dept_saved(rq, rs, id, NULL, 201);
}

/*
 * GET /departments/:id, GET /api/departments/:id
 * 200 the department, with admin_name and its agents [{id, first_name,
 * last_name, name, email, supervisor}]; 404 no such department in reach.
 */
static enum pl_err
dept_show(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *o, *agents;
	struct pl_dept      d;
	int64_t             id;
	enum pl_err         er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	if ((er = pl_dept_get(rq, id, &d)) != PL_OK)
		return er;
	if ((er = pl_dept_agents(rq, &d, &agents)) != PL_OK)
		return er;
	pl_resp_page(rs, "departments_show", "Department");
	dept_put(rs, &d);
	o = pl_resp_obj(rs);
	pl_json_set_str(o, "admin_name", d.admin_name);
	pl_json_set_bool(o, "agents_more",
	    d.agent_count > (int64_t)json_object_array_length(agents));
	json_object_object_add(o, "agents", agents);
	if (!rq->api) {
		pl_json_set_bool(
		    o, "is_super", rq->sess->role == PL_ROLE_SUPER);
		created_on(o);
	}
	return PL_OK;
}

/*
 * GET /departments/:id/edit
 * 200 the form filled with the department; 404 no such department in reach.
 */
static enum pl_err
dept_edit(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *v;
	struct pl_dept      d;
	int64_t             id;
	enum pl_err         er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	if ((er = pl_dept_get(rq, id, &d)) != PL_OK)
		return er;
	if ((er = form_page(rq, rs, &d, 0)) != PL_OK)
		return er;
	/* What the fields show before anything is typed. */
	v = json_object_new_object();
	pl_json_set_str(v, "name", d.name);
	pl_json_set_str(v, "description", d.description);
	json_object_object_add(pl_resp_obj(rs), "prefill", v);
	return PL_OK;
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

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	if ((er = pl_dept_get(rq, id, &d)) != PL_OK)
		return er;
	if ((er = form_page(rq, rs, &d, 0)) != PL_OK)
		return er;
	if ((er = pl_dept_input(rq, 0, NULL, &in)) != PL_OK)
		return er;
	if ((er = pl_dept_update(rq, &d, &in)) != PL_OK)
		return er;
	return dept_saved(rq, rs, id, NULL, 200);
}

/* Where a page's action form sends the user back: a "back" field naming a
 * /departments page (the list with its query), else the department. */
static const char *
back_path(struct pl_req *rq, int64_t id)
{
	const char *b = pl_kv_get(&rq->form, "back");
	size_t      n;

	if (b != NULL && strncmp(b, "/departments", 12) == 0 &&
	    (b[12] == '\0' || b[12] == '?' || b[12] == '/') &&
	    (n = strlen(b)) <= 400 && strstr(b, "//") == NULL) {
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)b[i] <= ' ' ||
			    (unsigned char)b[i] >= 0x7f || b[i] == '\\' ||
			    b[i] == '"' || b[i] == '\'' || b[i] == '<' ||
			    b[i] == '>')
				goto dflt;
		return b;
	}
dflt:
	return pl_arena_printf(rq->arena, "/departments/%lld", (long long)id);
}

static enum pl_err
set_active(struct pl_req *rq, struct pl_resp *rs, int active)
{
	static const char *const fields[] = { "back", NULL };
	static const char *const none[] = { NULL };
	struct pl_dept           d;
	int64_t                  id;
	enum pl_err              er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	if ((er = pl_dept_get(rq, id, &d)) != PL_OK)
		return er;
	if ((er = pl_in_only(rq, rq->api ? none : fields)) != PL_OK)
		return er;
	if ((er = pl_dept_set_active(rq, &d, active)) != PL_OK)
		return er;
	return dept_saved(rq, rs, id, back_path(rq, id), 200);
}

/*
 * POST /departments/:id/activate {back}, POST /api/departments/:id/activate
 * HTML: 303 back; JSON: 200 the department (active). 404 no such
 * department in reach. Already active: nothing changes, nothing is audited.
 */
static enum pl_err
dept_activate(struct pl_req *rq, struct pl_resp *rs)
{
	return set_active(rq, rs, 1);
}

/*
 * POST /departments/:id/deactivate {back},
 * POST /api/departments/:id/deactivate
 * As activate; an inactive department leaves the agents' pickers.
 */
static enum pl_err
dept_deactivate(struct pl_req *rq, struct pl_resp *rs)
{
	return set_active(rq, rs, 0);
}
