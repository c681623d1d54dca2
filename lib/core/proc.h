/* proc.h: the process: its configuration, its database pool, the modules
 * it uses, and whether it is stopping. The only mutable globals of the
 * library live in proc.c, at the bottom: the FastCGI loop (http/app.c),
 * the worker and the tools start the process through pl_proc_boot(), and
 * nothing here calls back up. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_PROC_H
#define PL_PROC_H

#include "db.h"

struct pl_config;
struct pl_dbpool;

/*
 * Start the process: logging, configuration from the environment, libcurl,
 * the database pool with the statements of every module in uses (and of
 * the modules those use, once each; the core's own: events, outbox, ident), and
 * the notify area. dbconns 0: the configured pool size. Returns 0, or
 * non-zero with the reason logged.
 */
int pl_proc_boot(
    const char *name, const struct pl_sqlset *const *uses, unsigned dbconns);
void pl_proc_shutdown(void);

/* Valid between pl_proc_boot and pl_proc_shutdown. */
const struct pl_config *pl_cfg(void);
struct pl_dbpool       *pl_pool(void);

/* Ask every waiter to stop (signal handlers call it); pl_stopping() is
 * true from then on. */
void pl_proc_stop(void);
int  pl_stopping(void);

#endif
