/* events.c: durable event streams read by cursor. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "events.h"
#include "pl_json.h"
#include "log.h"
#include "notify.h"

enum {
	E_BUMP,
	E_INSERT,
	E_READ,
	E_HEAD,
	E__MAX
};

static const char *const stmts[E__MAX] = {
	/* Takes the stream's row lock until commit: the next publisher to
	 * this stream waits, so sequences commit in order. LAST_INSERT_ID(x)
	 * hands the new value back with the reply (the insert id), saving a
	 * round trip; a stream's first event inserts 1 and reports 0. */
	[E_BUMP] =
	    "INSERT INTO event_streams (skey, seq) VALUES (?, 1)"
	    " ON DUPLICATE KEY UPDATE seq = LAST_INSERT_ID(seq + 1)",
	[E_INSERT] =
	    "INSERT INTO events (skey, seq, name, data) VALUES (?, ?, ?, ?)",
	[E_READ] =
	    "SELECT seq, name, data FROM events WHERE skey = ? AND seq > ?"
	    " ORDER BY seq LIMIT ?",
	[E_HEAD] = "SELECT seq FROM event_streams WHERE skey = ?",
};

const struct pl_sqlset pl_events_sql = { "events", stmts, E__MAX };

enum pl_err
pl_event_add(struct pl_db *db, struct pl_arena *a, const char *skey,
    const char *name, const char *data, uint64_t *seq)
{
	enum pl_err er;
	uint64_t    s = 0;

	(void)a;
	if ((er = pl_db_exec(db, &pl_events_sql, E_BUMP, PL_ARGS(PL_STR(skey)),
	         NULL, &s)) != PL_OK)
		return er;
	if (s == 0)
		s = 1;
	if ((er = pl_db_exec(db, &pl_events_sql, E_INSERT,
	         PL_ARGS(PL_STR(skey), PL_I64(s), PL_STR(name), PL_STR(data)),
	         NULL, NULL)) != PL_OK)
		return er;
	if (seq != NULL)
		*seq = s;
	return PL_OK;
}

enum pl_err
pl_event_publish(struct pl_db *db, struct pl_arena *a, const char *skey,
    const char *name, struct json_object *data)
{
	struct pl_buf b;
	enum pl_err   er = PL_EINTERNAL;

	pl_buf_init(&b, a);
	pl_json_write(&b, data);
	for (int tries = 0; tries < 5; tries++) {
		if ((er = pl_db_begin(db)) != PL_OK)
			return er;
		er = pl_event_add(db, a, skey, name, pl_buf_cstr(&b), NULL);
		if (er == PL_OK)
			er = pl_db_commit(db);
		else
			pl_db_rollback(db);
		if (er == PL_OK) {
			pl_notify_wake(skey);
			return PL_OK;
		}
		if (!pl_db_retryable(db))
			break;
	}
	return er;
}

static int
skey_ok(const char *s, size_t n)
{
	if (n == 0 || n >= PL_STREAM_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

enum pl_err
pl_cursor_parse(struct pl_arena *a, const char *text, const char *const *skeys,
    size_t n, struct pl_cursor *c)
{
	const char *p = text;
	size_t      pairs = 0;

	(void)a;
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		c->skey[i] = skeys[i];
		c->seq[i] = 0;
	}
	while (*p != '\0') {
		const char        *dot, *end = strchr(p, ',');
		size_t             len = end ? (size_t)(end - p) : strlen(p);
		char              *e;
		unsigned long long v;

		if (++pairs > 4 * PL_MAX_STREAMS)
			return PL_EINVAL;
		dot = memchr(p, '.', len);
		if (dot == NULL || !skey_ok(p, (size_t)(dot - p)) ||
		    dot + 1 == p + len || dot[1] < '0' || dot[1] > '9')
			return PL_EINVAL;
		errno = 0;
		v = strtoull(dot + 1, &e, 10);
		if (errno != 0 || e != p + len || v > INT64_MAX)
			return PL_EINVAL;
		for (size_t i = 0; i < n; i++)
			if (strlen(skeys[i]) == (size_t)(dot - p) &&
			    memcmp(skeys[i], p, (size_t)(dot - p)) == 0)
				c->seq[i] = v;
		p += len;
		if (*p == ',')
			p++;
	}
	return PL_OK;
}

enum pl_err
pl_cursor_head(struct pl_db *db, struct pl_arena *a, struct pl_cursor *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct pl_row row;
		enum pl_err   er = pl_db_one(db, a, &pl_events_sql, E_HEAD,
		      PL_ARGS(PL_STR(c->skey[i])), &row);

		if (er == PL_ENOTFOUND)
			c->seq[i] = 0;
		else if (er != PL_OK)
			return er;
		else
			c->seq[i] = (uint64_t)pl_row_i64(&row, 0);
	}
	return PL_OK;
}

