/* twacct.c: the platform's Twilio account, sub-accounts, and the worker's
 * Twilio calls. Every Twilio call goes through lib/core/twilio.c. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "audit.h"
#include "buf.h"
#include "config.h"
#include "change.h"
#include "crypto.h"
#include "list.h"
#include "log.h"
#include "notify.h"
#include "parse.h"
#include "outbox.h"
#include "pl_json.h"
#include "secretbox.h"
#include "twacct.h"
#include "twilio.h"

#define FNAME_MAX 64 /* Twilio's FriendlyName, characters */

const char *const pl_twacct_sorts[] = { "company", "created", NULL };

enum {
	L_COMPANY,
	L_COMPANY_DESC,
	L_CREATED,
	L_CREATED_DESC,
	Q_COMPANY,
	Q_COMPANY_DESC,
	Q_CREATED,
	Q_CREATED_DESC,
	P_GET,
	P_LOCK,
	P_PUT,
	P_SID_USED,
	S_INSERT,
	S_GET,
	S_CREDS,
	S_LOCK,
	S_CREATED,
	S_STATUS,
	S_WANT,
	S_FAILED,
	S_UNFAIL,
	S_DEAD,
	O_WAKE_WAITING,
	T__MAX
};

/* The columns row_of() reads, in its order; the outbox row joined is the
 * current intent's (creation until the sub-account exists, then the latest
 * status change). */
#define T_COLS                                                                 \
	"SELECT t.id, a.id, CONCAT(a.first_name, ' ', a.last_name), a.email,"  \
	" t.company, COALESCE(s.account_sid, ''), COALESCE(s.status,"          \
	" 'pending'), COALESCE(s.want, 'active'), COALESCE(o.last_error, '')," \
	" COALESCE(GREATEST(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(),"            \
	" o.next_attempt_at), 0), 0), COALESCE(o.attempts, 0),"                \
	" COALESCE(o.status, ''), t.created_at, (SELECT COUNT(*) FROM"         \
	" widgets w WHERE w.tenant_id = t.id AND w.phone_number IS NOT NULL)"
#define T_FROM(ids)                                                            \
	" FROM (" ids                                                          \
	") p JOIN tenants t ON t.id = p.id"                                    \
	" JOIN users a ON a.tenant_id = t.id AND a.role = 'admin'"             \
	" LEFT JOIN twilio_subaccounts s ON s.tenant_id = t.id"                \
	" LEFT JOIN outbox o ON o.idem_key = IF(s.account_sid IS NULL,"        \
	" CONCAT('twilio:create:', s.tenant_id),"                              \
	" CONCAT('twilio:status:', s.tenant_id, ':', s.intent))"
#define PAGE " LIMIT ? OFFSET ?"
/* Ids along an index that holds the order (as the admins list does). */
#define IDS_COMPANY(o)                                                         \
	"SELECT c.id FROM tenants c FORCE INDEX (tenants_company)"             \
	" STRAIGHT_JOIN users u ON u.tenant_id = c.id AND u.role = 'admin'" o  \
	    PAGE
#define IDS_CREATED(o)                                                         \
	"SELECT u.tenant_id AS id FROM users u WHERE u.role = 'admin'" o PAGE
/* A search: a prefix of the company or of the admin's e-mail. */
#define MATCH                                                                  \
	"SELECT m.id FROM (SELECT c.id FROM tenants c JOIN users u"            \
	" ON u.tenant_id = c.id AND u.role = 'admin' WHERE c.company LIKE ?"   \
	" UNION SELECT tenant_id FROM users WHERE role = 'admin'"              \
	" AND email LIKE ?) m JOIN tenants c ON c.id = m.id"                   \
	" JOIN users u ON u.tenant_id = c.id AND u.role = 'admin'"
#define O_COMP           " ORDER BY c.company, c.id"
#define O_COMP_DESC      " ORDER BY c.company DESC, c.id DESC"
#define O_NEW            " ORDER BY u.created_at, u.id"
#define O_NEW_DESC       " ORDER BY u.created_at DESC, u.id DESC"
#define LIST(ids, order) T_COLS T_FROM(ids) " ORDER BY " order

