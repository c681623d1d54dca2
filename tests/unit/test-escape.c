/* test-escape.c: every escaper against hostile strings. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "escape.h"
#include "t.h"

typedef void escaper(struct pl_buf *, const char *, size_t);

struct tcase {
	const char *in;
	size_t      n; /* bytes of in; 0 means strlen(in) */
	const char *want;
};

static const struct tcase html_cases[] = {
	{ "", 0, "" },
	{ "plain text", 0, "plain text" },
	{ "<script>alert(1)</script>", 0,
	    "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "\"><script>alert(1)</script>", 0,
	    "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "' onmouseover='x'", 0, "&#39; onmouseover=&#39;x&#39;" },
	{ "a & b && c", 0, "a &amp; b &amp;&amp; c" },
	{ "&amp;", 0, "&amp;amp;" },
	{ "&#39;&lt;", 0, "&amp;#39;&amp;lt;" },
	{ "a\0b<", 4, "ab&lt;" },
	{ "\0\0", 2, "" },
	{ "<", 0, "&lt;" },
	{ ">", 0, "&gt;" },
	{ "\x01\t\n\r\x7f", 0, "\x01\t\n\r\x7f" },
	{ "caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80", 0,
	    "caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80" },
	{ "javascript:alert(1)", 0, "javascript:alert(1)" },
	{ "`backtick` =eq", 0, "`backtick` =eq" },
};

static const struct tcase url_cases[] = {
	{ "", 0, "" },
	{ "AZaz09-._~", 0, "AZaz09-._~" },
	{ "a b", 0, "a%20b" },
	{ "a+b=c&d", 0, "a%2Bb%3Dc%26d" },
	{ "/path?x#y", 0, "%2Fpath%3Fx%23y" },
	{ "\"><script>", 0, "%22%3E%3Cscript%3E" },
	{ "'", 0, "%27" },
	{ "%", 0, "%25" },
	{ "a\0b", 3, "a%00b" },
	{ "\n\r\x7f", 0, "%0A%0D%7F" },
	{ "\xc3\xa9\xff", 0, "%C3%A9%FF" },
	{ "\xe2\x80\xa8", 0, "%E2%80%A8" },
	{ "javascript:alert(1)", 0, "javascript%3Aalert%281%29" },
};

static const struct tcase json_cases[] = {
	{ "", 0, "\"\"" },
	{ "plain", 0, "\"plain\"" },
	{ "say \"hi\"", 0, "\"say \\\"hi\\\"\"" },
	{ "back\\slash", 0, "\"back\\\\slash\"" },
	{ "</script><script>alert(1)</script>", 0,
	    "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"
	    "\\u003c/script\\u003e\"" },
	{ "<!-- -->", 0, "\"\\u003c!-- --\\u003e\"" },
	{ "a&b'c", 0, "\"a\\u0026b\\u0027c\"" },
	{ "\b\f\n\r\t", 0, "\"\\b\\f\\n\\r\\t\"" },
	{ "\x01\x1f\x7f", 0, "\"\\u0001\\u001f\x7f\"" },
	{ "a\0b", 3, "\"a\\u0000b\"" },
	{ "x\xe2\x80\xa8y\xe2\x80\xa9z", 0, "\"x\\u2028y\\u2029z\"" },
	/* Other E2 sequences (here U+2026 and U+20AC) pass as they are. */
	{ "\xe2\x80\xa6\xe2\x82\xac", 0, "\"\xe2\x80\xa6\xe2\x82\xac\"" },
	/* A U+2028 cut short by n is not read past n. */
	{ "\xe2\x80\xa8", 2, "\"\xe2\x80\"" },
	{ "\xe2", 1, "\"\xe2\"" },
	{ "\xf0\x9f\x98\x80", 0, "\"\xf0\x9f\x98\x80\"" },
};

static void
run(const char *what, escaper *fn, const struct tcase *tc, size_t ntc,
    struct pl_arena *a)
{
	struct pl_buf b;
	char          label[128];

	for (size_t i = 0; i < ntc; i++) {
		size_t n = tc[i].n ? tc[i].n : strlen(tc[i].in);

		pl_buf_init(&b, a);
		fn(&b, tc[i].in, n);
		snprintf(label, sizeof(label), "%s case %zu", what, i);
		T_STR(pl_buf_cstr(&b), tc[i].want, label);
		T_INT(b.len, strlen(tc[i].want), label);
	}
}

/* A long string exercises the run copying across buffer growth. */
static void
test_long(struct pl_arena *a)
{
	struct pl_buf b;
	char          in[3000];
	size_t        i, amps = 0;

	for (i = 0; i < sizeof(in); i++) {
		in[i] = (i % 97 == 0) ? '&' : 'x';
		amps += in[i] == '&';
	}
	pl_buf_init(&b, a);
	pl_html_text(&b, in, sizeof(in));
	T_INT(b.len, sizeof(in) + amps * 4, "long html");
	T_OK(strstr(pl_buf_cstr(&b), "&amp;x") != NULL, "long html");
	pl_buf_init(&b, a);
	pl_url_arg(&b, in, sizeof(in));
	T_INT(b.len, sizeof(in) + amps * 2, "long url");
}

/* Appending keeps what the buffer held. */
static void
test_append(struct pl_arena *a)
{
	struct pl_buf b;

	pl_buf_init(&b, a);
	pl_buf_puts(&b, "<p title=\"");
	pl_html_attr(&b, "\" onclick=\"x", strlen("\" onclick=\"x"));
	pl_buf_puts(&b, "\">");
	pl_html_text(&b, "<b>", 3);
	T_STR(pl_buf_cstr(&b), "<p title=\"&quot; onclick=&quot;x\">&lt;b&gt;",
	    "attr then text");
	pl_buf_init(&b, a);
	pl_buf_puts(&b, "var x = ");
	pl_json_str(&b, "</script>", 9);
	T_STR(pl_buf_cstr(&b), "var x = \"\\u003c/script\\u003e\"",
	    "json in script");
}

int
main(void)
{
	struct pl_arena *a = pl_arena_new(0);

	run("html_text", pl_html_text, html_cases,
	    sizeof(html_cases) / sizeof(html_cases[0]), a);
	run("html_attr", pl_html_attr, html_cases,
	    sizeof(html_cases) / sizeof(html_cases[0]), a);
	run("url_arg", pl_url_arg, url_cases,
	    sizeof(url_cases) / sizeof(url_cases[0]), a);
	run("json_str", pl_json_str, json_cases,
	    sizeof(json_cases) / sizeof(json_cases[0]), a);
	test_long(a);
	test_append(a);
	pl_arena_free(a);
	return t_done();
}
