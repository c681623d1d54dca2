/* outbox.c: queued side effects and the worker's sending step. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "arena.h"
#include "config.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"
#include "parse.h"
#include "pl_json.h"

enum {
	O_INSERT,
	O_DUE,
	O_CLAIM,
	O_SENT,
	O_RETRY,
	O_FAILED,
	O_CLAIMED,
	O_RELEASE,
	O_REVIVE,
	O_WAIT,
	O__MAX
};

static const char *const stmts[O__MAX] = {
	[O_INSERT] =
	    "INSERT INTO outbox (kind, idem_key, recipient, payload)"
	    " VALUES (?, ?, ?, ?)",
	/* Due rows, and rows whose claim expired. */
	[O_DUE] =
	    "SELECT id, kind, idem_key, recipient, payload, attempts"
	    " FROM outbox WHERE kind = ? AND ((status = 'pending'"
	    " AND next_attempt_at <= UTC_TIMESTAMP()) OR (status ="
	    " 'sending' AND locked_until < UTC_TIMESTAMP()))"
	    " ORDER BY id LIMIT ?",
	/* Claim one row so that two workers never send it twice. */
	[O_CLAIM] =
	    "UPDATE outbox SET status = 'sending',"
	    " attempts = attempts + 1,"
	    " locked_until = UTC_TIMESTAMP() + INTERVAL 5 MINUTE,"
	    " locked_by = ? WHERE id = ? AND attempts = ?"
	    " AND status IN ('pending','sending')",
	[O_SENT] =
	    "UPDATE outbox SET status = 'sent', sent_at ="
	    " UTC_TIMESTAMP(), locked_until = NULL, locked_by = NULL,"
	    " last_error = '' WHERE id = ?",
	[O_RETRY] =
	    "UPDATE outbox SET status = 'pending', locked_until = NULL,"
	    " locked_by = NULL, next_attempt_at = UTC_TIMESTAMP()"
	    " + INTERVAL ? SECOND, last_error = ? WHERE id = ?",
	[O_FAILED] =
	    "UPDATE outbox SET status = 'failed', locked_until = NULL,"
	    " locked_by = NULL, last_error = ? WHERE id = ?",
	[O_CLAIMED] =
	    "SELECT id, locked_by FROM outbox WHERE status ="
	    " 'sending' AND locked_by LIKE ? LIMIT 1000",
	[O_RELEASE] =
	    "UPDATE outbox SET status = 'pending', locked_until ="
	    " NULL, locked_by = NULL, next_attempt_at ="
	    " UTC_TIMESTAMP() WHERE id = ? AND status = 'sending'"
	    " AND locked_by = ?",
	[O_WAIT] =
	    "UPDATE outbox SET status = 'pending', attempts ="
	    " GREATEST(attempts, 1) - 1, locked_until = NULL,"
	    " locked_by = NULL, next_attempt_at = UTC_TIMESTAMP()"
	    " + INTERVAL ? SECOND, last_error = ? WHERE id = ?",
	[O_REVIVE] =
	    "UPDATE outbox SET status = 'pending', attempts = 0,"
	    " next_attempt_at = UTC_TIMESTAMP(), last_error = ''"
	    " WHERE id = ? AND status = 'failed'",
};

const struct pl_sqlset pl_outbox_sql = { "outbox", stmts, O__MAX };

enum pl_err
pl_outbox_put(struct pl_db *db, const char *kind, const char *idem,
    const char *recipient, const char *payload)
{
	return pl_db_exec(db, &pl_outbox_sql, O_INSERT,
	    PL_ARGS(
	        PL_STR(kind), PL_STR(idem), PL_STR(recipient), PL_STR(payload)),
	    NULL, NULL);
}

enum pl_err
pl_outbox_mail(struct pl_db *db, struct pl_arena *a, const char *idem,
    const char *to_addr, const char *to_name, const char *subject,
    const char *text)
{
	struct json_object *p = json_object_new_object();

	pl_json_set_str(p, "to", to_addr);
	pl_json_set_str(p, "to_name", to_name);
	pl_json_set_str(p, "subject", subject);
	pl_json_set_str(p, "text", text);
	return pl_outbox_put(db, "email", idem, to_addr, pl_json_text(a, p));
}

