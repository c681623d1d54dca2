// sources: lib/core/parse.c lib/core/valid.c lib/core/arena.c lib/core/buf.c
// lib/core/log.c lib/core/err.c
/* fuzz-parse.c: libFuzzer harness for the request parsers and validators.
 * The first byte picks the parser, the rest is its input. Besides memory
 * errors it checks each parser's promises on success (strings NUL-free and
 * valid UTF-8, lengths right, integers in range, JSON round-trips) and
 * abort()s when one is broken. */
/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "log.h"
#include "parse.h"
#include "pl_limits.h"
#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum target {
	T_URLENCODED,
	T_COOKIES,
	T_MULTIPART,
	T_JSON,
	T_I64,
	T_VALID,
	T__MAX
};

static void
check_str(const char *s, size_t n)
{
	if (s == NULL || strlen(s) != n || !pl_utf8_valid(s, n))
		abort();
}

static void
check_kv(const struct pl_kvlist *l, size_t max)
{
	size_t i;

	if (l->n > max || (l->n > 0 && l->v == NULL))
		abort();
	for (i = 0; i < l->n; i++) {
		check_str(l->v[i].key, strlen(l->v[i].key));
		check_str(l->v[i].val, l->v[i].vlen);
		if (l->v[i].vlen > PL_MAX_FIELD)
			abort();
		if (pl_kv_get(l, l->v[i].key) == NULL)
			abort();
	}
}

static void
fuzz_json(const char *s, size_t n)
{
	struct json_object *o, *o2;
	const char         *out;
	size_t              len;

	if (pl_parse_json(s, n, &o, NULL) != PL_OK) {
		if (o != NULL)
			abort();
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		abort();
	/* What we accepted, json-c prints as JSON we accept again. */
	out =
	    json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
	if (len <= PL_MAX_BODY) {
		if (pl_parse_json(out, len, &o2, NULL) != PL_OK)
			abort();
		if (!json_object_equal(o, o2))
			abort();
		json_object_put(o2);
	}
	json_object_put(o);
}

static void
fuzz_i64(const char *s)
{
	static const long long bounds[][2] = {
		{ INT64_MIN, INT64_MAX },
		{ 0, 100 },
		{ -5, 5 },
		{ 1, INT64_MAX },
	};
	char      back[32];
	long long v;
	size_t    i;

	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		if (pl_parse_i64(s, bounds[i][0], bounds[i][1], &v) != PL_OK)
			continue;
		if (v < bounds[i][0] || v > bounds[i][1])
			abort();
		/* Only canonical spellings pass. */
		snprintf(back, sizeof(back), "%lld", v);
		if (strcmp(back, s) != 0)
			abort();
	}
}

static void
fuzz_valid(struct pl_arena *a, const char *s)
{
	const char *n;

	(void)pl_valid_name(s);
	(void)pl_valid_password(s);
	(void)pl_valid_text(s, 10, 0);
	(void)pl_valid_text(s, 1000, 1);
	if (pl_utf8_valid(s, strlen(s)) && pl_utf8_len(s) > strlen(s))
		abort();
	if (pl_valid_email(s) == NULL) {
		n = pl_email_normalize(a, s);
		if (strlen(n) != strlen(s) || pl_valid_email(n) != NULL)
			abort();
	}
	if (pl_valid_phone(s) == NULL) {
		n = pl_phone_e164(a, s);
		if (n[0] != '+' ||
		    strspn(n + 1, "0123456789") != strlen(n + 1) ||
		    pl_valid_phone(n) != NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pl_arena *a;
	struct pl_kvlist        l, f;
	struct pl_filelist      fl;
	struct pl_parse_err     pe;
	enum pl_err             er;
	const char             *s;
	char                   *z;
	size_t                  n, i;

	if (a == NULL) {
		pl_log_init("fuzz", PL_LOG_ERROR);
		a = pl_arena_new(0);
	}
	pl_arena_reset(a);
	if (size == 0)
		return 0;
	s = (const char *)data + 1;
	n = size - 1;
	/* A NUL-terminated copy for the parsers that take C strings. */
	z = pl_arena_strndup(a, s, n);

	switch (data[0] % T__MAX) {
	case T_URLENCODED:
		er = pl_parse_urlencoded(a, s, n, &l, &pe);
		if (er == PL_OK)
			check_kv(&l, PL_MAX_FIELDS);
		else if (pe.msg == NULL || l.n != 0)
			abort();
		break;
	case T_COOKIES:
		er = pl_parse_cookies(a, z, &l, &pe);
		if (er == PL_OK)
			check_kv(&l, PL_MAX_COOKIES);
		else if (pe.msg == NULL || l.n != 0)
			abort();
		break;
	case T_MULTIPART:
		er = pl_parse_multipart(
		    a, "multipart/form-data; boundary=XyZ", s, n, &f, &fl, &pe);
		if (er != PL_OK) {
			if (pe.msg == NULL || f.n != 0 || fl.n != 0)
				abort();
			break;
		}
		check_kv(&f, PL_MAX_FIELDS);
		if (fl.n > PL_MAX_FILES || (fl.n > 0 && fl.v == NULL))
			abort();
		for (i = 0; i < fl.n; i++) {
			check_str(fl.v[i].field, strlen(fl.v[i].field));
			check_str(fl.v[i].filename, strlen(fl.v[i].filename));
			check_str(fl.v[i].ctype, strlen(fl.v[i].ctype));
			if (fl.v[i].len > n ||
			    (fl.v[i].len > 0 && fl.v[i].data == NULL))
				abort();
		}
		break;
	case T_JSON:
		fuzz_json(s, n);
		break;
	case T_I64:
		fuzz_i64(z);
		break;
	default:
		fuzz_valid(a, z);
		break;
	}
	return 0;
}
