/* console.c: /console and /conversations -- the agent console: the
 * caller's open offers and ongoing chats (the inbox), one conversation with
 * its history, timeline and contact, and every move on it (accept, reject,
 * transfer, resolve, reassign, close, send, note, read, typing), plus
 * starting a chat from a contact (re-initiate). Each page has its /api/
 * twin; console.js keeps the page live from /api/events. The rules are the
 * chat engine's (lib/domain/chat.h); this file reads input and shapes the
 * JSON. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"
#include "chat.h"
#include "contact.h"
#include "dept.h"
#include "roster.h"

static pl_handler console_index, conv_show, conv_start, conv_accept,
    conv_reject, conv_transfer, conv_resolve, conv_reassign, conv_close,
    conv_message, conv_note, conv_read, conv_typing;

static const struct pl_route routes[] = {
	{ "/console", console_index, PL_ROLE_AGENT, .html = PL_GET,
	    .api = PL_GET },
	{ "/conversations", conv_start, PL_ROLE_AGENT, .html = PL_POST,
	    .api = PL_POST },
	{ "/conversations/:id", conv_show, PL_ROLE_AGENT, .html = PL_GET,
	    .api = PL_GET },
	{ "/conversations/:id/accept", conv_accept, PL_ROLE_AGENT,
	    .html = PL_POST, .api = PL_POST },
	{ "/conversations/:id/reject", conv_reject, PL_ROLE_AGENT,
	    .html = PL_POST, .api = PL_POST },
	{ "/conversations/:id/transfer", conv_transfer, PL_ROLE_AGENT,
	    .html = PL_POST, .api = PL_POST },
	{ "/conversations/:id/resolve", conv_resolve, PL_ROLE_AGENT,
	    .html = PL_POST, .api = PL_POST },
	{ "/conversations/:id/reassign", conv_reassign, PL_ROLE_SUPERVISOR,
	    .html = PL_POST, .api = PL_POST },
	{ "/conversations/:id/close", conv_close, PL_ROLE_SUPERVISOR,
	    .html = PL_POST, .api = PL_POST },
	{ "/conversations/:id/messages", conv_message, PL_ROLE_AGENT,
	    .html = PL_POST, .api = PL_POST },
	{ "/conversations/:id/notes", conv_note, PL_ROLE_AGENT, .html = PL_POST,
	    .api = PL_POST },
	{ "/conversations/:id/read", conv_read, PL_ROLE_AGENT, .html = PL_POST,
	    .api = PL_POST },
	{ "/conversations/:id/typing", conv_typing, PL_ROLE_AGENT,
	    .html = PL_POST, .api = PL_POST },
};

PL_NAV(5, "/console", "Console", PL_ROLE_AGENT);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "console",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_chat_sql, &pl_contact_sql, &pl_dept_sql,
		    &pl_roster_sql, &pl_events_sql },
		.threads = 8,
	};

	return pl_app_main(&app, argc, argv);
}

/* --- JSON shapes ------------------------------------------------------ */

/* A message as the engine shapes it (pl_chat_msg_json), and for the page
 * without script whether it is the caller's and its time. */
static struct json_object *
msg_json(const struct pl_req *rq, const struct pl_chat_msg *m)
{
	struct json_object *o = pl_chat_msg_json(rq->arena, m);

	if (!rq->api) {
		pl_json_set_bool(o, "mine",
		    m->user_id != 0 && m->user_id == rq->who.user_id);
		/* The page without script: "14:05 UTC" (console.js shows the
		 * reader's local time). */
		if (m->created_at != NULL && strlen(m->created_at) >= 16)
			pl_json_set_str(o, "time_label",
			    pl_arena_printf(
			        rq->arena, "%.5s UTC", m->created_at + 11));
	}
	return o;
}

