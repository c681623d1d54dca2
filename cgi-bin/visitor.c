/* visitor.c: /w and /api/w -- the widget as its visitors see it: the page
 * a customer's site frames (/w/KEY), its logo, and the visitor's JSON API:
 * the configuration, starting a chat, sending, the conversation's events
 * (a long-poll on the same spine as /api/events), ending it, and leaving a
 * message while the widget is closed.
 *
 * There are no cookies and no sessions here: a conversation's visitor
 * holds its token (handed out once, when the chat starts) and sends it in
 * the X-Parley-Visitor header. Every route is public and every answer for
 * a key that is not an active widget of an unblocked tenant is 404; a
 * wrong token or another widget's conversation is 404 too. The rules and
 * the SQL are in lib/domain/visit.c. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>

#include <time.h>

#include "parley.h"
#include "chat.h"
#include "contact.h"
#include "visit.h"

static pl_handler frame_get, logo_get, config_get, conv_start, conv_send,
    conv_events, conv_end, message_leave, conv_typing, conv_read;

static const struct pl_route routes[] = {
	{ "/w/:key", frame_get, PL_ROLE_PUBLIC, .html = PL_GET },
	{ "/w/:key/logo", logo_get, PL_ROLE_PUBLIC, .html = PL_GET },
	{ "/w/:key", config_get, PL_ROLE_PUBLIC, .api = PL_GET },
	{ "/w/:key/conversations", conv_start, PL_ROLE_PUBLIC, .api = PL_POST },
	{ "/w/:key/conversations/:id/messages", conv_send, PL_ROLE_PUBLIC,
	    .api = PL_POST },
	{ "/w/:key/conversations/:id/events", conv_events, PL_ROLE_PUBLIC,
	    .api = PL_GET },
	{ "/w/:key/conversations/:id/end", conv_end, PL_ROLE_PUBLIC,
	    .api = PL_POST },
	{ "/w/:key/messages", message_leave, PL_ROLE_PUBLIC, .api = PL_POST },
	{ "/w/:key/conversations/:id/typing", conv_typing, PL_ROLE_PUBLIC,
	    .api = PL_POST },
	{ "/w/:key/conversations/:id/read", conv_read, PL_ROLE_PUBLIC,
	    .api = PL_POST },
};

/* The rate limits, per minute: the defaults, or PARLEY_VISITOR_LIMITS
 * ("START_ADDR,START_WIDGET,SEND_ADDR,SEND_WIDGET"), read once at start-up
 * before any thread runs. */
static struct pl_visit_limits limits;

static int
limits_read(void)
{
	const char *s = getenv("PARLEY_VISITOR_LIMITS");
	int         v[4], n = 0;

	limits = pl_visit_limits_default;
	if (s == NULL || *s == '\0')
		return 0;
	if (sscanf(s, "%d,%d,%d,%d%n", &v[0], &v[1], &v[2], &v[3], &n) != 4 ||
	    s[n] != '\0' || v[0] < 1 || v[1] < 1 || v[2] < 1 || v[3] < 1) {
		fprintf(stderr,
		    "visitor: PARLEY_VISITOR_LIMITS is four positive numbers "
		    "(start per address, start per widget, send per address, "
		    "send per widget, a minute)\n");
		return -1;
	}
	limits.start_addr = v[0];
	limits.start_widget = v[1];
	limits.send_addr = v[2];
	limits.send_widget = v[3];
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "visitor",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_visit_sql, &pl_chat_sql, &pl_events_sql },
		.threads = 2000,
		.stack_kb = 128,
		.longpoll = true,
	};

	if (limits_read() != 0)
		return 2;
	return pl_app_main(&app, argc, argv);
}

/* The path's widget, read at the request's time; 404 unless active. */
static enum pl_err
path_widget(struct pl_req *rq, struct pl_visit_widget *w)
{
	const char *key = NULL;

	for (size_t i = 0; i < rq->params.n; i++)
		if (strcmp(rq->params.name[i], "key") == 0)
			key = rq->params.val[i];
	if (key == NULL)
		return PL_ENOTFOUND;
	return pl_visit_widget(pl_req_db(rq), rq->arena, key, rq->now, w);
}