static const char *const stmts[T__MAX] = {
	[L_COMPANY] = LIST(IDS_COMPANY(O_COMP), "t.company, t.id"),
	[L_COMPANY_DESC] =
	    LIST(IDS_COMPANY(O_COMP_DESC), "t.company DESC, t.id DESC"),
	[L_CREATED] = LIST(IDS_CREATED(O_NEW), "a.created_at, a.id"),
	[L_CREATED_DESC] =
	    LIST(IDS_CREATED(O_NEW_DESC), "a.created_at DESC, a.id DESC"),
	[Q_COMPANY] = LIST(MATCH O_COMP PAGE, "t.company, t.id"),
	[Q_COMPANY_DESC] =
	    LIST(MATCH O_COMP_DESC PAGE, "t.company DESC, t.id DESC"),
	[Q_CREATED] = LIST(MATCH O_NEW PAGE, "a.created_at, a.id"),
	[Q_CREATED_DESC] =
	    LIST(MATCH O_NEW_DESC PAGE, "a.created_at DESC, a.id DESC"),
	[P_GET] =
	    "SELECT account_sid, token_sealed, friendly_name,"
	    " validated_at FROM twilio_platform WHERE id = 1",
	[P_LOCK] =
	    "SELECT account_sid FROM twilio_platform WHERE id = 1"
	    " FOR UPDATE",
	[P_PUT] =
	    "INSERT INTO twilio_platform (id, account_sid, token_sealed,"
	    " friendly_name, validated_at) VALUES (1, ?, ?, ?,"
	    " UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE account_sid ="
	    " VALUES(account_sid), token_sealed = VALUES(token_sealed),"
	    " friendly_name = VALUES(friendly_name), validated_at ="
	    " UTC_TIMESTAMP()",
	[P_SID_USED] =
	    "SELECT tenant_id FROM twilio_subaccounts"
	    " WHERE account_sid = ?",
	[S_INSERT] =
	    "INSERT INTO twilio_subaccounts (tenant_id, friendly_name)"
	    " VALUES (?, ?)",
	[S_GET] =
	    "SELECT friendly_name, COALESCE(account_sid, ''), status,"
	    " want, intent FROM twilio_subaccounts WHERE tenant_id = ?",
	[S_CREDS] =
	    "SELECT COALESCE(account_sid, ''), COALESCE(token_sealed, ''),"
	    " status FROM twilio_subaccounts WHERE tenant_id = ?",
	[S_LOCK] =
	    "SELECT friendly_name, COALESCE(account_sid, ''), status,"
	    " want, intent FROM twilio_subaccounts WHERE tenant_id = ?"
	    " FOR UPDATE",
	[S_CREATED] =
	    "UPDATE twilio_subaccounts SET account_sid = ?,"
	    " token_sealed = ?, status = ? WHERE tenant_id = ?"
	    " AND account_sid IS NULL",
	[S_STATUS] =
	    "UPDATE twilio_subaccounts SET status = ?"
	    " WHERE tenant_id = ?",
	[S_WANT] =
	    "UPDATE twilio_subaccounts SET want = ?, intent = intent + 1"
	    " WHERE tenant_id = ?",
	[S_FAILED] =
	    "UPDATE twilio_subaccounts SET status = 'failed'"
	    " WHERE tenant_id = ? AND account_sid IS NULL",
	[S_UNFAIL] =
	    "UPDATE twilio_subaccounts SET status = 'pending'"
	    " WHERE tenant_id = ? AND status = 'failed'",
	/* The tenant's dead intent, if any (for an operator's retry). */
	[S_DEAD] =
	    "SELECT o.id FROM twilio_subaccounts s JOIN outbox o"
	    " ON o.idem_key = IF(s.account_sid IS NULL,"
	    " CONCAT('twilio:create:', s.tenant_id),"
	    " CONCAT('twilio:status:', s.tenant_id, ':', s.intent))"
	    " WHERE s.tenant_id = ? AND o.status = 'failed'",
	[O_WAKE_WAITING] =
	    "UPDATE outbox SET next_attempt_at = UTC_TIMESTAMP()"
	    " WHERE kind = 'twilio' AND status = 'pending'",
};

const struct pl_sqlset pl_twacct_sql = { "twacct", stmts, T__MAX,
	{ &pl_audit_sql } };

/* The actor of the worker's own entries: Parley itself. */
static const struct pl_actor parley = { .role = PL_ROLE_SUPER,
	.name = "Parley" };

/* ---- the platform account -------------------------------------------- */

static const char platform_aad[] = "twilio:platform";

