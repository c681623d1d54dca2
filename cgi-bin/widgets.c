/* widgets.c: /widgets and /api/widgets -- the chat widgets of the caller's
 * company (the super admin: of every company): list, create, show, edit,
 * activate and deactivate, and the logo served back. The rules live in
 * lib/domain/widget.c; these handlers read the input, call it, and answer
 * as pages or JSON.
 *
 * Forms are multipart/form-data (the logo rides along); the API takes the
 * same multipart fields, or JSON without a logo. Creating a widget without
 * JavaScript takes two steps for the super admin, as for agents: GET
 * /widgets/new shows the admin picker, whose "Continue" submits GET
 * /widgets/new?admin_id=X, which shows that admin's departments. */
/* SPDX-License-Identifier: MIT */
#include "parley.h"

#include "admin.h"
#include "agent.h"
#include "dept.h"
#include "pick.h"
#include "widget.h"
#include "widgetnum.h"
#include "zones.h"

static pl_handler widgets_list, widgets_new, widgets_create, widgets_show,
    widgets_edit, widgets_update, widgets_logo, widgets_activate,
    widgets_deactivate, widgets_number;

/* clang-format off */
static const struct pl_route routes[] = {
	/* No .form: the form needs its pickers, which only the handler fills;
	 * a refusal before it (bad body, expired form) gets the error page. */
	{ "/widgets", widgets_list, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/widgets", widgets_create, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_POST },
	{ "/widgets/new", widgets_new, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/widgets/:id", widgets_show, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/widgets/:id", widgets_update, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_PUT },
	{ "/widgets/:id/edit", widgets_edit, PL_ROLE_ADMIN, .html = PL_GET, .api = PL_GET },
	{ "/widgets/:id/logo", widgets_logo, PL_ROLE_ADMIN, .html = PL_GET },
	{ "/widgets/:id/activate", widgets_activate, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_POST },
	{ "/widgets/:id/deactivate", widgets_deactivate, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_POST },
	{ "/widgets/:id/number", widgets_number, PL_ROLE_ADMIN, .html = PL_POST, .api = PL_POST },
};
/* clang-format on */

PL_NAV(35, "/widgets", "Widgets", PL_ROLE_ADMIN);

int
main(int argc, char *argv[])
{
	static const struct pl_app app = {
		.name = "widgets",
		.routes = routes,
		.nroutes = PL_NITEMS(routes),
		.uses = { &pl_widget_sql, &pl_widgetnum_sql, &pl_agent_sql,
		    &pl_dept_sql },
		.threads = 4,
		.upload = true,
	};

	return pl_app_main(&app, argc, argv);
}

/* How long the address of one version of a logo may be cached: for good,
 * its ?v= names the bytes. */
#define LOGO_CACHE "private, max-age=31536000, immutable"
#define LOGO_V_LEN 16 /* hex characters of the sha256 in ?v= */

static bool
is_super(const struct pl_req *rq)
{
	return rq->who.role == PL_ROLE_SUPER;
}

/* "09:30" from minutes after midnight. */
static const char *
hhmm(struct pl_arena *a, int m)
{
	return pl_arena_printf(a, "%02d:%02d", m / 60, m % 60);
}

/* The embed snippet: exactly one tag, from the configured base URL. */
static const char *
snippet(struct pl_arena *a, const char *key)
{
	return pl_arena_printf(a,
	    "<script async src=\"%s/static/widget.js\""
	    " data-parley-widget=\"%s\"></script>",
	    pl_cfg()->base_url, key);
}

/* "Mon-Fri", "Every day", "Sun, Tue, Sat": the working days, for pages. */
static const char *
days_label(struct pl_arena *a, unsigned days)
{
	static const char *const abbr[7] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	const char              *s = "";

	if (days == 127)
		return "Every day";
	if (days == 62)
		return "Monday to Friday";
	for (int d = 0; d < 7; d++)
		if (days & (1u << d))
			s = pl_arena_printf(
			    a, "%s%s%s", s, *s ? ", " : "", abbr[d]);
	return s;
}

/* "09:00 to 17:00", "All day", "22:00 to 06:00 (next day)". */
static const char *
hours_label(struct pl_arena *a, int from, int to)
{
	if (from == to)
		return "All day";
	return pl_arena_printf(a, "%s to %s%s", hhmm(a, from), hhmm(a, to),
	    to < from ? " (next day)" : "");
}

/*
 * A widget as JSON: {id, admin_id, company, public_key, website_url,
 * website_origin, details, time_zone, time_zone_label, area_code, days
 * ["mon"...], open_from "HH:MM", open_to, active, number_status,
 * phone_number, number_error, message_count, waiting_count, ongoing_count,
 * resolved_count, department_ids, departments [{id, name, active}], logo
 * {url, content_type, width, height} or null, snippet, preview_url,
 * created_at, created_on} and, for pages, days_label, hours_label and the
 * number status as flags. Caller owns it.
 */
static struct json_object *
widget_json(struct pl_req *rq, const struct pl_widget *w)
{
	struct pl_arena    *a = rq->arena;
	struct json_object *o = json_object_new_object();
	struct json_object *days = json_object_new_array();
	struct json_object *ids = json_object_new_array();
	struct json_object *deps = json_object_new_array();
	struct json_object *logo;
	const char         *c = w->created_at ? w->created_at : "";
	const char         *zl = pl_widget_zone_label(w->time_zone);
	const char         *ns = w->number_status ? w->number_status : "none";

	pl_json_set_i64(o, "id", w->id);
	if (w->admin_id != 0)
		pl_json_set_i64(o, "admin_id", w->admin_id);
	else
		json_object_object_add(o, "admin_id", NULL);
	pl_json_set_str(o, "company", w->company);
	pl_json_set_str(o, "public_key", w->public_key);
	pl_json_set_str(o, "website_url", w->website_url);
	pl_json_set_str(o, "website_origin", w->website_origin);
	pl_json_set_str(o, "details", w->details);
	pl_json_set_str(o, "time_zone", w->time_zone);
	pl_json_set_str(o, "time_zone_label", zl ? zl : w->time_zone);
	pl_json_set_str(o, "area_code", w->area_code ? w->area_code : "");
	for (int d = 0; d < 7; d++)
		if (w->days & (1u << d))
			json_object_array_add(days,
			    json_object_new_string(pl_widget_day_names[d]));
	json_object_object_add(o, "days", days);
	pl_json_set_str(o, "open_from", hhmm(a, w->open_from));
	pl_json_set_str(o, "open_to", hhmm(a, w->open_to));
	pl_json_set_bool(o, "active", w->active);
	pl_json_set_str(o, "number_status", ns);
	if (w->phone_number != NULL)
		pl_json_set_str(o, "phone_number", w->phone_number);
	else
		json_object_object_add(o, "phone_number", NULL);
	pl_json_set_str(
	    o, "number_error", w->number_error ? w->number_error : "");
	pl_json_set_i64(o, "message_count", w->message_count);
	pl_json_set_i64(o, "waiting_count", w->waiting_count);
	pl_json_set_i64(o, "ongoing_count", w->ongoing_count);
	pl_json_set_i64(o, "resolved_count", w->resolved_count);
	for (size_t i = 0; i < w->ndept; i++) {
		struct json_object *d = json_object_new_object();

		json_object_array_add(
		    ids, json_object_new_int64(w->dept[i].id));
		pl_json_set_i64(d, "id", w->dept[i].id);
		pl_json_set_str(d, "name", w->dept[i].name);
		pl_json_set_bool(d, "active", w->dept[i].active);
		json_object_array_add(deps, d);
	}
	json_object_object_add(o, "department_ids", ids);
	json_object_object_add(o, "departments", deps);
	if (w->logo_sha != NULL) {
		logo = json_object_new_object();
		pl_json_set_str(logo, "url",
		    pl_arena_printf(a, "/widgets/%lld/logo?v=%.*s",
		        (long long)w->id, LOGO_V_LEN, w->logo_sha));
		pl_json_set_str(logo, "content_type", w->logo_type);
		pl_json_set_i64(logo, "width", w->logo_width);
		pl_json_set_i64(logo, "height", w->logo_height);
		json_object_object_add(o, "logo", logo);
	} else
		json_object_object_add(o, "logo", NULL);
	pl_json_set_str(o, "snippet", snippet(a, w->public_key));
	pl_json_set_str(o, "preview_url",
	    pl_arena_printf(a, "%s/w/%s", pl_cfg()->base_url, w->public_key));
	pl_json_set_time(o, "created_at", w->created_at);
	pl_json_set_str(
	    o, "created_on", strlen(c) >= 10 ? pl_arena_strndup(a, c, 10) : "");
	/* What pages show: */
	pl_json_set_str(o, "days_label", days_label(a, w->days));
	pl_json_set_str(
	    o, "hours_label", hours_label(a, w->open_from, w->open_to));
	pl_json_set_bool(o, "number_none", strcmp(ns, "none") == 0);
	pl_json_set_bool(o, "number_pending", strcmp(ns, "pending") == 0);
	pl_json_set_bool(o, "number_active", strcmp(ns, "active") == 0);
	pl_json_set_bool(o, "number_failed", strcmp(ns, "failed") == 0);
	/* The Request button: no number yet (or the last try failed) on an
	 * active widget. */
	pl_json_set_bool(o, "number_can_request",
	    w->active &&
	        (strcmp(ns, "none") == 0 || strcmp(ns, "failed") == 0));
	return o;
}

/* --- reading input ------------------------------------------------------ */

static bool
ids_has(const int64_t *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

/* How many times a form field came (repeated boxes). */
static size_t
form_count(const struct pl_req *rq, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < rq->form.n; i++)
		n += strcmp(rq->form.v[i].key, name) == 0;
	return n;
}

/*
 * department_ids: repeated form fields, or a JSON array of integers.
 * *sent says whether the field came at all. Repeats are dropped.
 */
static enum pl_err
ids_read(struct pl_req *rq, bool *sent, const int64_t **out, size_t *n)
{
	static const char bad[] =
	    "Departments must be a list of"
	    " department ids.";
	struct json_object *v = NULL;
	size_t              raw = 0;
	int64_t            *ids;
	long long           id;

	*sent = false;
	*n = 0;
	*out = NULL;
	if (rq->json != NULL) {
		if (!json_object_object_get_ex(rq->json, "department_ids", &v))
			return PL_OK;
		*sent = true;
		if (v == NULL || !json_object_is_type(v, json_type_array))
			return pl_in_fail(rq, "department_ids", bad);
		raw = json_object_array_length(v);
	} else
		*sent = (raw = form_count(rq, "department_ids")) > 0;
	if (raw > PL_WIDGET_DEPTS_MAX)
		return pl_in_fail(rq, "department_ids",
		    "Departments: at most 50 departments.");
	ids = pl_arena_array(rq->arena, raw ? raw : 1, sizeof(*ids));
	for (size_t i = 0, k = 0; i < (rq->json ? raw : rq->form.n); i++) {
		if (rq->json != NULL) {
			struct json_object *e = json_object_array_get_idx(v, i);

			if (e == NULL ||
			    !json_object_is_type(e, json_type_int) ||
			    (id = json_object_get_int64(e)) < 1)
				return pl_in_fail(rq, "department_ids", bad);
		} else {
			if (strcmp(rq->form.v[i].key, "department_ids") != 0)
				continue;
			if (pl_parse_i64(
			        rq->form.v[i].val, 1, INT64_MAX, &id) != PL_OK)
				return pl_in_fail(rq, "department_ids", bad);
		}
		if (!ids_has(ids, k, id))
			ids[k++] = id;
		*n = k;
	}
	*out = ids;
	return PL_OK;
}

/* days: repeated form fields, or a JSON array of day names ("mon"). The
 * names are the domain's to check. */
static enum pl_err
days_read(struct pl_req *rq, bool *sent, const char *const **out, size_t *n)
{
	static const char bad[] =
	    "Working days must be a list of day names"
	    " (sun, mon, tue, wed, thu, fri, sat).";
	struct json_object *v = NULL;
	const char        **d;
	size_t              raw;

	*sent = false;
	*n = 0;
	*out = NULL;
	if (rq->json != NULL) {
		if (!json_object_object_get_ex(rq->json, "days", &v))
			return PL_OK;
		*sent = true;
		if (v == NULL || !json_object_is_type(v, json_type_array) ||
		    json_object_array_length(v) > 7)
			return pl_in_fail(rq, "days", bad);
		raw = json_object_array_length(v);
	} else {
		*sent = (raw = form_count(rq, "days")) > 0;
		if (raw > 7)
			return pl_in_fail(rq, "days", bad);
	}
	d = pl_arena_array(rq->arena, raw ? raw : 1, sizeof(*d));
	if (rq->json != NULL) {
		for (size_t i = 0; i < raw; i++) {
			struct json_object *e = json_object_array_get_idx(v, i);

			if (e == NULL ||
			    !json_object_is_type(e, json_type_string))
				return pl_in_fail(rq, "days", bad);
			d[(*n)++] = json_object_get_string(e);
		}
	} else
		for (size_t i = 0; i < rq->form.n; i++)
			if (strcmp(rq->form.v[i].key, "days") == 0)
				d[(*n)++] = rq->form.v[i].val;
	*out = d;
	return PL_OK;
}

/* A text field; a JSON update that does not send it keeps cur. */
static void
text_read(struct pl_req *rq, const char *name, const char *label,
    unsigned flags, const char *cur, const char **out)
{
	if (cur != NULL && rq->json != NULL && !pl_in_has(rq, name)) {
		*out = cur;
		return;
	}
	pl_in_text(rq, name, label, flags, PL_MAX_FIELD, out);
}

/* The logo file, if one was chosen: only a file field "logo", at most
 * one. A browser sends an empty part without a name when none was
 * chosen: that is no logo. */
static void
logo_read(struct pl_req *rq, struct pl_widget_in *in)
{
	for (size_t i = 0; i < rq->files.n; i++) {
		const struct pl_file *f = &rq->files.v[i];

		if (strcmp(f->field, "logo") != 0) {
			pl_in_fail(
			    rq, NULL, "Only the logo may be sent as a file.");
			pl_in_fail(rq, f->field,
			    "Only the logo may be sent as a file.");
			return;
		}
		if (f->len == 0 && *f->filename == '\0')
			continue;
		if (in->logo != NULL || in->logo_len > 0) {
			pl_in_fail(rq, "logo", "Send one logo file.");
			return;
		}
		/* An empty file with a name: the check says it is empty. */
		in->logo = f->len > 0 ? f->data : "";
		in->logo_len = f->len > 0 ? f->len : 0;
		if (f->len == 0)
			pl_in_fail(rq, "logo", "Logo: The file is empty.");
	}
}

/* A yes/no field: JSON true or false; a form's box ticked (any value) or
 * not. A JSON value of another type is an error on rq->errs. */
static bool
flag_read(struct pl_req *rq, const char *name)
{
	struct json_object *j = NULL;
	const char         *v;

	if (!pl_in_has(rq, name))
		return false;
	if (rq->json == NULL) {
		v = pl_kv_get(&rq->form, name);
		return v != NULL && *v != '\0';
	}
	json_object_object_get_ex(rq->json, name, &j);
	if (j != NULL && !json_object_is_type(j, json_type_boolean)) {
		pl_in_fail(rq, name,
		    pl_arena_printf(rq->arena, "%s is true or false.", name));
		return false;
	}
	return j != NULL && json_object_get_boolean(j);
}

/*
 * Read a create (cur NULL: admin_id allowed) or an update of cur, as
 * typed; the rules are the domain's. Forms (urlencoded or multipart)
 * replace every field (an unticked box sends nothing, so a missing list
 * is empty); a JSON update keeps what it does not send. Only known fields
 * are accepted. Errors are recorded on rq->errs.
 */
static void
widget_read(
    struct pl_req *rq, const struct pl_widget *cur, struct pl_widget_in *in)
{
	static const char *const create[] = { "admin_id", "website_url",
		"details", "time_zone", "area_code", "days", "open_from",
		"open_to", "department_ids", "request_number", NULL };
	static const char *const update[] = { "admin_id", "website_url",
		"details", "time_zone", "area_code", "days", "open_from",
		"open_to", "department_ids", "logo_remove", NULL };
	bool                     sent;
	const char             **d;
	int64_t                 *v;

	memset(in, 0, sizeof(*in));
	/* An unknown field has no place beside the form's fields: its
	 * message also goes to the top of the form. */
	pl_in_only(rq, cur != NULL ? update : create);
	pl_in_id(
	    rq, "admin_id", 0, "Choose an admin from the list.", &in->admin_id);
	text_read(rq, "website_url", "Website URL", 0,
	    cur ? cur->website_url : NULL, &in->website_url);
	text_read(rq, "details", "Widget details", PL_MULTILINE,
	    cur ? cur->details : NULL, &in->details);
	text_read(rq, "time_zone", "Time zone", 0, cur ? cur->time_zone : NULL,
	    &in->time_zone);
	text_read(rq, "area_code", "Area code", 0, cur ? cur->area_code : NULL,
	    &in->area_code);
	text_read(rq, "open_from", "From time", 0,
	    cur ? hhmm(rq->arena, cur->open_from) : NULL, &in->open_from);
	text_read(rq, "open_to", "To time", 0,
	    cur ? hhmm(rq->arena, cur->open_to) : NULL, &in->open_to);
	if (days_read(rq, &sent, &in->days, &in->ndays) == PL_OK && cur &&
	    rq->json != NULL && !sent) {
		d = pl_arena_array(rq->arena, 7, sizeof(*d));
		for (int i = 0; i < 7; i++)
			if (cur->days & (1u << i))
				d[in->ndays++] = pl_widget_day_names[i];
		in->days = d;
	}
	if (ids_read(rq, &sent, &in->dept, &in->ndept) == PL_OK && cur &&
	    rq->json != NULL && !sent) {
		v = pl_arena_array(
		    rq->arena, cur->ndept ? cur->ndept : 1, sizeof(*v));
		for (size_t i = 0; i < cur->ndept; i++)
			v[i] = cur->dept[i].id;
		in->dept = v;
		in->ndept = cur->ndept;
	}
	if (cur != NULL)
		in->logo_remove = flag_read(rq, "logo_remove");
	logo_read(rq, in);
}

/* --- the form ----------------------------------------------------------- */

/* Is val among the form's values of field (the boxes ticked)? */
static bool
form_has(const struct pl_req *rq, const char *field, const char *val)
{
	for (size_t i = 0; i < rq->form.n; i++)
		if (strcmp(rq->form.v[i].key, field) == 0 &&
		    strcmp(rq->form.v[i].val, val) == 0)
			return true;
	return false;
}

/* A form that came back: what was typed, not what was saved. */
static bool
typed(const struct pl_req *rq)
{
	return rq->method != PL_GET && rq->json == NULL;
}

/* One department box of the form. */
static void
dept_option(struct pl_req *rq, struct json_object *arr, int64_t id,
    const char *name, bool active, const struct pl_widget *w)
{
	struct json_object *o = json_object_new_object();
	bool                on = false;

	if (typed(rq))
		on = form_has(rq, "department_ids",
		    pl_arena_printf(rq->arena, "%lld", (long long)id));
	else if (w != NULL)
		for (size_t i = 0; i < w->ndept; i++)
			on = on || w->dept[i].id == id;
	pl_json_set_i64(o, "id", id);
	pl_json_set_str(o, "name", name);
	pl_json_set_bool(o, "inactive", !active);
	pl_json_set_bool(o, "checked", on);
	json_object_array_add(arr, o);
}

/* The time zones, the one chosen (typed, saved, or New York) selected. */
static struct json_object *
zones_json(struct pl_req *rq, const struct pl_widget *w)
{
	struct json_object *arr = json_object_new_array();
	const char         *sel = "America/New_York";

	if (typed(rq))
		sel = pl_kv_get(&rq->form, "time_zone");
	else if (w != NULL)
		sel = w->time_zone;
	for (size_t i = 0; pl_zones[i].name != NULL; i++) {
		struct json_object *o = json_object_new_object();

		pl_json_set_str(o, "name", pl_zones[i].name);
		pl_json_set_str(o, "label", pl_zones[i].label);
		pl_json_set_bool(o, "selected",
		    sel != NULL && strcmp(sel, pl_zones[i].name) == 0);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The day boxes, ticked as typed, saved, or Monday to Friday. */
static struct json_object *
days_json(struct pl_req *rq, const struct pl_widget *w)
{
	struct json_object *arr = json_object_new_array();
	unsigned            days = w != NULL ? w->days : 62;

	for (int d = 0; d < 7; d++) {
		struct json_object *o = json_object_new_object();

		pl_json_set_str(o, "name", pl_widget_day_names[d]);
		pl_json_set_str(o, "label", pl_widget_day_labels[d]);
		pl_json_set_bool(o, "checked",
		    typed(rq) ? form_has(rq, "days", pl_widget_day_names[d])
		              : (days & (1u << d)) != 0);
		json_object_array_add(arr, o);
	}
	return arr;
}

/*
 * The form's data (its JSON twin's too): for the super admin creating, the
 * admin picker (admins); once the tenant is known (tenant_id != 0), its
 * admin, its active departments (plus those w offers that are inactive
 * since) as boxes, the time zones and the days; the widget edited. The
 * fields start from w's, or from the defaults (09:00 to 17:00).
 */
static enum pl_err
form_fill(struct pl_req *rq, struct pl_resp *rs, int64_t tenant_id,
    int64_t admin_id, const struct pl_widget *w)
{
	struct json_object *o = pl_resp_obj(rs), *deps, *v;
	struct pl_db       *db = pl_req_db(rq);
	struct pl_option   *opts, admin;
	size_t              n;
	enum pl_err         er;

	pl_json_set_bool(o, "super", is_super(rq));
	if (is_super(rq) && w == NULL) {
		if ((er = pl_dept_admin_options(db, rq->arena, &rq->who,
		         admin_id, &opts, &n)) != PL_OK)
			return er;
		json_object_object_add(o, "admins", pl_pick_admins(opts, n));
	}
	if (tenant_id != 0) {
		if ((er = pl_agent_admin_info(
		         db, rq->arena, &rq->who, tenant_id, &admin)) != PL_OK)
			return er;
		json_object_object_add(o, "admin", pl_pick_admin(&admin));
		pl_json_set_i64(o, "admin_id", admin_id);
		if ((er = pl_dept_options(db, rq->arena, &rq->who, tenant_id,
		         &opts, &n)) != PL_OK)
			return er;
		deps = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			dept_option(
			    rq, deps, opts[i].id, opts[i].name, true, w);
		for (size_t i = 0; w != NULL && i < w->ndept; i++)
			if (!w->dept[i].active)
				dept_option(rq, deps, w->dept[i].id,
				    w->dept[i].name, false, w);
		pl_json_set_bool(
		    o, "no_departments", json_object_array_length(deps) == 0);
		json_object_object_add(o, "departments", deps);
		json_object_object_add(o, "zones", zones_json(rq, w));
		json_object_object_add(o, "days", days_json(rq, w));
	}
	v = json_object_new_object();
	if (w != NULL) {
		json_object_object_add(o, "widget", widget_json(rq, w));
		pl_json_set_str(pl_resp_view(rs), "action",
		    pl_arena_printf(
		        rq->arena, "/widgets/%lld", (long long)w->id));
		pl_json_set_str(v, "website_url", w->website_url);
		pl_json_set_str(v, "details", w->details);
		pl_json_set_str(v, "area_code", w->area_code);
		pl_json_set_str(v, "open_from", hhmm(rq->arena, w->open_from));
		pl_json_set_str(v, "open_to", hhmm(rq->arena, w->open_to));
	} else {
		pl_json_set_str(pl_resp_view(rs), "action", "/widgets");
		pl_json_set_str(v, "open_from", "09:00");
		pl_json_set_str(v, "open_to", "17:00");
	}
	pl_resp_form(rs, v);
	return PL_OK;
}

/* The admin a form is for: admin_id as given, or the caller's own (an
 * admin); *tenant_id its tenant, 0 when none is chosen yet. */
static enum pl_err
form_admin(struct pl_req *rq, int64_t *admin_id, int64_t *tenant_id)
{
	*tenant_id = 0;
	if (*admin_id == 0 && !is_super(rq))
		*admin_id = rq->who.user_id;
	if (*admin_id == 0)
		return PL_OK;
	return pl_admin_tenant(
	    pl_req_db(rq), rq->arena, &rq->who, *admin_id, tenant_id);
}

/* --- handlers ----------------------------------------------------------- */

/*
 * GET /widgets, GET /api/widgets ?q= ?sort=website|created|messages ?dir=
 * ?limit= ?next= ?admin_id=
 * 200 {items: [widget...], next}: the super admin sees every tenant's (or
 * one admin's with ?admin_id=), an admin its own; ?q= matches the start
 * of the website's host (its scheme may be typed) or of the phone number.
 * 400 a bad parameter (named); 404 an admin_id that is not an admin (or
 * not the caller).
 */
static enum pl_err
widgets_list(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *o, *items;
	struct pl_option   *opts;
	struct pl_widget   *v;
	struct pl_list      l;
	size_t              n;
	int64_t             aid;
	enum pl_err         er;

	pl_resp_page(rs, "widgets_list", "Widgets");
	o = pl_resp_view(rs);
	pl_json_set_bool(o, "super", is_super(rq));
	if ((er = pl_list_parse(rq, pl_widget_sorts, &l)) != PL_OK ||
	    (er = pl_in_query_id(
	         rq, "admin_id", "admin_id is an admin's id.", &aid)) != PL_OK)
		return er;
	if (is_super(rq)) {
		if ((er = pl_dept_admin_options(pl_req_db(rq), rq->arena,
		         &rq->who, aid, &opts, &n)) != PL_OK)
			return er;
		json_object_object_add(o, "admins", pl_pick_admins(opts, n));
	}
	if ((er = pl_widget_list(
	         pl_req_db(rq), rq->arena, &rq->who, aid, &l, &v, &n)) != PL_OK)
		return er;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, widget_json(rq, &v[i]));
	pl_list_reply(rq, rs, &l, items);
	pl_json_set_str(o, "back", pl_list_href(rq));
	return PL_OK;
}

/*
 * GET /widgets/new, GET /api/widgets/new ?admin_id=
 * 200 the form: for the super admin, {admins} and, once an admin is
 * chosen, {admin, departments, zones, days}; for an admin, its own. 404
 * an admin_id that is not an admin (or not the caller).
 */
static enum pl_err
widgets_new(struct pl_req *rq, struct pl_resp *rs)
{
	const char *s = pl_query(rq, "admin_id");
	int64_t     aid = 0, tid;
	long long   n;
	enum pl_err er;

	pl_resp_page(rs, "widgets_form", "New widget");
	if (s != NULL && *s != '\0') {
		if (pl_parse_i64(s, 1, INT64_MAX, &n) != PL_OK)
			return PL_ENOTFOUND;
		aid = n;
	}
	if ((er = form_admin(rq, &aid, &tid)) != PL_OK)
		return er;
	return form_fill(rq, rs, tid, aid, NULL);
}

/* Reply with widget id as saved: JSON the widget, a form a 303 to href
 * (its page when NULL). */
static enum pl_err
widget_saved(struct pl_req *rq, struct pl_resp *rs, int64_t id,
    const char *href, bool created)
{
	struct pl_widget w;
	enum pl_err      er;

	if ((er = pl_widget_get(pl_req_db(rq), rq->arena, &rq->who, id, &w)) !=
	    PL_OK)
		return er;
	if (href == NULL)
		href =
		    pl_arena_printf(rq->arena, "/widgets/%lld", (long long)id);
	if (created)
		pl_resp_created(
		    rs, widget_json(rq, &w), href, "Widget created.");
	else
		pl_resp_saved(rs, widget_json(rq, &w), href, NULL);
	return PL_OK;
}

/*
 * POST /widgets, POST /api/widgets (multipart/form-data, a form, or JSON)
 * {admin_id, website_url, details, time_zone, area_code, days: [name...],
 * open_from, open_to, department_ids: [id...], logo: a file,
 * request_number: true, or a ticked form field (the Request button: then
 * buy its number)}
 * 201 the widget (HTML: 303 to its page); 400 bad input (named; admin_id
 * required from the super admin); 404 an admin_id or a department id that
 * is not the caller's (named). Nothing is saved on error.
 */
static enum pl_err
widgets_create(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_widget_in in;
	int64_t             aid, tid, id;
	bool                want_number;
	enum pl_err         er, ef;

	pl_resp_page(rs, "widgets_form", "New widget");
	/* What the readers found wrong stays on rq->errs, which the domain
	 * adds to: every fault is named at once, and nothing is saved. */
	widget_read(rq, NULL, &in);
	want_number = flag_read(rq, "request_number");
	er = pl_widget_create(
	    pl_req_db(rq), rq->arena, &rq->who, &in, &rq->errs, &id);
	if (er == PL_OK) {
		struct pl_errs fe = { 0 };

		/* The Request button (2.6j): the page was valid and the widget
		 * is saved; now its number. A refusal here cannot undo the
		 * widget: its page says what happened and offers the button. */
		if (want_number && pl_widgetnum_request(pl_req_db(rq),
		                       rq->arena, &rq->who, id, &fe) != PL_OK)
			pl_warn("widgets: %lld: the number was not requested",
			    (long long)id);
		return widget_saved(rq, rs, id, NULL, true);
	}
	/* The form again shows what was chosen: the admin's departments. */
	aid = in.admin_id;
	if (form_admin(rq, &aid, &tid) != PL_OK)
		aid = tid = 0;
	if ((ef = form_fill(rq, rs, tid, aid, NULL)) != PL_OK)
		return ef;
	return er;
}

/*
 * GET /widgets/:id, GET /api/widgets/:id
 * 200 the widget, with admin_name; 404 no such widget in reach.
 */
static enum pl_err
widgets_show(struct pl_req *rq, struct pl_resp *rs)
{
	struct json_object *o;
	struct pl_widget    w;
	int64_t             id;
	enum pl_err         er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_widget_get(pl_req_db(rq), rq->arena, &rq->who, id, &w)) !=
	        PL_OK)
		return er;
	pl_resp_page(rs, "widgets_show", "Widget");
	o = widget_json(rq, &w);
	pl_json_set_str(o, "admin_name", w.admin_name);
	pl_resp_set(rs, o);
	pl_json_set_bool(pl_resp_view(rs), "super", is_super(rq));
	return PL_OK;
}

