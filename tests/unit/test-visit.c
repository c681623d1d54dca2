/* test-visit.c: the visitor's side of a widget against the test database:
 * only an active widget of an unblocked tenant answers, with its active
 * departments and its hours; a start with bad fields names them and
 * stores nothing; the contact is matched by e-mail or phone, never
 * duplicated, and its last connection set; the counters and the events
 * commit with the rows; a retried send answers the first message; a wrong
 * token or another widget's conversation is not found; ending withdraws an
 * unanswered request; a closed widget takes a left message; rate limits. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "contact.h"
#include "crypto.h"
#include "events.h"
#include "t.h"
#include "tdb.h"
#include "visit.h"

enum {
	F_TENANT,
	F_BLOCK,
	F_DEPT,
	F_WIDGET,
	F_WDEPT,
	F_CONTACTS,
	F_CONVS,
	F_COUNTERS,
	F_CONV,
	F_CONNECTED,
	F_LAST_EVENT,
	F__MAX
};

static const char *const fstmts[F__MAX] = {
	[F_TENANT] = "INSERT INTO tenants (company) VALUES (?)",
	[F_BLOCK] = "UPDATE tenants SET blocked = 1 WHERE id = ?",
	[F_DEPT] =
	    "INSERT INTO departments (tenant_id, name, active)"
	    " VALUES (?, ?, ?)",
	[F_WIDGET] =
	    "INSERT INTO widgets (tenant_id, public_key, website_url,"
	    " website_origin, website_host, time_zone, days, open_from,"
	    " open_to, active)"
	    " VALUES (?, ?, 'https://shop.example.com/',"
	    " 'https://shop.example.com', 'shop.example.com',"
	    " 'America/New_York', ?, ?, ?, ?)",
	[F_WDEPT] =
	    "INSERT INTO widget_departments (tenant_id, widget_id,"
	    " department_id) VALUES (?, ?, ?)",
	[F_CONTACTS] = "SELECT COUNT(*) FROM contacts WHERE tenant_id = ?",
	[F_CONVS] = "SELECT COUNT(*) FROM conversations WHERE widget_id = ?",
	[F_COUNTERS] =
	    "SELECT message_count, waiting_count FROM widgets WHERE id = ?",
	[F_CONV] =
	    "SELECT contact_id, channel, status, COALESCE(department_id, 0),"
	    " message_count, visitor_phone_e164 FROM conversations"
	    " WHERE id = ?",
	[F_CONNECTED] =
	    "SELECT last_connected_at IS NOT NULL, website FROM contacts"
	    " WHERE id = ?",
	[F_LAST_EVENT] =
	    "SELECT name, data FROM events WHERE skey = ?"
	    " ORDER BY seq DESC LIMIT 1",
};

static const struct pl_sqlset fix_sql = { "test-visit", fstmts, F__MAX };

static struct tdb t;

static int64_t
ins(size_t stmt, const struct pl_val *args, size_t n)
{
	uint64_t id = 0;

	if (pl_db_exec(t.db, &fix_sql, stmt, args, n, NULL, &id) != PL_OK)
		return 0;
	return (int64_t)id;
}

static int64_t
scalar(size_t stmt, int64_t id, size_t col)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, stmt, PL_ARGS(PL_I64(id)), &row) !=
	    PL_OK)
		return -1;
	return pl_row_i64(&row, col);
}

static const char *
text(size_t stmt, int64_t id, size_t col)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, stmt, PL_ARGS(PL_I64(id)), &row) !=
	    PL_OK)
		return "(none)";
	return pl_row_str(&row, col);
}

/* A 22-character public key unique to the run. */
static const char *
key_new(void)
{
	unsigned char b[16];

	pl_random(b, sizeof(b));
	return pl_b64url_encode(t.a, b, 16);
}

static const char *
widget_new(
    int64_t tenant, unsigned days, int from, int to, int active, int64_t *id)
{
	const char *k = key_new();

	*id = ins(F_WIDGET, PL_ARGS(PL_I64(tenant), PL_STR(k), PL_I64(days),
	                        PL_I64(from), PL_I64(to), PL_I64(active)));
	return k;
}

