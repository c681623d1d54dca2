/* twilio.c: the Twilio REST client (libcurl), its error bodies, SIDs, and
 * webhook signatures.
 *
 * The client is one function over one curl handle per call, shaped like
 * pl_mail_send(): every option is checked, the credentials go only through
 * CURLOPT_USERNAME/PASSWORD (never a URL, never a log line), the protocols
 * are http and https without redirects, and TLS verification is on. What
 * comes back is sorted once into a result: the status, whether trying
 * again later could help (transport failures, 429, 5xx), Retry-After, the
 * JSON, and Twilio's error body. Log lines carry the method, the path with
 * its SIDs masked, the form's names (values hold phone numbers, message
 * text and sometimes secrets), the status and Twilio's code.
 */
/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "parse.h"
#include "twilio.h"

#define PATH_MAX_LEN  512
#define URL_MAX_LEN   4096
#define JSON_DEPTH    32 /* Twilio's resources nest a few levels */
#define HMAC_SHA1_LEN 20
#define ELLIPSIS      "\xe2\x80\xa6" /* U+2026, in log lines */

static const char hexdig[] = "0123456789ABCDEF";

/* --- form encoding ------------------------------------------------------ */

static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* Append s percent-encoded: only unreserved bytes stay as they are. */
static void
pct_put(struct pl_buf *b, const char *s)
{
	const unsigned char *p;
	char                 t[3];

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (unreserved(*p)) {
			pl_buf_putc(b, (char)*p);
			continue;
		}
		t[0] = '%';
		t[1] = hexdig[*p >> 4];
		t[2] = hexdig[*p & 0xf];
		pl_buf_add(b, t, 3);
	}
}

char *
pl_twilio_form_encode(struct pl_arena *a, const struct pl_kv *form, size_t n)
{
	struct pl_buf b;
	size_t        i;

	pl_buf_init(&b, a);
	for (i = 0; i < n; i++) {
		if (i > 0)
			pl_buf_putc(&b, '&');
		pct_put(&b, form[i].key != NULL ? form[i].key : "");
		pl_buf_putc(&b, '=');
		pct_put(&b, form[i].val != NULL ? form[i].val : "");
	}
	return pl_arena_strndup(a, pl_buf_cstr(&b), b.len);
}

/* --- SIDs ---------------------------------------------------------------- */

static bool
is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_lhex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The SID shape in the first PL_TWILIO_SID_LEN bytes of s (not checking
 * what follows). */
static bool
sid_at(const char *s)
{
	size_t i;

	if (!is_upper((unsigned char)s[0]) || !is_upper((unsigned char)s[1]))
		return false;
	for (i = 2; i < PL_TWILIO_SID_LEN; i++)
		if (!is_lhex((unsigned char)s[i]))
			return false;
	return true;
}

bool
pl_twilio_sid_ok(const char *s, const char *prefix)
{
	if (s == NULL || strlen(s) != PL_TWILIO_SID_LEN || !sid_at(s))
		return false;
	return prefix == NULL ||
	       (strlen(prefix) == 2 && s[0] == prefix[0] && s[1] == prefix[1]);
}

char *
pl_twilio_mask_sid(struct pl_arena *a, const char *sid)
{
	size_t n;

	if (sid == NULL)
		return pl_arena_strdup(a, "(none)");
	if ((n = strlen(sid)) < 8)
		return pl_arena_strdup(a, ELLIPSIS);
	return pl_arena_printf(a, "%.2s" ELLIPSIS "%s", sid, sid + n - 4);
}

static bool
is_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

/* path with every SID in it (a whole alphanumeric run) masked. */
static const char *
path_masked(struct pl_arena *a, const char *path)
{
	struct pl_buf b;
	const char   *p = path, *q;
	size_t        run;

	pl_buf_init(&b, a);
	while (*p != '\0') {
		for (q = p; is_alnum((unsigned char)*q); q++)
			;
		run = (size_t)(q - p);
		if (run == PL_TWILIO_SID_LEN && sid_at(p))
			pl_buf_puts(&b,
			    pl_twilio_mask_sid(a, pl_arena_strndup(a, p, run)));
		else
			pl_buf_add(&b, p, run);
		if (*q != '\0')
			pl_buf_putc(&b, *q++);
		p = q;
	}
	return pl_buf_cstr(&b);
}

