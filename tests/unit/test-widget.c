/* test-widget.c: widgets (lib/domain/widget.h) against the real test
 * database: the website URL normalised and its origin; every field's bad
 * values named and nothing written; departments of the tenant only (an
 * inactive one cannot be added, but may stay); another tenant's widget and
 * logo answered as missing ones; the super admin must name the admin, and
 * a widget never moves; the logo checked by its bytes, replaced and
 * removed; activation audited once; the list searched by host and phone;
 * a unique public key of 22 characters. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "dept.h"
#include "list.h"
#include "t.h"
#include "tdb.h"
#include "widget.h"
#include "zones.h"

/* A real 16x16 PNG (Chromium's encoder). */
/* clang-format off */
static const unsigned char png16[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10,
	0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0xf3, 0xff, 0x61, 0x00, 0x00, 0x00,
	0x4a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x01, 0xec, 0x90, 0x31, 0x0a, 0x00,
	0x20, 0x0c, 0x03, 0x83, 0x0f, 0xd1, 0xcd, 0xef, 0xe9, 0x53, 0xfc, 0x9e,
	0x6e, 0xbe, 0x44, 0xf7, 0x14, 0xda, 0xa1, 0x83, 0x1d, 0x2c, 0x64, 0x08,
	0x94, 0x90, 0x4b, 0xca, 0x6d, 0x1e, 0x8f, 0x12, 0x9c, 0x17, 0x30, 0x60,
	0x8f, 0x0a, 0x4d, 0x4c, 0x1c, 0x10, 0x81, 0x2b, 0x5a, 0xfe, 0x23, 0x00,
	0x62, 0x83, 0xd2, 0x17, 0x34, 0xf1, 0xa8, 0x22, 0x80, 0x1f, 0x2c, 0xff,
	0x3e, 0xe0, 0x02, 0x00, 0x00, 0xff, 0xff, 0x65, 0x4e, 0xc2, 0x9a, 0x00,
	0x00, 0x00, 0x06, 0x49, 0x44, 0x41, 0x54, 0x03, 0x00, 0x39, 0xea, 0x3e,
	0x71, 0xf9, 0xf3, 0xd3, 0xe4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
	0x44, 0xae, 0x42, 0x60, 0x82,
};
/* clang-format on */

static const char *const sorts[] = { "website", "created", "messages", NULL };

static int64_t
dept_new(struct tdb *t, const struct pl_actor *who)
{
	struct pl_dept_in in = { tdb_unique(t, "Dept"), "", 0 };
	struct pl_errs    fe = { 0 };
	int64_t           id = 0;

	if (pl_dept_create(t->db, t->a, who, &in, &fe, &id) != PL_OK)
		return 0;
	return id;
}

static const char *const weekdays[] = { "mon", "tue", "wed", "thu", "fri" };

/* A valid input offering departments d[0..n). */
static struct pl_widget_in
good_in(const char *url, const int64_t *d, size_t n)
{
	struct pl_widget_in in = { 0 };

	in.website_url = url;
	in.details = "Main site\nsecond line";
	in.time_zone = "America/Chicago";
	in.area_code = "415";
	in.days = weekdays;
	in.ndays = 5;
	in.open_from = "09:00";
	in.open_to = "17:30";
	in.dept = d;
	in.ndept = n;
	return in;
}

/* How many widgets who's list finds for q. */
static size_t
found(struct tdb *t, const struct pl_actor *who, const char *q)
{
	struct pl_list    l = { 100, 0, 0, false, q, "", sorts };
	struct pl_widget *v;
	size_t            n = 0;

	if (pl_widget_list(t->db, t->a, who, 0, &l, &v, &n) != PL_OK)
		return 999;
	return n;
}

