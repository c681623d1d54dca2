/* chat.c: the chat engine (the rules and the events are told in chat.h).
 *
 * Scoping: a conversation is read by id and then its tenant compared with
 * the actor's (the super admin's is any); another tenant's is PL_ENOTFOUND.
 * Lock order in a write, the same as visit.c's, so that no two changes
 * wait on each other in a circle: the conversation row (FOR UPDATE), then
 * offers, then the widget row (its counters), then the tenant row (the
 * foreign-key checks of the inserts: chat_steps, messages, offers); the
 * streams last, in key order (pl_change_event writes them at the commit).
 * A counter is therefore updated before the first insert. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "change.h"
#include "chat.h"
#include "crypto.h"
#include "events.h"
#include "log.h"
#include "outbox.h"
#include "pl_json.h"
#include "valid.h"

enum {
	K_LOCK,
	K_SHOW,
	K_SEE,
	K_MY_OFFER,
	K_OPEN_OFFERS,
	K_AGENTS_USER,
	K_AGENTS_DEPT,
	K_AGENTS_WIDGET,
	K_OFFER_ADD,
	K_OFFER_TAKE,
	K_OFFER_SET,
	K_OFFER_END_ROUND,
	K_ROUND,
	K_ACCEPT,
	K_REJECTED,
	K_TO_NEW,
	K_TRANSFERRED,
	K_RESOLVE,
	K_REASSIGN,
	K_CLOSE,
	K_STEP,
	K_WAIT_DOWN,
	K_WAIT_UP,
	K_ONGOING_UP,
	K_ONGOING_DOWN,
	K_RESOLVED_UP,
	K_WIDGET_MSG,
	K_CARD,
	K_ADMINS,
	K_USER,
	K_DEPT,
	K_SUPERVISES,
	K_MSG_INSERT,
	K_MSG_GET,
	K_MSG_BY_CLIENT,
	K_MSG_COUNT,
	K_MSGS,
	K_STEPS,
	K_AGENT_READ,
	K_VISITOR_READ,
	K_UNREAD_UP,
	K_INBOX_OFFERS,
	K_INBOX_ONGOING,
	K_SERVES,
	K_CONTACT,
	K_START,
	K_SEEN,
	K_DUE,
	K_QUIET,
	K_OFFLINE,
	K_QUIET_OFFERS,
	K_DUE_LOCK,
	K_TIMED_OUT,
	K_WIDGET_LOCK,
	K__MAX
};

/* The conversation as the rules need it, locked. */
#define LOCK_COLS                                                              \
	"SELECT id, tenant_id, widget_id, contact_id,"                         \
	" COALESCE(department_id, 0), status, COALESCE(agent_id, 0), round,"   \
	" offer_reject, started_by, visitor_name, visitor_phone_e164,"         \
	" ended_at IS NOT NULL, channel, timeouts"                             \
	" FROM conversations WHERE id = ?"

/* The conversation as staff see it (struct pl_chat, in order). */
#define SHOW_SEL                                                               \
	"SELECT c.id, c.tenant_id, c.widget_id, w.website_url, c.contact_id,"  \
	" c.visitor_name, c.visitor_email, c.visitor_phone_e164, c.channel,"   \
	" c.status, c.started_by, COALESCE(c.department_id, 0),"               \
	" COALESCE(d.name, ''), COALESCE(c.agent_id, 0),"                      \
	" COALESCE(CONCAT(u.first_name, ' ', u.last_name), ''), c.round,"      \
	" c.reject_count, c.transfer_count, COALESCE(c.transferred_by, 0),"    \
	" COALESCE(CONCAT(tb.first_name, ' ', tb.last_name), ''),"             \
	" COALESCE(CONCAT(ta.first_name, ' ', ta.last_name), td.name, ''),"    \
	" c.message_count, c.unread, c.agent_read_id, c.visitor_read_id,"      \
	" COALESCE((SELECT m.body FROM messages m WHERE m.conversation_id ="   \
	" c.id AND m.internal = 0 ORDER BY m.id LIMIT 1), ''),"                \
	" COALESCE((SELECT m.body FROM messages m WHERE m.conversation_id ="   \
	" c.id AND m.internal = 0 ORDER BY m.id DESC LIMIT 1), ''),"           \
	" c.created_at, c.accepted_at, c.ended_at"
#define SHOW_FROM                                                              \
	" FROM conversations c"                                                \
	" JOIN widgets w ON w.id = c.widget_id AND w.tenant_id = c.tenant_id"  \
	" LEFT JOIN departments d ON d.id = c.department_id"                   \
	" LEFT JOIN users u ON u.id = c.agent_id"                              \
	" LEFT JOIN users tb ON tb.id = c.transferred_by"                      \
	" LEFT JOIN users ta ON ta.id = c.transfer_agent_id"                   \
	" LEFT JOIN departments td ON td.id = c.transfer_department_id"
#define SHOW_NCOLS 30

/* Who may be offered a chat: an unblocked agent or supervisor. */
#define AGENT_OK "u.blocked = 0 AND u.role IN ('agent', 'supervisor')"

#define MSG_COLS                                                               \
	"SELECT m.id, m.conversation_id, m.sender,"                            \
	" COALESCE(m.sender_user_id, 0),"                                      \
	" CASE m.sender WHEN 'agent' THEN COALESCE(CONCAT(u.first_name, ' ',"  \
	" u.last_name), 'Agent') WHEN 'visitor' THEN c.visitor_name"           \
	" ELSE 'Parley' END,"                                                  \
	" m.body, COALESCE(m.client_id, ''), m.internal, m.created_at"         \
	" FROM messages m JOIN conversations c ON c.id = m.conversation_id"    \
	" LEFT JOIN users u ON u.id = m.sender_user_id"

