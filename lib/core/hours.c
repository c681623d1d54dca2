/* hours.c: working hours in a time zone, through ICU's calendar.
 *
 * Each call opens its own calendar on the zone it is given (ucal_open is
 * safe in any thread and takes no process-wide default), reads or sets
 * wall-clock fields, and closes it. A wall time that does not exist (the
 * hour a spring-forward skips) resolves to the next valid instant; a wall
 * time that happens twice (the hour a fall-back repeats) to the first. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "arena.h"
#include "hours.h"
#include "zones.h"

#define ZONE_MAX 64 /* bytes of an IANA name we accept */

const char *
pl_hours_zone_label(const char *zone)
{
	const struct pl_zone *z = pl_zone_find(zone);

	return z ? z->short_label : zone;
}

/* The zone as UTF-16 for ICU: 0 when it is not a plausible IANA name. */
static int32_t
zone_uchars(const char *zone, UChar *out)
{
	size_t n = zone != NULL ? strlen(zone) : 0;

	if (n == 0 || n >= ZONE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = zone[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		        c == '-' || c == '+'))
			return 0;
	}
	u_charsToUChars(zone, out, (int32_t)n);
	return (int32_t)n;
}

bool
pl_hours_zone_ok(const char *zone)
{
	UChar      z[ZONE_MAX], canon[ZONE_MAX * 2];
	UBool      sys = 0;
	UErrorCode st = U_ZERO_ERROR;
	int32_t    n = zone_uchars(zone, z);

	if (n == 0)
		return false;
	ucal_getCanonicalTimeZoneID(z, n, canon, ZONE_MAX * 2, &sys, &st);
	return U_SUCCESS(st) && sys;
}

