/* secretbox.c: sealing secrets at rest with AES-256-GCM (OpenSSL EVP).
 *
 * A box is "v1.<nonce>.<ciphertext><tag>" in strict base64url, so it fits a
 * text column and one box has exactly one spelling. The nonce is 96 random
 * bits from the kernel for every seal: with one key, GCM stays safe for
 * about 2^32 seals, far more than credentials will ever be written. The
 * version names the whole recipe (cipher, nonce and tag sizes, encoding);
 * a new recipe or key rotation would be "v2", and "v1" boxes would still
 * open. The caller's aad is authenticated with the ciphertext, so a box
 * only opens for the row it was sealed for.
 */
/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "arena.h"
#include "crypto.h"
#include "log.h"
#include "secretbox.h"

#define NONCE_LEN 12
#define TAG_LEN   16
#define PREFIX    "v1."

static const unsigned char empty[1];

static EVP_CIPHER_CTX *
ctx_new(void)
{
	EVP_CIPHER_CTX *c;

	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		pl_die("secretbox: EVP_CIPHER_CTX_new: out of memory");
	return c;
}

enum pl_err
pl_seal(struct pl_arena *a, const unsigned char *key, const void *plain,
    size_t n, const void *aad, size_t aadn, char **out)
{
	unsigned char   nonce[NONCE_LEN], *ct;
	EVP_CIPHER_CTX *c;
	int             len, fin;

	*out = NULL;
	if (key == NULL) {
		pl_error(
		    "secretbox: cannot seal: PARLEY_DATA_KEY_FILE is unset");
		return PL_EUNAVAIL;
	}
	if (n > PL_SEAL_MAX || aadn > INT_MAX)
		return PL_ETOOBIG;
	pl_random(nonce, sizeof(nonce));
	ct = pl_arena_alloc(a, n + TAG_LEN);

	/* Every call below only fails on a broken library or no memory. */
	c = ctx_new();
	if (EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) !=
	        1 ||
	    EVP_EncryptInit_ex(c, NULL, NULL, key, nonce) != 1 ||
	    (aadn > 0 &&
	        EVP_EncryptUpdate(c, NULL, &len, aad, (int)aadn) != 1) ||
	    EVP_EncryptUpdate(c, ct, &len, n > 0 ? plain : empty, (int)n) !=
	        1 ||
	    (size_t)len != n || EVP_EncryptFinal_ex(c, ct + len, &fin) != 1 ||
	    fin != 0 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, ct + n) != 1)
		pl_die("secretbox: AES-256-GCM encryption failed");
	EVP_CIPHER_CTX_free(c);

	*out = pl_arena_printf(a, PREFIX "%s.%s",
	    pl_b64url_encode(a, nonce, sizeof(nonce)),
	    pl_b64url_encode(a, ct, n + TAG_LEN));
	return PL_OK;
}

enum pl_err
pl_open(struct pl_arena *a, const unsigned char *key, const char *text,
    const void *aad, size_t aadn, unsigned char **out, size_t *outn)
{
	unsigned char  *nonce, *ct, *pt;
	size_t          noncen, ctn, ptn;
	const char     *p, *dot;
	EVP_CIPHER_CTX *c;
	int             len, fin, ok;

	*out = NULL;
	*outn = 0;
	if (key == NULL) {
		pl_error(
		    "secretbox: cannot open: PARLEY_DATA_KEY_FILE is unset");
		return PL_EUNAVAIL;
	}
	/* No padding: pl_b64url_decode() would take it, and a box has one
	 * spelling. */
	if (text == NULL || strncmp(text, PREFIX, sizeof(PREFIX) - 1) != 0 ||
	    strchr(text, '=') != NULL)
		return PL_EINVAL;
	p = text + sizeof(PREFIX) - 1;
	if ((dot = strchr(p, '.')) == NULL || strchr(dot + 1, '.') != NULL)
		return PL_EINVAL;
	if (strlen(dot + 1) > (PL_SEAL_MAX + TAG_LEN) / 3 * 4 + 4 ||
	    aadn > INT_MAX)
		return PL_EINVAL;
	if (pl_b64url_decode(a, p, (size_t)(dot - p), &nonce, &noncen) !=
	        PL_OK ||
	    noncen != NONCE_LEN)
		return PL_EINVAL;
	if (pl_b64url_decode(a, dot + 1, strlen(dot + 1), &ct, &ctn) != PL_OK ||
	    ctn < TAG_LEN || ctn - TAG_LEN > PL_SEAL_MAX)
		return PL_EINVAL;
	ptn = ctn - TAG_LEN;
	pt = pl_arena_alloc(a, ptn + 1);

	c = ctx_new();
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) !=
	        1 ||
	    EVP_DecryptInit_ex(c, NULL, NULL, key, nonce) != 1 ||
	    (aadn > 0 &&
	        EVP_DecryptUpdate(c, NULL, &len, aad, (int)aadn) != 1) ||
	    EVP_DecryptUpdate(c, pt, &len, ptn > 0 ? ct : empty, (int)ptn) !=
	        1 ||
	    (size_t)len != ptn ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, ct + ptn) !=
	        1)
		pl_die("secretbox: AES-256-GCM decryption failed");
	/* The tag is checked here; only then is the plaintext released. */
	ok = EVP_DecryptFinal_ex(c, pt + len, &fin) == 1 && fin == 0;
	EVP_CIPHER_CTX_free(c);
	if (!ok) {
		OPENSSL_cleanse(pt, ptn);
		return PL_EINVAL;
	}
	pt[ptn] = '\0';
	*out = pt;
	*outn = ptn;
	return PL_OK;
}
