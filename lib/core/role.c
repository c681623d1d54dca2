/* role.c: role names. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "role.h"

static const struct {
	const char *name;
	const char *label;
	const char *brief;
} roles[] = {
	[PL_ROLE_NONE] = { "none", "Nobody", "none" },
	[PL_ROLE_AGENT] = { "agent", "Agent", "agent" },
	[PL_ROLE_SUPERVISOR] = { "supervisor", "Supervisor", "supervisor" },
	[PL_ROLE_ADMIN] = { "admin", "Admin", "admin" },
	[PL_ROLE_SUPER] = { "super_admin", "Super admin", "super" },
	[PL_ROLE_PUBLIC] = { "public", "Visitor", "public" },
};

enum pl_role
pl_role_parse(const char *s)
{
	for (size_t i = PL_ROLE_AGENT; i <= PL_ROLE_SUPER; i++)
		if (s != NULL && strcmp(s, roles[i].name) == 0)
			return (enum pl_role)i;
	return PL_ROLE_NONE;
}

const char *
pl_role_name(enum pl_role r)
{
	return (unsigned)r <= PL_ROLE_PUBLIC ? roles[r].name : "none";
}

const char *
pl_role_label(enum pl_role r)
{
	return (unsigned)r <= PL_ROLE_PUBLIC ? roles[r].label : "Nobody";
}

const char *
pl_role_short(enum pl_role r)
{
	return (unsigned)r <= PL_ROLE_PUBLIC ? roles[r].brief : "none";
}
