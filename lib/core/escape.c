/* escape.c: escapers, one per output context.
 *
 * Each escaper copies runs of bytes that need no escaping with one
 * pl_buf_add() and writes a replacement for the rest, so plain text costs one
 * copy. None of them allocates anything but the output.
 */
/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "buf.h"
#include "escape.h"

static const char hex[] = "0123456789ABCDEF";  /* %XX is upper case */
static const char jhex[] = "0123456789abcdef"; /* \u00xx, as escape.h shows */

/* The HTML replacement for byte c, "" to drop it, or NULL to keep it. */
static const char *
html_ent(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '\0':
		return "";
	default:
		return NULL;
	}
}

/*
 * Append s[0..n) to b with & < > " ' as entities and NUL bytes dropped:
 * safe in HTML text and in quoted attribute values.
 */
void
pl_html_text(struct pl_buf *b, const char *s, size_t n)
{
	size_t      i, run = 0;
	const char *e;

	for (i = 0; i < n; i++) {
		if ((e = html_ent((unsigned char)s[i])) == NULL)
			continue;
		pl_buf_add(b, s + run, i - run);
		pl_buf_puts(b, e);
		run = i + 1;
	}
	pl_buf_add(b, s + run, n - run);
}

/* The same escaping as pl_html_text(), named for attribute values. */
void
pl_html_attr(struct pl_buf *b, const char *s, size_t n)
{
	pl_html_text(b, s, n);
}

static int
url_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/*
 * Append s[0..n) to b percent-encoded for a URL query argument or path
 * segment: all but RFC 3986 unreserved bytes become %XX. The output holds no
 * byte that HTML treats specially.
 */
void
pl_url_arg(struct pl_buf *b, const char *s, size_t n)
{
	size_t i, run = 0;
	char   pct[3];

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (url_unreserved(c))
			continue;
		pl_buf_add(b, s + run, i - run);
		pct[0] = '%';
		pct[1] = hex[c >> 4];
		pct[2] = hex[c & 0xf];
		pl_buf_add(b, pct, sizeof(pct));
		run = i + 1;
	}
	pl_buf_add(b, s + run, n - run);
}

/*
 * Append s[0..n) to b as a quoted JSON string that is also safe inside an
 * HTML <script> element or attribute: besides what JSON requires, < > & '
 * and U+2028 U+2029 (line terminators to older JavaScript) are \u escapes.
 * Bytes 0x80 and up are copied as they are; the caller passes valid UTF-8,
 * and a sequence cut short at the end is not read past n.
 */
void
pl_json_str(struct pl_buf *b, const char *s, size_t n)
{
	size_t      i, run = 0, skip;
	const char *e;
	char        u[6];

	pl_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		e = NULL;
		skip = 1;
		switch (c) {
		case '"':
			e = "\\\"";
			break;
		case '\\':
			e = "\\\\";
			break;
		case '\b':
			e = "\\b";
			break;
		case '\f':
			e = "\\f";
			break;
		case '\n':
			e = "\\n";
			break;
		case '\r':
			e = "\\r";
			break;
		case '\t':
			e = "\\t";
			break;
		case 0xe2:
			/* U+2028 is E2 80 A8 and U+2029 is E2 80 A9. */
			if (n - i >= 3 && (unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0xa8 ||
			        (unsigned char)s[i + 2] == 0xa9)) {
				e = (unsigned char)s[i + 2] == 0xa8 ? "\\u2028"
				                                    : "\\u2029";
				skip = 3;
			}
			break;
		default:
			if (c < 0x20 || c == '<' || c == '>' || c == '&' ||
			    c == '\'') {
				u[0] = '\\';
				u[1] = 'u';
				u[2] = '0';
				u[3] = '0';
				u[4] = jhex[c >> 4];
				u[5] = jhex[c & 0xf];
				pl_buf_add(b, s + run, i - run);
				pl_buf_add(b, u, sizeof(u));
				run = i + 1;
			}
			break;
		}
		if (e == NULL)
			continue;
		pl_buf_add(b, s + run, i - run);
		pl_buf_puts(b, e);
		i += skip - 1;
		run = i + 1;
	}
	pl_buf_add(b, s + run, n - run);
	pl_buf_putc(b, '"');
}
