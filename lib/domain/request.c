/* request.c: the requests waiting for an answer, as staff see them. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arena.h"
#include "request.h"

enum {
	R_WAITING,
	R__MAX
};

static const char *const stmts[R__MAX] = {
	/* conversations_tenant_status: one range, oldest first. */
	[R_WAITING] =
	    "SELECT c.id, c.channel, c.widget_id, w.website_url,"
	    " COALESCE(c.department_id, 0), COALESCE(d.name, ''),"
	    " c.visitor_name, c.visitor_email, c.visitor_phone_e164,"
	    " COALESCE((SELECT m.body FROM messages m"
	    " WHERE m.conversation_id = c.id ORDER BY m.id LIMIT 1), ''),"
	    " c.created_at"
	    " FROM conversations c JOIN widgets w ON w.id = c.widget_id"
	    " LEFT JOIN departments d ON d.id = c.department_id"
	    " WHERE c.tenant_id = ? AND c.status = 'new'"
	    " ORDER BY c.created_at, c.id LIMIT ?",
};

const struct pl_sqlset pl_request_sql = { "request", stmts, R__MAX };

enum pl_err
pl_request_waiting(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, size_t max, struct pl_request **v, size_t *n)
{
	struct pl_rows rows;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if (who->role != PL_ROLE_ADMIN || who->tenant_id == 0)
		return PL_EPERM;
	if (max > PL_REQUEST_WAITING_MAX)
		max = PL_REQUEST_WAITING_MAX;
	if ((er = pl_db_all(db, a, &pl_request_sql, R_WAITING,
	         PL_ARGS(PL_I64(who->tenant_id), PL_I64((int64_t)max)),
	         &rows)) != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++) {
		const struct pl_row *r = &rows.v[i];
		struct pl_request   *q = &(*v)[i];

		q->conversation_id = pl_row_i64(r, 0);
		q->channel = pl_row_str(r, 1);
		q->widget_id = pl_row_i64(r, 2);
		q->website = pl_row_str(r, 3);
		q->department_id = pl_row_i64(r, 4);
		q->department = pl_row_str(r, 5);
		q->name = pl_row_str(r, 6);
		q->email = pl_row_str(r, 7);
		q->phone = pl_row_str(r, 8);
		q->message = pl_row_str(r, 9);
		q->created_at = pl_row_str(r, 10);
	}
	*n = rows.n;
	return PL_OK;
}
