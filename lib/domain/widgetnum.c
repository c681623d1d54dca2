/* widgetnum.c: a widget's Twilio number: the request, and the worker's
 * purchase in the business's sub-account. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "audit.h"
#include "change.h"
#include "config.h"
#include "events.h"
#include "log.h"
#include "outbox.h"
#include "parse.h"
#include "pl_json.h"
#include "twacct.h"
#include "twilio.h"
#include "widgetnum.h"

enum {
	W_LOCK,
	W_LOCK_ANY,
	W_GET,
	W_PENDING,
	W_ACTIVE,
	W_FAILED,
	W_REASON,
	N__MAX
};

#define W_COLS                                                                 \
	"SELECT tenant_id, active, number_status, number_intent, area_code,"   \
	" COALESCE(phone_number, '') FROM widgets"

static const char *const stmts[N__MAX] = {
	[W_LOCK] = W_COLS " WHERE tenant_id = ? AND id = ? FOR UPDATE",
	[W_LOCK_ANY] = W_COLS " WHERE id = ? FOR UPDATE",
	[W_GET] = W_COLS " WHERE tenant_id = ? AND id = ?",
	[W_PENDING] =
	    "UPDATE widgets SET number_status = 'pending', number_intent ="
	    " number_intent + 1, number_error = '' WHERE tenant_id = ?"
	    " AND id = ? AND number_status IN ('none', 'failed')",
	[W_ACTIVE] =
	    "UPDATE widgets SET number_status = 'active', phone_number = ?,"
	    " number_sid = ?, number_error = '' WHERE tenant_id = ? AND id = ?"
	    " AND number_intent = ? AND number_status = 'pending'",
	[W_FAILED] =
	    "UPDATE widgets SET number_status = 'failed', number_error = ?"
	    " WHERE tenant_id = ? AND id = ? AND number_intent = ?"
	    " AND number_status = 'pending'",
	/* While it waits: why the last attempt did not get one. */
	[W_REASON] =
	    "UPDATE widgets SET number_error = ? WHERE tenant_id = ? AND id = ?"
	    " AND number_intent = ? AND number_status = 'pending'",
};

const struct pl_sqlset pl_widgetnum_sql = { "widgetnum", stmts, N__MAX,
	{ &pl_audit_sql, &pl_twacct_sql, &pl_events_sql } };

/* The actor of the worker's own entries: Parley itself. */
static const struct pl_actor parley = { .role = PL_ROLE_SUPER,
	.name = "Parley" };

#define NUMBER_ERROR_MAX 255 /* widgets.number_error, characters */

static const char *
fname_of(struct pl_arena *a, int64_t wid)
{
	return pl_arena_printf(a, "Parley widget %lld", (long long)wid);
}

/* ---- the request --------------------------------------------------------- */

static enum pl_err
queue(struct pl_db *db, struct pl_arena *a, int64_t tid, int64_t wid)
{
	struct pl_row row;
	uint64_t      n = 0;
	enum pl_err   er;

	if ((er = pl_db_exec(db, &pl_widgetnum_sql, W_PENDING,
	         PL_ARGS(PL_I64(tid), PL_I64(wid)), &n, NULL)) != PL_OK)
		return er;
	if (n == 0)
		return PL_OK; /* pending already, or it has one */
	if ((er = pl_db_one(db, a, &pl_widgetnum_sql, W_GET,
	         PL_ARGS(PL_I64(tid), PL_I64(wid)), &row)) != PL_OK)
		return er;
	return pl_outbox_put(db, "twilio",
	    pl_arena_printf(a, "twilio:number:%lld:%lld", (long long)wid,
	        (long long)pl_row_i64(&row, 3)),
	    pl_arena_printf(a, "widget:%lld", (long long)wid),
	    pl_arena_printf(a,
	        "{\"op\":\"number\",\"tenant_id\":%lld,\"widget_id\":%lld,"
	        "\"intent\":%lld}",
	        (long long)tid, (long long)wid,
	        (long long)pl_row_i64(&row, 3)));
}

enum pl_err
pl_widgetnum_queue(
    struct pl_db *db, struct pl_arena *a, int64_t tenant_id, int64_t widget_id)
{
	return queue(db, a, tenant_id, widget_id);
}

struct req_arg {
	int64_t         wid;
	struct pl_errs *fe;
};

