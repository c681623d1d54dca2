/* contacts.c: /contacts and /api/contacts -- the people who chat with a
 * tenant. An agent sees and adds the contacts associated with it; the super
 * admin and an admin first pick an agent (the super admin any tenant's, an
 * admin its own), then see that agent's contacts, and may view, edit and
 * add them too. An agent sees its own card of a contact, an admin the
 * company's record (contact.h says why). The rules and the SQL are in
 * lib/domain/contact.c; this file reads input and shapes the JSON. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"
#include "pick.h"
#include "chat.h"
#include "contact.h"
#include "roster.h"

static pl_handler contacts_index, contacts_new, contacts_create, contacts_show,
    contacts_edit, contacts_update, contacts_history;

static const struct pl_route routes[] = {
	{ "/contacts", contacts_index, PL_ROLE_AGENT, .html = PL_GET,
	    .api = PL_GET },
	{ "/contacts/new", contacts_new, PL_ROLE_AGENT, .html = PL_GET },
	{ "/contacts", contacts_create, PL_ROLE_AGENT, .html = PL_POST,
	    .api = PL_POST },
	{ "/contacts/:id", contacts_show, PL_ROLE_AGENT, .html = PL_GET,
	    .api = PL_GET },
	{ "/contacts/:id/edit", contacts_edit, PL_ROLE_AGENT, .html = PL_GET },
	{ "/contacts/:id", contacts_update, PL_ROLE_AGENT, .html = PL_POST,
	    .api = PL_PUT },
	{ "/contacts/:id/history", contacts_history, PL_ROLE_AGENT,
	    .html = PL_GET, .api = PL_GET },
};

PL_NAV(50, "/contacts", "Contacts", PL_ROLE_AGENT);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "contacts",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_contact_sql, &pl_chat_sql, &pl_roster_sql },
		.threads = 4,
	};

	return pl_app_main(&app, argc, argv);
}

/* Does the caller pick an agent first (the super admin, an admin)? */
static bool
picks_agent(const struct pl_req *rq)
{
	return rq->who.role >= PL_ROLE_ADMIN;
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
 * last_connected_at, agent_ids, created_at}; an agent's own card has no
 * agent_ids (it never learns who else holds the contact). */
static struct json_object *
contact_json(struct pl_req *rq, const struct pl_contact *c)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", c->id);
	pl_json_set_str(o, "name", c->name);
	pl_json_set_str(o, "email", c->email);
	pl_json_set_str(o, "phone", c->phone);
	pl_json_set_str(o, "website", c->website);
	pl_json_set_time(o, "last_connected_at", c->last_connected_at);
	if (!c->card) {
		struct json_object *ids = json_object_new_array();

		for (size_t i = 0; i < c->nagent_ids; i++)
			json_object_array_add(
			    ids, json_object_new_int64(c->agent_ids[i]));
		json_object_object_add(o, "agent_ids", ids);
	}
	pl_json_set_time(o, "created_at", c->created_at);
	/* The one test of the twin in this file: the pages' date labels go
	 * inside each object, since a list's items are one array for both twins
	 * and pl_resp_view merges only top-level keys; the API keeps its shape.
	 */
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

/* A contact's four fields as text: their shape only (strings, bounded, no
 * control characters); the rules are the domain's. */
static void
contact_read(struct pl_req *rq, struct pl_contact_input *in)
{
	pl_in_text(rq, "name", "Name", 0, PL_CONTACT_NAME_MAX, &in->name);
	pl_in_text(rq, "email", "E-mail", 0, PL_EMAIL_MAX, &in->email);
	pl_in_text(rq, "phone", "Phone", 0, PL_PHONE_MAX, &in->phone);
	pl_in_text(rq, "website", "Website", 0, PL_WEBSITE_MAX, &in->website);
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
		id = rq->who.user_id;
	} else if (pl_parse_i64(s, 1, INT64_MAX, &id) != PL_OK) {
		pl_in_fail(rq, NULL, "No such agent.");
		return PL_ENOTFOUND;
	}
	*found = true;
	return pl_contact_agent_get(pl_req_db(rq), rq->arena, &rq->who, id, a);
}

/*
 * GET /contacts, GET /api/contacts [?agent_id=&q=&sort=&dir=&limit=&next=]
 * An agent: 200 its contacts (its cards). The super admin and an admin:
 * without agent_id, 200 the agent picker (items are agents: id,
 * first_name, last_name, email, company); with it, 200 that agent's
 * contacts (the records). 400 bad list parameters; 404 an agent_id the
 * caller may not see.
 */
