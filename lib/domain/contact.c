/* contact.c: contacts, their agents, and the rules about both.
 *
 * Scoping: an agent (or supervisor) reads only the contacts associated with
 * it; an admin its own tenant's; the super admin any tenant's, whose id then
 * comes from the row it names (an agent or a contact), never from input.
 * Every statement on tenant data binds tenant_id first.
 *
 * contact_agents carries copies of the contact's name and e-mail (sql/0006)
 * so an agent's list is one index range; this file is their only writer and
 * keeps them equal to the contact's.
 */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "audit.h"
#include "contact.h"
#include "user.h"
#include "listing.h"
#include "req.h"
#include "route.h"
#include "valid.h"

enum {
	C_TENANT_LOCK,
	C_FIND_EMAIL,
	C_FIND_PHONE,
	C_INSERT,
	C_ASSOC_HAS,
	C_ASSOC,
	C_GET_AGENT,  /* an agent's own contact */
	C_GET_TENANT, /* an admin's tenant's */
	C_GET_ANY,    /* the super admin: any tenant's */
	C_DUP_EMAIL,
	C_DUP_PHONE,
	C_UPDATE,
	C_UPDATE_COPIES,
	C_AGENT_ANY,
	C_AGENT_TENANT,
	C_LIST,                    /* 6: name, email, created; asc, desc */
	C_AGENTS_ALL = C_LIST + 6, /* 4: name, email; asc, desc */
	C_AGENTS_TENANT = C_AGENTS_ALL + 4,
	C__MAX = C_AGENTS_TENANT + 4
};

#define C_COLS                                                                 \
	"SELECT c.id, c.tenant_id, c.name, c.email, c.phone, c.website,"       \
	" c.last_connected_at, c.created_at,"                                  \
	" (SELECT GROUP_CONCAT(x.user_id ORDER BY x.user_id)"                  \
	" FROM contact_agents x WHERE x.contact_id = c.id)"                    \
	" FROM contacts c"

/* An agent's contacts: a range of contact_agents by (user_id, sort key),
 * each joined by primary key. The search is a prefix of the name, or of the
 * e-mail when it holds an "@" (the other pattern is "%"): an AND, not an OR,
 * so the optimizer can read the search as a range of one index. */
#define C_LIST_SQL(order)                                                      \
	C_COLS                                                                 \
	" JOIN contact_agents ca ON ca.contact_id = c.id"                      \
	" WHERE ca.user_id = ? AND ca.tenant_id = ?"                           \
	" AND c.tenant_id = ca.tenant_id"                                      \
	" AND ca.name LIKE ? AND ca.email LIKE ?"                              \
	" ORDER BY " order " LIMIT ? OFFSET ?"

#define A_COLS                                                                 \
	"SELECT u.id, u.tenant_id, u.first_name, u.last_name, u.email,"        \
	" t.company FROM users u JOIN tenants t ON t.id = u.tenant_id"

/* The picker's search: a prefix of the last name, or of the e-mail when it
 * holds an "@" (as for contacts). */
#define A_SEARCH " AND u.last_name LIKE ? AND u.email LIKE ?"

/* The super admin's picker: every tenant's agents (users_agent_last,
 * users_agent_email); an admin's: its tenant's (users_tenant_last,
 * users_tenant_email). */
#define A_ALL_SQL(order)                                                       \
	A_COLS " WHERE u.is_agent = 1" A_SEARCH " ORDER BY " order             \
	       " LIMIT ? OFFSET ?"
#define A_TENANT_SQL(order)                                                    \
	A_COLS " WHERE u.tenant_id = ? AND u.is_agent = 1" A_SEARCH            \
	       " ORDER BY " order " LIMIT ? OFFSET ?"

