/* test-session.c: the front line's sign-in state against the real test
 * database, without a web server: a session cookie signs its user in and
 * nobody else; blocking the user or the tenant, or ending the session, signs
 * it out; a bearer JWT works until the password changes; CSRF tokens are
 * bound to their session or pre-session cookie, and Origin is checked. */
/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <time.h>

#include <fcgiapp.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "parse.h"
#include "proc.h"
#include "req.h"
#include "resp.h"
#include "session.h"
#include "t.h"
#include "tdb.h"

enum {
	S_TENANT_ADD,
	S_USER_ADD,
	S_USER_BLOCK,
	S_TENANT_BLOCK,
	S_USER_PWV,
	S__MAX
};

static const char *const stmts[S__MAX] = {
	[S_TENANT_ADD] = "INSERT INTO tenants (company) VALUES (?)",
	[S_USER_ADD] =
	    "INSERT INTO users (tenant_id, role, email, first_name,"
	    " last_name) VALUES (?, 'agent', ?, 'Sam', 'Session')",
	[S_USER_BLOCK] = "UPDATE users SET blocked = ? WHERE id = ?",
	[S_TENANT_BLOCK] = "UPDATE tenants SET blocked = ? WHERE id = ?",
	[S_USER_PWV] =
	    "UPDATE users SET password_version = password_version + 1"
	    " WHERE id = ?",
};

static const struct pl_sqlset test_sql = { "test-session", stmts, S__MAX };

/* A request as the front line would make it: a cookie header and other
 * headers (CGI names) in env. */
struct fake {
	FCGX_Request   f;
	char          *envp[8];
	struct pl_req  rq;
	struct pl_resp rs;
};

static void
fake_init(struct fake *k, struct pl_arena *a, const char *cookie,
    const char *const *env)
{
	struct pl_parse_err pe = { NULL, NULL };
	size_t              n = 0;

	memset(k, 0, sizeof(*k));
	/* libfcgi's envp is char **, though it only reads it: copies. */
	for (; env != NULL && env[n] != NULL && n < 7; n++)
		k->envp[n] = pl_arena_strdup(a, env[n]);
	k->envp[n] = NULL;
	k->f.envp = k->envp;
	k->rq.arena = k->rs.arena = a;
	k->rq.fcgi = &k->f;
	k->rq.now = (int64_t)time(NULL);
	k->rq.path = "/";
	k->rq.client_addr = "127.0.0.1";
	pl_buf_init(&k->rs.headers, a);
	if (cookie != NULL)
		pl_parse_cookies(a, cookie, &k->rq.cookies, &pe);
}

static void
fake_done(struct fake *k)
{
	pl_req_db_release(&k->rq);
}

/* The value the reply sets for a cookie, or NULL. */
static const char *
set_cookie(struct fake *k, const char *name)
{
	const char *h = k->rs.headers.p ? pl_buf_cstr(&k->rs.headers) : "";
	const char *p = h;
	size_t      n = strlen(name);

	while ((p = strstr(p, "Set-Cookie: ")) != NULL) {
		p += 12;
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			const char *e = strchr(p + n + 1, ';');

			return pl_arena_strndup(k->rq.arena, p + n + 1,
			    e ? (size_t)(e - p - n - 1) : strlen(p + n + 1));
		}
	}
	return NULL;
}

/* Load the session a cookie names: the user id, 0 when signed out. */
static int64_t
who_is(struct pl_arena *a, const char *cookie)
{
	struct fake k;
	int64_t     uid;

	fake_init(&k, a, cookie, NULL);
	uid = pl_sess_load(&k.rq, &k.rs) == PL_OK && k.rq.sess != NULL
	          ? k.rq.sess->user_id
	          : 0;
	fake_done(&k);
	return uid;
}

