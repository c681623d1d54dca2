/* dept.h: departments of a tenant: every statement and rule for them, and
 * the pickers other resources (agents) fill their forms with.
 *
 * Scope: an admin reaches only its own tenant's departments (tenant_id from
 * the session); the super admin reaches every tenant's, and names a tenant
 * only through an admin's id (pl_admin_tenant). A department of another
 * tenant is answered exactly as one that does not exist. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_DEPT_H
#define PL_DEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct pl_arena;
struct pl_list;

extern const struct pl_sqlset pl_dept_sql;

#define PL_DEPT_NAME_MAX    80   /* characters */
#define PL_DEPT_DESC_MAX    1000 /* characters, several lines */
#define PL_DEPT_OPTIONS_MAX 500  /* departments in a picker */
#define PL_DEPT_ADMINS_MAX  1000 /* admins in the super admin's picker */
#define PL_DEPT_AGENTS_MAX  500  /* agents listed on a department's page */
/* Sorting by number of agents ranks at most this many matching departments
 * (the first by name): the count is computed, not stored. */
#define PL_DEPT_AGENTS_SORT_MAX 10000

/* One choice of a picker (a <select> or a row of boxes); strings
 * arena-owned. */
struct pl_option {
	int64_t     id;
	const char *name;
	const char *detail; /* a second line: an admin's company; or "" */
	bool        selected;
};

/* A department as pages show it (strings arena-owned). */
struct pl_dept {
	int64_t     id;
	int64_t     tenant_id;
	int64_t     admin_id;   /* the tenant's admin; 0 if it has none */
	const char *admin_name; /* "First Last", "" if none */
	const char *company;
	const char *name;
	const char *description;
	bool        active;
	int64_t     agent_count;
	const char *created_at; /* MariaDB DATETIME, UTC */
};

/* One agent of a department (strings arena-owned). */
struct pl_dept_agent {
	int64_t     id;
	const char *first_name;
	const char *last_name;
	const char *email;
	bool        supervisor;
};

/* What a create or update asks for, as typed (trimmed). */
struct pl_dept_in {
	const char *name;        /* NULL: not sent (update keeps it) */
	const char *description; /* NULL: not sent (update keeps it) */
	int64_t     admin_id;    /* 0: not sent */
};

/*
 * The tenant's active departments for a picker, by name, at most
 * PL_DEPT_OPTIONS_MAX: *v (arena-owned, detail ""), *n of them. tenant_id
 * comes from pl_admin_tenant() or the actor; another tenant's than who's
 * (but for the super admin) is PL_ENOTFOUND.
 */
enum pl_err pl_dept_options(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t tenant_id, struct pl_option **v,
    size_t *n);

/*
 * The admins for the super admin's picker: name "First Last", detail the
 * company, ordered by company then name, at most PL_DEPT_ADMINS_MAX. The
 * admin sel (0: none) is marked selected, and put first when the bound
 * left it out. PL_EPERM for anyone but the super admin.
 */
enum pl_err pl_dept_admin_options(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t sel, struct pl_option **v, size_t *n);

/*
 * A department by id within who's reach. PL_OK and *d, or PL_ENOTFOUND
 * (no such id, or another tenant's: the same answer).
 */
enum pl_err pl_dept_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_dept *d);

/*
 * Create a department, audited, as one change, in the tenant of
 * in->admin_id: required of the super admin (PL_EINVAL naming admin_id);
 * an admin's own tenant (in->admin_id, if not 0, must be its own id).
 * name is required (at most PL_DEPT_NAME_MAX characters), description
 * optional (PL_DEPT_DESC_MAX, several lines). PL_OK and *id; PL_EINVAL
 * with field errors; PL_ENOTFOUND for an admin_id that is not an admin's,
 * or not who's to name; PL_ECONFLICT with a "name" error when the tenant
 * has a department of that name.
 */
enum pl_err pl_dept_create(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_dept_in *in, struct pl_errs *fe,
    int64_t *id);

/*
 * Update department id with the fields sent, audited. An admin_id, if
 * sent, must name the department's admin: PL_ENOTFOUND for one that is not
 * who's to name, PL_EINVAL for another admin of the super admin's (a
 * department never moves). PL_ENOTFOUND for a department out of reach;
 * PL_EINVAL and PL_ECONFLICT as for create.
 */
enum pl_err pl_dept_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, const struct pl_dept_in *in,
    struct pl_errs *fe);

/* Activate or deactivate department id, audited when it changes (asking
 * for the state it has changes nothing). PL_OK, or PL_ENOTFOUND. */
enum pl_err pl_dept_set_active(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, bool active);

/*
 * A page of departments, searched, sorted and paged by l (whose sorts are
 * pl_dept_sorts): of admin_id's tenant (pl_admin_tenant rules), or, with
 * admin_id 0, of every tenant for the super admin and of its own for an
 * admin. PL_OK and *v (arena-owned, l->limit + 1 at most), *n of them;
 * PL_ENOTFOUND for an admin_id not who's to name.
 */
extern const char *const pl_dept_sorts[];
enum pl_err              pl_dept_list(struct pl_db *db, struct pl_arena *a,
                 const struct pl_actor *who, int64_t admin_id, const struct pl_list *l,
                 struct pl_dept **v, size_t *n);

/*
 * The agents of d (from pl_dept_get()), by last name, at most
 * PL_DEPT_AGENTS_MAX: *v (arena-owned), *n of them.
 */
enum pl_err pl_dept_agents(struct pl_db *db, struct pl_arena *a,
    const struct pl_dept *d, struct pl_dept_agent **v, size_t *n);

#endif