/* The row's aad: a box sealed for one tenant opens for no other. */
static const char *
tenant_aad(struct pl_arena *a, int64_t tid)
{
	return pl_arena_printf(a, "twilio:tenant:%lld", (long long)tid);
}

enum pl_err
pl_twacct_platform_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, struct pl_twacct_platform *out)
{
	struct pl_row row;
	enum pl_err   er;

	memset(out, 0, sizeof(*out));
	if (who->role != PL_ROLE_SUPER)
		return PL_EPERM;
	er = pl_db_one(db, a, &pl_twacct_sql, P_GET, NULL, 0, &row);
	if (er == PL_ENOTFOUND)
		return PL_OK;
	if (er != PL_OK)
		return er;
	out->set = true;
	out->sid_masked = pl_twilio_mask_sid(a, pl_row_str(&row, 0));
	out->friendly_name = pl_row_str(&row, 2);
	out->validated_at = pl_row_str(&row, 3);
	return PL_OK;
}

/* The platform's credentials, opened (token arena-owned). PL_ENOTFOUND
 * when none are stored; PL_EUNAVAIL without a data key. */
static enum pl_err
platform_creds(struct pl_db *db, struct pl_arena *a,
    const struct pl_config *cfg, struct pl_twilio_creds *c)
{
	struct pl_row  row;
	unsigned char *tok;
	size_t         n;
	enum pl_err    er;

	if ((er = pl_db_one(db, a, &pl_twacct_sql, P_GET, NULL, 0, &row)) !=
	    PL_OK)
		return er;
	er = pl_open(a, pl_config_data_key(cfg), pl_row_str(&row, 1),
	    platform_aad, sizeof(platform_aad) - 1, &tok, &n);
	if (er != PL_OK) {
		pl_error("twilio: the platform's token does not open (%s)",
		    pl_err_code(er));
		return er == PL_EINVAL ? PL_EINTERNAL : er;
	}
	c->sid = pl_row_str(&row, 0);
	c->token = (const char *)tok;
	return PL_OK;
}

/* What a failed call says, for a person ("Twilio answered 503"). */
static const char *
call_why(struct pl_arena *a, const struct pl_twilio_result *r)
{
	if (r->status == 0)
		return "Twilio could not be reached";
	if (r->status == 429)
		return "Twilio answered 429 (too many requests)";
	if (r->status >= 500)
		return pl_arena_printf(a, "Twilio answered %d", r->status);
	if (r->err.message[0] != '\0')
		return pl_arena_printf(a, "Twilio refused it: %s (%ld)",
		    r->err.message, r->err.code);
	return pl_arena_printf(a, "Twilio answered %d", r->status);
}

/* A string member of a JSON object, copied into the arena, or NULL. */
static const char *
jstr(struct pl_arena *a, struct json_object *o, const char *k)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return pl_arena_strdup(a, json_object_get_string(v));
}

struct set_arg {
	const char     *sid;
	const char     *sealed;
	const char     *name;
	bool            replace;
	const char     *old_masked;
	struct pl_errs *fe;
};

static enum pl_err
set_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct set_arg *g = p;
	struct pl_row   row;
	enum pl_err     er;

	(void)who;
	er = pl_db_one(db, a, &pl_twacct_sql, P_LOCK, NULL, 0, &row);
	if (er == PL_OK && !g->replace) {
		g->fe->msg =
		    "The Twilio credentials are already set: replace"
		    " them instead.";
		return PL_ECONFLICT;
	}
	if (er == PL_OK)
		g->old_masked = pl_twilio_mask_sid(a, pl_row_str(&row, 0));
	else if (er != PL_ENOTFOUND)
		return er;
	if ((er = pl_db_one(db, a, &pl_twacct_sql, P_SID_USED,
	         PL_ARGS(PL_STR(g->sid)), &row)) == PL_OK) {
		pl_errs_add(g->fe, "account_sid",
		    "That is a business's sub-account, not the platform's"
		    " account.");
		return PL_ECONFLICT;
	}
	if (er != PL_ENOTFOUND)
		return er;
	if ((er = pl_db_exec(db, &pl_twacct_sql, P_PUT,
	         PL_ARGS(PL_STR(g->sid), PL_STR(g->sealed),
	             PL_STR(g->name ? g->name : "")),
	         NULL, NULL)) != PL_OK)
		return er;
	/* Sub-accounts that waited for credentials go now. */
	if ((er = pl_db_exec(db, &pl_twacct_sql, O_WAKE_WAITING, NULL, 0, NULL,
	         NULL)) != PL_OK)
		return er;
	ch->action = g->replace ? "twilio_credentials_replace"
	                        : "twilio_credentials_set";
	ch->target_type = "twilio";
	ch->summary =
	    g->replace
	        ? pl_arena_printf(a, "Twilio credentials replaced: %s (was %s)",
	              pl_twilio_mask_sid(a, g->sid), g->old_masked)
	        : pl_arena_printf(a, "Twilio credentials set: %s",
	              pl_twilio_mask_sid(a, g->sid));
	ch->queued = true;
	return PL_OK;
}

