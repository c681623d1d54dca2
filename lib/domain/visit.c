/* visit.c: the visitor's side of a widget (the rules are told at the top
 * of visit.h).
 *
 * Scoping: a widget is found by its public key only while it is active and
 * its tenant unblocked; everything after that binds the widget's own id
 * and tenant, never an id from input alone: a conversation is read by (id,
 * widget, tenant) and then its token hash compared. Lock order in a write:
 * the conversation, then the widget row (its counters), then the tenant
 * row (the contact upsert, and the foreign-key checks of every insert); the
 * streams last, in key order, as every change writes its events (change.h). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "arena.h"
#include "change.h"
#include "chat.h"
#include "contact.h"
#include "crypto.h"
#include "events.h"
#include "log.h"
#include "pl_json.h"
#include "valid.h"
#include "visit.h"

enum {
	V_WIDGET,
	V_DEPTS,
	V_LOGO,
	V_RATE,
	V_RATE_SWEEP,
	V_CONV_INSERT,
	V_CONV_GET,
	V_CONV_LOCK,
	V_CONV_MSG,
	V_CONV_END,
	V_MSG_INSERT,
	V_MSG_GET,
	V_MSG_BY_CLIENT,
	V_WIDGET_START,
	V_WIDGET_MSG,
	V_WIDGET_UNWAIT,
	V__MAX
};

#define CONV_COLS                                                              \
	"SELECT id, status, channel, ended_at IS NOT NULL, "                   \
	"visitor_token_hash,"                                                  \
	" IF(status = 'ongoing', COALESCE(agent_id, 0), 0)"                    \
	" FROM conversations WHERE id = ? AND widget_id = ? AND tenant_id = ?"
#define MSG_COLS                                                               \
	"SELECT id, conversation_id, sender, body, COALESCE(client_id, ''),"   \
	" created_at FROM messages"

static const char *const stmts[V__MAX] = {
	[V_WIDGET] =
	    "SELECT w.id, w.tenant_id, w.public_key, t.company, w.website_url,"
	    " w.website_origin, w.time_zone, w.days, w.open_from, w.open_to,"
	    " CASE WHEN w.number_status = 'active' THEN w.phone_number END,"
	    " l.sha256"
	    " FROM widgets w JOIN tenants t ON t.id = w.tenant_id"
	    " LEFT JOIN widget_logos l ON l.widget_id = w.id"
	    " AND l.tenant_id = w.tenant_id"
	    " WHERE w.public_key = ? AND w.active = 1 AND t.blocked = 0",
	[V_DEPTS] =
	    "SELECT d.id, d.name FROM widget_departments wd"
	    " JOIN departments d ON d.id = wd.department_id"
	    " AND d.tenant_id = wd.tenant_id"
	    " WHERE wd.tenant_id = ? AND wd.widget_id = ? AND d.active = 1"
	    " ORDER BY d.name, d.id LIMIT 100",
	[V_LOGO] =
	    "SELECT content_type, bytes FROM widget_logos"
	    " WHERE widget_id = ? AND tenant_id = ?",
	/* One statement counts the hit and hands the count back as the
	 * insert id (0 for a window's first hit), as events.c's bump. */
	[V_RATE] =
	    "INSERT INTO rate_limits (kind, key_hash, window_start, hits)"
	    " VALUES (?, ?, ?, 1)"
	    " ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1)",
	[V_RATE_SWEEP] =
	    "DELETE FROM rate_limits WHERE window_start < ?"
	    " LIMIT 500",
	[V_CONV_INSERT] =
	    "INSERT INTO conversations (tenant_id, widget_id, contact_id,"
	    " department_id, channel, visitor_token_hash, visitor_name,"
	    " visitor_email, visitor_phone, visitor_phone_e164, page_url,"
	    " message_count, last_message_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " IF(? > 0, UTC_TIMESTAMP(3), NULL))",
	[V_CONV_GET] = CONV_COLS,
	[V_CONV_LOCK] = CONV_COLS " FOR UPDATE",
	[V_CONV_MSG] =
	    "UPDATE conversations SET message_count = message_count + 1,"
	    " last_message_at = UTC_TIMESTAMP(3)"
	    " WHERE id = ? AND tenant_id = ?",
	[V_CONV_END] =
	    "UPDATE conversations SET ended_at = UTC_TIMESTAMP(3),"
	    " ended_by = 'visitor',"
	    " status = IF(status = 'new', 'closed', status)"
	    " WHERE id = ? AND tenant_id = ? AND ended_at IS NULL",
	[V_MSG_INSERT] =
	    "INSERT INTO messages (tenant_id, conversation_id, sender, body,"
	    " client_id) VALUES (?, ?, 'visitor', ?, ?)",
	[V_MSG_GET] = MSG_COLS " WHERE conversation_id = ? AND id = ?",
	[V_MSG_BY_CLIENT] =
	    MSG_COLS " WHERE conversation_id = ? AND client_id = ?",
	[V_WIDGET_START] =
	    "UPDATE widgets SET waiting_count = waiting_count + 1,"
	    " message_count = message_count + ?"
	    " WHERE id = ? AND tenant_id = ?",
	[V_WIDGET_MSG] =
	    "UPDATE widgets SET message_count = message_count + 1"
	    " WHERE id = ? AND tenant_id = ?",
	[V_WIDGET_UNWAIT] =
	    "UPDATE widgets SET waiting_count = waiting_count - 1"
	    " WHERE id = ? AND tenant_id = ? AND waiting_count > 0",
};