/* The last event of a stream, as "name data". */
static const char *
last_event(const char *skey)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, F_LAST_EVENT, PL_ARGS(PL_STR(skey)),
	        &row) != PL_OK)
		return "(none)";
	return pl_arena_printf(
	    t.a, "%s %s", pl_row_str(&row, 0), pl_row_str(&row, 1));
}

int
main(void)
{
	static const struct pl_sqlset      *uses[] = { &pl_visit_sql, &fix_sql,
		     NULL };
	static const struct pl_visit_limits lim = { 1000, 1000, 1000, 1000 };
	struct pl_visit_widget              w, w2, wc;
	struct pl_visit_conv                c, c2, c3;
	struct pl_visit_msg                 m, m2;
	struct pl_errs                      fe;
	int64_t tenant, blocked, d1, d2, d3, wid, wid2, wid3, wid4, wid5;
	int64_t now = 1736960400; /* Wednesday 2025-01-15 17:00 UTC, noon EST */
	const char *k, *k2, *k3, *k4, *k5, *email;
	bool        created;
	int         rc;

	if ((rc = tdb_open(&t, "test-visit", uses)) != 0)
		return rc;
	tenant = ins(F_TENANT, PL_ARGS(PL_STR(tdb_unique(&t, "Shop"))));
	blocked = ins(F_TENANT, PL_ARGS(PL_STR(tdb_unique(&t, "Gone"))));
	d1 = ins(F_DEPT, PL_ARGS(PL_I64(tenant), PL_STR("Sales"), PL_I64(1)));
	d2 = ins(F_DEPT, PL_ARGS(PL_I64(tenant), PL_STR("Billing"), PL_I64(1)));
	d3 = ins(F_DEPT, PL_ARGS(PL_I64(tenant), PL_STR("Old"), PL_I64(0)));
	T_OK(tenant && blocked && d1 && d2 && d3, "fixtures");
	/* Weekdays 9 to 5 Eastern; the same, inactive; a blocked tenant's;
	 * one with no department; one open only a minute at 1:00 (closed
	 * at noon). */
	k = widget_new(tenant, 62, 540, 1020, 1, &wid);
	k2 = widget_new(tenant, 62, 540, 1020, 0, &wid2);
	k3 = widget_new(blocked, 62, 540, 1020, 1, &wid3);
	k4 = widget_new(tenant, 127, 0, 0, 1, &wid4);
	k5 = widget_new(tenant, 62, 60, 61, 1, &wid5);
	ins(F_WDEPT, PL_ARGS(PL_I64(tenant), PL_I64(wid), PL_I64(d1)));
	ins(F_WDEPT, PL_ARGS(PL_I64(tenant), PL_I64(wid), PL_I64(d2)));
	ins(F_WDEPT, PL_ARGS(PL_I64(tenant), PL_I64(wid), PL_I64(d3)));
	ins(F_WDEPT, PL_ARGS(PL_I64(tenant), PL_I64(wid5), PL_I64(d1)));
	pl_db_exec(
	    t.db, &fix_sql, F_BLOCK, PL_ARGS(PL_I64(blocked)), NULL, NULL);

	/* Only an active widget of an unblocked tenant answers. */
	T_INT(pl_visit_widget(t.db, t.a, k, now, &w), PL_OK, "active widget");
	T_INT(pl_visit_widget(t.db, t.a, k2, now, &w2), PL_ENOTFOUND,
	    "inactive widget");
	T_INT(pl_visit_widget(t.db, t.a, k3, now, &w2), PL_ENOTFOUND,
	    "blocked tenant");
	T_INT(pl_visit_widget(t.db, t.a, "short", now, &w2), PL_ENOTFOUND,
	    "malformed key");
	T_INT(pl_visit_widget(t.db, t.a, "' OR 1=1 -- xxxxxxxxxxx", now, &w2),
	    PL_ENOTFOUND, "SQL in the key");
	T_INT(w.ndepts, 2, "two active departments");
	T_STR(w.ndepts == 2 ? w.depts[0].name : "", "Billing", "by name");
	T_OK(w.open, "open at noon on Wednesday");
	T_OK(w.phone_number == NULL && w.logo_version == NULL,
	    "no number, no logo");
	T_INT(pl_visit_widget(t.db, t.a, k, now + 6 * 3600, &wc), PL_OK,
	    "again at 6 PM");
	T_OK(!wc.open, "closed at 6 PM");
	T_STR(wc.next_label, "tomorrow 9:00 AM Eastern", "next opening");

	/* Bad fields: every one named, nothing stored. */
	{
		struct pl_visit_input in = { .name = "",
			.email = "nope@",
			.phone = "12ab",
			.department_id = d3,
			.message = "",
			.client_id = "bad id!",
			.addr = "1" };
		int64_t               before = scalar(F_CONTACTS, tenant, 0);

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(
		          t.db, t.a, &w, &lim, &in, false, now, &fe, &c),
		    PL_EINVAL, "bad start");
		T_OK(pl_errs_get(&fe, "name") != NULL, "name named");
		T_OK(pl_errs_get(&fe, "email") != NULL, "email named");
		T_OK(pl_errs_get(&fe, "phone") != NULL, "phone named");
		T_OK(pl_errs_get(&fe, "department_id") != NULL,
		    "an inactive department refused");
		in = (struct pl_visit_input){
			.name = "Vic", .email = "vic@example.com", .addr = "1"
		};
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(
		          t.db, t.a, &w, &lim, &in, false, now, &fe, &c),
		    PL_EINVAL, "no department of two");
		T_STR(pl_errs_get(&fe, "department_id"), "Choose a department.",
		    "department required");
		in.department_id = 999999999;
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(
		          t.db, t.a, &w, &lim, &in, false, now, &fe, &c),
		    PL_EINVAL, "another department");
		T_INT(scalar(F_CONTACTS, tenant, 0), before, "no contact");
		T_INT(scalar(F_CONVS, wid, 0), 0, "no conversation");
	}

	/* A start: contact, conversation, counters, events. */
	email = tdb_email(&t, "visitor");
	{
		struct pl_visit_input in = { .name = "Vera Visitor",
			.email = email,
			.phone = "(212) 555-0142",
			.department_id = d1,
			.message = "Hello there",
			.client_id = "first-1",
			.addr = "192.0.2.1" };

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(
		          t.db, t.a, &w, &lim, &in, false, now, &fe, &c),
		    PL_OK, "start");
		T_OK(c.id > 0 && c.token && strlen(c.token) == 43, "a token");
		T_STR(c.cursor,
		    pl_arena_printf(t.a, "conv-%lld.1", (long long)c.id),
		    "the cursor after the first message");
		T_STR(text(F_CONV, c.id, 1), "web", "channel");
		T_STR(text(F_CONV, c.id, 2), "new", "status");
		T_INT(scalar(F_CONV, c.id, 3), d1, "department");
		T_INT(scalar(F_CONV, c.id, 4), 1, "one message");
		T_STR(text(F_CONV, c.id, 5), "+12125550142", "phone in E.164");
		T_INT(scalar(F_COUNTERS, wid, 0), 1, "widget message_count");
		T_INT(scalar(F_COUNTERS, wid, 1), 1, "widget waiting_count");
		T_INT(scalar(F_CONNECTED, scalar(F_CONV, c.id, 0), 0), 1,
		    "last connected set");
		T_STR(text(F_CONNECTED, scalar(F_CONV, c.id, 0), 1),
		    "https://shop.example.com/", "the contact's website");
		T_OK(
		    strstr(last_event(pl_stream(t.a, PL_STREAM_TENANT, tenant)),
		        "request.new") != NULL,
		    "request.new on the tenant's stream");
		T_OK(
		    strstr(last_event(pl_stream(t.a, PL_STREAM_TENANT, tenant)),
		        "\"Hello there\"") != NULL,
		    "with the first message");
		T_OK(strstr(last_event(pl_stream(t.a, PL_STREAM_CONV, c.id)),
		         "message.new") != NULL,
		    "message.new on the conversation's stream");
	}

	/* The same person by phone, typed another way: the same contact. */
	{
		struct pl_visit_input in = { .name = "V.",
			.phone = "+1 212 555 0142",
			.addr = "192.0.2.1" };
		int64_t               before = scalar(F_CONTACTS, tenant, 0);

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(
		          t.db, t.a, &wc, &lim, &in, true, now, &fe, &c2),
		    PL_EINVAL, "a left message needs a message");
		in.message = "Call me";
		in.department_id = d2;
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(
		          t.db, t.a, &w, &lim, &in, false, now, &fe, &c2),
		    PL_OK, "start by phone");
		T_INT(scalar(F_CONV, c2.id, 0), scalar(F_CONV, c.id, 0),
		    "matched by phone");
		T_INT(scalar(F_CONTACTS, tenant, 0), before, "not duplicated");
	}

	/* Sends: a retry answers the first; counters move once. */
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_visit_send(t.db, t.a, &w, &lim, c.id, c.token, "m-2",
	          "Are you there?", "192.0.2.1", now, &fe, &m, &created),
	    PL_OK, "send");
	T_OK(created, "created");
	T_STR(m.sender, "visitor", "sender");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_visit_send(t.db, t.a, &w, &lim, c.id, c.token, "m-2",
	          "Are you there?", "192.0.2.1", now, &fe, &m2, &created),
	    PL_OK, "the same send again");
	T_OK(!created, "not created again");
	T_INT(m2.id, m.id, "the same message");
	T_INT(scalar(F_CONV, c.id, 4), 2, "two messages");
	T_INT(scalar(F_COUNTERS, wid, 0), 3, "widget messages: 3");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_visit_send(t.db, t.a, &w, &lim, c.id, c.token, "", "x",
	          "192.0.2.1", now, &fe, &m2, &created),
	    PL_EINVAL, "no client id");
	T_INT(pl_visit_send(t.db, t.a, &w, &lim, c.id, c.token, "m-3", "",
	          "192.0.2.1", now, &fe, &m2, &created),
	    PL_EINVAL, "empty body");

	/* Nobody else reads or writes it. */
	T_INT(pl_visit_conv_get(t.db, t.a, &w, c.id, c.token, &c3), PL_OK,
	    "its token");
	T_INT(pl_visit_conv_get(t.db, t.a, &w, c.id, c2.token, &c3),
	    PL_ENOTFOUND, "another conversation's token");
	T_INT(pl_visit_conv_get(t.db, t.a, &w, c.id, "", &c3), PL_ENOTFOUND,
	    "no token");
	T_INT(pl_visit_widget(t.db, t.a, k4, now, &w2), PL_OK, "widget 4");
	T_INT(pl_visit_conv_get(t.db, t.a, &w2, c.id, c.token, &c3),
	    PL_ENOTFOUND, "through another widget");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_visit_send(t.db, t.a, &w2, &lim, c.id, c.token, "m-9", "hi",
	          "192.0.2.1", now, &fe, &m2, &created),
	    PL_ENOTFOUND, "send through another widget");

	/* Ending withdraws the unanswered request; then no more sends. */
	T_INT(pl_visit_end(t.db, t.a, &w, c.id, c.token, &c3), PL_OK, "end");
	T_STR(c3.status, "closed", "withdrawn");
	T_INT(scalar(F_COUNTERS, wid, 1), 1, "waiting count back to one");
	T_OK(strstr(last_event(pl_stream(t.a, PL_STREAM_TENANT, tenant)),
	         "request.closed") != NULL,
	    "request.closed on the tenant's stream");
	T_OK(strstr(last_event(pl_stream(t.a, PL_STREAM_CONV, c.id)),
	         "chat.ended") != NULL,
	    "chat.ended on its stream");
	T_INT(pl_visit_end(t.db, t.a, &w, c.id, c.token, &c3), PL_OK,
	    "end again");
	T_INT(scalar(F_COUNTERS, wid, 1), 1, "counted once");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_visit_send(t.db, t.a, &w, &lim, c.id, c.token, "m-4", "hi",
	          "192.0.2.1", now, &fe, &m2, &created),
	    PL_ECONFLICT, "send after the end");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_visit_send(t.db, t.a, &w, &lim, c.id, c.token, "m-2", "x",
	          "192.0.2.1", now, &fe, &m2, &created),
	    PL_OK, "a retry of a sent message still answers");

	/* The widget without departments takes none; the closed one
	 * refuses a chat and takes a left message. */
	{
		struct pl_visit_input in = { .name = "Nora",
			.email = tdb_email(&t, "nora"),
			.addr = "2" };

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(
		          t.db, t.a, &w2, &lim, &in, false, now, &fe, &c3),
		    PL_OK, "no department to pick");
		T_STR(c3.cursor,
		    pl_arena_printf(t.a, "conv-%lld.0", (long long)c3.id),
		    "no message yet");
		T_INT(pl_visit_widget(t.db, t.a, k5, now, &w2), PL_OK, "w5");
		T_OK(!w2.open, "closed");
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(
		          t.db, t.a, &w2, &lim, &in, false, now, &fe, &c3),
		    PL_ECONFLICT, "closed: no chat");
		T_STR(fe.msg, "We're closed, back tomorrow 1:00 AM Eastern.",
		    "when it opens");
		in.message = "Please call back";
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(
		          t.db, t.a, &w2, &lim, &in, true, now, &fe, &c3),
		    PL_OK, "a left message");
		T_STR(text(F_CONV, c3.id, 1), "message", "channel message");
		T_STR(
		    text(F_CONV, c3.id, 2), "new", "a request like any other");
		T_INT(scalar(F_CONV, c3.id, 3), d1, "the only department");
		T_OK(c3.token == NULL, "no token for a left message");
		T_INT(scalar(F_COUNTERS, wid5, 0), 1, "counted");
		T_INT(scalar(F_COUNTERS, wid5, 1), 1, "waiting");
	}

	/* Rate limits: the third start from one address in a minute. The
	 * windows are near the real clock: any process sweeps windows older
	 * than two minutes by its own clock, so a window in 2025 could vanish
	 * under a test running beside another (w4 is open all day). */
	{
		int64_t                             rnow = (int64_t)time(NULL);
		static const struct pl_visit_limits two = { 2, 1000, 1, 1000 };
		struct pl_visit_input               in = { .name = "Rita",
			              .email = tdb_email(&t, "rita"),
			              .addr = tdb_unique(&t, "addr") };

		T_INT(pl_visit_widget(t.db, t.a, k4, rnow, &w2), PL_OK, "w4");
		for (int i = 0; i < 2; i++) {
			memset(&fe, 0, sizeof(fe));
			T_INT(pl_visit_start(t.db, t.a, &w2, &two, &in, false,
			          rnow, &fe, &c3),
			    PL_OK, "under the limit");
		}
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(
		          t.db, t.a, &w2, &two, &in, false, rnow, &fe, &c3),
		    PL_ETOOMANY, "over the limit");
		T_OK(fe.msg != NULL && strstr(fe.msg, "wait a minute"),
		    "says why");
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_start(t.db, t.a, &w2, &two, &in, false,
		          rnow + 60, &fe, &c3),
		    PL_OK, "the next minute");
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_send(t.db, t.a, &w2, &two, c3.id, c3.token, "a",
		          "one", in.addr, rnow + 60, &fe, &m, &created),
		    PL_OK, "one send");
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_send(t.db, t.a, &w2, &two, c3.id, c3.token, "b",
		          "two", in.addr, rnow + 60, &fe, &m, &created),
		    PL_ETOOMANY, "the second send in the minute");
	}

	tdb_close(&t);
	return t_done();
}
