/* chatlog.c: the message log and the chat section: read-only tabs of
 * conversations and one conversation's history (the rules are told at the
 * top of chatlog.h).
 *
 * Every tab of every scope is its own prepared statement per order (ORDER
 * BY cannot take a parameter): four per tab (created, name; asc, desc),
 * two for the super admin across every tenant (created only). An admin's
 * tab is a range of one index of sql/0012 in the page's order; an agent's
 * starts from its own rows (offers, chat_steps, the chats it holds), a
 * derived table the join then reads conversations from by primary key,
 * and sorts that set, which is the agent's own and small.
 *
 * Scoping: every statement on tenant data binds tenant_id, from the actor
 * or, for the super admin, from the row it names (an admin, an agent).
 */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "admin.h"
#include "arena.h"
#include "buf.h"
#include "chat.h"
#include "chatlog.h"
#include "list.h"

#define NTABS PL_CHATLOG__MAX

enum {
	L_AGENT_TENANT,
	L_AGENT_ANY,
	L_GET_ANY,
	L_GET_TENANT,
	L_GET_AGENT,
	L_MSGS,
	L_STEPS,
	L_TENANT,                     /* 4 per tab */
	L_SUPERVISOR = L_TENANT + 20, /* 4 per tab */
	L_AGENT = L_SUPERVISOR + 20,  /* 4 per tab */
	L_ALL = L_AGENT + 20,         /* 2 per tab: created only */
	L__MAX = L_ALL + 10
};

/* What a row shows. */
#define COLS "SELECT" COLS_ONLY
#define COLS_ONLY                                                              \
	" c.id, c.tenant_id, COALESCE(t.company, ''), c.visitor_name,"         \
	" c.visitor_email, c.visitor_phone, COALESCE(w.website_url, ''),"      \
	" c.status, c.channel, c.reject_count, c.transfer_count,"              \
	" CONCAT(ta.first_name, ' ', ta.last_name), td.name, c.agent_id,"      \
	" CONCAT(ag.first_name, ' ', ag.last_name), d.name, c.created_at,"     \
	" c.accepted_at, c.ended_at"

/* LEFT JOINs by primary key: they keep conversations the driving table,
 * so its index gives the order. ta and td: the transfer target's agent and
 * department ids (the conversation's last transfer, or the agent's own). */
#define JOINS(ta, td)                                                          \
	" LEFT JOIN widgets w ON w.id = c.widget_id"                           \
	" LEFT JOIN tenants t ON t.id = c.tenant_id"                           \
	" LEFT JOIN users ta ON ta.id = " ta                                   \
	" LEFT JOIN departments td ON td.id = " td                             \
	" LEFT JOIN users ag ON ag.id = c.agent_id"                            \
	" LEFT JOIN departments d ON d.id = c.department_id"

#define JOINS_LAST JOINS("c.transfer_agent_id", "c.transfer_department_id")

/* The search: a prefix of the name, the e-mail or the E.164 phone; the
 * other two patterns are "%" (an AND, so one index range serves it). */
#define SEARCH                                                                 \
	" AND c.visitor_name LIKE ? AND c.visitor_email LIKE ?"                \
	" AND c.visitor_phone_e164 LIKE ?"

#define BY_CREATED " ORDER BY c.created_at, c.id LIMIT ? OFFSET ?"
#define BY_CREATED_DESC                                                        \
	" ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?"
#define BY_NAME      " ORDER BY c.visitor_name, c.id LIMIT ? OFFSET ?"
#define BY_NAME_DESC " ORDER BY c.visitor_name DESC, c.id DESC LIMIT ? OFFSET ?"

/* The four orders of one statement body (pl_list_stmt: created asc,
 * created desc, name asc, name desc). */
#define FOUR(body)                                                             \
	body BY_CREATED, body BY_CREATED_DESC, body BY_NAME, body BY_NAME_DESC

/* Within a tenant, the tab's own name index serves a name order and a
 * name search; the optimizer would otherwise read the global name index
 * (of every tenant) in order and filter it. */
#define NO_GLOBAL " IGNORE INDEX (conversations_log_name)"