static const char *const stmts[C__MAX] = {
	[C_TENANT_LOCK] = "SELECT id FROM tenants WHERE id = ? FOR UPDATE",
	[C_FIND_EMAIL] =
	    "SELECT id FROM contacts WHERE tenant_id = ?"
	    " AND email = ? ORDER BY id LIMIT 1",
	[C_FIND_PHONE] =
	    "SELECT id FROM contacts WHERE tenant_id = ?"
	    " AND phone_e164 = ? ORDER BY id LIMIT 1",
	[C_INSERT] =
	    "INSERT INTO contacts (tenant_id, name, email, phone, phone_e164,"
	    " website, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[C_ASSOC_HAS] =
	    "SELECT 1 FROM contact_agents WHERE tenant_id = ?"
	    " AND user_id = ? AND contact_id = ?",
	[C_ASSOC] =
	    "INSERT INTO contact_agents (tenant_id, contact_id, user_id, name,"
	    " email) SELECT c.tenant_id, c.id, u.id, c.name, c.email"
	    " FROM contacts c JOIN users u ON u.tenant_id = c.tenant_id"
	    " WHERE c.tenant_id = ? AND c.id = ? AND u.id = ?",
	[C_GET_AGENT] = C_COLS
	" JOIN contact_agents ca ON ca.contact_id = c.id"
	" AND ca.tenant_id = c.tenant_id AND ca.user_id = ?"
	" WHERE c.tenant_id = ? AND c.id = ?",
	[C_GET_TENANT] = C_COLS " WHERE c.tenant_id = ? AND c.id = ?",
	[C_GET_ANY] = C_COLS " WHERE c.id = ?",
	[C_DUP_EMAIL] =
	    "SELECT id FROM contacts WHERE tenant_id = ?"
	    " AND email = ? AND id <> ? LIMIT 1",
	[C_DUP_PHONE] =
	    "SELECT id FROM contacts WHERE tenant_id = ?"
	    " AND phone_e164 = ? AND id <> ? LIMIT 1",
	[C_UPDATE] =
	    "UPDATE contacts SET name = ?, email = ?, phone = ?,"
	    " phone_e164 = ?, website = ? WHERE tenant_id = ? AND id = ?",
	[C_UPDATE_COPIES] =
	    "UPDATE contact_agents SET name = ?, email = ?"
	    " WHERE tenant_id = ? AND contact_id = ?",
	[C_AGENT_ANY] = A_COLS " WHERE u.id = ? AND u.is_agent = 1",
	[C_AGENT_TENANT] =
	    A_COLS " WHERE u.tenant_id = ? AND u.id = ? AND u.is_agent = 1",
	[C_LIST + 0] = C_LIST_SQL("ca.name, ca.contact_id"),
	[C_LIST + 1] = C_LIST_SQL("ca.name DESC, ca.contact_id DESC"),
	[C_LIST + 2] = C_LIST_SQL("ca.email, ca.contact_id"),
	[C_LIST + 3] = C_LIST_SQL("ca.email DESC, ca.contact_id DESC"),
	[C_LIST + 4] = C_LIST_SQL("ca.contact_id"),
	[C_LIST + 5] = C_LIST_SQL("ca.contact_id DESC"),
	[C_AGENTS_ALL + 0] = A_ALL_SQL("u.last_name, u.first_name, u.id"),
	[C_AGENTS_ALL + 1] =
	    A_ALL_SQL("u.last_name DESC, u.first_name DESC, u.id DESC"),
	[C_AGENTS_ALL + 2] = A_ALL_SQL("u.email"),
	[C_AGENTS_ALL + 3] = A_ALL_SQL("u.email DESC"),
	[C_AGENTS_TENANT + 0] = A_TENANT_SQL("u.last_name, u.first_name, u.id"),
	[C_AGENTS_TENANT + 1] =
	    A_TENANT_SQL("u.last_name DESC, u.first_name DESC, u.id DESC"),
	[C_AGENTS_TENANT + 2] = A_TENANT_SQL("u.email"),
	[C_AGENTS_TENANT + 3] = A_TENANT_SQL("u.email DESC"),
};

const struct pl_sqlset pl_contact_sql = { "contact", stmts, C__MAX,
	{ &pl_audit_sql, &pl_user_sql } };

const char *const pl_contact_sorts[] = { "name", "email", "created", NULL };
const char *const pl_contact_agent_sorts[] = { "name", "email", NULL };

