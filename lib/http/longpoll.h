/* longpoll.h: the long-poll read every poller shares (the staff's
 * /api/events, the visitor's conversation, the console): ?cursor= and
 * ?timeout= in, {"events":[...],"cursor":...} out. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_LONGPOLL_H
#define PL_LONGPOLL_H

#include <stddef.h>

#include "err.h"

struct pl_req;
struct pl_resp;

#define PL_POLL_MAX_EVENTS 100 /* events in one answer at most */

/*
 * Answer a poll of the streams skeys (n of them, already checked to be the
 * caller's): without ?cursor=, no events and the cursor of now; with one,
 * the events after it, waiting up to ?timeout= seconds (default and at most
 * PL_POLL_SECONDS) for the first. The wait releases the request's database
 * connection first, so a parked poll holds none. Sets data.events
 * [{event, data, stream, seq}...] and data.cursor. 400 (named) for a bad
 * cursor or timeout; PL_EHUP when the client went away.
 */
enum pl_err pl_longpoll(
    struct pl_req *rq, struct pl_resp *rs, const char *const *skeys, size_t n);

#endif
