/* request.h: the requests waiting for an answer (conversations with status
 * new), as staff see them: the admin dashboard's list, filled on the server
 * and then kept live from the tenant stream's "request.new" and
 * "request.closed" events (visit.h writes both). The chat engine's console
 * (next issue) grows from here. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_REQUEST_H
#define PL_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct pl_arena;

extern const struct pl_sqlset pl_request_sql;

#define PL_REQUEST_WAITING_MAX 50 /* rows the dashboard shows */

/* A waiting request, with the fields of "request.new" (strings
 * arena-owned). */
struct pl_request {
	int64_t     conversation_id;
	const char *channel; /* web message sms */
	int64_t     widget_id;
	const char *website;
	int64_t     department_id; /* 0: none */
	const char *department;    /* "" when none */
	const char *name;
	const char *email;
	const char *phone;      /* E.164, "" when none */
	const char *message;    /* the first message, "" when none */
	const char *created_at; /* DATETIME(3), UTC */
};

/*
 * The waiting requests of who's tenant, oldest first, at most max
 * (<= PL_REQUEST_WAITING_MAX): for an admin (or the super admin acting as
 * one) its tenant's. *v arena-owned. PL_EPERM for anyone else.
 */
enum pl_err pl_request_waiting(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, size_t max, struct pl_request **v, size_t *n);

#endif
