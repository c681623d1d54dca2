/* test-parse.c: every request parser against ordinary and hostile input. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "parse.h"
#include "pl_limits.h"
#include "t.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* A list as "k=v|k=v", for comparing with one string. */
static const char *
kv_dump(struct pl_arena *a, const struct pl_kvlist *l)
{
	struct pl_buf b;
	size_t        i;

	pl_buf_init(&b, a);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			pl_buf_putc(&b, '|');
		pl_buf_printf(&b, "%s=%s", l->v[i].key, l->v[i].val);
		if (strlen(l->v[i].val) != l->v[i].vlen)
			pl_buf_puts(&b, "(BAD VLEN)");
	}
	return pl_buf_cstr(&b);
}

/* Files as "field:filename:ctype:len:data|...". */
static const char *
files_dump(struct pl_arena *a, const struct pl_filelist *l)
{
	struct pl_buf b;
	size_t        i;

	pl_buf_init(&b, a);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			pl_buf_putc(&b, '|');
		pl_buf_printf(&b, "%s:%s:%s:%zu:", l->v[i].field,
		    l->v[i].filename, l->v[i].ctype, l->v[i].len);
		pl_buf_add(&b, l->v[i].data, l->v[i].len);
	}
	return pl_buf_cstr(&b);
}

static const char *
err_name(enum pl_err e)
{
	switch (e) {
	case PL_OK:
		return "ok";
	case PL_EINVAL:
		return "einval";
	case PL_ETOOBIG:
		return "etoobig";
	default:
		return "other";
	}
}

/* Like T_INT, with the codes' names in the message. */
#define T_ERR(got, want, input)                                                \
	do {                                                                   \
		enum pl_err t_e = (got), t_f = (want);                         \
		if (t_e == t_f) {                                              \
			t_pass++;                                              \
		} else {                                                       \
			t_fail++;                                              \
			fprintf(stderr, "%s:%d: %s: expected %s, got %s\n",    \
			    __FILE__, __LINE__, (input), err_name(t_f),        \
			    err_name(t_e));                                    \
		}                                                              \
	} while (0)

/* ------------------------------------------------------------------ */

struct utf8_case {
	const char *in;
	size_t      n; /* 0: strlen */
	int         ok;
};

static const struct utf8_case utf8_cases[] = {
	{ "", 0, 1 },
	{ "plain ascii", 0, 1 },
	{ "caf\xc3\xa9", 0, 1 },
	{ "\xe2\x82\xac", 0, 1 },             /* U+20AC */
	{ "\xf0\x9f\x98\x80", 0, 1 },         /* U+1F600 */
	{ "\xf4\x8f\xbf\xbf", 0, 1 },         /* U+10FFFF */
	{ "\xef\xbf\xbf", 0, 1 },             /* U+FFFF */
	{ "\xed\x9f\xbf", 0, 1 },             /* U+D7FF */
	{ "\xee\x80\x80", 0, 1 },             /* U+E000 */
	{ "a\0b", 3, 1 },                     /* NUL is valid UTF-8 */
	{ "\xc0\x80", 0, 0 },                 /* overlong NUL */
	{ "\xc1\xbf", 0, 0 },                 /* overlong */
	{ "\xe0\x80\xaf", 0, 0 },             /* overlong '/' */
	{ "\xe0\x9f\xbf", 0, 0 },             /* overlong */
	{ "\xf0\x8f\xbf\xbf", 0, 0 },         /* overlong */
	{ "\xed\xa0\x80", 0, 0 },             /* U+D800 */
	{ "\xed\xbf\xbf", 0, 0 },             /* U+DFFF */
	{ "\xed\xa0\xbd\xed\xb8\x80", 0, 0 }, /* CESU-8 pair */
	{ "\xf4\x90\x80\x80", 0, 0 },         /* U+110000 */
	{ "\xf5\x80\x80\x80", 0, 0 },
	{ "\xf8\x88\x80\x80\x80", 0, 0 },
	{ "\xff", 0, 0 },
	{ "\xfe", 0, 0 },
	{ "\x80", 0, 0 }, /* lone continuation */
	{ "a\xbf", 0, 0 },
	{ "\xc3", 0, 0 }, /* truncated */
	{ "\xe2\x82", 0, 0 },
	{ "\xf0\x9f\x98", 0, 0 },
	{ "\xc3\x28", 0, 0 }, /* bad continuation */
	{ "\xe2\x28\xa1", 0, 0 },
	{ "\xe2\x82\x28", 0, 0 },
	{ "\xf0\x9f\x98\x28", 0, 0 },
};

static void
test_utf8(void)
{
	size_t i, n;

	for (i = 0; i < NITEMS(utf8_cases); i++) {
		n = utf8_cases[i].n ? utf8_cases[i].n
		                    : strlen(utf8_cases[i].in);
		T_INT(pl_utf8_valid(utf8_cases[i].in, n), utf8_cases[i].ok,
		    utf8_cases[i].in);
	}
	/* A truncated sequence at the very end must not read past n. */
	T_INT(pl_utf8_valid("\xe2\x82\xac", 2), 0, "e2 82 | ac");
	T_INT(pl_utf8_valid(NULL, 0), 1, "NULL, 0");
}

/* ------------------------------------------------------------------ */

struct url_case {
	const char *in;
	size_t      n; /* 0: strlen */
	enum pl_err want;
	const char *dump;  /* on PL_OK */
	const char *field; /* on error: pe.field, NULL if none */
};

