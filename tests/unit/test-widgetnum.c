/* test-widgetnum.c: a widget's number request (lib/domain/widgetnum.h)
 * against the real test database: a request marks the widget pending and
 * queues one purchase, asking again queues nothing more, a widget with a
 * number or an inactive one is refused (409 with the reason), another
 * tenant's widget is PL_ENOTFOUND and an agent may not ask; the worker's
 * step drops a stale request and records a business without a sub-account
 * as the widget's reason. (Purchases against Twilio: the end-to-end test
 * tests/e2e/widget-number.test.mjs.) */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "admin.h"
#include "arena.h"
#include "config.h"
#include "db.h"
#include "outbox.h"
#include "proc.h"
#include "t.h"
#include "tdb.h"
#include "widgetnum.h"

/* The test's own statements: widgets are made and read here directly (the
 * widget module has its own tests). */
enum {
	X_WIDGET,
	X_ID,
	X_STATE,
	X_SET,
	X_QUEUED,
	X_DROP_SUB,
	X__MAX
};
static const char *const xstmts[X__MAX] = {
	[X_WIDGET] =
	    "INSERT INTO widgets (tenant_id, public_key, website_url,"
	    " website_origin, website_host, time_zone, area_code, active)"
	    " VALUES (?, ?, 'https://shop.example/',"
	    " 'https://shop.example', 'shop.example', 'America/New_York',"
	    " '415', ?)",
	[X_ID] = "SELECT id FROM widgets WHERE public_key = ?",
	[X_STATE] =
	    "SELECT number_status, number_intent, number_error"
	    " FROM widgets WHERE id = ?",
	[X_SET] =
	    "UPDATE widgets SET number_status = ?, number_intent = ?,"
	    " number_error = ? WHERE id = ?",
	[X_QUEUED] =
	    "SELECT COUNT(*), COALESCE(MAX(payload), '') FROM outbox"
	    " WHERE recipient = ?",
	[X_DROP_SUB] = "DELETE FROM twilio_subaccounts WHERE tenant_id = ?",
};
static const struct pl_sqlset x_sql = { "test-widgetnum", xstmts, X__MAX,
	{ NULL } };

static int64_t
widget_new(struct tdb *t, int64_t tid, bool active)
{
	const char   *key = tdb_unique(t, "k");
	struct pl_row r;

	/* public_key is CHAR(22): the unique name's last 22 characters. */
	if (strlen(key) > 22)
		key += strlen(key) - 22;
	if (pl_db_exec(t->db, &x_sql, X_WIDGET,
	        PL_ARGS(PL_I64(tid), PL_STR(key), PL_I64(active)), NULL,
	        NULL) != PL_OK ||
	    pl_db_one(t->db, t->a, &x_sql, X_ID, PL_ARGS(PL_STR(key)), &r) !=
	        PL_OK)
		return 0;
	return pl_row_i64(&r, 0);
}

static const char *
state(struct tdb *t, int64_t wid, int64_t *intent, const char **why)
{
	struct pl_row r;

	if (pl_db_one(t->db, t->a, &x_sql, X_STATE, PL_ARGS(PL_I64(wid)), &r) !=
	    PL_OK)
		return "?";
	if (intent)
		*intent = pl_row_i64(&r, 1);
	if (why)
		*why = pl_row_str(&r, 2);
	return pl_row_str(&r, 0);
}

static int64_t
queued(struct tdb *t, int64_t wid, const char **payload)
{
	struct pl_row r;

	if (pl_db_one(t->db, t->a, &x_sql, X_QUEUED,
	        PL_ARGS(PL_STR(
	            pl_arena_printf(t->a, "widget:%lld", (long long)wid))),
	        &r) != PL_OK)
		return -1;
	if (payload)
		*payload = pl_row_str(&r, 1);
	return pl_row_i64(&r, 0);
}

/* The worker's step on a purchase of (tid, wid, intent). */
static struct pl_outbox_outcome
step(struct tdb *t, int64_t tid, int64_t wid, int64_t intent, int attempt)
{
	struct pl_outbox_item    it = { 0 };
	struct pl_outbox_outcome out = { 0 };

	it.kind = "twilio";
	it.payload = pl_arena_printf(t->a,
	    "{\"op\":\"number\",\"tenant_id\":%lld,\"widget_id\":%lld,"
	    "\"intent\":%lld}",
	    (long long)tid, (long long)wid, (long long)intent);
	it.attempt = attempt;
	pl_widgetnum_sender(t->db, t->a, &it, pl_cfg(), &out);
	return out;
}

