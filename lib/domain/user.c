/* user.c: accounts of one's own: sign-in, sign-up, reset, profile, and
 * who may act as whom. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "audit.h"
#include "change.h"
#include "config.h"
#include "crypto.h"
#include "events.h"
#include "ident.h"
#include "log.h"
#include "outbox.h"
#include "proc.h"
#include "twacct.h"
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
	{ &pl_audit_sql, &pl_twacct_sql } };

static const char *const wrong = "Wrong e-mail or password.";

/* Nobody signed in: sign-in, sign-up and the reset links act for no one
 * (their changes are not audited). */
static const struct pl_actor nobody = { 0 };

/* A required text: msg recorded for field when it is missing. */
static bool
required(struct pl_errs *fe, const char *field, const char *msg, const char *s)
{
	if (s != NULL && *s != '\0')
		return true;
	pl_errs_add(fe, field, msg);
	return false;
}

/* A person's names and phone (required or not), recorded in fe. */
static void
person_check(const char *first, const char *last, const char *phone,
    bool phone_required, struct pl_errs *fe)
{
	const char *why;

	if (required(fe, "first_name", "First name is required.", first) &&
	    (why = pl_valid_name(first)) != NULL)
		pl_errs_add(fe, "first_name", why);
	if (required(fe, "last_name", "Last name is required.", last) &&
	    (why = pl_valid_name(last)) != NULL)
		pl_errs_add(fe, "last_name", why);
	if (phone_required)
		(void)required(fe, "phone", "Phone is required.", phone);
	if (phone != NULL && *phone != '\0' &&
	    (why = pl_valid_phone(phone)) != NULL)
		pl_errs_add(fe, "phone", why);
}

/* An e-mail address as typed, recorded in fe when it is none. */
static void
email_check(const char *email, struct pl_errs *fe)
{
	const char *why;

	if (required(fe, "email", "E-mail is required.", email) &&
	    (why = pl_valid_email(email)) != NULL)
		pl_errs_add(fe, "email", why);
}

/* A new password, recorded in fe (under field) when too weak. */
static void
password_check(
    const char *field, const char *msg, const char *pw, struct pl_errs *fe)
{
	const char *why;

	if (required(fe, field, msg, pw) &&
	    (why = pl_valid_password(pw)) != NULL)
		pl_errs_add(fe, field, why);
}

static enum pl_err
user_load(struct pl_db *db, struct pl_arena *a, int64_t uid, struct pl_user *u,
    const char **hash)
{
	struct pl_row row;
	enum pl_err   er;

	er = pl_db_one(db, a, &pl_user_sql, U_GET, PL_ARGS(PL_I64(uid)), &row);
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
	if (hash != NULL)
		*hash = pl_row_null(&row, 9) ? NULL : pl_row_str(&row, 9);
	return PL_OK;
}

static enum pl_err
fail_count(struct pl_db *db, struct pl_arena *a, const char *kind,
    const char *key, int64_t *n)
{
	struct pl_row row;
	enum pl_err   er;

	er = pl_db_one(db, a, &pl_user_sql, U_FAIL_COUNT,
	    PL_ARGS(PL_STR(kind), PL_STR(key)), &row);
	*n = er == PL_OK ? pl_row_i64(&row, 0) : 0;
	return er;
}

/* What a sign-in leaves behind: its failure counted (for the account and
 * the address), or the account's failures cleared. */
struct attempt {
	const char *acct; /* hashes, never the address or e-mail */
	const char *addr;
	bool        ok;
};

static enum pl_err
attempt_record(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	const struct attempt *t = p;
	enum pl_err           er;

	(void)a, (void)who, (void)ch;
	if (t->ok)
		return pl_db_exec(db, &pl_user_sql, U_FAIL_CLEAR,
		    PL_ARGS(PL_STR(t->acct)), NULL, NULL);
	if ((er = pl_db_exec(db, &pl_user_sql, U_FAIL_ADD,
	         PL_ARGS(PL_STR("account"), PL_STR(t->acct)), NULL, NULL)) !=
	    PL_OK)
		return er;
	return pl_db_exec(db, &pl_user_sql, U_FAIL_ADD,
	    PL_ARGS(PL_STR("addr"), PL_STR(t->addr)), NULL, NULL);
}