static enum pl_err
request_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct req_arg *g = p;
	struct pl_row   row;
	const char     *st, *area;
	int64_t         tid;
	enum pl_err     er;

	if (who->role == PL_ROLE_SUPER)
		er = pl_db_one(db, a, &pl_widgetnum_sql, W_LOCK_ANY,
		    PL_ARGS(PL_I64(g->wid)), &row);
	else
		er = pl_db_one(db, a, &pl_widgetnum_sql, W_LOCK,
		    PL_ARGS(PL_I64(who->tenant_id), PL_I64(g->wid)), &row);
	if (er != PL_OK)
		return er;
	tid = pl_row_i64(&row, 0);
	st = pl_row_str(&row, 2);
	area = pl_row_str(&row, 4);
	if (strcmp(st, "active") == 0) {
		g->fe->msg = pl_arena_printf(
		    a, "This widget has a number: %s.", pl_row_str(&row, 5));
		return PL_ECONFLICT;
	}
	if (strcmp(st, "pending") == 0)
		return PL_OK; /* one purchase is under way */
	if (pl_row_i64(&row, 1) == 0) {
		g->fe->msg =
		    "Activate the widget before requesting its number.";
		return PL_ECONFLICT;
	}
	if ((er = queue(db, a, tid, g->wid)) != PL_OK)
		return er;
	ch->tenant_id = tid;
	ch->action =
	    strcmp(st, "failed") == 0 ? "number_retry" : "number_request";
	ch->target_type = "widget";
	ch->target_id = g->wid;
	ch->summary = *area ? pl_arena_printf(
	                          a, "Requested a number in area code %s", area)
	                    : "Requested a US local number";
	ch->queued = true;
	return PL_OK;
}

enum pl_err
pl_widgetnum_request(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t widget_id, struct pl_errs *fe)
{
	struct req_arg g = { widget_id, fe };

	if (who->role != PL_ROLE_SUPER && who->role != PL_ROLE_ADMIN)
		return PL_EPERM;
	if (widget_id <= 0)
		return PL_ENOTFOUND;
	return pl_change_run(db, a, who, request_fn, &g);
}

/* ---- the worker ---------------------------------------------------------- */

struct done_arg {
	int64_t     tid, wid, intent;
	const char *phone, *sid; /* active; NULL: failed with why */
	const char *why;
	bool        adopted;
};

static enum pl_err
done_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct done_arg *g = p;
	uint64_t         n = 0;
	enum pl_err      er;

	(void)who;
	if (g->phone != NULL)
		er = pl_db_exec(db, &pl_widgetnum_sql, W_ACTIVE,
		    PL_ARGS(PL_STR(g->phone), PL_STR(g->sid), PL_I64(g->tid),
		        PL_I64(g->wid), PL_I64(g->intent)),
		    &n, NULL);
	else
		er = pl_db_exec(db, &pl_widgetnum_sql, W_FAILED,
		    PL_ARGS(PL_STR(g->why), PL_I64(g->tid), PL_I64(g->wid),
		        PL_I64(g->intent)),
		    &n, NULL);
	if (er != PL_OK || n == 0)
		return er; /* a later request took over: nothing to say */
	ch->tenant_id = g->tid;
	ch->target_type = "widget";
	ch->target_id = g->wid;
	if (g->phone != NULL) {
		ch->action = "number_buy";
		ch->summary = pl_arena_printf(a, "Number %s%s", g->phone,
		    g->adopted ? " (found after a retry)" : "");
	} else {
		ch->action = "number_fail";
		ch->summary = g->why;
	}
	return PL_OK;
}

/* The outcome recorded on the widget: the number, or why it has none, and
 * a word on the tenant's stream so an open page can show it. */
static void
record(struct pl_db *db, struct pl_arena *a, struct done_arg *g)
{
	struct json_object *ev;

	if (pl_change_run(db, a, &parley, done_fn, g) != PL_OK)
		return;
	ev = json_object_new_object();
	pl_json_set_i64(ev, "widget_id", g->wid);
	pl_json_set_str(ev, "status", g->phone ? "active" : "failed");
	pl_json_set_str(ev, "phone_number", g->phone ? g->phone : "");
	pl_json_set_str(ev, "reason", g->phone ? "" : g->why);
	pl_event_publish(
	    db, a, pl_stream(a, PL_STREAM_TENANT, g->tid), "widget.number", ev);
	json_object_put(ev);
}

