/* longpoll.c: see longpoll.h. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <json-c/json.h>

#include "events.h"
#include "longpoll.h"
#include "notify.h"
#include "parse.h"
#include "pl_json.h"
#include "pl_limits.h"
#include "proc.h"
#include "req.h"
#include "resp.h"

static int
client_gone(void *rq)
{
	return pl_req_peer_gone(rq);
}

static struct json_object *
events_json(const struct pl_event *ev, size_t nev)
{
	struct json_object *list = json_object_new_array();

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
	return list;
}

enum pl_err
pl_longpoll(
    struct pl_req *rq, struct pl_resp *rs, const char *const *skeys, size_t n)
{
	const char         *text = pl_query(rq, "cursor");
	const char         *tmo = pl_query(rq, "timeout");
	struct pl_cursor    c;
	struct pl_event    *ev = NULL;
	struct json_object *o;
	size_t              nev = 0;
	long long           secs = PL_POLL_SECONDS;
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
	} else {
		if (strlen(text) > 1024 ||
		    pl_cursor_parse(rq->arena, text, skeys, n, &c) != PL_OK)
			return pl_in_fail(
			    rq, "cursor", "The cursor is malformed.");
		/* The request holds no connection while it waits. */
		pl_req_db_release(rq);
		if ((er = pl_events_wait(pl_pool(), rq->arena, &c,
		         pl_now_ms() + secs * 1000, PL_POLL_MAX_EVENTS,
		         client_gone, rq, &ev, &nev)) != PL_OK)
			return er;
	}
	o = pl_resp_obj(rs);
	json_object_object_add(o, "events", events_json(ev, nev));
	pl_json_set_str(o, "cursor", pl_cursor_text(rq->arena, &c));
	return PL_OK;
}