const struct pl_sqlset pl_visit_sql = { "visit", stmts, V__MAX,
	{ &pl_contact_sql, &pl_events_sql, &pl_chat_sql } };

const struct pl_visit_limits pl_visit_limits_default = { 10, 300, 120, 3000 };

struct pl_actor
pl_visit_actor(int64_t tenant_id)
{
	struct pl_actor who = { 0 };

	who.tenant_id = tenant_id;
	who.role = PL_ROLE_PUBLIC;
	who.name = "Visitor";
	return who;
}

/* A public key: 22 base64url characters (widgets.public_key). */
static bool
key_shape(const char *k)
{
	size_t n = k != NULL ? strlen(k) : 0;

	if (n != 22)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') ||
		        (k[i] >= 'a' && k[i] <= 'z') ||
		        (k[i] >= '0' && k[i] <= '9') || k[i] == '-' ||
		        k[i] == '_'))
			return false;
	return true;
}

enum pl_err
pl_visit_widget(struct pl_db *db, struct pl_arena *a, const char *key,
    int64_t now, struct pl_visit_widget *w)
{
	struct pl_row  row;
	struct pl_rows rows;
	enum pl_err    er;

	memset(w, 0, sizeof(*w));
	if (!key_shape(key))
		return PL_ENOTFOUND;
	if ((er = pl_db_one(db, a, &pl_visit_sql, V_WIDGET,
	         PL_ARGS(PL_STR(key)), &row)) != PL_OK)
		return er;
	w->id = pl_row_i64(&row, 0);
	w->tenant_id = pl_row_i64(&row, 1);
	w->key = pl_row_str(&row, 2);
	w->company = pl_row_str(&row, 3);
	w->website_url = pl_row_str(&row, 4);
	w->website_origin = pl_row_str(&row, 5);
	w->hours.zone = pl_row_str(&row, 6);
	w->hours.days = (unsigned)pl_row_i64(&row, 7);
	w->hours.from = (int)pl_row_i64(&row, 8);
	w->hours.to = (int)pl_row_i64(&row, 9);
	w->phone_number = pl_row_str(&row, 10);
	w->logo_version = pl_row_str(&row, 11);
	if ((er = pl_db_all(db, a, &pl_visit_sql, V_DEPTS,
	         PL_ARGS(PL_I64(w->tenant_id), PL_I64(w->id)), &rows)) != PL_OK)
		return er;
	w->depts = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(*w->depts));
	for (size_t i = 0; i < rows.n; i++) {
		w->depts[i].id = pl_row_i64(&rows.v[i], 0);
		w->depts[i].name = pl_row_str(&rows.v[i], 1);
	}
	w->ndepts = rows.n;
	/* Hours the widget module would never store (an unknown zone) make
	 * the widget closed with no next opening, not an error: the visitor
	 * can still leave a message. */
	if (pl_hours_open(&w->hours, now, &w->open) != PL_OK) {
		pl_warn("widget %lld: bad hours (zone %s)", (long long)w->id,
		    w->hours.zone);
		w->open = false;
		return PL_OK;
	}
	if (!w->open && pl_hours_next(&w->hours, now, &w->next_open) == PL_OK &&
	    pl_hours_label(
	        a, w->hours.zone, now, w->next_open, &w->next_label) != PL_OK)
		w->next_label = NULL;
	if (w->open)
		w->next_open = now;
	return PL_OK;
}

