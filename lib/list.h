/* list.h: the shape every list shares: ?q= search, ?sort= and ?dir=
 * ordering from a fixed set, ?limit= and an opaque ?next= for paging, and
 * the reply {"items":[...],"next":...} (plus links for the HTML page).
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

#include "err.h"

struct json_object;
struct pl_arena;
struct pl_req;
struct pl_resp;

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

/*
 * Read ?q, ?sort, ?dir, ?limit and ?next. sorts is a NULL-terminated list
 * of sort names; the first is the default. Bad values: PL_EINVAL naming
 * the parameter.
 */
enum pl_err pl_list_parse(
    struct pl_req *rq, const char *const *sorts, struct pl_list *l);
/* The statement index for this list's sort: base + 2 * sort + desc. */
size_t pl_list_stmt(const struct pl_list *l, size_t base);
/*
 * Reply with the items (a json array of up to limit + 1 fetched rows: the
 * extra one only says there is more and is dropped). Sets data.items,
 * data.next (opaque, or null) and, for HTML, data.list = {q, sort, dir,
 * next_href, prev_href, sort links}. Takes ownership of items.
 */
void pl_list_reply(struct pl_req *rq, struct pl_resp *rs,
    const struct pl_list *l, struct json_object *items);

#endif
