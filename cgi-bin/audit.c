/* audit.c: the audit log: the super admin reads all of it (or one admin's
 * company with ?admin_id=), an admin its own company's. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

static const struct pl_route routes[] = {
	{ PL_GET, "/audit", pl_audit_list, PL_ROLE_ADMIN },
	{ PL_GET, "/api/audit", pl_audit_list, PL_ROLE_ADMIN },
};

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "audit",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.threads = 4,
	};

	return pl_app_main(&app, argc, argv);
}
