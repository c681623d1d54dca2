/* secretbox.h: sealing secrets at rest (AES-256-GCM, a key from the
 * configuration, never from the database). */
/* SPDX-License-Identifier: MIT */
#ifndef PL_SECRETBOX_H
#define PL_SECRETBOX_H

#include <stddef.h>

#include "err.h"

struct pl_arena;

#define PL_SEAL_KEY_LEN 32          /* AES-256 */
#define PL_SEAL_MAX     (64 * 1024) /* bytes of plaintext one box holds */

/*
 * Seal n bytes of plaintext with key (PL_SEAL_KEY_LEN bytes, or NULL when
 * no data key is configured: see pl_config_data_key()) into the text
 * "v1.<nonce>.<ciphertext and tag>", both parts base64url without padding,
 * the nonce 96 random bits. aad (aadn bytes, not secret, not stored) binds
 * the box to where it is kept, e.g. "twilio:tenant:42": pl_open() must be
 * given the same aad, so a box copied to another row does not open.
 *
 * PL_OK and *out (arena-owned, NUL-terminated, 20 + ceil(4 (n + 16) / 3)
 * characters: a 32-byte token seals into 84); PL_EUNAVAIL (logged) when key
 * is NULL; PL_ETOOBIG over PL_SEAL_MAX.
 */
enum pl_err pl_seal(struct pl_arena *a, const unsigned char *key,
    const void *plain, size_t n, const void *aad, size_t aadn, char **out);
/*
 * Open a box made by pl_seal() with the same key and aad. PL_OK and *out
 * (arena-owned, NUL-terminated, *outn bytes without the NUL); PL_EINVAL for
 * anything else: another version, a malformed text, a wrong key, a wrong
 * aad or any change to the text (the tag does not match). PL_EUNAVAIL
 * (logged) when key is NULL. Only PL_EUNAVAIL is logged: a box that does
 * not open is the caller's to report, with its context.
 */
enum pl_err pl_open(struct pl_arena *a, const unsigned char *key,
    const char *text, const void *aad, size_t aadn, unsigned char **out,
    size_t *outn);

#endif
