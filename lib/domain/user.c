/* user.c: accounts of one's own: sign-in, sign-up, reset, profile. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <json-c/json.h>

#include "audit.h"
#include "proc.h"
#include "resp.h"
#include "arena.h"
#include "ident.h"
#include "config.h"
#include "crypto.h"
#include "events.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "req.h"
#include "session.h"
#include "user.h"
#include "valid.h"

enum {
	U_BY_EMAIL,
	U_FAIL_COUNT,
	U_FAIL_ADD,
	U_FAIL_CLEAR,
	U_TENANT_INSERT,
	U_INSERT,
	U_GET,
	U_PROFILE,
	U_SET_PASSWORD,
	U_TOKEN_INSERT,
	U_TOKEN_LOOKUP,
	U_TOKEN_USE,
	U_TOKEN_USE_ALL,
	U_SUPER,
	U_EMAIL_TAKEN,
	U_TARGET,
	U__MAX
};

static const char *const stmts[U__MAX] = {
	[U_TARGET] =
	    "SELECT u.role, COALESCE(u.tenant_id, 0), u.first_name, "
	    "u.last_name,"
	    " u.blocked, COALESCE(t.blocked, 0)"
	    " FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.id = ?",
	[U_BY_EMAIL] =
	    "SELECT u.id, u.password_hash, u.blocked, COALESCE(t.blocked, 0),"
	    " u.password_version, u.first_name, u.last_name"
	    " FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.email = ?",
	[U_FAIL_COUNT] =
	    "SELECT COUNT(*) FROM auth_failures WHERE kind = ? AND key_hash = ?"
	    " AND created_at > UTC_TIMESTAMP() - INTERVAL 15 MINUTE",
	[U_FAIL_ADD] =
	    "INSERT INTO auth_failures (kind, key_hash) VALUES (?, ?)",
	[U_FAIL_CLEAR] =
	    "DELETE FROM auth_failures WHERE kind = 'account' AND key_hash = ?",
	[U_TENANT_INSERT] = "INSERT INTO tenants (company) VALUES (?)",
	[U_INSERT] =
	    "INSERT INTO users (tenant_id, role, email, first_name, last_name,"
	    " phone, phone_e164, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?, "
	    "?)",
	[U_GET] =
	    "SELECT id, COALESCE(tenant_id, 0), role, email, first_name,"
	    " last_name, phone, password_version, created_at, password_hash"
	    " FROM users WHERE id = ?",
	[U_PROFILE] =
	    "UPDATE users SET first_name = ?, last_name = ?, phone = ?,"
	    " phone_e164 = ? WHERE id = ?",
	[U_SET_PASSWORD] =
	    "UPDATE users SET password_hash = ?,"
	    " password_version = password_version + 1 WHERE id = ?",
	[U_TOKEN_INSERT] =
	    "INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at)"
	    " VALUES (?, ?, ?, UTC_TIMESTAMP() + INTERVAL ? SECOND)",
	[U_TOKEN_LOOKUP] =
	    "SELECT ut.id, ut.user_id, u.email FROM user_tokens ut"
	    " JOIN users u ON u.id = ut.user_id"
	    " LEFT JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE ut.token_hash = ? AND ut.used_at IS NULL"
	    " AND ut.expires_at > UTC_TIMESTAMP() AND u.blocked = 0"
	    " AND COALESCE(t.blocked, 0) = 0",
	[U_TOKEN_USE] =
	    "UPDATE user_tokens SET used_at = UTC_TIMESTAMP()"
	    " WHERE id = ? AND used_at IS NULL",
	[U_TOKEN_USE_ALL] =
	    "UPDATE user_tokens SET used_at = UTC_TIMESTAMP()"
	    " WHERE user_id = ? AND used_at IS NULL",
	[U_SUPER] = "SELECT id FROM users WHERE role = 'super_admin' LIMIT 1",
	[U_EMAIL_TAKEN] = "SELECT id FROM users WHERE email = ?",
};

const struct pl_sqlset pl_user_sql = { "user", stmts, U__MAX,
	{ &pl_audit_sql } };

static const char *const wrong = "Wrong e-mail or password.";

static enum pl_err
fail_count(struct pl_req *rq, const char *kind, const char *key, int64_t *n)
{
	struct pl_row row;
	enum pl_err   er;

	er = pl_db_one(pl_req_db(rq), rq->arena, &pl_user_sql, U_FAIL_COUNT,
	    PL_ARGS(PL_STR(kind), PL_STR(key)), &row);
	*n = er == PL_OK ? pl_row_i64(&row, 0) : 0;
	return er;
}

enum pl_err
pl_user_authenticate(struct pl_req *rq, const char *email, const char *password,
    int64_t *uid, int64_t *pwv)
{
	struct pl_db *db = pl_req_db(rq);
	const char   *norm = pl_email_normalize(rq->arena, email);
	const char   *acct = pl_sha256_hex(rq->arena, norm, strlen(norm));
	const char   *addr =
	    pl_sha256_hex(rq->arena, rq->client_addr, strlen(rq->client_addr));
	struct pl_row row;
	int64_t       na, nb;
	enum pl_err   er;
	bool          ok;

	if ((er = fail_count(rq, "account", acct, &na)) != PL_OK ||
	    (er = fail_count(rq, "addr", addr, &nb)) != PL_OK)
		return er;
	if (na >= PL_THROTTLE_ACCOUNT || nb >= PL_THROTTLE_ADDR) {
		pl_warn("sign-in throttled (%s)",
		    na >= PL_THROTTLE_ACCOUNT ? "account" : "address");
		return PL_ETOOMANY;
	}
	er = pl_db_one(db, rq->arena, &pl_user_sql, U_BY_EMAIL,
	    PL_ARGS(PL_STR(norm)), &row);
	if (er != PL_OK && er != PL_ENOTFOUND)
		return er;
	if (er == PL_ENOTFOUND || pl_row_null(&row, 1)) {
		/* No such account (or no password yet): same work, same
		 * answer as a wrong password. */
		pl_pw_dummy_verify(password);
		ok = false;
	} else
		ok = pl_pw_verify(password, pl_row_str(&row, 1));
	if (!ok) {
		if ((er = pl_db_exec(db, &pl_user_sql, U_FAIL_ADD,
		         PL_ARGS(PL_STR("account"), PL_STR(acct)), NULL,
		         NULL)) != PL_OK ||
		    (er = pl_db_exec(db, &pl_user_sql, U_FAIL_ADD,
		         PL_ARGS(PL_STR("addr"), PL_STR(addr)), NULL, NULL)) !=
		        PL_OK)
			return er;
		pl_in_fail(rq, NULL, wrong);
		return PL_EAUTH;
	}
	if (pl_row_i64(&row, 2) != 0 || pl_row_i64(&row, 3) != 0) {
		pl_in_fail(rq, NULL,
		    "This account is blocked. Please contact your"
		    " administrator.");
		return PL_EPERM;
	}
	if ((er = pl_db_exec(db, &pl_user_sql, U_FAIL_CLEAR,
	         PL_ARGS(PL_STR(acct)), NULL, NULL)) != PL_OK)
		return er;
	*uid = pl_row_i64(&row, 0);
	*pwv = pl_row_i64(&row, 4);
	return PL_OK;
}

