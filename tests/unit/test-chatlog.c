/* test-chatlog.c: the message log against the test database: conversations,
 * offers, chat_steps and messages inserted as the chat engine leaves them,
 * then every tab read as an admin (its tenant's), an agent (its own), a
 * supervisor (its departments'), another tenant's admin (nothing of
 * ours), the super admin (every tenant, or one admin's); search, order,
 * the chat section's agent view, and the history's scoping (another
 * tenant's conversation, or one an agent never met, is PL_ENOTFOUND). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "arena.h"
#include "chatlog.h"
#include "list.h"
#include "t.h"
#include "tdb.h"

enum {
	F_TENANT,
	F_USER,
	F_DEPT,
	F_DAGENT,
	F_WIDGET,
	F_CONTACT,
	F_CONV,
	F_OFFER,
	F_STEP,
	F_MSG,
	F__MAX
};

static const char *const fstmts[F__MAX] = {
	[F_TENANT] = "INSERT INTO tenants (company) VALUES (?)",
	[F_USER] =
	    "INSERT INTO users (tenant_id, role, email, first_name, last_name)"
	    " VALUES (?, ?, ?, ?, ?)",
	[F_DEPT] = "INSERT INTO departments (tenant_id, name) VALUES (?, ?)",
	[F_DAGENT] =
	    "INSERT INTO department_agents (tenant_id, department_id, user_id,"
	    " supervisor) VALUES (?, ?, ?, ?)",
	[F_WIDGET] =
	    "INSERT INTO widgets (tenant_id, public_key, website_url,"
	    " website_origin, website_host, time_zone)"
	    " VALUES (?, ?, 'https://shop.example.com/',"
	    " 'https://shop.example.com', 'shop.example.com',"
	    " 'America/New_York')",
	[F_CONTACT] =
	    "INSERT INTO contacts (tenant_id, name, email) VALUES (?, ?, ?)",
	[F_CONV] =
	    "INSERT INTO conversations (tenant_id, widget_id, contact_id,"
	    " department_id, status, agent_id, round, reject_count,"
	    " transfer_count, transfer_agent_id, transferred_by,"
	    " visitor_token_hash, visitor_name, visitor_email, visitor_phone,"
	    " visitor_phone_e164, created_at, accepted_at, ended_at)"
	    " VALUES (?, ?, ?, NULLIF(?, 0), ?, NULLIF(?, 0), ?, ?, ?,"
	    " NULLIF(?, 0), NULLIF(?, 0), REPEAT('a', 64), ?, ?, ?, ?, ?,"
	    " NULLIF(?, ''), NULLIF(?, ''))",
	[F_OFFER] =
	    "INSERT INTO offers (conversation_id, round, user_id, tenant_id,"
	    " state, can_reject) VALUES (?, ?, ?, ?, ?, ?)",
	[F_STEP] =
	    "INSERT INTO chat_steps (tenant_id, conversation_id, kind, round,"
	    " by_user_id, to_user_id) VALUES (?, ?, ?, 1, NULLIF(?, 0),"
	    " NULLIF(?, 0))",
	[F_MSG] =
	    "INSERT INTO messages (tenant_id, conversation_id, sender,"
	    " sender_user_id, body, internal) VALUES (?, ?, ?, NULLIF(?, 0),"
	    " ?, ?)",
};

static const struct pl_sqlset fix_sql = { "test-chatlog", fstmts, F__MAX };

static struct tdb t;

static int64_t
ins(size_t stmt, const struct pl_val *args, size_t n)
{
	uint64_t id = 0;

	if (pl_db_exec(t.db, &fix_sql, stmt, args, n, NULL, &id) != PL_OK) {
		fprintf(stderr, "fixture %zu failed\n", stmt);
		t_fail++;
	}
	return (int64_t)id;
}

static struct pl_actor
user_new(int64_t tenant, const char *role, enum pl_role r, const char *first)
{
	struct pl_actor who = { 0 };

	who.user_id = ins(F_USER,
	    PL_ARGS(PL_I64(tenant), PL_STR(role), PL_STR(tdb_email(&t, role)),
	        PL_STR(first), PL_STR("Tester")));
	who.tenant_id = tenant;
	who.role = r;
	who.name = first;
	return who;
}

/* One conversation as the engine leaves it. */
struct conv {
	int64_t     tenant, widget, dept, agent, transfer_agent, by;
	const char *status, *name, *email, *phone, *e164, *created, *accepted,
	    *ended;
	int round, rejects, transfers;
};

