/* test-chat.c: the chat engine against the test database, transition by
 * transition: a visitor's request is offered to its department's agents
 * only; the first accept wins (also when several race on their own
 * connections); a message reaches the holder and the visitor, a note only
 * staff, a retry never doubles; transfer to an agent (no Reject) and to a
 * department (with Reject); every agent of a round rejecting tells the
 * admin and offers it again; resolve tells the admin and counts on the
 * widget; a supervisor reassigns within its departments only and the
 * previous agent loses the chat; close; an unanswered round times out;
 * a quiet console goes offline with an SMS row; re-initiate from a contact;
 * the visitor leaving withdraws the offers; another tenant sees nothing. */
/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "chat.h"
#include "crypto.h"
#include "events.h"
#include "proc.h"
#include "t.h"
#include "tdb.h"
#include "visit.h"

enum {
	F_TENANT,
	F_DEPT,
	F_USER,
	F_MEMBER,
	F_WIDGET,
	F_WDEPT,
	F_OFFERS,
	F_OFFER,
	F_CONV,
	F_WCOUNT,
	F_CARD,
	F_LAST_EVENT,
	F_EVENT_LIKE,
	F_OUTBOX,
	F_STEP,
	F_PRESENCE,
	F_AGE_OFFER,
	F_AGE_SEEN,
	F_DUE_IN,
	F__MAX
};

static const char *const fstmts[F__MAX] = {
	[F_TENANT] = "INSERT INTO tenants (company) VALUES (?)",
	[F_DEPT] =
	    "INSERT INTO departments (tenant_id, name, active)"
	    " VALUES (?, ?, 1)",
	[F_USER] =
	    "INSERT INTO users (tenant_id, role, email, first_name, last_name,"
	    " phone_e164) VALUES (?, ?, ?, ?, ?, ?)",
	[F_MEMBER] =
	    "INSERT INTO department_agents (tenant_id, department_id, user_id,"
	    " supervisor) VALUES (?, ?, ?, ?)",
	[F_WIDGET] =
	    "INSERT INTO widgets (tenant_id, public_key, website_url,"
	    " website_origin, website_host, time_zone, days, open_from,"
	    " open_to, active)"
	    " VALUES (?, ?, 'https://shop.example.com/',"
	    " 'https://shop.example.com', 'shop.example.com',"
	    " 'America/New_York', 127, 0, 0, 1)",
	[F_WDEPT] =
	    "INSERT INTO widget_departments (tenant_id, widget_id,"
	    " department_id) VALUES (?, ?, ?)",
	/* The open offers of a conversation's current round, as "u1,u2". */
	[F_OFFERS] =
	    "SELECT COALESCE(GROUP_CONCAT(o.user_id ORDER BY o.user_id), '')"
	    " FROM offers o JOIN conversations c ON c.id = o.conversation_id"
	    " AND c.round = o.round WHERE o.conversation_id = ?"
	    " AND o.state = 'open'",
	[F_OFFER] =
	    "SELECT state, can_reject FROM offers WHERE conversation_id = ?"
	    " AND user_id = ? ORDER BY round DESC LIMIT 1",
	[F_CONV] =
	    "SELECT status, COALESCE(agent_id, 0), round, reject_count,"
	    " transfer_count, COALESCE(department_id, 0), unread,"
	    " message_count FROM conversations WHERE id = ?",
	[F_WCOUNT] =
	    "SELECT waiting_count, ongoing_count, resolved_count, message_count"
	    " FROM widgets WHERE id = ?",
	[F_CARD] =
	    "SELECT COUNT(*) FROM contact_agents WHERE user_id = ?"
	    " AND contact_id = ?",
	[F_LAST_EVENT] =
	    "SELECT name, data FROM events WHERE skey = ?"
	    " ORDER BY seq DESC LIMIT 1",
	[F_EVENT_LIKE] =
	    "SELECT COUNT(*) FROM events WHERE skey = ? AND name = ?"
	    " AND data LIKE ?",
	[F_OUTBOX] =
	    "SELECT COUNT(*) FROM outbox WHERE kind = ? AND idem_key = ?",
	[F_STEP] =
	    "SELECT COUNT(*) FROM chat_steps WHERE conversation_id = ?"
	    " AND kind = ? AND why = ?",
	[F_PRESENCE] = "SELECT online FROM presence WHERE user_id = ?",
	/* Time passes for one row only: the stack's own worker runs the same
	 * timer on this database, so the clock is never skewed for all. */
	[F_AGE_OFFER] =
	    "UPDATE conversations SET offer_due_at = UTC_TIMESTAMP(3)"
	    " - INTERVAL 1 SECOND WHERE id = ?",
	[F_DUE_IN] =
	    "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), offer_due_at)"
	    " FROM conversations WHERE id = ?",
	[F_AGE_SEEN] =
	    "UPDATE presence SET seen_at = seen_at - INTERVAL 100 SECOND"
	    " WHERE user_id = ?",
};

