/* resp.c: building replies, and rendering them as an HTML page or as the
 * JSON envelope. Handlers never write error bodies: pl_resp_render() does,
 * from the error code and the request's recorded field errors. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "parse.h"
#include "proc.h"
#include "req.h"
#include "resp.h"
#include "tmpl.h"

struct json_object *
pl_resp_obj(struct pl_resp *rs)
{
	if (rs->data == NULL)
		rs->data = json_object_new_object();
	return rs->data;
}

void
pl_resp_set(struct pl_resp *rs, struct json_object *v)
{
	json_object_put(rs->data);
	rs->data = v;
}

void
pl_resp_page(struct pl_resp *rs, const char *tmpl, const char *title)
{
	rs->page = tmpl;
	rs->title = title;
}

struct json_object *
pl_resp_view(struct pl_resp *rs)
{
	if (rs->view == NULL)
		rs->view = json_object_new_object();
	return rs->view;
}

void
pl_resp_form(struct pl_resp *rs, struct json_object *values)
{
	json_object_put(rs->form);
	rs->form = values;
}

void
pl_resp_saved(struct pl_resp *rs, struct json_object *obj, const char *href,
    const char *flash)
{
	if (rs->api) {
		pl_resp_set(rs, obj);
		return;
	}
	json_object_put(obj);
	pl_resp_redirect(rs, href, flash ? flash : "Saved.");
}

void
pl_resp_created(struct pl_resp *rs, struct json_object *obj, const char *href,
    const char *flash)
{
	pl_resp_saved(rs, obj, href, flash);
	if (rs->api)
		rs->status = 201;
}

void
pl_resp_put(struct pl_resp *rs, const char *key, struct json_object *obj)
{
	if (rs->api)
		pl_resp_set(rs, obj);
	else
		json_object_object_add(pl_resp_obj(rs), key, obj);
}

void
pl_resp_status(struct pl_resp *rs, int status)
{
	rs->status = status;
}

void
pl_resp_redirect(struct pl_resp *rs, const char *path, const char *flash)
{
	if (path[0] != '/' || path[1] == '/' || path[1] == '\\' ||
	    strpbrk(path, "\r\n") != NULL)
		pl_die("resp: redirect to a non-local path");
	rs->redirect = path;
	rs->flash = flash;
}

void
pl_resp_header(struct pl_resp *rs, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL)
		pl_die("resp: header %s with CR or LF", name);
	if (rs->headers.arena == NULL)
		pl_buf_init(&rs->headers, rs->arena);
	pl_buf_printf(&rs->headers, "%s: %s\r\n", name, value);
}

void
pl_resp_cookie(
    struct pl_resp *rs, const char *name, const char *value, long max_age)
{
	char v[512];

	if (max_age < 0)
		snprintf(v, sizeof(v),
		    "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", name, value,
		    pl_cfg()->secure_cookies ? "; Secure" : "");
	else
		snprintf(v, sizeof(v),
		    "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
		    name, value, max_age,
		    pl_cfg()->secure_cookies ? "; Secure" : "");
	pl_resp_header(rs, "Set-Cookie", v);
}

/*
 * Flash texts: a redirect names one; the next page shows it. The cookie
 * carries the text with an HMAC of it (a key of its own, from the secret),
 * so nobody can make a page say anything, and each resource keeps its own
 * texts beside its handlers.
 */
#define FLASH_MAX 300 /* bytes of text */

static const char *
flash_value(struct pl_arena *a, const char *text)
{
	unsigned char mac[32];
	size_t        n = strlen(text);

	if (n > FLASH_MAX)
		pl_die("resp: a flash text over %d bytes", FLASH_MAX);
	pl_hmac_sha256(
	    pl_cfg()->flash_key, sizeof(pl_cfg()->flash_key), text, n, mac);
	return pl_arena_printf(a, "%s.%s", pl_b64url_encode(a, text, n),
	    pl_b64url_encode(a, mac, 16));
}