enum pl_err
pl_user_authenticate(struct pl_db *db, struct pl_arena *a, const char *email,
    const char *password, const char *client_addr, struct pl_errs *fe,
    int64_t *uid, int64_t *pwv)
{
	struct attempt t = { 0 };
	struct pl_row  row;
	const char    *norm;
	int64_t        na, nb;
	enum pl_err    er;

	email_check(email, fe);
	(void)required(fe, "password", "Password is required.", password);
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	norm = pl_email_normalize(a, email);
	t.acct = pl_sha256_hex(a, norm, strlen(norm));
	client_addr = client_addr != NULL ? client_addr : "";
	t.addr = pl_sha256_hex(a, client_addr, strlen(client_addr));
	if ((er = fail_count(db, a, "account", t.acct, &na)) != PL_OK ||
	    (er = fail_count(db, a, "addr", t.addr, &nb)) != PL_OK)
		return er;
	if (na >= PL_THROTTLE_ACCOUNT || nb >= PL_THROTTLE_ADDR) {
		pl_warn("sign-in throttled (%s)",
		    na >= PL_THROTTLE_ACCOUNT ? "account" : "address");
		return PL_ETOOMANY;
	}
	er = pl_db_one(
	    db, a, &pl_user_sql, U_BY_EMAIL, PL_ARGS(PL_STR(norm)), &row);
	if (er != PL_OK && er != PL_ENOTFOUND)
		return er;
	if (er == PL_ENOTFOUND || pl_row_null(&row, 1)) {
		/* No such account (or no password yet): same work, same
		 * answer as a wrong password. */
		pl_pw_dummy_verify(password);
		t.ok = false;
	} else
		t.ok = pl_pw_verify(password, pl_row_str(&row, 1));
	if (!t.ok) {
		if ((er = pl_change_run(db, a, &nobody, attempt_record, &t)) !=
		    PL_OK)
			return er;
		pl_errs_add(fe, NULL, wrong);
		return PL_EAUTH;
	}
	if (pl_row_i64(&row, 2) != 0 || pl_row_i64(&row, 3) != 0) {
		pl_errs_add(fe, NULL,
		    "This account is blocked. Please contact your"
		    " administrator.");
		return PL_EPERM;
	}
	if ((er = pl_change_run(db, a, &nobody, attempt_record, &t)) != PL_OK)
		return er;
	*uid = pl_row_i64(&row, 0);
	*pwv = pl_row_i64(&row, 4);
	return PL_OK;
}

/* A sign-up's writes: the tenant, its admin, the welcome mail. */
struct signup {
	const struct pl_user_new *in;
	const char               *email; /* normalized */
	const char               *hash;
	int64_t                   id; /* out */
};

