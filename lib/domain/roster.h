/* roster.h: who and what a chat can be routed to, as the console's pickers
 * show them: the tenant's agents a chat may be transferred or reassigned
 * to, and the widgets an agent serves (a re-initiated chat goes through
 * one of them). The chat engine (chat.h) checks every choice again; these
 * lists only offer the ones it will take. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ROSTER_H
#define PL_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "dept.h"
#include "err.h"

struct pl_arena;

extern const struct pl_sqlset pl_roster_sql;

#define PL_ROSTER_MAX 500 /* choices of one picker */

/*
 * The active (unblocked) agents and supervisors of who's tenant but who,
 * by name, at most PL_ROSTER_MAX: name "First Last", detail "supervisor"
 * or "". *v arena-owned. PL_ENOTFOUND for an actor without a tenant.
 */
enum pl_err pl_roster_agents(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, struct pl_option **v, size_t *n);

/*
 * The active widgets who serves, by website: an agent's (or supervisor's)
 * through the active departments it belongs to, every one of the tenant
 * for its admin. name the website URL. *v arena-owned. PL_ENOTFOUND for an
 * actor without a tenant.
 */
enum pl_err pl_roster_widgets(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, struct pl_option **v, size_t *n);

#endif