/* A timeline line as people read it: "Accepted by Ann Lee." */
static const char *
step_label(struct pl_arena *a, const struct pl_chat_step *s)
{
	const char *by = s->by != NULL && *s->by ? s->by : NULL;
	const char *to = s->to != NULL && *s->to ? s->to : NULL;
	const char *k = s->kind != NULL ? s->kind : "";

	if (strcmp(k, "offered") == 0)
		return pl_arena_printf(a, "Offered%s%s (round %d).",
		    to ? " to " : "", to ? to : "", s->round);
	if (strcmp(k, "accepted") == 0)
		return pl_arena_printf(
		    a, "Accepted by %s.", by ? by : "an agent");
	if (strcmp(k, "rejected") == 0)
		return pl_arena_printf(
		    a, "Rejected by %s.", by ? by : "an agent");
	if (strcmp(k, "reoffered") == 0)
		return pl_arena_printf(a, "Offered again (round %d)%s%s.",
		    s->round, s->why && *s->why ? ": " : "",
		    s->why && *s->why ? s->why : "");
	if (strcmp(k, "transferred") == 0)
		return pl_arena_printf(a, "Transferred by %s to %s.",
		    by ? by : "an agent", to ? to : "another team");
	if (strcmp(k, "reassigned") == 0)
		return pl_arena_printf(a, "Reassigned by %s to %s.",
		    by ? by : "a supervisor", to ? to : "another agent");
	if (strcmp(k, "resolved") == 0)
		return pl_arena_printf(
		    a, "Resolved by %s.", by ? by : "an agent");
	if (strcmp(k, "closed") == 0)
		return by ? pl_arena_printf(a, "Closed by %s.", by)
		          : "Closed by the visitor.";
	if (strcmp(k, "reinitiated") == 0)
		return pl_arena_printf(
		    a, "Chat started by %s.", by ? by : "an agent");
	return pl_arena_printf(a, "%s%s%s.", k, by ? " by " : "", by ? by : "");
}

static struct json_object *
step_json(struct pl_req *rq, const struct pl_chat_step *s)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", s->id);
	pl_json_set_str(o, "kind", s->kind);
	pl_json_set_i64(o, "round", s->round);
	pl_json_set_i64(o, "by_user_id", s->by_user_id);
	pl_json_set_str(o, "by", s->by);
	pl_json_set_i64(o, "to_user_id", s->to_user_id);
	pl_json_set_i64(o, "to_department_id", s->to_department_id);
	pl_json_set_str(o, "to", s->to);
	pl_json_set_str(o, "why", s->why);
	pl_json_set_str(o, "label", step_label(rq->arena, s));
	pl_json_set_time(o, "created_at", s->created_at);
	pl_json_set_time_ms(o, "at", s->created_at);
	return o;
}

static struct json_object *
options_json(const struct pl_option *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		pl_json_set_i64(o, "id", v[i].id);
		pl_json_set_str(o, "name", v[i].name);
		if (v[i].detail != NULL && *v[i].detail)
			pl_json_set_str(o, "detail", v[i].detail);
		json_object_array_add(a, o);
	}
	return a;
}

/* --- the pieces of the page ------------------------------------------- */

/*
 * The inbox into o: offers, ongoing (and, for pages, counts), with the
 * cursor of the streams /api/events follows taken BEFORE the lists were
 * read, so a change made meanwhile arrives as an event (console.js drops
 * what it already shows) and none falls between.
 */
static enum pl_err
inbox_put(struct pl_req *rq, struct json_object *o)
{
	const char         *skeys[PL_WHO_STREAMS];
	struct pl_cursor    cur;
	struct pl_chat     *offers, *ongoing;
	struct json_object *a;
	size_t              noffers, nongoing, nunread = 0, n = 0;
	enum pl_err         er;

	/* The streams /api/events follows for the caller. */
	n = pl_streams_of(rq->arena, &rq->who, skeys);
	pl_cursor_parse(rq->arena, "", skeys, n, &cur);
	if ((er = pl_cursor_head(pl_req_db(rq), rq->arena, &cur)) != PL_OK ||
	    (er = pl_chat_inbox(pl_req_db(rq), rq->arena, &rq->who, &offers,
	         &noffers, &ongoing, &nongoing)) != PL_OK)
		return er;
	a = json_object_new_array();
	for (size_t i = 0; i < noffers; i++)
		json_object_array_add(a, pl_chat_json(&offers[i]));
	json_object_object_add(o, "offers", a);
	a = json_object_new_array();
	for (size_t i = 0; i < nongoing; i++) {
		json_object_array_add(a, pl_chat_json(&ongoing[i]));
		nunread +=
		    ongoing[i].unread > 0 ? (size_t)ongoing[i].unread : 0;
	}
	json_object_object_add(o, "ongoing", a);
	pl_json_set_str(o, "cursor", pl_cursor_text(rq->arena, &cur));
	pl_json_set_i64(o, "offer_count", (long long)noffers);
	pl_json_set_i64(o, "ongoing_count", (long long)nongoing);
	pl_json_set_i64(o, "unread_count", (long long)nunread);
	return PL_OK;
}

