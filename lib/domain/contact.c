/* contact.c: contacts, their agents' cards, and the rules about both (the
 * rules are told at the top of contact.h).
 *
 * Scoping: an agent (or supervisor) reads only its own cards; an admin its
 * own tenant's records; the super admin any tenant's, whose id then comes
 * from the row it names (an agent or a contact), never from input. Every
 * statement on tenant data binds tenant_id first.
 *
 * A card is the agent's contact_agents row: what it typed (name, e-mail,
 * phone, website, sql/0007). An agent's list is a range of its cards by
 * (user_id, name | email | contact_id) joined to the record by primary
 * key (sql/0006).
 */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "change.h"
#include "chat.h"
#include "contact.h"
#include "list.h"
#include "valid.h"

enum {
	C_TENANT_LOCK,
	C_FIND_EMAIL,
	C_FIND_PHONE,
	C_CARD_EMAIL, /* an agent's card by what it holds */
	C_CARD_PHONE,
	C_INSERT,
	C_CARD_HAS,
	C_CARD_ADD,
	C_GET_CARD,   /* an agent's own card */
	C_GET_TENANT, /* an admin's tenant's record */
	C_GET_ANY,    /* the super admin: any tenant's */
	C_DUP_EMAIL,
	C_DUP_PHONE,
	C_UPDATE,
	C_UPDATE_CARD,
	C_CONNECTED,
	C_AGENT_ANY,
	C_AGENT_TENANT,
	C_HISTORY,                 /* an agent's or a supervisor's view */
	C_HISTORY_ADMIN,           /* every chat of the contact */
	C_LIST,                    /* 6: name, email, created; asc, desc */
	C_LIST_CARDS = C_LIST + 6, /* 6: the same, as the agent's cards */
	C_AGENTS_ALL = C_LIST_CARDS + 6, /* 4: name, email; asc, desc */
	C_AGENTS_TENANT = C_AGENTS_ALL + 4,
	C__MAX = C_AGENTS_TENANT + 4
};

/* The company record, with its owners. */
#define C_COLS                                                                 \
	"SELECT c.id, c.tenant_id, c.name, c.email, c.phone, c.website,"       \
	" c.last_connected_at, c.created_at,"                                  \
	" (SELECT GROUP_CONCAT(x.user_id ORDER BY x.user_id)"                  \
	" FROM contact_agents x WHERE x.contact_id = c.id)"                    \
	" FROM contacts c"

/* An agent's card: what it typed, when it added it; no owners, and no last
 * connection until the chats it may see say (the chat engine). */
#define CARD_COLS                                                              \
	"SELECT c.id, c.tenant_id, ca.name, ca.email, ca.phone, ca.website,"   \
	" NULL, ca.created_at, NULL FROM contacts c"

/* An agent's contacts: a range of contact_agents by (user_id, sort key),
 * each joined by primary key. The search is a prefix of the name, or of the
 * e-mail when it holds an "@" (the other pattern is "%"): an AND, not an OR,
 * so the optimizer can read the search as a range of one index. */
#define C_LIST_SQL(cols, order)                                                \
	cols " JOIN contact_agents ca ON ca.contact_id = c.id"                 \
	     " WHERE ca.user_id = ? AND ca.tenant_id = ?"                      \
	     " AND c.tenant_id = ca.tenant_id"                                 \
	     " AND ca.name LIKE ? AND ca.email LIKE ?"                         \
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

#define CARD_FIELDS "name, email, phone, phone_e164, website"

#define HISTORY_COLS                                                           \
	"SELECT c.id, c.created_at, c.status, c.channel, w.website_url,"       \
	" COALESCE(CONCAT(u.first_name, ' ', u.last_name), ''),"               \
	" c.message_count, c.ended_at FROM conversations c"                    \
	" JOIN widgets w ON w.id = c.widget_id AND w.tenant_id = c.tenant_id"  \
	" LEFT JOIN users u ON u.id = c.agent_id"                              \
	" WHERE c.contact_id = ? AND c.tenant_id = ?"