static enum pl_err
contacts_index(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_contact_agent a;
	struct pl_contact      *cv;
	struct pl_list          l;
	struct json_object     *items;
	size_t                  n;
	bool                    found;
	enum pl_err             er;

	if ((er = query_agent(rq, &a, &found)) != PL_OK)
		return er;
	if (!found) {
		static const struct pl_pick_agents pick = { "Contacts",
			"Contacts belong to the agents who talk with them. "
			"Choose an agent to see their contact list.",
			"/contacts", "/contacts?agent_id=", "View contact list",
			"Agents are added on the Agents page; their contacts "
			"show here." };

		return pl_pick_agents_reply(rq, rs, &pick);
	}
	pl_resp_page(rs, "contacts_list", "Contacts");
	json_object_object_add(pl_resp_view(rs), "agent", pl_pick_agent(&a));
	pl_json_set_bool(pl_resp_view(rs), "picks_agent", picks_agent(rq));
	if ((er = pl_list_parse(rq, pl_contact_sorts, &l)) != PL_OK ||
	    (er = pl_contact_list(
	         pl_req_db(rq), rq->arena, &rq->who, &a, &l, &cv, &n)) != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, contact_json(rq, &cv[i]));
	pl_list_reply(rq, rs, &l, items);
	return PL_OK;
}

/* The widgets the caller may start a chat through (an agent's, through its
 * departments), as view.widgets [{id, name}], for the start-chat and
 * create forms; none for the super admin and an admin picking an agent
 * (a chat is started by the agent who will hold it). */
static enum pl_err
widgets_put(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *a = json_object_new_array();
	struct pl_option   *v;
	size_t              n = 0;
	enum pl_err         er;

	if (!picks_agent(rq)) {
		if ((er = pl_roster_widgets(pl_req_db(rq), rq->arena, &rq->who,
		         &v, &n)) != PL_OK) {
			json_object_put(a);
			return er;
		}
		for (size_t i = 0; i < n; i++) {
			struct json_object *o = json_object_new_object();

			pl_json_set_i64(o, "id", v[i].id);
			pl_json_set_str(o, "name", v[i].name);
			json_object_array_add(a, o);
		}
	}
	json_object_object_add(pl_resp_view(rs), "widgets", a);
	pl_json_set_bool(pl_resp_view(rs), "has_widgets", n > 0);
	return PL_OK;
}

/* The form page: new (for agent a) or edit (contact c), where it posts,
 * for whom, and what the form starts from. */
static void
form_page(struct pl_req *rq, struct pl_resp *rs,
    const struct pl_contact_agent *a, const struct pl_contact *c)
{
	struct json_object *v = pl_resp_view(rs);
	struct json_object *values = json_object_new_object();
	const char         *href;

	if (c != NULL) {
		struct json_object *t = json_object_new_object();

		pl_resp_page(rs, "contacts_form", "Edit contact");
		href = pl_arena_printf(
		    rq->arena, "/contacts/%lld", (long long)c->id);
		pl_json_set_str(v, "action", href);
		pl_json_set_str(v, "cancel", href);
		pl_json_set_str(t, "name", c->name);
		json_object_object_add(v, "contact", t);
		pl_json_set_str(values, "name", c->name);
		pl_json_set_str(values, "email", c->email);
		pl_json_set_str(values, "phone", c->phone);
		pl_json_set_str(values, "website", c->website);
		pl_resp_form(rs, values);
		return;
	}
	pl_resp_page(rs, "contacts_form", "Add a contact");
	pl_json_set_bool(v, "new", 1);
	pl_json_set_str(v, "action", "/contacts");
	pl_json_set_str(v, "cancel", "/contacts");
	if (a != NULL) {
		json_object_object_add(v, "agent", pl_pick_agent(a));
		pl_json_set_bool(v, "picks_agent", picks_agent(rq));
		if (picks_agent(rq)) {
			pl_json_set_str(v, "cancel",
			    pl_arena_printf(rq->arena,
			        "/contacts?agent_id=%lld", (long long)a->id));
			pl_json_set_i64(values, "agent_id", a->id);
		}
	}
	pl_resp_form(rs, values);
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
	form_page(rq, rs, &a, NULL);
	return widgets_put(rq, rs);
}

/* The contact named by the path, as the caller may see it. */
static enum pl_err
path_contact(struct pl_req *rq, struct pl_contact *c)
{
	int64_t     id;
	enum pl_err er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	er = pl_contact_get(pl_req_db(rq), rq->arena, &rq->who, id, c);
	if (er == PL_ENOTFOUND)
		pl_in_fail(rq, NULL, "No such contact.");
	return er;
}