static enum pl_err
signup_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct signup            *g = p;
	const struct pl_user_new *in = g->in;
	uint64_t                  tid = 0, id = 0;
	enum pl_err               er;

	(void)who;
	if ((er = pl_db_exec(db, &pl_user_sql, U_TENANT_INSERT,
	         PL_ARGS(PL_STR("")), NULL, &tid)) != PL_OK)
		return er;
	er = pl_db_exec(db, &pl_user_sql, U_INSERT,
	    PL_ARGS(PL_I64(tid), PL_STR("admin"), PL_STR(g->email),
	        PL_STR(in->first_name), PL_STR(in->last_name),
	        PL_STR(in->phone),
	        PL_STR(*in->phone ? pl_phone_e164(a, in->phone) : ""),
	        PL_STR(g->hash)),
	    NULL, &id);
	if (er != PL_OK)
		return er;
	er = pl_outbox_mail(db, a,
	    pl_arena_printf(a, "welcome:%llu", (unsigned long long)id),
	    g->email,
	    pl_arena_printf(a, "%s %s", in->first_name, in->last_name),
	    "Welcome to Parley",
	    pl_arena_printf(a,
	        "Hello %s,\n\n"
	        "Your Parley account is ready.\n\n"
	        "Your user id: %s\n"
	        "Sign in at: %s/login\n\n"
	        "For your safety we never send passwords by e-mail. If you"
	        " forget yours, use \"Forgot password?\" on the sign-in"
	        " page.\n\n"
	        "-- Parley\n",
	        in->first_name, g->email, pl_cfg()->base_url));
	if (er != PL_OK)
		return er;
	/* The business's Twilio sub-account, named after its admin (a
	 * sign-up names no company), goes through the worker. */
	if ((er = pl_twacct_queue_create(db, a, (int64_t)tid,
	         pl_arena_printf(a, "%s %s", in->first_name, in->last_name))) !=
	    PL_OK)
		return er;
	ch->queued = true;
	ch->tenant_id = (int64_t)tid;
	ch->action = "signup";
	ch->target_type = "admin";
	ch->target_id = (int64_t)id;
	ch->by_user = (int64_t)id;
	ch->summary = pl_arena_printf(a, "Admin %s %s <%s> registered",
	    in->first_name, in->last_name, g->email);
	g->id = (int64_t)id;
	return PL_OK;
}

enum pl_err
pl_user_signup(struct pl_db *db, struct pl_arena *a,
    const struct pl_user_new *in, struct pl_errs *fe, struct pl_user *u)
{
	char          hash[PL_PW_HASH_MAX];
	struct signup g = { .in = in, .hash = hash };
	enum pl_err   er;

	person_check(in->first_name, in->last_name, in->phone, true, fe);
	email_check(in->email, fe);
	password_check("password", "Password is required.", in->password, fe);
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	g.email = pl_email_normalize(a, in->email);
	if ((er = pl_user_email_free(db, a, g.email, fe)) != PL_OK)
		return er;
	if ((er = pl_pw_hash(in->password, hash)) != PL_OK)
		return er;
	er = pl_change_run(db, a, &nobody, signup_write, &g);
	if (er == PL_ECONFLICT) /* the unique key: taken meanwhile */
		return pl_user_email_taken(fe);
	if (er != PL_OK)
		return er;
	return user_load(db, a, g.id, u, NULL);
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

/* A reset link's writes. */
struct forgot {
	int64_t     uid;
	const char *email;
	const char *name;
};

static enum pl_err
forgot_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	const struct forgot *g = p;
	enum pl_err          er;

	(void)who;
	er = token_mail(db, a, g->uid, "reset", PL_RESET_SECONDS, g->email,
	    g->name, "Reset your Parley password",
	    "Someone (we hope you) asked to reset the password of your Parley"
	    " account. Open this link within one hour to choose a new one:",
	    "/password/reset");
	if (er == PL_OK)
		ch->queued = true;
	return er;
}

enum pl_err
pl_user_forgot(
    struct pl_db *db, struct pl_arena *a, const char *email, struct pl_errs *fe)
{
	struct forgot g = { 0 };
	struct pl_row row;
	enum pl_err   er;