char *
pl_cursor_text(struct pl_arena *a, const struct pl_cursor *c)
{
	struct pl_buf b;

	pl_buf_init(&b, a);
	for (size_t i = 0; i < c->n; i++)
		pl_buf_printf(&b, "%s%s.%llu", i ? "," : "", c->skey[i],
		    (unsigned long long)c->seq[i]);
	return b.p != NULL ? b.p : pl_arena_strdup(a, "");
}

/*
 * The long-poll cache. A direct-mapped table of streams; each entry holds
 * the events of one stream after "from" up to "head" as read while its
 * notify counter had the value "ver" (snapshotted before the read). While
 * the counter still has that value, no publish to the stream has completed
 * since, so the entry is what the database would say.
 *
 * One publish to a tenant's stream wakes every parked poll of the tenant at
 * once, so the hot path takes no mutex: the entry is read under a shared
 * (reader) lock; the one poll that must load claims the entry with a
 * compare-and-swap on "loadtag" (stream hash and counter), and the others
 * sleep on the "gen" futex word until the load is in, instead of queueing
 * on a lock the loader needs too.
 */
#define EC_SLOTS 16384 /* more than the streams one process parks on */

struct ec_ev {
	uint64_t seq;
	char    *name; /* malloc'd */
	char    *data; /* malloc'd */
};

struct ec_entry {
	pthread_rwlock_t lk;
	_Atomic uint64_t loadtag; /* (hash << 32 | ver) being loaded, or 0 */
	_Atomic uint32_t gen;     /* bumped when a load ends */
	/* Under lk: */
	bool          valid;
	char          skey[PL_STREAM_MAX];
	uint32_t      ver;
	uint64_t      from;     /* events after this seq ... */
	uint64_t      head;     /* ... up to this one are held */
	bool          complete; /* and there was none after head */
	size_t        n;
	struct ec_ev *ev;
};

static struct ec_entry *ec;
static pthread_once_t   ec_once = PTHREAD_ONCE_INIT;

static void
ec_init(void)
{
	pthread_rwlockattr_t attr;

	if ((ec = calloc(EC_SLOTS, sizeof(*ec))) == NULL)
		pl_die("events: out of memory");
	pthread_rwlockattr_init(&attr);
	/* A loader's write must not starve behind thousands of readers. */
	pthread_rwlockattr_setkind_np(
	    &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (size_t i = 0; i < EC_SLOTS; i++)
		pthread_rwlock_init(&ec[i].lk, &attr);
	pthread_rwlockattr_destroy(&attr);
}

static void
ec_clear(struct ec_entry *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->ev[i].name);
		free(e->ev[i].data);
	}
	free(e->ev);
	e->ev = NULL;
	e->n = 0;
	e->valid = false;
}

static char *
ec_strdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (p == NULL)
		pl_die("events: out of memory");
	return p;
}

/* Copy what the entry says about skey at ver after *seq; 1 if it could
 * answer (perhaps with no events), 0 if the database must. Under lk. */
