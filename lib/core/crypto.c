/* crypto.c: passwords, random tokens, hashes and constant-time compares.
 *
 * Argon2id comes from libargon2, hashes and HMACs from OpenSSL's libcrypto,
 * random bytes straight from the kernel with getrandom(2). The base64 codecs
 * are our own: small, and strict when decoding (no white space, no stray
 * padding, no non-zero trailing bits), so that one token has exactly one
 * spelling.
 */
/* SPDX-License-Identifier: MIT */
#include <sys/random.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "arena.h"
#include "crypto.h"
#include "log.h"

#define SALT_LEN  16
#define HASH_LEN  32
#define TOKEN_LEN 32

static const char b64std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The hash pl_pw_dummy_verify() checks against, made once per process. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char           dummy_hash[PL_PW_HASH_MAX];
static bool           dummy_ok;

enum pl_err
pl_pw_hash(const char *pw, char out[PL_PW_HASH_MAX])
{
	unsigned char salt[SALT_LEN];
	size_t        need;
	int           rc;

	need = argon2_encodedlen(PL_PW_T_COST, PL_PW_M_KIB, PL_PW_LANES,
	    SALT_LEN, HASH_LEN, Argon2_id);
	if (need > PL_PW_HASH_MAX) {
		pl_error("crypto: argon2 hash needs %zu bytes", need);
		return PL_EINTERNAL;
	}
	pl_random(salt, sizeof(salt));
	rc = argon2id_hash_encoded(PL_PW_T_COST, PL_PW_M_KIB, PL_PW_LANES, pw,
	    strlen(pw), salt, sizeof(salt), HASH_LEN, out, PL_PW_HASH_MAX);
	if (rc != ARGON2_OK) {
		pl_error("crypto: argon2id_hash_encoded: %s",
		    argon2_error_message(rc));
		return PL_EINTERNAL;
	}
	return PL_OK;
}

/*
 * Only our own Argon2id hashes are verified; anything else (an empty column,
 * a locked account's "!" marker, another scheme) is a mismatch that still
 * costs a full hash, so it cannot be told apart by timing.
 */
bool
pl_pw_verify(const char *pw, const char *encoded)
{
	static const char prefix[] = "$argon2id$";

	if (pw == NULL)
		pw = "";
	if (encoded == NULL ||
	    strncmp(encoded, prefix, sizeof(prefix) - 1) != 0 ||
	    strlen(encoded) >= PL_PW_HASH_MAX) {
		pl_pw_dummy_verify(pw);
		return false;
	}
	return argon2id_verify(encoded, pw, strlen(pw)) == ARGON2_OK;
}

static void
dummy_init(void)
{
	static const char pw[] = "parley dummy password";
	unsigned char     salt[SALT_LEN];
	int               rc;

	pl_random(salt, sizeof(salt));
	rc = argon2id_hash_encoded(PL_PW_T_COST, PL_PW_M_KIB, PL_PW_LANES, pw,
	    sizeof(pw) - 1, salt, sizeof(salt), HASH_LEN, dummy_hash,
	    sizeof(dummy_hash));
	if (rc != ARGON2_OK)
		pl_error("crypto: dummy hash: %s", argon2_error_message(rc));
	else
		dummy_ok = true;
}

void
pl_pw_dummy_verify(const char *pw)
{
	unsigned char salt[SALT_LEN] = { 0 }, out[HASH_LEN];

	if (pw == NULL)
		pw = "";
	pthread_once(&dummy_once, dummy_init);
	if (dummy_ok) {
		(void)argon2id_verify(dummy_hash, pw, strlen(pw));
		return;
	}
	/* No dummy hash (the library failed once): a raw hash costs the same.
	 */
	(void)argon2id_hash_raw(PL_PW_T_COST, PL_PW_M_KIB, PL_PW_LANES, pw,
	    strlen(pw), salt, sizeof(salt), out, sizeof(out));
}

void
pl_random(void *p, size_t n)
{
	unsigned char *q = p;
	ssize_t        got;

	while (n > 0) {
		got = getrandom(q, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			pl_die("crypto: getrandom: %s", strerror(errno));
		}
		q += got;
		n -= (size_t)got;
	}
}

char *
pl_token_new(struct pl_arena *a)
{
	unsigned char raw[TOKEN_LEN];
	char         *s;

	pl_random(raw, sizeof(raw));
	s = pl_b64url_encode(a, raw, sizeof(raw));
	OPENSSL_cleanse(raw, sizeof(raw));
	return s;
}