/* Where a chat can go (the transfer and reassign pickers). */
static enum pl_err
targets_put(struct pl_req *rq, struct json_object *o)
{
	struct pl_option *agents, *depts;
	size_t            nagents, ndepts;
	enum pl_err       er;

	if (rq->who.tenant_id == 0) {
		json_object_object_add(o, "agents", json_object_new_array());
		json_object_object_add(
		    o, "departments", json_object_new_array());
		return PL_OK;
	}
	if ((er = pl_roster_agents(pl_req_db(rq), rq->arena, &rq->who, &agents,
	         &nagents)) != PL_OK ||
	    (er = pl_dept_options(pl_req_db(rq), rq->arena, &rq->who,
	         rq->who.tenant_id, &depts, &ndepts)) != PL_OK)
		return er;
	json_object_object_add(o, "agents", options_json(agents, nagents));
	json_object_object_add(o, "departments", options_json(depts, ndepts));
	return PL_OK;
}

/* Messages and steps merged by time, for the page (the JSON twin keeps
 * both lists; console.js merges them the same way). */
static struct json_object *
log_json(struct pl_req *rq, const struct pl_chat_msg *m, size_t nm,
    const struct pl_chat_step *s, size_t ns)
{
	struct json_object *a = json_object_new_array();
	size_t              i = 0, j = 0;

	while (i < nm || j < ns) {
		struct json_object *o;

		if (j >= ns ||
		    (i < nm &&
		        strcmp(m[i].created_at ? m[i].created_at : "",
		            s[j].created_at ? s[j].created_at : "") <= 0)) {
			o = msg_json(rq, &m[i++]);
			pl_json_set_bool(o, "is_message", 1);
		} else {
			o = step_json(rq, &s[j++]);
			pl_json_set_bool(o, "is_step", 1);
		}
		json_object_array_add(a, o);
	}
	return a;
}

/*
 * The conversation id into o: chat, messages, steps, and its contact's
 * other chats (past_chats) when the caller may see the contact.
 */
static enum pl_err
chat_put(struct pl_req *rq, int64_t id, struct json_object *o)
{
	struct pl_chat          c;
	struct pl_chat_msg     *m;
	struct pl_chat_step    *s;
	struct pl_contact       ct;
	struct pl_contact_chat *past;
	struct json_object     *a;
	size_t                  nm, ns, np = 0;
	int64_t                 after = 0;
	const char             *q = pl_query(rq, "after");
	enum pl_err             er;

	if (q != NULL && *q != '\0') {
		long long v;

		if (pl_parse_i64(q, 0, INT64_MAX, &v) != PL_OK)
			return pl_in_fail(
			    rq, "after", "after is a message id.");
		after = v;
	}
	if ((er = pl_chat_get(pl_req_db(rq), rq->arena, &rq->who, id, &c)) !=
	        PL_OK ||
	    (er = pl_chat_history(pl_req_db(rq), rq->arena, &rq->who, id, after,
	         PL_CHAT_PAGE_MAX, &m, &nm, &s, &ns)) != PL_OK) {
		if (er == PL_ENOTFOUND)
			pl_in_fail(rq, NULL, "No such conversation.");
		return er;
	}
	json_object_object_add(o, "chat", pl_chat_json(&c));
	a = json_object_new_array();
	for (size_t i = 0; i < nm; i++)
		json_object_array_add(a, msg_json(rq, &m[i]));
	json_object_object_add(o, "messages", a);
	a = json_object_new_array();
	for (size_t i = 0; i < ns; i++)
		json_object_array_add(a, step_json(rq, &s[i]));
	json_object_object_add(o, "steps", a);
	if (!rq->api) {
		bool is_new = strcmp(c.status, "new") == 0;
		bool ongoing = strcmp(c.status, "ongoing") == 0;

		json_object_object_add(o, "log", log_json(rq, m, nm, s, ns));
		pl_json_set_bool(o, "chat_new", is_new);
		pl_json_set_bool(o, "chat_ongoing", ongoing);
		pl_json_set_bool(o, "chat_open", is_new || ongoing);
		pl_json_set_bool(o, "can_send", ongoing && c.holder);
		/* The composer's id: a form posted twice sends once. */
		pl_json_set_str(o, "client_id", pl_token_new(rq->arena));
		pl_json_set_bool(
		    o, "can_transfer", (ongoing && c.holder) || c.offered);
	}
	/* The contact panel's past chats: an agent sees them through its own
	 * card of the contact, and may hold none (then there are none). */
	a = json_object_new_array();
	if (c.contact_id != 0) {
		er = pl_contact_history(pl_req_db(rq), rq->arena, &rq->who,
		    c.contact_id, &ct, &past, &np);
		if (er != PL_OK && er != PL_ENOTFOUND)
			return er;
		for (size_t i = 0; er == PL_OK && i < np; i++) {
			struct json_object *e;

			if (past[i].id == c.id)
				continue;
			e = json_object_new_object();
			pl_json_set_i64(e, "id", past[i].id);
			pl_json_set_time(e, "started_at", past[i].started_at);
			if (!rq->api)
				pl_json_set_str(e, "started_label",
				    pl_date_label(
				        rq->arena, past[i].started_at));
			json_object_array_add(a, e);
		}
	}
	json_object_object_add(o, "past_chats", a);
	return PL_OK;
}

