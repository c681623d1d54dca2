/* chatlog.c: /log and /api/log -- the message log (2.8, 3.3): five tabs of
 * conversations (new, rejected, transferred, accepted, resolved), an
 * admin's over its tenant, a supervisor's over the departments it
 * supervises, an agent's its own, the super admin's over every tenant (or
 * one admin's, ?admin_id=); /log/:id, a conversation's read-only history
 * (messages, notes marked as notes, the timeline). /chats (1.8, 2.7): the
 * super admin and an admin pick an agent, then /chats/:id lists that
 * agent's chats in the same tabs as the agent sees them. The rules and the
 * SQL are in lib/domain/chatlog.c; this file reads input and shapes the
 * JSON. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"
#include "pick.h"
#include "chatlog.h"
#include "contact.h"

static pl_handler log_index, log_show, chats_index, chats_agent;

static const struct pl_route routes[] = {
	{ "/log", log_index, PL_ROLE_AGENT, .html = PL_GET, .api = PL_GET },
	{ "/log/:id", log_show, PL_ROLE_AGENT, .html = PL_GET, .api = PL_GET },
	{ "/chats", chats_index, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/chats/:id", chats_agent, PL_ROLE_ADMIN, .html = PL_GET,
	    .api = PL_GET },
};

PL_NAV(45, "/log", "Message log", PL_ROLE_AGENT);
PL_NAV(47, "/chats", "Chats", PL_ROLE_ADMIN);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "chatlog",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_chatlog_sql, &pl_contact_sql },
		.threads = 4,
	};

	return pl_app_main(&app, argc, argv);
}

/* The tabs' labels, by enum pl_chatlog_tab. */
static const char *const tab_labels[PL_CHATLOG__MAX] = {
	"New",
	"Rejected",
	"Transferred",
	"Accepted",
	"Resolved",
};

/* A DATETIME as the pages show it: "2026-01-31 14:05 UTC". */
static const char *
time_label(struct pl_req *rq, const char *dt)
{
	if (dt == NULL || strlen(dt) < 16)
		return NULL;
	return pl_arena_printf(rq->arena, "%.10s %.5s UTC", dt, dt + 11);
}

/* The JSON object of a log row; company and tenant_id for the super
 * admin; the pages' labels inside it (a list's items are one array for
 * both twins). */
static struct json_object *
row_json(struct pl_req *rq, const struct pl_chatlog_row *c)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", c->id);
	if (rq->who.role == PL_ROLE_SUPER) {
		pl_json_set_i64(o, "tenant_id", c->tenant_id);
		pl_json_set_str(o, "company", c->company);
	}
	pl_json_set_str(o, "name", c->name);
	pl_json_set_str(o, "email", c->email);
	pl_json_set_str(o, "phone", c->phone);
	pl_json_set_str(o, "website", c->website);
	pl_json_set_str(o, "status", c->status);
	pl_json_set_str(o, "channel", c->channel);
	pl_json_set_i64(o, "reject_count", c->reject_count);
	pl_json_set_i64(o, "transfer_count", c->transfer_count);
	if (*c->transfer_kind != '\0') {
		struct json_object *t = json_object_new_object();

		pl_json_set_str(t, "kind", c->transfer_kind);
		pl_json_set_str(t, "name", c->transfer_to);
		json_object_object_add(o, "transferred_to", t);
	} else
		json_object_object_add(o, "transferred_to", NULL);
	if (c->agent_id != 0) {
		pl_json_set_i64(o, "agent_id", c->agent_id);
		pl_json_set_str(o, "agent", c->agent);
	} else {
		json_object_object_add(o, "agent_id", NULL);
		json_object_object_add(o, "agent", NULL);
	}
	pl_json_set_str(o, "department", c->department);
	pl_json_set_time(o, "created_at", c->created_at);
	pl_json_set_time(o, "accepted_at", c->accepted_at);
	pl_json_set_time(o, "ended_at", c->ended_at);
	pl_json_set_time(o, "resolved_at",
	    strcmp(c->status, "resolved") == 0 ? c->ended_at : NULL);
	pl_json_set_str(o, "history",
	    pl_arena_printf(rq->arena, "/log/%lld", (long long)c->id));
	if (!rq->api) {
		pl_json_set_str(
		    o, "created_label", time_label(rq, c->created_at));
		pl_json_set_str(o, "ended_label", time_label(rq, c->ended_at));
		pl_json_set_bool(
		    o, "is_resolved", strcmp(c->status, "resolved") == 0);
	}
	return o;
}

