/* listing.c: search, sort and bounded paging, read from the query string
 * and rendered for every list page. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "escape.h"
#include "listing.h"
#include "parse.h"
#include "pl_limits.h"
#include "req.h"
#include "resp.h"
#include "valid.h"

enum pl_err
pl_list_parse(struct pl_req *rq, const char *const *sorts, struct pl_list *l)
{
	const char   *q = pl_query(rq, "q"), *sort = pl_query(rq, "sort");
	const char   *dir = pl_query(rq, "dir"), *lim = pl_query(rq, "limit");
	const char   *next = pl_query(rq, "next");
	struct pl_buf b;
	size_t        n;

	memset(l, 0, sizeof(*l));
	l->sorts = sorts;
	l->limit = PL_PAGE_DEFAULT;
	if (lim != NULL &&
	    pl_parse_i64(lim, 1, PL_PAGE_MAX, &l->limit) != PL_OK)
		pl_in_fail(
		    rq, "limit", "limit is a whole number from 1 to 100.");
	if (next != NULL && *next != '\0' &&
	    (next[0] != 'o' || pl_parse_i64(next + 1, 0, PL_LIST_MAX_OFFSET,
	                           &l->offset) != PL_OK))
		pl_in_fail(rq, "next", "next is not a page this list gave.");
	if (sort != NULL && *sort != '\0') {
		for (n = 0; sorts[n] != NULL; n++)
			if (strcmp(sorts[n], sort) == 0)
				break;
		if (sorts[n] == NULL)
			pl_in_fail(
			    rq, "sort", "sort is not one of this list's.");
		else
			l->sort = n;
	}
	if (dir != NULL && *dir != '\0') {
		if (strcmp(dir, "desc") == 0)
			l->desc = true;
		else if (strcmp(dir, "asc") != 0)
			pl_in_fail(rq, "dir", "dir is asc or desc.");
	}
	/* Search text: trimmed, bounded, no control characters. */
	l->q = "";
	if (q != NULL) {
		while (*q == ' ')
			q++;
		n = strlen(q);
		while (n > 0 && q[n - 1] == ' ')
			n--;
		l->q = pl_arena_strndup(rq->arena, q, n);
		if (pl_valid_text(l->q, PL_LIST_MAX_Q, 0) != NULL)
			pl_in_fail(rq, "q",
			    "The search is too long or holds"
			    " control characters.");
	}
	/* The LIKE prefix: escape the pattern characters. */
	pl_buf_init(&b, rq->arena);
	for (const char *p = l->q; *p != '\0'; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			pl_buf_putc(&b, '\\');
		pl_buf_putc(&b, *p);
	}
	pl_buf_putc(&b, '%');
	l->like = pl_buf_cstr(&b);
	return pl_in_check(rq);
}

/* A query key the list reads itself, not one of the page's own filters. */
static bool
list_key(const char *k)
{
	return strcmp(k, "q") == 0 || strcmp(k, "sort") == 0 ||
	       strcmp(k, "dir") == 0 || strcmp(k, "next") == 0 ||
	       strcmp(k, "limit") == 0;
}

/* Which of the query's parameters put_query() writes. */
enum {
	Q_ALL,     /* every one */
	Q_FILTERS, /* the page's own (?admin_id=), not the list's */
	Q_SET      /* the page's own that have a value */
};

/* Append the query's parameters (percent-encoded) to b, the first after
 * sep ('?' or '&'), the others after '&'. */
static void
put_query(struct pl_buf *b, const struct pl_req *rq, char sep, int which)
{
	for (size_t i = 0; i < rq->query.n; i++) {
		const char *k = rq->query.v[i].key;

		if (which != Q_ALL &&
		    (list_key(k) ||
		        (which == Q_SET && rq->query.v[i].vlen == 0)))
			continue;
		pl_buf_putc(b, sep);
		sep = '&';
		pl_url_arg(b, k, strlen(k));
		pl_buf_putc(b, '=');
		pl_url_arg(b, rq->query.v[i].val, rq->query.v[i].vlen);
	}
}

/* The page without its search, order and paging: path?filter=..&..; the
 * page's own filters (?admin_id=, ?agent_id=) stay when they are set. */