/* An admin's tab: tenant_id, search. */
#define TENANT(flag)                                                           \
	FOUR(COLS " FROM conversations c" NO_GLOBAL  JOINS_LAST                \
	          " WHERE c.tenant_id = ? AND " flag SEARCH)

/* A supervisor's: the tab's index in order, each row kept when the
 * supervisor supervises its department (a primary-key lookup): user_id,
 * then tenant_id, search. STRAIGHT_JOIN keeps that order: read the other
 * way round (every conversation of its departments, then sorted) a large
 * department costs a sort of all of it. */
#define SUPERVISOR(flag)                                                       \
	FOUR(                                                                  \
	    "SELECT STRAIGHT_JOIN" COLS_ONLY                                   \
	    " FROM conversations c"                                            \
	    " JOIN department_agents sd ON sd.user_id = ?"                     \
	    " AND sd.department_id = c.department_id"                          \
	    " AND sd.tenant_id = c.tenant_id AND sd.supervisor = 1" JOINS_LAST \
	    " WHERE c.tenant_id = ? AND " flag SEARCH)

/* The super admin across every tenant: search, created order only. */
#define ALL(flag)                                                              \
	COLS " FROM conversations c" JOINS_LAST                                \
	     " WHERE " flag SEARCH BY_CREATED,                                 \
	    COLS " FROM conversations c" JOINS_LAST                            \
	         " WHERE " flag SEARCH BY_CREATED_DESC

/* An agent's: its own set x (cid: the conversation, sid: a chat step),
 * then tenant_id, search. */
#define AGENT(set, ta, td)                                                     \
	FOUR(COLS " FROM (" set                                                \
	          ") x"                                                        \
	          " JOIN conversations c ON c.id = x.cid"                      \
	          " LEFT JOIN chat_steps s ON s.id = x.sid" JOINS(             \
	              ta, td) " WHERE c.tenant_id = ?" SEARCH)

#define AGENT_LAST(set)                                                        \
	AGENT(set, "c.transfer_agent_id", "c.transfer_department_id")

/* An agent's rows are found by its user_id; an intersection with the
 * tenant's whole range of the tenant_id index (which the optimizer tries)
 * would read every row of the tenant. */
#define NO_T_OFFERS " IGNORE INDEX (offers_tenant)"
#define NO_T_STEPS  " IGNORE INDEX (chat_steps_tenant)"

/* The agent's sets, each binding (user_id, tenant_id) once or more. */
#define SET_NEW                                                                \
	"SELECT DISTINCT conversation_id AS cid, 0 AS sid FROM "               \
	"offers" NO_T_OFFERS                                                   \
	" WHERE user_id = ? AND tenant_id = ? AND state = 'open'"
#define SET_REJECTED                                                           \
	"SELECT DISTINCT conversation_id AS cid, 0 AS sid FROM "               \
	"offers" NO_T_OFFERS                                                   \
	" WHERE user_id = ? AND tenant_id = ? AND state = 'rejected'"
#define SET_TRANSFERRED                                                        \
	"SELECT conversation_id AS cid, MAX(id) AS sid FROM "                  \
	"chat_steps" NO_T_STEPS                                                \
	" WHERE by_user_id = ? AND tenant_id = ? AND kind = 'transferred'"     \
	" GROUP BY conversation_id"
/* Held: accepted or re-initiated by it, reassigned to it, or its now (the
 * holder, or the last one). */
#define SET_ACCEPTED                                                           \
	"SELECT conversation_id AS cid, 0 AS sid FROM chat_steps" NO_T_STEPS   \
	" WHERE by_user_id = ? AND tenant_id = ?"                              \
	" AND kind IN ('accepted', 'reinitiated')"                             \
	" UNION SELECT conversation_id, 0 FROM chat_steps" NO_T_STEPS          \
	" WHERE to_user_id = ? AND tenant_id = ? AND kind = 'reassigned'"      \
	" UNION SELECT id, 0 FROM conversations"                               \
	" WHERE agent_id = ? AND tenant_id = ?"
#define SET_RESOLVED                                                           \
	"SELECT id AS cid, 0 AS sid FROM conversations"                        \
	" WHERE agent_id = ? AND tenant_id = ? AND status = 'resolved'"

