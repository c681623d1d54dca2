/* crypto.h: passwords, random tokens, hashes and constant-time compares.
 * Argon2id from libargon2; everything else from OpenSSL's libcrypto. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_CRYPTO_H
#define PL_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct pl_arena;

/* Argon2id cost (OWASP's 2023 minimum: 19 MiB, t=2, p=1). */
#define PL_PW_T_COST   2
#define PL_PW_M_KIB    19456
#define PL_PW_LANES    1
#define PL_PW_HASH_MAX 128 /* encoded hash, with NUL, fits in this */

/*
 * Hash a password with Argon2id and a fresh 16-byte salt into out (PHC
 * string "$argon2id$v=19$m=...,t=...,p=...$salt$hash"). PL_OK, or
 * PL_EINTERNAL (logged) if the library fails.
 */
enum pl_err pl_pw_hash(const char *pw, char out[PL_PW_HASH_MAX]);
/*
 * True if pw matches the encoded hash. A malformed hash is false. Takes about
 * as long whether or not it matches.
 */
bool pl_pw_verify(const char *pw, const char *encoded);
/* Compute a throwaway hash, so that "no such user" costs as much as a
 * wrong password (no timing oracle for which e-mails exist). */
void pl_pw_dummy_verify(const char *pw);

/* n random bytes from the kernel's CSPRNG (getrandom(2)); aborts on failure. */
void pl_random(void *p, size_t n);
/*
 * A new token: 32 random bytes as 43 base64url characters (no padding) into
 * the arena. Used for sessions, CSRF, reset links.
 */
char *pl_token_new(struct pl_arena *a);
/* SHA-256 of s as 64 lower-case hex characters into the arena. Tokens are
 * stored only as this hash. */
char *pl_sha256_hex(struct pl_arena *a, const void *s, size_t n);
/* HMAC-SHA256 of msg with key into out[32]. */
void pl_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t n,
    unsigned char out[32]);
/* HMAC-SHA1 (Twilio signs webhooks with it) into out[20]. */
void pl_hmac_sha1(const void *key, size_t keylen, const void *msg, size_t n,
    unsigned char out[20]);
/* Constant-time equality of two byte strings of the same length; strings of
 * different lengths are unequal (length is not secret). */
bool pl_ct_equal(const void *a, size_t an, const void *b, size_t bn);
/* Constant-time equality of two NUL-terminated strings. */
bool pl_ct_streq(const char *a, const char *b);

/* base64url without padding, into the arena. */
char *pl_b64url_encode(struct pl_arena *a, const void *p, size_t n);
/* Decode base64url without padding (padding also accepted); PL_EINVAL on any
 * character outside the alphabet or a bad length. *out is arena-owned and
 * NUL-terminated (the NUL is not counted in *outn). */
enum pl_err pl_b64url_decode(struct pl_arena *a, const char *s, size_t n,
    unsigned char **out, size_t *outn);
/* Standard base64 with padding, into the arena (e-mail, Twilio). */
char *pl_b64_encode(struct pl_arena *a, const void *p, size_t n);

#endif