/* What a failed call says, for the admin: Twilio's own code and words. */
static const char *
why_of(struct pl_arena *a, const struct pl_twilio_result *r)
{
	if (r->status == 0)
		return "Twilio could not be reached; trying again";
	if (r->transient)
		return pl_arena_printf(
		    a, "Twilio answered %d; trying again", r->status);
	if (r->err.code != 0)
		return pl_arena_printf(a, "Twilio error %ld: %s", r->err.code,
		    r->err.message[0] ? r->err.message : "(no message)");
	return pl_arena_printf(a, "Twilio answered %d", r->status);
}

static const char *
jstr(struct pl_arena *a, struct json_object *o, const char *k)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return pl_arena_strdup(a, json_object_get_string(v));
}

/* The first element of the array k of r's answer, or NULL. */
static struct json_object *
first_of(const struct pl_twilio_result *r, const char *k)
{
	struct json_object *list;

	if (!json_object_object_get_ex(r->json, k, &list) ||
	    !json_object_is_type(list, json_type_array) ||
	    json_object_array_length(list) == 0)
		return NULL;
	return json_object_array_get_idx(list, 0);
}

/* A call that did not go through: again later, or the reason for good. */
static void
call_failed(struct pl_arena *a, const struct pl_twilio_result *r,
    struct pl_outbox_outcome *out)
{
	out->why = why_of(a, r);
	if (r->transient) {
		out->verdict = PL_OUTBOX_RETRY;
		out->delay = r->retry_after;
	} else
		out->verdict = PL_OUTBOX_DEAD;
}

static void
buy(struct pl_arena *a, const struct pl_config *cfg,
    const struct pl_twilio_creds *c, struct done_arg *g, const char *area,
    struct pl_outbox_outcome *out)
{
	const char *base =
	    pl_arena_printf(a, "/2010-04-01/Accounts/%s", c->sid);
	const char             *fname = fname_of(a, g->wid), *num;
	struct pl_twilio_result r;
	struct json_object     *o;
	enum pl_err             er;

	memset(&r, 0, sizeof(r));
	/* A crashed attempt may have bought it: look before buying. */
	{
		const struct pl_kv q[] = { { "FriendlyName", fname, 0 } };

		er = pl_twilio_call(a, cfg, c, "GET",
		    pl_arena_printf(a, "%s/IncomingPhoneNumbers.json", base), q,
		    1, &r);
	}
	if (er != PL_OK) {
		call_failed(a, &r, out);
		pl_twilio_result_free(&r);
		return;
	}
	if ((o = first_of(&r, "incoming_phone_numbers")) != NULL) {
		g->phone = jstr(a, o, "phone_number");
		g->sid = jstr(a, o, "sid");
		g->adopted = true;
		pl_twilio_result_free(&r);
		if (g->phone != NULL && g->sid != NULL)
			return;
		out->verdict = PL_OUTBOX_RETRY;
		out->why = "Twilio's answer had no number";
		g->phone = NULL;
		return;
	}
	pl_twilio_result_free(&r);
	{
		const struct pl_kv q[] = { { "SmsEnabled", "true", 0 },
			{ "PageSize", "1", 0 }, { "AreaCode", area, 0 } };

		er = pl_twilio_call(a, cfg, c, "GET",
		    pl_arena_printf(
		        a, "%s/AvailablePhoneNumbers/US/Local.json", base),
		    q, *area ? 3 : 2, &r);
	}
	if (er != PL_OK) {
		call_failed(a, &r, out);
		pl_twilio_result_free(&r);
		return;
	}
	o = first_of(&r, "available_phone_numbers");
	num = o ? jstr(a, o, "phone_number") : NULL;
	pl_twilio_result_free(&r);
	if (num == NULL) {
		out->verdict = PL_OUTBOX_DEAD;
		out->why = *area ? pl_arena_printf(a,
		                       "No number available in %s: choose"
		                       " another area code, or none",
		                       area)
		                 : "No US local number available";
		return;
	}
	{
		const char *sms = pl_arena_printf(
		    a, "%s%s", cfg->base_url, PL_WIDGETNUM_SMS_PATH);
		const char *st = pl_arena_printf(
		    a, "%s%s", cfg->base_url, PL_WIDGETNUM_STATUS_PATH);
		const struct pl_kv f[] = { { "PhoneNumber", num, 0 },
			{ "FriendlyName", fname, 0 }, { "SmsUrl", sms, 0 },
			{ "SmsMethod", "POST", 0 }, { "StatusCallback", st, 0 },
			{ "StatusCallbackMethod", "POST", 0 } };

		er = pl_twilio_call(a, cfg, c, "POST",
		    pl_arena_printf(a, "%s/IncomingPhoneNumbers.json", base), f,
		    sizeof(f) / sizeof(f[0]), &r);
	}
	if (er != PL_OK) {
		/* Taken by someone else between the search and the purchase:
		 * search again. */
		if (r.err.code == 21422) {
			out->verdict = PL_OUTBOX_RETRY;
			out->delay = 1;
			out->why = pl_arena_printf(
			    a, "%s was taken meanwhile; trying another", num);
		} else
			call_failed(a, &r, out);
		pl_twilio_result_free(&r);
		return;
	}
	g->phone = jstr(a, r.json, "phone_number");
	g->sid = jstr(a, r.json, "sid");
	pl_twilio_result_free(&r);
	if (g->phone == NULL || g->sid == NULL ||
	    !pl_twilio_sid_ok(g->sid, "PN")) {
		/* Bought but not understood: the next attempt finds it by its
		 * name. */
		g->phone = NULL;
		out->verdict = PL_OUTBOX_RETRY;
		out->why = "Twilio's answer had no number";
	}
}

