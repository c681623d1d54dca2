/* login.c: signing in and out, registration, the password reset links, the
 * dashboard, and the JSON API for programs (/api/auth/...). */
/* SPDX-License-Identifier: MIT */
#include <assert.h>

#include "parley.h"

#include "account.h"
#include "request.h"

static pl_handler home, login_page, login_post, logout_post, signup_page,
    signup_post, forgot_page, forgot_post, reset_page, reset_post, me_get,
    emulate_post, emulate_stop;

static const struct pl_route routes[] = {
	{ "/", home, PL_ROLE_AGENT, .html = PL_GET },
	{ "/login", login_page, PL_ROLE_PUBLIC, .html = PL_GET },
	{ "/login", login_post, PL_ROLE_PUBLIC, .html = PL_POST,
	    .form = "login", .title = "Sign in" },
	{ "/logout", logout_post, PL_ROLE_PUBLIC, .html = PL_POST },
	{ "/signup", signup_page, PL_ROLE_PUBLIC, .html = PL_GET },
	{ "/signup", signup_post, PL_ROLE_PUBLIC, .html = PL_POST,
	    .form = "signup", .title = "Create your account" },
	{ "/password/forgot", forgot_page, PL_ROLE_PUBLIC, .html = PL_GET },
	{ "/password/forgot", forgot_post, PL_ROLE_PUBLIC, .html = PL_POST,
	    .form = "forgot", .title = "Forgot password" },
	{ "/password/reset", reset_page, PL_ROLE_PUBLIC, .html = PL_GET },
	{ "/password/reset", reset_post, PL_ROLE_PUBLIC, .html = PL_POST,
	    .form = "reset", .title = "Set a new password" },
	{ "/auth/signup", signup_post, PL_ROLE_PUBLIC, .api = PL_POST },
	{ "/auth/login", login_post, PL_ROLE_PUBLIC, .api = PL_POST },
	{ "/auth/logout", logout_post, PL_ROLE_PUBLIC, .api = PL_POST },
	{ "/auth/me", me_get, PL_ROLE_AGENT, .api = PL_GET },
	{ "/auth/password/forgot", forgot_post, PL_ROLE_PUBLIC,
	    .api = PL_POST },
	{ "/auth/password/reset", reset_post, PL_ROLE_PUBLIC, .api = PL_POST },
	{ "/emulate", emulate_post, PL_ROLE_ADMIN, .html = PL_POST,
	    .api = PL_POST },
	{ "/emulate/stop", emulate_stop, PL_ROLE_AGENT, .html = PL_POST,
	    .api = PL_POST },
};

PL_NAV(10, "/", "Dashboard", PL_ROLE_AGENT);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "login",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_user_sql, &pl_request_sql, &pl_events_sql },
		.threads = 16,
	};

	return pl_app_main(&app, argc, argv);
}

/* A "next" that is a local path we may send the user back to. */
static const char *
next_path(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    strlen(next) > 200)
		return "/";
	for (const char *p = next; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= '0' && *p <= '9') || *p == '/' || *p == '-' ||
		        *p == '_' || *p == '.'))
			return "/";
	return next;
}

/*
 * The requests waiting for an answer, for an admin's dashboard: the list
 * and the cursor of the streams /api/events follows (the user's and the
 * tenant's) as it was BEFORE the list was read, so a request that comes
 * meanwhile arrives as an event (dashboard.js drops one it already shows)
 * and none falls between.
 */
