/* session.h: sign-in state: cookie sessions, bearer JWTs, CSRF. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_SESSION_H
#define PL_SESSION_H

#include <stdint.h>

#include "db.h"
#include "err.h"

struct pl_req;
struct pl_resp;

#define PL_SESSION_COOKIE "pl_session"
#define PL_PRE_COOKIE     "pl_pre"
#define PL_SESSION_DAYS   14
#define PL_JWT_SECONDS    (12 * 3600)

extern const struct pl_sqlset pl_session_sql;

/*
 * Find who is signed in: a Bearer token (PL_EAUTH if it is bad: a program
 * that sends one wants to know) or the session cookie (a stale cookie is
 * just signed out). Blocked users and users of a blocked tenant are signed
 * out. Fills rq->sess or leaves it NULL.
 */
enum pl_err pl_sess_load(struct pl_req *rq, struct pl_resp *rs);
/*
 * Start a new session for user_id (the current one, if any, is ended first:
 * rotation at login). real_user_id is who really acts when emulating, else
 * 0. Sets the cookie.
 */
enum pl_err pl_sess_start(struct pl_req *rq, struct pl_resp *rs,
    int64_t user_id, int64_t real_user_id);
/* End the current session and clear the cookie. */
enum pl_err pl_sess_end(struct pl_req *rq, struct pl_resp *rs);
/* A signed JWT for user_id with its password version. */
char *pl_sess_jwt(struct pl_req *rq, int64_t user_id, int64_t pwv);

/* The CSRF token forms on this page must carry (sets the pre-session
 * cookie for signed-out visitors when needed). */
const char *pl_csrf_token(struct pl_req *rq, struct pl_resp *rs);
/* Check an unsafe request's CSRF token (form field "csrf", or header
 * X-CSRF-Token for JSON with a cookie) and Origin: PL_OK or PL_EPERM. */
enum pl_err pl_csrf_check(struct pl_req *rq);

#endif
