/* outbox.c: queued side effects and the worker's sending step. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"
#include "pl_json.h"

enum {
	O_INSERT,
	O_DUE,
	O_CLAIM,
	O_SENT,
	O_RETRY,
	O_FAILED,
	O__MAX
};

static const char *const stmts[O__MAX] = {
	[O_INSERT] =
	    "INSERT INTO outbox (kind, idem_key, recipient, payload)"
	    " VALUES ('email', ?, ?, ?)",
	/* Due rows, and rows a crashed worker claimed long ago. */
	[O_DUE] =
	    "SELECT id, recipient, payload, attempts FROM outbox"
	    " WHERE kind = 'email' AND ((status = 'pending'"
	    " AND next_attempt_at <= UTC_TIMESTAMP()) OR (status = 'sending'"
	    " AND locked_until < UTC_TIMESTAMP())) ORDER BY id LIMIT ?",
	/* Claim one row so that two workers never send it twice. */
	[O_CLAIM] =
	    "UPDATE outbox SET status = 'sending', attempts = attempts + 1,"
	    " locked_until = UTC_TIMESTAMP() + INTERVAL 5 MINUTE"
	    " WHERE id = ? AND attempts = ? AND status IN "
	    "('pending','sending')",
	[O_SENT] =
	    "UPDATE outbox SET status = 'sent', sent_at = UTC_TIMESTAMP(),"
	    " locked_until = NULL, last_error = '' WHERE id = ?",
	[O_RETRY] =
	    "UPDATE outbox SET status = 'pending', locked_until = NULL,"
	    " next_attempt_at = UTC_TIMESTAMP() + INTERVAL ? SECOND,"
	    " last_error = ? WHERE id = ?",
	[O_FAILED] =
	    "UPDATE outbox SET status = 'failed', locked_until = NULL,"
	    " last_error = ? WHERE id = ?",
};

const struct pl_sqlset pl_outbox_sql = { "outbox", stmts, O__MAX };

#define MAX_ATTEMPTS 10

enum pl_err
pl_outbox_mail(struct pl_db *db, struct pl_arena *a, const char *idem,
    const char *to_addr, const char *to_name, const char *subject,
    const char *text)
{
	struct json_object *p = json_object_new_object();
	struct pl_buf       b;
	enum pl_err         er;

	pl_json_set_str(p, "to", to_addr);
	pl_json_set_str(p, "to_name", to_name);
	pl_json_set_str(p, "subject", subject);
	pl_json_set_str(p, "text", text);
	pl_buf_init(&b, a);
	pl_json_write(&b, p);
	json_object_put(p);
	er = pl_db_exec(db, &pl_outbox_sql, O_INSERT,
	    PL_ARGS(PL_STR(idem), PL_STR(to_addr), PL_STR(pl_buf_cstr(&b))),
	    NULL, NULL);
	return er;
}

static enum pl_err
send_one(struct pl_arena *a, const struct pl_config *cfg, const char *payload)
{
	struct json_object *p = json_tokener_parse(payload), *v;
	struct pl_mail      m;
	const char         *msg;
	size_t              n;
	enum pl_err         er;

	if (p == NULL)
		return PL_EINVAL;
	memset(&m, 0, sizeof(m));
	m.from_name = "Parley";
	m.from_addr = cfg->mail_from;
	if (json_object_object_get_ex(p, "to", &v))
		m.to_addr = pl_arena_strdup(a, json_object_get_string(v));
	if (json_object_object_get_ex(p, "to_name", &v) && v != NULL)
		m.to_name = pl_arena_strdup(a, json_object_get_string(v));
	if (json_object_object_get_ex(p, "subject", &v))
		m.subject = pl_arena_strdup(a, json_object_get_string(v));
	if (json_object_object_get_ex(p, "text", &v))
		m.text = pl_arena_strdup(a, json_object_get_string(v));
	json_object_put(p);
	if (m.to_addr == NULL || m.subject == NULL || m.text == NULL)
		return PL_EINVAL;
	if ((er = pl_mail_compose(a, &m, &msg, &n)) != PL_OK)
		return er;
	return pl_mail_send(cfg->smtp_url, cfg->smtp_user, cfg->smtp_password,
	    m.from_addr, m.to_addr, msg, n);
}

enum pl_err
pl_outbox_run(struct pl_db *db, struct pl_arena *a, const struct pl_config *cfg,
    size_t max, size_t *nsent)
{
	struct pl_rows rows;
	enum pl_err    er;

	*nsent = 0;
	if ((er = pl_db_all(db, a, &pl_outbox_sql, O_DUE, PL_ARGS(PL_I64(max)),
	         &rows)) != PL_OK)
		return er;
	for (size_t i = 0; i < rows.n; i++) {
		struct pl_row *r = &rows.v[i];
		int64_t        id = pl_row_i64(r, 0);
		int64_t        attempts = pl_row_i64(r, 3);
		uint64_t       claimed = 0;
		enum pl_err    se;

		if ((er = pl_db_exec(db, &pl_outbox_sql, O_CLAIM,
		         PL_ARGS(PL_I64(id), PL_I64(attempts)), &claimed,
		         NULL)) != PL_OK)
			return er;
		if (claimed == 0)
			continue; /* another worker has it */
		se = send_one(a, cfg, pl_row_str(r, 2));
		if (se == PL_OK) {
			er = pl_db_exec(db, &pl_outbox_sql, O_SENT,
			    PL_ARGS(PL_I64(id)), NULL, NULL);
			(*nsent)++;
			pl_info("outbox: mail %lld sent", (long long)id);
		} else if (se == PL_EUNAVAIL && attempts + 1 < MAX_ATTEMPTS) {
			int64_t delay = 60LL << (attempts < 6 ? attempts : 6);

			if (delay > 3600)
				delay = 3600;
			er = pl_db_exec(db, &pl_outbox_sql, O_RETRY,
			    PL_ARGS(PL_I64(delay),
			        PL_STR("temporary failure; will retry"),
			        PL_I64(id)),
			    NULL, NULL);
			pl_warn("outbox: mail %lld: retry in %llds",
			    (long long)id, (long long)delay);
		} else {
			er = pl_db_exec(db, &pl_outbox_sql, O_FAILED,
			    PL_ARGS(PL_STR("refused or too many attempts"),
			        PL_I64(id)),
			    NULL, NULL);
			pl_error(
			    "outbox: mail %lld failed for good", (long long)id);
		}
		if (er != PL_OK)
			return er;
	}
	return PL_OK;
}