static enum pl_err
waiting_put(struct pl_req *rq, struct json_object *data)
{
	const char         *skeys[PL_WHO_STREAMS];
	struct pl_cursor    c;
	struct pl_request  *v;
	struct json_object *w, *list;
	size_t              n;
	enum pl_err         er;

	pl_cursor_parse(rq->arena, "", skeys,
	    pl_streams_of(rq->arena, &rq->who, skeys), &c);
	if ((er = pl_cursor_head(pl_req_db(rq), rq->arena, &c)) != PL_OK ||
	    (er = pl_request_waiting(pl_req_db(rq), rq->arena, &rq->who,
	         PL_REQUEST_WAITING_MAX, &v, &n)) != PL_OK)
		return er;
	w = json_object_new_object();
	list = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		pl_json_set_i64(o, "conversation_id", v[i].conversation_id);
		pl_json_set_str(o, "channel", v[i].channel);
		pl_json_set_str(o, "website", v[i].website);
		pl_json_set_str(o, "department", v[i].department);
		pl_json_set_str(o, "name", v[i].name);
		pl_json_set_str(o, "email", v[i].email);
		pl_json_set_str(o, "phone", v[i].phone);
		pl_json_set_str(o, "message", v[i].message);
		pl_json_set_time(o, "created_at", v[i].created_at);
		json_object_array_add(list, o);
	}
	json_object_object_add(w, "requests", list);
	pl_json_set_i64(w, "count", (long long)n);
	pl_json_set_str(w, "cursor", pl_cursor_text(rq->arena, &c));
	json_object_object_add(data, "waiting", w);
	return PL_OK;
}

/*
 * GET /
 * 200 the dashboard of the signed-in user's role; an admin's (and the
 * super admin's acting as one) also lists the requests waiting for an
 * answer, kept live by /static/dashboard.js.
 */
static enum pl_err
home(struct pl_req *rq, struct pl_resp *rs)
{
	static const struct {
		const char  *href, *title, *text;
		enum pl_role min;
	} cards[] = {
		{ "/console", "Console",
		    "New requests, your chats, and the visitors on them.",
		    PL_ROLE_AGENT },
		{ "/log", "Message log",
		    "Every request: new, rejected, transferred, accepted, "
		    "resolved.",
		    PL_ROLE_AGENT },
		{ "/admins", "Admins",
		    "The businesses on Parley: create, edit, block.",
		    PL_ROLE_SUPER },
		{ "/departments", "Departments",
		    "Teams that share incoming chats.", PL_ROLE_ADMIN },
		{ "/agents", "Agents",
		    "The people who answer chats, and supervisors.",
		    PL_ROLE_ADMIN },
		{ "/contacts", "Contacts", "The people who chat with you.",
		    PL_ROLE_AGENT },
		{ "/audit", "Audit log", "Who changed what, and when.",
		    PL_ROLE_ADMIN },
		{ "/profile", "Your profile", "Your name, phone and password.",
		    PL_ROLE_AGENT },
	};
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < PL_NITEMS(cards); i++) {
		struct json_object *c;

		if (rq->sess->role < cards[i].min)
			continue;
		c = json_object_new_object();
		pl_json_set_str(c, "href", cards[i].href);
		pl_json_set_str(c, "title", cards[i].title);
		pl_json_set_str(c, "text", cards[i].text);
		json_object_array_add(a, c);
	}
	json_object_object_add(pl_resp_obj(rs), "cards", a);
	pl_resp_page(rs, "dashboard", "Dashboard");
	if (rq->who.role == PL_ROLE_ADMIN && rq->who.tenant_id != 0)
		return waiting_put(rq, pl_resp_obj(rs));
	return PL_OK;
}

/*
 * GET /login
 * 200 the form; 303 to / when already signed in.
 */
static enum pl_err
login_page(struct pl_req *rq, struct pl_resp *rs)
{
	if (rq->sess != NULL) {
		pl_resp_redirect(rs, next_path(pl_query(rq, "next")), NULL);
		return PL_OK;
	}
	pl_resp_page(rs, "login", "Sign in");
	/* Where to go after signing in rides along in the form. */
	if (pl_query(rq, "next") != NULL) {
		struct json_object *v = json_object_new_object();

		pl_json_set_str(v, "next", next_path(pl_query(rq, "next")));
		pl_resp_form(rs, v);
	}
	return PL_OK;
}

/*
 * POST /login, POST /api/auth/login {email, password}
 * HTML: 303 to next (or /) with a new session; the form again on failure.
 * JSON: 200 {"token": JWT}; 400 bad input, 401 wrong e-mail or password,
 * 403 blocked, 429 throttled.
 */
