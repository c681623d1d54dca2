/* admin.c: the admins, for the super admin.
 *
 * An admin is a user of role 'admin' owning one tenant: the company. The
 * super admin creates both at once, with no password: the admin gets a
 * single-use link to set one. Blocking is the tenant's flag, so the admin
 * and all its agents are refused together (lib/session.c and lib/user.c
 * check tenants.blocked on every session, token and sign-in).
 *
 * The list finds a page's ids along an index that matches its ORDER BY
 * (sql/0003-admins.sql adds the ones 0002 lacks), reading at most
 * PL_LIST_MAX_OFFSET index entries, then reads that page's rows only. A
 * search is the UNION of four prefix ranges on indexed columns (last name,
 * first name, e-mail, company), sorted after: it costs what it matches.
 */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "admin.h"
#include "twacct.h"
#include "arena.h"
#include "audit.h"
#include "change.h"
#include "list.h"
#include "rule.h"
#include "user.h"
#include "valid.h"

/* The list statements come in the order of pl_admin_sorts, ascending then
 * descending (list.h: base + 2 * sort + desc). */
const char *const pl_admin_sorts[] = { "name", "email", "company", "created",
	NULL };

enum {
	ADM_LIST_NAME,
	ADM_LIST_NAME_DESC,
	ADM_LIST_EMAIL,
	ADM_LIST_EMAIL_DESC,
	ADM_LIST_COMPANY,
	ADM_LIST_COMPANY_DESC,
	ADM_LIST_CREATED,
	ADM_LIST_CREATED_DESC,
	ADM_SEARCH_NAME,
	ADM_SEARCH_NAME_DESC,
	ADM_SEARCH_EMAIL,
	ADM_SEARCH_EMAIL_DESC,
	ADM_SEARCH_COMPANY,
	ADM_SEARCH_COMPANY_DESC,
	ADM_SEARCH_CREATED,
	ADM_SEARCH_CREATED_DESC,
	ADM_GET,
	ADM_LOCK,
	ADM_TENANT_INSERT,
	ADM_USER_INSERT,
	ADM_USER_UPDATE,
	ADM_TENANT_UPDATE,
	ADM_TENANT_BLOCK,
	ADM_TENANT_OF,
	ADM__MAX
};

/* The columns row_admin() reads, in its order. */
#define ADM_COLS                                                               \
	"SELECT u.id, u.tenant_id, u.first_name, u.last_name, u.email,"        \
	" t.company, u.phone, t.blocked,"                                      \
	" (SELECT COUNT(*) FROM users g WHERE g.tenant_id = u.tenant_id"       \
	" AND g.role IN ('agent', 'supervisor')),"                             \
	" u.created_at"

/*
 * A page is found first, as ids, along an index that holds both its order
 * and the id (so the OFFSET walk reads the index only), then joined for
 * the columns and re-sorted: at most PL_LIST_MAX_OFFSET index entries and
 * one page of rows per request.
 *
 * By users: the name, e-mail and created orders walk users_role_last,
 * users_role_email and users_role_created. By tenants: the company order
 * walks tenants_company, each tenant joined to its one admin; the
 * optimizer would rather sort the whole table for a deep page, so the
 * index is forced.
 */
#define IDS_BY_USER(order)                                                     \
	"SELECT id FROM users WHERE role = 'admin'" order PAGE
#define IDS_BY_TENANT(order)                                                   \
	"SELECT a.id FROM tenants c FORCE INDEX (tenants_company)"             \
	" STRAIGHT_JOIN users a"                                               \
	" ON a.tenant_id = c.id AND a.role = 'admin'" order PAGE

/* The admins a search matches: the union of four index prefix ranges
 * (last name, first name, e-mail, company), then sorted; the tenants are
 * joined only for the company order. It costs what it matches: the join
 * order is fixed, as the optimizer would otherwise walk a whole users
 * index in the sort's order and probe the matches. Binds the LIKE
 * pattern four times. */