/* The console page (and, with id, the conversation open in it). */
static enum pl_err
page_fill(struct pl_req *rq, struct pl_resp *rs, int64_t id)
{
	struct json_object *v;
	enum pl_err         er;

	pl_resp_page(rs, "console", "Console");
	v = pl_resp_view(rs);
	if ((er = inbox_put(rq, v)) != PL_OK ||
	    (er = targets_put(rq, v)) != PL_OK)
		return er;
	pl_json_set_bool(v, "supervises", rq->who.role >= PL_ROLE_SUPERVISOR);
	if (id != 0) {
		struct json_object *o = json_object_new_object();
		struct pl_errs      keep = rq->errs;

		/* A chat the caller no longer sees (given away a moment
		 * ago) leaves the pane empty, and the action's own errors
		 * stand. */
		er = chat_put(rq, id, o);
		rq->errs = keep;
		if (er == PL_OK) {
			json_object_object_foreach(o, k, x)
			    json_object_object_add(v, k, json_object_get(x));
			pl_json_set_i64(v, "open_id", id);
		} else if (er != PL_ENOTFOUND) {
			json_object_put(o);
			return er;
		}
		json_object_put(o);
	}
	return PL_OK;
}

/*
 * GET /console, GET /api/console
 * 200 {offers: [chat], ongoing: [chat], cursor, offer_count,
 * ongoing_count, unread_count, agents: [{id, name}], departments: [{id,
 * name}]}: the caller's open offers (oldest first) and the chats it holds
 * (latest first), the cursor of /api/events as of before they were read,
 * and where a chat may be transferred. The super admin's page is a 303
 * to /chats (its API answer: 403).
 */
static enum pl_err
console_index(struct pl_req *rq, struct pl_resp *rs)
{
	enum pl_err er;

	/* The platform's operator holds no chats: its way to read them is
	 * the chat section (pick a business's agent), so the page sends it
	 * there rather than refusing a link the sidebar shows. */
	if (rq->who.role == PL_ROLE_SUPER && !rq->api) {
		pl_resp_redirect(rs, "/chats",
		    "The console is for a business's agents; pick an agent "
		    "to read its chats.");
		return PL_OK;
	}
	/* Presence is the console's poll's to record (events.c), at most
	 * every 30 s: the page starts polling as soon as it loads. */
	if (!rq->api)
		return page_fill(rq, rs, 0);
	if ((er = inbox_put(rq, pl_resp_obj(rs))) != PL_OK)
		return er;
	return targets_put(rq, pl_resp_obj(rs));
}

