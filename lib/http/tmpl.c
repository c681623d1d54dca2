/* tmpl.c: HTML templates, a logic-less Mustache subset over json-c data.
 *
 * Each file is compiled once, at load, into a flat array of nodes (text,
 * variable, section, inverted section, partial). A section node records the
 * index just past its body, so rendering walks the array and recurses only
 * into section bodies and partials, and both are bounded at load: sections
 * nest at most TMPL_MAX_NEST deep in one file, partials at most
 * TMPL_MAX_PARTIAL deep. Partial names are resolved to pointers once every
 * file is compiled, so rendering looks nothing up but data. After load a set
 * never changes, and renders on many threads may share it.
 */
/* SPDX-License-Identifier: MIT */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "escape.h"
#include "log.h"
#include "tmpl.h"

#define TMPL_MAX_PARTIAL 8  /* includes nest at most this deep (tmpl.h) */
#define TMPL_MAX_NEST    32 /* sections nest at most this deep in a file */
#define TMPL_MAX_FILE    (1024 * 1024) /* bytes in one template file */
#define TMPL_MAX_FILES   1024          /* files in a template directory */

#define DEPTH_UNKNOWN (-1)
#define DEPTH_BUSY    (-2)

enum node_kind {
	NODE_TEXT,
	NODE_VAR,
	NODE_VAR_URL,
	NODE_SECTION,
	NODE_INVERTED,
	NODE_PARTIAL
};

struct tmpl;

struct node {
	enum node_kind     kind;
	int                line;
	const char        *s;   /* text, or a tag's name as written */
	size_t             n;   /* bytes of s */
	const char *const *seg; /* name segments; none for "." */
	size_t             nseg;
	size_t             end;     /* sections: index just past the body */
	struct tmpl       *partial; /* partials: resolved after load */
};

struct tmpl {
	const char  *name;
	const char  *file;  /* for messages: the path, or the added name */
	struct node *nodes; /* owned by the set's arena */
	size_t       nnodes;
	size_t       cap;
	int          depth; /* partial nesting below it, or DEPTH_* */
};

struct pl_tmpl_set {
	struct pl_arena *arena; /* everything in the set lives here */
	struct tmpl    **t;
	size_t           n;
	size_t           cap;
};

/* One entry of the context stack; entries live in render frames. */
struct ctx {
	struct json_object *v;
	const struct ctx   *up;
};

