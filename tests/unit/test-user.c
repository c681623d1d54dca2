/* test-user.c: accounts (lib/domain/user.h) against the real test
 * database: sign-up (a tenant, its admin, the welcome mail; a taken
 * e-mail), sign-in (wrong password, throttling, blocked), the password
 * change (a wrong current password changes nothing; other sessions end),
 * a reset link works once, the profile, and who may act as whom, audited. */
/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "db.h"
#include "list.h"
#include "t.h"
#include "tdb.h"
#include "user.h"

enum {
	S_TENANT_OF,
	S_MAIL_OF,
	S_USERS_WITH,
	S_AGENT_ADD,
	S_BLOCK,
	S_SESSION_ADD,
	S_SESSIONS_OF,
	S__MAX
};

/* Test-only statements: reading what the domain wrote, and agents (the
 * agent module is another's). */
static const char *const stmts[S__MAX] = {
	[S_TENANT_OF] =
	    "SELECT t.id, t.company FROM users u"
	    " JOIN tenants t ON t.id = u.tenant_id WHERE u.id = ?",
	[S_MAIL_OF] =
	    "SELECT recipient, payload FROM outbox WHERE kind = 'email'"
	    " AND idem_key LIKE ? ORDER BY id DESC LIMIT 1",
	[S_USERS_WITH] = "SELECT COUNT(*) FROM users WHERE email = ?",
	[S_AGENT_ADD] =
	    "INSERT INTO users (tenant_id, role, email, first_name,"
	    " last_name, blocked) VALUES (?, 'agent', ?, 'Test', ?, ?)",
	[S_BLOCK] = "UPDATE users SET blocked = 1 WHERE id = ?",
	[S_SESSION_ADD] =
	    "INSERT INTO sessions (token_hash, user_id,"
	    " expires_at) VALUES (?, ?, UTC_TIMESTAMP()"
	    " + INTERVAL 1 DAY)",
	[S_SESSIONS_OF] = "SELECT COUNT(*) FROM sessions WHERE user_id = ?",
};

static const struct pl_sqlset test_sql = { "test-user", stmts, S__MAX };

static struct tdb t;

static int64_t
count(size_t stmt, const struct pl_val *args, size_t n)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &test_sql, stmt, args, n, &row) != PL_OK)
		return -1;
	return pl_row_i64(&row, 0);
}

/* A new admin with a tenant of its own, through the domain. */
static struct pl_user
admin_new(const char *prefix, const char *password)
{
	struct pl_user_new in = { "Ada", tdb_unique(&t, prefix),
		"+1 555 010 4477", tdb_email(&t, prefix), password };
	struct pl_errs     fe = { 0 };
	struct pl_user     u = { 0 };

	T_INT(pl_user_signup(t.db, t.a, &in, &fe, &u), PL_OK, prefix);
	return u;
}

/* An agent of tenant (a test-only insert). */
static int64_t
agent_new(int64_t tenant, bool blocked)
{
	uint64_t id = 0;

	T_INT(pl_db_exec(t.db, &test_sql, S_AGENT_ADD,
	          PL_ARGS(PL_I64(tenant), PL_STR(tdb_email(&t, "agent")),
	              PL_STR(tdb_unique(&t, "Agent")), PL_I64(blocked)),
	          NULL, &id),
	    PL_OK, "an agent");
	return (int64_t)id;
}

static struct pl_actor
actor_of(const struct pl_user *u, enum pl_role role)
{
	return (struct pl_actor){ .user_id = u->id,
		.tenant_id = u->tenant_id,
		.role = role,
		.name = pl_arena_printf(
		    t.a, "%s %s", u->first_name, u->last_name) };
}

/* The newest audit entry who can read with this action and target. */
static const struct pl_audit_entry *
audited(const struct pl_actor *who, const char *action, int64_t target)
{
	struct pl_list         l = { .limit = 50 };
	struct pl_audit_entry *v;
	size_t                 n;

	if (pl_audit_page(t.db, t.a, who, 0, &l, &v, &n) != PL_OK)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].action, action) == 0 &&
		    v[i].target_id == target)
			return &v[i];
	return NULL;
}

/* The token of the newest reset mail to uid. */
static const char *
reset_token(int64_t uid)
{
	struct pl_row row;
	const char   *p;

	if (pl_db_one(t.db, t.a, &test_sql, S_MAIL_OF,
	        PL_ARGS(PL_STR(
	            pl_arena_printf(t.a, "reset:%lld:%%", (long long)uid))),
	        &row) != PL_OK)
		return NULL;
	if ((p = strstr(pl_row_str(&row, 1), "token=")) == NULL)
		return NULL;
	return pl_arena_printf(t.a, "%.43s", p + 6);
}

