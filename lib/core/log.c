/* log.c: one line per event on stderr, with time, program and level. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static const char       *log_prog = "parley";
static enum pl_log_level log_min = PL_LOG_INFO;

void
pl_log_init(const char *prog, enum pl_log_level min)
{
	log_prog = prog;
	log_min = min;
}

static void log_v(enum pl_log_level lvl, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
log_v(enum pl_log_level lvl, const char *fmt, va_list ap)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	char                     line[1024];
	struct timespec          ts;
	struct tm                tm;
	int                      n;
	size_t                   off;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s: ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    ts.tv_nsec / 1000000, log_prog, names[lvl]);
	off = n > 0 ? (size_t)n : 0;
	if (off < sizeof(line)) {
		n = vsnprintf(line + off, sizeof(line) - off, fmt, ap);
		if (n > 0)
			off += (size_t)n;
	}
	if (off > sizeof(line) - 2)
		off = sizeof(line) - 2;
	/* One write per line, so lines from threads do not interleave; control
	 * characters are made visible so input cannot forge log lines. */
	for (size_t i = 0; i < off; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[off++] = '\n';
	fwrite(line, 1, off, stderr);
}

void
pl_log(enum pl_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (lvl < log_min)
		return;
	va_start(ap, fmt);
	log_v(lvl, fmt, ap);
	va_end(ap);
}

void
pl_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(PL_LOG_ERROR, fmt, ap);
	va_end(ap);
	abort();
}