/*
 * GET /widgets/:id/edit, GET /api/widgets/:id/edit
 * 200 the form: {widget, admin, departments (ticked as saved), zones,
 * days}; 404 as for GET /widgets/:id.
 */
static enum pl_err
widgets_edit(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_widget w;
	int64_t          id;
	enum pl_err      er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_widget_get(pl_req_db(rq), rq->arena, &rq->who, id, &w)) !=
	        PL_OK)
		return er;
	pl_resp_page(rs, "widgets_form", "Edit widget");
	return form_fill(rq, rs, w.tenant_id, w.admin_id, &w);
}

/*
 * POST /widgets/:id, PUT /api/widgets/:id (multipart, a form, or JSON)
 * {website_url, details, time_zone, area_code, days, open_from, open_to,
 * department_ids, logo: a file, logo_remove}
 * 200 the widget (HTML: 303 to its page); 400 bad input (named); 404 the
 * widget, or a department id, not the caller's. A form replaces every
 * field (and keeps the logo unless a new one or logo_remove is sent);
 * JSON keeps what it omits.
 */
static enum pl_err
widgets_update(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_widget_in in;
	struct pl_widget    w;
	int64_t             id;
	enum pl_err         er, ef;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_widget_get(pl_req_db(rq), rq->arena, &rq->who, id, &w)) !=
	        PL_OK)
		return er;
	pl_resp_page(rs, "widgets_form", "Edit widget");
	widget_read(rq, &w, &in);
	er = pl_widget_update(
	    pl_req_db(rq), rq->arena, &rq->who, id, &in, &rq->errs);
	if (er == PL_OK)
		return widget_saved(rq, rs, id, NULL, false);
	if ((ef = form_fill(rq, rs, w.tenant_id, w.admin_id, &w)) != PL_OK)
		return ef;
	return er;
}