enum pl_err
pl_visit_logo(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, const char **ctype, const void **bytes,
    size_t *len)
{
	struct pl_row row;
	enum pl_err   er;

	*ctype = NULL;
	*bytes = NULL;
	*len = 0;
	if ((er = pl_db_one(db, a, &pl_visit_sql, V_LOGO,
	         PL_ARGS(PL_I64(w->id), PL_I64(w->tenant_id)), &row)) != PL_OK)
		return er;
	*ctype = pl_row_str(&row, 0);
	*bytes = row.v[1];
	*len = row.len[1];
	return PL_OK;
}

/* --- rate limits -----------------------------------------------------------
 */

#define RATE_WINDOW 60 /* seconds */

/*
 * Count one hit of kind for key (hashed) in the current window, in its own
 * statement (autocommit: a refused or failed request counts too). Over max:
 * PL_ETOOMANY with msg for the whole form.
 */
static enum pl_err
rate_hit(struct pl_db *db, struct pl_arena *a, const char *kind,
    const char *key, int max, int64_t now, const char *msg, struct pl_errs *fe)
{
	int64_t     win = now - now % RATE_WINDOW;
	uint64_t    hits = 0;
	enum pl_err er;

	er = pl_db_exec(db, &pl_visit_sql, V_RATE,
	    PL_ARGS(PL_STR(kind), PL_STR(pl_sha256_hex(a, key, strlen(key))),
	        PL_I64(win)),
	    NULL, &hits);
	if (er != PL_OK)
		return er;
	if (hits == 0) {
		/* A window's first hit: sweep some of the old ones. */
		hits = 1;
		er = pl_db_exec(db, &pl_visit_sql, V_RATE_SWEEP,
		    PL_ARGS(PL_I64(win - 2 * RATE_WINDOW)), NULL, NULL);
		if (er != PL_OK)
			return er;
	}
	if (hits > (uint64_t)max) {
		pl_warn("visitor rate limit %s (%d a minute)", kind, max);
		pl_errs_add(fe, NULL, msg);
		return PL_ETOOMANY;
	}
	return PL_OK;
}

static enum pl_err
rate_check(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, bool start, int per_addr, int per_widget,
    const char *addr, int64_t now, struct pl_errs *fe)
{
	static const char wait[] =
	    "Too many requests from this address; wait a minute and try "
	    "again.";
	static const char busy[] =
	    "This chat is very busy right now; wait a minute and try again.";
	const char *wkey = pl_arena_printf(a, "%lld", (long long)w->id);
	enum pl_err er;

	if ((er = rate_hit(db, a, start ? "start-addr" : "send-addr",
	         pl_arena_printf(a, "%s/%s", wkey, addr ? addr : ""), per_addr,
	         now, wait, fe)) != PL_OK)
		return er;
	return rate_hit(db, a, start ? "start-widget" : "send-widget", wkey,
	    per_widget, now, busy, fe);
}

/* --- shapes ----------------------------------------------------------------
 */

/* A DATETIME(3) as ISO 8601 UTC with milliseconds. */
static const char *
iso_ms(struct pl_arena *a, const char *dt)
{
	if (dt == NULL || strlen(dt) < 19)
		return NULL;
	if (strlen(dt) >= 23)
		return pl_arena_printf(a, "%.10sT%.12sZ", dt, dt + 11);
	return pl_arena_printf(a, "%.10sT%.8s.000Z", dt, dt + 11);
}

static const char *
iso_epoch(struct pl_arena *a, int64_t t)
{
	struct tm tm;
	time_t    tt = (time_t)t;
	char      s[32];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return pl_arena_strdup(a, s);
}

