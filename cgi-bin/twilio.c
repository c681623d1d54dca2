/* twilio.c: /twilio and /api/twilio -- the platform's Twilio account and the
 * businesses' sub-accounts, for the super admin: enter the credentials the
 * first time, replace them, and follow (and retry) each sub-account. The
 * rules, the calls to Twilio and the SQL are lib/domain/twacct.c's. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

#include "twacct.h"

static pl_handler twilio_show, twilio_set, twilio_replace, twilio_retry;

static const struct pl_route routes[] = {
	{ "/twilio", twilio_show, PL_ROLE_SUPER, .html = PL_GET,
	    .api = PL_GET },
	{ "/twilio/credentials", twilio_set, PL_ROLE_SUPER, .html = PL_POST,
	    .api = PL_POST, .form = "twilio", .title = "Twilio" },
	{ "/twilio/credentials/replace", twilio_replace, PL_ROLE_SUPER,
	    .html = PL_POST, .api = PL_POST, .form = "twilio",
	    .title = "Twilio" },
	{ "/twilio/subaccounts/:tenant_id/retry", twilio_retry, PL_ROLE_SUPER,
	    .html = PL_POST, .api = PL_POST },
};

PL_NAV(25, "/twilio", "Twilio", PL_ROLE_SUPER);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "twilio",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_twacct_sql },
		.threads = 4,
	};

	return pl_app_main(&app, argc, argv);
}

static struct json_object *
platform_json(struct pl_arena *a, const struct pl_twacct_platform *p)
{
	struct json_object *o;

	if (!p->set)
		return NULL;
	o = json_object_new_object();
	pl_json_set_str(o, "account_sid", p->sid_masked);
	pl_json_set_str(o, "friendly_name", p->friendly_name);
	pl_json_set_time(o, "validated_at", p->validated_at);
	pl_json_set_str(
	    o, "validated_label", pl_date_label(a, p->validated_at));
	return o;
}

/* "pending, retrying in 2 min: Twilio answered 503" and the like. */
static const char *
status_text(struct pl_arena *a, const struct pl_twacct_row *r)
{
	const char *s = r->status;

	if (r->dead)
		return pl_arena_printf(a, "%s: %s",
		    strcmp(s, "failed") == 0 ? "failed" : "stuck", r->reason);
	if (strcmp(s, "pending") == 0 && *r->reason != '\0') {
		if (r->retry_in >= 90)
			return pl_arena_printf(a,
			    "pending, retrying in %lld min: %s",
			    (long long)((r->retry_in + 30) / 60), r->reason);
		return pl_arena_printf(a, "pending, retrying in %lld s: %s",
		    (long long)r->retry_in, r->reason);
	}
	if (strcmp(s, r->want) != 0 && strcmp(s, "pending") != 0)
		return pl_arena_printf(a, "%s, becoming %s%s%s", s, r->want,
		    *r->reason ? ": " : "", r->reason);
	return s;
}

static struct json_object *
row_json(struct pl_arena *a, const struct pl_twacct_row *r)
{
	struct json_object *o = json_object_new_object();
	const char         *text = status_text(a, r);

	pl_json_set_i64(o, "tenant_id", r->tenant_id);
	pl_json_set_i64(o, "admin_id", r->admin_id);
	pl_json_set_str(o, "admin_name", r->admin_name);
	pl_json_set_str(o, "admin_email", r->admin_email);
	pl_json_set_str(o, "company", r->company);
	pl_json_set_str(
	    o, "account_sid", *r->sid_masked ? r->sid_masked : NULL);
	pl_json_set_str(o, "status", r->status);
	pl_json_set_str(o, "wanted_status", r->want);
	pl_json_set_str(o, "status_text", text);
	/* What the badge does not say already, for the page. */
	pl_json_set_str(
	    o, "status_note", strcmp(text, r->status) != 0 ? text : NULL);
	pl_json_set_str(o, "last_error", *r->reason ? r->reason : NULL);
	pl_json_set_i64(o, "retry_in", r->retry_in);
	pl_json_set_i64(o, "attempts", r->attempts);
	pl_json_set_bool(o, "retryable", r->dead);
	pl_json_set_i64(o, "numbers", r->numbers);
	pl_json_set_time(o, "created_at", r->created_at);
	pl_json_set_str(o, "created_label", pl_date_label(a, r->created_at));
	return o;
}

