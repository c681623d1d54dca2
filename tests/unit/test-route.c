/* test-route.c: route matching (a page and its /api/ twin from one row),
 * the start-up check (deny by default), methods and roles. */
/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "role.h"
#include "route.h"
#include "t.h"

static enum pl_err
h(struct pl_req *rq, struct pl_resp *rs)
{
	(void)rq;
	(void)rs;
	return PL_OK;
}

static const struct pl_route routes[] = {
	{ "/", h, PL_ROLE_AGENT, .html = PL_GET },
	{ "/login", h, PL_ROLE_PUBLIC, .html = PL_GET | PL_POST },
	{ "/admins", h, PL_ROLE_SUPER, .html = PL_GET, .api = PL_GET },
	{ "/admins", h, PL_ROLE_SUPER, .html = PL_POST, .api = PL_POST },
	{ "/admins/:id", h, PL_ROLE_SUPER, .html = PL_GET,
	    .api = PL_GET | PL_PUT },
	{ "/admins/:id/block", h, PL_ROLE_SUPER, .api = PL_POST },
	{ "/a/:x/b/:y", h, PL_ROLE_AGENT, .html = PL_GET },
	{ "/auth/me", h, PL_ROLE_AGENT, .api = PL_GET },
};

int
main(void)
{
	struct pl_arena *a = pl_arena_new(0);
	static const struct {
		unsigned    method;
		const char *path;
		int         route;   /* index, or -1 */
		unsigned    allowed; /* when -1 */
		const char *p0;
		bool        api;
	} cases[] = {
		{ PL_GET, "/", 0, 0, NULL },
		{ PL_POST, "/", -1, PL_GET, NULL },
		{ PL_GET, "/login", 1, 0, NULL },
		{ PL_POST, "/login", 1, 0, NULL },
		{ PL_PUT, "/login", -1, PL_GET | PL_POST, NULL },
		{ PL_GET, "/login/", -1, 0, NULL },
		{ PL_GET, "/loginx", -1, 0, NULL },
		{ PL_GET, "/api/admins", 2, 0, NULL, true },
		{ PL_GET, "/admins", 2, 0, NULL, false },
		{ PL_POST, "/api/admins", 3, 0, NULL, true },
		{ PL_POST, "/admins", 3, 0, NULL, false },
		{ PL_DELETE, "/api/admins", -1, PL_GET | PL_POST, NULL, true },
		{ PL_GET, "/api/admins/42", 4, 0, "42", true },
		{ PL_PUT, "/api/admins/42", 4, 0, "42", true },
		/* The page has no PUT: the twins' methods are their own. */
		{ PL_PUT, "/admins/42", -1, PL_GET, NULL, false },
		{ PL_GET, "/api/admins/", -1, 0, NULL, true },
		{ PL_GET, "/api/admins/42/", -1, 0, NULL, true },
		{ PL_POST, "/api/admins/7/block", 5, 0, "7", true },
		{ PL_GET, "/api/admins/7/block", -1, PL_POST, NULL, true },
		/* An API-only row has no page. */
		{ PL_POST, "/admins/7/block", -1, 0, NULL, false },
		{ PL_GET, "/auth/me", -1, 0, NULL, false },
		{ PL_GET, "/api/auth/me", 7, 0, NULL, true },
		/* A page-only row has no twin. */
		{ PL_GET, "/api/login", -1, 0, NULL, true },
		{ PL_GET, "/api/", -1, 0, NULL, true },
		{ PL_GET, "/api", -1, 0, NULL, false },
		{ PL_GET, "/a/1/b/2", 6, 0, "1", false },
		{ PL_GET, "/a//b/2", -1, 0, NULL, false },
		{ PL_GET, "", -1, 0, NULL, false },
	};
	struct pl_params p;
	unsigned         allowed;
	bool             api;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pl_route *r =
		    pl_route_match(routes, sizeof(routes) / sizeof(routes[0]),
		        cases[i].method, cases[i].path, a, &p, &api, &allowed);

		T_INT(r ? r - routes : -1, cases[i].route, cases[i].path);
		T_INT(api, cases[i].api, cases[i].path);
		if (r == NULL)
			T_INT(allowed, cases[i].allowed, cases[i].path);
		else if (cases[i].p0 != NULL)
			T_STR(
			    p.n ? p.val[0] : NULL, cases[i].p0, cases[i].path);
	}
	pl_route_match(routes, 7, PL_GET, "/a/1/b/2", a, &p, &api, &allowed);
	T_INT(p.n, 2, "/a/1/b/2 params");
	T_STR(p.name[1], "y", "second param name");
	T_STR(p.val[1], "2", "second param value");

	T_INT(pl_method_parse("GET"), PL_GET, "GET");
	T_INT(pl_method_parse("get"), 0, "get");
	T_INT(pl_method_parse("TRACE"), 0, "TRACE");
	T_STR(pl_method_list(a, PL_GET | PL_POST), "GET, POST", "list");
	T_INT(pl_role_parse("super_admin"), PL_ROLE_SUPER, "super_admin");
	T_INT(pl_role_parse("agent"), PL_ROLE_AGENT, "agent");
	/* Unknown roles have no rights; nobody is "public". */
	T_INT(pl_role_parse("root"), PL_ROLE_NONE, "root");
	T_INT(pl_role_parse(NULL), PL_ROLE_NONE, "NULL");
	T_INT(pl_role_parse("public"), PL_ROLE_NONE, "public");

	/* Deny by default: a row must name a role, or say it is public. */
	{
		static const struct pl_route no_role[] = {
			{ "/x", h, .html = PL_GET },
		};
		static const struct pl_route no_method[] = {
			{ "/x", h, PL_ROLE_PUBLIC },
		};
		static const struct pl_route api_path[] = {
			{ "/api/x", h, PL_ROLE_AGENT, .api = PL_GET },
		};
		static const struct pl_route rel_path[] = {
			{ "x", h, PL_ROLE_AGENT, .html = PL_GET },
		};
		const char *why;

		T_OK(pl_route_check(
		         routes, sizeof(routes) / sizeof(routes[0])) == NULL,
		    "good table passes");
		why = pl_route_check(no_role, 1);
		T_OK(why != NULL && strstr(why, "role") != NULL, "no role");
		T_OK(pl_route_check(no_method, 1) != NULL, "no method");
		T_OK(pl_route_check(api_path, 1) != NULL, "/api/ in a path");
		T_OK(pl_route_check(rel_path, 1) != NULL, "relative path");
	}
	T_STR(pl_role_name(PL_ROLE_ADMIN), "admin", "name");
	T_OK(PL_ROLE_SUPER > PL_ROLE_ADMIN &&
	         PL_ROLE_ADMIN > PL_ROLE_SUPERVISOR &&
	         PL_ROLE_SUPERVISOR > PL_ROLE_AGENT,
	    "rank order");
	pl_arena_free(a);
	return t_done();
}