enum pl_err
pl_twacct_platform_set(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_config *cfg, const char *sid,
    const char *token, bool replace, struct pl_errs *fe)
{
	struct pl_twilio_creds  c = { sid, token };
	struct pl_twilio_result r;
	struct set_arg          g = { 0 };
	enum pl_err             er;
	char                   *sealed;

	if (who->role != PL_ROLE_SUPER)
		return PL_EPERM;
	if (!pl_twilio_sid_ok(sid, "AC"))
		pl_errs_add(fe, "account_sid",
		    "An Account SID is AC followed by 32 letters a-f and"
		    " digits.");
	if (*token == '\0' || strlen(token) > 128 ||
	    strspn(token, "0123456789abcdefABCDEF") != strlen(token))
		pl_errs_add(fe, "auth_token",
		    "An Auth Token is 32 letters a-f and digits.");
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	if (pl_config_data_key(cfg) == NULL) {
		fe->msg =
		    "Parley has no data key (PARLEY_DATA_KEY_FILE), so it"
		    " cannot store credentials.";
		return PL_EUNAVAIL;
	}
	/* Checked with Twilio before anything is stored, and before any
	 * transaction: the call may take seconds. */
	memset(&r, 0, sizeof(r));
	er = pl_twilio_call(a, cfg, &c, "GET",
	    pl_arena_printf(a, "/2010-04-01/Accounts/%s.json", sid), NULL, 0,
	    &r);
	if (er == PL_OK) {
		const char *st = jstr(a, r.json, "status");

		g.name = jstr(a, r.json, "friendly_name");
		if (st != NULL && strcmp(st, "active") != 0) {
			fe->msg = pl_arena_printf(a,
			    "Twilio says this account is %s: use an active"
			    " one.",
			    st);
			er = PL_EINVAL;
		}
	} else if (r.transient) {
		fe->msg = pl_arena_printf(a,
		    "%s; the credentials were not checked and are not saved."
		    " Try again in a moment.",
		    call_why(a, &r));
		er = PL_EUNAVAIL;
	} else {
		fe->msg = pl_arena_printf(a,
		    "Twilio refused these credentials:"
		    " %s%s",
		    r.err.message[0] ? r.err.message : "not authorized",
		    r.err.code ? pl_arena_printf(a, " (%ld)", r.err.code) : "");
		pl_errs_add(fe, "auth_token",
		    "Check the Account SID and the"
		    " Auth Token.");
		er = PL_EINVAL;
	}
	pl_twilio_result_free(&r);
	if (er != PL_OK)
		return er;
	if ((er = pl_seal(a, pl_config_data_key(cfg), token, strlen(token),
	         platform_aad, sizeof(platform_aad) - 1, &sealed)) != PL_OK)
		return er;
	g.sid = sid;
	g.sealed = sealed;
	g.replace = replace;
	g.fe = fe;
	return pl_change_run(db, a, who, set_fn, &g);
}

/* ---- queueing ---------------------------------------------------------- */

/* "Acme (Parley 42)": the company, cut to fit Twilio's 64 characters on a
 * character boundary, with the tag that makes it the tenant's. */
static const char *
friendly_name(struct pl_arena *a, const char *name, int64_t tid)
{
	const char *tag = pl_arena_printf(a, " (Parley %lld)", (long long)tid);
	size_t      room = FNAME_MAX - strlen(tag), n = 0, chars = 0;

	if (name == NULL || *name == '\0')
		name = "Business";
	while (name[n] != '\0' && chars < room) {
		n++;
		while (((unsigned char)name[n] & 0xc0) == 0x80)
			n++;
		chars++;
	}
	return pl_arena_printf(a, "%.*s%s", (int)n, name, tag);
}