int
main(void)
{
	const struct pl_sqlset  *uses[] = { &pl_widgetnum_sql, &pl_admin_sql,
		 &x_sql, NULL };
	struct tdb               t;
	struct pl_actor          super, a, b, c, agent;
	struct pl_errs           fe;
	struct pl_outbox_outcome out;
	const char              *payload, *why;
	int64_t                  w, w2, w3, w4, wc, intent = 0;
	int                      rc;

	if ((rc = tdb_open(&t, "test-widgetnum", uses)) != 0)
		return rc;
	super = tdb_super(&t);
	a = tdb_admin(&t, &super);
	b = tdb_admin(&t, &super);
	T_OK(a.tenant_id != 0 && b.tenant_id != 0, "two businesses");
	w = widget_new(&t, a.tenant_id, true);
	w2 = widget_new(&t, a.tenant_id, false);
	w3 = widget_new(&t, a.tenant_id, true);
	w4 = widget_new(&t, a.tenant_id, true);
	c = tdb_admin(&t, &super);
	wc = widget_new(&t, c.tenant_id, true);
	T_OK(w > 0 && w2 > 0 && w3 > 0 && w4 > 0 && wc > 0, "five widgets");

	/* A request: pending, one purchase queued for this intent. */
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widgetnum_request(t.db, t.a, &a, w, &fe), PL_OK, "request");
	T_STR(state(&t, w, &intent, NULL), "pending", "pending");
	T_INT(intent, 1, "first intent");
	T_INT(queued(&t, w, &payload), 1, "one purchase queued");
	T_OK(strstr(payload, "\"op\":\"number\"") != NULL &&
	         strstr(payload, "\"intent\":1") != NULL,
	    payload);
	/* Again while pending: nothing more. */
	T_INT(pl_widgetnum_request(t.db, t.a, &a, w, &fe), PL_OK, "again");
	T_INT(queued(&t, w, NULL), 1, "still one purchase");
	state(&t, w, &intent, NULL);
	T_INT(intent, 1, "same intent");

	/* Scope: another business's admin, an agent, a missing id. */
	T_INT(pl_widgetnum_request(t.db, t.a, &b, w3, &fe), PL_ENOTFOUND,
	    "another tenant's widget");
	T_STR(state(&t, w3, NULL, NULL), "none", "untouched");
	agent = a;
	agent.role = PL_ROLE_AGENT;
	T_INT(pl_widgetnum_request(t.db, t.a, &agent, w3, &fe), PL_EPERM,
	    "an agent");
	T_INT(
	    pl_widgetnum_request(t.db, t.a, &a, 0, &fe), PL_ENOTFOUND, "id 0");
	/* The super admin reaches any business's widget. */
	T_INT(pl_widgetnum_request(t.db, t.a, &super, w3, &fe), PL_OK,
	    "super admin");
	T_STR(state(&t, w3, NULL, NULL), "pending", "super's request");
	T_INT(queued(&t, w3, NULL), 1, "super's: one purchase queued");

	/* An inactive widget, and one with a number: 409 with the reason. */
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widgetnum_request(t.db, t.a, &a, w2, &fe), PL_ECONFLICT,
	    "inactive");
	T_OK(fe.msg != NULL && strstr(fe.msg, "Activate") != NULL,
	    "inactive: says so");
	T_INT(queued(&t, w2, NULL), 0, "inactive: nothing queued");

	/* The worker's step, on widgets whose state is set here with no
	 * outbox row (so the stack's own worker never sees them): a stale
	 * intent is done without a call. */
	T_INT(pl_db_exec(t.db, &x_sql, X_SET,
	          PL_ARGS(PL_STR("pending"), PL_I64(2), PL_STR(""), PL_I64(w4)),
	          NULL, NULL),
	    PL_OK, "a later request");
	out = step(&t, a.tenant_id, w4, 1, 1);
	T_INT(out.verdict, PL_OUTBOX_DONE, "stale intent");
	T_STR(state(&t, w4, NULL, NULL), "pending", "stale: unchanged");

	/* A business without a sub-account: the reason, for good. */
	T_INT(pl_db_exec(t.db, &x_sql, X_SET,
	          PL_ARGS(PL_STR("pending"), PL_I64(1), PL_STR(""), PL_I64(wc)),
	          NULL, NULL),
	    PL_OK, "c's pending widget");
	T_INT(pl_db_exec(t.db, &x_sql, X_DROP_SUB, PL_ARGS(PL_I64(c.tenant_id)),
	          NULL, NULL),
	    PL_OK, "no sub-account");
	out = step(&t, c.tenant_id, wc, 1, 1);
	T_INT(out.verdict, PL_OUTBOX_DEAD, "no sub-account: dead");
	T_STR(state(&t, wc, NULL, &why), "failed", "no sub-account: failed");
	T_OK(strstr(why, "no Twilio sub-account") != NULL, why);

	/* A failed number's request is its retry: a new intent, and the old
	 * reason goes (the stack's worker may already say it waits). */
	T_INT(pl_db_exec(t.db, &x_sql, X_SET,
	          PL_ARGS(PL_STR("failed"), PL_I64(4), PL_STR("old reason"),
	              PL_I64(w4)),
	          NULL, NULL),
	    PL_OK, "failed");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widgetnum_request(t.db, t.a, &a, w4, &fe), PL_OK, "retry");
	T_STR(state(&t, w4, &intent, &why), "pending", "retry: pending");
	T_INT(intent, 5, "retry: next intent");
	T_OK(strcmp(why, "old reason") != 0, "retry: the old reason is gone");
	T_INT(queued(&t, w4, NULL), 1, "retry: a purchase queued");

	/* Once it has a number, a request is refused. */
	T_INT(pl_db_exec(t.db, &x_sql, X_SET,
	          PL_ARGS(PL_STR("active"), PL_I64(5), PL_STR(""), PL_I64(w4)),
	          NULL, NULL),
	    PL_OK, "active");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widgetnum_request(t.db, t.a, &a, w4, &fe), PL_ECONFLICT,
	    "has a number");
	T_OK(fe.msg != NULL && strstr(fe.msg, "has a number") != NULL,
	    "has a number: says so");

	tdb_close(&t);
	return t_done();
}
