/* widget.c: the chat widgets of a tenant: the statements, the rules, the
 * list, the logo.
 *
 * Every statement on widgets binds tenant_id from the session (an admin)
 * or from pl_admin_tenant() (the super admin naming an admin); the super
 * admin alone reads by id across tenants. A widget's departments come
 * with it as one JSON aggregate per row (bounded), so a page of widgets is
 * one statement; the logo's bytes are read only to serve them. Writes
 * check every department id against the tenant, under a shared lock,
 * inside the transaction that also writes the audit entry, so a widget
 * never offers another tenant's department. The logo is checked from its
 * bytes (core/image.c) before anything is written. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "admin.h"
#include "arena.h"
#include "audit.h"
#include "buf.h"
#include "change.h"
#include "crypto.h"
#include "db.h"
#include "image.h"
#include "list.h"
#include "pl_limits.h"
#include "rule.h"
#include "user.h"
#include "valid.h"
#include "widget.h"
#include "zones.h"

#define XSTR(x) #x
#define STR(x)  XSTR(x)

enum widget_stmt {
	W_GET,
	W_GET_ANY,
	W_LOCK,
	W_DEPTS,
	W_DEPT,
	W_INSERT,
	W_UPDATE,
	W_DEPT_PUT,
	W_DEPT_DEL,
	W_LOGO_PUT,
	W_LOGO_DEL,
	W_LOGO_GET,
	W_SET_ACTIVE,
	W_LIST_T, /* 6 each: website, created, messages; asc, desc */
	W_LIST_ALL = W_LIST_T + 6,
	W_FIND_T = W_LIST_ALL + 6,
	W_FIND_ALL = W_FIND_T + 6,
	W__MAX = W_FIND_ALL + 6
};

/* Columns in widget_row() order: the tenant's admin (its first), the
 * company, the widget, its logo (not the bytes) and its departments as a
 * JSON array by name, bounded. */
#define W_COLS                                                                 \
	"SELECT w.id, w.tenant_id, COALESCE((SELECT MIN(a.id) FROM users a"   \
	" WHERE a.tenant_id = w.tenant_id AND a.role = 'admin'), 0),"         \
	" t.company, w.public_key, w.website_url, w.website_origin,"          \
	" w.details, w.time_zone, w.area_code, w.days, w.open_from,"          \
	" w.open_to, w.active, w.number_status, w.phone_number,"              \
	" w.number_error, w.message_count, w.waiting_count,"                  \
	" w.ongoing_count, w.resolved_count, w.created_at,"                   \
	" l.sha256, l.content_type, l.width, l.height,"                       \
	" (SELECT JSON_ARRAYAGG(JSON_OBJECT('id', d.id, 'name', d.name,"      \
	" 'active', d.active)"                                                \
	" ORDER BY d.name, d.id LIMIT " STR(PL_WIDGET_DEPTS_MAX) ")"          \
	" FROM widget_departments wd"                                         \
	" JOIN departments d ON d.id = wd.department_id"                      \
	" WHERE wd.widget_id = w.id AND wd.tenant_id = w.tenant_id)"
/* One widget's page: the admin's name as well. */
#define W_ADMIN_NAME                                                           \
	", COALESCE((SELECT CONCAT(a.first_name, ' ', a.last_name)"            \
	" FROM users a WHERE a.tenant_id = w.tenant_id AND a.role = 'admin'"   \
	" ORDER BY a.id LIMIT 1), '')"
#define W_JOIN                                                                 \
	" JOIN tenants t ON t.id = w.tenant_id"                                \
	" LEFT JOIN widget_logos l ON l.widget_id = w.id"
/* Each order reads its own index even for a deep page (at a large OFFSET
 * the optimizer would rather sort the whole table). */
#define W_FROM(key) " FROM widgets w FORCE INDEX (" key ")" W_JOIN
#define W_TEN       " WHERE w.tenant_id = ?"
#define W_PAGE      " LIMIT ? OFFSET ?"
/* A search: the ids whose host starts with the text, or whose number
 * starts with it as a phone number (two index ranges), then sorted: at
 * most the matches are sorted. */
#define W_MATCH_T                                                              \
	" FROM (SELECT id FROM widgets WHERE tenant_id = ?"                    \
	" AND website_host LIKE ?"                                             \
	" UNION SELECT id FROM widgets WHERE tenant_id = ?"                    \
	" AND phone_number LIKE ?) m"                                          \
	" JOIN widgets w ON w.id = m.id" W_JOIN
#define W_MATCH_ALL                                                            \
	" FROM (SELECT id FROM widgets WHERE website_host LIKE ?"              \
	" UNION SELECT id FROM widgets WHERE phone_number LIKE ?) m"           \
	" JOIN widgets w ON w.id = m.id" W_JOIN
#define O_HOST      " ORDER BY w.website_host, w.id"
#define O_HOST_D    " ORDER BY w.website_host DESC, w.id DESC"
#define O_CREATED   " ORDER BY w.created_at, w.id"
#define O_CREATED_D " ORDER BY w.created_at DESC, w.id DESC"
#define O_MSG       " ORDER BY w.message_count, w.id"
#define O_MSG_D     " ORDER BY w.message_count DESC, w.id DESC"

