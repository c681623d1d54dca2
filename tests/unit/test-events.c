/* test-events.c: durable streams and the long-poll wait against the real
 * test database: publish, cursors, the cached read, a wait that ends at
 * its deadline with nothing, a wait woken by a publish from another thread,
 * and stream names. Also the notify counters underneath. */
/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "arena.h"
#include "db.h"
#include "events.h"
#include "notify.h"
#include "proc.h"
#include "t.h"
#include "tdb.h"

struct later {
	const char *skey;
	int         ok;
};

/* Publish one event a little after the waiter has parked. */
static void *
publish_later(void *arg)
{
	struct later       *l = arg;
	struct timespec     ts = { 0, 200 * 1000 * 1000 };
	struct pl_db       *db;
	struct pl_arena    *a = pl_arena_new(0);
	struct json_object *d = json_object_new_object();

	nanosleep(&ts, NULL);
	db = pl_db_get(pl_pool());
	json_object_object_add(d, "n", json_object_new_int(3));
	l->ok = pl_event_publish(db, a, l->skey, "LATER", d) == PL_OK;
	pl_db_put(pl_pool(), db);
	json_object_put(d);
	pl_arena_free(a);
	return NULL;
}

int
main(void)
{
	struct tdb          t;
	struct pl_cursor    c;
	struct pl_event    *ev;
	size_t              nev;
	const char         *s1, *s2, *keys[2];
	uint32_t            slots[2], vals[2], v2;
	struct json_object *d;
	enum pl_err         er;
	int                 rc;

	if ((rc = tdb_open(&t, "test-events", NULL)) != 0)
		return rc;

	/* Stream names come from one place. */
	T_STR(pl_stream(t.a, PL_STREAM_USER, 12), "user-12", "user stream");
	T_STR(pl_stream(t.a, PL_STREAM_TENANT, 3), "tenant-3", "tenant stream");
	T_STR(pl_stream(t.a, PL_STREAM_PLATFORM, 99), "platform",
	    "platform stream has no id");
	T_STR(pl_stream(t.a, PL_STREAM_CONV, 41), "conv-41",
	    "conversation stream");

	s1 = tdb_unique(&t, "ev-a");
	s2 = tdb_unique(&t, "ev-b");
	keys[0] = s1;
	keys[1] = s2;

	/* Cursors: text round trip; unknown streams ignored; junk refused. */
	T_INT(pl_cursor_parse(t.a, "", keys, 2, &c), PL_OK, "empty cursor");
	T_INT(c.seq[0] + c.seq[1], 0, "empty cursor starts at 0");
	T_INT(
	    pl_cursor_parse(t.a,
	        pl_arena_printf(t.a, "%s.5,other.9,%s.7", s1, s2), keys, 2, &c),
	    PL_OK, "cursor with an unknown stream");
	T_INT(c.seq[0], 5, "first stream's position");
	T_INT(c.seq[1], 7, "second stream's position");
	T_STR(pl_cursor_text(t.a, &c),
	    pl_arena_printf(t.a, "%s.5,%s.7", s1, s2), "cursor text");
	T_INT(pl_cursor_parse(t.a, "x", keys, 2, &c), PL_EINVAL, "no dot");
	T_INT(pl_cursor_parse(t.a, "a.-1", keys, 2, &c), PL_EINVAL, "negative");
	T_INT(pl_cursor_parse(t.a, "A.1", keys, 2, &c), PL_EINVAL,
	    "upper case key");
	T_INT(pl_cursor_parse(t.a, "a.99999999999999999999", keys, 2, &c),
	    PL_EINVAL, "overflow");

	/* Publish three to s1, one to s2; read all after 0, in order. */
	for (int i = 1; i <= 3; i++) {
		d = json_object_new_object();
		json_object_object_add(d, "i", json_object_new_int(i));
		T_INT(pl_event_publish(t.db, t.a, s1, "TICK", d), PL_OK,
		    "publish to s1");
		json_object_put(d);
	}
	d = json_object_new_object();
	T_INT(
	    pl_event_publish(t.db, t.a, s2, "TOCK", d), PL_OK, "publish to s2");
	json_object_put(d);
	pl_cursor_parse(t.a, "", keys, 2, &c);
	slots[0] = pl_notify_slot(s1);
	slots[1] = pl_notify_slot(s2);
	pl_notify_snapshot(slots, 2, vals);
	er = pl_events_poll(pl_pool(), t.a, &c, vals, 100, &ev, &nev);
	T_INT(er, PL_OK, "poll");
	T_INT(nev, 4, "all four events");
	T_OK(nev == 4 && ev[0].seq == 1 && ev[2].seq == 3 &&
	         strcmp(ev[0].skey, s1) == 0 && strcmp(ev[3].skey, s2) == 0,
	    "in order per stream");
	T_OK(nev == 4 && strcmp(ev[1].data, "{\"i\":2}") == 0, "data kept");
	T_INT(c.seq[0], 3, "cursor past s1's events");
	T_INT(c.seq[1], 1, "cursor past s2's event");

	/* The same read again from the same place: the cache answers the
	 * same rows (a poll woken with thousands of others). */
	pl_cursor_parse(t.a, pl_arena_printf(t.a, "%s.1", s1), keys, 2, &c);
	er = pl_events_poll(pl_pool(), t.a, &c, vals, 100, &ev, &nev);
	T_INT(nev, 3, "from s1.1: two of s1 and one of s2");
	T_OK(nev == 3 && ev[0].seq == 2, "starts after the cursor");

	/* max bounds a read; the cursor stops where it stopped. */
	pl_cursor_parse(t.a, "", keys, 2, &c);
	er = pl_events_poll(pl_pool(), t.a, &c, vals, 2, &ev, &nev);
	T_INT(nev, 2, "max 2");
	T_INT(c.seq[0], 2, "cursor at the last returned");

	/* The head: a poll "from now". */
	T_INT(pl_cursor_head(t.db, t.a, &c), PL_OK, "head");
	T_INT(c.seq[0], 3, "s1 head");
	T_INT(c.seq[1], 1, "s2 head");

	/* Nothing after the head: the wait ends at its deadline, empty. */
	pl_db_put(pl_pool(), t.db); /* a waiter holds no connection */
	t.db = NULL;
	er = pl_events_wait(
	    pl_pool(), t.a, &c, pl_now_ms() + 300, 100, NULL, NULL, &ev, &nev);
	T_INT(er, PL_OK, "wait to the deadline");
	T_INT(nev, 0, "nothing arrived");

	/* A publish from another thread wakes the wait with its event. */
	{
		struct later l = { s2, 0 };
		pthread_t    th;

		pthread_create(&th, NULL, publish_later, &l);
		er = pl_events_wait(pl_pool(), t.a, &c, pl_now_ms() + 20000,
		    100, NULL, NULL, &ev, &nev);
		pthread_join(th, NULL);
		T_OK(l.ok, "the other thread published");
		T_INT(er, PL_OK, "woken");
		T_INT(nev, 1, "one event");
		T_OK(nev == 1 && strcmp(ev[0].name, "LATER") == 0 &&
		         strcmp(ev[0].skey, s2) == 0 && ev[0].seq == 2,
		    "the published event");
		T_INT(c.seq[1], 2, "cursor advanced");
	}

	/* notify: a wake bumps the key's counter; a wait on a stale value
	 * returns at once; one on the current value times out. */
	pl_notify_snapshot(slots, 1, vals);
	pl_notify_wake(s1);
	pl_notify_snapshot(slots, 1, &v2);
	T_OK(v2 != vals[0], "wake bumps the counter");
	T_INT(pl_notify_wait(slots, vals, 1, pl_now_ms() + 5000), 1,
	    "stale value: woken at once");
	T_INT(pl_notify_wait(slots, &v2, 1, pl_now_ms() + 50), 0,
	    "current value: timeout");
	T_INT(pl_notify_slot(s1), pl_notify_slot(s1), "slot is stable");

	t.db = pl_db_get(pl_pool());
	tdb_close(&t);
	return t_done();
}