/* ?tab= (default dflt): PL_OK, or PL_EINVAL naming it. */
static enum pl_err
query_tab(struct pl_req *rq, enum pl_chatlog_tab dflt, enum pl_chatlog_tab *t)
{
	const char *s = pl_query(rq, "tab");

	*t = dflt;
	if (s == NULL || *s == '\0')
		return PL_OK;
	if (pl_chatlog_tab_parse(s, t) != PL_OK)
		return pl_in_fail(rq, "tab",
		    "tab is new, rejected, transferred, accepted or resolved.");
	return PL_OK;
}

/* ?NAME= as an id, 0 when absent; PL_ENOTFOUND (with msg) when it is not
 * an id. */
static enum pl_err
query_id(struct pl_req *rq, const char *name, const char *msg, int64_t *id)
{
	const char *s = pl_query(rq, name);
	long long   v;

	*id = 0;
	if (s == NULL || *s == '\0')
		return PL_OK;
	if (pl_parse_i64(s, 1, INT64_MAX, &v) != PL_OK) {
		pl_in_fail(rq, NULL, msg);
		return PL_ENOTFOUND;
	}
	*id = v;
	return PL_OK;
}

/* The page's tab links (base: "/log" or "/chats/ID", the admin filter
 * kept) and the flags the table's columns follow. */
static void
tabs_view(struct pl_req *rq, struct pl_resp *rs, const char *base,
    int64_t admin_id, bool company, enum pl_chatlog_tab cur)
{
	struct json_object *v = pl_resp_view(rs), *tabs, *cols;

	tabs = json_object_new_array();
	for (size_t i = 0; i < PL_CHATLOG__MAX; i++) {
		struct json_object *t = json_object_new_object();

		pl_json_set_str(t, "name", pl_chatlog_tabs[i]);
		pl_json_set_str(t, "label", tab_labels[i]);
		pl_json_set_str(t, "href",
		    admin_id != 0
		        ? pl_arena_printf(rq->arena, "%s?tab=%s&admin_id=%lld",
		              base, pl_chatlog_tabs[i], (long long)admin_id)
		        : pl_arena_printf(rq->arena, "%s?tab=%s", base,
		              pl_chatlog_tabs[i]));
		pl_json_set_bool(t, "active", i == (size_t)cur);
		json_object_array_add(tabs, t);
	}
	json_object_object_add(v, "tabs", tabs);
	pl_json_set_str(v, "tab", pl_chatlog_tabs[cur]);
	pl_json_set_str(v, "tab_label", tab_labels[cur]);
	pl_json_set_str(v, "base", base);
	if (admin_id != 0)
		pl_json_set_i64(v, "admin_id", admin_id);
	cols = json_object_new_object();
	pl_json_set_bool(cols, "company", company);
	pl_json_set_bool(cols, "rejected", cur == PL_CHATLOG_REJECTED);
	pl_json_set_bool(cols, "transferred", cur == PL_CHATLOG_TRANSFERRED);
	pl_json_set_bool(cols, "status", cur == PL_CHATLOG_ACCEPTED);
	pl_json_set_bool(cols, "resolved", cur == PL_CHATLOG_RESOLVED);
	json_object_object_add(v, "cols", cols);
}

/* Read the list's parameters and answer one page of q's tab. The created
 * order is newest first unless ?dir= says otherwise. */