static const struct pl_sqlset fix_sql = { "test-chat", fstmts, F__MAX };

static struct tdb t;

static int64_t
ins(size_t stmt, const struct pl_val *args, size_t n)
{
	uint64_t id = 0;

	if (pl_db_exec(t.db, &fix_sql, stmt, args, n, NULL, &id) != PL_OK)
		return 0;
	return (int64_t)id;
}

/* Column col of stmt's row for (id), as text; "(none)" without one. */
static const char *
col(size_t stmt, int64_t id, size_t c)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, stmt, PL_ARGS(PL_I64(id)), &row) !=
	    PL_OK)
		return "(none)";
	return pl_row_str(&row, c) ? pl_row_str(&row, c) : "(null)";
}

static const char *
row2(size_t stmt, int64_t a, int64_t b, size_t c)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, stmt, PL_ARGS(PL_I64(a), PL_I64(b)),
	        &row) != PL_OK)
		return "(none)";
	return pl_row_str(&row, c);
}

static const char *
conv(int64_t id)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, F_CONV, PL_ARGS(PL_I64(id)), &row) !=
	    PL_OK)
		return "(none)";
	return pl_arena_printf(t.a,
	    "%s agent=%s round=%s rejects=%s transfers=%s dept=%s unread=%s",
	    pl_row_str(&row, 0), pl_row_str(&row, 1), pl_row_str(&row, 2),
	    pl_row_str(&row, 3), pl_row_str(&row, 4), pl_row_str(&row, 5),
	    pl_row_str(&row, 6));
}

static const char *
counters(int64_t widget)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, F_WCOUNT, PL_ARGS(PL_I64(widget)),
	        &row) != PL_OK)
		return "(none)";
	return pl_arena_printf(t.a, "waiting=%s ongoing=%s resolved=%s",
	    pl_row_str(&row, 0), pl_row_str(&row, 1), pl_row_str(&row, 2));
}

static const char *
last_event(enum pl_stream_kind k, int64_t id)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, F_LAST_EVENT,
	        PL_ARGS(PL_STR(pl_stream(t.a, k, id))), &row) != PL_OK)
		return "(none)";
	return pl_row_str(&row, 0);
}

/* How many events name on stream (k, id) whose data contains like. */
static int64_t
events_like(
    enum pl_stream_kind k, int64_t id, const char *name, const char *like)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, F_EVENT_LIKE,
	        PL_ARGS(PL_STR(pl_stream(t.a, k, id)), PL_STR(name),
	            PL_STR(pl_arena_printf(t.a, "%%%s%%", like))),
	        &row) != PL_OK)
		return -1;
	return pl_row_i64(&row, 0);
}

static int64_t
outbox(const char *kind, const char *idem)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, F_OUTBOX,
	        PL_ARGS(PL_STR(kind), PL_STR(idem)), &row) != PL_OK)
		return -1;
	return pl_row_i64(&row, 0);
}

static int64_t
steps(int64_t id, const char *kind, const char *why)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, F_STEP,
	        PL_ARGS(PL_I64(id), PL_STR(kind), PL_STR(why)), &row) != PL_OK)
		return -1;
	return pl_row_i64(&row, 0);
}

/* A user of tenant with role, as an actor. */
static struct pl_actor
user_new(
    int64_t tenant, enum pl_role role, const char *first, const char *phone)
{
	struct pl_actor who = { 0 };

	who.user_id =
	    ins(F_USER, PL_ARGS(PL_I64(tenant), PL_STR(pl_role_name(role)),
	                    PL_STR(tdb_email(&t, first)), PL_STR(first),
	                    PL_STR("Test"), PL_STR(phone)));
	who.tenant_id = tenant;
	who.role = role;
	who.name = pl_arena_printf(t.a, "%s Test", first);
	return who;
}