static enum pl_err
login_post(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "email", "password", "next",
		NULL };
	const char              *email, *password, *next;
	int64_t                  uid, pwv;
	enum pl_err              er;

	pl_resp_page(rs, "login", "Sign in");
	pl_in_only(rq, fields);
	pl_in_text(rq, "email", "E-mail", PL_REQUIRED, PL_EMAIL_MAX, &email);
	pl_in_text(rq, "password", "Password", PL_REQUIRED | PL_NOTRIM,
	    PL_PASSWORD_MAX, &password);
	pl_in_text(rq, "next", "Next", 0, 200, &next);
	if ((er = pl_in_check(rq)) != PL_OK)
		return er;
	if ((er = pl_user_authenticate(pl_req_db(rq), rq->arena, email,
	         password, rq->client_addr, &rq->errs, &uid, &pwv)) != PL_OK)
		return er;
	/* Not a twin of the page: a program gets a token and no cookie, a
	 * browser a session and no token. */
	if (rq->api) {
		pl_json_set_str(
		    pl_resp_obj(rs), "token", pl_sess_jwt(rq, uid, pwv));
		return PL_OK;
	}
	if ((er = pl_sess_start(rq, rs, uid, 0)) != PL_OK)
		return er;
	pl_resp_redirect(rs, next_path(next), NULL);
	return PL_OK;
}

/*
 * POST /logout, POST /api/auth/logout
 * Ends the browser session. 303 to /login; JSON 200. (A JWT expires by
 * itself, or at once when the password changes.)
 */
static enum pl_err
logout_post(struct pl_req *rq, struct pl_resp *rs)
{
	enum pl_err er;

	if ((er = pl_sess_end(rq, rs)) != PL_OK)
		return er;
	pl_json_set_bool(pl_resp_obj(rs), "signed_out", 1);
	pl_resp_redirect(rs, "/login", "You have signed out.");
	return PL_OK;
}

/*
 * A new password and its re-typed confirmation: forms must send both (the
 * re-type is a page's safeguard against a typo); programs may leave the
 * re-type out, but it must match when sent. The password's own rules are
 * the domain's.
 */
static void
new_password(struct pl_req *rq, const char **pw)
{
	const char *confirm;

	pl_in_text(rq, "password", "Password", PL_REQUIRED | PL_NOTRIM,
	    PL_PASSWORD_MAX, pw);
	/* The one place a page and its twin differ in what they require. */
	pl_in_text(rq, "password_confirm", "Re-type password",
	    (rq->api ? 0 : PL_REQUIRED) | PL_NOTRIM, PL_PASSWORD_MAX, &confirm);
	if (**pw && *confirm && pl_valid_password(*pw) == NULL &&
	    strcmp(*pw, confirm) != 0)
		pl_in_fail(
		    rq, "password_confirm", "The passwords do not match.");
}

/*
 * GET /signup
 * 200 the registration form (303 to / when signed in).
 */
static enum pl_err
signup_page(struct pl_req *rq, struct pl_resp *rs)
{
	if (rq->sess != NULL) {
		pl_resp_redirect(rs, "/", NULL);
		return PL_OK;
	}
	pl_resp_page(rs, "signup", "Create your account");
	return PL_OK;
}

/*
 * POST /signup, POST /api/auth/signup
 * {first_name, last_name, phone, email, password, password_confirm}
 * Registers an admin (a new tenant) and mails a welcome. HTML: signed in,
 * 303 to /. JSON: 201 the user. 400 bad input, 409 e-mail taken.
 */