static const char *
sign_in_url(struct pl_req *rq)
{
	return pl_arena_printf(rq->arena, "%s/login", pl_cfg()->base_url);
}

enum pl_err
pl_user_signup(struct pl_req *rq, const char *first_name, const char *last_name,
    const char *phone, const char *email, const char *password, int64_t *uid)
{
	struct pl_db *db = pl_req_db(rq);
	char          hash[PL_PW_HASH_MAX];
	const char   *norm = pl_email_normalize(rq->arena, email);
	uint64_t      tid = 0, id = 0;
	enum pl_err   er;

	if ((er = pl_user_email_free(db, rq->arena, norm, &rq->errs)) != PL_OK)
		return er;
	if ((er = pl_pw_hash(password, hash)) != PL_OK)
		return er;
	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_user_sql, U_TENANT_INSERT,
	         PL_ARGS(PL_STR("")), NULL, &tid)) != PL_OK)
		goto out;
	er = pl_db_exec(db, &pl_user_sql, U_INSERT,
	    PL_ARGS(PL_I64(tid), PL_STR("admin"), PL_STR(norm),
	        PL_STR(first_name), PL_STR(last_name), PL_STR(phone),
	        PL_STR(*phone ? pl_phone_e164(rq->arena, phone) : ""),
	        PL_STR(hash)),
	    NULL, &id);
	if (er != PL_OK)
		goto out;
	er = pl_outbox_mail(db, rq->arena,
	    pl_arena_printf(rq->arena, "welcome:%llu", (unsigned long long)id),
	    norm, pl_arena_printf(rq->arena, "%s %s", first_name, last_name),
	    "Welcome to Parley",
	    pl_arena_printf(rq->arena,
	        "Hello %s,\n\n"
	        "Your Parley account is ready.\n\n"
	        "Your user id: %s\n"
	        "Sign in at: %s\n\n"
	        "For your safety we never send passwords by e-mail. If you"
	        " forget yours, use \"Forgot password?\" on the sign-in"
	        " page.\n\n"
	        "-- Parley\n",
	        first_name, norm, sign_in_url(rq)));
	if (er != PL_OK)
		goto out;
	er = pl_db_commit(db);