static const char *
clear_href(struct pl_req *rq)
{
	struct pl_buf b;

	pl_buf_init(&b, rq->arena);
	pl_buf_puts(&b, rq->path);
	put_query(&b, rq, '?', Q_SET);
	return pl_buf_cstr(&b);
}

/* path?q=..&sort=..&dir=..&limit=..[&next=o..] */
static const char *
href(struct pl_req *rq, const struct pl_list *l, size_t sort, bool desc,
    long long offset)
{
	struct pl_buf b;

	pl_buf_init(&b, rq->arena);
	pl_buf_puts(&b, rq->path);
	pl_buf_puts(&b, "?sort=");
	pl_url_arg(&b, l->sorts[sort], strlen(l->sorts[sort]));
	pl_buf_puts(&b, desc ? "&dir=desc" : "&dir=asc");
	if (*l->q != '\0') {
		pl_buf_puts(&b, "&q=");
		pl_url_arg(&b, l->q, strlen(l->q));
	}
	/* Filters the page itself adds (?admin_id=, ?agent_id=) stay. */
	put_query(&b, rq, '&', Q_FILTERS);
	if (l->limit != PL_PAGE_DEFAULT)
		pl_buf_printf(&b, "&limit=%lld", l->limit);
	if (offset > 0)
		pl_buf_printf(&b, "&next=o%lld", offset);
	return pl_buf_cstr(&b);
}

void
pl_list_reply(struct pl_req *rq, struct pl_resp *rs, const struct pl_list *l,
    struct json_object *items)
{
	struct json_object *o = pl_resp_obj(rs), *meta, *sorts;
	size_t              n = json_object_array_length(items);
	bool                more = n > (size_t)l->limit;
	long long           next = l->offset + l->limit;

	if (more)
		json_object_array_del_idx(
		    items, (size_t)l->limit, n - (size_t)l->limit);
	if (next > PL_LIST_MAX_OFFSET)
		more = false;
	json_object_object_add(o, "items", items);
	if (more)
		pl_json_set_str(
		    o, "next", pl_arena_printf(rq->arena, "o%lld", next));
	else
		json_object_object_add(o, "next", NULL);
	if (rq->api)
		return;
	meta = json_object_new_object();
	pl_json_set_str(meta, "q", l->q);
	pl_json_set_str(meta, "sort", l->sorts[l->sort]);
	pl_json_set_str(meta, "dir", l->desc ? "desc" : "asc");
	pl_json_set_bool(meta, "empty", json_object_array_length(items) == 0);
	/* For the "clear search" link (templates/list_search.html). */
	pl_json_set_str(meta, "clear_href", clear_href(rq));
	if (more)
		pl_json_set_str(
		    meta, "next_href", href(rq, l, l->sort, l->desc, next));
	if (l->offset > 0)
		pl_json_set_str(meta, "prev_href",
		    href(rq, l, l->sort, l->desc,
		        l->offset > l->limit ? l->offset - l->limit : 0));
	/* One link per sort key: toggles the direction of the active one. */
	sorts = json_object_new_object();
	for (size_t i = 0; l->sorts[i] != NULL; i++) {
		struct json_object *s = json_object_new_object();
		bool                active = i == l->sort;

		pl_json_set_str(
		    s, "href", href(rq, l, i, active ? !l->desc : false, 0));
		pl_json_set_bool(s, "active", active);
		pl_json_set_str(s, "arrow",
		    active ? (l->desc ? "\xe2\x96\xbc" : "\xe2\x96\xb2") : "");
		pl_json_set_str(s, "aria",
		    active ? (l->desc ? "descending" : "ascending") : "none");
		json_object_object_add(sorts, l->sorts[i], s);
	}
	json_object_object_add(meta, "sorts", sorts);
	json_object_object_add(o, "list", meta);
}

const char *
pl_list_href(struct pl_req *rq)
{
	struct pl_buf b;

	pl_buf_init(&b, rq->arena);
	pl_buf_puts(&b, rq->path);
	put_query(&b, rq, '?', Q_ALL);
	return pl_buf_cstr(&b);
}
