/* route.c: static route tables, matched by method and path. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "route.h"

/* Match one pattern against a path, segment by segment. */
static int
path_match(
    const char *pat, const char *path, struct pl_arena *a, struct pl_params *p)
{
	p->n = 0;
	while (*pat != '\0' && *path != '\0') {
		if (*pat == ':') {
			const char *ne = strchr(pat, '/');
			const char *ve = strchr(path, '/');
			size_t      nl = ne ? (size_t)(ne - pat) : strlen(pat);
			size_t vl = ve ? (size_t)(ve - path) : strlen(path);

			if (vl == 0 || p->n == PL_MAX_PARAMS)
				return 0;
			if (a != NULL) {
				p->name[p->n] =
				    pl_arena_strndup(a, pat + 1, nl - 1);
				p->val[p->n] = pl_arena_strndup(a, path, vl);
			}
			p->n++;
			pat += nl;
			path += vl;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

/* The path a row is matched against: the page path, or under /api/ the
 * rest after "/api". */
static const char *
twin_path(const char *path, bool *api)
{
	*api = strncmp(path, "/api/", 5) == 0;
	return *api ? path + 4 : path;
}

const struct pl_route *
pl_route_match(const struct pl_route *routes, size_t n, unsigned method,
    const char *path, struct pl_arena *a, struct pl_params *p, bool *api,
    unsigned *allowed)
{
	struct pl_params scratch;
	const char      *tp = twin_path(path, api);

	*allowed = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned m = *api ? routes[i].api : routes[i].html;

		if (m == 0 || !path_match(routes[i].path, tp, NULL, &scratch))
			continue;
		if (m & method) {
			path_match(routes[i].path, tp, a, p);
			return &routes[i];
		}
		*allowed |= m;
	}
	return NULL;
}

const char *
pl_route_check(const struct pl_route *routes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (routes[i].path == NULL || routes[i].path[0] != '/')
			return "a route path must start with /";
		if (routes[i].fn == NULL)
			return "a route has no handler";
		if (routes[i].role == PL_ROLE_NONE)
			return "a route names no role (PL_ROLE_PUBLIC must be "
			       "said)";
		if ((routes[i].html | routes[i].api) == 0)
			return "a route has no method";
		if (strncmp(routes[i].path, "/api/", 5) == 0)
			return "a route path starts with /api/ (use .api)";
	}
	return NULL;
}

static const struct {
	unsigned    bit;
	const char *name;
} methods[] = {
	{ PL_GET, "GET" },
	{ PL_POST, "POST" },
	{ PL_PUT, "PUT" },
	{ PL_DELETE, "DELETE" },
	{ PL_PATCH, "PATCH" },
};

unsigned
pl_method_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(s, methods[i].name) == 0)
			return methods[i].bit;
	return 0;
}

char *
pl_method_list(struct pl_arena *a, unsigned m)
{
	struct pl_buf b;

	pl_buf_init(&b, a);
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (m & methods[i].bit) {
			if (b.len > 0)
				pl_buf_puts(&b, ", ");
			pl_buf_puts(&b, methods[i].name);
		}
	return b.p != NULL ? b.p : pl_arena_strdup(a, "");
}
