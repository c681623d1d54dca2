/* jwt.c: JSON Web Tokens, HS256 only (RFC 7519, RFC 7515).
 *
 * Verification is strict and ordered so that nothing an attacker controls
 * is trusted before the signature is checked: the shape (three non-empty
 * base64url parts), then the header (alg must be HS256; "crit" is refused),
 * then the HMAC in constant time, and only then the payload's claims. Every
 * failure is PL_EAUTH and is not logged: bad tokens are routine input.
 */
/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "crypto.h"
#include "jwt.h"
#include "pl_limits.h"
#include "log.h"

/* {"alg":"HS256","typ":"JWT"}, base64url. */
static const char jwt_header[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

static void
obj_add(json_object *o, const char *k, json_object *v)
{
	if (v == NULL || json_object_object_add(o, k, v) != 0)
		pl_die("jwt: out of memory");
}

char *
pl_jwt_sign(struct pl_arena *a, const void *key, size_t keylen,
    const struct pl_jwt_claims *c)
{
	unsigned char sig[32];
	json_object  *o;
	const char   *js, *jti;
	char         *input, *token;

	jti = c->jti != NULL ? c->jti : pl_token_new(a);
	if ((o = json_object_new_object()) == NULL)
		pl_die("jwt: out of memory");
	obj_add(o, "sub", json_object_new_int64(c->sub));
	obj_add(o, "iat", json_object_new_int64(c->iat));
	obj_add(o, "exp", json_object_new_int64(c->exp));
	obj_add(o, "jti", json_object_new_string(jti));
	obj_add(o, "pwv", json_object_new_int64(c->pwv));
	js = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (js == NULL)
		pl_die("jwt: out of memory");

	input = pl_arena_printf(
	    a, "%s.%s", jwt_header, pl_b64url_encode(a, js, strlen(js)));
	json_object_put(o);
	pl_hmac_sha256(key, keylen, input, strlen(input), sig);
	token = pl_arena_printf(
	    a, "%s.%s", input, pl_b64url_encode(a, sig, sizeof(sig)));
	return token;
}

/*
 * Parse n bytes of JSON into an object; NULL unless it is exactly one JSON
 * object, valid UTF-8, with nothing after it.
 */
static json_object *
obj_parse(const unsigned char *s, size_t n)
{
	json_tokener *tok;
	json_object  *o = NULL;

	if (n == 0 || n > PL_MAX_TOKEN || memchr(s, '\0', n) != NULL)
		return NULL;
	if ((tok = json_tokener_new_ex(PL_MAX_JSON_DEPTH)) == NULL)
		pl_die("jwt: out of memory");
	json_tokener_set_flags(
	    tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, (const char *)s, (int)n);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	                     json_tokener_get_parse_end(tok) != n ||
	                     !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* An integer member k of o into *v; false if absent or not an integer. */
static bool
claim_int(json_object *o, const char *k, int64_t *v)
{
	json_object *m;

	if (!json_object_object_get_ex(o, k, &m) ||
	    !json_object_is_type(m, json_type_int))
		return false;
	/* json-c keeps values above INT64_MAX as unsigned; refuse them. */
	if (json_object_get_int64(m) == INT64_MAX &&
	    json_object_get_uint64(m) != (uint64_t)INT64_MAX)
		return false;
	*v = json_object_get_int64(m);
	return true;
}

/* True if m is the JSON string s exactly (no NUL inside). */
static bool
str_is(json_object *m, const char *s)
{
	return json_object_is_type(m, json_type_string) &&
	       (size_t)json_object_get_string_len(m) == strlen(s) &&
	       strcmp(json_object_get_string(m), s) == 0;
}

static bool
header_ok(struct pl_arena *a, const char *s, size_t n)
{
	unsigned char *raw;
	size_t         rawn;
	json_object   *o, *m;
	bool           ok = false;

	if (pl_b64url_decode(a, s, n, &raw, &rawn) != PL_OK)
		return false;
	if ((o = obj_parse(raw, rawn)) == NULL)
		return false;
	if (!json_object_object_get_ex(o, "alg", &m) || !str_is(m, "HS256"))
		goto out;
	if (json_object_object_get_ex(o, "typ", &m) && !str_is(m, "JWT"))
		goto out;
	/* We understand no extensions, so a critical one is a refusal. */
	if (json_object_object_get_ex(o, "crit", NULL))
		goto out;
	ok = true;
out:
	json_object_put(o);
	return ok;
}

enum pl_err
pl_jwt_verify(struct pl_arena *a, const void *key, size_t keylen,
    const char *token, int64_t now, struct pl_jwt_claims *c)
{
	unsigned char        want[32], *sig, *raw;
	size_t               n, hn, pn, sn, sign, rawn;
	const char          *d1, *d2, *p, *s;
	json_object         *o = NULL, *m;
	struct pl_jwt_claims cl;
	enum pl_err          er = PL_EAUTH;

	memset(c, 0, sizeof(*c));
	if (token == NULL ||
	    (n = strnlen(token, PL_MAX_TOKEN + 1)) > PL_MAX_TOKEN)
		return PL_EAUTH;
	/* RFC 7515 uses base64url without padding: one spelling per token. */
	if (memchr(token, '=', n) != NULL)
		return PL_EAUTH;
	if ((d1 = memchr(token, '.', n)) == NULL ||
	    (d2 = memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - token))) == NULL ||
	    memchr(d2 + 1, '.', n - (size_t)(d2 + 1 - token)) != NULL)
		return PL_EAUTH;
	p = d1 + 1;
	s = d2 + 1;
	hn = (size_t)(d1 - token);
	pn = (size_t)(d2 - p);
	sn = n - (size_t)(s - token);
	if (hn == 0 || pn == 0 || sn == 0)
		return PL_EAUTH;

	if (!header_ok(a, token, hn))
		return PL_EAUTH;
	if (pl_b64url_decode(a, s, sn, &sig, &sign) != PL_OK)
		return PL_EAUTH;
	pl_hmac_sha256(key, keylen, token, (size_t)(d2 - token), want);
	if (!pl_ct_equal(sig, sign, want, sizeof(want)))
		return PL_EAUTH;

	/* Signed by us: now the claims. */
	if (pl_b64url_decode(a, p, pn, &raw, &rawn) != PL_OK)
		return PL_EAUTH;
	if ((o = obj_parse(raw, rawn)) == NULL)
		return PL_EAUTH;
	memset(&cl, 0, sizeof(cl));
	if (!claim_int(o, "sub", &cl.sub) || !claim_int(o, "iat", &cl.iat) ||
	    !claim_int(o, "exp", &cl.exp) || !claim_int(o, "pwv", &cl.pwv))
		goto out;
	if (!json_object_object_get_ex(o, "jti", &m) ||
	    !json_object_is_type(m, json_type_string) ||
	    strlen(json_object_get_string(m)) !=
	        (size_t)json_object_get_string_len(m))
		goto out;
	if (cl.exp <= now)
		goto out;
	/* iat <= now + 60, written so that it cannot overflow. */
	if (now <= INT64_MAX - 60 && cl.iat > now + 60)
		goto out;
	cl.jti = pl_arena_strndup(a, json_object_get_string(m),
	    (size_t)json_object_get_string_len(m));
	*c = cl;
	er = PL_OK;
out:
	json_object_put(o);
	return er;
}