static const char *
payload(struct pl_arena *a, const char *op, int64_t tid, int64_t intent)
{
	return pl_arena_printf(a,
	    "{\"op\":\"%s\",\"tenant_id\":%lld,\"intent\":%lld}", op,
	    (long long)tid, (long long)intent);
}

enum pl_err
pl_twacct_queue_create(
    struct pl_db *db, struct pl_arena *a, int64_t tenant_id, const char *name)
{
	enum pl_err er;

	if ((er = pl_db_exec(db, &pl_twacct_sql, S_INSERT,
	         PL_ARGS(PL_I64(tenant_id),
	             PL_STR(friendly_name(a, name, tenant_id))),
	         NULL, NULL)) != PL_OK)
		return er;
	return pl_outbox_put(db, "twilio",
	    pl_arena_printf(a, "twilio:create:%lld", (long long)tenant_id),
	    pl_arena_printf(a, "tenant:%lld", (long long)tenant_id),
	    payload(a, "create", tenant_id, 0));
}

enum pl_err
pl_twacct_queue_status(
    struct pl_db *db, struct pl_arena *a, int64_t tenant_id, bool suspended)
{
	struct pl_row row;
	enum pl_err   er;
	uint64_t      n = 0;

	if ((er = pl_db_exec(db, &pl_twacct_sql, S_WANT,
	         PL_ARGS(PL_STR(suspended ? "suspended" : "active"),
	             PL_I64(tenant_id)),
	         &n, NULL)) != PL_OK)
		return er;
	if (n == 0)
		return PL_OK; /* no sub-account was ever asked for */
	if ((er = pl_db_one(db, a, &pl_twacct_sql, S_GET,
	         PL_ARGS(PL_I64(tenant_id)), &row)) != PL_OK)
		return er;
	return pl_outbox_put(db, "twilio",
	    pl_arena_printf(a, "twilio:status:%lld:%lld", (long long)tenant_id,
	        (long long)pl_row_i64(&row, 4)),
	    pl_arena_printf(a, "tenant:%lld", (long long)tenant_id),
	    payload(a, "status", tenant_id, pl_row_i64(&row, 4)));
}

enum pl_err
pl_twacct_sub_creds(struct pl_db *db, struct pl_arena *a,
    const struct pl_config *cfg, int64_t tenant_id, struct pl_twilio_creds *c)
{
	struct pl_row  row;
	unsigned char *tok;
	size_t         n;
	const char    *sid, *sealed, *status;
	enum pl_err    er;

	if ((er = pl_db_one(db, a, &pl_twacct_sql, S_CREDS,
	         PL_ARGS(PL_I64(tenant_id)), &row)) != PL_OK)
		return er;
	sid = pl_row_str(&row, 0);
	sealed = pl_row_str(&row, 1);
	status = pl_row_str(&row, 2);
	if (strcmp(status, "failed") == 0)
		return PL_ENOTFOUND;
	if (*sid == '\0' || *sealed == '\0' || strcmp(status, "active") != 0)
		return PL_EUNAVAIL;
	er = pl_open(a, pl_config_data_key(cfg), sealed,
	    tenant_aad(a, tenant_id), strlen(tenant_aad(a, tenant_id)), &tok,
	    &n);
	if (er != PL_OK) {
		pl_error(
		    "twilio: tenant %lld: the sub-account's token does not"
		    " open (%s)",
		    (long long)tenant_id, pl_err_code(er));
		return er == PL_EINVAL ? PL_EINTERNAL : er;
	}
	c->sid = sid;
	c->token = (const char *)tok;
	return PL_OK;
}

/* ---- the list ------------------------------------------------------------ */

static void
row_of(struct pl_arena *a, const struct pl_row *r, struct pl_twacct_row *o)
{
	o->tenant_id = pl_row_i64(r, 0);
	o->admin_id = pl_row_i64(r, 1);
	o->admin_name = pl_row_str(r, 2);
	o->admin_email = pl_row_str(r, 3);
	o->company = pl_row_str(r, 4);
	o->sid_masked =
	    *pl_row_str(r, 5) ? pl_twilio_mask_sid(a, pl_row_str(r, 5)) : "";
	o->status = pl_row_str(r, 6);
	o->want = pl_row_str(r, 7);
	o->reason = pl_row_str(r, 8);
	o->retry_in = pl_row_i64(r, 9);
	o->attempts = pl_row_i64(r, 10);
	o->dead = strcmp(pl_row_str(r, 11), "failed") == 0;
	if (strcmp(pl_row_str(r, 11), "pending") != 0)
		o->retry_in = 0;
	o->created_at = pl_row_str(r, 12);
	o->numbers = pl_row_i64(r, 13);
}

