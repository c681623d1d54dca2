/* publish.c: the bench's publisher, another process than the pollers'.
 *
 *   publish --ids FILE --rate R --seconds S [--conns K]
 *           R events/s for S seconds, each to a random "user-<id>", from K
 *           threads with a database connection each (default 8), so one
 *           slow commit does not hold back the rest of the schedule
 *   publish --stream KEY
 *           one event to KEY
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
#include <pthread.h>
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

/* The schedule, shared by the publishing threads. */
static const char    *stream;
static int64_t       *ids, *took;
static size_t         nids, total, nconns = 8;
static double         rate;
static int64_t        t0;
static _Atomic int    failed;
static _Atomic size_t done_count;

static void *
publisher(void *arg)
{
	size_t           j = (size_t)(uintptr_t)arg;
	struct pl_arena *a = pl_arena_new(0);
	struct pl_db    *db = pl_db_get(pl_pool());
	unsigned         seed = (unsigned)now_ns(CLOCK_MONOTONIC) + (unsigned)j;

	for (size_t k = j; k < total && !failed; k += nconns) {
		struct json_object *o;
		const char         *key = stream;
		int64_t     due = t0 + (int64_t)((double)k * 1e9 / rate);
		int64_t     s;
		enum pl_err er;

		if (key == NULL)
			key = pl_stream(a, PL_STREAM_USER,
			    ids[(size_t)rand_r(&seed) % nids]);
		while ((s = now_ns(CLOCK_MONOTONIC)) < due) {
			struct timespec ts = { (time_t)((due - s) / 1000000000),
				(long)((due - s) % 1000000000) };

			nanosleep(&ts, NULL);
		}
		o = json_object_new_object();
		s = now_ns(CLOCK_MONOTONIC);
		pl_json_set_i64(o, "t", (long long)now_ns(CLOCK_REALTIME));
		er = pl_event_publish(db, a, key, "BENCH", o);
		took[k] = now_ns(CLOCK_MONOTONIC) - s;
		json_object_put(o);
		pl_arena_reset(a);
		if (er != PL_OK) {
			fprintf(
			    stderr, "publish: %s: %s\n", key, pl_err_code(er));
			failed = 1;
			break;
		}
		done_count++;
	}
	pl_db_put(pl_pool(), db);
	pl_arena_free(a);
	return NULL;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: publish --ids FILE --rate R --seconds S"
	    " [--conns K]\n"
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
	const char *idsf = NULL;
	double      secs = 0;
	pthread_t  *tids;
	size_t      done;
	int64_t     t1;

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
		else if (strcmp(argv[i], "--conns") == 0)
			nconns = (size_t)strtoul(argv[++i], NULL, 10);
		else
			usage();
	}
	if (stream != NULL) {
		total = 1;
		rate = 1;
		nconns = 1;
	} else if (idsf != NULL && rate > 0 && secs > 0 && nconns > 0 &&
	           nconns <= 64)
		total = (size_t)(rate * secs + 0.5);
	else
		usage();
	if (idsf != NULL)
		ids = ids_load(idsf, &nids);
	if ((took = calloc(total, sizeof(*took))) == NULL ||
	    (tids = calloc(nconns, sizeof(*tids))) == NULL)
		return 1;

	if (pl_proc_boot("publish", NULL, (unsigned)nconns) != 0)
		return 1;
	t0 = now_ns(CLOCK_MONOTONIC);
	for (size_t j = 0; j < nconns; j++)
		if (pthread_create(
		        &tids[j], NULL, publisher, (void *)(uintptr_t)j) != 0) {
			fprintf(stderr, "publish: cannot start a thread\n");
			return 1;
		}
	for (size_t j = 0; j < nconns; j++)
		pthread_join(tids[j], NULL);
	t1 = now_ns(CLOCK_MONOTONIC);
	pl_proc_shutdown();
	done = done_count;
	qsort(took, total, sizeof(*took), i64_cmp);
	printf(
	    "published %zu in %.2f s (%.0f/s), publish p50=%.2f p99=%.2f"
	    " max=%.2f ms\n",
	    done, (double)(t1 - t0) / 1e9,
	    (double)done / ((double)(t1 - t0) / 1e9),
	    (double)took[total / 2] / 1e6,
	    (double)took[(size_t)((double)(total - 1) * 0.99)] / 1e6,
	    (double)took[total - 1] / 1e6);
	free(took);
	free(tids);
	free(ids);
	return failed ? 1 : 0;
}
