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

const struct pl_route *
pl_route_match(const struct pl_route *routes, size_t n, unsigned method,
    const char *path, struct pl_arena *a, struct pl_params *p,
    unsigned *allowed)
{
	struct pl_params scratch;

	*allowed = 0;
	for (size_t i = 0; i < n; i++) {
		if (!path_match(routes[i].path, path, NULL, &scratch))
			continue;
		if (routes[i].methods & method) {
			path_match(routes[i].path, path, a, p);
			return &routes[i];
		}
		*allowed |= routes[i].methods;
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

static const struct {
	const char *name;
	const char *label;
} roles[] = {
	[PL_ROLE_PUBLIC] = { "public", "Visitor" },
	[PL_ROLE_AGENT] = { "agent", "Agent" },
	[PL_ROLE_SUPERVISOR] = { "supervisor", "Supervisor" },
	[PL_ROLE_ADMIN] = { "admin", "Admin" },
	[PL_ROLE_SUPER] = { "super_admin", "Super admin" },
};

enum pl_role
pl_role_parse(const char *s)
{
	for (size_t i = 1; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (s != NULL && strcmp(s, roles[i].name) == 0)
			return (enum pl_role)i;
	return PL_ROLE_PUBLIC;
}

const char *
pl_role_name(enum pl_role r)
{
	return (unsigned)r <= PL_ROLE_SUPER ? roles[r].name : "public";
}

const char *
pl_role_label(enum pl_role r)
{
	return (unsigned)r <= PL_ROLE_SUPER ? roles[r].label : "Visitor";
}