/* The search patterns (name-like, e-mail-like): q searches e-mail
 * addresses when it holds an "@", else names; the other matches all. */
static void
search_like(const struct pl_list *l, const char **name, const char **email)
{
	bool at = strchr(l->q, '@') != NULL;

	*name = at ? "%" : l->like;
	*email = at ? l->like : "%";
}

/* Does the caller see contacts as an agent (its own only)? */
static bool
as_agent(const struct pl_req *rq)
{
	return rq->sess->role < PL_ROLE_ADMIN;
}

/* Does s start with prefix, ignoring ASCII case? */
static bool
prefix_ci(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *prefix)
			return false;
	}
	return true;
}

static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

const char *
pl_valid_website(const char *s)
{
	static const char bad[] =
	    "Enter a website address such as"
	    " https://www.example.com.";
	const char *p, *host;
	size_t      label = 0, dots = 0;

	if (strlen(s) > PL_WEBSITE_MAX)
		return "The website is too long: 2048 characters at most.";
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return "The website may not hold spaces, control"
			       " characters or non-ASCII characters.";
	if (prefix_ci(s, "https://"))
		host = s + 8;
	else if (prefix_ci(s, "http://"))
		host = s + 7;
	else
		return "The website must start with http:// or https://.";
	/* The host: dot-separated labels of letters, digits and hyphens. */
	for (p = host; *p != '\0' && strchr("/?#:", *p) == NULL; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return bad;
			label = 0;
			dots++;
		} else if (is_alnum(*p) || *p == '-') {
			if (*p == '-' && label == 0)
				return bad;
			if (++label > 63)
				return bad;
		} else
			return bad;
	}
	if (p - host > 253 || label == 0 || p[-1] == '-' || dots == 0)
		return bad;
	if (*p == ':') {
		long port = 0;

		for (p++; *p >= '0' && *p <= '9'; p++)
			if ((port = port * 10 + (*p - '0')) > 65535)
				return bad;
		if (port == 0 || (*p != '\0' && strchr("/?#", *p) == NULL))
			return bad;
	}
	/* Path, query and fragment: the characters RFC 3986 allows, and
	 * percent escapes. */
	for (; *p != '\0'; p++) {
		if (*p == '%') {
			if (!is_hex(p[1]) || !is_hex(p[2]))
				return bad;
			p += 2;
		} else if (!is_alnum(*p) &&
		           strchr("-._~:/?#[]@!$&'()*+,;=", *p) == NULL)
			return bad;
	}
	return NULL;
}

enum pl_err
pl_contact_input(struct pl_req *rq, struct pl_contact_fields *f)
{
	const char *why, *email;

	memset(f, 0, sizeof(*f));
	pl_in_text(
	    rq, "name", "Name", PL_REQUIRED, PL_CONTACT_NAME_MAX, &f->name);
	pl_in_text(rq, "email", "E-mail", 0, PL_EMAIL_MAX, &email);
	pl_in_text(rq, "phone", "Phone", 0, PL_PHONE_MAX, &f->phone);
	pl_in_text(rq, "website", "Website", 0, PL_WEBSITE_MAX, &f->website);
	f->email = "";
	f->phone_e164 = "";
	if (*email != '\0') {
		if ((why = pl_valid_email(email)) != NULL)
			pl_in_fail(rq, "email", why);
		else
			f->email = pl_email_normalize(rq->arena, email);
	}
	if (*f->phone != '\0') {
		if ((why = pl_valid_phone(f->phone)) != NULL)
			pl_in_fail(rq, "phone", why);
		else
			f->phone_e164 = pl_phone_e164(rq->arena, f->phone);
	}
	if (*f->website != '\0' && (why = pl_valid_website(f->website)) != NULL)
		pl_in_fail(rq, "website", why);
	if (*email == '\0' && *f->phone == '\0') {
		pl_in_fail(
		    rq, "email", "Enter an e-mail address or a phone number.");
		pl_in_fail(
		    rq, "phone", "Enter a phone number or an e-mail address.");
	}
	return pl_in_check(rq);
}

