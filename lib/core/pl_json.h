/* pl_json.h: filling json-c objects, and writing JSON text safe in HTML. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_PL_JSON_H
#define PL_PL_JSON_H

struct json_object;
struct pl_arena;
struct pl_buf;

/* Helpers to fill json objects (json-c takes ownership of new values). */
void pl_json_set_str(struct json_object *o, const char *k, const char *v);
void pl_json_set_i64(struct json_object *o, const char *k, long long v);
void pl_json_set_bool(struct json_object *o, const char *k, int v);
/* A MariaDB DATETIME "YYYY-MM-DD HH:MM:SS[.fff]" as ISO 8601 UTC
 * "YYYY-MM-DDTHH:MM:SSZ"; NULL becomes JSON null. */
void pl_json_set_time(struct json_object *o, const char *k, const char *dt);
/* The same to the millisecond ("...T14:05:09.123Z"), so a client orders
 * what happened within one second. */
void pl_json_set_time_ms(struct json_object *o, const char *k, const char *dt);
/* JSON text of v with < > & U+2028 U+2029 escaped (safe in <script>). */
void pl_json_write(struct pl_buf *b, struct json_object *v);
/* The same text in the arena; puts v (the caller's last reference). */
const char *pl_json_text(struct pl_arena *a, struct json_object *v);

#endif