static const char *const stmts[C__MAX] = {
	/* The chat engine's rule (chat.h). */
	[C_HISTORY] =
	    HISTORY_COLS " AND " PL_CHAT_SEES_SQL
	                 " ORDER BY c.created_at DESC, c.id DESC LIMIT 100",
	[C_HISTORY_ADMIN] =
	    HISTORY_COLS " ORDER BY c.created_at DESC, c.id DESC LIMIT 100",
	[C_TENANT_LOCK] = "SELECT id FROM tenants WHERE id = ? FOR UPDATE",
	[C_FIND_EMAIL] =
	    "SELECT id FROM contacts WHERE tenant_id = ?"
	    " AND email = ? ORDER BY id LIMIT 1",
	[C_FIND_PHONE] =
	    "SELECT id FROM contacts WHERE tenant_id = ?"
	    " AND phone_e164 = ? ORDER BY id LIMIT 1",
	[C_CARD_EMAIL] =
	    "SELECT contact_id FROM contact_agents WHERE user_id = ?"
	    " AND tenant_id = ? AND email = ? ORDER BY contact_id LIMIT 1",
	[C_CARD_PHONE] =
	    "SELECT contact_id FROM contact_agents WHERE user_id = ?"
	    " AND tenant_id = ? AND phone_e164 = ? ORDER BY contact_id LIMIT 1",
	[C_INSERT] =
	    "INSERT INTO contacts (tenant_id, name, email, phone, phone_e164,"
	    " website, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[C_CARD_HAS] =
	    "SELECT 1 FROM contact_agents WHERE tenant_id = ?"
	    " AND user_id = ? AND contact_id = ?",
	[C_CARD_ADD] =
	    "INSERT INTO contact_agents (tenant_id, contact_id, "
	    "user_id, " CARD_FIELDS
	    ") SELECT c.tenant_id, c.id, u.id, ?, ?, ?, ?, ?"
	    " FROM contacts c JOIN users u ON u.tenant_id = c.tenant_id"
	    " WHERE c.tenant_id = ? AND c.id = ? AND u.id = ?",
	[C_GET_CARD] = CARD_COLS
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
	[C_UPDATE_CARD] =
	    "UPDATE contact_agents SET name = ?, email = ?, phone = ?,"
	    " phone_e164 = ?, website = ?"
	    " WHERE user_id = ? AND tenant_id = ? AND contact_id = ?",
	[C_CONNECTED] =
	    "UPDATE contacts SET last_connected_at = UTC_TIMESTAMP()"
	    " WHERE tenant_id = ? AND id = ?",
	[C_AGENT_ANY] = A_COLS " WHERE u.id = ? AND u.is_agent = 1",
	[C_AGENT_TENANT] =
	    A_COLS " WHERE u.tenant_id = ? AND u.id = ? AND u.is_agent = 1",
	[C_LIST + 0] = C_LIST_SQL(C_COLS, "ca.name, ca.contact_id"),
	[C_LIST + 1] = C_LIST_SQL(C_COLS, "ca.name DESC, ca.contact_id DESC"),
	[C_LIST + 2] = C_LIST_SQL(C_COLS, "ca.email, ca.contact_id"),
	[C_LIST + 3] = C_LIST_SQL(C_COLS, "ca.email DESC, ca.contact_id DESC"),
	[C_LIST + 4] = C_LIST_SQL(C_COLS, "ca.contact_id"),
	[C_LIST + 5] = C_LIST_SQL(C_COLS, "ca.contact_id DESC"),
	[C_LIST_CARDS + 0] = C_LIST_SQL(CARD_COLS, "ca.name, ca.contact_id"),
	[C_LIST_CARDS + 1] =
	    C_LIST_SQL(CARD_COLS, "ca.name DESC, ca.contact_id DESC"),
	[C_LIST_CARDS + 2] = C_LIST_SQL(CARD_COLS, "ca.email, ca.contact_id"),
	[C_LIST_CARDS + 3] =
	    C_LIST_SQL(CARD_COLS, "ca.email DESC, ca.contact_id DESC"),
	[C_LIST_CARDS + 4] = C_LIST_SQL(CARD_COLS, "ca.contact_id"),
	[C_LIST_CARDS + 5] = C_LIST_SQL(CARD_COLS, "ca.contact_id DESC"),
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
	{ &pl_audit_sql } };

const char *const pl_contact_sorts[] = { "name", "email", "created", NULL };
const char *const pl_contact_agent_sorts[] = { "name", "email", NULL };

