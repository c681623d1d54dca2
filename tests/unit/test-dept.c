/* test-dept.c: departments (lib/domain/dept.h) against the real test
 * database: create, update, activate; a name unique per tenant (409 on
 * "name"); another tenant's department is PL_ENOTFOUND as a missing one;
 * an admin cannot name another admin's id; the super admin must name one,
 * and a department never moves; the picker offers active ones only. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "admin.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "dept.h"
#include "list.h"
#include "t.h"
#include "tdb.h"

static const char *const sorts[] = { "name", "created", "agents", NULL };

/* How many departments of who's tenant have this name. */
static size_t
named(struct tdb *t, const struct pl_actor *who, const char *name)
{
	struct pl_list  l = { 100, 0, 0, false, name,
		 pl_arena_printf(t->a, "%s%%", name), sorts };
	struct pl_dept *v;
	size_t          n = 0, k = 0;

	if (pl_dept_list(t->db, t->a, who, 0, &l, &v, &n) != PL_OK)
		return 999;
	for (size_t i = 0; i < n; i++)
		k += strcmp(v[i].name, name) == 0;
	return k;
}

int
main(void)
{
	const struct pl_sqlset *uses[] = { &pl_dept_sql, NULL };
	struct tdb              t;
	struct pl_actor         super, a, b;
	struct pl_dept_in       in;
	struct pl_dept          d;
	struct pl_option       *opt;
	struct pl_errs          fe;
	size_t                  n;
	int64_t                 id = 0, id2 = 0, id3 = 0;
	bool                    offered;
	const char             *name;
	char                    longname[100];
	int                     rc;

	if ((rc = tdb_open(&t, "test-dept", uses)) != 0)
		return rc;
	super = tdb_super(&t);
	a = tdb_admin(&t, &super);
	b = tdb_admin(&t, &super);
	T_OK(a.user_id != 0 && b.user_id != 0, "two admins");

	/* An admin creates in its own tenant. */
	name = tdb_unique(&t, "Sales");
	in = (struct pl_dept_in){ name, "First line\nSecond", 0 };
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_create(t.db, t.a, &a, &in, &fe, &id), PL_OK, "create");
	T_INT(pl_dept_get(t.db, t.a, &a, id, &d), PL_OK, "get");
	T_INT(d.tenant_id, a.tenant_id, "in the admin's tenant");
	T_INT(d.admin_id, a.user_id, "its admin");
	T_OK(d.active, "active");

	/* Unique per tenant: again in A is a 409 on name; in B it is fine. */
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_create(t.db, t.a, &a, &in, &fe, &id2), PL_ECONFLICT,
	    "the same name again");
	T_OK(pl_errs_get(&fe, "name") != NULL, "name named");
	T_INT(named(&t, &a, name), 1, "still one");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_create(t.db, t.a, &b, &in, &fe, &id2), PL_OK,
	    "the same name in another tenant");

	/* Bad fields. */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	in = (struct pl_dept_in){ longname, NULL, 0 };
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_create(t.db, t.a, &a, &in, &fe, &id3), PL_EINVAL,
	    "a name too long");
	T_OK(pl_errs_get(&fe, "name") != NULL, "name named");
	in = (struct pl_dept_in){ "", NULL, 0 };
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_create(t.db, t.a, &a, &in, &fe, &id3), PL_EINVAL,
	    "no name");
	T_STR(pl_errs_get(&fe, "name"), "Department name is required.",
	    "the message");

	/* Another tenant's department: as missing, and nothing changes. */
	T_INT(pl_dept_get(t.db, t.a, &b, id, &d), PL_ENOTFOUND, "B reads A's");
	in = (struct pl_dept_in){ "Hacked", NULL, 0 };
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_update(t.db, t.a, &b, id, &in, &fe), PL_ENOTFOUND,
	    "B updates A's");
	T_INT(pl_dept_set_active(t.db, t.a, &b, id, false), PL_ENOTFOUND,
	    "B deactivates A's");
	T_INT(pl_dept_get(t.db, t.a, &a, id, &d), PL_OK, "A's own");
	T_STR(d.name, name, "not renamed");
	T_OK(d.active, "still active");

	/* An admin cannot name another admin's id. */
	in = (struct pl_dept_in){ tdb_unique(&t, "Spy"), NULL, b.user_id };
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_create(t.db, t.a, &a, &in, &fe, &id3), PL_ENOTFOUND,
	    "A names B");
	T_INT(named(&t, &b, in.name), 0, "nothing made in B");
	T_INT(named(&t, &a, in.name), 0, "nor in A");
	in.admin_id = a.user_id;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_create(t.db, t.a, &a, &in, &fe, &id3), PL_OK,
	    "A names itself");
	{
		struct pl_list  l = { 10, 0, 0, false, "", "%", sorts };
		struct pl_dept *v;

		T_INT(pl_dept_list(t.db, t.a, &a, b.user_id, &l, &v, &n),
		    PL_ENOTFOUND, "A lists B's");
	}

	/* The super admin must name the admin; a department never moves. */
	in = (struct pl_dept_in){ tdb_unique(&t, "Ops"), NULL, 0 };
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_create(t.db, t.a, &super, &in, &fe, &id3), PL_EINVAL,
	    "the super admin names none");
	T_OK(pl_errs_get(&fe, "admin_id") != NULL, "admin_id named");
	in.admin_id = b.user_id;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_create(t.db, t.a, &super, &in, &fe, &id3), PL_OK,
	    "the super admin names B");
	T_INT(pl_dept_get(t.db, t.a, &b, id3, &d), PL_OK, "B has it");
	in = (struct pl_dept_in){ NULL, NULL, b.user_id };
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_update(t.db, t.a, &super, id, &in, &fe), PL_EINVAL,
	    "moving A's to B");
	T_OK(pl_errs_get(&fe, "admin_id") != NULL, "admin_id named");

	/* Update: only what is sent changes. */
	in = (struct pl_dept_in){ tdb_unique(&t, "Renamed"), NULL, 0 };
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_update(t.db, t.a, &a, id, &in, &fe), PL_OK, "rename");
	T_INT(pl_dept_get(t.db, t.a, &a, id, &d), PL_OK, "get");
	T_STR(d.name, in.name, "the new name");
	T_STR(d.description, "First line\nSecond", "the description kept");
	in = (struct pl_dept_in){ tdb_unique(&t, "Spy"), NULL, 0 };
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_update(t.db, t.a, &b, id2, &in, &fe), PL_OK,
	    "B renames its own");
	in.name = d.name;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_dept_update(t.db, t.a, &b, id2, &in, &fe), PL_OK,
	    "a name another tenant has");

	/* Activation: audited when it changes; the picker follows. */
	T_INT(
	    pl_dept_set_active(t.db, t.a, &a, id, false), PL_OK, "deactivate");
	T_INT(pl_dept_set_active(t.db, t.a, &a, id, false), PL_OK,
	    "deactivate again");
	T_INT(pl_dept_get(t.db, t.a, &a, id, &d), PL_OK, "get");
	T_OK(!d.active, "inactive");
	T_INT(pl_dept_options(t.db, t.a, &a, a.tenant_id, &opt, &n), PL_OK,
	    "the picker");
	offered = false;
	for (size_t i = 0; i < n; i++)
		offered = offered || opt[i].id == id;
	T_OK(!offered, "an inactive one is not offered");
	T_INT(pl_dept_options(t.db, t.a, &a, b.tenant_id, &opt, &n),
	    PL_ENOTFOUND, "B's picker for A");
	T_INT(pl_dept_set_active(t.db, t.a, &a, id, true), PL_OK, "activate");
	{
		static const char *const asorts[] = { "newest", NULL };
		struct pl_list l = { 100, 0, 0, false, "", "%", asorts };
		struct pl_audit_entry *v;
		size_t                 m, off = 0, on = 0;

		T_INT(pl_audit_page(t.db, t.a, &a, 0, &l, &v, &m), PL_OK,
		    "A's audit");
		for (size_t i = 0; i < m; i++)
			if (v[i].target_id == id &&
			    strcmp(v[i].target_type, "department") == 0) {
				off += strcmp(v[i].action, "deactivate") == 0;
				on += strcmp(v[i].action, "activate") == 0;
			}
		T_INT(off, 1, "one deactivation audited");
		T_INT(on, 1, "one activation audited");
	}

	tdb_close(&t);
	return t_done();
}
