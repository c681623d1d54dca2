/* test-hours.c: working hours in every US zone of the list, in winter and
 * summer; the spring-forward and fall-back days (the skipped hour never
 * open, the repeated one open twice); windows across midnight; every
 * weekday; all-day windows; and the next opening, across weekends, with
 * its label. Instants are built from UTC civil dates by arithmetic, so the
 * expectations do not depend on the library under test. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "hours.h"
#include "zones.h"
#include "t.h"

/* Seconds since the epoch of a UTC civil time (Howard Hinnant's days from
 * civil). */
static int64_t
utc(int y, int m, int d, int hh, int mm)
{
	int64_t  era, yoe, doy, doe;
	unsigned mp;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	mp = (unsigned)(m + (m > 2 ? -3 : 9));
	doy = (153 * mp + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400 + hh * 3600 + mm * 60;
}

static int
is_open(const char *zone, unsigned days, int from, int to, int64_t t)
{
	struct pl_hours h = { zone, days, from, to };
	bool            open = false;

	if (pl_hours_open(&h, t, &open) != PL_OK)
		return -1;
	return open;
}

/* Minutes open between t0 and t1, minute by minute. */
static int
minutes_open(
    const char *zone, unsigned days, int from, int to, int64_t t0, int64_t t1)
{
	int n = 0;

	for (int64_t t = t0; t < t1; t += 60)
		n += is_open(zone, days, from, to, t) == 1;
	return n;
}

static int64_t
next_open(const char *zone, unsigned days, int from, int to, int64_t t)
{
	struct pl_hours h = { zone, days, from, to };
	int64_t         at = -1;

	if (pl_hours_next(&h, t, &at) != PL_OK)
		return -1;
	return at;
}

static const char *
label(struct pl_arena *a, const char *zone, int64_t t, int64_t at)
{
	const char *s = NULL;

	if (pl_hours_label(a, zone, t, at, &s) != PL_OK)
		return "(error)";
	return s;
}

/* Every zone of the list with its UTC offset in hours, winter and summer
 * (2025). */
static const struct {
	const char *zone;
	int         winter, summer;
	const char *label;
} us[] = {
	{ "America/New_York", -5, -4, "Eastern" },
	{ "America/Detroit", -5, -4, "Eastern" },
	{ "America/Indiana/Indianapolis", -5, -4, "Eastern" },
	{ "America/Kentucky/Louisville", -5, -4, "Eastern" },
	{ "America/Chicago", -6, -5, "Central" },
	{ "America/Indiana/Knox", -6, -5, "Central" },
	{ "America/Menominee", -6, -5, "Central" },
	{ "America/North_Dakota/Center", -6, -5, "Central" },
	{ "America/Denver", -7, -6, "Mountain" },
	{ "America/Boise", -7, -6, "Mountain" },
	{ "America/Phoenix", -7, -7, "Arizona" },
	{ "America/Los_Angeles", -8, -7, "Pacific" },
	{ "America/Anchorage", -9, -8, "Alaska" },
	{ "America/Juneau", -9, -8, "Alaska" },
	{ "America/Adak", -10, -9, "Hawaii-Aleutian" },
	{ "Pacific/Honolulu", -10, -10, "Hawaii" },
	{ "America/Puerto_Rico", -4, -4, "Atlantic" },
	{ "Pacific/Guam", 10, 10, "Chamorro" },
	{ "Pacific/Pago_Pago", -11, -11, "Samoa" },
};

/* Wednesdays at 12:00 UTC: every local time below is on that Wednesday. */
static void
zones_test(void)
{
	/* Every zone a widget may choose: ICU knows it, and a visitor reads
	 * a short label, not the IANA name. */
	for (const struct pl_zone *z = pl_zones; z->name != NULL; z++) {
		T_OK(pl_hours_zone_ok(z->name), z->name);
		T_OK(strcmp(pl_hours_zone_label(z->name), z->name) != 0 &&
		         strchr(pl_hours_zone_label(z->name), '/') == NULL,
		    z->name);
	}
	for (size_t i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
		const char *z = us[i].zone;

		T_OK(pl_hours_zone_ok(z), z);
		T_STR(pl_hours_zone_label(z), us[i].label, z);
		for (int s = 0; s < 2; s++) {
			int64_t t = s ? utc(2025, 7, 16, 12, 0)
			              : utc(2025, 1, 15, 12, 0);
			int  m = 720 + 60 * (s ? us[i].summer : us[i].winter);
			char in[120];

			snprintf(in, sizeof(in), "%s %s local %d:%02d", z,
			    s ? "July" : "January", m / 60, m % 60);
			/* A one-minute window on Wednesday at the expected
			 * local time: open then, closed a minute either
			 * side, closed on other days. */
			T_INT(is_open(z, 1u << 3, m, m + 1, t), 1, in);
			T_INT(is_open(z, 1u << 3, m, m + 1, t - 60), 0, in);
			T_INT(is_open(z, 1u << 3, m, m + 1, t + 60), 0, in);
			T_INT(is_open(z, 127 & ~(1u << 3), m, m + 1, t), 0, in);
			/* 9 to 5 on weekdays: 480 minutes that day. */
			T_INT(minutes_open(z, 62, 540, 1020, t - (m * 60) + 0,
			          t - (m * 60) + 86400),
			    480, in);
		}
	}
	T_OK(!pl_hours_zone_ok("Mars/Olympus_Mons"), "unknown zone");
	T_OK(!pl_hours_zone_ok(""), "empty zone");
	T_OK(!pl_hours_zone_ok("America/New York"), "a space");
	T_OK(!pl_hours_zone_ok("../../etc/passwd"), "a path");
	T_INT(is_open("Mars/Olympus_Mons", 62, 540, 1020, 0), -1,
	    "unknown zone: PL_EINVAL");
	T_INT(is_open("America/New_York", 128, 540, 1020, 0), -1, "days 128");
	T_INT(is_open("America/New_York", 62, 1440, 1020, 0), -1, "from 1440");
	T_INT(is_open("America/New_York", 62, 540, -1, 0), -1, "to -1");
}

/* New York, 2025: spring forward Sunday March 9 at 2:00 EST (07:00 UTC) to
 * 3:00 EDT; fall back Sunday November 2 at 2:00 EDT (06:00 UTC) to 1:00
 * EST. */
static void
dst_test(struct pl_arena *a)
{
	const char *ny = "America/New_York";
	int64_t     sp0 = utc(2025, 3, 9, 5, 0);  /* Sunday 00:00 EST */
	int64_t     sp1 = utc(2025, 3, 10, 4, 0); /* Monday 00:00 EDT */
	int64_t     fb0 = utc(2025, 11, 2, 4, 0); /* Sunday 00:00 EDT */
	int64_t     fb1 = utc(2025, 11, 3, 5, 0); /* Monday 00:00 EST */

	/* Spring: 2:00-3:00 never happens; 1:00-4:00 is two hours; a day of
	 * 9 to 5 is still eight. */
	T_INT(minutes_open(ny, 1, 120, 180, sp0, sp1), 0, "spring 2-3");
	T_INT(minutes_open(ny, 1, 60, 240, sp0, sp1), 120, "spring 1-4");
	T_INT(minutes_open(ny, 1, 540, 1020, sp0, sp1), 480, "spring 9-5");
	T_INT(minutes_open(ny, 1, 0, 0, sp0, sp1), 23 * 60, "spring all day");
	T_INT(is_open(ny, 1, 60, 240, utc(2025, 3, 9, 6, 59)), 1,
	    "spring 1:59 EST");
	T_INT(is_open(ny, 1, 60, 240, utc(2025, 3, 9, 7, 0)), 1,
	    "spring 3:00 EDT");
	T_INT(is_open(ny, 1, 60, 240, utc(2025, 3, 9, 8, 0)), 0,
	    "spring 4:00 EDT");
	/* The skipped window's next opening is a week on; one that starts
	 * in the gap opens when the clocks jump. */
	T_INT(next_open(ny, 1, 120, 180, sp0), utc(2025, 3, 16, 6, 0),
	    "spring 2-3 next");
	T_STR(label(a, ny, sp0, utc(2025, 3, 16, 6, 0)),
	    "next Sunday 2:00 AM Eastern", "spring 2-3 label");
	T_INT(next_open(ny, 1, 150, 240, sp0), utc(2025, 3, 9, 7, 0),
	    "spring 2:30-4 next");
	T_STR(label(a, ny, sp0, utc(2025, 3, 9, 7, 0)), "today 3:00 AM Eastern",
	    "spring 2:30-4 label");
	T_INT(next_open(ny, 1, 60, 240, sp0), utc(2025, 3, 9, 6, 0),
	    "spring 1-4 next");

	/* Fall: 1:00-2:00 happens twice; 2:00-3:00 once; the day is 25
	 * hours. */
	T_INT(minutes_open(ny, 1, 60, 120, fb0, fb1), 120, "fall 1-2");
	T_INT(minutes_open(ny, 1, 120, 180, fb0, fb1), 60, "fall 2-3");
	T_INT(minutes_open(ny, 1, 0, 0, fb0, fb1), 25 * 60, "fall all day");
	T_INT(is_open(ny, 1, 60, 120, utc(2025, 11, 2, 5, 0)), 1,
	    "fall 1:00 EDT");
	T_INT(is_open(ny, 1, 60, 120, utc(2025, 11, 2, 6, 59)), 1,
	    "fall 1:59 EST");
	T_INT(is_open(ny, 1, 60, 120, utc(2025, 11, 2, 7, 0)), 0,
	    "fall 2:00 EST");
	T_INT(is_open(ny, 1, 120, 180, utc(2025, 11, 2, 6, 30)), 0,
	    "fall 1:30 EST is not 2-3");
	/* The repeated 1:30 opens at its first occurrence. */
	T_INT(next_open(ny, 1, 90, 150, fb0), utc(2025, 11, 2, 5, 30),
	    "fall 1:30 next");
	T_INT(next_open(ny, 1, 120, 180, fb0), utc(2025, 11, 2, 7, 0),
	    "fall 2-3 next");

	/* Los Angeles springs forward at its own 2:00 (10:00 UTC). */
	T_INT(minutes_open("America/Los_Angeles", 1, 120, 180,
	          utc(2025, 3, 9, 8, 0), utc(2025, 3, 10, 7, 0)),
	    0, "LA spring 2-3");
	/* Phoenix keeps standard time: 2:00-3:00 is open that day. */
	T_INT(minutes_open("America/Phoenix", 1, 120, 180,
	          utc(2025, 3, 9, 7, 0), utc(2025, 3, 10, 7, 0)),
	    60, "Phoenix 2-3");
}

/* Friday 22:00 to 02:00 (New York, January 2025: EST, UTC-5). */
static void
overnight_test(struct pl_arena *a)
{
	const char *ny = "America/New_York";
	unsigned    fri = 1u << 5;

	T_INT(is_open(ny, fri, 1320, 120, utc(2025, 1, 18, 3, 0)), 1,
	    "Fri 22:00");
	T_INT(is_open(ny, fri, 1320, 120, utc(2025, 1, 18, 2, 59)), 0,
	    "Fri 21:59");
	T_INT(is_open(ny, fri, 1320, 120, utc(2025, 1, 18, 6, 59)), 1,
	    "Sat 01:59 (Friday's window)");
	T_INT(is_open(ny, fri, 1320, 120, utc(2025, 1, 18, 7, 0)), 0,
	    "Sat 02:00");
	T_INT(is_open(ny, fri, 1320, 120, utc(2025, 1, 17, 6, 0)), 0,
	    "Fri 01:00 (Thursday is closed)");
	T_INT(is_open(ny, fri, 1320, 120, utc(2025, 1, 19, 3, 0)), 0,
	    "Sat 22:00");
	T_INT(minutes_open(ny, fri, 1320, 120, utc(2025, 1, 16, 5, 0),
	          utc(2025, 1, 20, 5, 0)),
	    240, "four hours in the week");
	T_INT(next_open(ny, fri, 1320, 120, utc(2025, 1, 18, 7, 0)),
	    utc(2025, 1, 25, 3, 0), "Sat 02:00 -> next Fri 22:00");
	T_STR(label(a, ny, utc(2025, 1, 18, 7, 0), utc(2025, 1, 25, 3, 0)),
	    "Friday 10:00 PM Eastern", "its label");
	T_INT(next_open(ny, fri, 1320, 120, utc(2025, 1, 18, 6, 0)),
	    utc(2025, 1, 18, 6, 0), "open now: now");
	/* Every night: Sunday's window covers early Monday. */
	T_INT(is_open(ny, 127, 1320, 120, utc(2025, 1, 20, 6, 0)), 1,
	    "every night, Mon 01:00");
	T_INT(is_open(ny, 1, 1320, 120, utc(2025, 1, 20, 6, 0)), 1,
	    "Sunday only, Mon 01:00");
	T_INT(is_open(ny, 1u << 1, 1320, 120, utc(2025, 1, 20, 6, 0)), 0,
	    "Monday only, Mon 01:00");
}

/* Each weekday alone, at noon EST of the week from Sunday January 12,
 * 2025. */
static void
weekday_test(void)
{
	const char *ny = "America/New_York";

	for (int d = 0; d < 7; d++) {
		int64_t t = utc(2025, 1, 12 + d, 17, 0);
		char    in[40];

		snprintf(in, sizeof(in), "weekday %d", d);
		T_INT(is_open(ny, 1u << d, 540, 1020, t), 1, in);
		T_INT(is_open(ny, 127 & ~(1u << d), 540, 1020, t), 0, in);
		T_INT(is_open(ny, 1u << d, 0, 0, t), 1, in);
		T_INT(is_open(ny, 1u << ((d + 1) % 7), 0, 0, t), 0, in);
		T_INT(next_open(ny, 1u << ((d + 1) % 7), 540, 1020, t),
		    utc(2025, 1, 13 + d, 14, 0), in);
	}
}

/* The next opening across a weekend, with its labels. */
static void
next_test(struct pl_arena *a)
{
	const char *ny = "America/New_York";
	int64_t     fri6pm = utc(2025, 1, 17, 23, 0);
	int64_t     mon9 = utc(2025, 1, 20, 14, 0);
	int64_t     at;

	T_INT(next_open(ny, 62, 540, 1020, fri6pm), mon9, "Fri 18:00");
	T_STR(label(a, ny, fri6pm, mon9), "Monday 9:00 AM Eastern",
	    "Fri 18:00 label");
	T_INT(next_open(ny, 62, 540, 1020, utc(2025, 1, 18, 15, 0)), mon9,
	    "Sat 10:00");
	T_INT(next_open(ny, 62, 540, 1020, utc(2025, 1, 19, 23, 0)), mon9,
	    "Sun 18:00");
	T_STR(label(a, ny, utc(2025, 1, 19, 23, 0), mon9),
	    "tomorrow 9:00 AM Eastern", "Sun 18:00 label");
	T_INT(next_open(ny, 62, 540, 1020, utc(2025, 1, 17, 13, 0)),
	    utc(2025, 1, 17, 14, 0), "Fri 08:00");
	T_STR(label(a, ny, utc(2025, 1, 17, 13, 0), utc(2025, 1, 17, 14, 0)),
	    "today 9:00 AM Eastern", "Fri 08:00 label");
	T_INT(next_open(ny, 62, 540, 1020, utc(2025, 1, 17, 15, 0)),
	    utc(2025, 1, 17, 15, 0), "open now");
	/* All day on weekdays: Saturday waits for Monday's midnight. */
	T_INT(next_open(ny, 62, 0, 0, utc(2025, 1, 18, 15, 0)),
	    utc(2025, 1, 20, 5, 0), "all day from Sat");
	T_STR(label(a, ny, utc(2025, 1, 18, 15, 0), utc(2025, 1, 20, 5, 0)),
	    "Monday 12:00 AM Eastern", "all day label");
	/* Pacific: 1 PM to 5:30 PM, the label in its own zone. */
	T_INT(next_open(
	          "America/Los_Angeles", 62, 780, 1050, utc(2025, 7, 16, 2, 0)),
	    utc(2025, 7, 16, 20, 0), "LA Tue 19:00 PDT");
	T_STR(label(a, "America/Los_Angeles", utc(2025, 7, 16, 2, 0),
	          utc(2025, 7, 16, 20, 0)),
	    "tomorrow 1:00 PM Pacific", "LA label");
	/* Honolulu, Saturday only, noon. */
	T_INT(next_open("Pacific/Honolulu", 1u << 6, 720, 780,
	          utc(2025, 1, 13, 0, 0)),
	    utc(2025, 1, 18, 22, 0), "Honolulu Saturday");
	/* Never open; bad input. */
	T_INT(next_open(ny, 0, 540, 1020, fri6pm), -1, "no days");
	{
		struct pl_hours h = { ny, 0, 540, 1020 };

		T_INT(pl_hours_next(&h, fri6pm, &at), PL_ENOTFOUND, "no days");
		h.zone = "Nowhere/Else";
		T_INT(pl_hours_next(&h, fri6pm, &at), PL_EINVAL, "bad zone");
	}
}

int
main(void)
{
	struct pl_arena *a = pl_arena_new(0);

	zones_test();
	dst_test(a);
	overnight_test(a);
	weekday_test();
	next_test(a);
	pl_arena_free(a);
	return t_done();
}