#define MATCH                                                                  \
	"SELECT u2.id FROM (SELECT id FROM users"                              \
	" WHERE role = 'admin' AND last_name LIKE ?"                           \
	" UNION SELECT id FROM users"                                          \
	" WHERE role = 'admin' AND first_name LIKE ?"                          \
	" UNION SELECT id FROM users"                                          \
	" WHERE role = 'admin' AND email LIKE ?"                               \
	" UNION SELECT a.id FROM tenants c JOIN users a"                       \
	" ON a.tenant_id = c.id AND a.role = 'admin'"                          \
	" WHERE c.company LIKE ?) m"                                           \
	" STRAIGHT_JOIN users u2 ON u2.id = m.id"
#define IDS_MATCH(order) MATCH order PAGE
#define IDS_MATCH_T(order)                                                     \
	MATCH " STRAIGHT_JOIN tenants t2 ON t2.id = u2.tenant_id" order PAGE

/* One admin by user id. */
#define ADM_ONE                                                                \
	" FROM users u JOIN tenants t ON t.id = u.tenant_id"                   \
	" WHERE u.id = ? AND u.role = 'admin'"

/* The orders, for a table alias ("u." or "" for users, "t." for tenants):
 * each ends in the id, so a page boundary never splits ties. */
#define O_NAME(u) " ORDER BY " u "last_name, " u "first_name, " u "id"
#define O_NAME_DESC(u)                                                         \
	" ORDER BY " u "last_name DESC, " u "first_name DESC, " u "id DESC"
#define O_EMAIL(u)      " ORDER BY " u "email"
#define O_EMAIL_DESC(u) " ORDER BY " u "email DESC"
#define O_COMP(t)       " ORDER BY " t "company, " t "id"
#define O_COMP_DESC(t)  " ORDER BY " t "company DESC, " t "id DESC"
#define O_NEW(u)        " ORDER BY " u "created_at, " u "id"
#define O_NEW_DESC(u)   " ORDER BY " u "created_at DESC, " u "id DESC"
#define PAGE            " LIMIT ? OFFSET ?"
#define LIST(ids, order)                                                       \
	ADM_COLS " FROM (" ids                                                 \
	         ") p JOIN users u ON u.id = p.id"                             \
	         " JOIN tenants t ON t.id = u.tenant_id" order

static const char *const stmts[ADM__MAX] = {
	[ADM_LIST_NAME] = LIST(IDS_BY_USER(O_NAME("")), O_NAME("u.")),
	[ADM_LIST_NAME_DESC] =
	    LIST(IDS_BY_USER(O_NAME_DESC("")), O_NAME_DESC("u.")),
	[ADM_LIST_EMAIL] = LIST(IDS_BY_USER(O_EMAIL("")), O_EMAIL("u.")),
	[ADM_LIST_EMAIL_DESC] =
	    LIST(IDS_BY_USER(O_EMAIL_DESC("")), O_EMAIL_DESC("u.")),
	[ADM_LIST_COMPANY] = LIST(IDS_BY_TENANT(O_COMP("c.")), O_COMP("t.")),
	[ADM_LIST_COMPANY_DESC] =
	    LIST(IDS_BY_TENANT(O_COMP_DESC("c.")), O_COMP_DESC("t.")),
	[ADM_LIST_CREATED] = LIST(IDS_BY_USER(O_NEW("")), O_NEW("u.")),
	[ADM_LIST_CREATED_DESC] =
	    LIST(IDS_BY_USER(O_NEW_DESC("")), O_NEW_DESC("u.")),
	[ADM_SEARCH_NAME] = LIST(IDS_MATCH(O_NAME("u2.")), O_NAME("u.")),
	[ADM_SEARCH_NAME_DESC] =
	    LIST(IDS_MATCH(O_NAME_DESC("u2.")), O_NAME_DESC("u.")),
	[ADM_SEARCH_EMAIL] = LIST(IDS_MATCH(O_EMAIL("u2.")), O_EMAIL("u.")),
	[ADM_SEARCH_EMAIL_DESC] =
	    LIST(IDS_MATCH(O_EMAIL_DESC("u2.")), O_EMAIL_DESC("u.")),
	[ADM_SEARCH_COMPANY] = LIST(IDS_MATCH_T(O_COMP("t2.")), O_COMP("t.")),
	[ADM_SEARCH_COMPANY_DESC] =
	    LIST(IDS_MATCH_T(O_COMP_DESC("t2.")), O_COMP_DESC("t.")),
	[ADM_SEARCH_CREATED] = LIST(IDS_MATCH(O_NEW("u2.")), O_NEW("u.")),
	[ADM_SEARCH_CREATED_DESC] =
	    LIST(IDS_MATCH(O_NEW_DESC("u2.")), O_NEW_DESC("u.")),
	[ADM_GET] = ADM_COLS ADM_ONE,
	/* Both rows, locked for the rest of the transaction. */
	[ADM_LOCK] =
	    "SELECT u.tenant_id, t.blocked, u.first_name, u.last_name,"
	    " u.email, t.company"
	    " FROM users u JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.id = ? AND u.role = 'admin' FOR UPDATE",
	[ADM_TENANT_INSERT] = "INSERT INTO tenants (company) VALUES (?)",
	[ADM_USER_INSERT] =
	    "INSERT INTO users (tenant_id, role, email, first_name, last_name,"
	    " phone, phone_e164) VALUES (?, 'admin', ?, ?, ?, ?, ?)",
	[ADM_USER_UPDATE] =
	    "UPDATE users SET first_name = ?, last_name = ?, phone = ?,"
	    " phone_e164 = ? WHERE id = ? AND role = 'admin'",
	[ADM_TENANT_UPDATE] = "UPDATE tenants SET company = ? WHERE id = ?",
	[ADM_TENANT_BLOCK] = "UPDATE tenants SET blocked = ? WHERE id = ?",
	[ADM_TENANT_OF] =
	    "SELECT tenant_id FROM users WHERE id = ? AND role = 'admin'",
};