enum pl_err
pl_twacct_list(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    const struct pl_list *l, struct pl_twacct_row **v, size_t *n)
{
	struct pl_rows rows;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if (who->role != PL_ROLE_SUPER)
		return PL_EPERM;
	if (*l->q == '\0')
		er = pl_db_all(db, a, &pl_twacct_sql,
		    pl_list_stmt(l, L_COMPANY),
		    PL_ARGS(PL_I64(l->limit + 1), PL_I64(l->offset)), &rows);
	else
		er =
		    pl_db_all(db, a, &pl_twacct_sql, pl_list_stmt(l, Q_COMPANY),
		        PL_ARGS(PL_STR(l->like), PL_STR(l->like),
		            PL_I64(l->limit + 1), PL_I64(l->offset)),
		        &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++)
		row_of(a, &rows.v[i], &(*v)[i]);
	*n = rows.n;
	return PL_OK;
}

struct retry_arg {
	int64_t tid;
};

static enum pl_err
retry_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct retry_arg *g = p;
	struct pl_row     row;
	enum pl_err       er;

	(void)who;
	if ((er = pl_db_one(db, a, &pl_twacct_sql, S_DEAD,
	         PL_ARGS(PL_I64(g->tid)), &row)) != PL_OK)
		return er;
	if ((er = pl_outbox_retry(db, pl_row_i64(&row, 0))) != PL_OK ||
	    (er = pl_db_exec(db, &pl_twacct_sql, S_UNFAIL,
	         PL_ARGS(PL_I64(g->tid)), NULL, NULL)) != PL_OK)
		return er;
	ch->tenant_id = g->tid;
	ch->action = "twilio_retry";
	ch->target_type = "tenant";
	ch->target_id = g->tid;
	ch->summary = "Twilio sub-account: tried again";
	ch->queued = true;
	return PL_OK;
}

enum pl_err
pl_twacct_retry(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t tenant_id)
{
	struct retry_arg g = { tenant_id };

	if (who->role != PL_ROLE_SUPER)
		return PL_EPERM;
	return pl_change_run(db, a, who, retry_fn, &g);
}

/* ---- the worker's calls ------------------------------------------------ */

struct done_arg {
	int64_t     tid;
	const char *sid, *sealed, *status, *company;
	const char *action, *summary;
	size_t      stmt;
};

static enum pl_err
done_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct done_arg *g = p;
	uint64_t         n = 0;
	enum pl_err      er;

	(void)a;
	(void)who;
	if (g->stmt == S_CREATED)
		er = pl_db_exec(db, &pl_twacct_sql, S_CREATED,
		    PL_ARGS(PL_STR(g->sid), PL_STR(g->sealed),
		        PL_STR(g->status), PL_I64(g->tid)),
		    &n, NULL);
	else
		er = pl_db_exec(db, &pl_twacct_sql, S_STATUS,
		    PL_ARGS(PL_STR(g->status), PL_I64(g->tid)), &n, NULL);
	if (er != PL_OK)
		return er;
	ch->tenant_id = g->tid;
	ch->action = g->action;
	ch->target_type = "tenant";
	ch->target_id = g->tid;
	ch->summary = g->summary;
	return PL_OK;
}

/* The outcome of a failed call: again later, or never. */
static void
failed(struct pl_arena *a, const struct pl_twilio_result *r,
    struct pl_outbox_outcome *out)
{
	out->why = call_why(a, r);
	if (r->transient) {
		out->verdict = PL_OUTBOX_RETRY;
		out->delay = r->retry_after;
	} else if (r->status == 401)
		out->why = pl_arena_printf(a,
		    "Twilio refused the platform's credentials (%ld): replace"
		    " them, then retry",
		    r->err.code);
	else
		out->verdict = PL_OUTBOX_DEAD;
	if (r->status == 401)
		out->verdict = PL_OUTBOX_DEAD;
}

/* The sub-account of a crashed attempt, if Twilio has one by this name:
 * PL_OK and *sid and *token, PL_ENOTFOUND, or the call's error in *r. */