/* What who sees of contacts: deny by default. */
enum scope {
	S_NONE,   /* nothing */
	S_CARD,   /* an agent or supervisor: its own cards */
	S_TENANT, /* an admin: its tenant's records */
	S_ANY     /* the super admin: any tenant's */
};

static enum scope
scope_of(const struct pl_actor *who)
{
	switch (who->role) {
	case PL_ROLE_AGENT:
	case PL_ROLE_SUPERVISOR:
		return who->user_id != 0 && who->tenant_id != 0 ? S_CARD
		                                                : S_NONE;
	case PL_ROLE_ADMIN:
		return who->tenant_id != 0 ? S_TENANT : S_NONE;
	case PL_ROLE_SUPER:
		return S_ANY;
	default:
		return S_NONE;
	}
}

/* The search patterns (name-like, e-mail-like): q searches e-mail
 * addresses when it holds an "@", else names; the other matches all. */
static void
search_like(const struct pl_list *l, const char **name, const char **email)
{
	bool at = strchr(l->q, '@') != NULL;

	*name = at ? "%" : l->like;
	*email = at ? l->like : "%";
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

/* s, trimmed of surrounding ASCII white space ("" for NULL). */
static const char *
trimmed(struct pl_arena *a, const char *s)
{
	size_t n;

	if (s == NULL)
		return "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	return pl_arena_strndup(a, s, n);
}

/* A text field of at most max characters: NULL when good, else why. */
static const char *
text_why(struct pl_arena *a, const char *label, const char *s, size_t max)
{
	const char *why = pl_valid_text(s, max, 0);

	return why ? pl_arena_printf(a, "%s: %s.", label, why) : NULL;
}

enum pl_err
pl_contact_check(struct pl_arena *a, const struct pl_contact_input *in,
    struct pl_errs *fe, struct pl_contact_fields *f)
{
	const char *why, *email;

	memset(f, 0, sizeof(*f));
	f->name = trimmed(a, in->name);
	email = trimmed(a, in->email);
	f->phone = trimmed(a, in->phone);
	f->website = trimmed(a, in->website);
	f->email = "";
	f->phone_e164 = "";
	if (*f->name == '\0')
		pl_errs_add(fe, "name", "Name is required.");
	else if ((why = text_why(a, "Name", f->name, PL_CONTACT_NAME_MAX)) !=
	         NULL)
		pl_errs_add(fe, "name", why);
	if (*email != '\0') {
		if ((why = pl_valid_email(email)) != NULL)
			pl_errs_add(fe, "email", why);
		else
			f->email = pl_email_normalize(a, email);
	}
	if (*f->phone != '\0') {
		if ((why = pl_valid_phone(f->phone)) != NULL)
			pl_errs_add(fe, "phone", why);
		else
			f->phone_e164 = pl_phone_e164(a, f->phone);
	}
	if (*f->website != '\0' && (why = pl_valid_website(f->website)) != NULL)
		pl_errs_add(fe, "website", why);
	if (*email == '\0' && *f->phone == '\0') {
		pl_errs_add(
		    fe, "email", "Enter an e-mail address or a phone number.");
		pl_errs_add(
		    fe, "phone", "Enter a phone number or an e-mail address.");
	}
	return pl_errs_check(fe);
}

static void
agent_from_row(const struct pl_row *r, struct pl_contact_agent *ag)
{
	ag->id = pl_row_i64(r, 0);
	ag->tenant_id = pl_row_i64(r, 1);
	ag->first_name = pl_row_str(r, 2);
	ag->last_name = pl_row_str(r, 3);
	ag->email = pl_row_str(r, 4);
	ag->company = pl_row_str(r, 5);
}

/* The owners' ids from GROUP_CONCAT ("3,7": digits and commas only). */
static void
owners_parse(struct pl_arena *a, const char *s, struct pl_contact *c)
{
	int64_t *v;
	size_t   n = 1;

	for (const char *p = s; *p != '\0'; p++)
		n += *p == ',';
	v = pl_arena_array(a, n, sizeof(*v));
	n = 0;
	while (*s >= '0' && *s <= '9') {
		int64_t x = 0;

		for (; *s >= '0' && *s <= '9'; s++)
			x = x * 10 + (*s - '0');
		v[n++] = x;
		if (*s == ',')
			s++;
	}
	c->agent_ids = v;
	c->nagent_ids = n;
}

static void
contact_from_row(
    struct pl_arena *a, const struct pl_row *r, bool card, struct pl_contact *c)
{
	memset(c, 0, sizeof(*c));
	c->id = pl_row_i64(r, 0);
	c->tenant_id = pl_row_i64(r, 1);
	c->card = card;
	c->name = pl_row_str(r, 2);
	c->email = pl_row_str(r, 3);
	c->phone = pl_row_str(r, 4);
	c->website = pl_row_str(r, 5);
	c->last_connected_at = pl_row_null(r, 6) ? NULL : pl_row_str(r, 6);
	c->created_at = pl_row_str(r, 7);
	if (!card)
		owners_parse(a, pl_row_null(r, 8) ? "" : pl_row_str(r, 8), c);
}

enum pl_err
pl_contact_agent_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t agent_id, struct pl_contact_agent *out)
{
	struct pl_row row;
	enum pl_err   er;

	switch (scope_of(who)) {
	case S_CARD:
		if (agent_id != who->user_id)
			return PL_ENOTFOUND;
		/* FALLTHROUGH */
	case S_TENANT:
		er = pl_db_one(db, a, &pl_contact_sql, C_AGENT_TENANT,
		    PL_ARGS(PL_I64(who->tenant_id), PL_I64(agent_id)), &row);
		break;
	case S_ANY:
		er = pl_db_one(db, a, &pl_contact_sql, C_AGENT_ANY,
		    PL_ARGS(PL_I64(agent_id)), &row);
		break;
	default:
		return PL_ENOTFOUND;
	}
	if (er == PL_OK)
		agent_from_row(&row, out);
	return er;
}

