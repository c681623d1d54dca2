/* test-contact.c: the contact module against the test database: adding a
 * person creates the record or associates the existing one, each agent sees
 * only its own card of it (both directions), admins see the record and its
 * owners, another tenant's contact is PL_ENOTFOUND, field errors are named
 * and write nothing, and every change is audited. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "contact.h"
#include "list.h"
#include "t.h"
#include "tdb.h"

/* Test-only fixtures: a tenant, its admin and agents (the admin and agent
 * modules are not this test's subject). */
enum {
	F_TENANT,
	F_USER,
	F_RECORD,
	F_COUNT,
	F__MAX
};

static const char *const fstmts[F__MAX] = {
	[F_TENANT] = "INSERT INTO tenants (company) VALUES (?)",
	[F_USER] =
	    "INSERT INTO users (tenant_id, role, email, first_name, last_name)"
	    " VALUES (?, ?, ?, ?, ?)",
	[F_RECORD] =
	    "SELECT name, email, phone, website FROM contacts WHERE id = ?",
	[F_COUNT] = "SELECT COUNT(*) FROM contacts WHERE tenant_id = ?",
};

static const struct pl_sqlset fix_sql = { "test-contact", fstmts, F__MAX };

static struct tdb t;

static int64_t
tenant_new(void)
{
	uint64_t id = 0;

	if (pl_db_exec(t.db, &fix_sql, F_TENANT,
	        PL_ARGS(PL_STR(tdb_unique(&t, "co"))), NULL, &id) != PL_OK)
		return 0;
	return (int64_t)id;
}

/* A user of tenant with role, as an actor. */
static struct pl_actor
user_new(int64_t tenant, const char *role, enum pl_role r, const char *first)
{
	struct pl_actor who = { 0 };
	uint64_t        id = 0;

	if (pl_db_exec(t.db, &fix_sql, F_USER,
	        PL_ARGS(PL_I64(tenant), PL_STR(role),
	            PL_STR(tdb_email(&t, role)), PL_STR(first),
	            PL_STR(tdb_unique(&t, "Last"))),
	        NULL, &id) != PL_OK)
		return who;
	who.user_id = (int64_t)id;
	who.tenant_id = tenant;
	who.role = r;
	who.name = first;
	return who;
}

static struct pl_contact_agent
agent_of(const struct pl_actor *who, int64_t id)
{
	struct pl_contact_agent ag = { 0 };

	T_INT(
	    pl_contact_agent_get(t.db, t.a, who, id, &ag), PL_OK, "agent_get");
	return ag;
}

/* The company record, as stored. */
static const char *
record(int64_t id)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, F_RECORD, PL_ARGS(PL_I64(id)),
	        &row) != PL_OK)
		return "(none)";
	return pl_arena_printf(t.a, "%s|%s|%s|%s", pl_row_str(&row, 0),
	    pl_row_str(&row, 1), pl_row_str(&row, 2), pl_row_str(&row, 3));
}

static int64_t
count(int64_t tenant)
{
	struct pl_row row;

	if (pl_db_one(t.db, t.a, &fix_sql, F_COUNT, PL_ARGS(PL_I64(tenant)),
	        &row) != PL_OK)
		return -1;
	return pl_row_i64(&row, 0);
}

static const char *
card(const struct pl_contact *c)
{
	return pl_arena_printf(
	    t.a, "%s|%s|%s|%s", c->name, c->email, c->phone, c->website);
}