static void tmpl_err(const struct tmpl *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
tmpl_err(const struct tmpl *t, int line, const char *fmt, ...)
{
	va_list ap;
	char    msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pl_error("%s:%d: %s", t->file, line, msg);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_name(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

static int
count_lines(const char *s, size_t n)
{
	int lines = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			lines++;
	return lines;
}

static struct node *
node_add(struct pl_arena *a, struct tmpl *t, enum node_kind kind, int line)
{
	struct node *nd;

	if (t->nnodes == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 32;

		if (ncap > SIZE_MAX / sizeof(*nd))
			pl_die("tmpl: %zu nodes", ncap);
		t->nodes = pl_arena_realloc(
		    a, t->nodes, t->cap * sizeof(*nd), ncap * sizeof(*nd));
		t->cap = ncap;
	}
	nd = &t->nodes[t->nnodes++];
	nd->kind = kind;
	nd->line = line;
	return nd;
}

/*
 * Split name s[0..n) into segments: "." has none, else one or more runs of
 * [A-Za-z0-9_-] joined by single dots. 0, or -1 if the name is malformed.
 */
static int
path_parse(struct pl_arena *a, struct node *nd, const char *s, size_t n)
{
	const char **seg;
	size_t       i, k, start, nseg = 1;

	nd->s = pl_arena_strndup(a, s, n);
	nd->n = n;
	nd->seg = NULL;
	nd->nseg = 0;
	if (n == 1 && s[0] == '.')
		return 0;
	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == '.')
			nseg++;
		else if (!is_name(s[i]))
			return -1;
	}
	seg = pl_arena_array(a, nseg, sizeof(*seg));
	for (i = start = k = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (i == start)
			return -1;
		seg[k++] = pl_arena_strndup(a, s + start, i - start);
		start = i + 1;
	}
	nd->seg = seg;
	nd->nseg = nseg;
	return 0;
}

/*
 * Compile the tag between "{{" and "}}", s[0..n), found on line. Sections
 * are pushed on open[] and popped by their close. PL_OK or PL_EINVAL, logged.
 */
static enum pl_err
tag_compile(struct pl_arena *a, struct tmpl *t, const char *s, size_t n,
    int line, size_t *open, size_t *nopen)
{
	struct node   *nd;
	const char    *name, *filter = NULL, *bar;
	size_t         nname, nfilter = 0;
	enum node_kind kind = NODE_VAR;
	char           sigil;

	trim(&s, &n);
	if (n == 0) {
		tmpl_err(t, line, "empty tag {{}}");
		return PL_EINVAL;
	}
	sigil = s[0];
	if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>') {
		s++;
		n--;
		trim(&s, &n);
	}
	name = s;
	nname = n;
	if ((bar = memchr(s, '|', n)) != NULL) {
		if (sigil == '#' || sigil == '^' || sigil == '/' ||
		    sigil == '>') {
			tmpl_err(t, line,
			    "a filter is allowed only in {{name|url}}");
			return PL_EINVAL;
		}
		nname = (size_t)(bar - s);
		filter = bar + 1;
		nfilter = n - nname - 1;
		trim(&name, &nname);
		trim(&filter, &nfilter);
		if (nfilter != 3 || memcmp(filter, "url", 3) != 0) {
			tmpl_err(t, line, "unknown filter \"%.*s\"",
			    (int)nfilter, filter);
			return PL_EINVAL;
		}
		kind = NODE_VAR_URL;
	}

	switch (sigil) {
	case '/': {
		const struct node *op;

		if (*nopen == 0) {
			tmpl_err(t, line, "{{/%.*s}} closes no section",
			    (int)nname, name);
			return PL_EINVAL;
		}
		op = &t->nodes[open[*nopen - 1]];
		if (op->n != nname || memcmp(op->s, name, nname) != 0) {
			tmpl_err(t, line,
			    "{{/%.*s}} closes {{%c%s}} opened on line %d",
			    (int)nname, name,
			    op->kind == NODE_SECTION ? '#' : '^', op->s,
			    op->line);
			return PL_EINVAL;
		}
		t->nodes[open[--*nopen]].end = t->nnodes;
		return PL_OK;
	}
	case '>':
		if (nname == 0) {
			tmpl_err(t, line, "partial without a name");
			return PL_EINVAL;
		}
		for (size_t i = 0; i < nname; i++) {
			if (!is_name(name[i])) {
				tmpl_err(t, line, "bad partial name \"%.*s\"",
				    (int)nname, name);
				return PL_EINVAL;
			}
		}
		nd = node_add(a, t, NODE_PARTIAL, line);
		nd->s = pl_arena_strndup(a, name, nname);
		nd->n = nname;
		return PL_OK;
	case '#':
	case '^':
		if (*nopen == TMPL_MAX_NEST) {
			tmpl_err(t, line, "sections nest deeper than %d",
			    TMPL_MAX_NEST);
			return PL_EINVAL;
		}
		kind = sigil == '#' ? NODE_SECTION : NODE_INVERTED;
		break;
	default:
		break;
	}
	nd = node_add(a, t, kind, line);
	if (path_parse(a, nd, name, nname) != 0) {
		tmpl_err(t, line, "bad tag {{%.*s}}", (int)n, s);
		return PL_EINVAL;
	}
	if (kind == NODE_SECTION || kind == NODE_INVERTED)
		open[(*nopen)++] = t->nnodes - 1;
	return PL_OK;
}

/*
 * Compile text into a new template called name (file names it in messages),
 * allocated from a. PL_OK and *out, or PL_EINVAL with the error logged.
 * Partials stay unresolved.
 */