enum pl_err
pl_contact_agent_list(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_list *l,
    struct pl_contact_agent **v, size_t *n)
{
	struct pl_rows rows;
	const char    *nl, *el;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	search_like(l, &nl, &el);
	switch (scope_of(who)) {
	case S_ANY:
		er = pl_db_all(db, a, &pl_contact_sql,
		    pl_list_stmt(l, C_AGENTS_ALL),
		    PL_ARGS(PL_STR(nl), PL_STR(el), PL_I64(l->limit + 1),
		        PL_I64(l->offset)),
		    &rows);
		break;
	case S_TENANT:
		er = pl_db_all(db, a, &pl_contact_sql,
		    pl_list_stmt(l, C_AGENTS_TENANT),
		    PL_ARGS(PL_I64(who->tenant_id), PL_STR(nl), PL_STR(el),
		        PL_I64(l->limit + 1), PL_I64(l->offset)),
		    &rows);
		break;
	default:
		return PL_EPERM;
	}
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++)
		agent_from_row(&rows.v[i], &(*v)[i]);
	*n = rows.n;
	return PL_OK;
}

/* May who act for agent ag (as pl_contact_agent_get() found it)? */
static bool
acts_for(const struct pl_actor *who, const struct pl_contact_agent *ag)
{
	switch (scope_of(who)) {
	case S_CARD:
		return ag->id == who->user_id &&
		       ag->tenant_id == who->tenant_id;
	case S_TENANT:
		return ag->tenant_id == who->tenant_id;
	case S_ANY:
		return true;
	default:
		return false;
	}
}

enum pl_err
pl_contact_list(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_contact_agent *ag,
    const struct pl_list *l, struct pl_contact **v, size_t *n)
{
	bool           card = scope_of(who) == S_CARD;
	struct pl_rows rows;
	const char    *nl, *el;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if (!acts_for(who, ag))
		return PL_ENOTFOUND;
	search_like(l, &nl, &el);
	er = pl_db_all(db, a, &pl_contact_sql,
	    pl_list_stmt(l, card ? C_LIST_CARDS : C_LIST),
	    PL_ARGS(PL_I64(ag->id), PL_I64(ag->tenant_id), PL_STR(nl),
	        PL_STR(el), PL_I64(l->limit + 1), PL_I64(l->offset)),
	    &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++)
		contact_from_row(a, &rows.v[i], card, &(*v)[i]);
	*n = rows.n;
	return PL_OK;
}

