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

#include <stdint.h>

#include "db.h"
#include "err.h"

struct json_object;
struct pl_list;
struct pl_req;

extern const struct pl_sqlset pl_dept_sql;

#define PL_DEPT_NAME_MAX    80   /* characters */
#define PL_DEPT_DESC_MAX    1000 /* characters, several lines */
#define PL_DEPT_OPTIONS_MAX 500  /* departments in a picker */
#define PL_DEPT_ADMINS_MAX  1000 /* admins in the super admin's picker */
#define PL_DEPT_AGENTS_MAX  500  /* agents listed on a department's page */
/* Sorting by number of agents ranks at most this many matching departments
 * (the first by name): the count is computed, not stored. */
#define PL_DEPT_AGENTS_SORT_MAX 10000

/* A department as pages show it (strings arena-owned). */
struct pl_dept {
	int64_t     id;
	int64_t     tenant_id;
	int64_t     admin_id;   /* the tenant's admin; 0 if it has none */
	const char *admin_name; /* "First Last", "" if none */
	const char *company;
	const char *name;
	const char *description;
	int         active;
	int64_t     agent_count;
	const char *created_at; /* MariaDB DATETIME, UTC */
};

/* What a create or update asks for, read by pl_dept_input(). */
struct pl_dept_in {
	const char *name;        /* NULL: not sent (update keeps it) */
	const char *description; /* NULL: not sent (update keeps it) */
	int64_t     admin_id;    /* 0: not sent */
};

/*
 * The tenant's active departments for a picker: a new json array of
 * {id, name} ordered by name, at most PL_DEPT_OPTIONS_MAX. tenant_id comes
 * from the session or pl_admin_tenant(), never from input. PL_OK and *out
 * (owned by the caller: json_object_put it or hand it to a reply), or
 * PL_EINTERNAL/PL_EUNAVAIL (logged).
 */
enum pl_err pl_dept_options(
    struct pl_req *rq, int64_t tenant_id, struct json_object **out);

/*
 * The admins for the super admin's picker: a new json array of
 * {id, name: "First Last", company} ordered by company then name, at most
 * PL_DEPT_ADMINS_MAX. PL_EPERM for anyone but the super admin; otherwise as
 * pl_dept_options().
 */
enum pl_err pl_dept_admin_options(struct pl_req *rq, struct json_object **out);

/*
 * The same picker for a form that has an admin chosen (sel > 0): that one
 * is marked "selected": true, and put first when the bound left it out.
 */
enum pl_err pl_dept_admin_pick(
    struct pl_req *rq, int64_t sel, struct json_object **out);

/*
 * Read and check a create (create != 0) or update body: only the fields
 * admin_id, name and description (plus extra, a NULL-terminated list of
 * fields the caller reads itself, or NULL). name is required on create and,
 * when sent, on update. Field errors are recorded on rq: PL_EINVAL.
 */
enum pl_err pl_dept_input(struct pl_req *rq, int create,
    const char *const *extra, struct pl_dept_in *in);

/*
 * The tenant a create goes to: the admin_id's for the super admin (required:
 * PL_EINVAL naming admin_id when missing), the caller's own for an admin
 * (admin_id, if sent, must be its own). PL_ENOTFOUND for an admin_id that
 * is not an admin, or not the caller's.
 */
enum pl_err pl_dept_tenant(
    struct pl_req *rq, int64_t admin_id, int64_t *tenant_id);

/*
 * A department by id within the caller's reach. PL_OK and *d, or
 * PL_ENOTFOUND (no such id, or another tenant's: the same answer).
 */
enum pl_err pl_dept_get(struct pl_req *rq, int64_t id, struct pl_dept *d);

/*
 * Create a department in tenant_id (from pl_dept_tenant()) and audit it, in
 * one transaction. PL_OK and *id; PL_ECONFLICT with a name error when the
 * tenant has a department of that name.
 */
enum pl_err pl_dept_create(struct pl_req *rq, int64_t tenant_id,
    const struct pl_dept_in *in, int64_t *id);

/*
 * Update d (from pl_dept_get()) with the fields sent, and audit it. An
 * admin_id, if sent, must name d's admin: PL_ENOTFOUND for one that is not
 * the caller's to name, PL_EINVAL for another admin of the super admin's (a
 * department never moves). PL_ECONFLICT as for create.
 */
enum pl_err pl_dept_update(
    struct pl_req *rq, const struct pl_dept *d, const struct pl_dept_in *in);

/* Activate (active = 1) or deactivate d, audited when it changes. PL_OK. */
enum pl_err pl_dept_set_active(
    struct pl_req *rq, const struct pl_dept *d, int active);

/*
 * A page of departments: of tenant_id, or of every tenant when tenant_id is
 * 0 (the super admin only), searched, sorted and paged by l, whose sorts
 * are pl_dept_sorts. PL_OK and *items, a new json array of department
 * objects (limit + 1 rows at most), owned by the caller.
 */
extern const char *const pl_dept_sorts[];
enum pl_err              pl_dept_list(struct pl_req *rq, int64_t tenant_id,
                 const struct pl_list *l, struct json_object **items);

/*
 * The agents of d: a new json array of {id, first_name, last_name, name,
 * email, supervisor} by last name, at most PL_DEPT_AGENTS_MAX.
 */
enum pl_err pl_dept_agents(
    struct pl_req *rq, const struct pl_dept *d, struct json_object **out);

/* d as a new json object {id, admin_id, company, name, description, active,
 * agent_count, created_at}. */
struct json_object *pl_dept_json(const struct pl_dept *d);

#endif
