/* events.c: the long-poll endpoint of the real-time spine. Chat messages
 * join it with the chat engine.
 *
 * GET /api/events?cursor=... answers at once when anything is past the
 * cursor and otherwise parks: the database connection goes back to the
 * pool and the thread sleeps on the streams' futex counters (notify.h), so
 * a parked poll holds no query, lock or transaction, only a small stack.
 */
/* SPDX-License-Identifier: MIT */
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
		.auth_cache =
		    true, /* every delivery is followed by a new poll */
	};

	return pl_app_main(&app, argc, argv);
}

/* The streams a signed-in user follows. */
static size_t
streams_of(struct pl_req *rq, const char **skeys)
{
	const struct pl_sess *s = rq->sess;
	size_t                n = 0;

	skeys[n++] = pl_stream(rq->arena, PL_STREAM_USER, s->user_id);
	if (s->tenant_id != 0)
		skeys[n++] =
		    pl_stream(rq->arena, PL_STREAM_TENANT, s->tenant_id);
	else
		skeys[n++] = pl_stream(rq->arena, PL_STREAM_PLATFORM, 0);
	return n;
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

	return pl_longpoll(rq, rs, skeys, streams_of(rq, skeys));
}
