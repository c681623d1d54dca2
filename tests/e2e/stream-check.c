/* stream-check.c: a publisher for the event-stream proof test.
 *
 *   stream-check --streams user-5,user-6,... --count N --tag P1
 *                [--sleep-us U]
 *
 * Boots like any Parley tool (configuration from the environment), then for
 * i in 0..N-1 publishes to each stream in turn an event "TEST" with data
 * {"tag":"P1","i":i}, each in its own transaction (pl_event_publish), and
 * prints "published K" at the end. Several of these run at once against the
 * same streams; tests/e2e/events-proof.test.mjs checks that every poller
 * sees every (tag, i) of every stream once, in order.
 */
/* SPDX-License-Identifier: MIT */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem, strncasecmp */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "parley.h"

#define MAX_STREAMS 4096

static void
usage(void)
{
	fprintf(stderr,
	    "usage: stream-check --streams S1,S2,... --count N"
	    " --tag TAG [--sleep-us U]\n");
	exit(2);
}

static long long
num_arg(const char *s, long long max)
{
	char     *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		usage();
	return v;
}

/* Split the comma-separated list in place into keys[]; returns the count. */
static size_t
streams_split(char *list, char **keys)
{
	size_t n = 0;
	char  *p = list;

	while (*p != '\0') {
		char *end = strchr(p, ',');

		if (n == MAX_STREAMS)
			usage();
		if (end != NULL)
			*end = '\0';
		if (*p == '\0' || strlen(p) >= PL_STREAM_MAX)
			usage();
		keys[n++] = p;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return n;
}

static void
pause_us(long long us)
{
	struct timespec ts = { (time_t)(us / 1000000),
		(long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
main(int argc, char *argv[])
{
	static char     *keys[MAX_STREAMS];
	const char      *tag = NULL;
	char            *list = NULL;
	long long        count = -1, sleep_us = 0, published = 0;
	size_t           nkeys;
	struct pl_arena *a;
	struct pl_db    *db;
	enum pl_err      er = PL_OK;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--streams") == 0)
			list = argv[++i];
		else if (strcmp(argv[i], "--count") == 0)
			count = num_arg(argv[++i], 100000000);
		else if (strcmp(argv[i], "--tag") == 0)
			tag = argv[++i];
		else if (strcmp(argv[i], "--sleep-us") == 0)
			sleep_us = num_arg(argv[++i], 10000000);
		else
			usage();
	}
	if (list == NULL || tag == NULL || count < 0)
		usage();
	nkeys = streams_split(list, keys);
	if (nkeys == 0)
		usage();

	if (pl_proc_boot("stream-check", NULL, 1) != 0)
		return 1;
	a = pl_arena_new(0);
	db = pl_db_get(pl_pool());
	for (long long i = 0; i < count && er == PL_OK; i++) {
		for (size_t k = 0; k < nkeys; k++) {
			struct json_object *o = json_object_new_object();

			pl_json_set_str(o, "tag", tag);
			pl_json_set_i64(o, "i", i);
			er = pl_event_publish(db, a, keys[k], "TEST", o);
			json_object_put(o);
			pl_arena_reset(a);
			if (er != PL_OK) {
				fprintf(stderr,
				    "stream-check: publish %s i=%lld: %s\n",
				    keys[k], i, pl_err_code(er));
				break;
			}
			published++;
			if (sleep_us > 0)
				pause_us(sleep_us);
		}
	}
	pl_db_put(pl_pool(), db);
	pl_arena_free(a);
	pl_proc_shutdown();
	printf("published %lld\n", published);
	fflush(stdout);
	return er == PL_OK ? 0 : 1;
}
