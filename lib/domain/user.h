/* user.h: accounts of one's own: sign-in with throttling, sign-up, the
 * password reset and invitation links, profile and password changes. The
 * rules live here; cgi-bin/ only turns requests into these calls. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_USER_H
#define PL_USER_H

#include <stdint.h>

#include "db.h"
#include "err.h"

struct pl_arena;
struct pl_req;

extern const struct pl_sqlset pl_user_sql;

#define PL_THROTTLE_ACCOUNT 5  /* failures per account per window */
#define PL_THROTTLE_ADDR    20 /* failures per client address per window */
#define PL_THROTTLE_MINUTES 15
#define PL_RESET_SECONDS    3600
#define PL_INVITE_SECONDS   (7 * 86400)

/* Everything about a user a page shows (strings arena-owned). */
struct pl_user {
	int64_t     id;
	int64_t     tenant_id;
	const char *role;
	const char *email;
	const char *first_name;
	const char *last_name;
	const char *phone;
	int64_t     pwv;
	const char *created_at;
};

/*
 * Check an e-mail and password. PL_OK with *uid and *pwv; PL_EAUTH ("Wrong
 * e-mail or password.", the same whether or not the e-mail exists, in about
 * the same time); PL_ETOOMANY when the account or the client address failed
 * too often lately; PL_EPERM when the password is right but the account or
 * its company is blocked. Failures are recorded; success clears the
 * account's.
 */
enum pl_err pl_user_authenticate(struct pl_req *rq, const char *email,
    const char *password, int64_t *uid, int64_t *pwv);

/* Register an admin with a tenant of its own (company may be ""), and
 * queue the welcome e-mail. Fields are validated by the caller. PL_OK and
 * *uid; PL_ECONFLICT with the e-mail field error when it is taken. */
enum pl_err pl_user_signup(struct pl_req *rq, const char *first_name,
    const char *last_name, const char *phone, const char *email,
    const char *password, int64_t *uid);

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

/* Queue a reset link for this address if an active account has it; the
 * caller answers the same either way. */
enum pl_err pl_user_forgot(struct pl_req *rq, const char *email);
/* Is this reset or invitation token usable? PL_OK or PL_ENOTFOUND. */
enum pl_err pl_user_token_check(struct pl_req *rq, const char *token);
/* Use a token: set the password, end every session of the user, and tell
 * their streams. PL_OK and *uid, or PL_ENOTFOUND. */
enum pl_err pl_user_token_use(
    struct pl_req *rq, const char *token, const char *password, int64_t *uid);
/* Create a single-use set-password link for uid (inside the caller's
 * transaction) and queue it by e-mail. For invitations (issue 3). */
enum pl_err pl_user_invite(struct pl_db *db, struct pl_arena *a, int64_t uid,
    const char *email, const char *name, const char *inviter);

enum pl_err pl_user_get(struct pl_req *rq, int64_t uid, struct pl_user *u);
/* Update one's own name and phone (validated by the caller). */
enum pl_err pl_user_profile_update(struct pl_req *rq, const char *first_name,
    const char *last_name, const char *phone);
/* Change one's own password: PL_EINVAL with a field error when the current
 * password is wrong. Ends every other session and tells the user's stream. */
enum pl_err pl_user_password_change(
    struct pl_req *rq, const char *current, const char *password);

/* For the admin tool: create the super admin unless one exists.
 * *created is 1 when it did. */
enum pl_err pl_user_seed_super(struct pl_db *db, struct pl_arena *a,
    const char *email, const char *password, int *created);

/*
 * Act as another user: the super admin as any admin or agent, an admin as
 * its own agents. A new session (user_id = target, real_user_id = the
 * actor) replaces the current one; audited. PL_ENOTFOUND for a target the
 * caller may not act as (the same answer as no such user), PL_ECONFLICT
 * when already acting or the target is blocked, PL_EPERM for bearer calls.
 */
struct pl_resp;
enum pl_err pl_sess_emulate(
    struct pl_req *rq, struct pl_resp *rs, int64_t target);
/* Back to oneself: a new session of the real user; audited. */
enum pl_err pl_sess_emulate_stop(struct pl_req *rq, struct pl_resp *rs);

#endif
