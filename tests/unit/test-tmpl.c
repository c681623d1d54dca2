/* test-tmpl.c: the template engine: every tag form, context lookup, falsy
 * rules, partials, each load error with its file:line, concurrent renders,
 * and the real templates/ directory rendered with hostile values. */
/* SPDX-License-Identifier: MIT */
#include <sys/stat.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "log.h"
#include "tmpl.h"
#include "t.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct pl_arena *arena;

/* Standard error is captured around calls that should log. */
static FILE *cap_file;
static int   cap_saved = -1;
static char  cap_text[8192];

static void
cap_begin(void)
{
	fflush(stderr);
	if ((cap_file = tmpfile()) == NULL) {
		perror("tmpfile");
		exit(2);
	}
	cap_saved = dup(STDERR_FILENO);
	dup2(fileno(cap_file), STDERR_FILENO);
}

static const char *
cap_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(cap_saved, STDERR_FILENO);
	close(cap_saved);
	rewind(cap_file);
	n = fread(cap_text, 1, sizeof(cap_text) - 1, cap_file);
	cap_text[n] = '\0';
	fclose(cap_file);
	return cap_text;
}

/* Render template name of set against JSON text; the output, or NULL. */
static const char *
render(const struct pl_tmpl_set *set, const char *name, const char *json)
{
	struct json_object *data = json_tokener_parse(json);
	struct pl_buf       b;
	enum pl_err         er;

	if (data == NULL) {
		fprintf(stderr, "bad test JSON: %s\n", json);
		exit(2);
	}
	pl_buf_init(&b, arena);
	er = pl_tmpl_render(set, name, data, &b);
	json_object_put(data);
	return er == PL_OK ? pl_buf_cstr(&b) : NULL;
}

struct rcase {
	const char *tmpl;
	const char *json;
	const char *want;
};

