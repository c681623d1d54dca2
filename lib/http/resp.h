/* resp.h: the reply, built by a handler and rendered by the front line as
 * an HTML page (a template) or, under /api/, as the JSON envelope. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_RESP_H
#define PL_RESP_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "pl_json.h"
#include "err.h"
#include "role.h"

struct json_object;
struct pl_req;

struct pl_resp {
	struct pl_arena    *arena;
	bool                api;     /* the JSON twin: set by the front line */
	int                 status;  /* 0: 200 (or the error's) */
	struct pl_buf       headers; /* extra "Name: value\r\n" lines */
	struct json_object *data;    /* the payload; owned, put at the end */
	struct json_object *form;    /* what the page's form starts from;
	                              * owned (pl_resp_form) */
	struct json_object *view;    /* what only the page shows, merged
	                              * into data for HTML; owned */
	const char *page;            /* template name for HTML */
	const char *title;
	const char *redirect; /* HTML: 303 See Other to here */
	const char *flash;    /* text to show after the redirect */
	const char *csrf;     /* the page's CSRF token (front line) */
	int         done;     /* already sent (streaming); skip render */
	/* A body that is not a page or JSON (pl_resp_raw). */
	const void *raw;
	size_t      raw_len;
	const char *raw_type;
	const char *cache;           /* Cache-Control; NULL: no-store */
	const char *frame_ancestors; /* an HTML page another origin may frame
	                              * (pl_resp_frame); NULL: none may */
};

/*
 * The sidebar: each resource declares its own entries in its cgi-bin file,
 * at file scope: PL_NAV(20, "/admins", "Admins", PL_ROLE_SUPER); the build
 * collects them, ordered by the first number, into every executable's
 * sidebar (Makefile.am: lib/http/nav.inc). An entry shows to the role
 * named and above, and is active on its path and below it.
 */
#define PL_NAV(order, href, label, role)                                       \
	_Static_assert((order) > 0 && sizeof(href) > 1 && sizeof(label) > 1 && \
	                   (role) >= PL_ROLE_AGENT && (role) <= PL_ROLE_SUPER, \
	    "PL_NAV(order, href, label, role)")

/* The data object, created empty on first use; borrowed. */
struct json_object *pl_resp_obj(struct pl_resp *rs);
/* Replace the data with v (takes ownership; may be an array or NULL). */
void pl_resp_set(struct pl_resp *rs, struct json_object *v);
/* HTML: render this template with this title (also the page to re-render
 * with the typed values and errors if the handler then fails). */
void pl_resp_page(struct pl_resp *rs, const char *tmpl, const char *title);
void pl_resp_status(struct pl_resp *rs, int status);
/* HTML: 303 to a local path, with an optional text to show there once (it
 * travels signed in a cookie, so nobody can make a page say anything).
 * JSON replies ignore it. */
void pl_resp_redirect(struct pl_resp *rs, const char *path, const char *flash);
/*
 * The form on this page starts from values (an object of field -> value:
 * the saved record, a token the page carries); after a POST the front line
 * puts what was typed on top, so a refused form keeps it. Templates read
 * form.values.NAME, never data. Takes ownership of values.
 */
void pl_resp_form(struct pl_resp *rs, struct json_object *values);
/*
 * A write succeeded: the JSON twin answers with obj (status 200, or 201
 * when created), the page redirects to href with flash ("Saved." when
 * NULL). Takes ownership of obj.
 */
void pl_resp_saved(struct pl_resp *rs, struct json_object *obj,
    const char *href, const char *flash);
void pl_resp_created(struct pl_resp *rs, struct json_object *obj,
    const char *href, const char *flash);
/* What only the page shows (links back, pickers, flags for the template):
 * an object merged into data when rendering HTML, never in JSON. */
struct json_object *pl_resp_view(struct pl_resp *rs);
/* The JSON twin answers obj; the page shows it as data.KEY (both own it). */
void pl_resp_put(struct pl_resp *rs, const char *key, struct json_object *obj);
/* Add a header; the value must hold no CR or LF (it dies otherwise: a
 * handler must never pass user text unchecked). */
void pl_resp_header(struct pl_resp *rs, const char *name, const char *value);
/* Set-Cookie with Path=/, HttpOnly, SameSite=Lax (and Secure when the base
 * URL is https). max_age < 0: a browser-session cookie; 0 deletes it. */
void pl_resp_cookie(
    struct pl_resp *rs, const char *name, const char *value, long max_age);

/*
 * Answer these bytes as they are, with this Content-Type (a fixed one the
 * handler chose, never one a client sent), nosniff and a CSP that lets the
 * body do nothing; cache is the Cache-Control value (NULL: no-store). The
 * bytes are borrowed until the reply is rendered.
 */
void pl_resp_raw(struct pl_resp *rs, const char *ctype, const void *data,
    size_t len, const char *cache);
/*
 * This HTML page may be framed by origin ("https://shop.example", as
 * pl_valid normalised it), and only by it: the page's CSP frame-ancestors
 * names it and X-Frame-Options is left out. The origin must hold no space,
 * quote, semicolon, comma, CR or LF (it dies otherwise).
 */
void pl_resp_frame(struct pl_resp *rs, const char *origin);

/* "Jan 2, 2026" from a MariaDB DATETIME, for pages; "" if malformed. */
const char *pl_date_label(struct pl_arena *a, const char *dt);

/*
 * Render the reply (or the error) into out as a FastCGI response: headers,
 * blank line, body. For the front line (app.c).
 */
void pl_resp_render(
    struct pl_req *rq, struct pl_resp *rs, enum pl_err er, struct pl_buf *out);

#endif