/* The URL cases: typed, and the URL and origin kept (NULL: refused). */
static const struct {
	const char *in, *url, *origin;
} urls[] = {
	{ "https://Shop.Example.COM", "https://shop.example.com/",
	    "https://shop.example.com" },
	{ "HTTPS://shop.example.com:443/Path?q=A#Top",
	    "https://shop.example.com/Path?q=A#Top",
	    "https://shop.example.com" },
	{ "http://shop.example.com:80/", "http://shop.example.com/",
	    "http://shop.example.com" },
	{ "http://shop.example.com:8080", "http://shop.example.com:8080/",
	    "http://shop.example.com:8080" },
	{ "https://shop.example.com:80/x", "https://shop.example.com:80/x",
	    "https://shop.example.com:80" },
	{ "http://127.0.0.1:3000/a%20b", "http://127.0.0.1:3000/a%20b",
	    "http://127.0.0.1:3000" },
	{ "https://[2001:DB8::1]/", "https://[2001:db8::1]/",
	    "https://[2001:db8::1]" },
	{ "https://shop.example.com?x=1", "https://shop.example.com/?x=1",
	    "https://shop.example.com" },
	{ "javascript:alert(1)", NULL, NULL },
	{ "JavaScript://shop.example.com/%0aalert(1)", NULL, NULL },
	{ "ftp://shop.example.com/", NULL, NULL },
	{ "data:text/html,<script>", NULL, NULL },
	{ "//shop.example.com/", NULL, NULL },
	{ "shop.example.com", NULL, NULL },
	{ "https://", NULL, NULL },
	{ "https:///path", NULL, NULL },
	{ "https://:443/", NULL, NULL },
	{ "https://user:pw@shop.example.com/", NULL, NULL },
	{ "https://shop.example.com:0/", NULL, NULL },
	{ "https://shop.example.com:65536/", NULL, NULL },
	{ "https://shop.example.com:12a/", NULL, NULL },
	{ "https://shop..example.com/", NULL, NULL },
	{ "https://-shop.example.com/", NULL, NULL },
	{ "https://shop_x.example.com/", NULL, NULL },
	{ "https://shop.example.com/a b", NULL, NULL },
	{ "https://shop.example.com/\"><script>", NULL, NULL },
	{ "https://shop.example.com/%zz", NULL, NULL },
	{ "https://sh\xc3\xb6p.example.com/", NULL, NULL },
	{ "https://999.1.1.1/", NULL, NULL },
	{ "https://[::1/", NULL, NULL },
};

