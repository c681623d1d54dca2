/* audit.h: the audit log: every create, update, block, unblock and
 * emulation start/stop, with the real actor and the emulated identity. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_AUDIT_H
#define PL_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct pl_arena;
struct pl_list;

extern const struct pl_sqlset pl_audit_sql;
/* The list's one order: newest first. */
extern const char *const pl_audit_sorts[];

/* One entry as the log page shows it (strings arena-owned). */
struct pl_audit_entry {
	int64_t     id;
	int64_t     tenant_id; /* 0: the platform */
	const char *company;   /* "" for the platform */
	int64_t     actor_id;  /* who really acted; 0: Parley itself (the
	                        * worker), named "Parley" */
	const char *actor_name;
	const char *actor_email;
	int64_t     acting_as_id; /* the emulated user, else 0 */
	const char *acting_as_name;
	const char *action;
	const char *target_type;
	int64_t     target_id; /* 0: none */
	const char *summary;
	const char *created_at; /* MariaDB DATETIME, UTC */
};

/*
 * Record an action by who (inside the caller's transaction when there is
 * one). tenant_id 0 means the platform. The actor recorded is whoever really
 * acts (the emulator while emulating; no user for Parley itself, an actor
 * with user_id 0: the worker); acting_as the emulated user. summary
 * is a short human text (names, not secrets), cut to 500 bytes on a
 * character boundary. Most callers go through pl_change_run (change.h).
 */
enum pl_err pl_audit(struct pl_db *db, const struct pl_actor *who,
    int64_t tenant_id, const char *action, const char *target_type,
    int64_t target_id, const char *summary);

/*
 * A page of the entries who may read, newest first, l->limit + 1 at most
 * (*v arena-owned): the super admin every entry, or one admin's company's
 * with admin_id; an admin its own company's (admin_id, if not 0, must be
 * its own). PL_ENOTFOUND for an admin_id that is not an admin's, or not
 * the caller's to name; PL_EPERM below admin.
 */
enum pl_err pl_audit_page(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t admin_id, const struct pl_list *l,
    struct pl_audit_entry **v, size_t *n);

#endif
