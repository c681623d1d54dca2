/* twacct.h: the platform's Twilio account and a sub-account per business.
 *
 * The super admin enters the platform's Account SID and Auth Token once;
 * they are checked against Twilio (fetch the account) before they are
 * stored, the token sealed with the configured data key (never shown again,
 * the SID shown masked), and replacing them is its own audited action that
 * checks again. Registering a business (sign-up, or the super admin
 * creating an admin) queues its sub-account in the outbox in the same
 * transaction; blocking the business queues its suspension, unblocking its
 * reactivation. The worker carries these out (pl_twacct_sender) with
 * retries and backoff, so a slow or absent Twilio never fails or delays a
 * sign-up; without platform credentials the items wait, and go as soon as
 * the credentials are added.
 *
 * Exactly one sub-account per business, even across a crash mid-call: the
 * intent's idempotency key is stored before the call, the sub-account's
 * FriendlyName carries a tag unique to the business ("Acme (Parley 42)"),
 * and before creating one the worker asks Twilio for an account of that
 * name and adopts it if a crashed attempt had made it. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_TWACCT_H
#define PL_TWACCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "outbox.h"
#include "twilio.h"

struct pl_arena;
struct pl_config;
struct pl_list;

extern const struct pl_sqlset pl_twacct_sql;
/* The sub-accounts list's sort names: "company", "created". */
extern const char *const pl_twacct_sorts[];

/* The platform account as the page shows it (strings arena-owned). */
struct pl_twacct_platform {
	bool        set;
	const char *sid_masked; /* "AC…1234" */
	const char *friendly_name;
	const char *validated_at; /* MariaDB DATETIME, UTC */
};

/* One business's sub-account as the list shows it. */
struct pl_twacct_row {
	int64_t     tenant_id;
	int64_t     admin_id;
	const char *admin_name;
	const char *admin_email;
	const char *company;
	const char *sid_masked; /* "" until created */
	const char *status;     /* pending, active, suspended, failed */
	const char *want;       /* active or suspended */
	const char *reason;     /* the last failure, "" if none */
	int64_t     retry_in;   /* seconds until the next attempt, 0: none */
	int64_t     attempts;   /* of the current intent */
	bool        dead;       /* an operator may retry it */
	int64_t     numbers;    /* widget numbers in it */
	const char *created_at; /* the business's registration, UTC */
};

/* The super admin's: the platform account, or set = false. */
enum pl_err pl_twacct_platform_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, struct pl_twacct_platform *out);

/*
 * Store the platform's credentials (replace: the explicit "replace
 * credentials" action; otherwise only the first time, PL_ECONFLICT after).
 * The pair is checked with Twilio first: a malformed SID or empty token is
 * PL_EINVAL naming the field; Twilio refusing them is PL_EINVAL with
 * Twilio's own message on the form (fe->msg); Twilio unreachable is
 * PL_EUNAVAIL with a message saying so; a SID some sub-account already has
 * is PL_ECONFLICT naming account_sid. Audited; queued sub-accounts that
 * waited for credentials go at once. The token never reaches a log line.
 */
enum pl_err pl_twacct_platform_set(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_config *cfg, const char *sid,
    const char *token, bool replace, struct pl_errs *fe);

/*
 * Inside the caller's transaction (a registration): queue tenant_id's
 * sub-account, named after name (the company, or the admin's name). The
 * caller wakes the worker after its commit (pl_change.queued).
 */
enum pl_err pl_twacct_queue_create(
    struct pl_db *db, struct pl_arena *a, int64_t tenant_id, const char *name);
/* Inside the caller's transaction (a block or unblock): queue the
 * sub-account's suspension or reactivation. */
enum pl_err pl_twacct_queue_status(
    struct pl_db *db, struct pl_arena *a, int64_t tenant_id, bool suspended);

/* A page of the businesses and their sub-accounts (super admin only):
 * ?q= a prefix of the company or the admin's e-mail; l->limit + 1 rows. */
enum pl_err pl_twacct_list(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_list *l,
    struct pl_twacct_row **v, size_t *n);
/* Try a failed sub-account's dead intent again now (super admin; audited).
 * PL_ENOTFOUND when the tenant has no dead intent. */
enum pl_err pl_twacct_retry(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t tenant_id);

/*
 * The worker's: tenant_id's sub-account credentials, the token opened
 * (arena-owned), for calls made in the business's own account (its
 * numbers, its messages). PL_OK; PL_EUNAVAIL
 * while the sub-account is still being created (or suspended); PL_ENOTFOUND
 * when the business has none and never will (failed, or none asked for);
 * PL_EINTERNAL when the token does not open.
 */
enum pl_err pl_twacct_sub_creds(struct pl_db *db, struct pl_arena *a,
    const struct pl_config *cfg, int64_t tenant_id, struct pl_twilio_creds *c);

/* The worker's sender for outbox items of kind "twilio" (arg: the
 * process's struct pl_config). */
pl_outbox_sender pl_twacct_sender;

#endif
