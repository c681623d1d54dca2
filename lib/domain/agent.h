/* agent.h: the agents (and supervisors) of a tenant: every statement and
 * rule for them. cgi-bin/agents.c only turns requests into these calls.
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

#include "db.h"
#include "err.h"

struct json_object;
struct pl_list;
struct pl_req;

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

/* What a create or update asks for, read by pl_agent_input(). */
struct pl_agent_in {
	const char *first_name;
	const char *last_name;
	const char *email; /* create only; normalized */
	const char *phone;
	int64_t    *dept; /* department_ids, without repeats */
	size_t      ndept;
	int64_t    *sup; /* supervisor_of, a subset of dept */
	size_t      nsup;
};

/*
 * Read and check a create (cur NULL: every field required, and admin_id
 * allowed) or an update of cur. Forms replace every field (an unticked
 * box sends nothing, so a missing list is empty); a JSON update keeps what
 * it does not send. department_ids and supervisor_of come as repeated form
 * fields or JSON arrays of integers. Only known fields are accepted; an
 * e-mail in an update is refused. Field errors are recorded on rq:
 * PL_EINVAL. Department ids are checked against the tenant later, by
 * create and update.
 */
enum pl_err pl_agent_input(
    struct pl_req *rq, const struct pl_agent *cur, struct pl_agent_in *in);

/*
 * The admin_id of a create (a form field or a JSON integer) as a tenant:
 * required from the super admin (PL_EINVAL naming admin_id when missing or
 * malformed), optional for an admin (its own when sent). PL_OK with
 * *admin_id and *tenant_id; PL_ENOTFOUND naming admin_id for an id that is
 * not an admin, or not the caller's.
 */
enum pl_err pl_agent_admin_input(
    struct pl_req *rq, int64_t *admin_id, int64_t *tenant_id);

/*
 * A tenant's admin and company, for forms: a new json object {id, name,
 * company} (owned by the caller). PL_OK or PL_ENOTFOUND.
 */
enum pl_err pl_agent_admin_info(
    struct pl_req *rq, int64_t tenant_id, struct json_object **out);

/*
 * An agent by id within the caller's reach: PL_OK and *a, or PL_ENOTFOUND
 * (no such id, not an agent, or another tenant's: the same answer).
 */
enum pl_err pl_agent_get(struct pl_req *rq, int64_t id, struct pl_agent *a);

/*
 * A page of agents: of tenant_id, or of every tenant when tenant_id is 0
 * (the super admin only), searched, sorted and paged by l (whose sorts are
 * pl_agent_sorts). PL_OK and *items, a new json array of agent objects
 * (limit + 1 at most), owned by the caller.
 */
enum pl_err pl_agent_list(struct pl_req *rq, int64_t tenant_id,
    const struct pl_list *l, struct json_object **items);

/*
 * Create an agent in tenant_id (from pl_agent_admin_input()): the user, its
 * memberships, the single-use set-password e-mail and the audit entry, in
 * one transaction. PL_OK and *id; PL_ENOTFOUND naming department_ids for a
 * department that is not an active one of the tenant; PL_ECONFLICT naming
 * email when the address is taken.
 */
enum pl_err pl_agent_create(struct pl_req *rq, int64_t tenant_id,
    const struct pl_agent_in *in, int64_t *id);

/*
 * Update a (from pl_agent_get()) with in, and audit it, in one transaction.
 * A department the agent already belongs to may stay even if it has been
 * deactivated since; a new one must be active. PL_ENOTFOUND as for create.
 */
enum pl_err pl_agent_update(
    struct pl_req *rq, const struct pl_agent *a, const struct pl_agent_in *in);

/*
 * Block or unblock a, audited when it changes. Blocking ends the agent's
 * sessions (bearer tokens are refused by the session look-up) and wakes its
 * open pages. PL_OK.
 */
enum pl_err pl_agent_set_blocked(
    struct pl_req *rq, const struct pl_agent *a, bool blocked);

/* a as a new json object {id, admin_id, company, first_name, last_name,
 * email, phone, role, department_ids, departments, supervisor_of, blocked,
 * created_at}. */
struct json_object *pl_agent_json(const struct pl_agent *a);

#endif
