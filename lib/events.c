/* events.c: durable event streams read by cursor. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "events.h"
#include "log.h"
#include "notify.h"
#include "resp.h"

enum {
	E_BUMP,
	E_SEQ,
	E_INSERT,
	E_READ,
	E_HEAD,
	E__MAX
};

static const char *const stmts[E__MAX] = {
	/* Takes the stream's row lock until commit: the next publisher to
	 * this stream waits, so sequences commit in order. */
	[E_BUMP] =
	    "INSERT INTO event_streams (skey, seq) VALUES (?, 1)"
	    " ON DUPLICATE KEY UPDATE seq = seq + 1",
	[E_SEQ] = "SELECT seq FROM event_streams WHERE skey = ?",
	[E_INSERT] =
	    "INSERT INTO events (skey, seq, name, data) VALUES (?, ?, ?, ?)",
	[E_READ] =
	    "SELECT seq, name, data FROM events WHERE skey = ? AND seq > ?"
	    " ORDER BY seq LIMIT ?",
	[E_HEAD] = "SELECT seq FROM event_streams WHERE skey = ?",
};

const struct pl_sqlset pl_events_sql = { "events", stmts, E__MAX };

enum pl_err
pl_event_add(struct pl_db *db, struct pl_arena *a, const char *skey,
    const char *name, const char *data, uint64_t *seq)
{
	struct pl_row row;
	enum pl_err   er;
	uint64_t      s;

	if ((er = pl_db_exec(db, &pl_events_sql, E_BUMP, PL_ARGS(PL_STR(skey)),
	         NULL, NULL)) != PL_OK)
		return er;
	if ((er = pl_db_one(db, a, &pl_events_sql, E_SEQ, PL_ARGS(PL_STR(skey)),
	         &row)) != PL_OK)
		return er == PL_ENOTFOUND ? PL_EINTERNAL : er;
	s = (uint64_t)pl_row_i64(&row, 0);
	if ((er = pl_db_exec(db, &pl_events_sql, E_INSERT,
	         PL_ARGS(PL_STR(skey), PL_I64(s), PL_STR(name), PL_STR(data)),
	         NULL, NULL)) != PL_OK)
		return er;
	if (seq != NULL)
		*seq = s;
	return PL_OK;
}

enum pl_err
pl_event_publish(struct pl_db *db, struct pl_arena *a, const char *skey,
    const char *name, struct json_object *data)
{
	struct pl_buf b;
	enum pl_err   er = PL_EINTERNAL;

	pl_buf_init(&b, a);
	pl_json_write(&b, data);
	for (int tries = 0; tries < 5; tries++) {
		if ((er = pl_db_begin(db)) != PL_OK)
			return er;
		er = pl_event_add(db, a, skey, name, pl_buf_cstr(&b), NULL);
		if (er == PL_OK)
			er = pl_db_commit(db);
		else
			pl_db_rollback(db);
		if (er == PL_OK) {
			pl_notify_wake(skey);
			return PL_OK;
		}
		if (!pl_db_retryable(db))
			break;
	}
	return er;
}

static int
skey_ok(const char *s, size_t n)
{
	if (n == 0 || n >= PL_STREAM_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

enum pl_err
pl_cursor_parse(struct pl_arena *a, const char *text, const char *const *skeys,
    size_t n, struct pl_cursor *c)
{
	const char *p = text;
	size_t      pairs = 0;

	(void)a;
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		c->skey[i] = skeys[i];
		c->seq[i] = 0;
	}
	while (*p != '\0') {
		const char        *dot, *end = strchr(p, ',');
		size_t             len = end ? (size_t)(end - p) : strlen(p);
		char              *e;
		unsigned long long v;

		if (++pairs > 4 * PL_MAX_STREAMS)
			return PL_EINVAL;
		dot = memchr(p, '.', len);
		if (dot == NULL || !skey_ok(p, (size_t)(dot - p)) ||
		    dot + 1 == p + len || dot[1] < '0' || dot[1] > '9')
			return PL_EINVAL;
		errno = 0;
		v = strtoull(dot + 1, &e, 10);
		if (errno != 0 || e != p + len || v > INT64_MAX)
			return PL_EINVAL;
		for (size_t i = 0; i < n; i++)
			if (strlen(skeys[i]) == (size_t)(dot - p) &&
			    memcmp(skeys[i], p, (size_t)(dot - p)) == 0)
				c->seq[i] = v;
		p += len;
		if (*p == ',')
			p++;
	}
	return PL_OK;
}

enum pl_err
pl_cursor_head(struct pl_db *db, struct pl_arena *a, struct pl_cursor *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct pl_row row;
		enum pl_err   er = pl_db_one(db, a, &pl_events_sql, E_HEAD,
		      PL_ARGS(PL_STR(c->skey[i])), &row);

		if (er == PL_ENOTFOUND)
			c->seq[i] = 0;
		else if (er != PL_OK)
			return er;
		else
			c->seq[i] = (uint64_t)pl_row_i64(&row, 0);
	}
	return PL_OK;
}

char *
pl_cursor_text(struct pl_arena *a, const struct pl_cursor *c)
{
	struct pl_buf b;

	pl_buf_init(&b, a);
	for (size_t i = 0; i < c->n; i++)
		pl_buf_printf(&b, "%s%s.%llu", i ? "," : "", c->skey[i],
		    (unsigned long long)c->seq[i]);
	return b.p != NULL ? b.p : pl_arena_strdup(a, "");
}

enum pl_err
pl_events_read(struct pl_db *db, struct pl_arena *a, struct pl_cursor *c,
    size_t max, struct pl_event **out, size_t *nout)
{
	struct pl_event *ev = pl_arena_array(a, max ? max : 1, sizeof(*ev));
	size_t           n = 0;

	for (size_t i = 0; i < c->n && n < max; i++) {
		struct pl_rows rows;
		enum pl_err    er = pl_db_all(db, a, &pl_events_sql, E_READ,
		       PL_ARGS(
		           PL_STR(c->skey[i]), PL_I64(c->seq[i]), PL_I64(max - n)),
		       &rows);

		if (er != PL_OK)
			return er;
		for (size_t r = 0; r < rows.n; r++) {
			ev[n].skey = c->skey[i];
			ev[n].seq = (uint64_t)pl_row_i64(&rows.v[r], 0);
			ev[n].name = pl_row_str(&rows.v[r], 1);
			ev[n].data = pl_row_str(&rows.v[r], 2);
			c->seq[i] = ev[n].seq;
			n++;
		}
	}
	*out = ev;
	*nout = n;
	return PL_OK;
}