int
main(void)
{
	static const struct pl_sqlset *uses[] = { &pl_contact_sql,
		&pl_audit_sql, &fix_sql, NULL };
	struct pl_actor                sup, adm, a, b, oadm, oa;
	struct pl_contact_agent        ga, gb, goa;
	struct pl_contact              c;
	struct pl_errs                 fe;
	int64_t                        tenant, other, id, id2, id3;
	bool                           created;
	int                            rc;
	const char                    *email, *rec;

	if ((rc = tdb_open(&t, "test-contact", uses)) != 0)
		return rc;
	sup = tdb_super(&t);
	tenant = tenant_new();
	other = tenant_new();
	T_OK(tenant != 0 && other != 0, "fixture tenants");
	adm = user_new(tenant, "admin", PL_ROLE_ADMIN, "Ada");
	a = user_new(tenant, "agent", PL_ROLE_AGENT, "Alice");
	b = user_new(tenant, "agent", PL_ROLE_AGENT, "Bob");
	oadm = user_new(other, "admin", PL_ROLE_ADMIN, "Olga");
	oa = user_new(other, "agent", PL_ROLE_AGENT, "Otto");
	ga = agent_of(&a, a.user_id);
	gb = agent_of(&b, b.user_id);
	goa = agent_of(&oa, oa.user_id);

	/* An agent sees only itself in the agent calls. */
	{
		struct pl_contact_agent x;

		T_INT(pl_contact_agent_get(t.db, t.a, &a, b.user_id, &x),
		    PL_ENOTFOUND, "agent A asks for agent B");
		T_INT(pl_contact_agent_get(t.db, t.a, &oadm, a.user_id, &x),
		    PL_ENOTFOUND, "another tenant's admin asks for agent A");
		T_INT(pl_contact_agent_get(t.db, t.a, &adm, a.user_id, &x),
		    PL_OK, "the admin asks for its agent");
	}

	/* Field errors are named, and nothing is written. */
	{
		struct pl_contact_input bad = { "", "not-an-address", "12ab",
			"javascript:alert(1)" };
		struct pl_contact_input none = { "Nobody", "", "", "" };
		int64_t                 before = count(tenant);

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_contact_create(
		          t.db, t.a, &a, &ga, &bad, &fe, &id, &created),
		    PL_EINVAL, "bad input");
		T_OK(pl_errs_get(&fe, "name") != NULL, "name named");
		T_OK(pl_errs_get(&fe, "email") != NULL, "email named");
		T_OK(pl_errs_get(&fe, "phone") != NULL, "phone named");
		T_OK(pl_errs_get(&fe, "website") != NULL, "website named");
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_contact_create(
		          t.db, t.a, &a, &ga, &none, &fe, &id, &created),
		    PL_EINVAL, "neither e-mail nor phone");
		T_OK(pl_errs_get(&fe, "email") != NULL &&
		         pl_errs_get(&fe, "phone") != NULL,
		    "email and phone named");
		T_INT(count(tenant), before, "nothing written");
	}

	/* A adds a person: a new record and A's card, both what A typed. */
	email = tdb_email(&t, "carol");
	{
		struct pl_contact_input in = { "Carol A", email,
			"+44 20 7946 0001", "https://a.example.com/" };

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_contact_create(
		          t.db, t.a, &a, &ga, &in, &fe, &id, &created),
		    PL_OK, "A adds Carol");
		T_OK(created, "new to A");
		T_OK(id > 0, "an id");
	}
	rec = record(id);
	T_STR(rec,
	    pl_arena_printf(t.a,
	        "Carol A|%s|+44 20 7946 0001|"
	        "https://a.example.com/",
	        email),
	    "the record is what A typed");

	/* B adds the same person by e-mail (typed in upper case): associated,
	 * B's card holds what B typed, created (new to B), record unchanged. */
	{
		char                    up[300];
		struct pl_contact_input in = { "Carol B", up, "",
			"https://b.example.net/" };

		snprintf(up, sizeof(up), "%s", email);
		for (char *p = up; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_contact_create(
		          t.db, t.a, &b, &gb, &in, &fe, &id2, &created),
		    PL_OK, "B adds Carol");
		T_INT(id2, id, "the same contact");
		T_OK(created, "new to B: the same answer as for a new person");
	}
	T_STR(record(id), rec, "the record is unchanged by B's add");

	/* Card isolation, both directions. */
	T_INT(pl_contact_get(t.db, t.a, &b, id, &c), PL_OK, "B reads it");
	T_OK(c.card, "B sees a card");
	T_OK(c.agent_ids == NULL && c.nagent_ids == 0, "no owners for B");
	T_STR(card(&c),
	    pl_arena_printf(t.a, "Carol B|%s||https://b.example.net/", email),
	    "B sees what B typed, not A's phone");
	T_INT(pl_contact_get(t.db, t.a, &a, id, &c), PL_OK, "A reads it");
	T_STR(card(&c),
	    pl_arena_printf(t.a,
	        "Carol A|%s|+44 20 7946 0001|"
	        "https://a.example.com/",
	        email),
	    "A's card is unchanged");

	/* B adds it again (by its card's e-mail): its card back, unchanged. */
	{
		struct pl_contact_input in = { "Carol Again", email,
			"+1 212 555 0100", "" };

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_contact_create(
		          t.db, t.a, &b, &gb, &in, &fe, &id3, &created),
		    PL_OK, "B adds Carol again");
		T_INT(id3, id, "the same contact");
		T_OK(!created, "not new to B");
		T_INT(pl_contact_get(t.db, t.a, &b, id, &c), PL_OK, "B reads");
		T_STR(c.name, "Carol B", "B's card unchanged");
	}

	/* B edits its card, even to an e-mail another contact has: no
	 * conflict, A's card and the record stay. */
	{
		struct pl_contact_input other_in = { "Dave",
			tdb_email(&t, "dave"), "", "" };
		struct pl_contact_input edit = { "Carol Edited", other_in.email,
			"+33 1 23 45 67 89", "" };
		int64_t                 dave;

		memset(&fe, 0, sizeof(fe));
		T_INT(pl_contact_create(
		          t.db, t.a, &a, &ga, &other_in, &fe, &dave, &created),
		    PL_OK, "A adds Dave");
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_contact_update(t.db, t.a, &b, id, &edit, &fe), PL_OK,
		    "B edits its card to Dave's e-mail");
		T_INT(pl_contact_get(t.db, t.a, &b, id, &c), PL_OK, "B reads");
		T_STR(c.name, "Carol Edited", "B's card changed");
		T_STR(c.phone, "+33 1 23 45 67 89", "B's card phone");
		T_INT(pl_contact_get(t.db, t.a, &a, id, &c), PL_OK, "A reads");
		T_STR(c.name, "Carol A", "A's card unchanged by B's edit");
		T_STR(c.phone, "+44 20 7946 0001", "A's phone unchanged");
		T_STR(record(id), rec, "the record unchanged by B's edit");
		T_INT(pl_contact_get(t.db, t.a, &a, dave, &c), PL_OK, "Dave");
		T_INT(pl_contact_get(t.db, t.a, &b, dave, &c), PL_ENOTFOUND,
		    "B has no card of Dave");

		/* The admin: the record and both owners; its edit of the
		 * record conflicts on another contact's e-mail. */
		T_INT(pl_contact_get(t.db, t.a, &adm, id, &c), PL_OK,
		    "the admin reads the record");
		T_OK(!c.card, "a record, not a card");
		T_STR(c.name, "Carol A", "the record's name");
		T_INT(c.nagent_ids, 2, "two owners");
		T_OK(c.nagent_ids == 2 &&
		         c.agent_ids[0] ==
		             (a.user_id < b.user_id ? a.user_id : b.user_id) &&
		         c.agent_ids[1] ==
		             (a.user_id < b.user_id ? b.user_id : a.user_id),
		    "the owners are A and B");
		T_INT(pl_contact_get(t.db, t.a, &sup, id, &c), PL_OK,
		    "the super admin reads the record");
		T_INT(c.nagent_ids, 2, "two owners for the super admin");
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_contact_update(t.db, t.a, &adm, id, &edit, &fe),
		    PL_ECONFLICT, "the admin: another contact's e-mail");
		T_OK(pl_errs_get(&fe, "email") != NULL, "email named");
		T_STR(record(id), rec, "nothing written on conflict");
	}

	/* Lists: B's shows its card, the admin's view of B's list the record.
	 */
	{
		struct pl_list     l = { 100, 0, 2, true, "", "%",
			    pl_contact_sorts };
		struct pl_contact *v;
		size_t             n;
		bool               seen = false;

		T_INT(pl_contact_list(t.db, t.a, &b, &gb, &l, &v, &n), PL_OK,
		    "B's list");
		for (size_t i = 0; i < n; i++)
			if (v[i].id == id) {
				seen = true;
				T_STR(v[i].name, "Carol Edited",
				    "B's list: card");
				T_OK(v[i].agent_ids == NULL, "no owners");
			}
		T_OK(seen, "Carol in B's list");
		T_INT(pl_contact_list(t.db, t.a, &a, &gb, &l, &v, &n),
		    PL_ENOTFOUND, "A may not list B's");
		T_INT(pl_contact_list(t.db, t.a, &adm, &gb, &l, &v, &n), PL_OK,
		    "the admin lists B's");
		T_OK(n >= 1 && !v[0].card && v[0].nagent_ids >= 1,
		    "the admin sees records with owners");
	}

	/* Another tenant: the contact is PL_ENOTFOUND, as a missing one. */
	{
		struct pl_contact_input steal = { "Stolen", email, "", "" };

		T_INT(pl_contact_get(t.db, t.a, &oadm, id, &c), PL_ENOTFOUND,
		    "another tenant's admin reads");
		T_INT(pl_contact_get(t.db, t.a, &oa, id, &c), PL_ENOTFOUND,
		    "another tenant's agent reads");
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_contact_update(t.db, t.a, &oadm, id, &steal, &fe),
		    PL_ENOTFOUND, "another tenant's admin edits");
		T_INT(pl_contact_create(
		          t.db, t.a, &oadm, &gb, &steal, &fe, &id3, &created),
		    PL_ENOTFOUND, "another tenant's admin adds for B");
		T_INT(pl_contact_get(t.db, t.a, &oa, 999999999999LL, &c),
		    PL_ENOTFOUND, "a missing id");
		/* The same e-mail in the other tenant is another person. */
		memset(&fe, 0, sizeof(fe));
		T_INT(pl_contact_create(
		          t.db, t.a, &oa, &goa, &steal, &fe, &id3, &created),
		    PL_OK, "the other tenant's agent adds the same e-mail");
		T_OK(id3 != id && created, "a record of its own tenant");
		T_STR(record(id), rec, "the first record unchanged");
	}

	/* History takes the actor: none yet, and 404 as for the contact. */
	{
		struct pl_contact_chat *v;
		size_t                  n = 1;

		T_INT(pl_contact_history(t.db, t.a, &b, id, &c, &v, &n), PL_OK,
		    "B's history");
		T_INT(n, 0, "no chats yet");
		T_STR(
		    c.name, "Carol Edited", "the history's contact: B's card");
		T_INT(pl_contact_history(t.db, t.a, &oa, id, &c, &v, &n),
		    PL_ENOTFOUND, "another tenant's history");
	}

	/* The audit log: create by A, associate by B, update by B, newest
	 * first, in the tenant's log. */
	{
		struct pl_list l = { 50, 0, 0, false, "", "%", pl_audit_sorts };
		struct pl_audit_entry *v;
		size_t                 n;
		const char            *seq = "";

		T_INT(pl_audit_page(t.db, t.a, &sup, adm.user_id, &l, &v, &n),
		    PL_OK, "the tenant's audit log");
		for (size_t i = n; i-- > 0;)
			if (strcmp(v[i].target_type, "contact") == 0 &&
			    v[i].target_id == id)
				seq = pl_arena_printf(t.a, "%s%s:%s ", seq,
				    v[i].action,
				    v[i].actor_id == a.user_id   ? "A"
				    : v[i].actor_id == b.user_id ? "B"
				                                 : "?");
		T_STR(seq, "create:A associate:B update:B ",
		    "audited: create, associate, the card's update");
	}

	tdb_close(&t);
	return t_done();
}