static int
ec_answer(const struct ec_entry *e, struct pl_arena *a, const char *skey,
    uint32_t ver, uint64_t *seq, size_t max, struct pl_event **evp, size_t *n)
{
	struct pl_event *ev;

	if (!e->valid || e->ver != ver || e->from > *seq ||
	    strcmp(e->skey, skey) != 0)
		return 0;
	if (*seq >= e->head)
		return e->complete;
	if (*evp == NULL)
		*evp = pl_arena_array(a, max, sizeof(**evp));
	ev = *evp;
	for (size_t i = 0; i < e->n && *n < max; i++) {
		if (e->ev[i].seq <= *seq)
			continue;
		ev[*n].skey = pl_arena_strdup(a, skey);
		ev[*n].seq = e->ev[i].seq;
		ev[*n].name = pl_arena_strdup(a, e->ev[i].name);
		ev[*n].data = pl_arena_strdup(a, e->ev[i].data);
		*seq = e->ev[i].seq;
		(*n)++;
	}
	return 1;
}

/* Borrow a connection for a miss, or give it back (db NULL: none held). */
static struct pl_db *
db_take(struct pl_dbpool *pool, struct pl_db *db)
{
	return db != NULL ? db : pl_db_get(pool);
}

static struct pl_db *
db_give(struct pl_dbpool *pool, struct pl_db *db)
{
	if (db != NULL)
		pl_db_put(pool, db);
	return NULL;
}

enum pl_err
pl_events_poll(struct pl_dbpool *pool, struct pl_arena *a, struct pl_cursor *c,
    const uint32_t *vers, size_t max, struct pl_event **out, size_t *nout)
{
	struct pl_db *db = NULL;
	/* The array is made when there is something to put in it: a parked
	 * poll keeps its arena's pages, and most looks find nothing. */
	struct pl_event *ev = NULL;
	size_t           n = 0;

	pthread_once(&ec_once, ec_init);
	/* Never wait for another reader while holding a pooled connection:
	 * if every connection were held by threads waiting for a loader, the
	 * loader could not get one. A miss borrows one for its read only. */
	for (size_t i = 0; i < c->n && n < max; i++) {
		uint32_t         h = pl_notify_hash(c->skey[i]);
		struct ec_entry *e = &ec[h % EC_SLOTS];
		uint64_t         tag = (uint64_t)h << 32 | vers[i], none = 0;
		uint64_t         from = c->seq[i];
		struct pl_rows   rows;
		enum pl_err      er;
		bool             claimed = false;
		uint32_t         g;
		int              ok;

		for (;;) {
			g = atomic_load(&e->gen);
			pthread_rwlock_rdlock(&e->lk);
			ok = ec_answer(e, a, c->skey[i], vers[i], &c->seq[i],
			    max, &ev, &n);
			pthread_rwlock_unlock(&e->lk);
			if (ok)
				break;
			if (atomic_load(&e->loadtag) == tag) {
				/* Someone loads it; look again within a
				 * second in case that loader died. */
				pl_futex_wait_local(&e->gen, g, 1000);
				continue;
			}
			claimed = atomic_compare_exchange_strong(
			    &e->loadtag, &none, tag);
			break;
		}
		if (ok)
			continue;
		db = db_take(pool, db);
		er = pl_db_all(db, a, &pl_events_sql, E_READ,
		    PL_ARGS(PL_STR(c->skey[i]), PL_I64(from), PL_I64(max)),
		    &rows);
		/* Back at once: the next stream's look may wait for a loader.
		 */
		db = db_give(pool, db);
		if (claimed) {
			pthread_rwlock_wrlock(&e->lk);
			ec_clear(e);
			if (er == PL_OK) {
				e->ev =
				    calloc(rows.n ? rows.n : 1, sizeof(*e->ev));
				if (e->ev == NULL)
					pl_die("events: out of memory");
				for (size_t r = 0; r < rows.n; r++) {
					e->ev[r].seq =
					    (uint64_t)pl_row_i64(&rows.v[r], 0);
					e->ev[r].name = ec_strdup(
					    pl_row_str(&rows.v[r], 1));
					e->ev[r].data = ec_strdup(
					    pl_row_str(&rows.v[r], 2));
				}
				snprintf(
				    e->skey, sizeof(e->skey), "%s", c->skey[i]);
				e->ver = vers[i];
				e->n = rows.n;
				e->from = from;
				e->head = rows.n ? e->ev[rows.n - 1].seq : from;
				e->complete = rows.n < max;
				e->valid = true;
			}
			pthread_rwlock_unlock(&e->lk);
			atomic_store(&e->loadtag, 0);
			pl_futex_wake_local(&e->gen);
		}
		if (er != PL_OK)
			return er;
		if (rows.n > 0 && ev == NULL)
			ev = pl_arena_array(a, max, sizeof(*ev));
		for (size_t r = 0; r < rows.n && n < max; r++) {
			ev[n].skey = c->skey[i];
			ev[n].seq = (uint64_t)pl_row_i64(&rows.v[r], 0);
			ev[n].name = pl_row_str(&rows.v[r], 1);
			ev[n].data = pl_row_str(&rows.v[r], 2);
			c->seq[i] = ev[n].seq;
			n++;
		}
	}
	*out = ev;
	*nout = n;
	return PL_OK;
}