static enum pl_err
list_reply(struct pl_req *rq, struct pl_resp *rs, const struct pl_chatlog_q *q,
    bool all_tenants)
{
	struct pl_chatlog_row *v;
	struct json_object    *items;
	struct pl_list         l;
	const char            *dir = pl_query(rq, "dir");
	size_t                 n;
	enum pl_err            er;

	if ((er = pl_list_parse(rq,
	         all_tenants ? pl_chatlog_all_sorts : pl_chatlog_sorts, &l)) !=
	    PL_OK)
		return er;
	if ((dir == NULL || *dir == '\0') && l.sort == 0)
		l.desc = true;
	if ((er = pl_chatlog_list(
	         pl_req_db(rq), rq->arena, &rq->who, q, &l, &v, &n)) != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, row_json(rq, &v[i]));
	pl_list_reply(rq, rs, &l, items);
	return PL_OK;
}

/*
 * GET /log, GET /api/log [?tab=&admin_id=&q=&sort=&dir=&limit=&next=]
 * 200 one page of the tab (default new), newest first: items {id, name,
 * email, phone, website, status, channel, reject_count, transfer_count,
 * transferred_to {kind, name} or null, agent_id, agent, department,
 * created_at, accepted_at, ended_at, resolved_at, history} (and the
 * super admin's tenant_id, company), next. An admin sees its tenant's, a
 * supervisor its departments', an agent its own, the super admin every
 * tenant's or one admin's (admin_id; across every tenant the only order is
 * created). 400 a bad tab or list parameter; 404 an admin_id the caller
 * may not see.
 */
static enum pl_err
log_index(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_chatlog_q q = { 0 };
	enum pl_err         er;

	pl_resp_page(rs, "chatlog_list", "Message log");
	if ((er = query_tab(rq, PL_CHATLOG_NEW, &q.tab)) != PL_OK ||
	    (er = query_id(rq, "admin_id", "No such admin.", &q.admin_id)) !=
	        PL_OK)
		return er;
	tabs_view(rq, rs, "/log", q.admin_id,
	    rq->who.role == PL_ROLE_SUPER && q.admin_id == 0, q.tab);
	if (q.admin_id != 0 && rq->who.role < PL_ROLE_ADMIN) {
		pl_in_fail(rq, NULL, "No such admin.");
		return PL_ENOTFOUND;
	}
	pl_json_set_bool(
	    pl_resp_view(rs), "is_super", rq->who.role == PL_ROLE_SUPER);
	er = list_reply(
	    rq, rs, &q, rq->who.role == PL_ROLE_SUPER && q.admin_id == 0);
	if (er == PL_ENOTFOUND)
		pl_in_fail(rq, NULL, "No such admin.");
	return er;
}

/* A timeline step's words. */
static const char *
step_label(const char *kind)
{
	static const struct {
		const char *kind, *label;
	} v[] = {
		{ "offered", "Offered" },
		{ "accepted", "Accepted" },
		{ "rejected", "Rejected" },
		{ "reoffered", "Offered again" },
		{ "transferred", "Transferred" },
		{ "resolved", "Resolved" },
		{ "reassigned", "Reassigned" },
		{ "closed", "Closed" },
		{ "reinitiated", "Re-initiated" },
	};

	for (size_t i = 0; i < PL_NITEMS(v); i++)
		if (strcmp(v[i].kind, kind) == 0)
			return v[i].label;
	return kind;
}

/*
 * GET /log/:id, GET /api/log/:id
 * 200 {conversation (as a log row), messages [{id, sender, author, body,
 * internal, created_at}] oldest first, more, steps [{id, kind, round, by,
 * to, why, created_at}]}: read-only, notes (internal) included and marked.
 * 404 a conversation the caller may not see (another tenant's, or for an
 * agent one it was never offered, held or transferred), as a missing one.
 */