static const char *const stmts[K__MAX] = {
	[K_LOCK] = LOCK_COLS " FOR UPDATE",
	[K_SHOW] = SHOW_SEL ", 0" SHOW_FROM " WHERE c.id = ?",
	/* May this agent or supervisor see the conversation (chat.h)? */
	[K_SEE] = "SELECT " PL_CHAT_SEES_SQL
	          " FROM conversations c WHERE c.id = ? AND c.tenant_id = ?",
	[K_MY_OFFER] =
	    "SELECT state, can_reject FROM offers WHERE conversation_id = ?"
	    " AND round = ? AND user_id = ?",
	[K_OPEN_OFFERS] =
	    "SELECT user_id FROM offers WHERE conversation_id = ?"
	    " AND round = ? AND state = 'open' LIMIT 1000",
	/* The agents a round goes to: id, E.164 phone. */
	[K_AGENTS_USER] =
	    "SELECT u.id, u.phone_e164 FROM users u"
	    " WHERE u.id = ? AND u.tenant_id = ? AND " AGENT_OK,
	[K_AGENTS_DEPT] =
	    "SELECT u.id, u.phone_e164 FROM department_agents da"
	    " JOIN departments d ON d.id = da.department_id"
	    " AND d.tenant_id = da.tenant_id"
	    " JOIN users u ON u.id = da.user_id AND u.tenant_id = da.tenant_id"
	    " WHERE da.tenant_id = ? AND da.department_id = ? AND d.active = 1"
	    " AND " AGENT_OK " ORDER BY u.id LIMIT 1000",
	[K_AGENTS_WIDGET] =
	    "SELECT DISTINCT u.id, u.phone_e164 FROM widget_departments wd"
	    " JOIN departments d ON d.id = wd.department_id"
	    " AND d.tenant_id = wd.tenant_id"
	    " JOIN department_agents da ON da.department_id = d.id"
	    " JOIN users u ON u.id = da.user_id AND u.tenant_id = wd.tenant_id"
	    " WHERE wd.tenant_id = ? AND wd.widget_id = ? AND d.active = 1"
	    " AND " AGENT_OK " ORDER BY u.id LIMIT 1000",
	[K_OFFER_ADD] =
	    "INSERT INTO offers (conversation_id, round, user_id, tenant_id,"
	    " can_reject, state, decided_at) VALUES (?, ?, ?, ?, ?, ?,"
	    " IF(? = 'open', NULL, UTC_TIMESTAMP(3)))",
	/* Accept: the caller's offer taken, the round's others lost. */
	[K_OFFER_TAKE] =
	    "UPDATE offers SET state = IF(user_id = ?, 'taken', 'lost'),"
	    " decided_at = UTC_TIMESTAMP(3)"
	    " WHERE conversation_id = ? AND round = ? AND state = 'open'",
	[K_OFFER_SET] =
	    "UPDATE offers SET state = ?, decided_at = UTC_TIMESTAMP(3)"
	    " WHERE conversation_id = ? AND round = ? AND user_id = ?"
	    " AND state = 'open'",
	[K_OFFER_END_ROUND] =
	    "UPDATE offers SET state = ?, decided_at = UTC_TIMESTAMP(3)"
	    " WHERE conversation_id = ? AND round = ? AND state = 'open'",
	[K_ROUND] =
	    "UPDATE conversations SET round = ?, offer_reject = ?,"
	    " offered_at = UTC_TIMESTAMP(3),"
	    " offer_due_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND WHERE id = ?",
	[K_ACCEPT] =
	    "UPDATE conversations SET status = 'ongoing', agent_id = ?,"
	    " accepted_at = COALESCE(accepted_at, UTC_TIMESTAMP(3)),"
	    " offer_due_at = NULL,"
	    " unread = (SELECT COUNT(*) FROM messages m WHERE"
	    " m.conversation_id = ? AND m.sender = 'visitor'"
	    " AND m.id > agent_read_id)"
	    " WHERE id = ?",
	[K_REJECTED] =
	    "UPDATE conversations SET reject_count = reject_count + 1"
	    " WHERE id = ?",
	/* Back to the waiting list (a transfer, a re-initiated chat handed
	 * back): no holder until someone accepts. */
	[K_TO_NEW] =
	    "UPDATE conversations SET status = 'new', agent_id = NULL"
	    " WHERE id = ?",
	[K_TRANSFERRED] =
	    "UPDATE conversations SET transfer_count = transfer_count + 1,"
	    " transferred_by = ?, transfer_agent_id = ?,"
	    " transfer_department_id = ?,"
	    " department_id = COALESCE(?, department_id) WHERE id = ?",
	[K_RESOLVE] =
	    "UPDATE conversations SET status = 'resolved',"
	    " ended_at = UTC_TIMESTAMP(3), ended_by = 'agent' WHERE id = ?",
	[K_REASSIGN] =
	    "UPDATE conversations SET status = 'ongoing', agent_id = ?,"
	    " accepted_at = COALESCE(accepted_at, UTC_TIMESTAMP(3)),"
	    " offer_due_at = NULL WHERE id = ?",
	[K_CLOSE] =
	    "UPDATE conversations SET status = 'closed', offer_due_at = NULL,"
	    " ended_at = UTC_TIMESTAMP(3), ended_by = ? WHERE id = ?",
	[K_STEP] =
	    "INSERT INTO chat_steps (tenant_id, conversation_id, kind, round,"
	    " by_user_id, to_user_id, to_department_id, why)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[K_WAIT_DOWN] =
	    "UPDATE widgets SET waiting_count = waiting_count - 1"
	    " WHERE id = ? AND tenant_id = ? AND waiting_count > 0",
	[K_WAIT_UP] =
	    "UPDATE widgets SET waiting_count = waiting_count + 1"
	    " WHERE id = ? AND tenant_id = ?",
	[K_ONGOING_UP] =
	    "UPDATE widgets SET ongoing_count = ongoing_count + 1"
	    " WHERE id = ? AND tenant_id = ?",
	[K_ONGOING_DOWN] =
	    "UPDATE widgets SET ongoing_count = ongoing_count - 1"
	    " WHERE id = ? AND tenant_id = ? AND ongoing_count > 0",
	[K_RESOLVED_UP] =
	    "UPDATE widgets SET resolved_count = resolved_count + 1"
	    " WHERE id = ? AND tenant_id = ?",
	[K_WIDGET_MSG] =
	    "UPDATE widgets SET message_count = message_count + 1"
	    " WHERE id = ? AND tenant_id = ?",
	/* The holder's card for the contact (its own copy of the fields). */
	[K_CARD] =
	    "INSERT IGNORE INTO contact_agents (tenant_id, contact_id, user_id,"
	    " name, email, phone, phone_e164, website)"
	    " SELECT c.tenant_id, c.id, ?, c.name, c.email, c.phone,"
	    " c.phone_e164, c.website FROM contacts c"
	    " WHERE c.tenant_id = ? AND c.id = ?",
	[K_ADMINS] =
	    "SELECT id, email, CONCAT(first_name, ' ', last_name), phone_e164"
	    " FROM users WHERE tenant_id = ? AND role = 'admin'"
	    " AND blocked = 0 ORDER BY id LIMIT 10",
	[K_USER] =
	    "SELECT u.id, u.first_name, CONCAT(u.first_name, ' ', u.last_name)"
	    " FROM users u WHERE u.id = ? AND u.tenant_id = ? AND " AGENT_OK,
	[K_DEPT] =
	    "SELECT id, name FROM departments WHERE id = ? AND tenant_id = ?"
	    " AND active = 1",
	/* Does supervisor ? supervise department ?, and is agent ? in one of
	 * the departments it supervises? */
	[K_SUPERVISES] =
	    "SELECT EXISTS (SELECT 1 FROM department_agents WHERE user_id = ?"
	    " AND department_id = ? AND supervisor = 1),"
	    " EXISTS (SELECT 1 FROM department_agents s JOIN department_agents"
	    " m ON m.department_id = s.department_id WHERE s.user_id = ?"
	    " AND s.supervisor = 1 AND m.user_id = ?)",
	[K_MSG_INSERT] =
	    "INSERT INTO messages (tenant_id, conversation_id, sender,"
	    " sender_user_id, body, client_id, internal)"
	    " VALUES (?, ?, 'agent', ?, ?, ?, ?)",
	[K_MSG_GET] = MSG_COLS " WHERE m.conversation_id = ? AND m.id = ?",
	[K_MSG_BY_CLIENT] =
	    MSG_COLS " WHERE m.conversation_id = ? AND m.client_id = ?",
	[K_MSG_COUNT] =
	    "UPDATE conversations SET message_count = message_count + 1,"
	    " last_message_at = UTC_TIMESTAMP(3),"
	    " agent_read_id = GREATEST(agent_read_id, ?) WHERE id = ?",
	[K_MSGS] = MSG_COLS
	" WHERE m.conversation_id = ? AND m.id > ?"
	" ORDER BY m.id LIMIT ?",
	[K_STEPS] =
	    "SELECT s.id, s.kind, s.round, COALESCE(s.by_user_id, 0),"
	    " COALESCE(CONCAT(b.first_name, ' ', b.last_name), ''),"
	    " COALESCE(s.to_user_id, 0), COALESCE(s.to_department_id, 0),"
	    " COALESCE(CONCAT(t.first_name, ' ', t.last_name), d.name, ''),"
	    " s.why, s.created_at FROM chat_steps s"
	    " LEFT JOIN users b ON b.id = s.by_user_id"
	    " LEFT JOIN users t ON t.id = s.to_user_id"
	    " LEFT JOIN departments d ON d.id = s.to_department_id"
	    " WHERE s.conversation_id = ? ORDER BY s.id LIMIT 500",
	[K_AGENT_READ] =
	    "UPDATE conversations SET agent_read_id = GREATEST(agent_read_id,"
	    " ?), unread = (SELECT COUNT(*) FROM messages m WHERE"
	    " m.conversation_id = ? AND m.sender = 'visitor' AND m.id > ?)"
	    " WHERE id = ?",
	[K_VISITOR_READ] =
	    "UPDATE conversations SET visitor_read_id ="
	    " GREATEST(visitor_read_id, ?) WHERE id = ?",
	[K_UNREAD_UP] =
	    "UPDATE conversations SET unread = unread + 1 WHERE id = ?",
	[K_INBOX_OFFERS] = SHOW_SEL
	", o.can_reject" SHOW_FROM
	" JOIN offers o ON o.conversation_id = c.id AND o.round = c.round"
	" WHERE o.user_id = ? AND o.state = 'open' AND c.status = 'new'"
	" ORDER BY c.created_at, c.id LIMIT 200",
	[K_INBOX_ONGOING] = SHOW_SEL
	", 0" SHOW_FROM
	" WHERE c.agent_id = ? AND c.status = 'ongoing'"
	" ORDER BY COALESCE(c.last_message_at, c.accepted_at) DESC,"
	" c.id DESC LIMIT 200",
	/* A department of widget ? that agent ? belongs to (the first). */
	[K_SERVES] =
	    "SELECT wd.department_id FROM widget_departments wd"
	    " JOIN department_agents da ON da.department_id = wd.department_id"
	    " JOIN departments d ON d.id = wd.department_id AND d.active = 1"
	    " JOIN widgets w ON w.id = wd.widget_id AND w.tenant_id ="
	    " wd.tenant_id"
	    " WHERE wd.tenant_id = ? AND wd.widget_id = ? AND da.user_id = ?"
	    " ORDER BY wd.department_id LIMIT 1",
	/* The contact an agent starts a chat with: its own card. */
	[K_CONTACT] =
	    "SELECT c.id, ca.name, ca.email, ca.phone, ca.phone_e164"
	    " FROM contacts c JOIN contact_agents ca ON ca.contact_id = c.id"
	    " AND ca.user_id = ? WHERE c.tenant_id = ? AND c.id = ?",
	[K_START] =
	    "INSERT INTO conversations (tenant_id, widget_id, contact_id,"
	    " department_id, channel, status, started_by, agent_id,"
	    " visitor_token_hash, visitor_name, visitor_email, visitor_phone,"
	    " visitor_phone_e164, accepted_at)"
	    " VALUES (?, ?, ?, ?, 'web', 'ongoing', 'agent', ?, ?, ?, ?, ?, ?,"
	    " UTC_TIMESTAMP(3))",
	[K_SEEN] =
	    "INSERT INTO presence (user_id, tenant_id, online, seen_at)"
	    " VALUES (?, ?, 1, UTC_TIMESTAMP(3))"
	    " ON DUPLICATE KEY UPDATE online = 1, seen_at = UTC_TIMESTAMP(3)",
	/* Rounds nobody answered: offered before the cut (seconds). */
	[K_DUE] =
	    "SELECT id FROM conversations WHERE status = 'new'"
	    " AND offer_due_at < FROM_UNIXTIME(?) ORDER BY offer_due_at"
	    " LIMIT 100",
	[K_QUIET] =
	    "SELECT user_id FROM presence WHERE online = 1"
	    " AND seen_at < FROM_UNIXTIME(?) LIMIT 500",
	[K_OFFLINE] =
	    "UPDATE presence SET online = 0 WHERE user_id = ? AND online = 1"
	    " AND seen_at < FROM_UNIXTIME(?)",
	[K_QUIET_OFFERS] =
	    "SELECT o.conversation_id, o.round, u.phone_e164, c.visitor_name"
	    " FROM offers o JOIN conversations c ON c.id = o.conversation_id"
	    " AND c.round = o.round AND c.status = 'new'"
	    " JOIN users u ON u.id = o.user_id"
	    " WHERE o.user_id = ? AND o.state = 'open' LIMIT 100",
	[K_DUE_LOCK] =
	    "SELECT 1 FROM conversations WHERE id = ? AND status = 'new'"
	    " AND offer_due_at < FROM_UNIXTIME(?) FOR UPDATE",
	[K_WIDGET_LOCK] =
	    "SELECT id FROM widgets WHERE id = ? AND tenant_id = ? FOR UPDATE",
	[K_TIMED_OUT] =
	    "UPDATE conversations SET timeouts = timeouts + 1 WHERE id = ?",
};

const struct pl_sqlset pl_chat_sql = { "chat", stmts, K__MAX,
	{ &pl_events_sql, &pl_outbox_sql } };

struct pl_chat_config
pl_chat_config(void)
{
	struct pl_chat_config cfg = { 300, 90, "" };
	const char           *v;
	long                  n;
	char                 *end;

	if ((v = getenv("PARLEY_OFFER_TIMEOUT")) != NULL &&
	    (n = strtol(v, &end, 10)) > 0 && *end == '\0' && n <= 86400)
		cfg.offer_timeout = (int)n;
	if ((v = getenv("PARLEY_OFFLINE_AFTER")) != NULL &&
	    (n = strtol(v, &end, 10)) > 0 && *end == '\0' && n <= 86400)
		cfg.offline_after = (int)n;
	if ((v = getenv("PARLEY_BASE_URL")) != NULL)
		cfg.base_url = v;
	return cfg;
}

/* --- shapes ----------------------------------------------------------------
 */

/* The locked conversation. */
struct conv {
	int64_t     id, tenant_id, widget_id, contact_id, dept, agent;
	const char *status, *started_by, *name, *phone, *channel;
	int         round, timeouts;
	bool        offer_reject, ended;
};

static bool
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

/* An error with its message for the whole form (fe may be NULL). */
static enum pl_err
fail(struct pl_errs *fe, enum pl_err er, const char *msg)
{
	if (fe != NULL)
		(void)pl_errs_add(fe, NULL, msg);
	return er;
}

/* One line of text for an SMS or a subject: controls become spaces, and at
 * most max bytes (cut on a character boundary). */
static const char *
one_line(struct pl_arena *a, const char *s, size_t max)
{
	char  *t = pl_arena_strdup(a, s != NULL ? s : "");
	size_t n = strlen(t);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			t[i] = ' ';
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
			n--;
		t[n] = '\0';
	}
	return t;
}

/* Lock conversation id; tenant 0 is any (the super admin, the timer). */
static enum pl_err
conv_lock(struct pl_db *db, struct pl_arena *a, int64_t tenant, int64_t id,
    struct conv *c)
{
	struct pl_row row;
	enum pl_err   er;

	memset(c, 0, sizeof(*c));
	if ((er = pl_db_one(db, a, &pl_chat_sql, K_LOCK, PL_ARGS(PL_I64(id)),
	         &row)) != PL_OK)
		return er;
	c->id = pl_row_i64(&row, 0);
	c->tenant_id = pl_row_i64(&row, 1);
	if (tenant != 0 && c->tenant_id != tenant)
		return PL_ENOTFOUND;
	c->widget_id = pl_row_i64(&row, 2);
	c->contact_id = pl_row_i64(&row, 3);
	c->dept = pl_row_i64(&row, 4);
	c->status = pl_row_str(&row, 5);
	c->agent = pl_row_i64(&row, 6);
	c->round = (int)pl_row_i64(&row, 7);
	c->offer_reject = pl_row_i64(&row, 8) != 0;
	c->started_by = pl_row_str(&row, 9);
	c->name = pl_row_str(&row, 10);
	c->phone = pl_row_str(&row, 11);
	c->ended = pl_row_i64(&row, 12) != 0;
	c->channel = pl_row_str(&row, 13);
	c->timeouts = (int)pl_row_i64(&row, 14);
	return PL_OK;
}

