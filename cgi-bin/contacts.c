/* contacts.c: /contacts and /api/contacts -- the people who chat with a
 * tenant. An agent sees and adds the contacts associated with it; the super
 * admin and an admin first pick an agent (the super admin any tenant's, an
 * admin its own), then see that agent's contacts, and may view, edit and
 * add them too. The rules and the SQL are in lib/contact.c. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"
#include "contact.h"

static pl_handler contacts_index, contacts_new, contacts_create, contacts_show,
    contacts_edit, contacts_update, contacts_history;

static const struct pl_route routes[] = {
	{ "/contacts", contacts_index, PL_ROLE_AGENT, .html = PL_GET, .api = PL_GET },
	{ "/contacts/new", contacts_new, PL_ROLE_AGENT, .html = PL_GET },
	{ "/contacts", contacts_create, PL_ROLE_AGENT, .html = PL_POST, .api = PL_POST },
	{ "/contacts/:id", contacts_show, PL_ROLE_AGENT, .html = PL_GET, .api = PL_GET },
	{ "/contacts/:id/edit", contacts_edit, PL_ROLE_AGENT, .html = PL_GET },
	{ "/contacts/:id", contacts_update, PL_ROLE_AGENT, .html = PL_POST, .api = PL_PUT },
	{ "/contacts/:id/history", contacts_history, PL_ROLE_AGENT, .html = PL_GET, .api = PL_GET },
};

PL_NAV(50, "/contacts", "Contacts", PL_ROLE_AGENT);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "contacts",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_contact_sql },
		.threads = 4,
	};

	return pl_app_main(&app, argc, argv);
}

/* Does the caller pick an agent first (the super admin, an admin)? */
static bool
picks_agent(const struct pl_req *rq)
{
	return rq->sess->role >= PL_ROLE_ADMIN;
}

/* A DATETIME as the pages show it: "2026-01-31 14:05 UTC". */
static const char *
time_label(struct pl_req *rq, const char *dt)
{
	if (dt == NULL || strlen(dt) < 16)
		return NULL;
	return pl_arena_printf(rq->arena, "%.10s %.5s UTC", dt, dt + 11);
}

/* The JSON object of a contact: {id, name, email, phone, website,
 * last_connected_at, agent_ids, created_at}, plus labels for pages. */
static struct json_object *
contact_json(struct pl_req *rq, const struct pl_contact *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ids = json_object_new_array();
	const char         *p = c->agent_ids;

	pl_json_set_i64(o, "id", c->id);
	pl_json_set_str(o, "name", c->name);
	pl_json_set_str(o, "email", c->email);
	pl_json_set_str(o, "phone", c->phone);
	pl_json_set_str(o, "website", c->website);
	pl_json_set_time(o, "last_connected_at", c->last_connected_at);
	/* GROUP_CONCAT of ids: digits and commas only. */
	while (*p != '\0') {
		long long v = 0;

		for (; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (*p - '0');
		json_object_array_add(ids, json_object_new_int64(v));
		if (*p == ',')
			p++;
		else if (*p != '\0')
			break;
	}
	json_object_object_add(o, "agent_ids", ids);
	pl_json_set_time(o, "created_at", c->created_at);
	if (!rq->api) {
		pl_json_set_str(o, "last_connected_label",
		    time_label(rq, c->last_connected_at));
		pl_json_set_str(
		    o, "created_label", time_label(rq, c->created_at));
		pl_json_set_str(o, "created_on",
		    pl_arena_strndup(rq->arena, c->created_at, 10));
	}
	return o;
}

static struct json_object *
agent_json(struct pl_req *rq, const struct pl_contact_agent *a)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", a->id);
	pl_json_set_str(o, "first_name", a->first_name);
	pl_json_set_str(o, "last_name", a->last_name);
	pl_json_set_str(o, "email", a->email);
	pl_json_set_str(o, "company", a->company);
	if (!rq->api)
		pl_json_set_bool(o, "is_me", a->id == rq->sess->user_id);
	return o;
}

/* ?agent_id= as an agent the caller may see. Absent: *found is false (and
 * an agent gets itself). PL_OK; PL_ENOTFOUND for an id it may not see. */
static enum pl_err
query_agent(struct pl_req *rq, struct pl_contact_agent *a, bool *found)
{
	const char *s = pl_query(rq, "agent_id");
	long long   id;

	*found = false;
	if (s == NULL || *s == '\0') {
		if (picks_agent(rq))
			return PL_OK;
		id = rq->sess->user_id;
	} else if (pl_parse_i64(s, 1, INT64_MAX, &id) != PL_OK) {
		pl_in_fail(rq, NULL, "No such agent.");
		return PL_ENOTFOUND;
	}
	*found = true;
	return pl_contact_agent_get(rq, id, a);
}

/*
 * GET /contacts, GET /api/contacts [?agent_id=&q=&sort=&dir=&limit=&next=]
 * An agent: 200 its contacts. The super admin and an admin: without
 * agent_id, 200 the agent picker (items are agents: id, first_name,
 * last_name, email, company); with it, 200 that agent's contacts. 400 bad
 * list parameters; 404 an agent_id the caller may not see.
 */
