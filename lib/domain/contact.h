/* contact.h: contacts, the people who chat with a tenant, and the agents
 * who hold a card for them. Every statement and rule about them lives here;
 * cgi-bin/contacts.c turns requests into these calls, and the chat engine
 * and SMS (later issues) find and add people through pl_contact_upsert().
 *
 * Who sees what. The contact record (contacts) is the company's: one per
 * person per tenant, found by e-mail, else by E.164 phone. What an AGENT
 * (or supervisor) sees of a person is its own card (its contact_agents
 * row): the name, e-mail, phone and website it typed itself, and, once
 * chats exist, what the conversations it may see say (last connected,
 * history). An agent never sees the company record, another agent's card,
 * or who else holds a card (no agent_ids); and nothing it is told depends
 * on whether the company already knew the person:
 * - adding a person (pl_contact_create) whose e-mail or phone matches a
 *   contact of the tenant associates the agent with it and stores exactly
 *   what it typed as its card; the answer is that card, created = true
 *   ("new to you") whether or not the company knew the person;
 * - adding a person it already holds a card for (its card's e-mail or
 *   phone, else the company record's) gives that card back unchanged,
 *   created = false;
 * - its edits (pl_contact_update) change its card only and never conflict:
 *   a 409 for an e-mail another contact has would tell it that contact
 *   exists. The company record changes only by admins (and the chat
 *   engine).
 * Admins (their tenant's) and the super admin (any tenant's) see and edit
 * the company record and its owners (agent_ids); an e-mail or phone another
 * contact of the tenant has is a conflict for them. Cards are never changed
 * by an admin's edit of the record, nor the record by an agent's card.
 *
 * Another tenant's contact or agent is PL_ENOTFOUND, as a missing one is;
 * so is, for an agent, a contact it holds no card for.
 */
/* SPDX-License-Identifier: MIT */
#ifndef PL_CONTACT_H
#define PL_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct pl_arena;
struct pl_list;

extern const struct pl_sqlset pl_contact_sql;

#define PL_CONTACT_NAME_MAX    160  /* characters, as contacts.name */
#define PL_CONTACT_HISTORY_MAX 100  /* chats listed on a contact's page */
#define PL_WEBSITE_MAX         2048 /* bytes, as contacts.website */

/* Sort names of the two lists (pl_list_parse); the first is the default. */
extern const char *const pl_contact_sorts[];       /* name email created */
extern const char *const pl_contact_agent_sorts[]; /* name email */

/* A contact as its reader may see it (strings and arrays arena-owned). */
struct pl_contact {
	int64_t     id;
	int64_t     tenant_id;
	bool        card; /* an agent's own card: no owners to show */
	const char *name;
	const char *email;             /* "" when none */
	const char *phone;             /* as typed, "" when none */
	const char *website;           /* "" when none */
	const char *last_connected_at; /* NULL until the chat engine says
	                                * (a card: from the chats its agent
	                                * may see) */
	const char    *created_at;     /* a card: when its agent added it */
	const int64_t *agent_ids;      /* the record's owners, by id; NULL
	                                * for a card */
	size_t nagent_ids;
};

/* An agent as the picker and a list's heading show it. */
struct pl_contact_agent {
	int64_t     id;
	int64_t     tenant_id;
	const char *first_name;
	const char *last_name;
	const char *email;
	const char *company;
};

/* What was typed for a contact, as text ("" or NULL when none). */
struct pl_contact_input {
	const char *name;
	const char *email;
	const char *phone;
	const char *website;
};

/* A contact's fields, checked (pl_contact_check). */
struct pl_contact_fields {
	const char *name;
	const char *email; /* normalized (lower case), "" when none */
	const char *phone; /* as typed, "" when none */
	const char *phone_e164;
	const char *website; /* "" when none */
};

/* A chat in a contact's history. */
struct pl_contact_chat {
	int64_t     id;
	const char *started_at;
};

/*
 * A website: an http or https URL of at most PL_WEBSITE_MAX bytes with a
 * host name (letters, digits, hyphens, dots), an optional port, no user
 * name, and no spaces, control or non-ASCII characters. NULL when good,
 * else the message to show beside the field.
 */
const char *pl_valid_website(const char *s);