#define F_NEW         "c.status = 'new'"
#define F_REJECTED    "c.log_rejected = 1"
#define F_TRANSFERRED "c.log_transferred = 1"
#define F_ACCEPTED    "c.log_accepted = 1"
#define F_RESOLVED    "c.status = 'resolved'"

#define GET COLS " FROM conversations c" JOINS_LAST

static const char *const stmts[L__MAX] = {
	[L_AGENT_TENANT] =
	    "SELECT id, tenant_id FROM users WHERE tenant_id = ? AND id = ?"
	    " AND is_agent = 1",
	[L_AGENT_ANY] =
	    "SELECT id, tenant_id FROM users WHERE id = ? AND is_agent = 1",
	[L_GET_ANY] = GET " WHERE c.id = ?",
	[L_GET_TENANT] = GET " WHERE c.tenant_id = ? AND c.id = ?",
	/* An agent's or a supervisor's: the chat engine's rule (chat.h). */
	[L_GET_AGENT] =
	    GET " WHERE c.tenant_id = ? AND c.id = ? AND " PL_CHAT_SEES_SQL,
	[L_MSGS] =
	    "SELECT m.id, m.sender, m.sender_user_id,"
	    " CASE m.sender WHEN 'visitor' THEN c.visitor_name"
	    " WHEN 'agent' THEN COALESCE(CONCAT(u.first_name, ' ',"
	    " u.last_name), '') ELSE 'Parley' END,"
	    " m.body, m.internal, m.created_at FROM messages m"
	    " JOIN conversations c ON c.id = m.conversation_id"
	    " LEFT JOIN users u ON u.id = m.sender_user_id"
	    " WHERE m.tenant_id = ? AND m.conversation_id = ?"
	    " ORDER BY m.id LIMIT ?",
	[L_STEPS] =
	    "SELECT s.id, s.kind, s.round,"
	    " COALESCE(CONCAT(b.first_name, ' ', b.last_name), ''),"
	    " COALESCE(CONCAT(tu.first_name, ' ', tu.last_name), td.name, ''),"
	    " s.why, s.created_at FROM chat_steps s"
	    " LEFT JOIN users b ON b.id = s.by_user_id"
	    " LEFT JOIN users tu ON tu.id = s.to_user_id"
	    " LEFT JOIN departments td ON td.id = s.to_department_id"
	    " WHERE s.tenant_id = ? AND s.conversation_id = ?"
	    " ORDER BY s.id LIMIT ?",
	TENANT(F_NEW),
	TENANT(F_REJECTED),
	TENANT(F_TRANSFERRED),
	TENANT(F_ACCEPTED),
	TENANT(F_RESOLVED),
	SUPERVISOR(F_NEW),
	SUPERVISOR(F_REJECTED),
	SUPERVISOR(F_TRANSFERRED),
	SUPERVISOR(F_ACCEPTED),
	SUPERVISOR(F_RESOLVED),
	AGENT_LAST(SET_NEW),
	AGENT_LAST(SET_REJECTED),
	AGENT(SET_TRANSFERRED, "s.to_user_id", "s.to_department_id"),
	AGENT_LAST(SET_ACCEPTED),
	AGENT_LAST(SET_RESOLVED),
	ALL(F_NEW),
	ALL(F_REJECTED),
	ALL(F_TRANSFERRED),
	ALL(F_ACCEPTED),
	ALL(F_RESOLVED),
};

const struct pl_sqlset pl_chatlog_sql = { "chatlog", stmts, L__MAX,
	{ &pl_admin_sql } };

const char *const pl_chatlog_tabs[] = { "new", "rejected", "transferred",
	"accepted", "resolved", NULL };
const char *const pl_chatlog_sorts[] = { "created", "name", NULL };
const char *const pl_chatlog_all_sorts[] = { "created", NULL };

enum pl_err
pl_chatlog_tab_parse(const char *s, enum pl_chatlog_tab *t)
{
	for (size_t i = 0; i < NTABS; i++)
		if (strcmp(s, pl_chatlog_tabs[i]) == 0) {
			*t = (enum pl_chatlog_tab)i;
			return PL_OK;
		}
	return PL_EINVAL;
}

