/* admin.h: the admins, for the super admin: an admin is a business on
 * Parley, one user of role 'admin' owning one tenant (its company). Create
 * (with the tenant and a set-password invitation), update, look up, list,
 * block and unblock. Every rule and statement about admins lives here;
 * cgi-bin/admins.c only turns requests into these calls and answers. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ADMIN_H
#define PL_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct pl_arena;
struct pl_list;

/* The admin statements (and, through .uses, those of the modules it
 * calls); an executable that uses this module names them in its struct
 * pl_app .uses so they are prepared at start-up. */
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

/* What a create or an update sets, as typed (trimmed; NULL or "" when not
 * given). The rules are checked by pl_admin_create and pl_admin_update. */
struct pl_admin_in {
	const char *first_name;
	const char *last_name;
	const char *email; /* create only */
	const char *company;
	const char *phone; /* optional */
};

/*
 * Every call below is the super admin's: PL_EPERM for anyone else. Field
 * errors go to fe, named after the fields of struct pl_admin_in.
 */

/*
 * Create the tenant (in->company), the admin user without a password, the
 * single-use set-password invitation (valid 7 days, queued by e-mail) and
 * the audit entry, as one change. PL_OK and *id; PL_EINVAL with the field
 * errors (names, e-mail, company required; lengths; validity);
 * PL_ECONFLICT with an "email" error when any user has the address.
 * Nothing is written on error.
 */
enum pl_err pl_admin_create(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_admin_in *in,
    struct pl_errs *fe, int64_t *id);
/*
 * Update an admin's names, phone and company (in->email is ignored: it
 * never changes), audited. PL_OK; PL_EINVAL with field errors;
 * PL_ENOTFOUND when id is not an admin's.
 */
enum pl_err pl_admin_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, const struct pl_admin_in *in,
    struct pl_errs *fe);
/*
 * Block or unblock an admin's tenant: its admin and agents are signed out
 * at their next request (the session look-up refuses users of a blocked
 * tenant) and cannot sign in until it is unblocked. Audited when the
 * state changes; asking for the state it already has changes nothing.
 * PL_OK, or PL_ENOTFOUND when id is not an admin's.
 */
enum pl_err pl_admin_set_blocked(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, bool blocked);

/* One admin by user id: PL_OK and *out, or PL_ENOTFOUND when id is not an
 * admin's (an agent's, the super admin's, or nobody's). */
enum pl_err pl_admin_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_admin *out);
/*
 * One page of the list l describes (pl_list_parse with pl_admin_sorts):
 * ?q= matches a prefix of the last name, first name, e-mail or company.
 * PL_OK and *v (arena-owned), up to l->limit + 1 admins, *n of them.
 */
enum pl_err pl_admin_list(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_list *l, struct pl_admin **v,
    size_t *n);

/*
 * The tenant of an admin named by id (admin_id in forms, filters and the
 * API): for the super admin, any admin's; for an admin, only its own id.
 * PL_OK, or PL_ENOTFOUND (no such admin, or not who's business).
 */
enum pl_err pl_admin_tenant(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t admin_id, int64_t *tenant_id);

#endif
