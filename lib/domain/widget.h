/* widget.h: the chat widgets of a tenant, as staff manage them: every
 * statement and rule for them (website, details, time zone, area code,
 * working days and hours, the departments offered, the logo, active or
 * not). cgi-bin/widgets.c turns requests into these calls; the visitor
 * side and the number purchase read a widget through pl_widget_get.
 *
 * Scope: an admin reaches only its own tenant's widgets (tenant_id from
 * the session); the super admin reaches every tenant's, and names a tenant
 * only through an admin's id (pl_admin_tenant). Agents and supervisors
 * reach none. Another tenant's widget, logo or department is answered
 * exactly as one that does not exist.
 *
 * The number columns (number_status, phone_number, number_error...) are
 * the number purchase's: this module reads them and never writes them. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_WIDGET_H
#define PL_WIDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct pl_arena;
struct pl_list;

extern const struct pl_sqlset pl_widget_sql;
/* The list's sort names: "website", "created", "messages". */
extern const char *const pl_widget_sorts[];

#define PL_WIDGET_URL_MAX     2048 /* characters of the website URL */
#define PL_WIDGET_ORIGIN_MAX  300  /* characters of its origin */
#define PL_WIDGET_DETAILS_MAX 1000 /* characters, several lines */
#define PL_WIDGET_DEPTS_MAX   50   /* departments one widget offers */
#define PL_WIDGET_KEY_LEN     22   /* public key: 16 random bytes, base64url */

/* A time zone a widget may use: its IANA name and what people read. */

/* The days of the week as the days bitmask numbers them (bit 0 Sunday,
 * as tm_wday): short names "sun".."sat" (what forms and JSON send) and
 * labels "Sunday".."Saturday". */
extern const char *const pl_widget_day_names[7];
extern const char *const pl_widget_day_labels[7];

/* One department a widget offers (strings arena-owned). */
struct pl_widget_dept {
	int64_t     id;
	const char *name;
	bool        active; /* the department is active */
};

/* A widget as pages show it (strings arena-owned). */
struct pl_widget {
	int64_t     id;
	int64_t     tenant_id;
	int64_t     admin_id; /* the tenant's admin, 0 if none */
	const char *company;
	const char *admin_name;     /* "First Last", "" if none */
	const char *public_key;     /* PL_WIDGET_KEY_LEN characters */
	const char *website_url;    /* normalised */
	const char *website_origin; /* scheme://host[:port] */
	const char *details;
	const char *time_zone; /* an IANA name of pl_zones (zones.h) */
	const char *area_code; /* 3 digits, or "" */
	unsigned    days;      /* bit 0 Sunday ... bit 6 Saturday */
	int         open_from; /* minutes after local midnight */
	int         open_to;   /* < open_from: crosses midnight; = : all day */
	bool        active;
	/* The number, read only here: */
	const char *number_status; /* "none", "pending", "active", "failed" */
	const char *phone_number;  /* E.164, or NULL */
	const char *number_error;  /* why it failed, or "" */
	/* Counters, kept by the modules that change them: */
	int64_t     message_count;
	int64_t     waiting_count;
	int64_t     ongoing_count;
	int64_t     resolved_count;
	const char *created_at; /* MariaDB DATETIME, UTC */
	/* The logo: logo_sha NULL when there is none. */
	const char *logo_sha; /* 64 hex characters */
	const char *logo_type;
	unsigned    logo_width;
	unsigned    logo_height;
	/* The departments offered, by name (the list: the first ones). */
	struct pl_widget_dept *dept;
	size_t                 ndept;
};

/* What a create or update asks for, as typed. An update sets every field:
 * the caller fills what it keeps from the widget (the logo excepted). */
