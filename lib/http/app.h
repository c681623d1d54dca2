/* app.h: the FastCGI server: threads, the front line, graceful stop. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_APP_H
#define PL_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "route.h"

struct pl_app {
	const char             *name;
	const struct pl_route  *routes;
	size_t                  nroutes;
	const struct pl_sqlset *uses[PL_MAX_USES]; /* the modules its
	                                            * handlers call */
	unsigned threads;  /* default thread count (-t) */
	size_t   stack_kb; /* thread stack size; 0: 256 */
	bool     longpoll; /* its requests park (nginx: long read timeout,
	                    * no buffering) */
	bool upload;       /* it takes file uploads (multipart bodies up to
	                    * PL_MAX_UPLOAD): nginx lets its bodies that
	                    * big, the others stay at PL_MAX_BODY */
	bool auth_cache;   /* cache bearer identities (id, role, tenant) in the
	                    * process, exact through revocation counters: for an
	                    * executable that answers each client again and
	                    * again, like the long-poll one; names and e-mail are
	                    * then not filled in */
};

/*
 * Run the executable: options "-s SOCKET" (required) and "-t THREADS";
 * configuration from the environment (config.h). Prepares every statement
 * and loads the templates before accepting, so a broken deployment fails at
 * boot. Serves until SIGTERM or SIGINT, then finishes the requests under way
 * and returns 0 (non-zero when start-up failed).
 *
 * "--routes" prints the route table instead and exits (tools/gen-locations
 * makes nginx's locations from it):
 *   app NAME [longpoll] [upload]
 *   route METHODS PATH ROLE      (one line per page route and per API twin)
 */
int pl_app_main(const struct pl_app *app, int argc, char *argv[]);

#endif
