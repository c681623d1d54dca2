/* test-roster.c: the console's pickers (lib/domain/roster.h) against the
 * real test database: an agent is offered the active, unblocked agents of
 * its tenant but itself, and the active widgets of its active departments;
 * its admin every active widget of the tenant; nobody another tenant's. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "admin.h"
#include "arena.h"
#include "db.h"
#include "roster.h"
#include "t.h"
#include "tdb.h"

enum {
	X_DEPT,
	X_USER,
	X_MEMBER,
	X_WIDGET,
	X_WIDGET_DEPT,
	X__MAX
};
static const char *const xstmts[X__MAX] = {
	[X_DEPT] =
	    "INSERT INTO departments (tenant_id, name, active)"
	    " VALUES (?, ?, ?)",
	[X_USER] =
	    "INSERT INTO users (tenant_id, role, email, first_name,"
	    " last_name, blocked) VALUES (?, 'agent', ?, ?, 'Roster', ?)",
	[X_MEMBER] =
	    "INSERT INTO department_agents (tenant_id, department_id,"
	    " user_id) VALUES (?, ?, ?)",
	[X_WIDGET] =
	    "INSERT INTO widgets (tenant_id, public_key, website_url,"
	    " website_origin, website_host, time_zone, area_code, active)"
	    " VALUES (?, ?, ?, 'https://shop.example', ?, 'America/New_York',"
	    " '415', ?)",
	[X_WIDGET_DEPT] =
	    "INSERT INTO widget_departments (tenant_id,"
	    " widget_id, department_id) VALUES (?, ?, ?)",
};
static const struct pl_sqlset x_sql = { "test-roster", xstmts, X__MAX,
	{ NULL } };

static int64_t
ins(struct tdb *t, size_t stmt, const struct pl_val *args, size_t n)
{
	uint64_t id = 0;

	if (pl_db_exec(t->db, &x_sql, stmt, args, n, NULL, &id) != PL_OK)
		return 0;
	return (int64_t)id;
}

static int64_t
dept(struct tdb *t, int64_t tid, bool active)
{
	return ins(t, X_DEPT,
	    PL_ARGS(PL_I64(tid), PL_STR(tdb_unique(t, "d")), PL_I64(active)));
}

static struct pl_actor
agent(struct tdb *t, int64_t tid, const char *first, bool blocked,
    int64_t dept_id)
{
	struct pl_actor a = { 0 };

	a.user_id = ins(t, X_USER,
	    PL_ARGS(PL_I64(tid), PL_STR(tdb_email(t, "roster")), PL_STR(first),
	        PL_I64(blocked)));
	a.tenant_id = tid;
	a.role = PL_ROLE_AGENT;
	if (dept_id)
		ins(t, X_MEMBER,
		    PL_ARGS(PL_I64(tid), PL_I64(dept_id), PL_I64(a.user_id)));
	return a;
}

static int64_t
widget(struct tdb *t, int64_t tid, bool active, int64_t dept_id)
{
	const char *key = tdb_unique(t, "k");
	const char *host = tdb_unique(t, "h");
	int64_t     id;

	if (strlen(key) > 22)
		key += strlen(key) - 22;
	id = ins(t, X_WIDGET,
	    PL_ARGS(PL_I64(tid), PL_STR(key),
	        PL_STR(pl_arena_printf(t->a, "https://%s/", host)),
	        PL_STR(host), PL_I64(active)));
	if (id && dept_id)
		ins(t, X_WIDGET_DEPT,
		    PL_ARGS(PL_I64(tid), PL_I64(id), PL_I64(dept_id)));
	return id;
}

static bool
has(const struct pl_option *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return true;
	return false;
}

int
main(void)
{
	const struct pl_sqlset *uses[] = { &pl_roster_sql, &pl_admin_sql,
		&x_sql, NULL };
	struct tdb              t;
	struct pl_actor         super, adm, other, a1, a2, a3, a4, sup;
	struct pl_option       *v;
	size_t                  n;
	int64_t                 d1, d2, w1, w2, w3, w4, wo;
	int                     rc;

	if ((rc = tdb_open(&t, "test-roster", uses)) != 0)
		return rc;
	super = tdb_super(&t);
	adm = tdb_admin(&t, &super);
	other = tdb_admin(&t, &super);
	T_OK(adm.tenant_id != 0 && other.tenant_id != 0, "two businesses");
	d1 = dept(&t, adm.tenant_id, true);
	d2 = dept(&t, adm.tenant_id, false);
	a1 = agent(&t, adm.tenant_id, "Ann", false, d1);
	a2 = agent(&t, adm.tenant_id, "Bob", false, d2);
	a3 = agent(&t, adm.tenant_id, "Cid", true, d1);
	a4 = agent(&t, other.tenant_id, "Dee", false, 0);
	w1 = widget(&t, adm.tenant_id, true, d1);
	w2 = widget(&t, adm.tenant_id, true, d2);
	w3 = widget(&t, adm.tenant_id, false, d1);
	w4 = widget(&t, adm.tenant_id, true, 0);
	wo = widget(&t, other.tenant_id, true, 0);
	T_OK(d1 && d2 && a1.user_id && a2.user_id && a3.user_id && a4.user_id &&
	         w1 && w2 && w3 && w4 && wo,
	    "the fixtures");

	/* Agents: the tenant's active ones but the caller. */
	T_INT(pl_roster_agents(t.db, t.a, &a1, &v, &n), PL_OK, "a1's agents");
	T_OK(has(v, n, a2.user_id), "Bob offered");
	T_OK(!has(v, n, a1.user_id), "not itself");
	T_OK(!has(v, n, a3.user_id), "not a blocked agent");
	T_OK(!has(v, n, a4.user_id), "not another tenant's");
	T_OK(!has(v, n, adm.user_id), "not the admin");
	for (size_t i = 0; i < n; i++)
		if (v[i].id == a2.user_id)
			T_OK(strncmp(v[i].name, "Bob ", 4) == 0, v[i].name);
	T_INT(pl_roster_agents(t.db, t.a, &adm, &v, &n), PL_OK, "admin's");
	T_OK(has(v, n, a1.user_id) && has(v, n, a2.user_id), "both agents");
	T_INT(pl_roster_agents(t.db, t.a, &super, &v, &n), PL_ENOTFOUND,
	    "no tenant");

	/* Widgets: an agent's through its active departments. */
	T_INT(pl_roster_widgets(t.db, t.a, &a1, &v, &n), PL_OK, "a1's widgets");
	T_INT((long long)n, 1, "one widget");
	T_OK(has(v, n, w1), "the active department's active widget");
	T_INT(pl_roster_widgets(t.db, t.a, &a2, &v, &n), PL_OK, "a2's");
	T_INT((long long)n, 0, "an inactive department serves nothing");
	sup = a1;
	sup.role = PL_ROLE_SUPERVISOR;
	T_INT(pl_roster_widgets(t.db, t.a, &sup, &v, &n), PL_OK, "supervisor");
	T_INT((long long)n, 1, "a supervisor: its departments' too");
	T_INT(pl_roster_widgets(t.db, t.a, &adm, &v, &n), PL_OK, "admin's");
	T_OK(has(v, n, w1) && has(v, n, w2) && has(v, n, w4), "every active");
	T_OK(!has(v, n, w3) && !has(v, n, wo), "no inactive, no other's");
	T_INT(pl_roster_widgets(t.db, t.a, &super, &v, &n), PL_ENOTFOUND,
	    "no tenant");

	tdb_close(&t);
	return t_done();
}