struct pl_widget_in {
	int64_t     admin_id; /* create: the tenant's admin; 0: who's own */
	const char *website_url;
	const char *details;
	const char *time_zone;
	const char *area_code;   /* "" for none */
	const char *const *days; /* day names, "sun".."sat" */
	size_t             ndays;
	const char        *open_from; /* "HH:MM" */
	const char        *open_to;   /* "HH:MM" */
	const int64_t     *dept;      /* department ids (repeats ignored) */
	size_t             ndept;
	/* The logo: new bytes (logo_len > 0), or remove it (update), or
	 * neither: keep it. */
	const void *logo;
	size_t      logo_len;
	bool        logo_remove;
};

/* A widget's logo (bytes arena-owned). */
struct pl_widget_logo {
	const char
	    *ctype; /* checked: "image/png", "image/jpeg", "image/webp" */
	const char *sha256;
	const void *bytes;
	size_t      len;
};

/*
 * Normalise a website URL as typed: http or https, a host name or an IPv4
 * or bracketed IPv6 address, an optional port, then a path, query and
 * fragment of URL characters; no user name or password, no spaces.
 * Scheme and host lower case, the default port (80, 443) dropped, "/" when
 * there is no path. PL_OK with *url and *origin ("scheme://host[:port]")
 * in the arena; otherwise PL_EINVAL and *why (static) says what is wrong.
 */
enum pl_err pl_widget_url(struct pl_arena *a, const char *s, const char **url,
    const char **origin, const char **why);

/* "HH:MM" (00:00 to 23:59) as minutes: PL_OK, or PL_EINVAL. */
enum pl_err pl_widget_time(const char *s, int *minutes);

/* The picker's label of a time zone of pl_zones, or NULL. */
const char *pl_widget_zone_label(const char *name);

/* A widget by id within who's reach: PL_OK and *out, or PL_ENOTFOUND (no
 * such id, another tenant's, or an actor below admin: the same answer). */
enum pl_err pl_widget_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_widget *out);

/*
 * A page of widgets, searched (a prefix of the website URL, of the host
 * after "https://" or "http://", or of the phone number), sorted and paged
 * by l (sorts pl_widget_sorts): of admin_id's tenant (pl_admin_tenant
 * rules), or, with admin_id 0, of every tenant for the super admin and of
 * its own for an admin. Each widget's departments: the first few (the
 * list shows them). PL_OK and *v (arena-owned, l->limit + 1 at most), *n
 * of them; PL_ENOTFOUND for an admin_id not who's to name.
 */
enum pl_err pl_widget_list(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t admin_id, const struct pl_list *l,
    struct pl_widget **v, size_t *n);

/*
 * Create a widget in the tenant of in->admin_id (required of the super
 * admin; an admin's own, which it may name), with a new public key, its
 * departments and its logo, audited, as one change. Field errors name the
 * input fields: admin_id, website_url, details, time_zone, area_code,
 * days, open_from, open_to, department_ids, logo. At least one department,
 * each an active one of the tenant. PL_OK and *id; PL_EINVAL with field
 * errors; PL_ENOTFOUND naming admin_id for an admin not who's to name, or
 * department_ids for a department that is not an active one of the
 * tenant. Nothing is written on error.
 */
enum pl_err pl_widget_create(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_widget_in *in,
    struct pl_errs *fe, int64_t *id);

/*
 * Update widget id with in (in->admin_id, if not 0, must name the widget's
 * admin: a widget never moves), audited, as one change. A department it
 * already offers may stay even if deactivated since; a new one must be
 * active. The logo is replaced (in->logo_len > 0), removed
 * (in->logo_remove) or kept. PL_ENOTFOUND for a widget out of reach;
 * otherwise as create.
 */
enum pl_err pl_widget_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, const struct pl_widget_in *in,
    struct pl_errs *fe);

/* Activate or deactivate widget id, audited when it changes (asking for
 * the state it has changes nothing). PL_OK, or PL_ENOTFOUND. */
enum pl_err pl_widget_set_active(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, bool active);

/* The logo of widget id within who's reach: PL_OK and *out, or
 * PL_ENOTFOUND (no such widget, another tenant's, or no logo). */
enum pl_err pl_widget_logo(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, struct pl_widget_logo *out);

#endif