/* What who sees: deny by default. */
enum scope {
	S_NONE,
	S_AGENT,      /* its own */
	S_SUPERVISOR, /* its departments' */
	S_TENANT,     /* an admin: its tenant's */
	S_ANY         /* the super admin */
};

static enum scope
scope_of(const struct pl_actor *who)
{
	switch (who->role) {
	case PL_ROLE_AGENT:
		return who->user_id && who->tenant_id ? S_AGENT : S_NONE;
	case PL_ROLE_SUPERVISOR:
		return who->user_id && who->tenant_id ? S_SUPERVISOR : S_NONE;
	case PL_ROLE_ADMIN:
		return who->tenant_id ? S_TENANT : S_NONE;
	case PL_ROLE_SUPER:
		return S_ANY;
	default:
		return S_NONE;
	}
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The three search patterns (name, e-mail, E.164 phone): q searches e-mail
 * addresses when it holds an "@", phones when it starts with "+" or a
 * digit (its digits, after a "+"), else names. */
static void
search_like(struct pl_arena *a, const struct pl_list *l, const char **name,
    const char **email, const char **phone)
{
	*name = *email = *phone = "%";
	if (*l->q == '\0')
		return;
	if (strchr(l->q, '@') != NULL)
		*email = l->like;
	else if (l->q[0] == '+' || is_digit(l->q[0])) {
		struct pl_buf b;

		pl_buf_init(&b, a);
		pl_buf_putc(&b, '+');
		for (const char *p = l->q; *p != '\0'; p++)
			if (is_digit(*p))
				pl_buf_putc(&b, *p);
		pl_buf_putc(&b, '%');
		*phone = pl_buf_cstr(&b);
	} else
		*name = l->like;
}

static const char *
str_or_empty(const struct pl_row *r, size_t col)
{
	const char *s = pl_row_str(r, col);

	return s ? s : "";
}

static void
row_parse(const struct pl_row *r, struct pl_chatlog_row *c)
{
	memset(c, 0, sizeof(*c));
	c->id = pl_row_i64(r, 0);
	c->tenant_id = pl_row_i64(r, 1);
	c->company = str_or_empty(r, 2);
	c->name = str_or_empty(r, 3);
	c->email = str_or_empty(r, 4);
	c->phone = str_or_empty(r, 5);
	c->website = str_or_empty(r, 6);
	c->status = str_or_empty(r, 7);
	c->channel = str_or_empty(r, 8);
	c->reject_count = (int)pl_row_i64(r, 9);
	c->transfer_count = (int)pl_row_i64(r, 10);
	if (!pl_row_null(r, 11)) {
		c->transfer_to = pl_row_str(r, 11);
		c->transfer_kind = "agent";
	} else if (!pl_row_null(r, 12)) {
		c->transfer_to = pl_row_str(r, 12);
		c->transfer_kind = "department";
	} else {
		c->transfer_to = "";
		c->transfer_kind = "";
	}
	c->agent_id = pl_row_i64(r, 13);
	c->agent = str_or_empty(r, 14);
	c->department = str_or_empty(r, 15);
	c->created_at = str_or_empty(r, 16);
	c->accepted_at = pl_row_str(r, 17);
	c->ended_at = pl_row_str(r, 18);
}

/* The agent agent_id as who may name it (the chat section): an admin its
 * tenant's, the super admin any; its id and tenant. */
static enum pl_err
agent_find(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t agent_id, int64_t *uid, int64_t *tid)
{
	struct pl_row row;
	enum pl_err   er;

	switch (scope_of(who)) {
	case S_TENANT:
		er = pl_db_one(db, a, &pl_chatlog_sql, L_AGENT_TENANT,
		    PL_ARGS(PL_I64(who->tenant_id), PL_I64(agent_id)), &row);
		break;
	case S_ANY:
		er = pl_db_one(db, a, &pl_chatlog_sql, L_AGENT_ANY,
		    PL_ARGS(PL_I64(agent_id)), &row);
		break;
	default:
		return PL_ENOTFOUND;
	}
	if (er != PL_OK)
		return er;
	*uid = pl_row_i64(&row, 0);
	*tid = pl_row_i64(&row, 1);
	return PL_OK;
}

/* Agent uid's (of tenant tid) page of tab. */
static enum pl_err
list_agent(struct pl_db *db, struct pl_arena *a, enum pl_chatlog_tab tab,
    int64_t uid, int64_t tid, const struct pl_list *l, const char *nl,
    const char *el, const char *pl, struct pl_rows *rows)
{
	size_t stmt = pl_list_stmt(l, L_AGENT + 4 * (size_t)tab);

	if (tab == PL_CHATLOG_ACCEPTED)
		return pl_db_all(db, a, &pl_chatlog_sql, stmt,
		    PL_ARGS(PL_I64(uid), PL_I64(tid), PL_I64(uid), PL_I64(tid),
		        PL_I64(uid), PL_I64(tid), PL_I64(tid), PL_STR(nl),
		        PL_STR(el), PL_STR(pl), PL_I64(l->limit + 1),
		        PL_I64(l->offset)),
		    rows);
	return pl_db_all(db, a, &pl_chatlog_sql, stmt,
	    PL_ARGS(PL_I64(uid), PL_I64(tid), PL_I64(tid), PL_STR(nl),
	        PL_STR(el), PL_STR(pl), PL_I64(l->limit + 1),
	        PL_I64(l->offset)),
	    rows);
}

enum pl_err
pl_chatlog_list(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_chatlog_q *q,
    const struct pl_list *l, struct pl_chatlog_row **v, size_t *n)
{
	enum scope     s = scope_of(who);
	struct pl_rows rows;
	const char    *nl, *el, *pl;
	int64_t        uid, tid;
	size_t         tab = (size_t)q->tab;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if (tab >= NTABS || s == S_NONE)
		return PL_ENOTFOUND;
	search_like(a, l, &nl, &el, &pl);
	if (q->agent_id != 0) {
		/* The chat section: an agent's tabs, for its admin or the
		 * super admin; an agent may name itself. */
		if (s == S_AGENT || s == S_SUPERVISOR) {
			if (q->agent_id != who->user_id)
				return PL_ENOTFOUND;
			uid = who->user_id;
			tid = who->tenant_id;
		} else if ((er = agent_find(
		                db, a, who, q->agent_id, &uid, &tid)) != PL_OK)
			return er;
		er = list_agent(db, a, q->tab, uid, tid, l, nl, el, pl, &rows);
	} else if (q->admin_id != 0) {
		if (s != S_TENANT && s != S_ANY)
			return PL_ENOTFOUND;
		if ((er = pl_admin_tenant(db, a, who, q->admin_id, &tid)) !=
		    PL_OK)
			return er;
		er = pl_db_all(db, a, &pl_chatlog_sql,
		    pl_list_stmt(l, L_TENANT + 4 * tab),
		    PL_ARGS(PL_I64(tid), PL_STR(nl), PL_STR(el), PL_STR(pl),
		        PL_I64(l->limit + 1), PL_I64(l->offset)),
		    &rows);
	} else {
		switch (s) {
		case S_AGENT:
			er = list_agent(db, a, q->tab, who->user_id,
			    who->tenant_id, l, nl, el, pl, &rows);
			break;
		case S_SUPERVISOR:
			er = pl_db_all(db, a, &pl_chatlog_sql,
			    pl_list_stmt(l, L_SUPERVISOR + 4 * tab),
			    PL_ARGS(PL_I64(who->user_id),
			        PL_I64(who->tenant_id), PL_STR(nl), PL_STR(el),
			        PL_STR(pl), PL_I64(l->limit + 1),
			        PL_I64(l->offset)),
			    &rows);
			break;
		case S_TENANT:
			er = pl_db_all(db, a, &pl_chatlog_sql,
			    pl_list_stmt(l, L_TENANT + 4 * tab),
			    PL_ARGS(PL_I64(who->tenant_id), PL_STR(nl),
			        PL_STR(el), PL_STR(pl), PL_I64(l->limit + 1),
			        PL_I64(l->offset)),
			    &rows);
			break;
		default: /* S_ANY: every tenant, created order only */
			if (l->sort != 0)
				return PL_EINVAL;
			er = pl_db_all(db, a, &pl_chatlog_sql,
			    L_ALL + 2 * tab + (l->desc ? 1 : 0),
			    PL_ARGS(PL_STR(nl), PL_STR(el), PL_STR(pl),
			        PL_I64(l->limit + 1), PL_I64(l->offset)),
			    &rows);
			break;
		}
	}
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++)
		row_parse(&rows.v[i], &(*v)[i]);
	*n = rows.n;
	return PL_OK;
}