static enum pl_err
tmpl_compile(struct pl_arena *a, const char *name, const char *file,
    const char *text, struct tmpl **out)
{
	struct tmpl *t;
	struct node *nd;
	const char  *p = text, *q, *r, *e;
	size_t       open[TMPL_MAX_NEST], nopen = 0;
	int          line = 1, tagline;
	enum pl_err  er;

	t = pl_arena_alloc(a, sizeof(*t));
	t->name = pl_arena_strdup(a, name);
	t->file = pl_arena_strdup(a, file);
	t->depth = DEPTH_UNKNOWN;
	while (*p != '\0') {
		if ((q = strstr(p, "{{")) == NULL)
			q = p + strlen(p);
		if (q > p) {
			nd = node_add(a, t, NODE_TEXT, line);
			nd->s = p;
			nd->n = (size_t)(q - p);
			line += count_lines(p, nd->n);
		}
		if (*q == '\0')
			break;
		tagline = line;
		r = q + 2;
		if (*r == '{' || *r == '&') {
			tmpl_err(t, tagline,
			    "{{%c is not allowed: every value is escaped", *r);
			return PL_EINVAL;
		}
		e = strstr(r, "}}");
		if (e == NULL || (*r != '!' && memmem(r, (size_t)(e - r), "{{",
		                                   2) != NULL)) {
			tmpl_err(t, tagline, "unclosed tag");
			return PL_EINVAL;
		}
		line += count_lines(r, (size_t)(e - r));
		p = e + 2;
		if (*r == '!')
			continue;
		er = tag_compile(
		    a, t, r, (size_t)(e - r), tagline, open, &nopen);
		if (er != PL_OK)
			return er;
	}
	if (nopen > 0) {
		nd = &t->nodes[open[nopen - 1]];
		tmpl_err(t, nd->line, "{{%c%s}} is never closed",
		    nd->kind == NODE_SECTION ? '#' : '^', nd->s);
		return PL_EINVAL;
	}
	/* Text nodes point into the source; copy it into the arena once. */
	if (t->nnodes > 0) {
		const char *copy = pl_arena_strdup(a, text);

		for (size_t i = 0; i < t->nnodes; i++)
			if (t->nodes[i].kind == NODE_TEXT)
				t->nodes[i].s = copy + (t->nodes[i].s - text);
	}
	*out = t;
	return PL_OK;
}

static struct tmpl *
set_find(const struct pl_tmpl_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->t[i]->name, name) == 0)
			return set->t[i];
	return NULL;
}

static void
set_push(struct pl_tmpl_set *set, struct tmpl *t)
{
	if (set->n == set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 16;

		set->t = pl_arena_realloc(set->arena, set->t,
		    set->cap * sizeof(*set->t), ncap * sizeof(*set->t));
		set->cap = ncap;
	}
	set->t[set->n++] = t;
}

/* Point each partial of t at its template. PL_OK or PL_EINVAL, logged. */
static enum pl_err
tmpl_resolve(const struct pl_tmpl_set *set, struct tmpl *t)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		struct node *nd = &t->nodes[i];

		if (nd->kind != NODE_PARTIAL)
			continue;
		if ((nd->partial = set_find(set, nd->s)) == NULL) {
			tmpl_err(t, nd->line, "unknown partial {{>%s}}", nd->s);
			return PL_EINVAL;
		}
	}
	return PL_OK;
}

/*
 * Work out how deep partials nest below t, which is reached through level
 * includes. A cycle, or nesting past TMPL_MAX_PARTIAL, is PL_EINVAL, logged
 * at the include that goes too deep; the recursion stops there, so it is
 * bounded by TMPL_MAX_PARTIAL whatever the set holds.
 */
