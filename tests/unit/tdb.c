/* tdb.c: domain unit tests' database. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "proc.h"
#include "tdb.h"

enum {
	T_SUPER,
	T__MAX
};

static const char *const stmts[T__MAX] = {
	[T_SUPER] =
	    "SELECT id, first_name, last_name FROM users"
	    " WHERE role = 'super_admin' ORDER BY id LIMIT 1",
};

static const struct pl_sqlset tdb_sql = { "tdb", stmts, T__MAX };

int
tdb_open(struct tdb *t, const char *name, const struct pl_sqlset **uses)
{
	const char             *need = getenv("PARLEY_TEST_DB");
	const struct pl_sqlset *all[PL_MAX_USES * 2 + 2];
	size_t                  n = 0;

	memset(t, 0, sizeof(*t));
	if (getenv("PARLEY_DB_SOCKET") == NULL &&
	    getenv("PARLEY_DB_HOST") == NULL) {
		fprintf(
		    stderr, "%s: no test database (PARLEY_DB_SOCKET)\n", name);
		return need != NULL && strcmp(need, "required") == 0 ? 1 : 77;
	}
	all[n++] = &tdb_sql;
	for (size_t i = 0; uses != NULL && uses[i] != NULL &&
	                   n + 1 < sizeof(all) / sizeof(all[0]);
	     i++)
		all[n++] = uses[i];
	all[n] = NULL;
	if (pl_proc_boot(name, all, 4) != 0) { /* the test and three racers */
		fprintf(stderr, "%s: cannot start (see above)\n", name);
		return 1;
	}
	t->db = pl_db_get(pl_pool());
	t->a = pl_arena_new(0);
	return 0;
}

void
tdb_close(struct tdb *t)
{
	if (t->db != NULL)
		pl_db_put(pl_pool(), t->db);
	pl_arena_free(t->a);
	pl_proc_shutdown();
}

const char *
tdb_unique(struct tdb *t, const char *prefix)
{
	static unsigned n;
	unsigned char   r[4];

	pl_random(r, sizeof(r));
	return pl_arena_printf(t->a, "%s-%ld-%u-%02x%02x%02x%02x", prefix,
	    (long)getpid(), ++n, r[0], r[1], r[2], r[3]);
}

const char *
tdb_email(struct tdb *t, const char *prefix)
{
	return pl_arena_printf(
	    t->a, "%s@test.parley.local", tdb_unique(t, prefix));
}

struct pl_actor
tdb_super(struct tdb *t)
{
	struct pl_actor who = { 0 };
	struct pl_row   row;

	if (pl_db_one(t->db, t->a, &tdb_sql, T_SUPER, NULL, 0, &row) == PL_OK) {
		who.user_id = pl_row_i64(&row, 0);
		who.role = PL_ROLE_SUPER;
		who.name = pl_arena_printf(
		    t->a, "%s %s", pl_row_str(&row, 1), pl_row_str(&row, 2));
	}
	return who;
}

struct pl_actor
tdb_admin(struct tdb *t, const struct pl_actor *super)
{
	struct pl_admin_in in = { "Test", "Admin", tdb_email(t, "admin"),
		tdb_unique(t, "Company"), "" };
	struct pl_actor    who = { 0 };
	struct pl_admin    a;
	struct pl_errs     fe = { 0 };
	int64_t            id = 0;

	if (pl_admin_create(t->db, t->a, super, &in, &fe, &id) == PL_OK &&
	    pl_admin_get(t->db, t->a, super, id, &a) == PL_OK) {
		who.user_id = id;
		who.tenant_id = a.tenant_id;
		who.role = PL_ROLE_ADMIN;
		who.name = "Test Admin";
	}
	return who;
}