enum pl_err
pl_chatlog_get(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_chatlog_row *c)
{
	struct pl_row row;
	int64_t       u = who->user_id, t = who->tenant_id;
	enum pl_err   er;

	switch (scope_of(who)) {
	case S_AGENT:
	case S_SUPERVISOR:
		er = pl_db_one(db, a, &pl_chatlog_sql, L_GET_AGENT,
		    PL_ARGS(PL_I64(t), PL_I64(id), PL_I64(u), PL_I64(u),
		        PL_I64(u), PL_I64(u)),
		    &row);
		break;
	case S_TENANT:
		er = pl_db_one(db, a, &pl_chatlog_sql, L_GET_TENANT,
		    PL_ARGS(PL_I64(t), PL_I64(id)), &row);
		break;
	case S_ANY:
		er = pl_db_one(db, a, &pl_chatlog_sql, L_GET_ANY,
		    PL_ARGS(PL_I64(id)), &row);
		break;
	default:
		return PL_ENOTFOUND;
	}
	if (er == PL_OK)
		row_parse(&row, c);
	return er;
}

enum pl_err
pl_chatlog_history(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_chatlog_row *c,
    struct pl_chatlog_msg **msgs, size_t *nmsgs, bool *more,
    struct pl_chatlog_step **steps, size_t *nsteps)
{
	struct pl_rows rows;
	enum pl_err    er;