/* The text of a flash cookie, or NULL when it is not one we signed. */
static const char *
flash_text(struct pl_arena *a, const char *v)
{
	const char   *dot = v ? strchr(v, '.') : NULL;
	unsigned char mac[32], *text, *got;
	size_t        n, gn;

	if (dot == NULL || (size_t)(dot - v) > 2 * FLASH_MAX ||
	    pl_b64url_decode(a, v, (size_t)(dot - v), &text, &n) != PL_OK ||
	    pl_b64url_decode(a, dot + 1, strlen(dot + 1), &got, &gn) != PL_OK ||
	    gn != 16)
		return NULL;
	pl_hmac_sha256(
	    pl_cfg()->flash_key, sizeof(pl_cfg()->flash_key), text, n, mac);
	if (!pl_ct_equal(mac, 16, got, gn) ||
	    !pl_utf8_valid((const char *)text, n) ||
	    memchr(text, '\0', n) != NULL)
		return NULL;
	return pl_arena_strndup(a, (const char *)text, n);
}

/* The sidebar: the PL_NAV lines of every cgi-bin file, gathered by the
 * build in their order (resp.h). */
static const struct {
	int          order;
	const char  *href;
	const char  *label;
	enum pl_role min;
} nav[] = {
#include "nav.inc"
};

static struct json_object *
nav_build(const struct pl_req *rq)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
		struct json_object *o;
		size_t              hl = strlen(nav[i].href);

		if (rq->sess->role < nav[i].min)
			continue;
		o = json_object_new_object();
		pl_json_set_str(o, "href", nav[i].href);
		pl_json_set_str(o, "label", nav[i].label);
		pl_json_set_bool(o, "active",
		    strcmp(rq->path, nav[i].href) == 0 ||
		        (hl > 1 && strncmp(rq->path, nav[i].href, hl) == 0 &&
		            rq->path[hl] == '/'));
		json_object_array_add(a, o);
	}
	return a;
}

static int
is_secret_field(const char *k)
{
	return strcmp(k, "csrf") == 0 || strstr(k, "password") != NULL ||
	       strcmp(k, "auth_token") == 0;
}

/* The values a form shows: what the handler gave (pl_resp_form: a saved
 * record, or what the page carries, like a reset token) with, after a
 * POST, what the user typed on top. Never the query string, so a link
 * cannot fill a form in; never passwords. */
static struct json_object *
form_values(const struct pl_req *rq, const struct pl_resp *rs)
{
	struct json_object *o = json_object_new_object();

	if (rs->form != NULL &&
	    json_object_is_type(rs->form, json_type_object)) {
		json_object_object_foreach(rs->form, k, v)
		{
			if (!is_secret_field(k))
				json_object_object_add(
				    o, k, json_object_get(v));
		}
	}
	if (rq->method == PL_GET)
		return o;
	for (size_t i = 0; i < rq->form.n; i++)
		if (!is_secret_field(rq->form.v[i].key))
			pl_json_set_str(
			    o, rq->form.v[i].key, rq->form.v[i].val);
	return o;
}

/* The field errors as {field: message}. */
static struct json_object *
errs_json(const struct pl_errs *e)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < e->n; i++)
		pl_json_set_str(o, e->v[i].field, e->v[i].msg);
	return o;
}

static void
render_html(struct pl_req *rq, struct pl_resp *rs, const char *tmpl,
    const char *title, struct json_object *data, struct json_object *values,
    const char *error, struct pl_buf *body)
{
	struct json_object *ctx = json_object_new_object();
	struct json_object *page = json_object_new_object();
	struct json_object *form = json_object_new_object();
	const char *flash = flash_text(rq->arena, pl_cookie(rq, "pl_flash"));

	pl_json_set_str(page, "title", title);
	json_object_object_add(ctx, "page", page);
	pl_json_set_str(ctx, "csrf", rs->csrf);
	if (rq->sess != NULL) {
		struct json_object *me = json_object_new_object();

		pl_json_set_i64(me, "id", rq->sess->user_id);
		pl_json_set_str(me, "first_name", rq->sess->first_name);
		pl_json_set_str(me, "last_name", rq->sess->last_name);
		pl_json_set_str(me, "email", rq->sess->email);
		pl_json_set_str(me, "role", pl_role_name(rq->sess->role));
		pl_json_set_str(
		    me, "role_label", pl_role_label(rq->sess->role));
		json_object_object_add(ctx, "me", me);
		json_object_object_add(ctx, "nav", nav_build(rq));
		if (rq->sess->real_user_id != 0) {
			struct json_object *em = json_object_new_object();

			pl_json_set_str(em, "real_name", rq->sess->real_name);
			pl_json_set_str(em, "as_name",
			    pl_arena_printf(rq->arena, "%s %s",
			        rq->sess->first_name, rq->sess->last_name));
			json_object_object_add(ctx, "emulating", em);
		}
	}
	if (pl_cookie(rq, "pl_flash") != NULL) {
		if (flash != NULL)
			pl_json_set_str(ctx, "flash", flash);
		pl_resp_cookie(rs, "pl_flash", "", 0);
	}
	json_object_object_add(
	    form, "values", values ? values : json_object_new_object());
	if (rq->errs.n > 0)
		json_object_object_add(form, "errors", errs_json(&rq->errs));
	if (error != NULL)
		pl_json_set_str(form, "error", error);
	json_object_object_add(ctx, "form", form);
	json_object_object_add(ctx, "data",
	    data ? json_object_get(data) : json_object_new_object());
	if (pl_tmpl_render(rq->tmpl, tmpl, ctx, body) != PL_OK)
		pl_die("resp: no template %s", tmpl);
	json_object_put(ctx);
}

