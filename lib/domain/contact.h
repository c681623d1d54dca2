/* contact.h: contacts, the people who chat with a tenant, and which agents
 * they are associated with. Every statement and rule about them lives here;
 * cgi-bin/contacts.c turns requests into these calls, and the chat engine
 * and SMS (later issues) create contacts through pl_contact_upsert(). */
/* SPDX-License-Identifier: MIT */
#ifndef PL_CONTACT_H
#define PL_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "err.h"

struct pl_list;
struct pl_req;

extern const struct pl_sqlset pl_contact_sql;

#define PL_CONTACT_NAME_MAX 160  /* characters, as contacts.name */
#define PL_WEBSITE_MAX      2048 /* bytes, as contacts.website */

/* Sort names of the two lists (pl_list_parse); the first is the default. */
extern const char *const pl_contact_sorts[];       /* name email created */
extern const char *const pl_contact_agent_sorts[]; /* name email */

/* A contact as pages and the API show it (strings arena-owned). */
struct pl_contact {
	int64_t     id;
	int64_t     tenant_id;
	const char *name;
	const char *email;             /* "" when none */
	const char *phone;             /* as typed, "" when none */
	const char *website;           /* "" when none */
	const char *last_connected_at; /* NULL until the chat engine says */
	const char *created_at;
	const char *agent_ids; /* "3,7": associated agents, by id */
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

/* A contact's editable fields, validated (pl_contact_input). */
struct pl_contact_fields {
	const char *name;
	const char *email; /* normalized (lower case), "" when none */
	const char *phone; /* as typed, "" when none */
	const char *phone_e164;
	const char *website; /* "" when none */
};

/*
 * A website: an http or https URL of at most PL_WEBSITE_MAX bytes with a
 * host name (letters, digits, hyphens, dots), an optional port, no user
 * name, and no spaces, control or non-ASCII characters. NULL when good,
 * else the message to show beside the field.
 */
const char *pl_valid_website(const char *s);

/*
 * Read and check name, email, phone and website from the request (form or
 * JSON), recording an error per bad field: the name is required, and so is
 * an e-mail or a phone. PL_OK with f filled, or PL_EINVAL.
 */
enum pl_err pl_contact_input(struct pl_req *rq, struct pl_contact_fields *f);

/*
 * The agent agent_id as the caller may see it: the super admin any agent, an
 * admin its own tenant's, an agent (or supervisor) only itself. PL_OK, or
 * PL_ENOTFOUND for any other id (the same as a missing one).
 */
enum pl_err pl_contact_agent_get(
    struct pl_req *rq, int64_t agent_id, struct pl_contact_agent *a);

/*
 * The agent picker: the super admin's spans every tenant, an admin's is its
 * own tenant's agents; l->limit + 1 rows at most (array arena-owned).
 */
enum pl_err pl_contact_agent_list(struct pl_req *rq, const struct pl_list *l,
    struct pl_contact_agent **v, size_t *n);

/* The contacts associated with agent a, in l's order, l->limit + 1 rows at
 * most. The caller got a from pl_contact_agent_get(). */
enum pl_err pl_contact_list(struct pl_req *rq, const struct pl_contact_agent *a,
    const struct pl_list *l, struct pl_contact **v, size_t *n);

/*
 * A contact the caller may see: an agent only those associated with it, an
 * admin its tenant's, the super admin any. PL_OK, or PL_ENOTFOUND.
 */
enum pl_err pl_contact_get(struct pl_req *rq, int64_t id, struct pl_contact *c);

/*
 * Add a contact for agent a in a's tenant, or, when one there already has
 * the e-mail (or else the E.164 phone), associate that one with a and change
 * nothing else. Audited, in one transaction. PL_OK with *id and *created
 * (false: it existed).
 */
enum pl_err pl_contact_create(struct pl_req *rq,
    const struct pl_contact_agent *a, const struct pl_contact_fields *f,
    int64_t *id, bool *created);

/*
 * The upsert under pl_contact_create(), for callers holding a transaction
 * (the chat engine, SMS): in tenant, find the contact by e-mail, then by
 * E.164 phone, or insert it; then associate it with agent_id (0: none).
 * Serialized per tenant (the tenant row is locked), so two callers never
 * make the same person twice. Not audited: the caller records what it did.
 * PL_OK with *id, *created and *associated (a new association was made).
 */
enum pl_err pl_contact_upsert(struct pl_req *rq, struct pl_db *db,
    int64_t tenant_id, const struct pl_contact_fields *f, int64_t agent_id,
    int64_t *id, bool *created, bool *associated);

/*
 * Change c's fields (c from pl_contact_get()). Audited, in one transaction.
 * PL_OK; PL_ECONFLICT naming email or phone when another contact of the
 * tenant has it.
 */
enum pl_err pl_contact_update(struct pl_req *rq, const struct pl_contact *c,
    const struct pl_contact_fields *f);

#endif
