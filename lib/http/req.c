/* req.c: the request's bounded accessors. Input reaches handlers only
 * through these, validated and with errors recorded per field. */
/* SPDX-License-Identifier: MIT */
#include <poll.h>
#include <string.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "arena.h"
#include "db.h"
#include "parse.h"
#include "proc.h"
#include "req.h"
#include "valid.h"

const char *
pl_req_env(const struct pl_req *rq, const char *name)
{
	const FCGX_Request *f = rq->fcgi;

	return f != NULL ? FCGX_GetParam(name, f->envp) : NULL;
}

struct pl_db *
pl_req_db(struct pl_req *rq)
{
	if (rq->db_ == NULL)
		rq->db_ = pl_db_get(pl_pool());
	return rq->db_;
}

void
pl_req_db_release(struct pl_req *rq)
{
	if (rq->db_ != NULL) {
		pl_db_put(pl_pool(), rq->db_);
		rq->db_ = NULL;
	}
}

int
pl_req_peer_gone(const struct pl_req *rq)
{
	const FCGX_Request *f = rq->fcgi;
	struct pollfd       p = { .fd = f->ipcFd, .events = POLLRDHUP };

	return poll(&p, 1, 0) == 1 &&
	       (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

enum pl_err
pl_path_id(struct pl_req *rq, const char *name, int64_t *id)
{
	long long v;

	for (size_t i = 0; i < rq->params.n; i++)
		if (strcmp(rq->params.name[i], name) == 0) {
			if (pl_parse_i64(rq->params.val[i], 1, INT64_MAX, &v) !=
			    PL_OK)
				return PL_ENOTFOUND;
			*id = v;
			return PL_OK;
		}
	return PL_ENOTFOUND;
}

const char *
pl_query(const struct pl_req *rq, const char *name)
{
	return pl_kv_get(&rq->query, name);
}

enum pl_err
pl_in_query_id(
    struct pl_req *rq, const char *name, const char *msg, int64_t *id)
{
	const char *s = pl_query(rq, name);
	long long   v;

	*id = 0;
	if (s == NULL || *s == '\0')
		return PL_OK;
	if (pl_parse_i64(s, 1, INT64_MAX, &v) != PL_OK)
		return pl_in_fail(rq, name, msg);
	*id = v;
	return PL_OK;
}

const char *
pl_cookie(const struct pl_req *rq, const char *name)
{
	return pl_kv_get(&rq->cookies, name);
}

enum pl_err
pl_in_fail(struct pl_req *rq, const char *field, const char *msg)
{
	/* The first error of a field is the one to fix first. */
	return pl_errs_add(&rq->errs, field, msg);
}

enum pl_err
pl_in_check(const struct pl_req *rq)
{
	return pl_errs_check(&rq->errs);
}

const char *
pl_in_back(const char *back, const char *prefix, const char *fallback)
{
	size_t n = strlen(prefix);

	if (back == NULL || strlen(back) > 1000 ||
	    strncmp(back, prefix, n) != 0 ||
	    (back[n] != '\0' && back[n] != '?' && back[n] != '/') ||
	    strstr(back, "//") != NULL)
		return fallback;
	if (strspn(back + n,
	        "/?&=%+-._~ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(back + n))
		return fallback;
	return back;
}

bool
pl_in_has(const struct pl_req *rq, const char *name)
{
	if (rq->json != NULL)
		return json_object_object_get_ex(rq->json, name, NULL);
	return pl_kv_get(&rq->form, name) != NULL;
}

/* Raw value: the JSON member must be a string (NULL JSON is "missing"). */
static enum pl_err
in_raw(struct pl_req *rq, const char *name, const char *label, const char **out,
    size_t *len)
{
	struct json_object *v;

	*out = NULL;
	*len = 0;
	if (rq->json != NULL) {
		if (!json_object_object_get_ex(rq->json, name, &v) || v == NULL)
			return PL_OK;
		if (!json_object_is_type(v, json_type_string))
			return pl_in_fail(rq, name,
			    pl_arena_printf(
			        rq->arena, "%s must be text.", label));
		*out = json_object_get_string(v);
		*len = (size_t)json_object_get_string_len(v);
		return PL_OK;
	}
	for (size_t i = 0; i < rq->form.n; i++)
		if (strcmp(rq->form.v[i].key, name) == 0) {
			*out = rq->form.v[i].val;
			*len = rq->form.v[i].vlen;
			break;
		}
	return PL_OK;
}

enum pl_err
pl_in_id(struct pl_req *rq, const char *name, unsigned flags, const char *msg,
    int64_t *out)
{
	struct json_object *v;
	const char         *s = NULL;
	long long           n;

	*out = 0;
	if (rq->json != NULL) {
		if (json_object_object_get_ex(rq->json, name, &v) &&
		    v != NULL) {
			if (json_object_is_type(v, json_type_int)) {
				if ((n = json_object_get_int64(v)) < 1)
					return pl_in_fail(rq, name, msg);
				*out = n;
				return PL_OK;
			}
			if (!json_object_is_type(v, json_type_string))
				return pl_in_fail(rq, name, msg);
			s = json_object_get_string(v);
		}
	} else
		s = pl_kv_get(&rq->form, name);
	if (s == NULL || *s == '\0')
		return (flags & PL_REQUIRED) ? pl_in_fail(rq, name, msg)
		                             : PL_OK;
	if (pl_parse_i64(s, 1, INT64_MAX, &n) != PL_OK)
		return pl_in_fail(rq, name, msg);
	*out = n;
	return PL_OK;
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum pl_err
pl_in_text(struct pl_req *rq, const char *name, const char *label,
    unsigned flags, size_t max, const char **out)
{
	const char *s, *why;
	size_t      n;
	enum pl_err er;

	*out = "";
	if ((er = in_raw(rq, name, label, &s, &n)) != PL_OK)
		return er;
	if (s != NULL && !(flags & PL_NOTRIM)) {
		while (n > 0 && is_space((unsigned char)*s)) {
			s++;
			n--;
		}
		while (n > 0 && is_space((unsigned char)s[n - 1]))
			n--;
	}
	if (s == NULL || n == 0) {
		if (flags & PL_REQUIRED)
			return pl_in_fail(rq, name,
			    pl_arena_printf(
			        rq->arena, "%s is required.", label));
		return PL_OK;
	}
	s = pl_arena_strndup(rq->arena, s, n);
	/* Parsers already refused bad UTF-8 and NUL; this bounds the length
	 * in characters and refuses control characters. */
	if ((why = pl_valid_text(s, max, (flags & PL_MULTILINE) != 0)) != NULL)
		return pl_in_fail(
		    rq, name, pl_arena_printf(rq->arena, "%s: %s", label, why));
	*out = s;
	return PL_OK;
}

enum pl_err
pl_in_only(struct pl_req *rq, const char *const *names)
{
	const char *bad = NULL, *msg;

	if (rq->json != NULL) {
		json_object_object_foreach(rq->json, k, v)
		{
			size_t i;

			(void)v;
			for (i = 0; names[i] != NULL; i++)
				if (strcmp(names[i], k) == 0)
					break;
			if (names[i] == NULL) {
				bad = k;
				break;
			}
		}
	} else {
		for (size_t j = 0; j < rq->form.n && bad == NULL; j++) {
			const char *k = rq->form.v[j].key;
			size_t      i;

			if (strcmp(k, "csrf") == 0)
				continue;
			for (i = 0; names[i] != NULL; i++)
				if (strcmp(names[i], k) == 0)
					break;
			if (names[i] == NULL)
				bad = k;
		}
	}
	if (bad == NULL)
		return PL_OK;
	bad = pl_arena_strdup(rq->arena, bad);
	/* Also the form's own message: a page has no place beside a field
	 * it does not have. */
	msg = pl_arena_printf(rq->arena, "Unknown field \"%s\".",
	    strlen(bad) > 40 ? "(too long)" : bad);
	pl_in_fail(rq, NULL, msg);
	return pl_in_fail(rq, bad, msg);
}