/* Lock conversation id, then its widget's row: a transition that moves
 * the widget's counters takes that row before it touches offers (whose
 * range locks a visitor's start, holding the widget row, would wait on),
 * so the changes of one widget queue on its row instead of deadlocking. */
static enum pl_err
conv_lock_w(struct pl_db *db, struct pl_arena *a, int64_t tenant, int64_t id,
    struct conv *c)
{
	struct pl_row row;
	enum pl_err   er;

	if ((er = conv_lock(db, a, tenant, id, c)) != PL_OK)
		return er;
	er = pl_db_one(db, a, &pl_chat_sql, K_WIDGET_LOCK,
	    PL_ARGS(PL_I64(c->widget_id), PL_I64(c->tenant_id)), &row);
	return er == PL_ENOTFOUND ? PL_EINTERNAL : er;
}

/* The tenant an actor acts in: 0 (any) for the super admin. */
static int64_t
scope(const struct pl_actor *who)
{
	return who->role == PL_ROLE_SUPER ? 0 : who->tenant_id;
}

static bool
staff(const struct pl_actor *who)
{
	return who->user_id != 0 &&
	       (who->role == PL_ROLE_AGENT || who->role == PL_ROLE_SUPERVISOR ||
	           who->role == PL_ROLE_ADMIN || who->role == PL_ROLE_SUPER);
}

static void
chat_from_row(const struct pl_row *r, struct pl_chat *c)
{
	memset(c, 0, sizeof(*c));
	c->id = pl_row_i64(r, 0);
	c->tenant_id = pl_row_i64(r, 1);
	c->widget_id = pl_row_i64(r, 2);
	c->website = pl_row_str(r, 3);
	c->contact_id = pl_row_i64(r, 4);
	c->name = pl_row_str(r, 5);
	c->email = pl_row_str(r, 6);
	c->phone = pl_row_str(r, 7);
	c->channel = pl_row_str(r, 8);
	c->status = pl_row_str(r, 9);
	c->started_by = pl_row_str(r, 10);
	c->department_id = pl_row_i64(r, 11);
	c->department = pl_row_str(r, 12);
	c->agent_id = pl_row_i64(r, 13);
	c->agent = pl_row_str(r, 14);
	c->round = (int)pl_row_i64(r, 15);
	c->reject_count = (int)pl_row_i64(r, 16);
	c->transfer_count = (int)pl_row_i64(r, 17);
	c->transferred_by = pl_row_i64(r, 18);
	c->transferred_by_name = pl_row_str(r, 19);
	c->transfer_to = pl_row_str(r, 20);
	c->message_count = (int)pl_row_i64(r, 21);
	c->unread = (int)pl_row_i64(r, 22);
	c->agent_read_id = pl_row_i64(r, 23);
	c->visitor_read_id = pl_row_i64(r, 24);
	c->first_message = pl_row_str(r, 25);
	c->last_message = pl_row_str(r, 26);
	c->created_at = pl_row_str(r, 27);
	c->accepted_at = pl_row_str(r, 28);
	c->ended_at = pl_row_str(r, 29);
	c->can_reject = pl_row_i64(r, SHOW_NCOLS) != 0;
}

/* The conversation as staff see it, without a rights check. */
static enum pl_err
chat_load(struct pl_db *db, struct pl_arena *a, int64_t id, struct pl_chat *c)
{
	struct pl_row row;
	enum pl_err   er;

	if ((er = pl_db_one(db, a, &pl_chat_sql, K_SHOW, PL_ARGS(PL_I64(id)),
	         &row)) != PL_OK)
		return er;
	chat_from_row(&row, c);
	return PL_OK;
}

struct json_object *
pl_chat_json(const struct pl_chat *c)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", c->id);
	pl_json_set_i64(o, "widget_id", c->widget_id);
	pl_json_set_str(o, "website", c->website);
	pl_json_set_i64(o, "contact_id", c->contact_id);
	pl_json_set_str(o, "name", c->name);
	pl_json_set_str(o, "email", c->email);
	pl_json_set_str(o, "phone", c->phone);
	pl_json_set_str(o, "channel", c->channel);
	pl_json_set_str(o, "status", c->status);
	pl_json_set_str(o, "started_by", c->started_by);
	pl_json_set_i64(o, "department_id", c->department_id);
	pl_json_set_str(o, "department", c->department);
	pl_json_set_i64(o, "agent_id", c->agent_id);
	pl_json_set_str(o, "agent", c->agent);
	pl_json_set_i64(o, "round", c->round);
	pl_json_set_i64(o, "reject_count", c->reject_count);
	pl_json_set_i64(o, "transfer_count", c->transfer_count);
	pl_json_set_i64(o, "transferred_by", c->transferred_by);
	pl_json_set_str(o, "transferred_by_name", c->transferred_by_name);
	pl_json_set_str(o, "transfer_to", c->transfer_to);
	pl_json_set_i64(o, "message_count", c->message_count);
	pl_json_set_i64(o, "unread", c->unread);
	pl_json_set_i64(o, "agent_read_id", c->agent_read_id);
	pl_json_set_i64(o, "visitor_read_id", c->visitor_read_id);
	pl_json_set_str(o, "first_message", c->first_message);
	pl_json_set_str(o, "last_message", c->last_message);
	pl_json_set_time(o, "created_at", c->created_at);
	pl_json_set_time(o, "accepted_at", c->accepted_at);
	pl_json_set_time(o, "ended_at", c->ended_at);
	pl_json_set_bool(o, "offered", c->offered);
	pl_json_set_bool(o, "can_reject", c->can_reject);
	pl_json_set_bool(o, "holder", c->holder);
	return o;
}

static void
msg_from_row(const struct pl_row *r, struct pl_chat_msg *m)
{
	m->id = pl_row_i64(r, 0);
	m->conversation_id = pl_row_i64(r, 1);
	m->sender = pl_row_str(r, 2);
	m->user_id = pl_row_i64(r, 3);
	m->author = pl_row_str(r, 4);
	m->body = pl_row_str(r, 5);
	m->client_id = pl_row_str(r, 6);
	m->internal = pl_row_i64(r, 7) != 0;
	m->created_at = pl_row_str(r, 8);
}

static struct json_object *
msg_obj(struct pl_arena *a, const struct pl_chat_msg *m, bool staff_view)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", m->id);
	pl_json_set_i64(o, "conversation_id", m->conversation_id);
	pl_json_set_str(o, "sender", m->sender);
	pl_json_set_str(o, "body", m->body);
	pl_json_set_str(o, "client_id", m->client_id);
	pl_json_set_time(o, "created_at", m->created_at);
	pl_json_set_time_ms(o, "at", m->created_at);
	if (staff_view) {
		pl_json_set_i64(o, "user_id", m->user_id);
		pl_json_set_str(o, "author", m->author);
		pl_json_set_bool(o, "internal", m->internal);
	} else if (is(m->sender, "agent")) {
		/* The visitor sees an agent's first name only. */
		const char *sp = strchr(m->author, ' ');

		pl_json_set_str(o, "author",
		    sp ? pl_arena_printf(
		             a, "%.*s", (int)(sp - m->author), m->author)
		       : m->author);
	}
	return o;
}

struct json_object *
pl_chat_msg_json(struct pl_arena *a, const struct pl_chat_msg *m)
{
	return msg_obj(a, m, true);
}

static const char *
msg_json(struct pl_arena *a, const struct pl_chat_msg *m, bool staff_view)
{
	return pl_json_text(a, msg_obj(a, m, staff_view));
}

/* --- rows that every transition writes -------------------------------------
 */

static enum pl_err
step(struct pl_db *db, const struct conv *c, const char *kind, int round,
    int64_t by, int64_t to_user, int64_t to_dept, const char *why)
{
	return pl_db_exec(db, &pl_chat_sql, K_STEP,
	    PL_ARGS(PL_I64(c->tenant_id), PL_I64(c->id), PL_STR(kind),
	        PL_I64(round), by ? PL_I64(by) : PL_NULLV,
	        to_user ? PL_I64(to_user) : PL_NULLV,
	        to_dept ? PL_I64(to_dept) : PL_NULLV, PL_STR(why ? why : "")),
	    NULL, NULL);
}

static enum pl_err
counter(struct pl_db *db, int stmt, const struct conv *c)
{
	return pl_db_exec(db, &pl_chat_sql, (size_t)stmt,
	    PL_ARGS(PL_I64(c->widget_id), PL_I64(c->tenant_id)), NULL, NULL);
}

static enum pl_err
ev(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    enum pl_stream_kind k, int64_t id, const char *name, const char *data)
{
	return pl_change_event(
	    db, a, ch, pl_stream(a, k, id), name, data, NULL);
}

/* {conversation_id, why, by} for offer.gone and chat.removed. */
static const char *
gone_json(struct pl_arena *a, int64_t id, const char *why, const char *by)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "conversation_id", id);
	pl_json_set_str(o, "why", why);
	pl_json_set_str(o, "by", by ? by : "");
	return pl_json_text(a, o);
}

/* End the round's open offers (state: lost, withdrawn) and tell each of
 * their agents but skip. */
static enum pl_err
end_round(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    const struct conv *c, const char *state, int64_t skip, const char *why,
    const char *by)
{
	struct pl_rows rows;
	const char    *data = gone_json(a, c->id, why, by);
	enum pl_err    er;

	if ((er = pl_db_all(db, a, &pl_chat_sql, K_OPEN_OFFERS,
	         PL_ARGS(PL_I64(c->id), PL_I64(c->round)), &rows)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_chat_sql, K_OFFER_END_ROUND,
	         PL_ARGS(PL_STR(state), PL_I64(c->id), PL_I64(c->round)), NULL,
	         NULL)) != PL_OK)
		return er;
	for (size_t i = 0; i < rows.n; i++) {
		int64_t u = pl_row_i64(&rows.v[i], 0);

		if (u != skip && (er = ev(db, a, ch, PL_STREAM_USER, u,
		                      "offer.gone", data)) != PL_OK)
			return er;
	}
	return PL_OK;
}

/* An SMS for the SMS issue's sender: an outbox row of kind "sms". */
static enum pl_err
sms(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    const char *idem, const char *to, int64_t conv, const char *text)
{
	struct json_object *o;

	if (to == NULL || *to == '\0')
		return PL_OK;
	o = json_object_new_object();
	pl_json_set_str(o, "to", to);
	pl_json_set_str(o, "body", text);
	pl_json_set_i64(o, "conversation_id", conv);
	ch->queued = true;
	return pl_outbox_put(db, "sms", idem, to, pl_json_text(a, o));
}

/*
 * Offer round `round` of c: to agent to_user alone, to department to_dept's
 * agents, or (both 0) to c's department's, or every department of its
 * widget when it has none. Rows, timeline, events, SMS rows.
 */
