/* rule.h: the checks every domain module makes of typed text (required,
 * length, names, e-mail addresses, phone numbers), recording what is
 * wrong beside the field in a struct pl_errs. The messages are the ones
 * the HTTP readers (pl_in_text) give for the same faults, so a form shows
 * one wording whichever side found the fault first. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_RULE_H
#define PL_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct pl_arena;

/* Flags for pl_rule_text(). */
#define PL_RULE_REQUIRED  1u
#define PL_RULE_MULTILINE 2u

/*
 * Text s (NULL is empty) for field: "Label is required." when empty and
 * PL_RULE_REQUIRED; "Label: <why>" when over max characters or holding
 * control characters (but \t \r \n with PL_RULE_MULTILINE). PL_OK, or
 * PL_EINVAL with the error recorded on fe.
 */
enum pl_err pl_rule_text(struct pl_arena *a, struct pl_errs *fe,
    const char *field, const char *label, unsigned flags, size_t max,
    const char *s);
/* A required person's name part (valid.h: pl_valid_name). */
enum pl_err pl_rule_name(struct pl_arena *a, struct pl_errs *fe,
    const char *field, const char *label, const char *s);
/* A required e-mail address; PL_OK and *norm, the normalized address
 * (arena-owned), or PL_EINVAL and *norm = s. */
enum pl_err pl_rule_email(struct pl_arena *a, struct pl_errs *fe,
    const char *field, const char *label, const char *s, const char **norm);
/* A phone number, required or not ("" is no number). */
enum pl_err pl_rule_phone(struct pl_arena *a, struct pl_errs *fe,
    const char *field, const char *label, bool required, const char *s);

#endif