out:
	if (er != PL_OK)
		pl_db_rollback(db);
	if (er == PL_ECONFLICT)
		return pl_user_email_taken(&rq->errs);
	if (er == PL_OK) {
		pl_notify_wake(PL_OUTBOX_KEY);
		*uid = (int64_t)id;
	}
	return er;
}

enum pl_err
pl_user_email_taken(struct pl_errs *fe)
{
	pl_errs_add(fe, "email", "An account with this e-mail already exists.");
	return PL_ECONFLICT;
}

enum pl_err
pl_user_email_free(
    struct pl_db *db, struct pl_arena *a, const char *email, struct pl_errs *fe)
{
	struct pl_row row;
	enum pl_err   er;

	er = pl_db_one(
	    db, a, &pl_user_sql, U_EMAIL_TAKEN, PL_ARGS(PL_STR(email)), &row);
	if (er == PL_OK)
		return pl_user_email_taken(fe);
	return er == PL_ENOTFOUND ? PL_OK : er;
}

/* Insert a token and queue its mail; inside the caller's transaction. */
static enum pl_err
token_mail(struct pl_db *db, struct pl_arena *a, int64_t uid,
    const char *purpose, long seconds, const char *email, const char *name,
    const char *subject, const char *intro, const char *path)
{
	char       *tok = pl_token_new(a);
	enum pl_err er;
	const char *link;

	er = pl_db_exec(db, &pl_user_sql, U_TOKEN_INSERT,
	    PL_ARGS(PL_STR(pl_sha256_hex(a, tok, strlen(tok))), PL_I64(uid),
	        PL_STR(purpose), PL_I64(seconds)),
	    NULL, NULL);
	if (er != PL_OK)
		return er;
	/* Tokens are base64url: safe in a query string as they are. */
	link =
	    pl_arena_printf(a, "%s%s?token=%s", pl_cfg()->base_url, path, tok);
	return pl_outbox_mail(db, a,
	    pl_arena_printf(a, "%s:%lld:%.16s", purpose, (long long)uid, tok),
	    email, name, subject,
	    pl_arena_printf(a,
	        "Hello %s,\n\n%s\n\n%s\n\n"
	        "The link works once. If you did not ask for this, you can"
	        " ignore this message.\n\n-- Parley\n",
	        name, intro, link));
}

