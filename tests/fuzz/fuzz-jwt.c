// sources: lib/core/jwt.c lib/core/crypto.c lib/core/arena.c lib/core/buf.c
// lib/core/log.c lib/core/err.c
/* fuzz-jwt.c: libFuzzer harness for the JWT verifier and base64url decoder.
 *
 * The input is tried as a compact token (which must never verify, having no
 * valid signature, and must never crash), and as base64url, where a
 * successful decode must re-encode to the same text (one spelling per byte
 * string). It is also signed, as a payload, with the key, so that the claim
 * checks behind the signature are reached. The first 32 bytes also become
 * claims for a sign/verify round trip, which must succeed exactly when the
 * token has not expired.
 */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "crypto.h"
#include "jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char key[] = "fuzz-key-0123456789abcdef0123456";

static int64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;
	size_t   i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pl_arena *a;
	struct pl_jwt_claims    c, in;
	unsigned char          *out, sig[32];
	const char             *tok;
	char                   *s;
	size_t                  outn, n;
	enum pl_err             er;

	if (a == NULL)
		a = pl_arena_new(0);
	pl_arena_reset(a);

	/* As a token: no input without our key's signature may verify. */
	s = pl_arena_strndup(a, (const char *)data, size);
	er = pl_jwt_verify(a, key, sizeof(key) - 1, s, 1700000000, &c);
	if (er != PL_EAUTH && er != PL_OK)
		abort();
	if (er == PL_OK && c.jti == NULL)
		abort();

	/* As base64url: a decode that succeeds is canonical. */
	if (pl_b64url_decode(a, (const char *)data, size, &out, &outn) ==
	    PL_OK) {
		n = size;
		while (n > 0 && data[n - 1] == '=')
			n--;
		s = pl_b64url_encode(a, out, outn);
		if (strlen(s) != n || memcmp(s, data, n) != 0)
			abort();
	}

	/* As a payload under a valid signature. */
	s = pl_arena_printf(
	    a, "eyJhbGciOiJIUzI1NiJ9.%s", pl_b64url_encode(a, data, size));
	pl_hmac_sha256(key, sizeof(key) - 1, s, strlen(s), sig);
	tok = pl_arena_printf(a, "%s.%s", s, pl_b64url_encode(a, sig, 32));
	er = pl_jwt_verify(a, key, sizeof(key) - 1, tok, 1700000000, &c);
	if (er != PL_EAUTH && er != PL_OK)
		abort();

	/* Sign and verify claims taken from the input. */
	if (size >= 32) {
		in.sub = get64(data);
		in.iat = get64(data + 8);
		in.exp = get64(data + 16);
		in.pwv = get64(data + 24);
		in.jti = NULL;
		tok = pl_jwt_sign(a, key, sizeof(key) - 1, &in);
		er = pl_jwt_verify(a, key, sizeof(key) - 1, tok, in.iat, &c);
		if ((er == PL_OK) != (in.exp > in.iat))
			abort();
		if (er == PL_OK && (c.sub != in.sub || c.iat != in.iat ||
		                       c.exp != in.exp || c.pwv != in.pwv))
			abort();
	}
	return 0;
}