static const struct url_case url_cases[] = {
	{ "", 0, PL_OK, "", NULL },
	{ "a=1", 0, PL_OK, "a=1", NULL },
	{ "a=1&b=2", 0, PL_OK, "a=1|b=2", NULL },
	{ "a=1&&b=2", 0, PL_OK, "a=1|b=2", NULL },
	{ "&&a=1&", 0, PL_OK, "a=1", NULL },
	{ "&", 0, PL_OK, "", NULL },
	{ "flag", 0, PL_OK, "flag=", NULL },
	{ "flag&x=", 0, PL_OK, "flag=|x=", NULL },
	{ "a=1=2", 0, PL_OK, "a=1=2", NULL },
	{ "a=1&a=2", 0, PL_OK, "a=1|a=2", NULL },
	{ "=v", 0, PL_OK, "=v", NULL },
	{ "a+b=c+d", 0, PL_OK, "a b=c d", NULL },
	{ "q=%2B%26%3D%25", 0, PL_OK, "q=+&=%", NULL },
	{ "q=%c3%a9%C3%A9", 0, PL_OK, "q=\xc3\xa9\xc3\xa9", NULL },
	{ "q=caf\xc3\xa9", 0, PL_OK, "q=caf\xc3\xa9", NULL },
	{ "q=%0D%0A", 0, PL_OK, "q=\r\n", NULL },
	{ "%61%62=%63", 0, PL_OK, "ab=c", NULL },
	{ "q=' OR 1=1 --", 0, PL_OK, "q=' OR 1=1 --", NULL },
	/* Bad escapes. */
	{ "q=%", 0, PL_EINVAL, NULL, "q" },
	{ "q=%4", 0, PL_EINVAL, NULL, "q" },
	{ "q=%zz", 0, PL_EINVAL, NULL, "q" },
	{ "q=%4g", 0, PL_EINVAL, NULL, "q" },
	{ "q=%%41", 0, PL_EINVAL, NULL, "q" },
	{ "q=abc%", 0, PL_EINVAL, NULL, "q" },
	{ "%=1", 0, PL_EINVAL, NULL, NULL },
	{ "%g1=1", 0, PL_EINVAL, NULL, NULL },
	/* An escape must not run into the next pair. */
	{ "q=%4&b=1", 0, PL_EINVAL, NULL, "q" },
	/* NUL. */
	{ "q=a%00b", 0, PL_EINVAL, NULL, "q" },
	{ "a%00=1", 0, PL_EINVAL, NULL, NULL },
	{ "q=a\0b", 5, PL_EINVAL, NULL, "q" },
	/* UTF-8 after decoding. */
	{ "q=%C0%80", 0, PL_EINVAL, NULL, "q" },
	{ "q=%ED%A0%80", 0, PL_EINVAL, NULL, "q" },
	{ "q=%F4%90%80%80", 0, PL_EINVAL, NULL, "q" },
	{ "q=%FF", 0, PL_EINVAL, NULL, "q" },
	{ "q=%C3", 0, PL_EINVAL, NULL, "q" },
	{ "q=\xc0\x80", 0, PL_EINVAL, NULL, "q" },
	{ "%ff=1", 0, PL_EINVAL, NULL, NULL },
};

static void
test_urlencoded(struct pl_arena *a)
{
	struct pl_kvlist    l;
	struct pl_parse_err pe;
	struct pl_buf       b;
	enum pl_err         er;
	size_t              i, n;
	const char         *what;

	for (i = 0; i < NITEMS(url_cases); i++) {
		const struct url_case *c = &url_cases[i];

		n = c->n ? c->n : strlen(c->in);
		er = pl_parse_urlencoded(a, c->in, n, &l, &pe);
		T_ERR(er, c->want, c->in);
		if (er == PL_OK && c->want == PL_OK)
			T_STR(kv_dump(a, &l), c->dump, c->in);
		if (er != PL_OK) {
			T_OK(pe.msg != NULL, c->in);
			T_STR(pe.field, c->field, c->in);
			T_INT(l.n, 0, c->in);
		}
	}

	/* Limits: exactly at each passes, one over fails. */
	for (n = PL_MAX_FIELDS; n <= PL_MAX_FIELDS + 1; n++) {
		pl_buf_init(&b, a);
		for (i = 0; i < n; i++)
			pl_buf_printf(&b, "%sf%zu=%zu", i ? "&" : "", i, i);
		er = pl_parse_urlencoded(a, b.p, b.len, &l, &pe);
		what = n == PL_MAX_FIELDS ? "128 fields" : "129 fields";
		T_ERR(er, n == PL_MAX_FIELDS ? PL_OK : PL_ETOOBIG, what);
		if (er == PL_OK) {
			T_INT(l.n, PL_MAX_FIELDS, what);
			T_STR(pl_kv_get(&l, "f127"), "127", what);
		}
	}
	/* Empty pieces do not count towards the field limit. */
	pl_buf_init(&b, a);
	for (i = 0; i < PL_MAX_FIELDS; i++)
		pl_buf_printf(&b, "f%zu=1&&&", i);
	er = pl_parse_urlencoded(a, b.p, b.len, &l, &pe);
	T_ERR(er, PL_OK, "128 fields among empty pieces");

	for (n = PL_MAX_NAME; n <= PL_MAX_NAME + 1; n++) {
		pl_buf_init(&b, a);
		for (i = 0; i < n; i++)
			pl_buf_putc(&b, 'k');
		pl_buf_puts(&b, "=v");
		er = pl_parse_urlencoded(a, b.p, b.len, &l, &pe);
		T_ERR(er, n == PL_MAX_NAME ? PL_OK : PL_ETOOBIG,
		    "name of 64/65 bytes");
	}
	/* The name limit is on decoded bytes: 64 "%6B" is 64 bytes. */
	pl_buf_init(&b, a);
	for (i = 0; i < PL_MAX_NAME; i++)
		pl_buf_puts(&b, "%6B");
	pl_buf_puts(&b, "=v");
	er = pl_parse_urlencoded(a, b.p, b.len, &l, &pe);
	T_ERR(er, PL_OK, "name of 64 escaped bytes");

	for (n = PL_MAX_FIELD; n <= PL_MAX_FIELD + 1; n++) {
		pl_buf_init(&b, a);
		pl_buf_puts(&b, "v=");
		for (i = 0; i < n; i++)
			pl_buf_puts(&b, "%41");
		er = pl_parse_urlencoded(a, b.p, b.len, &l, &pe);
		T_ERR(er, n == PL_MAX_FIELD ? PL_OK : PL_ETOOBIG,
		    "value of 8192/8193 escaped bytes");
		if (er == PL_OK)
			T_INT(l.v[0].vlen, PL_MAX_FIELD, "vlen at the limit");
		else
			T_STR(pe.field, "v", "value over the limit");
	}

	pl_buf_init(&b, a);
	for (i = 0; i < PL_MAX_BODY + 1; i++)
		pl_buf_putc(&b, '&');
	er = pl_parse_urlencoded(a, b.p, b.len, &l, &pe);
	T_ERR(er, PL_ETOOBIG, "body of 64 KiB + 1");
	er = pl_parse_urlencoded(a, b.p, PL_MAX_BODY, &l, &pe);
	T_ERR(er, PL_OK, "body of 64 KiB of '&'");

	er = pl_parse_urlencoded(a, NULL, 0, &l, NULL);
	T_ERR(er, PL_OK, "NULL, 0 and no pe");
}