static enum pl_err
signup_post(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "first_name", "last_name",
		"phone", "email", "password", "password_confirm", NULL };
	struct pl_user_new       in;
	struct pl_user           u;
	enum pl_err              er;

	pl_resp_page(rs, "signup", "Create your account");
	pl_in_only(rq, fields);
	pl_in_text(rq, "first_name", "First name", PL_REQUIRED, PL_NAME_MAX,
	    &in.first_name);
	pl_in_text(rq, "last_name", "Last name", PL_REQUIRED, PL_NAME_MAX,
	    &in.last_name);
	pl_in_text(rq, "phone", "Phone", PL_REQUIRED, PL_PHONE_MAX, &in.phone);
	pl_in_text(rq, "email", "E-mail", PL_REQUIRED, PL_EMAIL_MAX, &in.email);
	new_password(rq, &in.password);
	if ((er = pl_in_check(rq)) != PL_OK)
		return er;
	if ((er = pl_user_signup(
	         pl_req_db(rq), rq->arena, &in, &rq->errs, &u)) != PL_OK)
		return er;
	/* A browser is signed in at once; a program signs in for a token. */
	if (!rq->api && (er = pl_sess_start(rq, rs, u.id, 0)) != PL_OK)
		return er;
	pl_resp_created(rs, pl_account_json(&u), "/",
	    "Welcome to Parley. Your account is ready.");
	return PL_OK;
}

/*
 * GET /password/forgot
 * 200 the form.
 */
static enum pl_err
forgot_page(struct pl_req *rq, struct pl_resp *rs)
{
	(void)rq;
	pl_resp_page(rs, "forgot", "Forgot password");
	return PL_OK;
}

/*
 * POST /password/forgot, POST /api/auth/password/forgot {email}
 * Mails a reset link valid one hour if the address has an account; the
 * answer is the same whether or not it has. 200; 400 malformed e-mail.
 */
static enum pl_err
forgot_post(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "email", NULL };
	const char              *email;
	enum pl_err              er;

	pl_resp_page(rs, "forgot", "Forgot password");
	pl_in_only(rq, fields);
	pl_in_text(rq, "email", "E-mail", PL_REQUIRED, PL_EMAIL_MAX, &email);
	if ((er = pl_in_check(rq)) != PL_OK)
		return er;
	if ((er = pl_user_forgot(pl_req_db(rq), rq->arena, email, &rq->errs)) !=
	    PL_OK)
		return er;
	pl_json_set_bool(pl_resp_obj(rs), "sent", 1);
	return PL_OK;
}

/*
 * GET /password/reset?token=...
 * 200 the form, or the "invalid or expired" notice.
 */
static enum pl_err
reset_page(struct pl_req *rq, struct pl_resp *rs)
{
	const char         *token = pl_query(rq, "token");
	struct json_object *v;
	enum pl_err         er;

	pl_resp_page(rs, "reset", "Set a new password");
	er = pl_user_token_check(pl_req_db(rq), rq->arena, token);
	if (er == PL_ENOTFOUND) {
		pl_json_set_bool(pl_resp_view(rs), "invalid", 1);
		return PL_OK;
	}
	if (er != PL_OK)
		return er;
	/* The token rides along in the form. */
	v = json_object_new_object();
	pl_json_set_str(v, "token", token);
	pl_resp_form(rs, v);
	return PL_OK;
}

/*
 * POST /password/reset, POST /api/auth/password/reset
 * {token, password, password_confirm}
 * Sets the password once per link and ends every session of the user.
 * HTML: 303 to /login. JSON: 200. 400 bad password, 404 bad or used link.
 */
static enum pl_err
reset_post(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "token", "password",
		"password_confirm", NULL };
	const char              *token, *pw;
	int64_t                  uid;
	enum pl_err              er;

	pl_resp_page(rs, "reset", "Set a new password");
	pl_in_only(rq, fields);
	pl_in_text(rq, "token", "Token", PL_REQUIRED, 64, &token);
	new_password(rq, &pw);
	if ((er = pl_in_check(rq)) != PL_OK)
		return er;
	er = pl_user_token_use(
	    pl_req_db(rq), rq->arena, token, pw, &rq->errs, &uid);
	if (er == PL_ENOTFOUND) {
		pl_in_fail(rq, NULL, "This link is invalid or has expired.");
		/* A page shows its own notice (with a way to ask for a new
		 * link) under a 404, not the bare error page. */
		if (!rq->api) {
			pl_json_set_bool(pl_resp_view(rs), "invalid", 1);
			pl_resp_status(rs, 404);
			return PL_OK;
		}
		return PL_ENOTFOUND;
	}
	if (er != PL_OK)
		return er;
	pl_json_set_bool(pl_resp_obj(rs), "reset", 1);
	pl_resp_redirect(
	    rs, "/login", "Your new password is set. Please sign in.");
	return PL_OK;
}