/* "(To,From,Body)" for a log line: names only, never values. */
static const char *
form_names(struct pl_arena *a, const struct pl_kv *form, size_t n)
{
	struct pl_buf b;
	size_t        i;

	if (n == 0)
		return "";
	pl_buf_init(&b, a);
	pl_buf_puts(&b, " (");
	for (i = 0; i < n; i++) {
		if (i > 0)
			pl_buf_putc(&b, ',');
		/* Names are checked to be unreserved characters. */
		pl_buf_puts(&b, form[i].key);
	}
	pl_buf_putc(&b, ')');
	return pl_buf_cstr(&b);
}

/* --- Twilio's error body ------------------------------------------------- */

/*
 * Length of the well-formed UTF-8 sequence at s (n > 0 bytes left), or 0:
 * no overlong forms, surrogates or values past U+10FFFF. json-c's own check
 * takes any lead byte of the right shape, such as 0xf7.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, k;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (k = 1; k < len; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return len;
}

static bool
utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t               i = 0, len;

	while (i < n) {
		if ((len = utf8_len(p + i, n - i)) == 0)
			return false;
		i += len;
	}
	return true;
}

/*
 * Copy a JSON string into dst (max bytes with the NUL): control characters
 * (a \u0000 included) become spaces, anything that is not well-formed UTF-8
 * becomes '?', and a value too long is cut before the character that does
 * not fit.
 */
static void
str_copy(char *dst, size_t max, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t               i = 0, k = 0, len;

	while (i < n) {
		if ((len = utf8_len(p + i, n - i)) == 0) {
			len = 1;
			if (k + 1 > max - 1)
				break;
			dst[k++] = '?';
		} else if (len == 1) {
			if (k + 1 > max - 1)
				break;
			dst[k++] =
			    p[i] < 0x20 || p[i] == 0x7f ? ' ' : (char)p[i];
		} else {
			if (k + len > max - 1)
				break;
			memcpy(dst + k, p + i, len);
			k += len;
		}
		i += len;
	}
	dst[k] = '\0';
}

static json_object *
json_parse(const char *s, size_t n)
{
	json_tokener *tok;
	json_object  *o;
	size_t        i;

	/* json-c takes an int length and stops at a NUL. */
	if (n == 0 || n > PL_TWILIO_BODY_MAX || memchr(s, '\0', n) != NULL ||
	    !utf8_ok(s, n))
		return NULL;
	if ((tok = json_tokener_new_ex(JSON_DEPTH)) == NULL)
		pl_die("twilio: out of memory");
	o = json_tokener_parse_ex(tok, s, (int)n);
	if (o != NULL && json_tokener_get_error(tok) == json_tokener_success) {
		for (i = json_tokener_get_parse_end(tok); i < n; i++)
			if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
			    s[i] != '\n')
				break;
		if (i == n) {
			json_tokener_free(tok);
			return o;
		}
	}
	json_object_put(o);
	json_tokener_free(tok);
	return NULL;
}

enum pl_err
pl_twilio_error_parse(const char *json, size_t n, struct pl_twilio_error *out)
{
	json_object *o, *m;
	int64_t      v;
	bool         any = false;

	memset(out, 0, sizeof(*out));
	if (json == NULL || (o = json_parse(json, n)) == NULL)
		return PL_EINVAL;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return PL_EINVAL;
	}
	if (json_object_object_get_ex(o, "code", &m) &&
	    json_object_is_type(m, json_type_int)) {
		v = json_object_get_int64(m);
		if (v > 0 && v <= INT32_MAX) {
			out->code = (long)v;
			any = true;
		}
	}
	if (json_object_object_get_ex(o, "status", &m) &&
	    json_object_is_type(m, json_type_int)) {
		v = json_object_get_int64(m);
		if (v >= 100 && v <= 599)
			out->status = (int)v;
	}
	if (json_object_object_get_ex(o, "message", &m) &&
	    json_object_is_type(m, json_type_string)) {
		str_copy(out->message, sizeof(out->message),
		    json_object_get_string(m),
		    (size_t)json_object_get_string_len(m));
		any = any || out->message[0] != '\0';
	}
	if (json_object_object_get_ex(o, "more_info", &m) &&
	    json_object_is_type(m, json_type_string))
		str_copy(out->more_info, sizeof(out->more_info),
		    json_object_get_string(m),
		    (size_t)json_object_get_string_len(m));
	json_object_put(o);
	if (!any) {
		memset(out, 0, sizeof(*out));
		return PL_EINVAL;
	}
	return PL_OK;
}

