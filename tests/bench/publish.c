/* publish.c: the bench's publisher, another process than the pollers'.
 *
 *   publish --ids FILE --rate R --seconds S     R events/s for S seconds,
 *                                               each to a random "user-<id>"
 *   publish --stream KEY                        one event to KEY
 *
 * Every event is "BENCH" with data {"t": CLOCK_REALTIME nanoseconds taken
 * just before its transaction starts}, so a client can measure
 * publish-to-delivery latency. The rate is held open-loop (event k is due at
 * start + k/R; a late one goes at once, never skipped). Prints
 * "published K in S s (R/s), publish p50=MS p99=MS max=MS".
 */
/* SPDX-License-Identifier: MIT */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "parley.h"

static int64_t
now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
usage(void)
{
	fprintf(stderr, "usage: publish --ids FILE --rate R --seconds S\n"
			"       publish --stream KEY\n");
	exit(2);
}

static int64_t *
ids_load(const char *path, size_t *n)
{
	FILE     *f = fopen(path, "r");
	int64_t  *v = NULL;
	long long id;
	size_t    cap = 0;

	*n = 0;
	if (f == NULL) {
		fprintf(stderr, "publish: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while (fscanf(f, "%lld", &id) == 1) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			if ((v = realloc(v, cap * sizeof(*v))) == NULL)
				exit(1);
		}
		v[(*n)++] = id;
	}
	fclose(f);
	if (*n == 0) {
		fprintf(stderr, "publish: no ids in %s\n", path);
		exit(1);
	}
	return v;
}

int
main(int argc, char *argv[])
{
	const char      *idsf = NULL, *stream = NULL;
	double           rate = 0, secs = 0;
	int64_t         *ids = NULL, *took;
	size_t           nids = 0, total, done = 0;
	int64_t          t0, t1;
	struct pl_arena *a;
	struct pl_db    *db;
	unsigned         seed = (unsigned)now_ns(CLOCK_MONOTONIC);
	enum pl_err      er = PL_OK;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--ids") == 0)
			idsf = argv[++i];
		else if (strcmp(argv[i], "--rate") == 0)
			rate = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--seconds") == 0)
			secs = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--stream") == 0)
			stream = argv[++i];
		else
			usage();
	}
	if (stream != NULL)
		total = 1;
	else if (idsf != NULL && rate > 0 && secs > 0)
		total = (size_t)(rate * secs + 0.5);
	else
		usage();
	if (idsf != NULL)
		ids = ids_load(idsf, &nids);
	if ((took = calloc(total ? total : 1, sizeof(*took))) == NULL)
		return 1;

	if (pl_app_boot("publish", NULL, 1) != 0)
		return 1;
	a = pl_arena_new(0);
	db = pl_db_get(pl_pool());
	t0 = now_ns(CLOCK_MONOTONIC);
	for (; done < total; done++) {
		struct json_object *o = json_object_new_object();
		const char         *key = stream;
		int64_t             due = t0 + (int64_t)((double)done * 1e9 /
					     (rate > 0 ? rate : 1));
		int64_t             s;

		if (key == NULL)
			key = pl_arena_printf(a, "user-%lld",
			    (long long)ids[(size_t)rand_r(&seed) % nids]);
		while ((s = now_ns(CLOCK_MONOTONIC)) < due) {
			struct timespec ts = { 0, (long)(due - s) };

			nanosleep(&ts, NULL);
		}
		s = now_ns(CLOCK_MONOTONIC);
		pl_json_set_i64(o, "t", (long long)now_ns(CLOCK_REALTIME));
		er = pl_event_publish(db, a, key, "BENCH", o);
		took[done] = now_ns(CLOCK_MONOTONIC) - s;
		json_object_put(o);
		pl_arena_reset(a);
		if (er != PL_OK) {
			fprintf(stderr, "publish: %s: %s\n", key, pl_err_code(er));
			break;
		}
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	pl_db_put(pl_pool(), db);
	pl_arena_free(a);
	pl_app_shutdown();
	qsort(took, done, sizeof(*took), i64_cmp);
	printf("published %zu in %.2f s (%.0f/s), publish p50=%.2f p99=%.2f"
	       " max=%.2f ms\n",
	    done, (double)(t1 - t0) / 1e9,
	    (double)done / ((double)(t1 - t0) / 1e9),
	    done ? (double)took[done / 2] / 1e6 : 0,
	    done ? (double)took[(size_t)((double)(done - 1) * 0.99)] / 1e6 : 0,
	    done ? (double)took[done - 1] / 1e6 : 0);
	free(took);
	free(ids);
	return er == PL_OK ? 0 : 1;
}
