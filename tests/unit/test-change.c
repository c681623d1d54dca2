/* test-change.c: one change (lib/domain/change.h) against the real test
 * database: committed with its audit entry naming the real actor and the
 * emulated one; rolled back whole, unaudited, when its writes fail; and the
 * identity calls (lib/core/ident.h): ending sessions, revocation counters. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "change.h"
#include "db.h"
#include "ident.h"
#include "t.h"
#include "tdb.h"

enum {
	S_TENANT_ADD,
	S_TENANT_GET,
	S_AUDIT_OF,
	S_USER_ADD,
	S_SESSION_ADD,
	S_SESSIONS_OF,
	S__MAX
};

static const char *const stmts[S__MAX] = {
	[S_TENANT_ADD] = "INSERT INTO tenants (company) VALUES (?)",
	[S_TENANT_GET] = "SELECT id FROM tenants WHERE id = ?",
	[S_AUDIT_OF] =
	    "SELECT action, summary, actor_id,"
	    " COALESCE(acting_as_id, 0), COALESCE(tenant_id, 0)"
	    " FROM audit_log WHERE target_type = 'test-change'"
	    " AND target_id = ?",
	[S_USER_ADD] =
	    "INSERT INTO users (tenant_id, role, email, first_name,"
	    " last_name) VALUES (?, 'agent', ?, 'Test', 'Agent')",
	[S_SESSION_ADD] =
	    "INSERT INTO sessions (token_hash, user_id,"
	    " expires_at) VALUES (?, ?, UTC_TIMESTAMP()"
	    " + INTERVAL 1 DAY)",
	[S_SESSIONS_OF] = "SELECT COUNT(*) FROM sessions WHERE user_id = ?",
};

static const struct pl_sqlset test_sql = { "test-change", stmts, S__MAX };

struct arg {
	const char *company;
	int64_t     id;
	enum pl_err fail; /* what the writes return after writing */
};

static enum pl_err
add_tenant(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct arg *g = p;
	uint64_t    id = 0;
	enum pl_err er;

	(void)who;
	er = pl_db_exec(db, &test_sql, S_TENANT_ADD,
	    PL_ARGS(PL_STR(g->company)), NULL, &id);
	if (er != PL_OK)
		return er;
	g->id = (int64_t)id;
	ch->tenant_id = g->id;
	ch->action = "create";
	ch->target_type = "test-change";
	ch->target_id = g->id;
	ch->summary = pl_arena_printf(a, "tenant %s", g->company);
	return g->fail;
}

static int64_t
count(struct tdb *t, size_t stmt, int64_t id)
{
	struct pl_row row;

	if (pl_db_one(t->db, t->a, &test_sql, stmt, PL_ARGS(PL_I64(id)),
	        &row) != PL_OK)
		return -1;
	return pl_row_i64(&row, 0);
}

int
main(void)
{
	const struct pl_sqlset *uses[] = { &test_sql, &pl_audit_sql, NULL };
	struct tdb              t;
	struct pl_actor         who, as;
	struct pl_row           row;
	struct arg              g = { 0 };
	uint64_t                tid = 0, uid = 0;
	uint32_t                v1, v2;
	enum pl_err             er;
	int                     rc;

	if ((rc = tdb_open(&t, "test-change", uses)) != 0)
		return rc;
	who = tdb_super(&t);
	T_OK(who.user_id != 0, "the seeded super admin exists");

	/* Committed, and audited with the real actor. */
	g.company = tdb_unique(&t, "chg-ok");
	er = pl_change_run(t.db, t.a, &who, add_tenant, &g);
	T_INT(er, PL_OK, "a change commits");
	T_INT(count(&t, S_TENANT_GET, g.id) > 0, 1, "its write is there");
	er = pl_db_one(
	    t.db, t.a, &test_sql, S_AUDIT_OF, PL_ARGS(PL_I64(g.id)), &row);
	T_INT(er, PL_OK, "audited");
	T_STR(pl_row_str(&row, 0), "create", "the action");
	T_STR(pl_row_str(&row, 1), pl_arena_printf(t.a, "tenant %s", g.company),
	    "the summary");
	T_INT(pl_row_i64(&row, 2), who.user_id, "the actor");
	T_INT(pl_row_i64(&row, 3), 0, "nobody emulated");
	T_INT(pl_row_i64(&row, 4), g.id, "the tenant");

	/* Failing writes: nothing stays, nothing is audited. */
	g.company = tdb_unique(&t, "chg-fail");
	g.fail = PL_ECONFLICT;
	er = pl_change_run(t.db, t.a, &who, add_tenant, &g);
	T_INT(er, PL_ECONFLICT, "the writes' error comes back");
	T_INT(count(&t, S_TENANT_GET, g.id), -1, "rolled back");
	er = pl_db_one(
	    t.db, t.a, &test_sql, S_AUDIT_OF, PL_ARGS(PL_I64(g.id)), &row);
	T_INT(er, PL_ENOTFOUND, "no audit entry for a rolled back change");

	/* An agent of a fresh tenant, to emulate and to sign in. */
	pl_db_exec(t.db, &test_sql, S_TENANT_ADD,
	    PL_ARGS(PL_STR(tdb_unique(&t, "chg-t"))), NULL, &tid);
	er = pl_db_exec(t.db, &test_sql, S_USER_ADD,
	    PL_ARGS(PL_I64(tid), PL_STR(tdb_email(&t, "chg-agent"))), NULL,
	    &uid);
	T_INT(er, PL_OK, "an agent to act as");

	/* While emulating: the real actor acts, as the emulated user. */
	as = (struct pl_actor){ .user_id = (int64_t)uid,
		.tenant_id = (int64_t)tid,
		.role = PL_ROLE_AGENT,
		.real_user_id = who.user_id,
		.name = "Test Agent",
		.real_name = who.name };
	g.company = tdb_unique(&t, "chg-as");
	g.fail = PL_OK;
	T_INT(pl_change_run(t.db, t.a, &as, add_tenant, &g), PL_OK,
	    "a change while emulating");
	er = pl_db_one(
	    t.db, t.a, &test_sql, S_AUDIT_OF, PL_ARGS(PL_I64(g.id)), &row);
	T_INT(pl_row_i64(&row, 2), who.user_id, "actor: the one really acting");
	T_INT(pl_row_i64(&row, 3), (long long)uid, "acting as: the emulated");

	/* Ending sessions: all but the one kept. */
	for (int i = 0; i < 3; i++)
		pl_db_exec(t.db, &test_sql, S_SESSION_ADD,
		    PL_ARGS(PL_STR(pl_arena_printf(
		                t.a, "%064d", (int)uid * 10 + i)),
		        PL_I64(uid)),
		    NULL, i == 0 ? &tid : NULL);
	T_INT(count(&t, S_SESSIONS_OF, (int64_t)uid), 3, "three sessions");
	T_INT(pl_ident_end_sessions(t.db, (int64_t)uid, (int64_t)tid), PL_OK,
	    "end all but one");
	T_INT(count(&t, S_SESSIONS_OF, (int64_t)uid), 1, "the kept one stays");
	T_INT(pl_ident_end_sessions(t.db, (int64_t)uid, 0), PL_OK, "end all");
	T_INT(count(&t, S_SESSIONS_OF, (int64_t)uid), 0, "none left");

	/* A revocation counter moves when the identity changes. */
	v1 = pl_ident_version("user", (int64_t)uid);
	pl_ident_changed("user", (int64_t)uid);
	v2 = pl_ident_version("user", (int64_t)uid);
	T_OK(v1 != v2, "the user's counter moved");

	tdb_close(&t);
	return t_done();
}