/*
 * GET /conversations/:id[?after=MSG], GET /api/conversations/:id
 * 200 {chat, messages: [message], steps: [step], past_chats: [{id,
 * started_at}]}: messages (notes included) after after, oldest first, at
 * most PL_CHAT_PAGE_MAX; the timeline; the contact's other chats. The page
 * is the console with the chat open. 404 a chat the caller may not see.
 */
static enum pl_err
conv_show(struct pl_req *rq, struct pl_resp *rs)
{
	int64_t     id;
	enum pl_err er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	if (!rq->api) {
		struct pl_chat c;

		/* A missing chat is a 404 page, not an empty console. */
		if ((er = pl_chat_get(
		         pl_req_db(rq), rq->arena, &rq->who, id, &c)) != PL_OK)
			return er;
		return page_fill(rq, rs, id);
	}
	return chat_put(rq, id, pl_resp_obj(rs));
}

/* --- moves ------------------------------------------------------------ */

/*
 * The end of a move on chat id: the JSON twin answers the chat as the
 * caller now sees it ({id, status} alone when it no longer may), the page
 * goes to href with flash. A failed move re-renders the console with the
 * error (and the chat open, if still visible).
 */
static enum pl_err
move_done(struct pl_req *rq, struct pl_resp *rs, int64_t id, enum pl_err er,
    const char *href, const char *flash)
{
	struct pl_chat      c;
	struct json_object *o;
	enum pl_err         ger;

	if (er != PL_OK) {
		if (!rq->api && er != PL_ENOTFOUND && er != PL_EINTERNAL) {
			enum pl_err fer = page_fill(rq, rs, id);

			if (fer != PL_OK)
				return fer;
		}
		return er;
	}
	ger = pl_chat_get(pl_req_db(rq), rq->arena, &rq->who, id, &c);
	if (ger == PL_OK)
		o = pl_chat_json(&c);
	else if (ger == PL_ENOTFOUND) {
		o = json_object_new_object();
		pl_json_set_i64(o, "id", id);
	} else
		return ger;
	pl_resp_saved(rs, o, href, flash);
	return PL_OK;
}

static const char *
conv_href(struct pl_req *rq, int64_t id)
{
	return pl_arena_printf(rq->arena, "/conversations/%lld", (long long)id);
}

/* A move that takes no input: the path's id, or PL_ENOTFOUND. */
static enum pl_err
bare_move(struct pl_req *rq, int64_t *id)
{
	static const char *const none[] = { NULL };
	enum pl_err              er;

	if ((er = pl_path_id(rq, "id", id)) != PL_OK)
		return er;
	return pl_in_only(rq, none);
}

/*
 * POST /conversations/:id/accept, POST /api/conversations/:id/accept
 * 200 the chat, now the caller's (page: 303 to it); 404 no open offer to
 * the caller; 409 someone took it first ("Already accepted by Ann Lee.")
 * or it ended.
 */
static enum pl_err
conv_accept(struct pl_req *rq, struct pl_resp *rs)
{
	int64_t     id;
	enum pl_err er;

	if ((er = bare_move(rq, &id)) != PL_OK)
		return er;
	er = pl_chat_accept(pl_req_db(rq), rq->arena, &rq->who, id, &rq->errs);
	return move_done(
	    rq, rs, id, er, conv_href(rq, id), "Accepted: the chat is yours.");
}

/*
 * POST /conversations/:id/reject, POST /api/conversations/:id/reject
 * 200 the chat (page: 303 to the console); 403 an offer that may not be
 * rejected (a transfer to the caller); 409 no longer open; 404 none.
 */
static enum pl_err
conv_reject(struct pl_req *rq, struct pl_resp *rs)
{
	int64_t     id;
	enum pl_err er;

	if ((er = bare_move(rq, &id)) != PL_OK)
		return er;
	er = pl_chat_reject(pl_req_db(rq), rq->arena, &rq->who, id, &rq->errs);
	return move_done(rq, rs, id, er, "/console", "Request rejected.");
}

/*
 * POST /conversations/:id/transfer, POST /api/conversations/:id/transfer
 * {to_agent_id} or {to_department_id}
 * 200 the chat (page: 303 to the console); 400 neither or both, or a
 * target that may not take it (named); 403 the caller neither holds it
 * nor has an open offer; 404 none.
 */