enum pl_err
pl_user_forgot(struct pl_req *rq, const char *email)
{
	struct pl_db *db = pl_req_db(rq);
	const char   *norm = pl_email_normalize(rq->arena, email);
	struct pl_row row;
	enum pl_err   er;

	er = pl_db_one(db, rq->arena, &pl_user_sql, U_BY_EMAIL,
	    PL_ARGS(PL_STR(norm)), &row);
	if (er == PL_ENOTFOUND ||
	    (er == PL_OK &&
	        (pl_row_i64(&row, 2) != 0 || pl_row_i64(&row, 3) != 0)))
		return PL_OK; /* the caller answers the same */
	if (er != PL_OK)
		return er;
	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	er = token_mail(db, rq->arena, pl_row_i64(&row, 0), "reset",
	    PL_RESET_SECONDS, norm,
	    pl_arena_printf(
	        rq->arena, "%s %s", pl_row_str(&row, 5), pl_row_str(&row, 6)),
	    "Reset your Parley password",
	    "Someone (we hope you) asked to reset the password of your Parley"
	    " account. Open this link within one hour to choose a new one:",
	    "/password/reset");
	if (er == PL_OK)
		er = pl_db_commit(db);
	if (er != PL_OK) {
		pl_db_rollback(db);
		return er;
	}
	pl_notify_wake(PL_OUTBOX_KEY);
	return PL_OK;
}

enum pl_err
pl_user_invite(struct pl_db *db, struct pl_arena *a, int64_t uid,
    const char *email, const char *name, const char *inviter)
{
	return token_mail(db, a, uid, "invite", PL_INVITE_SECONDS, email, name,
	    "Your Parley account",
	    pl_arena_printf(a,
	        "%s created a Parley account for you (user id: %s). Open"
	        " this link within seven days to set your password:",
	        inviter, email),
	    "/password/reset");
}

static int
token_shape_ok(const char *t)
{
	return t != NULL && strlen(t) == 43 &&
	       strspn(t,
	           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	           "0123456789-_") == 43;
}

enum pl_err
pl_user_token_check(struct pl_req *rq, const char *token)
{
	struct pl_row row;

	if (!token_shape_ok(token))
		return PL_ENOTFOUND;
	return pl_db_one(pl_req_db(rq), rq->arena, &pl_user_sql, U_TOKEN_LOOKUP,
	    PL_ARGS(PL_STR(pl_sha256_hex(rq->arena, token, strlen(token)))),
	    &row);
}

/* Tell a user's open pages that their password changed. */
static void
password_event(struct pl_req *rq, struct pl_db *db, int64_t uid)
{
	struct json_object *d = json_object_new_object();

	json_object_object_add(d, "user_id", json_object_new_int64(uid));
	if (pl_event_publish(db, rq->arena,
	        pl_stream(rq->arena, PL_STREAM_USER, uid), "PASSWORD_CHANGED",
	        d) != PL_OK)
		pl_warn(
		    "user %lld: password event not published", (long long)uid);
	json_object_put(d);
}

enum pl_err
pl_user_token_use(
    struct pl_req *rq, const char *token, const char *password, int64_t *uid)
{
	struct pl_db *db = pl_req_db(rq);
	char          hash[PL_PW_HASH_MAX];
	struct pl_row row;
	uint64_t      used = 0;
	enum pl_err   er;
	int64_t       id;

