/* route.h: static route tables, matched by method and path. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ROUTE_H
#define PL_ROUTE_H

#include <stddef.h>

#include "err.h"

struct pl_arena;
struct pl_req;
struct pl_resp;

enum pl_method {
	PL_GET = 1 << 0,
	PL_POST = 1 << 1,
	PL_PUT = 1 << 2,
	PL_DELETE = 1 << 3,
	PL_PATCH = 1 << 4
};

/* Who may use a route: a signed-in user's rank must be at least this.
 * PL_ROLE_PUBLIC routes need no session (but see one if there is). */
enum pl_role {
	PL_ROLE_PUBLIC = 0,
	PL_ROLE_AGENT,
	PL_ROLE_SUPERVISOR,
	PL_ROLE_ADMIN,
	PL_ROLE_SUPER
};

typedef enum pl_err pl_handler(struct pl_req *, struct pl_resp *);

struct pl_route {
	unsigned     methods; /* PL_GET | PL_POST ... */
	const char  *path; /* "/api/admins/:id/block"; ":name" is a segment */
	pl_handler  *fn;
	enum pl_role role;
	const char  *form; /* HTML form routes: the template to re-render
	                    * when the front line refuses the request (bad
	                    * body, expired CSRF), may be NULL */
	const char *title; /* its page title */
};

#define PL_MAX_PARAMS 4

struct pl_params {
	const char *name[PL_MAX_PARAMS];
	const char *val[PL_MAX_PARAMS]; /* arena-owned, not decoded */
	size_t      n;
};

/*
 * Find the route for method and path. Returns it with p filled, or NULL:
 * then *allowed is 0 when no route has this path (404) or the methods that
 * do (405, for the Allow header). A trailing slash does not match.
 */
const struct pl_route *pl_route_match(const struct pl_route *routes, size_t n,
    unsigned method, const char *path, struct pl_arena *a, struct pl_params *p,
    unsigned *allowed);
/* Method name to bit, 0 if unknown. */
unsigned pl_method_parse(const char *s);
/* "GET, POST" into the arena. */
char *pl_method_list(struct pl_arena *a, unsigned methods);
/* Role name as stored ("super_admin") to role, PL_ROLE_PUBLIC if unknown. */
enum pl_role pl_role_parse(const char *s);
const char  *pl_role_name(enum pl_role r);  /* "super_admin" */
const char  *pl_role_label(enum pl_role r); /* "Super admin" */

#endif
