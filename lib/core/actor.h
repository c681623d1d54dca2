/* actor.h: who acts, as the domain sees it. Every domain call takes one,
 * with the database connection and an arena, and never a request: a page,
 * an API call, a Twilio webhook, a worker timer and a unit test all say
 * who acts the same way. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ACTOR_H
#define PL_ACTOR_H

#include <stdint.h>

#include "role.h"

struct pl_actor {
	int64_t      user_id;   /* whose rights apply; 0: the system */
	int64_t      tenant_id; /* 0: the platform (super admin, system) */
	enum pl_role role;
	int64_t      real_user_id; /* who really acts when emulating, else 0 */
	const char  *name;         /* "First Last" of user_id, or "" */
	const char  *real_name;    /* of real_user_id, or NULL */
};

/* The user the audit log names as acting: the emulator when emulating. */
static inline int64_t
pl_actor_real(const struct pl_actor *who)
{
	return who->real_user_id ? who->real_user_id : who->user_id;
}

/* The name to sign an invitation with: the one really acting. */
static inline const char *
pl_actor_real_name(const struct pl_actor *who)
{
	return who->real_user_id && who->real_name ? who->real_name : who->name;
}

#endif