static const char *const stmts[W__MAX] = {
	[W_GET] = W_COLS W_ADMIN_NAME " FROM widgets w" W_JOIN
	                              " WHERE w.tenant_id = ? AND w.id = ?",
	[W_GET_ANY] =
	    W_COLS W_ADMIN_NAME " FROM widgets w" W_JOIN " WHERE w.id = ?",
	[W_LOCK] =
	    "SELECT id FROM widgets WHERE tenant_id = ? AND id = ?"
	    " FOR UPDATE",
	[W_DEPTS] =
	    "SELECT department_id FROM widget_departments"
	    " WHERE tenant_id = ? AND widget_id = ?"
	    " LIMIT " STR(PL_WIDGET_DEPTS_MAX),
	[W_DEPT] =
	    "SELECT id, active, name FROM departments"
	    " WHERE tenant_id = ? AND id = ? LOCK IN SHARE MODE",
	[W_INSERT] =
	    "INSERT INTO widgets (tenant_id, public_key, website_url,"
	    " website_origin, website_host, details, time_zone, area_code,"
	    " days, open_from, open_to)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[W_UPDATE] =
	    "UPDATE widgets SET website_url = ?, website_origin = ?,"
	    " website_host = ?, details = ?, time_zone = ?, area_code = ?,"
	    " days = ?, open_from = ?, open_to = ?"
	    " WHERE tenant_id = ? AND id = ?",
	[W_DEPT_PUT] =
	    "INSERT INTO widget_departments (tenant_id, widget_id,"
	    " department_id) VALUES (?, ?, ?)"
	    " ON DUPLICATE KEY UPDATE department_id = department_id",
	[W_DEPT_DEL] =
	    "DELETE FROM widget_departments"
	    " WHERE tenant_id = ? AND widget_id = ?"
	    " AND department_id = ?",
	[W_LOGO_PUT] =
	    "INSERT INTO widget_logos (widget_id, tenant_id, content_type,"
	    " width, height, sha256, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)"
	    " ON DUPLICATE KEY UPDATE content_type = VALUES(content_type),"
	    " width = VALUES(width), height = VALUES(height),"
	    " sha256 = VALUES(sha256), bytes = VALUES(bytes),"
	    " created_at = CURRENT_TIMESTAMP",
	[W_LOGO_DEL] =
	    "DELETE FROM widget_logos WHERE tenant_id = ? AND widget_id = ?",
	[W_LOGO_GET] =
	    "SELECT content_type, sha256, bytes FROM widget_logos"
	    " WHERE tenant_id = ? AND widget_id = ?",
	[W_SET_ACTIVE] =
	    "UPDATE widgets SET active = ?"
	    " WHERE tenant_id = ? AND id = ? AND active <> ?",

	[W_LIST_T + 0] =
	    W_COLS W_FROM("widgets_tenant_host") W_TEN O_HOST W_PAGE,
	[W_LIST_T + 1] =
	    W_COLS W_FROM("widgets_tenant_host") W_TEN O_HOST_D W_PAGE,
	[W_LIST_T + 2] =
	    W_COLS W_FROM("widgets_tenant_created") W_TEN O_CREATED W_PAGE,
	[W_LIST_T + 3] =
	    W_COLS W_FROM("widgets_tenant_created") W_TEN O_CREATED_D W_PAGE,
	[W_LIST_T + 4] =
	    W_COLS W_FROM("widgets_tenant_messages") W_TEN O_MSG W_PAGE,
	[W_LIST_T + 5] =
	    W_COLS W_FROM("widgets_tenant_messages") W_TEN O_MSG_D W_PAGE,

	[W_LIST_ALL + 0] = W_COLS W_FROM("widgets_host") O_HOST W_PAGE,
	[W_LIST_ALL + 1] = W_COLS W_FROM("widgets_host") O_HOST_D W_PAGE,
	[W_LIST_ALL + 2] = W_COLS W_FROM("widgets_created") O_CREATED W_PAGE,
	[W_LIST_ALL + 3] = W_COLS W_FROM("widgets_created") O_CREATED_D W_PAGE,
	[W_LIST_ALL + 4] = W_COLS W_FROM("widgets_messages") O_MSG W_PAGE,
	[W_LIST_ALL + 5] = W_COLS W_FROM("widgets_messages") O_MSG_D W_PAGE,

	[W_FIND_T + 0] = W_COLS W_MATCH_T O_HOST      W_PAGE,
	[W_FIND_T + 1] = W_COLS W_MATCH_T O_HOST_D    W_PAGE,
	[W_FIND_T + 2] = W_COLS W_MATCH_T O_CREATED   W_PAGE,
	[W_FIND_T + 3] = W_COLS W_MATCH_T O_CREATED_D W_PAGE,
	[W_FIND_T + 4] = W_COLS W_MATCH_T O_MSG       W_PAGE,
	[W_FIND_T + 5] = W_COLS W_MATCH_T O_MSG_D     W_PAGE,

	[W_FIND_ALL + 0] = W_COLS W_MATCH_ALL O_HOST      W_PAGE,
	[W_FIND_ALL + 1] = W_COLS W_MATCH_ALL O_HOST_D    W_PAGE,
	[W_FIND_ALL + 2] = W_COLS W_MATCH_ALL O_CREATED   W_PAGE,
	[W_FIND_ALL + 3] = W_COLS W_MATCH_ALL O_CREATED_D W_PAGE,
	[W_FIND_ALL + 4] = W_COLS W_MATCH_ALL O_MSG       W_PAGE,
	[W_FIND_ALL + 5] = W_COLS W_MATCH_ALL O_MSG_D     W_PAGE,
};

const struct pl_sqlset pl_widget_sql = { "widget", stmts, W__MAX,
	{ &pl_admin_sql, &pl_audit_sql, &pl_user_sql } };

/* In the order of the list statements above. */
const char *const pl_widget_sorts[] = { "website", "created", "messages",
	NULL };

