/* test-route.c: route matching, methods and roles. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arena.h"
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
	{ PL_GET, "/", h, PL_ROLE_AGENT },
	{ PL_GET | PL_POST, "/login", h, PL_ROLE_PUBLIC },
	{ PL_GET, "/api/admins", h, PL_ROLE_SUPER },
	{ PL_POST, "/api/admins", h, PL_ROLE_SUPER },
	{ PL_GET | PL_PUT, "/api/admins/:id", h, PL_ROLE_SUPER },
	{ PL_POST, "/api/admins/:id/block", h, PL_ROLE_SUPER },
	{ PL_GET, "/a/:x/b/:y", h, PL_ROLE_AGENT },
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
	} cases[] = {
		{ PL_GET, "/", 0, 0, NULL },
		{ PL_POST, "/", -1, PL_GET, NULL },
		{ PL_GET, "/login", 1, 0, NULL },
		{ PL_POST, "/login", 1, 0, NULL },
		{ PL_PUT, "/login", -1, PL_GET | PL_POST, NULL },
		{ PL_GET, "/login/", -1, 0, NULL },
		{ PL_GET, "/loginx", -1, 0, NULL },
		{ PL_GET, "/api/admins", 2, 0, NULL },
		{ PL_POST, "/api/admins", 3, 0, NULL },
		{ PL_DELETE, "/api/admins", -1, PL_GET | PL_POST, NULL },
		{ PL_GET, "/api/admins/42", 4, 0, "42" },
		{ PL_PUT, "/api/admins/42", 4, 0, "42" },
		{ PL_GET, "/api/admins/", -1, 0, NULL },
		{ PL_GET, "/api/admins/42/", -1, 0, NULL },
		{ PL_POST, "/api/admins/7/block", 5, 0, "7" },
		{ PL_GET, "/api/admins/7/block", -1, PL_POST, NULL },
		{ PL_GET, "/a/1/b/2", 6, 0, "1" },
		{ PL_GET, "/a//b/2", -1, 0, NULL },
		{ PL_GET, "", -1, 0, NULL },
	};
	struct pl_params p;
	unsigned         allowed;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pl_route *r =
		    pl_route_match(routes, sizeof(routes) / sizeof(routes[0]),
		        cases[i].method, cases[i].path, a, &p, &allowed);

		T_INT(r ? r - routes : -1, cases[i].route, cases[i].path);
		if (r == NULL)
			T_INT(allowed, cases[i].allowed, cases[i].path);
		else if (cases[i].p0 != NULL)
			T_STR(
			    p.n ? p.val[0] : NULL, cases[i].p0, cases[i].path);
	}
	pl_route_match(routes, 7, PL_GET, "/a/1/b/2", a, &p, &allowed);
	T_INT(p.n, 2, "/a/1/b/2 params");
	T_STR(p.name[1], "y", "second param name");
	T_STR(p.val[1], "2", "second param value");

	T_INT(pl_method_parse("GET"), PL_GET, "GET");
	T_INT(pl_method_parse("get"), 0, "get");
	T_INT(pl_method_parse("TRACE"), 0, "TRACE");
	T_STR(pl_method_list(a, PL_GET | PL_POST), "GET, POST", "list");
	T_INT(pl_role_parse("super_admin"), PL_ROLE_SUPER, "super_admin");
	T_INT(pl_role_parse("agent"), PL_ROLE_AGENT, "agent");
	T_INT(pl_role_parse("root"), PL_ROLE_PUBLIC, "root");
	T_INT(pl_role_parse(NULL), PL_ROLE_PUBLIC, "NULL");
	T_STR(pl_role_name(PL_ROLE_ADMIN), "admin", "name");
	T_OK(PL_ROLE_SUPER > PL_ROLE_ADMIN &&
	         PL_ROLE_ADMIN > PL_ROLE_SUPERVISOR &&
	         PL_ROLE_SUPERVISOR > PL_ROLE_AGENT,
	    "rank order");
	pl_arena_free(a);
	return t_done();
}
