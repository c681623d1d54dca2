/* parse.c: strict, bounded parsers for what a request carries.
 *
 * Every parser checks its limits while it reads, copies what it keeps into
 * the request arena, and hands back strings that are NUL-terminated, valid
 * UTF-8 and free of NUL bytes, so nothing after the front line has to ask.
 */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "log.h"
#include "parse.h"
#include "pl_limits.h"

#define MP_BOUNDARY_MAX 70 /* RFC 2046, 5.1.1 */
#define NITEMS(a)       (sizeof(a) / sizeof((a)[0]))

static void
perr(struct pl_parse_err *pe, const char *msg, const char *field)
{
	if (pe != NULL) {
		pe->msg = msg;
		pe->field = field;
	}
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive (ASCII) comparison of s[0..n) with the string lit. */
static bool
ieq(const char *s, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lit[i] == '\0' || lower((unsigned char)s[i]) != lit[i])
			return false;
	return lit[n] == '\0';
}

/* RFC 9110 tchar. */
static bool
is_tchar(int c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool
is_ows(int c)
{
	return c == ' ' || c == '\t';
}

/* See parse.h. */
bool
pl_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p, *end;
	unsigned int         c, lo, hi;
	size_t               need, i;

	if (n == 0)
		return true;
	p = (const unsigned char *)s;
	end = p + n;
	while (p < end) {
		if ((c = *p) < 0x80) {
			p++;
			continue;
		}
		/* Unicode 15, table 3-7: the second byte's range depends on
		 * the first, which rules out overlongs, surrogates and
		 * anything past U+10FFFF. */
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c == 0xe0) {
			need = 2;
			lo = 0xa0;
		} else if (c == 0xed) {
			need = 2;
			hi = 0x9f;
		} else if (c >= 0xe1 && c <= 0xef)
			need = 2;
		else if (c == 0xf0) {
			need = 3;
			lo = 0x90;
		} else if (c >= 0xf1 && c <= 0xf3)
			need = 3;
		else if (c == 0xf4) {
			need = 3;
			hi = 0x8f;
		} else
			return false;
		if ((size_t)(end - p) <= need)
			return false;
		if (p[1] < lo || p[1] > hi)
			return false;
		for (i = 2; i <= need; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += need + 1;
	}
	return true;
}

/*
 * Digits s[0..n) (n >= 1, digits only) as a number in [min, max], negated
 * if neg. Works in unsigned arithmetic so that the most negative value
 * needs no special case.
 */
static bool
digits_to_ll(const char *s, size_t n, bool neg, long long min, long long max,
    long long *out)
{
	unsigned long long u = 0, lim, d;
	size_t             i;

	if (n == 0)
		return false;
	if (neg) {
		if (min >= 0)
			lim = 0;
		else
			lim = (unsigned long long)(-(min + 1)) + 1;
	} else {
		if (max < 0)
			return false;
		lim = (unsigned long long)max;
	}
	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return false;
		d = (unsigned long long)(s[i] - '0');
		if (d > lim || u > (lim - d) / 10)
			return false;
		u = u * 10 + d;
	}
	if (neg) {
		if (u == 0) {
			if (min > 0)
				return false;
			*out = 0;
		} else
			*out = -(long long)(u - 1) - 1;
	} else
		*out = (long long)u;
	return *out >= min && *out <= max;
}

/* See parse.h. "-0" is refused, as a non-canonical spelling of 0. */
enum pl_err
pl_parse_i64(const char *s, long long min, long long max, long long *out)
{
	size_t      n;
	bool        neg = false;
	long long   v;
	const char *d;

	if (s == NULL || min > max)
		return PL_EINVAL;
	d = s;
	if (*d == '-') {
		neg = true;
		d++;
	}
	n = strlen(d);
	/* Nineteen digits hold any 64-bit value; more is out of range or a
	 * leading zero, and the bound keeps the scan short. */
	if (n == 0 || n > 20)
		return PL_EINVAL;
	if (d[0] == '0' && (n > 1 || neg))
		return PL_EINVAL;
	if (!digits_to_ll(d, n, neg, min, max, &v))
		return PL_EINVAL;
	*out = v;
	return PL_OK;
}