static void
agent_from_row(const struct pl_row *r, struct pl_contact_agent *a)
{
	a->id = pl_row_i64(r, 0);
	a->tenant_id = pl_row_i64(r, 1);
	a->first_name = pl_row_str(r, 2);
	a->last_name = pl_row_str(r, 3);
	a->email = pl_row_str(r, 4);
	a->company = pl_row_str(r, 5);
}

static void
contact_from_row(const struct pl_row *r, struct pl_contact *c)
{
	c->id = pl_row_i64(r, 0);
	c->tenant_id = pl_row_i64(r, 1);
	c->name = pl_row_str(r, 2);
	c->email = pl_row_str(r, 3);
	c->phone = pl_row_str(r, 4);
	c->website = pl_row_str(r, 5);
	c->last_connected_at = pl_row_str(r, 6);
	c->created_at = pl_row_str(r, 7);
	c->agent_ids = pl_row_null(r, 8) ? "" : pl_row_str(r, 8);
}

enum pl_err
pl_contact_agent_get(
    struct pl_req *rq, int64_t agent_id, struct pl_contact_agent *a)
{
	const struct pl_sess *s = rq->sess;
	struct pl_row         row;
	enum pl_err           er;

	if (as_agent(rq) && agent_id != s->user_id)
		return PL_ENOTFOUND;
	if (s->role == PL_ROLE_SUPER)
		er = pl_db_one(pl_req_db(rq), rq->arena, &pl_contact_sql,
		    C_AGENT_ANY, PL_ARGS(PL_I64(agent_id)), &row);
	else
		er = pl_db_one(pl_req_db(rq), rq->arena, &pl_contact_sql,
		    C_AGENT_TENANT,
		    PL_ARGS(PL_I64(s->tenant_id), PL_I64(agent_id)), &row);
	if (er == PL_OK)
		agent_from_row(&row, a);
	return er;
}

enum pl_err
pl_contact_agent_list(struct pl_req *rq, const struct pl_list *l,
    struct pl_contact_agent **v, size_t *n)
{
	struct pl_rows rows;
	const char    *nl, *el;
	enum pl_err    er;