/*
 * POST /contacts, POST /api/contacts {name, email, phone, website} and, for
 * the super admin and an admin, agent_id.
 * Adds the person to the agent's contacts: the agent's card holds what was
 * typed, and the tenant's record of the person (found by e-mail, else
 * phone) is made from it when there is none. The answer is what the caller
 * sees of it (an agent: its card). HTML: 303 to the contact. JSON: 201 a
 * new card for the agent, whether or not the tenant knew the person; 200
 * the agent's card it already had (unchanged). 400 bad input (naming the
 * field; unknown fields such as tenant_id are refused); 404 an agent the
 * caller may not see.
 * An agent may add widget_id (one of the websites it serves) and an
 * optional message (3.5B): a chat with the contact then starts through that
 * widget, already the agent's (pl_chat_start); the answer carries its
 * conversation_id and the page goes to the chat.
 */
static enum pl_err
contacts_create(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "name", "email", "phone",
		"website", "widget_id", "message", NULL };
	static const char *const admin_fields[] = { "name", "email", "phone",
		"website", "agent_id", NULL };
	struct pl_contact_input  in = { 0 };
	struct pl_contact_fields f;
	struct pl_contact_agent  a;
	struct pl_contact        c;
	struct pl_chat_start_in  start = { 0 };
	struct json_object      *o;
	struct pl_db            *db = pl_req_db(rq);
	int64_t                  aid = rq->who.user_id, id, conv = 0;
	const char              *href;
	bool                     created;
	enum pl_err              er = PL_ENOTFOUND;

	form_page(rq, rs, NULL, NULL);
	if (!picks_agent(rq) && (er = widgets_put(rq, rs)) != PL_OK)
		return er;
	er = PL_ENOTFOUND;
	pl_in_only(rq, picks_agent(rq) ? admin_fields : fields);
	if (picks_agent(rq))
		pl_in_id(rq, "agent_id", PL_REQUIRED,
		    "Choose the agent this contact is for.", &aid);
	contact_read(rq, &in);
	if (!picks_agent(rq)) {
		/* 3.5B: a website to route through and an optional first
		 * message make a chat, as re-initiating does. */
		pl_in_id(rq, "widget_id", 0, "Choose one of your websites.",
		    &start.widget_id);
		pl_in_text(rq, "message", "Message", PL_MULTILINE,
		    PL_CHAT_BODY_MAX, &start.message);
		if (start.message != NULL && *start.message &&
		    start.widget_id == 0 &&
		    pl_errs_get(&rq->errs, "widget_id") == NULL)
			pl_in_fail(rq, "widget_id",
			    "Choose the website to send the message through.");
	}
	if (aid != 0 &&
	    (er = pl_contact_agent_get(db, rq->arena, &rq->who, aid, &a)) !=
	        PL_OK &&
	    er != PL_ENOTFOUND)
		return er;
	if (er != PL_OK) {
		/* No agent. Another tenant's is one that does not exist: 404
		 * when the rest is good, else an error beside the fields. */
		if (pl_contact_check(rq->arena, &in, &rq->errs, &f) == PL_OK) {
			pl_in_fail(rq, NULL, "No such agent.");
			return PL_ENOTFOUND;
		}
		if (aid != 0)
			pl_in_fail(rq, "agent_id", "No such agent.");
		return PL_EINVAL;
	}
	form_page(rq, rs, &a, NULL);
	if ((er = pl_contact_create(db, rq->arena, &rq->who, &a, &in, &rq->errs,
	         &id, &created)) != PL_OK ||
	    (er = pl_contact_get(db, rq->arena, &rq->who, id, &c)) != PL_OK)
		return er;
	href = pl_arena_printf(rq->arena, "/contacts/%lld", (long long)id);
	if (start.widget_id != 0) {
		/* The contact is saved first; a chat the engine refuses then
		 * leaves it saved, and the error names the field. */
		start.contact_id = id;
		if ((er = pl_chat_start(db, rq->arena, &rq->who, &start,
		         &rq->errs, &conv)) != PL_OK)
			return er;
		href = pl_arena_printf(
		    rq->arena, "/conversations/%lld", (long long)conv);
	}
	o = contact_json(rq, &c);
	if (conv != 0)
		pl_json_set_i64(o, "conversation_id", conv);
	if (created)
		pl_resp_created(
		    rs, o, href, conv ? "Contact added, chat started." : NULL);
	else
		pl_resp_saved(rs, o, href, conv ? "Chat started." : NULL);
	return PL_OK;
}