/* ------------------------------------------------------------------ */

struct cookie_case {
	const char *in;
	enum pl_err want;
	const char *dump;
};

static const struct cookie_case cookie_cases[] = {
	{ "", PL_OK, "" },
	{ "a=1", PL_OK, "a=1" },
	{ "a=1; b=2", PL_OK, "a=1|b=2" },
	{ "a=1;b=2", PL_OK, "a=1|b=2" },
	{ "  a=1 ;  b=2  ", PL_OK, "a=1|b=2" },
	{ "a = 1", PL_OK, "a=1" },
	{ "sid=\"quoted\"", PL_OK, "sid=quoted" },
	{ "sid=\"\"", PL_OK, "sid=" },
	{ "e=", PL_OK, "e=" },
	{ "a=%41", PL_OK, "a=%41" }, /* no percent-decoding */
	{ "a=x=y", PL_OK, "a=x=y" },
	{ "a=1; a=2", PL_OK, "a=1|a=2" },
	{ "pl_sess=abc-DEF_123.~", PL_OK, "pl_sess=abc-DEF_123.~" },
	/* Malformed pairs are skipped. */
	{ "junk; a=1", PL_OK, "a=1" },
	{ "=1; a=1", PL_OK, "a=1" },
	{ "a=1;;; b=2;", PL_OK, "a=1|b=2" },
	{ "a b=1; c=2", PL_OK, "c=2" },
	{ "a=b c; d=4", PL_OK, "d=4" },
	{ "a=\"x; d=4", PL_OK, "d=4" },
	{ "a=\"x\"y\"; d=4", PL_OK, "d=4" },
	{ "a=\"; d=4", PL_OK, "d=4" },
	{ "a=x\\y; d=4", PL_OK, "d=4" },
	{ "a=x,y; d=4", PL_OK, "d=4" },
	{ "a=\x01; d=4", PL_OK, "d=4" },
	{ "a=\x7f; d=4", PL_OK, "d=4" },
	{ "a=caf\xc3\xa9; d=4", PL_OK, "d=4" },
	{ "a=\xc0\x80; d=4", PL_OK, "d=4" },
	{ "n\xc3\xa9=1; d=4", PL_OK, "d=4" },
	{ "a(b)=1; d=4", PL_OK, "d=4" },
	{ "a=1\r\nX: y; d=4", PL_OK, "d=4" },
};

static void
test_cookies(struct pl_arena *a)
{
	struct pl_kvlist    l;
	struct pl_parse_err pe;
	struct pl_buf       b;
	enum pl_err         er;
	size_t              i, n;

	for (i = 0; i < NITEMS(cookie_cases); i++) {
		const struct cookie_case *c = &cookie_cases[i];

		er = pl_parse_cookies(a, c->in, &l, &pe);
		T_ERR(er, c->want, c->in);
		if (er == PL_OK)
			T_STR(kv_dump(a, &l), c->dump, c->in);
	}
	er = pl_parse_cookies(a, NULL, &l, &pe);
	T_ERR(er, PL_OK, "NULL header");
	T_INT(l.n, 0, "NULL header");

	for (n = PL_MAX_COOKIES; n <= PL_MAX_COOKIES + 1; n++) {
		pl_buf_init(&b, a);
		for (i = 0; i < n; i++)
			pl_buf_printf(&b, "%sc%zu=%zu", i ? "; " : "", i, i);
		er = pl_parse_cookies(a, b.p, &l, &pe);
		T_ERR(er, n == PL_MAX_COOKIES ? PL_OK : PL_ETOOBIG,
		    "32/33 cookies");
		if (er == PL_OK)
			T_STR(pl_kv_get(&l, "c31"), "31", "32 cookies");
	}
	/* Junk does not count as cookies. */
	pl_buf_init(&b, a);
	for (i = 0; i < PL_MAX_COOKIES; i++)
		pl_buf_printf(&b, "c%zu=%zu; junk; ", i, i);
	er = pl_parse_cookies(a, b.p, &l, &pe);
	T_ERR(er, PL_OK, "32 cookies among junk");

	for (n = PL_MAX_COOKIE; n <= PL_MAX_COOKIE + 1; n++) {
		pl_buf_init(&b, a);
		pl_buf_puts(&b, "a=");
		for (i = 2; i < n; i++)
			pl_buf_putc(&b, 'x');
		er = pl_parse_cookies(a, b.p, &l, &pe);
		T_ERR(er, n == PL_MAX_COOKIE ? PL_OK : PL_ETOOBIG,
		    "Cookie header of 4096/4097 bytes");
	}
}

/* ------------------------------------------------------------------ */

#define CT "multipart/form-data; boundary=XyZ"

struct mp_case {
	const char *what;
	const char *ctype;
	const char *body;
	size_t      n; /* 0: strlen */
	enum pl_err want;
	const char *fields; /* kv_dump on PL_OK */
	const char *files;  /* files_dump on PL_OK */
};