void
pl_resp_raw(struct pl_resp *rs, const char *ctype, const void *data, size_t len,
    const char *cache)
{
	if (strpbrk(ctype, "\r\n") != NULL ||
	    (cache != NULL && strpbrk(cache, "\r\n") != NULL))
		pl_die("resp: raw type or cache with CR or LF");
	rs->raw = data;
	rs->raw_len = len;
	rs->raw_type = ctype;
	rs->cache = cache;
}

void
pl_resp_frame(struct pl_resp *rs, const char *origin)
{
	if (*origin == '\0' || strpbrk(origin, " \t\"';,\r\n") != NULL)
		pl_die("resp: frame ancestor %s is not an origin", origin);
	rs->frame_ancestors = origin;
}

static void
head_common(
    struct pl_buf *out, int status, const char *ctype, const struct pl_resp *rs)
{
	const char *fa = rs->frame_ancestors;

	pl_buf_printf(out,
	    "Status: %d\r\n"
	    "Content-Type: %s\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Cache-Control: no-store\r\n"
	    "%s"
	    "Content-Security-Policy: default-src 'self'; img-src 'self' data:;"
	    " style-src 'self'; script-src 'self'; object-src 'none';"
	    " base-uri 'none'; form-action 'self'; frame-ancestors %s\r\n",
	    status, ctype, fa ? "" : "X-Frame-Options: DENY\r\n",
	    fa ? fa : "'none'");
}

/* HTML pages that an error re-renders as the form, with what was typed. */
static int
form_error(enum pl_err er)
{
	return er == PL_EINVAL || er == PL_EAUTH || er == PL_ETOOMANY ||
	       er == PL_ECONFLICT || er == PL_EPERM || er == PL_ETOOBIG;
}

void
pl_resp_render(
    struct pl_req *rq, struct pl_resp *rs, enum pl_err er, struct pl_buf *out)
{
	struct pl_buf body;
	int           status;

	pl_buf_init(&body, rq->arena);
	if (rs->headers.arena == NULL)
		pl_buf_init(&rs->headers, rs->arena);

