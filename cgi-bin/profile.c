/* profile.c: one's own account: name and phone, and the password. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

#include "account.h"

static pl_handler profile_get, profile_post, profile_put, password_post;

static const struct pl_route routes[] = {
	{ "/profile", profile_get, PL_ROLE_AGENT, .html = PL_GET,
	    .api = PL_GET },
	{ "/profile", profile_post, PL_ROLE_AGENT, .html = PL_POST,
	    .form = "profile", .title = "Profile" },
	{ "/profile", profile_put, PL_ROLE_AGENT, .api = PL_PUT },
	{ "/profile/password", password_post, PL_ROLE_AGENT, .api = PL_POST },
};

PL_NAV(90, "/profile", "Profile", PL_ROLE_AGENT);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "profile",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_user_sql },
		.threads = 8,
	};

	return pl_app_main(&app, argc, argv);
}

/* The saved profile: the JSON answer, and the page's data.profile and the
 * account form's starting values. */
static enum pl_err
profile_show(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *v;
	struct pl_user      u;
	enum pl_err         er;

	if ((er = pl_user_get(pl_req_db(rq), rq->arena, &rq->who, &u)) != PL_OK)
		return er;
	pl_resp_put(rs, "profile", pl_account_json(&u));
	v = json_object_new_object();
	pl_json_set_str(v, "first_name", u.first_name);
	pl_json_set_str(v, "last_name", u.last_name);
	pl_json_set_str(v, "phone", u.phone);
	pl_resp_form(rs, v);
	return PL_OK;
}

/*
 * GET /profile, GET /api/profile
 * 200 {id, email, role, first_name, last_name, phone, created_at}.
 */
static enum pl_err
profile_get(struct pl_req *rq, struct pl_resp *rs)
{
	pl_resp_page(rs, "profile", "Profile");
	return profile_show(rq, rs);
}

/* Read and save name and phone. The e-mail is never changeable: a body
 * that sends it is refused by pl_in_only(). */
static enum pl_err
account_save(struct pl_req *rq)
{
	struct pl_user_profile in;
	enum pl_err            er;

	pl_in_text(rq, "first_name", "First name", PL_REQUIRED, PL_NAME_MAX,
	    &in.first_name);
	pl_in_text(rq, "last_name", "Last name", PL_REQUIRED, PL_NAME_MAX,
	    &in.last_name);
	pl_in_text(rq, "phone", "Phone", 0, PL_PHONE_MAX, &in.phone);
	if ((er = pl_in_check(rq)) != PL_OK)
		return er;
	return pl_user_profile_update(
	    pl_req_db(rq), rq->arena, &rq->who, &in, &rq->errs);
}

/* Read and change the password. The caller's own browser session stays
 * signed in; a bearer token keeps none. */
static enum pl_err
password_save(struct pl_req *rq)
{
	const char *cur, *pw, *confirm;
	enum pl_err er;

	pl_in_text(rq, "current_password", "Current password",
	    PL_REQUIRED | PL_NOTRIM, PL_PASSWORD_MAX, &cur);
	pl_in_text(rq, "password", "New password", PL_REQUIRED | PL_NOTRIM,
	    PL_PASSWORD_MAX, &pw);
	pl_in_text(rq, "password_confirm", "Confirm password",
	    PL_REQUIRED | PL_NOTRIM, PL_PASSWORD_MAX, &confirm);
	/* The re-type is the form's safeguard; the rules are the domain's
	 * (a weak password is named there, not as a mismatch). */
	if (*pw && *confirm && pl_valid_password(pw) == NULL &&
	    strcmp(pw, confirm) != 0)
		pl_in_fail(
		    rq, "password_confirm", "The passwords do not match.");
	if ((er = pl_in_check(rq)) != PL_OK)
		return er;
	return pl_user_password_change(pl_req_db(rq), rq->arena, &rq->who, cur,
	    pw, rq->sess->session_id, &rq->errs);
}

/*
 * POST /profile {action: "account", first_name, last_name, phone} or
 * {action: "password", current_password, password, password_confirm}
 * 303 back to /profile; the form again with errors beside the fields.
 */
static enum pl_err
profile_post(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const account[] = { "action", "first_name",
		"last_name", "phone", NULL };
	static const char *const password[] = { "action", "current_password",
		"password", "password_confirm", NULL };
	const char              *action = pl_kv_get(&rq->form, "action");
	enum pl_err              er;

	pl_resp_page(rs, "profile", "Profile");
	/* The page shows the saved e-mail even when the form comes back. */
	if ((er = profile_show(rq, rs)) != PL_OK)
		return er;
	if (action != NULL && strcmp(action, "password") == 0) {
		pl_in_only(rq, password);
		if ((er = password_save(rq)) != PL_OK)
			return er;
		pl_resp_redirect(rs, "/profile",
		    "Your password was changed. Other sessions were signed "
		    "out.");
		return PL_OK;
	}
	pl_in_only(rq, account);
	if ((er = account_save(rq)) != PL_OK)
		return er;
	pl_resp_redirect(rs, "/profile", "Your profile was saved.");
	return PL_OK;
}

/*
 * PUT /api/profile {first_name, last_name, phone}
 * 200 the profile; 400 bad input (an "email" field is refused: it never
 * changes).
 */
static enum pl_err
profile_put(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "first_name", "last_name",
		"phone", NULL };
	enum pl_err              er;

	pl_in_only(rq, fields);
	if ((er = account_save(rq)) != PL_OK)
		return er;
	return profile_show(rq, rs);
}

/*
 * POST /api/profile/password {current_password, password, password_confirm}
 * 200 {"changed": true} (and "token", a fresh JWT, for a bearer caller);
 * 400 wrong current password or bad new one. Other sessions end; bearer
 * tokens issued before stop working.
 */
static enum pl_err
password_post(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "current_password", "password",
		"password_confirm", NULL };
	enum pl_err              er;

	pl_in_only(rq, fields);
	if ((er = password_save(rq)) != PL_OK)
		return er;
	pl_json_set_bool(pl_resp_obj(rs), "changed", 1);
	/* The change ends every older token, this caller's too: hand it a new
	 * one so a program keeps working. */
	if (rq->sess->bearer) {
		struct pl_user u;

		if ((er = pl_user_get(
		         pl_req_db(rq), rq->arena, &rq->who, &u)) != PL_OK)
			return er;
		pl_json_set_str(
		    pl_resp_obj(rs), "token", pl_sess_jwt(rq, u.id, u.pwv));
	}
	return PL_OK;
}