/*
 * GET /widgets/:id/logo ?v=
 * 200 the logo's bytes, with the Content-Type they were checked to be,
 * nosniff and a CSP that lets them do nothing; cached for good when ?v=
 * names this version (the pages link it so). 404 no such widget in reach,
 * or no logo.
 */
static enum pl_err
widgets_logo(struct pl_req *rq, struct pl_resp *rs)
{
	struct pl_widget_logo l;
	const char           *v = pl_query(rq, "v");
	int64_t               id;
	enum pl_err           er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_widget_logo(pl_req_db(rq), rq->arena, &rq->who, id, &l)) !=
	        PL_OK)
		return er;
	/* Another version's address must not keep this one for good. */
	pl_resp_raw(rs, l.ctype, l.bytes, l.len,
	    v != NULL && strlen(v) == LOGO_V_LEN &&
	            strncmp(v, l.sha256, LOGO_V_LEN) == 0
	        ? LOGO_CACHE
	        : "private, no-cache");
	return PL_OK;
}

static enum pl_err
set_active(struct pl_req *rq, struct pl_resp *rs, bool active)
{
	static const char *const fields[] = { "back", NULL };
	struct pl_widget         w;
	int64_t                  id;
	enum pl_err              er;

	/* Out of reach is a 404 whatever the body says. */
	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_widget_get(pl_req_db(rq), rq->arena, &rq->who, id, &w)) !=
	        PL_OK ||
	    (er = pl_in_only(rq, fields)) != PL_OK ||
	    (er = pl_widget_set_active(
	         pl_req_db(rq), rq->arena, &rq->who, id, active)) != PL_OK)
		return er;
	return widget_saved(rq, rs, id,
	    pl_in_back(pl_kv_get(&rq->form, "back"), "/widgets",
	        pl_arena_printf(rq->arena, "/widgets/%lld", (long long)id)),
	    false);
}