static enum pl_err
offer_round(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    struct conv *c, int round, int64_t to_user, int64_t to_dept,
    bool can_reject, int64_t by)
{
	const struct pl_chat_config cfg = pl_chat_config();
	/* The round's wait: the timeout, doubled by each earlier timeout. */
	int64_t wait = (int64_t)cfg.offer_timeout
	               << (c->timeouts < 6 ? c->timeouts : 6);
	struct pl_rows      rows;
	struct pl_chat      chat;
	struct json_object *o;
	const char         *data, *text;
	int64_t             dept = to_dept ? to_dept : c->dept;
	enum pl_err         er;

	if (to_user != 0)
		er = pl_db_all(db, a, &pl_chat_sql, K_AGENTS_USER,
		    PL_ARGS(PL_I64(to_user), PL_I64(c->tenant_id)), &rows);
	else if (dept != 0)
		er = pl_db_all(db, a, &pl_chat_sql, K_AGENTS_DEPT,
		    PL_ARGS(PL_I64(c->tenant_id), PL_I64(dept)), &rows);
	else
		er = pl_db_all(db, a, &pl_chat_sql, K_AGENTS_WIDGET,
		    PL_ARGS(PL_I64(c->tenant_id), PL_I64(c->widget_id)), &rows);
	if (er != PL_OK)
		return er;
	c->round = round;
	c->offer_reject = can_reject;
	if ((er = pl_db_exec(db, &pl_chat_sql, K_ROUND,
	         PL_ARGS(PL_I64(round), PL_I64(can_reject ? 1 : 0),
	             PL_I64(wait), PL_I64(c->id)),
	         NULL, NULL)) != PL_OK ||
	    (er = step(db, c, "offered", round, by, to_user, to_dept,
	         rows.n == 0 ? "nobody" : "")) != PL_OK)
		return er;
	for (size_t i = 0; i < rows.n; i++)
		if ((er = pl_db_exec(db, &pl_chat_sql, K_OFFER_ADD,
		         PL_ARGS(PL_I64(c->id), PL_I64(round),
		             PL_I64(pl_row_i64(&rows.v[i], 0)),
		             PL_I64(c->tenant_id), PL_I64(can_reject ? 1 : 0),
		             PL_STR("open"), PL_STR("open")),
		         NULL, NULL)) != PL_OK)
			return er;
	if (rows.n == 0) {
		pl_warn("conversation %lld: nobody to offer round %d to",
		    (long long)c->id, round);
		return PL_OK;
	}
	if ((er = chat_load(db, a, c->id, &chat)) != PL_OK)
		return er;
	chat.offered = true;
	chat.can_reject = can_reject;
	o = pl_chat_json(&chat);
	data = pl_json_text(a, o);
	text = pl_arena_printf(a,
	    "Parley: new chat request from %s on %s. Open your console to "
	    "accept it.",
	    one_line(a, chat.name, 60), one_line(a, chat.website, 80));
	for (size_t i = 0; i < rows.n; i++) {
		int64_t u = pl_row_i64(&rows.v[i], 0);

		if ((er = ev(db, a, ch, PL_STREAM_USER, u, "offer.new",
		         data)) != PL_OK ||
		    (er = sms(db, a, ch,
		         pl_arena_printf(a, "sms:offer:%lld:%d:%lld",
		             (long long)c->id, round, (long long)u),
		         pl_row_str(&rows.v[i], 1), c->id, text)) != PL_OK)
			return er;
	}
	return PL_OK;
}

/* Tell the tenant's admin (why: rejected, timeout, resolved): on its
 * stream, by e-mail and by SMS. */
static enum pl_err
tell_admin(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    const struct conv *c, const char *why, int round, const char *by)
{
	const struct pl_chat_config cfg = pl_chat_config();
	struct json_object         *o = json_object_new_object();
	struct pl_rows              rows;
	const char                 *name = one_line(a, c->name, 80);
	const char                 *subject, *text, *event;
	enum pl_err                 er;

	pl_json_set_i64(o, "conversation_id", c->id);
	pl_json_set_i64(o, "round", round);
	pl_json_set_str(o, "name", c->name);
	pl_json_set_str(o, "by", by ? by : "");
	if (is(why, "rejected")) {
		event = "request.rejected";
		subject = pl_arena_printf(
		    a, "Every agent rejected the chat request from %s", name);
		text = pl_arena_printf(a,
		    "Every agent offered the chat request from %s rejected it "
		    "(round %d). Parley has offered it again to all agents as "
		    "new.\n\n%s/log?tab=rejected\n",
		    name, round, cfg.base_url);
	} else if (is(why, "timeout")) {
		event = "request.timeout";
		subject = pl_arena_printf(
		    a, "Nobody answered the chat request from %s", name);
		text = pl_arena_printf(a,
		    "Nobody accepted the chat request from %s in time (round "
		    "%d). Parley has offered it again to all agents as new, "
		    "and will wait twice as long before it tells you again."
		    "\n\n%s/log?tab=new\n",
		    name, round, cfg.base_url);
	} else {
		event = "chat.resolved";
		subject = pl_arena_printf(a, "Chat with %s resolved", name);
		text = pl_arena_printf(a,
		    "%s resolved the chat with %s.\n\n%s/log?tab=resolved\n",
		    one_line(a, by, 80), name, cfg.base_url);
	}
	if ((er = ev(db, a, ch, PL_STREAM_TENANT, c->tenant_id, event,
	         pl_json_text(a, o))) != PL_OK)
		return er;
	if ((er = pl_db_all(db, a, &pl_chat_sql, K_ADMINS,
	         PL_ARGS(PL_I64(c->tenant_id)), &rows)) != PL_OK)
		return er;
	for (size_t i = 0; i < rows.n; i++) {
		const struct pl_row *r = &rows.v[i];
		const char *idem = pl_arena_printf(a, "%s:%lld:%d:%lld", why,
		    (long long)c->id, round, (long long)pl_row_i64(r, 0));

		if ((er = pl_outbox_mail(db, a,
		         pl_arena_printf(a, "mail:admin:%s", idem),
		         pl_row_str(r, 1), pl_row_str(r, 2), subject, text)) !=
		    PL_OK)
			return er;
		ch->queued = true;
		if (!is(why, "resolved") &&
		    (er = sms(db, a, ch,
		         pl_arena_printf(a, "sms:admin:%s", idem),
		         pl_row_str(r, 3), c->id, one_line(a, subject, 150))) !=
		        PL_OK)
			return er;
	}
	return PL_OK;
}

static void
audit(struct pl_change *ch, const struct conv *c, const char *action,
    const char *summary)
{
	ch->tenant_id = c->tenant_id;
	ch->action = action;
	ch->target_type = "conversation";
	ch->target_id = c->id;
	ch->summary = summary;
}

/* A user's first name and full name, if an active agent of c's tenant. */
static enum pl_err
agent_of(struct pl_db *db, struct pl_arena *a, int64_t tenant, int64_t id,
    const char **first, const char **full)
{
	struct pl_row row;
	enum pl_err   er;

	if ((er = pl_db_one(db, a, &pl_chat_sql, K_USER,
	         PL_ARGS(PL_I64(id), PL_I64(tenant)), &row)) != PL_OK)
		return er;
	*first = pl_row_str(&row, 1);
	*full = pl_row_str(&row, 2);
	return PL_OK;
}

/* {agent: first name} on the visitor's stream. */
static enum pl_err
joined(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    const struct conv *c, const char *first)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "conversation_id", c->id);
	pl_json_set_str(o, "agent", first);
	return ev(db, a, ch, PL_STREAM_CONV, c->id, "chat.joined",
	    pl_json_text(a, o));
}

/* The chat, whole, to its (new) holder. */
static enum pl_err
assigned(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    const struct conv *c, int64_t holder)
{
	struct pl_chat chat;
	enum pl_err    er;

	if ((er = chat_load(db, a, c->id, &chat)) != PL_OK)
		return er;
	chat.holder = true;
	return ev(db, a, ch, PL_STREAM_USER, holder, "chat.assigned",
	    pl_json_text(a, pl_chat_json(&chat)));
}

/* --- reading ---------------------------------------------------------------
 */

/* May who see conversation c (of c's tenant)? */
static enum pl_err
may_see(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, int64_t tenant, bool *ok)
{
	struct pl_row row;
	int64_t       u = who->user_id;
	enum pl_err   er;

	*ok = false;
	if (!staff(who))
		return PL_OK;
	if (who->role == PL_ROLE_SUPER ||
	    (who->role == PL_ROLE_ADMIN && who->tenant_id == tenant)) {
		*ok = true;
		return PL_OK;
	}
	if (who->tenant_id != tenant)
		return PL_OK;
	er = pl_db_one(db, a, &pl_chat_sql, K_SEE,
	    PL_ARGS(PL_I64(u), PL_I64(u), PL_I64(u), PL_I64(u), PL_I64(id),
	        PL_I64(tenant)),
	    &row);
	if (er == PL_OK)
		*ok = pl_row_i64(&row, 0) != 0;
	return er == PL_ENOTFOUND ? PL_OK : er;
}

/* The caller's offer in the conversation's current round. */
static enum pl_err
my_offer(struct pl_db *db, struct pl_arena *a, int64_t id, int round,
    int64_t user, const char **state, bool *can_reject)
{
	struct pl_row row;
	enum pl_err   er;

	*state = NULL;
	*can_reject = false;
	er = pl_db_one(db, a, &pl_chat_sql, K_MY_OFFER,
	    PL_ARGS(PL_I64(id), PL_I64(round), PL_I64(user)), &row);
	if (er == PL_OK) {
		*state = pl_row_str(&row, 0);
		*can_reject = pl_row_i64(&row, 1) != 0;
	}
	return er;
}

enum pl_err
pl_chat_get(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_chat *c)
{
	const char *state;
	bool        ok, cr;
	enum pl_err er;

	memset(c, 0, sizeof(*c));
	if ((er = chat_load(db, a, id, c)) != PL_OK)
		return er;
	if ((er = may_see(db, a, who, id, c->tenant_id, &ok)) != PL_OK)
		return er;
	if (!ok) {
		memset(c, 0, sizeof(*c));
		return PL_ENOTFOUND;
	}
	c->holder = is(c->status, "ongoing") && c->agent_id == who->user_id;
	c->can_reject = false;
	er = my_offer(db, a, id, c->round, who->user_id, &state, &cr);
	if (er == PL_OK && is(state, "open") && is(c->status, "new")) {
		c->offered = true;
		c->can_reject = cr;
	}
	/* A re-initiated chat may be handed back (3.5A g). */
	if (c->holder && is(c->started_by, "agent"))
		c->can_reject = true;
	return er == PL_ENOTFOUND ? PL_OK : er;
}

enum pl_err
pl_chat_history(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, int64_t after_id, size_t max,
    struct pl_chat_msg **msgs, size_t *nmsgs, struct pl_chat_step **steps,
    size_t *nsteps)
{
	struct pl_chat c;
	struct pl_rows rows;
	enum pl_err    er;

	*msgs = NULL;
	*steps = NULL;
	*nmsgs = *nsteps = 0;
	if ((er = pl_chat_get(db, a, who, id, &c)) != PL_OK)
		return er;
	if (max == 0 || max > PL_CHAT_PAGE_MAX)
		max = PL_CHAT_PAGE_MAX;
	if ((er = pl_db_all(db, a, &pl_chat_sql, K_MSGS,
	         PL_ARGS(PL_I64(id), PL_I64(after_id < 0 ? 0 : after_id),
	             PL_I64((int64_t)max)),
	         &rows)) != PL_OK)
		return er;
	*msgs = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**msgs));
	for (size_t i = 0; i < rows.n; i++)
		msg_from_row(&rows.v[i], &(*msgs)[i]);
	*nmsgs = rows.n;
	if ((er = pl_db_all(db, a, &pl_chat_sql, K_STEPS, PL_ARGS(PL_I64(id)),
	         &rows)) != PL_OK)
		return er;
	*steps = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**steps));
	for (size_t i = 0; i < rows.n; i++) {
		const struct pl_row *r = &rows.v[i];
		struct pl_chat_step *s = &(*steps)[i];

		s->id = pl_row_i64(r, 0);
		s->kind = pl_row_str(r, 1);
		s->round = (int)pl_row_i64(r, 2);
		s->by_user_id = pl_row_i64(r, 3);
		s->by = pl_row_str(r, 4);
		s->to_user_id = pl_row_i64(r, 5);
		s->to_department_id = pl_row_i64(r, 6);
		s->to = pl_row_str(r, 7);
		s->why = pl_row_str(r, 8);
		s->created_at = pl_row_str(r, 9);
	}
	*nsteps = rows.n;
	return PL_OK;
}