	if ((er = pl_user_token_check(rq, token)) != PL_OK)
		return er;
	if ((er = pl_pw_hash(password, hash)) != PL_OK)
		return er;
	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	er = pl_db_one(db, rq->arena, &pl_user_sql, U_TOKEN_LOOKUP,
	    PL_ARGS(PL_STR(pl_sha256_hex(rq->arena, token, strlen(token)))),
	    &row);
	if (er != PL_OK)
		goto out;
	id = pl_row_i64(&row, 1);
	/* Single use: only the request that flips used_at goes on. */
	if ((er = pl_db_exec(db, &pl_user_sql, U_TOKEN_USE,
	         PL_ARGS(PL_I64(pl_row_i64(&row, 0))), &used, NULL)) != PL_OK)
		goto out;
	if (used != 1) {
		er = PL_ENOTFOUND;
		goto out;
	}
	if ((er = pl_db_exec(db, &pl_user_sql, U_TOKEN_USE_ALL,
	         PL_ARGS(PL_I64(id)), NULL, NULL)) != PL_OK ||
	    (er = pl_db_exec(db, &pl_user_sql, U_SET_PASSWORD,
	         PL_ARGS(PL_STR(hash), PL_I64(id)), NULL, NULL)) != PL_OK ||
	    (er = pl_ident_end_sessions(db, id, 0)) != PL_OK)
		goto out;
	er = pl_db_commit(db);
out:
	if (er != PL_OK) {
		pl_db_rollback(db);
		return er;
	}
	pl_ident_changed("user", id);
	password_event(rq, db, id);
	*uid = id;
	return PL_OK;
}

enum pl_err
pl_user_get(struct pl_req *rq, int64_t uid, struct pl_user *u)
{
	struct pl_row row;
	enum pl_err   er;

	er = pl_db_one(pl_req_db(rq), rq->arena, &pl_user_sql, U_GET,
	    PL_ARGS(PL_I64(uid)), &row);
	if (er != PL_OK)
		return er;
	u->id = pl_row_i64(&row, 0);
	u->tenant_id = pl_row_i64(&row, 1);
	u->role = pl_row_str(&row, 2);
	u->email = pl_row_str(&row, 3);
	u->first_name = pl_row_str(&row, 4);
	u->last_name = pl_row_str(&row, 5);
	u->phone = pl_row_str(&row, 6);
	u->pwv = pl_row_i64(&row, 7);
	u->created_at = pl_row_str(&row, 8);
	return PL_OK;
}

enum pl_err
pl_user_profile_update(struct pl_req *rq, const char *first_name,
    const char *last_name, const char *phone)
{
	return pl_db_exec(pl_req_db(rq), &pl_user_sql, U_PROFILE,
	    PL_ARGS(PL_STR(first_name), PL_STR(last_name), PL_STR(phone),
	        PL_STR(*phone ? pl_phone_e164(rq->arena, phone) : ""),
	        PL_I64(rq->sess->user_id)),
	    NULL, NULL);
}

enum pl_err
pl_user_password_change(
    struct pl_req *rq, const char *current, const char *password)
{
	struct pl_db *db = pl_req_db(rq);
	char          hash[PL_PW_HASH_MAX];
	struct pl_row row;
	enum pl_err   er;
	int64_t       uid = rq->sess->user_id;

	er = pl_db_one(
	    db, rq->arena, &pl_user_sql, U_GET, PL_ARGS(PL_I64(uid)), &row);
	if (er != PL_OK)
		return er;
	if (pl_row_null(&row, 9) || !pl_pw_verify(current, pl_row_str(&row, 9)))
		return pl_in_fail(rq, "current_password",
		    "The current password is not right.");
	if ((er = pl_pw_hash(password, hash)) != PL_OK)
		return er;
	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_user_sql, U_SET_PASSWORD,
	         PL_ARGS(PL_STR(hash), PL_I64(uid)), NULL, NULL)) != PL_OK ||
	    (er = pl_ident_end_sessions(db, uid, rq->sess->session_id)) !=
	        PL_OK)
		goto out;
	er = pl_db_commit(db);
out:
	if (er != PL_OK) {
		pl_db_rollback(db);
		return er;
	}
	pl_ident_changed("user", uid);
	password_event(rq, db, uid);
	return PL_OK;
}