const struct pl_sqlset pl_admin_sql = { "admin", stmts, ADM__MAX,
	{ &pl_audit_sql, &pl_user_sql, &pl_twacct_sql } };

/* Only the super admin manages admins. */
static enum pl_err
super_only(const struct pl_actor *who)
{
	return who->role == PL_ROLE_SUPER ? PL_OK : PL_EPERM;
}

/* The rules of a create (with the e-mail, normalized into *email) or an
 * update: every fault recorded on fe. */
static enum pl_err
admin_check(struct pl_arena *a, const struct pl_admin_in *in, bool create,
    struct pl_errs *fe, const char **email)
{
	pl_rule_name(a, fe, "first_name", "First name", in->first_name);
	pl_rule_name(a, fe, "last_name", "Last name", in->last_name);
	if (create)
		pl_rule_email(a, fe, "email", "E-mail", in->email, email);
	pl_rule_text(a, fe, "company", "Company", PL_RULE_REQUIRED,
	    PL_COMPANY_MAX, in->company);
	pl_rule_phone(a, fe, "phone", "Phone", false, in->phone);
	return pl_errs_check(fe);
}

static const char *
phone_e164(struct pl_arena *a, const char *phone)
{
	return phone != NULL && *phone ? pl_phone_e164(a, phone) : "";
}

static void
row_admin(const struct pl_row *r, struct pl_admin *a)
{
	a->id = pl_row_i64(r, 0);
	a->tenant_id = pl_row_i64(r, 1);
	a->first_name = pl_row_str(r, 2);
	a->last_name = pl_row_str(r, 3);
	a->email = pl_row_str(r, 4);
	a->company = pl_row_str(r, 5);
	a->phone = pl_row_str(r, 6);
	a->blocked = pl_row_i64(r, 7) != 0;
	a->agent_count = pl_row_i64(r, 8);
	a->created_at = pl_row_str(r, 9);
}

enum pl_err
pl_admin_get(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_admin *out)
{
	struct pl_row row;
	enum pl_err   er;

	if ((er = super_only(who)) != PL_OK)
		return er;
	er =
	    pl_db_one(db, a, &pl_admin_sql, ADM_GET, PL_ARGS(PL_I64(id)), &row);
	if (er == PL_OK)
		row_admin(&row, out);
	return er;
}

