/* app.h: the FastCGI server: threads, the front line, graceful stop. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_APP_H
#define PL_APP_H

#include <stddef.h>

#include "route.h"

struct pl_config;
struct pl_dbpool;
struct pl_sqlset;
struct pl_tmpl_set;

struct pl_app {
	const char             *name;
	const struct pl_route  *routes;
	size_t                  nroutes;
	const struct pl_sqlset *sql;      /* this executable's statements */
	unsigned                threads;  /* default thread count (-t) */
	size_t                  stack_kb; /* thread stack size; 0: 256 */
	int auth_cache; /* cache bearer identities (id, role, tenant) in the
	                 * process, exact through revocation counters: for an
	                 * executable that answers each client again and again,
	                 * like the long-poll one; names and e-mail are then
	                 * not filled in */
};

/*
 * Run the executable: options "-s SOCKET" (required) and "-t THREADS";
 * configuration from the environment (config.h). Prepares every statement
 * and loads the templates before accepting, so a broken deployment fails at
 * boot. Serves until SIGTERM or SIGINT, then finishes the requests under way
 * and returns 0 (non-zero when start-up failed).
 */
int pl_app_main(const struct pl_app *app, int argc, char *argv[]);

/* Process-wide state, valid while pl_app_main runs (or after pl_app_boot). */
const struct pl_config   *pl_cfg(void);
struct pl_dbpool         *pl_pool(void);
const struct pl_tmpl_set *pl_templates(void);
/* True once a stop was asked for. */
int pl_stopping(void);

/*
 * Start-up without FastCGI, for tools (worker, admin, benchmarks): config,
 * logging, libraries, the database pool with the library's and these
 * statements, the notify area. Returns 0 or non-zero (logged).
 */
int pl_app_boot(
    const char *name, const struct pl_sqlset *sql, unsigned dbconns);
void pl_app_shutdown(void);
/* Ask every waiter to stop (signal handlers in tools call it). */
void pl_app_stop(void);

#endif
