/* jwt.h: JSON Web Tokens, HS256 only (RFC 7519, RFC 7515). */
/* SPDX-License-Identifier: MIT */
#ifndef PL_JWT_H
#define PL_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct pl_arena;

/* What a Parley token carries. */
struct pl_jwt_claims {
	int64_t sub; /* user id */
	int64_t iat; /* issued at, seconds since the epoch */
	int64_t exp; /* expires at, seconds since the epoch */
	const char
	       *jti; /* token id (random), arena-owned; may be NULL on sign */
	int64_t pwv; /* the user's password version when issued: a password
	              * change or reset invalidates older tokens */
};

/*
 * Sign claims with key (header {"alg":"HS256","typ":"JWT"}); the compact
 * token goes into the arena. A NULL jti gets a fresh random one.
 */
char *pl_jwt_sign(struct pl_arena *a, const void *key, size_t keylen,
    const struct pl_jwt_claims *c);
/*
 * Verify a compact token: exactly three base64url parts, header alg HS256
 * (anything else, "none" above all, is refused), signature compared in
 * constant time, payload a JSON object with integer sub, iat, exp, pwv and
 * a string jti; exp > now and iat <= now + 60 (clock skew). PL_OK and *c
 * filled, or PL_EAUTH for any failure. now is seconds since the epoch.
 */
enum pl_err pl_jwt_verify(struct pl_arena *a, const void *key, size_t keylen,
    const char *token, int64_t now, struct pl_jwt_claims *c);

#endif
