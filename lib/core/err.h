/* err.h: the whole error vocabulary, and its mapping to HTTP. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ERR_H
#define PL_ERR_H

#include <stddef.h>

enum pl_err {
	PL_OK = 0,
	PL_EINVAL,    /* 400 bad input; a field is named when known */
	PL_EAUTH,     /* 401 not signed in, or bad credentials */
	PL_EPERM,     /* 403 signed in, not allowed */
	PL_ENOTFOUND, /* 404 no such thing (or another tenant's) */
	PL_EMETHOD,   /* 405 method not allowed on this path */
	PL_ECONFLICT, /* 409 duplicate, or state does not allow it */
	PL_ETOOBIG,   /* 413 over a limit */
	PL_ETOOMANY,  /* 429 throttled */
	PL_EINTERNAL, /* 500, already logged where found */
	PL_EUNAVAIL,  /* 503 a dependency is down, already logged */
	PL_EHUP,      /* the peer went away: send nothing */
	PL__MAX
};

/*
 * Field errors as data: what a domain call found wrong with its input,
 * field by field (the first message of a field is the one kept), plus a
 * message for the whole form. The HTTP side renders them beside the form's
 * fields or as the JSON envelope's error.fields; strings are static or
 * arena-owned.
 */
#define PL_ERRS_MAX 16

struct pl_errs {
	size_t n;
	struct {
		const char *field;
		const char *msg;
	} v[PL_ERRS_MAX];
	const char *msg; /* for the whole form, or NULL */
};

/* Record msg for field (NULL: for the whole form, unless one is set).
 * Returns PL_EINVAL, so a caller can "return pl_errs_add(...)". */
enum pl_err pl_errs_add(struct pl_errs *e, const char *field, const char *msg);
/* The message recorded for field, or NULL. */
const char *pl_errs_get(const struct pl_errs *e, const char *field);
/* PL_EINVAL if anything was recorded, else PL_OK. */
enum pl_err pl_errs_check(const struct pl_errs *e);

/* HTTP status for a code. */
int pl_err_status(enum pl_err e);
/* Stable machine code for the JSON envelope, e.g. "not_found". */
const char *pl_err_code(enum pl_err e);
/* Default human message for a code. */
const char *pl_err_message(enum pl_err e);

#endif