/* A calendar on zone, or NULL for an unknown zone. */
static UCalendar *
cal_open(const char *zone)
{
	UChar      z[ZONE_MAX];
	UErrorCode st = U_ZERO_ERROR;
	int32_t    n = zone_uchars(zone, z);
	UCalendar *c;

	if (n == 0 || !pl_hours_zone_ok(zone))
		return NULL;
	c = ucal_open(z, n, "en_US", UCAL_GREGORIAN, &st);
	if (U_FAILURE(st)) {
		ucal_close(c);
		return NULL;
	}
	ucal_setAttribute(c, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_NEXT_VALID);
	ucal_setAttribute(c, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
	return c;
}

/* The local wall clock at t. */
struct wall {
	int y, mo, d; /* year, month 0..11, day of month */
	int dow;      /* 0 Sunday ... 6 Saturday */
	int min;      /* minutes after midnight */
};

static int
wall_at(UCalendar *c, int64_t t, struct wall *w)
{
	UErrorCode st = U_ZERO_ERROR;

	ucal_setMillis(c, (UDate)t * 1000.0, &st);
	w->y = ucal_get(c, UCAL_YEAR, &st);
	w->mo = ucal_get(c, UCAL_MONTH, &st);
	w->d = ucal_get(c, UCAL_DATE, &st);
	w->dow = ucal_get(c, UCAL_DAY_OF_WEEK, &st) - UCAL_SUNDAY;
	w->min = ucal_get(c, UCAL_HOUR_OF_DAY, &st) * 60 +
	         ucal_get(c, UCAL_MINUTE, &st);
	return U_SUCCESS(st) ? 0 : -1;
}

/* The instant of a wall time (day may run past the month: ICU carries). */
static int
instant_of(UCalendar *c, int y, int mo, int d, int min, int64_t *t)
{
	UErrorCode st = U_ZERO_ERROR;
	UDate      ms;

	ucal_clear(c);
	ucal_setDateTime(c, y, mo, d, min / 60, min % 60, 0, &st);
	ucal_set(c, UCAL_MILLISECOND, 0);
	ms = ucal_getMillis(c, &st);
	if (U_FAILURE(st))
		return -1;
	*t = (int64_t)(ms / 1000.0);
	return 0;
}

static bool
hours_ok(const struct pl_hours *h)
{
	return h->days <= 127 && h->from >= 0 && h->from < 1440 && h->to >= 0 &&
	       h->to < 1440;
}

static bool
has_day(const struct pl_hours *h, int dow)
{
	return (h->days >> ((dow + 7) % 7)) & 1u;
}

/* Open at this wall clock? */
static bool
open_at(const struct pl_hours *h, const struct wall *w)
{
	if (h->from == h->to)
		return has_day(h, w->dow);
	if (h->from < h->to)
		return has_day(h, w->dow) && w->min >= h->from &&
		       w->min < h->to;
	/* Crosses midnight: the evening of an allowed day, or the early
	 * hours after one. */
	return (has_day(h, w->dow) && w->min >= h->from) ||
	       (has_day(h, w->dow - 1) && w->min < h->to);
}

enum pl_err
pl_hours_open(const struct pl_hours *h, int64_t t, bool *open)
{
	struct wall w;
	UCalendar  *c;
	int         rc;

	*open = false;
	if (!hours_ok(h) || (c = cal_open(h->zone)) == NULL)
		return PL_EINVAL;
	rc = wall_at(c, t, &w);
	ucal_close(c);
	if (rc != 0)
		return PL_EINVAL;
	*open = open_at(h, &w);
	return PL_OK;
}

enum pl_err
pl_hours_next(const struct pl_hours *h, int64_t t, int64_t *at)
{
	struct wall w, now;
	UCalendar  *c;
	enum pl_err er = PL_ENOTFOUND;

	*at = 0;
	if (!hours_ok(h) || (c = cal_open(h->zone)) == NULL)
		return PL_EINVAL;
	if (wall_at(c, t, &now) != 0) {
		er = PL_EINVAL;
		goto out;
	}
	if (open_at(h, &now)) {
		*at = t;
		er = PL_OK;
		goto out;
	}
	/* Closed now: it opens when some allowed day's window starts (its
	 * midnight for an all-day window). The first start after t at which
	 * the wall clock really is in the window is the answer; a start that
	 * a spring-forward skips resolves to the next valid instant, which is
	 * then checked like any other. Eight days cover every weekly set. */
	for (int k = 0; k <= 8; k++) {
		int     start = h->from == h->to ? 0 : h->from;
		int64_t s;

		if (!has_day(h, now.dow + k))
			continue;
		if (instant_of(c, now.y, now.mo, now.d + k, start, &s) != 0) {
			er = PL_EINVAL;
			goto out;
		}
		if (s <= t || wall_at(c, s, &w) != 0 || !open_at(h, &w))
			continue;
		*at = s;
		er = PL_OK;
		break;
	}
out:
	ucal_close(c);
	return er;
}

enum pl_err
pl_hours_label(struct pl_arena *a, const char *zone, int64_t t, int64_t at,
    const char **out)
{
	static const char *const names[] = { "Sunday", "Monday", "Tuesday",
		"Wednesday", "Thursday", "Friday", "Saturday" };
	struct wall              wn, wa;
	UCalendar               *c;
	int64_t                  d0, d1;
	long                     days;
	const char              *day;
	int                      h12, rc;

	*out = "";
	if ((c = cal_open(zone)) == NULL)
		return PL_EINVAL;
	rc = wall_at(c, t, &wn) | wall_at(c, at, &wa);
	/* Calendar days apart: the local noons of both dates, in days. */
	if (rc == 0)
		rc = instant_of(c, wn.y, wn.mo, wn.d, 720, &d0) |
		     instant_of(c, wa.y, wa.mo, wa.d, 720, &d1);
	ucal_close(c);
	if (rc != 0)
		return PL_EINVAL;
	days = (long)((d1 - d0 + 43200) / 86400);
	if (days <= 0)
		day = "today";
	else if (days == 1)
		day = "tomorrow";
	else if (days < 7)
		day = names[wa.dow];
	else
		day = pl_arena_printf(a, "next %s", names[wa.dow]);
	h12 = wa.min / 60 % 12;
	*out = pl_arena_printf(a, "%s %d:%02d %s %s", day, h12 ? h12 : 12,
	    wa.min % 60, wa.min < 720 ? "AM" : "PM", pl_hours_zone_label(zone));
	return PL_OK;
}