	search_like(l, &nl, &el);
	if (rq->sess->role == PL_ROLE_SUPER)
		er = pl_db_all(pl_req_db(rq), rq->arena, &pl_contact_sql,
		    pl_list_stmt(l, C_AGENTS_ALL),
		    PL_ARGS(PL_STR(nl), PL_STR(el), PL_I64(l->limit + 1),
		        PL_I64(l->offset)),
		    &rows);
	else
		er = pl_db_all(pl_req_db(rq), rq->arena, &pl_contact_sql,
		    pl_list_stmt(l, C_AGENTS_TENANT),
		    PL_ARGS(PL_I64(rq->sess->tenant_id), PL_STR(nl), PL_STR(el),
		        PL_I64(l->limit + 1), PL_I64(l->offset)),
		    &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(rq->arena, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++)
		agent_from_row(&rows.v[i], &(*v)[i]);
	*n = rows.n;
	return PL_OK;
}

enum pl_err
pl_contact_list(struct pl_req *rq, const struct pl_contact_agent *a,
    const struct pl_list *l, struct pl_contact **v, size_t *n)
{
	struct pl_rows rows;
	const char    *nl, *el;
	enum pl_err    er;

	search_like(l, &nl, &el);
	er = pl_db_all(pl_req_db(rq), rq->arena, &pl_contact_sql,
	    pl_list_stmt(l, C_LIST),
	    PL_ARGS(PL_I64(a->id), PL_I64(a->tenant_id), PL_STR(nl), PL_STR(el),
	        PL_I64(l->limit + 1), PL_I64(l->offset)),
	    &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(rq->arena, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++)
		contact_from_row(&rows.v[i], &(*v)[i]);
	*n = rows.n;
	return PL_OK;
}

enum pl_err
pl_contact_get(struct pl_req *rq, int64_t id, struct pl_contact *c)
{
	const struct pl_sess *s = rq->sess;
	struct pl_db         *db = pl_req_db(rq);
	struct pl_row         row;
	enum pl_err           er;

	if (s->role == PL_ROLE_SUPER)
		er = pl_db_one(db, rq->arena, &pl_contact_sql, C_GET_ANY,
		    PL_ARGS(PL_I64(id)), &row);
	else if (as_agent(rq))
		er = pl_db_one(db, rq->arena, &pl_contact_sql, C_GET_AGENT,
		    PL_ARGS(
		        PL_I64(s->user_id), PL_I64(s->tenant_id), PL_I64(id)),
		    &row);
	else
		er = pl_db_one(db, rq->arena, &pl_contact_sql, C_GET_TENANT,
		    PL_ARGS(PL_I64(s->tenant_id), PL_I64(id)), &row);
	if (er == PL_OK)
		contact_from_row(&row, c);
	return er;
}

/* The id of the first contact of tenant found by stmt with value, or 0. */
static enum pl_err
find_by(struct pl_req *rq, struct pl_db *db, size_t stmt, int64_t tenant_id,
    const char *value, int64_t *id)
{
	struct pl_row row;
	enum pl_err   er;

	*id = 0;
	if (*value == '\0')
		return PL_OK;
	er = pl_db_one(db, rq->arena, &pl_contact_sql, stmt,
	    PL_ARGS(PL_I64(tenant_id), PL_STR(value)), &row);
	if (er == PL_OK)
		*id = pl_row_i64(&row, 0);
	return er == PL_ENOTFOUND ? PL_OK : er;
}

enum pl_err
pl_contact_upsert(struct pl_req *rq, struct pl_db *db, int64_t tenant_id,
    const struct pl_contact_fields *f, int64_t agent_id, int64_t *id,
    bool *created, bool *associated)
{
	struct pl_row row;
	uint64_t      ins = 0, n = 0;
	enum pl_err   er;

	*id = 0;
	*created = *associated = false;
	/* One upsert per tenant at a time: contacts have no unique key (both
	 * e-mail and phone may be empty), so the tenant row is the lock. */
	if ((er = pl_db_one(db, rq->arena, &pl_contact_sql, C_TENANT_LOCK,
	         PL_ARGS(PL_I64(tenant_id)), &row)) != PL_OK)
		return er;
	if ((er = find_by(rq, db, C_FIND_EMAIL, tenant_id, f->email, id)) !=
	    PL_OK)
		return er;
	if (*id == 0 && (er = find_by(rq, db, C_FIND_PHONE, tenant_id,
	                     f->phone_e164, id)) != PL_OK)
		return er;
	if (*id == 0) {
		er = pl_db_exec(db, &pl_contact_sql, C_INSERT,
		    PL_ARGS(PL_I64(tenant_id), PL_STR(f->name),
		        PL_STR(f->email), PL_STR(f->phone),
		        PL_STR(f->phone_e164), PL_STR(f->website),
		        rq->sess ? PL_I64(rq->sess->user_id) : PL_NULLV),
		    NULL, &ins);
		if (er != PL_OK)
			return er;
		*id = (int64_t)ins;
		*created = true;
	}
	if (agent_id == 0)
		return PL_OK;
	er = pl_db_one(db, rq->arena, &pl_contact_sql, C_ASSOC_HAS,
	    PL_ARGS(PL_I64(tenant_id), PL_I64(agent_id), PL_I64(*id)), &row);
	if (er == PL_OK)
		return PL_OK;
	if (er != PL_ENOTFOUND)
		return er;
	er = pl_db_exec(db, &pl_contact_sql, C_ASSOC,
	    PL_ARGS(PL_I64(tenant_id), PL_I64(*id), PL_I64(agent_id)), &n,
	    NULL);
	if (er == PL_OK && n != 1)
		er = PL_ENOTFOUND; /* the agent is not of this tenant */
	if (er == PL_OK)
		*associated = true;
	return er;
}

enum pl_err
pl_contact_create(struct pl_req *rq, const struct pl_contact_agent *a,
    const struct pl_contact_fields *f, int64_t *id, bool *created)
{
	struct pl_db *db = pl_req_db(rq);
	bool          assoc;
	const char   *sum;
	enum pl_err   er;

	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	er = pl_contact_upsert(
	    rq, db, a->tenant_id, f, a->id, id, created, &assoc);
	if (er == PL_OK && (*created || assoc)) {
		sum = *created
		          ? pl_arena_printf(rq->arena,
		                "added contact %s for %s %s", f->name,
		                a->first_name, a->last_name)
		          : pl_arena_printf(rq->arena,
		                "associated existing contact #%lld with %s %s",
		                (long long)*id, a->first_name, a->last_name);
		er = pl_audit(db, &rq->who, a->tenant_id,
		    *created ? "create" : "associate", "contact", *id, sum);
	}
	if (er == PL_OK)
		er = pl_db_commit(db);
	if (er != PL_OK)
		pl_db_rollback(db);
	return er;
}

/* Refuse an e-mail or phone another contact of the tenant has. */
static enum pl_err
dup_check(struct pl_req *rq, struct pl_db *db, const struct pl_contact *c,
    const struct pl_contact_fields *f)
{
	struct pl_row row;
	enum pl_err   er;

	if (*f->email != '\0') {
		er = pl_db_one(db, rq->arena, &pl_contact_sql, C_DUP_EMAIL,
		    PL_ARGS(
		        PL_I64(c->tenant_id), PL_STR(f->email), PL_I64(c->id)),
		    &row);
		if (er == PL_OK)
			pl_in_fail(rq, "email",
			    "Another contact already has this e-mail address.");
		else if (er != PL_ENOTFOUND)
			return er;
	}
	if (*f->phone_e164 != '\0') {
		er = pl_db_one(db, rq->arena, &pl_contact_sql, C_DUP_PHONE,
		    PL_ARGS(PL_I64(c->tenant_id), PL_STR(f->phone_e164),
		        PL_I64(c->id)),
		    &row);
		if (er == PL_OK)
			pl_in_fail(rq, "phone",
			    "Another contact already has this phone number.");
		else if (er != PL_ENOTFOUND)
			return er;
	}
	return pl_in_check(rq) == PL_OK ? PL_OK : PL_ECONFLICT;
}

enum pl_err
pl_contact_update(struct pl_req *rq, const struct pl_contact *c,
    const struct pl_contact_fields *f)
{
	struct pl_db *db = pl_req_db(rq);
	struct pl_row row;
	enum pl_err   er;

	if ((er = pl_db_begin(db)) != PL_OK)
		return er;
	/* The same lock as the upsert's, so no one adds this e-mail while we
	 * check it. */
	er = pl_db_one(db, rq->arena, &pl_contact_sql, C_TENANT_LOCK,
	    PL_ARGS(PL_I64(c->tenant_id)), &row);
	if (er == PL_OK)
		er = dup_check(rq, db, c, f);
	if (er == PL_OK)
		er = pl_db_exec(db, &pl_contact_sql, C_UPDATE,
		    PL_ARGS(PL_STR(f->name), PL_STR(f->email), PL_STR(f->phone),
		        PL_STR(f->phone_e164), PL_STR(f->website),
		        PL_I64(c->tenant_id), PL_I64(c->id)),
		    NULL, NULL);
	if (er == PL_OK)
		er = pl_db_exec(db, &pl_contact_sql, C_UPDATE_COPIES,
		    PL_ARGS(PL_STR(f->name), PL_STR(f->email),
		        PL_I64(c->tenant_id), PL_I64(c->id)),
		    NULL, NULL);
	if (er == PL_OK)
		er = pl_audit(db, &rq->who, c->tenant_id, "update", "contact", c->id,
		    pl_arena_printf(rq->arena, "updated contact %s", f->name));
	if (er == PL_OK)
		er = pl_db_commit(db);
	if (er != PL_OK)
		pl_db_rollback(db);
	return er;
}