static void
msg_from_row(struct pl_arena *a, const struct pl_row *r, struct pl_visit_msg *m)
{
	m->id = pl_row_i64(r, 0);
	m->conversation_id = pl_row_i64(r, 1);
	m->sender = pl_row_str(r, 2);
	m->body = pl_row_str(r, 3);
	m->client_id = pl_row_str(r, 4);
	m->created_at = iso_ms(a, pl_row_str(r, 5));
}

/* JSON text of a message, as events carry it. */
static const char *
msg_json(struct pl_arena *a, const struct pl_visit_msg *m)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", m->id);
	pl_json_set_i64(o, "conversation_id", m->conversation_id);
	pl_json_set_str(o, "sender", m->sender);
	pl_json_set_str(o, "body", m->body);
	pl_json_set_str(o, "client_id", m->client_id);
	pl_json_set_str(o, "created_at", m->created_at);
	return pl_json_text(a, o);
}

/* --- the writes ------------------------------------------------------------
 */

/* Insert the visitor's message (the conversation is locked or new), read
 * it back, count it on the conversation (unless first) and the widget, and
 * add its event. */
static enum pl_err
msg_add(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    const struct pl_visit_widget *w, int64_t conv, const char *client_id,
    const char *body, bool first, struct pl_visit_msg *m, uint64_t *seq)
{
	uint64_t      id = 0;
	struct pl_row row;
	enum pl_err   er;

	/* The counters first: the widget row before any insert's foreign-key
	 * lock on the tenant row (the lock order at the top of this file). */
	if (!first) {
		if ((er = pl_db_exec(db, &pl_visit_sql, V_WIDGET_MSG,
		         PL_ARGS(PL_I64(w->id), PL_I64(w->tenant_id)), NULL,
		         NULL)) != PL_OK ||
		    (er = pl_db_exec(db, &pl_visit_sql, V_CONV_MSG,
		         PL_ARGS(PL_I64(conv), PL_I64(w->tenant_id)), NULL,
		         NULL)) != PL_OK)
			return er;
	}
	if ((er = pl_db_exec(db, &pl_visit_sql, V_MSG_INSERT,
	         PL_ARGS(PL_I64(w->tenant_id), PL_I64(conv), PL_STR(body),
	             *client_id ? PL_STR(client_id) : PL_NULLV),
	         NULL, &id)) != PL_OK)
		return er;
	if ((er = pl_db_one(db, a, &pl_visit_sql, V_MSG_GET,
	         PL_ARGS(PL_I64(conv), PL_I64((int64_t)id)), &row)) != PL_OK)
		return er == PL_ENOTFOUND ? PL_EINTERNAL : er;
	msg_from_row(a, &row, m);
	return pl_change_event(db, a, ch, pl_stream(a, PL_STREAM_CONV, conv),
	    "message.new", msg_json(a, m), seq);
}

struct start_arg {
	const struct pl_visit_widget   *w;
	const struct pl_visit_input    *in;
	const struct pl_contact_fields *f;
	const struct pl_visit_dept     *dept; /* NULL: none */
	const char                     *body; /* "" none */
	bool                            message;
	int64_t                         now;
	const char                     *token_hash;
	/* Out: */
	int64_t  id;
	uint64_t seq; /* the conversation stream's head after the start */
};

/* The "request.new" event: what the waiting list shows of a request. */
static const char *
request_json(struct pl_arena *a, const struct start_arg *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *d = NULL;

	pl_json_set_i64(o, "conversation_id", s->id);
	pl_json_set_str(o, "channel", s->message ? "message" : "web");
	pl_json_set_str(o, "status", "new");
	pl_json_set_i64(o, "widget_id", s->w->id);
	pl_json_set_str(o, "website", s->w->website_url);
	if (s->dept != NULL) {
		d = json_object_new_object();
		pl_json_set_i64(d, "id", s->dept->id);
		pl_json_set_str(d, "name", s->dept->name);
	}
	json_object_object_add(o, "department", d);
	pl_json_set_str(o, "name", s->f->name);
	pl_json_set_str(o, "email", s->f->email);
	pl_json_set_str(o, "phone", s->f->phone_e164);
	pl_json_set_str(o, "message", s->body);
	pl_json_set_str(o, "created_at", iso_epoch(a, s->now));
	return pl_json_text(a, o);
}