static enum pl_err
tmpl_check(struct tmpl *t, int level)
{
	enum pl_err er = PL_OK;
	int         depth = 0;

	if (t->depth >= 0)
		return PL_OK;
	t->depth = DEPTH_BUSY;
	for (size_t i = 0; i < t->nnodes; i++) {
		struct node *nd = &t->nodes[i];
		struct tmpl *p;

		if (nd->kind != NODE_PARTIAL)
			continue;
		p = nd->partial;
		if (p->depth == DEPTH_BUSY) {
			tmpl_err(t, nd->line, "{{>%s}} includes itself", nd->s);
			er = PL_EINVAL;
			goto out;
		}
		if (level + 1 > TMPL_MAX_PARTIAL) {
			tmpl_err(t, nd->line,
			    "{{>%s}}: partials nest deeper than %d", nd->s,
			    TMPL_MAX_PARTIAL);
			er = PL_EINVAL;
			goto out;
		}
		if ((er = tmpl_check(p, level + 1)) != PL_OK)
			goto out;
		if (p->depth + 1 > TMPL_MAX_PARTIAL) {
			tmpl_err(t, nd->line,
			    "{{>%s}}: partials nest deeper than %d", nd->s,
			    TMPL_MAX_PARTIAL);
			er = PL_EINVAL;
			goto out;
		}
		if (p->depth + 1 > depth)
			depth = p->depth + 1;
	}
out:
	t->depth = er == PL_OK ? depth : DEPTH_UNKNOWN;
	return er;
}

/* An empty set; free it with pl_tmpl_free(). Never NULL. */
struct pl_tmpl_set *
pl_tmpl_new(void)
{
	struct pl_tmpl_set *set;

	if ((set = calloc(1, sizeof(*set))) == NULL)
		pl_die("tmpl: out of memory");
	set->arena = pl_arena_new(64 * 1024);
	return set;
}

/* Free a set and every template in it; NULL does nothing. */
void
pl_tmpl_free(struct pl_tmpl_set *set)
{
	if (set == NULL)
		return;
	pl_arena_free(set->arena);
	free(set);
}

/* 1 if the set holds a template called name, else 0. */
int
pl_tmpl_has(const struct pl_tmpl_set *set, const char *name)
{
	return set_find(set, name) != NULL;
}

/*
 * Compile text as template name and add it to set. Its partials must name
 * templates already in the set (or itself, which is then a cycle): add
 * partials first. PL_OK, or PL_EINVAL with the error logged as name:line, in
 * which case the set is as it was (a duplicate name is PL_EINVAL too).
 */
enum pl_err
pl_tmpl_add(struct pl_tmpl_set *set, const char *name, const char *text)
{
	struct tmpl *t;
	enum pl_err  er;

	if (set_find(set, name) != NULL) {
		pl_error("%s: template already loaded", name);
		return PL_EINVAL;
	}
	if ((er = tmpl_compile(set->arena, name, name, text, &t)) != PL_OK)
		return er;
	set_push(set, t);
	if ((er = tmpl_resolve(set, t)) != PL_OK ||
	    (er = tmpl_check(t, 0)) != PL_OK)
		set->n--;
	return er;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Read the file at path into the arena as a NUL-terminated string. PL_OK,
 * PL_EINVAL (too big, holds a NUL, not a regular file), or PL_EINTERNAL for
 * I/O; logged.
 */
static enum pl_err
file_read(struct pl_arena *a, const char *path, char **out)
{
	struct stat st;
	char       *p;
	size_t      got = 0;
	ssize_t     r;
	int         fd;
	enum pl_err er = PL_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		pl_error("%s: open: %s", path, strerror(errno));
		return PL_EINTERNAL;
	}
	if (fstat(fd, &st) == -1) {
		pl_error("%s: fstat: %s", path, strerror(errno));
		er = PL_EINTERNAL;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > TMPL_MAX_FILE) {
		pl_error("%s:0: not a regular file of at most %d bytes", path,
		    TMPL_MAX_FILE);
		er = PL_EINVAL;
		goto out;
	}
	p = pl_arena_alloc(a, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		r = read(fd, p + got, (size_t)st.st_size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			pl_error("%s: read: %s", path,
			    r == 0 ? "file shrank" : strerror(errno));
			er = PL_EINTERNAL;
			goto out;
		}
		got += (size_t)r;
	}
	p[got] = '\0';
	if (strlen(p) != got) {
		pl_error("%s:%d: NUL byte in template", path,
		    1 + count_lines(p, strlen(p)));
		er = PL_EINVAL;
		goto out;
	}
	*out = p;
out:
	close(fd);
	return er;
}