/* See parse.h. */
const char *
pl_kv_get(const struct pl_kvlist *l, const char *key)
{
	size_t i;

	if (l == NULL || key == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].val;
	return NULL;
}

/*
 * Percent-decode s[0..n) into the arena ('+' is a space). The result must
 * hold at most max bytes, no NUL, and be valid UTF-8.
 */
static enum pl_err
url_decode(struct pl_arena *a, const char *s, size_t n, size_t max, char **out,
    size_t *outlen, const char **msg)
{
	char  *d;
	size_t i, j;
	int    hi, lo;

	d = pl_arena_alloc(a, n + 1);
	for (i = j = 0; i < n; i++) {
		if (s[i] == '+')
			d[j++] = ' ';
		else if (s[i] == '%') {
			if (n - i < 3 ||
			    (hi = hex_val((unsigned char)s[i + 1])) < 0 ||
			    (lo = hex_val((unsigned char)s[i + 2])) < 0) {
				*msg = "A %-escape is malformed";
				return PL_EINVAL;
			}
			d[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			d[j++] = s[i];
		if (d[j - 1] == '\0') {
			*msg = "A field holds a NUL byte";
			return PL_EINVAL;
		}
	}
	d[j] = '\0';
	if (j > max) {
		*msg = "A field is too long";
		return PL_ETOOBIG;
	}
	if (!pl_utf8_valid(d, j)) {
		*msg = "A field is not valid UTF-8";
		return PL_EINVAL;
	}
	*out = d;
	*outlen = j;
	return PL_OK;
}

/* See parse.h. A body over PL_MAX_BODY is PL_ETOOBIG as well. */
enum pl_err
pl_parse_urlencoded(struct pl_arena *a, const char *s, size_t n,
    struct pl_kvlist *out, struct pl_parse_err *pe)
{
	struct pl_kv *v;
	size_t        i, start, end, cnt, k, klen;
	const char   *eq, *msg = NULL;
	char         *key, *val;
	enum pl_err   er;

	out->v = NULL;
	out->n = 0;
	perr(pe, NULL, NULL);
	if (n > PL_MAX_BODY) {
		perr(pe, "The form is too large", NULL);
		return PL_ETOOBIG;
	}
	if (n == 0)
		return PL_OK;

	for (cnt = 0, start = 0, i = 0; i <= n; i++)
		if (i == n || s[i] == '&') {
			if (i > start)
				cnt++;
			start = i + 1;
		}
	if (cnt > PL_MAX_FIELDS) {
		perr(pe, "The form has too many fields", NULL);
		return PL_ETOOBIG;
	}
	if (cnt == 0)
		return PL_OK;
	v = pl_arena_array(a, cnt, sizeof(*v));

	for (k = 0, start = 0; start < n; start = end + 1) {
		if ((eq = memchr(s + start, '&', n - start)) != NULL)
			end = (size_t)(eq - s);
		else
			end = n;
		if (end == start)
			continue;
		eq = memchr(s + start, '=', end - start);
		klen = eq != NULL ? (size_t)(eq - (s + start)) : end - start;
		er = url_decode(
		    a, s + start, klen, PL_MAX_NAME, &key, &klen, &msg);
		if (er != PL_OK) {
			if (er == PL_ETOOBIG)
				msg = "A field name is too long";
			perr(pe, msg, NULL);
			return er;
		}
		if (eq != NULL) {
			er = url_decode(a, eq + 1, (size_t)(s + end - (eq + 1)),
			    PL_MAX_FIELD, &val, &v[k].vlen, &msg);
			if (er != PL_OK) {
				perr(pe, msg, key);
				return er;
			}
		} else {
			val = pl_arena_strndup(a, "", 0);
			v[k].vlen = 0;
		}
		v[k].key = key;
		v[k].val = val;
		k++;
	}
	out->v = v;
	out->n = k;
	return PL_OK;
}

/* RFC 6265 cookie-octet. */
static bool
is_cookie_octet(int c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) ||
	       (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
	       (c >= 0x5d && c <= 0x7e);
}

/* One "name=value" piece of a Cookie header; false if malformed. */
static bool
cookie_split(
    const char *p, size_t n, size_t *nlen, const char **val, size_t *vlen)
{
	const char *eq, *v;
	size_t      i, kl, vl;

	if ((eq = memchr(p, '=', n)) == NULL)
		return false;
	for (kl = (size_t)(eq - p); kl > 0 && is_ows(p[kl - 1]); kl--)
		continue;
	if (kl == 0)
		return false;
	for (i = 0; i < kl; i++)
		if (!is_tchar((unsigned char)p[i]))
			return false;
	v = eq + 1;
	vl = n - (size_t)(v - p);
	while (vl > 0 && is_ows(*v)) {
		v++;
		vl--;
	}
	if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
		v++;
		vl -= 2;
	}
	for (i = 0; i < vl; i++)
		if (!is_cookie_octet((unsigned char)v[i]))
			return false;
	*nlen = kl;
	*val = v;
	*vlen = vl;
	return true;
}

/* See parse.h. A NULL header is an empty list. */
enum pl_err
pl_parse_cookies(struct pl_arena *a, const char *hdr, struct pl_kvlist *out,
    struct pl_parse_err *pe)
{
	struct pl_kv *v;
	const char   *p, *semi, *val;
	size_t        n, i, j, k, plen, nlen, vlen;

	out->v = NULL;
	out->n = 0;
	perr(pe, NULL, NULL);
	if (hdr == NULL)
		return PL_OK;
	if ((n = strnlen(hdr, PL_MAX_COOKIE + 1)) > PL_MAX_COOKIE) {
		perr(pe, "The Cookie header is too long", NULL);
		return PL_ETOOBIG;
	}
	v = pl_arena_array(a, PL_MAX_COOKIES, sizeof(*v));
	for (k = 0, i = 0; i < n; i = j + 1) {
		if ((semi = memchr(hdr + i, ';', n - i)) != NULL)
			j = (size_t)(semi - hdr);
		else
			j = n;
		p = hdr + i;
		for (plen = j - i; plen > 0 && is_ows(*p); plen--)
			p++;
		while (plen > 0 && is_ows(p[plen - 1]))
			plen--;
		if (plen == 0 || !cookie_split(p, plen, &nlen, &val, &vlen))
			continue;
		if (k == PL_MAX_COOKIES) {
			perr(pe, "Too many cookies", NULL);
			return PL_ETOOBIG;
		}
		v[k].key = pl_arena_strndup(a, p, nlen);
		v[k].val = pl_arena_strndup(a, val, vlen);
		v[k].vlen = vlen;
		k++;
	}
	out->v = k > 0 ? v : NULL;
	out->n = k;
	return PL_OK;
}

static bool
at_crlf(const char *p, const char *end)
{
	return end - p >= 2 && p[0] == '\r' && p[1] == '\n';
}

/* RFC 2046 bchars. */
static bool
is_bchar(int c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

/*
 * A header parameter value at s[*i]: a token or a quoted-string, copied into
 * the arena. In quoted strings a backslash escapes only '"' and '\\':
 * browsers send Windows paths with bare backslashes (WHATWG forms escape '"'
 * as %22 instead), and eating those backslashes would mangle the name.
 */
static bool
param_value(struct pl_arena *a, const char *s, size_t n, size_t *i, char **out,
    size_t *outlen)
{
	char  *d;
	size_t j = 0, k = *i;

	d = pl_arena_alloc(a, n - k + 1);
	if (k < n && s[k] == '"') {
		for (k++; k < n && s[k] != '"'; k++) {
			if (s[k] == '\\' && k + 1 < n &&
			    (s[k + 1] == '"' || s[k + 1] == '\\'))
				k++;
			d[j++] = s[k];
		}
		if (k == n)
			return false;
		k++;
	} else {
		while (k < n && is_tchar((unsigned char)s[k]))
			d[j++] = s[k++];
		if (j == 0)
			return false;
	}
	d[j] = '\0';
	*i = k;
	*out = d;
	*outlen = j;
	return true;
}

/*
 * Walk the "; name=value" parameters of a header value from s[i], calling
 * back for each. Returns false on a syntax error or when cb does.
 */
typedef bool param_cb(
    void *arg, const char *name, size_t nlen, char *val, size_t vlen);

static bool
params_walk(struct pl_arena *a, const char *s, size_t n, size_t i, param_cb *cb,
    void *arg)
{
	size_t nstart, nlen, vlen;
	char  *val;

	for (;;) {
		while (i < n && is_ows(s[i]))
			i++;
		if (i == n)
			return true;
		if (s[i++] != ';')
			return false;
		while (i < n && is_ows(s[i]))
			i++;
		for (nstart = i; i < n && is_tchar((unsigned char)s[i]); i++)
			continue;
		if ((nlen = i - nstart) == 0 || i == n || s[i] != '=')
			return false;
		i++;
		if (!param_value(a, s, n, &i, &val, &vlen))
			return false;
		if (!cb(arg, s + nstart, nlen, val, vlen))
			return false;
	}
}

struct ctype_params {
	char  *boundary;
	size_t blen;
};

static bool
ctype_param(void *arg, const char *name, size_t nlen, char *val, size_t vlen)
{
	struct ctype_params *cp = arg;

	if (!ieq(name, nlen, "boundary"))
		return true;
	if (cp->boundary != NULL)
		return false;
	cp->boundary = val;
	cp->blen = vlen;
	return true;
}

/* The boundary from a multipart/form-data Content-Type value. */
static enum pl_err
mp_boundary(struct pl_arena *a, const char *ctype, char **bnd, size_t *blen,
    const char **msg)
{
	static const char   mt[] = "multipart/form-data";
	struct ctype_params cp = { NULL, 0 };
	size_t              n, i;

	*msg = "The Content-Type is not multipart/form-data with a boundary";
	if (ctype == NULL)
		return PL_EINVAL;
	n = strlen(ctype);
	for (i = 0; i < n && is_ows(ctype[i]); i++)
		continue;
	if (n - i < sizeof(mt) - 1 || !ieq(ctype + i, sizeof(mt) - 1, mt))
		return PL_EINVAL;
	i += sizeof(mt) - 1;
	if (!params_walk(a, ctype, n, i, ctype_param, &cp) ||
	    cp.boundary == NULL)
		return PL_EINVAL;
	*msg = "The multipart boundary is not valid";
	if (cp.blen == 0 || cp.blen > MP_BOUNDARY_MAX ||
	    cp.boundary[cp.blen - 1] == ' ')
		return PL_EINVAL;
	for (i = 0; i < cp.blen; i++)
		if (!is_bchar((unsigned char)cp.boundary[i]))
			return PL_EINVAL;
	*bnd = cp.boundary;
	*blen = cp.blen;
	return PL_OK;
}

/* What the headers of one part say. */
struct mp_part {
	char  *name;     /* NULL until Content-Disposition gives one */
	char  *filename; /* NULL if not a file */
	char  *ctype;    /* NULL if no Content-Type */
	bool   disp;     /* a Content-Disposition was seen */
	size_t nlen;
};

static bool
disp_param(void *arg, const char *name, size_t nlen, char *val, size_t vlen)
{
	struct mp_part *mp = arg;

	if (ieq(name, nlen, "name")) {
		if (mp->name != NULL)
			return false;
		mp->name = val;
		mp->nlen = vlen;
	} else if (ieq(name, nlen, "filename")) {
		if (mp->filename != NULL)
			return false;
		mp->filename = val;
	}
	return true;
}

/*
 * The header block h[0..n) of one part: lines ending in CRLF. Only
 * Content-Disposition and Content-Type matter; others are ignored.
 */
static enum pl_err
mp_headers(struct pl_arena *a, const char *h, size_t n, struct mp_part *mp,
    const char **msg)
{
	const char *line, *end, *colon, *nl;
	size_t      i, ll, vs;

	*msg = "A form part's headers are malformed";
	if (!pl_utf8_valid(h, n))
		return PL_EINVAL;
	for (i = 0; i < n; i++)
		if (((unsigned char)h[i] < 0x20 && h[i] != '\t' &&
		        h[i] != '\r' && h[i] != '\n') ||
		    h[i] == 0x7f)
			return PL_EINVAL;
	end = h + n;
	for (line = h; line < end; line = nl + 2) {
		/* The block ends in CRLF, so every line has one. */
		for (nl = line;
		     nl + 1 < end && !(nl[0] == '\r' && nl[1] == '\n'); nl++)
			continue;
		if (nl + 1 >= end)
			return PL_EINVAL;
		ll = (size_t)(nl - line);
		if ((colon = memchr(line, ':', ll)) == NULL || colon == line)
			return PL_EINVAL;
		for (i = 0; line + i < colon; i++)
			if (!is_tchar((unsigned char)line[i]))
				return PL_EINVAL;
		if (memchr(line, '\r', ll) != NULL ||
		    memchr(line, '\n', ll) != NULL)
			return PL_EINVAL;
		for (vs = (size_t)(colon - line) + 1;
		     vs < ll && is_ows(line[vs]); vs++)
			continue;
		while (ll > vs && is_ows(line[ll - 1]))
			ll--;
		if (ieq(line, (size_t)(colon - line), "content-disposition")) {
			if (mp->disp)
				return PL_EINVAL;
			mp->disp = true;
			for (i = vs; i < ll && is_tchar((unsigned char)line[i]);
			     i++)
				continue;
			if (!ieq(line + vs, i - vs, "form-data") ||
			    !params_walk(a, line, ll, i, disp_param, mp))
				return PL_EINVAL;
		} else if (ieq(line, (size_t)(colon - line), "content-type")) {
			if (mp->ctype != NULL)
				return PL_EINVAL;
			mp->ctype = pl_arena_strndup(a, line + vs, ll - vs);
		}
	}
	if (!mp->disp || mp->name == NULL || mp->nlen == 0) {
		*msg = "A form part has no name";
		return PL_EINVAL;
	}
	if (mp->nlen > PL_MAX_NAME) {
		*msg = "A field name is too long";
		return PL_ETOOBIG;
	}
	return PL_OK;
}

/*
 * See parse.h. Stricter than RFC 2046 where browsers never need slack:
 * lines end in CRLF, headers do not fold, and one part's header block is
 * at most PL_MAX_FIELD bytes (PL_ETOOBIG). A preamble and an epilogue are
 * allowed and ignored.
 */
enum pl_err
pl_parse_multipart(struct pl_arena *a, const char *ctype, const char *body,
    size_t n, struct pl_kvlist *fields, struct pl_filelist *files,
    struct pl_parse_err *pe)
{
	struct pl_kv   *fv;
	struct pl_file *ff;
	struct mp_part  mp;
	const char     *p, *end, *q, *cs, *msg = NULL;
	char           *bnd, *delim;
	size_t          blen, dlen, hmax, nf = 0, nfi = 0;
	enum pl_err     er;

	fields->v = NULL;
	fields->n = 0;
	files->v = NULL;
	files->n = 0;
	perr(pe, NULL, NULL);
	if ((er = mp_boundary(a, ctype, &bnd, &blen, &msg)) != PL_OK) {
		perr(pe, msg, NULL);
		return er;
	}
	if (n > PL_MAX_UPLOAD) {
		perr(pe, "The form is too large", NULL);
		return PL_ETOOBIG;
	}
	if (n == 0) {
		perr(pe, "The form is empty", NULL);
		return PL_EINVAL;
	}

	/* delim is CRLF "--" boundary; a body may start without the CRLF. */
	dlen = blen + 4;
	delim = pl_arena_alloc(a, dlen + 1);
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, bnd, blen);
	fv = pl_arena_array(a, PL_MAX_FIELDS, sizeof(*fv));
	ff = pl_arena_array(a, PL_MAX_FILES, sizeof(*ff));

	end = body + n;
	if (n >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((q = memmem(body, n, delim, dlen)) != NULL)
		p = q + dlen;
	else {
		perr(pe, "The form has no boundary line", NULL);
		return PL_EINVAL;
	}

	for (;;) {
		/* p is just past a delimiter: "--" closes the body, else
		 * optional padding and CRLF start the next part. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;
		while (p < end && is_ows(*p))
			p++;
		if (!at_crlf(p, end)) {
			perr(pe, "The form is cut short or malformed", NULL);
			return PL_EINVAL;
		}
		p += 2;

		/* Headers run to the first empty line. */
		memset(&mp, 0, sizeof(mp));
		hmax = (size_t)(end - p);
		if (hmax > PL_MAX_FIELD + 4)
			hmax = PL_MAX_FIELD + 4;
		if (at_crlf(p, end)) {
			q = p;
			cs = p + 2;
		} else if ((q = memmem(p, hmax, "\r\n\r\n", 4)) != NULL) {
			q += 2;
			cs = q + 2;
		} else if (hmax < (size_t)(end - p)) {
			perr(pe, "A form part's headers are too long", NULL);
			return PL_ETOOBIG;
		} else {
			perr(pe, "The form is cut short or malformed", NULL);
			return PL_EINVAL;
		}
		if ((er = mp_headers(a, p, (size_t)(q - p), &mp, &msg)) !=
		    PL_OK) {
			perr(pe, msg, mp.name);
			return er;
		}

		/* Content runs to the next delimiter. */
		if ((q = memmem(cs, (size_t)(end - cs), delim, dlen)) == NULL) {
			perr(pe, "The form is cut short (no closing boundary)",
			    NULL);
			return PL_EINVAL;
		}
		p = q + dlen;

		if (mp.filename != NULL) {
			if (nfi == PL_MAX_FILES) {
				perr(pe, "The form has too many files", NULL);
				return PL_ETOOBIG;
			}
			ff[nfi].field = mp.name;
			ff[nfi].filename = mp.filename;
			ff[nfi].ctype = mp.ctype != NULL ? mp.ctype : "";
			ff[nfi].data =
			    pl_arena_strndup(a, cs, (size_t)(q - cs));
			ff[nfi].len = (size_t)(q - cs);
			nfi++;
			continue;
		}
		if (nf == PL_MAX_FIELDS) {
			perr(pe, "The form has too many fields", NULL);
			return PL_ETOOBIG;
		}
		if ((size_t)(q - cs) > PL_MAX_FIELD) {
			perr(pe, "A field is too long", mp.name);
			return PL_ETOOBIG;
		}
		if (memchr(cs, '\0', (size_t)(q - cs)) != NULL) {
			perr(pe, "A field holds a NUL byte", mp.name);
			return PL_EINVAL;
		}
		if (!pl_utf8_valid(cs, (size_t)(q - cs))) {
			perr(pe, "A field is not valid UTF-8", mp.name);
			return PL_EINVAL;
		}
		fv[nf].key = mp.name;
		fv[nf].val = pl_arena_strndup(a, cs, (size_t)(q - cs));
		fv[nf].vlen = (size_t)(q - cs);
		nf++;
	}
	fields->v = nf > 0 ? fv : NULL;
	fields->n = nf;
	files->v = nfi > 0 ? ff : NULL;
	files->n = nfi;
	return PL_OK;
}

/*
 * A JSON number token s[0..n) against RFC 8259's grammar; *isint says
 * whether it has neither fraction nor exponent.
 */
static bool
json_number_ok(const char *s, size_t n, bool *isint)
{
	size_t i = 0;

	*isint = true;
	if (i < n && s[i] == '-')
		i++;
	if (i == n)
		return false;
	if (s[i] == '0')
		i++;
	else if (s[i] >= '1' && s[i] <= '9')
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
	else
		return false;
	if (i < n && s[i] == '.') {
		*isint = false;
		if (++i == n || !is_digit((unsigned char)s[i]))
			return false;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*isint = false;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n || !is_digit((unsigned char)s[i]))
			return false;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
	}
	return i == n;
}

static bool
is_json_numch(int c)
{
	return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' ||
	       c == 'E';
}

/* Four hex digits at s[0..4), or -1. */
static long
hex4(const char *s)
{
	long v = 0;
	int  i, h;

	for (i = 0; i < 4; i++) {
		if ((h = hex_val((unsigned char)s[i])) < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/*
 * A lexical pass over a JSON text, before json-c builds it, for what
 * JSON_TOKENER_STRICT still lets through: single-quoted strings, NaN,
 * Infinity, "1.", raw control characters in strings, \u0000 (json-c
 * keeps it in values but truncates keys at it), lone surrogates (json-c
 * makes them U+FFFD) and integers past int64 (json-c clamps them).
 * Outside strings only JSON's own punctuation, numbers and the three
 * literals may appear. The grammar itself is left to json-c.
 *
 * It measures depth too: json-c counts a scalar as a level of its own, so
 * its limit alone would allow 15 nested containers around a number but 16
 * around "[]". Here depth is containers, the outermost object being 1.
 *
 * It also counts the ':' outside strings. In valid JSON each one follows
 * exactly one object key, so this is the number of keys in the text. json-c
 * keeps only the last of duplicate keys (and drops whatever the earlier
 * values held), so the keys in the built tree add up to less than this
 * count exactly when some object repeated a key.
 */
static enum pl_err
json_scan(const char *s, size_t n, size_t *ncolon, const char **msg)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t                   i, j, k, l, depth = 0;
	long                     cp, lo;
	long long                v;
	bool                     isint;

	*ncolon = 0;
	*msg = "The body is not valid JSON";
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case ' ':
		case '\t':
		case '\n':
		case '\r':
		case ',':
			continue;
		case '{':
		case '[':
			if (++depth > PL_MAX_JSON_DEPTH) {
				*msg = "The JSON is nested too deeply";
				return PL_ETOOBIG;
			}
			continue;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			continue;
		case ':':
			(*ncolon)++;
			continue;
		case '"':
			break;
		default:
			if (is_json_numch((unsigned char)s[i])) {
				for (j = i; j < n &&
				            is_json_numch((unsigned char)s[j]);
				     j++)
					continue;
				if (!json_number_ok(s + i, j - i, &isint))
					return PL_EINVAL;
				k = s[i] == '-' ? i + 1 : i;
				if (isint && !digits_to_ll(s + k, j - k, k > i,
				                 INT64_MIN, INT64_MAX, &v)) {
					*msg = "A JSON number is out of range";
					return PL_EINVAL;
				}
				i = j - 1;
				continue;
			}
			for (k = 0; k < NITEMS(lits); k++) {
				l = strlen(lits[k]);
				if (n - i >= l &&
				    memcmp(s + i, lits[k], l) == 0)
					break;
			}
			if (k == NITEMS(lits))
				return PL_EINVAL;
			i += l - 1;
			continue;
		}

		/* A string: s[i] is its opening quote. */
		for (i++; i < n && s[i] != '"'; i++) {
			if ((unsigned char)s[i] < 0x20) {
				*msg =
				    "A JSON string holds a control "
				    "character";
				return PL_EINVAL;
			}
			if (s[i] != '\\')
				continue;
			if (++i == n)
				return PL_EINVAL;
			if (s[i] != 'u')
				continue;
			if (n - i < 5 || (cp = hex4(s + i + 1)) < 0)
				return PL_EINVAL;
			i += 4;
			if (cp == 0) {
				*msg = "A JSON string holds a NUL (\\u0000)";
				return PL_EINVAL;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				*msg = "A JSON string holds a lone surrogate";
				return PL_EINVAL;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (n - i < 7 || s[i + 1] != '\\' ||
				    s[i + 2] != 'u' ||
				    (lo = hex4(s + i + 3)) < 0xdc00 ||
				    lo > 0xdfff) {
					*msg =
					    "A JSON string holds a lone "
					    "surrogate";
					return PL_EINVAL;
				}
				i += 6;
			}
		}
		if (i == n)
			return PL_EINVAL;
	}
	return PL_OK;
}

/*
 * Check the tree json-c built: keys per object, strings, numbers. Adds the
 * keys of every object to *nkeys. Recursion is bounded by the depth limit.
 */
static enum pl_err
json_walk(struct json_object *o, size_t *nkeys, const char **msg)
{
	struct json_object_iterator it, itend;
	const char                 *str;
	size_t                      i, len;
	enum pl_err                 er;

	switch (json_object_get_type(o)) {
	case json_type_object:
		if ((len = (size_t)json_object_object_length(o)) >
		    PL_MAX_FIELDS) {
			*msg = "A JSON object has too many keys";
			return PL_ETOOBIG;
		}
		*nkeys += len;
		it = json_object_iter_begin(o);
		itend = json_object_iter_end(o);
		for (; !json_object_iter_equal(&it, &itend);
		     json_object_iter_next(&it)) {
			str = json_object_iter_peek_name(&it);
			if (strlen(str) > PL_MAX_NAME) {
				*msg = "A JSON key is too long";
				return PL_ETOOBIG;
			}
			if (!pl_utf8_valid(str, strlen(str))) {
				*msg = "A JSON key is not valid UTF-8";
				return PL_EINVAL;
			}
			er = json_walk(
			    json_object_iter_peek_value(&it), nkeys, msg);
			if (er != PL_OK)
				return er;
		}
		return PL_OK;
	case json_type_array:
		len = json_object_array_length(o);
		for (i = 0; i < len; i++) {
			er = json_walk(
			    json_object_array_get_idx(o, i), nkeys, msg);
			if (er != PL_OK)
				return er;
		}
		return PL_OK;
	case json_type_string:
		str = json_object_get_string(o);
		len = (size_t)json_object_get_string_len(o);
		if (strlen(str) != len) {
			*msg = "A JSON string holds a NUL";
			return PL_EINVAL;
		}
		if (len > PL_MAX_FIELD) {
			*msg = "A JSON string is too long";
			return PL_ETOOBIG;
		}
		if (!pl_utf8_valid(str, len)) {
			*msg = "A JSON string is not valid UTF-8";
			return PL_EINVAL;
		}
		return PL_OK;
	case json_type_double:
		if (!isfinite(json_object_get_double(o))) {
			*msg = "A JSON number is out of range";
			return PL_EINVAL;
		}
		return PL_OK;
	default:
		return PL_OK;
	}
}

/*
 * See parse.h. Also PL_ETOOBIG: a body over PL_MAX_BODY, a key over
 * PL_MAX_NAME bytes, a string over PL_MAX_FIELD bytes (the form limits,
 * so both encodings of a request obey the same ones).
 */
enum pl_err
pl_parse_json(const char *body, size_t n, struct json_object **out,
    struct pl_parse_err *pe)
{
	struct json_tokener *tok = NULL;
	struct json_object  *o = NULL;
	const char          *msg = "The body is not valid JSON";
	size_t               ncolon, nkeys = 0, i;
	enum pl_err          er = PL_EINVAL;

	*out = NULL;
	perr(pe, NULL, NULL);
	if (n > PL_MAX_BODY) {
		msg = "The body is too large";
		er = PL_ETOOBIG;
		goto out;
	}
	if (!pl_utf8_valid(body, n)) {
		msg = "The body is not valid UTF-8";
		goto out;
	}
	if ((er = json_scan(body, n, &ncolon, &msg)) != PL_OK)
		goto out;
	er = PL_EINVAL;

	/* json_scan() enforced the depth limit; json-c's, one level up for
	 * the scalars, only bounds its own stack. */
	if ((tok = json_tokener_new_ex(PL_MAX_JSON_DEPTH + 1)) == NULL)
		pl_die("json_tokener_new_ex: out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, body, (int)n);
	if (o == NULL) {
		if (json_tokener_get_error(tok) == json_tokener_error_depth) {
			msg = "The JSON is nested too deeply";
			er = PL_ETOOBIG;
		}
		goto out;
	}
	for (i = json_tokener_get_parse_end(tok); i < n; i++)
		if (body[i] != ' ' && body[i] != '\t' && body[i] != '\n' &&
		    body[i] != '\r') {
			msg = "The body has data after the JSON object";
			goto out;
		}
	if (!json_object_is_type(o, json_type_object)) {
		msg = "The body is not a JSON object";
		goto out;
	}
	if ((er = json_walk(o, &nkeys, &msg)) != PL_OK)
		goto out;
	if (nkeys != ncolon) {
		msg = "A JSON object repeats a key";
		er = PL_EINVAL;
		goto out;
	}
	*out = o;
	o = NULL;
	er = PL_OK;
out:
	if (er != PL_OK)
		perr(pe, msg, NULL);
	json_object_put(o);
	if (tok != NULL)
		json_tokener_free(tok);
	return er;
}

size_t
pl_utf8_prefix(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}