static enum pl_err
conv_transfer(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "to_agent_id", "to_department_id",
		NULL };
	int64_t                  id, to_agent = 0, to_dept = 0;
	enum pl_err              er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	pl_in_only(rq, fields);
	pl_in_id(rq, "to_agent_id", 0, "Choose an agent.", &to_agent);
	pl_in_id(rq, "to_department_id", 0, "Choose a department.", &to_dept);
	if (pl_in_check(rq) == PL_OK && (to_agent == 0) == (to_dept == 0))
		pl_in_fail(rq, "to_agent_id",
		    "Choose one agent or one department to transfer to.");
	if ((er = pl_in_check(rq)) == PL_OK)
		er = pl_chat_transfer(pl_req_db(rq), rq->arena, &rq->who, id,
		    to_agent, to_dept, &rq->errs);
	return move_done(rq, rs, id, er, "/console", "Chat transferred.");
}

/*
 * POST /conversations/:id/resolve, POST /api/conversations/:id/resolve
 * 200 the chat, resolved (page: 303 to the console); 403 not the
 * holder; 409 not ongoing; 404 none.
 */
static enum pl_err
conv_resolve(struct pl_req *rq, struct pl_resp *rs)
{
	int64_t     id;
	enum pl_err er;

	if ((er = bare_move(rq, &id)) != PL_OK)
		return er;
	er = pl_chat_resolve(pl_req_db(rq), rq->arena, &rq->who, id, &rq->errs);
	return move_done(rq, rs, id, er, "/console", "Chat resolved.");
}

/*
 * POST /conversations/:id/reassign, POST /api/conversations/:id/reassign
 * {agent_id} (supervisors and admins)
 * 200 the chat (page: 303 to it); 403 "Agent doesn't belong to you."; 400
 * a bad agent_id; 404 none.
 */
static enum pl_err
conv_reassign(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "agent_id", NULL };
	int64_t                  id, to = 0;
	enum pl_err              er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	pl_in_only(rq, fields);
	pl_in_id(rq, "agent_id", PL_REQUIRED, "Choose an agent.", &to);
	if ((er = pl_in_check(rq)) == PL_OK)
		er = pl_chat_reassign(
		    pl_req_db(rq), rq->arena, &rq->who, id, to, &rq->errs);
	return move_done(rq, rs, id, er, conv_href(rq, id), "Chat reassigned.");
}

/*
 * POST /conversations/:id/close, POST /api/conversations/:id/close
 * (supervisors and admins)
 * 200 the chat, closed (page: 303 to the console); 409 unless new; 403
 * not the caller's to close; 404 none.
 */
static enum pl_err
conv_close(struct pl_req *rq, struct pl_resp *rs)
{
	int64_t     id;
	enum pl_err er;

	if ((er = bare_move(rq, &id)) != PL_OK)
		return er;
	er = pl_chat_close(pl_req_db(rq), rq->arena, &rq->who, id, &rq->errs);
	return move_done(rq, rs, id, er, "/console", "Request closed.");
}

/* A message or a note: {client_id?, body}. */
static enum pl_err
send_common(struct pl_req *rq, struct pl_resp *rs, bool internal)
{
	static const char *const fields[] = { "client_id", "body", NULL };
	struct pl_chat_msg       m;
	const char              *client_id = "", *body = "";
	int64_t                  id;
	bool                     created = false;
	enum pl_err              er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	pl_in_only(rq, fields);
	pl_in_text(rq, "client_id", "client_id", 0, 64, &client_id);
	pl_in_text(rq, "body", internal ? "Note" : "Message",
	    PL_REQUIRED | PL_MULTILINE, PL_CHAT_BODY_MAX, &body);
	if ((er = pl_in_check(rq)) == PL_OK)
		er = pl_chat_send(pl_req_db(rq), rq->arena, &rq->who, id,
		    *client_id ? client_id : pl_token_new(rq->arena), body,
		    internal, &rq->errs, &m, &created);
	if (er != PL_OK)
		return move_done(rq, rs, id, er, NULL, NULL);
	if (!rq->api) {
		pl_resp_redirect(rs,
		    pl_arena_printf(rq->arena, "%s#m%lld", conv_href(rq, id),
		        (long long)m.id),
		    NULL);
		return PL_OK;
	}
	pl_resp_set(rs, msg_json(rq, &m));
	pl_resp_status(rs, created ? 201 : 200);
	return PL_OK;
}

