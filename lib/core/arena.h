/* arena.h: per-request memory; everything is freed at once by reset. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ARENA_H
#define PL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct pl_arena;

/*
 * Create an arena whose first block holds at least "first" bytes (0 picks a
 * default). Aborts on out of memory, as every allocator here does: the
 * supervisor restarts the process.
 */
struct pl_arena *pl_arena_new(size_t first);
/* Free the arena and everything in it; NULL does nothing. */
void pl_arena_free(struct pl_arena *a);
/* Free everything allocated since creation; keeps the first block. */
void pl_arena_reset(struct pl_arena *a);
/* Bytes currently handed out (for limits and tests). */
size_t pl_arena_used(const struct pl_arena *a);

/* n bytes, aligned for any type, zeroed. Never NULL. */
void *pl_arena_alloc(struct pl_arena *a, size_t n);
/* n elements of size bytes, overflow-checked (aborts on overflow). */
void *pl_arena_array(struct pl_arena *a, size_t n, size_t size);
/* Grow an allocation made from this arena (copies when it must move). */
void *pl_arena_realloc(struct pl_arena *a, void *p, size_t oldn, size_t newn);
char *pl_arena_strdup(struct pl_arena *a, const char *s);
/* Copies n bytes and adds a NUL. */
char *pl_arena_strndup(struct pl_arena *a, const char *s, size_t n);
char *pl_arena_printf(struct pl_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *pl_arena_vprintf(struct pl_arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
