/* pick.c: pickers as JSON. */
/* SPDX-License-Identifier: MIT */
#include <json-c/json.h>

#include "pick.h"
#include "pl_json.h"

struct json_object *
pl_pick_admin(const struct pl_option *o)
{
	struct json_object *j = json_object_new_object();

	pl_json_set_i64(j, "id", o->id);
	pl_json_set_str(j, "name", o->name);
	pl_json_set_str(j, "company", o->detail ? o->detail : "");
	pl_json_set_bool(j, "selected", o->selected);
	return j;
}

struct json_object *
pl_pick_admins(const struct pl_option *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, pl_pick_admin(&v[i]));
	return a;
}
