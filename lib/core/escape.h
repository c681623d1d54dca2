/* escape.h: escapers, one per output context. Every byte of user text that
 * reaches a page, a URL or a script goes through one of these. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ESCAPE_H
#define PL_ESCAPE_H

#include <stddef.h>

struct pl_buf;

/* HTML text and double- or single-quoted attribute values: & < > " ' become
 * &amp; &lt; &gt; &quot; &#39;. NUL bytes are dropped. */
void pl_html_text(struct pl_buf *b, const char *s, size_t n);
/* Same escaping; a separate name so call sites say which context they mean. */
void pl_html_attr(struct pl_buf *b, const char *s, size_t n);
/* A URL query argument or path segment: every byte but RFC 3986 unreserved
 * (A-Z a-z 0-9 - . _ ~) becomes %XX (upper-case hex). */
void pl_url_arg(struct pl_buf *b, const char *s, size_t n);
/* A JSON string literal with its quotes, safe inside HTML <script> too:
 * " \ and control characters escaped as JSON requires, and also < > & ' as
 * \u003c \u003e \u0026 \u0027, and U+2028 U+2029 as \u2028 \u2029. Input is
 * valid UTF-8. */
void pl_json_str(struct pl_buf *b, const char *s, size_t n);

#endif