static enum pl_err
start_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct start_arg             *s = arg;
	const struct pl_visit_widget *w = s->w;
	struct pl_visit_msg           m;
	int64_t                       contact;
	uint64_t                      id = 0;
	bool                          created, assoc;
	enum pl_err                   er;

	/* Not audited (visit.h says why); ch carries the offers' events. */
	s->id = 0;
	s->seq = 0;
	/* The widget row first, then the tenant's (the contact's upsert),
	 * as every change that counts on a widget. */
	if ((er = pl_db_exec(db, &pl_visit_sql, V_WIDGET_START,
	         PL_ARGS(PL_I64(*s->body ? 1 : 0), PL_I64(w->id),
	             PL_I64(w->tenant_id)),
	         NULL, NULL)) != PL_OK)
		return er;
	if ((er = pl_contact_upsert(db, a, who, w->tenant_id, s->f, 0, &contact,
	         &created, &assoc)) != PL_OK ||
	    (er = pl_contact_connected(db, w->tenant_id, contact)) != PL_OK)
		return er;
	er = pl_db_exec(db, &pl_visit_sql, V_CONV_INSERT,
	    PL_ARGS(PL_I64(w->tenant_id), PL_I64(w->id), PL_I64(contact),
	        s->dept ? PL_I64(s->dept->id) : PL_NULLV,
	        PL_STR(s->message ? "message" : "web"), PL_STR(s->token_hash),
	        PL_STR(s->f->name), PL_STR(s->f->email), PL_STR(s->f->phone),
	        PL_STR(s->f->phone_e164), PL_STR(s->in->page_url),
	        PL_I64(*s->body ? 1 : 0), PL_I64(*s->body ? 1 : 0)),
	    NULL, &id);
	if (er != PL_OK)
		return er;
	s->id = (int64_t)id;
	if (*s->body != '\0' &&
	    (er = msg_add(db, a, ch, w, s->id, s->in->client_id, s->body, true,
	         &m, &s->seq)) != PL_OK)
		return er;
	if ((er = pl_chat_offer_first(db, a, ch, s->id)) != PL_OK)
		return er;
	return pl_change_event(db, a, ch,
	    pl_stream(a, PL_STREAM_TENANT, w->tenant_id), "request.new",
	    request_json(a, s), NULL);
}

/* The department asked for: one of w's active ones; 0 takes the only one,
 * and is refused when there are several. */
static const struct pl_visit_dept *
dept_pick(const struct pl_visit_widget *w, int64_t id, struct pl_errs *fe)
{
	if (id == 0) {
		if (w->ndepts == 1)
			return &w->depts[0];
		if (w->ndepts > 1)
			pl_errs_add(
			    fe, "department_id", "Choose a department.");
		return NULL;
	}
	for (size_t i = 0; i < w->ndepts; i++)
		if (w->depts[i].id == id)
			return &w->depts[i];
	pl_errs_add(
	    fe, "department_id", "Choose one of the departments shown.");
	return NULL;
}

enum pl_err
pl_visit_start(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, const struct pl_visit_limits *lim,
    const struct pl_visit_input *in, bool message, int64_t now,
    struct pl_errs *fe, struct pl_visit_conv *c)
{
	struct pl_contact_input  ci = { in->name, in->email, in->phone, NULL };
	struct pl_contact_fields f;
	struct pl_actor          who = pl_visit_actor(w->tenant_id);
	struct start_arg         s = { 0 };
	struct pl_visit_input    inx = *in;
	const char              *body;
	const char              *why, *token;
	enum pl_err              er;