void
pl_outbox_mailer(struct pl_db *db, struct pl_arena *a,
    const struct pl_outbox_item *it, const void *arg,
    struct pl_outbox_outcome *out)
{
	const struct pl_config *cfg = arg;
	struct json_object     *p = json_tokener_parse(it->payload), *v;
	struct pl_mail          m;
	const char             *msg;
	size_t                  n;
	enum pl_err             er;

	(void)db;
	out->verdict = PL_OUTBOX_DEAD;
	out->why = "malformed mail";
	if (p == NULL)
		return;
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
	if (m.to_addr == NULL || m.subject == NULL || m.text == NULL ||
	    pl_mail_compose(a, &m, &msg, &n) != PL_OK)
		return;
	er = pl_mail_send(cfg->smtp_url, cfg->smtp_user, cfg->smtp_password,
	    m.from_addr, m.to_addr, msg, n);
	if (er == PL_OK)
		out->verdict = PL_OUTBOX_DONE;
	else if (er == PL_EUNAVAIL) {
		out->verdict = PL_OUTBOX_RETRY;
		out->why = "the mail server did not answer";
	} else
		out->why = "the mail server refused it";
}

/* Seconds before attempt number attempt + 1: 30 s doubling, capped. */
static int64_t
backoff(int attempt)
{
	int64_t d =
	    30LL << (attempt > 1 ? (attempt - 1 < 8 ? attempt - 1 : 8) : 0);

	return d > PL_OUTBOX_MAX_DELAY ? PL_OUTBOX_MAX_DELAY : d;
}

/* The operator's text, bounded to the column on a character boundary. */
static const char *
why_text(struct pl_arena *a, const char *why)
{
	if (why == NULL)
		return "";
	return pl_arena_strndup(a, why, pl_utf8_prefix(why, 255));
}

const char *
pl_outbox_owner(void)
{
	static char owner[80];

	if (owner[0] == '\0') {
		char host[64] = "";

		gethostname(host, sizeof(host) - 1);
		snprintf(owner, sizeof(owner), "%s:%ld", host, (long)getpid());
	}
	return owner;
}