/*
 * Load and compile every "*.html" file in dir (see tmpl.h). Files are read
 * in name order, so the first error reported does not depend on readdir().
 * PL_OK and *out (free with pl_tmpl_free()), PL_EINVAL with the first error
 * logged as file:line, or PL_EINTERNAL for I/O.
 */
enum pl_err
pl_tmpl_load(const char *dir, struct pl_tmpl_set **out)
{
	struct pl_tmpl_set *set;
	struct dirent      *de;
	DIR                *d;
	const char        **names = NULL;
	size_t              nnames = 0, cap = 0, i;
	enum pl_err         er = PL_OK;

	set = pl_tmpl_new();
	if ((d = opendir(dir)) == NULL) {
		pl_error("%s: opendir: %s", dir, strerror(errno));
		er = PL_EINTERNAL;
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n <= 5 ||
		    strcmp(de->d_name + n - 5, ".html") != 0)
			continue;
		if (nnames == TMPL_MAX_FILES) {
			pl_error(
			    "%s: more than %d templates", dir, TMPL_MAX_FILES);
			er = PL_EINVAL;
			break;
		}
		if (nnames == cap) {
			size_t ncap = cap ? cap * 2 : 32;

			names = pl_arena_realloc(set->arena, names,
			    cap * sizeof(*names), ncap * sizeof(*names));
			cap = ncap;
		}
		names[nnames++] = pl_arena_strdup(set->arena, de->d_name);
	}
	closedir(d);
	if (er != PL_OK)
		goto out;
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), name_cmp);

	for (i = 0; i < nnames; i++) {
		const char  *path, *name;
		char        *text;
		struct tmpl *t;

		path = pl_arena_printf(set->arena, "%s/%s", dir, names[i]);
		name = pl_arena_strndup(
		    set->arena, names[i], strlen(names[i]) - 5);
		if ((er = file_read(set->arena, path, &text)) != PL_OK)
			goto out;
		er = tmpl_compile(set->arena, name, path, text, &t);
		if (er != PL_OK)
			goto out;
		set_push(set, t);
	}
	for (i = 0; i < set->n; i++)
		if ((er = tmpl_resolve(set, set->t[i])) != PL_OK)
			goto out;
	for (i = 0; i < set->n; i++)
		if ((er = tmpl_check(set->t[i], 0)) != PL_OK)
			goto out;
out:
	if (er != PL_OK) {
		pl_tmpl_free(set);
		return er;
	}
	*out = set;
	return PL_OK;
}

/*
 * The value nd names in context c: "." is the innermost value; otherwise the
 * first segment is looked up in each context from the innermost out, and the
 * rest in objects. NULL for null or missing.
 */
static struct json_object *
ctx_lookup(const struct ctx *c, const struct node *nd)
{
	struct json_object *v = NULL;

	if (nd->nseg == 0)
		return c->v;
	for (; c != NULL; c = c->up)
		if (json_object_is_type(c->v, json_type_object) &&
		    json_object_object_get_ex(c->v, nd->seg[0], &v))
			break;
	if (c == NULL)
		return NULL;
	for (size_t i = 1; i < nd->nseg; i++)
		if (!json_object_is_type(v, json_type_object) ||
		    !json_object_object_get_ex(v, nd->seg[i], &v))
			return NULL;
	return v;
}

static int
value_truthy(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_boolean:
		return json_object_get_boolean(v);
	case json_type_int:
		return json_object_get_int64(v) != 0;
	case json_type_double:
		return json_object_get_double(v) < 0 ||
		       json_object_get_double(v) > 0;
	case json_type_string:
		return json_object_get_string_len(v) > 0;
	case json_type_array:
		return json_object_array_length(v) > 0;
	case json_type_object:
		return 1;
	case json_type_null:
	default:
		return 0;
	}
}

/* The shortest %g form of d that reads back as d. */
static void
double_fmt(char *s, size_t n, double d)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(s, n, "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			return;
	}
}

/*
 * Write v escaped for HTML text, or percent-encoded when url is set. The
 * percent-encoded form holds only [A-Za-z0-9-._~%], which HTML escaping
 * leaves as it is, so it is written once, already safe in an attribute.
 * Only strings are read through json_object_get_string(): for other types it
 * would serialise into the object, and the data may be shared.
 */
