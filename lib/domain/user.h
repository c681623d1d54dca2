/* user.h: accounts of one's own: sign-in with throttling, sign-up, the
 * password reset and invitation links, profile and password changes, and
 * who may act as whom. The rules live here; cgi-bin/ only turns requests
 * into these calls (and owns the sessions: cookies are HTTP's). */
/* SPDX-License-Identifier: MIT */
#ifndef PL_USER_H
#define PL_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct pl_arena;

extern const struct pl_sqlset pl_user_sql;

#define PL_THROTTLE_ACCOUNT 5  /* failures per account per window */
#define PL_THROTTLE_ADDR    20 /* failures per client address per window */
#define PL_THROTTLE_MINUTES 15
#define PL_RESET_SECONDS    3600
#define PL_INVITE_SECONDS   (7 * 86400)

/* Everything about a user a page shows (strings arena-owned). */
struct pl_user {
	int64_t     id;
	int64_t     tenant_id; /* 0: the super admin */
	const char *role;      /* as stored: "admin" */
	const char *email;     /* normalized */
	const char *first_name;
	const char *last_name;
	const char *phone;      /* as typed, "" when none */
	int64_t     pwv;        /* password version (bearer tokens carry it) */
	const char *created_at; /* MariaDB DATETIME, UTC */
};

/* A sign-up as typed (the HTTP side has checked the text's shape). */
struct pl_user_new {
	const char *first_name;
	const char *last_name;
	const char *phone;
	const char *email;
	const char *password;
};

/* One's own name and phone (phone "" to have none). */
struct pl_user_profile {
	const char *first_name;
	const char *last_name;
	const char *phone;
};

/*
 * Check an e-mail and password for a sign-in from client_addr (the
 * address throttling counts; never stored in clear). PL_OK with *uid and
 * *pwv; PL_EAUTH ("Wrong e-mail or password." for the whole form, the same
 * whether or not the e-mail exists, in about the same time); PL_ETOOMANY
 * when the account or the address failed too often lately; PL_EPERM when
 * the password is right but the account or its company is blocked.
 * Failures are recorded; success clears the account's.
 */
enum pl_err pl_user_authenticate(struct pl_db *db, struct pl_arena *a,
    const char *email, const char *password, const char *client_addr,
    struct pl_errs *fe, int64_t *uid, int64_t *pwv);

/*
 * Register an admin with a tenant of its own, and queue the welcome
 * e-mail. PL_OK and *u (the new user); PL_EINVAL with the fields named
 * (names and phone required and valid, a valid e-mail, a password of
 * PL_PASSWORD_MIN characters or more); PL_ECONFLICT with the error on
 * "email" when the address is taken. Nothing is written on error.
 */
enum pl_err pl_user_signup(struct pl_db *db, struct pl_arena *a,
    const struct pl_user_new *in, struct pl_errs *fe, struct pl_user *u);

/*
 * Is this (normalized) e-mail free? A friendly early answer before an
 * insert; the unique key stays the real guard. PL_OK when free;
 * PL_ECONFLICT with the error recorded on "email" when some user has it.
 */
enum pl_err pl_user_email_free(struct pl_db *db, struct pl_arena *a,
    const char *email, struct pl_errs *fe);
/* Record that the e-mail is taken (when the unique key refused an insert);
 * returns PL_ECONFLICT. */
enum pl_err pl_user_email_taken(struct pl_errs *fe);

/* Queue a reset link for this address if an active account has it: PL_OK
 * either way (the caller answers the same); PL_EINVAL with "email" named
 * when it is not an e-mail address. */
enum pl_err pl_user_forgot(struct pl_db *db, struct pl_arena *a,
    const char *email, struct pl_errs *fe);
/* Is this reset or invitation token (NULL: none) usable? PL_OK or
 * PL_ENOTFOUND. */
enum pl_err pl_user_token_check(
    struct pl_db *db, struct pl_arena *a, const char *token);
/* Use a token: set the password, end every session of the user, and tell
 * their streams. PL_OK and *uid; PL_EINVAL with "password" named for a
 * password too weak; PL_ENOTFOUND for a bad, used or expired token. */
enum pl_err pl_user_token_use(struct pl_db *db, struct pl_arena *a,
    const char *token, const char *password, struct pl_errs *fe, int64_t *uid);
/* Create a single-use set-password link for uid (inside the caller's
 * transaction) and queue it by e-mail. For invitations (issue 3). */
enum pl_err pl_user_invite(struct pl_db *db, struct pl_arena *a, int64_t uid,
    const char *email, const char *name, const char *inviter);

/* Who's own account (the emulated user's while emulating): PL_OK and *u,
 * or PL_ENOTFOUND. */
enum pl_err pl_user_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, struct pl_user *u);
/* Update who's own name and phone: PL_EINVAL with the fields named. The
 * e-mail never changes. */
enum pl_err pl_user_profile_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_user_profile *in,
    struct pl_errs *fe);
/*
 * Change who's own password: PL_EINVAL with "current_password" named when
 * the current password is wrong (nothing changes), or "password" when the
 * new one is too weak. Ends every session of the user but keep_session
 * (the caller's own browser session; 0 for a bearer token: all of them),
 * voids older bearer tokens and tells the user's stream.
 */
enum pl_err pl_user_password_change(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const char *current, const char *password,
    int64_t keep_session, struct pl_errs *fe);

/* For the admin tool: create the super admin unless one exists.
 * *created is 1 when it did. */
enum pl_err pl_user_seed_super(struct pl_db *db, struct pl_arena *a,
    const char *email, const char *password, int *created);

/*
 * May who act as target? The super admin may act as any admin or agent
 * (supervisors included), an admin as its own agents. PL_OK and *u (the
 * target: id, tenant, role, names; email and phone ""); PL_ENOTFOUND for a
 * target who may not act as (the same answer as no such user);
 * PL_ECONFLICT when who is already acting as someone, or the target or its
 * company is blocked (the reason recorded for the whole form).
 */
enum pl_err pl_user_emulate_check(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t target, struct pl_errs *fe,
    struct pl_user *u);

/* The HTTP side's part of acting as someone: start a session of user_id,
 * really real_user_id (0: one's own), on db, inside the change. */
typedef enum pl_err pl_user_session_fn(
    struct pl_db *db, void *arg, int64_t user_id, int64_t real_user_id);

/* Act as target: pl_user_emulate_check, then, as one change audited
 * "emulation_start", start(db, arg, target, who). The codes of both. */
enum pl_err pl_user_emulate(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t target, pl_user_session_fn *start,
    void *arg, struct pl_errs *fe, struct pl_user *u);
/* Back to oneself: start(db, arg, the real user, 0) as one change audited
 * "emulation_stop" (by the real user, as the emulated one). PL_ECONFLICT
 * when who is not acting as anyone. */
enum pl_err pl_user_emulate_stop(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, pl_user_session_fn *start, void *arg,
    struct pl_errs *fe);

#endif
