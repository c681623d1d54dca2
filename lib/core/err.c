/* err.c: each error code's HTTP status, machine code and default message. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "err.h"

static const struct {
	int         status;
	const char *code;
	const char *msg;
} errs[PL__MAX] = {
	[PL_OK] = { 200, "ok", "OK" },
	[PL_EINVAL] = { 400, "invalid", "The request is not valid." },
	[PL_EAUTH] = { 401, "unauthorized", "Please sign in." },
	[PL_EPERM] = { 403, "forbidden", "You are not allowed to do that." },
	[PL_ENOTFOUND] = { 404, "not_found", "Not found." },
	[PL_EMETHOD] = { 405, "method_not_allowed", "Method not allowed." },
	[PL_ECONFLICT] = { 409, "conflict",
	    "That conflicts with what exists." },
	[PL_ETOOBIG] = { 413, "too_large", "The request is too large." },
	[PL_ETOOMANY] = { 429, "too_many_requests",
	    "Too many attempts. Please wait a few minutes and try again." },
	[PL_EINTERNAL] = { 500, "internal",
	    "Something went wrong on our side." },
	[PL_EUNAVAIL] = { 503, "unavailable",
	    "The service is unavailable. Please try again shortly." },
	[PL_EHUP] = { 499, "gone", "The client went away." },
};

int
pl_err_status(enum pl_err e)
{
	return (unsigned)e < PL__MAX ? errs[e].status : 500;
}

const char *
pl_err_code(enum pl_err e)
{
	return (unsigned)e < PL__MAX ? errs[e].code : "internal";
}

const char *
pl_err_message(enum pl_err e)
{
	return (unsigned)e < PL__MAX ? errs[e].msg : errs[PL_EINTERNAL].msg;
}

enum pl_err
pl_errs_add(struct pl_errs *e, const char *field, const char *msg)
{
	if (field == NULL) {
		if (e->msg == NULL)
			e->msg = msg;
		return PL_EINVAL;
	}
	if (pl_errs_get(e, field) == NULL && e->n < PL_ERRS_MAX) {
		e->v[e->n].field = field;
		e->v[e->n].msg = msg;
		e->n++;
	}
	return PL_EINVAL;
}

const char *
pl_errs_get(const struct pl_errs *e, const char *field)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->v[i].field, field) == 0)
			return e->v[i].msg;
	return NULL;
}

enum pl_err
pl_errs_check(const struct pl_errs *e)
{
	return e->n > 0 || e->msg != NULL ? PL_EINVAL : PL_OK;
}