/*
 * GET /api/auth/me
 * 200 {id, email, role, first_name, last_name, phone} of the caller (and
 * csrf_token for a browser session, for its JSON calls).
 */
static enum pl_err
me_get(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object   *o = pl_resp_obj(rs);
	const struct pl_sess *s = rq->sess;

	pl_json_set_i64(o, "id", s->user_id);
	pl_json_set_str(o, "email", s->email);
	pl_json_set_str(o, "role", pl_role_name(s->role));
	pl_json_set_str(o, "first_name", s->first_name);
	pl_json_set_str(o, "last_name", s->last_name);
	pl_json_set_str(o, "phone", s->phone);
	if (s->real_user_id != 0)
		pl_json_set_i64(o, "acting_user_id", s->real_user_id);
	if (!s->bearer)
		pl_json_set_str(o, "csrf_token", pl_csrf_token(rq, rs));
	return PL_OK;
}

/* The session half of acting as someone, the cookie's: pl_user_emulate
 * runs it inside its change, on the request's own connection. */
struct sess_arg {
	struct pl_req  *rq;
	struct pl_resp *rs;
};

static enum pl_err
sess_start(struct pl_db *db, void *arg, int64_t user_id, int64_t real_user_id)
{
	struct sess_arg *g = arg;

	assert(db == pl_req_db(g->rq));
	return pl_sess_start(g->rq, g->rs, user_id, real_user_id);
}

/* Acting as someone is a browser session's: a token names one user. */
static enum pl_err
browser_only(struct pl_req *rq)
{
	if (!rq->sess->bearer)
		return PL_OK;
	pl_in_fail(rq, NULL, "Acting as another user needs a browser session.");
	return PL_EPERM;
}

/*
 * POST /emulate, POST /api/emulate {user_id}
 * Act as that user (the super admin: any admin or agent; an admin: its own
 * agents). HTML: 303 to /. JSON: 200 {user_id, acting_user_id}. 403 for a
 * bearer token; 404 for a user the caller may not act as; 409 when already
 * acting or blocked.
 */
static enum pl_err
emulate_post(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { "user_id", NULL };
	struct sess_arg          g = { rq, rs };
	struct json_object      *o;
	struct pl_user           u;
	int64_t                  target;
	enum pl_err              er;

	pl_in_only(rq, fields);
	pl_in_id(
	    rq, "user_id", PL_REQUIRED, "user_id is a user's id.", &target);
	if ((er = pl_in_check(rq)) != PL_OK || (er = browser_only(rq)) != PL_OK)
		return er;
	if ((er = pl_user_emulate(pl_req_db(rq), rq->arena, &rq->who, target,
	         sess_start, &g, &rq->errs, &u)) != PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "user_id", u.id);
	pl_json_set_i64(o, "acting_user_id", rq->who.user_id);
	pl_resp_saved(rs, o, "/", "You are now acting as another user.");
	return PL_OK;
}

/*
 * POST /emulate/stop, POST /api/emulate/stop
 * Back to oneself. HTML: 303 to /. JSON: 200 {user_id}. 409 when not
 * acting.
 */
static enum pl_err
emulate_stop(struct pl_req *rq, struct pl_resp *rs)
{
	struct sess_arg     g = { rq, rs };
	struct json_object *o;
	enum pl_err         er;

	if ((er = browser_only(rq)) != PL_OK)
		return er;
	if ((er = pl_user_emulate_stop(pl_req_db(rq), rq->arena, &rq->who,
	         sess_start, &g, &rq->errs)) != PL_OK)
		return er;
	o = json_object_new_object();
	pl_json_set_i64(o, "user_id", rq->who.real_user_id);
	pl_resp_saved(rs, o, "/", "You are yourself again.");
	return PL_OK;
}