/* --- the call ------------------------------------------------------------ */

static bool
method_ok(const char *m)
{
	return m != NULL && (strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0 ||
	                        strcmp(m, "DELETE") == 0);
}

/* An absolute path of unreserved characters and '/', no "." or ".."
 * segment, no empty segment. */
static bool
path_ok(const char *p)
{
	size_t n, i, seg = 0;

	if (p == NULL || p[0] != '/' || (n = strlen(p)) > PATH_MAX_LEN)
		return false;
	for (i = 1; i <= n; i++) {
		if (i == n || p[i] == '/') {
			if (seg == 0 || (seg == 1 && p[i - 1] == '.') ||
			    (seg == 2 && p[i - 1] == '.' && p[i - 2] == '.'))
				return false;
			seg = 0;
			continue;
		}
		if (!unreserved((unsigned char)p[i]))
			return false;
		seg++;
	}
	return true;
}

/*
 * The base URL: https://, or http:// to a loopback host only (the local
 * stand-in), since the Basic credentials would cross the network in clear.
 * No userinfo, query or fragment; a path is allowed (a proxy prefix).
 */
static bool
base_ok(const char *u)
{
	static const char *const loop[] = { "127.0.0.1", "localhost", "[::1]" };
	const char              *host, *end, *rb;
	size_t                   hn, i;

	if (u == NULL || strlen(u) > URL_MAX_LEN / 2 ||
	    strpbrk(u, "@?# \t\r\n\\") != NULL)
		return false;
	if (strncmp(u, "https://", 8) == 0)
		return u[8] != '\0' && u[8] != '/';
	if (strncmp(u, "http://", 7) != 0)
		return false;
	host = u + 7;
	end = host + strcspn(host, "/");
	/* The host ends at the port's ':' (after ']' for IPv6). */
	if (*host == '[') {
		if ((rb = memchr(host, ']', (size_t)(end - host))) == NULL)
			return false;
		hn = (size_t)(rb - host) + 1;
	} else {
		hn = strcspn(host, ":/");
	}
	for (i = 0; i < sizeof(loop) / sizeof(loop[0]); i++)
		if (hn == strlen(loop[i]) && strncmp(host, loop[i], hn) == 0 &&
		    (host[hn] == '\0' || host[hn] == ':' || host[hn] == '/'))
			return true;
	return false;
}

/* UTF-8 without control characters other than tab, CR and LF (message
 * bodies may hold line breaks). */
static bool
text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t               n = strlen(s), i = 0, len;

	while (i < n) {
		if (p[i] == 0x7f || (p[i] < 0x20 && p[i] != '\t' &&
		                        p[i] != '\r' && p[i] != '\n'))
			return false;
		if ((len = utf8_len(p + i, n - i)) == 0)
			return false;
		i += len;
	}
	return true;
}

static bool
form_ok(const struct pl_kv *form, size_t n)
{
	size_t i, k;

	if (n > 0 && form == NULL)
		return false;
	for (i = 0; i < n; i++) {
		if (form[i].key == NULL || form[i].key[0] == '\0' ||
		    form[i].val == NULL || !text_ok(form[i].val))
			return false;
		/* Twilio's names are words; a strange one is a bug here. */
		for (k = 0; form[i].key[k] != '\0'; k++)
			if (!unreserved((unsigned char)form[i].key[k]))
				return false;
	}
	return true;
}

struct sink {
	struct pl_buf b;
	bool          over; /* the body passed PL_TWILIO_BODY_MAX */
};

static size_t
sink_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t       n = size * nmemb;

	if (n > PL_TWILIO_BODY_MAX - s->b.len) {
		s->over = true;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	pl_buf_add(&s->b, p, n);
	return n;
}

