/* chat.h: the chat engine. A conversation (sql/0010, sql/0011) is a request
 * ("new") offered to agents in rounds until one accepts it ("ongoing", its
 * holder), and is then transferred, reassigned and finally resolved; a
 * request nobody accepted may be closed by an admin or a supervisor, or
 * withdrawn by its visitor (visit.h).
 *
 *   new --accept--> ongoing --resolve--> resolved
 *    |  \--reject (all of the round)--> new, next round (admin told)
 *    |  \--timeout (nobody answered)--> new, next round (admin told)
 *    |  \--transfer (an offered agent)--> new, round for the target
 *    |  \--close (admin, supervisor) / visitor ends--> closed
 *   ongoing --transfer--> new, round for the target (the holder loses it)
 *   ongoing --reassign (admin, supervisor)--> ongoing, another holder
 *   (contact) --re-initiate (an agent)--> ongoing, held by that agent
 *
 * Who is offered a round: the active, unblocked agents (and supervisors)
 * of the conversation's department, or of every active department of its
 * widget when it has none; after a transfer, the target agent alone
 * (without Reject) or the target department's agents (with Reject).
 *
 * Every transition is one change (change.h): the rows, a chat_steps line,
 * the audit entry (a staff transition; the visitor's and Parley's are in
 * chat_steps only), the outbox rows and the events commit together, and the
 * pollers wake after the commit. First accept wins under any race: accept
 * locks the conversation row and finds it still "new" with the caller's
 * offer still open, or answers PL_ECONFLICT naming who took it.
 *
 * Events (one table, chat.c's ev[]): what each side's poll receives.
 *
 *   stream        event            data
 *   user-AGENT    offer.new        the chat (pl_chat fields) + can_reject,
 *                                  transferred_by, first message
 *   user-AGENT    offer.gone       {conversation_id, why: taken|closed|
 *                                  withdrawn|transferred|rejected, by}
 *   user-HOLDER   chat.assigned    the chat (accepted, re-initiated,
 *                                  reassigned to this agent)
 *   user-HOLDER   chat.removed     {conversation_id, why: transferred|
 *                                  reassigned|resolved, by}
 *   user-HOLDER   message.new      a message (visitor's, agent's or note)
 *   user-HOLDER   typing, read     {conversation_id, side, ...}
 *   user-HOLDER   chat.ended       {conversation_id, by: visitor}
 *   conv-ID       message.new      a message the visitor may see
 *   conv-ID       chat.joined      {agent: first name} (accept, reassign)
 *   conv-ID       chat.ended       {status, by}
 *   conv-ID       chat.transferred {to: a first name or a department}
 *   conv-ID       typing, read     {side: agent|visitor, upto}
 *   tenant-T      request.new      (visit.c) a new request
 *   tenant-T      request.accepted {conversation_id, agent}
 *   tenant-T      request.rejected {conversation_id, round}: all rejected
 *   tenant-T      request.timeout  {conversation_id, round}: nobody answered
 *   tenant-T      request.closed   {conversation_id, by}
 *   tenant-T      chat.transferred {conversation_id, by, to}
 *   tenant-T      chat.reassigned  {conversation_id, by, to}
 *   tenant-T      chat.resolved    {conversation_id, by}
 *
 * The tenant stream is the admin's (the dashboard): agents do not follow
 * it, so an agent only ever hears of the requests it was offered.
 * SMS alerts are outbox rows of kind "sms" (the SMS issue sends them):
 * "sms:offer:CONV:ROUND:USER" to each offered agent with a phone, and
 * "sms:admin:CONV:ROUND:WHY" to the admin. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_CHAT_H
#define PL_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct pl_arena;
struct pl_change;
struct json_object;

extern const struct pl_sqlset pl_chat_sql;

/*
 * Who may see conversation "c" besides its tenant's admin and the super
 * admin, as SQL: it holds it or held it last, was offered it and did not
 * lose it to another, transferred it, or supervises its department; an
 * agent a supervisor reassigned it away from loses it (004). The one rule
 * wherever a conversation is read (this module, the message log, a
 * contact's history). Binds the user's id four times.
 */
#define PL_CHAT_SEES_SQL                                                       \
	"(c.agent_id = ? OR EXISTS (SELECT 1 FROM offers o"                    \
	" WHERE o.conversation_id = c.id AND o.user_id = ?"                    \
	" AND o.state IN ('open', 'rejected'))"                                \
	" OR EXISTS (SELECT 1 FROM chat_steps s WHERE s.conversation_id ="     \
	" c.id AND s.by_user_id = ? AND s.kind = 'transferred')"               \
	" OR EXISTS (SELECT 1 FROM department_agents da WHERE da.user_id = ?"  \
	" AND da.department_id = c.department_id AND da.supervisor = 1))"

