/* parley-worker.c: drains the outbox (e-mail and Twilio now; SMS and
 * webhooks later) with retries, and runs the chat engine's timer (rounds
 * nobody answered, consoles gone quiet: chat.h) every few seconds. Sleeps on
 * the outbox's notify counter, so a queued mail goes out at once, and looks
 * again every few seconds for retries that came due. "--once" does one pass
 * (for cron on a shared host). */
/* SPDX-License-Identifier: MIT */
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "parley.h"

#include "chat.h"
#include "twacct.h"
#include "widgetnum.h"

static void
on_signal(int sig)
{
	(void)sig;
	pl_proc_stop();
}

#define BATCH   50
#define TICK_MS 5000 /* the chat timer's period */

/* Items of kind "twilio": a widget's number goes to widgetnum, the
 * accounts' own calls to twacct. */
static void
twilio_sender(struct pl_db *db, struct pl_arena *a,
    const struct pl_outbox_item *it, const void *arg,
    struct pl_outbox_outcome *out)
{
	static const char number[] = "{\"op\":\"number\",";

	if (strncmp(it->payload, number, sizeof(number) - 1) == 0)
		pl_widgetnum_sender(db, a, it, arg, out);
	else
		pl_twacct_sender(db, a, it, arg, out);
}

int
main(int argc, char *argv[])
{
	/* The kinds of side effects, and who carries each out. */
	const struct {
		const char       *kind;
		pl_outbox_sender *send;
		const void       *arg;
	} kinds[] = {
		{ "email", pl_outbox_mailer, pl_cfg() },
		{ "twilio", twilio_sender, pl_cfg() },
	};
	struct pl_arena *a;
	struct pl_db    *db;
	uint32_t         slot = pl_notify_slot(PL_OUTBOX_KEY), val;
	int              once = argc > 1 && strcmp(argv[1], "--once") == 0;
	int              rc = 0;

	if (argc > 1 && !once) {
		fprintf(stderr, "usage: parley-worker [--once]\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	const struct pl_sqlset *uses[] = { &pl_twacct_sql, &pl_widgetnum_sql,
		&pl_chat_sql, NULL };
	const struct pl_chat_config chat = pl_chat_config();
	int64_t                     ticked = 0;

	if (pl_proc_boot("worker", uses, 1) != 0)
		return 1;
	a = pl_arena_new(0);
	/* What a worker killed mid-send left claimed goes again now. */
	db = pl_db_get(pl_pool());
	{
		size_t n = 0;

		if (pl_outbox_reclaim(db, a, &n) == PL_OK && n > 0)
			pl_info(
			    "worker: took back %zu items a stopped worker"
			    " had claimed",
			    n);
	}
	pl_db_put(pl_pool(), db);
	pl_info("worker started as %s", pl_outbox_owner());
	while (!pl_stopping()) {
		size_t      done = 0, busy = 0;
		enum pl_err er;

		pl_notify_snapshot(&slot, 1, &val);
		db = pl_db_get(pl_pool());
		for (size_t k = 0; k < PL_NITEMS(kinds); k++) {
			er = pl_outbox_run(db, a, kinds[k].kind, BATCH,
			    kinds[k].send, kinds[k].arg, &done);
			pl_arena_reset(a);
			if (er != PL_OK)
				rc = 1;
			if (done == BATCH)
				busy = 1;
		}
		if (once || pl_now_ms() - ticked >= TICK_MS) {
			size_t n = 0;

			ticked = pl_now_ms();
			if (pl_chat_tick(
			        db, a, &chat, (int64_t)time(NULL), &n) != PL_OK)
				rc = 1;
			else if (n > 0)
				pl_info("worker: chat timer did %zu things", n);
			pl_arena_reset(a);
		}
		pl_db_put(pl_pool(), db);
		if (once)
			break;
		if (busy)
			continue; /* more may be waiting */
		pl_notify_wait(&slot, &val, 1, pl_now_ms() + 5000);
	}
	pl_arena_free(a);
	pl_proc_shutdown();
	pl_info("worker stopped");
	return once ? rc : 0;
}
