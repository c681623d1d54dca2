/* events.c: the long-poll endpoint of the real-time spine. Chat messages
 * join it with the chat engine.
 *
 * GET /api/events?cursor=... answers at once when anything is past the
 * cursor and otherwise parks: the database connection goes back to the
 * pool and the thread sleeps on the streams' futex counters (notify.h), so
 * a parked poll holds no query, lock or transaction, only a small stack.
 */
/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <time.h>

#include "chat.h"
#include "parley.h"

static pl_handler events_get;

static const struct pl_route routes[] = {
	{ "/events", events_get, PL_ROLE_AGENT, .api = PL_GET },
};

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "events",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.threads = 2000,
		.stack_kb = 128,
		.longpoll = true,
		.uses = { &pl_chat_sql },
		.auth_cache =
		    true, /* every delivery is followed by a new poll */
	};

	return pl_app_main(&app, argc, argv);
}

/*
 * Presence: a console that polls is online. One write per user every
 * SEEN_EVERY seconds at most, per process (a small table of the last
 * write by user; a collision only costs an early write).
 */
#define SEEN_EVERY 30
#define SEEN_SLOTS 4096

static void
seen(struct pl_req *rq)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static struct {
		int64_t user;
		time_t  at;
	} slot[SEEN_SLOTS];
	int64_t u = rq->who.user_id;
	size_t  i = (size_t)u % SEEN_SLOTS;
	time_t  now = time(NULL);
	bool    due;

	if (u <= 0 || rq->who.real_user_id != 0)
		return;
	pthread_mutex_lock(&mu);
	due = slot[i].user != u || now - slot[i].at >= SEEN_EVERY;
	if (due) {
		slot[i].user = u;
		slot[i].at = now;
	}
	pthread_mutex_unlock(&mu);
	if (due && pl_chat_seen(pl_req_db(rq), rq->arena, &rq->who) != PL_OK)
		pl_warn("presence of user %lld not recorded", (long long)u);
}

/*
 * GET /api/events?cursor=C[&timeout=S]
 * 200 {"events":[{"event":NAME,"data":{...},"stream":S,"seq":N}...],
 * "cursor":C2}. Without a cursor: no events and the cursor of "now". With
 * one: the events after it (at most 100, in order per stream), waiting up
 * to S seconds (default and at most 25) for the first. 400 bad cursor.
 */
static enum pl_err
events_get(struct pl_req *rq, struct pl_resp *rs)
{
	const char *skeys[PL_MAX_STREAMS];

	seen(rq);
	return pl_longpoll(
	    rq, rs, skeys, pl_streams_of(rq->arena, &rq->who, skeys));
}