#define PL_CHAT_BODY_MAX  4000 /* characters of a message */
#define PL_CHAT_INBOX_MAX 200  /* rows of each console list */
#define PL_CHAT_PAGE_MAX  200  /* messages of one history read */

/* A conversation as staff see it (strings arena-owned, "" when none). */
struct pl_chat {
	int64_t     id;
	int64_t     tenant_id;
	int64_t     widget_id;
	const char *website; /* the widget's URL */
	int64_t     contact_id;
	const char *name; /* the visitor's, as typed */
	const char *email;
	const char *phone;      /* E.164 */
	const char *channel;    /* web message sms */
	const char *status;     /* new ongoing resolved closed */
	const char *started_by; /* visitor agent */
	int64_t     department_id;
	const char *department;
	int64_t     agent_id; /* the holder (ongoing), or the last one */
	const char *agent;    /* "First Last" */
	int         round;
	int         reject_count;
	int         transfer_count;
	int64_t     transferred_by; /* the last transfer's */
	const char *transferred_by_name;
	const char *transfer_to; /* an agent's name or a department's */
	int         message_count;
	int         unread; /* the visitor's messages the holder has not read */
	int64_t     agent_read_id;
	int64_t     visitor_read_id;
	const char *first_message; /* the request's first, "" when none */
	const char *last_message;  /* the latest visible, for lists */
	const char *created_at;    /* DATETIME(3), UTC */
	const char *accepted_at;
	const char *ended_at; /* resolved or closed time */
	/* For the caller: */
	bool offered;    /* an open offer of this round */
	bool can_reject; /* ... that may be rejected */
	bool holder;     /* the caller holds the chat */
};

/* A message or a note; sender "visitor", "agent", "system". */
struct pl_chat_msg {
	int64_t     id;
	int64_t     conversation_id;
	const char *sender;
	int64_t     user_id; /* the agent's, 0 otherwise */
	const char *author;  /* the agent's name, the visitor's, "Parley" */
	const char *body;
	const char *client_id;
	bool        internal; /* a note: staff only */
	const char *created_at;
};

/* One line of the conversation's timeline (chat_steps). */
struct pl_chat_step {
	int64_t     id;
	const char *kind; /* offered accepted rejected reoffered transferred
	                     resolved reassigned closed reinitiated */
	int         round;
	int64_t     by_user_id;
	const char *by; /* a name, "" for the visitor or Parley */
	int64_t     to_user_id;
	int64_t     to_department_id;
	const char *to; /* an agent's or a department's name */
	const char *why;
	const char *created_at;
};

/* The JSON shapes the events and the API share: a chat (every field of
 * struct pl_chat) and a message as staff see it (with author, internal,
 * and "at": created_at to the millisecond). New objects for the caller to
 * put. */
struct json_object *pl_chat_json(const struct pl_chat *c);
struct json_object *pl_chat_msg_json(
    struct pl_arena *a, const struct pl_chat_msg *m);

/* Timers and limits, from the configuration (pl_chat_config). */
struct pl_chat_config {
	int offer_timeout; /* seconds before an unanswered round is re-offered
	                    */
	int         offline_after; /* seconds without a console poll: offline */
	const char *base_url;      /* for links in e-mail */
};
/* PARLEY_OFFER_TIMEOUT (default 300) and PARLEY_OFFLINE_AFTER (90). */
struct pl_chat_config pl_chat_config(void);

/*
 * Read one conversation, if who may see it: its tenant's admin (or the
 * super admin), a supervisor of its department, an agent who holds or
 * held it, was offered it, or transferred it. Anything else PL_ENOTFOUND.
 */
enum pl_err pl_chat_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_chat *c);
/*
 * Its messages after after_id (0: from the start), at most max
 * (<= PL_CHAT_PAGE_MAX), oldest first, notes included; and its timeline.
 * Same rights as pl_chat_get.
 */
enum pl_err pl_chat_history(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, int64_t after_id, size_t max,
    struct pl_chat_msg **msgs, size_t *nmsgs, struct pl_chat_step **steps,
    size_t *nsteps);
/*
 * The console's two lists for who: its open offers ("new", oldest first)
 * and the chats it holds ("ongoing", latest activity first), at most
 * PL_CHAT_INBOX_MAX each. Arrays arena-owned.
 */
enum pl_err pl_chat_inbox(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, struct pl_chat **offers, size_t *noffers,
    struct pl_chat **ongoing, size_t *nongoing);

/*
 * Accept an open offer: the caller becomes the holder. PL_ENOTFOUND: no
 * offer to the caller; PL_ECONFLICT with fe's message when someone else
 * took it first ("Already accepted by Ann Lee.") or it ended.
 */
enum pl_err pl_chat_accept(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_errs *fe);
/*
 * Reject an open offer. PL_EPERM when the offer may not be rejected (a
 * transfer to this agent: accept or transfer it); PL_ECONFLICT when it is
 * no longer open. The last rejection of a round tells the admin and offers
 * the next round.
 */