static void
value_write(struct pl_buf *out, struct json_object *v, int url)
{
	char        num[64];
	const char *s = num;
	size_t      n;

	switch (json_object_get_type(v)) {
	case json_type_string:
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		break;
	case json_type_int:
		if (json_object_get_int64(v) == INT64_MAX)
			snprintf(num, sizeof(num), "%" PRIu64,
			    json_object_get_uint64(v));
		else
			snprintf(num, sizeof(num), "%" PRId64,
			    json_object_get_int64(v));
		n = strlen(num);
		break;
	case json_type_double:
		double_fmt(num, sizeof(num), json_object_get_double(v));
		n = strlen(num);
		break;
	case json_type_boolean:
		s = json_object_get_boolean(v) ? "true" : "false";
		n = strlen(s);
		break;
	case json_type_null:
	case json_type_object:
	case json_type_array:
	default:
		return;
	}
	if (url)
		pl_url_arg(out, s, n);
	else
		pl_html_text(out, s, n);
}

static void tmpl_run(const struct tmpl *, size_t, size_t, const struct ctx *,
    int, struct pl_buf *);

static void
section_run(const struct tmpl *t, size_t i, const struct ctx *c, int depth,
    struct pl_buf *out)
{
	const struct node  *nd = &t->nodes[i];
	struct json_object *v = ctx_lookup(c, nd);
	struct ctx          in = { v, c };

	if (!value_truthy(v))
		return;
	if (json_object_is_type(v, json_type_array)) {
		size_t len = json_object_array_length(v);

		for (size_t k = 0; k < len; k++) {
			in.v = json_object_array_get_idx(v, k);
			tmpl_run(t, i + 1, nd->end, &in, depth, out);
		}
	} else if (json_object_is_type(v, json_type_object)) {
		tmpl_run(t, i + 1, nd->end, &in, depth, out);
	} else {
		tmpl_run(t, i + 1, nd->end, c, depth, out);
	}
}

/* Render nodes [from, to) of t in context c, inside depth includes. */
static void
tmpl_run(const struct tmpl *t, size_t from, size_t to, const struct ctx *c,
    int depth, struct pl_buf *out)
{
	size_t i = from;

	while (i < to) {
		const struct node *nd = &t->nodes[i];

		switch (nd->kind) {
		case NODE_TEXT:
			pl_buf_add(out, nd->s, nd->n);
			i++;
			break;
		case NODE_VAR:
		case NODE_VAR_URL:
			value_write(
			    out, ctx_lookup(c, nd), nd->kind == NODE_VAR_URL);
			i++;
			break;
		case NODE_SECTION:
			section_run(t, i, c, depth, out);
			i = nd->end;
			break;
		case NODE_INVERTED:
			if (!value_truthy(ctx_lookup(c, nd)))
				tmpl_run(t, i + 1, nd->end, c, depth, out);
			i = nd->end;
			break;
		case NODE_PARTIAL:
			/* Load refuses deeper nesting; this is a backstop. */
			if (depth >= TMPL_MAX_PARTIAL)
				tmpl_err(t, nd->line,
				    "{{>%s}}: partials nest deeper than %d",
				    nd->s, TMPL_MAX_PARTIAL);
			else
				tmpl_run(nd->partial, 0, nd->partial->nnodes, c,
				    depth + 1, out);
			i++;
			break;
		}
	}
}

/*
 * Render template name with data as the outermost context, appending to out
 * (whose arena is the only memory used). PL_OK, or PL_ENOTFOUND if the set
 * has no such template. Reads the set and data only.
 */
enum pl_err
pl_tmpl_render(const struct pl_tmpl_set *set, const char *name,
    struct json_object *data, struct pl_buf *out)
{
	const struct tmpl *t;
	struct ctx         top = { data, NULL };

	if ((t = set_find(set, name)) == NULL)
		return PL_ENOTFOUND;
	tmpl_run(t, 0, t->nnodes, &top, 0, out);
	return PL_OK;
}
