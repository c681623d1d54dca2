/* account.c: a user's own account as JSON. */
/* SPDX-License-Identifier: MIT */
#include <json-c/json.h>

#include "account.h"
#include "pl_json.h"

struct json_object *
pl_account_json(const struct pl_user *u)
{
	struct json_object *o = json_object_new_object();

	pl_json_set_i64(o, "id", u->id);
	pl_json_set_str(o, "email", u->email);
	pl_json_set_str(o, "role", u->role);
	pl_json_set_str(o, "first_name", u->first_name);
	pl_json_set_str(o, "last_name", u->last_name);
	pl_json_set_str(o, "phone", u->phone);
	pl_json_set_time(o, "created_at", u->created_at);
	return o;
}