const char *const pl_widget_day_names[7] = { "sun", "mon", "tue", "wed", "thu",
	"fri", "sat" };
const char *const pl_widget_day_labels[7] = { "Sunday", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday" };

static const char dept_missing[] =
    "Department not found: choose among this admin's active departments.";

static bool
ids_has(const int64_t *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

/* --- the website URL ----------------------------------------------------- */

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* A host name (labels of letters, digits and inner hyphens, 1-63 each,
 * 253 in all), or an IPv4 address in four decimal parts. */
static bool
host_ok(const char *h, size_t n)
{
	size_t lab = 0, parts = 1;
	bool   digits = true;

	if (n == 0 || n > 253 || h[0] == '.' || h[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (c == '.') {
			if (lab == 0 || h[i - 1] == '-')
				return false;
			lab = 0;
			parts++;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) && c != '-')
			return false;
		if (c == '-' && lab == 0)
			return false;
		if (!is_digit(c))
			digits = false;
		if (++lab > 63)
			return false;
	}
	if (h[n - 1] == '-')
		return false;
	/* All digits and dots: an IPv4 address, each part 0-255. */
	if (digits) {
		unsigned v = 0;

		if (parts != 4)
			return false;
		for (size_t i = 0; i <= n; i++) {
			if (i == n || h[i] == '.') {
				if (v > 255)
					return false;
				v = 0;
			} else if ((v = v * 10 + (unsigned)(h[i] - '0')) > 255)
				return false;
		}
	}
	return true;
}

/* A bracketed IPv6 address: hex digits, colons and dots only (what the
 * browser would accept is its business; nothing here can break out). */
static bool
ipv6_ok(const char *h, size_t n)
{
	size_t colons = 0;

	if (n < 4 || n > 47 || h[0] != '[' || h[n - 1] != ']')
		return false;
	for (size_t i = 1; i + 1 < n; i++) {
		char c = lower(h[i]);

		if (c == ':')
			colons++;
		else if (!is_digit(c) && !(c >= 'a' && c <= 'f') && c != '.')
			return false;
	}
	return colons >= 2;
}

/* The characters a path, query or fragment may hold as typed: RFC 3986's
 * unreserved, sub-delims, ":", "@", "/", "?", "#" and "%" escapes. */
static bool
rest_ok(const char *s)
{
	static const char ok[] = "-._~!$&'()*+,;=:@/?#%[]";

	for (; *s != '\0'; s++) {
		if (is_alpha(*s) || is_digit(*s))
			continue;
		if (strchr(ok, *s) == NULL)
			return false;
		if (*s == '%' && (!is_hex(s[1]) || !is_hex(s[2])))
			return false;
	}
	return true;
}

enum pl_err
pl_widget_url(struct pl_arena *a, const char *s, const char **url,
    const char **origin, const char **why)
{
	const char *p, *host, *end, *rest;
	const char *scheme;
	size_t      hlen, port_len = 0;
	long        port = -1;
	char       *h;

	*url = *origin = NULL;
	*why =
	    "Enter the website's address, starting with https:// or"
	    " http://, e.g. https://www.example.com/.";
	if (s == NULL || *s == '\0')
		return PL_EINVAL;
	if (strlen(s) > PL_WIDGET_URL_MAX) {
		*why = "The address is too long (at most 2048 characters).";
		return PL_EINVAL;
	}
	if (strncasecmp(s, "https://", 8) == 0) {
		scheme = "https";
		p = s + 8;
	} else if (strncasecmp(s, "http://", 7) == 0) {
		scheme = "http";
		p = s + 7;
	} else {
		*why = "Only http:// and https:// addresses can hold a widget.";
		return PL_EINVAL;
	}
	/* The authority runs to the first "/", "?" or "#". */
	end = p + strcspn(p, "/?#");
	rest = end;
	if (memchr(p, '@', (size_t)(end - p)) != NULL) {
		*why = "The address must not hold a user name or password.";
		return PL_EINVAL;
	}
	host = p;
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));

		if (rb == NULL)
			goto bad_host;
		hlen = (size_t)(rb - p) + 1;
		if (!ipv6_ok(p, hlen))
			goto bad_host;
		p = rb + 1;
	} else {
		hlen = strcspn(p, ":/?#");
		if (host + hlen > end)
			hlen = (size_t)(end - host);
		if (!host_ok(host, hlen))
			goto bad_host;
		p = host + hlen;
	}
	if (p < end) {
		if (*p != ':')
			goto bad_host;
		p++;
		port_len = (size_t)(end - p);
		if (port_len == 0 || port_len > 5)
			goto bad_port;
		port = 0;
		for (size_t i = 0; i < port_len; i++) {
			if (!is_digit(p[i]))
				goto bad_port;
			port = port * 10 + (p[i] - '0');
		}
		if (port < 1 || port > 65535)
			goto bad_port;
	}
	if (!rest_ok(rest)) {
		*why =
		    "The address holds spaces or characters a web address"
		    " cannot have (encode them with %).";
		return PL_EINVAL;
	}
	h = pl_arena_strndup(a, host, hlen);
	for (char *c = h; *c != '\0'; c++)
		*c = lower(*c);
	if ((strcmp(scheme, "https") == 0 && port == 443) ||
	    (strcmp(scheme, "http") == 0 && port == 80))
		port = -1;
	*origin = port > 0 ? pl_arena_printf(a, "%s://%s:%ld", scheme, h, port)
	                   : pl_arena_printf(a, "%s://%s", scheme, h);
	*url = pl_arena_printf(
	    a, "%s%s%s", *origin, *rest == '/' ? "" : "/", rest);
	*why = NULL;
	return PL_OK;