/* The visitor's token, from its header ("" when none). */
static const char *
token_of(const struct pl_req *rq)
{
	const char *t = pl_req_env(rq, "HTTP_X_PARLEY_VISITOR");

	return t != NULL ? t : "";
}

/* "(555) 010-1234" for a US number, else the E.164 number itself. */
static const char *
phone_label(struct pl_arena *a, const char *e164)
{
	if (strlen(e164) == 12 && strncmp(e164, "+1", 2) == 0)
		return pl_arena_printf(
		    a, "(%.3s) %.3s-%.4s", e164 + 2, e164 + 5, e164 + 8);
	return e164;
}

/* The widget's configuration, as the API and the page both show it. */
static struct json_object *
config_json(struct pl_req *rq, const struct pl_visit_widget *w)
{
	struct json_object *o = json_object_new_object();
	struct json_object *d = json_object_new_array();

	pl_json_set_str(o, "key", w->key);
	pl_json_set_str(o, "name", w->company);
	pl_json_set_str(o, "website", w->website_url);
	pl_json_set_str(o, "logo_url",
	    w->logo_version ? pl_arena_printf(rq->arena, "/w/%s/logo?v=%.16s",
	                          w->key, w->logo_version)
	                    : NULL);
	for (size_t i = 0; i < w->ndepts; i++) {
		struct json_object *x = json_object_new_object();

		pl_json_set_i64(x, "id", w->depts[i].id);
		pl_json_set_str(x, "name", w->depts[i].name);
		json_object_array_add(d, x);
	}
	json_object_object_add(o, "departments", d);
	pl_json_set_bool(o, "open", w->open);
	pl_json_set_str(o, "time_zone", w->hours.zone);
	pl_json_set_str(o, "next_open_label", w->open ? NULL : w->next_label);
	pl_json_set_str(o, "closed_message",
	    w->open         ? NULL
	    : w->next_label ? pl_arena_printf(rq->arena,
	                          "We're closed, back %s.", w->next_label)
	                    : "We're closed.");
	if (!w->open && w->next_open > 0) {
		char      s[32];
		time_t    tt = (time_t)w->next_open;
		struct tm tm;

		gmtime_r(&tt, &tm);
		strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
		pl_json_set_str(o, "next_open_at", s);
	} else
		pl_json_set_str(o, "next_open_at", NULL);
	pl_json_set_str(o, "phone_number", w->phone_number);
	pl_json_set_str(o, "phone_label",
	    w->phone_number ? phone_label(rq->arena, w->phone_number) : NULL);
	return o;
}

/* An origin pl_resp_frame accepts (the widget module stores only those;
 * this keeps a bad row a 404 instead of a stop). */
static bool
origin_ok(const char *o)
{
	return o != NULL && *o != '\0' && strpbrk(o, " \t\"';,\r\n") == NULL &&
	       (strncmp(o, "https://", 8) == 0 ||
	           strncmp(o, "http://", 7) == 0);
}

/*
 * GET /w/:key
 * 200 the visitor's page, which only the widget's website may frame; 404
 * for a key that is not an active widget.
 */
static enum pl_err
frame_get(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_visit_widget w;
	enum pl_err            er;

	if ((er = path_widget(rq, &w)) != PL_OK)
		return er;
	if (!origin_ok(w.website_origin)) {
		pl_warn("widget %lld: origin %s", (long long)w.id,
		    w.website_origin);
		return PL_ENOTFOUND;
	}
	pl_resp_frame(rs, w.website_origin);
	pl_resp_set(rs, config_json(rq, &w));
	pl_json_set_bool(pl_resp_obj(rs), "several", w.ndepts > 1);
	pl_resp_page(rs, "visitor",
	    pl_arena_printf(rq->arena, "Chat with %s", w.company));
	return PL_OK;
}

