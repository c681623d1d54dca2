/* test-jwt.c: HS256 tokens: round trips, tampering, refused algorithms,
 * malformed shapes and claims, expiry. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "crypto.h"
#include "jwt.h"
#include "t.h"

#define NOW INT64_C(1700000000)

static const char key[] = "0123456789abcdef0123456789abcdef";

/* A token over any header and payload, correctly signed with k. */
static const char *
forge(struct pl_arena *a, const char *k, const char *hdr, const char *pay)
{
	unsigned char sig[32];
	char         *input;

	input =
	    pl_arena_printf(a, "%s.%s", pl_b64url_encode(a, hdr, strlen(hdr)),
	        pl_b64url_encode(a, pay, strlen(pay)));
	pl_hmac_sha256(k, strlen(k), input, strlen(input), sig);
	return pl_arena_printf(
	    a, "%s.%s", input, pl_b64url_encode(a, sig, sizeof(sig)));
}

static void
test_roundtrip(struct pl_arena *a)
{
	struct pl_jwt_claims in = { 42, NOW, NOW + 3600, "abc-DEF_123", 7 };
	struct pl_jwt_claims out;
	const char          *tok, *dot;

	tok = pl_jwt_sign(a, key, strlen(key), &in);
	T_OK(strncmp(tok, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37) == 0,
	    tok);
	T_INT(pl_jwt_verify(a, key, strlen(key), tok, NOW, &out), PL_OK, tok);
	T_INT(out.sub, 42, "sub");
	T_INT(out.iat, NOW, "iat");
	T_INT(out.exp, NOW + 3600, "exp");
	T_INT(out.pwv, 7, "pwv");
	T_STR(out.jti, "abc-DEF_123", "jti");
	/* Still valid one second before expiry, not at it. */
	T_INT(pl_jwt_verify(a, key, strlen(key), tok, NOW + 3599, &out), PL_OK,
	    "just before exp");
	T_INT(pl_jwt_verify(a, key, strlen(key), tok, NOW + 3600, &out),
	    PL_EAUTH, "at exp");
	T_INT(pl_jwt_verify(a, key, strlen(key), tok, NOW + 999999, &out),
	    PL_EAUTH, "expired");
	T_INT(out.sub, 0, "claims cleared on failure");
	/* Issued in the future: 60 s of skew are allowed, not more. */
	T_INT(pl_jwt_verify(a, key, strlen(key), tok, NOW - 60, &out), PL_OK,
	    "iat 60 s ahead");
	T_INT(pl_jwt_verify(a, key, strlen(key), tok, NOW - 61, &out), PL_EAUTH,
	    "iat 61 s ahead");
	/* The wrong key, or a key that is a prefix of the right one. */
	T_INT(pl_jwt_verify(a, "other", 5, tok, NOW, &out), PL_EAUTH,
	    "wrong key");
	T_INT(pl_jwt_verify(a, key, strlen(key) - 1, tok, NOW, &out), PL_EAUTH,
	    "shorter key");

	/* A NULL jti gets a fresh random one. */
	in.jti = NULL;
	tok = pl_jwt_sign(a, key, strlen(key), &in);
	T_INT(pl_jwt_verify(a, key, strlen(key), tok, NOW, &out), PL_OK, tok);
	T_OK(out.jti != NULL && strlen(out.jti) == 43, "fresh jti");

	/* Extreme but valid integers survive. */
	in.sub = INT64_MAX;
	in.pwv = INT64_MIN;
	in.exp = INT64_MAX;
	tok = pl_jwt_sign(a, key, strlen(key), &in);
	T_INT(pl_jwt_verify(a, key, strlen(key), tok, NOW, &out), PL_OK, tok);
	T_OK(out.sub == INT64_MAX && out.pwv == INT64_MIN, "int64 extremes");

	dot = strrchr(tok, '.');
	T_INT(strlen(dot + 1), 43, "signature is 43 characters");
}