/*
 * GET /twilio, GET /api/twilio ?q= ?sort=company|created ?dir= ?limit= ?next=
 * 200 {"platform": {account_sid (masked), friendly_name, validated_at} or
 * null, "items": [sub-account...], "next"}.
 */
static enum pl_err
twilio_show(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_twacct_platform p;
	struct pl_twacct_row     *v;
	struct json_object       *items;
	struct pl_list            l;
	size_t                    n;
	enum pl_err               er;

	pl_resp_page(rs, "twilio", "Twilio");
	if ((er = pl_list_parse(rq, pl_twacct_sorts, &l)) != PL_OK ||
	    (er = pl_twacct_platform_get(
	         pl_req_db(rq), rq->arena, &rq->who, &p)) != PL_OK ||
	    (er = pl_twacct_list(
	         pl_req_db(rq), rq->arena, &rq->who, &l, &v, &n)) != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, row_json(rq->arena, &v[i]));
	pl_list_reply(rq, rs, &l, items);
	json_object_object_add(
	    pl_resp_obj(rs), "platform", platform_json(rq->arena, &p));
	pl_json_set_str(pl_resp_view(rs), "back", pl_list_href(rq));
	return PL_OK;
}

/* Read the two fields and store them (first time, or replacing). */
static enum pl_err
credentials_post(struct pl_req *rq, struct pl_resp *rs, bool replace)
{
	static const char *const  fields[] = { "account_sid", "auth_token",
		 NULL };
	struct pl_twacct_platform p;
	const char               *sid, *token;
	enum pl_err               er;

	pl_resp_page(rs, "twilio", "Twilio");
	pl_in_only(rq, fields);
	pl_in_text(rq, "account_sid", "Account SID", PL_REQUIRED, 64, &sid);
	pl_in_text(rq, "auth_token", "Auth Token", PL_REQUIRED, 128, &token);
	if ((er = pl_in_check(rq)) == PL_OK)
		er = pl_twacct_platform_set(pl_req_db(rq), rq->arena, &rq->who,
		    pl_cfg(), sid, token, replace, &rq->errs);
	/* The account as it is now: the answer, or the page around a
	 * refused form. */
	if (pl_twacct_platform_get(pl_req_db(rq), rq->arena, &rq->who, &p) !=
	        PL_OK ||
	    er != PL_OK) {
		if (p.set)
			json_object_object_add(pl_resp_obj(rs), "platform",
			    platform_json(rq->arena, &p));
		return er != PL_OK ? er : PL_EUNAVAIL;
	}
	pl_resp_saved(rs, platform_json(rq->arena, &p), "/twilio",
	    replace ? "The Twilio credentials were replaced."
	            : "The Twilio credentials are saved. Sub-accounts are"
	              " being created.");
	return PL_OK;
}

/*
 * POST /twilio/credentials, POST /api/twilio/credentials
 * {account_sid, auth_token}: the first time only. Checked with Twilio
 * before they are stored. 200 the platform account (SID masked); 400 a
 * field, or Twilio refused them (its message); 409 already set (replace
 * them instead) or the SID is a sub-account's; 503 Twilio unreachable.
 */
static enum pl_err
twilio_set(struct pl_req *rq, struct pl_resp *rs)
{
	return credentials_post(rq, rs, false);
}

/*
 * POST /twilio/credentials/replace, POST /api/twilio/credentials/replace
 * {account_sid, auth_token}: the explicit replacement, checked again.
 */
static enum pl_err
twilio_replace(struct pl_req *rq, struct pl_resp *rs)
{
	return credentials_post(rq, rs, true);
}

/*
 * POST /twilio/subaccounts/{tenant_id}/retry
 * Try a failed sub-account again now. 200 {tenant_id}; 404 when it has no
 * failed step. A form may say where to go back to ("back").
 */
static enum pl_err
twilio_retry(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "back", NULL };
	struct json_object      *o;
	const char              *back;
	int64_t                  tid;
	enum pl_err              er;

	if ((er = pl_path_id(rq, "tenant_id", &tid)) != PL_OK)
		return er;
	pl_in_only(rq, fields);
	pl_in_text(rq, "back", "Back", 0, 1000, &back);
	if ((er = pl_in_check(rq)) != PL_OK ||
	    (er = pl_twacct_retry(pl_req_db(rq), rq->arena, &rq->who, tid)) !=
	        PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "tenant_id", tid);
	pl_resp_saved(
	    rs, o, pl_in_back(back, "/twilio", "/twilio"), "Trying again now.");
	return PL_OK;
}