static enum pl_err
find_by_name(struct pl_arena *a, const struct pl_config *cfg,
    const struct pl_twilio_creds *c, const char *fname,
    struct pl_twilio_result *r, const char **sid, const char **token)
{
	const struct pl_kv  q[] = { { "FriendlyName", fname, strlen(fname) } };
	struct json_object *list, *acct;
	enum pl_err         er;

	er = pl_twilio_call(
	    a, cfg, c, "GET", "/2010-04-01/Accounts.json", q, 1, r);
	if (er != PL_OK)
		return er;
	if (!json_object_object_get_ex(r->json, "accounts", &list) ||
	    !json_object_is_type(list, json_type_array))
		return PL_ENOTFOUND;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		const char *st, *nm;

		acct = json_object_array_get_idx(list, i);
		nm = jstr(a, acct, "friendly_name");
		st = jstr(a, acct, "status");
		if (nm == NULL || strcmp(nm, fname) != 0 ||
		    (st != NULL && strcmp(st, "closed") == 0))
			continue;
		*sid = jstr(a, acct, "sid");
		*token = jstr(a, acct, "auth_token");
		if (*sid != NULL && *token != NULL)
			return PL_OK;
	}
	return PL_ENOTFOUND;
}

static void
do_create(struct pl_db *db, struct pl_arena *a, const struct pl_config *cfg,
    const struct pl_twilio_creds *c, int64_t tid, const struct pl_row *row,
    struct pl_outbox_outcome *out)
{
	const char             *fname = pl_row_str(row, 0), *sid = NULL;
	const char             *token = NULL;
	struct pl_twilio_result r;
	struct done_arg         g = { 0 };
	bool                    adopted = false;
	char                   *sealed;
	enum pl_err             er;

	if (*pl_row_str(row, 1) != '\0') {
		out->verdict = PL_OUTBOX_DONE; /* made already */
		return;
	}
	/* A crashed attempt may have made it: look before making one. */
	memset(&r, 0, sizeof(r));
	er = find_by_name(a, cfg, c, fname, &r, &sid, &token);
	if (er == PL_OK)
		adopted = true;
	else if (er == PL_ENOTFOUND) {
		const struct pl_kv f[] = { { "FriendlyName", fname,
		    strlen(fname) } };

		pl_twilio_result_free(&r);
		er = pl_twilio_call(
		    a, cfg, c, "POST", "/2010-04-01/Accounts.json", f, 1, &r);
		if (er == PL_OK) {
			sid = jstr(a, r.json, "sid");
			token = jstr(a, r.json, "auth_token");
		}
	}
	if (er != PL_OK) {
		failed(a, &r, out);
		pl_twilio_result_free(&r);
		return;
	}
	pl_twilio_result_free(&r);
	if (sid == NULL || token == NULL || !pl_twilio_sid_ok(sid, "AC")) {
		out->verdict = PL_OUTBOX_RETRY;
		out->why = "Twilio's answer had no account SID and token";
		return;
	}
	if ((er = pl_seal(a, pl_config_data_key(cfg), token, strlen(token),
	         tenant_aad(a, tid), strlen(tenant_aad(a, tid)), &sealed)) !=
	    PL_OK) {
		out->verdict = PL_OUTBOX_RETRY;
		out->why = "cannot seal the sub-account's token (no data key)";
		return;
	}
	g.tid = tid;
	g.sid = sid;
	g.sealed = sealed;
	g.status = "active";
	g.stmt = S_CREATED;
	g.action = "twilio_subaccount_create";
	g.summary = pl_arena_printf(a, "Twilio sub-account %s%s: %s",
	    pl_twilio_mask_sid(a, sid), adopted ? " (found after a retry)" : "",
	    fname);
	er = pl_change_run(db, a, &parley, done_fn, &g);
	if (er == PL_OK) {
		out->verdict = PL_OUTBOX_DONE;
		pl_info("twilio: tenant %lld: sub-account %s%s", (long long)tid,
		    pl_twilio_mask_sid(a, sid), adopted ? " adopted" : "");
	} else {
		/* Twilio has it: the next attempt finds it by name. */
		out->verdict = PL_OUTBOX_RETRY;
		out->why = "the sub-account was made but not recorded";
	}
}

