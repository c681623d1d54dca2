/* list.c: a list's statement index. */
/* SPDX-License-Identifier: MIT */
#include "list.h"

size_t
pl_list_stmt(const struct pl_list *l, size_t base)
{
	return base + 2 * l->sort + (l->desc ? 1 : 0);
}
