/* tdb.h: domain unit tests against the real test database, without HTTP.
 *
 * ./dev test runs `make check` with the test stack's environment (var/
 * test-stack/env: PARLEY_DB_SOCKET and the rest) and PARLEY_TEST_DB=required,
 * so these tests run there and fail if the database cannot be reached. A
 * plain `make check` without that environment skips them (exit 77).
 * Each test makes its own tenants and users with names unique to the run,
 * so it never meets another run's rows or the end-to-end tests'. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_TDB_H
#define PL_TDB_H

#include <stdint.h>

#include "actor.h"
#include "db.h"

struct pl_arena;

struct tdb {
	struct pl_db    *db;
	struct pl_arena *a;
};

/* Boot the process with the modules uses (NULL-terminated) and borrow a
 * connection. Returns 0, or the exit status main() should return now: 77
 * (skip) without a test database, 1 when one was required. */
int  tdb_open(struct tdb *t, const char *name, const struct pl_sqlset **uses);
void tdb_close(struct tdb *t);
/* "prefix-<pid>-<n>-<random>": unique across runs (letters, digits, -). */
const char *tdb_unique(struct tdb *t, const char *prefix);
/* A unique e-mail address: "<tdb_unique(prefix)>@test.parley.local". */
const char *tdb_email(struct tdb *t, const char *prefix);
/* The seeded super admin as an actor (0 ids if there is none). */
struct pl_actor tdb_super(struct tdb *t);
/* A new admin with its own tenant, made by super through the domain, as an
 * actor (0 ids if it could not be made). */
struct pl_actor tdb_admin(struct tdb *t, const struct pl_actor *super);

#endif
