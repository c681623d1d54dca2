/* admins.c: /admins and /api/admins -- the businesses on Parley, for the
 * super admin: list, create, show, edit, block and unblock. The rules and
 * the SQL are lib/domain/admin.c's; these handlers read the input, call
 * it, and answer as a page or, under /api/, as JSON. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

#include "admin.h"
#include "escape.h"

static pl_handler admins_list, admins_new, admins_create, admins_show,
    admins_edit, admins_update, admins_block, admins_unblock;

/* clang-format off */
static const struct pl_route routes[] = {
	{ "/admins", admins_list, PL_ROLE_SUPER, .html = PL_GET, .api = PL_GET },
	{ "/admins/new", admins_new, PL_ROLE_SUPER, .html = PL_GET },
	{ "/admins", admins_create, PL_ROLE_SUPER, .html = PL_POST, .api = PL_POST, .form = "admins_form", .title = "New admin" },
	{ "/admins/:id", admins_show, PL_ROLE_SUPER, .html = PL_GET, .api = PL_GET },
	{ "/admins/:id/edit", admins_edit, PL_ROLE_SUPER, .html = PL_GET },
	{ "/admins/:id", admins_update, PL_ROLE_SUPER, .html = PL_POST, .api = PL_PUT },
	{ "/admins/:id/block", admins_block, PL_ROLE_SUPER, .html = PL_POST, .api = PL_POST },
	{ "/admins/:id/unblock", admins_unblock, PL_ROLE_SUPER, .html = PL_POST, .api = PL_POST },
};
/* clang-format on */

PL_NAV(20, "/admins", "Admins", PL_ROLE_SUPER);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "admins",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_admin_sql },
		.threads = 4,
	};

	return pl_app_main(&app, argc, argv);
}

/*
 * An admin as JSON: {id, first_name, last_name, email, company, phone,
 * blocked, agent_count, created_at, created_label}, created_label being the
 * date pages show ("Jan 2, 2026"), in the list's rows as on the admin's
 * page. Caller owns it.
 */
static struct json_object *
admin_json(struct pl_req *rq, const struct pl_admin *a)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", a->id);
	pl_json_set_str(o, "first_name", a->first_name);
	pl_json_set_str(o, "last_name", a->last_name);
	pl_json_set_str(o, "email", a->email);
	pl_json_set_str(o, "company", a->company);
	pl_json_set_str(o, "phone", a->phone);
	pl_json_set_bool(o, "blocked", a->blocked);
	pl_json_set_i64(o, "agent_count", a->agent_count);
	pl_json_set_time(o, "created_at", a->created_at);
	pl_json_set_str(
	    o, "created_label", pl_date_label(rq->arena, a->created_at));
	return o;
}

/* The fields of a create and of an update: an e-mail never changes, so
 * sending it on update is refused as an unknown field, like a role or a
 * tenant_id anywhere. */
static const char *const create_fields[] = { "first_name", "last_name", "email",
	"company", "phone", NULL };
static const char *const update_fields[] = { "first_name", "last_name",
	"company", "phone", NULL };

/* Read a create's or an update's fields as typed; the rules are the
 * domain's. Errors are recorded on rq->errs. */
static void
admin_read(struct pl_req *rq, bool create, struct pl_admin_in *in)
{
	memset(in, 0, sizeof(*in));
	/* First, so a role, a tenant_id or an e-mail on update is the error
	 * named: the caller is trying to set what it may not. */
	pl_in_only(rq, create ? create_fields : update_fields);
	pl_in_text(
	    rq, "first_name", "First name", 0, PL_MAX_FIELD, &in->first_name);
	pl_in_text(
	    rq, "last_name", "Last name", 0, PL_MAX_FIELD, &in->last_name);
	if (create)
		pl_in_text(rq, "email", "E-mail", 0, PL_MAX_FIELD, &in->email);
	pl_in_text(rq, "company", "Company", 0, PL_MAX_FIELD, &in->company);
	pl_in_text(rq, "phone", "Phone", 0, PL_MAX_FIELD, &in->phone);
}

/* The admin named by the path's {id}. */
static enum pl_err
admin_load(struct pl_req *rq, int64_t *id, struct pl_admin *a)
{
	enum pl_err er;

	if ((er = pl_path_id(rq, "id", id)) != PL_OK)
		return er;
	return pl_admin_get(pl_req_db(rq), rq->arena, &rq->who, *id, a);
}

/* The admin id as saved, for the reply to a write. */
static enum pl_err
admin_saved(struct pl_req *rq, struct pl_resp *rs, int64_t id, const char *href,
    bool created)
{
	struct pl_admin a;
	enum pl_err     er;

	if ((er = pl_admin_get(pl_req_db(rq), rq->arena, &rq->who, id, &a)) !=
	    PL_OK)
		return er;
	if (created)
		pl_resp_created(rs, admin_json(rq, &a), href, NULL);
	else
		pl_resp_saved(rs, admin_json(rq, &a), href, NULL);
	return PL_OK;
}

static const char *
admin_href(struct pl_req *rq, int64_t id)
{
	return pl_arena_printf(rq->arena, "/admins/%lld", (long long)id);
}

/*
 * GET /admins, GET /api/admins ?q= ?sort=name|email|company|created ?dir=
 * ?limit= ?next=
 * 200 {"items":[admin...], "next"}; 400 a bad list parameter, named.
 */
static enum pl_err
admins_list(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *items;
	struct pl_admin    *v;
	struct pl_list      l;
	size_t              n;
	enum pl_err         er;

	pl_resp_page(rs, "admins_list", "Admins");
	if ((er = pl_list_parse(rq, pl_admin_sorts, &l)) != PL_OK ||
	    (er = pl_admin_list(
	         pl_req_db(rq), rq->arena, &rq->who, &l, &v, &n)) != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, admin_json(rq, &v[i]));
	pl_list_reply(rq, rs, &l, items);
	pl_json_set_str(pl_resp_view(rs), "back", pl_list_href(rq));
	return PL_OK;
}