/*
 * GET /w/:key/logo[?v=VERSION]
 * 200 the logo's bytes with the type they were checked to be, cached for a
 * year when v names the current version; 404 without a logo.
 */
static enum pl_err
logo_get(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const types[] = { "image/png", "image/jpeg",
		"image/webp" };
	struct pl_visit_widget   w;
	const char              *ctype, *v = pl_query(rq, "v"), *fixed = NULL;
	const void              *bytes;
	size_t                   len;
	enum pl_err              er;

	if ((er = path_widget(rq, &w)) != PL_OK ||
	    (er = pl_visit_logo(
	         pl_req_db(rq), rq->arena, &w, &ctype, &bytes, &len)) != PL_OK)
		return er;
	/* The type is one of ours, never the stored text as it is. */
	for (size_t i = 0; i < PL_NITEMS(types); i++)
		if (strcmp(ctype, types[i]) == 0)
			fixed = types[i];
	if (fixed == NULL)
		return PL_ENOTFOUND;
	pl_resp_raw(rs, fixed, bytes, len,
	    v != NULL && w.logo_version != NULL && strlen(v) == 16 &&
	            strncmp(v, w.logo_version, 16) == 0
	        ? "public, max-age=31536000, immutable"
	        : "public, max-age=300");
	return PL_OK;
}

/*
 * GET /api/w/:key
 * Also the loader's question "is this widget live here?": the widget's own
 * website origin gets Access-Control-Allow-Origin.
 * 200 {key, name, website, logo_url, departments: [{id, name}], open,
 * time_zone, next_open_at, next_open_label, closed_message, phone_number,
 * phone_label}; 404 for a key that is not an active widget.
 */
static enum pl_err
config_get(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_visit_widget w;
	enum pl_err            er;

	const char *origin = pl_req_env(rq, "HTTP_ORIGIN");

	if ((er = path_widget(rq, &w)) != PL_OK)
		return er;
	/* The loader asks from the customer's page before it shows the
	 * launcher: that page's origin, and no other, may read the answer
	 * (no cookies are involved either way). */
	pl_resp_header(rs, "Vary", "Origin");
	if (origin != NULL && strcmp(origin, w.website_origin) == 0)
		pl_resp_header(
		    rs, "Access-Control-Allow-Origin", w.website_origin);
	pl_resp_set(rs, config_json(rq, &w));
	return PL_OK;
}

/* The start form's fields (a chat, or a message left). */
static enum pl_err
input_read(struct pl_req *rq, struct pl_visit_input *in)
{
	static const char *const fields[] = { "name", "email", "phone",
		"department_id", "message", "client_id", "page_url", NULL };

	memset(in, 0, sizeof(*in));
	pl_in_only(rq, fields);
	pl_in_text(rq, "name", "Name", 0, PL_CONTACT_NAME_MAX, &in->name);
	pl_in_text(rq, "email", "E-mail", 0, PL_EMAIL_MAX, &in->email);
	pl_in_text(rq, "phone", "Phone", 0, PL_PHONE_MAX, &in->phone);
	pl_in_id(rq, "department_id", 0, "Choose one of the departments shown.",
	    &in->department_id);
	pl_in_text(rq, "message", "Message", PL_MULTILINE, PL_VISIT_BODY_MAX,
	    &in->message);
	pl_in_text(rq, "client_id", "client_id", 0, PL_VISIT_CLIENT_MAX,
	    &in->client_id);
	pl_in_text(
	    rq, "page_url", "page_url", 0, PL_WEBSITE_MAX, &in->page_url);
	in->addr = rq->client_addr;
	return pl_in_check(rq);
}