enum pl_err
pl_events_wait(struct pl_dbpool *pool, struct pl_arena *a, struct pl_cursor *c,
    int64_t deadline_ms, size_t max, pl_events_gone_fn *gone, void *arg,
    struct pl_event **out, size_t *nout)
{
	uint32_t    slots[PL_MAX_STREAMS], vals[PL_MAX_STREAMS];
	enum pl_err er;

	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < c->n; i++)
		slots[i] = pl_notify_slot(c->skey[i]);
	for (;;) {
		/* Snapshot first, then look: a publish that commits after the
		 * look has bumped a counter past the snapshot, so the wait
		 * below returns at once instead of missing it. */
		pl_notify_snapshot(slots, c->n, vals);
		if ((er = pl_events_poll(pool, a, c, vals, max, out, nout)) !=
		    PL_OK)
			return er;
		if (*nout > 0 || pl_notify_stopped())
			return PL_OK;
		/* Parked: no connection, query, lock or transaction held;
		 * every few seconds only a look at whether the client is
		 * still there. */
		for (;;) {
			int64_t until = pl_now_ms() + PL_EVENTS_SLICE_MS;

			if (until > deadline_ms)
				until = deadline_ms;
			if (pl_notify_wait(slots, vals, c->n, until))
				break; /* a counter moved: look again */
			if (pl_now_ms() >= deadline_ms || pl_notify_stopped())
				return PL_OK;
			if (gone != NULL && gone(arg))
				return PL_EHUP;
		}
	}
}

/* The streams: one line each. A key is the prefix and, but for the
 * platform's, the owner's id. */
static const struct {
	const char *prefix;
	bool        has_id;
} stream_kinds[] = {
	[PL_STREAM_USER] = { "user", true },
	[PL_STREAM_TENANT] = { "tenant", true },
	[PL_STREAM_PLATFORM] = { "platform", false },
	[PL_STREAM_CONV] = { "conv", true },
};

const char *
pl_stream(struct pl_arena *a, enum pl_stream_kind k, int64_t id)
{
	if ((unsigned)k >= sizeof(stream_kinds) / sizeof(stream_kinds[0]))
		pl_die("events: no stream kind %d", (int)k);
	if (!stream_kinds[k].has_id)
		return stream_kinds[k].prefix;
	return pl_arena_printf(
	    a, "%s-%lld", stream_kinds[k].prefix, (long long)id);
}

size_t
pl_streams_of(
    struct pl_arena *a, const struct pl_actor *who, const char **skeys)
{
	size_t n = 0;

	skeys[n++] = pl_stream(a, PL_STREAM_USER, who->user_id);
	if (who->role == PL_ROLE_SUPER)
		skeys[n++] = pl_stream(a, PL_STREAM_PLATFORM, 0);
	else if (who->role == PL_ROLE_ADMIN)
		skeys[n++] = pl_stream(a, PL_STREAM_TENANT, who->tenant_id);
	return n;
}
