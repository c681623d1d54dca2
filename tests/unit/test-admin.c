/* test-admin.c: the admins (lib/domain/admin.h) against the real test
 * database: a create makes the tenant, the admin, the invitation mail and
 * the audit entry; a taken e-mail is a 409 naming "email" with nothing
 * written; bad fields are named; an update; blocking sets the tenant's
 * flag, audited once, and asking again changes nothing; anyone but the
 * super admin is refused. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "admin.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "list.h"
#include "t.h"
#include "tdb.h"

enum {
	S_USER,
	S_TENANT,
	S_MAIL,
	S_COMPANY,
	S__MAX
};

static const char *const stmts[S__MAX] = {
	[S_USER] = "SELECT tenant_id, role FROM users WHERE id = ?",
	[S_TENANT] = "SELECT blocked, company FROM tenants WHERE id = ?",
	[S_MAIL] = "SELECT COUNT(*) FROM outbox WHERE recipient = ?",
	[S_COMPANY] = "SELECT COUNT(*) FROM tenants WHERE company = ?",
};

static const struct pl_sqlset test_sql = { "test-admin", stmts, S__MAX };

static int64_t
count_str(struct tdb *t, size_t stmt, const char *s)
{
	struct pl_row row;

	if (pl_db_one(t->db, t->a, &test_sql, stmt, PL_ARGS(PL_STR(s)), &row) !=
	    PL_OK)
		return -1;
	return pl_row_i64(&row, 0);
}

/* The audit entries of admin id's tenant with this action on it. */
static int
audited(
    struct tdb *t, const struct pl_actor *who, int64_t id, const char *action)
{
	static const char *const sorts[] = { "newest", NULL };
	struct pl_list           l = { 100, 0, 0, false, "", "%", sorts };
	struct pl_audit_entry   *v;
	size_t                   n;
	int                      k = 0;

	if (pl_audit_page(t->db, t->a, who, id, &l, &v, &n) != PL_OK)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].action, action) == 0 &&
		    strcmp(v[i].target_type, "admin") == 0 &&
		    v[i].target_id == id)
			k++;
	return k;
}