static enum pl_err
start_common(struct pl_req *rq, struct pl_resp *rs, bool message)
{
	struct pl_visit_widget w;
	struct pl_visit_input  in;
	struct pl_visit_conv   c;
	struct json_object    *o;
	enum pl_err            er;

	/* A body of the wrong shape (unknown fields, a number for a name)
	 * is refused before the domain counts the attempt. */
	if ((er = path_widget(rq, &w)) != PL_OK ||
	    (er = input_read(rq, &in)) != PL_OK)
		return er;
	if ((er = pl_visit_start(pl_req_db(rq), rq->arena, &w, &limits, &in,
	         message, rq->now, &rq->errs, &c)) != PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "conversation_id", c.id);
	pl_json_set_str(o, "status", c.status);
	pl_json_set_str(o, "channel", c.channel);
	if (!message) {
		pl_json_set_str(o, "token", c.token);
		pl_json_set_str(o, "cursor", c.cursor);
	}
	pl_resp_set(rs, o);
	pl_resp_status(rs, 201);
	return PL_OK;
}

/*
 * POST /api/w/:key/conversations {name, email, phone, department_id,
 * message?, client_id?, page_url?}
 * 201 {conversation_id, status, channel, token, cursor}: the token is shown
 * this once; send it as X-Parley-Visitor. 400 naming the bad fields
 * (nothing stored); 409 while the widget is closed ("We're closed, back
 * Monday 9:00 AM Eastern."); 429 over a rate limit; 404 for a key that is
 * not an active widget.
 */
static enum pl_err
conv_start(struct pl_req *rq, struct pl_resp *rs)
{
	return start_common(rq, rs, false);
}

/*
 * POST /api/w/:key/messages {name, email, phone, department_id?, message}
 * 201 {conversation_id, status, channel}: a request like any other, whose
 * channel is "message" (for when the widget is closed; accepted at any
 * time). 400, 429 and 404 as for a chat.
 */
static enum pl_err
message_leave(struct pl_req *rq, struct pl_resp *rs)
{
	return start_common(rq, rs, true);
}

/* The path's widget and conversation, for the token's holder. */
static enum pl_err
path_conv(struct pl_req *rq, struct pl_visit_widget *w, int64_t *id,
    struct pl_visit_conv *c)
{
	enum pl_err er;

	if ((er = path_widget(rq, w)) != PL_OK ||
	    (er = pl_path_id(rq, "id", id)) != PL_OK)
		return er;
	return c != NULL ? pl_visit_conv_get(pl_req_db(rq), rq->arena, w, *id,
	                       token_of(rq), c)
	                 : PL_OK;
}

static struct json_object *
msg_json(const struct pl_visit_msg *m)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", m->id);
	pl_json_set_i64(o, "conversation_id", m->conversation_id);
	pl_json_set_str(o, "sender", m->sender);
	pl_json_set_str(o, "body", m->body);
	pl_json_set_str(o, "client_id", m->client_id);
	pl_json_set_str(o, "created_at", m->created_at);
	return o;
}

/*
 * POST /api/w/:key/conversations/:id/messages {client_id, body}
 * (X-Parley-Visitor: token)
 * 201 the message; 200 the same message again for a client_id already used
 * (a retry); 400 naming the bad field; 409 once the chat has ended; 429
 * over a rate limit; 404 for a wrong token, another widget's conversation
 * or an inactive widget.
 */
static enum pl_err
conv_send(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "client_id", "body", NULL };
	struct pl_visit_widget   w;
	struct pl_visit_msg      m;
	const char              *client_id = "", *body = "";
	int64_t                  id;
	bool                     created;
	enum pl_err              er;

	if ((er = path_conv(rq, &w, &id, NULL)) != PL_OK)
		return er;
	pl_in_only(rq, fields);
	pl_in_text(
	    rq, "client_id", "client_id", 0, PL_VISIT_CLIENT_MAX, &client_id);
	pl_in_text(
	    rq, "body", "Message", PL_MULTILINE, PL_VISIT_BODY_MAX, &body);
	if ((er = pl_in_check(rq)) != PL_OK)
		return er;
	if ((er = pl_visit_send(pl_req_db(rq), rq->arena, &w, &limits, id,
	         token_of(rq), client_id, body, rq->client_addr, rq->now,
	         &rq->errs, &m, &created)) != PL_OK)
		return er;
	pl_resp_set(rs, msg_json(&m));
	pl_resp_status(rs, created ? 201 : 200);
	return PL_OK;
}