static void
test_tamper(struct pl_arena *a)
{
	struct pl_jwt_claims in = { 42, NOW, NOW + 3600, "j", 1 };
	struct pl_jwt_claims out;
	const char          *tok, *evil;
	char                *t, *p1, *p2;
	size_t               i, n;

	tok = pl_jwt_sign(a, key, strlen(key), &in);
	p1 = strchr(tok, '.');
	p2 = strchr(p1 + 1, '.');

	/* A payload that says sub 1, with the original signature. */
	evil =
	    "{\"sub\":1,\"iat\":1700000000,\"exp\":1700003600,\"jti\":\"j\","
	    "\"pwv\":1}";
	t = pl_arena_printf(a, "%.*s.%s%s", (int)(p1 - tok), tok,
	    pl_b64url_encode(a, evil, strlen(evil)), p2);
	T_INT(pl_jwt_verify(a, key, strlen(key), t, NOW, &out), PL_EAUTH,
	    "tampered payload");

	/* Every single-character change anywhere fails. */
	n = strlen(tok);
	for (i = 0; i < n; i++) {
		t = pl_arena_strdup(a, tok);
		if (t[i] == '.')
			continue;
		t[i] = t[i] == 'A' ? 'B' : 'A';
		if (pl_jwt_verify(a, key, strlen(key), t, NOW, &out) !=
		    PL_EAUTH)
			break;
	}
	T_INT(i, n, "every one-character change is refused");

	/* Dropping or adding a signature byte. */
	t = pl_arena_strndup(a, tok, n - 1);
	T_INT(pl_jwt_verify(a, key, strlen(key), t, NOW, &out), PL_EAUTH,
	    "short signature");
	t = pl_arena_printf(a, "%sA", tok);
	T_INT(pl_jwt_verify(a, key, strlen(key), t, NOW, &out), PL_EAUTH,
	    "long signature");
	t = pl_arena_printf(a, "%s=", tok);
	T_INT(pl_jwt_verify(a, key, strlen(key), t, NOW, &out), PL_EAUTH,
	    "padded signature");

	/* Another header, with the payload and signature kept. */
	evil = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"x\"}";
	t = pl_arena_printf(
	    a, "%s%s", pl_b64url_encode(a, evil, strlen(evil)), p1);
	T_INT(pl_jwt_verify(a, key, strlen(key), t, NOW, &out), PL_EAUTH,
	    "tampered header");
}

static void
test_forged(struct pl_arena *a)
{
	static const char okp[] =
	    "{\"sub\":5,\"iat\":1700000000,"
	    "\"exp\":1700003600,\"jti\":\"x\",\"pwv\":0}";
	static const char okh[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	/* Correctly signed with our key, so only the content decides. */
	static const struct {
		const char *hdr, *pay;
		enum pl_err want;
	} cases[] = {
		{ okh, okp, PL_OK },
		{ "{\"alg\":\"HS256\"}", okp, PL_OK },
		{ "{\"typ\":\"JWT\",\"alg\":\"HS256\"}", okp, PL_OK },
		{ "{\"alg\":\"none\",\"typ\":\"JWT\"}", okp, PL_EAUTH },
		{ "{\"alg\":\"HS512\",\"typ\":\"JWT\"}", okp, PL_EAUTH },
		{ "{\"alg\":\"hs256\"}", okp, PL_EAUTH },
		{ "{\"alg\":\"HS256\\u0000\"}", okp, PL_EAUTH },
		{ "{\"alg\":\"HS256\",\"typ\":\"JWT\\u0000x\"}", okp,
		    PL_EAUTH },
		{ "{\"alg\":\"RS256\"}", okp, PL_EAUTH },
		{ "{\"typ\":\"JWT\"}", okp, PL_EAUTH },
		{ "{\"alg\":null}", okp, PL_EAUTH },
		{ "{\"alg\":[\"HS256\"]}", okp, PL_EAUTH },
		{ "{\"alg\":\"HS256\",\"typ\":\"JWS\"}", okp, PL_EAUTH },
		{ "{\"alg\":\"HS256\",\"typ\":1}", okp, PL_EAUTH },
		{ "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", okp, PL_EAUTH },
		{ "[\"HS256\"]", okp, PL_EAUTH },
		/* JSON allows white space around the value. */
		{ "{\"alg\":\"HS256\"} ", okp, PL_OK },
		{ "{\"alg\":\"HS256\"}{}", okp, PL_EAUTH },
		{ "{'alg':'HS256'}", okp, PL_EAUTH },
		{ "", okp, PL_EAUTH },
		{ okh, "[1,2]", PL_EAUTH },
		{ okh, "42", PL_EAUTH },
		{ okh, "\"str\"", PL_EAUTH },
		{ okh, "null", PL_EAUTH },
		{ okh, "{}", PL_EAUTH },
		{ okh, "", PL_EAUTH },
		{ okh, "{\"sub\":5", PL_EAUTH },
		{ okh,
		    "{\"sub\":\"5\",\"iat\":1700000000,\"exp\":1700003600,"
		    "\"jti\":\"x\",\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5.0,\"iat\":1700000000,\"exp\":1700003600,"
		    "\"jti\":\"x\",\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":true,\"iat\":1700000000,\"exp\":1700003600,"
		    "\"jti\":\"x\",\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":18446744073709551615,\"iat\":1700000000,"
		    "\"exp\":1700003600,\"jti\":\"x\",\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":99999999999999999999999,\"iat\":1700000000,"
		    "\"exp\":1700003600,\"jti\":\"x\",\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1.7e9,"
		    "\"jti\":\"x\",\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1700003600,\"pwv\":"
		    "0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1700003600,"
		    "\"jti\":7,\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1700003600,"
		    "\"jti\":\"a\\u0000b\",\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1700003600,\"jti\":"
		    "\"x\"}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1699999999,"
		    "\"jti\":\"x\",\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1700000000,"
		    "\"jti\":\"x\",\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000061,\"exp\":1700003600,"
		    "\"jti\":\"x\",\"pwv\":0}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1700003600,"
		    "\"jti\":\"x\",\"pwv\":0} x",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1700003600,"
		    "\"jti\":\"x\",\"pwv\":0,}",
		    PL_EAUTH },
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1700003600,"
		    "\"jti\":\"\xff\",\"pwv\":0}",
		    PL_EAUTH },
		/* Claims we do not know are ignored (RFC 7519, section 4). */
		{ okh,
		    "{\"sub\":5,\"iat\":1700000000,\"exp\":1700003600,"
		    "\"jti\":\"x\",\"pwv\":0,\"role\":\"admin\"}",
		    PL_OK },
		{ okh,
		    "{\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]],\"sub\":5,"
		    "\"iat\":1700000000,\"exp\":1700003600,\"jti\":\"x\","
		    "\"pwv\":0}",
		    PL_EAUTH },
	};
	struct pl_jwt_claims out;
	const char          *tok;
	size_t               i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tok = forge(a, key, cases[i].hdr, cases[i].pay);
		T_INT(pl_jwt_verify(a, key, strlen(key), tok, NOW, &out),
		    cases[i].want,
		    pl_arena_printf(a, "%s %s", cases[i].hdr, cases[i].pay));
	}
	/* alg none with no signature at all, the classic. */
	tok = pl_arena_printf(a, "%s.%s.",
	    pl_b64url_encode(a, "{\"alg\":\"none\"}", 14),
	    pl_b64url_encode(a, okp, strlen(okp)));
	T_INT(pl_jwt_verify(a, key, strlen(key), tok, NOW, &out), PL_EAUTH,
	    "alg none, empty signature");
}