static int64_t
conv_new(const struct conv *c)
{
	int64_t contact = ins(F_CONTACT,
	    PL_ARGS(PL_I64(c->tenant), PL_STR(c->name), PL_STR(c->email)));

	return ins(F_CONV,
	    PL_ARGS(PL_I64(c->tenant), PL_I64(c->widget), PL_I64(contact),
	        PL_I64(c->dept), PL_STR(c->status), PL_I64(c->agent),
	        PL_I64(c->round ? c->round : 1), PL_I64(c->rejects),
	        PL_I64(c->transfers), PL_I64(c->transfer_agent), PL_I64(c->by),
	        PL_STR(c->name), PL_STR(c->email), PL_STR(c->phone),
	        PL_STR(c->e164), PL_STR(c->created),
	        PL_STR(c->accepted ? c->accepted : ""),
	        PL_STR(c->ended ? c->ended : "")));
}

static void
offer(int64_t conv, int round, int64_t user, int64_t tenant, const char *state)
{
	ins(F_OFFER, PL_ARGS(PL_I64(conv), PL_I64(round), PL_I64(user),
	                 PL_I64(tenant), PL_STR(state), PL_I64(1)));
}

static void
step(int64_t tenant, int64_t conv, const char *kind, int64_t by, int64_t to)
{
	ins(F_STEP, PL_ARGS(PL_I64(tenant), PL_I64(conv), PL_STR(kind),
	                PL_I64(by), PL_I64(to)));
}

static struct pl_list
list_of(const char *q, size_t sort, bool desc)
{
	struct pl_list l = { 0 };
	char          *like = pl_arena_printf(t.a, "%s%%", q);

	l.limit = 20;
	l.sort = sort;
	l.desc = desc;
	l.q = q;
	l.like = like;
	l.sorts = pl_chatlog_sorts;
	return l;
}

/* The ids of a tab's page, "id,id,..." in its order ("" when empty, "ERR
 * n" on an error). */
static const char *
ids(const struct pl_actor *who, enum pl_chatlog_tab tab, int64_t admin_id,
    int64_t agent_id, const struct pl_list *l)
{
	struct pl_chatlog_q    q = { tab, admin_id, agent_id };
	struct pl_chatlog_row *v;
	size_t                 n;
	enum pl_err            er;
	const char            *s = "";

	if ((er = pl_chatlog_list(t.db, t.a, who, &q, l, &v, &n)) != PL_OK)
		return pl_arena_printf(t.a, "ERR %d", (int)er);
	for (size_t i = 0; i < n; i++)
		s = pl_arena_printf(
		    t.a, "%s%s%lld", s, i ? "," : "", (long long)v[i].id);
	return s;
}

static const char *
list3(int64_t a, int64_t b, int64_t c)
{
	if (c == 0 && b == 0)
		return pl_arena_printf(t.a, "%lld", (long long)a);
	if (c == 0)
		return pl_arena_printf(
		    t.a, "%lld,%lld", (long long)a, (long long)b);
	return pl_arena_printf(
	    t.a, "%lld,%lld,%lld", (long long)a, (long long)b, (long long)c);
}