	email_check(email, fe);
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	g.email = pl_email_normalize(a, email);
	er = pl_db_one(
	    db, a, &pl_user_sql, U_BY_EMAIL, PL_ARGS(PL_STR(g.email)), &row);
	if (er == PL_ENOTFOUND ||
	    (er == PL_OK &&
	        (pl_row_i64(&row, 2) != 0 || pl_row_i64(&row, 3) != 0)))
		return PL_OK; /* the caller answers the same */
	if (er != PL_OK)
		return er;
	g.uid = pl_row_i64(&row, 0);
	g.name = pl_arena_printf(
	    a, "%s %s", pl_row_str(&row, 5), pl_row_str(&row, 6));
	return pl_change_run(db, a, &nobody, forgot_write, &g);
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
pl_user_token_check(struct pl_db *db, struct pl_arena *a, const char *token)
{
	struct pl_row row;

	if (!token_shape_ok(token))
		return PL_ENOTFOUND;
	return pl_db_one(db, a, &pl_user_sql, U_TOKEN_LOOKUP,
	    PL_ARGS(PL_STR(pl_sha256_hex(a, token, strlen(token)))), &row);
}

/* Tell a user's open pages that their password changed (after the
 * commit: the event is a transaction of its own). */
static void
password_event(struct pl_db *db, struct pl_arena *a, int64_t uid)
{
	struct json_object *d = json_object_new_object();

	json_object_object_add(d, "user_id", json_object_new_int64(uid));
	if (pl_event_publish(db, a, pl_stream(a, PL_STREAM_USER, uid),
	        "PASSWORD_CHANGED", d) != PL_OK)
		pl_warn(
		    "user %lld: password event not published", (long long)uid);
	json_object_put(d);
}

/* A token's use: the password set, every link and session of the user
 * ended. */
struct token_use {
	const char *token;
	const char *hash;
	int64_t     uid; /* out */
};

static enum pl_err
token_use_write(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, void *p, struct pl_change *ch)
{
	struct token_use *g = p;
	struct pl_row     row;
	uint64_t          used = 0;
	enum pl_err       er;
	int64_t           id;

	(void)who;
	er = pl_db_one(db, a, &pl_user_sql, U_TOKEN_LOOKUP,
	    PL_ARGS(PL_STR(pl_sha256_hex(a, g->token, strlen(g->token)))),
	    &row);
	if (er != PL_OK)
		return er;
	id = pl_row_i64(&row, 1);
	/* Single use: only the request that flips used_at goes on. */
	if ((er = pl_db_exec(db, &pl_user_sql, U_TOKEN_USE,
	         PL_ARGS(PL_I64(pl_row_i64(&row, 0))), &used, NULL)) != PL_OK)
		return er;
	if (used != 1)
		return PL_ENOTFOUND;
	if ((er = pl_db_exec(db, &pl_user_sql, U_TOKEN_USE_ALL,
	         PL_ARGS(PL_I64(id)), NULL, NULL)) != PL_OK ||
	    (er = pl_db_exec(db, &pl_user_sql, U_SET_PASSWORD,
	         PL_ARGS(PL_STR(g->hash), PL_I64(id)), NULL, NULL)) != PL_OK ||
	    (er = pl_ident_end_sessions(db, id, 0)) != PL_OK)
		return er;
	ch->changed_user = id;
	g->uid = id;
	return PL_OK;
}

enum pl_err
pl_user_token_use(struct pl_db *db, struct pl_arena *a, const char *token,
    const char *password, struct pl_errs *fe, int64_t *uid)
{
	char             hash[PL_PW_HASH_MAX];
	struct token_use g = { .token = token, .hash = hash };
	enum pl_err      er;

	password_check("password", "Password is required.", password, fe);
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	if ((er = pl_user_token_check(db, a, token)) != PL_OK)
		return er;
	if ((er = pl_pw_hash(password, hash)) != PL_OK)
		return er;
	if ((er = pl_change_run(db, a, &nobody, token_use_write, &g)) != PL_OK)
		return er;
	password_event(db, a, g.uid);
	*uid = g.uid;
	return PL_OK;
}

enum pl_err
pl_user_get(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    struct pl_user *u)
{
	if (who->user_id == 0)
		return PL_ENOTFOUND;
	return user_load(db, a, who->user_id, u, NULL);
}

/* One's own name and phone. */
struct profile {
	const struct pl_user_profile *in;
};

static enum pl_err
profile_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	const struct pl_user_profile *in = ((struct profile *)p)->in;

