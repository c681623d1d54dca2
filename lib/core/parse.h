/* parse.h: strict, bounded parsers for what a request carries. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_PARSE_H
#define PL_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct pl_arena;
struct json_object;

/* One name=value pair. Both are arena-owned, NUL-terminated, valid UTF-8. */
struct pl_kv {
	const char *key;
	const char *val;
	size_t      vlen; /* bytes of val, not counting the NUL */
};

struct pl_kvlist {
	struct pl_kv *v;
	size_t        n;
};

/* An uploaded file from a multipart form; data is arena-owned. */
struct pl_file {
	const char *field;    /* form field name */
	const char *filename; /* as sent, UTF-8 checked; may be "" */
	const char *ctype;    /* the part's Content-Type, "" if none */
	const char *data;     /* bytes, may contain NUL */
	size_t      len;
};

struct pl_filelist {
	struct pl_file *v;
	size_t          n;
};

/*
 * Where a parse went wrong, for the error message: a short English sentence
 * (static storage) and the field name when one is known (arena or static).
 */
struct pl_parse_err {
	const char *msg;
	const char *field;
};

/* True if s[0..n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool pl_utf8_valid(const char *s, size_t n);
/* Bytes of the longest prefix of s (UTF-8) of at most max bytes that does
 * not cut a character: where to cut text to fit a column. */
size_t pl_utf8_prefix(const char *s, size_t max);

/*
 * application/x-www-form-urlencoded (also QUERY_STRING). '+' is a space,
 * %XX decoded (bad escapes are an error). Keys and values must be valid UTF-8
 * after decoding and hold no NUL byte. Limits: PL_MAX_FIELDS pairs,
 * PL_MAX_NAME per key, PL_MAX_FIELD per value. Empty pieces ("a=1&&b=2") are
 * skipped; a key with no '=' has the value "". Returns PL_OK, PL_EINVAL (bad
 * escape, bad UTF-8, NUL) or PL_ETOOBIG (a limit), with *pe filled.
 */
enum pl_err pl_parse_urlencoded(struct pl_arena *a, const char *s, size_t n,
    struct pl_kvlist *out, struct pl_parse_err *pe);

/*
 * The Cookie header: "a=1; b=2". Values may be double-quoted (quotes are
 * removed). No percent-decoding. Malformed pairs are skipped, not fatal (a
 * browser may hold other sites' junk); over PL_MAX_COOKIES or PL_MAX_COOKIE
 * bytes is PL_ETOOBIG.
 */
enum pl_err pl_parse_cookies(struct pl_arena *a, const char *hdr,
    struct pl_kvlist *out, struct pl_parse_err *pe);

/*
 * multipart/form-data. ctype is the whole Content-Type header value (the
 * boundary is taken from it, quoted or not, RFC 2046: 1-70 chars). Parts
 * with a filename go to files, the others to fields (values UTF-8 checked,
 * no NUL). Limits: PL_MAX_FIELDS fields, PL_MAX_FILES files, PL_MAX_FIELD
 * per field value, PL_MAX_UPLOAD for the body. A missing closing boundary is
 * an error. Returns PL_OK, PL_EINVAL or PL_ETOOBIG.
 */
enum pl_err pl_parse_multipart(struct pl_arena *a, const char *ctype,
    const char *body, size_t n, struct pl_kvlist *fields,
    struct pl_filelist *files, struct pl_parse_err *pe);

/*
 * A JSON request body: must be one JSON object (after optional whitespace,
 * nothing may follow it), at most PL_MAX_JSON_DEPTH deep, at most
 * PL_MAX_FIELDS keys in any object, strings valid UTF-8 with no NUL (json-c
 * decodes \u0000: refuse it), duplicate keys refused. On success *out is a
 * new json-c object the caller must json_object_put(). Returns PL_OK,
 * PL_EINVAL or PL_ETOOBIG.
 */
enum pl_err pl_parse_json(const char *body, size_t n, struct json_object **out,
    struct pl_parse_err *pe);

/*
 * A strict base-10 integer in [min, max]: optional '-', digits only, no
 * spaces, no '+', no leading zeros except "0". PL_OK or PL_EINVAL.
 */
enum pl_err pl_parse_i64(
    const char *s, long long min, long long max, long long *out);

/* Look a key up in a list: the first match's value, or NULL. */
const char *pl_kv_get(const struct pl_kvlist *l, const char *key);

#endif
