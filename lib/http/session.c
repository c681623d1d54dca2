/* session.c: sign-in state: cookie sessions, bearer JWTs, CSRF.
 *
 * A session token is 32 random bytes; the database keeps only its SHA-256,
 * so a stolen dump signs nobody in. CSRF tokens are derived, not stored:
 * HMAC(key, session token) for signed-in users and HMAC(key, pre-session
 * token) for visitors, checked in constant time, with SameSite=Lax cookies
 * and an Origin check in front.
 */
/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ident.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "jwt.h"
#include "log.h"
#include "notify.h"
#include "proc.h"
#include "req.h"
#include "resp.h"
#include "session.h"

enum {
	S_LOOKUP,
	S_INSERT,
	S_DELETE,
	S_USER,
	S_TARGET,
	S__MAX
};

static const char *const stmts[S__MAX] = {
	[S_LOOKUP] =
	    "SELECT s.id, s.user_id, COALESCE(s.real_user_id, 0), u.role,"
	    " COALESCE(u.tenant_id, 0), u.email, u.first_name, u.last_name,"
	    " u.phone, u.password_version, ru.first_name, ru.last_name"
	    " FROM sessions s JOIN users u ON u.id = s.user_id"
	    " LEFT JOIN tenants t ON t.id = u.tenant_id"
	    " LEFT JOIN users ru ON ru.id = s.real_user_id"
	    " WHERE s.token_hash = ? AND s.expires_at > UTC_TIMESTAMP()"
	    " AND u.blocked = 0 AND COALESCE(t.blocked, 0) = 0"
	    " AND (ru.id IS NULL OR ru.blocked = 0)",
	[S_INSERT] =
	    "INSERT INTO sessions (token_hash, user_id, real_user_id,"
	    " expires_at, client_addr)"
	    " VALUES (?, ?, ?, UTC_TIMESTAMP() + INTERVAL 14 DAY, ?)",
	[S_DELETE] = "DELETE FROM sessions WHERE id = ?",
	[S_USER] =
	    "SELECT u.role, COALESCE(u.tenant_id, 0), u.email, u.first_name,"
	    " u.last_name, u.phone, u.password_version"
	    " FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.id = ? AND u.blocked = 0 AND COALESCE(t.blocked, 0) = 0",
	[S_TARGET] =
	    "SELECT u.role, COALESCE(u.tenant_id, 0), u.first_name, "
	    "u.last_name,"
	    " u.blocked, COALESCE(t.blocked, 0)"
	    " FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.id = ?",
};

const struct pl_sqlset pl_session_sql = { "session", stmts, S__MAX };

