/* chatlog.h: the message log (2.8, 3.3) and the chat section (1.8, 2.7):
 * read-only lists of conversations in five tabs, and one conversation's
 * history (messages, notes, timeline). The chat engine (chat.h) writes
 * what these read; nothing here changes a row.
 *
 * Tabs, as who sees them:
 *
 *   tab          admin, super admin, supervisor   an agent (its own)
 *   new          status new                       its open offers
 *   rejected     rejected at least once           the ones it rejected
 *                (reject_count)                   (reject_count)
 *   transferred  transferred at least once, to    the ones it transferred,
 *                the last target                  to its own target
 *   accepted     accepted at least once (status)  the ones it holds or
 *                                                 held (status)
 *   resolved     status resolved (ended_at)       resolved ones it held
 *
 * An admin reads its tenant's conversations; the super admin every
 * tenant's (the company shown), or one admin's (admin_id); a supervisor the
 * conversations of the departments it supervises (department_agents
 * .supervisor = 1; a conversation with no department is the admin's
 * alone); an agent only what the right column says. The chat section reads
 * one agent's tabs (pl_chatlog_q.agent_id) as that agent would see them,
 * for the agent's admin or the super admin.
 *
 * A conversation's history (pl_chatlog_get, pl_chatlog_history) is for its
 * tenant's admin, the super admin, a supervisor of its department, and an
 * agent it was offered to, who held it, or who transferred it. Anything
 * else, another tenant's included, is PL_ENOTFOUND, as a missing one is.
 */
/* SPDX-License-Identifier: MIT */
#ifndef PL_CHATLOG_H
#define PL_CHATLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct pl_arena;
struct pl_list;

extern const struct pl_sqlset pl_chatlog_sql;

#define PL_CHATLOG_MSG_MAX  1000 /* messages one history shows */
#define PL_CHATLOG_STEP_MAX 1000 /* timeline lines one history shows */

enum pl_chatlog_tab {
	PL_CHATLOG_NEW,
	PL_CHATLOG_REJECTED,
	PL_CHATLOG_TRANSFERRED,
	PL_CHATLOG_ACCEPTED,
	PL_CHATLOG_RESOLVED,
	PL_CHATLOG__MAX
};

/* Tab names ("new" ... "resolved"), indexed by enum pl_chatlog_tab. */
extern const char *const pl_chatlog_tabs[];
/* Sort names for pl_list_parse: created (the default; ask for desc, the
 * newest first) and name; the super admin across every tenant has only
 * created. */
extern const char *const pl_chatlog_sorts[];     /* created name */
extern const char *const pl_chatlog_all_sorts[]; /* created */

/* Tab name to tab: PL_OK, or PL_EINVAL for a name not in the list. */
enum pl_err pl_chatlog_tab_parse(const char *s, enum pl_chatlog_tab *t);

/* What to list. */
struct pl_chatlog_q {
	enum pl_chatlog_tab tab;
	int64_t             admin_id; /* the super admin: one admin's tenant
	                               * (0: every tenant); others: 0 */
	int64_t agent_id;             /* the chat section: this agent's tabs
	                               * (admin, super admin); 0: the caller's
	                               * own view */
};

/* One conversation as the log shows it (strings arena-owned, "" when
 * none, times DATETIME(3) UTC or NULL). */
struct pl_chatlog_row {
	int64_t     id;
	int64_t     tenant_id;
	const char *company; /* the tenant's */
	const char *name;    /* the visitor's, as typed */
	const char *email;
	const char *phone;
	const char *website; /* the widget's URL */
	const char *status;  /* new ongoing resolved closed */
	const char *channel; /* web message sms */
	int         reject_count;
	int         transfer_count;
	const char *transfer_to;   /* an agent's or a department's name */
	const char *transfer_kind; /* "agent", "department" or "" */
	int64_t     agent_id;      /* the holder, or the last one; 0 */
	const char *agent;         /* its name */
	const char *department;    /* the conversation's, "" when none */
	const char *created_at;
	const char *accepted_at; /* NULL until accepted */
	const char *ended_at;    /* resolved or closed time, or NULL */
};

/* A message or a note of a history. */
struct pl_chatlog_msg {
	int64_t     id;
	const char *sender; /* visitor agent system */
	int64_t     user_id;
	const char *author; /* the agent's name, the visitor's, "Parley" */
	const char *body;
	bool        internal; /* a note: staff only */
	const char *created_at;
};

/* A line of a history's timeline (chat_steps). */
struct pl_chatlog_step {
	int64_t     id;
	const char *kind; /* offered accepted rejected ... reinitiated */
	int         round;
	const char *by; /* a name, "" for the visitor or Parley */
	const char *to; /* an agent's or a department's name, or "" */
	const char *why;
	const char *created_at;
};

/*
 * One page of a tab, in l's order (l->sorts from pl_chatlog_sorts, or
 * pl_chatlog_all_sorts for the super admin without q->admin_id),
 * l->limit + 1 rows at most (*v arena-owned). The search l->q is a prefix
 * of the visitor's name, of its e-mail when it holds an "@", or of its
 * E.164 phone when it starts with "+" or a digit (country code first).
 * PL_OK; PL_ENOTFOUND for an admin_id or agent_id who may not see;
 * PL_EINVAL for a name order the super admin asked across every tenant.
 */
enum pl_err pl_chatlog_list(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_chatlog_q *q,
    const struct pl_list *l, struct pl_chatlog_row **v, size_t *n);

/* Conversation id as who may see it (see the top): PL_OK or
 * PL_ENOTFOUND. */
enum pl_err pl_chatlog_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_chatlog_row *c);

/*
 * Conversation id's history, if who may see it: c as pl_chatlog_get()
 * gives it, its messages and notes oldest first (at most
 * PL_CHATLOG_MSG_MAX; *more when there are others after them) and its
 * timeline (at most PL_CHATLOG_STEP_MAX). Arrays arena-owned.
 * PL_OK or PL_ENOTFOUND.
 */
enum pl_err pl_chatlog_history(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_chatlog_row *c,
    struct pl_chatlog_msg **msgs, size_t *nmsgs, bool *more,
    struct pl_chatlog_step **steps, size_t *nsteps);

#endif