	*msgs = NULL;
	*steps = NULL;
	*nmsgs = *nsteps = 0;
	*more = false;
	if ((er = pl_chatlog_get(db, a, who, id, c)) != PL_OK)
		return er;
	/* The tenant is the row's: the super admin's too. */
	if ((er = pl_db_all(db, a, &pl_chatlog_sql, L_MSGS,
	         PL_ARGS(PL_I64(c->tenant_id), PL_I64(c->id),
	             PL_I64(PL_CHATLOG_MSG_MAX + 1)),
	         &rows)) != PL_OK)
		return er;
	if (rows.n > PL_CHATLOG_MSG_MAX) {
		rows.n = PL_CHATLOG_MSG_MAX;
		*more = true;
	}
	*msgs = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**msgs));
	for (size_t i = 0; i < rows.n; i++) {
		struct pl_chatlog_msg *m = &(*msgs)[i];
		const struct pl_row   *r = &rows.v[i];

		m->id = pl_row_i64(r, 0);
		m->sender = str_or_empty(r, 1);
		m->user_id = pl_row_i64(r, 2);
		m->author = str_or_empty(r, 3);
		m->body = str_or_empty(r, 4);
		m->internal = pl_row_i64(r, 5) != 0;
		m->created_at = str_or_empty(r, 6);
	}
	*nmsgs = rows.n;
	if ((er = pl_db_all(db, a, &pl_chatlog_sql, L_STEPS,
	         PL_ARGS(PL_I64(c->tenant_id), PL_I64(c->id),
	             PL_I64(PL_CHATLOG_STEP_MAX)),
	         &rows)) != PL_OK)
		return er;
	*steps = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**steps));
	for (size_t i = 0; i < rows.n; i++) {
		struct pl_chatlog_step *st = &(*steps)[i];
		const struct pl_row    *r = &rows.v[i];

		st->id = pl_row_i64(r, 0);
		st->kind = str_or_empty(r, 1);
		st->round = (int)pl_row_i64(r, 2);
		st->by = str_or_empty(r, 3);
		st->to = str_or_empty(r, 4);
		st->why = str_or_empty(r, 5);
		st->created_at = str_or_empty(r, 6);
	}
	*nsteps = rows.n;
	return PL_OK;
}
