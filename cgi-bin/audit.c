/* audit.c: /audit and /api/audit -- the audit log: the super admin reads all
 * of it (or one admin's company with ?admin_id=), an admin its own
 * company's. The rules and the SQL are lib/domain/audit.c's. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

#include "audit.h"

static pl_handler audit_list;

static const struct pl_route routes[] = {
	{ "/audit", audit_list, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
};

PL_NAV(60, "/audit", "Audit log", PL_ROLE_ADMIN);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "audit",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_audit_sql },
		.threads = 4,
	};

	return pl_app_main(&app, argc, argv);
}

static void
set_id_or_null(struct json_object *o, const char *k, int64_t id)
{
	if (id != 0)
		pl_json_set_i64(o, k, id);
	else
		json_object_object_add(o, k, NULL);
}

static struct json_object *
entry_json(const struct pl_audit_entry *e)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", e->id);
	set_id_or_null(o, "tenant_id", e->tenant_id);
	pl_json_set_str(o, "company", e->company);
	pl_json_set_i64(o, "actor_id", e->actor_id);
	pl_json_set_str(o, "actor_name", e->actor_name);
	pl_json_set_str(o, "actor_email", e->actor_email);
	set_id_or_null(o, "acting_as_id", e->acting_as_id);
	if (e->acting_as_id != 0)
		pl_json_set_str(o, "acting_as_name", e->acting_as_name);
	pl_json_set_str(o, "action", e->action);
	pl_json_set_str(o, "target_type", e->target_type);
	set_id_or_null(o, "target_id", e->target_id);
	pl_json_set_str(o, "summary", e->summary);
	pl_json_set_time(o, "created_at", e->created_at);
	return o;
}

/*
 * GET /audit, GET /api/audit ?admin_id= ?limit= ?next=
 * 200 {"items":[entry...], "next"}, newest first; 400 a bad parameter,
 * named; 404 an admin_id the caller may not name.
 */
static enum pl_err
audit_list(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_audit_entry *v;
	struct json_object    *items;
	struct pl_list         l;
	int64_t                aid;
	size_t                 n;
	enum pl_err            er;

	pl_resp_page(rs, "audit", "Audit log");
	if ((er = pl_list_parse(rq, pl_audit_sorts, &l)) != PL_OK ||
	    (er = pl_in_query_id(rq, "admin_id", "admin_id is an admin's id.",
	         &aid)) != PL_OK ||
	    (er = pl_audit_page(
	         pl_req_db(rq), rq->arena, &rq->who, aid, &l, &v, &n)) != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, entry_json(&v[i]));
	pl_list_reply(rq, rs, &l, items);
	/* For the page: the filter in force, and whether to offer it. */
	pl_json_set_bool(
	    pl_resp_view(rs), "is_super", rq->who.role == PL_ROLE_SUPER);
	if (aid != 0)
		pl_json_set_i64(pl_resp_view(rs), "admin_id", aid);
	return PL_OK;
}
