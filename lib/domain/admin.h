/* admin.h: the admins, for the super admin: an admin is a business on
 * Parley, one user of role 'admin' owning one tenant (its company). Create
 * (with the tenant and a set-password invitation), update, look up, list,
 * block and unblock. Every rule and statement about admins lives here;
 * cgi-bin/admins.c only turns requests into these calls. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ADMIN_H
#define PL_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct json_object;
struct pl_arena;
struct pl_list;
struct pl_req;

/* The admin statements; the executable that uses this module passes them
 * as its struct pl_app .sql so they are prepared at start-up. */
extern const struct pl_sqlset pl_admin_sql;

#define PL_COMPANY_MAX 120 /* characters, as tenants.company */

/* The sort keys of the admin list, the first the default (list.h). */
extern const char *const pl_admin_sorts[];

/* An admin as pages show it (strings arena-owned). */
struct pl_admin {
	int64_t     id;
	int64_t     tenant_id;
	const char *first_name;
	const char *last_name;
	const char *email;
	const char *company;
	const char *phone;
	bool        blocked;     /* its tenant is blocked */
	int64_t     agent_count; /* agents and supervisors of its tenant */
	const char *created_at;  /* "YYYY-MM-DD HH:MM:SS" UTC */
};

/* What a create or an update sets (strings arena-owned, trimmed). */
struct pl_admin_in {
	const char *first_name;
	const char *last_name;
	const char *email; /* create only; normalized */
	const char *company;
	const char *phone; /* "" when not given */
};

/*
 * Read and check the fields of a create (first_name, last_name, email,
 * company, phone) or of an update (the same but email, which never
 * changes: sending it is refused as an unknown field, like role or
 * tenant_id). Every problem is recorded beside its field. PL_OK and *in,
 * or PL_EINVAL.
 */
enum pl_err pl_admin_input(
    struct pl_req *rq, bool create, struct pl_admin_in *in);

/*
 * Create the tenant (in->company), the admin user without a password, the
 * audit entry and the single-use set-password invitation (valid 7 days),
 * in one transaction. PL_OK and *id; PL_ECONFLICT with the email field
 * error when the address is taken by any user; nothing is written on error.
 */
enum pl_err pl_admin_create(
    struct pl_req *rq, const struct pl_admin_in *in, int64_t *id);
/*
 * Update an admin's names, phone and company, audited. PL_OK, or
 * PL_ENOTFOUND when id is not an admin's.
 */
enum pl_err pl_admin_update(
    struct pl_req *rq, int64_t id, const struct pl_admin_in *in);
/*
 * Block or unblock an admin's tenant: its admin and agents are signed out
 * at their next request (lib/session.c refuses users of a blocked tenant)
 * and cannot sign in until it is unblocked. Audited when the state
 * changes; asking for the state it already has changes nothing. PL_OK, or
 * PL_ENOTFOUND when id is not an admin's.
 */
enum pl_err pl_admin_set_blocked(struct pl_req *rq, int64_t id, bool blocked);

/* One admin by user id: PL_OK and *a, or PL_ENOTFOUND when id is not an
 * admin's (an agent's, the super admin's, or nobody's). */
enum pl_err pl_admin_get(struct pl_req *rq, int64_t id, struct pl_admin *a);
/*
 * One page of the list l describes (pl_list_parse with pl_admin_sorts):
 * ?q= matches a prefix of the last name, first name, e-mail or company.
 * *items is a new JSON array of up to l->limit + 1 admins (for
 * pl_list_reply, which takes it).
 */
enum pl_err pl_admin_list(
    struct pl_req *rq, const struct pl_list *l, struct json_object **items);

/*
 * The tenant of an admin named by id (admin_id in forms, filters and the
 * API): for the super admin, any admin's; for an admin, only its own id.
 * PL_OK, or PL_ENOTFOUND (no such admin, or not who's business).
 */
enum pl_err pl_admin_tenant(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t admin_id, int64_t *tenant_id);

/*
 * The admin as a new JSON object: {id, first_name, last_name, email,
 * company, phone, blocked, agent_count, created_at}; for HTML pages (not
 * under /api/) also created_label, the date to show. Caller owns it.
 */
struct json_object *pl_admin_json(
    const struct pl_req *rq, const struct pl_admin *a);

#endif