/*
 * POST /api/w/:key/conversations/:id/end (X-Parley-Visitor: token)
 * 200 {conversation_id, status, ended: true}, also when it had ended; 404
 * as for a send.
 */
static enum pl_err
conv_end(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_visit_widget w;
	struct pl_visit_conv   c;
	struct json_object    *o;
	int64_t                id;
	enum pl_err            er;

	if ((er = path_conv(rq, &w, &id, NULL)) != PL_OK ||
	    (er = pl_visit_end(
	         pl_req_db(rq), rq->arena, &w, id, token_of(rq), &c)) != PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "conversation_id", c.id);
	pl_json_set_str(o, "status", c.status);
	pl_json_set_bool(o, "ended", c.ended);
	pl_resp_set(rs, o);
	return PL_OK;
}

/*
 * GET /api/w/:key/conversations/:id/events?cursor=C[&timeout=S]
 * (X-Parley-Visitor: token)
 * 200 {"events":[{"event":NAME,"data":{...},"stream":S,"seq":N}...],
 * "cursor":C2}, as /api/events, for the conversation's stream alone
 * ("message.new", "chat.ended"): without a cursor, none and the cursor of
 * now; with one, what came after it, waiting up to S seconds (default and
 * at most 25) for the first. The wait holds no database connection. 400
 * bad cursor or timeout; 404 as for a send.
 */
static enum pl_err
conv_events(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_visit_widget w;
	struct pl_visit_conv   c;
	const char            *skey;
	int64_t                id;
	enum pl_err            er;

	if ((er = path_conv(rq, &w, &id, &c)) != PL_OK)
		return er;
	skey = pl_stream(rq->arena, PL_STREAM_CONV, c.id);
	return pl_longpoll(rq, rs, &skey, 1);
}

/*
 * POST /api/w/:key/conversations/:id/typing (X-Parley-Visitor: token)
 * 200 {conversation_id}: the holder sees that the visitor is typing (w.js
 * sends it at most every few seconds). 404 as for a send.
 */
static enum pl_err
conv_typing(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const none[] = { NULL };
	struct pl_visit_widget   w;
	struct pl_visit_conv     c;
	struct json_object      *o;
	int64_t                  id;
	enum pl_err              er;

	if ((er = path_conv(rq, &w, &id, &c)) != PL_OK ||
	    (er = pl_in_only(rq, none)) != PL_OK ||
	    (er = pl_chat_visitor_typing(pl_req_db(rq), rq->arena, c.id)) !=
	        PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "conversation_id", c.id);
	pl_resp_set(rs, o);
	return PL_OK;
}

/*
 * POST /api/w/:key/conversations/:id/read {upto} (X-Parley-Visitor: token)
 * 200 {conversation_id, upto}: the visitor has read the agent's messages
 * up to upto (the agent's "Seen"). 400 a bad upto; 404 as for a send.
 */
static enum pl_err
conv_read(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "upto", NULL };
	struct pl_visit_widget   w;
	struct pl_visit_conv     c;
	struct json_object      *o;
	int64_t                  id, upto = 0;
	enum pl_err              er;

	if ((er = path_conv(rq, &w, &id, &c)) != PL_OK)
		return er;
	pl_in_only(rq, fields);
	pl_in_id(rq, "upto", PL_REQUIRED, "upto is a message id.", &upto);
	if ((er = pl_in_check(rq)) != PL_OK ||
	    (er = pl_chat_visitor_read(pl_req_db(rq), rq->arena, c.id, upto)) !=
	        PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "conversation_id", c.id);
	pl_json_set_i64(o, "upto", upto);
	pl_resp_set(rs, o);
	return PL_OK;
}