	(void)ch;
	return pl_db_exec(db, &pl_user_sql, U_PROFILE,
	    PL_ARGS(PL_STR(in->first_name), PL_STR(in->last_name),
	        PL_STR(in->phone),
	        PL_STR(*in->phone ? pl_phone_e164(a, in->phone) : ""),
	        PL_I64(who->user_id)),
	    NULL, NULL);
}

enum pl_err
pl_user_profile_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_user_profile *in,
    struct pl_errs *fe)
{
	struct profile         g = { in };
	struct pl_user_profile v = *in;
	enum pl_err            er;

	if (who->user_id == 0)
		return PL_ENOTFOUND;
	if (v.phone == NULL)
		v.phone = "";
	g.in = &v;
	person_check(v.first_name, v.last_name, v.phone, false, fe);
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	return pl_change_run(db, a, who, profile_write, &g);
}

/* One's own new password; the other sessions end. */
struct password {
	const char *hash;
	int64_t     keep;
};

static enum pl_err
password_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	const struct password *g = p;
	enum pl_err            er;

	(void)a;
	if ((er = pl_db_exec(db, &pl_user_sql, U_SET_PASSWORD,
	         PL_ARGS(PL_STR(g->hash), PL_I64(who->user_id)), NULL, NULL)) !=
	        PL_OK ||
	    (er = pl_ident_end_sessions(db, who->user_id, g->keep)) != PL_OK)
		return er;
	ch->changed_user = who->user_id;
	return PL_OK;
}

enum pl_err
pl_user_password_change(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const char *current, const char *password,
    int64_t keep_session, struct pl_errs *fe)
{
	char            hash[PL_PW_HASH_MAX];
	struct password g = { .hash = hash, .keep = keep_session };
	struct pl_user  u;
	const char     *old;
	enum pl_err     er;

	if (who->user_id == 0)
		return PL_ENOTFOUND;
	if ((er = user_load(db, a, who->user_id, &u, &old)) != PL_OK)
		return er;
	if (required(fe, "current_password", "Current password is required.",
	        current) &&
	    (old == NULL || !pl_pw_verify(current, old)))
		pl_errs_add(fe, "current_password",
		    "The current password is not right.");
	password_check("password", "New password is required.", password, fe);
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	if ((er = pl_pw_hash(password, hash)) != PL_OK)
		return er;
	if ((er = pl_change_run(db, a, who, password_write, &g)) != PL_OK)
		return er;
	password_event(db, a, who->user_id);
	return PL_OK;
}

/* The super admin's row. */
struct seed {
	const char *email;
	const char *hash;
	int         created; /* out */
};

static enum pl_err
seed_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct seed  *g = p;
	struct pl_row row;
	enum pl_err   er;

	(void)who, (void)ch;
	g->created = 0;
	er = pl_db_one(db, a, &pl_user_sql, U_SUPER, PL_NOARGS, &row);
	if (er != PL_ENOTFOUND)
		return er;
	er = pl_db_exec(db, &pl_user_sql, U_INSERT,
	    PL_ARGS(PL_NULLV, PL_STR("super_admin"), PL_STR(g->email),
	        PL_STR("Super"), PL_STR("Admin"), PL_STR(""), PL_STR(""),
	        PL_STR(g->hash)),
	    NULL, NULL);
	if (er == PL_OK)
		g->created = 1;
	return er;
}

enum pl_err
pl_user_seed_super(struct pl_db *db, struct pl_arena *a, const char *email,
    const char *password, int *created)
{
	char          hash[PL_PW_HASH_MAX];
	struct seed   g = { .hash = hash };
	struct pl_row row;
	enum pl_err   er;

	*created = 0;
	/* Most runs find one: no hashing for nothing. */
	er = pl_db_one(db, a, &pl_user_sql, U_SUPER, PL_NOARGS, &row);
	if (er != PL_ENOTFOUND)
		return er;
	if ((er = pl_pw_hash(password, hash)) != PL_OK)
		return er;
	g.email = pl_email_normalize(a, email);
	if ((er = pl_change_run(db, a, &nobody, seed_write, &g)) == PL_OK)
		*created = g.created;
	return er;
}