/* A session start that only counts (the cookie is HTTP's). */
static int starts;

static enum pl_err
start_ok(struct pl_db *db, void *arg, int64_t user_id, int64_t real_user_id)
{
	(void)db, (void)arg, (void)user_id, (void)real_user_id;
	starts++;
	return PL_OK;
}

static enum pl_err
start_fails(struct pl_db *db, void *arg, int64_t user_id, int64_t real)
{
	(void)db, (void)arg, (void)user_id, (void)real;
	return PL_EUNAVAIL;
}

static void
test_signup(void)
{
	struct pl_user     a = admin_new("su", "first-pass-1"), u;
	struct pl_user_new in;
	struct pl_errs     fe = { 0 };
	struct pl_row      row;
	char              *upper;

	T_OK(a.id > 0, "sign-up: a user");
	T_STR(a.role, "admin", "sign-up: an admin");
	T_OK(a.tenant_id > 0, "sign-up: with a tenant");
	T_INT(pl_db_one(t.db, t.a, &test_sql, S_TENANT_OF,
	          PL_ARGS(PL_I64(a.id)), &row),
	    PL_OK, "sign-up: the tenant exists");
	T_INT(pl_row_i64(&row, 0), a.tenant_id, "sign-up: its own tenant");
	T_INT(pl_db_one(t.db, t.a, &test_sql, S_MAIL_OF,
	          PL_ARGS(PL_STR(
	              pl_arena_printf(t.a, "welcome:%lld", (long long)a.id))),
	          &row),
	    PL_OK, "sign-up: a welcome mail is queued");
	T_STR(pl_row_str(&row, 0), a.email, "sign-up: to the new admin");
	T_OK(strstr(pl_row_str(&row, 1), "first-pass-1") == NULL,
	    "sign-up: the mail holds no password");

	/* The same address (in other case): 409 on "email", no second. */
	in = (struct pl_user_new){ "Bob", "Dup", "+1 555 010 4478", NULL,
		"other-pass-1" };
	upper = pl_arena_printf(t.a, "%s", a.email);
	for (char *p = upper; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	in.email = upper;
	T_INT(pl_user_signup(t.db, t.a, &in, &fe, &u), PL_ECONFLICT,
	    "sign-up: a taken e-mail");
	T_OK(pl_errs_get(&fe, "email") != NULL, "sign-up: names email");
	T_INT(count(S_USERS_WITH, PL_ARGS(PL_STR(a.email))), 1,
	    "sign-up: nobody else has it");

	/* Bad fields: each named, nothing written. */
	fe = (struct pl_errs){ 0 };
	in = (struct pl_user_new){ "", "Last", "call me", tdb_email(&t, "bad"),
		"abc" };
	T_INT(pl_user_signup(t.db, t.a, &in, &fe, &u), PL_EINVAL,
	    "sign-up: bad fields");
	T_OK(pl_errs_get(&fe, "first_name") != NULL, "sign-up: first_name");
	T_OK(pl_errs_get(&fe, "phone") != NULL, "sign-up: phone");
	T_OK(pl_errs_get(&fe, "password") != NULL, "sign-up: password");
	T_OK(pl_errs_get(&fe, "last_name") == NULL, "sign-up: last_name ok");
	T_INT(count(S_USERS_WITH, PL_ARGS(PL_STR(in.email))), 0,
	    "sign-up: nothing written");
	fe = (struct pl_errs){ 0 };
	in = (struct pl_user_new){ "Ann", "Last", "+1 555 010 4479",
		"not-an-address", "good-pass-1" };
	T_INT(pl_user_signup(t.db, t.a, &in, &fe, &u), PL_EINVAL,
	    "sign-up: a bad e-mail");
	T_OK(pl_errs_get(&fe, "email") != NULL, "sign-up: names email");
}

static void
test_authenticate(void)
{
	struct pl_user a = admin_new("au", "right-pass-1");
	const char    *addr = tdb_unique(&t, "addr");
	struct pl_errs fe = { 0 };
	int64_t        uid = 0, pwv = -1;
	enum pl_err    er;

	T_INT(pl_user_authenticate(
	          t.db, t.a, a.email, "right-pass-1", addr, &fe, &uid, &pwv),
	    PL_OK, "sign-in: the right password");
	T_INT(uid, a.id, "sign-in: the user");
	T_INT(pwv, 0, "sign-in: the password version");
	T_INT(pl_user_authenticate(
	          t.db, t.a, a.email, "wrong-pass-1", addr, &fe, &uid, &pwv),
	    PL_EAUTH, "sign-in: a wrong password");
	T_STR(fe.msg, "Wrong e-mail or password.", "sign-in: the message");
	fe = (struct pl_errs){ 0 };
	T_INT(pl_user_authenticate(t.db, t.a, tdb_email(&t, "nobody"),
	          "wrong-pass-1", addr, &fe, &uid, &pwv),
	    PL_EAUTH, "sign-in: no such account, the same answer");
	fe = (struct pl_errs){ 0 };
	T_INT(
	    pl_user_authenticate(t.db, t.a, "nope", "x", addr, &fe, &uid, &pwv),
	    PL_EINVAL, "sign-in: not an e-mail");
	T_OK(pl_errs_get(&fe, "email") != NULL, "sign-in: names email");

	/* Five failures for an account: then even the right password waits
	 * (from another address too). */
	a = admin_new("thr", "right-pass-1");
	for (int i = 0; i < PL_THROTTLE_ACCOUNT; i++) {
		fe = (struct pl_errs){ 0 };
		er = pl_user_authenticate(t.db, t.a, a.email, "wrong-pass-1",
		    tdb_unique(&t, "addr"), &fe, &uid, &pwv);
		T_INT(er, PL_EAUTH, "throttle: a failure");
	}
	fe = (struct pl_errs){ 0 };
	T_INT(pl_user_authenticate(t.db, t.a, a.email, "right-pass-1",
	          tdb_unique(&t, "addr"), &fe, &uid, &pwv),
	    PL_ETOOMANY, "throttle: after 5 failures");

	/* Blocked: the right password, refused. */
	a = admin_new("blk", "right-pass-1");
	T_INT(pl_db_exec(
	          t.db, &test_sql, S_BLOCK, PL_ARGS(PL_I64(a.id)), NULL, NULL),
	    PL_OK, "block");
	fe = (struct pl_errs){ 0 };
	T_INT(pl_user_authenticate(t.db, t.a, a.email, "right-pass-1",
	          tdb_unique(&t, "addr"), &fe, &uid, &pwv),
	    PL_EPERM, "sign-in: blocked");
	T_OK(fe.msg != NULL && strstr(fe.msg, "blocked") != NULL,
	    "sign-in: says blocked");
}

static void
test_password(void)
{
	struct pl_user  a = admin_new("pw", "old-pass-1"), u;
	struct pl_actor who = actor_of(&a, PL_ROLE_ADMIN);
	struct pl_errs  fe = { 0 };
	uint64_t        keep = 0;
	int64_t         uid, pwv;

	T_INT(pl_db_exec(t.db, &test_sql, S_SESSION_ADD,
	          PL_ARGS(PL_STR(tdb_unique(&t, "s1")), PL_I64(a.id)), NULL,
	          &keep),
	    PL_OK, "a session to keep");
	pl_db_exec(t.db, &test_sql, S_SESSION_ADD,
	    PL_ARGS(PL_STR(tdb_unique(&t, "s2")), PL_I64(a.id)), NULL, NULL);

	/* A wrong current password: named, nothing changes. */
	T_INT(pl_user_password_change(t.db, t.a, &who, "not-it-1", "new-pass-1",
	          (int64_t)keep, &fe),
	    PL_EINVAL, "password: a wrong current one");
	T_OK(pl_errs_get(&fe, "current_password") != NULL,
	    "password: names current_password");
	T_OK(pl_errs_get(&fe, "password") == NULL, "password: the new is ok");
	T_INT(pl_user_get(t.db, t.a, &who, &u), PL_OK, "get");
	T_INT(u.pwv, 0, "password: not changed");
	T_INT(count(S_SESSIONS_OF, PL_ARGS(PL_I64(a.id))), 2,
	    "password: no session ended");
	fe = (struct pl_errs){ 0 };
	T_INT(pl_user_password_change(
	          t.db, t.a, &who, "old-pass-1", "abc", (int64_t)keep, &fe),
	    PL_EINVAL, "password: a weak new one");
	T_OK(pl_errs_get(&fe, "password") != NULL, "password: names it");

	fe = (struct pl_errs){ 0 };
	T_INT(pl_user_password_change(t.db, t.a, &who, "old-pass-1",
	          "new-pass-1", (int64_t)keep, &fe),
	    PL_OK, "password: changed");
	T_INT(pl_user_get(t.db, t.a, &who, &u), PL_OK, "get");
	T_INT(u.pwv, 1, "password: a new version voids older tokens");
	T_INT(count(S_SESSIONS_OF, PL_ARGS(PL_I64(a.id))), 1,
	    "password: the other sessions ended, this one kept");
	fe = (struct pl_errs){ 0 };
	T_INT(pl_user_authenticate(t.db, t.a, a.email, "new-pass-1",
	          tdb_unique(&t, "addr"), &fe, &uid, &pwv),
	    PL_OK, "password: the new one signs in");
}

static void
test_reset(void)
{
	struct pl_user a = admin_new("rs", "old-pass-1");
	struct pl_errs fe = { 0 };
	const char    *tok;
	int64_t        uid = 0, pwv;

	T_INT(pl_user_forgot(t.db, t.a, tdb_email(&t, "nobody"), &fe), PL_OK,
	    "forgot: an unknown address, the same answer");
	T_INT(pl_user_forgot(t.db, t.a, "nope", &fe), PL_EINVAL,
	    "forgot: not an e-mail");
	fe = (struct pl_errs){ 0 };
	T_INT(pl_user_forgot(t.db, t.a, a.email, &fe), PL_OK, "forgot");
	tok = reset_token(a.id);
	T_OK(tok != NULL && strlen(tok) == 43, "forgot: a link is mailed");
	if (tok == NULL)
		return;
	T_INT(pl_user_token_check(t.db, t.a, tok), PL_OK, "token: usable");
	T_INT(pl_user_token_check(t.db, t.a, "garbage"), PL_ENOTFOUND,
	    "token: garbage");
	T_INT(pl_user_token_use(t.db, t.a, tok, "abc", &fe, &uid), PL_EINVAL,
	    "token: a weak password");
	T_OK(pl_errs_get(&fe, "password") != NULL, "token: names password");
	T_INT(pl_user_token_check(t.db, t.a, tok), PL_OK,
	    "token: still usable after a refused password");
	fe = (struct pl_errs){ 0 };
	T_INT(pl_user_token_use(t.db, t.a, tok, "reset-pass-1", &fe, &uid),
	    PL_OK, "token: used");
	T_INT(uid, a.id, "token: its user");
	T_INT(pl_user_token_use(t.db, t.a, tok, "again-pass-1", &fe, &uid),
	    PL_ENOTFOUND, "token: works once");
	T_INT(
	    pl_user_token_check(t.db, t.a, tok), PL_ENOTFOUND, "token: spent");
	T_INT(pl_user_authenticate(t.db, t.a, a.email, "reset-pass-1",
	          tdb_unique(&t, "addr"), &fe, &uid, &pwv),
	    PL_OK, "token: the password it set signs in");
}

static void
test_profile(void)
{
	struct pl_user         a = admin_new("pf", "pf-pass-1"), u;
	struct pl_actor        who = actor_of(&a, PL_ROLE_ADMIN);
	struct pl_user_profile in = { "Grace", "Hopper", "call me" };
	struct pl_errs         fe = { 0 };

	T_INT(pl_user_profile_update(t.db, t.a, &who, &in, &fe), PL_EINVAL,
	    "profile: a bad phone");
	T_OK(pl_errs_get(&fe, "phone") != NULL, "profile: names phone");
	T_INT(pl_user_get(t.db, t.a, &who, &u), PL_OK, "get");
	T_STR(u.first_name, "Ada", "profile: nothing written");
	fe = (struct pl_errs){ 0 };
	in.phone = "";
	T_INT(pl_user_profile_update(t.db, t.a, &who, &in, &fe), PL_OK,
	    "profile: saved");
	T_INT(pl_user_get(t.db, t.a, &who, &u), PL_OK, "get");
	T_STR(u.first_name, "Grace", "profile: the name");
	T_STR(u.phone, "", "profile: no phone");
	T_STR(u.email, a.email, "profile: the e-mail stays");
}

static void
test_emulate(void)
{
	struct pl_user               a = admin_new("ema", "em-pass-1");
	struct pl_user               b = admin_new("emb", "em-pass-1");
	struct pl_user               u;
	struct pl_actor              sup = tdb_super(&t);
	struct pl_actor              wa = actor_of(&a, PL_ROLE_ADMIN), as;
	struct pl_errs               fe = { 0 };
	const struct pl_audit_entry *e;
	int64_t                      agent = agent_new(a.tenant_id, false);
	int64_t                      other = agent_new(b.tenant_id, false);
	int64_t                      blocked = agent_new(a.tenant_id, true);

	/* The super admin may act as an admin. */
	T_INT(pl_user_emulate_check(t.db, t.a, &sup, a.id, &fe, &u), PL_OK,
	    "emulate: super as an admin");
	T_INT(u.tenant_id, a.tenant_id, "emulate: the target's tenant");
	T_INT(pl_user_emulate_check(t.db, t.a, &sup, agent, &fe, &u), PL_OK,
	    "emulate: super as an agent");
	T_INT(pl_user_emulate_check(t.db, t.a, &sup, sup.user_id, &fe, &u),
	    PL_ENOTFOUND, "emulate: not as oneself");

	/* An admin: its own agents only. */
	T_INT(pl_user_emulate_check(t.db, t.a, &wa, agent, &fe, &u), PL_OK,
	    "emulate: an admin as its agent");
	T_INT(pl_user_emulate_check(t.db, t.a, &wa, other, &fe, &u),
	    PL_ENOTFOUND, "emulate: another tenant's agent");
	T_INT(pl_user_emulate_check(t.db, t.a, &wa, b.id, &fe, &u),
	    PL_ENOTFOUND, "emulate: another admin");
	T_INT(pl_user_emulate_check(t.db, t.a, &wa, sup.user_id, &fe, &u),
	    PL_ENOTFOUND, "emulate: the super admin");
	T_INT(pl_user_emulate_check(t.db, t.a, &wa, a.id, &fe, &u),
	    PL_ENOTFOUND, "emulate: itself");
	T_INT(pl_user_emulate_check(t.db, t.a, &wa, 0x7fffffffffffLL, &fe, &u),
	    PL_ENOTFOUND, "emulate: no such user");
	T_INT(pl_user_emulate_check(t.db, t.a, &wa, blocked, &fe, &u),
	    PL_ECONFLICT, "emulate: a blocked agent");
	T_OK(fe.msg != NULL, "emulate: says why");

	/* An agent may act as nobody. */
	as = (struct pl_actor){ .user_id = agent,
		.tenant_id = a.tenant_id,
		.role = PL_ROLE_AGENT,
		.name = "Test Agent" };
	T_INT(pl_user_emulate_check(t.db, t.a, &as, blocked, &fe, &u),
	    PL_ENOTFOUND, "emulate: not for agents");

	/* Start: the session starts in the change, audited. */
	starts = 0;
	T_INT(pl_user_emulate(t.db, t.a, &wa, agent, start_ok, NULL, &fe, &u),
	    PL_OK, "emulate: start");
	T_INT(starts, 1, "emulate: the session started");
	e = audited(&wa, "emulation_start", agent);
	T_OK(e != NULL, "emulate: start audited");
	if (e != NULL) {
		T_INT(e->actor_id, a.id, "emulate: by the admin");
		T_INT(e->acting_as_id, 0, "emulate: as itself");
		T_INT(e->tenant_id, a.tenant_id, "emulate: in its tenant");
		T_STR(e->target_type, "user", "emulate: a user");
	}

	/* Stop: by the real user, as the emulated one. */
	as.real_user_id = a.id;
	as.real_name = wa.name;
	fe = (struct pl_errs){ 0 };
	T_INT(pl_user_emulate(t.db, t.a, &as, agent, start_ok, NULL, &fe, &u),
	    PL_ECONFLICT, "emulate: not while acting");
	T_INT(pl_user_emulate_stop(t.db, t.a, &as, start_ok, NULL, &fe), PL_OK,
	    "emulate: stop");
	T_INT(starts, 2, "emulate: one's own session again");
	e = audited(&wa, "emulation_stop", agent);
	T_OK(e != NULL, "emulate: stop audited");
	if (e != NULL) {
		T_INT(e->actor_id, a.id, "emulate: stop by the admin");
		T_INT(e->acting_as_id, agent, "emulate: as the agent");
	}
	fe = (struct pl_errs){ 0 };
	T_INT(pl_user_emulate_stop(t.db, t.a, &wa, start_ok, NULL, &fe),
	    PL_ECONFLICT, "emulate: stop when not acting");

	/* A session that cannot start: nothing audited. */
	T_INT(
	    pl_user_emulate(t.db, t.a, &sup, other, start_fails, NULL, &fe, &u),
	    PL_EUNAVAIL, "emulate: the session's error");
	T_OK(audited(&sup, "emulation_start", other) == NULL,
	    "emulate: not audited when it failed");
}

int
main(void)
{
	const struct pl_sqlset *uses[] = { &test_sql, &pl_user_sql,
		&pl_audit_sql, NULL };
	int                     rc;

	if ((rc = tdb_open(&t, "test-user", uses)) != 0)
		return rc;
	test_signup();
	test_authenticate();
	test_password();
	test_reset();
	test_profile();
	test_emulate();
	tdb_close(&t);
	return t_done();
}
