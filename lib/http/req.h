/* req.h: the request as handlers see it, and its bounded accessors. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_REQ_H
#define PL_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "err.h"
#include "parse.h"
#include "route.h"

struct json_object;
struct pl_app;
struct pl_db;
struct pl_tmpl_set;

/* Who is signed in (strings arena-owned). */
struct pl_sess {
	int64_t      session_id; /* 0 when signed in with a bearer token */
	int64_t      user_id;    /* whose rights apply */
	int64_t      tenant_id;  /* 0 for the super admin */
	enum pl_role role;
	const char  *email;
	const char  *first_name;
	const char  *last_name;
	const char  *phone;
	int64_t      pwv;          /* password version */
	int64_t      real_user_id; /* who really acts when emulating, else 0 */
	const char  *real_name;    /* their name, when emulating */
	const char  *token; /* the cookie's token (CSRF derives from it) */
	bool         bearer;
};

/* Read-only to handlers, but for the accessors' error map. */
struct pl_req {
	struct pl_arena          *arena;
	const struct pl_app      *app;
	const struct pl_tmpl_set *tmpl; /* the loaded templates */
	bool        auth_cache; /* the executable caches bearer identities */
	void       *fcgi;       /* FCGX_Request *, for app.c only */
	unsigned    method;
	const char *path;
	bool        api; /* path starts with /api/ */
	const struct pl_route *route;
	struct pl_params       params;
	struct pl_kvlist       query;
	struct pl_kvlist       cookies;
	struct pl_kvlist       form; /* urlencoded or multipart fields */
	struct pl_filelist     files;
	struct json_object    *json; /* JSON body object, or NULL */
	const char            *client_addr;
	struct pl_sess        *sess; /* NULL when signed out */
	struct pl_actor        who;  /* the session as the domain sees it
	                              * (all 0 when signed out) */
	const char    *pre;          /* signed-out visitor's CSRF seed */
	struct pl_errs errs;         /* what was wrong, field by field */
	struct pl_db  *db_;          /* use pl_req_db() */
	int64_t        now;          /* seconds since the epoch */
};

/* Flags for pl_in_text(). */
#define PL_REQUIRED  1u
#define PL_MULTILINE 2u
#define PL_NOTRIM    4u

/* A request header by its CGI name ("HTTP_X_CSRF_TOKEN"), or NULL. */
const char *pl_req_env(const struct pl_req *rq, const char *name);
/* The database connection for this request, borrowed on first use and
 * returned when the request ends. */
struct pl_db *pl_req_db(struct pl_req *rq);
/* Give the connection back early (before a long wait). */
void pl_req_db_release(struct pl_req *rq);
/* The FastCGI peer (nginx) closed the connection: the client went away. */
int pl_req_peer_gone(const struct pl_req *rq);

/* A path parameter as a positive id: PL_OK, or PL_ENOTFOUND (a path that
 * names no valid id names nothing). */
enum pl_err pl_path_id(struct pl_req *rq, const char *name, int64_t *id);
/* A query-string value, or NULL. */
const char *pl_query(const struct pl_req *rq, const char *name);
/* A query-string id (a filter: ?admin_id=7): *id 0 when missing or empty;
 * anything but a positive id records msg for it: PL_EINVAL. */
enum pl_err pl_in_query_id(
    struct pl_req *rq, const char *name, const char *msg, int64_t *id);
/* A cookie's value, or NULL. */
const char *pl_cookie(const struct pl_req *rq, const char *name);

/*
 * A text input from the form or the JSON body, trimmed of surrounding white
 * space (unless PL_NOTRIM). Missing or empty and PL_REQUIRED, not a string
 * in JSON, over max characters, or holding control characters (but \t \r \n
 * with PL_MULTILINE): the error is recorded for the field with a message
 * using label, and PL_EINVAL returned. Otherwise PL_OK and *out ("" when
 * missing and optional).
 */
enum pl_err pl_in_text(struct pl_req *rq, const char *name, const char *label,
    unsigned flags, size_t max, const char **out);
/*
 * An id input: a JSON integer (or digits in a JSON string), or form digits.
 * Missing, null or empty: *out = 0 and PL_OK, unless PL_REQUIRED. Anything
 * else that is not a positive id: msg recorded for the field, PL_EINVAL.
 */
enum pl_err pl_in_id(struct pl_req *rq, const char *name, unsigned flags,
    const char *msg, int64_t *out);
/* Was the field sent at all (for partial updates)? */
bool pl_in_has(const struct pl_req *rq, const char *name);
/*
 * Refuse any input field not in the NULL-terminated list (a role or a
 * tenant id in the body, a typo in an API call). "csrf" is always allowed
 * in forms. Records an error naming the first unknown field: PL_EINVAL.
 */
enum pl_err pl_in_only(struct pl_req *rq, const char *const *names);
/* Record an error for a field (NULL field: for the whole form); returns
 * PL_EINVAL so a handler can "return pl_in_fail(...)". */
enum pl_err pl_in_fail(struct pl_req *rq, const char *field, const char *msg);
/* PL_EINVAL if any error was recorded, else PL_OK. */
enum pl_err pl_in_check(const struct pl_req *rq);
/*
 * Where a row form asks to go back to ("back", the page it was on): a
 * local path under prefix ("/admins", "/admins?...", "/admins/7"), path
 * segments and a percent-encoded query only, no "//"; anything else, or
 * nothing, gives fallback.
 */
const char *pl_in_back(
    const char *back, const char *prefix, const char *fallback);

#endif
