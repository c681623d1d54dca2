/* messages.c: the long-poll endpoint of the real-time spine. Chat messages
 * join it with the chat engine.
 *
 * GET /api/events?cursor=... answers at once when anything is past the
 * cursor and otherwise parks: the database connection goes back to the
 * pool and the thread sleeps on the streams' futex counters (notify.h), so
 * a parked poll holds no query, lock or transaction, only a small stack.
 */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

int pl_req_peer_gone(const struct pl_req *rq);

static pl_handler events_get;

static const struct pl_route routes[] = {
	{ PL_GET, "/api/events", events_get, PL_ROLE_AGENT },
};

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "messages",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.threads = 2000,
		.stack_kb = 128,
		.auth_cache = 1, /* every delivery is followed by a new poll */
	};

	return pl_app_main(&app, argc, argv);
}

#define MAX_EVENTS 100
#define SLICE_MS   5000 /* how often a parked poll checks its client */

/* The streams a signed-in user follows. */
static size_t
streams_of(struct pl_req *rq, const char **skeys)
{
	const struct pl_sess *s = rq->sess;
	size_t                n = 0;

	skeys[n++] = pl_user_stream(rq->arena, s->user_id);
	if (s->tenant_id != 0)
		skeys[n++] = pl_arena_printf(
		    rq->arena, "tenant-%lld", (long long)s->tenant_id);
	else
		skeys[n++] = "platform";
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
	const char         *skeys[PL_MAX_STREAMS];
	const char         *text = pl_query(rq, "cursor");
	const char         *tmo = pl_query(rq, "timeout");
	struct pl_cursor    c;
	struct pl_event    *ev = NULL;
	struct json_object *list, *o = pl_resp_obj(rs);
	uint32_t            slots[PL_MAX_STREAMS], vals[PL_MAX_STREAMS];
	size_t              n = streams_of(rq, skeys), nev = 0;
	long long           secs = PL_POLL_SECONDS;
	int64_t             deadline;
	enum pl_err         er;

	if (tmo != NULL &&
	    pl_parse_i64(tmo, 0, PL_POLL_SECONDS, &secs) != PL_OK)
		return pl_in_fail(rq, "timeout",
		    "timeout is a whole number of seconds from 0 to 25.");
	if (text == NULL) {
		pl_cursor_parse(rq->arena, "", skeys, n, &c);
		if ((er = pl_cursor_head(pl_req_db(rq), rq->arena, &c)) !=
		    PL_OK)
			return er;
		goto reply;
	}
	if (strlen(text) > 1024 ||
	    pl_cursor_parse(rq->arena, text, skeys, n, &c) != PL_OK)
		return pl_in_fail(rq, "cursor", "The cursor is malformed.");
	for (size_t i = 0; i < n; i++)
		slots[i] = pl_notify_slot(skeys[i]);
	deadline = pl_now_ms() + secs * 1000;
	for (;;) {
		/* Snapshot first, then look: a publish that commits after the
		 * look has bumped a counter past the snapshot, so the wait
		 * below returns at once instead of missing it. */
		pl_notify_snapshot(slots, n, vals);
		if ((er = pl_events_poll(rq, &c, vals, MAX_EVENTS, &ev, &nev)) !=
		    PL_OK)
			return er;
		if (nev > 0 || pl_stopping())
			break;
		pl_req_db_release(rq);
		/* Parked: no query, lock or transaction held; every few
		 * seconds only a look at whether the client is still there. */
		for (;;) {
			int64_t until = pl_now_ms() + SLICE_MS;

			if (until > deadline)
				until = deadline;
			if (pl_notify_wait(slots, vals, n, until))
				break; /* a counter moved: look again */
			if (pl_now_ms() >= deadline || pl_stopping())
				goto reply;
			if (pl_req_peer_gone(rq))
				return PL_EHUP;
		}
	}
reply:
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
