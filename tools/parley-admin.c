/* parley-admin.c: operator commands. "seed-super EMAIL" creates the super
 * admin with the password in PARLEY_ADMIN_PASSWORD unless one exists, and
 * prints "created" or "exists". */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>

#include "parley.h"

int
main(int argc, char *argv[])
{
	const char      *pw = getenv("PARLEY_ADMIN_PASSWORD");
	struct pl_arena *a;
	struct pl_db    *db;
	const char      *why;
	enum pl_err      er;
	int              created = 0;

	if (argc != 3 || strcmp(argv[1], "seed-super") != 0) {
		fprintf(stderr, "usage: parley-admin seed-super EMAIL\n");
		return 2;
	}
	if ((why = pl_valid_email(argv[2])) != NULL) {
		fprintf(stderr, "parley-admin: %s: %s\n", argv[2], why);
		return 2;
	}
	if (pw == NULL || (why = pl_valid_password(pw)) != NULL) {
		fprintf(stderr, "parley-admin: PARLEY_ADMIN_PASSWORD: %s\n",
		    pw ? why : "not set");
		return 2;
	}
	if (pl_proc_boot("parley-admin",
	        (const struct pl_sqlset *[]){ &pl_user_sql, NULL }, 1) != 0)
		return 1;
	a = pl_arena_new(0);
	db = pl_db_get(pl_pool());
	er = pl_user_seed_super(db, a, argv[2], pw, &created);
	pl_db_put(pl_pool(), db);
	pl_arena_free(a);
	pl_proc_shutdown();
	if (er != PL_OK) {
		fprintf(stderr, "parley-admin: failed (see the log above)\n");
		return 1;
	}
	puts(created ? "created" : "exists");
	return 0;
}
