/* rule.c: the checks of typed text the domain modules share. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arena.h"
#include "rule.h"
#include "valid.h"

enum pl_err
pl_rule_text(struct pl_arena *a, struct pl_errs *fe, const char *field,
    const char *label, unsigned flags, size_t max, const char *s)
{
	const char *why;

	if (s == NULL || *s == '\0') {
		if (flags & PL_RULE_REQUIRED)
			return pl_errs_add(fe, field,
			    pl_arena_printf(a, "%s is required.", label));
		return PL_OK;
	}
	if ((why = pl_valid_text(s, max, (flags & PL_RULE_MULTILINE) != 0)) !=
	    NULL)
		return pl_errs_add(
		    fe, field, pl_arena_printf(a, "%s: %s", label, why));
	return PL_OK;
}

enum pl_err
pl_rule_name(struct pl_arena *a, struct pl_errs *fe, const char *field,
    const char *label, const char *s)
{
	const char *why;
	enum pl_err er;

	if ((er = pl_rule_text(a, fe, field, label, PL_RULE_REQUIRED,
	         PL_NAME_MAX, s)) != PL_OK)
		return er;
	if ((why = pl_valid_name(s)) != NULL)
		return pl_errs_add(fe, field, why);
	return PL_OK;
}

enum pl_err
pl_rule_email(struct pl_arena *a, struct pl_errs *fe, const char *field,
    const char *label, const char *s, const char **norm)
{
	const char *why;
	enum pl_err er;

	*norm = s;
	if ((er = pl_rule_text(a, fe, field, label, PL_RULE_REQUIRED,
	         PL_EMAIL_MAX, s)) != PL_OK)
		return er;
	if ((why = pl_valid_email(s)) != NULL)
		return pl_errs_add(fe, field, why);
	*norm = pl_email_normalize(a, s);
	return PL_OK;
}

enum pl_err
pl_rule_phone(struct pl_arena *a, struct pl_errs *fe, const char *field,
    const char *label, bool required, const char *s)
{
	const char *why;
	enum pl_err er;

	if ((er = pl_rule_text(a, fe, field, label,
	         required ? PL_RULE_REQUIRED : 0, PL_PHONE_MAX, s)) != PL_OK)
		return er;
	if (s != NULL && *s != '\0' && (why = pl_valid_phone(s)) != NULL)
		return pl_errs_add(fe, field, why);
	return PL_OK;
}
