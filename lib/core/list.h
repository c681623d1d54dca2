/* list.h: the shape every list shares, as the domain sees it: a search
 * text (and its LIKE prefix), a sort key from a fixed set, a direction, and
 * bounded paging. http/listing.h reads one from a query string and renders
 * the reply.
 *
 * Paging is bounded: at most PL_LIST_MAX_OFFSET rows deep, so a query
 * costs at most an index range of that length even at 100,000 rows; past
 * it, the user narrows the search. Each sort key has its own prepared
 * statements (ORDER BY cannot take a parameter), two per key: ascending,
 * then descending: index = base + 2 * sort + desc.
 */
/* SPDX-License-Identifier: MIT */
#ifndef PL_LIST_H
#define PL_LIST_H

#include <stdbool.h>
#include <stddef.h>

#define PL_LIST_MAX_OFFSET 10000
#define PL_LIST_MAX_Q      100

struct pl_list {
	long long   limit; /* rows to show; fetch limit + 1 to know of more */
	long long   offset;
	size_t      sort; /* index into the sort names */
	bool        desc;
	const char *q;    /* search text, trimmed, "" for none */
	const char *like; /* q as a LIKE prefix pattern ("ada%"), escaped */
	const char *const *sorts;
};

/* The statement index for this list's sort: base + 2 * sort + desc. */
size_t pl_list_stmt(const struct pl_list *l, size_t base);

#endif