enum pl_err
pl_admin_list(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    const struct pl_list *l, struct pl_admin **v, size_t *n)
{
	struct pl_rows rows;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if ((er = super_only(who)) != PL_OK)
		return er;
	if (*l->q == '\0')
		er = pl_db_all(db, a, &pl_admin_sql,
		    pl_list_stmt(l, ADM_LIST_NAME),
		    PL_ARGS(PL_I64(l->limit + 1), PL_I64(l->offset)), &rows);
	else
		er = pl_db_all(db, a, &pl_admin_sql,
		    pl_list_stmt(l, ADM_SEARCH_NAME),
		    PL_ARGS(PL_STR(l->like), PL_STR(l->like), PL_STR(l->like),
		        PL_STR(l->like), PL_I64(l->limit + 1),
		        PL_I64(l->offset)),
		    &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++)
		row_admin(&rows.v[i], &(*v)[i]);
	*n = rows.n;
	return PL_OK;
}

/* What a create writes, and what it made. */
struct create_arg {
	const struct pl_admin_in *in;
	const char               *email; /* normalized */
	int64_t                   id;
};

static enum pl_err
create_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct create_arg        *g = p;
	const struct pl_admin_in *in = g->in;
	const char               *name =
	    pl_arena_printf(a, "%s %s", in->first_name, in->last_name);
	uint64_t    tid = 0, uid = 0;
	enum pl_err er;

	if ((er = pl_db_exec(db, &pl_admin_sql, ADM_TENANT_INSERT,
	         PL_ARGS(PL_STR(in->company)), NULL, &tid)) != PL_OK)
		return er;
	er = pl_db_exec(db, &pl_admin_sql, ADM_USER_INSERT,
	    PL_ARGS(PL_I64(tid), PL_STR(g->email), PL_STR(in->first_name),
	        PL_STR(in->last_name), PL_STR(in->phone ? in->phone : ""),
	        PL_STR(phone_e164(a, in->phone))),
	    NULL, &uid);
	if (er != PL_OK)
		return er;
	/* The business's Twilio sub-account (spec 1.4), named after the
	 * company, goes through the worker. */
	if ((er = pl_twacct_queue_create(db, a, (int64_t)tid,
	         *in->company ? in->company : name)) != PL_OK)
		return er;
	if ((er = pl_user_invite(db, a, (int64_t)uid, g->email, name,
	         pl_actor_real_name(who))) != PL_OK)
		return er;
	g->id = (int64_t)uid;
	ch->tenant_id = (int64_t)tid;
	ch->action = "create";
	ch->target_type = "admin";
	ch->target_id = (int64_t)uid;
	ch->summary = pl_arena_printf(
	    a, "Admin %s <%s> of %s", name, g->email, in->company);
	ch->queued = true;
	return PL_OK;
}

enum pl_err
pl_admin_create(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_admin_in *in,
    struct pl_errs *fe, int64_t *id)
{
	struct create_arg g = { in, NULL, 0 };
	enum pl_err       er;

	if ((er = super_only(who)) != PL_OK ||
	    (er = admin_check(a, in, true, fe, &g.email)) != PL_OK ||
	    (er = pl_user_email_free(db, a, g.email, fe)) != PL_OK)
		return er;
	er = pl_change_run(db, a, who, create_write, &g);
	/* Someone took the address since the check. */
	if (er == PL_ECONFLICT)
		return pl_user_email_taken(fe);
	if (er == PL_OK)
		*id = g.id;
	return er;
}

/* An update or a block: which admin, and how. */
struct admin_arg {
	int64_t                   id;
	const struct pl_admin_in *in; /* update */
	bool                      blocked;
};

/* Lock an admin's user and tenant rows inside the change: PL_OK and the
 * row (tenant_id, blocked, first, last, email, company), or PL_ENOTFOUND
 * when id is not an admin's. */
static enum pl_err
admin_lock(struct pl_db *db, struct pl_arena *a, int64_t id, struct pl_row *row)
{
	return pl_db_one(
	    db, a, &pl_admin_sql, ADM_LOCK, PL_ARGS(PL_I64(id)), row);
}

