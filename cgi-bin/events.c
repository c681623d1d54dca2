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

#define MAX_EVENTS 100

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

static int
client_gone(void *rq)
{
	return pl_req_peer_gone(rq);
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
	const char         *skeys[PL_MAX_STREAMS];
	const char         *text = pl_query(rq, "cursor");
	const char         *tmo = pl_query(rq, "timeout");
	struct pl_cursor    c;
	struct pl_event    *ev = NULL;
	struct json_object *list, *o = pl_resp_obj(rs);
	size_t              n = streams_of(rq, skeys), nev = 0;
	long long           secs = PL_POLL_SECONDS;
	enum pl_err         er;

	if (tmo != NULL &&
	    pl_parse_i64(tmo, 0, PL_POLL_SECONDS, &secs) != PL_OK)
		return pl_in_fail(rq, "timeout",
		    "timeout is a whole number of seconds from 0 to 25.");
	if (text == NULL) {
		pl_cursor_parse(rq->arena, "", skeys, n, &c);
		er = pl_cursor_head(pl_req_db(rq), rq->arena, &c);
		if (er != PL_OK)
			return er;
	} else {
		if (strlen(text) > 1024 ||
		    pl_cursor_parse(rq->arena, text, skeys, n, &c) != PL_OK)
			return pl_in_fail(
			    rq, "cursor", "The cursor is malformed.");
		/* The request holds no connection while it waits. */
		pl_req_db_release(rq);
		er = pl_events_wait(pl_pool(), rq->arena, &c,
		    pl_now_ms() + secs * 1000, MAX_EVENTS, client_gone, rq, &ev,
		    &nev);
		if (er != PL_OK)
			return er;
	}
	list = json_object_new_array();
	for (size_t i = 0; i < nev; i++) {
		struct json_object *e = json_object_new_object();
		struct json_object *d = json_tokener_parse(ev[i].data);

		pl_json_set_str(e, "event", ev[i].name);
		json_object_object_add(
		    e, "data", d ? d : json_object_new_object());
		pl_json_set_str(e, "stream", ev[i].skey);
		pl_json_set_i64(e, "seq", (long long)ev[i].seq);
		json_object_array_add(list, e);
	}
	json_object_object_add(o, "events", list);
	pl_json_set_str(o, "cursor", pl_cursor_text(rq->arena, &c));
	return PL_OK;
}