/* The code for a status other than 2xx; whether it is worth a retry. */
static enum pl_err
status_err(long st, bool *transient)
{
	*transient = st == 429 || (st >= 500 && st <= 599);
	switch (st) {
	case 401:
		return PL_EAUTH;
	case 403:
		return PL_EPERM;
	case 404:
		return PL_ENOTFOUND;
	case 409:
		return PL_ECONFLICT;
	case 413:
		return PL_ETOOBIG;
	case 429:
		return PL_ETOOMANY;
	default:
		break;
	}
	if (st >= 400 && st <= 499)
		return PL_EINVAL;
	if (st >= 500 && st <= 599)
		return PL_EUNAVAIL;
	return PL_EINTERNAL; /* 1xx, 3xx (no redirect is followed) */
}

/* Transport failures are worth a retry, except those that are ours. */
static bool
curl_transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_OUT_OF_MEMORY:
		return false;
	default:
		return true;
	}
}

void
pl_twilio_result_free(struct pl_twilio_result *res)
{
	if (res == NULL)
		return;
	json_object_put(res->json);
	res->json = NULL;
}

enum pl_err
pl_twilio_call(struct pl_arena *a, const struct pl_config *cfg,
    const struct pl_twilio_creds *auth, const char *method, const char *path,
    const struct pl_kv *form, size_t nform, struct pl_twilio_result *res)
{
	return pl_twilio_call_opts(
	    a, cfg, auth, method, path, form, nform, NULL, res);
}

/*
 * The program calls curl_global_init() once at start-up, before any thread
 * exists; curl_easy_init() would otherwise do it here, unsafely.
 */
enum pl_err
pl_twilio_call_opts(struct pl_arena *a, const struct pl_config *cfg,
    const struct pl_twilio_creds *auth, const char *method, const char *path,
    const struct pl_kv *form, size_t nform, const struct pl_twilio_opts *opt,
    struct pl_twilio_result *res)
{
	char               errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdrs = NULL;
	struct sink        sk;
	const char        *url, *body = NULL, *mpath, *names;
	long               cms, tms, st = 0;
	curl_off_t         us = 0, ra = -1;
	CURL              *h = NULL;
	CURLcode           rc;
	bool               ok = true, post;
	enum pl_err        er = PL_EINVAL;

	memset(res, 0, sizeof(*res));
	res->body = "";
	mpath = path_ok(path) ? path_masked(a, path) : "(bad path)";
	if (!method_ok(method) || !path_ok(path) || cfg == NULL ||
	    auth == NULL || !form_ok(form, nform)) {
		pl_error("twilio: %s %s: bad method, path or form",
		    method_ok(method) ? method : "(bad method)", mpath);
		return PL_EINVAL;
	}
	names = form_names(a, form, nform);
	if (!base_ok(cfg->twilio_api_url)) {
		pl_error(
		    "twilio: PARLEY_TWILIO_API_URL must be https:// (or "
		    "http:// to a loopback host), without user, query "
		    "or fragment");
		return PL_EINVAL;
	}
	/* The SID is the Basic user name: no ':' may reach it. */
	if (!pl_twilio_sid_ok(auth->sid, "AC") &&
	    !pl_twilio_sid_ok(auth->sid, "SK")) {
		pl_error(
		    "twilio: %s %s: the credentials' SID is not an "
		    "account SID or API key",
		    method, mpath);
		return PL_EINVAL;
	}
	if (auth->token == NULL || auth->token[0] == '\0') {
		pl_error("twilio: %s %s: no auth token for %s", method, mpath,
		    pl_twilio_mask_sid(a, auth->sid));
		return PL_EINVAL;
	}
	post = strcmp(method, "POST") == 0;
	if (post) {
		body = pl_twilio_form_encode(a, form, nform);
		url = pl_arena_printf(a, "%s%s", cfg->twilio_api_url, path);
	} else if (nform > 0) {
		url = pl_arena_printf(a, "%s%s?%s", cfg->twilio_api_url, path,
		    pl_twilio_form_encode(a, form, nform));
	} else {
		url = pl_arena_printf(a, "%s%s", cfg->twilio_api_url, path);
	}
	cms = opt != NULL && opt->connect_ms > 0 ? opt->connect_ms
	                                         : PL_TWILIO_CONNECT_MS;
	tms = opt != NULL && opt->timeout_ms > 0 ? opt->timeout_ms
	                                         : PL_TWILIO_TIMEOUT_MS;

