/* agents.c: placeholder until its resource is written (this issue). */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

static const struct pl_route routes[] = {
	{ PL_GET, "/agents", NULL, PL_ROLE_SUPER },
};

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "agents",
		.routes = routes,
		.nroutes = 0,
		.threads = 4,
	};

	return pl_app_main(&app, argc, argv);
}