static enum pl_err
chats_of(struct pl_db *db, struct pl_arena *a, int stmt, int64_t user,
    bool offered, struct pl_chat **v, size_t *n)
{
	struct pl_rows rows;
	enum pl_err    er;

	if ((er = pl_db_all(db, a, &pl_chat_sql, (size_t)stmt,
	         PL_ARGS(PL_I64(user)), &rows)) != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++) {
		chat_from_row(&rows.v[i], &(*v)[i]);
		(*v)[i].offered = offered;
		(*v)[i].holder = !offered;
		if (!offered)
			(*v)[i].can_reject = is((*v)[i].started_by, "agent");
	}
	*n = rows.n;
	return PL_OK;
}

enum pl_err
pl_chat_inbox(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    struct pl_chat **offers, size_t *noffers, struct pl_chat **ongoing,
    size_t *nongoing)
{
	enum pl_err er;

	*offers = *ongoing = NULL;
	*noffers = *nongoing = 0;
	if (!staff(who) || who->role == PL_ROLE_SUPER)
		return PL_EPERM;
	if ((er = chats_of(db, a, K_INBOX_OFFERS, who->user_id, true, offers,
	         noffers)) != PL_OK)
		return er;
	return chats_of(
	    db, a, K_INBOX_ONGOING, who->user_id, false, ongoing, nongoing);
}

/* --- transitions -----------------------------------------------------------
 */

/* What a transition is asked to do, and what it hands back. */
struct op {
	int64_t                        id;
	int64_t                        to_agent, to_dept;
	struct pl_errs                *fe;
	const char                    *client_id, *body;
	bool                           internal;
	struct pl_chat_msg            *m;
	bool                           created;
	int64_t                        upto;
	const struct pl_chat_start_in *in;
	const struct pl_chat_config   *cfg;
	int64_t                        now;
	int64_t                        user; /* the timer's agent */
	bool                           did;
};

/* Why the caller may not act on c: PL_ENOTFOUND when it may not even see
 * it, else err with msg. */
static enum pl_err
refuse(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    const struct conv *c, struct pl_errs *fe, enum pl_err err, const char *msg)
{
	bool        ok;
	enum pl_err er = may_see(db, a, who, c->id, c->tenant_id, &ok);

	if (er != PL_OK)
		return er;
	return ok ? fail(fe, err, msg) : PL_ENOTFOUND;
}

static bool
holds(const struct pl_actor *who, const struct conv *c)
{
	return is(c->status, "ongoing") && c->agent == who->user_id &&
	       who->user_id != 0;
}

static enum pl_err
accept_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op     *o = arg;
	struct conv    c;
	struct pl_rows rows;
	const char    *state, *first, *full, *by;
	bool           cr;
	enum pl_err    er;

	if ((er = conv_lock_w(db, a, scope(who), o->id, &c)) != PL_OK)
		return er;
	er = my_offer(db, a, c.id, c.round, who->user_id, &state, &cr);
	if (er == PL_ENOTFOUND)
		return refuse(db, a, who, &c, o->fe, PL_ECONFLICT,
		    "This request is not offered to you.");
	if (er != PL_OK)
		return er;
	if (is(c.status, "ongoing")) {
		if (c.agent == who->user_id)
			return fail(o->fe, PL_ECONFLICT,
			    "You have already accepted this request.");
		if (agent_of(db, a, c.tenant_id, c.agent, &first, &by) != PL_OK)
			by = "another agent";
		return fail(o->fe, PL_ECONFLICT,
		    pl_arena_printf(a, "Already accepted by %s.", by));
	}
	if (!is(c.status, "new"))
		return fail(o->fe, PL_ECONFLICT, "This request has ended.");
	if (!is(state, "open"))
		return fail(o->fe, PL_ECONFLICT,
		    is(state, "rejected")
		        ? "You rejected this request."
		        : "This request is no longer offered to you.");
	if ((er = agent_of(db, a, c.tenant_id, who->user_id, &first, &full)) !=
	    PL_OK)
		return er == PL_ENOTFOUND ? PL_EPERM : er;
	if ((er = pl_db_all(db, a, &pl_chat_sql, K_OPEN_OFFERS,
	         PL_ARGS(PL_I64(c.id), PL_I64(c.round)), &rows)) != PL_OK ||
	    (er = pl_db_exec(db, &pl_chat_sql, K_OFFER_TAKE,
	         PL_ARGS(PL_I64(who->user_id), PL_I64(c.id), PL_I64(c.round)),
	         NULL, NULL)) != PL_OK ||
	    (er = pl_db_exec(db, &pl_chat_sql, K_ACCEPT,
	         PL_ARGS(PL_I64(who->user_id), PL_I64(c.id), PL_I64(c.id)),
	         NULL, NULL)) != PL_OK ||
	    (er = counter(db, K_WAIT_DOWN, &c)) != PL_OK ||
	    (er = counter(db, K_ONGOING_UP, &c)) != PL_OK ||
	    (er = step(db, &c, "accepted", c.round, who->user_id, 0, 0, "")) !=
	        PL_OK ||
	    (er = pl_db_exec(db, &pl_chat_sql, K_CARD,
	         PL_ARGS(PL_I64(who->user_id), PL_I64(c.tenant_id),
	             PL_I64(c.contact_id)),
	         NULL, NULL)) != PL_OK)
		return er;
	for (size_t i = 0; i < rows.n; i++) {
		int64_t u = pl_row_i64(&rows.v[i], 0);

		if (u != who->user_id &&
		    (er = ev(db, a, ch, PL_STREAM_USER, u, "offer.gone",
		         gone_json(a, c.id, "taken", full))) != PL_OK)
			return er;
	}
	if ((er = assigned(db, a, ch, &c, who->user_id)) != PL_OK ||
	    (er = joined(db, a, ch, &c, first)) != PL_OK)
		return er;
	{
		struct json_object *j = json_object_new_object();

		pl_json_set_i64(j, "conversation_id", c.id);
		pl_json_set_i64(j, "agent_id", who->user_id);
		pl_json_set_str(j, "agent", full);
		if ((er = ev(db, a, ch, PL_STREAM_TENANT, c.tenant_id,
		         "request.accepted", pl_json_text(a, j))) != PL_OK)
			return er;
	}
	audit(ch, &c, "accept",
	    pl_arena_printf(a, "Accepted the chat request of %s", c.name));
	return PL_OK;
}

enum pl_err
pl_chat_accept(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_errs *fe)
{
	struct op o = { .id = id, .fe = fe };

	if (!staff(who) || who->role == PL_ROLE_SUPER)
		return PL_ENOTFOUND;
	return pl_change_run(db, a, who, accept_fn, &o);
}

/* After the last open offer of c's round is gone: tell the admin (why:
 * rejected, timeout) and offer the next round to c's departments. */
static enum pl_err
next_round(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    struct conv *c, const char *why)
{
	int         round = c->round;
	enum pl_err er;

	if ((er = step(db, c, "reoffered", round + 1, 0, 0, 0, why)) != PL_OK ||
	    (er = tell_admin(db, a, ch, c, why, round, NULL)) != PL_OK)
		return er;
	return offer_round(db, a, ch, c, round + 1, 0, 0, true, 0);
}

static enum pl_err
reject_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op     *o = arg;
	struct conv    c;
	struct pl_rows rows;
	const char    *state;
	bool           cr;
	enum pl_err    er;

	if ((er = conv_lock_w(db, a, scope(who), o->id, &c)) != PL_OK)
		return er;
	if (holds(who, &c) && is(c.started_by, "agent")) {
		/* A re-initiated chat handed back: new for its departments. */
		if ((er = pl_db_exec(db, &pl_chat_sql, K_TO_NEW,
		         PL_ARGS(PL_I64(c.id)), NULL, NULL)) != PL_OK ||
		    (er = pl_db_exec(db, &pl_chat_sql, K_REJECTED,
		         PL_ARGS(PL_I64(c.id)), NULL, NULL)) != PL_OK ||
		    (er = counter(db, K_ONGOING_DOWN, &c)) != PL_OK ||
		    (er = counter(db, K_WAIT_UP, &c)) != PL_OK ||
		    (er = step(db, &c, "rejected", c.round, who->user_id, 0, 0,
		         "")) != PL_OK ||
		    (er = ev(db, a, ch, PL_STREAM_USER, who->user_id,
		         "chat.removed",
		         gone_json(a, c.id, "rejected", who->name))) != PL_OK)
			return er;
		c.status = "new";
		c.agent = 0;
		if ((er = offer_round(db, a, ch, &c, c.round + 1, 0, 0, true,
		         who->user_id)) != PL_OK)
			return er;
		audit(ch, &c, "reject",
		    pl_arena_printf(a, "Handed back the chat of %s", c.name));
		return PL_OK;
	}
	er = my_offer(db, a, c.id, c.round, who->user_id, &state, &cr);
	if (er == PL_ENOTFOUND)
		return refuse(db, a, who, &c, o->fe, PL_ECONFLICT,
		    "This request is not offered to you.");
	if (er != PL_OK)
		return er;
	if (!is(c.status, "new") || !is(state, "open"))
		return fail(o->fe, PL_ECONFLICT,
		    "This request is no longer offered to you.");
	if (!cr)
		return fail(o->fe, PL_EPERM,
		    "This chat was transferred to you: accept it or transfer "
		    "it.");
	if ((er = pl_db_exec(db, &pl_chat_sql, K_OFFER_SET,
	         PL_ARGS(PL_STR("rejected"), PL_I64(c.id), PL_I64(c.round),
	             PL_I64(who->user_id)),
	         NULL, NULL)) != PL_OK ||
	    (er = pl_db_exec(db, &pl_chat_sql, K_REJECTED,
	         PL_ARGS(PL_I64(c.id)), NULL, NULL)) != PL_OK ||
	    (er = step(db, &c, "rejected", c.round, who->user_id, 0, 0, "")) !=
	        PL_OK ||
	    (er = ev(db, a, ch, PL_STREAM_USER, who->user_id, "offer.gone",
	         gone_json(a, c.id, "rejected", who->name))) != PL_OK)
		return er;
	if ((er = pl_db_all(db, a, &pl_chat_sql, K_OPEN_OFFERS,
	         PL_ARGS(PL_I64(c.id), PL_I64(c.round)), &rows)) != PL_OK)
		return er;
	if (rows.n == 0 &&
	    (er = next_round(db, a, ch, &c, "rejected")) != PL_OK)
		return er;
	audit(ch, &c, "reject",
	    pl_arena_printf(a, "Rejected the chat request of %s", c.name));
	return PL_OK;
}

enum pl_err
pl_chat_reject(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_errs *fe)
{
	struct op o = { .id = id, .fe = fe };

	if (!staff(who) || who->role == PL_ROLE_SUPER)
		return PL_ENOTFOUND;
	return pl_change_run(db, a, who, reject_fn, &o);
}