int
main(void)
{
	const struct pl_sqlset *uses[] = { &test_sql, &pl_admin_sql, NULL };
	struct tdb              t;
	struct pl_actor         super, admin;
	struct pl_admin_in      in, dup, bad, up;
	struct pl_admin         got;
	struct pl_errs          fe;
	struct pl_row           row;
	int64_t                 id = 0, id2 = 0;
	int                     rc;

	if ((rc = tdb_open(&t, "test-admin", uses)) != 0)
		return rc;
	super = tdb_super(&t);
	T_OK(super.user_id != 0, "a seeded super admin");

	/* A create: tenant, admin, invitation, audit. */
	in.first_name = "Ada";
	in.last_name = "Lovelace";
	in.email = tdb_email(&t, "Admin");
	in.company = tdb_unique(&t, "Company");
	in.phone = "";
	memset(&fe, 0, sizeof(fe));
	T_INT(
	    pl_admin_create(t.db, t.a, &super, &in, &fe, &id), PL_OK, "create");
	T_INT(fe.n, 0, "no field errors");
	T_INT(
	    pl_db_one(t.db, t.a, &test_sql, S_USER, PL_ARGS(PL_I64(id)), &row),
	    PL_OK, "the user row");
	T_STR(pl_row_str(&row, 1), "admin", "its role");
	T_INT(pl_admin_get(t.db, t.a, &super, id, &got), PL_OK, "get");
	T_STR(got.company, in.company, "the tenant's company");
	T_OK(got.tenant_id == pl_row_i64(&row, 0), "the admin's tenant");
	/* The address is stored normalized (lower case). */
	T_INT(count_str(&t, S_MAIL, got.email), 1, "one invitation mail");
	T_INT(audited(&t, &super, id, "create"), 1, "the create audited");

	/* The same e-mail again, in any case: 409 on email, nothing
	 * written. */
	dup = in;
	dup.email = got.email;
	dup.company = tdb_unique(&t, "Company");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_admin_create(t.db, t.a, &super, &dup, &fe, &id2), PL_ECONFLICT,
	    "a taken e-mail");
	T_OK(pl_errs_get(&fe, "email") != NULL, "the e-mail field named");
	T_INT(count_str(&t, S_COMPANY, dup.company), 0, "no tenant made");
	T_INT(count_str(&t, S_MAIL, got.email), 1, "no second mail");

	/* Bad fields, each named, nothing written. */
	bad.first_name = "";
	bad.last_name = "Lovelace";
	bad.email = "not-an-address";
	bad.company = tdb_unique(&t, "Company");
	bad.phone = "12";
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_admin_create(t.db, t.a, &super, &bad, &fe, &id2), PL_EINVAL,
	    "bad fields");
	T_OK(pl_errs_get(&fe, "first_name") != NULL, "first_name named");
	T_OK(pl_errs_get(&fe, "email") != NULL, "email named");
	T_OK(pl_errs_get(&fe, "phone") != NULL, "phone named");
	T_OK(pl_errs_get(&fe, "last_name") == NULL, "last_name is fine");
	T_INT(count_str(&t, S_COMPANY, bad.company), 0, "nothing written");

	/* An update: names, phone, company; audited. */
	up = in;
	up.last_name = "King";
	up.company = tdb_unique(&t, "Renamed");
	up.phone = "+44 20 7946 0958";
	memset(&fe, 0, sizeof(fe));
	T_INT(
	    pl_admin_update(t.db, t.a, &super, id, &up, &fe), PL_OK, "update");
	T_INT(pl_admin_get(t.db, t.a, &super, id, &got), PL_OK, "get again");
	T_STR(got.last_name, "King", "the new last name");
	T_STR(got.company, up.company, "the new company");
	T_STR(got.phone, up.phone, "the new phone");
	T_INT(audited(&t, &super, id, "update"), 1, "the update audited");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_admin_update(t.db, t.a, &super, 999999999, &up, &fe),
	    PL_ENOTFOUND, "update of no admin");

	/* Block: the tenant's flag, audited once; again changes nothing. */
	T_INT(
	    pl_admin_set_blocked(t.db, t.a, &super, id, true), PL_OK, "block");
	T_INT(pl_admin_set_blocked(t.db, t.a, &super, id, true), PL_OK,
	    "block again");
	pl_db_one(t.db, t.a, &test_sql, S_TENANT,
	    PL_ARGS(PL_I64(got.tenant_id)), &row);
	T_INT(pl_row_i64(&row, 0), 1, "the tenant is blocked");
	T_INT(audited(&t, &super, id, "block"), 1, "one block audited");
	T_INT(pl_admin_set_blocked(t.db, t.a, &super, id, false), PL_OK,
	    "unblock");
	T_INT(pl_admin_set_blocked(t.db, t.a, &super, id, false), PL_OK,
	    "unblock again");
	pl_db_one(t.db, t.a, &test_sql, S_TENANT,
	    PL_ARGS(PL_I64(got.tenant_id)), &row);
	T_INT(pl_row_i64(&row, 0), 0, "the tenant is not blocked");
	T_INT(audited(&t, &super, id, "unblock"), 1, "one unblock audited");
	T_INT(pl_admin_set_blocked(t.db, t.a, &super, 999999999, true),
	    PL_ENOTFOUND, "block of no admin");

	/* Anyone but the super admin: refused, nothing changed. */
	memset(&admin, 0, sizeof(admin));
	admin.role = PL_ROLE_ADMIN;
	admin.tenant_id = got.tenant_id;
	admin.user_id = id;
	admin.name = "Ada King";
	dup.email = tdb_email(&t, "Other");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_admin_create(t.db, t.a, &admin, &dup, &fe, &id2), PL_EPERM,
	    "an admin creates an admin");
	T_INT(count_str(&t, S_COMPANY, dup.company), 0, "no tenant made");
	T_INT(pl_admin_update(t.db, t.a, &admin, id, &in, &fe), PL_EPERM,
	    "an admin updates itself as the super admin would");
	T_INT(pl_admin_set_blocked(t.db, t.a, &admin, id, true), PL_EPERM,
	    "an admin blocks");
	T_INT(pl_admin_get(t.db, t.a, &admin, id, &got), PL_EPERM,
	    "an admin reads the admins");
	T_INT(pl_admin_get(t.db, t.a, &super, id, &got), PL_OK, "unchanged");
	T_STR(got.last_name, "King", "still King");
	T_OK(!got.blocked, "still not blocked");

	tdb_close(&t);
	return t_done();
}
