/* proc.c: the process's state: configuration, pool, modules, stop flag. */
/* SPDX-License-Identifier: MIT */
#include <stdatomic.h>

#include <curl/curl.h>

#include "config.h"
#include "db.h"
#include "events.h"
#include "ident.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "proc.h"

#define MAX_SETS 64

static struct pl_config        cfg;
static struct pl_dbpool       *pool;
static _Atomic int             stopping;
static const struct pl_sqlset *sets[MAX_SETS];
static size_t                  nsets;

const struct pl_config *
pl_cfg(void)
{
	return &cfg;
}

struct pl_dbpool *
pl_pool(void)
{
	return pool;
}

int
pl_stopping(void)
{
	return atomic_load(&stopping);
}

void
pl_proc_stop(void)
{
	atomic_store(&stopping, 1);
	pl_notify_stop();
}

/* Add s and, first, what it uses (depth first, each once). */
static void
set_add(const struct pl_sqlset *s)
{
	for (size_t i = 0; i < nsets; i++)
		if (sets[i] == s)
			return;
	if (nsets == MAX_SETS)
		pl_die("proc: more than %d statement sets", MAX_SETS);
	sets[nsets++] = s; /* before its uses: a cycle ends here */
	for (size_t i = 0; i < PL_MAX_USES && s->uses[i] != NULL; i++)
		set_add(s->uses[i]);
}

int
pl_proc_boot(
    const char *name, const struct pl_sqlset *const *uses, unsigned dbconns)
{
	pl_log_init(name, PL_LOG_INFO);
	if (pl_config_load(&cfg) != PL_OK)
		return 1;
	pl_log_init(name, cfg.log_level);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		pl_error("curl_global_init failed");
		return 1;
	}
	nsets = 0;
	set_add(&pl_events_sql);
	set_add(&pl_outbox_sql);
	set_add(&pl_ident_sql);
	if (uses != NULL)
		for (size_t i = 0; uses[i] != NULL; i++)
			set_add(uses[i]);
	if (pl_dbpool_new(&cfg, sets, nsets, dbconns ? dbconns : cfg.db_pool,
	        &pool) != PL_OK)
		return 1;
	if (pl_notify_open(cfg.notify_file) != PL_OK)
		return 1;
	return 0;
}

void
pl_proc_shutdown(void)
{
	pl_dbpool_free(pool);
	pool = NULL;
	pl_notify_close();
	curl_global_cleanup();
}
