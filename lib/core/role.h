/* role.h: who may do what. A user's role ranks agent < supervisor < admin
 * < super admin; a route names the least role it needs, or says that it is
 * public. Nothing is public by default: a route that names no role is
 * refused at start-up. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ROLE_H
#define PL_ROLE_H

enum pl_role {
	PL_ROLE_NONE = 0, /* no rights: an unknown role, or a route that
	                   * forgot to say (refused at start-up) */
	PL_ROLE_AGENT,
	PL_ROLE_SUPERVISOR,
	PL_ROLE_ADMIN,
	PL_ROLE_SUPER,
	PL_ROLE_PUBLIC /* routes only: no session needed (one is seen if
	                * there is) */
};

/* Role name as stored ("super_admin") to role; PL_ROLE_NONE if unknown
 * (and for "public", which no user has). */
enum pl_role pl_role_parse(const char *s);
const char  *pl_role_name(enum pl_role r);  /* "super_admin" */
const char  *pl_role_label(enum pl_role r); /* "Super admin" */
/* The short name routes are listed with ("super", "admin", "public"). */
const char *pl_role_short(enum pl_role r);

#endif