static enum pl_err
transfer_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op          *o = arg;
	struct conv         c;
	struct pl_row       row;
	struct pl_rows      rows;
	struct json_object *j;
	const char         *state, *first = "", *to = "";
	bool                cr, holder, offered = false;
	size_t              others = 0;
	enum pl_err         er;

	if ((er = conv_lock_w(db, a, scope(who), o->id, &c)) != PL_OK)
		return er;
	holder = holds(who, &c);
	if (!holder && is(c.status, "new")) {
		er = my_offer(db, a, c.id, c.round, who->user_id, &state, &cr);
		if (er != PL_OK && er != PL_ENOTFOUND)
			return er;
		offered = er == PL_OK && is(state, "open");
	}
	if (!holder && !offered)
		return refuse(db, a, who, &c, o->fe,
		    c.ended || is(c.status, "resolved") ||
		            is(c.status, "closed")
		        ? PL_ECONFLICT
		        : PL_EPERM,
		    c.ended || is(c.status, "resolved") ||
		            is(c.status, "closed")
		        ? "This chat has ended."
		        : "Only the agent holding this chat can transfer it.");
	if (o->to_agent != 0) {
		const char *full;

		if (o->to_agent == who->user_id)
			return pl_errs_add(
			    o->fe, "to_agent_id", "Choose another agent.");
		er = agent_of(db, a, c.tenant_id, o->to_agent, &first, &full);
		if (er == PL_ENOTFOUND)
			return pl_errs_add(o->fe, "to_agent_id",
			    "Choose an active agent of your team.");
		if (er != PL_OK)
			return er;
		to = full;
	} else {
		er = pl_db_one(db, a, &pl_chat_sql, K_DEPT,
		    PL_ARGS(PL_I64(o->to_dept), PL_I64(c.tenant_id)), &row);
		if (er == PL_ENOTFOUND)
			return pl_errs_add(o->fe, "to_department_id",
			    "Choose an active department.");
		if (er != PL_OK)
			return er;
		to = first = pl_row_str(&row, 1);
		if ((er = pl_db_all(db, a, &pl_chat_sql, K_AGENTS_DEPT,
		         PL_ARGS(PL_I64(c.tenant_id), PL_I64(o->to_dept)),
		         &rows)) != PL_OK)
			return er;
		for (size_t i = 0; i < rows.n; i++)
			if (pl_row_i64(&rows.v[i], 0) != who->user_id)
				others++;
		if (others == 0)
			return pl_errs_add(o->fe, "to_department_id",
			    "That department has no other agent to take it.");
	}
	if (holder) {
		if ((er = pl_db_exec(db, &pl_chat_sql, K_TO_NEW,
		         PL_ARGS(PL_I64(c.id)), NULL, NULL)) != PL_OK ||
		    (er = counter(db, K_ONGOING_DOWN, &c)) != PL_OK ||
		    (er = counter(db, K_WAIT_UP, &c)) != PL_OK ||
		    (er = ev(db, a, ch, PL_STREAM_USER, who->user_id,
		         "chat.removed",
		         gone_json(a, c.id, "transferred", who->name))) !=
		        PL_OK)
			return er;
	} else if ((er = end_round(db, a, ch, &c, "withdrawn", 0, "transferred",
	                who->name)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_chat_sql, K_TRANSFERRED,
	         PL_ARGS(PL_I64(who->user_id),
	             o->to_agent ? PL_I64(o->to_agent) : PL_NULLV,
	             o->to_dept ? PL_I64(o->to_dept) : PL_NULLV,
	             o->to_dept ? PL_I64(o->to_dept) : PL_NULLV, PL_I64(c.id)),
	         NULL, NULL)) != PL_OK ||
	    (er = step(db, &c, "transferred", c.round, who->user_id,
	         o->to_agent, o->to_dept, "")) != PL_OK)
		return er;
	if (o->to_dept != 0)
		c.dept = o->to_dept;
	if ((er = offer_round(db, a, ch, &c, c.round + 1, o->to_agent,
	         o->to_dept, o->to_dept != 0, who->user_id)) != PL_OK)
		return er;
	j = json_object_new_object();
	pl_json_set_i64(j, "conversation_id", c.id);
	pl_json_set_str(j, "to", first);
	if ((er = ev(db, a, ch, PL_STREAM_CONV, c.id, "chat.transferred",
	         pl_json_text(a, j))) != PL_OK)
		return er;
	j = json_object_new_object();
	pl_json_set_i64(j, "conversation_id", c.id);
	pl_json_set_str(j, "by", who->name);
	pl_json_set_str(j, "to", to);
	if ((er = ev(db, a, ch, PL_STREAM_TENANT, c.tenant_id,
	         "chat.transferred", pl_json_text(a, j))) != PL_OK)
		return er;
	audit(ch, &c, "transfer",
	    pl_arena_printf(a, "Transferred the chat of %s to %s", c.name, to));
	return PL_OK;
}

enum pl_err
pl_chat_transfer(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, int64_t to_agent, int64_t to_dept,
    struct pl_errs *fe)
{
	struct op o = {
		.id = id, .to_agent = to_agent, .to_dept = to_dept, .fe = fe
	};

	if (!staff(who) || who->role == PL_ROLE_SUPER)
		return PL_ENOTFOUND;
	if (to_agent < 0 || to_dept < 0 || (to_agent != 0) == (to_dept != 0))
		return pl_errs_add(fe, "to_agent_id",
		    "Choose an agent or a department to transfer to.");
	return pl_change_run(db, a, who, transfer_fn, &o);
}

static enum pl_err
resolve_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op          *o = arg;
	struct conv         c;
	struct json_object *j;
	enum pl_err         er;

	if ((er = conv_lock_w(db, a, scope(who), o->id, &c)) != PL_OK)
		return er;
	if (!holds(who, &c))
		return refuse(db, a, who, &c, o->fe,
		    is(c.status, "ongoing") ? PL_EPERM : PL_ECONFLICT,
		    is(c.status, "ongoing")
		        ? "Only the agent holding this chat can resolve it."
		        : "Only an ongoing chat can be resolved.");
	if ((er = pl_db_exec(db, &pl_chat_sql, K_RESOLVE, PL_ARGS(PL_I64(c.id)),
	         NULL, NULL)) != PL_OK ||
	    (er = counter(db, K_ONGOING_DOWN, &c)) != PL_OK ||
	    (er = counter(db, K_RESOLVED_UP, &c)) != PL_OK ||
	    (er = step(db, &c, "resolved", c.round, who->user_id, 0, 0, "")) !=
	        PL_OK ||
	    (er = ev(db, a, ch, PL_STREAM_USER, who->user_id, "chat.removed",
	         gone_json(a, c.id, "resolved", who->name))) != PL_OK)
		return er;
	j = json_object_new_object();
	pl_json_set_i64(j, "conversation_id", c.id);
	pl_json_set_str(j, "status", "resolved");
	pl_json_set_str(j, "by", "agent");
	if ((er = ev(db, a, ch, PL_STREAM_CONV, c.id, "chat.ended",
	         pl_json_text(a, j))) != PL_OK ||
	    (er = tell_admin(db, a, ch, &c, "resolved", c.round, who->name)) !=
	        PL_OK)
		return er;
	audit(ch, &c, "resolve",
	    pl_arena_printf(a, "Resolved the chat of %s", c.name));
	return PL_OK;
}

enum pl_err
pl_chat_resolve(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_errs *fe)
{
	struct op o = { .id = id, .fe = fe };

	if (!staff(who))
		return PL_ENOTFOUND;
	return pl_change_run(db, a, who, resolve_fn, &o);
}

/* May who manage (reassign, close) c? The tenant's admin, the super admin,
 * or a supervisor of c's department. */
static enum pl_err
manages(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    const struct conv *c, int64_t target, bool *dept_ok, bool *target_ok)
{
	struct pl_row row;
	enum pl_err   er;

	*dept_ok = *target_ok = false;
	if (who->role == PL_ROLE_SUPER || who->role == PL_ROLE_ADMIN) {
		*dept_ok = *target_ok = true;
		return PL_OK;
	}
	if (who->role != PL_ROLE_SUPERVISOR)
		return PL_OK;
	if ((er = pl_db_one(db, a, &pl_chat_sql, K_SUPERVISES,
	         PL_ARGS(PL_I64(who->user_id), PL_I64(c->dept),
	             PL_I64(who->user_id), PL_I64(target)),
	         &row)) != PL_OK)
		return er;
	*dept_ok = pl_row_i64(&row, 0) != 0;
	*target_ok = pl_row_i64(&row, 1) != 0;
	return PL_OK;
}

static enum pl_err
reassign_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op          *o = arg;
	struct conv         c;
	struct json_object *j;
	const char         *first, *full;
	bool                dept_ok, target_ok;
	enum pl_err         er;

	if ((er = conv_lock_w(db, a, scope(who), o->id, &c)) != PL_OK)
		return er;
	if ((er = manages(db, a, who, &c, o->to_agent, &dept_ok, &target_ok)) !=
	    PL_OK)
		return er;
	if (!dept_ok)
		return refuse(db, a, who, &c, o->fe, PL_EPERM,
		    "You can't assign this chat.");
	er = agent_of(db, a, c.tenant_id, o->to_agent, &first, &full);
	if (er == PL_ENOTFOUND || (er == PL_OK && !target_ok)) {
		if (who->role == PL_ROLE_SUPERVISOR)
			return fail(
			    o->fe, PL_EPERM, "Agent doesn't belong to you.");
		return pl_errs_add(o->fe, "to_agent_id",
		    "Choose an active agent of your team.");
	}
	if (er != PL_OK)
		return er;
	if (!is(c.status, "new") && !is(c.status, "ongoing"))
		return fail(o->fe, PL_ECONFLICT, "This chat has ended.");
	if (is(c.status, "ongoing") && c.agent == o->to_agent)
		return fail(o->fe, PL_ECONFLICT,
		    pl_arena_printf(a, "%s already holds this chat.", full));
	if (is(c.status, "ongoing")) {
		if ((er = ev(db, a, ch, PL_STREAM_USER, c.agent, "chat.removed",
		         gone_json(a, c.id, "reassigned", who->name))) != PL_OK)
			return er;
	} else if ((er = end_round(db, a, ch, &c, "withdrawn", 0, "reassigned",
	                who->name)) != PL_OK ||
	           (er = counter(db, K_WAIT_DOWN, &c)) != PL_OK ||
	           (er = counter(db, K_ONGOING_UP, &c)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_chat_sql, K_REASSIGN,
	         PL_ARGS(PL_I64(o->to_agent), PL_I64(c.id)), NULL, NULL)) !=
	        PL_OK ||
	    (er = step(db, &c, "reassigned", c.round, who->user_id, o->to_agent,
	         0, "")) != PL_OK ||
	    (er = pl_db_exec(db, &pl_chat_sql, K_CARD,
	         PL_ARGS(PL_I64(o->to_agent), PL_I64(c.tenant_id),
	             PL_I64(c.contact_id)),
	         NULL, NULL)) != PL_OK ||
	    (er = assigned(db, a, ch, &c, o->to_agent)) != PL_OK ||
	    (er = joined(db, a, ch, &c, first)) != PL_OK)
		return er;
	j = json_object_new_object();
	pl_json_set_i64(j, "conversation_id", c.id);
	pl_json_set_str(j, "by", who->name);
	pl_json_set_str(j, "to", full);
	if ((er = ev(db, a, ch, PL_STREAM_TENANT, c.tenant_id,
	         "chat.reassigned", pl_json_text(a, j))) != PL_OK)
		return er;
	audit(ch, &c, "reassign",
	    pl_arena_printf(a, "Assigned the chat of %s to %s", c.name, full));
	return PL_OK;
}

