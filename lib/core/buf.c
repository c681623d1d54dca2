/* buf.c: a growable byte buffer whose memory comes from an arena. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "log.h"

void
pl_buf_init(struct pl_buf *b, struct pl_arena *a)
{
	b->arena = a;
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

static void
buf_reserve(struct pl_buf *b, size_t n)
{
	size_t ncap;

	if (n > SIZE_MAX / 2 - b->len)
		pl_die("buf: %zu bytes overflows", n);
	if (b->len + n + 1 <= b->cap)
		return;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + n + 1)
		ncap *= 2;
	b->p = pl_arena_realloc(b->arena, b->p, b->cap, ncap);
	b->cap = ncap;
}

void
pl_buf_add(struct pl_buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
pl_buf_puts(struct pl_buf *b, const char *s)
{
	pl_buf_add(b, s, strlen(s));
}

void
pl_buf_putc(struct pl_buf *b, char c)
{
	pl_buf_add(b, &c, 1);
}

void
pl_buf_printf(struct pl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int     n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		pl_die("buf: bad format \"%s\"", fmt);
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *
pl_buf_cstr(struct pl_buf *b)
{
	return b->p != NULL ? b->p : "";
}

void
pl_buf_clear(struct pl_buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}
