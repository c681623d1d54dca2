/* test-outbox.c: the outbox against the real test database: an item is
 * queued once per intent, claimed and carried out by a sender, retried with
 * a growing delay, dead after too many attempts or when refused and revived
 * by an operator, and taken back from a worker that was killed mid-send. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arena.h"
#include "db.h"
#include "outbox.h"
#include "t.h"
#include "tdb.h"

enum {
	S_STATE,
	S_CLAIM_AS,
	S_DUE_NOW,
	S_ID,
	S__MAX
};

static const char *const stmts[S__MAX] = {
	[S_STATE] =
	    "SELECT status, attempts, last_error,"
	    " TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), next_attempt_at),"
	    " COALESCE(locked_by, '') FROM outbox WHERE idem_key = ?",
	[S_CLAIM_AS] =
	    "UPDATE outbox SET status = 'sending', locked_by = ?,"
	    " locked_until = UTC_TIMESTAMP() + INTERVAL 5 MINUTE"
	    " WHERE idem_key = ?",
	[S_DUE_NOW] =
	    "UPDATE outbox SET next_attempt_at = UTC_TIMESTAMP()"
	    " WHERE idem_key = ?",
	[S_ID] = "SELECT id FROM outbox WHERE idem_key = ?",
};

static const struct pl_sqlset test_sql = { "test-outbox", stmts, S__MAX };

/* A sender that does what the payload of the test's item says, counting
 * the items it saw of this run (other runs' items may be due too). */
struct script {
	const char *prefix; /* idem keys of this run */
	int         seen;
	int         attempt; /* of the last item seen */
};

static void
scripted(struct pl_db *db, struct pl_arena *a, const struct pl_outbox_item *it,
    const void *arg, struct pl_outbox_outcome *out)
{
	struct script *s = (struct script *)(uintptr_t)arg;

	(void)db;
	(void)a;
	out->verdict = PL_OUTBOX_RETRY;
	out->why = "not ours";
	out->delay = 3600;
	if (strncmp(it->idem, s->prefix, strlen(s->prefix)) != 0)
		return;
	s->seen++;
	s->attempt = it->attempt;
	if (strcmp(it->payload, "done") == 0)
		out->verdict = PL_OUTBOX_DONE;
	else if (strcmp(it->payload, "wait") == 0) {
		out->verdict = PL_OUTBOX_WAIT;
		out->delay = 600;
		out->why = "waiting for credentials";
	} else if (strcmp(it->payload, "dead") == 0) {
		out->verdict = PL_OUTBOX_DEAD;
		out->why = "refused: 21212";
	} else {
		out->delay = 0;
		out->why = "Twilio answered 503";
	}
}

static const char *
state(struct tdb *t, const char *idem, int64_t *attempts, const char **err,
    int64_t *in)
{
	struct pl_row row;

	if (pl_db_one(t->db, t->a, &test_sql, S_STATE, PL_ARGS(PL_STR(idem)),
	        &row) != PL_OK)
		return "missing";
	if (attempts)
		*attempts = pl_row_i64(&row, 1);
	if (err)
		*err = pl_row_str(&row, 2);
	if (in)
		*in = pl_row_i64(&row, 3);
	return pl_row_str(&row, 0);
}

/* Run the outbox's webhook kind (unused by the product so far: only this
 * test's items are of it) until nothing of ours is due. */
static void
run(struct tdb *t, struct script *s)
{
	size_t done;

	T_INT(pl_outbox_run(t->db, t->a, "webhook", 100, scripted, s, &done),
	    PL_OK, "run");
}

