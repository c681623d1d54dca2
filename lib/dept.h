/* dept.h: departments of a tenant: every statement and rule for them, and
 * the pickers other resources (agents) fill their forms with. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_DEPT_H
#define PL_DEPT_H

#include <stdint.h>

#include "db.h"
#include "err.h"

struct json_object;
struct pl_req;

extern const struct pl_sqlset pl_dept_sql;

#define PL_DEPT_NAME_MAX     80
#define PL_DEPT_DESC_MAX     1000
#define PL_DEPT_OPTIONS_MAX  500
#define PL_DEPT_ADMINS_MAX   1000

/*
 * The tenant's active departments for a picker: a new json array of
 * {id, name} ordered by name, at most PL_DEPT_OPTIONS_MAX. tenant_id comes
 * from the session or pl_admin_tenant(), never from input. PL_OK and *out
 * (owned by the caller: json_object_put it or hand it to a reply), or
 * PL_EINTERNAL/PL_EUNAVAIL (logged).
 */
enum pl_err pl_dept_options(struct pl_req *rq, int64_t tenant_id,
    struct json_object **out);

/*
 * The admins for the super admin's picker: a new json array of
 * {id, name: "First Last", company} ordered by company then name, at most
 * PL_DEPT_ADMINS_MAX. PL_EPERM for anyone but the super admin; otherwise as
 * pl_dept_options().
 */
enum pl_err pl_dept_admin_options(struct pl_req *rq, struct json_object **out);

#endif