bad_host:
	*why =
	    "The address needs a valid host name, e.g."
	    " https://www.example.com/.";
	return PL_EINVAL;
bad_port:
	*why = "The port must be a number from 1 to 65535.";
	return PL_EINVAL;
}

/* --- the other fields ----------------------------------------------------- */

enum pl_err
pl_widget_time(const char *s, int *minutes)
{
	int h, m;

	*minutes = 0;
	if (s == NULL || !is_digit(s[0]))
		return PL_EINVAL;
	h = s[0] - '0';
	s++;
	if (is_digit(*s))
		h = h * 10 + (*s++ - '0');
	if (*s++ != ':' || !is_digit(s[0]) || !is_digit(s[1]) || s[2] != '\0')
		return PL_EINVAL;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	if (h > 23 || m > 59)
		return PL_EINVAL;
	*minutes = h * 60 + m;
	return PL_OK;
}

const char *
pl_widget_zone_label(const char *name)
{
	const struct pl_zone *z = pl_zone_find(name);

	return z ? z->label : NULL;
}

/* An area code: empty, or three digits in the North American Numbering
 * Plan's shape NXX (N 2-9), not a service code (N11) and not one of the
 * codes kept for its expansion (N9X). */
static const char *
area_code_why(const char *s)
{
	if (s == NULL || *s == '\0')
		return NULL;
	if (strlen(s) != 3 || !is_digit(s[0]) || !is_digit(s[1]) ||
	    !is_digit(s[2]) || s[0] < '2')
		return "Area code: three digits, the first from 2 to 9"
		       " (e.g. 415).";
	if (s[1] == '1' && s[2] == '1')
		return "Area code: N11 codes (such as 411 or 911) are service"
		       " codes, not area codes.";
	if (s[1] == '9')
		return "Area code: codes with 9 as the middle digit are"
		       " reserved and not in use.";
	return NULL;
}

/* The input checked into *ok and the values it stands for. */
struct widget_ok {
	struct pl_widget_in in; /* ids without repeats */
	const char         *url, *origin, *host;
	unsigned            days;
	int                 from, to;
	struct pl_image     img;
	const char         *logo_sha;
};

static const int64_t *
ids_unique(struct pl_arena *a, const int64_t *v, size_t n, size_t *out)
{
	int64_t *u = pl_arena_array(a, n ? n : 1, sizeof(*u));

	*out = 0;
	for (size_t i = 0; i < n; i++)
		if (!ids_has(u, *out, v[i]))
			u[(*out)++] = v[i];
	return u;
}

/* Every rule of the fields, each fault recorded on fe. */
static enum pl_err
widget_check(struct pl_arena *a, const struct pl_widget_in *in,
    struct pl_errs *fe, struct widget_ok *ok)
{
	const char *why;

	memset(ok, 0, sizeof(*ok));
	ok->in = *in;
	if (in->website_url == NULL || *in->website_url == '\0')
		pl_errs_add(fe, "website_url", "Website URL is required.");
	else if (pl_rule_text(a, fe, "website_url", "Website URL", 0,
	             PL_WIDGET_URL_MAX, in->website_url) == PL_OK) {
		if (pl_widget_url(a, in->website_url, &ok->url, &ok->origin,
		        &why) != PL_OK)
			pl_errs_add(fe, "website_url",
			    pl_arena_printf(a, "Website URL: %s", why));
		else if (strlen(ok->origin) > PL_WIDGET_ORIGIN_MAX)
			pl_errs_add(fe, "website_url",
			    "Website URL: the host name is too long.");
		else
			ok->host = strstr(ok->origin, "://") + 3;
	}
	/* Browsers send a textarea's lines ended by CRLF: kept as LF. */
	if (in->details != NULL && strchr(in->details, '\r') != NULL) {
		char *d = pl_arena_strdup(a, in->details), *w = d;

		for (const char *r = d; *r != '\0'; r++)
			if (!(r[0] == '\r' && r[1] == '\n'))
				*w++ = *r;
		*w = '\0';
		ok->in.details = d;
	}
	if (pl_rule_text(a, fe, "details", "Widget details", PL_RULE_MULTILINE,
	        PL_MAX_FIELD, ok->in.details) == PL_OK &&
	    ok->in.details != NULL &&
	    pl_utf8_len(ok->in.details) > PL_WIDGET_DETAILS_MAX)
		pl_errs_add(fe, "details",
		    pl_arena_printf(a, "Widget details: at most %d characters.",
		        PL_WIDGET_DETAILS_MAX));
	if (in->time_zone == NULL || *in->time_zone == '\0')
		pl_errs_add(fe, "time_zone", "Choose a time zone.");
	else if (pl_widget_zone_label(in->time_zone) == NULL)
		pl_errs_add(fe, "time_zone",
		    "Time zone: choose one of the United States time zones"
		    " in the list.");
	if ((why = area_code_why(in->area_code)) != NULL)
		pl_errs_add(fe, "area_code", why);
	for (size_t i = 0; i < in->ndays; i++) {
		size_t d;

		for (d = 0; d < 7; d++)
			if (in->days[i] != NULL &&
			    strcmp(in->days[i], pl_widget_day_names[d]) == 0)
				break;
		if (d == 7) {
			pl_errs_add(fe, "days",
			    "Working days: choose among Sunday to Saturday.");
			break;
		}
		ok->days |= 1u << d;
	}
	if (ok->days == 0)
		pl_errs_add(fe, "days", "Choose at least one working day.");
	if (in->open_from == NULL || *in->open_from == '\0')
		pl_errs_add(fe, "open_from", "From time is required.");
	else if (pl_widget_time(in->open_from, &ok->from) != PL_OK)
		pl_errs_add(fe, "open_from",
		    "From time: a time of day as HH:MM, 00:00 to 23:59.");
	if (in->open_to == NULL || *in->open_to == '\0')
		pl_errs_add(fe, "open_to", "To time is required.");
	else if (pl_widget_time(in->open_to, &ok->to) != PL_OK)
		pl_errs_add(fe, "open_to",
		    "To time: a time of day as HH:MM, 00:00 to 23:59.");
	ok->in.dept = ids_unique(a, in->dept, in->ndept, &ok->in.ndept);
	if (ok->in.ndept == 0)
		pl_errs_add(
		    fe, "department_ids", "Choose at least one department.");
	else if (ok->in.ndept > PL_WIDGET_DEPTS_MAX)
		pl_errs_add(fe, "department_ids",
		    pl_arena_printf(a, "Departments: at most %d departments.",
		        PL_WIDGET_DEPTS_MAX));
	if (in->logo_len > 0) {
		if ((why = pl_image_check(in->logo, in->logo_len, &ok->img)) !=
		    NULL)
			pl_errs_add(
			    fe, "logo", pl_arena_printf(a, "Logo: %s", why));
		else
			ok->logo_sha = pl_sha256_hex(a, in->logo, in->logo_len);
	}
	return pl_errs_check(fe);
}