void
pl_widgetnum_sender(struct pl_db *db, struct pl_arena *a,
    const struct pl_outbox_item *it, const void *arg,
    struct pl_outbox_outcome *out)
{
	const struct pl_config *cfg = arg;
	struct json_object     *p = json_tokener_parse(it->payload), *v;
	struct pl_twilio_creds  c;
	struct pl_row           row;
	struct done_arg         g = { 0 };
	enum pl_err             er;

	out->verdict = PL_OUTBOX_DEAD;
	out->why = "malformed item";
	if (p != NULL) {
		if (json_object_object_get_ex(p, "tenant_id", &v))
			g.tid = json_object_get_int64(v);
		if (json_object_object_get_ex(p, "widget_id", &v))
			g.wid = json_object_get_int64(v);
		if (json_object_object_get_ex(p, "intent", &v))
			g.intent = json_object_get_int64(v);
		json_object_put(p);
	}
	if (g.tid <= 0 || g.wid <= 0)
		return;
	er = pl_db_one(db, a, &pl_widgetnum_sql, W_GET,
	    PL_ARGS(PL_I64(g.tid), PL_I64(g.wid)), &row);
	if (er == PL_ENOTFOUND) {
		out->verdict = PL_OUTBOX_DONE; /* the widget is gone */
		return;
	}
	out->verdict = PL_OUTBOX_RETRY;
	if (er != PL_OK) {
		out->why = "database unavailable";
		return;
	}
	if (strcmp(pl_row_str(&row, 2), "pending") != 0 ||
	    pl_row_i64(&row, 3) != g.intent) {
		out->verdict = PL_OUTBOX_DONE; /* done, or a later request */
		return;
	}
	er = pl_twacct_sub_creds(db, a, cfg, g.tid, &c);
	if (er == PL_EUNAVAIL) {
		out->verdict = PL_OUTBOX_WAIT;
		out->delay = 30;
		out->why = "Waiting for the business's Twilio sub-account";
	} else if (er == PL_ENOTFOUND) {
		out->verdict = PL_OUTBOX_DEAD;
		out->why =
		    "The business has no Twilio sub-account (see the"
		    " Twilio page)";
	} else if (er != PL_OK)
		out->why = "The sub-account's credentials cannot be read";
	else
		buy(a, cfg, &c, &g, pl_row_str(&row, 4), out);
	if (g.phone != NULL) {
		record(db, a, &g);
		out->verdict = PL_OUTBOX_DONE;
		pl_info("twilio: widget %lld: number %s%s", (long long)g.wid,
		    g.phone, g.adopted ? " adopted" : "");
		return;
	}
	g.why = pl_arena_strndup(
	    a, out->why, pl_utf8_prefix(out->why, NUMBER_ERROR_MAX));
	if (out->verdict == PL_OUTBOX_DEAD ||
	    (out->verdict == PL_OUTBOX_RETRY &&
	        it->attempt >= PL_OUTBOX_MAX_ATTEMPTS))
		record(db, a, &g);
	else
		pl_db_exec(db, &pl_widgetnum_sql, W_REASON,
		    PL_ARGS(PL_STR(g.why), PL_I64(g.tid), PL_I64(g.wid),
		        PL_I64(g.intent)),
		    NULL, NULL);
}