enum pl_err
pl_contact_get(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_contact *c)
{
	enum scope    s = scope_of(who);
	struct pl_row row;
	enum pl_err   er;

	switch (s) {
	case S_CARD:
		er = pl_db_one(db, a, &pl_contact_sql, C_GET_CARD,
		    PL_ARGS(PL_I64(who->user_id), PL_I64(who->tenant_id),
		        PL_I64(id)),
		    &row);
		break;
	case S_TENANT:
		er = pl_db_one(db, a, &pl_contact_sql, C_GET_TENANT,
		    PL_ARGS(PL_I64(who->tenant_id), PL_I64(id)), &row);
		break;
	case S_ANY:
		er = pl_db_one(db, a, &pl_contact_sql, C_GET_ANY,
		    PL_ARGS(PL_I64(id)), &row);
		break;
	default:
		return PL_ENOTFOUND;
	}
	if (er == PL_OK)
		contact_from_row(a, &row, s == S_CARD, c);
	return er;
}

enum pl_err
pl_contact_history(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_contact *c,
    struct pl_contact_chat **v, size_t *n)
{
	struct pl_rows rows;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if ((er = pl_contact_get(db, a, who, id, c)) != PL_OK)
		return er;
	/* An agent's through the conversations it may see, never through its
	 * card alone. */
	if (scope_of(who) == S_CARD)
		er = pl_db_all(db, a, &pl_contact_sql, C_HISTORY,
		    PL_ARGS(PL_I64(c->id), PL_I64(c->tenant_id),
		        PL_I64(who->user_id), PL_I64(who->user_id),
		        PL_I64(who->user_id), PL_I64(who->user_id)),
		    &rows);
	else
		er = pl_db_all(db, a, &pl_contact_sql, C_HISTORY_ADMIN,
		    PL_ARGS(PL_I64(c->id), PL_I64(c->tenant_id)), &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++) {
		const struct pl_row    *r = &rows.v[i];
		struct pl_contact_chat *h = &(*v)[i];

		h->id = pl_row_i64(r, 0);
		h->started_at = pl_row_str(r, 1);
		h->status = pl_row_str(r, 2);
		h->channel = pl_row_str(r, 3);
		h->website = pl_row_str(r, 4);
		h->agent = pl_row_str(r, 5);
		h->message_count = (int)pl_row_i64(r, 6);
		h->ended_at = pl_row_str(r, 7);
	}
	*n = rows.n;
	return PL_OK;
}

/* The id of the first row found by stmt with args, or 0. */
static enum pl_err
find_id(struct pl_db *db, struct pl_arena *a, size_t stmt,
    const struct pl_val *args, size_t nargs, int64_t *id)
{
	struct pl_row row;
	enum pl_err   er;

	*id = 0;
	er = pl_db_one(db, a, &pl_contact_sql, stmt, args, nargs, &row);
	if (er == PL_OK)
		*id = pl_row_i64(&row, 0);
	return er == PL_ENOTFOUND ? PL_OK : er;
}

/* Lock the tenant: contacts have no unique key (both e-mail and phone may
 * be empty), so the tenant row serializes their upserts and checks. */
static enum pl_err
tenant_lock(struct pl_db *db, struct pl_arena *a, int64_t tenant_id)
{
	struct pl_row row;

	return pl_db_one(db, a, &pl_contact_sql, C_TENANT_LOCK,
	    PL_ARGS(PL_I64(tenant_id)), &row);
}

/* The contact the tenant knows by f's e-mail, else by its phone, or 0. */
static enum pl_err
record_find(struct pl_db *db, struct pl_arena *a, int64_t tenant_id,
    const struct pl_contact_fields *f, int64_t *id)
{
	enum pl_err er = PL_OK;

	*id = 0;
	if (*f->email != '\0')
		er = find_id(db, a, C_FIND_EMAIL,
		    PL_ARGS(PL_I64(tenant_id), PL_STR(f->email)), id);
	if (er == PL_OK && *id == 0 && *f->phone_e164 != '\0')
		er = find_id(db, a, C_FIND_PHONE,
		    PL_ARGS(PL_I64(tenant_id), PL_STR(f->phone_e164)), id);
	return er;
}