int
main(void)
{
	const struct pl_sqlset *uses[] = { &test_sql, NULL };
	struct tdb              t;
	struct script           s = { 0 };
	const char *p, *k_done, *k_retry, *k_dead, *k_lost, *k_wait, *err;
	int64_t     attempts, in;
	size_t      n;
	int         rc;

	if ((rc = tdb_open(&t, "test-outbox", uses)) != 0)
		return rc;
	p = tdb_unique(&t, "ob");
	s.prefix = p;
	k_done = pl_arena_printf(t.a, "%s:done", p);
	k_retry = pl_arena_printf(t.a, "%s:retry", p);
	k_dead = pl_arena_printf(t.a, "%s:dead", p);
	k_lost = pl_arena_printf(t.a, "%s:lost", p);
	k_wait = pl_arena_printf(t.a, "%s:wait", p);

	T_INT(
	    pl_outbox_put(t.db, "webhook", k_done, "t", "done"), PL_OK, "put");
	T_INT(pl_outbox_put(t.db, "webhook", k_done, "t", "done"), PL_ECONFLICT,
	    "the same intent twice is refused");
	pl_outbox_put(t.db, "webhook", k_retry, "t", "retry");
	pl_outbox_put(t.db, "webhook", k_dead, "t", "dead");

	run(&t, &s);
	T_INT(s.seen, 3, "each due item handed to the sender once");
	T_STR(state(&t, k_done, &attempts, NULL, NULL), "sent", "done: sent");
	T_INT(attempts, 1, "one attempt");
	T_STR(state(&t, k_retry, &attempts, &err, &in), "pending",
	    "retry: pending");
	T_STR(
	    err, "Twilio answered 503", "the reason is kept for the operator");
	T_OK(in >= 25 && in <= 30, "first retry in about 30 s");
	T_STR(state(&t, k_dead, NULL, &err, NULL), "failed", "refused: dead");
	T_STR(err, "refused: 21212", "why it died");

	/* Not due yet: the next run leaves it alone. */
	s.seen = 0;
	run(&t, &s);
	T_INT(s.seen, 0, "nothing due");

	/* Each failure waits longer, until the item dies. */
	for (int i = 2; i <= PL_OUTBOX_MAX_ATTEMPTS; i++) {
		int64_t before = 0;

		pl_db_exec(t.db, &test_sql, S_DUE_NOW, PL_ARGS(PL_STR(k_retry)),
		    NULL, NULL);
		run(&t, &s);
		if (i == 3) {
			state(&t, k_retry, NULL, NULL, &before);
			T_OK(before >= 100 && before <= 120,
			    "third failure: about two minutes");
		}
	}
	T_INT(s.attempt, PL_OUTBOX_MAX_ATTEMPTS, "attempted the most times");
	T_STR(state(&t, k_retry, &attempts, &err, NULL), "failed",
	    "dead after the most attempts");
	T_OK(err != NULL && strstr(err, "gave up after") != NULL,
	    "says it gave up");

	/* An operator revives a dead item: due now, attempts from zero. */
	T_INT(pl_outbox_retry(t.db, 0), PL_ENOTFOUND, "no such item");
	{
		struct pl_row row;
		int64_t       id = 0;

		if (pl_db_one(t.db, t.a, &test_sql, S_ID,
		        PL_ARGS(PL_STR(k_retry)), &row) == PL_OK)
			id = pl_row_i64(&row, 0);
		T_INT(pl_outbox_retry(t.db, id), PL_OK, "retry a dead item");
		T_STR(state(&t, k_retry, &attempts, NULL, NULL), "pending",
		    "pending again");
		T_INT(attempts, 0, "attempts from zero");
		T_INT(pl_outbox_retry(t.db, id), PL_ENOTFOUND,
		    "only a dead item is revived");
		s.seen = 0;
		run(&t, &s);
		T_INT(s.seen, 1, "due at once");
		T_INT(s.attempt, 1, "as a first attempt");
	}

	/* Waiting for a prerequisite counts no attempt. */
	pl_outbox_put(t.db, "webhook", k_wait, "t", "wait");
	for (int i = 0; i < 3; i++) {
		pl_db_exec(t.db, &test_sql, S_DUE_NOW, PL_ARGS(PL_STR(k_wait)),
		    NULL, NULL);
		run(&t, &s);
	}
	T_STR(state(&t, k_wait, &attempts, &err, &in), "pending",
	    "waiting: pending");
	T_INT(attempts, 0, "waiting used no attempt");
	T_STR(err, "waiting for credentials", "says what it waits for");
	T_OK(in >= 595 && in <= 600, "again after the delay asked");

	/* A claim by a process of this host that is gone is taken back. */
	pl_outbox_put(t.db, "webhook", k_lost, "t", "done");
	pl_db_exec(t.db, &test_sql, S_CLAIM_AS,
	    PL_ARGS(
	        PL_STR(pl_arena_printf(t.a, "%.*s:999999999",
	            (int)(strrchr(pl_outbox_owner(), ':') - pl_outbox_owner()),
	            pl_outbox_owner())),
	        PL_STR(k_lost)),
	    NULL, NULL);
	s.seen = 0;
	run(&t, &s);
	T_INT(s.seen, 0, "a claimed item is not sent again while claimed");
	T_INT(pl_outbox_reclaim(t.db, t.a, &n), PL_OK, "reclaim");
	T_OK(n >= 1, "the lost claim taken back");
	T_STR(state(&t, k_lost, NULL, NULL, NULL), "pending", "pending again");
	run(&t, &s);
	T_STR(state(&t, k_lost, NULL, NULL, NULL), "sent", "then carried out");

	tdb_close(&t);
	return t_done();
}