enum pl_err
pl_chat_reassign(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, int64_t to_agent,
    struct pl_errs *fe)
{
	struct op o = { .id = id, .to_agent = to_agent, .fe = fe };

	if (!staff(who))
		return PL_ENOTFOUND;
	if (to_agent <= 0)
		return pl_errs_add(fe, "to_agent_id", "Choose an agent.");
	return pl_change_run(db, a, who, reassign_fn, &o);
}

static enum pl_err
close_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op          *o = arg;
	struct conv         c;
	struct json_object *j;
	const char         *data;
	bool                dept_ok, target_ok;
	enum pl_err         er;

	if ((er = conv_lock_w(db, a, scope(who), o->id, &c)) != PL_OK)
		return er;
	if ((er = manages(db, a, who, &c, 0, &dept_ok, &target_ok)) != PL_OK)
		return er;
	if (!dept_ok)
		return refuse(db, a, who, &c, o->fe, PL_EPERM,
		    "Only an admin or a supervisor of its department can close "
		    "a request.");
	if (!is(c.status, "new"))
		return fail(o->fe, PL_ECONFLICT,
		    "Only a request nobody accepted can be closed.");
	if ((er = end_round(db, a, ch, &c, "withdrawn", 0, "closed",
	         who->name)) != PL_OK ||
	    (er = pl_db_exec(db, &pl_chat_sql, K_CLOSE,
	         PL_ARGS(PL_STR("agent"), PL_I64(c.id)), NULL, NULL)) !=
	        PL_OK ||
	    (er = counter(db, K_WAIT_DOWN, &c)) != PL_OK ||
	    (er = step(db, &c, "closed", c.round, who->user_id, 0, 0, "")) !=
	        PL_OK)
		return er;
	j = json_object_new_object();
	pl_json_set_i64(j, "conversation_id", c.id);
	pl_json_set_str(j, "status", "closed");
	pl_json_set_str(j, "by", who->name);
	data = pl_json_text(a, j);
	if ((er = ev(db, a, ch, PL_STREAM_CONV, c.id, "chat.ended", data)) !=
	        PL_OK ||
	    (er = ev(db, a, ch, PL_STREAM_TENANT, c.tenant_id, "request.closed",
	         data)) != PL_OK)
		return er;
	audit(ch, &c, "close",
	    pl_arena_printf(a, "Closed the chat request of %s", c.name));
	return PL_OK;
}

enum pl_err
pl_chat_close(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_errs *fe)
{
	struct op o = { .id = id, .fe = fe };

	if (!staff(who))
		return PL_ENOTFOUND;
	return pl_change_run(db, a, who, close_fn, &o);
}

/* --- messages --------------------------------------------------------------
 */

/* Store an agent's message or note in c (locked) and carry it: to the
 * visitor (a message) and to the holder's and the author's consoles. */
static enum pl_err
msg_add(struct pl_db *db, struct pl_arena *a, struct pl_change *ch,
    const struct conv *c, int64_t user, const char *client_id, const char *body,
    bool internal, struct pl_chat_msg *m)
{
	struct pl_row row;
	uint64_t      mid = 0;
	const char   *staff_json;
	enum pl_err   er;

	/* The widget row before the insert's foreign-key lock on the tenant
	 * row (the lock order at the top of this file). */
	if (!internal && (er = counter(db, K_WIDGET_MSG, c)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_chat_sql, K_MSG_INSERT,
	         PL_ARGS(PL_I64(c->tenant_id), PL_I64(c->id), PL_I64(user),
	             PL_STR(body),
	             client_id && *client_id ? PL_STR(client_id) : PL_NULLV,
	             PL_I64(internal ? 1 : 0)),
	         NULL, &mid)) != PL_OK)
		return er;
	if ((er = pl_db_one(db, a, &pl_chat_sql, K_MSG_GET,
	         PL_ARGS(PL_I64(c->id), PL_I64((int64_t)mid)), &row)) != PL_OK)
		return er == PL_ENOTFOUND ? PL_EINTERNAL : er;
	msg_from_row(&row, m);
	staff_json = msg_json(a, m, true);
	if (!internal) {
		if ((er = pl_db_exec(db, &pl_chat_sql, K_MSG_COUNT,
		         PL_ARGS(PL_I64(m->id), PL_I64(c->id)), NULL, NULL)) !=
		        PL_OK ||
		    (er = ev(db, a, ch, PL_STREAM_CONV, c->id, "message.new",
		         msg_json(a, m, false))) != PL_OK)
			return er;
	}
	if (c->agent != 0 && (er = ev(db, a, ch, PL_STREAM_USER, c->agent,
	                          "message.new", staff_json)) != PL_OK)
		return er;
	if (user != c->agent && (er = ev(db, a, ch, PL_STREAM_USER, user,
	                             "message.new", staff_json)) != PL_OK)
		return er;
	return PL_OK;
}

static enum pl_err
send_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op    *o = arg;
	struct conv   c;
	struct pl_row row;
	bool          ok;
	enum pl_err   er;

	(void)ch;
	o->created = false;
	if ((er = conv_lock(db, a, scope(who), o->id, &c)) != PL_OK)
		return er;
	if (o->internal) {
		if ((er = may_see(db, a, who, c.id, c.tenant_id, &ok)) != PL_OK)
			return er;
		if (!ok)
			return PL_ENOTFOUND;
	} else if (!holds(who, &c)) {
		bool ended = !is(c.status, "new") && !is(c.status, "ongoing");

		return refuse(db, a, who, &c, o->fe,
		    ended ? PL_ECONFLICT : PL_EPERM,
		    ended ? "This chat has ended."
		          : "Only the agent holding this chat can write to "
		            "the visitor.");
	}
	er = pl_db_one(db, a, &pl_chat_sql, K_MSG_BY_CLIENT,
	    PL_ARGS(PL_I64(c.id), PL_STR(o->client_id)), &row);
	if (er == PL_OK) {
		msg_from_row(&row, o->m);
		return PL_OK;
	}
	if (er != PL_ENOTFOUND)
		return er;
	if ((er = msg_add(db, a, ch, &c, who->user_id, o->client_id, o->body,
	         o->internal, o->m)) != PL_OK)
		return er;
	o->created = true;
	return PL_OK;
}

enum pl_err
pl_chat_send(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, const char *client_id, const char *body, bool internal,
    struct pl_errs *fe, struct pl_chat_msg *m, bool *created)
{
	struct op   o = { .id = id,
		  .fe = fe,
		  .client_id = client_id,
		  .body = body,
		  .internal = internal,
		  .m = m };
	const char *why;
	enum pl_err er;

	memset(m, 0, sizeof(*m));
	*created = false;
	if (!staff(who))
		return PL_ENOTFOUND;
	if (pl_valid_client_id(client_id) != NULL)
		pl_errs_add(fe, "client_id", pl_valid_client_id(client_id));
	if (body == NULL || body[strspn(body, " \t\r\n")] == '\0')
		pl_errs_add(fe, "body",
		    internal ? "Write a note." : "Write a message.");
	else if ((why = pl_valid_text(body, PL_CHAT_BODY_MAX, 1)) != NULL)
		pl_errs_add(fe, "body",
		    pl_arena_printf(
		        a, "%s: %s", internal ? "Note" : "Message", why));
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	if ((er = pl_change_run(db, a, who, send_fn, &o)) != PL_OK)
		return er;
	*created = o.created;
	return PL_OK;
}

/* {conversation_id, side, upto} (read) or {conversation_id, side, name}
 * (typing). */
static const char *
side_json(struct pl_arena *a, int64_t id, const char *side, int64_t upto,
    const char *name)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "conversation_id", id);
	pl_json_set_str(o, "side", side);
	if (upto > 0)
		pl_json_set_i64(o, "upto", upto);
	if (name != NULL)
		pl_json_set_str(o, "name", name);
	return pl_json_text(a, o);
}

static enum pl_err
read_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op  *o = arg;
	struct conv c;
	const char *data;
	enum pl_err er;

	if ((er = conv_lock(db, a, scope(who), o->id, &c)) != PL_OK)
		return er;
	if (!holds(who, &c))
		return refuse(db, a, who, &c, o->fe, PL_EPERM,
		    "Only the agent holding this chat marks it read.");
	if ((er = pl_db_exec(db, &pl_chat_sql, K_AGENT_READ,
	         PL_ARGS(PL_I64(o->upto), PL_I64(c.id), PL_I64(o->upto),
	             PL_I64(c.id)),
	         NULL, NULL)) != PL_OK)
		return er;
	data = side_json(a, c.id, "agent", o->upto, NULL);
	if ((er = ev(db, a, ch, PL_STREAM_CONV, c.id, "read", data)) != PL_OK)
		return er;
	return ev(db, a, ch, PL_STREAM_USER, who->user_id, "read", data);
}

enum pl_err
pl_chat_read(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, int64_t upto)
{
	struct op o = { .id = id, .upto = upto };

	if (!staff(who))
		return PL_ENOTFOUND;
	if (upto <= 0)
		return PL_EINVAL;
	return pl_change_run(db, a, who, read_fn, &o);
}

static enum pl_err
typing_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op  *o = arg;
	struct conv c;
	const char *sp;
	enum pl_err er;

	if ((er = conv_lock(db, a, scope(who), o->id, &c)) != PL_OK)
		return er;
	if (!holds(who, &c))
		return refuse(db, a, who, &c, NULL, PL_EPERM, NULL);
	sp = who->name ? strchr(who->name, ' ') : NULL;
	return ev(db, a, ch, PL_STREAM_CONV, c.id, "typing",
	    side_json(a, c.id, "agent", 0,
	        sp ? pl_arena_printf(
	                 a, "%.*s", (int)(sp - who->name), who->name)
	           : (who->name ? who->name : "")));
}

enum pl_err
pl_chat_typing(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id)
{
	struct op o = { .id = id };

	if (!staff(who))
		return PL_ENOTFOUND;
	return pl_change_run(db, a, who, typing_fn, &o);
}

/* --- re-initiate -----------------------------------------------------------
 */