static enum pl_err
log_show(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_chatlog_row   c;
	struct pl_chatlog_msg  *m;
	struct pl_chatlog_step *s;
	struct json_object     *o, *arr;
	size_t                  nm, ns;
	int64_t                 id;
	bool                    more;
	enum pl_err             er;

	pl_resp_page(rs, "chatlog_show", "Chat history");
	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	er = pl_chatlog_history(pl_req_db(rq), rq->arena, &rq->who, id, &c, &m,
	    &nm, &more, &s, &ns);
	if (er == PL_ENOTFOUND)
		pl_in_fail(rq, NULL, "No such conversation.");
	if (er != PL_OK)
		return er;
	o = pl_resp_obj(rs);
	json_object_object_add(o, "conversation", row_json(rq, &c));
	arr = json_object_new_array();
	for (size_t i = 0; i < nm; i++) {
		struct json_object *e = json_object_new_object();

		pl_json_set_i64(e, "id", m[i].id);
		pl_json_set_str(e, "sender", m[i].sender);
		pl_json_set_str(e, "author", m[i].author);
		pl_json_set_str(e, "body", m[i].body);
		pl_json_set_bool(e, "internal", m[i].internal);
		pl_json_set_time(e, "created_at", m[i].created_at);
		if (!rq->api) {
			pl_json_set_str(e, "created_label",
			    time_label(rq, m[i].created_at));
			pl_json_set_bool(e, "from_visitor",
			    strcmp(m[i].sender, "visitor") == 0);
		}
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "messages", arr);
	pl_json_set_bool(o, "more", more);
	arr = json_object_new_array();
	for (size_t i = 0; i < ns; i++) {
		struct json_object *e = json_object_new_object();

		pl_json_set_i64(e, "id", s[i].id);
		pl_json_set_str(e, "kind", s[i].kind);
		pl_json_set_i64(e, "round", s[i].round);
		pl_json_set_str(e, "by", s[i].by);
		pl_json_set_str(e, "to", s[i].to);
		pl_json_set_str(e, "why", s[i].why);
		pl_json_set_time(e, "created_at", s[i].created_at);
		if (!rq->api) {
			pl_json_set_str(e, "label", step_label(s[i].kind));
			pl_json_set_str(e, "created_label",
			    time_label(rq, s[i].created_at));
		}
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "steps", arr);
	return PL_OK;
}

/*
 * GET /chats, GET /api/chats [?q=&sort=&dir=&limit=&next=]
 * 200 the agent picker: items {id, first_name, last_name, email,
 * company}, the super admin's of every tenant, an admin's of its own. 400
 * bad list parameters.
 */
static enum pl_err
chats_index(struct pl_req *rq, struct pl_resp *rs)
{
	static const struct pl_pick_agents pick = { "Chats",
		"Choose an agent to read the chats they held.", "/chats",
		"/chats/", "View chats", NULL };

	return pl_pick_agents_reply(rq, rs, &pick);
}

/*
 * GET /chats/:id, GET /api/chats/:id [?tab=&q=&sort=&dir=&limit=&next=]
 * 200 {agent, items, next}: agent id's conversations in the tab (default
 * accepted: the chats it holds or held) as that agent sees them, for its
 * admin or the super admin. 400 a bad tab or list parameter; 404 an agent
 * the caller may not see (another tenant's), as a missing one.
 */
static enum pl_err
chats_agent(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_contact_agent a;
	struct pl_chatlog_q     q = { 0 };
	enum pl_err             er;

	pl_resp_page(rs, "chatlog_list", "Chats");
	if ((er = pl_path_id(rq, "id", &q.agent_id)) != PL_OK)
		return er;
	if ((er = query_tab(rq, PL_CHATLOG_ACCEPTED, &q.tab)) != PL_OK)
		return er;
	er = pl_contact_agent_get(
	    pl_req_db(rq), rq->arena, &rq->who, q.agent_id, &a);
	if (er == PL_ENOTFOUND)
		pl_in_fail(rq, NULL, "No such agent.");
	if (er != PL_OK)
		return er;
	tabs_view(rq, rs,
	    pl_arena_printf(rq->arena, "/chats/%lld", (long long)a.id), 0,
	    false, q.tab);
	pl_resp_put(rs, "agent", pl_pick_agent(&a));
	return list_reply(rq, rs, &q, false);
}
