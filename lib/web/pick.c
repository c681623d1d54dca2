/* pick.c: pickers as JSON. */
/* SPDX-License-Identifier: MIT */
#include <json-c/json.h>

#include "contact.h"
#include "listing.h"
#include "pick.h"
#include "pl_json.h"
#include "req.h"
#include "resp.h"

struct json_object *
pl_pick_admin(const struct pl_option *o)
{
	struct json_object *j = json_object_new_object();

	pl_json_set_i64(j, "id", o->id);
	pl_json_set_str(j, "name", o->name);
	pl_json_set_str(j, "company", o->detail ? o->detail : "");
	pl_json_set_bool(j, "selected", o->selected);
	return j;
}

struct json_object *
pl_pick_admins(const struct pl_option *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, pl_pick_admin(&v[i]));
	return a;
}

struct json_object *
pl_pick_agent(const struct pl_contact_agent *a)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", a->id);
	pl_json_set_str(o, "first_name", a->first_name);
	pl_json_set_str(o, "last_name", a->last_name);
	pl_json_set_str(o, "email", a->email);
	pl_json_set_str(o, "company", a->company);
	return o;
}

enum pl_err
pl_pick_agents_reply(
    struct pl_req *rq, struct pl_resp *rs, const struct pl_pick_agents *p)
{
	struct pl_contact_agent *av;
	struct json_object      *items, *v;
	struct pl_list           l;
	size_t                   n;
	enum pl_err              er;

	pl_resp_page(rs, "agents_pick", p->title);
	v = json_object_new_object();
	pl_json_set_str(v, "lead", p->lead);
	pl_json_set_str(v, "action", p->action);
	pl_json_set_str(v, "href", p->href);
	pl_json_set_str(v, "label", p->label);
	if (p->empty != NULL)
		pl_json_set_str(v, "empty", p->empty);
	json_object_object_add(pl_resp_view(rs), "pick", v);
	if ((er = pl_list_parse(rq, pl_contact_agent_sorts, &l)) != PL_OK ||
	    (er = pl_contact_agent_list(
	         pl_req_db(rq), rq->arena, &rq->who, &l, &av, &n)) != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, pl_pick_agent(&av[i]));
	pl_list_reply(rq, rs, &l, items);
	return PL_OK;
}
