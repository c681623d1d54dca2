/* tmpl.h: HTML templates, a logic-less Mustache subset over json-c data,
 * where every value is escaped for its context and no raw form exists.
 *
 * Syntax (whitespace inside the braces is ignored):
 *   {{name}}  {{a.b.c}}  the value, HTML-escaped (pl_html_text); strings as
 *             they are, integers and doubles printed, true/false as words,
 *             null or missing as nothing. The first segment is looked up in
 *             the context stack, innermost first; later segments in objects.
 *   {{.}}     the current context value itself (inside a list).
 *   {{name|url}}  percent-encoded for a URL argument (pl_url_arg), then
 *             HTML-escaped (so it is also safe in an href attribute).
 *   {{#name}}...{{/name}}  a section: an array renders the inside once per
 *             element with the element pushed on the context stack; an object
 *             renders once with it pushed; any other truthy value (true,
 *             non-empty string, non-zero number) renders once with nothing
 *             pushed; falsy (missing, null, false, "", 0, empty array)
 *             renders nothing. An empty object is truthy.
 *   {{^name}}...{{/name}}  renders the inside only when name is falsy.
 *   {{>name}}  includes template "name" (file name.html) in the current
 *             context; includes nest at most 8 deep (deeper is a load error
 *             if it can be seen at load, else renders nothing and logs).
 *   {{! any comment }}  nothing.
 * Anything else between {{ and }} (an unknown filter, "{{{", "{{&", an
 * unclosed tag, a section closed by another name or never closed, an
 * unknown partial) is a load error naming file:line.
 */
/* SPDX-License-Identifier: MIT */
#ifndef PL_TMPL_H
#define PL_TMPL_H

#include "err.h"

struct json_object;
struct pl_buf;
struct pl_tmpl_set;

/*
 * Load and compile every "*.html" file in dir (not recursive); the template
 * name is the file name without ".html". PL_OK and *out, or PL_EINVAL with
 * the first error logged (file:line: what), or PL_EINTERNAL for I/O. Loaded
 * once at start-up; a set is read-only afterwards and safe to share across
 * threads.
 */
enum pl_err pl_tmpl_load(const char *dir, struct pl_tmpl_set **out);
/* Compile one template from memory (tests): name and text. */
enum pl_err pl_tmpl_add(
    struct pl_tmpl_set *set, const char *name, const char *text);
/* An empty set for pl_tmpl_add(). */
struct pl_tmpl_set *pl_tmpl_new(void);
void                pl_tmpl_free(struct pl_tmpl_set *set);
/* 1 if the set holds a template of that name. */
int pl_tmpl_has(const struct pl_tmpl_set *set, const char *name);
/*
 * Render template name with data as the outermost context, appending to out.
 * PL_OK, or PL_ENOTFOUND if no such template.
 */
enum pl_err pl_tmpl_render(const struct pl_tmpl_set *set, const char *name,
    struct json_object *data, struct pl_buf *out);

#endif