static void
member(int64_t tenant, int64_t dept, int64_t user, int supervisor)
{
	ins(F_MEMBER, PL_ARGS(PL_I64(tenant), PL_I64(dept), PL_I64(user),
	                  PL_I64(supervisor)));
}

/* A visitor's request on w in department dept; the conversation id. */
static int64_t
request(const struct pl_visit_widget *w, int64_t dept, const char *name,
    const char *token_out[1])
{
	static const struct pl_visit_limits lim = { 1000, 1000, 1000, 1000 };
	struct pl_visit_input               in = { .name = name,
		              .email = tdb_email(&t, "visitor"),
		              .department_id = dept,
		              .message = "Hello, I need help",
		              .client_id = "first",
		              .addr = "10.0.0.1" };
	struct pl_visit_conv                c;
	struct pl_errs                      fe = { 0 };

	if (pl_visit_start(
	        t.db, t.a, w, &lim, &in, false, time(NULL), &fe, &c) != PL_OK)
		return 0;
	if (token_out != NULL)
		token_out[0] = c.token;
	return c.id;
}

/* Concurrent accepts: each thread on its own connection. */
struct racer {
	struct pl_actor    who;
	int64_t            id;
	enum pl_err        er;
	pthread_barrier_t *go;
};

static void *
race(void *arg)
{
	struct racer    *r = arg;
	struct pl_db    *db = pl_db_get(pl_pool());
	struct pl_arena *a = pl_arena_new(0);
	struct pl_errs   fe = { 0 };

	pthread_barrier_wait(r->go);
	r->er = db ? pl_chat_accept(db, a, &r->who, r->id, &fe) : PL_EUNAVAIL;
	if (db)
		pl_db_put(pl_pool(), db);
	pl_arena_free(a);
	return NULL;
}

