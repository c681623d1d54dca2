/* listing.h: a list page's request and reply: ?q= search, ?sort= and ?dir=
 * ordering from a fixed set, ?limit= and an opaque ?next= for paging, and
 * the reply {"items":[...],"next":...} (plus links for the HTML page). */
/* SPDX-License-Identifier: MIT */
#ifndef PL_LISTING_H
#define PL_LISTING_H

#include "err.h"
#include "list.h"

struct json_object;
struct pl_req;
struct pl_resp;

/*
 * Read ?q, ?sort, ?dir, ?limit and ?next. sorts is a NULL-terminated list
 * of sort names; the first is the default. Bad values: PL_EINVAL naming
 * the parameter.
 */
enum pl_err pl_list_parse(
    struct pl_req *rq, const char *const *sorts, struct pl_list *l);
/*
 * Reply with the items (a json array of up to limit + 1 fetched rows: the
 * extra one only says there is more and is dropped). Sets data.items,
 * data.next (opaque, or null) and, for HTML, data.list = {q, sort, dir,
 * next_href, prev_href, sort links}. Takes ownership of items.
 */
void pl_list_reply(struct pl_req *rq, struct pl_resp *rs,
    const struct pl_list *l, struct json_object *items);

/* This list page's own address, with its search, order and page, for the
 * row forms to come back to ("back"). Into the arena. */
const char *pl_list_href(struct pl_req *rq);

#endif
