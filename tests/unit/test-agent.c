/* test-agent.c: agents (lib/domain/agent.h) against the real test
 * database: created in departments of their tenant, never another's; the
 * supervisor role follows what they supervise; blocking ends their
 * sessions; another tenant's agent is PL_ENOTFOUND as a missing one. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "admin.h"
#include "agent.h"
#include "arena.h"
#include "db.h"
#include "dept.h"
#include "t.h"
#include "tdb.h"

enum {
	S_BY_EMAIL,
	S_SESSION_ADD,
	S_SESSIONS_OF,
	S__MAX
};

static const char *const stmts[S__MAX] = {
	[S_BY_EMAIL] = "SELECT COUNT(*) FROM users WHERE email = ?",
	[S_SESSION_ADD] =
	    "INSERT INTO sessions (token_hash, user_id,"
	    " expires_at) VALUES (?, ?, UTC_TIMESTAMP()"
	    " + INTERVAL 1 DAY)",
	[S_SESSIONS_OF] = "SELECT COUNT(*) FROM sessions WHERE user_id = ?",
};

static const struct pl_sqlset test_sql = { "test-agent", stmts, S__MAX };

static int64_t
dept_new(struct tdb *t, const struct pl_actor *who)
{
	struct pl_dept_in in = { tdb_unique(t, "Dept"), NULL, 0 };
	struct pl_errs    fe = { 0 };
	int64_t           id = 0;

	pl_dept_create(t->db, t->a, who, &in, &fe, &id);
	return id;
}

static int64_t
count(struct tdb *t, size_t stmt, struct pl_val v)
{
	struct pl_row row;

	if (pl_db_one(t->db, t->a, &test_sql, stmt, PL_ARGS(v), &row) != PL_OK)
		return -1;
	return pl_row_i64(&row, 0);
}

int
main(void)
{
	const struct pl_sqlset *uses[] = { &test_sql, &pl_agent_sql,
		&pl_dept_sql, NULL };
	struct tdb              t;
	struct pl_actor         super, a, b;
	struct pl_agent_in      in;
	struct pl_agent         g;
	struct pl_errs          fe;
	int64_t                 sales, support, bsales, id = 0, id2 = 0;
	uint64_t                sid = 0;
	int                     rc;

	if ((rc = tdb_open(&t, "test-agent", uses)) != 0)
		return rc;
	super = tdb_super(&t);
	a = tdb_admin(&t, &super);
	b = tdb_admin(&t, &super);
	sales = dept_new(&t, &a);
	support = dept_new(&t, &a);
	bsales = dept_new(&t, &b);
	T_OK(a.user_id && b.user_id && sales && support && bsales,
	    "two admins and their departments");

	/* Created in a department of its tenant: an agent. */
	memset(&in, 0, sizeof(in));
	in.first_name = "Grace";
	in.last_name = "Hopper";
	in.email = tdb_email(&t, "Agent");
	in.phone = "+1 555 010 4444";
	in.dept = (int64_t[]){ sales };
	in.ndept = 1;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_agent_create(t.db, t.a, &a, &in, &fe, &id), PL_OK, "create");
	T_INT(pl_agent_get(t.db, t.a, &a, id, &g), PL_OK, "get");
	T_STR(g.role, "agent", "an agent");
	T_INT(g.tenant_id, a.tenant_id, "in A's tenant");
	T_INT(g.ndept, 1, "one department");

	/* A department of another tenant: refused, nothing written. */
	in.email = tdb_email(&t, "Agent");
	in.dept = (int64_t[]){ sales, bsales };
	in.ndept = 2;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_agent_create(t.db, t.a, &a, &in, &fe, &id2), PL_ENOTFOUND,
	    "B's department");
	T_OK(
	    pl_errs_get(&fe, "department_ids") != NULL, "department_ids named");
	T_INT(count(&t, S_BY_EMAIL, PL_STR(in.email)), 0, "no user made");

	/* The rules: a department at least, supervised ones among them. */
	in.dept = NULL;
	in.ndept = 0;
	in.sup = (int64_t[]){ support };
	in.nsup = 1;
	in.phone = "";
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_agent_create(t.db, t.a, &a, &in, &fe, &id2), PL_EINVAL,
	    "no department");
	T_OK(pl_errs_get(&fe, "department_ids") != NULL, "department_ids");
	T_OK(pl_errs_get(&fe, "supervisor_of") != NULL, "supervisor_of");
	T_STR(pl_errs_get(&fe, "phone"), "Phone is required.", "phone");
	in.phone = "+1 555 010 4444";

	/* The super admin must say whose agent it is; A cannot name B. */
	in.dept = (int64_t[]){ sales };
	in.ndept = 1;
	in.sup = NULL;
	in.nsup = 0;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_agent_create(t.db, t.a, &super, &in, &fe, &id2), PL_EINVAL,
	    "the super admin names no admin");
	T_OK(pl_errs_get(&fe, "admin_id") != NULL, "admin_id named");
	in.admin_id = b.user_id;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_agent_create(t.db, t.a, &a, &in, &fe, &id2), PL_ENOTFOUND,
	    "A names B");
	T_INT(count(&t, S_BY_EMAIL, PL_STR(in.email)), 0, "no user made");
	in.admin_id = 0;

	/* The role follows what it supervises. */
	in.email = NULL;
	in.dept = (int64_t[]){ sales, support };
	in.ndept = 2;
	in.sup = (int64_t[]){ support };
	in.nsup = 1;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_agent_update(t.db, t.a, &a, id, &in, &fe), PL_OK,
	    "supervise support");
	T_INT(pl_agent_get(t.db, t.a, &a, id, &g), PL_OK, "get");
	T_STR(g.role, "supervisor", "a supervisor");
	T_INT(g.ndept, 2, "two departments");
	in.nsup = 0;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_agent_update(t.db, t.a, &a, id, &in, &fe), PL_OK,
	    "supervise none");
	T_INT(pl_agent_get(t.db, t.a, &a, id, &g), PL_OK, "get");
	T_STR(g.role, "agent", "an agent again");

	/* Another tenant's agent: as missing, and nothing changes. */
	T_INT(pl_agent_get(t.db, t.a, &b, id, &g), PL_ENOTFOUND, "B reads");
	memset(&fe, 0, sizeof(fe));
	in.first_name = "Hacked";
	T_INT(pl_agent_update(t.db, t.a, &b, id, &in, &fe), PL_ENOTFOUND,
	    "B updates");
	T_INT(pl_agent_set_blocked(t.db, t.a, &b, id, true), PL_ENOTFOUND,
	    "B blocks");
	T_INT(pl_agent_get(t.db, t.a, &a, id, &g), PL_OK, "A reads");
	T_STR(g.first_name, "Grace", "not renamed");
	T_OK(!g.blocked, "not blocked");

	/* Blocking ends its sessions. */
	pl_db_exec(t.db, &test_sql, S_SESSION_ADD,
	    PL_ARGS(PL_STR(pl_arena_printf(t.a, "%064lld", (long long)id)),
	        PL_I64(id)),
	    NULL, &sid);
	T_INT(count(&t, S_SESSIONS_OF, PL_I64(id)), 1, "a session");
	T_INT(pl_agent_set_blocked(t.db, t.a, &a, id, true), PL_OK, "block");
	T_INT(count(&t, S_SESSIONS_OF, PL_I64(id)), 0, "sessions ended");
	T_INT(pl_agent_get(t.db, t.a, &a, id, &g), PL_OK, "get");
	T_OK(g.blocked, "blocked");
	T_INT(pl_agent_set_blocked(t.db, t.a, &a, id, false), PL_OK, "unblock");
	T_INT(pl_agent_get(t.db, t.a, &super, id, &g), PL_OK,
	    "the super admin reads");
	T_OK(!g.blocked, "unblocked");

	tdb_close(&t);
	return t_done();
}