/* --- reading ---------------------------------------------------------------
 */

/* Who reaches which tenant: an admin its own, the super admin any (tid 0:
 * every tenant, unless it names an admin); anyone else PL_EPERM. */
static enum pl_err
reach(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t admin_id, int64_t *tid)
{
	*tid = 0;
	if (who->role == PL_ROLE_ADMIN && who->tenant_id == 0)
		return PL_EPERM;
	if (who->role != PL_ROLE_ADMIN && who->role != PL_ROLE_SUPER)
		return PL_EPERM;
	if (admin_id != 0)
		return pl_admin_tenant(db, a, who, admin_id, tid);
	if (who->role == PL_ROLE_ADMIN)
		*tid = who->tenant_id;
	return PL_OK;
}

/* The departments column: a JSON array the database built (or NULL). */
static void
depts_parse(struct pl_arena *ar, const char *text, struct pl_widget *w)
{
	struct json_object *arr, *v;
	size_t              n;

	w->dept = NULL;
	w->ndept = 0;
	if (text == NULL || (arr = json_tokener_parse(text)) == NULL)
		return;
	if (!json_object_is_type(arr, json_type_array)) {
		json_object_put(arr);
		return;
	}
	n = json_object_array_length(arr);
	w->dept = pl_arena_array(ar, n ? n : 1, sizeof(*w->dept));
	for (size_t i = 0; i < n; i++) {
		struct json_object    *e = json_object_array_get_idx(arr, i);
		struct pl_widget_dept *d = &w->dept[w->ndept];

		if (!json_object_object_get_ex(e, "id", &v))
			continue;
		d->id = json_object_get_int64(v);
		d->name = json_object_object_get_ex(e, "name", &v)
		              ? pl_arena_strdup(ar, json_object_get_string(v))
		              : "";
		d->active = json_object_object_get_ex(e, "active", &v) &&
		            json_object_get_int64(v) != 0;
		w->ndept++;
	}
	json_object_put(arr);
}

static void
widget_row(struct pl_arena *ar, const struct pl_row *r, struct pl_widget *w)
{
	w->id = pl_row_i64(r, 0);
	w->tenant_id = pl_row_i64(r, 1);
	w->admin_id = pl_row_i64(r, 2);
	w->company = pl_row_str(r, 3) ? pl_row_str(r, 3) : "";
	w->public_key = pl_row_str(r, 4);
	w->website_url = pl_row_str(r, 5);
	w->website_origin = pl_row_str(r, 6);
	w->details = pl_row_str(r, 7);
	w->time_zone = pl_row_str(r, 8);
	w->area_code = pl_row_str(r, 9);
	w->days = (unsigned)pl_row_i64(r, 10);
	w->open_from = (int)pl_row_i64(r, 11);
	w->open_to = (int)pl_row_i64(r, 12);
	w->active = pl_row_i64(r, 13) != 0;
	w->number_status = pl_row_str(r, 14);
	w->phone_number = pl_row_str(r, 15);
	w->number_error = pl_row_str(r, 16);
	w->message_count = pl_row_i64(r, 17);
	w->waiting_count = pl_row_i64(r, 18);
	w->ongoing_count = pl_row_i64(r, 19);
	w->resolved_count = pl_row_i64(r, 20);
	w->created_at = pl_row_str(r, 21);
	w->logo_sha = pl_row_str(r, 22);
	w->logo_type = pl_row_str(r, 23);
	w->logo_width = (unsigned)pl_row_i64(r, 24);
	w->logo_height = (unsigned)pl_row_i64(r, 25);
	depts_parse(ar, pl_row_str(r, 26), w);
	w->admin_name = r->n > 27 && pl_row_str(r, 27) ? pl_row_str(r, 27) : "";
}