int
main(void)
{
	static const struct pl_sqlset *uses[] = { &pl_chat_sql, &pl_visit_sql,
		&fix_sql, NULL };
	struct pl_visit_widget         w;
	struct pl_actor    admin, a1, a2, a3, a4, s1, x1, win = { 0 };
	struct pl_chat     c;
	struct pl_chat    *offers, *ongoing;
	struct pl_chat_msg m, m2;
	struct pl_errs     fe;
	size_t             no, ng, n;
	int64_t     tenant, other, sales, billing, wid, owid, id, id2, id3, id4;
	const char *key, *tok[1];
	bool        created;
	int         rc;

	if ((rc = tdb_open(&t, "test-chat", uses)) != 0)
		return rc;
	tenant = ins(F_TENANT, PL_ARGS(PL_STR(tdb_unique(&t, "Shop"))));
	other = ins(F_TENANT, PL_ARGS(PL_STR(tdb_unique(&t, "Other"))));
	sales = ins(F_DEPT, PL_ARGS(PL_I64(tenant), PL_STR("Sales")));
	billing = ins(F_DEPT, PL_ARGS(PL_I64(tenant), PL_STR("Billing")));
	admin = user_new(tenant, PL_ROLE_ADMIN, "Ada", "+14155550100");
	a1 = user_new(tenant, PL_ROLE_AGENT, "Ann", "+14155550101");
	a2 = user_new(tenant, PL_ROLE_AGENT, "Bob", "");
	a3 = user_new(tenant, PL_ROLE_AGENT, "Cat", "+14155550103");
	s1 = user_new(tenant, PL_ROLE_SUPERVISOR, "Sue", "");
	a4 = user_new(tenant, PL_ROLE_AGENT, "Dan", ""); /* no department */
	x1 = user_new(other, PL_ROLE_AGENT, "Xan", "");
	T_OK(tenant && other && sales && billing && admin.user_id &&
	         a1.user_id && a2.user_id && a3.user_id && s1.user_id &&
	         x1.user_id,
	    "fixtures");
	member(tenant, sales, a1.user_id, 0);
	member(tenant, sales, a2.user_id, 0);
	member(tenant, sales, s1.user_id, 1);
	member(tenant, billing, a3.user_id, 0);
	{
		unsigned char b[16];

		pl_random(b, sizeof(b));
		key = pl_b64url_encode(t.a, b, 16);
		wid = ins(F_WIDGET, PL_ARGS(PL_I64(tenant), PL_STR(key)));
		pl_random(b, sizeof(b));
		owid = ins(F_WIDGET, PL_ARGS(PL_I64(other),
		                         PL_STR(pl_b64url_encode(t.a, b, 16))));
	}
	ins(F_WDEPT, PL_ARGS(PL_I64(tenant), PL_I64(wid), PL_I64(sales)));
	ins(F_WDEPT, PL_ARGS(PL_I64(tenant), PL_I64(wid), PL_I64(billing)));
	T_INT(pl_visit_widget(t.db, t.a, key, time(NULL), &w), PL_OK,
	    "the widget");

	/* Offered to the chosen department's agents only. */
	id = request(&w, sales, "Vic <b>Visitor</b>", tok);
	T_OK(id > 0, "a request");
	T_STR(col(F_OFFERS, id, 0),
	    pl_arena_printf(t.a, "%lld,%lld,%lld", (long long)a1.user_id,
	        (long long)a2.user_id, (long long)s1.user_id),
	    "offered to Sales: Ann, Bob and Sue");
	T_STR(last_event(PL_STREAM_USER, a1.user_id), "offer.new",
	    "Ann told at once");
	T_INT(events_like(PL_STREAM_USER, a1.user_id, "offer.new",
	          "Hello, I need help"),
	    1, "with the first message");
	T_STR(last_event(PL_STREAM_USER, a3.user_id), "(none)",
	    "Billing's agent not told");
	T_INT(outbox("sms", pl_arena_printf(t.a, "sms:offer:%lld:1:%lld",
	                        (long long)id, (long long)a1.user_id)),
	    1, "an SMS row for Ann, who has a phone");
	T_INT(outbox("sms", pl_arena_printf(t.a, "sms:offer:%lld:1:%lld",
	                        (long long)id, (long long)a2.user_id)),
	    0, "none for Bob, who has none");
	T_INT(pl_chat_get(t.db, t.a, &a3, id, &c), PL_ENOTFOUND,
	    "Billing's agent cannot read it");
	T_INT(pl_chat_get(t.db, t.a, &x1, id, &c), PL_ENOTFOUND,
	    "another tenant's agent cannot read it");
	T_INT(pl_chat_get(t.db, t.a, &a1, id, &c), PL_OK, "Ann reads it");
	T_OK(c.offered && c.can_reject && !c.holder, "offered, may reject");
	T_STR(
	    c.name, "Vic <b>Visitor</b>", "the name as typed (escaped later)");
	T_INT(pl_chat_inbox(t.db, t.a, &a1, &offers, &no, &ongoing, &ng), PL_OK,
	    "Ann's inbox");
	T_INT(no >= 1 && offers[no - 1].id == id, 1, "in Ann's new list");
	T_STR(counters(wid), "waiting=1 ongoing=0 resolved=0",
	    "waiting on the widget");

	/* First accept wins. */
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_accept(t.db, t.a, &x1, id, &fe), PL_ENOTFOUND,
	    "another tenant cannot accept");
	T_INT(pl_chat_accept(t.db, t.a, &a3, id, &fe), PL_ENOTFOUND,
	    "one not offered cannot accept");
	T_INT(pl_chat_accept(t.db, t.a, &a1, id, &fe), PL_OK, "Ann accepts");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_accept(t.db, t.a, &a2, id, &fe), PL_ECONFLICT,
	    "Bob is late");
	T_STR(fe.msg, "Already accepted by Ann Test.", "and told by whom");
	T_STR(conv(id),
	    pl_arena_printf(t.a,
	        "ongoing agent=%lld round=1 rejects=0 transfers=0 "
	        "dept=%lld unread=1",
	        (long long)a1.user_id, (long long)sales),
	    "ongoing, held by Ann, its first message unread");
	T_INT(events_like(PL_STREAM_USER, a2.user_id, "offer.gone", "taken"), 1,
	    "Bob's offer gone, taken");
	T_INT(events_like(PL_STREAM_USER, a2.user_id, "offer.gone", "Ann Test"),
	    1, "by Ann");
	T_STR(last_event(PL_STREAM_USER, a1.user_id), "chat.assigned",
	    "the chat opens in Ann's console");
	T_INT(events_like(PL_STREAM_CONV, id, "chat.joined", "\"Ann\""), 1,
	    "the visitor sees Ann joined (first name)");
	T_INT(events_like(
	          PL_STREAM_TENANT, tenant, "request.accepted", "Ann Test"),
	    1, "the admin's dashboard told");
	T_STR(
	    counters(wid), "waiting=0 ongoing=1 resolved=0", "counted ongoing");
	T_STR(row2(F_CARD, a1.user_id, c.contact_id, 0), "1",
	    "the contact is on Ann's cards");
	T_INT(pl_chat_get(t.db, t.a, &a2, id, &c), PL_ENOTFOUND,
	    "Bob no longer sees it");

	/* Messages: the visitor's reaches Ann, unread until read. */
	{
		static const struct pl_visit_limits lim = { 1000, 1000, 1000,
			1000 };
		struct pl_visit_msg                 vm;

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_send(t.db, t.a, &w, &lim, id, tok[0], "v2",
		          "Are you there?", "10.0.0.1", time(NULL), &fe, &vm,
		          &created),
		    PL_OK, "the visitor writes");
		T_STR(last_event(PL_STREAM_USER, a1.user_id), "message.new",
		    "Ann gets it");
		T_OK(strstr(conv(id), "unread=2") != NULL, "two unread");
		T_INT(pl_chat_read(t.db, t.a, &a1, id, vm.id), PL_OK,
		    "Ann reads");
		T_OK(strstr(conv(id), "unread=0") != NULL, "none unread");
		T_STR(last_event(PL_STREAM_CONV, id), "read",
		    "the visitor sees it read");
	}
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_send(t.db, t.a, &a1, id, "c1", "Hi <i>Vic</i>", false,
	          &fe, &m, &created),
	    PL_OK, "Ann answers");
	T_OK(created && m.id > 0, "stored");
	T_STR(last_event(PL_STREAM_CONV, id), "message.new",
	    "the visitor gets it");
	T_INT(pl_chat_send(t.db, t.a, &a1, id, "c1", "Hi <i>Vic</i>", false,
	          &fe, &m2, &created),
	    PL_OK, "a retry");
	T_OK(!created && m2.id == m.id, "answers the first, nothing doubled");
	T_INT(pl_chat_send(t.db, t.a, &a1, id, "n1", "VIP customer", true, &fe,
	          &m2, &created),
	    PL_OK, "a note");
	T_STR(last_event(PL_STREAM_CONV, id), "message.new",
	    "the visitor's stream");
	T_INT(events_like(PL_STREAM_CONV, id, "message.new", "VIP"), 0,
	    "never carries the note");
	T_INT(events_like(PL_STREAM_USER, a1.user_id, "message.new", "VIP"), 1,
	    "Ann sees her note");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_send(t.db, t.a, &a2, id, "b1", "Me too", false, &fe, &m2,
	          &created),
	    PL_ENOTFOUND, "Bob cannot write");
	{
		char long_body[PL_CHAT_BODY_MAX + 2];

		memset(long_body, 'x', sizeof(long_body) - 1);
		long_body[sizeof(long_body) - 1] = '\0';
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_chat_send(t.db, t.a, &a1, id, "c2", long_body, false,
		          &fe, &m2, &created),
		    PL_EINVAL, "too long");
		T_OK(pl_errs_get(&fe, "body") != NULL, "body named");
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_chat_send(t.db, t.a, &a1, id, "bad id", "x", false,
		          &fe, &m2, &created),
		    PL_EINVAL, "a bad client id");
	}

	/* Transfer to an agent: Accept and Transfer only. */
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_transfer(t.db, t.a, &a2, id, a3.user_id, 0, &fe),
	    PL_ENOTFOUND, "Bob cannot transfer Ann's chat");
	T_INT(pl_chat_transfer(t.db, t.a, &a1, id, x1.user_id, 0, &fe),
	    PL_EINVAL, "not to another tenant's agent");
	T_OK(pl_errs_get(&fe, "to_agent_id") != NULL, "to_agent_id named");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_transfer(t.db, t.a, &a1, id, a3.user_id, billing, &fe),
	    PL_EINVAL, "not both");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_transfer(t.db, t.a, &a1, id, a3.user_id, 0, &fe), PL_OK,
	    "Ann transfers to Cat");
	T_STR(last_event(PL_STREAM_USER, a1.user_id), "chat.removed",
	    "Ann loses it");
	T_STR(col(F_OFFERS, id, 0),
	    pl_arena_printf(t.a, "%lld", (long long)a3.user_id),
	    "offered to Cat alone");
	T_STR(row2(F_OFFER, id, a3.user_id, 1), "0", "without Reject");
	T_INT(events_like(PL_STREAM_USER, a3.user_id, "offer.new",
	          "\"transferred_by_name\":\"Ann Test\""),
	    1, "Cat sees who transferred it");
	T_STR(counters(wid), "waiting=1 ongoing=0 resolved=0", "waiting again");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_reject(t.db, t.a, &a3, id, &fe), PL_EPERM,
	    "Cat may not reject");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_send(t.db, t.a, &a1, id, "c3", "Still here?", false, &fe,
	          &m2, &created),
	    PL_EPERM, "Ann may no longer write to the visitor");
	T_INT(pl_chat_accept(t.db, t.a, &a3, id, &fe), PL_OK, "Cat accepts");

	/* Transfer to a department: all of it, with Reject; all reject. */
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_transfer(t.db, t.a, &a3, id, 0, sales, &fe), PL_OK,
	    "Cat transfers to Sales");
	T_STR(row2(F_OFFER, id, a2.user_id, 1), "1", "Sales may reject");
	T_OK(strstr(conv(id), "round=3 rejects=0 transfers=2") != NULL,
	    "round 3, two transfers");
	T_INT(pl_chat_reject(t.db, t.a, &a1, id, &fe), PL_OK, "Ann rejects");
	T_INT(
	    pl_chat_reject(t.db, t.a, &a1, id, &fe), PL_ECONFLICT, "not twice");
	T_INT(pl_chat_reject(t.db, t.a, &a2, id, &fe), PL_OK, "Bob rejects");
	T_INT(steps(id, "reoffered", "rejected"), 0, "not yet re-offered");
	T_INT(pl_chat_reject(t.db, t.a, &s1, id, &fe), PL_OK, "Sue rejects");
	T_INT(steps(id, "reoffered", "rejected"), 1, "re-offered");
	T_OK(strstr(conv(id), "new agent=0 round=4 rejects=3") != NULL,
	    "a new round, three rejections counted");
	T_STR(col(F_OFFERS, id, 0),
	    pl_arena_printf(t.a, "%lld,%lld,%lld", (long long)a1.user_id,
	        (long long)a2.user_id, (long long)s1.user_id),
	    "offered to Sales again, as new");
	T_INT(events_like(PL_STREAM_TENANT, tenant, "request.rejected",
	          pl_arena_printf(
	              t.a, "\"conversation_id\":%lld", (long long)id)),
	    1, "the admin told on screen");
	T_INT(outbox("email",
	          pl_arena_printf(t.a, "mail:admin:rejected:%lld:3:%lld",
	              (long long)id, (long long)admin.user_id)),
	    1, "and by e-mail");
	T_INT(
	    outbox("sms", pl_arena_printf(t.a, "sms:admin:rejected:%lld:3:%lld",
	                      (long long)id, (long long)admin.user_id)),
	    1, "and an SMS row");

	/* Concurrent accepts: exactly one wins. */
	{
		struct racer      r[3] = { { a1, id, PL_OK, NULL },
			     { a2, id, PL_OK, NULL }, { s1, id, PL_OK, NULL } };
		pthread_t         th[3];
		pthread_barrier_t go;
		int               won = 0, lost = 0;

		pthread_barrier_init(&go, NULL, 3);
		for (int i = 0; i < 3; i++) {
			r[i].go = &go;
			pthread_create(&th[i], NULL, race, &r[i]);
		}
		for (int i = 0; i < 3; i++) {
			pthread_join(th[i], NULL);
			won += r[i].er == PL_OK;
			lost += r[i].er == PL_ECONFLICT;
		}
		pthread_barrier_destroy(&go);
		T_INT(won, 1, "three race to accept: one wins");
		T_INT(lost, 2, "the others are told it is taken");
		for (int i = 0; i < 3; i++)
			if (r[i].er == PL_OK) {
				T_OK(strstr(conv(id),
				         pl_arena_printf(t.a, "agent=%lld ",
				             (long long)r[i].who.user_id)) !=
				         NULL,
				    "the winner holds it");
				win = r[i].who; /* the holder, below */
			}
	}

	/* Resolve: the holder only; the admin told; counted. */
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_resolve(t.db, t.a, &admin, id, &fe), PL_EPERM,
	    "not the admin");
	T_INT(pl_chat_resolve(t.db, t.a, &win, id, &fe), PL_OK,
	    "the holder resolves");
	T_OK(strncmp(conv(id), "resolved", 8) == 0, "resolved");
	T_STR(counters(wid), "waiting=0 ongoing=0 resolved=1",
	    "counted resolved");
	T_STR(last_event(PL_STREAM_CONV, id), "chat.ended",
	    "the visitor sees the end");
	T_INT(events_like(PL_STREAM_TENANT, tenant, "chat.resolved",
	          pl_arena_printf(
	              t.a, "\"conversation_id\":%lld", (long long)id)),
	    1, "the admin told on screen");
	T_INT(outbox("email",
	          pl_arena_printf(t.a, "mail:admin:resolved:%lld:4:%lld",
	              (long long)id, (long long)admin.user_id)),
	    1, "and by e-mail");
	T_INT(pl_chat_resolve(t.db, t.a, &win, id, &fe), PL_ECONFLICT,
	    "not twice");
	{
		static const struct pl_visit_limits lim = { 1000, 1000, 1000,
			1000 };
		struct pl_visit_msg                 vm;

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_visit_send(t.db, t.a, &w, &lim, id, tok[0], "v3",
		          "Thanks", "10.0.0.1", time(NULL), &fe, &vm, &created),
		    PL_ECONFLICT, "the visitor's chat has ended");
	}

	/* A supervisor reassigns within its departments only. */
	id2 = request(&w, sales, "Wes", NULL);
	T_INT(pl_chat_accept(t.db, t.a, &a1, id2, &fe), PL_OK, "Ann accepts");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_reassign(t.db, t.a, &s1, id2, a3.user_id, &fe), PL_EPERM,
	    "Sue cannot give it to Billing's Cat");
	T_STR(fe.msg, "Agent doesn't belong to you.", "and says so");
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_reassign(t.db, t.a, &a2, id2, a2.user_id, &fe),
	    PL_ENOTFOUND, "an agent cannot reassign");
	{
		struct pl_actor bob = a2;

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_chat_reassign(t.db, t.a, &s1, id2, bob.user_id, &fe),
		    PL_OK, "Sue gives it to another Sales agent");
		T_STR(last_event(PL_STREAM_USER, a1.user_id), "chat.removed",
		    "Ann is told at once");
		T_INT(pl_chat_get(t.db, t.a, &a1, id2, &c), PL_ENOTFOUND,
		    "and loses access");
		T_STR(last_event(PL_STREAM_USER, bob.user_id), "chat.assigned",
		    "the new holder gets it");
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_chat_send(t.db, t.a, &a1, id2, "late", "hello", false,
		          &fe, &m2, &created),
		    PL_ENOTFOUND, "Ann can no longer write");
	}

	/* Close a request nobody accepted: admin or supervisor. */
	id3 = request(&w, sales, "Xia", NULL);
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_chat_close(t.db, t.a, &a1, id3, &fe), PL_EPERM,
	    "an offered agent cannot close");
	T_INT(pl_chat_close(t.db, t.a, &s1, id3, &fe), PL_OK, "Sue closes");
	T_OK(strncmp(conv(id3), "closed", 6) == 0, "closed");
	T_STR(col(F_OFFERS, id3, 0), "", "no open offers left");
	T_INT(events_like(PL_STREAM_USER, a2.user_id, "offer.gone", "closed"),
	    1, "the offered agents told");

	/* An unanswered round times out; a quiet console goes offline. */
	id4 = request(&w, billing, "Yul", NULL);
	T_INT(pl_chat_seen(t.db, t.a, &a3), PL_OK, "Cat's console polls");
	T_STR(col(F_PRESENCE, a3.user_id, 0), "1", "Cat is online");
	{
		struct pl_chat_config cfg = { 300, 90, "" };

		ins(F_AGE_SEEN, PL_ARGS(PL_I64(a3.user_id)));
		T_INT(pl_chat_tick(t.db, t.a, &cfg, time(NULL), &n), PL_OK,
		    "the timer, 100 s after Cat's last poll");
		T_STR(col(F_PRESENCE, a3.user_id, 0), "0", "Cat is offline");
		T_INT(outbox(
		          "sms", pl_arena_printf(t.a, "sms:offline:%lld:1:%lld",
		                     (long long)id4, (long long)a3.user_id)),
		    1, "an SMS row for her open offer");
		T_OK(strstr(conv(id4), "round=1 ") != NULL, "not yet due");
		ins(F_AGE_OFFER, PL_ARGS(PL_I64(id4)));
		T_INT(pl_chat_tick(t.db, t.a, &cfg, time(NULL), &n), PL_OK,
		    "the timer, once the round's wait has passed");
		T_OK(strstr(conv(id4), "new agent=0 round=2 ") != NULL,
		    "offered again");
		T_INT(steps(id4, "reoffered", "timeout"), 1, "because of time");
		T_OK(atoi(col(F_DUE_IN, id4, 0)) >
		         2 * pl_chat_config().offer_timeout - 60,
		    "the next round waits twice as long");
		T_INT(events_like(PL_STREAM_TENANT, tenant, "request.timeout",
		          pl_arena_printf(
		              t.a, "\"conversation_id\":%lld", (long long)id4)),
		    1, "the admin told");
	}

	/* Re-initiate from a contact: born accepted, may be handed back. */
	{
		struct pl_chat_start_in in = { 0, wid, "Following up <b>" };
		int64_t                 nid = 0;

		T_INT(pl_chat_get(t.db, t.a, &a1, id, &c), PL_OK,
		    "the first chat, for its contact");
		in.contact_id = c.contact_id;
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_chat_start(t.db, t.a, &a4, &in, &fe, &nid), PL_EINVAL,
		    "not a contact of Dan's");
		T_OK(pl_errs_get(&fe, "contact_id") != NULL, "contact named");
		in.widget_id = owid;
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_chat_start(t.db, t.a, &a1, &in, &fe, &nid), PL_EINVAL,
		    "not another tenant's widget");
		T_OK(pl_errs_get(&fe, "widget_id") != NULL, "widget named");
		in.widget_id = wid;
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_chat_start(t.db, t.a, &a1, &in, &fe, &nid), PL_OK,
		    "Ann re-initiates");
		T_OK(strstr(conv(nid),
		         pl_arena_printf(t.a, "ongoing agent=%lld round=1 ",
		             (long long)a1.user_id)) != NULL,
		    "ongoing, held by Ann");
		T_INT(pl_chat_get(t.db, t.a, &a1, nid, &c), PL_OK, "read");
		T_STR(c.started_by, "agent", "started by the agent");
		T_OK(c.holder && c.can_reject, "with Reject");
		T_STR(c.last_message, "Following up <b>", "the first message");
		T_INT(pl_chat_reject(t.db, t.a, &a1, nid, &fe), PL_OK,
		    "Ann hands it back");
		T_OK(strstr(conv(nid), "new agent=0 round=2 rejects=1") != NULL,
		    "new for Sales");
	}

	/* The visitor leaves: its offers are withdrawn. */
	{
		const char          *tk[1];
		int64_t              id5 = request(&w, billing, "Zed", tk);
		struct pl_visit_conv vc;

		T_INT(pl_visit_end(t.db, t.a, &w, id5, tk[0], &vc), PL_OK,
		    "the visitor ends it");
		T_INT(events_like(PL_STREAM_USER, a3.user_id, "offer.gone",
		          pl_arena_printf(t.a,
		              "\"conversation_id\":%lld,"
		              "\"why\":\"withdrawn\"",
		              (long long)id5)),
		    1, "Cat's offer withdrawn");
		T_STR(col(F_OFFERS, id5, 0), "", "no open offer");
	}

	tdb_close(&t);
	return t_done();
}
