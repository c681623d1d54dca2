/* arena.c: per-request memory; everything is freed at once by reset.
 *
 * A list of blocks; allocation bumps a pointer in the newest block. Reset
 * frees every block but the first, so a thread that serves small requests
 * never calls malloc after warming up, and a big request returns its memory.
 */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"

#define ALIGN       16
#define DEFAULT_BLK (16 * 1024) /* a parked long-poll fits, no second block */

struct blk {
	struct blk *next;
	size_t      cap; /* bytes of data[] */
	size_t      used;
	_Alignas(ALIGN) unsigned char data[];
};

struct pl_arena {
	struct blk *head;  /* newest block, where allocation happens */
	struct blk *first; /* kept across resets */
	size_t      total; /* bytes handed out since the last reset */
};

static struct blk *
blk_new(size_t cap)
{
	struct blk *b;

	if (cap > SIZE_MAX - sizeof(*b))
		pl_die("arena: block of %zu bytes", cap);
	if ((b = malloc(sizeof(*b) + cap)) == NULL)
		pl_die("arena: out of memory (%zu bytes)", cap);
	b->next = NULL;
	b->cap = cap;
	b->used = 0;
	return b;
}

struct pl_arena *
pl_arena_new(size_t first)
{
	struct pl_arena *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		pl_die("arena: out of memory");
	a->first = a->head = blk_new(first ? first : DEFAULT_BLK);
	return a;
}

void
pl_arena_free(struct pl_arena *a)
{
	struct blk *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void
pl_arena_reset(struct pl_arena *a)
{
	struct blk *b, *next;

	for (b = a->head; b != a->first; b = next) {
		next = b->next;
		free(b);
	}
	a->head = a->first;
	a->first->used = 0;
	a->first->next = NULL;
	a->total = 0;
}

size_t
pl_arena_used(const struct pl_arena *a)
{
	return a->total;
}

void *
pl_arena_alloc(struct pl_arena *a, size_t n)
{
	struct blk *b = a->head;
	size_t      need, off;
	void       *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		pl_die("arena: allocation of %zu bytes", n);
	need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	off = b->used;
	if (need > b->cap - off) {
		/* A big allocation gets a block of its own size. */
		b = blk_new(need > DEFAULT_BLK * 2 ? need : DEFAULT_BLK * 4);
		b->next = a->head;
		a->head = b;
		off = 0;
	}
	p = b->data + off;
	b->used = off + need;
	a->total += need;
	memset(p, 0, n);
	return p;
}

void *
pl_arena_array(struct pl_arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		pl_die("arena: array of %zu x %zu overflows", n, size);
	return pl_arena_alloc(a, n * size);
}

void *
pl_arena_realloc(struct pl_arena *a, void *p, size_t oldn, size_t newn)
{
	struct blk *b = a->head;
	void       *q;

	if (p != NULL && newn <= oldn)
		return p;
	/* The last allocation of the newest block can grow in place. */
	if (p != NULL &&
	    (unsigned char *)p + ((oldn + ALIGN - 1) & ~(size_t)(ALIGN - 1)) ==
	        b->data + b->used &&
	    newn <= b->cap - ((unsigned char *)p - b->data)) {
		size_t start = (size_t)((unsigned char *)p - b->data);
		size_t need = (newn + ALIGN - 1) & ~(size_t)(ALIGN - 1);

		a->total += need - (b->used - start);
		b->used = start + need;
		memset((unsigned char *)p + oldn, 0, newn - oldn);
		return p;
	}
	q = pl_arena_alloc(a, newn);
	if (p != NULL && oldn > 0)
		memcpy(q, p, oldn);
	return q;
}

char *
pl_arena_strndup(struct pl_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		pl_die("arena: string too long");
	p = pl_arena_alloc(a, n + 1);
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
pl_arena_strdup(struct pl_arena *a, const char *s)
{
	return pl_arena_strndup(a, s, strlen(s));
}

char *
pl_arena_vprintf(struct pl_arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	char   *p;
	int     n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		pl_die("arena: bad format \"%s\"", fmt);
	p = pl_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
pl_arena_printf(struct pl_arena *a, const char *fmt, ...)
{
	va_list ap;
	char   *p;

	va_start(ap, fmt);
	p = pl_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