static int
token_shape(const char *t)
{
	size_t n = strlen(t);

	if (n != 43)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/*
 * The bearer identity cache (struct pl_app.auth_cache). An entry is what
 * the users row said while the user's and the tenant's revocation counters
 * (notify.h keys "auth-user-N", "auth-tenant-N", snapshotted before the
 * query) had the values it keeps; every change that matters bumps one after
 * its commit, so an entry is never used past a block or a password change.
 * A minute's age bounds it anyway.
 */
#define IC_SLOTS   16384
#define IC_STRIPES 64
#define IC_MAX_MS  60000

struct ic_entry {
	int64_t      uid, pwv, tid;
	enum pl_role role;
	uint32_t     ucnt, tcnt;
	int64_t      until_ms;
};

static struct ic_entry ic[IC_SLOTS];
static pthread_mutex_t ic_mu[IC_STRIPES];
static pthread_once_t  ic_once = PTHREAD_ONCE_INIT;

static void
ic_init(void)
{
	for (size_t i = 0; i < IC_STRIPES; i++)
		pthread_mutex_init(&ic_mu[i], NULL);
}

static bool
ic_get(int64_t uid, int64_t pwv, struct pl_sess *s)
{
	struct ic_entry *e = &ic[(uint64_t)uid % IC_SLOTS];
	pthread_mutex_t *mu = &ic_mu[(uint64_t)uid % IC_STRIPES];
	bool             ok;

	pthread_once(&ic_once, ic_init);
	pthread_mutex_lock(mu);
	ok = e->uid == uid && e->pwv == pwv && pl_now_ms() < e->until_ms &&
	     pl_ident_version("user", uid) == e->ucnt &&
	     (e->tid == 0 || pl_ident_version("tenant", e->tid) == e->tcnt);
	if (ok) {
		s->role = e->role;
		s->tenant_id = e->tid;
	}
	pthread_mutex_unlock(mu);
	return ok;
}

static void
ic_put(const struct ic_entry *n)
{
	pthread_mutex_t *mu = &ic_mu[(uint64_t)n->uid % IC_STRIPES];

	pthread_once(&ic_once, ic_init);
	pthread_mutex_lock(mu);
	ic[(uint64_t)n->uid % IC_SLOTS] = *n;
	pthread_mutex_unlock(mu);
}

static enum pl_err
bearer_load(struct pl_req *rq, const char *tok)
{
	struct pl_jwt_claims c;
	struct pl_row        row;
	struct pl_sess      *s;
	struct ic_entry      ne = { 0 };
	enum pl_err          er;

	if (pl_jwt_verify(rq->arena, pl_cfg()->jwt_key,
	        sizeof(pl_cfg()->jwt_key), tok, rq->now, &c) != PL_OK) {
		pl_in_fail(rq, NULL, "The token is invalid or has expired.");
		return PL_EAUTH;
	}
	if (rq->auth_cache) {
		s = pl_arena_alloc(rq->arena, sizeof(*s));
		s->email = s->first_name = s->last_name = s->phone = "";
		s->user_id = c.sub;
		s->pwv = c.pwv;
		s->bearer = true;
		if (ic_get(c.sub, c.pwv, s)) {
			rq->sess = s;
			return PL_OK;
		}
		/* The counters before the query: a change that commits
		 * after it bumps them, and the entry is not used again. */
		ne.ucnt = pl_ident_version("user", c.sub);
	}
	er = pl_db_one(pl_req_db(rq), rq->arena, &pl_session_sql, S_USER,
	    PL_ARGS(PL_I64(c.sub)), &row);
	if (er == PL_ENOTFOUND ||
	    (er == PL_OK && pl_row_i64(&row, 6) != c.pwv)) {
		pl_in_fail(rq, NULL, "The token is no longer valid.");
		return PL_EAUTH;
	}
	if (er != PL_OK)
		return er;
	s = pl_arena_alloc(rq->arena, sizeof(*s));
	s->user_id = c.sub;
	s->role = pl_role_parse(pl_row_str(&row, 0));
	s->tenant_id = pl_row_i64(&row, 1);
	if (rq->auth_cache) {
		struct pl_row again;

		ne.uid = c.sub;
		ne.pwv = c.pwv;
		ne.tid = s->tenant_id;
		ne.role = s->role;
		/* The tenant was known only from the query: take its counter
		 * now and look once more, so a tenant block that raced the
		 * first look is either seen or bumps past the entry. */
		ne.tcnt = ne.tid ? pl_ident_version("tenant", ne.tid) : 0;
		er = pl_db_one(pl_req_db(rq), rq->arena, &pl_session_sql,
		    S_USER, PL_ARGS(PL_I64(c.sub)), &again);
		if (er == PL_ENOTFOUND ||
		    (er == PL_OK && pl_row_i64(&again, 6) != c.pwv)) {
			pl_in_fail(rq, NULL, "The token is no longer valid.");
			return PL_EAUTH;
		}
		if (er != PL_OK)
			return er;
		ne.until_ms = pl_now_ms() + IC_MAX_MS;
		ic_put(&ne);
	}
	s->email = pl_row_str(&row, 2);
	s->first_name = pl_row_str(&row, 3);
	s->last_name = pl_row_str(&row, 4);
	s->phone = pl_row_str(&row, 5);
	s->pwv = c.pwv;
	s->bearer = true;
	rq->sess = s;
	return PL_OK;
}

enum pl_err
pl_sess_load(struct pl_req *rq, struct pl_resp *rs)
{
	const char     *auth = pl_req_env(rq, "HTTP_AUTHORIZATION");
	const char     *tok = pl_cookie(rq, PL_SESSION_COOKIE);
	struct pl_row   row;
	struct pl_sess *s;
	enum pl_err     er;

	if (auth != NULL && *auth != '\0') {
		if (strncmp(auth, "Bearer ", 7) != 0) {
			pl_in_fail(
			    rq, NULL, "Use Authorization: Bearer <token>.");
			return PL_EAUTH;
		}
		return bearer_load(rq, auth + 7);
	}
	if (tok == NULL)
		return PL_OK;
	if (!token_shape(tok)) {
		pl_resp_cookie(rs, PL_SESSION_COOKIE, "", 0);
		return PL_OK;
	}
	er = pl_db_one(pl_req_db(rq), rq->arena, &pl_session_sql, S_LOOKUP,
	    PL_ARGS(PL_STR(pl_sha256_hex(rq->arena, tok, strlen(tok)))), &row);
	if (er == PL_ENOTFOUND) {
		/* Ended, expired, or the user was blocked: signed out. */
		pl_resp_cookie(rs, PL_SESSION_COOKIE, "", 0);
		return PL_OK;
	}
	if (er != PL_OK)
		return er;
	s = pl_arena_alloc(rq->arena, sizeof(*s));
	s->session_id = pl_row_i64(&row, 0);
	s->user_id = pl_row_i64(&row, 1);
	s->real_user_id = pl_row_i64(&row, 2);
	s->role = pl_role_parse(pl_row_str(&row, 3));
	s->tenant_id = pl_row_i64(&row, 4);
	s->email = pl_row_str(&row, 5);
	s->first_name = pl_row_str(&row, 6);
	s->last_name = pl_row_str(&row, 7);
	s->phone = pl_row_str(&row, 8);
	s->pwv = pl_row_i64(&row, 9);
	if (s->real_user_id != 0)
		s->real_name = pl_arena_printf(rq->arena, "%s %s",
		    pl_row_str(&row, 10) ? pl_row_str(&row, 10) : "",
		    pl_row_str(&row, 11) ? pl_row_str(&row, 11) : "");
	s->token = tok;
	rq->sess = s;
	return PL_OK;
}

enum pl_err
pl_sess_start(struct pl_req *rq, struct pl_resp *rs, int64_t user_id,
    int64_t real_user_id)
{
	char       *tok = pl_token_new(rq->arena);
	enum pl_err er;

	if (rq->sess != NULL && rq->sess->session_id != 0)
		if ((er = pl_db_exec(pl_req_db(rq), &pl_session_sql, S_DELETE,
		         PL_ARGS(PL_I64(rq->sess->session_id)), NULL, NULL)) !=
		    PL_OK)
			return er;
	er = pl_db_exec(pl_req_db(rq), &pl_session_sql, S_INSERT,
	    PL_ARGS(PL_STR(pl_sha256_hex(rq->arena, tok, strlen(tok))),
	        PL_I64(user_id), real_user_id ? PL_I64(real_user_id) : PL_NULLV,
	        PL_STR(rq->client_addr)),
	    NULL, NULL);
	if (er != PL_OK)
		return er;
	pl_resp_cookie(rs, PL_SESSION_COOKIE, tok, PL_SESSION_DAYS * 86400L);
	return PL_OK;
}

enum pl_err
pl_sess_end(struct pl_req *rq, struct pl_resp *rs)
{
	enum pl_err er = PL_OK;

	if (rq->sess != NULL && rq->sess->session_id != 0)
		er = pl_db_exec(pl_req_db(rq), &pl_session_sql, S_DELETE,
		    PL_ARGS(PL_I64(rq->sess->session_id)), NULL, NULL);
	pl_resp_cookie(rs, PL_SESSION_COOKIE, "", 0);
	return er;
}

char *
pl_sess_jwt(struct pl_req *rq, int64_t user_id, int64_t pwv)
{
	struct pl_jwt_claims c = {
		.sub = user_id,
		.iat = rq->now,
		.exp = rq->now + PL_JWT_SECONDS,
		.jti = NULL,
		.pwv = pwv,
	};

	return pl_jwt_sign(
	    rq->arena, pl_cfg()->jwt_key, sizeof(pl_cfg()->jwt_key), &c);
}

static char *
csrf_for(struct pl_req *rq, const char *kind, const char *seed)
{
	unsigned char mac[32];
	char         *msg = pl_arena_printf(rq->arena, "%s:%s", kind, seed);

	pl_hmac_sha256(pl_cfg()->csrf_key, sizeof(pl_cfg()->csrf_key), msg,
	    strlen(msg), mac);
	return pl_b64url_encode(rq->arena, mac, sizeof(mac));
}

const char *
pl_csrf_token(struct pl_req *rq, struct pl_resp *rs)
{
	const char *pre;

	if (rq->sess != NULL && !rq->sess->bearer)
		return csrf_for(rq, "s", rq->sess->token);
	if (rq->pre == NULL) {
		pre = pl_cookie(rq, PL_PRE_COOKIE);
		if (pre == NULL || !token_shape(pre)) {
			pre = pl_token_new(rq->arena);
			pl_resp_cookie(rs, PL_PRE_COOKIE, pre, -1);
		}
		rq->pre = pre;
	}
	return csrf_for(rq, "p", rq->pre);
}

/* The origin of the configured base URL: scheme://host[:port]. */
static int
origin_ok(struct pl_req *rq, const char *origin)
{
	const char *base = pl_cfg()->base_url;
	const char *p = strstr(base, "://");
	const char *end = p ? strchr(p + 3, '/') : NULL;
	size_t      n = end ? (size_t)(end - base) : strlen(base);

	(void)rq;
	return strlen(origin) == n && strncmp(origin, base, n) == 0;
}

enum pl_err
pl_csrf_check(struct pl_req *rq)
{
	const char *origin = pl_req_env(rq, "HTTP_ORIGIN");
	const char *got = pl_kv_get(&rq->form, "csrf");
	const char *pre = pl_cookie(rq, PL_PRE_COOKIE);

	if (origin != NULL && !origin_ok(rq, origin)) {
		pl_in_fail(rq, NULL, "Cross-site request refused.");
		return PL_EPERM;
	}
	if (rq->api || got == NULL)
		got = pl_req_env(rq, "HTTP_X_CSRF_TOKEN");
	if (got != NULL) {
		if (rq->sess != NULL && !rq->sess->bearer &&
		    pl_ct_streq(got, csrf_for(rq, "s", rq->sess->token)))
			return PL_OK;
		/* A form rendered before sign-in (or in another tab). */
		if (pre != NULL && token_shape(pre) &&
		    pl_ct_streq(got, csrf_for(rq, "p", pre)))
			return PL_OK;
	}
	pl_in_fail(rq, NULL,
	    "This form has expired or did not come from Parley."
	    " Reload the page and try again.");
	return PL_EPERM;
}