enum pl_err
pl_widget_get(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_widget *out)
{
	struct pl_row row;
	enum pl_err   er;

	/* Only the super admin reads across tenants; an admin is held to
	 * its own tenant, so another tenant's id is simply absent. */
	if (who->role == PL_ROLE_SUPER)
		er = pl_db_one(db, a, &pl_widget_sql, W_GET_ANY,
		    PL_ARGS(PL_I64(id)), &row);
	else if (who->role == PL_ROLE_ADMIN && who->tenant_id != 0)
		er = pl_db_one(db, a, &pl_widget_sql, W_GET,
		    PL_ARGS(PL_I64(who->tenant_id), PL_I64(id)), &row);
	else
		er = PL_ENOTFOUND;
	if (er == PL_OK)
		widget_row(a, &row, out);
	return er;
}

/* The search text as a host prefix: without its scheme and anything
 * after the host, LIKE-escaped, "%" at the end. */
static const char *
host_like(struct pl_arena *a, const char *q)
{
	struct pl_buf b;
	size_t        n;

	if (strncasecmp(q, "https://", 8) == 0)
		q += 8;
	else if (strncasecmp(q, "http://", 7) == 0)
		q += 7;
	n = strcspn(q, "/?#");
	pl_buf_init(&b, a);
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			pl_buf_putc(&b, '\\');
		pl_buf_putc(&b, q[i]);
	}
	pl_buf_putc(&b, '%');
	return pl_buf_cstr(&b);
}

/* The search text as a phone number prefix ("+1415%"): digits with the
 * separators people type; without a "+", a US number (+1) unless it
 * starts with 1. "" (matches no number) when it is not one. */
static const char *
phone_like(struct pl_arena *a, const char *q)
{
	struct pl_buf b;
	const char   *p = q;

	pl_buf_init(&b, a);
	pl_buf_putc(&b, '+');
	if (*p == '+')
		p++;
	for (const char *c = p; *c != '\0'; c++)
		if (!is_digit(*c) && strchr(" -.()", *c) == NULL)
			return "";
	p += strspn(p, " -.()");
	if (!is_digit(*p))
		return "";
	if (*q != '+' && *p != '1')
		pl_buf_putc(&b, '1');
	for (; *p != '\0'; p++)
		if (is_digit(*p))
			pl_buf_putc(&b, *p);
	pl_buf_putc(&b, '%');
	return pl_buf_cstr(&b);
}

enum pl_err
pl_widget_list(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t admin_id, const struct pl_list *l, struct pl_widget **v, size_t *n)
{
	struct pl_rows rows;
	int64_t        tid;
	const char    *host, *phone;
	enum pl_err    er;

	*v = NULL;
	*n = 0;
	if ((er = reach(db, a, who, admin_id, &tid)) != PL_OK)
		return er == PL_EPERM ? PL_ENOTFOUND : er;
	host = host_like(a, l->q);
	phone = phone_like(a, l->q);
	if (tid != 0 && *l->q == '\0')
		er = pl_db_all(db, a, &pl_widget_sql, pl_list_stmt(l, W_LIST_T),
		    PL_ARGS(
		        PL_I64(tid), PL_I64(l->limit + 1), PL_I64(l->offset)),
		    &rows);
	else if (tid != 0)
		er = pl_db_all(db, a, &pl_widget_sql, pl_list_stmt(l, W_FIND_T),
		    PL_ARGS(PL_I64(tid), PL_STR(host), PL_I64(tid),
		        PL_STR(phone), PL_I64(l->limit + 1), PL_I64(l->offset)),
		    &rows);
	else if (*l->q == '\0')
		er = pl_db_all(db, a, &pl_widget_sql,
		    pl_list_stmt(l, W_LIST_ALL),
		    PL_ARGS(PL_I64(l->limit + 1), PL_I64(l->offset)), &rows);
	else
		er = pl_db_all(db, a, &pl_widget_sql,
		    pl_list_stmt(l, W_FIND_ALL),
		    PL_ARGS(PL_STR(host), PL_STR(phone), PL_I64(l->limit + 1),
		        PL_I64(l->offset)),
		    &rows);
	if (er != PL_OK)
		return er;
	*v = pl_arena_array(a, rows.n ? rows.n : 1, sizeof(**v));
	for (size_t i = 0; i < rows.n; i++)
		widget_row(a, &rows.v[i], &(*v)[i]);
	*n = rows.n;
	return PL_OK;
}

enum pl_err
pl_widget_logo(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    int64_t id, struct pl_widget_logo *out)
{
	struct pl_widget w;
	struct pl_row    row;
	enum pl_err      er;

	if ((er = pl_widget_get(db, a, who, id, &w)) != PL_OK)
		return er;
	if (w.logo_sha == NULL)
		return PL_ENOTFOUND;
	if ((er = pl_db_one(db, a, &pl_widget_sql, W_LOGO_GET,
	         PL_ARGS(PL_I64(w.tenant_id), PL_I64(w.id)), &row)) != PL_OK)
		return er;
	out->ctype = pl_row_str(&row, 0);
	out->sha256 = pl_row_str(&row, 1);
	out->bytes = pl_row_str(&row, 2);
	out->len = row.len[2];
	return PL_OK;
}

/* --- writing ------------------------------------------------------------- */

/* A write of one widget: its tenant, the input checked, and which. */
struct widget_arg {
	int64_t                 tenant_id;
	const struct widget_ok *ok;
	const struct pl_widget *cur; /* update, activation */
	bool                    active;
	struct pl_errs         *fe;
	int64_t                 id; /* create: the new one */
};

/*
 * Inside the change: every department id must be an active department of
 * the tenant, or one the widget already offers (keep). Locks them against
 * a concurrent deactivation. *names gets their names for the audit
 * summary. PL_ENOTFOUND naming department_ids otherwise.
 */