static enum pl_err
contacts_index(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_contact_agent a, *av;
	struct pl_contact      *cv;
	struct pl_list          l;
	struct json_object     *items;
	size_t                  n;
	bool                    found;
	enum pl_err             er;

	if ((er = query_agent(rq, &a, &found)) != PL_OK)
		return er;
	if (!found) {
		pl_resp_page(rs, "contacts_agents", "Contacts");
		if ((er = pl_list_parse(rq, pl_contact_agent_sorts, &l)) !=
		    PL_OK)
			return er;
		if ((er = pl_contact_agent_list(rq, &l, &av, &n)) != PL_OK)
			return er;
		items = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(items, agent_json(rq, &av[i]));
		pl_list_reply(rq, rs, &l, items);
		return PL_OK;
	}
	pl_resp_page(rs, "contacts_list", "Contacts");
	if (!rq->api) {
		json_object_object_add(
		    pl_resp_obj(rs), "agent", agent_json(rq, &a));
		pl_json_set_bool(
		    pl_resp_obj(rs), "picks_agent", picks_agent(rq));
	}
	if ((er = pl_list_parse(rq, pl_contact_sorts, &l)) != PL_OK)
		return er;
	if ((er = pl_contact_list(rq, &a, &l, &cv, &n)) != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, contact_json(rq, &cv[i]));
	pl_list_reply(rq, rs, &l, items);
	return PL_OK;
}

/* The form page's data: new or edit, where it posts, for whom. */
static void
form_data(struct pl_req *rq, struct pl_resp *rs,
    const struct pl_contact_agent *a, const struct pl_contact *c)
{
	struct json_object *o = pl_resp_obj(rs);

	if (c != NULL) {
		pl_resp_page(rs, "contacts_form", "Edit contact");
		pl_json_set_str(o, "action",
		    pl_arena_printf(
		        rq->arena, "/contacts/%lld", (long long)c->id));
		pl_json_set_str(o, "cancel",
		    pl_arena_printf(
		        rq->arena, "/contacts/%lld", (long long)c->id));
		json_object_object_add(o, "contact", contact_json(rq, c));
		return;
	}
	pl_resp_page(rs, "contacts_form", "Add a contact");
	pl_json_set_bool(o, "new", 1);
	pl_json_set_str(o, "action", "/contacts");
	pl_json_set_str(o, "cancel", "/contacts");
	if (a != NULL) {
		json_object_object_add(o, "agent", agent_json(rq, a));
		pl_json_set_bool(o, "picks_agent", picks_agent(rq));
		pl_json_set_str(o, "cancel",
		    picks_agent(rq)
		        ? pl_arena_printf(rq->arena, "/contacts?agent_id=%lld",
		              (long long)a->id)
		        : "/contacts");
	}
}

/*
 * GET /contacts/new [?agent_id=]
 * 200 the form (for the super admin and an admin, for the agent named);
 * 303 to the agent picker without agent_id; 404 an agent it may not see.
 */
static enum pl_err
contacts_new(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_contact_agent a;
	bool                    found;
	enum pl_err             er;

	if ((er = query_agent(rq, &a, &found)) != PL_OK)
		return er;
	if (!found) {
		pl_resp_redirect(rs, "/contacts", NULL);
		return PL_OK;
	}
	form_data(rq, rs, &a, NULL);
	return PL_OK;
}

/*
 * POST /contacts, POST /api/contacts {name, email, phone, website} and, for
 * the super admin and an admin, agent_id.
 * Adds the contact in the agent's tenant and associates it with the agent;
 * one with the same e-mail (or else phone) there is associated instead, and
 * left as it was. HTML: 303 to the contact. JSON: 201 the new contact, 200
 * the existing one. 400 bad input (naming the field; unknown fields such as
 * tenant_id are refused); 404 an agent the caller may not see.
 */