/* The contact of agent_id's card holding f's e-mail, else phone, or 0. */
static enum pl_err
card_find(struct pl_db *db, struct pl_arena *a, int64_t tenant_id,
    int64_t agent_id, const struct pl_contact_fields *f, int64_t *id)
{
	enum pl_err er = PL_OK;

	*id = 0;
	if (*f->email != '\0')
		er = find_id(db, a, C_CARD_EMAIL,
		    PL_ARGS(
		        PL_I64(agent_id), PL_I64(tenant_id), PL_STR(f->email)),
		    id);
	if (er == PL_OK && *id == 0 && *f->phone_e164 != '\0')
		er = find_id(db, a, C_CARD_PHONE,
		    PL_ARGS(PL_I64(agent_id), PL_I64(tenant_id),
		        PL_STR(f->phone_e164)),
		    id);
	return er;
}

enum pl_err
pl_contact_upsert(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t tenant_id,
    const struct pl_contact_fields *f, int64_t agent_id, int64_t *id,
    bool *created, bool *associated)
{
	struct pl_val by = PL_NULLV;
	struct pl_row row;
	uint64_t      ins = 0, n = 0;
	enum pl_err   er;

	/* created_by: the user acting, none for the system. */
	if (who != NULL && who->user_id != 0)
		by = PL_I64(who->user_id);
	*id = 0;
	*created = *associated = false;
	if ((er = tenant_lock(db, a, tenant_id)) != PL_OK)
		return er;
	if ((er = record_find(db, a, tenant_id, f, id)) != PL_OK)
		return er;
	if (*id == 0) {
		er = pl_db_exec(db, &pl_contact_sql, C_INSERT,
		    PL_ARGS(PL_I64(tenant_id), PL_STR(f->name),
		        PL_STR(f->email), PL_STR(f->phone),
		        PL_STR(f->phone_e164), PL_STR(f->website), by),
		    NULL, &ins);
		if (er != PL_OK)
			return er;
		*id = (int64_t)ins;
		*created = true;
	}
	if (agent_id == 0)
		return PL_OK;
	er = pl_db_one(db, a, &pl_contact_sql, C_CARD_HAS,
	    PL_ARGS(PL_I64(tenant_id), PL_I64(agent_id), PL_I64(*id)), &row);
	if (er == PL_OK)
		return PL_OK;
	if (er != PL_ENOTFOUND)
		return er;
	er = pl_db_exec(db, &pl_contact_sql, C_CARD_ADD,
	    PL_ARGS(PL_STR(f->name), PL_STR(f->email), PL_STR(f->phone),
	        PL_STR(f->phone_e164), PL_STR(f->website), PL_I64(tenant_id),
	        PL_I64(*id), PL_I64(agent_id)),
	    &n, NULL);
	if (er == PL_OK && n != 1)
		er = PL_ENOTFOUND; /* the agent is not of this tenant */
	if (er == PL_OK)
		*associated = true;
	return er;
}

enum pl_err
pl_contact_connected(struct pl_db *db, int64_t tenant_id, int64_t id)
{
	return pl_db_exec(db, &pl_contact_sql, C_CONNECTED,
	    PL_ARGS(PL_I64(tenant_id), PL_I64(id)), NULL, NULL);
}

struct create_arg {
	const struct pl_contact_agent  *ag;
	const struct pl_contact_fields *f;
	int64_t                         id;
	bool                            created; /* a new card */
};

static enum pl_err
create_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct create_arg             *c = arg;
	const struct pl_contact_agent *ag = c->ag;
	bool                           rec, assoc;
	enum pl_err                    er;

	c->id = 0;
	c->created = false;
	if ((er = tenant_lock(db, a, ag->tenant_id)) != PL_OK)
		return er;
	/* The person it already holds a card for, as it typed it: that
	 * card, unchanged. */
	if ((er = card_find(db, a, ag->tenant_id, ag->id, c->f, &c->id)) !=
	        PL_OK ||
	    c->id != 0)
		return er;
	er = pl_contact_upsert(
	    db, a, who, ag->tenant_id, c->f, ag->id, &c->id, &rec, &assoc);
	if (er != PL_OK || !assoc)
		return er;
	c->created = true;
	ch->tenant_id = ag->tenant_id;
	ch->action = rec ? "create" : "associate";
	ch->target_type = "contact";
	ch->target_id = c->id;
	ch->summary =
	    rec ? pl_arena_printf(a, "added contact %s for %s %s", c->f->name,
	              ag->first_name, ag->last_name)
	        : pl_arena_printf(a,
	              "associated existing contact #%lld with %s %s",
	              (long long)c->id, ag->first_name, ag->last_name);
	return PL_OK;
}

