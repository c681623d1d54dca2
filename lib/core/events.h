/* events.h: durable event streams read by cursor.
 *
 * An event is committed to MariaDB before anyone is told (durable first).
 * Each stream ("user-12", "tenant-3") has a sequence bumped under its row
 * lock in the publishing transaction, so a stream's events commit in
 * sequence order and "everything after N" never skips a late commit (the
 * AUTO_INCREMENT trap). A cursor is a list of "stream.seq" pairs; pollers
 * sleep on notify.h's counters while nothing is past their cursor.
 */
/* SPDX-License-Identifier: MIT */
#ifndef PL_EVENTS_H
#define PL_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "pl_limits.h"

struct json_object;
struct pl_arena;

extern const struct pl_sqlset pl_events_sql;

#define PL_STREAM_MAX 64 /* bytes of a stream key */

/* A poller's position: one sequence per stream it follows. */
struct pl_cursor {
	const char *skey[PL_MAX_STREAMS];
	uint64_t    seq[PL_MAX_STREAMS];
	size_t      n;
};

struct pl_event {
	const char *skey;
	uint64_t    seq;
	const char *name;
	const char *data; /* JSON text */
};

/*
 * Append an event to a stream inside the caller's transaction (call
 * pl_notify_wake(skey) after the commit). data is JSON text (an object).
 * PL_OK or a database error (PL_EUNAVAIL for a retryable deadlock).
 */
enum pl_err pl_event_add(struct pl_db *db, struct pl_arena *a, const char *skey,
    const char *name, const char *data, uint64_t *seq);
/*
 * Publish one event in its own transaction, retrying deadlocks, and wake
 * the stream's pollers. data is serialised with pl_json_write rules.
 */
enum pl_err pl_event_publish(struct pl_db *db, struct pl_arena *a,
    const char *skey, const char *name, struct json_object *data);
/*
 * Parse a cursor string ("user-12.5,tenant-3.7") against the streams a
 * poller follows (skeys, n): streams missing from the text start at 0;
 * pairs for streams not followed are ignored. PL_EINVAL for malformed text.
 */
enum pl_err pl_cursor_parse(struct pl_arena *a, const char *text,
    const char *const *skeys, size_t n, struct pl_cursor *c);
/* Set every stream of c to its current head (a poll "from now"). */
enum pl_err pl_cursor_head(
    struct pl_db *db, struct pl_arena *a, struct pl_cursor *c);
/* The cursor as text, into the arena. */
char *pl_cursor_text(struct pl_arena *a, const struct pl_cursor *c);
/*
 * A long-poll's read: up to max events after the cursor, stream by stream,
 * advancing the cursor past what is returned (*out and *nout arena-owned),
 * through this process's cache of recent events per stream. vers are the
 * streams' notify counters as snapshotted (pl_notify_snapshot) BEFORE the call.
 * A cached read stays valid while its stream's counter keeps the value it had
 * before the read (a publish bumps the counter after its commit), so when one
 * publish wakes thousands of polls on a stream, one of them reads the database
 * and the others copy its rows; a poll whose streams did not change reads
 * nothing. Concurrent readers of the same stream wait for the one that is
 * loading. A miss borrows a connection from pool for its read only.
 */
struct pl_dbpool;
enum pl_err pl_events_poll(struct pl_dbpool *pool, struct pl_arena *a,
    struct pl_cursor *c, const uint32_t *vers, size_t max,
    struct pl_event **out, size_t *nout);

#define PL_EVENTS_SLICE_MS 5000 /* how often a parked wait checks gone() */

/* Has the client gone away? (The FastCGI peer, for the long-poll.) */
typedef int pl_events_gone_fn(void *arg);

/*
 * The long-poll wait, for any set of streams: the events after c (at most
 * max; the cursor advances past them), waiting until deadline_ms
 * (pl_now_ms clock) for the first. While nothing is there it holds no
 * connection, query, lock or transaction: it sleeps on the streams' notify
 * counters, and every PL_EVENTS_SLICE_MS asks gone(arg) (may be NULL).
 * PL_OK with *nout events (0 at the deadline or when the process stops:
 * pl_notify_stop),
 * PL_EHUP when gone() said so, or a database error.
 */
enum pl_err pl_events_wait(struct pl_dbpool *pool, struct pl_arena *a,
    struct pl_cursor *c, int64_t deadline_ms, size_t max,
    pl_events_gone_fn *gone, void *arg, struct pl_event **out, size_t *nout);

/*
 * Streams are named here and nowhere else: a new kind of stream is one
 * line in the enum and one in events.c's table.
 */
enum pl_stream_kind {
	PL_STREAM_USER,     /* a user's own: password, block, offers to it */
	PL_STREAM_TENANT,   /* everyone of a tenant */
	PL_STREAM_PLATFORM, /* the super admin's (id ignored) */
	PL_STREAM_CONV,     /* one conversation's messages ("conv-ID"): what
	                     * its visitor follows, and its agents later */
};
/* The stream's key ("user-12"), into the arena. */
const char *pl_stream(struct pl_arena *a, enum pl_stream_kind k, int64_t id);
/*
 * The streams who follows, into skeys (room for PL_WHO_STREAMS): its own,
 * and its tenant's for an admin (the platform's for the super admin).
 * Agents and supervisors hear of a request only through their own stream,
 * where the chat engine puts the offers made to them, so they never see one
 * they were not offered. Returns how many.
 */
#define PL_WHO_STREAMS 2
size_t pl_streams_of(
    struct pl_arena *a, const struct pl_actor *who, const char **skeys);

#endif