enum pl_err
pl_outbox_run(struct pl_db *db, struct pl_arena *a, const char *kind,
    size_t max, pl_outbox_sender *send, const void *arg, size_t *ndone)
{
	struct pl_rows rows;
	enum pl_err    er;

	*ndone = 0;
	if ((er = pl_db_all(db, a, &pl_outbox_sql, O_DUE,
	         PL_ARGS(PL_STR(kind), PL_I64(max)), &rows)) != PL_OK)
		return er;
	for (size_t i = 0; i < rows.n; i++) {
		struct pl_row           *r = &rows.v[i];
		struct pl_outbox_item    it;
		struct pl_outbox_outcome out = { PL_OUTBOX_RETRY, 0, NULL };
		int64_t                  attempts = pl_row_i64(r, 5), delay;
		uint64_t                 claimed = 0;

		it.id = pl_row_i64(r, 0);
		it.kind = pl_row_str(r, 1);
		it.idem = pl_row_str(r, 2);
		it.recipient = pl_row_str(r, 3);
		it.payload = pl_row_str(r, 4);
		it.attempt = (int)attempts + 1;
		if ((er = pl_db_exec(db, &pl_outbox_sql, O_CLAIM,
		         PL_ARGS(PL_STR(pl_outbox_owner()), PL_I64(it.id),
		             PL_I64(attempts)),
		         &claimed, NULL)) != PL_OK)
			return er;
		if (claimed == 0)
			continue; /* another worker has it */
		send(db, a, &it, arg, &out);
		pl_db_rollback(db); /* a sender leaves no transaction open */
		if (out.verdict == PL_OUTBOX_RETRY &&
		    it.attempt >= PL_OUTBOX_MAX_ATTEMPTS) {
			out.verdict = PL_OUTBOX_DEAD;
			out.why =
			    pl_arena_printf(a, "gave up after %d attempts: %s",
			        it.attempt, out.why ? out.why : "failed");
		}
		switch (out.verdict) {
		case PL_OUTBOX_DONE:
			er = pl_db_exec(db, &pl_outbox_sql, O_SENT,
			    PL_ARGS(PL_I64(it.id)), NULL, NULL);
			(*ndone)++;
			pl_info("outbox: %s %lld done", kind, (long long)it.id);
			break;
		case PL_OUTBOX_RETRY:
			delay = backoff(it.attempt);
			if (out.delay > delay)
				delay = out.delay > PL_OUTBOX_MAX_DELAY
				            ? PL_OUTBOX_MAX_DELAY
				            : out.delay;
			er = pl_db_exec(db, &pl_outbox_sql, O_RETRY,
			    PL_ARGS(PL_I64(delay),
			        PL_STR(why_text(a,
			            out.why ? out.why : "temporary failure")),
			        PL_I64(it.id)),
			    NULL, NULL);
			pl_warn(
			    "outbox: %s %lld: attempt %d failed (%s); retry"
			    " in %llds",
			    kind, (long long)it.id, it.attempt,
			    out.why ? out.why : "temporary failure",
			    (long long)delay);
			break;
		case PL_OUTBOX_WAIT:
			delay = out.delay > 0 && out.delay < PL_OUTBOX_MAX_DELAY
			            ? out.delay
			            : PL_OUTBOX_MAX_DELAY;
			er = pl_db_exec(db, &pl_outbox_sql, O_WAIT,
			    PL_ARGS(PL_I64(delay),
			        PL_STR(
			            why_text(a, out.why ? out.why : "waiting")),
			        PL_I64(it.id)),
			    NULL, NULL);
			pl_info("outbox: %s %lld waits %llds: %s", kind,
			    (long long)it.id, (long long)delay,
			    out.why ? out.why : "waiting");
			break;
		case PL_OUTBOX_DEAD:
			er = pl_db_exec(db, &pl_outbox_sql, O_FAILED,
			    PL_ARGS(PL_STR(why_text(
			                a, out.why ? out.why : "refused")),
			        PL_I64(it.id)),
			    NULL, NULL);
			pl_error("outbox: %s %lld dead: %s", kind,
			    (long long)it.id, out.why ? out.why : "refused");
			break;
		}
		if (er != PL_OK)
			return er;
	}
	return PL_OK;
}

enum pl_err
pl_outbox_reclaim(struct pl_db *db, struct pl_arena *a, size_t *n)
{
	const char    *me = pl_outbox_owner();
	const char    *colon = strrchr(me, ':');
	struct pl_rows rows;
	enum pl_err    er;

	*n = 0;
	er = pl_db_all(db, a, &pl_outbox_sql, O_CLAIMED,
	    PL_ARGS(
	        PL_STR(pl_arena_printf(a, "%.*s:%%", (int)(colon - me), me))),
	    &rows);
	if (er != PL_OK)
		return er;
	for (size_t i = 0; i < rows.n; i++) {
		const char *by = pl_row_str(&rows.v[i], 1);
		const char *p = by ? strrchr(by, ':') : NULL;
		long        pid = p ? strtol(p + 1, NULL, 10) : 0;
		uint64_t    done = 0;

		/* Only a claim of a process of this host that is gone: not
		 * this one's, and not one that still runs. */
		if (pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno == EPERM)
			continue;
		if ((er = pl_db_exec(db, &pl_outbox_sql, O_RELEASE,
		         PL_ARGS(PL_I64(pl_row_i64(&rows.v[i], 0)), PL_STR(by)),
		         &done, NULL)) != PL_OK)
			return er;
		*n += done;
	}
	return PL_OK;
}

enum pl_err
pl_outbox_retry(struct pl_db *db, int64_t id)
{
	uint64_t    n = 0;
	enum pl_err er = pl_db_exec(
	    db, &pl_outbox_sql, O_REVIVE, PL_ARGS(PL_I64(id)), &n, NULL);

	if (er != PL_OK)
		return er;
	return n == 1 ? PL_OK : PL_ENOTFOUND;
}