	if (er == PL_OK && rs->redirect != NULL && !rq->api) {
		if (rs->flash != NULL)
			pl_resp_cookie(rs, "pl_flash",
			    flash_value(rq->arena, rs->flash), 60);
		pl_buf_printf(
		    out, "Status: 303\r\nLocation: %s\r\n", rs->redirect);
		pl_buf_puts(out, "Cache-Control: no-store\r\n");
		pl_buf_add(out, rs->headers.p, rs->headers.len);
		pl_buf_puts(out, "Content-Length: 0\r\n\r\n");
		return;
	}
	if (er == PL_OK && rs->raw_type != NULL) {
		pl_buf_printf(out,
		    "Status: %d\r\n"
		    "Content-Type: %s\r\n"
		    "X-Content-Type-Options: nosniff\r\n"
		    "Cache-Control: %s\r\n"
		    "Content-Security-Policy: default-src 'none'; sandbox\r\n",
		    rs->status ? rs->status : 200, rs->raw_type,
		    rs->cache ? rs->cache : "no-store");
		pl_buf_add(out, rs->headers.p, rs->headers.len);
		pl_buf_printf(out, "Content-Length: %zu\r\n\r\n", rs->raw_len);
		pl_buf_add(out, rs->raw, rs->raw_len);
		return;
	}
	if (rq->api) {
		struct json_object *env = json_object_new_object();

		if (er == PL_OK) {
			status = rs->status ? rs->status : 200;
			json_object_object_add(
			    env, "success", json_object_new_boolean(1));
			json_object_object_add(env, "data",
			    rs->data ? json_object_get(rs->data)
			             : json_object_new_object());
		} else {
			struct json_object *e = json_object_new_object();
			const char         *msg = rq->errs.msg;

			status = pl_err_status(er);
			json_object_object_add(
			    env, "success", json_object_new_boolean(0));
			pl_json_set_str(e, "code", pl_err_code(er));
			if (rq->errs.n > 0) {
				pl_json_set_str(
				    e, "field", rq->errs.v[0].field);
				if (msg == NULL)
					msg = rq->errs.v[0].msg;
				json_object_object_add(
				    e, "fields", errs_json(&rq->errs));
			}
			pl_json_set_str(
			    e, "message", msg ? msg : pl_err_message(er));
			json_object_object_add(env, "error", e);
		}
		pl_json_write(&body, env);
		json_object_put(env);
		head_common(out, status, "application/json; charset=utf-8", rs);
	} else {
		if (rs->view != NULL &&
		    (rs->data == NULL ||
		        json_object_is_type(rs->data, json_type_object))) {
			json_object_object_foreach(rs->view, k, v)
			    json_object_object_add(
			        pl_resp_obj(rs), k, json_object_get(v));
		}
		if (er == PL_OK) {
			status = rs->status ? rs->status : 200;
			render_html(rq, rs, rs->page ? rs->page : "error",
			    rs->title ? rs->title : "Parley", rs->data,
			    form_values(rq, rs), NULL, &body);
		} else if (er == PL_EAUTH && rs->page == NULL) {
			/* A page that needs a session: sign in, then back. */
			struct pl_buf loc;

			pl_buf_init(&loc, rq->arena);
			pl_buf_puts(&loc, "/login");
			if (rq->method == PL_GET &&
			    strcmp(rq->path, "/") != 0) {
				pl_buf_puts(&loc, "?next=");
				for (const char *p = rq->path; *p; p++) {
					unsigned char c = (unsigned char)*p;

					if ((c >= 'a' && c <= 'z') ||
					    (c >= 'A' && c <= 'Z') ||
					    (c >= '0' && c <= '9') ||
					    c == '/' || c == '-' || c == '_' ||
					    c == '.')
						pl_buf_putc(&loc, (char)c);
					else
						pl_buf_printf(
						    &loc, "%%%02X", c);
				}
			}
			pl_buf_printf(out, "Status: 303\r\nLocation: %s\r\n",
			    pl_buf_cstr(&loc));
			pl_buf_puts(out, "Cache-Control: no-store\r\n");
			pl_buf_add(out, rs->headers.p, rs->headers.len);
			pl_buf_puts(out, "Content-Length: 0\r\n\r\n");
			return;
		} else if (rs->page != NULL && form_error(er)) {
			const char *msg = rq->errs.msg;

			if (msg == NULL && rq->errs.n == 0)
				msg = pl_err_message(er);
			status = pl_err_status(er);
			render_html(rq, rs, rs->page, rs->title, rs->data,
			    form_values(rq, rs), msg, &body);
		} else {
			struct json_object *d = json_object_new_object();

			status = pl_err_status(er);
			pl_json_set_i64(d, "status", status);
			pl_json_set_str(d, "message",
			    rq->errs.msg ? rq->errs.msg : pl_err_message(er));
			render_html(
			    rq, rs, "error", "Error", d, NULL, NULL, &body);
			json_object_put(d);
		}
		head_common(out, status, "text/html; charset=utf-8", rs);
	}
	pl_buf_add(out, rs->headers.p, rs->headers.len);
	pl_buf_printf(out, "Content-Length: %zu\r\n\r\n", body.len);
	pl_buf_add(out, body.p, body.len);
}

const char *
pl_date_label(struct pl_arena *a, const char *dt)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int                      y = 0, m = 0, d = 0;

	/* Digits by hand: pl_parse_i64 refuses the leading zeros of "01". */
	if (dt == NULL || strlen(dt) < 10 || dt[4] != '-' || dt[7] != '-')
		return "";
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (dt[i] < '0' || dt[i] > '9')
			return "";
		if (i < 4)
			y = y * 10 + (dt[i] - '0');
		else if (i < 7)
			m = m * 10 + (dt[i] - '0');
		else
			d = d * 10 + (dt[i] - '0');
	}
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > 31)
		return "";
	return pl_arena_printf(a, "%s %d, %d", months[m - 1], d, y);
}