/*
 * GET /admins/new
 * 200 the empty form.
 */
static enum pl_err
admins_new(struct pl_req *rq, struct pl_resp *rs)
{
	(void)rq;
	pl_resp_page(rs, "admins_form", "New admin");
	return PL_OK;
}

/*
 * POST /admins, POST /api/admins
 * {first_name, last_name, email, company, phone}
 * Creates the company and its admin, who is e-mailed a link to set a
 * password. HTML: 303 to /admins/{id}. JSON: 201 the admin. 400 bad input
 * or an unknown field (role, tenant_id...), named; 409 e-mail taken.
 */
static enum pl_err
admins_create(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_admin_in in;
	int64_t            id;
	enum pl_err        er;

	pl_resp_page(rs, "admins_form", "New admin");
	admin_read(rq, true, &in);
	if ((er = pl_admin_create(pl_req_db(rq), rq->arena, &rq->who, &in,
	         &rq->errs, &id)) != PL_OK)
		return er;
	return admin_saved(rq, rs, id, admin_href(rq, id), true);
}

/*
 * GET /admins/{id}, GET /api/admins/{id}
 * 200 the admin; 404 when {id} is not an admin's.
 */
static enum pl_err
admins_show(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_admin a;
	int64_t         id;
	enum pl_err     er;

	if ((er = admin_load(rq, &id, &a)) != PL_OK)
		return er;
	pl_resp_page(rs, "admins_show",
	    pl_arena_printf(rq->arena, "%s %s", a.first_name, a.last_name));
	pl_resp_put(rs, "admin", admin_json(rq, &a));
	return PL_OK;
}

/* The edit form's page: the admin (data.admin: its name, e-mail and
 * links) and the fields as saved, under what a refused POST typed. */
static void
edit_page(struct pl_req *rq, struct pl_resp *rs, const struct pl_admin *a)
{
	struct json_object *v = json_object_new_object();

	pl_resp_page(rs, "admins_form", "Edit admin");
	json_object_object_add(pl_resp_view(rs), "admin", admin_json(rq, a));
	pl_json_set_str(v, "first_name", a->first_name);
	pl_json_set_str(v, "last_name", a->last_name);
	pl_json_set_str(v, "company", a->company);
	pl_json_set_str(v, "phone", a->phone);
	pl_resp_form(rs, v);
}

/*
 * GET /admins/{id}/edit
 * 200 the form filled with the admin; 404 when {id} is not an admin's.
 */
static enum pl_err
admins_edit(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_admin a;
	int64_t         id;
	enum pl_err     er;

	if ((er = admin_load(rq, &id, &a)) != PL_OK)
		return er;
	edit_page(rq, rs, &a);
	return PL_OK;
}

/*
 * POST /admins/{id}, PUT /api/admins/{id}
 * {first_name, last_name, company, phone}
 * HTML: 303 to /admins/{id}. JSON: 200 the admin. 400 bad input or an
 * unknown field, named (an "email" too: it never changes); 404 when {id}
 * is not an admin's.
 */
static enum pl_err
admins_update(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_admin_in in;
	struct pl_admin    a;
	int64_t            id;
	enum pl_err        er;

	/* The admin first: the page shows its e-mail, and a missing one is a
	 * 404 whatever the body says. */
	if ((er = admin_load(rq, &id, &a)) != PL_OK)
		return er;
	edit_page(rq, rs, &a);
	admin_read(rq, false, &in);
	if ((er = pl_admin_update(pl_req_db(rq), rq->arena, &rq->who, id, &in,
	         &rq->errs)) != PL_OK)
		return er;
	return admin_saved(rq, rs, id, admin_href(rq, id), false);
}

/* Block or unblock the admin of the path's {id}. The body may say where
 * to go back to (a row form: the list it was on); nothing else. */
static enum pl_err
block_set(struct pl_req *rq, struct pl_resp *rs, bool blocked)
{
	static const char *const fields[] = { "back", NULL };
	const char              *back;
	int64_t                  id;
	enum pl_err              er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	pl_in_only(rq, fields);
	pl_in_text(rq, "back", "Back", 0, 1000, &back);
	if ((er = pl_in_check(rq)) != PL_OK ||
	    (er = pl_admin_set_blocked(
	         pl_req_db(rq), rq->arena, &rq->who, id, blocked)) != PL_OK)
		return er;
	return admin_saved(
	    rq, rs, id, pl_in_back(back, "/admins", admin_href(rq, id)), false);
}

/*
 * POST /admins/{id}/block, POST /api/admins/{id}/block
 * Blocks the admin's company: the admin and its agents are signed out at
 * their next request and cannot sign in. HTML: 303 to /admins/{id} (or
 * to the list given as "back"). JSON: 200 the admin. 400 a body field
 * other than "back"; 404 when {id} is not an admin's.
 */
static enum pl_err
admins_block(struct pl_req *rq, struct pl_resp *rs)
{
	return block_set(rq, rs, true);
}

/*
 * POST /admins/{id}/unblock, POST /api/admins/{id}/unblock
 * Lets the admin and its agents sign in again. HTML: 303 to /admins/{id} (or
 * the list given as "back"). JSON: 200 the admin. 400 a body field other
 * than "back"; 404 when {id} is not an admin's.
 */
static enum pl_err
admins_unblock(struct pl_req *rq, struct pl_resp *rs)
{
	return block_set(rq, rs, false);
}