static void
test_shapes(struct pl_arena *a)
{
	static const char *const bad[] = {
		"",
		".",
		"..",
		"...",
		"a",
		"a.b",
		"a.b.c.d",
		"eyJhbGciOiJIUzI1NiJ9..AAAA",
		".eyJ9.AAAA",
		"eyJhbGciOiJIUzI1NiJ9.eyJ9.",
		"eyJhbGciOiJIUzI1NiJ9 .eyJ9.AAAA",
		"eyJhbGciOiJIUzI1NiJ9.e+J9.AAAA",
		"eyJhbGciOiJIUzI1NiJ9.eyJ9.AA/A",
		"Bearer eyJhbGciOiJIUzI1NiJ9.eyJ9.AAAA",
	};
	struct pl_jwt_claims out;
	struct pl_jwt_claims in = { 1, NOW, NOW + 60, "j", 0 };
	const char          *tok;
	char                *big;
	size_t               i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_INT(pl_jwt_verify(a, key, strlen(key), bad[i], NOW, &out),
		    PL_EAUTH, bad[i]);
	T_INT(pl_jwt_verify(a, key, strlen(key), NULL, NOW, &out), PL_EAUTH,
	    "NULL token");

	/* A valid token followed by a dot and more is four parts. */
	tok = pl_jwt_sign(a, key, strlen(key), &in);
	T_INT(pl_jwt_verify(a, key, strlen(key),
	          pl_arena_printf(a, "%s.%s", tok, "x"), NOW, &out),
	    PL_EAUTH, "four parts");
	/* Oversized input is refused without parsing. */
	big = pl_arena_alloc(a, 100001);
	memset(big, 'A', 100000);
	big[10] = '.';
	big[20] = '.';
	T_INT(pl_jwt_verify(a, key, strlen(key), big, NOW, &out), PL_EAUTH,
	    "100 kB token");
}

static void
test_jwtio(struct pl_arena *a)
{
	/* jwt.io's HS256 example. Its signature must match our HMAC, but it
	 * carries none of our claims, so it does not verify. */
	static const char tok[] =
	    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwi"
	    "bmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4"
	    "fwpMeJf36POk6yJV_adQssw5c";
	static const char    k[] = "your-256-bit-secret";
	struct pl_jwt_claims out;
	unsigned char        sig[32];
	const char          *dot = strrchr(tok, '.');

	pl_hmac_sha256(k, strlen(k), tok, (size_t)(dot - tok), sig);
	T_STR(pl_b64url_encode(a, sig, sizeof(sig)), dot + 1, "jwt.io HS256");
	T_INT(pl_jwt_verify(a, k, strlen(k), tok, NOW, &out), PL_EAUTH,
	    "jwt.io token lacks our claims");
}

int
main(void)
{
	struct pl_arena *a = pl_arena_new(0);

	test_roundtrip(a);
	test_tamper(a);
	test_forged(a);
	test_shapes(a);
	test_jwtio(a);
	pl_arena_free(a);
	return t_done();
}
