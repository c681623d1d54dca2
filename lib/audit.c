/* audit.c: the audit log. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "audit.h"
#include "list.h"
#include "req.h"
#include "resp.h"
#include "user.h"

enum {
	A_INSERT,
	A_ALL,    /* super admin, newest first */
	A_TENANT, /* one tenant's */
	A__MAX
};

#define A_COLS                                                                 \
	"SELECT a.id, COALESCE(a.tenant_id, 0), a.actor_id,"                   \
	" COALESCE(a.acting_as_id, 0), a.action, a.target_type,"               \
	" COALESCE(a.target_id, 0), a.summary, a.created_at,"                  \
	" CONCAT(u.first_name, ' ', u.last_name), u.email,"                    \
	" CONCAT(e.first_name, ' ', e.last_name), COALESCE(t.company, '')"     \
	" FROM audit_log a JOIN users u ON u.id = a.actor_id"                  \
	" LEFT JOIN users e ON e.id = a.acting_as_id"                          \
	" LEFT JOIN tenants t ON t.id = a.tenant_id"

static const char *const stmts[A__MAX] = {
	[A_INSERT] =
	    "INSERT INTO audit_log (tenant_id, actor_id, acting_as_id, action,"
	    " target_type, target_id, summary) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[A_ALL] = A_COLS " ORDER BY a.id DESC LIMIT ? OFFSET ?",
	[A_TENANT] = A_COLS
	" WHERE a.tenant_id = ? ORDER BY a.id DESC"
	" LIMIT ? OFFSET ?",
};

const struct pl_sqlset pl_audit_sql = { "audit", stmts, A__MAX };

enum pl_err
pl_audit(struct pl_req *rq, struct pl_db *db, int64_t tenant_id,
    const char *action, const char *target_type, int64_t target_id,
    const char *summary)
{
	const struct pl_sess *s = rq->sess;
	int64_t actor = s->real_user_id ? s->real_user_id : s->user_id;
	char    sum[501];

	/* Bound the summary to the column, on a character boundary. */
	snprintf(sum, sizeof(sum), "%s", summary ? summary : "");
	if (strlen(summary ? summary : "") >= sizeof(sum)) {
		size_t n = sizeof(sum) - 1;

		while (n > 0 && ((unsigned char)sum[n] & 0xc0) == 0x80)
			n--;
		sum[n] = '\0';
	}
	return pl_db_exec(db, &pl_audit_sql, A_INSERT,
	    PL_ARGS(tenant_id ? PL_I64(tenant_id) : PL_NULLV, PL_I64(actor),
	        s->real_user_id ? PL_I64(s->user_id) : PL_NULLV, PL_STR(action),
	        PL_STR(target_type), target_id ? PL_I64(target_id) : PL_NULLV,
	        PL_STR(sum)),
	    NULL, NULL);
}

enum pl_err
pl_audit_list(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const sorts[] = { "newest", NULL };
	const char              *admin = pl_query(rq, "admin_id");
	struct pl_list           l;
	struct pl_rows           rows;
	struct json_object      *items;
	long long                aid = 0;
	int64_t                  tid = 0;
	enum pl_err              er;

	pl_resp_page(rs, "audit", "Audit log");
	if ((er = pl_list_parse(rq, sorts, &l)) != PL_OK)
		return er;
	if (!rq->api)
		pl_json_set_bool(pl_resp_obj(rs), "is_super",
		    rq->sess->role == PL_ROLE_SUPER);
	if (admin != NULL && *admin != '\0') {
		if (pl_parse_i64(admin, 1, INT64_MAX, &aid) != PL_OK)
			return pl_in_fail(
			    rq, "admin_id", "admin_id is an admin's id.");
		/* An admin may name only itself: any other id is none. */
		if ((er = pl_admin_tenant(rq, aid, &tid)) != PL_OK)
			return er;
		if (!rq->api)
			pl_json_set_i64(pl_resp_obj(rs), "admin_id", aid);
	} else if (rq->sess->role != PL_ROLE_SUPER)
		tid = rq->sess->tenant_id;
	er = tid != 0
	         ? pl_db_all(pl_req_db(rq), rq->arena, &pl_audit_sql, A_TENANT,
	               PL_ARGS(
	                   PL_I64(tid), PL_I64(l.limit + 1), PL_I64(l.offset)),
	               &rows)
	         : pl_db_all(pl_req_db(rq), rq->arena, &pl_audit_sql, A_ALL,
	               PL_ARGS(PL_I64(l.limit + 1), PL_I64(l.offset)), &rows);
	if (er != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < rows.n; i++) {
		struct pl_row      *r = &rows.v[i];
		struct json_object *o = json_object_new_object();

		pl_json_set_i64(o, "id", pl_row_i64(r, 0));
		if (pl_row_i64(r, 1))
			pl_json_set_i64(o, "tenant_id", pl_row_i64(r, 1));
		else
			json_object_object_add(o, "tenant_id", NULL);
		pl_json_set_str(o, "company", pl_row_str(r, 12));
		pl_json_set_i64(o, "actor_id", pl_row_i64(r, 2));
		pl_json_set_str(o, "actor_name", pl_row_str(r, 9));
		pl_json_set_str(o, "actor_email", pl_row_str(r, 10));
		if (pl_row_i64(r, 3)) {
			pl_json_set_i64(o, "acting_as_id", pl_row_i64(r, 3));
			pl_json_set_str(o, "acting_as_name", pl_row_str(r, 11));
		} else
			json_object_object_add(o, "acting_as_id", NULL);
		pl_json_set_str(o, "action", pl_row_str(r, 4));
		pl_json_set_str(o, "target_type", pl_row_str(r, 5));
		if (pl_row_i64(r, 6))
			pl_json_set_i64(o, "target_id", pl_row_i64(r, 6));
		else
			json_object_object_add(o, "target_id", NULL);
		pl_json_set_str(o, "summary", pl_row_str(r, 7));
		pl_json_set_time(o, "created_at", pl_row_str(r, 8));
		json_object_array_add(items, o);
	}
	pl_list_reply(rq, rs, &l, items);
	return PL_OK;
}