static enum pl_err
start_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op                     *o = arg;
	const struct pl_chat_start_in *in = o->in;
	struct pl_row                  card, dept;
	struct pl_chat_msg             m;
	struct conv                    c;
	struct json_object            *j;
	const char                    *token = pl_token_new(a);
	uint64_t                       id = 0;
	enum pl_err                    er, er2;

	er = pl_db_one(db, a, &pl_chat_sql, K_CONTACT,
	    PL_ARGS(PL_I64(who->user_id), PL_I64(who->tenant_id),
	        PL_I64(in->contact_id)),
	    &card);
	if (er == PL_ENOTFOUND)
		pl_errs_add(
		    o->fe, "contact_id", "Choose one of your contacts.");
	else if (er != PL_OK)
		return er;
	er2 = pl_db_one(db, a, &pl_chat_sql, K_SERVES,
	    PL_ARGS(PL_I64(who->tenant_id), PL_I64(in->widget_id),
	        PL_I64(who->user_id)),
	    &dept);
	if (er2 == PL_ENOTFOUND)
		pl_errs_add(o->fe, "widget_id", "Choose a website you serve.");
	else if (er2 != PL_OK)
		return er2;
	if ((er = pl_errs_check(o->fe)) != PL_OK)
		return er;
	/* The widget row before the insert's foreign-key locks (the order at
	 * the top of this file). */
	if ((er = pl_db_exec(db, &pl_chat_sql, K_ONGOING_UP,
	         PL_ARGS(PL_I64(in->widget_id), PL_I64(who->tenant_id)), NULL,
	         NULL)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_chat_sql, K_START,
	         PL_ARGS(PL_I64(who->tenant_id), PL_I64(in->widget_id),
	             PL_I64(in->contact_id), PL_I64(pl_row_i64(&dept, 0)),
	             PL_I64(who->user_id),
	             PL_STR(pl_sha256_hex(a, token, strlen(token))),
	             PL_STR(pl_row_str(&card, 1)), PL_STR(pl_row_str(&card, 2)),
	             PL_STR(pl_row_str(&card, 3)),
	             PL_STR(pl_row_str(&card, 4))),
	         NULL, &id)) != PL_OK)
		return er;
	if ((er = conv_lock(db, a, who->tenant_id, (int64_t)id, &c)) != PL_OK)
		return er == PL_ENOTFOUND ? PL_EINTERNAL : er;
	o->id = c.id;
	if ((er = pl_db_exec(db, &pl_chat_sql, K_OFFER_ADD,
	         PL_ARGS(PL_I64(c.id), PL_I64(1), PL_I64(who->user_id),
	             PL_I64(c.tenant_id), PL_I64(1), PL_STR("taken"),
	             PL_STR("taken")),
	         NULL, NULL)) != PL_OK ||
	    (er = step(db, &c, "reinitiated", 1, who->user_id, 0, 0, "")) !=
	        PL_OK)
		return er;
	if (in->message != NULL && *in->message != '\0' &&
	    (er = msg_add(db, a, ch, &c, who->user_id, NULL, in->message, false,
	         &m)) != PL_OK)
		return er;
	if ((er = assigned(db, a, ch, &c, who->user_id)) != PL_OK)
		return er;
	j = json_object_new_object();
	pl_json_set_i64(j, "conversation_id", c.id);
	pl_json_set_i64(j, "agent_id", who->user_id);
	pl_json_set_str(j, "agent", who->name);
	pl_json_set_str(j, "started_by", "agent");
	if ((er = ev(db, a, ch, PL_STREAM_TENANT, c.tenant_id,
	         "request.accepted", pl_json_text(a, j))) != PL_OK)
		return er;
	audit(ch, &c, "reinitiate",
	    pl_arena_printf(a, "Started a chat with %s", c.name));
	return PL_OK;
}

enum pl_err
pl_chat_start(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    const struct pl_chat_start_in *in, struct pl_errs *fe, int64_t *id)
{
	struct op   o = { .in = in, .fe = fe };
	const char *why;
	enum pl_err er;

	*id = 0;
	if (!staff(who) || who->role == PL_ROLE_SUPER || who->tenant_id == 0)
		return PL_EPERM;
	if (in->contact_id <= 0)
		pl_errs_add(fe, "contact_id", "Choose one of your contacts.");
	if (in->widget_id <= 0)
		pl_errs_add(fe, "widget_id", "Choose a website you serve.");
	if (in->message != NULL &&
	    (why = pl_valid_text(in->message, PL_CHAT_BODY_MAX, 1)) != NULL)
		pl_errs_add(
		    fe, "message", pl_arena_printf(a, "Message: %s", why));
	if ((er = pl_errs_check(fe)) != PL_OK)
		return er;
	if ((er = pl_change_run(db, a, who, start_fn, &o)) != PL_OK)
		return er;
	*id = o.id;
	return PL_OK;
}

/* --- the visitor's side (visit.c calls these) ------------------------------
 */

enum pl_err
pl_chat_offer_first(
    struct pl_db *db, struct pl_arena *a, struct pl_change *ch, int64_t id)
{
	struct conv c;
	enum pl_err er;

	if ((er = conv_lock(db, a, 0, id, &c)) != PL_OK)
		return er;
	return offer_round(db, a, ch, &c, 1, 0, 0, true, 0);
}

enum pl_err
pl_chat_visitor_ended(
    struct pl_db *db, struct pl_arena *a, struct pl_change *ch, int64_t id)
{
	struct conv c;
	enum pl_err er;

	if ((er = conv_lock(db, a, 0, id, &c)) != PL_OK)
		return er;
	if (is(c.status, "new"))
		return end_round(
		    db, a, ch, &c, "withdrawn", 0, "withdrawn", c.name);
	if (is(c.status, "ongoing") && c.agent != 0) {
		struct json_object *j = json_object_new_object();

		pl_json_set_i64(j, "conversation_id", c.id);
		pl_json_set_str(j, "by", "visitor");
		return ev(db, a, ch, PL_STREAM_USER, c.agent, "chat.ended",
		    pl_json_text(a, j));
	}
	return PL_OK;
}

enum pl_err
pl_chat_visitor_message(struct pl_db *db, struct pl_arena *a,
    struct pl_change *ch, int64_t id, int64_t holder, const char *msg_json)
{
	enum pl_err er;

	if (holder == 0)
		return PL_OK;
	if ((er = pl_db_exec(db, &pl_chat_sql, K_UNREAD_UP, PL_ARGS(PL_I64(id)),
	         NULL, NULL)) != PL_OK)
		return er;
	return ev(db, a, ch, PL_STREAM_USER, holder, "message.new", msg_json);
}

static enum pl_err
visitor_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op  *o = arg;
	struct conv c;
	enum pl_err er;

	(void)who;
	if ((er = conv_lock(db, a, 0, o->id, &c)) != PL_OK)
		return er;
	if (o->upto > 0 &&
	    (er = pl_db_exec(db, &pl_chat_sql, K_VISITOR_READ,
	         PL_ARGS(PL_I64(o->upto), PL_I64(c.id)), NULL, NULL)) != PL_OK)
		return er;
	if (!is(c.status, "ongoing") || c.agent == 0)
		return PL_OK;
	return ev(db, a, ch, PL_STREAM_USER, c.agent,
	    o->upto > 0 ? "read" : "typing",
	    side_json(
	        a, c.id, "visitor", o->upto, o->upto > 0 ? NULL : c.name));
}

enum pl_err
pl_chat_visitor_read(
    struct pl_db *db, struct pl_arena *a, int64_t id, int64_t upto)
{
	struct pl_actor v = { .role = PL_ROLE_PUBLIC, .name = "Visitor" };
	struct op       o = { .id = id, .upto = upto };

	if (upto <= 0)
		return PL_EINVAL;
	return pl_change_run(db, a, &v, visitor_fn, &o);
}

enum pl_err
pl_chat_visitor_typing(struct pl_db *db, struct pl_arena *a, int64_t id)
{
	struct pl_actor v = { .role = PL_ROLE_PUBLIC, .name = "Visitor" };
	struct op       o = { .id = id };

	return pl_change_run(db, a, &v, visitor_fn, &o);
}

/* --- presence and the timer ------------------------------------------------
 */

enum pl_err
pl_chat_seen(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who)
{
	(void)a;
	if (!staff(who) || who->tenant_id == 0 || who->real_user_id != 0)
		return PL_OK;
	return pl_db_exec(db, &pl_chat_sql, K_SEEN,
	    PL_ARGS(PL_I64(who->user_id), PL_I64(who->tenant_id)), NULL, NULL);
}

/* A round still unanswered at o->now: withdraw it, tell the admin, offer
 * the next. */
static enum pl_err
due_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op    *o = arg;
	struct conv   c;
	struct pl_row row;
	enum pl_err   er;

	(void)who;
	o->did = false;
	er = pl_db_one(db, a, &pl_chat_sql, K_DUE_LOCK,
	    PL_ARGS(PL_I64(o->id), PL_I64(o->now)), &row);
	if (er != PL_OK)
		return er == PL_ENOTFOUND ? PL_OK : er; /* taken meanwhile */
	if ((er = conv_lock_w(db, a, 0, o->id, &c)) != PL_OK ||
	    (er = pl_db_exec(db, &pl_chat_sql, K_TIMED_OUT,
	         PL_ARGS(PL_I64(c.id)), NULL, NULL)) != PL_OK)
		return er;
	c.timeouts++;
	if ((er = end_round(db, a, ch, &c, "withdrawn", 0, "timeout", "")) !=
	        PL_OK ||
	    (er = next_round(db, a, ch, &c, "timeout")) != PL_OK)
		return er;
	o->did = true;
	return PL_OK;
}

/* An agent whose console went quiet: offline, and an SMS for each of its
 * open offers. */
static enum pl_err
quiet_fn(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *arg, struct pl_change *ch)
{
	struct op     *o = arg;
	struct pl_rows rows;
	uint64_t       n = 0;
	enum pl_err    er;

	(void)who;
	o->did = false;
	if ((er = pl_db_exec(db, &pl_chat_sql, K_OFFLINE,
	         PL_ARGS(
	             PL_I64(o->user), PL_I64(o->now - o->cfg->offline_after)),
	         &n, NULL)) != PL_OK ||
	    n == 0)
		return er;
	if ((er = pl_db_all(db, a, &pl_chat_sql, K_QUIET_OFFERS,
	         PL_ARGS(PL_I64(o->user)), &rows)) != PL_OK)
		return er;
	for (size_t i = 0; i < rows.n; i++) {
		const struct pl_row *r = &rows.v[i];
		int64_t              conv = pl_row_i64(r, 0);

		if ((er = sms(db, a, ch,
		         pl_arena_printf(a, "sms:offline:%lld:%lld:%lld",
		             (long long)conv, (long long)pl_row_i64(r, 1),
		             (long long)o->user),
		         pl_row_str(r, 2), conv,
		         pl_arena_printf(a,
		             "Parley: %s is waiting for an answer. Open your "
		             "console or reply here.",
		             one_line(a, pl_row_str(r, 3), 60)))) != PL_OK)
			return er;
	}
	o->did = true;
	return PL_OK;
}

#define TICK_BATCHES 10

enum pl_err
pl_chat_tick(struct pl_db *db, struct pl_arena *a,
    const struct pl_chat_config *cfg, int64_t now, size_t *n)
{
	struct pl_actor sys = { .name = "Parley" };
	struct pl_rows  rows;
	enum pl_err     er;

	*n = 0;
	/* Batches of 100, at most TICK_BATCHES of them a tick: a backlog
	 * drains over a few ticks rather than holding this one. */
	for (int b = 0; b < TICK_BATCHES; b++) {
		if ((er = pl_db_all(db, a, &pl_chat_sql, K_DUE,
		         PL_ARGS(PL_I64(now)), &rows)) != PL_OK)
			return er;
		for (size_t i = 0; i < rows.n; i++) {
			struct op o = { .id = pl_row_i64(&rows.v[i], 0),
				.cfg = cfg,
				.now = now };

			if ((er = pl_change_run(db, a, &sys, due_fn, &o)) !=
			    PL_OK)
				return er;
			*n += o.did;
		}
		if (rows.n < 100)
			break;
	}
	if ((er = pl_db_all(db, a, &pl_chat_sql, K_QUIET,
	         PL_ARGS(PL_I64(now - cfg->offline_after)), &rows)) != PL_OK)
		return er;
	for (size_t i = 0; i < rows.n; i++) {
		struct op o = { .user = pl_row_i64(&rows.v[i], 0),
			.cfg = cfg,
			.now = now };

		if ((er = pl_change_run(db, a, &sys, quiet_fn, &o)) != PL_OK)
			return er;
		*n += o.did;
	}
	return PL_OK;
}