static const struct rcase render_cases[] = {
	/* Text and variables. */
	{ "", "{}", "" },
	{ "plain <b>html</b> }} { }", "{}", "plain <b>html</b> }} { }" },
	{ "Hi {{name}}!", "{\"name\":\"Ada\"}", "Hi Ada!" },
	{ "{{ name }}|{{\tname\n}}", "{\"name\":\"x\"}", "x|x" },
	{ "{{x}}", "{\"x\":\"<script>alert('1')</script>\"}",
	    "&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;" },
	{ "<input value=\"{{x}}\">",
	    "{\"x\":\"\\\"><script>alert(1)</script>\"}",
	    "<input "
	    "value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">" },
	{ "{{x}}", "{\"x\":\"a\\u0000b&\"}", "ab&amp;" },
	{ "{{x}}", "{\"x\":\"\\u2028\"}", "\xe2\x80\xa8" },
	{ "{{n}} {{m}} {{d}} {{e}} {{t}} {{f}}",
	    "{\"n\":42,\"m\":-7,\"d\":1.5,\"e\":0.1,\"t\":true,\"f\":false}",
	    "42 -7 1.5 0.1 true false" },
	{ "{{big}}", "{\"big\":18446744073709551615}", "18446744073709551615" },
	{ "[{{missing}}][{{nul}}][{{o}}][{{a}}]",
	    "{\"nul\":null,\"o\":{\"k\":1},\"a\":[1,2]}", "[][][][]" },
	{ "{{a.b.c}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}", "deep" },
	{ "[{{a.b.c}}][{{a.x.c}}][{{a.b.c.d}}]",
	    "{\"a\":{\"b\":{\"c\":\"v\"}}}", "[v][][]" },
	{ "[{{a.b}}]", "{\"a\":[{\"b\":1}]}", "[]" },
	{ "{{.}}", "\"top\"", "top" },
	{ "{{x}}", "[1,2]", "" },
	{ "{{! a comment }}a{{!\nmulti\nline }}b", "{}", "ab" },
	{ "{{!{{not a tag}}x", "{}", "x" },
	/* The url filter percent-encodes, and the result is HTML-safe. */
	{ "<a href=\"/s?q={{q|url}}\">", "{\"q\":\"a b&c=\\\"<x>'\"}",
	    "<a href=\"/s?q=a%20b%26c%3D%22%3Cx%3E%27\">" },
	{ "{{ q | url }}", "{\"q\":\"javascript:x\"}", "javascript%3Ax" },
	{ "{{n|url}}{{t|url}}{{m|url}}", "{\"n\":-3,\"t\":true}", "-3true" },
	{ "{{#l}}{{.|url}},{{/l}}", "{\"l\":[\"a/b\",\"c d\"]}",
	    "a%2Fb,c%20d," },
	/* Sections over lists. */
	{ "{{#l}}<{{.}}>{{/l}}", "{\"l\":[\"a\",\"<b>\",3]}",
	    "<a><&lt;b&gt;><3>" },
	{ "<ul>{{#nav}}<li><a href=\"{{href}}\"{{#active}} "
	  "aria-current=\"page\"{{/active}}>{{label}}</a></li>{{/nav}}</ul>",
	    "{\"nav\":[{\"href\":\"/\",\"label\":\"Home\",\"active\":true},"
	    "{\"href\":\"/p\",\"label\":\"P&Q\"}]}",
	    "<ul><li><a href=\"/\" aria-current=\"page\">Home</a></li>"
	    "<li><a href=\"/p\">P&amp;Q</a></li></ul>" },
	{ "{{#l}}x{{/l}}", "{\"l\":[]}", "" },
	{ "{{#l}}[{{.}}]{{/l}}", "{\"l\":[null,false,0]}", "[][false][0]" },
	/* Nested sections, and lookup falling back to outer contexts. */
	{ "{{#groups}}{{name}}:{{#items}}{{name}}@{{group}}/{{title}};{{/"
	  "items}}|{{/groups}}",
	    "{\"title\":\"T\",\"groups\":[{\"name\":\"g1\",\"group\":\"G1\","
	    "\"items\":[{\"name\":\"i1\"},{\"name\":\"i2\",\"group\":\"own\"}]}"
	    ","
	    "{\"name\":\"g2\",\"group\":\"G2\",\"items\":[]}]}",
	    "g1:i1@G1/T;i2@own/T;|g2:|" },
	{ "{{#a}}{{#b}}{{#c}}{{x}}{{y}}{{z}}{{/c}}{{/b}}{{/a}}",
	    "{\"x\":1,\"a\":{\"y\":2,\"b\":{\"z\":3,\"c\":[{\"x\":\"X\"},{}]}}"
	    "}",
	    "X23123" },
	/* A key present but null in an inner context hides the outer one. */
	{ "{{#o}}[{{v}}]{{/o}}", "{\"v\":\"outer\",\"o\":{\"v\":null}}", "[]" },
	/* Dotted names start from the innermost context that has the first
	 * segment. */
	{ "{{#o}}{{me.name}}{{/o}}", "{\"me\":{\"name\":\"Ada\"},\"o\":{}}",
	    "Ada" },
	{ "{{#o}}{{me.name}}{{/o}}",
	    "{\"me\":{\"name\":\"Ada\"},\"o\":{\"me\":{}}}", "" },
	{ "{{#a.b}}{{c}}{{/a.b}}", "{\"a\":{\"b\":{\"c\":\"in\"}}}", "in" },
	/* An object section pushes it; other truthy values push nothing. */
	{ "{{#o}}{{k}}{{/o}}", "{\"o\":{\"k\":\"v\"}}", "v" },
	{ "{{#o}}yes{{/o}}", "{\"o\":{}}", "yes" },
	/* {{.}} is then the whole object, which prints nothing. */
	{ "{{#s}}[{{.}}]{{/s}}", "{\"s\":\"str\"}", "[]" },
	{ "{{#n}}{{n}}{{/n}}", "{\"n\":5}", "5" },
	{ "{{#.}}{{k}}{{/.}}", "{\"k\":\"self\"}", "self" },
	/* Inverted sections. */
	{ "{{^l}}none{{/l}}", "{\"l\":[]}", "none" },
	{ "{{^l}}none{{/l}}", "{\"l\":[1]}", "" },
	{ "{{^u}}none{{/u}}", "{}", "none" },
	{ "{{#v}}yes{{/v}}{{^v}}no{{/v}}", "{\"v\":true}", "yes" },
	{ "{{#v}}yes{{/v}}{{^v}}no{{/v}}", "{\"v\":false}", "no" },
	{ "{{#x}}a{{/x}}{{#x}}b{{/x}}", "{\"x\":1}", "ab" },
	/* Line breaks inside tags and text keep their place. */
	{ "a\n{{#x}}\nb\n{{/x}}\nc", "{\"x\":1}", "a\n\nb\n\nc" },
};

/* Falsy per tmpl.h: missing, null, false, "", 0, empty array. */
static const struct {
	const char *json;
	int         truthy;
} truth_cases[] = {
	{ "{}", 0 },
	{ "{\"v\":null}", 0 },
	{ "{\"v\":false}", 0 },
	{ "{\"v\":\"\"}", 0 },
	{ "{\"v\":0}", 0 },
	{ "{\"v\":0.0}", 0 },
	{ "{\"v\":-0.0}", 0 },
	{ "{\"v\":[]}", 0 },
	{ "{\"v\":true}", 1 },
	{ "{\"v\":\"0\"}", 1 },
	{ "{\"v\":\" \"}", 1 },
	{ "{\"v\":1}", 1 },
	{ "{\"v\":-1}", 1 },
	{ "{\"v\":0.5}", 1 },
	{ "{\"v\":[0]}", 1 },
	{ "{\"v\":{}}", 1 },
	{ "{\"v\":\"false\"}", 1 },
};

static void
test_render(void)
{
	char label[96];

	for (size_t i = 0; i < NITEMS(render_cases); i++) {
		struct pl_tmpl_set *set = pl_tmpl_new();
		enum pl_err         er;

		snprintf(label, sizeof(label), "render case %zu: %.60s", i,
		    render_cases[i].tmpl);
		er = pl_tmpl_add(set, "t", render_cases[i].tmpl);
		T_INT(er, PL_OK, label);
		if (er == PL_OK)
			T_STR(render(set, "t", render_cases[i].json),
			    render_cases[i].want, label);
		pl_tmpl_free(set);
	}
}

static void
test_truth(void)
{
	struct pl_tmpl_set *set = pl_tmpl_new();

	T_INT(pl_tmpl_add(set, "t", "{{#v}}T{{/v}}{{^v}}F{{/v}}"), PL_OK,
	    "truth template");
	for (size_t i = 0; i < NITEMS(truth_cases); i++)
		T_STR(render(set, "t", truth_cases[i].json),
		    truth_cases[i].truthy ? "T" : "F", truth_cases[i].json);
	pl_tmpl_free(set);
}

static void
test_partials(void)
{
	struct pl_tmpl_set *set = pl_tmpl_new();
	char                name[16], text[64];
	const char         *log;

	T_INT(pl_tmpl_add(set, "item", "<li>{{label}}</li>"), PL_OK, "item");
	T_INT(pl_tmpl_add(set, "list",
	          "<ul>{{#items}}{{> item }}{{/items}}</ul>{{>item}}"),
	    PL_OK, "list");
	T_INT(pl_tmpl_has(set, "item"), 1, "has item");
	T_INT(pl_tmpl_has(set, "nope"), 0, "has nope");
	T_STR(render(set, "list",
	          "{\"label\":\"outer\",\"items\":[{\"label\":\"a\"},{}]}"),
	    "<ul><li>a</li><li>outer</li></ul><li>outer</li>",
	    "partial in list and in the current context");
	T_STR(render(set, "nope", "{}"), NULL, "render unknown template");

	/* A chain of 8 includes is allowed, 9 is not. */
	T_INT(pl_tmpl_add(set, "c0", "[{{x}}]"), PL_OK, "c0");
	for (int i = 1; i <= 8; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		snprintf(text, sizeof(text), "%d{{>c%d}}", i, i - 1);
		T_INT(pl_tmpl_add(set, name, text), PL_OK, name);
	}
	T_STR(render(set, "c8", "{\"x\":\"<\"}"), "87654321[&lt;]",
	    "8 nested partials");
	cap_begin();
	T_INT(pl_tmpl_add(set, "c9", "\n9{{>c8}}"), PL_EINVAL, "9 nested");
	log = cap_end();
	T_OK(strstr(log, "partials nest deeper than 8") != NULL, log);
	T_INT(pl_tmpl_has(set, "c9"), 0, "failed add leaves no template");

	/* Includes of itself are a cycle, seen at load. */
	cap_begin();
	T_INT(pl_tmpl_add(set, "self", "a\n{{#x}}{{>self}}{{/x}}"), PL_EINVAL,
	    "self include");
	log = cap_end();
	T_OK(strstr(log, "self:2: {{>self}} includes itself") != NULL, log);

	/* A name is added once. */
	cap_begin();
	T_INT(pl_tmpl_add(set, "item", "again"), PL_EINVAL, "duplicate");
	log = cap_end();
	T_OK(strstr(log, "item: template already loaded") != NULL, log);
	T_STR(render(set, "item", "{\"label\":\"L\"}"), "<li>L</li>",
	    "duplicate left the first");
	pl_tmpl_free(set);
	pl_tmpl_free(NULL);
}

/* Each load error, with the line it is reported on. */
static const struct {
	const char *tmpl;
	const char *want; /* in the log */
} err_cases[] = {
	{ "a\nb {{name", "bad:2: unclosed tag" },
	{ "a {{name}\n}", "bad:1: unclosed tag" },
	{ "{{a {{b}}", "bad:1: unclosed tag" },
	{ "\n\n{{! never closed", "bad:3: unclosed tag" },
	{ "{{{x}}}", "bad:1: {{{ is not allowed" },
	{ "x\n{{&x}}", "bad:2: {{& is not allowed" },
	{ "{{x|html}}", "bad:1: unknown filter \"html\"" },
	{ "{{x|}}", "bad:1: unknown filter \"\"" },
	{ "{{x|url|url}}", "bad:1: unknown filter \"url|url\"" },
	{ "{{#x|url}}{{/x}}", "bad:1: a filter is allowed only" },
	{ "{{#a}}\n{{/b}}", "bad:2: {{/b}} closes {{#a}} opened on line 1" },
	{ "{{^a}}{{#b}}\n{{/a}}{{/b}}",
	    "bad:2: {{/a}} closes {{#b}} opened on line 1" },
	{ "x\n{{/a}}", "bad:2: {{/a}} closes no section" },
	{ "one\n{{#a}}\n{{#b}}{{/b}}", "bad:2: {{#a}} is never closed" },
	{ "{{^a}}", "bad:1: {{^a}} is never closed" },
	{ "\n\n\n{{>nope}}", "bad:4: unknown partial {{>nope}}" },
	{ "{{>}}", "bad:1: partial without a name" },
	{ "{{>../etc/passwd}}", "bad:1: bad partial name" },
	{ "{{}}", "bad:1: empty tag" },
	{ "{{   }}", "bad:1: empty tag" },
	{ "{{a b}}", "bad:1: bad tag {{a b}}" },
	{ "{{a..b}}", "bad:1: bad tag" },
	{ "{{.a}}", "bad:1: bad tag" },
	{ "{{a.}}", "bad:1: bad tag" },
	{ "{{=<% %>=}}", "bad:1: bad tag" },
	{ "{{#}}{{/}}", "bad:1: bad tag" },
	{ "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
	  "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
	  "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
	  "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}",
	    "bad:1: sections nest deeper than 32" },
};

static void
test_errors(void)
{
	for (size_t i = 0; i < NITEMS(err_cases); i++) {
		struct pl_tmpl_set *set = pl_tmpl_new();
		const char         *log;
		enum pl_err         er;

		cap_begin();
		er = pl_tmpl_add(set, "bad", err_cases[i].tmpl);
		log = cap_end();
		T_INT(er, PL_EINVAL, err_cases[i].tmpl);
		T_OK(strstr(log, err_cases[i].want) != NULL, log);
		T_INT(pl_tmpl_has(set, "bad"), 0, err_cases[i].tmpl);
		pl_tmpl_free(set);
	}
}

static void
file_write(const char *dir, const char *name, const char *text)
{
	char  path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static void
dir_clean(const char *dir, const char *const *names, size_t n)
{
	char path[512];

	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
}

/* pl_tmpl_load: files, names, resolution after every file, file:line. */
static void
test_load(void)
{
	static const char *const names[] = { "a.html", "b.html", "c.html",
		"notes.txt", ".hidden.html", "x.html" };
	char                     dir[] = "/tmp/test-tmpl-XXXXXX";
	struct pl_tmpl_set      *set = NULL;
	const char              *log;
	char                     want[600];
	enum pl_err              er;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	/* a includes c, which sorts after it: resolution waits for all. */
	file_write(dir, "a.html", "A{{>c}}{{>b}}");
	file_write(dir, "b.html", "B{{v}}");
	file_write(dir, "c.html", "C{{#l}}{{>b}}{{/l}}");
	file_write(dir, "notes.txt", "{{{ not a template");
	file_write(dir, ".hidden.html", "{{{ skipped");
	er = pl_tmpl_load(dir, &set);
	T_INT(er, PL_OK, "load dir");
	if (er == PL_OK) {
		T_INT(pl_tmpl_has(set, "a"), 1, "a loaded");
		T_INT(pl_tmpl_has(set, "notes"), 0, "txt skipped");
		T_INT(pl_tmpl_has(set, ".hidden"), 0, "hidden skipped");
		T_STR(render(set, "a", "{\"v\":0,\"l\":[{\"v\":\"<\"},{}]}"),
		    "ACB&lt;B0B0", "loaded render");
		pl_tmpl_free(set);
		set = NULL;
	}

	file_write(dir, "x.html", "line 1\nline 2 {{>missing}}\n");
	cap_begin();
	er = pl_tmpl_load(dir, &set);
	log = cap_end();
	T_INT(er, PL_EINVAL, "load unknown partial");
	snprintf(want, sizeof(want),
	    "%s/x.html:2: unknown partial {{>missing}}", dir);
	T_OK(strstr(log, want) != NULL, log);

	file_write(dir, "x.html", "1\n2\n3 {{#open}}\n");
	cap_begin();
	er = pl_tmpl_load(dir, &set);
	log = cap_end();
	T_INT(er, PL_EINVAL, "load unclosed section");
	snprintf(
	    want, sizeof(want), "%s/x.html:3: {{#open}} is never closed", dir);
	T_OK(strstr(log, want) != NULL, log);

	/* A cycle across files. */
	file_write(dir, "x.html", "{{>a}}");
	file_write(dir, "b.html", "\n{{>x}}");
	cap_begin();
	er = pl_tmpl_load(dir, &set);
	log = cap_end();
	T_INT(er, PL_EINVAL, "load cycle");
	T_OK(strstr(log, "includes itself") != NULL, log);

	dir_clean(dir, names, NITEMS(names));
	rmdir(dir);
	cap_begin();
	er = pl_tmpl_load(dir, &set);
	log = cap_end();
	T_INT(er, PL_EINTERNAL, "load missing dir");
	T_OK(strstr(log, "opendir") != NULL, log);
}

/* Renders of one set on several threads at once. */
struct job {
	const struct pl_tmpl_set *set;
	struct json_object       *data;
	int                       bad;
};

#define CONC_WANT "<h1>T &amp; T</h1><li>1 a</li><li>2 &lt;b&gt;</li><i>x</i>"

static void *
job_run(void *arg)
{
	struct job      *j = arg;
	struct pl_arena *a = pl_arena_new(0);
	struct pl_buf    b;

	for (int i = 0; i < 300; i++) {
		pl_arena_reset(a);
		pl_buf_init(&b, a);
		pl_tmpl_render(j->set, "page", j->data, &b);
		if (strcmp(pl_buf_cstr(&b), CONC_WANT) != 0)
			j->bad++;
	}
	pl_arena_free(a);
	return NULL;
}

static void
test_threads(void)
{
	struct pl_tmpl_set *set = pl_tmpl_new();
	struct json_object *data;
	pthread_t           th[4];
	struct job          jobs[4];
	int                 bad = 0;

	T_INT(pl_tmpl_add(set, "row", "<li>{{n}} {{name}}</li>"), PL_OK, "row");
	T_INT(pl_tmpl_add(set, "page",
	          "<h1>{{title}}</h1>{{#rows}}{{>row}}{{/rows}}"
	          "{{^none}}<i>x</i>{{/none}}"),
	    PL_OK, "page");
	data = json_tokener_parse(
	    "{\"title\":\"T & T\",\"rows\":"
	    "[{\"n\":1,\"name\":\"a\"},{\"n\":2,"
	    "\"name\":\"<b>\"}]}");
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ set, data, 0 };
		pthread_create(&th[i], NULL, job_run, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		bad += jobs[i].bad;
	}
	T_INT(bad, 0, "concurrent renders");
	json_object_put(data);
	pl_tmpl_free(set);
}

/*
 * The real templates: every page renders, with hostile text everywhere a
 * user can put it, and that text comes out only escaped.
 */
#define HOSTILE     "\\\"><script>alert(1)</script>"
#define HOSTILE_ESC "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"

static const char *const page_ctx_me =
    "\"me\":{\"id\":1,\"first_name\":\"" HOSTILE
    "\",\"last_name\":\"L\","
    "\"email\":\"a@b.c\",\"role\":\"admin\",\"role_label\":\"Admin\"},"
    "\"nav\":[{\"href\":\"/\",\"label\":\"Dashboard\",\"active\":true},"
    "{\"href\":\"/profile\",\"label\":\"" HOSTILE
    "\"}],"
    "\"emulating\":{\"real_name\":\"Super\",\"as_name\":\"" HOSTILE "\"},";

static const struct {
	const char *page;
	int         me;   /* signed in */
	const char *data; /* the "data" member */
	const char *must; /* text the page must hold */
} page_cases[] = {
	{ "login", 0, "{}", "Sign in" },
	{ "signup", 0, "{}", "Create account" },
	{ "forgot", 0, "{}", "Send reset link" },
	{ "forgot", 0, "{\"sent\":true}", "valid for one hour" },
	{ "reset", 0, "{}", "Set new password" },
	{ "reset", 0, "{\"invalid\":true}", "invalid or has expired" },
	{ "dashboard", 1,
	    "{\"cards\":[{\"href\":\"/profile\",\"title\":\"" HOSTILE
	    "\",\"text\":\"" HOSTILE "\"}]}",
	    "Welcome" },
	{ "profile", 1, "{\"email\":\"" HOSTILE "\"}", "Change password" },
	{ "error", 1, "{\"status\":404,\"message\":\"" HOSTILE "\"}", "404" },
	{ "error", 0, "{\"status\":500,\"message\":\"" HOSTILE "\"}", "500" },
};

static int
count(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

static void
test_templates(void)
{
	struct pl_tmpl_set *set = NULL;
	const char         *dir = getenv("PL_TEMPLATES");
	struct stat         st;
	struct pl_buf       json;
	char                label[96];

	if (dir == NULL)
		dir = "templates";
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		printf(
		    "note: no templates directory \"%s\"; real templates "
		    "not tested\n",
		    dir);
		return;
	}
	if (pl_tmpl_load(dir, &set) != PL_OK) {
		T_OK(0, "templates directory loads");
		return;
	}
	for (size_t i = 0; i < NITEMS(page_cases); i++) {
		const char *out;

		pl_buf_init(&json, arena);
		pl_buf_printf(&json,
		    "{\"page\":{\"title\":\"" HOSTILE
		    "\"},"
		    "\"csrf\":\"tok" HOSTILE
		    "\",%s"
		    "\"flash\":\"" HOSTILE
		    "\","
		    "\"form\":{\"values\":{\"email\":\"" HOSTILE
		    "\","
		    "\"first_name\":\"" HOSTILE "\",\"last_name\":\"" HOSTILE
		    "\",\"phone\":\"" HOSTILE "\",\"next\":\"" HOSTILE
		    "\","
		    "\"token\":\"" HOSTILE
		    "\",\"password\":\"SECRET\"},"
		    "\"errors\":{\"email\":\"" HOSTILE
		    "\",\"password\":\"" HOSTILE
		    "\"},"
		    "\"error\":\"" HOSTILE
		    "\"},"
		    "\"data\":%s}",
		    page_cases[i].me ? page_ctx_me : "", page_cases[i].data);
		snprintf(label, sizeof(label), "page %s (%zu)",
		    page_cases[i].page, i);
		out = render(set, page_cases[i].page, pl_buf_cstr(&json));
		T_OK(out != NULL, label);
		if (out == NULL)
			continue;
		T_OK(strstr(out, "<script>alert") == NULL, label);
		T_OK(strstr(out, "\"><") == NULL || count(out, HOSTILE_ESC) > 0,
		    label);
		T_OK(count(out, HOSTILE_ESC) > 0, label);
		T_OK(strstr(out, "SECRET") == NULL, label);
		T_OK(strstr(out, page_cases[i].must) != NULL, label);
		T_OK(strstr(out, "href=\"/static/parley.css\"") != NULL, label);
		T_OK(strstr(out, "<main id=\"main\"") != NULL, label);
		T_OK(strstr(out, "<!doctype html>") == out, label);
		T_INT(count(out, "<form"), count(out, "name=\"csrf\""), label);
		T_OK(strstr(out, "</html>") != NULL, label);
		/* Each field error is tied to its input. */
		if (strstr(out, "id=\"email-error\"") != NULL)
			T_OK(strstr(out, "aria-describedby=\"email-error\"") !=
			         NULL,
			    label);
	}
	pl_tmpl_free(set);
}

int
main(void)
{
	arena = pl_arena_new(0);
	test_render();
	test_truth();
	test_partials();
	test_errors();
	test_load();
	test_threads();
	test_templates();
	pl_arena_free(arena);
	return t_done();
}