int
main(void)
{
	const struct pl_sqlset *uses[] = { &pl_widget_sql, &pl_dept_sql, NULL };
	struct tdb              t;
	struct pl_actor         super, a, b, agent;
	struct pl_widget_in     in;
	struct pl_widget        w;
	struct pl_widget_logo   logo;
	struct pl_errs          fe;
	int64_t                 da, da2, da3, db, id = 0, id2 = 0, idx = 0;
	int64_t                 ds[2];
	const char             *u, *o, *why, *host, *second;
	int                     m, rc;

	if ((rc = tdb_open(&t, "test-widget", uses)) != 0)
		return rc;

	/* The URL rules, without the database. */
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		enum pl_err er = pl_widget_url(t.a, urls[i].in, &u, &o, &why);

		T_INT(er, urls[i].url ? PL_OK : PL_EINVAL, urls[i].in);
		T_STR(u, urls[i].url, urls[i].in);
		T_STR(o, urls[i].origin, urls[i].in);
		T_OK(urls[i].url != NULL || (why != NULL && *why != '\0'),
		    urls[i].in);
	}
	T_INT(pl_widget_time("00:00", &m), PL_OK, "00:00");
	T_INT(m, 0, "00:00");
	T_INT(pl_widget_time("9:05", &m), PL_OK, "9:05");
	T_INT(m, 545, "9:05");
	T_INT(pl_widget_time("23:59", &m), PL_OK, "23:59");
	T_INT(m, 1439, "23:59");
	T_INT(pl_widget_time("24:00", &m), PL_EINVAL, "24:00");
	T_INT(pl_widget_time("12:60", &m), PL_EINVAL, "12:60");
	T_INT(pl_widget_time("12:5", &m), PL_EINVAL, "12:5");
	T_INT(pl_widget_time("12:00:00", &m), PL_EINVAL, "12:00:00");
	T_INT(pl_widget_time("noon", &m), PL_EINVAL, "noon");
	T_INT(pl_widget_time("", &m), PL_EINVAL, "empty time");
	/* Every zone offered exists in the system's tz database. */
	for (size_t i = 0; pl_zones[i].name != NULL; i++) {
		char path[128];

		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s",
		    pl_zones[i].name);
		if (access("/usr/share/zoneinfo", F_OK) == 0)
			T_OK(access(path, R_OK) == 0, pl_zones[i].name);
		T_OK(pl_widget_zone_label(pl_zones[i].name) != NULL,
		    pl_zones[i].name);
	}
	T_OK(pl_widget_zone_label("Europe/Paris") == NULL, "not a US zone");

	super = tdb_super(&t);
	a = tdb_admin(&t, &super);
	b = tdb_admin(&t, &super);
	T_OK(a.user_id != 0 && b.user_id != 0, "two admins");
	da = dept_new(&t, &a);
	da2 = dept_new(&t, &a);
	da3 = dept_new(&t, &a);
	db = dept_new(&t, &b);
	T_OK(da && da2 && da3 && db, "departments");

	/* An admin creates one in its own tenant, with a logo. */
	host = tdb_unique(&t, "shop");
	u = pl_arena_printf(t.a, "HTTPS://%s.Example.com:443/Help", host);
	ds[0] = da;
	ds[1] = da2;
	in = good_in(u, ds, 2);
	in.logo = png16;
	in.logo_len = sizeof(png16);
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_create(t.db, t.a, &a, &in, &fe, &id), PL_OK, "create");
	T_INT(pl_widget_get(t.db, t.a, &a, id, &w), PL_OK, "get");
	T_INT(w.tenant_id, a.tenant_id, "in the admin's tenant");
	T_INT(w.admin_id, a.user_id, "its admin");
	T_STR(w.website_url,
	    pl_arena_printf(t.a, "https://%s.example.com/Help", host),
	    "the URL normalised");
	T_STR(w.website_origin,
	    pl_arena_printf(t.a, "https://%s.example.com", host), "its origin");
	T_STR(w.details, "Main site\nsecond line", "details");
	T_STR(w.time_zone, "America/Chicago", "time zone");
	T_STR(w.area_code, "415", "area code");
	T_INT(w.days, 62, "Monday to Friday");
	T_INT(w.open_from, 540, "from 09:00");
	T_INT(w.open_to, 1050, "to 17:30");
	T_OK(w.active, "active");
	T_STR(w.number_status, "none", "no number yet");
	T_OK(w.phone_number == NULL, "no phone number");
	T_INT(w.ndept, 2, "two departments");
	T_INT(strlen(w.public_key), PL_WIDGET_KEY_LEN, "a 22-character key");
	T_OK(strspn(w.public_key,
	         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	         "0123456789-_") == PL_WIDGET_KEY_LEN,
	    "base64url");
	T_STR(w.logo_type, "image/png", "the logo's checked type");
	T_INT(w.logo_width, 16, "its width");
	T_OK(w.logo_sha != NULL && strlen(w.logo_sha) == 64, "its sha256");
	T_INT(pl_widget_logo(t.db, t.a, &a, id, &logo), PL_OK, "the logo");
	T_INT(logo.len, sizeof(png16), "the logo's bytes");
	T_OK(memcmp(logo.bytes, png16, sizeof(png16)) == 0, "the same bytes");
	T_STR(logo.ctype, "image/png", "served as image/png");

	/* A second one: another key. */
	second = tdb_unique(&t, "second");
	in = good_in(
	    pl_arena_printf(t.a, "https://%s.example.com/", second), ds, 1);
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_create(t.db, t.a, &a, &in, &fe, &id2), PL_OK,
	    "create a second");
	{
		struct pl_widget w2;

		T_INT(pl_widget_get(t.db, t.a, &a, id2, &w2), PL_OK, "get");
		T_OK(strcmp(w2.public_key, w.public_key) != 0, "keys differ");
		T_OK(w2.logo_sha == NULL, "no logo");
		T_INT(pl_widget_logo(t.db, t.a, &a, id2, &logo), PL_ENOTFOUND,
		    "no logo to serve");
	}

	/* Each bad field is named, and nothing is written. */
	{
		static const char *const   none[] = { NULL };
		static const char *const   bad_day[] = { "mon", "funday" };
		static const unsigned char svg[] =
		    "<svg xmlns=\"http://www.w3"
		    ".org/2000/svg\"/>";
		const struct {
			const char *field, *what;
		} cases[] = {
			{ "website_url", "javascript:alert(1)" },
			{ "website_url", "" },
			{ "time_zone", "Europe/Paris" },
			{ "time_zone", "" },
			{ "area_code", "123" },
			{ "area_code", "911" },
			{ "area_code", "290" },
			{ "area_code", "41" },
			{ "area_code", "4155" },
			{ "days", "none" },
			{ "days", "funday" },
			{ "open_from", "25:00" },
			{ "open_to", "5pm" },
			{ "department_ids", "none" },
			{ "department_ids", "another tenant's" },
			{ "logo", "svg" },
			{ "details", "control" },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const char *f = cases[i].field, *v = cases[i].what;
			int64_t     other = db, nid = 0;
			size_t      before = found(&t, &a, "");
			enum pl_err er;

			in = good_in("https://bad.example.com/", ds, 2);
			if (strcmp(f, "website_url") == 0)
				in.website_url = v;
			else if (strcmp(f, "time_zone") == 0)
				in.time_zone = v;
			else if (strcmp(f, "area_code") == 0)
				in.area_code = v;
			else if (strcmp(f, "days") == 0 && *v == 'n') {
				in.days = none;
				in.ndays = 0;
			} else if (strcmp(f, "days") == 0) {
				in.days = bad_day;
				in.ndays = 2;
			} else if (strcmp(f, "open_from") == 0)
				in.open_from = v;
			else if (strcmp(f, "open_to") == 0)
				in.open_to = v;
			else if (strcmp(f, "department_ids") == 0 && *v == 'n')
				in.ndept = 0;
			else if (strcmp(f, "department_ids") == 0) {
				in.dept = &other;
				in.ndept = 1;
			} else if (strcmp(f, "logo") == 0) {
				in.logo = svg;
				in.logo_len = sizeof(svg) - 1;
			} else if (strcmp(f, "details") == 0)
				in.details = "bell \a";
			memset(&fe, 0, sizeof(fe));
			er = pl_widget_create(t.db, t.a, &a, &in, &fe, &nid);
			T_OK(er == PL_EINVAL || er == PL_ENOTFOUND,
			    pl_arena_printf(t.a, "%s %s refused", f, v));
			T_OK(pl_errs_get(&fe, f) != NULL,
			    pl_arena_printf(t.a, "%s %s named", f, v));
			T_INT(
			    fe.n, 1, pl_arena_printf(t.a, "%s %s alone", f, v));
			T_INT(found(&t, &a, ""), before,
			    pl_arena_printf(t.a, "%s %s: nothing made", f, v));
		}
	}

	/* Another tenant's widget and logo: as missing; nothing changes. */
	T_INT(
	    pl_widget_get(t.db, t.a, &b, id, &w), PL_ENOTFOUND, "B reads A's");
	T_INT(pl_widget_logo(t.db, t.a, &b, id, &logo), PL_ENOTFOUND,
	    "B reads A's logo");
	in = good_in("https://hacked.example.com/", &db, 1);
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_update(t.db, t.a, &b, id, &in, &fe), PL_ENOTFOUND,
	    "B updates A's");
	T_INT(pl_widget_set_active(t.db, t.a, &b, id, false), PL_ENOTFOUND,
	    "B deactivates A's");
	agent = a;
	agent.role = PL_ROLE_AGENT;
	T_INT(pl_widget_get(t.db, t.a, &agent, id, &w), PL_ENOTFOUND,
	    "an agent of A reads none");
	T_INT(pl_widget_get(t.db, t.a, &a, id, &w), PL_OK, "A's own");
	T_OK(w.active, "still active");
	T_OK(strstr(w.website_url, "hacked") == NULL, "not changed");
	T_INT(found(&t, &b, ""), 0, "B lists none of A's");
	{
		struct pl_list    l = { 10, 0, 0, false, "", "", sorts };
		struct pl_widget *v;
		size_t            n;

		T_INT(pl_widget_list(t.db, t.a, &a, b.user_id, &l, &v, &n),
		    PL_ENOTFOUND, "A lists B's");
		T_INT(pl_widget_list(t.db, t.a, &agent, 0, &l, &v, &n),
		    PL_ENOTFOUND, "an agent lists");
	}
	/* An admin cannot create in another tenant, nor offer its
	 * department. */
	in = good_in("https://spy.example.com/", &db, 1);
	in.admin_id = b.user_id;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_create(t.db, t.a, &a, &in, &fe, &idx), PL_ENOTFOUND,
	    "A names B");
	T_INT(found(&t, &b, "spy.example"), 0, "nothing made in B");
	in = good_in("https://spy.example.com/", &db, 1);
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_create(t.db, t.a, &a, &in, &fe, &idx), PL_ENOTFOUND,
	    "A offers B's department");
	T_OK(pl_errs_get(&fe, "department_ids") != NULL, "department named");
	T_INT(found(&t, &a, "spy.example"), 0, "nothing made in A");

	/* The super admin must name the admin; then it works in B with B's
	 * departments only; a widget never moves. */
	in = good_in("https://super.example.com/", &db, 1);
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_create(t.db, t.a, &super, &in, &fe, &idx), PL_EINVAL,
	    "the super admin names none");
	T_OK(pl_errs_get(&fe, "admin_id") != NULL, "admin_id named");
	in.admin_id = b.user_id;
	in.dept = &da;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_create(t.db, t.a, &super, &in, &fe, &idx), PL_ENOTFOUND,
	    "the super admin offers A's department in B");
	T_OK(pl_errs_get(&fe, "department_ids") != NULL, "department named");
	in.dept = &db;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_create(t.db, t.a, &super, &in, &fe, &idx), PL_OK,
	    "the super admin creates in B");
	T_INT(pl_widget_get(t.db, t.a, &b, idx, &w), PL_OK, "B has it");
	T_INT(pl_widget_get(t.db, t.a, &super, id, &w), PL_OK,
	    "the super admin reads A's");
	in = good_in(w.website_url, &db, 1);
	in.admin_id = b.user_id;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_update(t.db, t.a, &super, id, &in, &fe), PL_EINVAL,
	    "moving A's to B");
	T_OK(pl_errs_get(&fe, "admin_id") != NULL, "admin_id named");

	/* Update: every field; a department deactivated since may stay,
	 * but not be added; the logo kept, then removed. */
	T_INT(pl_dept_set_active(t.db, t.a, &a, da2, false), PL_OK,
	    "deactivate a department");
	ds[0] = da2;
	ds[1] = da3;
	in = good_in("http://night.example.com:8080/", ds, 2);
	in.time_zone = "Pacific/Honolulu";
	in.area_code = "";
	in.open_from = "22:00";
	in.open_to = "06:00";
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_update(t.db, t.a, &a, id, &in, &fe), PL_OK,
	    "update keeping an inactive department");
	T_INT(pl_widget_get(t.db, t.a, &a, id, &w), PL_OK, "get");
	T_STR(w.website_origin, "http://night.example.com:8080", "new origin");
	T_STR(w.time_zone, "Pacific/Honolulu", "new zone");
	T_STR(w.area_code, "", "no area code");
	T_INT(w.open_from, 1320, "from 22:00");
	T_INT(w.open_to, 360, "to 06:00, across midnight");
	T_INT(w.ndept, 2, "two departments");
	T_OK(w.logo_sha != NULL, "the logo kept");
	T_INT(pl_widget_update(t.db, t.a, &a, id2, &in, &fe), PL_ENOTFOUND,
	    "the inactive department cannot be added to another");
	in.logo_remove = true;
	in.dept = &da3;
	in.ndept = 1;
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_update(t.db, t.a, &a, id, &in, &fe), PL_OK,
	    "remove the logo, drop a department");
	T_INT(pl_widget_get(t.db, t.a, &a, id, &w), PL_OK, "get");
	T_OK(w.logo_sha == NULL, "no logo");
	T_INT(w.ndept, 1, "one department");
	T_INT(pl_widget_logo(t.db, t.a, &a, id, &logo), PL_ENOTFOUND,
	    "the logo gone");
	in = good_in(w.website_url, &da3, 1);
	in.open_from = in.open_to = "00:00";
	memset(&fe, 0, sizeof(fe));
	T_INT(pl_widget_update(t.db, t.a, &a, id, &in, &fe), PL_OK, "all day");
	T_INT(pl_widget_get(t.db, t.a, &a, id, &w), PL_OK, "get");
	T_OK(w.open_from == 0 && w.open_to == 0, "from = to");

	/* The list: by host, with or without the scheme typed. */
	T_INT(found(&t, &a, "night.example.com"), 1, "by host");
	T_INT(found(&t, &a, "HTTP://Night.example"), 1, "by URL prefix");
	T_INT(found(&t, &a, "night.example.com/any/path"), 1, "path ignored");
	T_INT(found(&t, &a, second), 1, "the second");
	T_INT(found(&t, &a, "nowhere.example"), 0, "none");
	T_INT(found(&t, &a, "%"), 0, "a LIKE character is literal");
	T_INT(found(&t, &super, second), 1, "the super admin");

	/* Activation: audited when it changes. */
	T_INT(pl_widget_set_active(t.db, t.a, &a, id, false), PL_OK,
	    "deactivate");
	T_INT(pl_widget_set_active(t.db, t.a, &a, id, false), PL_OK,
	    "deactivate again");
	T_INT(pl_widget_get(t.db, t.a, &a, id, &w), PL_OK, "get");
	T_OK(!w.active, "inactive");
	T_INT(pl_widget_set_active(t.db, t.a, &a, id, true), PL_OK, "activate");
	{
		static const char *const asorts[] = { "newest", NULL };
		struct pl_list l = { 100, 0, 0, false, "", "%", asorts };
		struct pl_audit_entry *v;
		size_t                 n, off = 0, on = 0, made = 0, upd = 0;

		T_INT(pl_audit_page(t.db, t.a, &a, 0, &l, &v, &n), PL_OK,
		    "A's audit");
		for (size_t i = 0; i < n; i++)
			if (v[i].target_id == id &&
			    strcmp(v[i].target_type, "widget") == 0) {
				off += strcmp(v[i].action, "deactivate") == 0;
				on += strcmp(v[i].action, "activate") == 0;
				made += strcmp(v[i].action, "create") == 0;
				upd += strcmp(v[i].action, "update") == 0;
			}
		T_INT(made, 1, "the creation audited");
		T_INT(upd, 3, "three updates audited");
		T_INT(off, 1, "one deactivation audited");
		T_INT(on, 1, "one activation audited");
	}

	tdb_close(&t);
	return t_done();
}