static enum pl_err
depts_check(struct pl_db *db, struct pl_arena *a, int64_t tenant_id,
    const struct pl_widget_in *in, const int64_t *keep, size_t nkeep,
    struct pl_errs *fe, const char **names)
{
	struct pl_buf b;
	struct pl_row row;
	enum pl_err   er;

	pl_buf_init(&b, a);
	for (size_t i = 0; i < in->ndept; i++) {
		er = pl_db_one(db, a, &pl_widget_sql, W_DEPT,
		    PL_ARGS(PL_I64(tenant_id), PL_I64(in->dept[i])), &row);
		if (er == PL_OK && pl_row_i64(&row, 1) == 0 &&
		    !ids_has(keep, nkeep, in->dept[i]))
			er = PL_ENOTFOUND;
		if (er == PL_ENOTFOUND)
			pl_errs_add(fe, "department_ids", dept_missing);
		if (er != PL_OK)
			return er;
		pl_buf_printf(
		    &b, "%s\"%s\"", i ? ", " : "", pl_row_str(&row, 2));
	}
	*names = pl_buf_cstr(&b);
	return PL_OK;
}

/* The departments offered become in's (the widget offers keep now). */
static enum pl_err
depts_write(struct pl_db *db, int64_t tenant_id, int64_t wid,
    const struct pl_widget_in *in, const int64_t *keep, size_t nkeep)
{
	enum pl_err er;

	for (size_t i = 0; i < nkeep; i++)
		if (!ids_has(in->dept, in->ndept, keep[i]) &&
		    (er = pl_db_exec(db, &pl_widget_sql, W_DEPT_DEL,
		         PL_ARGS(
		             PL_I64(tenant_id), PL_I64(wid), PL_I64(keep[i])),
		         NULL, NULL)) != PL_OK)
			return er;
	for (size_t i = 0; i < in->ndept; i++)
		if (!ids_has(keep, nkeep, in->dept[i]) &&
		    (er = pl_db_exec(db, &pl_widget_sql, W_DEPT_PUT,
		         PL_ARGS(PL_I64(tenant_id), PL_I64(wid),
		             PL_I64(in->dept[i])),
		         NULL, NULL)) != PL_OK)
			return er;
	return PL_OK;
}

/* The logo: stored with the type its bytes were checked to be, replaced,
 * removed, or left. *what says which, for the audit summary. */
static enum pl_err
logo_write(struct pl_db *db, int64_t tenant_id, int64_t wid,
    const struct widget_ok *ok, const char **what)
{
	*what = "";
	if (ok->in.logo_len > 0) {
		*what = ", logo set";
		return pl_db_exec(db, &pl_widget_sql, W_LOGO_PUT,
		    PL_ARGS(PL_I64(wid), PL_I64(tenant_id),
		        PL_STR(ok->img.ctype), PL_I64(ok->img.width),
		        PL_I64(ok->img.height), PL_STR(ok->logo_sha),
		        PL_STRN(ok->in.logo, ok->in.logo_len)),
		    NULL, NULL);
	}
	if (ok->in.logo_remove) {
		uint64_t    gone = 0;
		enum pl_err er;

		er = pl_db_exec(db, &pl_widget_sql, W_LOGO_DEL,
		    PL_ARGS(PL_I64(tenant_id), PL_I64(wid)), &gone, NULL);
		if (gone > 0)
			*what = ", logo removed";
		return er;
	}
	return PL_OK;
}

static enum pl_err
create_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct widget_arg      *g = p;
	const struct widget_ok *ok = g->ok;
	const char             *names = "", *logo = "";
	unsigned char           r[16];
	uint64_t                wid = 0;
	enum pl_err             er = PL_ECONFLICT;

	(void)who;
	if ((er = depts_check(db, a, g->tenant_id, &ok->in, NULL, 0, g->fe,
	         &names)) != PL_OK)
		return er;
	/* The public key: 16 random bytes. A repeat is as good as
	 * impossible; should one happen, the unique key refuses it and the
	 * next draw goes in (a refused statement leaves the transaction). */
	for (int i = 0; i < 3; i++) {
		pl_random(r, sizeof(r));
		er = pl_db_exec(db, &pl_widget_sql, W_INSERT,
		    PL_ARGS(PL_I64(g->tenant_id),
		        PL_STR(pl_b64url_encode(a, r, sizeof(r))),
		        PL_STR(ok->url), PL_STR(ok->origin), PL_STR(ok->host),
		        PL_STR(ok->in.details ? ok->in.details : ""),
		        PL_STR(ok->in.time_zone),
		        PL_STR(ok->in.area_code ? ok->in.area_code : ""),
		        PL_I64(ok->days), PL_I64(ok->from), PL_I64(ok->to)),
		    NULL, &wid);
		if (er != PL_ECONFLICT)
			break;
	}
	if (er != PL_OK)
		return er;
	g->id = (int64_t)wid;
	if ((er = depts_write(db, g->tenant_id, g->id, &ok->in, NULL, 0)) !=
	        PL_OK ||
	    (er = logo_write(db, g->tenant_id, g->id, ok, &logo)) != PL_OK)
		return er;
	ch->tenant_id = g->tenant_id;
	ch->action = "create";
	ch->target_type = "widget";
	ch->target_id = g->id;
	ch->summary = pl_arena_printf(
	    a, "created widget for %s offering %s%s", ok->url, names, logo);
	return PL_OK;
}

enum pl_err
pl_widget_create(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, const struct pl_widget_in *in,
    struct pl_errs *fe, int64_t *id)
{
	struct widget_arg g = { 0, NULL, NULL, true, fe, 0 };
	struct widget_ok  ok;
	enum pl_err       ev, er;