static enum pl_err
update_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct admin_arg         *g = p;
	const struct pl_admin_in *in = g->in;
	struct pl_row             row;
	int64_t                   tid;
	enum pl_err               er;

	(void)who;
	if ((er = admin_lock(db, a, g->id, &row)) != PL_OK)
		return er;
	tid = pl_row_i64(&row, 0);
	if ((er = pl_db_exec(db, &pl_admin_sql, ADM_USER_UPDATE,
	         PL_ARGS(PL_STR(in->first_name), PL_STR(in->last_name),
	             PL_STR(in->phone ? in->phone : ""),
	             PL_STR(phone_e164(a, in->phone)), PL_I64(g->id)),
	         NULL, NULL)) != PL_OK ||
	    (er = pl_db_exec(db, &pl_admin_sql, ADM_TENANT_UPDATE,
	         PL_ARGS(PL_STR(in->company), PL_I64(tid)), NULL, NULL)) !=
	        PL_OK)
		return er;
	ch->tenant_id = tid;
	ch->action = "update";
	ch->target_type = "admin";
	ch->target_id = g->id;
	ch->summary = pl_arena_printf(a, "Admin %s %s <%s> of %s",
	    in->first_name, in->last_name, pl_row_str(&row, 4), in->company);
	return PL_OK;
}

enum pl_err
pl_admin_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, const struct pl_admin_in *in,
    struct pl_errs *fe)
{
	struct admin_arg g = { id, in, false };
	struct pl_admin  cur;
	enum pl_err      er;

	/* A missing admin is a 404 whatever the input says. */
	if ((er = pl_admin_get(db, a, who, id, &cur)) != PL_OK ||
	    (er = admin_check(a, in, false, fe, NULL)) != PL_OK)
		return er;
	return pl_change_run(db, a, who, update_write, &g);
}

static enum pl_err
block_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct admin_arg *g = p;
	struct pl_row     row;
	int64_t           tid;
	enum pl_err       er;

	(void)who;
	if ((er = admin_lock(db, a, g->id, &row)) != PL_OK)
		return er;
	tid = pl_row_i64(&row, 0);
	/* Already so: nothing changes, nothing to record. */
	if ((pl_row_i64(&row, 1) != 0) == g->blocked)
		return PL_OK;
	if ((er = pl_db_exec(db, &pl_admin_sql, ADM_TENANT_BLOCK,
	         PL_ARGS(PL_I64(g->blocked ? 1 : 0), PL_I64(tid)), NULL,
	         NULL)) != PL_OK ||
	    /* Its Twilio sub-account follows through the outbox: an outage
	     * delays the suspension, never undoes the block. */
	    (er = pl_twacct_queue_status(db, a, tid, g->blocked)) != PL_OK)
		return er;
	ch->tenant_id = tid;
	ch->action = g->blocked ? "block" : "unblock";
	ch->target_type = "admin";
	ch->target_id = g->id;
	ch->summary =
	    pl_arena_printf(a, "Admin %s %s <%s> of %s", pl_row_str(&row, 2),
	        pl_row_str(&row, 3), pl_row_str(&row, 4), pl_row_str(&row, 5));
	ch->changed_tenant = tid;
	ch->queued = true; /* the sub-account follows */
	return PL_OK;
}

enum pl_err
pl_admin_set_blocked(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, bool blocked)
{
	struct admin_arg g = { id, NULL, blocked };
	enum pl_err      er;

	if ((er = super_only(who)) != PL_OK)
		return er;
	return pl_change_run(db, a, who, block_write, &g);
}

enum pl_err
pl_admin_tenant(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t admin_id, int64_t *tenant_id)
{
	struct pl_row row;
	enum pl_err   er;

	if (who->role != PL_ROLE_SUPER) {
		/* Only the super admin names an admin; others have their own
		 * tenant, and any other admin is none of their business. */
		if (who->role != PL_ROLE_ADMIN || admin_id != who->user_id)
			return PL_ENOTFOUND;
		*tenant_id = who->tenant_id;
		return PL_OK;
	}
	er = pl_db_one(db, a, &pl_admin_sql, ADM_TENANT_OF,
	    PL_ARGS(PL_I64(admin_id)), &row);
	if (er == PL_OK)
		*tenant_id = pl_row_i64(&row, 0);
	return er;
}