int
main(void)
{
	const struct pl_sqlset *uses[] = { &test_sql, &pl_session_sql, NULL };
	struct tdb              t;
	struct fake             k;
	uint64_t                tid = 0, uid = 0;
	const char             *tok, *cookie, *jwt, *csrf, *pre;
	enum pl_err             er;
	int                     rc;

	if ((rc = tdb_open(&t, "test-session", uses)) != 0)
		return rc;
	pl_db_exec(t.db, &test_sql, S_TENANT_ADD,
	    PL_ARGS(PL_STR(tdb_unique(&t, "sess"))), NULL, &tid);
	er = pl_db_exec(t.db, &test_sql, S_USER_ADD,
	    PL_ARGS(PL_I64(tid), PL_STR(tdb_email(&t, "sess"))), NULL, &uid);
	T_INT(er, PL_OK, "a user");

	/* Start a session: a cookie that signs this user in. */
	fake_init(&k, t.a, NULL, NULL);
	er = pl_sess_start(&k.rq, &k.rs, (int64_t)uid, 0);
	T_INT(er, PL_OK, "session started");
	tok = set_cookie(&k, PL_SESSION_COOKIE);
	fake_done(&k);
	T_OK(tok != NULL && strlen(tok) == 43, "a 43-character token cookie");
	cookie =
	    pl_arena_printf(t.a, "%s=%s", PL_SESSION_COOKIE, tok ? tok : "");
	T_INT(who_is(t.a, cookie), (long long)uid,
	    "the cookie signs the user in");
	T_INT(
	    who_is(t.a, pl_arena_printf(t.a, "%s=%.42s%c", PL_SESSION_COOKIE,
	                    tok ? tok : "", tok && tok[42] == 'A' ? 'B' : 'A')),
	    0, "a different token signs nobody in");
	T_INT(who_is(t.a, pl_arena_printf(t.a, "%s=junk", PL_SESSION_COOKIE)),
	    0, "a malformed token signs nobody in");

	/* Blocking the user, then the tenant, signs it out; unblocking back. */
	pl_db_exec(t.db, &test_sql, S_USER_BLOCK,
	    PL_ARGS(PL_I64(1), PL_I64(uid)), NULL, NULL);
	T_INT(who_is(t.a, cookie), 0, "blocked user: signed out");
	pl_db_exec(t.db, &test_sql, S_USER_BLOCK,
	    PL_ARGS(PL_I64(0), PL_I64(uid)), NULL, NULL);
	T_INT(
	    who_is(t.a, cookie), (long long)uid, "unblocked: signed in again");
	pl_db_exec(t.db, &test_sql, S_TENANT_BLOCK,
	    PL_ARGS(PL_I64(1), PL_I64(tid)), NULL, NULL);
	T_INT(who_is(t.a, cookie), 0, "blocked tenant: signed out");
	pl_db_exec(t.db, &test_sql, S_TENANT_BLOCK,
	    PL_ARGS(PL_I64(0), PL_I64(tid)), NULL, NULL);

	/* CSRF: bound to the session's token. */
	fake_init(&k, t.a, cookie, NULL);
	pl_sess_load(&k.rq, &k.rs);
	csrf = pl_csrf_token(&k.rq, &k.rs);
	fake_done(&k);
	T_OK(csrf != NULL && *csrf != '\0', "a CSRF token for the session");
	{
		const char *h[] = {
			pl_arena_printf(t.a, "HTTP_X_CSRF_TOKEN=%s", csrf), NULL
		};

		fake_init(&k, t.a, cookie, h);
		pl_sess_load(&k.rq, &k.rs);
		k.rq.api = true;
		T_INT(
		    pl_csrf_check(&k.rq), PL_OK, "the session's token passes");
		fake_done(&k);
	}
	{
		const char *h[] = { "HTTP_X_CSRF_TOKEN=forged", NULL };

		fake_init(&k, t.a, cookie, h);
		pl_sess_load(&k.rq, &k.rs);
		k.rq.api = true;
		T_INT(pl_csrf_check(&k.rq), PL_EPERM, "a forged token fails");
		fake_done(&k);
	}
	{
		const char *h[] = { pl_arena_printf(
			                t.a, "HTTP_X_CSRF_TOKEN=%s", csrf),
			"HTTP_ORIGIN=https://evil.example", NULL };

		fake_init(&k, t.a, cookie, h);
		pl_sess_load(&k.rq, &k.rs);
		k.rq.api = true;
		T_INT(pl_csrf_check(&k.rq), PL_EPERM,
		    "the right token from another origin fails");
		fake_done(&k);
	}

	/* A signed-out visitor: a pre-session cookie carries the seed. */
	fake_init(&k, t.a, NULL, NULL);
	csrf = pl_csrf_token(&k.rq, &k.rs);
	pre = set_cookie(&k, PL_PRE_COOKIE);
	fake_done(&k);
	T_OK(pre != NULL, "a visitor gets a pre-session cookie");
	{
		const char *h[] = {
			pl_arena_printf(t.a, "HTTP_X_CSRF_TOKEN=%s", csrf), NULL
		};

		fake_init(&k, t.a,
		    pl_arena_printf(
		        t.a, "%s=%s", PL_PRE_COOKIE, pre ? pre : ""),
		    h);
		k.rq.api = true;
		T_INT(
		    pl_csrf_check(&k.rq), PL_OK, "the visitor's token passes");
		fake_done(&k);
		fake_init(&k, t.a, NULL, h);
		k.rq.api = true;
		T_INT(pl_csrf_check(&k.rq), PL_EPERM,
		    "without its cookie it fails");
		fake_done(&k);
	}

	/* Bearer: a JWT works until the password version moves. */
	fake_init(&k, t.a, NULL, NULL);
	jwt = pl_sess_jwt(&k.rq, (int64_t)uid, 0);
	fake_done(&k);
	{
		const char *h[] = { pl_arena_printf(t.a,
			                "HTTP_AUTHORIZATION=Bearer %s", jwt),
			NULL };

		fake_init(&k, t.a, NULL, h);
		er = pl_sess_load(&k.rq, &k.rs);
		T_INT(er, PL_OK, "bearer accepted");
		T_INT(k.rq.sess ? k.rq.sess->user_id : 0, (long long)uid,
		    "bearer user");
		T_OK(k.rq.sess && k.rq.sess->bearer, "marked bearer");
		fake_done(&k);
		pl_db_exec(t.db, &test_sql, S_USER_PWV, PL_ARGS(PL_I64(uid)),
		    NULL, NULL);
		fake_init(&k, t.a, NULL, h);
		T_INT(pl_sess_load(&k.rq, &k.rs), PL_EAUTH,
		    "bearer refused after a password change");
		fake_done(&k);
	}
	{
		const char *h[] = { "HTTP_AUTHORIZATION=Basic abc", NULL };

		fake_init(&k, t.a, NULL, h);
		T_INT(pl_sess_load(&k.rq, &k.rs), PL_EAUTH,
		    "another scheme is refused, not ignored");
		fake_done(&k);
	}

	/* Ending the session signs the cookie out. */
	fake_init(&k, t.a, cookie, NULL);
	pl_sess_load(&k.rq, &k.rs);
	T_INT(pl_sess_end(&k.rq, &k.rs), PL_OK, "session ended");
	fake_done(&k);
	T_INT(who_is(t.a, cookie), 0, "the ended session's cookie is void");

	tdb_close(&t);
	return t_done();
}