enum pl_err pl_chat_reject(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_errs *fe);
/*
 * Transfer to an agent (to_agent) or a department (to_dept), exactly one:
 * by the holder, or by an agent with an open offer. The target must be an
 * active agent of the tenant other than the caller, or an active
 * department with at least one such agent (errors on "to_agent_id" /
 * "to_department_id"). The caller loses the chat.
 */
enum pl_err pl_chat_transfer(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, int64_t to_agent, int64_t to_dept,
    struct pl_errs *fe);
/* Resolve: the holder only (PL_EPERM otherwise, PL_ECONFLICT unless
 * ongoing). The admin is told by e-mail and on the tenant stream. */
enum pl_err pl_chat_resolve(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_errs *fe);
/*
 * Reassign an ongoing chat (or give a waiting request) to to_agent: the
 * tenant's admin, or a supervisor of the conversation's department whose
 * departments to_agent belongs to (PL_EPERM with "Agent doesn't belong to
 * you." otherwise). The previous holder loses it at once.
 */
enum pl_err pl_chat_reassign(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, int64_t to_agent,
    struct pl_errs *fe);
/* Close a request nobody accepted: the admin or a supervisor of its
 * department. PL_ECONFLICT unless new. */
enum pl_err pl_chat_close(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_errs *fe);

/*
 * Send a message (internal false: the holder only, to the visitor) or a
 * note (internal true: anyone who may see the chat; never the visitor's).
 * client_id (1 to 64 of [A-Za-z0-9_-]) makes a retry return the first:
 * *created false then. Errors on "body" (empty, longer than
 * PL_CHAT_BODY_MAX) and "client_id".
 */
enum pl_err pl_chat_send(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, const char *client_id,
    const char *body, bool internal, struct pl_errs *fe, struct pl_chat_msg *m,
    bool *created);
/* The holder has read up to message upto: receipts to the visitor, the
 * unread count back to 0 (or what is left after upto). */
enum pl_err pl_chat_read(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, int64_t upto);
/* The holder is typing: an event to the visitor (callers throttle). */
enum pl_err pl_chat_typing(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id);

/* A chat an agent starts from a contact (3.5A g, 3.5B). */
struct pl_chat_start_in {
	int64_t     contact_id;
	int64_t     widget_id; /* one the agent serves (a department of it) */
	const char *message;   /* optional first message, "" or NULL */
};
/*
 * Re-initiate: a conversation "by the contact", already accepted by who
 * (started_by agent), with the optional first message from the agent.
 * Errors on "contact_id", "widget_id", "message". *id the conversation.
 */
enum pl_err pl_chat_start(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_chat_start_in *in,
    struct pl_errs *fe, int64_t *id);

/*
 * For visit.c, inside its change: offer a new request's first round (the
 * rows, the events, the SMS rows) ...
 */
enum pl_err pl_chat_offer_first(
    struct pl_db *db, struct pl_arena *a, struct pl_change *ch, int64_t id);
/* ... and carry a visitor's message (already stored, in the conversation
 * the caller holds locked) to its holder, the agent holding it while it is
 * ongoing (0: none, nothing to do): the unread count and the holder's
 * event. */
enum pl_err pl_chat_visitor_message(struct pl_db *db, struct pl_arena *a,
    struct pl_change *ch, int64_t id, int64_t holder, const char *msg_json);
/* ... and the visitor ended the chat (before visit.c's update): the open
 * offers withdrawn (offer.gone), or the holder told (chat.ended). */
enum pl_err pl_chat_visitor_ended(
    struct pl_db *db, struct pl_arena *a, struct pl_change *ch, int64_t id);
/* The visitor read up to upto, or is typing (visitor side events). */
enum pl_err pl_chat_visitor_read(
    struct pl_db *db, struct pl_arena *a, int64_t id, int64_t upto);
enum pl_err pl_chat_visitor_typing(
    struct pl_db *db, struct pl_arena *a, int64_t id);

/* The console polled: who is online (a write at most once a minute). */
enum pl_err pl_chat_seen(
    struct pl_db *db, struct pl_arena *a, const struct pl_actor *who);
/*
 * The worker's timer at now (seconds): rounds whose wait has passed are
 * offered again (admin told); a round's wait is offer_timeout (from the
 * configuration when it was offered), doubled by each timeout the request
 * had before, up to 64 times, so a request nobody answers does not mail
 * the admin every few minutes forever. Consoles quiet for offline_after go
 * offline (the SMS alert rows of the agents' open offers).
 * *n counts what it did.
 */
enum pl_err pl_chat_tick(struct pl_db *db, struct pl_arena *a,
    const struct pl_chat_config *cfg, int64_t now, size_t *n);

#endif
