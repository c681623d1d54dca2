/* account.h: a user's own account as JSON, for sign-up, /api/auth/me and
 * the profile. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ACCOUNT_H
#define PL_ACCOUNT_H

#include "user.h"

struct json_object;

/* {id, email, role, first_name, last_name, phone, created_at}. Caller owns
 * it. */
struct json_object *pl_account_json(const struct pl_user *u);

#endif
