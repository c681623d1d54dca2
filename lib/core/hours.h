/* hours.h: working hours in a time zone: is a widget open at an instant,
 * and when does it next open.
 *
 * The hours are a set of weekdays and a window of local wall-clock minutes.
 * A window whose end is before its start crosses midnight and belongs to
 * the day it starts on (Friday 22:00-02:00 is open early Saturday too, and
 * not early Friday); a window whose end equals its start is the whole day.
 * Local time comes from ICU's calendar (ucal) with the zone named in each
 * call, never from the TZ variable: the executables are multi-threaded and
 * libcurl reads the environment. Daylight saving time is the zone's own:
 * "open" means that the local wall clock shows a time in the window, so on
 * a spring-forward day the skipped hour is never open and on a fall-back
 * day the repeated hour is open twice. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_HOURS_H
#define PL_HOURS_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct pl_arena;

struct pl_hours {
	const char *zone; /* IANA name: "America/New_York" */
	unsigned    days; /* bit 0 Sunday ... bit 6 Saturday */
	int         from; /* minutes after local midnight, 0..1439 */
	int         to; /* likewise; < from crosses midnight, = from all day */
};

/* Is zone a time zone ICU knows (an IANA name)? */
bool pl_hours_zone_ok(const char *zone);
/* "Eastern" for America/New_York; for a zone not in pl_zones (zones.h), the
 * IANA name itself (static storage or zone). */
const char *pl_hours_zone_label(const char *zone);

/*
 * Is h open at t (seconds since the epoch)? PL_OK with *open, or PL_EINVAL
 * for an unknown zone, days outside 0..127 or minutes outside 0..1439.
 */
enum pl_err pl_hours_open(const struct pl_hours *h, int64_t t, bool *open);
/*
 * The first instant at or after t when h is open (t itself when open), in
 * seconds since the epoch. PL_OK with *at; PL_ENOTFOUND when it never opens
 * (no days); PL_EINVAL as for pl_hours_open.
 */
enum pl_err pl_hours_next(const struct pl_hours *h, int64_t t, int64_t *at);
/*
 * The instant at as a visitor reads it at t, in zone: "today 9:00 AM
 * Eastern", "tomorrow 9:00 AM Eastern", "Monday 9:00 AM Eastern" within the
 * week, "next Monday 9:00 AM Eastern" seven days on. *out arena-owned.
 * PL_EINVAL for an unknown zone.
 */
enum pl_err pl_hours_label(struct pl_arena *a, const char *zone, int64_t t,
    int64_t at, const char **out);

#endif