	/* Every field error at once; an admin not who's to name only once
	 * the fields are right. */
	ev = widget_check(a, in, fe, &ok);
	if (in->admin_id == 0 && who->role == PL_ROLE_SUPER)
		er = pl_errs_add(
		    fe, "admin_id", "Choose the admin this widget belongs to.");
	else if ((er = reach(db, a, who, in->admin_id, &g.tenant_id)) ==
	         PL_ENOTFOUND)
		pl_errs_add(fe, "admin_id", "Admin not found.");
	if (ev != PL_OK || er == PL_EINVAL)
		return PL_EINVAL;
	if (er != PL_OK)
		return er;
	g.ok = &ok;
	er = pl_change_run(db, a, who, create_write, &g);
	if (er == PL_OK)
		*id = g.id;
	return er;
}

static enum pl_err
update_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct widget_arg      *g = p;
	const struct widget_ok *ok = g->ok;
	const struct pl_widget *cur = g->cur;
	const char             *names = "", *logo = "";
	struct pl_row           row;
	struct pl_rows          mem;
	int64_t                *keep;
	enum pl_err             er;

	(void)who;
	/* The widget's row first: concurrent updates of it take turns. */
	if ((er = pl_db_one(db, a, &pl_widget_sql, W_LOCK,
	         PL_ARGS(PL_I64(cur->tenant_id), PL_I64(cur->id)), &row)) !=
	        PL_OK ||
	    (er = pl_db_all(db, a, &pl_widget_sql, W_DEPTS,
	         PL_ARGS(PL_I64(cur->tenant_id), PL_I64(cur->id)), &mem)) !=
	        PL_OK)
		return er;
	keep = pl_arena_array(a, mem.n ? mem.n : 1, sizeof(*keep));
	for (size_t i = 0; i < mem.n; i++)
		keep[i] = pl_row_i64(&mem.v[i], 0);
	if ((er = depts_check(db, a, cur->tenant_id, &ok->in, keep, mem.n,
	         g->fe, &names)) != PL_OK)
		return er;
	if ((er = pl_db_exec(db, &pl_widget_sql, W_UPDATE,
	         PL_ARGS(PL_STR(ok->url), PL_STR(ok->origin), PL_STR(ok->host),
	             PL_STR(ok->in.details ? ok->in.details : ""),
	             PL_STR(ok->in.time_zone),
	             PL_STR(ok->in.area_code ? ok->in.area_code : ""),
	             PL_I64(ok->days), PL_I64(ok->from), PL_I64(ok->to),
	             PL_I64(cur->tenant_id), PL_I64(cur->id)),
	         NULL, NULL)) != PL_OK ||
	    (er = depts_write(
	         db, cur->tenant_id, cur->id, &ok->in, keep, mem.n)) != PL_OK ||
	    (er = logo_write(db, cur->tenant_id, cur->id, ok, &logo)) != PL_OK)
		return er;
	ch->tenant_id = cur->tenant_id;
	ch->action = "update";
	ch->target_type = "widget";
	ch->target_id = cur->id;
	ch->summary = pl_arena_printf(
	    a, "updated widget for %s offering %s%s", ok->url, names, logo);
	return PL_OK;
}

enum pl_err
pl_widget_update(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, const struct pl_widget_in *in,
    struct pl_errs *fe)
{
	struct widget_arg g = { 0, NULL, NULL, true, fe, 0 };
	struct pl_widget  cur;
	struct widget_ok  ok;
	int64_t           tid;
	enum pl_err       er;

	if ((er = pl_widget_get(db, a, who, id, &cur)) != PL_OK)
		return er;
	if ((er = widget_check(a, in, fe, &ok)) != PL_OK)
		return er;
	if (in->admin_id != 0) {
		if ((er = pl_admin_tenant(db, a, who, in->admin_id, &tid)) !=
		    PL_OK)
			return er;
		if (tid != cur.tenant_id)
			return pl_errs_add(fe, "admin_id",
			    "A widget stays with its admin; create it again"
			    " under the other admin.");
	}
	g.tenant_id = cur.tenant_id;
	g.ok = &ok;
	g.cur = &cur;
	return pl_change_run(db, a, who, update_write, &g);
}

static enum pl_err
active_write(struct pl_db *db, struct pl_arena *a, const struct pl_actor *who,
    void *p, struct pl_change *ch)
{
	struct widget_arg      *g = p;
	const struct pl_widget *w = g->cur;
	uint64_t                changed = 0;
	enum pl_err             er;

	(void)who;
	er = pl_db_exec(db, &pl_widget_sql, W_SET_ACTIVE,
	    PL_ARGS(PL_I64(g->active), PL_I64(w->tenant_id), PL_I64(w->id),
	        PL_I64(g->active)),
	    &changed, NULL);
	/* Nothing changed (already so): nothing to record either. */
	if (er != PL_OK || changed == 0)
		return er;
	ch->tenant_id = w->tenant_id;
	ch->action = g->active ? "activate" : "deactivate";
	ch->target_type = "widget";
	ch->target_id = w->id;
	ch->summary = pl_arena_printf(a, "%s widget for %s",
	    g->active ? "activated" : "deactivated", w->website_url);
	return PL_OK;
}

enum pl_err
pl_widget_set_active(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t id, bool active)
{
	struct widget_arg g = { 0, NULL, NULL, active, NULL, 0 };
	struct pl_widget  w;
	enum pl_err       er;

	if ((er = pl_widget_get(db, a, who, id, &w)) != PL_OK)
		return er;
	g.cur = &w;
	return pl_change_run(db, a, who, active_write, &g);
}