	memset(c, 0, sizeof(*c));
	if (inx.message == NULL)
		inx.message = "";
	if (inx.client_id == NULL)
		inx.client_id = "";
	if (inx.page_url == NULL)
		inx.page_url = "";
	body = inx.message;
	if ((er = rate_check(db, a, w, true, lim->start_addr, lim->start_widget,
	         in->addr, now, fe)) != PL_OK)
		return er;
	/* The fields first, all of them, so the visitor sees every error. */
	(void)pl_contact_check(a, &ci, fe, &f);
	s.dept = dept_pick(w, in->department_id, fe);
	if ((why = pl_valid_text(body, PL_VISIT_BODY_MAX, 1)) != NULL)
		pl_errs_add(
		    fe, "message", pl_arena_printf(a, "Message: %s", why));
	else if (message && *body == '\0')
		pl_errs_add(fe, "message", "Write your message.");
	if (*body != '\0' && *inx.client_id != '\0' &&
	    pl_valid_client_id(inx.client_id) != NULL)
		pl_errs_add(fe, "client_id", pl_valid_client_id(inx.client_id));
	if (*inx.page_url != '\0' && pl_valid_website(inx.page_url) != NULL)
		pl_errs_add(fe, "page_url", "page_url is not a web address.");
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	if (!message && !w->open) {
		pl_errs_add(fe, NULL,
		    w->next_label ? pl_arena_printf(a, "We're closed, back %s.",
		                        w->next_label)
		                  : "We're closed.");
		return PL_ECONFLICT;
	}
	/* The contact remembers the website the visitor came through. */
	f.website = w->website_url;
	token = pl_token_new(a);
	s.w = w;
	s.in = &inx;
	s.f = &f;
	s.body = body;
	s.message = message;
	s.now = now;
	s.token_hash = pl_sha256_hex(a, token, strlen(token));
	if ((er = pl_change_run(db, a, &who, start_fn, &s)) != PL_OK)
		return er;
	c->id = s.id;
	c->status = "new";
	c->channel = message ? "message" : "web";
	c->ended = false;
	if (!message) {
		c->token = token;
		c->cursor = pl_arena_printf(a, "%s.%llu",
		    pl_stream(a, PL_STREAM_CONV, s.id),
		    (unsigned long long)s.seq);
	}
	return PL_OK;
}

/* A token of the right shape whose hash matches, in constant time. */
static bool
token_ok(struct pl_arena *a, const char *token, const char *hash)
{
	size_t n = token != NULL ? strlen(token) : 0;

	if (n != PL_VISIT_TOKEN_LEN ||
	    strspn(token,
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	        "0123456789_-") != n)
		return false;
	return pl_ct_streq(pl_sha256_hex(a, token, n), hash);
}

static enum pl_err
conv_read(struct pl_db *db, struct pl_arena *a, const struct pl_visit_widget *w,
    int64_t id, const char *token, bool lock, struct pl_visit_conv *c)
{
	struct pl_row row;
	enum pl_err   er;

	memset(c, 0, sizeof(*c));
	if ((er = pl_db_one(db, a, &pl_visit_sql,
	         lock ? V_CONV_LOCK : V_CONV_GET,
	         PL_ARGS(PL_I64(id), PL_I64(w->id), PL_I64(w->tenant_id)),
	         &row)) != PL_OK)
		return er;
	if (!token_ok(a, token, pl_row_str(&row, 4)))
		return PL_ENOTFOUND;
	c->id = pl_row_i64(&row, 0);
	c->status = pl_row_str(&row, 1);
	c->channel = pl_row_str(&row, 2);
	c->ended = pl_row_i64(&row, 3) != 0;
	c->holder = pl_row_i64(&row, 5);
	return PL_OK;
}

enum pl_err
pl_visit_conv_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, int64_t id, const char *token,
    struct pl_visit_conv *c)
{
	return conv_read(db, a, w, id, token, false, c);
}

struct send_arg {
	const struct pl_visit_widget *w;
	int64_t                       id;
	const char                   *token, *client_id, *body;
	struct pl_visit_msg          *m;
	bool                          created;
	struct pl_errs               *fe;
};

static enum pl_err
send_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct send_arg     *s = arg;
	struct pl_visit_conv c;
	struct pl_row        row;
	enum pl_err          er;

	(void)who;
	s->created = false;
	/* The conversation's row lock serializes its sends, so a retry that
	 * races the first finds it here. */
	if ((er = conv_read(db, a, s->w, s->id, s->token, true, &c)) != PL_OK)
		return er;
	er = pl_db_one(db, a, &pl_visit_sql, V_MSG_BY_CLIENT,
	    PL_ARGS(PL_I64(c.id), PL_STR(s->client_id)), &row);
	if (er == PL_OK) {
		msg_from_row(a, &row, s->m);
		return PL_OK;
	}
	if (er != PL_ENOTFOUND)
		return er;
	if (c.ended || (strcmp(c.status, "new") != 0 &&
	                   strcmp(c.status, "ongoing") != 0)) {
		pl_errs_add(s->fe, NULL, "This chat has ended.");
		return PL_ECONFLICT;
	}
	if ((er = msg_add(db, a, ch, s->w, c.id, s->client_id, s->body, false,
	         s->m, NULL)) != PL_OK ||
	    (er = pl_chat_visitor_message(
	         db, a, ch, c.id, c.holder, msg_json(a, s->m))) != PL_OK)
		return er;
	s->created = true;
	return PL_OK;
}

