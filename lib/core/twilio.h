/* twilio.h: the Twilio REST client (libcurl), its error bodies, SIDs, and
 * webhook signatures. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_TWILIO_H
#define PL_TWILIO_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct json_object;
struct pl_arena;
struct pl_config;
struct pl_kv; /* parse.h: key, val (NUL-terminated), vlen */

#define PL_TWILIO_CONNECT_MS 5000            /* default connect timeout */
#define PL_TWILIO_TIMEOUT_MS 15000           /* default whole-call timeout */
#define PL_TWILIO_BODY_MAX   (1024 * 1024)   /* bytes of a response body */
#define PL_TWILIO_MSG_MAX    512             /* pl_twilio_error.message */
#define PL_TWILIO_INFO_MAX   256             /* pl_twilio_error.more_info */
#define PL_TWILIO_SID_LEN    34              /* "AC" and 32 lower-case hex */
#define PL_TWILIO_RETRY_MAX  (24L * 60 * 60) /* retry_after is clamped */

/* Whose account a call acts as. Both are borrowed; the token is never
 * logged, never put in a URL. */
struct pl_twilio_creds {
	const char *sid;   /* account SID "AC..." (or an API key "SK...") */
	const char *token; /* its auth token (or the API key's secret) */
};

/* Twilio's error body {code, message, more_info, status}, copied. */
struct pl_twilio_error {
	long code;   /* Twilio's error code (21211, 20003...); 0 if none */
	int  status; /* the body's "status" (an HTTP status); 0 if none */
	/* UTF-8, control characters as spaces, cut at a character boundary
	 * when too long; "" if absent. Twilio's text may quote what was
	 * sent (a phone number), so it is for people, not for log lines. */
	char message[PL_TWILIO_MSG_MAX];
	char more_info[PL_TWILIO_INFO_MAX]; /* a link to Twilio's docs */
};

/* Per-call settings; a zero member takes its default. */
struct pl_twilio_opts {
	long connect_ms; /* PL_TWILIO_CONNECT_MS */
	long timeout_ms; /* the whole call; PL_TWILIO_TIMEOUT_MS */
};

/*
 * What a call got back. transient says whether the same call may succeed
 * later (the worker retries with backoff): true for a transport failure
 * (refused, reset, timed out, TLS handshake), 429 and 5xx; false for every
 * other 4xx, which would fail the same way again. A POST that timed out
 * may still have been carried out by Twilio (Messages have no idempotency
 * key): the caller decides whether a retry may send twice.
 */
struct pl_twilio_result {
	int  status;      /* HTTP status; 0 when no answer came */
	bool transient;   /* see above */
	long retry_after; /* seconds from Retry-After, 0 if none */
	/* The parsed body when it is JSON, else NULL: a json-c object owned by
	 * the result (json-c allocates it outside the arena), released by
	 * pl_twilio_result_free(). */
	struct json_object    *json;
	const char            *body; /* the raw body, arena-owned, "" if none */
	size_t                 bodylen; /* bytes of body without its NUL */
	struct pl_twilio_error err;     /* when status is not 2xx, if parsed */
};

/*
 * Call Twilio: method ("GET", "POST" or "DELETE") on path (such as
 * "/2010-04-01/Accounts/AC.../Messages.json": unreserved characters and
 * '/', no query, no ".." segment) below cfg->twilio_api_url, with Basic
 * auth as auth->sid. The nform pairs of form (names non-empty, values
 * NUL-terminated UTF-8; vlen is not used) are the urlencoded body of a
 * POST, or the query string of a GET or DELETE. TLS peer and host
 * verification stay on; an http:// base URL is refused unless its host is
 * loopback (tests and the local stand-in). No redirect is followed. The
 * body is read up to PL_TWILIO_BODY_MAX bytes. opt may be NULL.
 *
 * One log line per call: method, path with SIDs masked, form names (never
 * values), status, Twilio's code, time. *res is overwritten (call
 * pl_twilio_result_free() between two calls with the same result) and
 * filled as far as the call got.
 *
 * PL_OK for 2xx. Otherwise: PL_EINVAL for bad arguments or base URL
 * (status 0, nothing sent, logged) and for 400 and the 4xx not below;
 * PL_EAUTH 401; PL_EPERM 403; PL_ENOTFOUND 404; PL_ECONFLICT 409;
 * PL_ETOOMANY 429; PL_EUNAVAIL 5xx or a transport failure; PL_ETOOBIG a
 * body over the limit; PL_EINTERNAL any other status, or a 2xx whose body
 * is not JSON (logged).
 */
enum pl_err pl_twilio_call(struct pl_arena *a, const struct pl_config *cfg,
    const struct pl_twilio_creds *auth, const char *method, const char *path,
    const struct pl_kv *form, size_t nform, struct pl_twilio_result *res);
/* pl_twilio_call() with timeouts of the caller's choosing. */
enum pl_err pl_twilio_call_opts(struct pl_arena *a, const struct pl_config *cfg,
    const struct pl_twilio_creds *auth, const char *method, const char *path,
    const struct pl_kv *form, size_t nform, const struct pl_twilio_opts *opt,
    struct pl_twilio_result *res);
/* Release what a result owns (its JSON); safe to call again, and on a
 * zeroed result. */
void pl_twilio_result_free(struct pl_twilio_result *res);

/*
 * The application/x-www-form-urlencoded text of n pairs, "k=v&k=v", into
 * the arena: every byte other than A-Z a-z 0-9 - . _ ~ is %XX (upper-case
 * hex), so '+' is %2B, a space %20, '&' %26, '=' %3D, and UTF-8 goes byte
 * by byte. Values are taken up to their NUL. "" when n is 0.
 */
char *pl_twilio_form_encode(
    struct pl_arena *a, const struct pl_kv *form, size_t n);

/*
 * Parse n bytes that should be Twilio's error body, a JSON object with
 * "code", "message", "more_info" and "status" (others are ignored), into
 * *out, which is always zeroed first. Safe on any input. PL_OK when it is a
 * JSON object with an integer code or a string message; PL_EINVAL
 * otherwise (not logged: the caller has the context).
 */
enum pl_err pl_twilio_error_parse(
    const char *json, size_t n, struct pl_twilio_error *out);

/*
 * True if s has the shape of a Twilio SID: the two letters of prefix
 * ("AC", "SM", "PN", "MG"...; NULL: any two upper-case letters) and 32
 * lower-case hex digits.
 */
bool pl_twilio_sid_ok(const char *s, const char *prefix);
/* A SID (or any identifier) for a log line: its first two and last four
 * characters, as "AC…1234"; "…" when shorter than 8, "(none)" for NULL.
 * Into the arena. */
char *pl_twilio_mask_sid(struct pl_arena *a, const char *sid);

/*
 * Twilio's webhook signature: base64 of HMAC-SHA1, keyed with token, of
 * url followed by each param's name and value with no separators, sorted
 * by name then value (byte order; a repeated name with the same value
 * counts once, as Twilio's libraries do). url is the full URL Twilio
 * called, query included, rebuilt from the configured public base URL,
 * never from the Host header. Into the arena.
 */
char *pl_twilio_signature(struct pl_arena *a, const char *token,
    const char *url, const struct pl_kv *params, size_t n);
/*
 * True if header (X-Twilio-Signature) is the signature of url and params
 * with token, for url as given or with its scheme's default port added or
 * removed (Twilio signs whichever it called). Compared in constant time.
 * False for a NULL or empty token or header.
 */
bool pl_twilio_signature_ok(const char *token, const char *url,
    const struct pl_kv *params, size_t n, const char *header);

#endif
