/* pl_json.c: filling json-c objects, and writing JSON text safe in HTML. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "pl_json.h"

void
pl_json_set_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

void
pl_json_set_i64(struct json_object *o, const char *k, long long v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

void
pl_json_set_bool(struct json_object *o, const char *k, int v)
{
	json_object_object_add(o, k, json_object_new_boolean(v != 0));
}

void
pl_json_set_time(struct json_object *o, const char *k, const char *dt)
{
	char iso[32];

	if (dt == NULL || strlen(dt) < 19) {
		json_object_object_add(o, k, NULL);
		return;
	}
	snprintf(iso, sizeof(iso), "%.10sT%.8sZ", dt, dt + 11);
	json_object_object_add(o, k, json_object_new_string(iso));
}

void
pl_json_set_time_ms(struct json_object *o, const char *k, const char *dt)
{
	char iso[32];

	if (dt == NULL || strlen(dt) < 19 || dt[10] != ' ') {
		json_object_object_add(o, k, NULL);
		return;
	}
	snprintf(iso, sizeof(iso), "%.10sT%.8s%.4sZ", dt, dt + 11,
	    strlen(dt) >= 23 && dt[19] == '.' ? dt + 19 : ".000");
	json_object_object_add(o, k, json_object_new_string(iso));
}

void
pl_json_write(struct pl_buf *b, struct json_object *v)
{
	const char *s = json_object_to_json_string_ext(
	    v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	/* Outside strings JSON has none of these bytes, so escaping them
	 * byte-wise keeps the text valid and makes it safe in <script>. */
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			pl_buf_puts(b, "\\u003c");
		else if (c == '>')
			pl_buf_puts(b, "\\u003e");
		else if (c == '&')
			pl_buf_puts(b, "\\u0026");
		else if (c == 0xe2 && (unsigned char)s[1] == 0x80 &&
		         ((unsigned char)s[2] == 0xa8 ||
		             (unsigned char)s[2] == 0xa9)) {
			pl_buf_puts(b, (unsigned char)s[2] == 0xa8 ? "\\u2028"
			                                           : "\\u2029");
			s += 2;
		} else
			pl_buf_putc(b, (char)c);
	}
}

const char *
pl_json_text(struct pl_arena *a, struct json_object *v)
{
	struct pl_buf b;

	pl_buf_init(&b, a);
	pl_json_write(&b, v);
	json_object_put(v);
	return pl_buf_cstr(&b);
}