/*
 * Check what was typed, recording an error per bad field in fe ("name",
 * "email", "phone", "website"): the name is required, and so is an e-mail
 * or a phone. PL_OK with f filled (strings in a), or PL_EINVAL; PL_EINVAL
 * too when fe already held errors (the caller's own, such as a field of the
 * wrong type), so nothing is written on bad input.
 */
enum pl_err pl_contact_check(struct pl_arena *a,
    const struct pl_contact_input *in, struct pl_errs *fe,
    struct pl_contact_fields *f);

/*
 * The agent agent_id as who may see it: the super admin any agent, an
 * admin its own tenant's, an agent (or supervisor) only itself. PL_OK, or
 * PL_ENOTFOUND for any other id (the same as a missing one).
 */
enum pl_err pl_contact_agent_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t agent_id, struct pl_contact_agent *out);

/*
 * The agent picker: the super admin's spans every tenant, an admin's is its
 * own tenant's agents; l->limit + 1 rows at most (*v arena-owned).
 * PL_EPERM below admin.
 */
enum pl_err pl_contact_agent_list(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_list *l,
    struct pl_contact_agent **v, size_t *n);

/*
 * The contacts agent ag holds a card for, in l's order of its cards (what
 * it typed), l->limit + 1 rows at most: for the agent itself its cards, for
 * an admin or the super admin the company records. ag from
 * pl_contact_agent_get() under the same who.
 */
enum pl_err pl_contact_list(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_contact_agent *ag,
    const struct pl_list *l, struct pl_contact **v, size_t *n);

/*
 * Contact id as who may see it: an agent its own card (PL_ENOTFOUND if it
 * holds none), an admin its tenant's record, the super admin any.
 */
enum pl_err pl_contact_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_contact *c);

/*
 * Contact id's chats that who may see, newest first, at most
 * PL_CONTACT_HISTORY_MAX, with the contact as pl_contact_get() gives it: an
 * agent only the conversations it held, was offered or transferred, an
 * admin its tenant's, the super admin any. PL_ENOTFOUND as for
 * pl_contact_get().
 */
enum pl_err pl_contact_history(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_contact *c,
    struct pl_contact_chat **v, size_t *n);

/*
 * Add a person to agent ag's contacts (ag from pl_contact_agent_get() under
 * who: the agent itself, or an admin for one of its agents): see the top of
 * this file. The card holds what was typed; a company record is made from
 * it when the tenant has none with that e-mail (or else phone). Audited
 * ("create" a new record, "associate" an existing one). PL_OK with *id
 * and *created (a new card for ag); PL_EINVAL with fe; PL_ENOTFOUND when
 * who may not act for ag.
 */
enum pl_err pl_contact_create(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_contact_agent *ag,
    const struct pl_contact_input *in, struct pl_errs *fe, int64_t *id,
    bool *created);

/*
 * The upsert under pl_contact_create(), for callers holding a transaction
 * (the chat engine, SMS): in tenant_id, find the contact by e-mail, then by
 * E.164 phone, or insert it from f (created_by: who's user, if any); then,
 * unless agent_id is 0, give agent_id (of that tenant) a card holding f if
 * it has none. Serialized per tenant (the tenant row is locked), so two
 * callers never make the same person twice. Not audited: the caller
 * records what it did. PL_OK with *id, *created (a new record) and
 * *associated (a new card); PL_ENOTFOUND for an agent not of the tenant.
 */
enum pl_err pl_contact_upsert(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t tenant_id,
    const struct pl_contact_fields *f, int64_t agent_id, int64_t *id,
    bool *created, bool *associated);

/*
 * Contact id of tenant_id was connected now (a chat started or a message
 * was left): its last_connected_at, inside the caller's transaction. Not
 * audited. PL_OK (a contact not of the tenant is left alone), or a
 * database error.
 */
enum pl_err pl_contact_connected(
    struct pl_db *db, int64_t tenant_id, int64_t id);

/*
 * Change contact id's fields, all four (one left empty is emptied): an
 * agent's own card, or for an admin and the super admin the company
 * record. Audited. PL_OK; PL_EINVAL with fe; PL_ENOTFOUND as for
 * pl_contact_get(); PL_ECONFLICT (admins only) naming email or phone in fe
 * when another contact of the tenant has it.
 */
enum pl_err pl_contact_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, const struct pl_contact_input *in,
    struct pl_errs *fe);

#endif
