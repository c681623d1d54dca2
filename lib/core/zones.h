/* zones.h: the US time zones (and its territories') a widget may keep its
 * working hours in: one list for the staff's picker and its check
 * (lib/domain/widget) and the visitor's "back Monday 9:00 AM Eastern"
 * (lib/core/hours). */
/* SPDX-License-Identifier: MIT */
#ifndef PL_ZONES_H
#define PL_ZONES_H

struct pl_zone {
	const char *name;        /* the IANA name: "America/New_York" */
	const char *label;       /* for a picker: "Eastern Time (New York)" */
	const char *short_label; /* for a visitor: "Eastern" */
};

/* In the order a picker shows them; a NULL name ends the list. */
extern const struct pl_zone pl_zones[];

/* The zone of that IANA name, or NULL when it is not one of the list. */
const struct pl_zone *pl_zone_find(const char *name);

#endif