/*
 * POST /widgets/:id/activate {back}, POST /api/widgets/:id/activate
 * HTML: 303 back; JSON: 200 the widget (active). 404 no such widget in
 * reach. Already active: nothing changes, nothing is audited.
 */
static enum pl_err
widgets_activate(struct pl_req *rq, struct pl_resp *rs)
{
	return set_active(rq, rs, true);
}

/*
 * POST /widgets/:id/deactivate {back}, POST /api/widgets/:id/deactivate
 * As activate; an inactive widget takes no new chats.
 */
static enum pl_err
widgets_deactivate(struct pl_req *rq, struct pl_resp *rs)
{
	return set_active(rq, rs, false);
}

/*
 * POST /widgets/:id/number, POST /api/widgets/:id/number (no fields)
 * The Request button: buy the widget's Twilio number (the worker does, in
 * the business's sub-account); after a failure, the same is the retry.
 * HTML: 303 to the widget's page, which shows "pending" and then the number
 * or the reason; JSON: 200 the widget (number_status "pending"). Asking
 * while pending changes nothing. 404 out of reach; 409 the widget has a
 * number, or is inactive (the message says which).
 */
static enum pl_err
widgets_number(struct pl_req *rq, struct pl_resp *rs)
{
	static const char *const fields[] = { NULL };
	struct pl_widget         w;
	int64_t                  id;
	enum pl_err              er;

	if ((er = pl_path_id(rq, "id", &id)) != PL_OK ||
	    (er = pl_widget_get(pl_req_db(rq), rq->arena, &rq->who, id, &w)) !=
	        PL_OK ||
	    (er = pl_in_only(rq, fields)) != PL_OK ||
	    (er = pl_widgetnum_request(
	         pl_req_db(rq), rq->arena, &rq->who, id, &rq->errs)) != PL_OK)
		return er;
	if ((er = pl_widget_get(pl_req_db(rq), rq->arena, &rq->who, id, &w)) !=
	    PL_OK)
		return er;
	pl_resp_saved(rs, widget_json(rq, &w),
	    pl_arena_printf(rq->arena, "/widgets/%lld", (long long)id),
	    "Parley is buying the widget's number; this page shows it when"
	    " it has one.");
	return PL_OK;
}
