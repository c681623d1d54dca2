/* valid.h: validation of user-entered values. Each returns NULL when the
 * value is acceptable, or a short English message (static storage) to show
 * beside the field, e.g. "Enter a valid e-mail address". */
/* SPDX-License-Identifier: MIT */
#ifndef PL_VALID_H
#define PL_VALID_H

#include <stddef.h>

struct pl_arena;

#define PL_PASSWORD_MIN 6   /* the specification's rule */
#define PL_PASSWORD_MAX 128 /* bytes; bounds the KDF's input */
#define PL_NAME_MAX     80  /* first/last name, in characters */
#define PL_EMAIL_MAX    254
#define PL_PHONE_MAX    32 /* as typed */

/*
 * A person's name part: 1..PL_NAME_MAX characters (code points, not bytes),
 * no control characters (C0, DEL, C1), not only spaces. s is valid UTF-8.
 */
const char *pl_valid_name(const char *s);
/*
 * An e-mail address as people type it: local@domain, at most PL_EMAIL_MAX
 * bytes, local part 1..64 of [A-Za-z0-9.!#$%&'*+/=?^_`{|}~-] not starting or
 * ending with '.' and no "..", domain of dot-separated labels (letters,
 * digits, hyphen, not starting/ending with '-', 1..63 each), at least one
 * dot, top label not all digits. No spaces, quotes, or comments.
 */
const char *pl_valid_email(const char *s);
/*
 * Lower-cases an e-mail's domain and local part (ASCII only) into the arena,
 * for uniqueness checks and look-ups. Call after pl_valid_email() passed.
 */
char *pl_email_normalize(struct pl_arena *a, const char *s);
/*
 * A phone number as typed: digits with optional spaces, dots, dashes,
 * parentheses and one leading '+'; 7..15 digits in all (E.164 max 15);
 * at most PL_PHONE_MAX bytes.
 */
const char *pl_valid_phone(const char *s);
/*
 * The phone in E.164 form into the arena: "+" and digits. A number typed
 * without '+' and with exactly 10 digits is taken as US (+1...); 11 digits
 * starting with 1 likewise gets '+'. Call after pl_valid_phone() passed.
 */
char *pl_phone_e164(struct pl_arena *a, const char *s);
/* A new password: PL_PASSWORD_MIN..PL_PASSWORD_MAX bytes... counted in
 * characters for the minimum, bytes for the maximum. */
const char *pl_valid_password(const char *s);
/* Generic text: at most max characters, no control characters except
 * (if multiline) \n \r \t. Empty is allowed (required-ness is checked by the
 * caller). */
const char *pl_valid_text(const char *s, size_t max, int multiline);
/* A client's id for a message (so a retry is recognised): 1 to 64 of
 * A-Z a-z 0-9 _ -. NULL when good, else the message for the field. */
const char *pl_valid_client_id(const char *s);

/* Number of code points in valid UTF-8 s. */
size_t pl_utf8_len(const char *s);

#endif