static const struct mp_case mp_cases[] = {
	{ "one field", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "hello\r\n"
	    "--XyZ--\r\n",
	    0, PL_OK, "a=hello", "" },
	{ "two fields and a file", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ\r\n"
	    "content-disposition: FORM-DATA; name=b\r\n"
	    "\r\n"
	    "two\r\nlines\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"logo\"; "
	    "filename=\"a b.png\"\r\n"
	    "Content-Type: image/png\r\n"
	    "\r\n"
	    "\x89PNG\r\n\x1a\n\r\n"
	    "--XyZ--",
	    0, PL_OK, "a=1|b=two\r\nlines",
	    "logo:a b.png:image/png:8:\x89PNG\r\n\x1a\n" },
	{ "file with NUL bytes", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n"
	    "\r\n"
	    "a\0b\r\n"
	    "--XyZ--\r\n",
	    sizeof("--XyZ\r\n"
	           "Content-Disposition: form-data; name=\"f\"; "
	           "filename=\"x.bin\"\r\n"
	           "\r\n"
	           "a\0b\r\n"
	           "--XyZ--\r\n") -
	        1,
	    PL_OK, "", "f:x.bin::3:a\0b" },
	{ "no file chosen: empty filename", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "\r\n"
	    "\r\n"
	    "--XyZ--\r\n",
	    0, PL_OK, "", "f::application/octet-stream:0:" },
	{ "windows path keeps backslashes", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"f\"; "
	    "filename=\"C:\\dir\\a.txt\"\r\n"
	    "\r\n"
	    "x\r\n"
	    "--XyZ--\r\n",
	    0, PL_OK, "", "f:C:\\dir\\a.txt::1:x" },
	{ "escaped quote in filename", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"f\"; "
	    "filename=\"a\\\"b\"\r\n"
	    "\r\n"
	    "x\r\n"
	    "--XyZ--\r\n",
	    0, PL_OK, "", "f:a\"b::1:x" },
	{ "UTF-8 filename", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"f\"; "
	    "filename=\"caf\xc3\xa9.txt\"\r\n"
	    "\r\n"
	    "x\r\n"
	    "--XyZ--\r\n",
	    0, PL_OK, "", "f:caf\xc3\xa9.txt::1:x" },
	{ "bad UTF-8 filename", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"f\"; "
	    "filename=\"\xc0\x80.txt\"\r\n"
	    "\r\n"
	    "x\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "quoted boundary", "multipart/form-data; boundary=\"a b:c\"",
	    "--a b:c\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--a b:c--\r\n",
	    0, PL_OK, "a=1", "" },
	{ "boundary among other params, any case",
	    "Multipart/Form-Data; charset=utf-8; BOUNDARY=XyZ",
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n",
	    0, PL_OK, "a=1", "" },
	{ "preamble and epilogue", CT,
	    "ignored preamble\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n"
	    "ignored epilogue",
	    0, PL_OK, "a=1", "" },
	{ "transport padding after boundary", CT,
	    "--XyZ  \r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--",
	    0, PL_OK, "a=1", "" },
	{ "boundary-like text in content", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "--XyZ not at a line start\r\n"
	    "--XyZ--",
	    0, PL_OK, "a=--XyZ not at a line start", "" },
	{ "empty value", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "\r\n"
	    "--XyZ--",
	    0, PL_OK, "a=", "" },
	{ "unknown header ignored", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "X-Whatever: yes\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--",
	    0, PL_OK, "a=1", "" },
	/* Failures. */
	{ "missing final boundary", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "final boundary without --", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ",
	    0, PL_EINVAL, NULL, NULL },
	{ "final boundary and CRLF but no more", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "cut inside headers", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "no boundary at all", CT, "hello", 0, PL_EINVAL, NULL, NULL },
	{ "empty body", CT, "", 0, PL_EINVAL, NULL, NULL },
	{ "bare LF line ends", CT,
	    "--XyZ\n"
	    "Content-Disposition: form-data; name=\"a\"\n"
	    "\n"
	    "1\n"
	    "--XyZ--\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "bare LF inside headers", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\nX: y\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "folded header", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data;\r\n"
	    " name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "longer boundary in body", CT,
	    "--XyZW\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZW--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "no Content-Disposition", CT,
	    "--XyZ\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "no name", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; filename=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "empty name", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "not form-data", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: attachment; name=\"a\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "two names", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"; name=\"b\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "unterminated quote", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "NUL in a field value", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "1\0002\r\n"
	    "--XyZ--\r\n",
	    sizeof("--XyZ\r\n"
	           "Content-Disposition: form-data; name=\"a\"\r\n"
	           "\r\n"
	           "1\0002\r\n"
	           "--XyZ--\r\n") -
	        1,
	    PL_EINVAL, NULL, NULL },
	{ "NUL in a header", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\0\"\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n",
	    sizeof("--XyZ\r\n"
	           "Content-Disposition: form-data; name=\"a\0\"\r\n"
	           "\r\n"
	           "1\r\n"
	           "--XyZ--\r\n") -
	        1,
	    PL_EINVAL, NULL, NULL },
	{ "overlong UTF-8 in a field", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "\xc0\x80\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "surrogate in a field", CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n"
	    "\xed\xa0\x80\r\n"
	    "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	/* Content-Type problems. */
	{ "not multipart", "application/x-www-form-urlencoded", "--XyZ--\r\n",
	    0, PL_EINVAL, NULL, NULL },
	{ "no boundary param", "multipart/form-data", "--XyZ--\r\n", 0,
	    PL_EINVAL, NULL, NULL },
	{ "empty boundary", "multipart/form-data; boundary=\"\"", "----\r\n", 0,
	    PL_EINVAL, NULL, NULL },
	{ "boundary ending in a space",
	    "multipart/form-data; boundary=\"XyZ \"", "--XyZ --\r\n", 0,
	    PL_EINVAL, NULL, NULL },
	{ "boundary with a bad char", "multipart/form-data; boundary=\"a;b\"",
	    "--a;b--\r\n", 0, PL_EINVAL, NULL, NULL },
	{ "two boundaries", "multipart/form-data; boundary=XyZ; boundary=Abc",
	    "--XyZ--\r\n", 0, PL_EINVAL, NULL, NULL },
	{ "multipart/form-dataX", "multipart/form-dataX; boundary=XyZ",
	    "--XyZ--\r\n", 0, PL_EINVAL, NULL, NULL },
	{ "NULL Content-Type", NULL, "--XyZ--\r\n", 0, PL_EINVAL, NULL, NULL },
	{ "only closing boundary", CT, "--XyZ--\r\n", 0, PL_OK, "", "" },
};

static void
mp_one(struct pl_arena *a, const char *ctype, struct pl_buf *b,
    enum pl_err want, const char *what)
{
	struct pl_kvlist    f;
	struct pl_filelist  fl;
	struct pl_parse_err pe;
	enum pl_err         er;

	er = pl_parse_multipart(a, ctype, b->p, b->len, &f, &fl, &pe);
	T_ERR(er, want, what);
}

static void
test_multipart(struct pl_arena *a)
{
	struct pl_kvlist    f;
	struct pl_filelist  fl;
	struct pl_parse_err pe;
	struct pl_buf       b;
	enum pl_err         er;
	size_t              i, n;
	char               *ct;

	for (i = 0; i < NITEMS(mp_cases); i++) {
		const struct mp_case *c = &mp_cases[i];

		n = c->n ? c->n : strlen(c->body);
		er = pl_parse_multipart(a, c->ctype, c->body, n, &f, &fl, &pe);
		T_ERR(er, c->want, c->what);
		if (er == PL_OK && c->want == PL_OK) {
			T_STR(kv_dump(a, &f), c->fields, c->what);
			T_STR(files_dump(a, &fl), c->files, c->what);
		}
		if (er != PL_OK) {
			T_OK(pe.msg != NULL, c->what);
			T_INT(f.n + fl.n, 0, c->what);
		}
	}

	/* Boundary of 70 characters passes, 71 fails. */
	for (n = 70; n <= 71; n++) {
		pl_buf_init(&b, a);
		for (i = 0; i < n; i++)
			pl_buf_putc(&b, 'b');
		ct = pl_arena_printf(
		    a, "multipart/form-data; boundary=%s", pl_buf_cstr(&b));
		pl_buf_init(&b, a);
		pl_buf_puts(&b, "--");
		for (i = 0; i < n; i++)
			pl_buf_putc(&b, 'b');
		pl_buf_puts(&b, "--\r\n");
		mp_one(a, ct, &b, n == 70 ? PL_OK : PL_EINVAL,
		    "boundary of 70/71 chars");
	}

	/* Fields: 128 pass, 129 fail. */
	for (n = PL_MAX_FIELDS; n <= PL_MAX_FIELDS + 1; n++) {
		pl_buf_init(&b, a);
		for (i = 0; i < n; i++)
			pl_buf_printf(&b,
			    "--XyZ\r\nContent-Disposition: form-data; "
			    "name=\"f%zu\"\r\n\r\n%zu\r\n",
			    i, i);
		pl_buf_puts(&b, "--XyZ--\r\n");
		mp_one(a, CT, &b, n == PL_MAX_FIELDS ? PL_OK : PL_ETOOBIG,
		    "128/129 fields");
	}

	/* Files: 4 pass, 5 fail. */
	for (n = PL_MAX_FILES; n <= PL_MAX_FILES + 1; n++) {
		pl_buf_init(&b, a);
		for (i = 0; i < n; i++)
			pl_buf_printf(&b,
			    "--XyZ\r\nContent-Disposition: form-data; "
			    "name=\"f%zu\"; filename=\"f%zu.txt\"\r\n\r\n"
			    "%zu\r\n",
			    i, i, i);
		pl_buf_puts(&b, "--XyZ--\r\n");
		mp_one(a, CT, &b, n == PL_MAX_FILES ? PL_OK : PL_ETOOBIG,
		    "4/5 files");
	}

	/* A field value of 8192 bytes passes, 8193 fails; a file may be
	 * bigger. */
	for (n = PL_MAX_FIELD; n <= PL_MAX_FIELD + 1; n++) {
		pl_buf_init(&b, a);
		pl_buf_puts(&b,
		    "--XyZ\r\nContent-Disposition: form-data; name=\"v\"\r\n"
		    "\r\n");
		for (i = 0; i < n; i++)
			pl_buf_putc(&b, 'x');
		pl_buf_puts(&b, "\r\n--XyZ--\r\n");
		mp_one(a, CT, &b, n == PL_MAX_FIELD ? PL_OK : PL_ETOOBIG,
		    "field of 8192/8193 bytes");
	}
	pl_buf_init(&b, a);
	pl_buf_puts(&b,
	    "--XyZ\r\nContent-Disposition: form-data; name=\"v\"; "
	    "filename=\"big\"\r\n\r\n");
	for (i = 0; i < 100000; i++)
		pl_buf_putc(&b, 'x');
	pl_buf_puts(&b, "\r\n--XyZ--\r\n");
	mp_one(a, CT, &b, PL_OK, "file of 100000 bytes");

	/* Field names: 64 bytes pass, 65 fail. */
	for (n = PL_MAX_NAME; n <= PL_MAX_NAME + 1; n++) {
		pl_buf_init(&b, a);
		pl_buf_puts(&b,
		    "--XyZ\r\nContent-Disposition: form-data; "
		    "name=\"");
		for (i = 0; i < n; i++)
			pl_buf_putc(&b, 'k');
		pl_buf_puts(&b, "\"\r\n\r\n1\r\n--XyZ--\r\n");
		mp_one(a, CT, &b, n == PL_MAX_NAME ? PL_OK : PL_ETOOBIG,
		    "name of 64/65 bytes");
	}

	/* The body limit. */
	pl_buf_init(&b, a);
	pl_buf_puts(&b,
	    "--XyZ\r\nContent-Disposition: form-data; name=\"v\"; "
	    "filename=\"big\"\r\n\r\n");
	while (b.len < PL_MAX_UPLOAD - 11)
		pl_buf_putc(&b, 'x');
	pl_buf_puts(&b, "\r\n--XyZ--\r\n");
	T_INT(b.len, PL_MAX_UPLOAD, "body at the limit");
	mp_one(a, CT, &b, PL_OK, "body of 2 MiB");
	pl_buf_putc(&b, '\n');
	mp_one(a, CT, &b, PL_ETOOBIG, "body of 2 MiB + 1");

	/* A part's header block over PL_MAX_FIELD. */
	pl_buf_init(&b, a);
	pl_buf_puts(&b,
	    "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"a\"\r\nX-Pad: ");
	for (i = 0; i < PL_MAX_FIELD; i++)
		pl_buf_putc(&b, 'p');
	pl_buf_puts(&b, "\r\n\r\n1\r\n--XyZ--\r\n");
	mp_one(a, CT, &b, PL_ETOOBIG, "part headers over 8 KiB");
}

/* ------------------------------------------------------------------ */

struct json_case {
	const char *in;
	size_t      n; /* 0: strlen */
	enum pl_err want;
	const char *out; /* plain re-serialization on PL_OK, or NULL */
};

static const struct json_case json_cases[] = {
	{ "{}", 0, PL_OK, "{}" },
	{ " \t\r\n{}\r\n ", 0, PL_OK, "{}" },
	{ "{\"a\":1}", 0, PL_OK, "{\"a\":1}" },
	{ "{\"a\":\"x\",\"b\":[1,2.5,-3e2,true,false,null,{}],\"c\":{\"d\":"
	  "\"\"}}",
	    0, PL_OK, NULL },
	{ "{\"a\":\"caf\xc3\xa9 \\u00e9 \\ud83d\\ude00\"}", 0, PL_OK,
	    "{\"a\":\"caf\xc3\xa9 \xc3\xa9 \xf0\x9f\x98\x80\"}" },
	{ "{\"a\":\"\\\\u0000\"}", 0, PL_OK, NULL }, /* escaped backslash */
	{ "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", 0, PL_OK, NULL },
	{ "{\"a\":-0}", 0, PL_OK, NULL },
	{ "{\"a\":9223372036854775807}", 0, PL_OK,
	    "{\"a\":9223372036854775807}" },
	{ "{\"a\":-9223372036854775808}", 0, PL_OK,
	    "{\"a\":-9223372036854775808}" },
	{ "{\"a\":1E+2,\"b\":0.5e-3}", 0, PL_OK, NULL },
	{ "{\"a\":{\"a\":1}}", 0, PL_OK, NULL }, /* same key, other object */
	{ "{\"a\":1,\"A\":2}", 0, PL_OK, NULL },
	{ "{\"a\":\"x:y\",\"b\":\"{\\\"c\\\":1}\"}", 0, PL_OK, NULL },
	/* Not one object. */
	{ "", 0, PL_EINVAL, NULL },
	{ "   ", 0, PL_EINVAL, NULL },
	{ "[]", 0, PL_EINVAL, NULL },
	{ "[{\"a\":1}]", 0, PL_EINVAL, NULL },
	{ "\"str\"", 0, PL_EINVAL, NULL },
	{ "1", 0, PL_EINVAL, NULL },
	{ "null", 0, PL_EINVAL, NULL },
	{ "{\"a\":1} x", 0, PL_EINVAL, NULL },
	{ "{\"a\":1}{}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1}}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1}\0", 8, PL_EINVAL, NULL },
	{ "{\"a\":1", 0, PL_EINVAL, NULL },
	{ "{\"a\":", 0, PL_EINVAL, NULL },
	{ "{", 0, PL_EINVAL, NULL },
	{ "\xef\xbb\xbf{}", 0, PL_EINVAL, NULL }, /* BOM */
	/* Not JSON, though json-c's strict mode takes some of it. */
	{ "{'a':1}", 0, PL_EINVAL, NULL },
	{ "{\"a\":'x'}", 0, PL_EINVAL, NULL },
	{ "{a:1}", 0, PL_EINVAL, NULL },
	{ "{\"a\":NaN}", 0, PL_EINVAL, NULL },
	{ "{\"a\":nan}", 0, PL_EINVAL, NULL },
	{ "{\"a\":Infinity}", 0, PL_EINVAL, NULL },
	{ "{\"a\":-Infinity}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1e999}", 0, PL_EINVAL, NULL },
	{ "{\"a\":-1e999}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1.}", 0, PL_EINVAL, NULL },
	{ "{\"a\":.5}", 0, PL_EINVAL, NULL },
	{ "{\"a\":01}", 0, PL_EINVAL, NULL },
	{ "{\"a\":+1}", 0, PL_EINVAL, NULL },
	{ "{\"a\":0x10}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1e}", 0, PL_EINVAL, NULL },
	{ "{\"a\":-}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1--2}", 0, PL_EINVAL, NULL },
	{ "{\"a\":9223372036854775808}", 0, PL_EINVAL, NULL },
	{ "{\"a\":-9223372036854775809}", 0, PL_EINVAL, NULL },
	{ "{\"a\":99999999999999999999}", 0, PL_EINVAL, NULL },
	{ "{\"a\":TRUE}", 0, PL_EINVAL, NULL },
	{ "{\"a\":tru}", 0, PL_EINVAL, NULL },
	{ "{\"a\":nul}", 0, PL_EINVAL, NULL },
	{ "{\"a\":truex}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1,}", 0, PL_EINVAL, NULL },
	{ "{\"a\":[1,]}", 0, PL_EINVAL, NULL },
	{ "{\"a\":/*c*/1}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1}//c", 0, PL_EINVAL, NULL },
	{ "{\"a\" 1}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1 \"b\":2}", 0, PL_EINVAL, NULL },
	/* Strings. */
	{ "{\"a\":\"\\u0000\"}", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"x\\u0000y\"}", 0, PL_EINVAL, NULL },
	{ "{\"a\\u0000b\":1}", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"\\ud800\"}", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"\\udc00\"}", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"\\ud800\\u0041\"}", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"\\ud800x\"}", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"\\ud800\\", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"\\u12\"}", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"\\u", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"\\x\"}", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"\\", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"x\ty\"}", 0, PL_EINVAL, NULL },     /* raw tab */
	{ "{\"a\":\"x\ny\"}", 0, PL_EINVAL, NULL },     /* raw newline */
	{ "{\"a\":\"x\0y\"}", 9, PL_EINVAL, NULL },     /* raw NUL */
	{ "{\"a\":\"\xc0\x80\"}", 0, PL_EINVAL, NULL }, /* overlong */
	{ "{\"a\":\"\xed\xa0\x80\"}", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"\xf4\x90\x80\x80\"}", 0, PL_EINVAL, NULL },
	{ "{\"\xff\":1}", 0, PL_EINVAL, NULL },
	{ "{\"a\":\"unterminated}", 0, PL_EINVAL, NULL },
	/* Duplicate keys, at any depth, however spelled. */
	{ "{\"a\":1,\"a\":2}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1,\"b\":2,\"a\":1}", 0, PL_EINVAL, NULL },
	{ "{\"a\":1,\"\\u0061\":2}", 0, PL_EINVAL, NULL },
	{ "{\"x\":{\"a\":1,\"a\":2}}", 0, PL_EINVAL, NULL },
	{ "{\"x\":[{\"a\":1,\"a\":2}]}", 0, PL_EINVAL, NULL },
	{ "{\"a\":{\"b\":1,\"c\":2},\"a\":{\"b\":1,\"c\":2}}", 0, PL_EINVAL,
	    NULL },
	{ "{\"a\":{\"b\":{\"c\":1}},\"a\":0}", 0, PL_EINVAL, NULL },
	{ "{\"role\":\"agent\",\"role\":\"admin\"}", 0, PL_EINVAL, NULL },
};

static void
json_depth(struct pl_arena *a, size_t depth, enum pl_err want, const char *what)
{
	struct pl_buf       b;
	struct json_object *o;
	size_t              i;

	pl_buf_init(&b, a);
	pl_buf_putc(&b, '{');
	/* Levels alternate object, array, object...; odd levels are
	 * objects. */
	for (i = 1; i < depth; i++)
		pl_buf_puts(&b, i % 2 ? "\"k\":[" : "{");
	pl_buf_puts(&b, depth % 2 ? "\"k\":1" : "1");
	for (i = depth - 1; i >= 1; i--)
		pl_buf_putc(&b, i % 2 ? ']' : '}');
	pl_buf_putc(&b, '}');
	T_ERR(pl_parse_json(b.p, b.len, &o, NULL), want, what);
	json_object_put(o);
}

static void
test_json(struct pl_arena *a)
{
	struct json_object *o;
	struct pl_parse_err pe;
	struct pl_buf       b;
	enum pl_err         er;
	size_t              i, n;

	for (i = 0; i < NITEMS(json_cases); i++) {
		const struct json_case *c = &json_cases[i];

		n = c->n ? c->n : strlen(c->in);
		er = pl_parse_json(c->in, n, &o, &pe);
		T_ERR(er, c->want, c->in);
		if (er == PL_OK && c->out != NULL)
			T_STR(json_object_to_json_string_ext(
			          o, JSON_C_TO_STRING_PLAIN),
			    c->out, c->in);
		if (er != PL_OK) {
			T_OK(o == NULL, c->in);
			T_OK(pe.msg != NULL, c->in);
		}
		json_object_put(o);
	}

	/* Depth: the outermost object is level 1. */
	json_depth(a, PL_MAX_JSON_DEPTH, PL_OK, "depth 16");
	json_depth(a, PL_MAX_JSON_DEPTH + 1, PL_ETOOBIG, "depth 17");
	json_depth(a, 1000, PL_ETOOBIG, "depth 1000");
	er = pl_parse_json(
	    "{\"a\":[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]}", 36, &o, NULL);
	T_ERR(er, PL_OK, "16 containers, innermost empty");
	json_object_put(o);
	er = pl_parse_json(
	    "{\"a\":[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}", 38, &o, NULL);
	T_ERR(er, PL_ETOOBIG, "17 containers, innermost empty");
	json_object_put(o);
	er = pl_parse_json("{\"a\":\"[[[[[[[[[[[[[[[[[[[[\"}", 28, &o, NULL);
	T_ERR(er, PL_OK, "brackets in a string are not depth");
	json_object_put(o);

	/* Keys per object, at the top and nested. */
	for (n = PL_MAX_FIELDS; n <= PL_MAX_FIELDS + 1; n++) {
		pl_buf_init(&b, a);
		pl_buf_putc(&b, '{');
		for (i = 0; i < n; i++)
			pl_buf_printf(&b, "%s\"k%zu\":%zu", i ? "," : "", i, i);
		pl_buf_putc(&b, '}');
		er = pl_parse_json(b.p, b.len, &o, NULL);
		T_ERR(er, n == PL_MAX_FIELDS ? PL_OK : PL_ETOOBIG,
		    "128/129 keys");
		json_object_put(o);

		pl_buf_init(&b, a);
		pl_buf_puts(&b, "{\"x\":[1,{");
		for (i = 0; i < n; i++)
			pl_buf_printf(&b, "%s\"k%zu\":%zu", i ? "," : "", i, i);
		pl_buf_puts(&b, "}]}");
		er = pl_parse_json(b.p, b.len, &o, NULL);
		T_ERR(er, n == PL_MAX_FIELDS ? PL_OK : PL_ETOOBIG,
		    "128/129 keys nested");
		json_object_put(o);
	}

	/* Key names and string values, as in forms. */
	for (n = PL_MAX_NAME; n <= PL_MAX_NAME + 1; n++) {
		pl_buf_init(&b, a);
		pl_buf_puts(&b, "{\"");
		for (i = 0; i < n; i++)
			pl_buf_putc(&b, 'k');
		pl_buf_puts(&b, "\":1}");
		er = pl_parse_json(b.p, b.len, &o, NULL);
		T_ERR(er, n == PL_MAX_NAME ? PL_OK : PL_ETOOBIG,
		    "key of 64/65 bytes");
		json_object_put(o);
	}
	for (n = PL_MAX_FIELD; n <= PL_MAX_FIELD + 1; n++) {
		pl_buf_init(&b, a);
		pl_buf_puts(&b, "{\"v\":\"");
		for (i = 0; i < n; i++)
			pl_buf_putc(&b, 'x');
		pl_buf_puts(&b, "\"}");
		er = pl_parse_json(b.p, b.len, &o, NULL);
		T_ERR(er, n == PL_MAX_FIELD ? PL_OK : PL_ETOOBIG,
		    "string of 8192/8193 bytes");
		json_object_put(o);
	}

	/* The body limit: whitespace padding to exactly 64 KiB, then one
	 * byte more. */
	pl_buf_init(&b, a);
	pl_buf_puts(&b, "{}");
	while (b.len < PL_MAX_BODY)
		pl_buf_putc(&b, ' ');
	er = pl_parse_json(b.p, b.len, &o, NULL);
	T_ERR(er, PL_OK, "body of 64 KiB");
	json_object_put(o);
	pl_buf_putc(&b, ' ');
	er = pl_parse_json(b.p, b.len, &o, NULL);
	T_ERR(er, PL_ETOOBIG, "body of 64 KiB + 1");
	json_object_put(o);

	/* The returned object is usable and owned by the caller. */
	er = pl_parse_json("{\"n\":42,\"s\":\"hi\"}", 17, &o, &pe);
	T_ERR(er, PL_OK, "usable object");
	if (er == PL_OK) {
		struct json_object *v;

		T_OK(json_object_object_get_ex(o, "n", &v), "key n");
		T_INT(json_object_get_int64(v), 42, "n");
		T_OK(json_object_object_get_ex(o, "s", &v), "key s");
		T_STR(json_object_get_string(v), "hi", "s");
	}
	json_object_put(o);
}

/* ------------------------------------------------------------------ */

struct i64_case {
	const char *in;
	long long   min, max;
	enum pl_err want;
	long long   val;
};

static const struct i64_case i64_cases[] = {
	{ "0", 0, 100, PL_OK, 0 },
	{ "42", 0, 100, PL_OK, 42 },
	{ "100", 0, 100, PL_OK, 100 },
	{ "101", 0, 100, PL_EINVAL, 0 },
	{ "-1", 0, 100, PL_EINVAL, 0 },
	{ "-1", -1, 1, PL_OK, -1 },
	{ "-5", -10, -2, PL_OK, -5 },
	{ "-1", -10, -2, PL_EINVAL, 0 },
	{ "0", 1, 10, PL_EINVAL, 0 },
	{ "9223372036854775807", INT64_MIN, INT64_MAX, PL_OK, INT64_MAX },
	{ "-9223372036854775808", INT64_MIN, INT64_MAX, PL_OK, INT64_MIN },
	{ "9223372036854775808", INT64_MIN, INT64_MAX, PL_EINVAL, 0 },
	{ "-9223372036854775809", INT64_MIN, INT64_MAX, PL_EINVAL, 0 },
	{ "18446744073709551616", INT64_MIN, INT64_MAX, PL_EINVAL, 0 },
	{ "99999999999999999999999", INT64_MIN, INT64_MAX, PL_EINVAL, 0 },
	{ "", 0, 100, PL_EINVAL, 0 },
	{ "-", -100, 100, PL_EINVAL, 0 },
	{ "+1", 0, 100, PL_EINVAL, 0 },
	{ " 1", 0, 100, PL_EINVAL, 0 },
	{ "1 ", 0, 100, PL_EINVAL, 0 },
	{ "01", 0, 100, PL_EINVAL, 0 },
	{ "00", 0, 100, PL_EINVAL, 0 },
	{ "-0", -100, 100, PL_EINVAL, 0 },
	{ "-01", -100, 100, PL_EINVAL, 0 },
	{ "1e3", 0, 10000, PL_EINVAL, 0 },
	{ "0x10", 0, 100, PL_EINVAL, 0 },
	{ "1.0", 0, 100, PL_EINVAL, 0 },
	{ "12a", 0, 100, PL_EINVAL, 0 },
	{ "--1", -100, 100, PL_EINVAL, 0 },
	{ "\xd9\xa1", 0, 100, PL_EINVAL, 0 }, /* ARABIC-INDIC DIGIT ONE */
	{ "1; DROP TABLE agent", 0, 100, PL_EINVAL, 0 },
};

static void
test_i64(void)
{
	long long   v;
	enum pl_err er;
	size_t      i;

	for (i = 0; i < NITEMS(i64_cases); i++) {
		const struct i64_case *c = &i64_cases[i];

		v = 7;
		er = pl_parse_i64(c->in, c->min, c->max, &v);
		T_ERR(er, c->want, c->in);
		T_INT(v, er == PL_OK ? c->val : 7, c->in);
	}
	T_ERR(pl_parse_i64(NULL, 0, 1, &v), PL_EINVAL, "NULL");
}

static void
test_kv_get(struct pl_arena *a)
{
	struct pl_kvlist l;
	enum pl_err      er;

	er = pl_parse_urlencoded(a, "a=1&b=2&a=3&c", 13, &l, NULL);
	T_ERR(er, PL_OK, "kv_get list");
	T_STR(pl_kv_get(&l, "a"), "1", "first match wins");
	T_STR(pl_kv_get(&l, "b"), "2", "b");
	T_STR(pl_kv_get(&l, "c"), "", "key with no '='");
	T_STR(pl_kv_get(&l, "d"), NULL, "absent");
	T_STR(pl_kv_get(&l, "A"), NULL, "case matters");
	T_STR(pl_kv_get(NULL, "a"), NULL, "NULL list");
}

int
main(void)
{
	struct pl_arena *a;

	a = pl_arena_new(0);
	test_utf8();
	test_urlencoded(a);
	pl_arena_reset(a);
	test_cookies(a);
	pl_arena_reset(a);
	test_multipart(a);
	pl_arena_reset(a);
	test_json(a);
	pl_arena_reset(a);
	test_i64();
	test_kv_get(a);
	pl_arena_free(a);
	return t_done();
}
