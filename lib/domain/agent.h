/* agent.h: the agents (and supervisors) of a tenant: every statement and
 * rule for them. cgi-bin/agents.c only turns requests into these calls
 * and answers.
 *
 * Scope: an admin reaches only its own tenant's agents (tenant_id from the
 * session); the super admin reaches every tenant's, and names a tenant only
 * through an admin's id (pl_admin_tenant) or an agent's own id. An agent of
 * another tenant, and a department of another tenant, are answered exactly
 * as ones that do not exist. users.role is 'supervisor' while the agent
 * supervises a department, else 'agent'. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_AGENT_H
#define PL_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "dept.h"
#include "err.h"

struct pl_arena;
struct pl_list;

extern const struct pl_sqlset pl_agent_sql;
/* The list's sort names: "name" (last, first), "email", "created". */
extern const char *const pl_agent_sorts[];

#define PL_AGENT_DEPTS_MAX 50 /* departments one agent belongs to */

/* One membership of an agent (strings arena-owned). */
struct pl_agent_dept {
	int64_t     id;
	const char *name;
	bool        supervisor; /* supervises this department */
	bool        active;     /* the department is active */
};

/* An agent as pages show it (strings arena-owned). */
struct pl_agent {
	int64_t               id;
	int64_t               tenant_id;
	int64_t               admin_id; /* the tenant's admin, 0 if none */
	const char           *company;
	const char           *first_name;
	const char           *last_name;
	const char           *email;
	const char           *phone;
	const char           *role; /* "agent" or "supervisor" */
	bool                  blocked;
	const char           *created_at; /* MariaDB DATETIME, UTC */
	struct pl_agent_dept *dept;       /* by department name */
	size_t                ndept;
};

/* What a create or update asks for, as typed (trimmed). An update sets
 * every field: the caller fills what it keeps from the agent. */
struct pl_agent_in {
	int64_t        admin_id; /* create: the tenant's admin; 0: who's own */
	const char    *first_name;
	const char    *last_name;
	const char    *email; /* create only */
	const char    *phone;
	const int64_t *dept; /* department ids (repeats are ignored) */
	size_t         ndept;
	const int64_t *sup; /* supervisor_of, a subset of dept */
	size_t         nsup;
};

/*
 * Who reaches which agents: an admin its own tenant's, the super admin
 * every tenant's; anyone else gets PL_EPERM. An agent of another tenant,
 * and a department of another tenant, are PL_ENOTFOUND, exactly as ones
 * that do not exist. Field errors go to fe, named after the input fields
 * (first_name, last_name, email, phone, department_ids, supervisor_of,
 * admin_id).
 */

/* A tenant's admin as a picker choice (name "First Last", detail the
 * company). PL_OK and *out, or PL_ENOTFOUND (no such tenant, or not
 * who's). */
enum pl_err pl_agent_admin_info(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t tenant_id, struct pl_option *out);

/* An agent by id within who's reach: PL_OK and *out, or PL_ENOTFOUND (no
 * such id, not an agent, or another tenant's: the same answer). */
enum pl_err pl_agent_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_agent *out);

/*
 * A page of agents, searched, sorted and paged by l (whose sorts are
 * pl_agent_sorts): of admin_id's tenant (pl_admin_tenant rules), or, with
 * admin_id 0, of every tenant for the super admin and of its own for an
 * admin. PL_OK and *v (arena-owned, l->limit + 1 at most), *n of them;
 * PL_ENOTFOUND for an admin_id not who's to name.
 */
enum pl_err pl_agent_list(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t admin_id, const struct pl_list *l,
    struct pl_agent **v, size_t *n);

/*
 * Create an agent in the tenant of in->admin_id (required of the super
 * admin; an admin's own, which it may name): the user (role 'supervisor'
 * when it supervises a department, else 'agent'), its memberships, the
 * single-use set-password e-mail and the audit entry, as one change.
 * Names, e-mail and phone are required and checked; at least one
 * department, at most PL_AGENT_DEPTS_MAX; each supervised one also a
 * membership. PL_OK and *id; PL_EINVAL with field errors; PL_ENOTFOUND
 * naming admin_id for an admin not who's to name, or department_ids for a
 * department that is not an active one of the tenant; PL_ECONFLICT naming
 * email when the address is taken. Nothing is written on error.
 */
enum pl_err pl_agent_create(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_agent_in *in,
    struct pl_errs *fe, int64_t *id);

/*
 * Update agent id with in (in->email and in->admin_id are ignored: they
 * never change), keeping its role in step with what it supervises, and
 * audit it, as one change. A department the agent already belongs to may
 * stay even if deactivated since; a new one must be active. PL_ENOTFOUND
 * for an agent out of reach; otherwise as create.
 */
enum pl_err pl_agent_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, const struct pl_agent_in *in,
    struct pl_errs *fe);

/*
 * Block or unblock agent id, audited when it changes. Blocking ends the
 * agent's sessions (bearer tokens are refused by the session look-up) and
 * wakes its open pages. PL_OK, or PL_ENOTFOUND.
 */
enum pl_err pl_agent_set_blocked(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, bool blocked);

#endif