enum pl_err
pl_visit_send(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, const struct pl_visit_limits *lim,
    int64_t id, const char *token, const char *client_id, const char *body,
    const char *addr, int64_t now, struct pl_errs *fe, struct pl_visit_msg *m,
    bool *created)
{
	struct pl_actor who = pl_visit_actor(w->tenant_id);
	struct send_arg s = { w, id, token, client_id, body, m, false, fe };
	const char     *why;
	enum pl_err     er;

	memset(m, 0, sizeof(*m));
	*created = false;
	if ((er = rate_check(db, a, w, false, lim->send_addr, lim->send_widget,
	         addr, now, fe)) != PL_OK)
		return er;
	if (pl_valid_client_id(client_id) != NULL)
		pl_errs_add(fe, "client_id", pl_valid_client_id(client_id));
	if (body == NULL || *body == '\0')
		pl_errs_add(fe, "body", "Write a message.");
	else if ((why = pl_valid_text(body, PL_VISIT_BODY_MAX, 1)) != NULL)
		pl_errs_add(fe, "body", pl_arena_printf(a, "Message: %s", why));
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	if ((er = pl_change_run(db, a, &who, send_fn, &s)) != PL_OK)
		return er;
	*created = s.created;
	return PL_OK;
}

struct end_arg {
	const struct pl_visit_widget *w;
	int64_t                       id;
	const char                   *token;
	struct pl_visit_conv         *c;
	bool                          ended, withdrawn;
};

static enum pl_err
end_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct end_arg     *e = arg;
	struct json_object *o;
	const char         *data;
	enum pl_err         er;

	(void)who;
	e->ended = e->withdrawn = false;
	if ((er = conv_read(db, a, e->w, e->id, e->token, true, e->c)) !=
	        PL_OK ||
	    e->c->ended)
		return er;
	e->withdrawn = strcmp(e->c->status, "new") == 0;
	/* The widget row before the offers (the lock order above). */
	if (e->withdrawn &&
	    (er = pl_db_exec(db, &pl_visit_sql, V_WIDGET_UNWAIT,
	         PL_ARGS(PL_I64(e->w->id), PL_I64(e->w->tenant_id)), NULL,
	         NULL)) != PL_OK)
		return er;
	if ((er = pl_chat_visitor_ended(db, a, ch, e->id)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_visit_sql, V_CONV_END,
	         PL_ARGS(PL_I64(e->id), PL_I64(e->w->tenant_id)), NULL,
	         NULL)) != PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "conversation_id", e->id);
	pl_json_set_str(o, "by", "visitor");
	pl_json_set_str(o, "status", e->withdrawn ? "closed" : e->c->status);
	data = pl_json_text(a, o);
	if ((er = pl_change_event(db, a, ch,
	         pl_stream(a, PL_STREAM_CONV, e->id), "chat.ended", data,
	         NULL)) != PL_OK)
		return er;
	if (e->withdrawn &&
	    (er = pl_change_event(db, a, ch,
	         pl_stream(a, PL_STREAM_TENANT, e->w->tenant_id),
	         "request.closed", data, NULL)) != PL_OK)
		return er;
	e->ended = true;
	return PL_OK;
}

enum pl_err
pl_visit_end(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, int64_t id, const char *token,
    struct pl_visit_conv *c)
{
	struct pl_actor who = pl_visit_actor(w->tenant_id);
	struct end_arg  e = { w, id, token, c, false, false };
	enum pl_err     er;

	if ((er = pl_change_run(db, a, &who, end_fn, &e)) != PL_OK)
		return er;
	if (e.ended) {
		c->ended = true;
		if (e.withdrawn)
			c->status = "closed";
	}
	return PL_OK;
}