	pl_buf_init(&sk.b, a);
	sk.over = false;
	if ((h = curl_easy_init()) == NULL)
		pl_die("twilio: curl_easy_init failed");
	if ((hdrs = curl_slist_append(hdrs, "Accept: application/json")) ==
	        NULL ||
	    /* No "Expect: 100-continue" wait before a larger body. */
	    (hdrs = curl_slist_append(hdrs, "Expect:")) == NULL)
		pl_die("twilio: out of memory");
	if (post &&
	    (hdrs = curl_slist_append(hdrs,
	         "Content-Type: application/x-www-form-urlencoded")) == NULL)
		pl_die("twilio: out of memory");
	errbuf[0] = '\0';
	ok = ok && curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_URL, url) == CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
	ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") ==
	               CURLE_OK;
#else
	ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS,
	               (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) == CURLE_OK;
#endif
	ok = ok && curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
	/* The defaults, said out loud: this code never turns them off. */
	ok = ok && curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_SSLVERSION,
	               (long)CURL_SSLVERSION_TLSv1_2) == CURLE_OK;
	ok = ok && curl_easy_setopt(
	               h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_USERNAME, auth->sid) == CURLE_OK;
	ok = ok &&
	     curl_easy_setopt(h, CURLOPT_PASSWORD, auth->token) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_USERAGENT, "parley") == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) == CURLE_OK;
	if (post) {
		ok = ok && curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		               (curl_off_t)strlen(body)) == CURLE_OK;
		ok = ok &&
		     curl_easy_setopt(h, CURLOPT_POSTFIELDS, body) == CURLE_OK;
	} else if (strcmp(method, "DELETE") == 0) {
		ok = ok && curl_easy_setopt(
		               h, CURLOPT_CUSTOMREQUEST, "DELETE") == CURLE_OK;
	} else {
		ok = ok && curl_easy_setopt(h, CURLOPT_HTTPGET, 1L) == CURLE_OK;
	}
	ok = ok && curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
	               (curl_off_t)PL_TWILIO_BODY_MAX) == CURLE_OK;
	ok = ok &&
	     curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_WRITEDATA, &sk) == CURLE_OK;
	ok = ok &&
	     curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, cms) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, tms) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	if (!ok) {
		pl_error(
		    "twilio: %s %s: curl_easy_setopt failed", method, mpath);
		er = PL_EINTERNAL;
		goto out;
	}

	rc = curl_easy_perform(h);
	(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
	(void)curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &us);
	res->body = pl_buf_cstr(&sk.b);
	res->bodylen = sk.b.len;
	if (rc != CURLE_OK) {
		res->status = 0;
		if (sk.over || rc == CURLE_FILESIZE_EXCEEDED) {
			er = PL_ETOOBIG;
			pl_error("twilio: %s %s%s: %ld, body over %d bytes",
			    method, mpath, names, st, PL_TWILIO_BODY_MAX);
			goto out;
		}
		/* errbuf names the host and port, never the credentials. */
		res->transient = curl_transient(rc);
		er = res->transient ? PL_EUNAVAIL : PL_EINVAL;
		pl_warn("twilio: %s %s%s: %s (%s) after %ld ms", method, mpath,
		    names, errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc),
		    res->transient ? "will retry" : "refused",
		    (long)(us / 1000));
		goto out;
	}
	res->status = (int)st;
#if LIBCURL_VERSION_NUM >= 0x074200
	if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
	    ra > 0)
		res->retry_after =
		    ra > PL_TWILIO_RETRY_MAX ? PL_TWILIO_RETRY_MAX : (long)ra;
#else
	(void)ra;
