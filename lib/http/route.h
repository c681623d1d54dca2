/* route.h: static route tables, matched by method and path.
 *
 * One row serves a page and its /api/ twin: "/admins/:id" with .html =
 * PL_GET answers GET /admins/7, and with .api = PL_GET also GET
 * /api/admins/7, through the same handler; the front line renders the
 * handler's data as the page or as the JSON envelope. A row names the
 * least role it needs, or PL_ROLE_PUBLIC: a row that names neither is
 * refused at start-up (deny by default). */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ROUTE_H
#define PL_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "role.h"

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

typedef enum pl_err pl_handler(struct pl_req *, struct pl_resp *);

struct pl_route {
	const char  *path; /* "/admins/:id/block"; ":name" is a segment */
	pl_handler  *fn;
	enum pl_role role; /* the least role, or PL_ROLE_PUBLIC */
	unsigned     html; /* methods of the page route, 0: none */
	unsigned     api;  /* methods of the /api twin, 0: none */
	const char  *form; /* pages: the template to re-render when the
	                    * front line refuses the request (bad body,
	                    * expired CSRF), may be NULL */
	const char *title; /* its page title */
};

#define PL_MAX_PARAMS 4

struct pl_params {
	const char *name[PL_MAX_PARAMS];
	const char *val[PL_MAX_PARAMS]; /* arena-owned, not decoded */
	size_t      n;
};

/*
 * Find the route for method and path: a path under /api/ matches the rows'
 * .api methods with "/api" taken off, any other path their .html methods.
 * Returns it with p filled and *api set, or NULL: then *allowed is 0 when
 * no row has this path (404) or the methods that do (405, for the Allow
 * header). A trailing slash does not match.
 */
const struct pl_route *pl_route_match(const struct pl_route *routes, size_t n,
    unsigned method, const char *path, struct pl_arena *a, struct pl_params *p,
    bool *api, unsigned *allowed);
/* NULL when every row is well formed, else what is wrong with the first
 * that is not (no role, no method, a path not starting with "/"). */
const char *pl_route_check(const struct pl_route *routes, size_t n);
/* Method name to bit, 0 if unknown. */
unsigned pl_method_parse(const char *s);
/* "GET, POST" into the arena. */
char *pl_method_list(struct pl_arena *a, unsigned methods);

#endif
