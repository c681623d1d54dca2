/* zones.c: the US time zones a widget may keep its hours in. */
/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <string.h>

#include "zones.h"

/* Every IANA zone in use in the United States and its territories, those
 * of the 48 states by zone from east to west (tzdb's zone1970.tab, "US"
 * and the territories' lines). */
const struct pl_zone pl_zones[] = {
	{ "America/New_York", "Eastern Time (New York)", "Eastern" },
	{ "America/Detroit", "Eastern Time (Detroit)", "Eastern" },
	{ "America/Kentucky/Louisville", "Eastern Time (Louisville, Kentucky)",
	    "Eastern" },
	{ "America/Kentucky/Monticello", "Eastern Time (Monticello, Kentucky)",
	    "Eastern" },
	{ "America/Indiana/Indianapolis", "Eastern Time (Indianapolis)",
	    "Eastern" },
	{ "America/Indiana/Vincennes", "Eastern Time (Vincennes, Indiana)",
	    "Eastern" },
	{ "America/Indiana/Winamac", "Eastern Time (Winamac, Indiana)",
	    "Eastern" },
	{ "America/Indiana/Marengo", "Eastern Time (Marengo, Indiana)",
	    "Eastern" },
	{ "America/Indiana/Petersburg", "Eastern Time (Petersburg, Indiana)",
	    "Eastern" },
	{ "America/Indiana/Vevay", "Eastern Time (Vevay, Indiana)", "Eastern" },
	{ "America/Chicago", "Central Time (Chicago)", "Central" },
	{ "America/Indiana/Tell_City", "Central Time (Tell City, Indiana)",
	    "Central" },
	{ "America/Indiana/Knox", "Central Time (Knox, Indiana)", "Central" },
	{ "America/Menominee", "Central Time (Menominee, Michigan)",
	    "Central" },
	{ "America/North_Dakota/Center", "Central Time (Center, North Dakota)",
	    "Central" },
	{ "America/North_Dakota/New_Salem",
	    "Central Time (New Salem, North Dakota)", "Central" },
	{ "America/North_Dakota/Beulah", "Central Time (Beulah, North Dakota)",
	    "Central" },
	{ "America/Denver", "Mountain Time (Denver)", "Mountain" },
	{ "America/Boise", "Mountain Time (Boise)", "Mountain" },
	{ "America/Phoenix", "Mountain Standard Time, no DST (Phoenix)",
	    "Arizona" },
	{ "America/Los_Angeles", "Pacific Time (Los Angeles)", "Pacific" },
	{ "America/Anchorage", "Alaska Time (Anchorage)", "Alaska" },
	{ "America/Juneau", "Alaska Time (Juneau)", "Alaska" },
	{ "America/Sitka", "Alaska Time (Sitka)", "Alaska" },
	{ "America/Metlakatla", "Alaska Time (Metlakatla)", "Alaska" },
	{ "America/Yakutat", "Alaska Time (Yakutat)", "Alaska" },
	{ "America/Nome", "Alaska Time (Nome)", "Alaska" },
	{ "America/Adak", "Hawaii-Aleutian Time (Adak)", "Hawaii-Aleutian" },
	{ "Pacific/Honolulu", "Hawaii Time (Honolulu)", "Hawaii" },
	{ "America/Puerto_Rico", "Atlantic Time (Puerto Rico)", "Atlantic" },
	{ "America/St_Thomas", "Atlantic Time (U.S. Virgin Islands)",
	    "Atlantic" },
	{ "Pacific/Guam", "Chamorro Time (Guam)", "Chamorro" },
	{ "Pacific/Saipan", "Chamorro Time (Northern Mariana Islands)",
	    "Chamorro" },
	{ "Pacific/Pago_Pago", "Samoa Time (American Samoa)", "Samoa" },
	{ "Pacific/Midway", "Samoa Time (Midway Islands)", "Samoa" },
	{ "Pacific/Wake", "Wake Island Time (Wake Island)", "Wake Island" },
	{ NULL, NULL, NULL },
};

const struct pl_zone *
pl_zone_find(const char *name)
{
	for (size_t i = 0; name != NULL && pl_zones[i].name != NULL; i++)
		if (strcmp(pl_zones[i].name, name) == 0)
			return &pl_zones[i];
	return NULL;
}
