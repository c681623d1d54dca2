/* buf.h: a growable byte buffer whose memory comes from an arena. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_BUF_H
#define PL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct pl_arena;

struct pl_buf {
	struct pl_arena *arena;
	char            *p; /* always NUL-terminated when len > 0 or cap > 0 */
	size_t           len; /* bytes written, not counting the NUL */
	size_t           cap;
};

void pl_buf_init(struct pl_buf *b, struct pl_arena *a);
void pl_buf_add(struct pl_buf *b, const void *p, size_t n);
void pl_buf_puts(struct pl_buf *b, const char *s);
void pl_buf_putc(struct pl_buf *b, char c);
void pl_buf_printf(struct pl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The contents as a NUL-terminated string ("" when empty); borrowed. */
const char *pl_buf_cstr(struct pl_buf *b);
void        pl_buf_clear(struct pl_buf *b);

#endif
