// sources: lib/http/tmpl.c lib/core/escape.c lib/core/arena.c lib/core/buf.c
// lib/core/log.c lib/core/err.c
/* fuzz-tmpl.c: libFuzzer harness for the template compiler and renderer.
 * The input is compiled with pl_tmpl_add() next to two fixed partials and,
 * if it loads, rendered against a fixed JSON object. */
/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "log.h"
#include "tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct json_object *fuzz_data;

static const char fuzz_json[] =
    "{\"a\":\"<x>&'\\\"\",\"n\":0,\"d\":1.5,\"t\":true,\"f\":false,"
    "\"z\":null,\"s\":\"\",\"o\":{\"a\":\"inner\",\"o\":{\"b\":[1,2]}},"
    "\"list\":[{\"a\":1},{\"b\":\"\\u2028\"},\"str\",null,[[]],{}],"
    "\"e\":[],\"page\":{\"title\":\"T\"},\"me\":{\"first_name\":\"A\"}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_tmpl_set *set;
	struct pl_arena    *a;
	struct pl_buf       b;
	char               *text;

	if (fuzz_data == NULL) {
		/* Load errors are expected on most inputs; keep them quiet. */
		pl_log_init("fuzz", (enum pl_log_level)(PL_LOG_ERROR + 1));
		fuzz_data = json_tokener_parse(fuzz_json);
		if (fuzz_data == NULL)
			abort();
	}
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	set = pl_tmpl_new();
	if (pl_tmpl_add(set, "p", "<{{a}}|{{#o}}{{a}}{{/o}}>") != PL_OK ||
	    pl_tmpl_add(set, "q", "{{#list}}{{>p}}{{/list}}") != PL_OK)
		abort();
	if (pl_tmpl_add(set, "f", text) == PL_OK) {
		a = pl_arena_new(0);
		pl_buf_init(&b, a);
		if (pl_tmpl_render(set, "f", fuzz_data, &b) != PL_OK)
			abort();
		pl_arena_free(a);
	} else if (pl_tmpl_has(set, "f")) {
		abort();
	}
	pl_tmpl_free(set);
	free(text);
	return 0;
}