enum pl_err
pl_contact_create(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_contact_agent *ag,
    const struct pl_contact_input *in, struct pl_errs *fe, int64_t *id,
    bool *created)
{
	struct pl_contact_fields f;
	struct create_arg        c = { ag, &f, 0, false };
	enum pl_err              er;

	*id = 0;
	*created = false;
	if ((er = pl_contact_check(a, in, fe, &f)) != PL_OK)
		return er;
	if (!acts_for(who, ag))
		return PL_ENOTFOUND;
	if ((er = pl_change_run(db, a, who, create_fn, &c)) != PL_OK)
		return er;
	*id = c.id;
	*created = c.created;
	return PL_OK;
}

/* Refuse an e-mail or phone another contact of the tenant has (for the
 * company record only: see contact.h). */
static enum pl_err
dup_check(struct pl_db *db, struct pl_arena *a, const struct pl_contact *c,
    const struct pl_contact_fields *f, struct pl_errs *fe)
{
	int64_t     other;
	enum pl_err er;

	if (*f->email != '\0') {
		if ((er = find_id(db, a, C_DUP_EMAIL,
		         PL_ARGS(PL_I64(c->tenant_id), PL_STR(f->email),
		             PL_I64(c->id)),
		         &other)) != PL_OK)
			return er;
		if (other != 0)
			pl_errs_add(fe, "email",
			    "Another contact already has this e-mail address.");
	}
	if (*f->phone_e164 != '\0') {
		if ((er = find_id(db, a, C_DUP_PHONE,
		         PL_ARGS(PL_I64(c->tenant_id), PL_STR(f->phone_e164),
		             PL_I64(c->id)),
		         &other)) != PL_OK)
			return er;
		if (other != 0)
			pl_errs_add(fe, "phone",
			    "Another contact already has this phone number.");
	}
	return pl_errs_check(fe) == PL_OK ? PL_OK : PL_ECONFLICT;
}

struct update_arg {
	int64_t                         id;
	const struct pl_contact_fields *f;
	struct pl_errs                 *fe;
};

static enum pl_err
update_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct update_arg              *u = arg;
	const struct pl_contact_fields *f = u->f;
	struct pl_contact               c;
	enum pl_err                     er;

	if ((er = pl_contact_get(db, a, who, u->id, &c)) != PL_OK)
		return er;
	if (c.card) {
		/* Its own card: never a conflict (that would tell it another
		 * contact has the address). */
		er = pl_db_exec(db, &pl_contact_sql, C_UPDATE_CARD,
		    PL_ARGS(PL_STR(f->name), PL_STR(f->email), PL_STR(f->phone),
		        PL_STR(f->phone_e164), PL_STR(f->website),
		        PL_I64(who->user_id), PL_I64(c.tenant_id),
		        PL_I64(c.id)),
		    NULL, NULL);
	} else {
		/* The same lock as the upsert's, so no one adds this e-mail
		 * while we check it. */
		if ((er = tenant_lock(db, a, c.tenant_id)) != PL_OK ||
		    (er = dup_check(db, a, &c, f, u->fe)) != PL_OK)
			return er;
		er = pl_db_exec(db, &pl_contact_sql, C_UPDATE,
		    PL_ARGS(PL_STR(f->name), PL_STR(f->email), PL_STR(f->phone),
		        PL_STR(f->phone_e164), PL_STR(f->website),
		        PL_I64(c.tenant_id), PL_I64(c.id)),
		    NULL, NULL);
	}
	if (er != PL_OK)
		return er;
	ch->tenant_id = c.tenant_id;
	ch->action = "update";
	ch->target_type = "contact";
	ch->target_id = c.id;
	ch->summary =
	    c.card ? pl_arena_printf(a, "updated own card %s of contact #%lld",
	                 f->name, (long long)c.id)
	           : pl_arena_printf(a, "updated contact %s", f->name);
	return PL_OK;
}

enum pl_err
pl_contact_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, const struct pl_contact_input *in,
    struct pl_errs *fe)
{
	struct pl_contact_fields f;
	struct update_arg        u = { id, &f, fe };
	enum pl_err              er;

	if ((er = pl_contact_check(a, in, fe, &f)) != PL_OK)
		return er;
	return pl_change_run(db, a, who, update_fn, &u);
}
