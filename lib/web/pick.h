/* pick.h: the pickers of the team pages (departments, agents) as JSON for
 * their templates and JSON twins. The choices come from the domain as
 * plain arrays (dept.h: struct pl_option); the shape is the HTTP side's. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_PICK_H
#define PL_PICK_H

#include <stddef.h>

#include "dept.h"

struct json_object;

/* One admin of a picker: {id, name, company, selected}. Caller owns it. */
struct json_object *pl_pick_admin(const struct pl_option *o);
/* The admins of a picker, in order: a new array of pl_pick_admin(). */
struct json_object *pl_pick_admins(const struct pl_option *v, size_t n);

#endif
