/* test-arena.c: the arena and the buffer. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "t.h"

int
main(void)
{
	struct pl_arena *a = pl_arena_new(64);
	struct pl_buf    b;
	char            *p, *q;

	p = pl_arena_alloc(a, 10);
	T_OK(((uintptr_t)p % 16) == 0, "alignment");
	T_OK(p[0] == 0 && p[9] == 0, "zeroed");
	q = pl_arena_alloc(a, 100000); /* bigger than any block */
	memset(q, 'x', 100000);
	T_OK(pl_arena_used(a) >= 100010, "used counts big blocks");
	T_STR(pl_arena_strndup(a, "hello", 3), "hel", "strndup");
	T_STR(pl_arena_printf(a, "%d-%s", 42, "x"), "42-x", "printf");
	T_OK(pl_arena_array(a, 4, 8) != NULL, "array");
	/* realloc: growing the last allocation keeps the contents. */
	p = pl_arena_alloc(a, 4);
	memcpy(p, "abc", 4);
	p = pl_arena_realloc(a, p, 4, 5000);
	T_STR(p, "abc", "realloc keeps contents");
	pl_arena_reset(a);
	T_INT(pl_arena_used(a), 0, "reset");

	pl_buf_init(&b, a);
	T_STR(pl_buf_cstr(&b), "", "empty buf");
	for (int i = 0; i < 1000; i++)
		pl_buf_printf(&b, "%03d", i % 1000);
	T_INT(b.len, 3000, "buf grows");
	T_OK(memcmp(b.p + 2997, "999", 3) == 0, "buf tail");
	pl_buf_clear(&b);
	pl_buf_add(&b, "a\0b", 3);
	T_INT(b.len, 3, "buf holds NUL");
	pl_buf_putc(&b, 'c');
	T_OK(memcmp(b.p, "a\0bc", 5) == 0, "putc and terminator");
	pl_arena_free(a);
	pl_arena_free(NULL);
	return t_done();
}