/*
 * POST /conversations/:id/messages, POST /api/conversations/:id/messages
 * {client_id?, body}
 * 201 the message; 200 the first one again for a client_id already used
 * (without one, the message is new each time);
 * 400 an empty or too long body (named); 403 not the holder; 409 the chat
 * is over; 404 none. The page: 303 back to the chat.
 */
static enum pl_err
conv_message(struct pl_req *rq, struct pl_resp *rs)
{
	return send_common(rq, rs, false);
}

/*
 * POST /conversations/:id/notes, POST /api/conversations/:id/notes
 * {client_id?, body}
 * As a message, but an internal note: staff only, never the visitor's,
 * by anyone who may see the chat.
 */
static enum pl_err
conv_note(struct pl_req *rq, struct pl_resp *rs)
{
	return send_common(rq, rs, true);
}

/*
 * POST /conversations/:id/read, POST /api/conversations/:id/read {upto}
 * 200 {conversation_id, upto}: the holder read up to message upto (the
 * visitor's receipt, the unread count back down). 403 not the holder;
 * 404 none. The page: 303 back to the chat.
 */
static enum pl_err
conv_read(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "upto", NULL };
	struct json_object      *o;
	int64_t                  id, upto = 0;
	enum pl_err              er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK)
		return er;
	pl_in_only(rq, fields);
	pl_in_id(rq, "upto", PL_REQUIRED, "upto is a message id.", &upto);
	if ((er = pl_in_check(rq)) != PL_OK ||
	    (er = pl_chat_read(pl_req_db(rq), rq->arena, &rq->who, id, upto)) !=
	        PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "conversation_id", id);
	pl_json_set_i64(o, "upto", upto);
	pl_resp_saved(rs, o, conv_href(rq, id), "Marked as read.");
	return PL_OK;
}

/*
 * POST /conversations/:id/typing, POST /api/conversations/:id/typing
 * 200 {conversation_id}: the holder is typing (the visitor sees it;
 * console.js sends it at most every few seconds). 403 not the holder; 404
 * none.
 */
static enum pl_err
conv_typing(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *o;
	int64_t             id;
	enum pl_err         er;

	if ((er = bare_move(rq, &id)) != PL_OK ||
	    (er = pl_chat_typing(pl_req_db(rq), rq->arena, &rq->who, id)) !=
	        PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "conversation_id", id);
	pl_resp_saved(rs, o, conv_href(rq, id), NULL);
	return PL_OK;
}

/*
 * POST /conversations, POST /api/conversations {contact_id, widget_id,
 * message?}
 * Re-initiate: a chat with the contact through one of the widgets the
 * caller serves, already the caller's, with the optional first message.
 * 201 the chat (page: 303 to it); 400 naming contact_id, widget_id or
 * message. On the page, a refused start goes back to the contact with the
 * error.
 */
static enum pl_err
conv_start(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "contact_id", "widget_id",
		"message", NULL };
	struct pl_chat_start_in  in = { 0 };
	struct pl_chat           c;
	int64_t                  id = 0;
	enum pl_err              er;

	pl_in_only(rq, fields);
	pl_in_id(
	    rq, "contact_id", PL_REQUIRED, "Choose a contact.", &in.contact_id);
	pl_in_id(rq, "widget_id", PL_REQUIRED,
	    "Choose the website to chat through.", &in.widget_id);
	pl_in_text(rq, "message", "Message", PL_MULTILINE, PL_CHAT_BODY_MAX,
	    &in.message);
	if ((er = pl_in_check(rq)) == PL_OK)
		er = pl_chat_start(
		    pl_req_db(rq), rq->arena, &rq->who, &in, &rq->errs, &id);
	if (er != PL_OK) {
		if (!rq->api && er != PL_EINTERNAL) {
			enum pl_err fer = page_fill(rq, rs, 0);

			if (fer != PL_OK)
				return fer;
		}
		return er;
	}
	if ((er = pl_chat_get(pl_req_db(rq), rq->arena, &rq->who, id, &c)) !=
	    PL_OK)
		return er;
	pl_resp_created(
	    rs, pl_chat_json(&c), conv_href(rq, id), "Chat started.");
	return PL_OK;
}