char *
pl_sha256_hex(struct pl_arena *a, const void *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char     md[EVP_MAX_MD_SIZE];
	unsigned int      len = 0;
	char             *out;
	size_t            i;

	if (EVP_Digest(n > 0 ? s : "", n, md, &len, EVP_sha256(), NULL) != 1 ||
	    len != 32)
		pl_die("crypto: EVP_Digest(sha256) failed");
	out = pl_arena_alloc(a, 2 * 32 + 1);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[64] = '\0';
	return out;
}

static void
hmac_compute(const EVP_MD *md, const void *key, size_t keylen, const void *msg,
    size_t n, unsigned char *out, unsigned int want)
{
	static const unsigned char empty[1];
	unsigned int               len = 0;

	/* HMAC() takes the key length as an int. */
	if (keylen > INT_MAX)
		pl_die("crypto: HMAC key of %zu bytes", keylen);
	if (HMAC(md, keylen > 0 ? key : empty, (int)keylen, n > 0 ? msg : empty,
	        n, out, &len) == NULL ||
	    len != want)
		pl_die("crypto: HMAC failed");
}

void
pl_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t n,
    unsigned char out[32])
{
	hmac_compute(EVP_sha256(), key, keylen, msg, n, out, 32);
}

void
pl_hmac_sha1(const void *key, size_t keylen, const void *msg, size_t n,
    unsigned char out[20])
{
	hmac_compute(EVP_sha1(), key, keylen, msg, n, out, 20);
}

bool
pl_ct_equal(const void *a, size_t an, const void *b, size_t bn)
{
	if (an != bn)
		return false;
	if (an == 0)
		return true;
	return CRYPTO_memcmp(a, b, an) == 0;
}

bool
pl_ct_streq(const char *a, const char *b)
{
	return pl_ct_equal(a, strlen(a), b, strlen(b));
}

static char *
b64_encode(
    struct pl_arena *a, const char *abc, bool pad, const void *p, size_t n)
{
	const unsigned char *s = p;
	char                *out, *o;
	size_t               i;
	unsigned long        v;

	/* 4 characters per 3 bytes, rounded up, and the NUL. */
	o = out = pl_arena_array(a, n / 3 + 1, 4);
	for (i = 0; i + 3 <= n; i += 3) {
		v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8 |
		    s[i + 2];
		*o++ = abc[v >> 18 & 63];
		*o++ = abc[v >> 12 & 63];
		*o++ = abc[v >> 6 & 63];
		*o++ = abc[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned long)s[i] << 16;
		*o++ = abc[v >> 18 & 63];
		*o++ = abc[v >> 12 & 63];
		if (pad) {
			*o++ = '=';
			*o++ = '=';
		}
	} else if (n - i == 2) {
		v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8;
		*o++ = abc[v >> 18 & 63];
		*o++ = abc[v >> 12 & 63];
		*o++ = abc[v >> 6 & 63];
		if (pad)
			*o++ = '=';
	}
	*o = '\0';
	return out;
}

char *
pl_b64url_encode(struct pl_arena *a, const void *p, size_t n)
{
	return b64_encode(a, b64url, false, p, n);
}

char *
pl_b64_encode(struct pl_arena *a, const void *p, size_t n)
{
	return b64_encode(a, b64std, true, p, n);
}

/* The 6-bit value of a base64url character, or -1. */
static int
b64url_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

enum pl_err
pl_b64url_decode(struct pl_arena *a, const char *s, size_t n,
    unsigned char **out, size_t *outn)
{
	unsigned char *o;
	unsigned long  v = 0;
	size_t         i, len, npad = 0, bits = 0, k = 0;
	int            d;

	*out = NULL;
	*outn = 0;
	/* Padding, when present, must make the length a multiple of 4. */
	len = n;
	while (len > 0 && s[len - 1] == '=' && npad < 2) {
		len--;
		npad++;
	}
	if (npad > 0 && (n % 4 != 0 || len % 4 + npad != 4))
		return PL_EINVAL;
	if (len % 4 == 1)
		return PL_EINVAL;

	o = pl_arena_alloc(a, len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		if ((d = b64url_val((unsigned char)s[i])) < 0)
			return PL_EINVAL;
		v = (v << 6 | (unsigned long)d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (unsigned char)(v >> bits & 0xff);
		}
	}
	/* The bits left over must be zero: one spelling per byte string. */
	if ((v & ((1UL << bits) - 1)) != 0)
		return PL_EINVAL;
	o[k] = '\0';
	*out = o;
	*outn = k;
	return PL_OK;
}
