/* t.h: the unit-test harness: checks that print file:line, input, expected
 * and got, and a closing "N passed, N failed" line. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_T_H
#define PL_T_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define T_OK(cond, input)                                                      \
	do {                                                                   \
		if (cond) {                                                    \
			t_pass++;                                              \
		} else {                                                       \
			t_fail++;                                              \
			fprintf(stderr, "%s:%d: %s: expected %s\n", __FILE__,  \
			    __LINE__, (input), #cond);                         \
		}                                                              \
	} while (0)

#define T_INT(got, want, input)                                                \
	do {                                                                   \
		long long t_g = (long long)(got), t_w = (long long)(want);     \
		if (t_g == t_w) {                                              \
			t_pass++;                                              \
		} else {                                                       \
			t_fail++;                                              \
			fprintf(stderr,                                        \
			    "%s:%d: %s: expected %lld, got %lld\n", __FILE__,  \
			    __LINE__, (input), t_w, t_g);                      \
		}                                                              \
	} while (0)

#define T_STR(got, want, input)                                                \
	do {                                                                   \
		const char *t_g = (got), *t_w = (want);                        \
		if ((t_g == NULL && t_w == NULL) ||                            \
		    (t_g != NULL && t_w != NULL && strcmp(t_g, t_w) == 0)) {   \
			t_pass++;                                              \
		} else {                                                       \
			t_fail++;                                              \
			fprintf(stderr,                                        \
			    "%s:%d: %s: expected \"%s\", got \"%s\"\n",        \
			    __FILE__, __LINE__, (input), t_w ? t_w : "(null)", \
			    t_g ? t_g : "(null)");                             \
		}                                                              \
	} while (0)

/* Call last in main(): prints the summary and gives the exit status. */
static inline int
t_done(void)
{
	printf("%d passed, %d failed\n", t_pass, t_fail);
	return t_fail == 0 ? 0 : 1;
}

#endif