#endif
	res->json = json_parse(res->body, res->bodylen);
	if (st >= 200 && st <= 299) {
		/* 204 and an empty 200 are fine; other text is not Twilio. */
		if (res->json == NULL && res->bodylen > 0) {
			er = PL_EINTERNAL;
			pl_error(
			    "twilio: %s %s%s: %ld with a body that is not JSON",
			    method, mpath, names, st);
			goto out;
		}
		er = PL_OK;
		pl_info("twilio: %s %s%s: %ld in %ld ms", method, mpath, names,
		    st, (long)(us / 1000));
		goto out;
	}
	er = status_err(st, &res->transient);
	(void)pl_twilio_error_parse(res->body, res->bodylen, &res->err);
	pl_warn("twilio: %s %s%s: %ld, Twilio code %ld%s in %ld ms", method,
	    mpath, names, st, res->err.code,
	    res->transient ? ", will retry" : "", (long)(us / 1000));
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return er;
}

/* --- webhook signatures -------------------------------------------------- */

struct pair {
	const char *k, *v;
};

static int
pair_cmp(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;
	int                c;

	if ((c = strcmp(p->k, q->k)) != 0)
		return c;
	return strcmp(p->v, q->v);
}

char *
pl_twilio_signature(struct pl_arena *a, const char *token, const char *url,
    const struct pl_kv *params, size_t n)
{
	unsigned char mac[HMAC_SHA1_LEN];
	struct pl_buf b;
	struct pair  *v;
	size_t        i;

	v = pl_arena_array(a, n > 0 ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].k = params[i].key != NULL ? params[i].key : "";
		v[i].v = params[i].val != NULL ? params[i].val : "";
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), pair_cmp);
	pl_buf_init(&b, a);
	pl_buf_puts(&b, url != NULL ? url : "");
	for (i = 0; i < n; i++) {
		/* A name repeated with the same value is signed once. */
		if (i > 0 && pair_cmp(&v[i - 1], &v[i]) == 0)
			continue;
		pl_buf_puts(&b, v[i].k);
		pl_buf_puts(&b, v[i].v);
	}
	pl_hmac_sha1(token != NULL ? token : "",
	    token != NULL ? strlen(token) : 0, pl_buf_cstr(&b), b.len, mac);
	return pl_b64_encode(a, mac, sizeof(mac));
}

/*
 * url with its scheme's default port removed when it has it, or added when
 * it has no port; NULL when neither applies (another scheme or port, or no
 * host).
 */
static const char *
port_variant(struct pl_arena *a, const char *url)
{
	const char *auth, *end, *host, *colon;
	const char *port;
	size_t      plen;

	if (strncasecmp(url, "https://", 8) == 0) {
		auth = url + 8;
		port = "443";
	} else if (strncasecmp(url, "http://", 7) == 0) {
		auth = url + 7;
		port = "80";
	} else {
		return NULL;
	}
	end = auth + strcspn(auth, "/?#");
	/* Skip any userinfo: the host starts after the last '@'. */
	for (host = auth; memchr(host, '@', (size_t)(end - host)) != NULL;)
		host =
		    (const char *)memchr(host, '@', (size_t)(end - host)) + 1;
	if (host == end)
		return NULL;
	if (*host == '[') {
		if ((colon = memchr(host, ']', (size_t)(end - host))) == NULL)
			return NULL;
		colon++;
	} else {
		colon = host + strcspn(host, ":/?#");
	}
	if (colon > end)
		return NULL;
	if (colon == end) /* no port: add the default */
		return pl_arena_printf(
		    a, "%.*s:%s%s", (int)(end - url), url, port, end);
	if (*colon != ':')
		return NULL;
	plen = (size_t)(end - colon - 1);
	if (plen != strlen(port) || strncmp(colon + 1, port, plen) != 0)
		return NULL;
	return pl_arena_printf(a, "%.*s%s", (int)(colon - url), url, end);
}

bool
pl_twilio_signature_ok(const char *token, const char *url,
    const struct pl_kv *params, size_t n, const char *header)
{
	struct pl_arena *a;
	const char      *alt;
	bool             ok;

	if (token == NULL || token[0] == '\0' || url == NULL ||
	    header == NULL || header[0] == '\0' || (n > 0 && params == NULL))
		return false;
	a = pl_arena_new(0);
	ok = pl_ct_streq(pl_twilio_signature(a, token, url, params, n), header);
	if (!ok && (alt = port_variant(a, url)) != NULL)
		ok = pl_ct_streq(
		    pl_twilio_signature(a, token, alt, params, n), header);
	pl_arena_free(a);
	return ok;
}