enum pl_err
pl_user_emulate_check(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t target, struct pl_errs *fe,
    struct pl_user *u)
{
	struct pl_row row;
	enum pl_role  role;
	int64_t       tid;
	enum pl_err   er;

	if (who->real_user_id != 0) {
		pl_errs_add(fe, NULL, "Stop acting as the current user first.");
		return PL_ECONFLICT;
	}
	if (who->role != PL_ROLE_SUPER && who->role != PL_ROLE_ADMIN)
		return PL_ENOTFOUND;
	er = pl_db_one(
	    db, a, &pl_user_sql, U_TARGET, PL_ARGS(PL_I64(target)), &row);
	if (er != PL_OK)
		return er;
	role = pl_role_parse(pl_row_str(&row, 0));
	tid = pl_row_i64(&row, 1);
	/* The super admin may act as any admin or agent; an admin as its own
	 * agents. Anyone else is, to this caller, a user that does not exist.
	 */
	if (target == who->user_id || role == PL_ROLE_SUPER ||
	    role == PL_ROLE_NONE ||
	    (who->role == PL_ROLE_ADMIN &&
	        (tid != who->tenant_id || role == PL_ROLE_ADMIN)))
		return PL_ENOTFOUND;
	if (pl_row_i64(&row, 4) != 0 || pl_row_i64(&row, 5) != 0) {
		pl_errs_add(fe, NULL, "That account is blocked.");
		return PL_ECONFLICT;
	}
	memset(u, 0, sizeof(*u));
	u->id = target;
	u->tenant_id = tid;
	u->role = pl_row_str(&row, 0);
	u->email = "";
	u->first_name = pl_row_str(&row, 2);
	u->last_name = pl_row_str(&row, 3);
	u->phone = "";
	u->created_at = "";
	return PL_OK;
}

/* The session of the identity to be, and its audit entry. */
struct emulation {
	const struct pl_user *u; /* the target; NULL: back to oneself */
	pl_user_session_fn   *start;
	void                 *arg;
};

static enum pl_err
emulation_write(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, void *p, struct pl_change *ch)
{
	const struct emulation *g = p;
	enum pl_err             er;

	ch->target_type = "user";
	if (g->u != NULL) {
		if ((er = g->start(db, g->arg, g->u->id, who->user_id)) !=
		    PL_OK)
			return er;
		ch->tenant_id = g->u->tenant_id;
		ch->action = "emulation_start";
		ch->target_id = g->u->id;
		ch->summary = pl_arena_printf(
		    a, "acting as %s %s", g->u->first_name, g->u->last_name);
		return PL_OK;
	}
	/* A new session of one's own: the emulated one ends. */
	if ((er = g->start(db, g->arg, who->real_user_id, 0)) != PL_OK)
		return er;
	ch->tenant_id = who->tenant_id;
	ch->action = "emulation_stop";
	ch->target_id = who->user_id;
	ch->summary = pl_arena_printf(
	    a, "stopped acting as %s", who->name ? who->name : "");
	return PL_OK;
}

enum pl_err
pl_user_emulate(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t target, pl_user_session_fn *start,
    void *arg, struct pl_errs *fe, struct pl_user *u)
{
	struct emulation g = { u, start, arg };
	enum pl_err      er;

	if ((er = pl_user_emulate_check(db, a, who, target, fe, u)) != PL_OK)
		return er;
	return pl_change_run(db, a, who, emulation_write, &g);
}

enum pl_err
pl_user_emulate_stop(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, pl_user_session_fn *start, void *arg,
    struct pl_errs *fe)
{
	struct emulation g = { NULL, start, arg };

	if (who->real_user_id == 0) {
		pl_errs_add(fe, NULL, "You are not acting as another user.");
		return PL_ECONFLICT;
	}
	return pl_change_run(db, a, who, emulation_write, &g);
}
