/* admins.c: /admins and /api/admins -- the businesses on Parley, for the
 * super admin: list, create, show, edit, block and unblock. The rules and
 * the SQL are lib/admin.c's; these handlers turn requests into its calls
 * and answer as a page or, under /api/, as JSON. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

#include "admin.h"
#include "escape.h"

static pl_handler admins_list, admins_new, admins_create, admins_show,
    admins_edit, admins_update, admins_block, admins_unblock;

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

/* The admin named by the path's {id}, as data.admin (HTML) or as the
 * reply (JSON). PL_ENOTFOUND when it is not an admin's id. */
static enum pl_err
admin_load(
    struct pl_req *rq, struct pl_resp *rs, int64_t *id, struct pl_admin *a)
{
	enum pl_err er;

	if ((er = pl_path_id(rq, "id", id)) != PL_OK ||
	    (er = pl_admin_get(rq, *id, a)) != PL_OK)
		return er;
	if (rq->api)
		pl_resp_set(rs, pl_admin_json(rq, a));
	else
		json_object_object_add(
		    pl_resp_obj(rs), "admin", pl_admin_json(rq, a));
	return PL_OK;
}

static const char *
admin_href(struct pl_req *rq, int64_t id)
{
	return pl_arena_printf(rq->arena, "/admins/%lld", (long long)id);
}

/* This list page's own address (its search, order and page), for the row
 * forms to come back to. */
static const char *
list_href(struct pl_req *rq)
{
	struct pl_buf b;

	pl_buf_init(&b, rq->arena);
	pl_buf_puts(&b, "/admins");
	for (size_t i = 0; i < rq->query.n; i++) {
		pl_buf_putc(&b, i == 0 ? '?' : '&');
		pl_url_arg(&b, rq->query.v[i].key, strlen(rq->query.v[i].key));
		pl_buf_putc(&b, '=');
		pl_url_arg(&b, rq->query.v[i].val, rq->query.v[i].vlen);
	}
	return pl_buf_cstr(&b);
}

/* A "back" a row form sent: the admin list, with percent-encoded
 * parameters only; anything else goes to the admin's page. */
static const char *
back_path(const char *back, const char *fallback)
{
	if (back == NULL || strlen(back) > 1000 ||
	    strncmp(back, "/admins", 7) != 0 ||
	    (back[7] != '\0' && back[7] != '?'))
		return fallback;
	if (strspn(back + 7,
	        "?&=%+-._~ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(back + 7))
		return fallback;
	return back;
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
	struct pl_list      l;
	enum pl_err         er;

	pl_resp_page(rs, "admins_list", "Admins");
	if ((er = pl_list_parse(rq, pl_admin_sorts, &l)) != PL_OK ||
	    (er = pl_admin_list(rq, &l, &items)) != PL_OK)
		return er;
	pl_list_reply(rq, rs, &l, items);
	if (!rq->api)
		pl_json_set_str(pl_resp_obj(rs), "back", list_href(rq));
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
	struct pl_admin    a;
	int64_t            id;
	enum pl_err        er;

	pl_resp_page(rs, "admins_form", "New admin");
	if ((er = pl_admin_input(rq, true, &in)) != PL_OK ||
	    (er = pl_admin_create(rq, &in, &id)) != PL_OK)
		return er;
	if (rq->api) {
		if ((er = pl_admin_get(rq, id, &a)) != PL_OK)
			return er;
		pl_resp_set(rs, pl_admin_json(rq, &a));
		pl_resp_status(rs, 201);
		return PL_OK;
	}
	pl_resp_redirect(rs, admin_href(rq, id), "Saved.");
	return PL_OK;
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

	if ((er = admin_load(rq, rs, &id, &a)) != PL_OK)
		return er;
	pl_resp_page(rs, "admins_show",
	    pl_arena_printf(rq->arena, "%s %s", a.first_name, a.last_name));
	return PL_OK;
}

/*
 * GET /admins/{id}/edit
 * 200 the form filled with the admin; 404 when {id} is not an admin's.
 */
static enum pl_err
admins_edit(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *v;
	struct pl_admin     a;
	int64_t             id;
	enum pl_err         er;

	if ((er = admin_load(rq, rs, &id, &a)) != PL_OK)
		return er;
	pl_resp_page(rs, "admins_form", "Edit admin");
	/* The stored values fill the form; after a refused POST the typed
	 * ones (form.values) do. */
	v = json_object_new_object();
	pl_json_set_str(v, "first_name", a.first_name);
	pl_json_set_str(v, "last_name", a.last_name);
	pl_json_set_str(v, "company", a.company);
	pl_json_set_str(v, "phone", a.phone);
	json_object_object_add(pl_resp_obj(rs), "values", v);
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
	if ((er = admin_load(rq, rs, &id, &a)) != PL_OK)
		return er;
	pl_resp_page(rs, "admins_form", "Edit admin");
	if ((er = pl_admin_input(rq, false, &in)) != PL_OK ||
	    (er = pl_admin_update(rq, id, &in)) != PL_OK)
		return er;
	if (rq->api) {
		if ((er = pl_admin_get(rq, id, &a)) != PL_OK)
			return er;
		pl_resp_set(rs, pl_admin_json(rq, &a));
		return PL_OK;
	}
	pl_resp_redirect(rs, admin_href(rq, id), "Saved.");
	return PL_OK;
}

/* Block or unblock the admin of the path's {id}. A JSON body has no
 * fields; a form may say where to go back to (the list it was on). */
static enum pl_err
block_set(struct pl_req *rq, struct pl_resp *rs, bool blocked)
{
	static const char *const none[] = { NULL };
	static const char *const form[] = { "back", NULL };
	const char              *back;
	struct pl_admin          a;
	int64_t                  id;
	enum pl_err              er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	pl_in_only(rq, rq->api ? none : form);
	pl_in_text(rq, "back", "Back", 0, 1000, &back);
	if ((er = pl_in_check(rq)) != PL_OK ||
	    (er = pl_admin_set_blocked(rq, id, blocked)) != PL_OK)
		return er;
	if (rq->api) {
		if ((er = pl_admin_get(rq, id, &a)) != PL_OK)
			return er;
		pl_resp_set(rs, pl_admin_json(rq, &a));
		return PL_OK;
	}
	pl_resp_redirect(rs, back_path(back, admin_href(rq, id)), "Saved.");
	return PL_OK;
}

/*
 * POST /admins/{id}/block, POST /api/admins/{id}/block
 * Blocks the admin's company: the admin and its agents are signed out at
 * their next request and cannot sign in. HTML: 303 to /admins/{id} (or
 * to the list given as "back"). JSON: 200 the admin. 400 any body field; 404
 * when {id} is not an admin's.
 */
static enum pl_err
admins_block(struct pl_req *rq, struct pl_resp *rs)
{
	return block_set(rq, rs, true);
}

/*
 * POST /admins/{id}/unblock, POST /api/admins/{id}/unblock
 * Lets the admin and its agents sign in again. HTML: 303 to /admins/{id} (or
 * the list given as "back"). JSON: 200 the admin. 400 any body field; 404 when
 * {id} is not an admin's.
 */
static enum pl_err
admins_unblock(struct pl_req *rq, struct pl_resp *rs)
{
	return block_set(rq, rs, false);
}