int
main(void)
{
	static const struct pl_sqlset *uses[] = { &pl_chatlog_sql,
		&pl_admin_sql, &fix_sql, NULL };
	struct pl_actor                sup, adm, g1, g2, sv, oadm;
	struct pl_list                 l, byname;
	struct pl_chatlog_row          row, *v;
	struct pl_chatlog_msg         *m;
	struct pl_chatlog_step        *st;
	struct pl_chatlog_q            q = { 0 };
	int64_t     t1, t2, d1, d2, w1, w2, c1, c2, c3, c4, c5, c6;
	size_t      nm, ns, n;
	bool        more;
	int         rc;
	const char *uniq, *oemail;

	if ((rc = tdb_open(&t, "test-chatlog", uses)) != 0)
		return rc;
	sup = tdb_super(&t);
	t1 = ins(F_TENANT, PL_ARGS(PL_STR(tdb_unique(&t, "co"))));
	t2 = ins(F_TENANT, PL_ARGS(PL_STR(tdb_unique(&t, "co"))));
	adm = user_new(t1, "admin", PL_ROLE_ADMIN, "Ada");
	g1 = user_new(t1, "agent", PL_ROLE_AGENT, "Gus");
	g2 = user_new(t1, "agent", PL_ROLE_AGENT, "Gia");
	sv = user_new(t1, "supervisor", PL_ROLE_SUPERVISOR, "Sam");
	oadm = user_new(t2, "admin", PL_ROLE_ADMIN, "Olga");
	d1 = ins(F_DEPT, PL_ARGS(PL_I64(t1), PL_STR(tdb_unique(&t, "Sales"))));
	d2 = ins(F_DEPT, PL_ARGS(PL_I64(t1), PL_STR(tdb_unique(&t, "Help"))));
	ins(F_DAGENT,
	    PL_ARGS(PL_I64(t1), PL_I64(d1), PL_I64(sv.user_id), PL_I64(1)));
	ins(F_DAGENT,
	    PL_ARGS(PL_I64(t1), PL_I64(d2), PL_I64(sv.user_id), PL_I64(0)));
	w1 = ins(F_WIDGET, PL_ARGS(PL_I64(t1), PL_STR(tdb_unique(&t, "k"))));
	w2 = ins(F_WIDGET, PL_ARGS(PL_I64(t2), PL_STR(tdb_unique(&t, "k"))));
	uniq = tdb_unique(&t, "olaf");
	oemail = pl_arena_printf(t.a, "%s@example.com", uniq);

	/* c1 new, offered to both; c2 new in round 2 after both rejected;
	 * c3 accepted by g1, then transferred to g2; c4 resolved by g2; c5
	 * ongoing with g1, no department; c6 another tenant's. */
	c1 = conv_new(&(struct conv){ .tenant = t1,
	    .widget = w1,
	    .dept = d1,
	    .status = "new",
	    .name = "Zed",
	    .email = "zed@example.com",
	    .phone = "(415) 555-0101",
	    .e164 = "+14155550101",
	    .created = "2026-01-01 10:00:01" });
	c2 = conv_new(&(struct conv){ .tenant = t1,
	    .widget = w1,
	    .dept = d1,
	    .status = "new",
	    .round = 2,
	    .rejects = 2,
	    .name = "Amy",
	    .email = "amy@example.com",
	    .phone = "",
	    .e164 = "",
	    .created = "2026-01-01 10:00:02" });
	c3 = conv_new(&(struct conv){ .tenant = t1,
	    .widget = w1,
	    .dept = d2,
	    .status = "new",
	    .round = 2,
	    .transfers = 1,
	    .agent = g1.user_id,
	    .transfer_agent = g2.user_id,
	    .by = g1.user_id,
	    .name = "Ben",
	    .email = "ben@example.com",
	    .phone = "",
	    .e164 = "",
	    .created = "2026-01-01 10:00:03",
	    .accepted = "2026-01-01 10:01:00" });
	c4 = conv_new(&(struct conv){ .tenant = t1,
	    .widget = w1,
	    .dept = d1,
	    .status = "resolved",
	    .agent = g2.user_id,
	    .name = "Cat",
	    .email = "cat@example.com",
	    .phone = "",
	    .e164 = "",
	    .created = "2026-01-01 10:00:04",
	    .accepted = "2026-01-01 10:01:00",
	    .ended = "2026-01-01 11:00:00" });
	c5 = conv_new(&(struct conv){ .tenant = t1,
	    .widget = w1,
	    .status = "ongoing",
	    .agent = g1.user_id,
	    .name = "Dan",
	    .email = "dan@example.com",
	    .phone = "",
	    .e164 = "",
	    .created = "2026-01-01 10:00:05",
	    .accepted = "2026-01-01 10:01:00" });
	c6 = conv_new(&(struct conv){ .tenant = t2,
	    .widget = w2,
	    .status = "new",
	    .rejects = 1,
	    .transfers = 1,
	    .name = "Olaf",
	    .email = oemail,
	    .phone = "",
	    .e164 = "",
	    .created = "2026-01-01 10:00:06",
	    .accepted = "2026-01-01 10:01:00" });
	offer(c1, 1, g1.user_id, t1, "open");
	offer(c1, 1, g2.user_id, t1, "open");
	offer(c2, 1, g1.user_id, t1, "rejected");
	offer(c2, 1, g2.user_id, t1, "rejected");
	offer(c2, 2, g1.user_id, t1, "rejected");
	offer(c2, 2, g2.user_id, t1, "open");
	offer(c3, 1, g1.user_id, t1, "taken");
	offer(c3, 2, g2.user_id, t1, "open");
	offer(c4, 1, g2.user_id, t1, "taken");
	step(t1, c3, "accepted", g1.user_id, 0);
	step(t1, c3, "transferred", g1.user_id, g2.user_id);
	step(t1, c4, "accepted", g2.user_id, 0);
	step(t1, c4, "resolved", g2.user_id, 0);
	step(t1, c5, "reinitiated", g1.user_id, 0);
	ins(F_MSG, PL_ARGS(PL_I64(t1), PL_I64(c5), PL_STR("visitor"), PL_I64(0),
	               PL_STR("<b>hi</b> & 'bye'"), PL_I64(0)));
	ins(F_MSG, PL_ARGS(PL_I64(t1), PL_I64(c5), PL_STR("agent"),
	               PL_I64(g1.user_id), PL_STR("Hello"), PL_I64(0)));
	ins(F_MSG, PL_ARGS(PL_I64(t1), PL_I64(c5), PL_STR("agent"),
	               PL_I64(g1.user_id), PL_STR("VIP customer"), PL_I64(1)));
	(void)c6;

	l = list_of("", 0, true);
	byname = list_of("", 1, false);

	/* The admin: its tenant's, newest first. */
	T_STR(
	    ids(&adm, PL_CHATLOG_NEW, 0, 0, &l), list3(c3, c2, c1), "adm new");
	T_STR(ids(&adm, PL_CHATLOG_REJECTED, 0, 0, &l), list3(c2, 0, 0),
	    "adm rejected");
	T_STR(ids(&adm, PL_CHATLOG_TRANSFERRED, 0, 0, &l), list3(c3, 0, 0),
	    "adm transferred");
	T_STR(ids(&adm, PL_CHATLOG_ACCEPTED, 0, 0, &l), list3(c5, c4, c3),
	    "adm accepted");
	T_STR(ids(&adm, PL_CHATLOG_RESOLVED, 0, 0, &l), list3(c4, 0, 0),
	    "adm resolved");
	T_STR(ids(&adm, PL_CHATLOG_ACCEPTED, 0, 0, &byname), list3(c3, c4, c5),
	    "adm accepted by name");
	l = list_of("", 0, false);
	T_STR(ids(&adm, PL_CHATLOG_NEW, 0, 0, &l), list3(c1, c2, c3),
	    "adm new oldest first");
	/* The columns. */
	q.tab = PL_CHATLOG_TRANSFERRED;
	T_INT(pl_chatlog_list(t.db, t.a, &adm, &q, &l, &v, &n), PL_OK,
	    "adm transferred rows");
	if (n == 1) {
		T_STR(v[0].transfer_kind, "agent", "transfer kind");
		T_STR(v[0].transfer_to, "Gia Tester", "transfer to");
		T_STR(v[0].website, "https://shop.example.com/", "website");
		T_STR(v[0].name, "Ben", "name");
	}
	q.tab = PL_CHATLOG_REJECTED;
	T_INT(pl_chatlog_list(t.db, t.a, &adm, &q, &l, &v, &n), PL_OK,
	    "adm rejected rows");
	if (n == 1)
		T_INT(v[0].reject_count, 2, "reject count");
	q.tab = PL_CHATLOG_RESOLVED;
	T_INT(pl_chatlog_list(t.db, t.a, &adm, &q, &l, &v, &n), PL_OK,
	    "adm resolved rows");
	if (n == 1)
		T_STR(
		    v[0].ended_at, "2026-01-01 11:00:00.000", "resolved time");

	/* Search: name, e-mail with an @, phone with its country code; the
	 * pattern characters are literal. */
	l = list_of("Am", 0, true);
	T_STR(ids(&adm, PL_CHATLOG_NEW, 0, 0, &l), list3(c2, 0, 0),
	    "search name");
	l = list_of("zed@", 0, true);
	T_STR(ids(&adm, PL_CHATLOG_NEW, 0, 0, &l), list3(c1, 0, 0),
	    "search email");
	l = list_of("+1 415 555", 0, true);
	T_STR(ids(&adm, PL_CHATLOG_NEW, 0, 0, &l), list3(c1, 0, 0),
	    "search phone");
	l = list_of("1415", 0, true);
	T_STR(ids(&adm, PL_CHATLOG_NEW, 0, 0, &l), list3(c1, 0, 0),
	    "search phone without +");
	l = list_of("%", 0, true);
	l.like = "\\%%";
	T_STR(ids(&adm, PL_CHATLOG_NEW, 0, 0, &l), "", "search % literal");
	l = list_of("", 0, true);

	/* An agent: its own. */
	T_STR(ids(&g1, PL_CHATLOG_NEW, 0, 0, &l), list3(c1, 0, 0), "g1 new");
	T_STR(ids(&g1, PL_CHATLOG_REJECTED, 0, 0, &l), list3(c2, 0, 0),
	    "g1 rejected (two rounds, one row)");
	T_STR(ids(&g1, PL_CHATLOG_TRANSFERRED, 0, 0, &l), list3(c3, 0, 0),
	    "g1 transferred");
	T_STR(ids(&g1, PL_CHATLOG_ACCEPTED, 0, 0, &l), list3(c5, c3, 0),
	    "g1 accepted");
	T_STR(ids(&g1, PL_CHATLOG_RESOLVED, 0, 0, &l), "", "g1 resolved");
	T_STR(ids(&g2, PL_CHATLOG_NEW, 0, 0, &l), list3(c3, c2, c1), "g2 new");
	T_STR(ids(&g2, PL_CHATLOG_REJECTED, 0, 0, &l), list3(c2, 0, 0),
	    "g2 rejected");
	T_STR(ids(&g2, PL_CHATLOG_TRANSFERRED, 0, 0, &l), "", "g2 transferred");
	T_STR(ids(&g2, PL_CHATLOG_ACCEPTED, 0, 0, &l), list3(c4, 0, 0),
	    "g2 accepted");
	T_STR(ids(&g2, PL_CHATLOG_RESOLVED, 0, 0, &l), list3(c4, 0, 0),
	    "g2 resolved");
	T_STR(ids(&g2, PL_CHATLOG_ACCEPTED, 0, 0, &byname), list3(c4, 0, 0),
	    "g2 accepted by name");
	q.tab = PL_CHATLOG_TRANSFERRED;
	T_INT(pl_chatlog_list(t.db, t.a, &g1, &q, &l, &v, &n), PL_OK,
	    "g1 transferred rows");
	if (n == 1)
		T_STR(v[0].transfer_to, "Gia Tester", "g1's own target");
	T_STR(ids(&g1, PL_CHATLOG_NEW, adm.user_id, 0, &l), "ERR 4",
	    "agent with admin_id");
	T_STR(ids(&g1, PL_CHATLOG_NEW, 0, g2.user_id, &l), "ERR 4",
	    "agent naming another agent");

	/* A supervisor: the departments it supervises (d1, not d2). */
	T_STR(ids(&sv, PL_CHATLOG_NEW, 0, 0, &l), list3(c2, c1, 0), "sv new");
	T_STR(ids(&sv, PL_CHATLOG_REJECTED, 0, 0, &l), list3(c2, 0, 0),
	    "sv rejected");
	T_STR(ids(&sv, PL_CHATLOG_TRANSFERRED, 0, 0, &l), "", "sv transferred");
	T_STR(ids(&sv, PL_CHATLOG_ACCEPTED, 0, 0, &l), list3(c4, 0, 0),
	    "sv accepted");
	T_STR(ids(&sv, PL_CHATLOG_RESOLVED, 0, 0, &l), list3(c4, 0, 0),
	    "sv resolved");

	/* Another tenant's admin: nothing of ours. */
	T_STR(
	    ids(&oadm, PL_CHATLOG_NEW, 0, 0, &l), list3(c6, 0, 0), "other new");
	T_STR(ids(&oadm, PL_CHATLOG_ACCEPTED, 0, 0, &l), list3(c6, 0, 0),
	    "other accepted");
	T_STR(ids(&oadm, PL_CHATLOG_RESOLVED, 0, 0, &l), "", "other resolved");
	T_STR(ids(&oadm, PL_CHATLOG_NEW, adm.user_id, 0, &l), "ERR 4",
	    "other admin's admin_id");
	T_STR(ids(&oadm, PL_CHATLOG_ACCEPTED, 0, g1.user_id, &l), "ERR 4",
	    "other admin's agent");

	/* The super admin: one admin's, or every tenant's (created only). */
	if (sup.user_id != 0) {
		T_STR(ids(&sup, PL_CHATLOG_NEW, adm.user_id, 0, &l),
		    list3(c3, c2, c1), "super one admin");
		T_STR(ids(&sup, PL_CHATLOG_NEW, 0, 0, &byname), "ERR 1",
		    "super by name across tenants");
		l = list_of(oemail, 0, true);
		T_STR(ids(&sup, PL_CHATLOG_REJECTED, 0, 0, &l), list3(c6, 0, 0),
		    "super across tenants");
		l = list_of("", 0, true);
		T_STR(ids(&sup, PL_CHATLOG_ACCEPTED, 0, g1.user_id, &l),
		    list3(c5, c3, 0), "super chat section");
	}
	/* The chat section: an agent's tabs for its admin. */
	T_STR(ids(&adm, PL_CHATLOG_ACCEPTED, 0, g1.user_id, &l),
	    list3(c5, c3, 0), "adm chat section g1");
	T_STR(ids(&adm, PL_CHATLOG_RESOLVED, 0, g2.user_id, &l),
	    list3(c4, 0, 0), "adm chat section g2 resolved");
	T_STR(ids(&adm, PL_CHATLOG_NEW, 0, adm.user_id, &l), "ERR 4",
	    "adm chat section of a non-agent");

	/* History: the messages (notes marked), the timeline, and who may. */
	T_INT(pl_chatlog_history(
	          t.db, t.a, &adm, c5, &row, &m, &nm, &more, &st, &ns),
	    PL_OK, "adm history");
	T_INT(nm, 3, "messages");
	if (nm == 3) {
		T_STR(m[0].body, "<b>hi</b> & 'bye'", "body as stored");
		T_STR(m[0].author, "Dan", "visitor author");
		T_STR(m[1].author, "Gus Tester", "agent author");
		T_OK(!m[1].internal && m[2].internal, "the note is marked");
	}
	T_INT(ns, 1, "c5 steps");
	T_INT(pl_chatlog_history(
	          t.db, t.a, &g2, c3, &row, &m, &nm, &more, &st, &ns),
	    PL_OK, "g2 history of c3 (offered)");
	T_INT(ns, 2, "c3 steps");
	if (ns == 2) {
		T_STR(st[1].kind, "transferred", "step kind");
		T_STR(st[1].by, "Gus Tester", "step by");
		T_STR(st[1].to, "Gia Tester", "step to");
	}
	T_INT(pl_chatlog_get(t.db, t.a, &g1, c5, &row), PL_OK, "g1 holds c5");
	T_INT(
	    pl_chatlog_get(t.db, t.a, &g1, c2, &row), PL_OK, "g1 rejected c2");
	T_INT(pl_chatlog_get(t.db, t.a, &g1, c4, &row), PL_ENOTFOUND,
	    "g1 never met c4");
	T_INT(pl_chatlog_get(t.db, t.a, &g2, c5, &row), PL_ENOTFOUND,
	    "g2 never met c5");
	T_INT(pl_chatlog_get(t.db, t.a, &sv, c4, &row), PL_OK,
	    "sv: c4 of its department");
	T_INT(pl_chatlog_get(t.db, t.a, &sv, c5, &row), PL_ENOTFOUND,
	    "sv: c5 has no department");
	T_INT(pl_chatlog_get(t.db, t.a, &sv, c3, &row), PL_ENOTFOUND,
	    "sv: c3 is of a department it only belongs to");
	T_INT(pl_chatlog_get(t.db, t.a, &oadm, c5, &row), PL_ENOTFOUND,
	    "other tenant's admin");
	T_INT(pl_chatlog_get(t.db, t.a, &adm, c6, &row), PL_ENOTFOUND,
	    "admin: another tenant's");
	T_INT(
	    pl_chatlog_get(t.db, t.a, &adm, 0, &row), PL_ENOTFOUND, "missing");
	if (sup.user_id != 0)
		T_INT(pl_chatlog_get(t.db, t.a, &sup, c6, &row), PL_OK,
		    "super: any");
	T_STR(row.company != NULL ? "" : NULL, "", "company");

	tdb_close(&t);
	return t_done();
}
