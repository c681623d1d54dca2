/* resp.h: the reply, built by a handler and rendered by the front line as
 * an HTML page (a template) or, under /api/, as the JSON envelope. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_RESP_H
#define PL_RESP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct json_object;
struct pl_req;

struct pl_resp {
	struct pl_arena    *arena;
	int                 status;  /* 0: 200 (or the error's) */
	struct pl_buf       headers; /* extra "Name: value\r\n" lines */
	struct json_object *data;    /* the payload; owned, put at the end */
	const char         *page;    /* template name for HTML */
	const char         *title;
	const char         *redirect; /* HTML: 303 See Other to here */
	const char         *flash;    /* flash code to show after redirect */
	int                 done; /* already sent (streaming); skip render */
};

/* The data object, created empty on first use; borrowed. */
struct json_object *pl_resp_obj(struct pl_resp *rs);
/* Replace the data with v (takes ownership; may be an array or NULL). */
void pl_resp_set(struct pl_resp *rs, struct json_object *v);
/* HTML: render this template with this title (also the page to re-render
 * with the typed values and errors if the handler then fails). */
void pl_resp_page(struct pl_resp *rs, const char *tmpl, const char *title);
void pl_resp_status(struct pl_resp *rs, int status);
/* HTML: 303 to a local path, with an optional flash code to show there
 * (see resp.c for the codes). JSON replies ignore it. */
void pl_resp_redirect(struct pl_resp *rs, const char *path, const char *flash);
/* Add a header; the value must hold no CR or LF (it dies otherwise: a
 * handler must never pass user text unchecked). */
void pl_resp_header(struct pl_resp *rs, const char *name, const char *value);
/* Set-Cookie with Path=/, HttpOnly, SameSite=Lax (and Secure when the base
 * URL is https). max_age < 0: a browser-session cookie; 0 deletes it. */
void pl_resp_cookie(
    struct pl_resp *rs, const char *name, const char *value, long max_age);

/* Helpers to fill json objects (json-c takes ownership of new values). */
void pl_json_set_str(struct json_object *o, const char *k, const char *v);
void pl_json_set_i64(struct json_object *o, const char *k, long long v);
void pl_json_set_bool(struct json_object *o, const char *k, int v);
/* A MariaDB DATETIME "YYYY-MM-DD HH:MM:SS[.fff]" as ISO 8601 UTC
 * "YYYY-MM-DDTHH:MM:SSZ"; NULL becomes JSON null. */
void pl_json_set_time(struct json_object *o, const char *k, const char *dt);
/* JSON text of v with < > & U+2028 U+2029 escaped (safe in <script>). */
void pl_json_write(struct pl_buf *b, struct json_object *v);

#endif