/*
 * GET /contacts/:id, GET /api/contacts/:id
 * 200 the contact (an agent: its own card); 404 one the caller may not see
 * (another tenant's, or for an agent one it holds no card for), the same
 * as a missing one.
 */
static enum pl_err
contacts_show(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_contact c;
	enum pl_err       er;

	pl_resp_page(rs, "contacts_show", "Contact");
	if ((er = path_contact(rq, &c)) != PL_OK)
		return er;
	pl_resp_put(rs, "contact", contact_json(rq, &c));
	pl_json_set_bool(pl_resp_view(rs), "picks_agent", picks_agent(rq));
	return widgets_put(rq, rs);
}

/*
 * GET /contacts/:id/history, GET /api/contacts/:id/history
 * 200 {contact, items: [chats], next}: the contact's chats the caller may
 * see, newest first (at most 100); 404 as for the contact.
 */
static enum pl_err
contacts_history(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_contact       c;
	struct pl_contact_chat *v;
	struct json_object     *o, *items;
	int64_t                 id;
	size_t                  n;
	enum pl_err             er;

	pl_resp_page(rs, "contacts_show", "Chat history");
	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	er = pl_contact_history(
	    pl_req_db(rq), rq->arena, &rq->who, id, &c, &v, &n);
	if (er == PL_ENOTFOUND)
		pl_in_fail(rq, NULL, "No such contact.");
	if (er != PL_OK)
		return er;
	o = pl_resp_obj(rs);
	json_object_object_add(o, "contact", contact_json(rq, &c));
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_new_object();

		pl_json_set_i64(e, "id", v[i].id);
		pl_json_set_time(e, "started_at", v[i].started_at);
		pl_json_set_str(e, "status", v[i].status);
		pl_json_set_str(e, "channel", v[i].channel);
		pl_json_set_str(e, "website", v[i].website);
		pl_json_set_str(e, "agent", v[i].agent);
		pl_json_set_i64(e, "message_count", v[i].message_count);
		pl_json_set_time(e, "ended_at", v[i].ended_at);
		if (!rq->api) /* the page's labels */
			pl_json_set_str(e, "started_label",
			    time_label(rq, v[i].started_at));
		json_object_array_add(items, e);
	}
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "next", NULL);
	pl_json_set_bool(pl_resp_view(rs), "history", 1);
	pl_json_set_bool(pl_resp_view(rs), "has_items", n > 0);
	pl_json_set_bool(pl_resp_view(rs), "picks_agent", picks_agent(rq));
	return widgets_put(rq, rs);
}

/*
 * GET /contacts/:id/edit
 * 200 the form filled with the contact (an agent: its card); 404 as for
 * the contact.
 */
static enum pl_err
contacts_edit(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_contact c;
	enum pl_err       er;

	pl_resp_page(rs, "contacts_form", "Edit contact");
	if ((er = path_contact(rq, &c)) != PL_OK)
		return er;
	form_page(rq, rs, NULL, &c);
	return PL_OK;
}

/*
 * POST /contacts/:id, PUT /api/contacts/:id {name, email, phone, website}
 * Replaces the four fields (an optional one left out is emptied): an
 * agent's own card, or, for an admin and the super admin, the record.
 * HTML: 303 to the contact. JSON: 200 the contact. 400 bad input naming
 * the field; 404 as for the contact; 409 (admins only) an e-mail or phone
 * another contact of the tenant has.
 */
static enum pl_err
contacts_update(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "name", "email", "phone",
		"website", NULL };
	struct pl_contact_input  in = { 0 };
	struct pl_contact        c;
	struct pl_db            *db = pl_req_db(rq);
	enum pl_err              er;

	pl_resp_page(rs, "contacts_form", "Edit contact");
	if ((er = path_contact(rq, &c)) != PL_OK)
		return er;
	form_page(rq, rs, NULL, &c);
	pl_in_only(rq, fields);
	contact_read(rq, &in);
	if ((er = pl_contact_update(
	         db, rq->arena, &rq->who, c.id, &in, &rq->errs)) != PL_OK ||
	    (er = pl_contact_get(db, rq->arena, &rq->who, c.id, &c)) != PL_OK)
		return er;
	pl_resp_saved(rs, contact_json(rq, &c),
	    pl_arena_printf(rq->arena, "/contacts/%lld", (long long)c.id),
	    NULL);
	return PL_OK;
}
