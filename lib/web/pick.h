/* pick.h: the pickers of the team pages (departments, agents) as JSON for
 * their templates and JSON twins. The choices come from the domain as
 * plain arrays (dept.h: struct pl_option); the shape is the HTTP side's. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_PICK_H
#define PL_PICK_H

#include <stddef.h>

#include "dept.h"
#include "err.h"

struct json_object;
struct pl_req;
struct pl_resp;

/* One admin of a picker: {id, name, company, selected}. Caller owns it. */
struct json_object *pl_pick_admin(const struct pl_option *o);
/* The admins of a picker, in order: a new array of pl_pick_admin(). */
struct json_object *pl_pick_admins(const struct pl_option *v, size_t n);

struct pl_contact_agent;
/* An agent as pickers show it: {id, first_name, last_name, email,
 * company}. Caller owns it. */
struct json_object *pl_pick_agent(const struct pl_contact_agent *a);

/* What an agent picker page says and where a pick leads. */
struct pl_pick_agents {
	const char *title;  /* the page's */
	const char *lead;   /* the sentence under the title */
	const char *action; /* the search form's path */
	const char *href;   /* a pick's link, the agent's id appended */
	const char *label;  /* the link's text ("View chats") */
	const char *empty;  /* what the empty list adds, or NULL */
};
/*
 * The agent picker page (templates/agents_pick.html) and its JSON twin:
 * the agents the caller may pick (contact.h's pl_contact_agent_list: the
 * super admin's of every tenant, an admin's of its own; q, sort, pages),
 * items {id, first_name, last_name, email, company}. The contacts' and the
 * chat section's.
 */
enum pl_err pl_pick_agents_reply(
    struct pl_req *rq, struct pl_resp *rs, const struct pl_pick_agents *p);

#endif