enum pl_err
pl_user_seed_super(struct pl_db *db, struct pl_arena *a, const char *email,
    const char *password, int *created)
{
	char          hash[PL_PW_HASH_MAX];
	struct pl_row row;
	enum pl_err   er;

	*created = 0;
	er = pl_db_one(db, a, &pl_user_sql, U_SUPER, PL_NOARGS, &row);
	if (er != PL_ENOTFOUND)
		return er;
	if ((er = pl_pw_hash(password, hash)) != PL_OK)
		return er;
	er = pl_db_exec(db, &pl_user_sql, U_INSERT,
	    PL_ARGS(PL_NULLV, PL_STR("super_admin"),
	        PL_STR(pl_email_normalize(a, email)), PL_STR("Super"),
	        PL_STR("Admin"), PL_STR(""), PL_STR(""), PL_STR(hash)),
	    NULL, NULL);
	if (er == PL_OK)
		*created = 1;
	return er;
}

enum pl_err
pl_sess_emulate(struct pl_req *rq, struct pl_resp *rs, int64_t target)
{
	const struct pl_sess *s = rq->sess;
	struct pl_db         *db = pl_req_db(rq);
	struct pl_row         row;
	enum pl_role          role;
	int64_t               tid, actor = s->user_id;
	enum pl_err           er;

	if (s->bearer) {
		pl_in_fail(rq, NULL,
		    "Acting as another user needs a browser session.");
		return PL_EPERM;
	}
	if (s->real_user_id != 0) {
		pl_in_fail(rq, NULL, "Stop acting as the current user first.");
		return PL_ECONFLICT;
	}
	er = pl_db_one(db, rq->arena, &pl_user_sql, U_TARGET,
	    PL_ARGS(PL_I64(target)), &row);
	if (er != PL_OK)
		return er;
	role = pl_role_parse(pl_row_str(&row, 0));
	tid = pl_row_i64(&row, 1);
	/* The super admin may act as any admin or agent; an admin as its own
	 * agents. Anyone else is, to this caller, a user that does not exist.
	 */
	if (target == actor || role == PL_ROLE_SUPER ||
	    (s->role == PL_ROLE_ADMIN &&
	        (tid != s->tenant_id || role == PL_ROLE_ADMIN)) ||
	    (s->role != PL_ROLE_SUPER && s->role != PL_ROLE_ADMIN))
		return PL_ENOTFOUND;
	if (pl_row_i64(&row, 4) != 0 || pl_row_i64(&row, 5) != 0) {
		pl_in_fail(rq, NULL, "That account is blocked.");
		return PL_ECONFLICT;
	}
	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	if ((er = pl_sess_start(rq, rs, target, actor)) == PL_OK)
		er = pl_audit(db, &rq->who, tid, "emulation_start", "user",
		    target,
		    pl_arena_printf(rq->arena, "acting as %s %s",
		        pl_row_str(&row, 2), pl_row_str(&row, 3)));
	if (er == PL_OK)
		er = pl_db_commit(db);
	if (er != PL_OK)
		pl_db_rollback(db);
	return er;
}

enum pl_err
pl_sess_emulate_stop(struct pl_req *rq, struct pl_resp *rs)
{
	const struct pl_sess *s = rq->sess;
	struct pl_db         *db = pl_req_db(rq);
	enum pl_err           er;

	if (s->real_user_id == 0) {
		pl_in_fail(rq, NULL, "You are not acting as another user.");
		return PL_ECONFLICT;
	}
	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	er = pl_audit(db, &rq->who, s->tenant_id, "emulation_stop", "user",
	    s->user_id,
	    pl_arena_printf(rq->arena, "stopped acting as %s %s", s->first_name,
	        s->last_name));
	/* A new session of one's own: the emulated one ends. */
	if (er == PL_OK)
		er = pl_sess_start(rq, rs, s->real_user_id, 0);
	if (er == PL_OK)
		er = pl_db_commit(db);
	if (er != PL_OK)
		pl_db_rollback(db);
	return er;
}