static void
do_status(struct pl_db *db, struct pl_arena *a, const struct pl_config *cfg,
    const struct pl_twilio_creds *c, int64_t tid, int64_t intent,
    const struct pl_row *row, struct pl_outbox_outcome *out)
{
	const char             *sid = pl_row_str(row, 1);
	const char             *want = pl_row_str(row, 3);
	struct pl_twilio_result r;
	struct done_arg         g = { 0 };
	enum pl_err             er;

	if (intent < pl_row_i64(row, 4)) {
		out->verdict = PL_OUTBOX_DONE; /* a later intent does it */
		return;
	}
	if (*sid == '\0') {
		if (strcmp(pl_row_str(row, 2), "failed") == 0) {
			out->verdict = PL_OUTBOX_DONE; /* nothing to change */
			return;
		}
		out->verdict = PL_OUTBOX_WAIT;
		out->delay = 30;
		out->why = "waiting for the sub-account to be created";
		return;
	}
	memset(&r, 0, sizeof(r));
	{
		const struct pl_kv f[] = { { "Status", want, strlen(want) } };

		er = pl_twilio_call(a, cfg, c, "POST",
		    pl_arena_printf(a, "/2010-04-01/Accounts/%s.json", sid), f,
		    1, &r);
	}
	if (er != PL_OK) {
		failed(a, &r, out);
		pl_twilio_result_free(&r);
		return;
	}
	pl_twilio_result_free(&r);
	g.tid = tid;
	g.status = want;
	g.stmt = S_STATUS;
	g.action = strcmp(want, "suspended") == 0
	               ? "twilio_subaccount_suspend"
	               : "twilio_subaccount_reactivate";
	g.summary = pl_arena_printf(a, "Twilio sub-account %s %s",
	    pl_twilio_mask_sid(a, sid),
	    strcmp(want, "suspended") == 0 ? "suspended" : "reactivated");
	er = pl_change_run(db, a, &parley, done_fn, &g);
	out->verdict = er == PL_OK ? PL_OUTBOX_DONE : PL_OUTBOX_RETRY;
	if (er != PL_OK)
		out->why = "the new status was not recorded";
}

void
pl_twacct_sender(struct pl_db *db, struct pl_arena *a,
    const struct pl_outbox_item *it, const void *arg,
    struct pl_outbox_outcome *out)
{
	const struct pl_config *cfg = arg;
	struct json_object     *p = json_tokener_parse(it->payload), *v;
	struct pl_twilio_creds  c;
	struct pl_row           row;
	const char             *op = NULL;
	int64_t                 tid = 0, intent = 0;
	enum pl_err             er;

	out->verdict = PL_OUTBOX_DEAD;
	out->why = "malformed item";
	if (p != NULL) {
		op = jstr(a, p, "op");
		if (json_object_object_get_ex(p, "tenant_id", &v))
			tid = json_object_get_int64(v);
		if (json_object_object_get_ex(p, "intent", &v))
			intent = json_object_get_int64(v);
		json_object_put(p);
	}
	if (op == NULL || tid <= 0)
		return;
	er =
	    pl_db_one(db, a, &pl_twacct_sql, S_GET, PL_ARGS(PL_I64(tid)), &row);
	if (er == PL_ENOTFOUND) {
		out->verdict = PL_OUTBOX_DONE; /* the business is gone */
		return;
	}
	out->verdict = PL_OUTBOX_RETRY;
	if (er != PL_OK) {
		out->why = "database unavailable";
		return;
	}
	er = platform_creds(db, a, cfg, &c);
	if (er == PL_ENOTFOUND) {
		/* Waits; the credentials' arrival makes it due at once. */
		out->verdict = PL_OUTBOX_WAIT;
		out->delay = PL_OUTBOX_MAX_DELAY;
		out->why = "waiting for the platform's Twilio credentials";
		return;
	}
	if (er != PL_OK) {
		out->why = "the platform's credentials cannot be read";
		return;
	}
	if (strcmp(op, "create") == 0)
		do_create(db, a, cfg, &c, tid, &row, out);
	else if (strcmp(op, "status") == 0)
		do_status(db, a, cfg, &c, tid, intent, &row, out);
	else {
		out->verdict = PL_OUTBOX_DEAD;
		out->why = "unknown operation";
	}
	/* The last attempt's failure makes the creation failed for good. */
	if (strcmp(op, "create") == 0 &&
	    (out->verdict == PL_OUTBOX_DEAD ||
	        (out->verdict == PL_OUTBOX_RETRY &&
	            it->attempt >= PL_OUTBOX_MAX_ATTEMPTS)))
		pl_db_exec(db, &pl_twacct_sql, S_FAILED, PL_ARGS(PL_I64(tid)),
		    NULL, NULL);
}