static enum pl_err
contacts_create(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "name", "email", "phone",
		"website", NULL };
	static const char *const admin_fields[] = { "name", "email", "phone",
		"website", "agent_id", NULL };
	struct pl_contact_fields f;
	struct pl_contact_agent  a;
	struct pl_contact        c;
	int64_t                  aid = rq->sess->user_id, id;
	bool                     created;
	enum pl_err              er;

	form_data(rq, rs, NULL, NULL);
	pl_in_only(rq, picks_agent(rq) ? admin_fields : fields);
	if (picks_agent(rq))
		pl_in_id(rq, "agent_id", PL_REQUIRED,
		    "Choose the agent this contact is for.", &aid);
	pl_contact_input(rq, &f);
	if (aid != 0) {
		/* Another tenant's agent is one that does not exist: 404 when
		 * the rest is good, else an error beside the other fields. */
		er = pl_contact_agent_get(rq, aid, &a);
		if (er == PL_ENOTFOUND && pl_in_check(rq) == PL_OK) {
			pl_in_fail(rq, NULL, "No such agent.");
			return PL_ENOTFOUND;
		}
		if (er == PL_ENOTFOUND)
			pl_in_fail(rq, "agent_id", "No such agent.");
		else if (er != PL_OK)
			return er;
		else
			form_data(rq, rs, &a, NULL);
	}
	if ((er = pl_in_check(rq)) != PL_OK)
		return er;
	if ((er = pl_contact_create(rq, &a, &f, &id, &created)) != PL_OK)
		return er;
	if (rq->api) {
		if ((er = pl_contact_get(rq, id, &c)) != PL_OK)
			return er;
		pl_resp_set(rs, contact_json(rq, &c));
		pl_resp_status(rs, created ? 201 : 200);
		return PL_OK;
	}
	pl_resp_redirect(rs,
	    pl_arena_printf(rq->arena, "/contacts/%lld", (long long)id),
	    "Saved.");
	return PL_OK;
}

/* The contact named by the path, as the caller may see it. */
static enum pl_err
path_contact(struct pl_req *rq, struct pl_contact *c)
{
	int64_t     id;
	enum pl_err er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	if ((er = pl_contact_get(rq, id, c)) == PL_ENOTFOUND)
		pl_in_fail(rq, NULL, "No such contact.");
	return er;
}

/* Show and history pages: data.contact, and whether to show the chats. */
static enum pl_err
show_page(struct pl_req *rq, struct pl_resp *rs, bool history)
{
	struct pl_contact   c;
	struct json_object *o, *items;
	enum pl_err         er;

	pl_resp_page(rs, "contacts_show", history ? "Chat history" : "Contact");
	if ((er = path_contact(rq, &c)) != PL_OK)
		return er;
	if (rq->api && !history) {
		pl_resp_set(rs, contact_json(rq, &c));
		return PL_OK;
	}
	o = pl_resp_obj(rs);
	json_object_object_add(o, "contact", contact_json(rq, &c));
	if (!rq->api) {
		pl_json_set_bool(o, "history", history);
		pl_json_set_bool(o, "picks_agent", picks_agent(rq));
	}
	if (history) {
		/* XXX: issue 4 (the chat engine) records chats; until then a
		 * contact has none, and the list says so. */
		items = json_object_new_array();
		json_object_object_add(o, "items", items);
		json_object_object_add(o, "next", NULL);
	}
	return PL_OK;
}

/*
 * GET /contacts/:id, GET /api/contacts/:id
 * 200 the contact; 404 one the caller may not see (another tenant's, or for
 * an agent one not associated with it), the same as a missing one.
 */
static enum pl_err
contacts_show(struct pl_req *rq, struct pl_resp *rs)
{
	return show_page(rq, rs, false);
}

/*
 * GET /contacts/:id/history, GET /api/contacts/:id/history
 * 200 {contact, items: [chats], next}: the contact's chats (none until the
 * chat engine records them); 404 as for the contact.
 */
static enum pl_err
contacts_history(struct pl_req *rq, struct pl_resp *rs)
{
	return show_page(rq, rs, true);
}

/*
 * GET /contacts/:id/edit
 * 200 the form filled with the contact; 404 as for the contact.
 */
static enum pl_err
contacts_edit(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_contact c;
	enum pl_err       er;

	pl_resp_page(rs, "contacts_form", "Edit contact");
	if ((er = path_contact(rq, &c)) != PL_OK)
		return er;
	form_data(rq, rs, NULL, &c);
	pl_json_set_bool(pl_resp_obj(rs), "fill", 1);
	return PL_OK;
}

/*
 * POST /contacts/:id, PUT /api/contacts/:id {name, email, phone, website}
 * Replaces the four fields (an optional one left out is emptied). HTML: 303
 * to the contact. JSON: 200 the contact. 400 bad input naming the field;
 * 404 as for the contact; 409 an e-mail or phone another contact of the
 * tenant has.
 */
static enum pl_err
contacts_update(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "name", "email", "phone",
		"website", NULL };
	struct pl_contact_fields f;
	struct pl_contact        c;
	enum pl_err              er;

	pl_resp_page(rs, "contacts_form", "Edit contact");
	if ((er = path_contact(rq, &c)) != PL_OK)
		return er;
	form_data(rq, rs, NULL, &c);
	pl_in_only(rq, fields);
	pl_contact_input(rq, &f);
	if ((er = pl_in_check(rq)) != PL_OK)
		return er;
	if ((er = pl_contact_update(rq, &c, &f)) != PL_OK)
		return er;
	if (rq->api) {
		if ((er = pl_contact_get(rq, c.id, &c)) != PL_OK)
			return er;
		pl_resp_set(rs, contact_json(rq, &c));
		return PL_OK;
	}
	pl_resp_redirect(rs,
	    pl_arena_printf(rq->arena, "/contacts/%lld", (long long)c.id),
	    "Saved.");
	return PL_OK;
}
